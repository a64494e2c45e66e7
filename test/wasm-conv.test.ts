import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import type { Conv2dGeometry } from "../src/kernels/types.ts";
import { createWasmBackend, setMemoryBudget } from "../src/kernels/wasm/index.ts";
import { jsBackend } from "../src/kernels/js/index.ts";

const wasm = createWasmBackend()!;

// One float64 loop, written for this test, serves all three kernels: it visits every
// (n, oc, oh, ow, ic, kh, kw) whose input pixel is inside the image and hands it to `visit`.
function eachTap(g: Conv2dGeometry, visit: (inIdx: number, wIdx: number, outIdx: number) => void): void {
  for (let n = 0; n < g.batch; n++)
    for (let oc = 0; oc < g.outChannels; oc++)
      for (let oh = 0; oh < g.outHeight; oh++)
        for (let ow = 0; ow < g.outWidth; ow++)
          for (let ic = 0; ic < g.inChannels; ic++)
            for (let kh = 0; kh < g.kernelHeight; kh++)
              for (let kw = 0; kw < g.kernelWidth; kw++) {
                const ih = oh * g.strideH - g.padH + kh * g.dilationH;
                const iw = ow * g.strideW - g.padW + kw * g.dilationW;
                if (ih < 0 || ih >= g.inHeight || iw < 0 || iw >= g.inWidth) continue;
                visit(
                  ((n * g.inChannels + ic) * g.inHeight + ih) * g.inWidth + iw,
                  ((oc * g.inChannels + ic) * g.kernelHeight + kh) * g.kernelWidth + kw,
                  ((n * g.outChannels + oc) * g.outHeight + oh) * g.outWidth + ow,
                );
              }
}

/** One more term f of sum `at`: its value, the sum of magnitudes, and the count of terms. */
function add(sum: Float64Array, magnitude: Float64Array, terms: Float64Array, at: number, f: number): void {
  sum[at] = sum[at]! + f;
  magnitude[at] = magnitude[at]! + Math.abs(f);
  terms[at] = terms[at]! + 1;
}

// Each result is a sum of products rounded to float32 in some order. Bound: 2 * (terms + 2) * 2^-24
// * sum of |terms| (twice the classic gamma bound), where `terms` is the most terms any output sums.
function reference(g: Conv2dGeometry, input: Float32Array, weight: Float32Array, bias: Float32Array, gradOut: Float32Array) {
  const sizes = {
    out: g.batch * g.outChannels * g.outHeight * g.outWidth,
    input: input.length, weight: weight.length,
  };
  const out = new Float64Array(sizes.out), outMag = new Float64Array(sizes.out), outTerms = new Float64Array(sizes.out);
  const gi = new Float64Array(sizes.input), giMag = new Float64Array(sizes.input), giTerms = new Float64Array(sizes.input);
  const gw = new Float64Array(sizes.weight), gwMag = new Float64Array(sizes.weight), gwTerms = new Float64Array(sizes.weight);
  for (let o = 0; o < sizes.out; o++) {
    const oc = Math.floor(o / (g.outHeight * g.outWidth)) % g.outChannels;
    out[o] = bias[oc]!;
    outMag[o] = Math.abs(bias[oc]!);
    outTerms[o] = 1;
  }
  eachTap(g, (i, w, o) => {
    const f = input[i]! * weight[w]!;
    add(out, outMag, outTerms, o, f);
    add(gi, giMag, giTerms, i, gradOut[o]! * weight[w]!);
    add(gw, gwMag, gwTerms, w, gradOut[o]! * input[i]!);
  });
  return { out: [out, outMag, outTerms], gi: [gi, giMag, giTerms], gw: [gw, gwMag, gwTerms] } as const;
}

/** Each output channel's sum of gradOut (the bias gradient) in float64, with its magnitude; the
 *  float64 sum's own error is far below float32's, so one term's worth of tolerance is plenty. */
function biasReference(g: Conv2dGeometry, gradOut: Float32Array): Float64Array[] {
  const want = new Float64Array(g.outChannels), mag = new Float64Array(g.outChannels), plane = g.outHeight * g.outWidth;
  gradOut.forEach((v, i) => {
    const o = Math.floor(i / plane) % g.outChannels;
    want[o] = want[o]! + v;
    mag[o] = mag[o]! + Math.abs(v);
  });
  return [want, mag, new Float64Array(g.outChannels)];
}

