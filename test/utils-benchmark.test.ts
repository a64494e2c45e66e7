// medianTime on an injected clock: each call "takes" a set number of milliseconds of fake time, so
// every count below is exact and nothing depends on how loaded the machine is.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";

const { medianTime } = torch.utils.benchmark;

/** A fake clock and a call that advances it by `durations[i]` ms on its i-th run (the last one
 *  repeats), counting its calls and when each started. */
function fakeCall(...durations: number[]) {
  let t = 0;
  const starts: number[] = [];
  const f = () => {
    starts.push(t);
    t += durations[Math.min(starts.length - 1, durations.length - 1)]!;
  };
  return { f, now: () => t, starts, calls: () => starts.length };
}

test("medianTime: `warmup` untimed calls, then `minRuns` timed ones when minMs is already met", () => {
  const c = fakeCall(0);
  const t = medianTime(c.f, { warmup: 3, minRuns: 5, minMs: 0, now: c.now });
  assert.is(t.runs, 5);
  assert.is(c.calls(), 3 + 5);
});

test("medianTime: warmupMs keeps warming up until that much time has gone, whatever `warmup` says", () => {
  const c = fakeCall(2);
  const t = medianTime(c.f, { warmup: 1, warmupMs: 30, minRuns: 3, minMs: 0, now: c.now });
  assert.is(t.runs, 3);
  assert.is(c.calls() - 3, 15, "30 ms of 2 ms calls: 15 warm-up calls");
  assert.is(c.starts[15], 30, "the first timed call starts when 30 ms have gone");
  assert.is(t.medianMs, 2);
});

test("medianTime: timed calls go on until minMs, capped at maxRuns; the median ignores outliers", () => {
  const c = fakeCall(1);
  assert.is(medianTime(c.f, { warmup: 0, minRuns: 1, minMs: 10, now: c.now }).runs, 10);
  const d = fakeCall(1);
  assert.is(medianTime(d.f, { warmup: 0, minRuns: 1, minMs: 1000, maxRuns: 4, now: d.now }).runs, 4);
  const e = fakeCall(50, 1, 1, 90, 1);
  assert.equal(medianTime(e.f, { warmup: 0, minRuns: 5, minMs: 0, now: e.now }), { medianMs: 1, runs: 5 });
  const even = fakeCall(1, 3, 5, 7);
  assert.equal(medianTime(even.f, { warmup: 0, minRuns: 4, minMs: 0, now: even.now }), { medianMs: 4, runs: 4 });
});

test.run();
