import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { jsBackend } from "../src/kernels/js/index.ts";
import { conv2dIm2col, im2col } from "../src/kernels/js/conv.ts";
import type { Conv2dGeometry } from "../src/kernels/types.ts";

// ---- a random convolution geometry, always with an output of at least 1x1 ----

/** One axis: kernel, stride, padding, dilation, and an input just big enough or a little bigger. */
const axisArb = fc
  .record({
    kernel: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 3 }),
    pad: fc.integer({ min: 0, max: 2 }),
    dilation: fc.integer({ min: 1, max: 3 }),
  })
  .chain((a) => {
    const span = a.dilation * (a.kernel - 1) + 1; // how far the dilated kernel reaches
    const smallest = Math.max(1, span - 2 * a.pad);
    return fc.integer({ min: smallest, max: smallest + 6 }).map((size) => ({
      ...a,
      size,
      out: Math.floor((size + 2 * a.pad - span) / a.stride) + 1,
    }));
  });

const geometryArb: fc.Arbitrary<Conv2dGeometry> = fc
  .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), axisArb, axisArb)
  .map(([batch, inChannels, outChannels, h, w]) => ({
    batch, inChannels, outChannels,
    inHeight: h.size, inWidth: w.size, kernelHeight: h.kernel, kernelWidth: w.kernel,
    strideH: h.stride, strideW: w.stride, padH: h.pad, padW: w.pad,
    dilationH: h.dilation, dilationW: w.dilation, outHeight: h.out, outWidth: w.out,
  }));

const sizes = (g: Conv2dGeometry) => ({
  input: g.batch * g.inChannels * g.inHeight * g.inWidth,
  weight: g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth,
  output: g.batch * g.outChannels * g.outHeight * g.outWidth,
});

/** Deterministic values in [-1, 1) from an integer seed (fast-check shrinks the seed, not the values). */
function randomArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

// ---- float64 references, written another way: pad the image with real zeros first ----
// The kernels skip padding with a bounds check; here the padded image exists, so the windows
// need no check at all. Both backward references scatter, where the kernels gather.

function padded(input: ArrayLike<number>, g: Conv2dGeometry): { data: Float64Array; H: number; W: number } {
  const H = g.inHeight + 2 * g.padH;
  const W = g.inWidth + 2 * g.padW;
  const data = new Float64Array(g.batch * g.inChannels * H * W);
  for (let p = 0; p < g.batch * g.inChannels; p++)
    for (let i = 0; i < g.inHeight; i++)
      for (let j = 0; j < g.inWidth; j++) data[(p * H + i + g.padH) * W + j + g.padW] = input[(p * g.inHeight + i) * g.inWidth + j]!;
  return { data, H, W };
}

/** Calls visit(outputIndex, paddedInputIndex, weightIndex) for every product in the convolution. */
function eachProduct(g: Conv2dGeometry, H: number, W: number, visit: (o: number, x: number, w: number) => void): void {
  for (let n = 0; n < g.batch; n++)
    for (let oc = 0; oc < g.outChannels; oc++)
      for (let y = 0; y < g.outHeight; y++)
        for (let x = 0; x < g.outWidth; x++)
          for (let ic = 0; ic < g.inChannels; ic++)
            for (let i = 0; i < g.kernelHeight; i++)
              for (let j = 0; j < g.kernelWidth; j++)
                visit(
                  ((n * g.outChannels + oc) * g.outHeight + y) * g.outWidth + x,
                  ((n * g.inChannels + ic) * H + y * g.strideH + i * g.dilationH) * W + x * g.strideW + j * g.dilationW,
                  ((oc * g.inChannels + ic) * g.kernelHeight + i) * g.kernelWidth + j,
                );
}

function refConv(input: Float32Array, weight: Float32Array, bias: Float32Array | null, g: Conv2dGeometry): Float64Array {
  const { data, H, W } = padded(input, g);
  const out = new Float64Array(sizes(g).output);
  if (bias) for (let o = 0; o < out.length; o++) out[o] = bias[Math.floor(o / (g.outHeight * g.outWidth)) % g.outChannels]!;
  eachProduct(g, H, W, (o, x, w) => { out[o]! += data[x]! * weight[w]!; });
  return out;
}

