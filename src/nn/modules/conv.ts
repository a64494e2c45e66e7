// nn.Conv2d: weight [out, in, kh, kw] and bias [out], initialised as PyTorch does.
import { Module, emptyParameter, type Parameter } from "./module.ts";
import { fanIn, uniformFanIn_ } from "../init.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { conv2d, convTranspose2d, pair, type Pair } from "../functional/conv.ts";
import { pyValue } from "../../python-repr.ts";
import { pad } from "../functional/padding.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

export interface Conv2dLayerOptions {
  stride?: Pair;
  /** A number or pair, or "valid" (none) or "same" (the output keeps the input's size; stride 1). */
  padding?: Pair | "same" | "valid";
  dilation?: Pair;
  bias?: boolean;
  /** Channels split into this many groups, each with its own filters (both channel counts divisible by it). */
  groups?: number;
  /** What the padding is filled with: zeros, or the input reflected, replicated or wrapped around
   *  (F.pad's modes; "zeros" only for transposed convolutions, as in PyTorch). */
  paddingMode?: PaddingMode;
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
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** padding "same" or "valid" as given (for the repr); "same" with an even total pads more after, as PyTorch. */
  readonly paddingKeyword: "same" | "valid" | null = null;
  /** [left, right, top, bottom] padded before the convolution: when "same" needs uneven padding,
   *  or when the padding mode is not zeros (the convolution itself then pads nothing). */
  protected readonly padFirst: [number, number, number, number] | null = null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    { stride = 1, padding = 0, dilation = 1, bias = true, outputPadding = 0, groups = 1, paddingMode = "zeros" }: ConvTranspose2dLayerOptions,
    transposed: boolean,
  ) {
    super();
    const layer = new.target.name;
    for (const [name, n] of [["in_channels", inChannels], ["out_channels", outChannels]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${layer}: ${name} must be a positive integer, got ${n}`);
    }
    if (groups <= 0) throw new Error("groups must be a positive integer");
    if (inChannels % groups !== 0) throw new Error("in_channels must be divisible by groups");
    if (outChannels % groups !== 0) throw new Error("out_channels must be divisible by groups");
    if (transposed && paddingMode !== "zeros") throw new Error(`Only "zeros" padding mode is supported for ${layer}`);
    this.groups = groups;
    this.paddingMode = paddingMode;
    this.kernelSize = pair(kernelSize, "kernel_size");
    this.stride = pair(stride, "stride");
    if (padding === "same" || padding === "valid") {
      this.paddingKeyword = padding;
      this.padding = [0, 0];
    } else this.padding = pair(padding, "padding");
    this.dilation = pair(dilation, "dilation");
    this.outputPadding = pair(outputPadding, "output_padding");
    if (this.kernelSize.some((k) => k <= 0)) throw new Error(`${layer}: kernel_size must be positive, got (${this.kernelSize.join(", ")})`);
    if (this.paddingKeyword === "same") {
      if (this.stride.some((s) => s !== 1)) throw new Error("padding='same' is not supported for strided convolutions");
      const totals = this.kernelSize.map((k, i) => this.dilation[i]! * (k - 1));
      if (totals.every((t) => t % 2 === 0)) this.padding = [totals[0]! / 2, totals[1]! / 2];
      else this.padFirst = [Math.floor(totals[1]! / 2), totals[1]! - Math.floor(totals[1]! / 2), Math.floor(totals[0]! / 2), totals[0]! - Math.floor(totals[0]! / 2)];
    }
    if (paddingMode !== "zeros" && !this.padFirst) {
      const [ph, pw] = this.padding;
      this.padFirst = [pw, pw, ph, ph];
    }
    const [first, second] = transposed ? [inChannels, outChannels / groups] : [outChannels, inChannels / groups];
    this.weight = emptyParameter(first, second, ...this.kernelSize);
    this.bias = bias ? emptyParameter(outChannels) : null;
    uniformFanIn_(this.weight, fanIn(this.weight));
    if (this.bias) uniformFanIn_(this.bias, fanIn(this.weight));
  }

  /** PyTorch's repr of a convolution: stride always; padding, dilation and output padding only
   *  when they differ from the defaults. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}`;
    if (this.paddingKeyword) s += `, padding=${this.paddingKeyword}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyValue(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyValue(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyValue(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ", bias=False";
    if (this.paddingMode !== "zeros") s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

const CONV_OPTIONS = { stride: A.pair, padding: A.either(A.pair, A.oneOf("same", "valid")), dilation: A.pair, bias: A.boolean, groups: A.integer, paddingMode: A.oneOf("zeros", "reflect", "replicate", "circular") };

/** nn.Conv2d: weight [out, in, kh, kw] and bias [out]. */
export class Conv2d extends ConvLayer {
  /** `new Conv2d(1, 16, 3, { padding: 1 })`, or PyTorch's positional order `Conv2d(1, 16, 3, 1, 1)`
   *  (stride, padding, dilation, groups, bias, paddingMode), optionally followed by options. */
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: Conv2dLayerOptions);
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...rest: (Pair | boolean | string | Conv2dLayerOptions)[]);
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...args: unknown[]) {
    const options = positional("Conv2d", args, ["stride", "padding", "dilation", "groups", "bias", "paddingMode"], CONV_OPTIONS);
    super(inChannels, outChannels, kernelSize, options as Conv2dLayerOptions, false);
  }
  override forward(x: Tensor): Tensor {
    if (!this.padFirst) return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
    const mode = this.paddingMode === "zeros" ? "constant" : this.paddingMode;
    return conv2d(pad(x, this.padFirst, { mode }), this.weight, this.bias, { stride: this.stride, dilation: this.dilation, groups: this.groups });
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
    super(inChannels, outChannels, kernelSize, options as ConvTranspose2dLayerOptions, true);
  }
  override forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups,
    });
  }
}

/** nn.Conv1d(in, out, kernel, ...): weight [out, in / groups, k] and bias [out] over [N, C, L] (or
 *  [C, L]); a Conv2d over rows of height 1, with PyTorch's parameter shapes and initialisation. */
export class Conv1d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: { stride?: number; padding?: number; dilation?: number; groups?: number; bias?: boolean; paddingMode?: PaddingMode });
  constructor(inChannels: number, outChannels: number, kernelSize: number, stride: number, ...rest: (number | boolean | string | { bias?: boolean })[]);
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number, ...args: unknown[]) {
    super();
    const o = positional("Conv1d", args, ["stride", "padding", "dilation", "groups", "bias", "paddingMode"], {
      stride: A.integer, padding: A.integer, dilation: A.integer, groups: A.integer, bias: A.boolean, paddingMode: A.oneOf("zeros", "reflect", "replicate", "circular"),
    }) as { stride?: number; padding?: number; dilation?: number; groups?: number; bias?: boolean; paddingMode?: PaddingMode };
    A.checkArg("Conv1d", "kernelSize", kernelSize, A.integer);
    this.kernelSize = kernelSize;
    this.stride = o.stride ?? 1;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.groups = o.groups ?? 1;
    this.paddingMode = o.paddingMode ?? "zeros";
    if (this.groups <= 0) throw new Error("groups must be a positive integer");
    if (inChannels % this.groups !== 0) throw new Error("in_channels must be divisible by groups");
    if (outChannels % this.groups !== 0) throw new Error("out_channels must be divisible by groups");
    this.weight = emptyParameter(outChannels, inChannels / this.groups, kernelSize);
    this.bias = (o.bias ?? true) ? emptyParameter(outChannels) : null;
    uniformFanIn_(this.weight, fanIn(this.weight));
    if (this.bias) uniformFanIn_(this.bias, fanIn(this.weight));
  }
  override forward(x: Tensor): Tensor {
    const batched = x.dim() === 3;
    if (!batched && x.dim() !== 2) throw new Error(`Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [${x.shape.join(", ")}]`);
    let rows = (batched ? x : x.unsqueeze(0)).unsqueeze(2), padding = this.padding;
    if (this.paddingMode !== "zeros") {
      rows = pad(rows, [padding, padding], { mode: this.paddingMode });
      padding = 0;
    }
    const y = conv2d(rows, this.weight.unsqueeze(2), this.bias, {
      stride: [1, this.stride], padding: [0, padding], dilation: [1, this.dilation], groups: this.groups,
    }).squeeze(2);
    return batched ? y : y.squeeze(0);
  }
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize},), stride=(${this.stride},)`;
    if (this.padding) s += `, padding=(${this.padding},)`;
    if (this.dilation !== 1) s += `, dilation=(${this.dilation},)`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ", bias=False";
    if (this.paddingMode !== "zeros") s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}
