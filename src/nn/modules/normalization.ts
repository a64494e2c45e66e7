// nn.LayerNorm and nn.GroupNorm: normalisation within each sample.
import { Module, Parameter } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { ones, zeros } from "../../tensor/create.ts";
import { groupNorm, layerNorm } from "../functional/normalization.ts";
import { pyBool, pyFloat } from "../../python-repr.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

/** nn.LayerNorm(normalizedShape, { eps = 1e-5, elementwiseAffine = true, bias = true }). */
export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  constructor(normalizedShape: number | readonly number[], options?: { eps?: number; elementwiseAffine?: boolean; bias?: boolean });
  constructor(normalizedShape: number | readonly number[], eps: number, ...rest: (boolean | { elementwiseAffine?: boolean; bias?: boolean })[]);
  constructor(normalizedShape: number | readonly number[], ...args: unknown[]) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    const o = positional("LayerNorm", args, ["eps", "elementwiseAffine", "bias"], { eps: A.number, elementwiseAffine: A.boolean, bias: A.boolean }) as { eps?: number; elementwiseAffine?: boolean; bias?: boolean };
    this.eps = o.eps ?? 1e-5;
    this.elementwiseAffine = o.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = this.elementwiseAffine && (o.bias ?? true) ? new Parameter(zeros(this.normalizedShape)) : null;
  }
  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `(${this.normalizedShape.join(", ")}${this.normalizedShape.length === 1 ? "," : ""}), eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** nn.GroupNorm(numGroups, numChannels, { eps = 1e-5, affine = true }). */
export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly affine: boolean;
  constructor(numGroups: number, numChannels: number, options?: { eps?: number; affine?: boolean });
  constructor(numGroups: number, numChannels: number, eps: number, affine?: boolean);
  constructor(readonly numGroups: number, readonly numChannels: number, ...args: unknown[]) {
    super();
    const o = positional("GroupNorm", args, ["eps", "affine"], { eps: A.number, affine: A.boolean }) as { eps?: number; affine?: boolean };
    if (numChannels % numGroups !== 0) throw new Error("num_channels must be divisible by num_groups");
    this.eps = o.eps ?? 1e-5;
    this.affine = o.affine ?? true;
    this.weight = this.affine ? new Parameter(ones(numChannels)) : null;
    this.bias = this.affine ? new Parameter(zeros(numChannels)) : null;
  }
  override forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}, bias=${pyBool(this.affine)}`;
  }
}