const U = 2 ** -24;
function close(got: Float32Array, [want, mag, terms]: readonly Float64Array[], label: string): void {
  const maxTerms = Math.max(1, ...terms!);
  for (let i = 0; i < got.length; i++) {
    const tol = 2 * (maxTerms + 2) * U * mag![i]! + 1e-30;
    assert.ok(Math.abs(got[i]! - want![i]!) <= tol, `${label}[${i}] = ${got[i]}, expected ${want![i]} (tol ${tol})`);
  }
}

const geometryArb: fc.Arbitrary<Conv2dGeometry> = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  inChannels: fc.integer({ min: 1, max: 4 }),
  inHeight: fc.integer({ min: 1, max: 11 }),
  inWidth: fc.integer({ min: 1, max: 11 }),
  outChannels: fc.integer({ min: 1, max: 6 }),
  kernelHeight: fc.integer({ min: 1, max: 4 }),
  kernelWidth: fc.integer({ min: 1, max: 4 }),
  strideH: fc.integer({ min: 1, max: 3 }),
  strideW: fc.integer({ min: 1, max: 3 }),
  padH: fc.integer({ min: 0, max: 3 }),
  padW: fc.integer({ min: 0, max: 3 }),
  dilationH: fc.integer({ min: 1, max: 3 }),
  dilationW: fc.integer({ min: 1, max: 3 }),
}).map((g) => ({
  ...g,
  outHeight: Math.floor((g.inHeight + 2 * g.padH - g.dilationH * (g.kernelHeight - 1) - 1) / g.strideH) + 1,
  outWidth: Math.floor((g.inWidth + 2 * g.padW - g.dilationW * (g.kernelWidth - 1) - 1) / g.strideW) + 1,
})).filter((g) => g.outHeight >= 1 && g.outWidth >= 1);

function data(g: Conv2dGeometry, seed: number) {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const make = (n: number) => Float32Array.from({ length: n }, rnd);
  return {
    input: make(g.batch * g.inChannels * g.inHeight * g.inWidth),
    weight: make(g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth),
    bias: make(g.outChannels),
    gradOut: make(g.batch * g.outChannels * g.outHeight * g.outWidth),
  };
}

/** `inKernels`: the activations live in the kernels' memory (torch.tidy's blocks), read and
 *  written where they are. */
function checkAll(g: Conv2dGeometry, seed: number, inKernels = false): void {
  const fresh = data(g, seed);
  const place = (a: Float32Array) => {
    if (!inKernels) return a;
    const b = wasm.scopedArray!(Float32Array, a.length, false)!;
    b.set(a);
    return b;
  };
  const input = place(fresh.input), gradOut = place(fresh.gradOut), { weight, bias } = fresh;
  const ref = reference(g, input, weight, bias, gradOut);
  const label = JSON.stringify(g);
  const out = place(new Float32Array(gradOut.length).fill(NaN)); // every element must be written
  wasm.conv2d(input, weight, bias, out, g);
  close(out, ref.out, `forward ${label}`);
  const gi = place(new Float32Array(input.length).fill(NaN));
  wasm.conv2dBackwardInput(gradOut, weight, gi, g);
  close(gi, ref.gi, `input grad ${label}`);
  const gw = new Float32Array(weight.length).fill(NaN);
  wasm.conv2dBackwardWeight(input, gradOut, gw, g);
  close(gw, ref.gw, `weight grad ${label}`);
  // Asked for the bias gradient too: the same weight gradient, and each channel's sum of gradOut.
  const gw2 = new Float32Array(weight.length).fill(NaN), gb = new Float32Array(g.outChannels).fill(NaN);
  wasm.conv2dBackwardWeight(input, gradOut, gw2, g, gb);
  assert.equal(gw2, gw, `weight grad beside the bias grad ${label}`);
  close(gb, biasReference(g, gradOut), `bias grad ${label}`);
  // Without bias the output is the plain sum.
  const noBias = new Float32Array(gradOut.length);
  wasm.conv2d(input, weight, null, noBias, g);
  const [want, mag, terms] = ref.out;
  const shifted = want.map((v, o) => v - bias[Math.floor(o / (g.outHeight * g.outWidth)) % g.outChannels]!);
  close(noBias, [shifted, mag, terms], `forward without bias ${label}`);
}

test("wasm conv2d forward, input grad and weight grad match a float64 loop (strides, padding, dilation)", () => {
  fc.assert(fc.property(geometryArb, fc.integer(), (g, seed) => checkAll(g, seed)), { numRuns: 150 });
});

test("wasm conv2d on the MNIST CNN's two layers (batch 20)", () => {
  const layer = (inC: number, size: number, outC: number): Conv2dGeometry => ({
    batch: 20, inChannels: inC, inHeight: size, inWidth: size, outChannels: outC, kernelHeight: 5, kernelWidth: 5,
    strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outHeight: size - 4, outWidth: size - 4,
  });
  checkAll(layer(1, 28, 6), 1);
  checkAll(layer(6, 12, 16), 2);
});

