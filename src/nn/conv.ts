// nn.Conv2d: weight [out, in, kh, kw] and bias [out], initialised as PyTorch does.
import { Module, Parameter } from "./module.ts";
import { fanIn, uniformFanIn_ } from "./init.ts";
import { empty } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { conv2d, convTranspose2d, pair, type Pair } from "./ops/conv.ts";

export interface Conv2dLayerOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  bias?: boolean;
}

export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    { stride = 1, padding = 0, dilation = 1, bias = true }: Conv2dLayerOptions = {},
  ) {
    super();
    for (const [name, n] of [["in_channels", inChannels], ["out_channels", outChannels]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`Conv2d: ${name} must be a positive integer, got ${n}`);
    }
    this.kernelSize = pair(kernelSize, "kernel_size");
    this.stride = pair(stride, "stride");
    this.padding = pair(padding, "padding");
    this.dilation = pair(dilation, "dilation");
    if (this.kernelSize.some((k) => k <= 0)) throw new Error(`Conv2d: kernel_size must be positive, got (${this.kernelSize.join(", ")})`);
    this.weight = new Parameter(empty(outChannels, inChannels, ...this.kernelSize));
    this.bias = bias ? new Parameter(empty(outChannels)) : null;
    // fan_in = in_channels * kh * kw; weight and bias both from U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    uniformFanIn_(this.weight, fanIn(this.weight));
    if (this.bias) uniformFanIn_(this.bias, fanIn(this.weight));
  }

  override forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }

  override extraRepr(): string {
    return convRepr(this);
  }
}

/** PyTorch's repr of a convolution: stride always; padding, dilation and output padding only when
 *  they differ from the defaults. */
function convRepr(c: Conv2d | ConvTranspose2d): string {
  const tuple = (p: readonly number[]) => `(${p.join(", ")})`;
  let s = `${c.inChannels}, ${c.outChannels}, kernel_size=${tuple(c.kernelSize)}, stride=${tuple(c.stride)}`;
  if (c.padding.some((p) => p !== 0)) s += `, padding=${tuple(c.padding)}`;
  if (c.dilation.some((d) => d !== 1)) s += `, dilation=${tuple(c.dilation)}`;
  if (c instanceof ConvTranspose2d && c.outputPadding.some((p) => p !== 0)) s += `, output_padding=${tuple(c.outputPadding)}`;
  if (!c.bias) s += ", bias=False";
  return s;
}

export interface ConvTranspose2dLayerOptions extends Conv2dLayerOptions {
  outputPadding?: Pair;
}

/** nn.ConvTranspose2d: weight [in, out, kh, kw] and bias [out]. PyTorch computes fan_in from the
 *  weight's dims after the first, which here are out * kh * kw. */
export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    { stride = 1, padding = 0, outputPadding = 0, dilation = 1, bias = true }: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    for (const [name, n] of [["in_channels", inChannels], ["out_channels", outChannels]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`ConvTranspose2d: ${name} must be a positive integer, got ${n}`);
    }
    this.kernelSize = pair(kernelSize, "kernel_size");
    this.stride = pair(stride, "stride");
    this.padding = pair(padding, "padding");
    this.outputPadding = pair(outputPadding, "output_padding");
    this.dilation = pair(dilation, "dilation");
    if (this.kernelSize.some((k) => k <= 0)) throw new Error(`ConvTranspose2d: kernel_size must be positive, got (${this.kernelSize.join(", ")})`);
    this.weight = new Parameter(empty(inChannels, outChannels, ...this.kernelSize));
    this.bias = bias ? new Parameter(empty(outChannels)) : null;
    uniformFanIn_(this.weight, fanIn(this.weight));
    if (this.bias) uniformFanIn_(this.bias, fanIn(this.weight));
  }

  override forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation,
    });
  }

  override extraRepr(): string {
    return convRepr(this);
  }
}
