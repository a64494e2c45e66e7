// Chapter 14 runs on small settings (GEMM up to n = 64) and must show what it claims: the add4
// module assembled from text and computing four sums, both backends agreeing to float32 rounding on
// matmul, its backward and the convolutions, the same losses from both, and a timing table.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { has, lines, runChapter } from "./run-chapter.ts";

const run = runChapter("14-simd-kernels", ["--limit", "64"]);

/** The numbers of the line that starts with `start` (after it). */
function numbersAfter(out: string, start: string): number[] {
  const line = lines(out).find((l) => l.startsWith(start));
  assert.ok(line, `no line starting ${JSON.stringify(start)} in:\n${out}`);
  return [...line.slice(start.length).matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));
}

test("14: one f32x4.add in a module assembled from text", async () => {
  const out = await run;
  assert.match(out, /^assembled \d+ bytes; valid: true$/m);
  has(out, "a + b:   [ 11, 22, 33, 44 ] (one f32x4.add)");
  assert.match(out, /f32x4\.mul {2}f32x4\.add {2}local\.set \$c00/); // the micro-kernel's lines are shown
});

test("14: js and wasm agree to float32 rounding on matmul, its backward and conv2d", async () => {
  const out = await run;
  for (const start of ["A @ B ", "A @ v ", "batch @ B "]) {
    const [relative] = numbersAfter(out, start).slice(-1);
    assert.ok(relative! < 1e-5, `${start}: ${relative}`);
  }
  for (const d of numbersAfter(out, "backward   dA:")) assert.ok(d < 1e-5, `backward: ${d}`);
  for (const layer of ["conv1 ", "conv2 "]) {
    const diffs = numbersAfter(out, layer).slice(-3);
    assert.is(diffs.length, 3);
    for (const d of diffs) assert.ok(d < 1e-5, `${layer}: ${d}`);
  }
});

test("14: the same losses from both backends, a GEMM row, images per second", async () => {
  const out = await run;
  assert.equal(numbersAfter(out, "  js: "), numbersAfter(out, "  wasm: "));
  const [jsMs, jsRate, wasmMs, wasmRate, speedUp] = numbersAfter(out, "   64 "); // the row of n = 64
  // every figure follows from the two times it prints (no assertion on how fast anything is)
  const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 0.02 * Math.abs(b) + 0.01, `${what}: ${a} against ${b}`);
  near(jsRate!, (2 * 64 ** 3) / (jsMs! * 1e6), "js GFLOP/s = 2n³ / time");
  near(wasmRate!, (2 * 64 ** 3) / (wasmMs! * 1e6), "wasm GFLOP/s = 2n³ / time");
  near(speedUp!, jsMs! / wasmMs!, "speed-up = js time / wasm time");
  const step = /^js: +([\d.]+) ms a step, (\d+) images\/s\nwasm: ([\d.]+) ms a step, (\d+) images\/s \(([\d.]+)x\)$/m.exec(out);
  assert.ok(step, "the training-step lines");
  const [stepJs, imagesJs, stepWasm, imagesWasm, stepSpeedUp] = step.slice(1).map(Number) as [number, number, number, number, number];
  near(imagesJs, 20_000 / stepJs, "js images/s = batch / time");
  near(imagesWasm, 20_000 / stepWasm, "wasm images/s = batch / time");
  near(stepSpeedUp, stepJs / stepWasm, "training speed-up = js time / wasm time");
});

test("14: two threads give the same bits as one on a split GEMM", async () => {
  const out = await run;
  assert.match(out, /^ {2}1 thread: {2}[\d.]+ ms$/m);
  assert.match(out, /^ {2}2 threads: [\d.]+ ms \([\d.]+x\)$/m);
  has(out, "  same bits: true");
});

test.run();
