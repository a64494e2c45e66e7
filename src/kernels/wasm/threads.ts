// Threads for the wasm kernels: workers that share the kernels' WebAssembly.Memory and run a part
// of a GEMM each, the calling thread running a part too. Each part is a band of rows of C that the
// same kernel computes in the same order as one thread would, so the result is the same to the bit.
//
// A worker waits on its control block (16 int32s at the start of the shared memory, one block per
// worker) with Atomics.wait; the caller writes a job's arguments there, sets the state to JOB and
// notifies, runs its own band, then waits for DONE. In Node, workers come from worker_threads
// (reached at run time, src/runtime.ts, so this file has no static node: import), start on the
// first job that wants them and are unref'd, so they never keep a process alive. In a browser they
// are Web Workers, which only a cross-origin isolated page may share memory with, and which start
// only while the thread that made them is free: prepareThreads() starts them ahead, asynchronously,
// from a worker (a page's main thread may not wait with Atomics.wait at all).

import { builtinModule } from "../../runtime.ts";

/** Bytes at the start of the memory kept for the control blocks (enough for 15 workers). */
export const CONTROL_BYTES = 1024;
const BLOCK_INTS = 16;
/** The most workers the control blocks have room for: a larger thread count is capped to this plus the caller. */
export const MAX_WORKERS = CONTROL_BYTES / (BLOCK_INTS * 4);
const IDLE = 0, JOB = 1, DONE = 2, FAILED = 3, STARTING = 4;
/** How long a new worker may take to start before the pool gives up on threads. */
const START_TIMEOUT_MS = 10_000;

interface WorkerLike { unref?(): void; postMessage(message: unknown): void }
interface WorkerThreads { Worker: new (code: string, options: { eval: true; execArgv: string[] }) => WorkerLike }

/** A worker's loop, once it has the memory, the module and its block (the same text in Node and in a browser). */
const SERVE = `
function serve({ memory, module, block }) {
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
}
`;
const NODE_WORKER = `${SERVE}\nrequire("node:worker_threads").parentPort.once("message", serve);`;
const WEB_WORKER = `${SERVE}\nself.onmessage = (event) => { self.onmessage = null; serve(event.data); };`;

interface WebWorkerGlobals {
  Worker?: new (url: string) => WorkerLike;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL: { createObjectURL?(blob: unknown): string };
  crossOriginIsolated?: boolean;
}
const web = globalThis as unknown as WebWorkerGlobals;

/** How this runtime makes a worker thread: Node's worker_threads, a browser's Web Worker, or none.
 *  Found once (the runtime does not change), since getThreads() asks on every product. */
let maker: (() => WorkerLike) | null | undefined;
function workerMaker(): (() => WorkerLike) | null {
  if (maker === undefined) maker = findWorkerMaker();
  return maker;
}
function findWorkerMaker(): (() => WorkerLike) | null {
  const node = workerThreads();
  // execArgv: [] so the worker neither loads the parent's loaders (tsx) nor reads its
  // --input-type: the worker's source is plain CommonJS.
  if (node) return () => new node.Worker(NODE_WORKER, { eval: true, execArgv: [] });
  if (web.Worker && web.Blob && web.URL.createObjectURL && web.crossOriginIsolated === true) {
    const url = web.URL.createObjectURL(new web.Blob([WEB_WORKER], { type: "text/javascript" }));
    return () => new web.Worker!(url);
  }
  return null;
}

/** Why this runtime cannot have threads here, or null when it can (found once). */
let noThreadsReason: string | null | undefined;
export function whyNoThreads(): string | null {
  if (noThreadsReason === undefined) noThreadsReason = findWhyNoThreads();
  return noThreadsReason;
}
function findWhyNoThreads(): string | null {
  if (typeof SharedArrayBuffer === "undefined") {
    return web.crossOriginIsolated === false
      ? "this page is not cross-origin isolated (it needs the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so it has no SharedArrayBuffer"
      : "this runtime has no SharedArrayBuffer";
  }
  if ((globalThis as { document?: unknown }).document !== undefined) {
    return "this is a page's main thread, which may not wait for other threads (Atomics.wait): run the model in a Web Worker";
  }
  if (workerMaker() === null) return "this runtime has no worker threads";
  return null;
}

/** Whether workers can be started on the spot (Node) rather than only ahead with prepare() (a browser). */
let onTheSpot: boolean | undefined;
const startsOnTheSpot = () => (onTheSpot ??= workerThreads() !== null);
/** Workers prepare() has started in a browser, for getThreads() to count. */
let preparedWorkers = 0;

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
  return whyNoThreads() === null;
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
    if (this.workers.length >= count) return true;
    if (!startsOnTheSpot()) return false; // a browser: only the workers prepare() started (getThreads() says so)
    const make = workerMaker();
    if (!make) return this.giveUp(whyNoThreads() ?? "this runtime has no worker threads");
    while (this.workers.length < count) {
      const ctl = this.startOne(make);
      if (Atomics.wait(ctl, 0, STARTING, START_TIMEOUT_MS) === "timed-out" && Atomics.load(ctl, 0) === STARTING) {
        return this.giveUp(`a worker thread did not start within ${START_TIMEOUT_MS / 1000} s`);
      }
      this.blocks.push(ctl);
    }
    return true;
  }

  /** Starts `count` workers without blocking this thread while they start (a browser's workers
   *  start only while their maker's thread is free); resolves to how many are running. */
  async prepare(count: number): Promise<number> {
    const make = this.broken ? null : workerMaker();
    if (!make) return this.workers.length;
    while (this.workers.length < Math.min(count, MAX_WORKERS)) {
      const ctl = this.startOne(make);
      const started = performance.now();
      while (Atomics.load(ctl, 0) === STARTING) {
        if (performance.now() - started > START_TIMEOUT_MS) {
          this.giveUp(`a worker thread did not start within ${START_TIMEOUT_MS / 1000} s`);
          return 0;
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      this.blocks.push(ctl);
    }
    if (!startsOnTheSpot()) preparedWorkers = this.workers.length;
    return this.workers.length;
  }

  private startOne(make: () => WorkerLike): Int32Array {
    const block = this.workers.length;
    if (block >= MAX_WORKERS) throw new Error(`ThreadPool: at most ${MAX_WORKERS} workers, asked for ${block + 1}`);
    const ctl = new Int32Array(this.memory.buffer, block * BLOCK_INTS * 4, BLOCK_INTS);
    Atomics.store(ctl, 0, STARTING);
    const worker = make();
    worker.unref?.();
    worker.postMessage({ memory: this.memory, module: this.gemmModule, block });
    this.workers.push(worker);
    return ctl;
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
  // As PyTorch, any count is taken; where threads cannot be had, say once why work stays on one.
  const why = whyNoThreads();
  if (n > 1 && why !== null && !warnedNoThreads) {
    warnedNoThreads = true;
    console.warn(`setNumThreads(${n}): ${why}, so the kernels run on one thread`);
  }
  threads = n;
}

/** The count setThreads asked for. */
export function requestedThreads(): number {
  return threads;
}

/** How many threads a large product runs on now: the count asked for where threads can be had (in a
 *  browser, as many as prepare() has started), else 1. */
export function getThreads(): number {
  if (!threadsAvailable()) return 1;
  return startsOnTheSpot() ? threads : Math.min(threads, preparedWorkers + 1);
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
