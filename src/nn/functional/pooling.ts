// 2-D pooling: max, average and adaptive average, forward and backward side by side.
// Output size: see poolOutSize. The loops are on the kernel seam; average pooling has no SIMD
// kernel, so both backends run its plain loops.
import { record } from "../../tensor/autograd.ts";
import * as A from "../../args.ts";
import { sameShape, shapeString } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { kernelsFor } from "../../kernels/index.ts";
import { checkFloating, int64 } from "../../tensor/dtype.ts";
import { takeArray } from "../../tensor/tidy.ts";
import type { Pool2dGeometry } from "../../kernels/types.ts";
import { pair, type Pair } from "./conv.ts";

export interface Pool2dOptions {
  /** Defaults to the kernel size: windows side by side, not overlapping. */
  stride?: Pair | null;
  padding?: Pair;
  /** Round the output size up rather than down: a last, partial window where the input leaves
   *  a remainder (as long as it starts inside the input or its left padding). */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Whether the zeros of the padding count in the divisor (PyTorch's default: yes). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead (not 0). */
  divisorOverride?: number | null;
}

/** PyTorch's pooling output length along one dim:
 *  floor-or-ceil((in + 2*pad - dilation*(kernel-1) - 1) / stride) + 1, and in ceil mode one less
 *  when the last window would start past the input and its left padding. */
export function poolOutSize(size: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** [N, C, H, W] (or [C, H, W], as a batch of one) -> [batch, channels, H, W], or PyTorch's error. */
function planes(input: Tensor, op: string): [number, number, number, number] {
  if (input.shape.length === 3) return [1, input.shape[0]!, input.shape[1]!, input.shape[2]!];
  if (input.shape.length === 4) return input.shape as unknown as [number, number, number, number];
  throw new Error(`${op}: non-empty 3D or 4D (batch mode) tensor expected for input, but got input of size: ${shapeString(input.shape)}`);
}

/** Checks kernel/stride/padding/dilation and works out the geometry of a sliding-window pooling. */
function poolGeometry(input: Tensor, op: string, kernelSize: Pair, options: Pool2dOptions & { dilation?: Pair }): Pool2dGeometry {
  const [batch, channels, inHeight, inWidth] = planes(input, op);
  const [kernelHeight, kernelWidth] = pair(kernelSize, "kernel_size");
  const [strideH, strideW] = pair(options.stride ?? kernelSize, "stride");
  const [padH, padW] = pair(options.padding ?? 0, "padding");
  const [dilationH, dilationW] = pair(options.dilation ?? 1, "dilation");
  if (kernelHeight <= 0 || kernelWidth <= 0) {
    throw new Error(`kernel size should be greater than zero, but got kH: ${kernelHeight} kW: ${kernelWidth}`);
  }
  if (strideH <= 0 || strideW <= 0) throw new Error(`stride should be greater than zero, but got dH: ${strideH} dW: ${strideW}`);
  if (dilationH <= 0 || dilationW <= 0) throw new Error(`dilation should be greater than zero, but got dilationH: ${dilationH} dilationW: ${dilationW}`);
  // A window of more padding than half its (dilated) size could sit entirely in the padding.
  for (const [pad, kernel, dilation] of [[padH, kernelHeight, dilationH], [padW, kernelWidth, dilationW]] as const) {
    if (pad < 0 || pad > ((kernel - 1) * dilation + 1) / 2) {
      throw new Error(`pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${kernel} and dilation=${dilation}`);
    }
  }
  const ceilMode = options.ceilMode ?? false;
  const outHeight = poolOutSize(inHeight, kernelHeight, strideH, padH, dilationH, ceilMode);
  const outWidth = poolOutSize(inWidth, kernelWidth, strideW, padW, dilationW, ceilMode);
  if (outHeight < 1 || outWidth < 1) {
    throw new Error(
      `Given input size: (${channels}x${inHeight}x${inWidth}). Calculated output size: (${channels}x${outHeight}x${outWidth}). Output size is too small`,
    );
  }
  return { batch, channels, inHeight, inWidth, kernelHeight, kernelWidth, strideH, strideW, padH, padW, dilationH, dilationW, outHeight, outWidth };
}

/** The output tensor for a pooling of `input`: same rank, last two dims replaced; zeroed unless
 *  the kernel writes it in full. */
function pooledOutput(input: Tensor, outHeight: number, outWidth: number, writtenInFull = false): Tensor {
  const shape = [...input.shape.slice(0, -2), outHeight, outWidth], n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(writtenInFull ? input.dtype.empty(n) : input.dtype.zeros(n), shape, input.dtype);
}

/** A zeroed gradient for `input`, in its dtype. */
function gradFor(input: Tensor): Tensor {
  return new Tensor(input.dtype.zeros(input.numel()), input.shape, input.dtype);
}

export interface MaxPool2dOptions extends Pool2dOptions {
  /** Spacing between a window's elements (1: side by side). */
  dilation?: Pair;
  /** Also return where each maximum came from: flat indices within each input plane (row * width + col), int64. */
  returnIndices?: boolean;
}

/** Max over each window. Padding never wins: padded positions are skipped, not read as zeros.
 *  The gradient goes to the element that won, the first maximum in row-major window order on ties.
 *  With `returnIndices`, [values, indices], the indices as maxUnpool2d takes them. */
export function maxPool2d(input: Tensor, kernelSize: Pair, options?: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: Pair, options: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor | [Tensor, Tensor] {
  A.checkOptions("max_pool2d", options, { stride: A.nullable(A.pair), padding: A.pair, dilation: A.pair, ceilMode: A.boolean, returnIndices: A.boolean });
  const g = poolGeometry(input, "max_pool2d", kernelSize, options);
  checkFloating(input.dtype, "max_pool2d");
  const kernels = kernelsFor(input.dtype);
  const out = pooledOutput(input, g.outHeight, g.outWidth, true);
  const argmax = takeArray(Int32Array, out.numel(), false); // maxPool2d writes both in full
  kernels.maxPool2d(input._data, out._data, argmax, g);
  const values = record(out, "MaxPool2DWithIndicesBackward0", [input], (grad) => {
    const gradInput = new Tensor(input.dtype.empty(input.numel()), input.shape, input.dtype); // overwritten by the kernel
    kernels.maxPool2dBackward(grad._data, argmax, gradInput._data, g);
    return [gradInput];
  }, [input]);
  return options.returnIndices ? [values, new Tensor(Float64Array.from(argmax), out.shape, int64)] : values;
}

export interface MaxUnpool2dOptions extends Pool2dOptions {
  /** The output's [height, width] (or the whole shape, whose last two are taken); by default
   *  (in - 1)*stride - 2*padding + kernel, the size max pooling came from without its remainder. */
  outputSize?: readonly number[];
}

/** The inverse of max pooling, as far as it goes: each value goes back to where its maximum came
 *  from (indices from maxPool2d with returnIndices), every other position is 0. The gradient for
 *  the input is read back at the same positions. */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: Pair, options: MaxUnpool2dOptions = {}): Tensor {
  A.checkOptions("max_unpool2d", options, { stride: A.nullable(A.pair), padding: A.pair, outputSize: A.numbers });
  const [batch, channels, inHeight, inWidth] = planes(input, "max_unpool2d");
  checkFloating(input.dtype, "max_unpool2d");
  if (indices.dtype !== int64) throw new Error(`max_unpool2d: expected indices of dtype torch.int64, got ${indices.dtype}`);
  if (!sameShape(indices.shape, input.shape)) {
    throw new Error(`Expected shape of indices to be same as that of the input tensor (${shapeString(input.shape)}) but got indices tensor with shape: ${shapeString(indices.shape)}`);
  }
  const [kernelHeight, kernelWidth] = pair(kernelSize, "kernel_size");
  const [strideH, strideW] = pair(options.stride ?? kernelSize, "stride");
  const [padH, padW] = pair(options.padding ?? 0, "padding");
  const defaults = [(inHeight - 1) * strideH - 2 * padH + kernelHeight, (inWidth - 1) * strideW - 2 * padW + kernelWidth];
  const asked = options.outputSize ? options.outputSize.slice(-2) : defaults;
  [0, 1].forEach((d) => {
    const size = asked[d]!, stride = d === 0 ? strideH : strideW;
    const lo = defaults[d]! - stride, hi = defaults[d]! + stride;
    if (!Number.isInteger(size) || size < lo || size > hi) {
      throw new Error(`invalid output_size "(${asked.join(", ")})" (dim ${d} must be between ${lo} and ${hi})`);
    }
  });
  const [outHeight, outWidth] = asked as [number, number];
  const out = pooledOutput(input, outHeight, outWidth);
  const inPlane = inHeight * inWidth, outPlane = outHeight * outWidth;
  const where = indices._data, values = input._data, outData = out._data;
  for (let p = 0; p < batch * channels; p++) {
    for (let i = 0; i < inPlane; i++) {
      const at = where[p * inPlane + i]!;
      if (!(at >= 0 && at < outPlane)) throw new Error(`Found an invalid max index: ${at} (output volumes are of size ${outHeight}x${outWidth})`);
      outData[p * outPlane + at] = values[p * inPlane + i]!;
    }
  }
  return record(out, "MaxUnpool2DBackward0", [input], (grad) => {
    const gradInput = gradFor(input);
    for (let p = 0; p < batch * channels; p++)
      for (let i = 0; i < inPlane; i++) gradInput._data[p * inPlane + i] = grad._data[p * outPlane + where[p * inPlane + i]!]!;
    return [gradInput];
  }, [indices]);
}

/** Mean over each window; the gradient spreads evenly back over the window's elements. */
export function avgPool2d(input: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  A.checkOptions("avg_pool2d", options, { stride: A.nullable(A.pair), padding: A.pair, ceilMode: A.boolean, countIncludePad: A.boolean, divisorOverride: A.nullable(A.integer) });
  const g = poolGeometry(input, "avg_pool2d", kernelSize, options);
  checkFloating(input.dtype, "avg_pool2d");
  const countIncludePad = options.countIncludePad ?? true, divisor = options.divisorOverride ?? 0;
  if (options.divisorOverride === 0) throw new Error("divisor must be not zero");
  const out = pooledOutput(input, g.outHeight, g.outWidth);
  const kernels = kernelsFor(input.dtype);
  kernels.avgPool2d(input._data, out._data, g, countIncludePad, divisor);
  return record(out, "AvgPool2DBackward0", [input], (grad) => {
    const gradInput = gradFor(input);
    kernels.avgPool2dBackward(grad._data, gradInput._data, g, countIncludePad, divisor);
    return [gradInput];
  }, [input]);
}

/** A target size: one number for both dims, or [height, width] where null keeps the input's size. */
export type AdaptiveSize = number | readonly [number | null, number | null];

/** Average pooling to a fixed output size. Output cell i along a dim of length `in` averages
 *  input indices floor(i*in/out) .. ceil((i+1)*in/out) - 1, so the bins cover the input and may overlap. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize, ...rest: never[]): Tensor {
  if (rest.length) throw new Error(`adaptive_avg_pool2d: takes 2 arguments (input, outputSize), got ${2 + rest.length}`);
  const [batch, channels, inHeight, inWidth] = planes(input, "adaptive_avg_pool2d");
  checkFloating(input.dtype, "adaptive_avg_pool2d");
  const [h, w] = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  const outHeight = h ?? inHeight, outWidth = w ?? inWidth;
  if (!Number.isInteger(outHeight) || !Number.isInteger(outWidth) || outHeight < 1 || outWidth < 1) {
    throw new Error(`adaptive_avg_pool2d: output_size must be positive integers, got ${JSON.stringify(outputSize)}`);
  }
  if (inHeight < 1 || inWidth < 1) {
    throw new Error(`adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${shapeString(input.shape)}`);
  }
  const out = pooledOutput(input, outHeight, outWidth);
  const g = { planes: batch * channels, inHeight, inWidth, outHeight, outWidth };
  const kernels = kernelsFor(input.dtype);
  kernels.adaptiveAvgPool2d(input._data, out._data, g);
  return record(out, "AdaptiveAvgPool2DBackward0", [input], (grad) => {
    const gradInput = gradFor(input);
    kernels.adaptiveAvgPool2dBackward(grad._data, gradInput._data, g);
    return [gradInput];
  }, [input]);
}
