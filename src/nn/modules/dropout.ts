// nn.Dropout: zeroes elements with probability p while training (scaling the rest by 1/(1-p));
// the identity after .eval().
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { checkDropoutProbability, dropout } from "../functional/dropout.ts";
import { pyFloat } from "../../python-repr.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

/** nn.Dropout(p = 0.5): in training zeroes each element with probability p and scales the rest by 1/(1-p); identity in eval. */
export class Dropout extends Module {
  readonly p: number;
  /** `new Dropout(0.2)`, `new Dropout({ p: 0.2 })`; PyTorch's inplace flag only as false. */
  constructor(p?: number | { p?: number; inplace?: boolean }, inplace?: boolean);
  constructor(...args: unknown[]) {
    super();
    const o = positional("Dropout", args, ["p", "inplace"], { p: A.number, inplace: A.boolean }) as { p?: number; inplace?: boolean };
    if (o.inplace) throw new Error("Dropout: inplace=true is not supported yet");
    this.p = checkDropoutProbability(o.p ?? 0.5);
  }
  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
