// nn.Linear: y = x·Wᵀ + b, with W stored [out, in] as PyTorch stores it.
import { Module, emptyParameter, type Parameter } from "./module.ts";
import { fanIn, uniformFanIn_ } from "../init.ts";
import { linear } from "../../tensor/ops/matmul.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { pyBool } from "../../python-repr.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

/** nn.Linear(in, out, { bias }): y = x·Wᵀ + b for x of shape [..., in]; W is [out, in], initialised U(-1/sqrt(in), 1/sqrt(in)). */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  /** `new Linear(4, 2)`, `new Linear(4, 2, { bias: false })` or PyTorch's `Linear(4, 2, false)`. */
  constructor(inFeatures: number, outFeatures: number, bias?: boolean | { bias?: boolean });
  constructor(readonly inFeatures: number, readonly outFeatures: number, ...args: unknown[]) {
    super();
    const { bias = true } = positional("Linear", args, ["bias"], { bias: A.boolean }) as { bias?: boolean };
    for (const [name, n] of [["in_features", inFeatures], ["out_features", outFeatures]] as const) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`Linear: ${name} must be a non-negative integer, got ${n}`);
    }
    this.weight = emptyParameter(outFeatures, inFeatures);
    this.bias = bias ? emptyParameter(outFeatures) : null;
    uniformFanIn_(this.weight, inFeatures);
    if (this.bias) uniformFanIn_(this.bias, fanIn(this.weight));
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
