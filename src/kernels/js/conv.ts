// 2-D convolution as the sliding window from a convolution picture: put the kernel on the input,
// multiply what lies under it, add it all up, slide by the stride. These loops are the reference the
// Wasm SIMD kernels are tested against, so they favour being obviously right over being fast.
//
// Shapes (all row-major, see Conv2dGeometry):
//   input  [batch, inChannels, inHeight, inWidth]
//   weight [outChannels, inChannels, kernelHeight, kernelWidth]
//   output [batch, outChannels, outHeight, outWidth]
// Output size, per axis (the caller works it out and hands it in through the geometry):
//   outHeight = floor((inHeight + 2*padH - dilationH*(kernelHeight-1) - 1) / strideH) + 1
// Output pixel (oh, ow) sees, through kernel tap (kh, kw), the input pixel
//   ih = oh*strideH - padH + kh*dilationH,   iw = ow*strideW - padW + kw*dilationW
// and a pixel outside the input is padding: a zero, so it is simply skipped (a bounds check).
import type { Conv2dGeometry } from "../types.ts";
import { allocLike, type DataArray } from "../../tensor/dtype.ts";
import { gemm } from "./gemm.ts";

/** out = conv2d(input, weight) + bias (bias may be null). Overwrites out. */
export function conv2d(input: DataArray, weight: DataArray, bias: DataArray | null, out: DataArray, g: Conv2dGeometry): void {
  const { batch, inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const inPlane = inHeight * inWidth;
  const kernelPlane = kernelHeight * kernelWidth;
  for (let n = 0; n < batch; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const outBase = (n * outChannels + oc) * outHeight * outWidth;
      for (let oh = 0; oh < outHeight; oh++) {
        const ihTop = oh * g.strideH - g.padH; // input row under the kernel's top row
        for (let ow = 0; ow < outWidth; ow++) {
          const iwLeft = ow * g.strideW - g.padW; // input column under the kernel's left column
          let sum = bias ? bias[oc]! : 0; // a JS number: the sum is kept in float64, rounded once
          for (let ic = 0; ic < inChannels; ic++) {
            const inBase = (n * inChannels + ic) * inPlane;
            const wBase = (oc * inChannels + ic) * kernelPlane;
            for (let kh = 0; kh < kernelHeight; kh++) {
              const ih = ihTop + kh * g.dilationH;
              if (ih < 0 || ih >= inHeight) continue; // a padding row: contributes nothing
              const inRow = inBase + ih * inWidth;
              const wRow = wBase + kh * kernelWidth;
              for (let kw = 0; kw < kernelWidth; kw++) {
                const iw = iwLeft + kw * g.dilationW;
                if (iw < 0 || iw >= inWidth) continue; // a padding column
                sum += input[inRow + iw]! * weight[wRow + kw]!;
              }
            }
          }
          out[outBase + oh * outWidth + ow] = sum;
        }
      }
    }
  }
}

/** gradInput = d(loss)/d(input) given gradOut. Overwrites gradInput.
 *
 *  Each input pixel collects gradOut * weight from every output pixel whose window covered it. We
 *  gather rather than scatter: for input row ih and kernel row kh, the output row that put tap kh
 *  on ih is oh = (ih + padH - kh*dilationH) / strideH, if that is a whole number inside the output.
 *  Gathering writes each gradient once, from one float64 sum, so no zero-fill and no float32
 *  rounding at every step of the accumulation. */
