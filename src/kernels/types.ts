// The seam between tensor ops and the hot loops. Ops hand raw typed arrays and a geometry to a
// KernelBackend; "js" (plain loops) and "wasm" (SIMD assembled from .wat text) implement it.
// All arrays are contiguous row-major. Outputs are overwritten unless `accumulate` says otherwise.
// The wasm kernels take Float32Array only; the js loops take any dtype's array (float64 and the
// integers run there), which is what the type parameter says.
import type { ArithmeticOp, MapOp } from "./js/elementwise.ts";
import type { BatchNormLayout } from "./js/batchnorm.ts";
import type { DataArray } from "../tensor/dtype.ts";

/** A window sliding over the planes of a batch, as convolution and pooling share it: the input's
 *  and output's height and width, the window's size, stride and zero padding. */
export interface SlidingWindow2d {
  batch: number;
  inHeight: number;
  inWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  outHeight: number;
  outWidth: number;
}

/** Shapes for a 2-D convolution: input [batch, inChannels, inHeight, inWidth],
 *  weight [outChannels, inChannels, kernelHeight, kernelWidth], output [batch, outChannels, outHeight, outWidth],
 *  outHeight = floor((inHeight + 2*padH - dilationH*(kernelHeight-1) - 1) / strideH) + 1 (same for width). */
export interface Conv2dGeometry extends SlidingWindow2d {
  inChannels: number;
  outChannels: number;
  dilationH: number;
  dilationW: number;
}

/** Shapes for 2-D pooling over input [batch, channels, inHeight, inWidth] -> [batch, channels, outHeight, outWidth]. */
export interface Pool2dGeometry extends SlidingWindow2d {
  channels: number;
  /** Spacing of a max-pooling window's elements (1: side by side); average pooling has none. */
  dilationH: number;
  dilationW: number;
}

/** Adaptive pooling: planes of inHeight x inWidth to outHeight x outWidth (the windows follow from the sizes). */
export interface AdaptiveGeometry { planes: number; inHeight: number; inWidth: number; outHeight: number; outWidth: number }

/** The kernel backends: "js" (plain loops, the readable reference) and "wasm" (SIMD). */
export type BackendName = "js" | "wasm";

export interface KernelBackend<A extends DataArray = Float32Array> {
  readonly name: BackendName;

