// Activation layers: thin Modules over the functional forms.
import { Module } from "./module.ts";
import { relu, relu_, sigmoid, tanh } from "../../tensor/ops/elementwise.ts";
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
