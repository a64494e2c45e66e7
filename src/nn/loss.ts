// Loss layers: hold the reduction, call the functional form.
import { Module } from "./module.ts";
import { bceLoss, crossEntropy, mseLoss, type Reduction } from "./ops/loss.ts";
import type { Tensor } from "../tensor/tensor.ts";

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

export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

export class CrossEntropyLoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { reduction: this.reduction });
  }
}

export class BCELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return bceLoss(input, target, { reduction: this.reduction });
  }
}
