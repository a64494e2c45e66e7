// Losses, each fused with its backward and taking PyTorch's `reduction`: "mean" (default), "sum", "none".
import { noGrad, record } from "../../tensor/autograd.ts";
import { sumTo } from "../../tensor/ops/elementwise.ts";
import { shapeString } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { logSoftmax } from "./activation.ts";

export type Reduction = "mean" | "sum" | "none";

function checkReduction(reduction: string): Reduction {
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
    throw new Error(`${reduction} is not a valid value for reduction; expected "mean", "sum" or "none"`);
  }
  return reduction;
}

/** Reduces per-element losses and says how the incoming gradient spreads back over them. */
function reduce(losses: Float32Array, shape: readonly number[], reduction: Reduction): [Tensor, (g: Tensor, i: number) => number] {
  if (reduction === "none") return [new Tensor(losses, shape), (g, i) => g.data[i]!];
  let total = 0;
  for (const l of losses) total += l;
  const scale = reduction === "mean" ? 1 / losses.length : 1;
  return [new Tensor(Float32Array.of(total * scale), []), (g) => g.data[0]! * scale];
}

/** Mean squared error: mean((input - target)^2). */
export function mseLoss(input: Tensor, target: Tensor, { reduction = "mean" }: { reduction?: Reduction } = {}): Tensor {
  checkReduction(reduction);
  const diff = noGrad(() => input.sub(target)); // broadcasts, and names both shapes if it cannot
  const squares = diff.data.map((d) => d * d);
  const [out, spread] = reduce(squares, diff.shape, reduction);
  return record(out, "MseLossBackward0", [input, target], (g) => {
    const dDiff = new Tensor(diff.data.map((d, i) => 2 * d * spread(g, i)), diff.shape);
    return [sumTo(dDiff, input.shape), sumTo(dDiff.neg(), target.shape)];
  });
}

/** Negative log likelihood of log-probabilities [N, C] (or [C]) at integer class indices [N] (or []). */
export function nllLoss(logProbs: Tensor, target: Tensor, { reduction = "mean" }: { reduction?: Reduction } = {}): Tensor {
  checkReduction(reduction);
  const batched = logProbs.shape.length === 2;
  if (!batched && logProbs.shape.length !== 1) {
    throw new Error(`cross_entropy/nll_loss: expected input of shape [N, C] or [C], got ${shapeString(logProbs.shape)}`);
  }
  const n = batched ? logProbs.shape[0]! : 1;
  const classes = logProbs.shape.at(-1)!;
  const expectedTarget = batched ? [n] : [];
  if (target.shape.length !== expectedTarget.length || (batched && target.shape[0] !== n)) {
    throw new Error(`Expected target of shape ${shapeString(expectedTarget)} (class indices) for input of shape ${shapeString(logProbs.shape)}, got ${shapeString(target.shape)}`);
  }
  for (const t of target.data) {
    if (!Number.isInteger(t) || t < 0 || t >= classes) throw new Error(`Target ${t} is out of bounds (expected a class index in [0, ${classes - 1}]).`);
  }
  const losses = new Float32Array(n);
  for (let i = 0; i < n; i++) losses[i] = -logProbs.data[i * classes + target.data[i]!]!;
  const [out, spread] = reduce(losses, expectedTarget, reduction);
  return record(out, "NllLossBackward0", [logProbs], (g) => {
    const grad = new Float32Array(logProbs.numel());
    for (let i = 0; i < n; i++) grad[i * classes + target.data[i]!] = -spread(g, i);
    return [new Tensor(grad, logProbs.shape)];
  });
}

/** Cross-entropy from raw scores (logits) [N, C] and class indices [N]: nll_loss(log_softmax(x)).
 *  A float target of the input's shape is read as class probabilities instead. */
export function crossEntropy(input: Tensor, target: Tensor, { reduction = "mean" }: { reduction?: Reduction } = {}): Tensor {
  checkReduction(reduction);
  const logProbs = logSoftmax(input, -1);
  if (target.dtype === "float32" && target.shape.length === input.shape.length) {
    const perSample = logProbs.mul(target).sum(-1).neg();
    return reduction === "none" ? perSample : reduction === "sum" ? perSample.sum() : perSample.mean();
  }
  if (target.dtype === "float32" || target.dtype === "bool") {
    throw new Error(`cross_entropy: expected class indices as an int64 tensor (use .long()), got ${target.dtype} of shape ${shapeString(target.shape)}`);
  }
  return nllLoss(logProbs, target, { reduction });
}

/** Binary cross-entropy on probabilities in [0, 1]; each log is clamped at -100, as in PyTorch. */
export function bceLoss(input: Tensor, target: Tensor, { reduction = "mean" }: { reduction?: Reduction } = {}): Tensor {
  checkReduction(reduction);
  if (input.shape.join() !== target.shape.join()) {
    throw new Error(`Using a target size (${target.shape}) that is different to the input size (${input.shape}) is deprecated. Please ensure they have the same size.`);
  }
  for (const p of input.data) if (!(p >= 0 && p <= 1)) throw new Error("all elements of input should be between 0 and 1");
  const losses = input.data.map((p, i) => {
    const y = target.data[i]!;
    return -(y * Math.max(Math.log(p), -100) + (1 - y) * Math.max(Math.log(1 - p), -100));
  });
  const [out, spread] = reduce(losses, input.shape, reduction);
  return record(out, "BinaryCrossEntropyBackward0", [input], (g) => {
    const grad = input.data.map((p, i) => (spread(g, i) * (p - target.data[i]!)) / Math.max(p * (1 - p), 1e-12));
    return [new Tensor(grad, input.shape)];
  });
}
