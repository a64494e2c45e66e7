// nn.Conv2d: weight [out, in, kh, kw] and bias [out], initialised as PyTorch does.
import { Module, emptyParameter, type Parameter } from "./module.ts";
import { fanIn, uniformFanIn_ } from "../init.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { conv2d, convTranspose2d, pair, type Pair } from "../functional/conv.ts";
import { pyValue } from "../../python-repr.ts";
import { pad } from "../functional/padding.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

export interface Conv2dLayerOptions {
  stride?: Pair;
  /** A number or pair, or "valid" (none) or "same" (the output keeps the input's size; stride 1). */
  padding?: Pair | "same" | "valid";
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
  /** padding "same" or "valid" as given (for the repr); "same" with an even total pads more after, as PyTorch. */
  readonly paddingMode: "same" | "valid" | null = null;
  /** [left, right, top, bottom] when "same" needs uneven padding, applied before the convolution. */
  protected readonly unevenPadding: [number, number, number, number] | null = null;

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
    if (padding === "same" || padding === "valid") {
      this.paddingMode = padding;
      this.padding = [0, 0];
    } else this.padding = pair(padding, "padding");
    this.dilation = pair(dilation, "dilation");
    this.outputPadding = pair(outputPadding, "output_padding");
    if (this.kernelSize.some((k) => k <= 0)) throw new Error(`${layer}: kernel_size must be positive, got (${this.kernelSize.join(", ")})`);
    if (this.paddingMode === "same") {
      if (this.stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
      const totals = this.kernelSize.map((k, i) => this.dilation[i]! * (k - 1));
      if (totals.every((t) => t % 2 === 0)) this.padding = [totals[0]! / 2, totals[1]! / 2];
      else this.unevenPadding = [Math.floor(totals[1]! / 2), totals[1]! - Math.floor(totals[1]! / 2), Math.floor(totals[0]! / 2), totals[0]! - Math.floor(totals[0]! / 2)];
    }
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
    if (this.paddingMode) s += `, padding=${this.paddingMode}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyValue(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyValue(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyValue(this.outputPadding)}`;
    if (!this.bias) s += ", bias=False";
    return s;
  }
}

const CONV_OPTIONS = { stride: A.pair, padding: A.either(A.pair, A.oneOf("same", "valid")), dilation: A.pair, bias: A.boolean, groups: A.integer, paddingMode: A.oneOf("zeros", "reflect", "replicate", "circular") };

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
    const input = this.unevenPadding ? pad(x, this.unevenPadding) : x;
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
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
    const options = positional("ConvTranspose2d", args, ["stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode"], { ...CONV_OPTIONS, padding: A.pair, outputPadding: A.pair });
    checkUnsupported("ConvTranspose2d", options);
    super(inChannels, outChannels, kernelSize, options as ConvTranspose2dLayerOptions, true);
  }
  override forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation,
    });
  }
}

/** nn.Conv1d(in, out, kernel, ...): weight [out, in, k] and bias [out] over [N, C, L] (or [C, L]);
 *  a Conv2d over rows of height 1, with PyTorch's parameter shapes and initialisation. */
export class Conv1d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: { stride?: number; padding?: number; dilation?: number; groups?: number; bias?: boolean; paddingMode?: "zeros" });
  constructor(inChannels: number, outChannels: number, kernelSize: number, stride: number, ...rest: (number | boolean | string | { bias?: boolean })[]);
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number, ...args: unknown[]) {
    super();
    const o = positional("Conv1d", args, ["stride", "padding", "dilation", "groups", "bias", "paddingMode"], {
      stride: A.integer, padding: A.integer, dilation: A.integer, groups: A.integer, bias: A.boolean, paddingMode: A.oneOf("zeros", "reflect", "replicate", "circular"),
    }) as { stride?: number; padding?: number; dilation?: number; bias?: boolean };
    checkUnsupported("Conv1d", o);
    A.checkArg("Conv1d", "kernelSize", kernelSize, A.integer);
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? 1;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.weight = emptyParameter(outChannels, inChannels, kernelSize);
    this.bias = (o.bias ?? true) ? emptyParameter(outChannels) : null;
    uniformFanIn_(this.weight, fanIn(this.weight));
    if (this.bias) uniformFanIn_(this.bias, fanIn(this.weight));
  }
  override forward(x: Tensor): Tensor {
    const batched = x.dim() === 3;
    if (!batched && x.dim() !== 2) throw new Error(`Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [${x.shape.join(", ")}]`);
    const y = conv2d((batched ? x : x.unsqueeze(0)).unsqueeze(2), this.weight.unsqueeze(2), this.bias, {
      stride: [1, this.stride], padding: [0, this.padding], dilation: [1, this.dilation],
    }).squeeze(2);
    return batched ? y : y.squeeze(0);
  }
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize},), stride=(${this.stride},)`;
    if (this.padding) s += `, padding=(${this.padding},)`;
    if (this.dilation !== 1) s += `, dilation=(${this.dilation},)`;
    if (!this.bias) s += ", bias=False";
    return s;
  }
}
