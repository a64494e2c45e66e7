// The wasm max pooling kernels (the general one and the 2x2 SIMD one) against the plain loops:
// identical values and argmax on random geometries, with many ties and some NaNs (a NaN wins, the
// first maximum wins a tie, the last NaN wins among NaNs), and the backward through the same argmax
// giving the same bits.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { jsBackend } from "../src/kernels/js/index.ts";
import { createWasmBackend, setMemoryBudget } from "../src/kernels/wasm/index.ts";
import type { Pool2dGeometry } from "../src/kernels/types.ts";
import { poolOutSize } from "../src/nn/functional/pooling.ts";

const wasm = createWasmBackend()!;

const geometryArb: fc.Arbitrary<Pool2dGeometry> = fc.record({
  batch: fc.integer({ min: 1, max: 3 }), channels: fc.integer({ min: 1, max: 3 }),
  inHeight: fc.integer({ min: 1, max: 12 }), inWidth: fc.integer({ min: 1, max: 20 }),
  kernelHeight: fc.integer({ min: 1, max: 4 }), kernelWidth: fc.integer({ min: 1, max: 4 }),
  strideH: fc.integer({ min: 1, max: 3 }), strideW: fc.integer({ min: 1, max: 3 }),
  padH: fc.integer({ min: 0, max: 2 }), padW: fc.integer({ min: 0, max: 2 }), ceilMode: fc.boolean(),
}).map(({ ceilMode, ...g }) => {
  const padH = Math.min(g.padH, Math.floor(g.kernelHeight / 2)), padW = Math.min(g.padW, Math.floor(g.kernelWidth / 2));
  // ceil mode: the last window may hang past the input (and its padding), and is clipped there
  return {
    ...g, padH, padW, dilationH: 1, dilationW: 1,
    outHeight: poolOutSize(g.inHeight, g.kernelHeight, g.strideH, padH, 1, ceilMode),
    outWidth: poolOutSize(g.inWidth, g.kernelWidth, g.strideW, padW, 1, ceilMode),
  };
}).filter((g) => g.outHeight >= 1 && g.outWidth >= 1);

/** 2x2 windows, stride 2, no padding: the SIMD kernel's case, four windows at a time and the rest
 *  of a row (any width) one by one; odd input sizes leave a last row or column out. */
const twoByTwoArb: fc.Arbitrary<Pool2dGeometry> = fc.record({
  batch: fc.integer({ min: 1, max: 3 }), channels: fc.integer({ min: 1, max: 3 }),
  rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 15 }), oddH: fc.boolean(), oddW: fc.boolean(),
}).map(({ batch, channels, rows, cols, oddH, oddW }) => ({
  batch, channels, inHeight: 2 * rows + (oddH ? 1 : 0), inWidth: 2 * cols + (oddW ? 1 : 0),
  kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outHeight: rows, outWidth: cols,
}));

const valuesFor = (g: Pool2dGeometry) =>
  fc.array(fc.constantFrom(-1, 0, 1, 2, 2, 2, NaN, -Infinity, -0), { minLength: g.batch * g.channels * g.inHeight * g.inWidth, maxLength: g.batch * g.channels * g.inHeight * g.inWidth })
    .map((xs) => Float32Array.from(xs));

/** The backward through the same argmax on both backends: the same bits (one scatter-add per
 *  output, in the same order; overlapping windows make some inputs collect several). */
/** `values` in an array of `type`: an ordinary one, or (inKernels) one in the kernels' memory, as
 *  torch.tidy hands them out, which the kernels read and write where it is. */
function placed<A extends Float32Array | Int32Array>(type: { new (n: number): A; new (b: ArrayBufferLike, at: number, n: number): A }, values: ArrayLike<number>, inKernels: boolean): A {
  const a = inKernels ? wasm.scopedArray!(type, values.length, false)! : new type(values.length);
  a.set(values);
  return a;
}

function agreeBackward(g: Pool2dGeometry, argmax: Int32Array, inKernels = false): void {
  const n = g.batch * g.channels * g.outHeight * g.outWidth, inputs = g.batch * g.channels * g.inHeight * g.inWidth;
  const gradOut = placed(Float32Array, Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.3) * 5)), inKernels);
  argmax = placed(Int32Array, argmax, inKernels);
  const [d1, d2] = [new Float32Array(inputs).fill(7), placed(Float32Array, new Float32Array(inputs).fill(-7), inKernels)]; // overwritten, whatever they held
  jsBackend.maxPool2dBackward(gradOut, argmax, d1, g);
  wasm.maxPool2dBackward(gradOut, argmax, d2, g);
  assert.ok(d1.every((v, i) => Object.is(v, d2[i]!)), `backward ${JSON.stringify(g)}`);
}

function agree(g: Pool2dGeometry, input: Float32Array, inKernels = false): void {
  const n = g.batch * g.channels * g.outHeight * g.outWidth;
  const [o1, o2] = [new Float32Array(n), placed(Float32Array, new Float32Array(n).fill(NaN), inKernels)];
  const [a1, a2] = [new Int32Array(n), placed(Int32Array, new Int32Array(n).fill(-5), inKernels)];
  jsBackend.maxPool2d(input, o1, a1, g);
  wasm.maxPool2d(placed(Float32Array, input, inKernels), o2, a2, g);
  assert.equal(Array.from(a2), Array.from(a1), `argmax ${JSON.stringify(g)}`);
  assert.ok(o1.every((v, i) => (Number.isNaN(v) ? Number.isNaN(o2[i]!) : Object.is(v, o2[i]!))), `values ${JSON.stringify(g)}`);
  agreeBackward(g, a1, inKernels);
}

test("wasm max pooling equals the plain loops on random geometries (the general kernel)", () => {
  fc.assert(fc.property(geometryArb.chain((g) => fc.tuple(fc.constant(g), valuesFor(g))), ([g, x]) => agree(g, x)), { numRuns: 300 });
});

test("wasm max pooling equals the plain loops on 2x2 windows (the SIMD kernel), odd sizes too", () => {
  fc.assert(fc.property(twoByTwoArb.chain((g) => fc.tuple(fc.constant(g), valuesFor(g))), ([g, x]) => agree(g, x)), { numRuns: 300 });
});

test("wasm max pooling on arrays in the kernels' memory (run where they are, every plane at once) equals the plain loops", () => {
  fc.assert(fc.property(geometryArb.chain((g) => fc.tuple(fc.constant(g), valuesFor(g))), ([g, x]) => agree(g, x, true)), { numRuns: 150 });
  fc.assert(fc.property(twoByTwoArb.chain((g) => fc.tuple(fc.constant(g), valuesFor(g))), ([g, x]) => agree(g, x, true)), { numRuns: 150 });
});

test("wasm max pooling under a small memory budget works a group of planes at a time", () => {
  const old = setMemoryBudget(20_000);
  try {
    const g: Pool2dGeometry = { batch: 4, channels: 5, inHeight: 24, inWidth: 24, kernelHeight: 2, kernelWidth: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outHeight: 12, outWidth: 12 };
    agree(g, Float32Array.from({ length: 4 * 5 * 24 * 24 }, (_, i) => Math.sin(i * 0.7)));
    agree({ ...g, kernelHeight: 3, kernelWidth: 3, outHeight: 11, outWidth: 11 }, Float32Array.from({ length: 4 * 5 * 24 * 24 }, (_, i) => Math.cos(i)));
  } finally {
    setMemoryBudget(old);
  }
});

test.run();
