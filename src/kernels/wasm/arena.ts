// Long-lived float32 arrays inside the kernels' shared memory: parameters, their gradients and an
// optimiser's buffers. A kernel reads and writes such an array where it is, by its address, instead
// of copying it in and out on every call (the copies cost the chapter-07 MLP's step more than the
// update itself).
//
// The arena sits above every call's scratch region, from ARENA_START up, and is handed out in
// order. It is never given back: a view of a parameter (weight.get(0), a reshape) may outlive the
// parameter, and reusing its block would make two tensors share memory. So the arena is bounded:
// once ARENA_BYTES are handed out, and for any array over LARGEST_BYTES, callers get ordinary
// arrays (correct, only copied in and out again). Only a shared memory can hold such arrays: its
// views stay valid when it grows, while a plain memory's views are detached.

/** Where the arena begins: above the control blocks and the largest scratch region a call may use. */
export const ARENA_START = 64 * 1024 * 1024;
/** The most the arena hands out, and the largest array it takes. */
const ARENA_BYTES = 64 * 1024 * 1024;
const LARGEST_BYTES = 4 * 1024 * 1024;
const PAGE = 65536;

export class Arena {
  /** The next free byte. */
  private next = ARENA_START;
  /** The buffers views were made on: memory.buffer is a new object after each grow. */
  private readonly buffers = new Set<ArrayBufferLike>();

  constructor(private readonly memory: WebAssembly.Memory) {}

  /** A zeroed Float32Array of `length` in the arena, or null when it is full or the array too large. */
  alloc(length: number): Float32Array | null {
    const bytes = Math.max(16, Math.ceil((length * 4) / 16) * 16);
    if (bytes > LARGEST_BYTES || this.next + bytes > ARENA_START + ARENA_BYTES) return null;
    const at = this.next;
    this.next += bytes;
    const have = this.memory.buffer.byteLength;
    if (at + bytes > have) this.memory.grow(Math.ceil((at + bytes - have) / PAGE));
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new Float32Array(buffer, at, length); // fresh pages of a memory are zero
  }

  /** The byte address of `array` if it lies in the arena, else -1. */
  addressOf(array: ArrayBufferView): number {
    return this.buffers.has(array.buffer) && array.byteOffset >= ARENA_START ? array.byteOffset : -1;
  }

  /** Bytes handed out so far. */
  used(): number {
    return this.next - ARENA_START;
  }
}
