// Arrays a torch.tidy step makes, inside the plain kernel memory, so that the kernels read an
// activation where the op before wrote it instead of copying it in and out on every call.
//
// The region lies above every call's scratch (which never reaches RESIDENT_START), and the memory
// is grown to hold all of it once, before the first array is handed out: a plain memory's views are
// detached when it grows, and after that one grow it never grows again. Blocks are carved in order
// and never split or merged; a block tidy gives back is handed out again for the same size. A block
// that is never given back (its tensor was returned from the tidy, or kept) is simply never reused.
import type { KernelMemory } from "./memory.ts";

/** Where the region begins: above the control blocks and the largest scratch a call may use. */
export const RESIDENT_START = 64 * 1024 * 1024;
/** How much the region may hand out; past it, tidy's arrays are ordinary ones. */
const RESIDENT_BYTES = 256 * 1024 * 1024;
const PAGE = 65536;

/** One block of the region: what torch.tidy keys its bookkeeping on for memory that lives here. */
export interface ResidentBlock {
  readonly at: number;
  readonly bytes: number;
  readonly region: ResidentRegion;
}

/** The region each memory's buffer holds (looked up by an array's buffer). */
const regions = new WeakMap<ArrayBufferLike, ResidentRegion>();

export class ResidentRegion {
  private next = RESIDENT_START;
  /** Blocks in address order (carving only moves up), for finding the block an address is in. */
  private readonly blocks: ResidentBlock[] = [];
  private readonly free = new Map<number, ResidentBlock[]>();
  /** null: not grown yet; false: the memory could not grow (then no array is resident). */
  private ready: boolean | null = null;

  constructor(private readonly mem: KernelMemory) {}

  /** A block of at least `bytes` bytes, or null when the region is full. Not zeroed. */
  take(bytes: number): ResidentBlock | null {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const reused = this.free.get(size)?.pop();
    if (reused) return reused;
    if (this.next + size > RESIDENT_START + RESIDENT_BYTES || !this.grown()) return null;
    const block = { at: this.next, bytes: size, region: this };
    this.next += size;
    this.blocks.push(block);
    return block;
  }

  /** Gives a block back for reuse. */
  give(block: ResidentBlock): void {
    let list = this.free.get(block.bytes);
    if (!list) this.free.set(block.bytes, (list = []));
    list.push(block);
  }

  /** The block holding byte address `at`, or null. */
  blockAt(at: number): ResidentBlock | null {
    let lo = 0, hi = this.blocks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, b = this.blocks[mid]!;
      if (at < b.at) hi = mid - 1;
      else if (at >= b.at + b.bytes) lo = mid + 1;
      else return b;
    }
    return null;
  }

  private grown(): boolean {
    if (this.ready === null) {
      try {
        this.mem.growTo(RESIDENT_START + RESIDENT_BYTES);
        regions.set(this.mem.memory.buffer, this);
        this.ready = true;
      } catch {
        this.ready = false; // no room for the region here: tidy's arrays stay ordinary ones
      }
    }
    return this.ready;
  }
}

/** The resident block an array lies in, or null for an array outside every region. */
export function residentBlockOf(array: ArrayBufferView): ResidentBlock | null {
  const region = regions.get(array.buffer);
  return region ? region.blockAt(array.byteOffset) : null;
}

/** Pages to grow a memory of `have` bytes by to hold `bytes`. */
export function pagesFor(bytes: number, have: number): number {
  return Math.max(0, Math.ceil((bytes - have) / PAGE));
}
