// Pooling: max (padding never wins, ties send the gradient to the first maximum), average (with and
// without counting the padding), adaptive average (PyTorch's bins); hand-computed values, gradchecks
// on random geometries, layer reprs and errors.
//
// Tolerances: average pooling is linear, so central differences are exact up to rounding and a
// large step (eps = 0.05) keeps the float32 noise tiny. Max pooling is linear between kinks; with
// all input values at least 0.25 apart, a step of 0.05 never changes which element wins a window.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

const F = nn.functional;
const arange2d = (rows: number, cols: number) => torch.arange(1, rows * cols + 1).float().reshape(1, 1, rows, cols);

interface PoolCase { n: number; c: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; unbatched: boolean }

/** Kernel 1..3, stride 1..3, padding up to half the kernel, input at least the padded-kernel size. */
const poolCaseArb: fc.Arbitrary<PoolCase> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 2 }),
    kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
    padH: fc.boolean(), padW: fc.boolean(),
    extraH: fc.integer({ min: 0, max: 3 }), extraW: fc.integer({ min: 0, max: 3 }), unbatched: fc.boolean(),
  })
  .map(({ padH, padW, extraH, extraW, ...k }) => ({
    ...k,
    ph: padH ? Math.floor(k.kh / 2) : 0,
    pw: padW ? Math.floor(k.kw / 2) : 0,
    h: k.kh + extraH,
    w: k.kw + extraW,
  }));

const shapeOf = (k: PoolCase) => (k.unbatched ? [k.c, k.h, k.w] : [k.n, k.c, k.h, k.w]);

/** Distinct values at least 0.25 apart, shuffled: a permutation of 0.25 * (0..n-1) shifted to centre. */
function distinctTensorArb(shape: number[]): fc.Arbitrary<torch.Tensor> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }).map((perm) =>
    torch.fromArray(Float32Array.from(perm, (i) => 0.25 * i - n / 8), shape, { requiresGrad: true }));
}

// ---- max pooling ------------------------------------------------------------------------------

test("maxPool2d: 1..16 as 4x4, kernel 2 gives each block's bottom-right value", () => {
  const out = F.maxPool2d(arange2d(4, 4), 2);
  assert.equal(out.tolist(), [[[[6, 8], [14, 16]]]]);
  // kernel 3, stride 1: the bottom-right of each 3x3 window
  assert.equal(F.maxPool2d(arange2d(4, 4), 3, { stride: 1 }).tolist(), [[[[11, 12], [15, 16]]]]);
  // a [C, H, W] input stays unbatched
  assert.equal([...F.maxPool2d(torch.rand(3, 6, 6), 2).shape], [3, 3, 3]);
});

test("maxPool2d: padding never wins, even over negative values", () => {
  const x = arange2d(2, 2).neg(); // [[-1, -2], [-3, -4]]
  // kernel 2, stride 2, padding 1: every 2x2 window holds one real value and three padded spots
  assert.equal(F.maxPool2d(x, 2, { padding: 1 }).tolist(), [[[[-1, -2], [-3, -4]]]]);
});

test("maxPool2d: on ties the whole gradient goes to the first maximum in row-major order", () => {
  const x = torch.tensor([[[[5, 5], [5, 5]]]], { requiresGrad: true });
  F.maxPool2d(x, 2).sum().backward();
  assert.equal(x.grad!.tolist(), [[[[1, 0], [0, 0]]]]);
  // overlapping windows (stride 1) that share a maximum send it one gradient each
  const y = torch.tensor([[[[0, 0, 0], [0, 9, 0], [0, 0, 0]]]], { requiresGrad: true });
  F.maxPool2d(y, 2, { stride: 1 }).sum().backward();
  assert.equal(y.grad!.tolist(), [[[[0, 0, 0], [0, 4, 0], [0, 0, 0]]]]);
});

test("maxPool2d: gradcheck on distinct values over random kernels, strides and paddings", () => {
  fc.assert(fc.property(poolCaseArb.chain((k) => fc.tuple(fc.constant(k), distinctTensorArb(shapeOf(k)))), ([k, x]) =>
    torch.gradcheck((t) => F.maxPool2d(t, [k.kh, k.kw], { stride: [k.sh, k.sw], padding: [k.ph, k.pw] }), [x], { eps: 0.05 })), { numRuns: 60 });
});

test("maxPool2d: grad_fn name and errors in PyTorch's words", () => {
  const x = torch.rand(1, 1, 4, 4, { requiresGrad: true });
  assert.is(F.maxPool2d(x, 2).gradFn!.name, "MaxPool2DWithIndicesBackward0");
  assert.throws(() => F.maxPool2d(x, 2, { padding: 2 }),
    (e: Error) => e.message === "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1");
  assert.throws(() => F.maxPool2d(torch.rand(1, 1, 2, 2), 3),
    (e: Error) => e.message === "Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small");
  assert.throws(() => F.maxPool2d(torch.rand(4, 4), 2), /3D or 4D/);
});

// ---- average pooling --------------------------------------------------------------------------

