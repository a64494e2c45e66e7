// Loss layers: hold the reduction, call the functional form.
import { Module } from "./module.ts";
import { bceLoss, crossEntropy, mseLoss, type Reduction } from "../functional/loss.ts";
import type { Tensor } from "../../tensor/tensor.ts";

interface LossOptions {
  reduction?: Reduction;
}

abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor({ reduction = "mean" }: LossOptions = {}) {
    super();
    this.reduction = reduction;
  }
}

/** nn.MSELoss: mean (or sum, or none) of (input - target)^2; inputs and targets of the same shape. */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** nn.CrossEntropyLoss: logits [N, C] (or [C]) against class indices [N] (int64), log-softmax then negative log-likelihood. */
export class CrossEntropyLoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { reduction: this.reduction });
  }
}

/** nn.BCELoss: binary cross-entropy of probabilities in [0, 1] against targets of the same shape (logs clamped at -100, as PyTorch). */
export class BCELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return bceLoss(input, target, { reduction: this.reduction });
  }
}
