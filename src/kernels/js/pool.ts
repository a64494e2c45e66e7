// 2-D pooling as a sliding window over each (batch, channel) plane on its own: max, average, and
// adaptive average, forward and backward side by side, with PyTorch's rules for padding and ties.
//
// A window for output pixel (oh, ow) covers input rows oh*strideH - padH + i*dilationH for
// i = 0 .. kernelHeight - 1 (columns likewise); rows and columns outside the input are padding.
// Output size, per axis, is worked out by the op (floor or ceil mode); see nn/functional/pooling.ts.
import type { AdaptiveGeometry, Pool2dGeometry } from "../types.ts";
import type { DataArray } from "../../tensor/dtype.ts";

/** out = max over each window; padding never wins (it is skipped, never compared).
 *  argmax = index of the winner within its (batch, channel) input plane, row * inWidth + col: the
 *  FIRST maximum in row-major window order. As in PyTorch, a NaN in the window wins (NaN is the max),
 *  and when several are NaN the index is that of the last one, as PyTorch's CPU kernel does. */
export function maxPool2d(input: DataArray, out: DataArray, argmax: Int32Array, g: Pool2dGeometry): void {
  const { inHeight, inWidth, kernelHeight, kernelWidth, outHeight, outWidth, dilationH, dilationW } = g;
  const planes = g.batch * g.channels;
  for (let p = 0; p < planes; p++) {
    const inBase = p * inHeight * inWidth;
    const outBase = p * outHeight * outWidth;
    for (let oh = 0; oh < outHeight; oh++) {
      const ihTop = oh * g.strideH - g.padH;
      for (let ow = 0; ow < outWidth; ow++) {
        const iwLeft = ow * g.strideW - g.padW;
        let best = -Infinity;
        let bestIndex = -1; // stays -1 only if the whole window were padding (the op forbids that)
        // The window's rows and columns that fall in the real input: padding is never even looked at.
        for (let ih = ihTop; ih < ihTop + kernelHeight * dilationH; ih += dilationH) {
          if (ih < 0 || ih >= inHeight) continue;
          for (let iw = iwLeft; iw < iwLeft + kernelWidth * dilationW; iw += dilationW) {
            if (iw < 0 || iw >= inWidth) continue;
            const index = ih * inWidth + iw;
            const v = input[inBase + index]!;
            // Strictly greater: a later equal value does not take over, so the first maximum keeps
            // the gradient. The first real element always starts the window (even if it is -Infinity).
            if (bestIndex < 0 || v > best || v !== v) { // v !== v: NaN
              best = v;
              bestIndex = index;
            }
          }
        }
        out[outBase + oh * outWidth + ow] = best;
        argmax[outBase + oh * outWidth + ow] = bestIndex;
      }
    }
  }
}

/** gradInput = scatter-add of gradOut through argmax (windows may overlap, so add). Overwrites gradInput. */
export function maxPool2dBackward(gradOut: DataArray, argmax: Int32Array, gradInput: DataArray, g: Pool2dGeometry): void {
  const inPlane = g.inHeight * g.inWidth;
  const outPlane = g.outHeight * g.outWidth;
  gradInput.fill(0, 0, g.batch * g.channels * inPlane);
  for (let p = 0; p < g.batch * g.channels; p++) {
    for (let o = 0; o < outPlane; o++) {
      const winner = argmax[p * outPlane + o]!;
      if (winner >= 0) gradInput[p * inPlane + winner]! += gradOut[p * outPlane + o]!;
    }
  }
}

/** A window of input pixels, rows [hStart, hEnd) and columns [wStart, wEnd), and what its sum is divided by. */
interface Window { hStart: number; hEnd: number; wStart: number; wEnd: number; divisor: number }

/** For every output pixel of every plane: its window, the plane's first input index, and the pixel's output index. */
function eachWindow(planes: number, inHeight: number, inWidth: number, outHeight: number, outWidth: number,
  windowOf: (oh: number, ow: number) => Window, visit: (w: Window, inBase: number, outIndex: number) => void): void {
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) visit(windowOf(oh, ow), p * inHeight * inWidth, (p * outHeight + oh) * outWidth + ow);
    }
  }
}

/** out = the mean of each window. An empty window (all padding) would give 0/0; PyTorch writes 0 there. */
function meanOfWindows(input: DataArray, out: DataArray, inWidth: number) {
  return (w: Window, inBase: number, o: number) => {
    let sum = 0;
    for (let ih = w.hStart; ih < w.hEnd; ih++) for (let iw = w.wStart; iw < w.wEnd; iw++) sum += input[inBase + ih * inWidth + iw]!;
    out[o] = w.divisor !== 0 && w.hEnd > w.hStart && w.wEnd > w.wStart ? sum / w.divisor : 0;
  };
}

