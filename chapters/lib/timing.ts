// Timing for `npm run bench` and chapter 14: the median of several timed calls after warm-up calls.
// A median, because on a shared machine a few calls are always slowed by something else.

export interface Timing { medianMs: number; runs: number }
export interface TimingOptions { warmup?: number; minRuns?: number; maxRuns?: number; minMs?: number }

/** Median wall time of fn() in ms: `warmup` untimed calls, then at least `minRuns` timed calls and
 *  at least `minMs` of timed calls (capped at `maxRuns`). */
export function medianTime(fn: () => void, { warmup = 2, minRuns = 5, maxRuns = 200, minMs = 300 }: TimingOptions = {}): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  let total = 0;
  while (times.length < maxRuns && (times.length < minRuns || total < minMs)) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    times.push(dt);
    total += dt;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs, runs: times.length };
}