function refBackward(input: Float32Array, weight: Float32Array, gradOut: Float32Array, g: Conv2dGeometry) {
  const { data, H, W } = padded(input, g);
  const gradPadded = new Float64Array(data.length);
  const gradWeight = new Float64Array(weight.length);
  eachProduct(g, H, W, (o, x, w) => {
    gradPadded[x]! += gradOut[o]! * weight[w]!;
    gradWeight[w]! += data[x]! * gradOut[o]!;
  });
  // Crop the padding away: its gradient goes nowhere.
  const gradInput = new Float64Array(input.length);
  for (let p = 0; p < g.batch * g.inChannels; p++)
    for (let i = 0; i < g.inHeight; i++)
      for (let j = 0; j < g.inWidth; j++) gradInput[(p * g.inHeight + i) * g.inWidth + j] = gradPadded[(p * H + i + g.padH) * W + j + g.padW]!;
  return { gradInput, gradWeight };
}

/** <a, b> in float64, and Σ|a_i b_i| (the scale its rounding error is measured against). */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): { value: number; scale: number } {
  let value = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    value += a[i]! * b[i]!;
    scale += Math.abs(a[i]! * b[i]!);
  }
  return { value, scale };
}

// Tolerances. Every kernel output is a float64 sum rounded once to float32, so it is within
// 2^-24 (relative) of the float64 reference sum of the same float32 inputs. We allow 2^-22 of the
// sum of |terms| (cancellation can make the result itself tiny), plus a hair for float64 noise.
const EPS32 = 2 ** -22;

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, scale: ArrayLike<number>, what: string): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const tol = EPS32 * scale[i]! + 1e-12;
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) assert.unreachable(`${what}[${i}] = ${got[i]}, expected ${want[i]} (tolerance ${tol})`);
  }
}

/** Σ|terms| per output of the forward pass: the scale of each output's rounding error. */
function absConv(input: Float32Array, weight: Float32Array, bias: Float32Array | null, g: Conv2dGeometry): Float64Array {
  return refConv(input.map(Math.abs), weight.map(Math.abs), bias && bias.map(Math.abs), g);
}

// ---- known small cases, computed by hand ----

