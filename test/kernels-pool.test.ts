import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { jsBackend } from "../src/kernels/js/index.ts";
import {
  adaptiveAvgPool2d, adaptiveAvgPool2dBackward, adaptiveEnd, adaptiveStart, avgPool2d, avgPool2dBackward,
} from "../src/kernels/js/pool.ts";
import type { Pool2dGeometry } from "../src/kernels/types.ts";

// ---- random pooling geometries: padding at most half the kernel (PyTorch's rule), output ≥ 1x1 ----

const axisArb = fc
  .record({ kernel: fc.integer({ min: 1, max: 4 }), stride: fc.integer({ min: 1, max: 3 }) })
  .chain((a) => fc.record({ pad: fc.integer({ min: 0, max: Math.floor(a.kernel / 2) }) }).map((p) => ({ ...a, ...p })))
  .chain((a) => {
    const smallest = Math.max(1, a.kernel - 2 * a.pad);
    return fc.integer({ min: smallest, max: smallest + 6 }).map((size) => ({
      ...a, size, out: Math.floor((size + 2 * a.pad - a.kernel) / a.stride) + 1,
    }));
  });

const geometryArb: fc.Arbitrary<Pool2dGeometry> = fc
  .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), axisArb, axisArb)
  .map(([batch, channels, h, w]) => ({
    batch, channels, inHeight: h.size, inWidth: w.size, kernelHeight: h.kernel, kernelWidth: w.kernel,
    strideH: h.stride, strideW: w.stride, padH: h.pad, padW: w.pad, dilationH: 1, dilationW: 1, outHeight: h.out, outWidth: w.out,
  }));

const inSize = (g: Pool2dGeometry) => g.batch * g.channels * g.inHeight * g.inWidth;
const outSize = (g: Pool2dGeometry) => g.batch * g.channels * g.outHeight * g.outWidth;

/** Deterministic values from an integer seed; `levels` > 0 rounds them to a few values so ties are common. */
function randomArray(n: number, seed: number, levels = 0): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    const u = ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    return levels > 0 ? Math.round(u * levels) : u;
  });
}

/** The real input positions (within the plane) of a window, in row-major order. */
function windowOf(g: Pool2dGeometry, oh: number, ow: number): number[] {
  const cells: number[] = [];
  for (let i = 0; i < g.kernelHeight; i++)
    for (let j = 0; j < g.kernelWidth; j++) {
      const r = oh * g.strideH - g.padH + i;
      const c = ow * g.strideW - g.padW + j;
      if (r >= 0 && r < g.inHeight && c >= 0 && c < g.inWidth) cells.push(r * g.inWidth + c);
    }
  return cells;
}

/** Visits every output with its plane offsets and window. */
function eachWindow(g: Pool2dGeometry, visit: (o: number, inBase: number, cells: number[]) => void): void {
  for (let p = 0; p < g.batch * g.channels; p++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++)
        visit((p * g.outHeight + oh) * g.outWidth + ow, p * g.inHeight * g.inWidth, windowOf(g, oh, ow));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): { value: number; scale: number } {
  let value = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    value += a[i]! * b[i]!;
    scale += Math.abs(a[i]! * b[i]!);
  }
  return { value, scale };
}

// ---- max pooling ----

test("maxPool2d: value and first-maximum argmax match a reference over random geometries with many ties", () => {
  // Max involves no arithmetic, so the comparison is exact.
  fc.assert(fc.property(geometryArb, fc.integer(), fc.constantFrom(0, 1, 2), (g, seed, levels) => {
    const input = randomArray(inSize(g), seed, levels);
    const out = new Float32Array(outSize(g)).fill(NaN);
    const argmax = new Int32Array(outSize(g)).fill(-7);
    jsBackend.maxPool2d(input, out, argmax, g);
    eachWindow(g, (o, base, cells) => {
      let best = cells[0]!;
      for (const c of cells) if (input[base + c]! > input[base + best]!) best = c; // strict: the first maximum stays
      assert.is(argmax[o], best, `argmax[${o}]`);
      assert.is(out[o], input[base + best], `out[${o}]`);
    });
  }));
});

test("maxPool2dBackward: each input collects the gradients of the windows it won, and only those", () => {
  fc.assert(fc.property(geometryArb, fc.integer(), (g, seed) => {
    const input = randomArray(inSize(g), seed, 2);
    const out = new Float32Array(outSize(g));
    const argmax = new Int32Array(outSize(g));
    jsBackend.maxPool2d(input, out, argmax, g);
    // Small integers as gradients: sums of them are exact in float32.
    const gradOut = randomArray(outSize(g), seed + 1, 8);
    const gradInput = new Float32Array(inSize(g)).fill(NaN);
    jsBackend.maxPool2dBackward(gradOut, argmax, gradInput, g);
    const want = new Float64Array(inSize(g));
    eachWindow(g, (o, base) => { want[base + argmax[o]!]! += gradOut[o]!; });
    assert.equal([...gradInput], [...want]);
  }));
});

