import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";

const { medianTime } = torch.utils.benchmark;

/** A call that takes `ms` milliseconds of wall time (a busy wait), counting how often it ran. */
function busy(ms: number) {
  const f = () => {
    f.calls++;
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  f.calls = 0;
  return f;
}

test("medianTime: `warmup` untimed calls, then `minRuns` timed ones when minMs is already met", () => {
  const f = busy(0);
  const t = medianTime(f, { warmup: 3, minRuns: 5, minMs: 0 });
  assert.is(t.runs, 5);
  assert.is(f.calls, 3 + 5);
});

test("medianTime: warmupMs keeps warming up until that much time has gone, whatever `warmup` says", () => {
  const starts: number[] = [];
  const f = busy(2);
  const t = medianTime(() => (starts.push(performance.now()), f()), { warmup: 1, warmupMs: 30, minRuns: 3, minMs: 0 });
  assert.is(t.runs, 3);
  const warmups = f.calls - 3;
  assert.ok(warmups >= 2 && warmups <= 16, `30 ms of 2 ms calls is at most 15 warm-up calls and more than one, got ${warmups}`);
  assert.ok(starts[warmups]! - starts[0]! >= 30, "the first timed call starts 30 ms or more after the first warm-up call");
  assert.ok(t.medianMs >= 2, `each call takes 2 ms, the median says ${t.medianMs}`);
});

test("medianTime: timed calls go on until minMs, capped at maxRuns", () => {
  const f = busy(1);
  assert.ok(medianTime(f, { warmup: 0, minRuns: 1, minMs: 10 }).runs >= 9);
  assert.is(medianTime(busy(1), { warmup: 0, minRuns: 1, minMs: 1000, maxRuns: 4 }).runs, 4);
});

test.run();