const x4 = Float32Array.from({ length: 16 }, (_, i) => i + 1); // [[1,2,3,4],[5,6,7,8],[9,10,11,12],[13,14,15,16]]
function geometry4x4(k: number, stride = 1, pad = 0, dilation = 1): Conv2dGeometry {
  const out = Math.floor((4 + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
  return {
    batch: 1, inChannels: 1, inHeight: 4, inWidth: 4, outChannels: 1, kernelHeight: k, kernelWidth: k,
    strideH: stride, strideW: stride, padH: pad, padW: pad, dilationH: dilation, dilationW: dilation, outHeight: out, outWidth: out,
  };
}
function run(weight: number[], g: Conv2dGeometry, bias: number[] | null = null): number[] {
  const out = new Float32Array(g.outHeight * g.outWidth);
  jsBackend.conv2d(x4, Float32Array.from(weight), bias && Float32Array.from(bias), out, g);
  return [...out];
}

test("conv2d on a 4x4 of 1..16 by hand: all-ones 3x3, diagonal 3x3, padding, stride, dilation, bias", () => {
  const ones3 = [1, 1, 1, 1, 1, 1, 1, 1, 1];
  const diagonal = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  // Top-left window: 1+2+3 + 5+6+7 + 9+10+11 = 54; each step right adds 3, each step down adds 12*3.
  assert.equal(run(ones3, geometry4x4(3)), [54, 63, 90, 99]);
  assert.equal(run(ones3, geometry4x4(3), [0.5]), [54.5, 63.5, 90.5, 99.5]);
  // The diagonal picks x[i][j] + x[i+1][j+1] + x[i+2][j+2]: 1+6+11 = 18 (the 001 example).
  assert.equal(run(diagonal, geometry4x4(3)), [18, 21, 30, 33]);
  // Padding 1 keeps 4x4; corners lose the taps that fall into the zeros.
  assert.equal(run(diagonal, geometry4x4(3, 1, 1)), [
    7, 9, 11, 4,
    15, 18, 21, 11,
    23, 30, 33, 19,
    13, 23, 25, 27,
  ]);
  // 2x2 all-ones with stride 2: the four quadrants' sums.
  assert.equal(run([1, 1, 1, 1], geometry4x4(2, 2)), [14, 22, 46, 54]);
  // 2x2 all-ones with dilation 2: taps two apart, 1+3+9+11 = 24.
  assert.equal(run([1, 1, 1, 1], geometry4x4(2, 1, 0, 2)), [24, 28, 40, 44]);
});

test("conv2d backward on the 4x4 by hand: all-ones 3x3 kernel, gradOut of ones", () => {
  const g = geometry4x4(3);
  const ones = new Float32Array(4).fill(1);
  const gradInput = new Float32Array(16).fill(NaN); // must be overwritten, not added to
  jsBackend.conv2dBackwardInput(ones, new Float32Array(9).fill(1), gradInput, g);
  // Each pixel's gradient counts the 2x2 windows that cover it.
  assert.equal([...gradInput], [1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1]);
  const gradWeight = new Float32Array(9).fill(NaN);
  jsBackend.conv2dBackwardWeight(x4, ones, gradWeight, g);
  // Tap (i, j) saw x[i][j], x[i][j+1], x[i+1][j], x[i+1][j+1]: 1+2+5+6 = 14 for the first.
  assert.equal([...gradWeight], [14, 18, 22, 30, 34, 38, 46, 50, 54]);
});

// ---- random geometries ----

test("conv2d matches a float64 loop over a zero-padded copy (random geometries, with and without bias)", () => {
  fc.assert(fc.property(geometryArb, fc.boolean(), fc.integer(), (g, withBias, seed) => {
    const n = sizes(g);
    const input = randomArray(n.input, seed);
    const weight = randomArray(n.weight, seed + 1);
    const bias = withBias ? randomArray(g.outChannels, seed + 2) : null;
    const out = new Float32Array(n.output).fill(NaN);
    jsBackend.conv2d(input, weight, bias, out, g);
    assertClose(out, refConv(input, weight, bias, g), absConv(input, weight, bias, g), "out");
  }));
});

test("conv2dIm2col, the im2col + matrix product form, matches the sliding window and the float64 loop", () => {
  fc.assert(fc.property(geometryArb, fc.boolean(), fc.integer(), (g, withBias, seed) => {
    const n = sizes(g);
    const input = randomArray(n.input, seed);
    const weight = randomArray(n.weight, seed + 1);
    const bias = withBias ? randomArray(g.outChannels, seed + 2) : null;
    const viaColumns = new Float32Array(n.output).fill(NaN);
    conv2dIm2col(input, weight, bias, viaColumns, g);
    assertClose(viaColumns, refConv(input, weight, bias, g), absConv(input, weight, bias, g), "im2col out");
    const sliding = new Float32Array(n.output);
    jsBackend.conv2d(input, weight, bias, sliding, g);
    assertClose(viaColumns, Float64Array.from(sliding), absConv(input, weight, bias, g), "im2col vs sliding window");
  }));
  // one column by hand: a 3x3 of 1..9, a 2x2 kernel, no padding: output pixel (0, 1) sees 2, 3, 5, 6
  const g: Conv2dGeometry = { batch: 1, inChannels: 1, inHeight: 3, inWidth: 3, outChannels: 1, kernelHeight: 2, kernelWidth: 2,
    strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outHeight: 2, outWidth: 2 };
  const col = im2col(Float32Array.from({ length: 9 }, (_, i) => i + 1), g);
  assert.equal([0, 1, 2, 3].map((r) => col[r * 4 + 1]), [2, 3, 5, 6]);
});

test("conv2d backward kernels match float64 scatter loops elementwise", () => {
  fc.assert(fc.property(geometryArb, fc.integer(), (g, seed) => {
    const n = sizes(g);
    const input = randomArray(n.input, seed);
    const weight = randomArray(n.weight, seed + 1);
    const gradOut = randomArray(n.output, seed + 2);
    const want = refBackward(input, weight, gradOut, g);
    const scale = refBackward(input.map(Math.abs), weight.map(Math.abs), gradOut.map(Math.abs), g);
    const gradInput = new Float32Array(n.input).fill(NaN);
    const gradWeight = new Float32Array(n.weight).fill(NaN);
    jsBackend.conv2dBackwardInput(gradOut, weight, gradInput, g);
    jsBackend.conv2dBackwardWeight(input, gradOut, gradWeight, g);
    assertClose(gradInput, want.gradInput, scale.gradInput, "gradInput");
    assertClose(gradWeight, want.gradWeight, scale.gradWeight, "gradWeight");
  }));
});

test("conv2d backward kernels satisfy the adjoint identities <conv(x, w), g> = <x, dX(g)> = <w, dW(x, g)>", () => {
  // Convolution is linear in x and in w, so its backward passes are its adjoints. Both sides are
  // float64 sums; the right sides use the kernels' float32 outputs, each within 2^-24 relative of
  // exact, so the identities hold to 2^-22 of Σ|terms|.
  fc.assert(fc.property(geometryArb, fc.integer(), (g, seed) => {
    const n = sizes(g);
    const input = randomArray(n.input, seed);
    const weight = randomArray(n.weight, seed + 1);
    const gradOut = randomArray(n.output, seed + 2);
    const lhs = dot(refConv(input, weight, null, g), gradOut);
    const gradInput = new Float32Array(n.input);
    const gradWeight = new Float32Array(n.weight);
    jsBackend.conv2dBackwardInput(gradOut, weight, gradInput, g);
    jsBackend.conv2dBackwardWeight(input, gradOut, gradWeight, g);
    for (const [name, rhs] of [["input", dot(input, gradInput)], ["weight", dot(weight, gradWeight)]] as const) {
      const tol = EPS32 * (lhs.scale + rhs.scale) + 1e-12;
      assert.ok(Math.abs(lhs.value - rhs.value) <= tol, `<conv, g> = ${lhs.value} but <${name}, grad> = ${rhs.value}`);
    }
  }));
});

test("conv2d gradients agree with central differences of <conv(x, w), g>", () => {
  // The loss L = <conv(x, w), g> is linear, so a central difference in float64 is exact up to
  // rounding; eps = 1e-3 keeps it clear of float64 noise. Checked on one random element each.
  fc.assert(fc.property(geometryArb, fc.integer(), fc.nat(), (g, seed, pick) => {
    const n = sizes(g);
    const input = randomArray(n.input, seed);
    const weight = randomArray(n.weight, seed + 1);
    const gradOut = randomArray(n.output, seed + 2);
    const loss = (x: Float32Array, w: Float32Array) => dot(refConv(x, w, null, g), gradOut).value;
    const gradInput = new Float32Array(n.input);
    const gradWeight = new Float32Array(n.weight);
    jsBackend.conv2dBackwardInput(gradOut, weight, gradInput, g);
    jsBackend.conv2dBackwardWeight(input, gradOut, gradWeight, g);
    const eps = 1e-3; // exactly representable steps are not needed: the difference is divided by the true step
    for (const [which, grad] of [["input", gradInput], ["weight", gradWeight]] as const) {
      const i = pick % grad.length;
      const base = which === "input" ? input : weight;
      const plus = base.slice(); plus[i] = base[i]! + eps;
      const minus = base.slice(); minus[i] = base[i]! - eps;
      const step = plus[i]! - minus[i]!; // the float32 step actually taken
      const numeric = which === "input"
        ? (loss(plus, weight) - loss(minus, weight)) / step
        : (loss(input, plus) - loss(input, minus)) / step;
      assert.ok(Math.abs(numeric - grad[i]!) <= 1e-4 * (1 + Math.abs(numeric)), `d/d${which}[${i}]: ${grad[i]} vs ${numeric}`);
    }
  }));
});

test.run();