// The js kernels are written by another engineer; compare with them once they exist.
function jsConvReady(): boolean {
  const g: Conv2dGeometry = {
    batch: 1, inChannels: 1, inHeight: 1, inWidth: 1, outChannels: 1, kernelHeight: 1, kernelWidth: 1,
    strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outHeight: 1, outWidth: 1,
  };
  try {
    const one = new Float32Array([1]);
    jsBackend.conv2d(one, one, null, new Float32Array(1), g);
    jsBackend.conv2dBackwardInput(one, one, new Float32Array(1), g);
    jsBackend.conv2dBackwardWeight(one, one, new Float32Array(1), g);
    return true;
  } catch {
    return false;
  }
}

test("wasm conv2d agrees with the js backend (both within float32 rounding of the exact sums)", () => {
  if (!jsConvReady()) return;
  fc.assert(fc.property(geometryArb, fc.integer(), (g, seed) => {
    const { input, weight, bias, gradOut } = data(g, seed);
    const ref = reference(g, input, weight, bias, gradOut);
    // Two float32 results each within tol of the exact sum are within 2*tol of each other.
    const pair = (a: Float32Array, b: Float32Array, [, mag, terms]: readonly Float64Array[], what: string) => {
      const maxTerms = Math.max(1, ...terms!);
      for (let i = 0; i < a.length; i++) {
        const tol = 4 * (maxTerms + 2) * U * mag![i]! + 1e-30;
        assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: js ${a[i]} vs wasm ${b[i]}`);
      }
    };
    const o1 = new Float32Array(gradOut.length), o2 = new Float32Array(gradOut.length);
    jsBackend.conv2d(input, weight, bias, o1, g);
    wasm.conv2d(input, weight, bias, o2, g);
    pair(o1, o2, ref.out, "forward");
    const i1 = new Float32Array(input.length), i2 = new Float32Array(input.length);
    jsBackend.conv2dBackwardInput(gradOut, weight, i1, g);
    wasm.conv2dBackwardInput(gradOut, weight, i2, g);
    pair(i1, i2, ref.gi, "input grad");
    const w1 = new Float32Array(weight.length), w2 = new Float32Array(weight.length);
    const b1 = new Float32Array(g.outChannels), b2 = new Float32Array(g.outChannels);
    jsBackend.conv2dBackwardWeight(input, gradOut, w1, g, b1);
    wasm.conv2dBackwardWeight(input, gradOut, w2, g, b2);
    pair(w1, w2, ref.gw, "weight grad");
    pair(b1, b2, biasReference(g, gradOut), "bias grad");
  }), { numRuns: 60 });
});

// gemm.wat's scratch alone takes about 131 KB; 160 KB leaves room for a few rows of the small
// geometries above, so most calls go in pieces: groups of images, or bands of output rows.
const SMALL_BUDGET = 160_000;

test("under a small memory budget, convolution works in pieces (images, then row bands) with the same results", () => {
  const old = setMemoryBudget(SMALL_BUDGET);
  try {
    fc.assert(fc.property(geometryArb, fc.integer(), (g, seed) => checkAll(g, seed)), { numRuns: 150 });
    const big: Conv2dGeometry = { // one image alone is over the budget: bands of rows, padding rows in between
      batch: 2, inChannels: 3, inHeight: 40, inWidth: 30, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
      strideH: 2, strideW: 1, padH: 2, padW: 1, dilationH: 2, dilationW: 1, outHeight: 19, outWidth: 30,
    };
    checkAll(big, 7);
    const wide: Conv2dGeometry = { // the weights alone (64 x 144 floats) are over what is left: blocks of output channels
      batch: 2, inChannels: 16, inHeight: 9, inWidth: 9, outChannels: 64, kernelHeight: 3, kernelWidth: 3,
      strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, outHeight: 9, outWidth: 9,
    };
    checkAll(wide, 8);
    // found by the property above: asking for the bias gradient too once changed the plan of
    // pieces (its sums take room), and with it the weight gradient's last bits
    checkAll({ batch: 3, inChannels: 3, inHeight: 6, inWidth: 10, outChannels: 6, kernelHeight: 4, kernelWidth: 2,
      strideH: 1, strideW: 2, padH: 1, padW: 2, dilationH: 1, dilationW: 1, outHeight: 5, outWidth: 7 }, 0);
  } finally {
    setMemoryBudget(old);
  }
});

test("under a small memory budget, gemm works in blocks of columns and rows, for every transpose", () => {
  const old = setMemoryBudget(SMALL_BUDGET);
  try {
    const [m, n, k] = [70, 300, 30]; // op(b) alone (36 KB) plus the scratch is over the budget: blocks of columns too
    const { input: a } = data({ batch: 1, inChannels: 1, inHeight: m, inWidth: k } as Conv2dGeometry, 3);
    const { input: b } = data({ batch: 1, inChannels: 1, inHeight: k, inWidth: n } as Conv2dGeometry, 4);
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      for (const accumulate of [false, true]) {
        const c1 = new Float32Array(m * n).fill(0.5), c2 = new Float32Array(m * n).fill(0.5);
        jsBackend.gemm(transA, transB, m, n, k, a, b, c1, accumulate);
        wasm.gemm(transA, transB, m, n, k, a, b, c2, accumulate);
        for (let i = 0; i < c1.length; i++) assert.ok(Math.abs(c1[i]! - c2[i]!) <= 1e-5, `gemm ${transA} ${transB} ${accumulate} [${i}]`);
      }
    }
  } finally {
    setMemoryBudget(old);
  }
});

test("a call whose smallest piece cannot fit the budget says how many bytes it needed", () => {
  const old = setMemoryBudget(140_000);
  try {
    const g: Conv2dGeometry = {
      batch: 1, inChannels: 64, inHeight: 8, inWidth: 200, outChannels: 8, kernelHeight: 3, kernelWidth: 3,
      strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, outHeight: 8, outWidth: 200,
    };
    const { input, weight } = data(g, 1);
    assert.throws(() => wasm.conv2d(input, weight, null, new Float32Array(8 * 8 * 200), g),
      /wasm conv2d needs \d+ bytes of WebAssembly memory even in its smallest piece, more than the 140000-byte budget; use a smaller batch or input, or setBackend\("js"\)/);
    assert.throws(() => wasm.gemm(false, false, 10, 50, 3000, new Float32Array(30_000), new Float32Array(150_000), new Float32Array(500), false),
      /wasm matmul \(10x3000 by 3000x50\) needs \d+ bytes/);
  } finally {
    setMemoryBudget(old);
  }
});

test("the direct kernels (stride 1, no padding, four output columns at a time) match the float64 loop", () => {
  // output channels in pairs and an odd one left, rows in fours and the rest, taps in fours and the rest
  const directArb = fc.record({
    batch: fc.integer({ min: 1, max: 3 }), inChannels: fc.integer({ min: 1, max: 8 }), outChannels: fc.integer({ min: 1, max: 5 }),
    kernelHeight: fc.integer({ min: 1, max: 5 }), kernelWidth: fc.integer({ min: 1, max: 9 }),
    outHeight: fc.integer({ min: 1, max: 9 }), groups: fc.integer({ min: 1, max: 3 }),
  }).map((k): Conv2dGeometry => ({
    batch: k.batch, inChannels: k.inChannels, outChannels: k.outChannels, kernelHeight: k.kernelHeight, kernelWidth: k.kernelWidth,
    inHeight: k.outHeight + k.kernelHeight - 1, inWidth: 4 * k.groups + k.kernelWidth - 1, outHeight: k.outHeight, outWidth: 4 * k.groups,
    strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1,
  }));
  fc.assert(fc.property(directArb, fc.integer(), (g, seed) => checkAll(g, seed)), { numRuns: 150 });
});

test("stride 1 with padding (a padded copy for the direct kernels where the channels are few), in plain arrays and in the kernels' memory", () => {
  const paddedArb = fc.record({
    batch: fc.integer({ min: 1, max: 3 }), inChannels: fc.constantFrom(1, 2, 3, 8, 9, 17), outChannels: fc.constantFrom(1, 2, 5, 16, 17),
    kernelHeight: fc.integer({ min: 1, max: 5 }), kernelWidth: fc.integer({ min: 1, max: 5 }),
    inHeight: fc.integer({ min: 1, max: 10 }), inWidth: fc.integer({ min: 1, max: 13 }), padH: fc.integer({ min: 0, max: 3 }), padW: fc.integer({ min: 0, max: 3 }),
  }).map((k): Conv2dGeometry => ({
    ...k, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
    outHeight: k.inHeight + 2 * k.padH - k.kernelHeight + 1, outWidth: k.inWidth + 2 * k.padW - k.kernelWidth + 1,
  })).filter((g) => g.outHeight >= 1 && g.outWidth >= 1);
  fc.assert(fc.property(paddedArb, fc.integer(), fc.boolean(), checkAll), { numRuns: 200 });
});

test.run();