test("maxPool2d: padding never wins, even when every real value is negative", () => {
  // 3x3 of -1..-9, kernel 2, stride 2, padding 1: every window has padding in it, yet no output is 0.
  const g: Pool2dGeometry = {
    batch: 1, channels: 1, inHeight: 3, inWidth: 3, kernelHeight: 2, kernelWidth: 2,
    strideH: 2, strideW: 2, padH: 1, padW: 1, dilationH: 1, dilationW: 1, outHeight: 2, outWidth: 2,
  };
  const input = Float32Array.from({ length: 9 }, (_, i) => -(i + 1));
  const out = new Float32Array(4);
  const argmax = new Int32Array(4);
  jsBackend.maxPool2d(input, out, argmax, g);
  assert.equal([...out], [-1, -2, -4, -5]);
  assert.equal([...argmax], [0, 1, 3, 4]);
  // All -Infinity: the first real element still wins, so the gradient has somewhere to go.
  jsBackend.maxPool2d(new Float32Array(9).fill(-Infinity), out, argmax, g);
  assert.equal([...out], [-Infinity, -Infinity, -Infinity, -Infinity]);
  assert.equal([...argmax], [0, 1, 3, 4]);
});

test("maxPool2d: on a tie the first maximum in row-major order gets the whole gradient", () => {
  // One 2x3 window: [[1, 5, 2], [5, 0, 5]]. Three 5s; the one at (0, 1) is first.
  const g: Pool2dGeometry = {
    batch: 1, channels: 1, inHeight: 2, inWidth: 3, kernelHeight: 2, kernelWidth: 3,
    strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outHeight: 1, outWidth: 1,
  };
  const out = new Float32Array(1);
  const argmax = new Int32Array(1);
  jsBackend.maxPool2d(Float32Array.from([1, 5, 2, 5, 0, 5]), out, argmax, g);
  assert.is(out[0], 5);
  assert.is(argmax[0], 1);
  const gradInput = new Float32Array(6);
  jsBackend.maxPool2dBackward(Float32Array.from([3]), argmax, gradInput, g);
  assert.equal([...gradInput], [0, 3, 0, 0, 0, 0]);
});

test("maxPool2d: a NaN in the window is the maximum (PyTorch propagates NaN)", () => {
  const g: Pool2dGeometry = {
    batch: 1, channels: 1, inHeight: 2, inWidth: 4, kernelHeight: 2, kernelWidth: 2,
    strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outHeight: 1, outWidth: 2,
  };
  const out = new Float32Array(2);
  const argmax = new Int32Array(2);
  // Left window [[1, NaN], [9, 2]]: NaN wins over the larger 9. Right window [[3, 4], [7, 5]]: plain 7.
  jsBackend.maxPool2d(Float32Array.from([1, NaN, 3, 4, 9, 2, 7, 5]), out, argmax, g);
  assert.ok(Number.isNaN(out[0]!));
  assert.is(argmax[0], 1);
  assert.is(out[1], 7);
  assert.is(argmax[1], 6);
  // NaN first, then a larger number: NaN still holds (nothing is greater than NaN).
  jsBackend.maxPool2d(Float32Array.from([NaN, 1, 3, 4, 9, 2, 7, 5]), out, argmax, g);
  assert.ok(Number.isNaN(out[0]!));
  assert.is(argmax[0], 0);
});

// ---- average pooling ----

const x4 = Float32Array.from({ length: 16 }, (_, i) => i + 1); // [[1,2,3,4],[5,6,7,8],[9,10,11,12],[13,14,15,16]]

test("avgPool2d by hand: 4x4 of 1..16, kernel 2, stride 2, padding 1, with and without count_include_pad", () => {
  const g: Pool2dGeometry = {
    batch: 1, channels: 1, inHeight: 4, inWidth: 4, kernelHeight: 2, kernelWidth: 2,
    strideH: 2, strideW: 2, padH: 1, padW: 1, dilationH: 1, dilationW: 1, outHeight: 3, outWidth: 3,
  };
  // Windows: rows {0} {1,2} {3} by columns {0} {1,2} {3}. Sums: 1, 2+3, 4 / 5+9, 6+7+10+11, 8+12 / 13, 14+15, 16.
  const out = new Float32Array(9);
  avgPool2d(x4, out, g, true); // always divide by 4
  assert.equal([...out], [0.25, 1.25, 1, 3.5, 8.5, 5, 3.25, 7.25, 4]);
  avgPool2d(x4, out, g, false); // divide by the real pixels: 1, 2 or 4
  assert.equal([...out], [1, 2.5, 4, 7, 8.5, 10, 13, 14.5, 16]);
  // Backward with gradOut of ones: every pixel is in exactly one window, and gets 1/divisor.
  const gradInput = new Float32Array(16).fill(NaN);
  avgPool2dBackward(new Float32Array(9).fill(1), gradInput, g, true);
  assert.equal([...gradInput], new Array(16).fill(0.25));
  avgPool2dBackward(new Float32Array(9).fill(1), gradInput, g, false);
  assert.equal([...gradInput], [1, 0.5, 0.5, 1, 0.5, 0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0.5, 1, 0.5, 0.5, 1]);
});

