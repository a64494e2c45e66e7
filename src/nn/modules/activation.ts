// Activation layers: thin Modules over the functional forms.
import { Module, Parameter } from "./module.ts";
import * as F from "../functional/activation.ts";
import { full } from "../../tensor/create.ts";
import { pyFloat } from "../../python-repr.ts";
import { relu, relu_, sigmoid, tanh } from "../../tensor/ops/elementwise.ts";
import { apply as applyInPlace } from "../../tensor/inplace.ts";
import { logSoftmax, softmax } from "../functional/activation.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

/** nn.ReLU: max(x, 0) elementwise; with `inplace: true` it overwrites its input, as PyTorch's
 *  `ReLU(inplace=True)` (recorded by autograd like any in-place op). */
export class ReLU extends Module {
  readonly inplace: boolean;
  /** `new ReLU()`, `new ReLU({ inplace: true })` or PyTorch's `ReLU(true)`. */
  constructor(inplace?: boolean | { inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    const { inplace = false } = positional("ReLU", args, ["inplace"], { inplace: A.boolean }) as { inplace?: boolean };
    this.inplace = inplace;
  }
  override forward(x: Tensor): Tensor {
    return this.inplace ? relu_(x) : relu(x);
  }
  override extraRepr(): string {
    return this.inplace ? "inplace=True" : "";
  }
}

/** The identity: returns its input unchanged (a placeholder where a layer is removed). */
export class Identity extends Module {
  constructor(..._ignored: unknown[]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** nn.Sigmoid: 1 / (1 + exp(-x)) elementwise. */
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** nn.Tanh: tanh(x) elementwise. */
export class Tanh extends Module {
  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** nn.Softmax(dim): exp(x) / sum(exp(x)) along `dim`, computed stably. */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
    A.checkArg("Softmax", "dim", dim, A.integer);
  }
  override forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** nn.LogSoftmax(dim): log of softmax along `dim`, computed stably. */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
    A.checkArg("LogSoftmax", "dim", dim, A.integer);
  }
  override forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** nn.LeakyReLU(negativeSlope = 0.01, inplace = false): x where x > 0, else negativeSlope * x. */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(negativeSlope?: number | { negativeSlope?: number; inplace?: boolean }, inplace?: boolean);
  constructor(...args: unknown[]) {
    super();
    const o = positional("LeakyReLU", args, ["negativeSlope", "inplace"], { negativeSlope: A.number, inplace: A.boolean }) as { negativeSlope?: number; inplace?: boolean };
    this.negativeSlope = o.negativeSlope ?? 0.01;
    this.inplace = o.inplace ?? false;
  }
  readonly inplace: boolean;
  override forward(x: Tensor): Tensor {
    return this.inplace ? applyInPlace(x, "leaky_relu_", [], (self) => F.leakyRelu(self, this.negativeSlope)) : F.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

/** nn.GELU({ approximate = "none" | "tanh" }): x * Phi(x). */
export class GELU extends Module {
  readonly approximate: "none" | "tanh";
  constructor(approximate?: "none" | "tanh" | { approximate?: "none" | "tanh" });
  constructor(...args: unknown[]) {
    super();
    const o = positional("GELU", args, ["approximate"], { approximate: A.oneOf("none", "tanh") }) as { approximate?: "none" | "tanh" };
    this.approximate = o.approximate ?? "none";
  }
  override forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** nn.SiLU: x * sigmoid(x). */
export class SiLU extends Module {
  override forward(x: Tensor): Tensor {
    return F.silu(x);
  }
}

/** nn.ELU(alpha = 1, inplace = false): x where x > 0, else alpha * (exp(x) - 1). */
export class ELU extends Module {
  readonly alpha: number;
  constructor(alpha?: number | { alpha?: number; inplace?: boolean }, inplace?: boolean);
  constructor(...args: unknown[]) {
    super();
    const o = positional("ELU", args, ["alpha", "inplace"], { alpha: A.number, inplace: A.boolean }) as { alpha?: number; inplace?: boolean };
    this.alpha = o.alpha ?? 1;
    this.inplace = o.inplace ?? false;
  }
  readonly inplace: boolean;
  override forward(x: Tensor): Tensor {
    return this.inplace ? applyInPlace(x, "elu_", [], (self) => F.elu(self, this.alpha)) : F.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

/** nn.Softplus(beta = 1, threshold = 20). */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(beta?: number | { beta?: number; threshold?: number }, threshold?: number);
  constructor(...args: unknown[]) {
    super();
    const o = positional("Softplus", args, ["beta", "threshold"], { beta: A.number, threshold: A.number }) as { beta?: number; threshold?: number };
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
  }
  override forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${pyFloat(this.beta)}, threshold=${pyFloat(this.threshold)}`;
  }
}

/** nn.Hardtanh(minVal = -1, maxVal = 1): x clamped to [minVal, maxVal]. */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  constructor(minVal?: number | { minVal?: number; maxVal?: number }, maxVal?: number);
  constructor(...args: unknown[]) {
    super();
    const o = positional("Hardtanh", args, ["minVal", "maxVal"], { minVal: A.number, maxVal: A.number }) as { minVal?: number; maxVal?: number };
    this.minVal = o.minVal ?? -1;
    this.maxVal = o.maxVal ?? 1;
  }
  override forward(x: Tensor): Tensor {
    return F.hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}`;
  }
}

/** nn.PReLU(numParameters = 1, init = 0.25): a leaky ReLU whose slope is learned (one, or one per channel). */
export class PReLU extends Module {
  weight: Parameter;
  readonly numParameters: number;
  constructor(numParameters?: number | { numParameters?: number; init?: number }, init?: number);
  constructor(...args: unknown[]) {
    super();
    const o = positional("PReLU", args, ["numParameters", "init"], { numParameters: A.integer, init: A.number }) as { numParameters?: number; init?: number };
    this.numParameters = o.numParameters ?? 1;
    this.weight = new Parameter(full([this.numParameters], o.init ?? 0.25));
  }
  override forward(x: Tensor): Tensor {
    return F.prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
