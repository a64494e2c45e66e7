// 2-D convolution (strictly: cross-correlation, as in PyTorch), forward and backward side by side.
// The loops live behind the kernel seam (kernels/js/conv.ts is the readable version); this file
// checks shapes, works out the geometry, and wires the three kernels into autograd.
import { record } from "../../tensor/autograd.ts";
import { shapeString } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { kernelsFor } from "../../kernels/index.ts";
import { castArray, checkFloating, type DataArray, type DType } from "../../tensor/dtype.ts";
import type { Conv2dGeometry } from "../../kernels/types.ts";

/** A size for both spatial dims: one number for both, or [height, width]. */
export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

/** `3` -> [3, 3]; `[3, 5]` -> [3, 5]; anything else is an error naming the argument. */
export function pair(value: Pair, name: string): [number, number] {
  const [h, w] = typeof value === "number" ? [value, value] : value;
  if (!Number.isInteger(h) || !Number.isInteger(w) || (typeof value !== "number" && value.length !== 2)) {
    throw new Error(`${name} must be an integer or a pair of integers [height, width], got ${JSON.stringify(value)}`);
  }
  return [h!, w!];
}

/** Output length along one dim: floor((in + 2*pad - dilation*(kernel-1) - 1) / stride) + 1. */
export function convOutSize(size: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** conv2d(input [N, C, H, W] or [C, H, W], weight [O, C, kh, kw], bias [O] or null). */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const [strideH, strideW] = pair(options.stride ?? 1, "stride");
  const [padH, padW] = pair(options.padding ?? 0, "padding");
  const [dilationH, dilationW] = pair(options.dilation ?? 1, "dilation");
  if (strideH <= 0 || strideW <= 0) throw new Error("non-positive stride is not supported");
  if (padH < 0 || padW < 0) throw new Error("negative padding is not supported");
  if (dilationH <= 0 || dilationW <= 0) throw new Error("dilation should be greater than zero");

  // An unbatched [C, H, W] input is a batch of one; the output drops that dim again.
  const unbatched = input.shape.length === 3;
  if (!unbatched && input.shape.length !== 4) {
    throw new Error(`Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${shapeString(input.shape)}`);
  }
  if (weight.shape.length !== 4) {
    throw new Error(`conv2d: expected weight of shape [out_channels, in_channels, kH, kW], got ${shapeString(weight.shape)}`);
  }
  const [batch, inChannels, inHeight, inWidth] = unbatched ? [1, ...input.shape] : input.shape;
  const [outChannels, weightChannels, kernelHeight, kernelWidth] = weight.shape as unknown as [number, number, number, number];
  if (weightChannels !== inChannels) {
    throw new Error(
      `Given groups=1, weight of size ${shapeString(weight.shape)}, expected input${shapeString([batch!, inChannels!, inHeight!, inWidth!])} ` +
        `to have ${weightChannels} channels, but got ${inChannels} channels instead`,
    );
  }
  checkFloating(input.dtype, "conv2d");
  for (const t of bias ? [weight, bias] : [weight]) {
    if (t.dtype !== input.dtype) throw new Error(`expected scalar type ${input.dtype.scalarName} but found ${t.dtype.scalarName} (conv2d needs input, weight and bias of one dtype)`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`Given weight of size ${shapeString(weight.shape)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${shapeString(bias.shape)} instead`);
  }
  // The kernel, spread out by dilation, has to fit inside the padded input.
  const paddedH = inHeight! + 2 * padH, paddedW = inWidth! + 2 * padW;
  const spanH = dilationH * (kernelHeight - 1) + 1, spanW = dilationW * (kernelWidth - 1) + 1;
  if (paddedH < spanH || paddedW < spanW) {
    throw new Error(
      `Calculated padded input size per channel: (${paddedH} x ${paddedW}). Kernel size: (${spanH} x ${spanW}). ` +
        "Kernel size can't be greater than actual input size",
    );
  }

  const g: Conv2dGeometry = {
    batch: batch!, inChannels: inChannels!, inHeight: inHeight!, inWidth: inWidth!,
    outChannels, kernelHeight, kernelWidth, strideH, strideW, padH, padW, dilationH, dilationW,
    outHeight: convOutSize(inHeight!, kernelHeight, strideH, padH, dilationH),
    outWidth: convOutSize(inWidth!, kernelWidth, strideW, padW, dilationW),
  };
  const outShape = unbatched ? [outChannels, g.outHeight, g.outWidth] : [g.batch, outChannels, g.outHeight, g.outWidth];
  const dtype = input.dtype;
  const kernels = kernelsFor(dtype);
  const out = new Tensor(new dtype.ArrayType(g.batch * outChannels * g.outHeight * g.outWidth), outShape, dtype);
  kernels.conv2d(input.data, weight.data, bias ? bias.data : null, out.data, g);

  const inputs = bias ? [input, weight, bias] : [input, weight];
  return record(out, "ConvolutionBackward0", inputs, (grad) => {
    let gradInput: Tensor | null = null, gradWeight: Tensor | null = null, gradBias: Tensor | null = null;
    if (input.requiresGrad) {
      gradInput = new Tensor(new dtype.ArrayType(input.numel()), input.shape, dtype);
      kernels.conv2dBackwardInput(grad.data, weight.data, gradInput.data, g);
    }
    if (weight.requiresGrad) {
      gradWeight = new Tensor(new dtype.ArrayType(weight.numel()), weight.shape, dtype);
      kernels.conv2dBackwardWeight(input.data, grad.data, gradWeight.data, g);
    }
    if (bias?.requiresGrad) gradBias = new Tensor(biasGradient(grad.data, g, dtype), bias.shape, dtype);
    return bias ? [gradInput, gradWeight, gradBias] : [gradInput, gradWeight];
  }, [input, weight]);
}

/** d(loss)/d(bias[o]) = the output gradient summed over batch, rows and columns of channel o. */
function biasGradient(gradOut: DataArray, g: Conv2dGeometry, dtype: DType): DataArray {
  const plane = g.outHeight * g.outWidth;
  const sums = new Float64Array(g.outChannels); // float64: a long sum in float32 drifts
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < g.outChannels; o++) {
      const start = (n * g.outChannels + o) * plane;
      for (let i = 0; i < plane; i++) sums[o] += gradOut[start + i]!;
    }
  }
  return castArray(sums, dtype);
}