/** PyTorch's divisor, spelled out: with count_include_pad, the kernel area clipped to input + padding. */
function divisor(g: Pool2dGeometry, oh: number, ow: number, cells: number, countIncludePad: boolean): number {
  if (!countIncludePad) return cells;
  const h = Math.min(oh * g.strideH - g.padH + g.kernelHeight, g.inHeight + g.padH) - (oh * g.strideH - g.padH);
  const w = Math.min(ow * g.strideW - g.padW + g.kernelWidth, g.inWidth + g.padW) - (ow * g.strideW - g.padW);
  return h * w;
}

test("avgPool2d and its backward match float64 references and the adjoint identity (random geometries)", () => {
  // Forward: a float64 sum divided and rounded once, so within 2^-24 relative; we allow 2^-22 of Σ|x|/divisor.
  // Backward adds n shares into a float32 cell, one rounding per addition: the classic bound for
  // recursive summation is n * 2^-24 * Σ|share|; we allow twice that.
  fc.assert(fc.property(geometryArb, fc.boolean(), fc.integer(), (g, countIncludePad, seed) => {
    const input = randomArray(inSize(g), seed);
    const gradOut = randomArray(outSize(g), seed + 1);
    const out = new Float32Array(outSize(g)).fill(NaN);
    avgPool2d(input, out, g, countIncludePad);
    const gradInput = new Float32Array(inSize(g)).fill(NaN);
    avgPool2dBackward(gradOut, gradInput, g, countIncludePad);
    const wantGrad = new Float64Array(inSize(g));
    const gradBound = new Float64Array(inSize(g)); // Σ|share| per pixel, times the number of shares
    const shares = new Float64Array(inSize(g));
    const want = new Float64Array(outSize(g));
    eachWindow(g, (o, base, cells) => {
      const oh = Math.floor((o % (g.outHeight * g.outWidth)) / g.outWidth);
      const ow = o % g.outWidth;
      const d = divisor(g, oh, ow, cells.length, countIncludePad);
      let sum = 0;
      let abs = 0;
      for (const c of cells) {
        sum += input[base + c]!;
        abs += Math.abs(input[base + c]!);
        wantGrad[base + c]! += gradOut[o]! / d;
        gradBound[base + c]! += Math.abs(gradOut[o]! / d);
        shares[base + c]! += 1;
      }
      want[o] = sum / d;
      assert.ok(Math.abs(out[o]! - want[o]!) <= 2 ** -22 * (abs / d) + 1e-12, `out[${o}] = ${out[o]}, expected ${want[o]}`);
    });
    for (let i = 0; i < wantGrad.length; i++) {
      const tol = 2 * shares[i]! * 2 ** -24 * gradBound[i]! + 1e-12;
      assert.ok(Math.abs(gradInput[i]! - wantGrad[i]!) <= tol, `gradInput[${i}] = ${gradInput[i]}, expected ${wantGrad[i]}`);
    }
    // Average pooling is linear: <avg(x), g> = <x, avgBackward(g)>.
    const lhs = dot(want, gradOut);
    const rhs = dot(input, gradInput);
    // The gap is bounded by the backward's accumulated rounding (above) times |x|, plus the forward's.
    let bound = 0;
    for (let i = 0; i < input.length; i++) bound += 2 * shares[i]! * 2 ** -24 * gradBound[i]! * Math.abs(input[i]!);
    assert.ok(Math.abs(lhs.value - rhs.value) <= bound + 1e-7 * lhs.scale + 1e-12, `adjoint: ${lhs.value} vs ${rhs.value}`);
  }));
});

// ---- adaptive average pooling ----