test("avgPool2d: hand-computed, with and without counting the padding", () => {
  // 2x2 blocks of 1..16: (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5, ...
  assert.equal(F.avgPool2d(arange2d(4, 4), 2).tolist(), [[[[3.5, 5.5], [11.5, 13.5]]]]);
  // kernel 2, stride 2, padding 1 on 4x4: windows cover rows {-1,0}, {1,2}, {3,4} (same for cols).
  // Sums: corner 1, edges 2+3 = 5, 4, 5+9 = 14, middle 6+7+10+11 = 34, 8+12 = 20, 13, 14+15 = 29, 16.
  // Counting padding every window divides by 4; without, by its real elements (1, 2 or 4).
  assert.equal(F.avgPool2d(arange2d(4, 4), 2, { padding: 1 }).tolist(), [[[[0.25, 1.25, 1], [3.5, 8.5, 5], [3.25, 7.25, 4]]]]);
  assert.equal(F.avgPool2d(arange2d(4, 4), 2, { padding: 1, countIncludePad: false }).tolist(), [[[[1, 2.5, 4], [7, 8.5, 10], [13, 14.5, 16]]]]);
});

test("avgPool2d: each input gets 1/(window size) from every window it is in", () => {
  const x = torch.ones(1, 1, 3, 3, { requiresGrad: true });
  F.avgPool2d(x, 2, { stride: 1 }).sum().backward();
  // the centre is in all four 2x2 windows, edges in two, corners in one
  assert.equal(x.grad!.tolist(), [[[[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]]]]);
  assert.is(F.avgPool2d(x, 2).gradFn!.name, "AvgPool2DBackward0");
});

test("avgPool2d: gradcheck over random kernels, strides, paddings, both padding counts", () => {
  fc.assert(fc.property(
    poolCaseArb.chain((k) => fc.tuple(fc.constant(k), distinctTensorArb(shapeOf(k)), fc.boolean())),
    ([k, x, countIncludePad]) =>
      torch.gradcheck((t) => F.avgPool2d(t, [k.kh, k.kw], { stride: [k.sh, k.sw], padding: [k.ph, k.pw], countIncludePad }), [x], { eps: 0.05 })),
  { numRuns: 60 });
});

// ---- adaptive average pooling -----------------------------------------------------------------

test("adaptiveAvgPool2d: PyTorch's bins floor(i*in/out) .. ceil((i+1)*in/out)", () => {
  // 5 -> 3: bins [0, 2), [1, 4), [3, 5): means of (1, 2), (2, 3, 4), (4, 5)
  const row = torch.tensor([[[[1, 2, 3, 4, 5]]]]);
  assert.equal(F.adaptiveAvgPool2d(row, [1, 3]).tolist(), [[[[1.5, 3, 4.5]]]]);
  // an even split is plain average pooling; output 1 is the global mean
  assert.equal(F.adaptiveAvgPool2d(arange2d(4, 4), 2).tolist(), [[[[3.5, 5.5], [11.5, 13.5]]]]);
  assert.equal(F.adaptiveAvgPool2d(arange2d(4, 4), 1).tolist(), [[[[8.5]]]]);
  // null keeps that dim; an unbatched input stays unbatched; upsampling repeats values
  assert.equal([...F.adaptiveAvgPool2d(torch.rand(2, 3, 6, 7), [null, 2]).shape], [2, 3, 6, 2]);
  assert.equal(F.adaptiveAvgPool2d(torch.tensor([[[1, 2]]]), [1, 4]).tolist(), [[[1, 1, 2, 2]]]);
});

test("adaptiveAvgPool2d: gradcheck, including overlapping bins and upsampling", () => {
  fc.assert(fc.property(
    fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
      .chain(([h, w, oh, ow]) => fc.tuple(fc.constant([oh, ow] as [number, number]), distinctTensorArb([2, 2, h, w]))),
    ([size, x]) => {
      const out = F.adaptiveAvgPool2d(x, size);
      assert.is(out.gradFn!.name, "AdaptiveAvgPool2DBackward0");
      return torch.gradcheck((t) => F.adaptiveAvgPool2d(t, size), [x], { eps: 0.05 });
    }), { numRuns: 60 });
});

// ---- layers -----------------------------------------------------------------------------------

test("pooling layers: reprs as PyTorch prints them, and forward", () => {
  assert.is(String(new nn.MaxPool2d(2)), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
  assert.is(String(new nn.MaxPool2d([3, 3], { stride: 1, padding: 1 })), "MaxPool2d(kernel_size=(3, 3), stride=1, padding=1, dilation=1, ceil_mode=False)");
  assert.is(String(new nn.AvgPool2d(2)), "AvgPool2d(kernel_size=2, stride=2, padding=0)");
  assert.is(String(new nn.AdaptiveAvgPool2d([2, 2])), "AdaptiveAvgPool2d(output_size=(2, 2))");
  assert.is(String(new nn.AdaptiveAvgPool2d(2)), "AdaptiveAvgPool2d(output_size=2)");
  assert.is(String(new nn.AdaptiveAvgPool2d([null, 7])), "AdaptiveAvgPool2d(output_size=(None, 7))");
  const x = arange2d(4, 4);
  assert.equal(new nn.MaxPool2d(2)(x).tolist(), [[[[6, 8], [14, 16]]]]);
  assert.equal(new nn.AvgPool2d(2)(x).tolist(), [[[[3.5, 5.5], [11.5, 13.5]]]]);
  assert.equal(new nn.AdaptiveAvgPool2d(1)(x).tolist(), [[[[8.5]]]]);
});

test.run();
