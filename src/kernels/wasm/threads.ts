// Threads for the wasm kernels: workers that share the kernels' WebAssembly.Memory and run a part
// of a GEMM each, the calling thread running a part too. Each part is a band of rows of C that the
// same kernel computes in the same order as one thread would, so the result is the same to the bit.
//
// A worker waits on its control block (16 int32s at the start of the shared memory, one block per
// worker) with Atomics.wait; the caller writes a job's arguments there, sets the state to JOB and
// notifies, runs its own band, then waits for DONE. Workers start on the first job that wants them
// and are unref'd, so they never keep a process alive. In Node they come from worker_threads,
// reached at run time (src/runtime.ts), so this file has no static node: import.

import { builtinModule } from "../../runtime.ts";

/** Bytes at the start of the memory kept for the control blocks (enough for 15 workers). */
export const CONTROL_BYTES = 1024;
const BLOCK_INTS = 16;
/** The most workers the control blocks have room for: a larger thread count is capped to this plus the caller. */
export const MAX_WORKERS = CONTROL_BYTES / (BLOCK_INTS * 4);
const IDLE = 0, JOB = 1, DONE = 2, FAILED = 3, STARTING = 4;
/** How long a new worker may take to start before the pool gives up on threads. */
const START_TIMEOUT_MS = 10_000;

interface WorkerLike { unref(): void; postMessage(message: unknown): void }
interface WorkerThreads { Worker: new (code: string, options: { eval: true; execArgv: string[] }) => WorkerLike }

/** The worker's program: instantiate the GEMM module on the shared memory, then serve jobs. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.once("message", ({ memory, module, block }) => {
  const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctl = new Int32Array(memory.buffer, block * ${BLOCK_INTS * 4}, ${BLOCK_INTS});
  Atomics.store(ctl, 0, ${IDLE});
  Atomics.notify(ctl, 0);
  for (;;) {
    let state;
    while ((state = Atomics.load(ctl, 0)) !== ${JOB}) Atomics.wait(ctl, 0, state);
    try {
      gemm(ctl[1], ctl[2], ctl[3], ctl[4], ctl[5], ctl[6], ctl[7], ctl[8], ctl[9], ctl[10]);
      Atomics.store(ctl, 0, ${DONE});
    } catch {
      Atomics.store(ctl, 0, ${FAILED});
    }
    Atomics.notify(ctl, 0);
  }
});
`;

function workerThreads(): WorkerThreads | null {
  return builtinModule<WorkerThreads>("node:worker_threads") ?? null;
}

/** The number of cores, as PyTorch's default thread count (1 where it cannot be told). */
export function coreCount(): number {
  const os = builtinModule<{ availableParallelism?: () => number }>("node:os");
  const browser = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, os?.availableParallelism?.() ?? browser ?? 1);
}

/** Whether this runtime can run kernels on more than one thread here. */
export function threadsAvailable(): boolean {
  return typeof SharedArrayBuffer !== "undefined" && workerThreads() !== null;
}

export type GemmArgs = [transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number, work: number];

export class ThreadPool {
  private readonly workers: WorkerLike[] = [];
  private readonly blocks: Int32Array[] = [];
  /** Set when a worker could not be started: from then on everything runs on the calling thread. */
  private broken = false;

  constructor(private readonly memory: WebAssembly.Memory, private readonly gemmModule: WebAssembly.Module) {}

  /** Makes sure `count` workers are running; false if they cannot be had here. */
  private ensure(count: number): boolean {
    if (this.broken) return false;
    const threads = workerThreads();
    if (!threads) return this.giveUp("this runtime has no worker_threads");
    while (this.workers.length < count) {
      const block = this.workers.length;
      if (block >= MAX_WORKERS) throw new Error(`ThreadPool: at most ${MAX_WORKERS} workers, asked for ${count}`);
      const ctl = new Int32Array(this.memory.buffer, block * BLOCK_INTS * 4, BLOCK_INTS);
      Atomics.store(ctl, 0, STARTING);
      // execArgv: [] so the worker neither loads the parent's loaders (tsx) nor reads its
      // --input-type: the worker's source is plain CommonJS.
      const worker = new threads.Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
      worker.unref();
      worker.postMessage({ memory: this.memory, module: this.gemmModule, block });
      if (Atomics.wait(ctl, 0, STARTING, START_TIMEOUT_MS) === "timed-out" && Atomics.load(ctl, 0) === STARTING) {
        return this.giveUp(`a worker thread did not start within ${START_TIMEOUT_MS / 1000} s`);
      }
      this.workers.push(worker);
      this.blocks.push(ctl);
    }
    return true;
  }

  private giveUp(why: string): false {
    this.broken = true;
    console.warn(`torchlet: ${why}; the kernels run on one thread`);
    return false;
  }

  /** Runs the GEMM calls `jobs[1..]` on workers and `jobs[0]` with `runHere`, and returns when all
   *  are done; or, where workers cannot be had, all of them with `runHere`. */
  run(jobs: readonly GemmArgs[], runHere: (args: GemmArgs) => void): void {
    if (!this.ensure(jobs.length - 1)) {
      jobs.forEach(runHere);
      return;
    }
    jobs.slice(1).forEach((args, i) => {
      const ctl = this.blocks[i]!;
      args.forEach((v, j) => (ctl[j + 1] = v));
      Atomics.store(ctl, 0, JOB);
      Atomics.notify(ctl, 0);
    });
    runHere(jobs[0]!);
    let failed = false;
    for (let i = 0; i < jobs.length - 1; i++) {
      const ctl = this.blocks[i]!;
      let state;
      while ((state = Atomics.load(ctl, 0)) === JOB) Atomics.wait(ctl, 0, JOB);
      if (state === FAILED) failed = true;
      Atomics.store(ctl, 0, IDLE);
    }
    if (failed) throw new Error("a worker thread failed in the GEMM kernel");
  }
}

// ---- how many threads the kernels use ----

/** How many threads a large GEMM is split over (the calling thread included): torch.setNumThreads. */
let threads = threadsAvailable() ? coreCount() : 1;
/** Products smaller than this many multiply-adds stay on one thread: waking a worker costs more. */
export const PARALLEL_MACS = 1 << 22;
/** The fewest rows of C a thread's band may have: each thread packs all of B for its band, so thin
 *  bands spend more time packing than multiplying (measured: 16 rows split in two ran 0.85x). */
export const BAND_ROWS = 32;

let warnedNoThreads = false;
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected a whole number of threads >= 1, got ${n}`);
  // As PyTorch, any count is taken; where threads cannot be had, say once that work stays on one.
  if (n > 1 && !threadsAvailable() && !warnedNoThreads) {
    warnedNoThreads = true;
    console.warn(`setNumThreads(${n}): this runtime has no SharedArrayBuffer or no worker threads, so the kernels run on one thread`);
  }
  threads = n;
}
export function getThreads(): number {
  return threads;
}

let splitCalls = 0;
/** Counts a GEMM call split over threads. */
export function noteSplit(): void {
  splitCalls++;
}
/** How many GEMM calls have been split over threads so far (tests check that a split happened). */
export function parallelGemmCalls(): number {
  return splitCalls;
}
