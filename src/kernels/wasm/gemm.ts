// The binding of gemm.wat: c = op(a)·op(b) on Float32Arrays. Operands are copied into the memory
// (or used where they are when they live in the arena), a product too large for the budget runs in
// blocks of c, and a large one is split into bands of rows of c over the threads.
import { BAND_ROWS, MAX_WORKERS, PARALLEL_MACS, ThreadPool, getThreads, noteSplit, type GemmArgs } from "./threads.ts";
import { KernelMemory, Layout, largestFitting, memoryBudget, regionBytes, tooLarge } from "./memory.ts";
import { relaxedGemmText } from "./relaxed.ts";
import { gemmWat } from "./wat.generated.ts";

type I = number; // an i32 argument: a count, a flag, or a byte address in the shared memory
interface GemmExports {
  gemm(...args: GemmArgs): void;
  /** gemm.wat's own numbers: rows of A per cache block, and the scratch a call needs. */
  block_rows(): I;
  work_bytes(n: I, k: I): I;
}

export class GemmBinding {
  /** The compiled module, which the threads' workers instantiate too. */
  readonly module: WebAssembly.Module;
  private readonly kernel: GemmExports;
  private readonly pool: ThreadPool | null;

  constructor(private readonly mem: KernelMemory, relaxed: boolean) {
    this.module = relaxed ? mem.compile(relaxedGemmText(gemmWat), "gemm.wat (relaxed)") : mem.compile(gemmWat, "gemm.wat");
    this.kernel = mem.instance<GemmExports>(this.module);
    this.pool = mem.shared ? new ThreadPool(mem.memory, this.module) : null;
  }

  /** Starts the workers for `count` threads ahead; resolves to how many threads there are. */
  async prepareThreads(count: number): Promise<number> {
    return this.pool ? (await this.pool.prepare(count - 1)) + 1 : 1;
  }

  /** Bytes of scratch gemm.wat's gemm needs for an n-column, depth-k product. */
  workBytes(n: number, k: number): number {
    return this.kernel.work_bytes(n, k);
  }

  /** How many threads gemm runs on for this product: several only when it is large and A is stored
   *  row by row (a band of rows of C is then a band of rows of A). */
  threadsFor(m: number, n: number, k: number, transA = 0): number {
    if (!this.pool || transA || m * n * k < PARALLEL_MACS) return 1;
    return Math.max(1, Math.min(getThreads(), MAX_WORKERS + 1, Math.floor(m / BAND_ROWS)));
  }

  /** Scratch floats for that many gemm calls at once: one work region each, side by side. */
  workFloats(m: number, n: number, k: number, transA = 0): number {
    return (this.workBytes(n, k) / 4) * this.threadsFor(m, n, k, transA);
  }

  /** gemm.wat's gemm on operands already in the memory, split into bands of rows of C over the
   *  threads. Every element of C is computed by the same instructions in the same order whatever
   *  the split: the same bits. */
  run(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number, work: number): void {
    const threads = this.threadsFor(m, n, k, transA);
    if (!this.pool || threads < 2) return this.kernel.gemm(transA, transB, m, n, k, a, b, c, accumulate, work);
    const band = Math.ceil(m / threads / 4) * 4;
    noteSplit();
    const jobs: GemmArgs[] = [];
    for (let t = 0, r0 = 0; r0 < m; t++, r0 += band) {
      const rows = Math.min(band, m - r0);
      jobs.push([0, transB, rows, n, k, a + r0 * k * 4, b, c + r0 * n * 4, accumulate, work + t * this.workBytes(n, k)]);
    }
    this.pool.run(jobs, (args) => this.kernel.gemm(...args));
  }

  /** c = op(a)·op(b), in blocks of c (columns first, then rows) whose operands fit the budget. */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean,
  ): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const bytes = (rows: number, cols: number) =>
      regionBytes(k * cols) + regionBytes(rows * k) + regionBytes(rows * cols) + regionBytes(this.workFloats(rows, cols, k, +transA));
    const whole = bytes(m, n) <= memoryBudget(); // the usual case: one block
    // Columns so that MC rows for each thread still fit beside them (gemm.wat packs B once per call,
    // and each thread's band is a call, so a band of a few rows would repack B for little work); one
    // row where not even that fits. The blocks are then evened out, so that none is a thin remainder.
    const fewRows = Math.min(m, this.kernel.block_rows() * this.threadsFor(m, n, k, +transA));
    const cols = whole ? n : evenBlocks(n, largestFitting(n, (nb) => bytes(fewRows, nb)) || largestFitting(n, (nb) => bytes(1, nb)));
    const rows = whole ? m : cols === 0 ? 0 : evenBlocks(m, largestFitting(m, (mb) => bytes(mb, cols)));
    if (rows === 0) throw tooLarge(`matmul (${m}x${k} by ${k}x${n})`, bytes(1, 1));
    // In one block, an operand that lives in the memory already (arena.ts) is used where it is.
    const [aHome, bHome, cHome] = whole ? [this.mem.addressOf(a), this.mem.addressOf(b), this.mem.addressOf(c)] : [-1, -1, -1];
    const L = new Layout();
    const bAt = bHome >= 0 ? bHome : L.take(k * cols), aAt = aHome >= 0 ? aHome : L.take(rows * k);
    const cAt = cHome >= 0 ? cHome : L.take(rows * cols), work = L.take(this.workFloats(rows, cols, k, +transA));
    const h = this.mem.reserve(L.end);
    for (let j0 = 0; j0 < n; j0 += cols) {
      const nb = Math.min(cols, n - j0);
      // op(b)'s columns j0..j0+nb: rows of b when it is stored n×k, pieces of each row when k×n
      if (bHome < 0) {
        if (transB) h.set(b.subarray(j0 * k, (j0 + nb) * k), bAt / 4);
        else if (nb === n) h.set(b.subarray(0, k * n), bAt / 4); // all columns: one piece
        else for (let p = 0; p < k; p++) h.set(b.subarray(p * n + j0, p * n + j0 + nb), bAt / 4 + p * nb);
      }
      for (let i0 = 0; i0 < m; i0 += rows) {
        const mb = Math.min(rows, m - i0);
        if (aHome < 0) {
          if (!transA) h.set(a.subarray(i0 * k, (i0 + mb) * k), aAt / 4);
          else if (mb === m) h.set(a.subarray(0, k * m), aAt / 4); // all rows: one piece
          else for (let p = 0; p < k; p++) h.set(a.subarray(p * m + i0, p * m + i0 + mb), aAt / 4 + p * mb); // a is k×m
        }
        if (accumulate && cHome < 0) for (let i = 0; i < mb; i++) h.set(c.subarray((i0 + i) * n + j0, (i0 + i) * n + j0 + nb), cAt / 4 + i * nb);
        this.run(+transA, +transB, mb, nb, k, aAt, bAt, cAt, +accumulate, work);
        if (cHome < 0) {
          if (nb === n) c.set(h.subarray(cAt / 4, cAt / 4 + mb * n), i0 * n);
          else for (let i = 0; i < mb; i++) c.set(h.subarray(cAt / 4 + i * nb, cAt / 4 + (i + 1) * nb), (i0 + i) * n + j0);
        }
      }
    }
  }
}

/** The size of the blocks `total` is cut into when a block may hold at most `most`: as many blocks
 *  as `most` needs, all of about the same size (0 when `most` is 0). */
function evenBlocks(total: number, most: number): number {
  return most === 0 ? 0 : Math.ceil(total / Math.ceil(total / most));
}
