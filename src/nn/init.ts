// Weight initialisation as PyTorch does it for Linear and Conv2d: kaiming_uniform_ with a = sqrt(5),
// which works out to U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for the weight, and the same bound for the bias.
import type { Tensor } from "../tensor/tensor.ts";
import { noGrad } from "../tensor/autograd.ts";

/** fan_in of a weight [out, in, ...kernel]: in * kernel size. */
export function fanIn(weight: Tensor): number {
  return weight.shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Fills a tensor from U(-1/sqrt(fanIn), 1/sqrt(fanIn)) using the global seeded generator. */
export function uniformFanIn_(t: Tensor, fan: number): Tensor {
  const bound = fan > 0 ? 1 / Math.sqrt(fan) : 0;
  return noGrad(() => t.uniform_(-bound, bound));
}

export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => t.uniform_(a, b));
}
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => t.normal_(mean, std));
}
export function zeros_(t: Tensor): Tensor {
  return noGrad(() => t.zero_());
}
export function ones_(t: Tensor): Tensor {
  return noGrad(() => t.fill_(1));
}
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}
