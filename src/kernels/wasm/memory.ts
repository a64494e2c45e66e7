// A WebAssembly.Memory the kernels' .wat modules are instantiated on, and how a call uses it.
//
// A call lays out its operands from the end of the threads' control blocks up (Layout, 16-byte
// aligned), copies them in, runs, and copies the result out: the copies are O(n) against an
// O(n^1.5)-or-more kernel. A Memory can grow but never shrink, so no call may take more than the
// budget: work that needs more is cut into pieces by its binding. Long-lived arrays (parameters,
// their gradients, SGD's buffers) can live in the memory itself, in the arena above every call's
// scratch (arena.ts), and the kernels use those where they are.
//
// Where threads can be had the GEMM's memory is shared: its views stay valid when it grows (a plain
// memory's are detached), which is what lets workers and the arena use it. The kernels that use
// neither get a second, plain memory (index.ts), because copies into a shared one are slower.
import { assemble } from "./assembler.ts";
import { ARENA_START, Arena } from "./arena.ts";
import { RESIDENT_START, ResidentRegion, pagesFor } from "./resident.ts";
import { CONTROL_BYTES, threadsAvailable } from "./threads.ts";

const PAGE = 65536;
/** 1 GiB of address space, reserved rather than used: the budget keeps calls small. */
const MAX_PAGES = 16384;

/** The most memory any call may use (16 MiB). Work that needs more is done in pieces. Pieces cost
 *  one thread nothing measurable, but two threads split each piece's GEMM into bands that each pack
 *  all of B: a 1024x1024 product on two threads fits whole (14 MiB), and in 8 MiB pieces it ran
 *  ~5 % slower. Chapter 11's large convolutions take ~15 MB more at their peak than with 8 MiB. */
let budget = 16 * 1024 * 1024;

export function memoryBudget(): number {
  return budget;
}

/** Changes the budget (tests use a small one to make every call work in pieces); returns the old one. */
export function setMemoryBudget(bytes: number): number {
  if (CONTROL_BYTES + bytes > ARENA_START) throw new Error(`setMemoryBudget: at most ${ARENA_START - CONTROL_BYTES} bytes (the arena starts above), got ${bytes}`);
  const old = budget;
  budget = bytes;
  return old;
}

/** Bytes `floats` float32s take, rounded up to the 16-byte boundary every region starts on. */
export function regionBytes(floats: number): number {
  return Math.ceil((floats * 4) / 16) * 16;
}

/** Lays out a call's regions after the control blocks; every region starts on a 16-byte boundary. */
export class Layout {
  /** Where every call's regions begin: after the threads' control blocks. */
  static readonly START = CONTROL_BYTES;
  end = CONTROL_BYTES;
  /** Reserve room for `floats` float32s; returns the byte address. */
  take(floats: number): number {
    const at = this.end;
    this.end = at + regionBytes(floats);
    return at;
  }
}

export function tooLarge(what: string, bytes: number): Error {
  return new Error(
    `wasm ${what} needs ${bytes} bytes of WebAssembly memory even in its smallest piece, more than the ` +
      `${budget}-byte budget; use a smaller batch or input, or setBackend("js")`,
  );
}

