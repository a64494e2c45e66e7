// torch.utils.benchmark.medianTime: the median of several timed calls after warm-up calls, as
// `npm run bench` and chapters 14 and 15 time kernels and training steps. A median, because on a
// shared machine a few calls are always slowed by something else. (PyTorch's module of this name
// has a Timer class instead; this is the one function the library needs.)

/** A median time in milliseconds, and how many timed calls it came from. */
export interface Timing { medianMs: number; runs: number }
/** medianTime's options: at least `warmup` untimed calls and `warmupMs` of them, then at least
 *  minRuns and minMs of timed calls, at most maxRuns. */
export interface TimingOptions {
  warmup?: number; warmupMs?: number; minRuns?: number; maxRuns?: number; minMs?: number;
  /** The clock, in milliseconds (performance.now by default; a test passes its own). */
  now?: () => number;
}

/** Median wall time of fn() in ms: untimed warm-up calls (at least `warmup` of them and at least
 *  `warmupMs` of them), then at least `minRuns` timed calls and at least `minMs` of timed calls
 *  (capped at `maxRuns`). */
export function medianTime(fn: () => void, { warmup = 2, warmupMs = 0, minRuns = 5, maxRuns = 200, minMs = 300, now = () => performance.now() }: TimingOptions = {}): Timing {
  const warmupStart = now();
  for (let i = 0; i < warmup || now() - warmupStart < warmupMs; i++) fn();
  const times: number[] = [];
  let total = 0;
  while (times.length < maxRuns && (times.length < minRuns || total < minMs)) {
    const t0 = now();
    fn();
    const dt = now() - t0;
    times.push(dt);
    total += dt;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs, runs: times.length };
}
