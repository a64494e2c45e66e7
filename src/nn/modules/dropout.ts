// nn.Dropout: zeroes elements with probability p while training (scaling the rest by 1/(1-p));
// the identity after .eval().
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { checkDropoutProbability, dropout } from "../functional/dropout.ts";
import { pyFloat } from "../../python-repr.ts";

/** nn.Dropout(p = 0.5): in training zeroes each element with probability p and scales the rest by 1/(1-p); identity in eval. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkDropoutProbability(p);
  }
  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
