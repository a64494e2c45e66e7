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

/** fan_out of a weight [out, in, ...kernel]: out * kernel size. */
export function fanOut(weight: Tensor): number {
  return weight.shape.length < 2 ? weight.numel() : weight.shape[0]! * weight.shape.slice(2).reduce((a, b) => a * b, 1);
}

/** He initialisation from N(0, std²), std = gain / sqrt(fan), gain = sqrt(2) for ReLU (and 1 for
 *  "linear"): torch.nn.init.kaiming_normal_ with a = 0. */
export function kaimingNormal_(t: Tensor, { mode = "fanIn", nonlinearity = "leakyRelu" }: { mode?: "fanIn" | "fanOut"; nonlinearity?: "relu" | "leakyRelu" | "linear" } = {}): Tensor {
  const fan = mode === "fanIn" ? fanIn(t) : fanOut(t);
  const gain = nonlinearity === "linear" ? 1 : Math.sqrt(2); // leaky_relu with a = 0 is relu's gain
  return normal_(t, 0, fan > 0 ? gain / Math.sqrt(fan) : 0);
}

/** nn.init.uniform_: fills t with U(a, b) in place; returns t. */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => t.uniform_(a, b));
}
/** nn.init.normal_: fills t with N(mean, std^2) in place; returns t. */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => t.normal_(mean, std));
}
/** nn.init.zeros_: fills t with 0 in place; returns t. */
export function zeros_(t: Tensor): Tensor {
  return noGrad(() => t.zero_());
}
/** nn.init.ones_: fills t with 1 in place; returns t. */
export function ones_(t: Tensor): Tensor {
  return noGrad(() => t.fill_(1));
}
/** nn.init.constant_: fills t with `value` in place; returns t. */
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}
