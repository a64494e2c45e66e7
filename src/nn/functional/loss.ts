// Losses, each fused with its backward and taking PyTorch's `reduction`: "mean" (default), "sum", "none".
import { noGrad, record } from "../../tensor/autograd.ts";
import { allocLike, castArray, checkFloating, int64, uint8, type DataArray, type DType } from "../../tensor/dtype.ts";
import { sumTo } from "../../tensor/ops/elementwise.ts";
import { sameShape, shapeString } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { logSoftmax } from "./activation.ts";

/** How a loss reduces its per-element values: their "mean" (the default), "sum", or "none" (kept). */
export type Reduction = "mean" | "sum" | "none";

function checkReduction(reduction: string): Reduction {
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
    throw new Error(`${reduction} is not a valid value for reduction; expected "mean", "sum" or "none"`);
  }
  return reduction;
}

/** Reduces per-element losses (an array of `dtype`) and says how the incoming gradient spreads back over them. */
function reduce(losses: DataArray, shape: readonly number[], reduction: Reduction, dtype: DType): [Tensor, (g: Tensor, i: number) => number] {
  if (reduction === "none") return [new Tensor(losses, shape, dtype), (g, i) => g.data[i]!];
  let total = 0;
  for (const l of losses) total += l;
  const scale = reduction === "mean" ? 1 / losses.length : 1;
  return [new Tensor(castArray([total * scale], dtype), [], dtype), (g) => g.data[0]! * scale];
}

/** Mean squared error: mean((input - target)^2). */
export function mseLoss(input: Tensor, target: Tensor, { reduction = "mean" }: { reduction?: Reduction } = {}): Tensor {
  checkReduction(reduction);
  const diff = noGrad(() => input.sub(target)); // broadcasts, and names both shapes if it cannot
  checkFloating(diff.dtype, "mse_loss");
  const d = diff.data;
  const squares = allocLike(d, diff.numel());
  for (let i = 0; i < squares.length; i++) squares[i] = d[i]! * d[i]!;
  const [out, spread] = reduce(squares, diff.shape, reduction, diff.dtype);
  return record(out, "MseLossBackward0", [input, target], (g) => {
    const dDiff = allocLike(d, diff.numel());
    for (let i = 0; i < dDiff.length; i++) dDiff[i] = 2 * d[i]! * spread(g, i);
    const dDiffT = new Tensor(dDiff, diff.shape, diff.dtype);
    return [sumTo(dDiffT, input.shape), sumTo(dDiffT.neg(), target.shape)];
  }, [input, target]);
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
  if (target.dtype !== int64 && target.dtype !== uint8) {
    throw new Error(`expected target dtype to be Long or Byte (class indices), but got ${target.dtype.scalarName} (target ${target.dtype} of shape ${shapeString(target.shape)})`);
  }
  if (target.shape.length !== expectedTarget.length || (batched && target.shape[0] !== n)) {
    throw new Error(`Expected target of shape ${shapeString(expectedTarget)} (class indices) for input of shape ${shapeString(logProbs.shape)}, got ${shapeString(target.shape)}`);
  }
  const labels = target.data, lp = logProbs.data;
  for (const t of labels) {
    if (!Number.isInteger(t) || t < 0 || t >= classes) throw new Error(`Target ${t} is out of bounds (expected a class index in [0, ${classes - 1}]).`);
  }
  const losses = allocLike(lp, n);
  for (let i = 0; i < n; i++) losses[i] = -lp[i * classes + labels[i]!]!;
  const [out, spread] = reduce(losses, expectedTarget, reduction, logProbs.dtype);
  return record(out, "NllLossBackward0", [logProbs], (g) => {
    const grad = allocLike(g.data, logProbs.numel());
    for (let i = 0; i < n; i++) grad[i * classes + labels[i]!] = -spread(g, i);
    return [new Tensor(grad, logProbs.shape, g.dtype)];
  }, [target]);
}

