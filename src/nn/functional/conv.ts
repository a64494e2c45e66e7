// 2-D convolution (strictly: cross-correlation, as in PyTorch), forward and backward side by side.
// The loops live behind the kernel seam (kernels/js/conv.ts is the readable version); this file
// checks shapes, works out the geometry, and wires the three kernels into autograd.
import { record } from "../../tensor/autograd.ts";
import * as A from "../../args.ts";
import { shapeString } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { kernelsFor } from "../../kernels/index.ts";
import { checkFloating } from "../../tensor/dtype.ts";
import type { Conv2dGeometry } from "../../kernels/types.ts";
import { cat } from "../../tensor/ops/view.ts";

/** A size for both spatial dims: one number for both, or [height, width]. */
export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  /** Split the channels into this many groups, each convolved with its own slice of the weight
   *  (in and out channels both divisible by it; groups = in channels is a depthwise convolution). */
  groups?: number;
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
/** stride, padding and dilation as [height, width] pairs, with PyTorch's checks. */
const CONV_OPTIONS = { stride: A.pair, padding: A.pair, dilation: A.pair, groups: A.integer };

function convSettings(options: Conv2dOptions): { stride: [number, number]; padding: [number, number]; dilation: [number, number] } {
  const stride = pair(options.stride ?? 1, "stride"), padding = pair(options.padding ?? 0, "padding"), dilation = pair(options.dilation ?? 1, "dilation");
  if (stride.some((s) => s <= 0)) throw new Error("non-positive stride is not supported");
  if (padding.some((p) => p < 0)) throw new Error("negative padding is not supported");
  if (dilation.some((d) => d <= 0)) throw new Error("dilation should be greater than zero");
  if ((options.groups ?? 1) <= 0) throw new Error("non-positive groups is not supported");
  return { stride, padding, dilation };
}

/** A grouped convolution as `groups` ordinary ones side by side: group k convolves input channels
 *  [k*cin, (k+1)*cin) with its slice of the weight (dim 0, or dim `weightDim`), and the outputs are
 *  joined along the channels. Autograd differentiates the slices and the join. */
function grouped(input: Tensor, weight: Tensor, bias: Tensor | null, groups: number, weightDim: number, outPerGroup: number,
  conv: (x: Tensor, w: Tensor, b: Tensor | null) => Tensor): Tensor {
  const channelDim = input.shape.length - 3;
  const cin = input.shape[channelDim]! / groups, wPer = weight.shape[weightDim]! / groups;
  const parts: Tensor[] = [];
  for (let k = 0; k < groups; k++) {
    parts.push(conv(input.narrow(channelDim, k * cin, cin), weight.narrow(weightDim, k * wPer, wPer), bias ? bias.narrow(0, k * outPerGroup, outPerGroup) : null));
  }
  return cat(parts, channelDim);
}

