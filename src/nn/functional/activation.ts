// nn.functional's activations beyond relu and sigmoid, written with tensor ops (autograd
// differentiates them op by op). The softmax family lives with the other tensor ops
// (tensor/ops/softmax.ts), since tensors have it as methods too (x.softmax(dim)).
import { Tensor } from "../../tensor/tensor.ts";
import { erf, where } from "../../tensor/ops/math.ts";
import * as A from "../../args.ts";

export { softmax, logSoftmax, softmaxSimple } from "../../tensor/ops/softmax.ts";

/** F.leaky_relu(x, negativeSlope = 0.01): x where x > 0, else negativeSlope * x. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  A.checkArg("leaky_relu", "negativeSlope", negativeSlope, A.number);
  return where(x.gt(0), x, x.mul(negativeSlope));
}

/** F.gelu(x, { approximate = "none" }): x * Phi(x), Phi the standard normal CDF (with erf), or
 *  PyTorch's tanh approximation. */
export function gelu(x: Tensor, { approximate = "none" }: { approximate?: "none" | "tanh" } = {}): Tensor {
  A.checkOptions("gelu", { approximate }, { approximate: A.oneOf("none", "tanh") });
  if (approximate === "tanh") {
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(inner.tanh().add(1));
  }
  return x.mul(0.5).mul(erf(x.mul(Math.SQRT1_2)).add(1));
}

/** F.silu(x): x * sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

/** F.elu(x, alpha = 1): x where x > 0, else alpha * (exp(x) - 1). */
export function elu(x: Tensor, alpha = 1): Tensor {
  return where(x.gt(0), x, x.expm1().mul(alpha));
}

/** F.softplus(x, beta = 1, threshold = 20): log(1 + exp(beta x)) / beta, and x itself where beta x
 *  passes the threshold (as PyTorch, for stability). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const bx = x.mul(beta);
  return where(bx.gt(threshold), x, bx.exp().log1p().div(beta));
}

/** F.hardtanh(x, minVal = -1, maxVal = 1): x clamped to [minVal, maxVal]. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return x.clamp(minVal, maxVal);
}

/** F.prelu(x, weight): x where x > 0, else weight * x, weight per channel (dim 1) or one for all. */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const w = weight.numel() === 1 || x.dim() < 2 ? weight.reshape([]) : weight.reshape([weight.numel(), ...new Array<number>(Math.max(0, x.dim() - 2)).fill(1)]);
  return where(x.gt(0), x, x.mul(w));
}