/** Cross-entropy from raw scores (logits) [N, C] and either class indices [N] (int64) or class
 *  probabilities shaped like the input (floating point): nll_loss(log_softmax(x)), or
 *  -sum(p * log_softmax(x)) per sample. Any other target is an error naming both shapes. */
export function crossEntropy(input: Tensor, target: Tensor, { reduction = "mean" }: { reduction?: Reduction } = {}): Tensor {
  checkReduction(reduction);
  if (input.shape.length !== 1 && input.shape.length !== 2) {
    throw new Error(`cross_entropy: expected input of shape [N, C] or [C], got ${shapeString(input.shape)}`);
  }
  const indexShape = input.shape.length === 2 ? [input.shape[0]!] : [];
  const isIndices = target.dtype === int64 || target.dtype === uint8;
  const isProbabilities = target.dtype.isFloatingPoint && sameShape(target.shape, input.shape);
  if (!(isIndices && sameShape(target.shape, indexShape)) && !isProbabilities) {
    throw new Error(
      `cross_entropy: expected a target of class indices (int64, shape ${shapeString(indexShape)}) or of class probabilities ` +
        `(floating point, shape ${shapeString(input.shape)}) for input of shape ${shapeString(input.shape)}, ` +
        `got ${target.dtype} of shape ${shapeString(target.shape)}`,
    );
  }
  const logProbs = logSoftmax(input, -1);
  if (isIndices) return nllLoss(logProbs, target, { reduction });
  const perSample = logProbs.mul(target).sum(-1).neg();
  return reduction === "none" ? perSample : reduction === "sum" ? perSample.sum() : perSample.mean();
}

/** Binary cross-entropy on probabilities in [0, 1]; each log is clamped at -100, as in PyTorch. */
export function bceLoss(input: Tensor, target: Tensor, { reduction = "mean" }: { reduction?: Reduction } = {}): Tensor {
  checkReduction(reduction);
  if (input.shape.join() !== target.shape.join()) {
    throw new Error(`Using a target size (${target.shape}) that is different to the input size (${input.shape}) is deprecated. Please ensure they have the same size.`);
  }
  checkFloating(input.dtype, "binary_cross_entropy");
  if (target.dtype !== input.dtype) throw new Error(`Found dtype ${target.dtype.scalarName} but expected ${input.dtype.scalarName} (binary_cross_entropy needs a target of the input's dtype)`);
  const probs = input.data, labels = target.data;
  for (const p of probs) if (!(p >= 0 && p <= 1)) throw new Error("all elements of input should be between 0 and 1");
  const losses = allocLike(probs, input.numel());
  for (let i = 0; i < losses.length; i++) {
    const p = probs[i]!, y = labels[i]!;
    losses[i] = -(y * Math.max(Math.log(p), -100) + (1 - y) * Math.max(Math.log(1 - p), -100));
  }
  const [out, spread] = reduce(losses, input.shape, reduction, input.dtype);
  // d/dp = (p - y) / (p (1 - p)); d/dy = log(1 - p) - log(p), each log clamped as in the forward
  return record(out, "BinaryCrossEntropyBackward0", [input, target], (g) => {
    const gradInput = input.requiresGrad ? allocLike(g.data, input.numel()) : null;
    const gradTarget = target.requiresGrad ? allocLike(g.data, target.numel()) : null;
    for (let i = 0; i < losses.length; i++) {
      const p = probs[i]!;
      if (gradInput) gradInput[i] = (spread(g, i) * (p - labels[i]!)) / Math.max(p * (1 - p), 1e-12);
      if (gradTarget) gradTarget[i] = spread(g, i) * (Math.max(Math.log(1 - p), -100) - Math.max(Math.log(p), -100));
    }
    return [gradInput && new Tensor(gradInput, input.shape, g.dtype), gradTarget && new Tensor(gradTarget, target.shape, g.dtype)];
  }, [input, target]);
}