/** F.conv2d: input [N, C, H, W] (or [C, H, W]) with weight [OC, C, KH, KW] and an optional bias [OC]
 *  gives [N, OC, OH, OW]; stride, padding and dilation as PyTorch's (a number or a pair). */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  A.checkOptions("conv2d", options, CONV_OPTIONS);
  const { stride: [strideH, strideW], padding: [padH, padW], dilation: [dilationH, dilationW] } = convSettings(options);

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
  const groups = options.groups ?? 1;
  if (outChannels % groups !== 0) {
    throw new Error(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${shapeString(weight.shape)} instead`);
  }
  if (weightChannels * groups !== inChannels) {
    throw new Error(
      `Given groups=${groups}, weight of size ${shapeString(weight.shape)}, expected input${shapeString([batch!, inChannels!, inHeight!, inWidth!])} ` +
        `to have ${weightChannels * groups} channels, but got ${inChannels} channels instead`,
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
  if (groups > 1) {
    const settings = { stride: options.stride, padding: options.padding, dilation: options.dilation };
    return grouped(input, weight, bias, groups, 0, outChannels / groups, (x, w, b) => conv2d(x, w, b, settings));
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
  const out = new Tensor(dtype.empty(g.batch * outChannels * g.outHeight * g.outWidth), outShape, dtype); // conv2d writes it all
  kernels.conv2d(input._data, weight._data, bias ? bias._data : null, out._data, g);

  const inputs = bias ? [input, weight, bias] : [input, weight];
  return record(out, "ConvolutionBackward0", inputs, (grad, into) => {
    let gradInput: Tensor | null = null, gradWeight: Tensor | null = null, gradBias: Tensor | null = null;
    if (input.requiresGrad) {
      gradInput = new Tensor(dtype.empty(input.numel()), input.shape, dtype); // written in full
      kernels.conv2dBackwardInput(grad._data, weight._data, gradInput._data, g);
    }
    // into: recycled memory for a parameter's gradient, when autograd offers some
    if (bias?.requiresGrad) gradBias = new Tensor(into[2] ?? dtype.zeros(bias.numel()), bias.shape, dtype);
    if (weight.requiresGrad) {
      gradWeight = new Tensor(into[1] ?? dtype.zeros(weight.numel()), weight.shape, dtype);
      kernels.conv2dBackwardWeight(input._data, grad._data, gradWeight._data, g, gradBias?._data);
    } else if (gradBias) kernels.conv2dBackwardBias(grad._data, gradBias._data, g);
    return bias ? [gradInput, gradWeight, gradBias] : [gradInput, gradWeight];
  }, [input, weight]);
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** Extra rows/columns on one side of the output, to pick among the sizes a strided convolution maps onto one. */
  outputPadding?: Pair;
}

/** Output length of a transposed convolution along one dim:
 *  (in - 1)*stride - 2*pad + dilation*(kernel-1) + outputPadding + 1, the size a convolution with
 *  the same settings would map back onto `in`. */
export function convTransposeOutSize(size: number, kernel: number, stride: number, pad: number, dilation: number, outputPadding: number): number {
  return (size - 1) * stride - 2 * pad + dilation * (kernel - 1) + outputPadding + 1;
}

/** conv_transpose2d(input [N, Cin, H, W] or [Cin, H, W], weight [Cin, Cout, kh, kw], bias [Cout]).
 *
 *  Each input pixel spreads its value over a kh x kw patch of the output, weighted by the kernel,
 *  patches `stride` apart, overlapping contributions adding up. That is exactly how a convolution's
 *  gradient flows back to its input, so the op runs on the convolution kernels with the roles
 *  swapped: the forward is conv2dBackwardInput of a convolution whose input is our output, the
 *  gradient for our input is that convolution's forward, and our weight's gradient its weight
 *  gradient. The weight's layout [Cin, Cout, kh, kw] is that convolution's [out, in, kh, kw]. */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  A.checkOptions("conv_transpose2d", options, { ...CONV_OPTIONS, outputPadding: A.pair });
  const { stride: [strideH, strideW], padding: [padH, padW], dilation: [dilationH, dilationW] } = convSettings(options);
  const [outPadH, outPadW] = pair(options.outputPadding ?? 0, "output_padding");
  if (outPadH < 0 || outPadW < 0 || (outPadH >= strideH && outPadH >= dilationH) || (outPadW >= strideW && outPadW >= dilationW)) {
    throw new Error(
      `output padding must be smaller than either stride or dilation, but got output_padding_height: ${outPadH} output_padding_width: ${outPadW} ` +
        `stride_height: ${strideH} stride_width: ${strideW} dilation_height: ${dilationH} dilation_width: ${dilationW}`,
    );
  }
  const unbatched = input.shape.length === 3;
  if (!unbatched && input.shape.length !== 4) {
    throw new Error(`Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: ${shapeString(input.shape)}`);
  }
  if (weight.shape.length !== 4) {
    throw new Error(`conv_transpose2d: expected weight of shape [in_channels, out_channels, kH, kW], got ${shapeString(weight.shape)}`);
  }
  const [batch, inChannels, inHeight, inWidth] = (unbatched ? [1, ...input.shape] : input.shape) as [number, number, number, number];
  const [weightChannels, outPerGroup, kernelHeight, kernelWidth] = weight.shape as unknown as [number, number, number, number];
  const groups = options.groups ?? 1, outChannels = outPerGroup * groups;
  if (weightChannels % groups !== 0) {
    throw new Error(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${shapeString(weight.shape)} instead`);
  }
  if (weightChannels !== inChannels) {
    throw new Error(
      `Given transposed=1, weight of size ${shapeString(weight.shape)}, expected input${shapeString([batch, inChannels, inHeight, inWidth])} ` +
        `to have ${weightChannels} channels, but got ${inChannels} channels instead`,
    );
  }
  checkFloating(input.dtype, "conv_transpose2d");
  for (const t of bias ? [weight, bias] : [weight]) {
    if (t.dtype !== input.dtype) throw new Error(`expected scalar type ${input.dtype.scalarName} but found ${t.dtype.scalarName} (conv_transpose2d needs input, weight and bias of one dtype)`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`Given transposed=1, weight of size ${shapeString(weight.shape)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${shapeString(bias.shape)} instead`);
  }
  const outHeight = convTransposeOutSize(inHeight, kernelHeight, strideH, padH, dilationH, outPadH);
  const outWidth = convTransposeOutSize(inWidth, kernelWidth, strideW, padW, dilationW, outPadW);
  if (outHeight < 1 || outWidth < 1) {
    throw new Error(`conv_transpose2d: the output would be ${outHeight}x${outWidth}; padding ${padH}x${padW} is too large for this input and kernel`);
  }
  if (groups > 1) {
    const { stride, padding, dilation, outputPadding } = options;
    return grouped(input, weight, bias, groups, 0, outPerGroup, (x, w, b) => convTranspose2d(x, w, b, { stride, padding, dilation, outputPadding }));
  }
  // the convolution that maps our output back onto our input
  const g: Conv2dGeometry = {
    batch, inChannels: outChannels, inHeight: outHeight, inWidth: outWidth, outChannels: inChannels,
    kernelHeight, kernelWidth, strideH, strideW, padH, padW, dilationH, dilationW, outHeight: inHeight, outWidth: inWidth,
  };
  const dtype = input.dtype;
  const kernels = kernelsFor(dtype);
  const outShape = unbatched ? [outChannels, outHeight, outWidth] : [batch, outChannels, outHeight, outWidth];
  const out = new Tensor(dtype.zeros(batch * outChannels * outHeight * outWidth), outShape, dtype);
  kernels.conv2dBackwardInput(input._data, weight._data, out._data, g);
  if (bias) {
    const plane = outHeight * outWidth;
    for (let n = 0; n < batch; n++)
      for (let c = 0; c < outChannels; c++)
        for (let i = 0, at = (n * outChannels + c) * plane; i < plane; i++) out._data[at + i] = out._data[at + i]! + bias._data[c]!;
  }
  const inputs = bias ? [input, weight, bias] : [input, weight];
  return record(out, "ConvolutionBackward0", inputs, (grad, into) => {
    let gradInput: Tensor | null = null, gradWeight: Tensor | null = null, gradBias: Tensor | null = null;
    if (input.requiresGrad) {
      gradInput = new Tensor(dtype.zeros(input.numel()), input.shape, dtype);
      kernels.conv2d(grad._data, weight._data, null, gradInput._data, g);
    }
    if (weight.requiresGrad) {
      gradWeight = new Tensor(dtype.zeros(weight.numel()), weight.shape, dtype);
      kernels.conv2dBackwardWeight(grad._data, input._data, gradWeight._data, g);
    }
    if (bias?.requiresGrad) {
      const asOutput: Conv2dGeometry = { ...g, outChannels, outHeight, outWidth }; // the bias adds to our output's channels
      gradBias = new Tensor(dtype.zeros(bias.numel()), bias.shape, dtype);
      kernels.conv2dBackwardBias(grad._data, gradBias._data, asOutput);
    }
    return bias ? [gradInput, gradWeight, gradBias] : [gradInput, gradWeight];
  }, [input, weight]);
}
