// nn.Dropout: zeroes elements with probability p while training (scaling the rest by 1/(1-p));
// the identity after .eval().
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { checkDropoutProbability, dropout } from "../functional/dropout.ts";
import { pyFloat } from "../../python-repr.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";
import { apply as applyInPlace } from "../../tensor/inplace.ts";

/** nn.Dropout(p = 0.5): in training zeroes each element with probability p and scales the rest by 1/(1-p); identity in eval. */
export class Dropout extends Module {
  readonly p: number;
  /** `new Dropout(0.2)`, `new Dropout({ p: 0.2, inplace: true })` or PyTorch's `Dropout(0.2, true)`. */
  constructor(p?: number | { p?: number; inplace?: boolean }, inplace?: boolean);
  constructor(...args: unknown[]) {
    super();
    const o = positional("Dropout", args, ["p", "inplace"], { p: A.number, inplace: A.boolean }) as { p?: number; inplace?: boolean };
    this.p = checkDropoutProbability(o.p ?? 0.5);
    this.inplace = o.inplace ?? false;
  }
  readonly inplace: boolean;
  override forward(x: Tensor): Tensor {
    if (!this.inplace || !this.training) return dropout(x, this.p, this.training);
    return applyInPlace(x, "dropout_", [], (self) => dropout(self, this.p, true));
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${this.inplace ? "True" : "False"}`;
  }
}