/** The largest count in 1..total whose `bytes(count)` fits the budget (0 if even 1 does not). */
export function largestFitting(total: number, bytes: (count: number) => number): number {
  let lo = 0, hi = total;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytes(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class KernelMemory {
  /** Whether this memory is shared: by default where threads can be had. */
  readonly shared: boolean;
  readonly memory: WebAssembly.Memory;
  /** Long-lived arrays, where the memory is shared (else null). */
  readonly arena: Arena | null;
  /** torch.tidy's arrays, where the memory is plain (else null): see resident.ts. */
  readonly resident: ResidentRegion | null;
  /** A float32 view of the whole memory, made again when the memory grows. */
  heap: Float32Array;

  constructor({ shared = threadsAvailable() }: { shared?: boolean } = {}) {
    this.shared = shared;
    this.memory = shared
      ? new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true })
      : new WebAssembly.Memory({ initial: 16 });
    this.arena = shared ? new Arena(this.memory) : null;
    this.resident = shared ? null : new ResidentRegion(this);
    this.heap = new Float32Array(this.memory.buffer);
  }

  /** Assembles a .wat module for this memory (imported as env.memory, shared where it is). */
  compile(text: string, name: string): WebAssembly.Module {
    return new WebAssembly.Module(assemble(text, name, this.shared ? { sharedMemory: { maximum: MAX_PAGES } } : {}));
  }

  /** Compiles and instantiates a .wat module on this memory; returns its exports. */
  instantiate<T>(text: string, name: string): T {
    return this.instance<T>(this.compile(text, name));
  }

  instance<T>(module: WebAssembly.Module): T {
    return new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as T;
  }

  /** Makes sure the memory holds `bytes` bytes (the control blocks plus at most the budget); returns the view. */
  reserve(bytes: number): Float32Array {
    if (bytes - CONTROL_BYTES > budget) throw tooLarge("kernel", bytes - CONTROL_BYTES);
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.heap.buffer !== this.memory.buffer) this.heap = new Float32Array(this.memory.buffer);
    return this.heap;
  }

  /** Grows the memory to hold `bytes` bytes (the resident region's one grow). */
  growTo(bytes: number): void {
    this.memory.grow(pagesFor(bytes, this.memory.buffer.byteLength));
    this.heap = new Float32Array(this.memory.buffer);
  }

  /** The byte address of an array that lives in this memory's arena or resident region (16-byte
   *  aligned, so a kernel's last vector stays inside its block), or -1 for one to copy in. */
  addressOf(a: Float32Array | Int32Array): number {
    if (this.arena) return a instanceof Float32Array ? this.arena.addressOf(a) : -1;
    return a.buffer === this.memory.buffer && a.byteOffset >= RESIDENT_START && a.byteOffset % 16 === 0 ? a.byteOffset : -1;
  }

  /** Whether every one of `arrays` lives in this memory, so a kernel can run on them where they are. */
  allResident(arrays: readonly (Float32Array | Int32Array)[]): boolean {
    for (const a of arrays) if (this.addressOf(a) < 0) return false;
    return true;
  }

  /** An array for torch.tidy in the resident region (zeroed if asked), or null where there is none or no room. */
  scopedArray<A extends Float32Array | Int32Array>(type: new (buffer: ArrayBufferLike, at: number, length: number) => A, length: number, zeroed: boolean): A | null {
    const block = this.resident?.take(length * 4);
    if (!block) return null;
    const array = new type(this.memory.buffer, block.at, length);
    if (zeroed) array.fill(0);
    return array;
  }

  /** Runs an elementwise kernel over arrays of one length in pieces that fit the budget: each piece
   *  of the arrays in `read` is copied in, `run(at, count)` runs with `at(array)` giving that
   *  array's address in the piece, and the pieces of the arrays in `write` are copied back. An
   *  array updated in place is in both lists (one region). */
  inPieces(read: readonly Float32Array[], write: readonly Float32Array[], run: (at: (array: Float32Array) => number, count: number) => void): void {
    const arrays = read.concat(write.filter((y) => !read.includes(y)));
    const n = arrays[0]?.length ?? 0;
    if (this.allResident(arrays)) return run((x) => this.addressOf(x), n); // where they are: no copies
    const piece = Math.max(4, Math.floor(budget / (16 * arrays.length)) * 4); // floats per array per piece
    const regions = new Array<number>(arrays.length);
    const at = (x: Float32Array) => regions[arrays.indexOf(x)]!;
    for (let start = 0; start < n; start += piece) {
      const count = Math.min(piece, n - start);
      const L = new Layout();
      for (let i = 0; i < arrays.length; i++) regions[i] = L.take(count);
      const h = this.reserve(L.end);
      for (const x of read) h.set(x.subarray(start, start + count), at(x) / 4);
      run(at, count);
      for (const y of write) y.set(h.subarray(at(y) / 4, at(y) / 4 + count), start);
    }
  }
}
