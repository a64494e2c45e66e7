// Activation layers: thin Modules over the functional forms.
import { Module } from "./module.ts";
import { relu, sigmoid, tanh } from "../../tensor/ops/elementwise.ts";
import { logSoftmax, softmax } from "../functional/activation.ts";
import type { Tensor } from "../../tensor/tensor.ts";

/** nn.ReLU: max(x, 0) elementwise; `{ inplace: true }` prints as PyTorch's `ReLU(inplace=True)`. */
export class ReLU extends Module {
  /** PyTorch's flag, kept for the repr: the result is computed out of place either way, which gives
   *  the same values and gradients (and never overwrites a tensor autograd saved). */
  readonly inplace: boolean;
  constructor({ inplace = false }: { inplace?: boolean } = {}) {
    super();
    this.inplace = inplace;
  }
  override forward(x: Tensor): Tensor {
    return relu(x);
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
    if (!Number.isInteger(dim)) throw new Error(`Softmax: expected an integer dim, got ${dim}`);
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
  }
  override forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
