// batchnorm.wat against the plain loops of kernels/js/batchnorm.ts on random layouts: the same bits
// for the normalisation and the input gradient (both work each value out in float64), the sums
// within a double's last bits (two lanes add in another order); whole, and in groups of samples
// under a small memory budget.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { jsBackend } from "../src/kernels/js/index.ts";
import { createWasmBackend, setMemoryBudget } from "../src/kernels/wasm/index.ts";

const wasm = createWasmBackend()!;
const layoutArb = fc.record({ batch: fc.integer({ min: 1, max: 5 }), channels: fc.integer({ min: 1, max: 4 }), inner: fc.integer({ min: 1, max: 13 }) });

/** `resident`: the arrays of the wasm run live in the kernels' memory (torch.tidy's blocks), so the
 *  kernels run on them where they are instead of copying them in and out. */
function agree(layout: { batch: number; channels: number; inner: number }, seed: number, training: boolean, affine: boolean, resident = false): void {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 4 - 1.5;
  const n = layout.batch * layout.channels * layout.inner, C = layout.channels;
  const x = Float32Array.from({ length: n }, rand), g = Float32Array.from({ length: n }, rand);
  const w = affine ? Float32Array.from({ length: C }, rand) : null, b = affine ? Float32Array.from({ length: C }, rand) : null;
  const stats = (k: typeof jsBackend): [Float64Array, Float64Array] => {
    const mean = new Float64Array(C), sq = new Float64Array(C);
    k.batchNormStatistics(x, layout, mean, sq);
    return [mean, sq];
  };
  const [m1, q1] = stats(jsBackend), [m2, q2] = stats(wasm as unknown as typeof jsBackend);
  for (let c = 0; c < C; c++) {
    assert.ok(Math.abs(m1[c]! - m2[c]!) <= 1e-14 * Math.max(1, Math.abs(m1[c]!)), `mean ${c}`);
    assert.ok(Math.abs(q1[c]! - q2[c]!) <= 1e-13 * Math.max(1, q1[c]!), `squares ${c}`);
  }
  const invStd = Float64Array.from(q1, (q) => 1 / Math.sqrt(q / (layout.batch * layout.inner) + 1e-5));
  const array = (values: Float32Array | null, inKernels: boolean) => {
    const a = inKernels ? wasm.scopedArray!(Float32Array, n, true)! : new Float32Array(n);
    if (values) a.set(values);
    return a;
  };
  const run = (k: typeof jsBackend, inKernels: boolean) => {
    const xs = array(x, inKernels), gs = array(g, inKernels), out = array(null, inKernels), dx = array(null, inKernels);
    const gw = new Float32Array(C), gb = new Float32Array(C);
    k.batchNormNormalize(xs, layout, m1, invStd, w, b, out);
    k.batchNormBackward(gs, xs, layout, w, m1, invStd, training, dx, gw, gb);
    return { out, dx, gw, gb };
  };
  const js = run(jsBackend, false), sw = run(wasm as unknown as typeof jsBackend, resident);
  assert.equal([...sw.out], [...js.out], "out");
  for (let i = 0; i < n; i++) assert.ok(Math.abs(sw.dx[i]! - js.dx[i]!) <= 1e-6 * Math.max(1, Math.abs(js.dx[i]!)), `dx ${i}: ${sw.dx[i]} against ${js.dx[i]}`);
  for (let c = 0; c < C; c++) {
    assert.ok(Math.abs(sw.gw[c]! - js.gw[c]!) <= 1e-6 * Math.max(1, Math.abs(js.gw[c]!)), `gradWeight ${c}`);
    assert.ok(Math.abs(sw.gb[c]! - js.gb[c]!) <= 1e-6 * Math.max(1, Math.abs(js.gb[c]!)), `gradBias ${c}`);
  }
}

test("batch norm: wasm agrees with the plain loops (training and evaluation, with and without weight and bias)", () => {
  fc.assert(fc.property(layoutArb, fc.integer(), fc.boolean(), fc.boolean(), (layout, seed, training, affine) => {
    agree(layout, seed, training, affine);
    return true;
  }), { numRuns: 150 });
});

test("batch norm on arrays that live in the kernels' memory (run where they are) agrees too", () => {
  fc.assert(fc.property(layoutArb, fc.integer(), fc.boolean(), fc.boolean(), (layout, seed, training, affine) => {
    agree(layout, seed, training, affine, true);
    return true;
  }), { numRuns: 60 });
});

test("batch norm in groups of samples under a small memory budget", () => {
  const old = setMemoryBudget(4096);
  try {
    agree({ batch: 9, channels: 3, inner: 17 }, 7, true, true);
    agree({ batch: 5, channels: 2, inner: 30 }, 8, false, false);
  } finally {
    setMemoryBudget(old);
  }
});

test.run();