test("adaptive windows: 5 -> 3 gives [0,2), [1,4), [3,5); equal splits when the size divides", () => {
  assert.equal([0, 1, 2].map((i) => [adaptiveStart(i, 5, 3), adaptiveEnd(i, 5, 3)]), [[0, 2], [1, 4], [3, 5]]);
  assert.equal([0, 1].map((i) => [adaptiveStart(i, 4, 2), adaptiveEnd(i, 4, 2)]), [[0, 2], [2, 4]]);
  assert.equal([0, 1, 2].map((i) => [adaptiveStart(i, 2, 3), adaptiveEnd(i, 2, 3)]), [[0, 1], [0, 2], [1, 2]]); // upsampling
  // A 1x5 row 1..5 to 1x3: means of [1,2], [2,3,4], [4,5].
  const out = new Float32Array(3);
  adaptiveAvgPool2d(Float32Array.from([1, 2, 3, 4, 5]), out, { planes: 1, inHeight: 1, inWidth: 5, outHeight: 1, outWidth: 3 });
  assert.equal([...out], [1.5, 3, 4.5]);
  // The 4x4 of 1..16 to 2x2: quadrant means.
  const quad = new Float32Array(4);
  adaptiveAvgPool2d(x4, quad, { planes: 1, inHeight: 4, inWidth: 4, outHeight: 2, outWidth: 2 });
  assert.equal([...quad], [3.5, 5.5, 11.5, 13.5]);
  // Backward on the 1x5 row: the middle pixels sit in two windows.
  const gradInput = new Float32Array(5).fill(NaN);
  adaptiveAvgPool2dBackward(Float32Array.from([2, 3, 4]), gradInput, { planes: 1, inHeight: 1, inWidth: 5, outHeight: 1, outWidth: 3 });
  assert.equal([...gradInput], [1, 1 + 1, 1, 1 + 2, 2]);
});

test("adaptiveAvgPool2d and its backward match a float64 reference and the adjoint identity", () => {
  const dims = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }));
  fc.assert(fc.property(dims, fc.integer(), ([batch, channels, inH, inW, outH, outW], seed) => {
    const input = randomArray(batch * channels * inH * inW, seed);
    const gradOut = randomArray(batch * channels * outH * outW, seed + 1);
    const out = new Float32Array(gradOut.length).fill(NaN);
    const gradInput = new Float32Array(input.length).fill(NaN);
    adaptiveAvgPool2d(input, out, { planes: batch * channels, inHeight: inH, inWidth: inW, outHeight: outH, outWidth: outW });
    adaptiveAvgPool2dBackward(gradOut, gradInput, { planes: batch * channels, inHeight: inH, inWidth: inW, outHeight: outH, outWidth: outW });
    const want = new Float64Array(out.length);
    const wantGrad = new Float64Array(input.length);
    const gradBound = new Float64Array(input.length); // as for avgPool2d: shares * Σ|share|
    const shares = new Float64Array(input.length);
    for (let p = 0; p < batch * channels; p++)
      for (let i = 0; i < outH; i++)
        for (let j = 0; j < outW; j++) {
          // The rule written with integer division, as PyTorch does it.
          const r0 = Math.floor((i * inH) / outH), r1 = Math.floor(((i + 1) * inH + outH - 1) / outH);
          const c0 = Math.floor((j * inW) / outW), c1 = Math.floor(((j + 1) * inW + outW - 1) / outW);
          const o = (p * outH + i) * outW + j;
          const area = (r1 - r0) * (c1 - c0);
          for (let r = r0; r < r1; r++)
            for (let c = c0; c < c1; c++) {
              want[o]! += input[(p * inH + r) * inW + c]! / area;
              wantGrad[(p * inH + r) * inW + c]! += gradOut[o]! / area;
              gradBound[(p * inH + r) * inW + c]! += Math.abs(gradOut[o]! / area);
              shares[(p * inH + r) * inW + c]! += 1;
            }
        }
    // Values in [-1, 1), so means are too: one float32 rounding (≤ 2^-25) plus float64 noise is under 1e-7.
    // Upsampling (out > in) puts one pixel in many windows; the backward bound grows with that count.
    for (let o = 0; o < out.length; o++) assert.ok(Math.abs(out[o]! - want[o]!) <= 1e-7, `out[${o}] = ${out[o]} vs ${want[o]}`);
    for (let i = 0; i < input.length; i++) {
      const tol = 2 * shares[i]! * 2 ** -24 * gradBound[i]! + 1e-12;
      assert.ok(Math.abs(gradInput[i]! - wantGrad[i]!) <= tol, `gradInput[${i}] = ${gradInput[i]} vs ${wantGrad[i]}`);
    }
    const lhs = dot(want, gradOut);
    const rhs = dot(input, gradInput);
    // The backward's accumulated rounding (above) times |x| ≤ 1 bounds the gap.
    let bound = 0;
    for (let i = 0; i < input.length; i++) bound += 2 * shares[i]! * 2 ** -24 * gradBound[i]! * Math.abs(input[i]!);
    assert.ok(Math.abs(lhs.value - rhs.value) <= bound + 1e-7 * lhs.scale + 1e-12, `adjoint: ${lhs.value} vs ${rhs.value}`);
  }));
});

test.run();
