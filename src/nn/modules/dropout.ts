// nn.Dropout: zeroes elements with probability p while training (scaling the rest by 1/(1-p));
// the identity after .eval().
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { checkDropoutProbability, dropout } from "../functional/dropout.ts";

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

/** A float as Python's repr prints it: 0.5, 1.0, 1e-05 (scientific below 1e-4 and from 1e16). */
export function pyFloat(x: number): string {
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exponent] = x.toExponential().split("e") as [string, string]; // shortest digits, as Python
    const sign = exponent.startsWith("-") ? "-" : "+";
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}