export function conv2dBackwardInput(gradOut: DataArray, weight: DataArray, gradInput: DataArray, g: Conv2dGeometry): void {
  const { batch, inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const outPlane = outHeight * outWidth;
  const kernelPlane = kernelHeight * kernelWidth;
  for (let n = 0; n < batch; n++) {
    for (let ic = 0; ic < inChannels; ic++) {
      const inBase = (n * inChannels + ic) * inHeight * inWidth;
      for (let ih = 0; ih < inHeight; ih++) {
        for (let iw = 0; iw < inWidth; iw++) {
          let sum = 0;
          for (let oc = 0; oc < outChannels; oc++) {
            const outBase = (n * outChannels + oc) * outPlane;
            const wBase = (oc * inChannels + ic) * kernelPlane;
            for (let kh = 0; kh < kernelHeight; kh++) {
              const ohTimesStride = ih + g.padH - kh * g.dilationH; // = oh * strideH
              if (ohTimesStride < 0 || ohTimesStride % g.strideH !== 0) continue; // no window puts tap kh here
              const oh = ohTimesStride / g.strideH;
              if (oh >= outHeight) continue;
              const outRow = outBase + oh * outWidth;
              const wRow = wBase + kh * kernelWidth;
              for (let kw = 0; kw < kernelWidth; kw++) {
                const owTimesStride = iw + g.padW - kw * g.dilationW; // = ow * strideW
                if (owTimesStride < 0 || owTimesStride % g.strideW !== 0) continue;
                const ow = owTimesStride / g.strideW;
                if (ow >= outWidth) continue;
                sum += gradOut[outRow + ow]! * weight[wRow + kw]!;
              }
            }
          }
          gradInput[inBase + ih * inWidth + iw] = sum;
        }
      }
    }
  }
}

/** gradWeight = d(loss)/d(weight), and gradBias = d(loss)/d(bias) when given. Overwrites both.
 *
 *  Weight tap (oc, ic, kh, kw) multiplied, in the forward pass, the input pixel under it in every
 *  window of every image; its gradient is the sum of input × gradOut over those same windows. */
export function conv2dBackwardWeight(input: DataArray, gradOut: DataArray, gradWeight: DataArray, g: Conv2dGeometry, gradBias: DataArray | null = null): void {
  if (gradBias) conv2dBackwardBias(gradOut, gradBias, g);
  const { batch, inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth, outHeight, outWidth } = g;
  const inPlane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;
  for (let oc = 0; oc < outChannels; oc++) {
    for (let ic = 0; ic < inChannels; ic++) {
      for (let kh = 0; kh < kernelHeight; kh++) {
        for (let kw = 0; kw < kernelWidth; kw++) {
          let sum = 0;
          for (let n = 0; n < batch; n++) {
            const inBase = (n * inChannels + ic) * inPlane;
            const outBase = (n * outChannels + oc) * outPlane;
            for (let oh = 0; oh < outHeight; oh++) {
              const ih = oh * g.strideH - g.padH + kh * g.dilationH;
              if (ih < 0 || ih >= inHeight) continue; // this window's tap row lies in the padding
              const inRow = inBase + ih * inWidth;
              const outRow = outBase + oh * outWidth;
              for (let ow = 0; ow < outWidth; ow++) {
                const iw = ow * g.strideW - g.padW + kw * g.dilationW;
                if (iw < 0 || iw >= inWidth) continue;
                sum += input[inRow + iw]! * gradOut[outRow + ow]!;
              }
            }
          }
          gradWeight[((oc * inChannels + ic) * kernelHeight + kh) * kernelWidth + kw] = sum;
        }
      }
    }
  }
}

/** gradBias[o] = gradOut summed over batch, rows and columns of channel o: the bias was added to
 *  every one of those pixels. Summed in float64 (a long float32 sum drifts), rounded once. */
export function conv2dBackwardBias(gradOut: DataArray, gradBias: DataArray, g: Conv2dGeometry): void {
  const plane = g.outHeight * g.outWidth;
  const sums = new Float64Array(g.outChannels);
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < g.outChannels; o++) {
      const start = (n * g.outChannels + o) * plane;
      let s = 0;
      for (let i = start; i < start + plane; i++) s += gradOut[i]!;
      sums[o] = sums[o]! + s;
    }
  }
  gradBias.set(sums);
}

// ---- the same forward pass as im2col + one matrix product ----------------------------------------
// How the wasm backend computes a convolution that is not direct.wat's (conv.wat + gemm.wat), here
// in plain loops to read beside the sliding window above: unroll every receptive field into a
// column, and the whole convolution is one product of the weights with that matrix.

/** col[(c*KH + kh)*KW + kw][n*P + oh*OW + ow] = the input pixel that output (n, oh, ow) sees through
 *  tap (c, kh, kw), 0 where that is padding: K = C*KH*KW rows, batch*P columns (P = OH*OW). */
export function im2col(input: DataArray, g: Conv2dGeometry): DataArray {
  const P = g.outHeight * g.outWidth, columns = g.batch * P;
  const col = allocLike(input, g.inChannels * g.kernelHeight * g.kernelWidth * columns);
  for (let c = 0; c < g.inChannels; c++) {
    for (let kh = 0; kh < g.kernelHeight; kh++) {
      for (let kw = 0; kw < g.kernelWidth; kw++) {
        const row = ((c * g.kernelHeight + kh) * g.kernelWidth + kw) * columns;
        for (let n = 0; n < g.batch; n++) {
          for (let oh = 0; oh < g.outHeight; oh++) {
            const ih = oh * g.strideH - g.padH + kh * g.dilationH;
            for (let ow = 0; ow < g.outWidth; ow++) {
              const iw = ow * g.strideW - g.padW + kw * g.dilationW;
              const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
              col[row + n * P + oh * g.outWidth + ow] = inside ? input[((n * g.inChannels + c) * g.inHeight + ih) * g.inWidth + iw]! : 0;
            }
          }
        }
      }
    }
  }
  return col;
}

/** out = conv2d(input, weight) + bias, as weight [OC × K] · im2col(input) [K × batch·P], then each
 *  image's block of columns moved to its place in [batch, OC, OH, OW]. Overwrites out. */
export function conv2dIm2col(input: DataArray, weight: DataArray, bias: DataArray | null, out: DataArray, g: Conv2dGeometry): void {
  const K = g.inChannels * g.kernelHeight * g.kernelWidth, P = g.outHeight * g.outWidth, columns = g.batch * P;
  const product = allocLike(out, g.outChannels * columns);
  gemm(false, false, g.outChannels, columns, K, weight, im2col(input, g), product, false);
  for (let n = 0; n < g.batch; n++) {
    for (let oc = 0; oc < g.outChannels; oc++) {
      for (let p = 0; p < P; p++) out[(n * g.outChannels + oc) * P + p] = product[oc * columns + n * P + p]! + (bias ? bias[oc]! : 0);
    }
  }
}
