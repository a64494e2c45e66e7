// nn.functional's activations beyond relu and sigmoid, written with tensor ops (autograd
// differentiates them op by op). The softmax family lives with the other tensor ops
// (tensor/ops/softmax.ts), since tensors have it as methods too (x.softmax(dim)).
import { Tensor } from "../../tensor/tensor.ts";
import { erf, erfScalar, where } from "../../tensor/ops/math.ts";
import { isGradEnabled, record, recomputedGradients } from "../../tensor/autograd.ts";
import { checkFloating } from "../../tensor/dtype.ts";
import { kernelsFor } from "../../kernels/index.ts";
import { relu as reluOp, relu_ } from "../../tensor/ops/elementwise.ts";
import * as A from "../../args.ts";

export { softmax, logSoftmax, softmaxSimple } from "../../tensor/ops/softmax.ts";

/** F.relu(x, inplace = false): max(x, 0); with inplace, x itself is overwritten (relu_). */
export function relu(x: Tensor, ...args: (boolean | { inplace?: boolean })[]): Tensor {
  const { inplace = false } = A.positional("relu", args, ["inplace"], { inplace: A.boolean }) as { inplace?: boolean };
  return inplace ? relu_(x) : reluOp(x);
}

/** F.leaky_relu(x, negativeSlope = 0.01): x where x > 0, else negativeSlope * x. */
export function leakyRelu(x: Tensor, ...args: (number | { negativeSlope?: number })[]): Tensor {
  const { negativeSlope = 0.01 } = A.positional("leaky_relu", args, ["negativeSlope"], { negativeSlope: A.number }) as { negativeSlope?: number };
  return where(x.gt(0), x, x.mul(negativeSlope));
}

/** F.gelu(x, { approximate = "none" }): x * Phi(x), Phi the standard normal CDF (with erf), or
 *  PyTorch's tanh approximation. One loop forward and one backward on the kernel seam (PyTorch's
 *  GeluBackward0); geluSimple is the same from tensor ops. */
export function gelu(x: Tensor, options: { approximate?: "none" | "tanh" } = {}): Tensor {
  A.checkOptions("gelu", options, { approximate: A.oneOf("none", "tanh") });
  const { approximate = "none" } = options;
  checkFloating(x.dtype, "gelu");
  const kernels = kernelsFor(x.dtype), tanhApproximation = approximate === "tanh";
  const cdf = new Float64Array(x.numel());
  const out = new Tensor(x.dtype.zeros(x.numel()), x.shape, x.dtype);
  kernels.gelu(x._data, out._data, cdf, tanhApproximation, erfScalar);
  return record(out, "GeluBackward0", [x], (g) => {
    if (isGradEnabled()) return recomputedGradients(() => geluSimple(x, approximate), [x], g);
    const dx = new Tensor(x.dtype.zeros(x.numel()), x.shape, x.dtype);
    kernels.geluBackward(g._data, x._data, cdf, tanhApproximation, dx._data);
    return [dx];
  }, [x]);
}

/** GELU written with tensor ops (erf, or tanh), which autograd differentiates op by op. */
export function geluSimple(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
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

/** F.elu(x, alpha = 1): x where x > 0, else alpha * (exp(x) - 1). `alpha` positionally or as { alpha }. */
export function elu(x: Tensor, ...args: (number | { alpha?: number })[]): Tensor {
  const { alpha = 1 } = A.positional("elu", args, ["alpha"], { alpha: A.number }) as { alpha?: number };
  return where(x.gt(0), x, x.expm1().mul(alpha));
}

/** F.softplus(x, beta = 1, threshold = 20): log(1 + exp(beta x)) / beta, and x itself where beta x
 *  passes the threshold (as PyTorch, for stability). */
export function softplus(x: Tensor, ...args: (number | { beta?: number; threshold?: number })[]): Tensor {
  const { beta = 1, threshold = 20 } = A.positional("softplus", args, ["beta", "threshold"], { beta: A.number, threshold: A.number }) as { beta?: number; threshold?: number };
  const bx = x.mul(beta);
  return where(bx.gt(threshold), x, bx.exp().log1p().div(beta));
}

/** F.hardtanh(x, minVal = -1, maxVal = 1): x clamped to [minVal, maxVal]. */
export function hardtanh(x: Tensor, ...args: (number | { minVal?: number; maxVal?: number })[]): Tensor {
  const { minVal = -1, maxVal = 1 } = A.positional("hardtanh", args, ["minVal", "maxVal"], { minVal: A.number, maxVal: A.number }) as { minVal?: number; maxVal?: number };
  return x.clamp(minVal, maxVal);
}

/** F.prelu(x, weight): x where x > 0, else weight * x, weight per channel (dim 1) or one for all. */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const w = weight.numel() === 1 || x.dim() < 2 ? weight.reshape([]) : weight.reshape([weight.numel(), ...new Array<number>(Math.max(0, x.dim() - 2)).fill(1)]);
  return where(x.gt(0), x, x.mul(w));
}
