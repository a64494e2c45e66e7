// nn.Conv2d: weight [out, in, kh, kw] and bias [out], initialised as PyTorch does.
import { Module, emptyParameter, type Parameter } from "./module.ts";
import { fanIn, uniformFanIn_ } from "../init.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { conv2d, convTranspose2d, pair, type Pair } from "../functional/conv.ts";
import { pyValue } from "../../python-repr.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

export interface Conv2dLayerOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  bias?: boolean;
  /** Only 1 for now (anything else is refused). */
  groups?: number;
  /** Only "zeros" for now (anything else is refused). */
  paddingMode?: "zeros" | "reflect" | "replicate" | "circular";
}

/** What Conv2d and ConvTranspose2d share, as PyTorch's _ConvNd: the settings, checked, and a weight
 *  and bias drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in being the weight's size over its
 *  first dim (in * kh * kw for a convolution, out * kh * kw for a transposed one, as PyTorch has it). */
abstract class ConvLayer extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly outputPadding: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    { stride = 1, padding = 0, dilation = 1, bias = true, outputPadding = 0 }: ConvTranspose2dLayerOptions,
    transposed: boolean,
  ) {
    super();
    const layer = new.target.name;
    for (const [name, n] of [["in_channels", inChannels], ["out_channels", outChannels]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${layer}: ${name} must be a positive integer, got ${n}`);
    }
    this.kernelSize = pair(kernelSize, "kernel_size");
    this.stride = pair(stride, "stride");
    this.padding = pair(padding, "padding");
    this.dilation = pair(dilation, "dilation");
    this.outputPadding = pair(outputPadding, "output_padding");
    if (this.kernelSize.some((k) => k <= 0)) throw new Error(`${layer}: kernel_size must be positive, got (${this.kernelSize.join(", ")})`);
    const [first, second] = transposed ? [inChannels, outChannels] : [outChannels, inChannels];
    this.weight = emptyParameter(first, second, ...this.kernelSize);
    this.bias = bias ? emptyParameter(outChannels) : null;
    uniformFanIn_(this.weight, fanIn(this.weight));
    if (this.bias) uniformFanIn_(this.bias, fanIn(this.weight));
  }

  /** PyTorch's repr of a convolution: stride always; padding, dilation and output padding only
   *  when they differ from the defaults. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${pyValue(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyValue(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyValue(this.outputPadding)}`;
    if (!this.bias) s += ", bias=False";
    return s;
  }
}

const CONV_OPTIONS = { stride: A.pair, padding: A.pair, dilation: A.pair, bias: A.boolean, groups: A.integer, paddingMode: A.oneOf("zeros", "reflect", "replicate", "circular") };

/** groups and paddingMode: PyTorch's defaults pass; anything else is refused rather than ignored. */
function checkUnsupported(layer: string, options: Record<string, unknown>): void {
  if (options.groups !== undefined && options.groups !== 1) throw new Error(`${layer}: groups=${String(options.groups)} is not supported yet (only 1)`);
  if (options.paddingMode !== undefined && options.paddingMode !== "zeros") throw new Error(`${layer}: paddingMode "${String(options.paddingMode)}" is not supported yet (only "zeros")`);
}

/** nn.Conv2d: weight [out, in, kh, kw] and bias [out]. */
export class Conv2d extends ConvLayer {
  /** `new Conv2d(1, 16, 3, { padding: 1 })`, or PyTorch's positional order `Conv2d(1, 16, 3, 1, 1)`
   *  (stride, padding, dilation, groups, bias, paddingMode), optionally followed by options. */
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: Conv2dLayerOptions);
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...rest: (Pair | boolean | string | Conv2dLayerOptions)[]);
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: unknown[]) {
    const options = positional("Conv2d", args, ["stride", "padding", "dilation", "groups", "bias", "paddingMode"], CONV_OPTIONS);
    checkUnsupported("Conv2d", options);
    super(inChannels, outChannels, kernelSize, options as Conv2dLayerOptions, false);
  }
  override forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }
}

export interface ConvTranspose2dLayerOptions extends Conv2dLayerOptions {
  outputPadding?: Pair;
}

/** nn.ConvTranspose2d: weight [in, out, kh, kw] and bias [out]. */
export class ConvTranspose2d extends ConvLayer {
  /** Options, or PyTorch's positional order (stride, padding, outputPadding, groups, bias, dilation, paddingMode). */
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: ConvTranspose2dLayerOptions);
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...rest: (Pair | boolean | string | ConvTranspose2dLayerOptions)[]);
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: unknown[]) {
    const options = positional("ConvTranspose2d", args, ["stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode"], { ...CONV_OPTIONS, outputPadding: A.pair });
    checkUnsupported("ConvTranspose2d", options);
    super(inChannels, outChannels, kernelSize, options as ConvTranspose2dLayerOptions, true);
  }
  override forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation,
    });
  }
}
