// Loss layers: hold the reduction (and a loss's own options), call the functional form.
import { Module } from "./module.ts";
import {
  bceLoss, binaryCrossEntropyWithLogits, crossEntropy, huberLoss, klDiv, l1Loss, mseLoss, nllLoss, smoothL1Loss, type Reduction,
} from "../functional/loss.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

const REDUCTION = A.oneOf("mean", "sum", "none");

abstract class Loss extends Module {
  readonly reduction: Reduction;
  declare weight: Tensor | null;
  /** `options` checked against `spec` (reduction always; weight first positionally where PyTorch has it). */
  constructor(name: string, args: readonly unknown[], names: readonly string[], spec: Readonly<Record<string, A.Check>>) {
    super();
    const o = positional(name, args, names, { reduction: REDUCTION, ...spec }) as { reduction?: Reduction; weight?: Tensor | null };
    this.reduction = o.reduction ?? "mean";
    if (o.weight) this.registerBuffer("weight", o.weight);
    else Object.defineProperty(this, "weight", { value: null, writable: true, enumerable: false });
    this.options = o;
  }
  protected declare options: Record<string, unknown>;
}

/** nn.MSELoss({ reduction }): mean (or sum, or none) of (input - target)^2; inputs and targets of the same shape. */
export class MSELoss extends Loss {
  constructor(options?: { reduction?: Reduction });
  constructor(...args: unknown[]) {
    super("MSELoss", args, [], {});
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** nn.CrossEntropyLoss({ weight, ignoreIndex = -100, reduction, labelSmoothing }) (or the weight
 *  first, as PyTorch's positional argument): logits [N, C] (or [C]) against class indices [N]
 *  (int64) or class probabilities, log-softmax then negative log-likelihood. */
export class CrossEntropyLoss extends Loss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options?: { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction; labelSmoothing?: number });
  constructor(weight: Tensor | null, options?: { ignoreIndex?: number; reduction?: Reduction; labelSmoothing?: number });
  constructor(...args: unknown[]) {
    super("CrossEntropyLoss", args, ["weight"], { weight: A.nullable(A.tensor), ignoreIndex: A.integer, labelSmoothing: A.number });
    this.ignoreIndex = (this.options.ignoreIndex as number | undefined) ?? -100;
    this.labelSmoothing = (this.options.labelSmoothing as number | undefined) ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing });
  }
}

/** nn.NLLLoss({ weight, ignoreIndex = -100, reduction }): the negative log-likelihood of
 *  log-probabilities [N, C] at class indices [N]. */
export class NLLLoss extends Loss {
  readonly ignoreIndex: number;
  constructor(options?: { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction });
  constructor(weight: Tensor | null, options?: { ignoreIndex?: number; reduction?: Reduction });
  constructor(...args: unknown[]) {
    super("NLLLoss", args, ["weight"], { weight: A.nullable(A.tensor), ignoreIndex: A.integer });
    this.ignoreIndex = (this.options.ignoreIndex as number | undefined) ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/** nn.BCELoss({ weight, reduction }): binary cross-entropy of probabilities in [0, 1] against targets
 *  of the same shape (logs clamped at -100, as PyTorch); a weight scales each element's loss. */
export class BCELoss extends Loss {
  constructor(options?: { weight?: Tensor | null; reduction?: Reduction });
  constructor(weight: Tensor | null, options?: { reduction?: Reduction });
  constructor(...args: unknown[]) {
    super("BCELoss", args, ["weight"], { weight: A.nullable(A.tensor) });
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return bceLoss(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/** nn.L1Loss({ reduction }): mean (or sum, or none) of |input - target|. */
export class L1Loss extends Loss {
  constructor(options?: { reduction?: Reduction });
  constructor(...args: unknown[]) {
    super("L1Loss", args, [], {});
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** nn.SmoothL1Loss({ reduction, beta = 1 }). */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options?: { reduction?: Reduction; beta?: number });
  constructor(...args: unknown[]) {
    super("SmoothL1Loss", args, [], { beta: A.number });
    this.beta = (this.options.beta as number | undefined) ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** nn.HuberLoss({ reduction, delta = 1 }). */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options?: { reduction?: Reduction; delta?: number });
  constructor(...args: unknown[]) {
    super("HuberLoss", args, [], { delta: A.number });
    this.delta = (this.options.delta as number | undefined) ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** nn.BCEWithLogitsLoss({ weight, reduction, posWeight }): BCE on logits, computed stably. */
export class BCEWithLogitsLoss extends Loss {
  declare posWeight: Tensor | null;
  constructor(options?: { weight?: Tensor | null; reduction?: Reduction; posWeight?: Tensor | null });
  constructor(...args: unknown[]) {
    super("BCEWithLogitsLoss", args, ["weight"], { weight: A.nullable(A.tensor), posWeight: A.nullable(A.tensor) });
    const posWeight = this.options.posWeight as Tensor | null | undefined;
    if (posWeight) this.registerBuffer("posWeight", posWeight, "pos_weight");
    else Object.defineProperty(this, "posWeight", { value: null, writable: true, enumerable: false });
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction, weight: this.weight, posWeight: this.posWeight });
  }
}

/** nn.KLDivLoss({ reduction = "mean" | "batchmean" | "sum" | "none", logTarget = false }): input as log-probabilities. */
export class KLDivLoss extends Module {
  readonly reduction: Reduction | "batchmean";
  readonly logTarget: boolean;
  constructor(options?: { reduction?: Reduction | "batchmean"; logTarget?: boolean });
  constructor(...args: unknown[]) {
    super();
    const o = positional("KLDivLoss", args, [], { reduction: A.oneOf("mean", "sum", "none", "batchmean"), logTarget: A.boolean }) as { reduction?: Reduction | "batchmean"; logTarget?: boolean };
    this.reduction = o.reduction ?? "mean";
    this.logTarget = o.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