  /** c[m×n] = op(a)·op(b), or c += op(a)·op(b) when accumulate.
   *  op(a) is m×k: a is stored m×k, or k×m when transA. op(b) is k×n: b is stored k×n, or n×k when transB. */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: A, b: A, c: A, accumulate: boolean,
  ): void;

  /** out = conv2d(input, weight) + bias (bias may be null). */
  conv2d(input: A, weight: A, bias: A | null, out: A, g: Conv2dGeometry): void;
  /** gradInput = d(loss)/d(input) given gradOut [batch, outChannels, outHeight, outWidth]. Overwrites gradInput. */
  conv2dBackwardInput(gradOut: A, weight: A, gradInput: A, g: Conv2dGeometry): void;
  /** gradWeight = d(loss)/d(weight), and when gradBias is given, gradBias = d(loss)/d(bias): gradOut
   *  summed over each output channel's pixels, in float64 before rounding. Overwrites both. */
  conv2dBackwardWeight(input: A, gradOut: A, gradWeight: A, g: Conv2dGeometry, gradBias?: A | null): void;
  /** gradBias = gradOut summed over each output channel's pixels, in float64 before rounding, for
   *  when the weight needs no gradient (a frozen weight, a transposed convolution). Overwrites it. */
  conv2dBackwardBias(gradOut: A, gradBias: A, g: Conv2dGeometry): void;

  /** out = a op b, b repeating every b.length elements (same shape, one number, or a's trailing dims). */
  arithmetic(op: ArithmeticOp, a: A, b: A, out: A): void;
  /** out = f(x) elementwise for the float function `op` names. */
  map(op: MapOp, x: A, out: A): void;

  /** Layer normalisation of `rows` rows of `size` values (mean and rstd kept per row). */
  layerNorm(x: A, weight: A | null, bias: A | null, rows: number, size: number, eps: number, y: A, mean: Float64Array, rstd: Float64Array): void;
  /** Its gradients for x, weight and bias (each written when its array is given). */
  layerNormBackward(g: A, x: A, weight: A | null, mean: Float64Array, rstd: Float64Array, rows: number, size: number, dx: A | null, dweight: A | null, dbias: A | null): void;
  /** GELU, x * Phi(x), keeping Phi(x) for the backward (erf given by the caller). */
  gelu(x: A, y: A, cdf: Float64Array, tanhApproximation: boolean, erf: (v: number) => number): void;
  /** GELU's gradient from the kept Phi(x). */
  geluBackward(g: A, x: A, cdf: Float64Array, tanhApproximation: boolean, dx: A): void;

  /** Batch norm: per channel mean and sum of squared deviations. */
  batchNormStatistics(x: A, layout: BatchNormLayout, mean: Float64Array, squares: Float64Array): void;
  /** Batch norm: xHat = (x - mean) * invStd (kept when given) and out = xHat * weight + bias. */
  batchNormNormalize(x: A, layout: BatchNormLayout, mean: Float64Array, invStd: Float64Array, weight: A | null, bias: A | null, out: A): void;
  /** Batch norm's gradients for input, weight and bias. */
  batchNormBackward(g: A, x: A, layout: BatchNormLayout, weight: A | null, mean: Float64Array, invStd: Float64Array, training: boolean, gradInput: A, gradWeight: A, gradBias: A): void;

  /** One GRU step's gates and new state (see kernels/js/rnn.ts), keeping r, z, n. */
  gruCell(xw: A, hw: A, h: A, rows: number, hidden: number, out: A, kept: A): void;
  /** Its gradients for xw, hw and h. */
  gruCellBackward(gradOut: A, hw: A, h: A, kept: A, rows: number, hidden: number, dxw: A, dhw: A, dh: A): void;
  /** One LSTM step: [h', c'] side by side, keeping the activated gates. */
  lstmCell(xw: A, hw: A, c: A, rows: number, hidden: number, out: A, kept: A): void;
  /** Its gradients for the gates and c. */
  lstmCellBackward(gradOut: A, c: A, out: A, kept: A, rows: number, hidden: number, dgates: A, dc: A): void;

  /** out = max(x, 0) elementwise; NaN stays NaN. */
  relu(x: A, out: A): void;
  /** dx = 0 where out <= 0, else g (a NaN output passes its gradient): ReLU's backward from its output. */
  reluBackward(out: A, g: A, dx: A): void;

  /** out = max over each window; padding never wins. argmax[i] = index of the winning element within its
   *  (batch, channel) input plane (row * inWidth + col), the first maximum in row-major window order. */
  maxPool2d(input: A, out: A, argmax: Int32Array, g: Pool2dGeometry): void;
  /** gradInput = scatter-add of gradOut through argmax. Overwrites gradInput. */
  maxPool2dBackward(gradOut: A, argmax: Int32Array, gradInput: A, g: Pool2dGeometry): void;

  /** out = the mean of each window; with countIncludePad the padding's zeros count in the divisor. */
  avgPool2d(input: A, out: A, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride?: number): void;
  /** gradInput: each window's gradient shared out over its input pixels. Overwrites gradInput. */
  avgPool2dBackward(gradOut: A, gradInput: A, g: Pool2dGeometry, countIncludePad: boolean, divisorOverride?: number): void;
  /** out = the mean of each adaptive window (output i of n covers input [floor(i*in/n), ceil((i+1)*in/n))). */
  adaptiveAvgPool2d(input: A, out: A, g: AdaptiveGeometry): void;
  /** gradInput: each adaptive window's gradient shared out over its input pixels. Overwrites gradInput. */
  adaptiveAvgPool2dBackward(gradOut: A, gradInput: A, g: AdaptiveGeometry): void;

  /** SGD with momentum after its first step, no weight decay, no Nesterov, in place:
   *  buf = momentum·buf + keep·grad, then w = w - lr·buf (keep = 1 - dampening), with PyTorch's
   *  float32 rounding: momentum·buf rounded, each `x + a·y` rounded once (a fused multiply-add). */
  sgdMomentum(w: A, grad: A, buf: A, lr: number, momentum: number, keep: number): void;

  /** A zeroed float32 array of `length` inside the kernels' own memory, which they then use where
   *  it is instead of copying it in and out; null where there is no room or no such memory. For
   *  long-lived arrays only (parameters, their gradients, an optimiser's buffers): the space is
   *  never given back. Backends without a memory of their own leave it out. */
  residentArray?(length: number): Float32Array | null;
  /** Whether `array` came from residentArray. */
  isResident?(array: DataArray): boolean;
  /** Fills a resident array with `value` and says true; false (and nothing done) for any other array. */
  fillResident?(array: DataArray, value: number): boolean;
  /** A zeroed array for torch.tidy inside the kernels' memory, where the kernels use it in place; its
   *  block goes back when tidy releases it (tidy finds it with residentBlockOf); zeroed only when
   *  asked. Null where there is no such memory or no room. */
  scopedArray?<T extends Float32Array | Int32Array>(type: new (buffer: ArrayBufferLike, at: number, length: number) => T, length: number, zeroed: boolean): T | null;
  /** Starts the worker threads for `count` threads ahead (a browser's start only asynchronously); resolves to how many run. */
  prepareThreads?(count: number): Promise<number>;
}