/** Each window hands gradOut / divisor to every input pixel in it (windows may overlap: add). */
function spreadOverWindows(gradOut: DataArray, gradInput: DataArray, inWidth: number) {
  return (w: Window, inBase: number, o: number) => {
    if (w.divisor === 0) return;
    const share = gradOut[o]! / w.divisor;
    for (let ih = w.hStart; ih < w.hEnd; ih++) for (let iw = w.wStart; iw < w.wEnd; iw++) gradInput[inBase + ih * inWidth + iw]! += share;
  };
}

/** The window of output pixel (oh, ow), clipped to the input, and what its sum is divided by.
 *  PyTorch's rule: the divisor with count_include_pad is the window clipped to input+padding
 *  (a window hanging past the padding, possible with a large stride, does not count the overhang);
 *  without it, the number of real input pixels in the window; divisorOverride, when not 0, replaces both. */
function avgWindow(g: Pool2dGeometry, oh: number, ow: number, countIncludePad: boolean, divisorOverride: number): Window {
  let hStart = oh * g.strideH - g.padH;
  let wStart = ow * g.strideW - g.padW;
  let hEnd = Math.min(hStart + g.kernelHeight, g.inHeight + g.padH);
  let wEnd = Math.min(wStart + g.kernelWidth, g.inWidth + g.padW);
  const paddedSize = (hEnd - hStart) * (wEnd - wStart);
  hStart = Math.max(hStart, 0);
  wStart = Math.max(wStart, 0);
  hEnd = Math.min(hEnd, g.inHeight);
  wEnd = Math.min(wEnd, g.inWidth);
  const divisor = divisorOverride || (countIncludePad ? paddedSize : (hEnd - hStart) * (wEnd - wStart));
  return { hStart, hEnd, wStart, wEnd, divisor };
}

/** out = mean over each window (see avgWindow for the divisor). Overwrites out. */
export function avgPool2d(input: DataArray, out: DataArray, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride = 0): void {
  eachWindow(g.batch * g.channels, g.inHeight, g.inWidth, g.outHeight, g.outWidth, (oh, ow) => avgWindow(g, oh, ow, countIncludePad, divisorOverride),
    meanOfWindows(input, out, g.inWidth));
}

/** gradInput: each window hands gradOut / divisor to every real input pixel in it. Overwrites gradInput. */
export function avgPool2dBackward(gradOut: DataArray, gradInput: DataArray, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride = 0): void {
  gradInput.fill(0, 0, g.batch * g.channels * g.inHeight * g.inWidth);
  eachWindow(g.batch * g.channels, g.inHeight, g.inWidth, g.outHeight, g.outWidth, (oh, ow) => avgWindow(g, oh, ow, countIncludePad, divisorOverride),
    spreadOverWindows(gradOut, gradInput, g.inWidth));
}

/** PyTorch's adaptive windows: output i of `outSize` covers input [floor(i*in/out), ceil((i+1)*in/out)).
 *  Neighbouring windows may overlap by one (5 -> 3 gives [0,2), [1,4), [3,5)). */
export function adaptiveStart(i: number, inSize: number, outSize: number): number {
  return Math.floor((i * inSize) / outSize);
}
export function adaptiveEnd(i: number, inSize: number, outSize: number): number {
  return Math.ceil(((i + 1) * inSize) / outSize);
}

function adaptiveWindow(g: AdaptiveGeometry, oh: number, ow: number): Window {
  const hStart = adaptiveStart(oh, g.inHeight, g.outHeight), hEnd = adaptiveEnd(oh, g.inHeight, g.outHeight);
  const wStart = adaptiveStart(ow, g.inWidth, g.outWidth), wEnd = adaptiveEnd(ow, g.inWidth, g.outWidth);
  return { hStart, hEnd, wStart, wEnd, divisor: (hEnd - hStart) * (wEnd - wStart) };
}

/** out = mean of each adaptive window. */
export function adaptiveAvgPool2d(input: DataArray, out: DataArray, g: AdaptiveGeometry): void {
  eachWindow(g.planes, g.inHeight, g.inWidth, g.outHeight, g.outWidth, (oh, ow) => adaptiveWindow(g, oh, ow), meanOfWindows(input, out, g.inWidth));
}

/** gradInput: each adaptive window hands gradOut / (its size) to every input pixel in it. Overwrites gradInput. */
export function adaptiveAvgPool2dBackward(gradOut: DataArray, gradInput: DataArray, g: AdaptiveGeometry): void {
  gradInput.fill(0, 0, g.planes * g.inHeight * g.inWidth);
  eachWindow(g.planes, g.inHeight, g.inWidth, g.outHeight, g.outWidth, (oh, ow) => adaptiveWindow(g, oh, ow), spreadOverWindows(gradOut, gradInput, g.inWidth));
}
