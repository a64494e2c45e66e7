// nn.Conv2d: weight [out, in, kh, kw] and bias [out], initialised as PyTorch does.
import { Module, Parameter } from "./module.ts";
import { fanIn, uniformFanIn_ } from "./init.ts";
import { empty } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { conv2d, pair, type Pair } from "./ops/conv.ts";

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

  /** PyTorch prints stride always, padding and dilation only when they differ from the defaults. */
  override extraRepr(): string {
    const tuple = (p: readonly number[]) => `(${p.join(", ")})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${tuple(this.kernelSize)}, stride=${tuple(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${tuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tuple(this.dilation)}`;
    if (!this.bias) s += ", bias=False";
    return s;
  }
}
