// Losses, each fused with its backward and taking PyTorch's `reduction`: "mean" (default), "sum", "none".
import { isGradEnabled, noGrad, record } from "../../tensor/autograd.ts";
import { allocLike, castArray, checkFloating, int64, uint8, type DataArray, type DType } from "../../tensor/dtype.ts";
import { sumTo } from "../../tensor/ops/elementwise.ts";
import { sameShape, shapeString } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { logSoftmax } from "./activation.ts";
import * as A from "../../args.ts";
import { where } from "../../tensor/ops/math.ts";

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
  if (reduction === "none") return [new Tensor(losses, shape, dtype), (g, i) => g._data[i]!];
  let total = 0;
  for (const l of losses) total += l;
  const scale = reduction === "mean" ? 1 / losses.length : 1;
  return [new Tensor(castArray([total * scale], dtype), [], dtype), (g) => g._data[0]! * scale];
}

/** Mean squared error: mean((input - target)^2). */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  A.checkOptions("mse_loss", options, { reduction: A.string });
  const { reduction = "mean" } = options;
  checkReduction(reduction);
  const diff = noGrad(() => input.sub(target)); // broadcasts, and names both shapes if it cannot
  checkFloating(diff.dtype, "mse_loss");
  const d = diff._data;
  const squares = allocLike(d, diff.numel());
  for (let i = 0; i < squares.length; i++) squares[i] = d[i]! * d[i]!;
  const [out, spread] = reduce(squares, diff.shape, reduction, diff.dtype);
  return record(out, "MseLossBackward0", [input, target], (g) => {
    if (isGradEnabled()) {
      // recorded, for a backward differentiated again: 2 (input - target) times the spread gradient
      const scale = reduction === "mean" ? 1 / diff.numel() : 1;
      const dd = input.sub(target).mul(2).mul(reduction === "none" ? g : g.mul(scale));
      return [sumTo(dd, input.shape), sumTo(dd.neg(), target.shape)];
    }
    const dDiff = allocLike(d, diff.numel());
    for (let i = 0; i < dDiff.length; i++) dDiff[i] = 2 * d[i]! * spread(g, i);
    const dDiffT = new Tensor(dDiff, diff.shape, diff.dtype);
    return [sumTo(dDiffT, input.shape), sumTo(dDiffT.neg(), target.shape)];
  }, [input, target]);
}

/** nll_loss and cross_entropy's options, PyTorch's names in camelCase. */
export interface NllLossOptions {
  reduction?: Reduction;
  /** One weight per class: each sample's loss is scaled by its class's, and "mean" divides by their sum. */
  weight?: Tensor | null;
  /** Samples whose target is this class count for nothing (nor in the mean's divisor). Default -100. */
  ignoreIndex?: number;
}
const NLL_OPTIONS = { reduction: A.oneOf("mean", "sum", "none"), weight: A.nullable(A.tensor), ignoreIndex: A.integer };

/** Negative log likelihood of log-probabilities [N, C] (or [C]) at integer class indices [N] (or []),
 *  with PyTorch's class weights and ignored index. */
export function nllLoss(logProbs: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  A.checkOptions("nll_loss", options, NLL_OPTIONS);
  const { reduction = "mean", weight = null, ignoreIndex = -100 } = options;
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
  if (weight && (weight.dim() !== 1 || weight.shape[0] !== classes)) {
    throw new Error(`weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${shapeString(weight.shape)}`);
  }
  const labels = target._data, lp = logProbs._data, w = weight?._data;
  for (const t of labels) {
    if (t !== ignoreIndex && (!Number.isInteger(t) || t < 0 || t >= classes)) throw new Error(`Target ${t} is out of bounds (expected a class index in [0, ${classes - 1}]).`);
  }
  // each sample's weight: its class's (1 without weights), 0 where ignored
  const scale = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += scale[i] = labels[i] === ignoreIndex ? 0 : w ? w[labels[i]!]! : 1;
  const losses = allocLike(lp, n);
  for (let i = 0; i < n; i++) losses[i] = scale[i] === 0 ? 0 : -scale[i]! * lp[i * classes + labels[i]!]!;
  let out: Tensor;
  let spread: (g: Tensor, i: number) => number;
  if (reduction === "none") [out, spread] = [new Tensor(losses, expectedTarget, logProbs.dtype), (g, i) => g._data[i]!];
  else {
    let sum = 0;
    for (const l of losses) sum += l;
    const divisor = reduction === "mean" ? total : 1; // a mean over nothing is 0/0 = NaN, as in PyTorch
    [out, spread] = [new Tensor(castArray([sum / divisor], logProbs.dtype), [], logProbs.dtype), (g) => g._data[0]! / divisor];
  }
  return record(out, "NllLossBackward0", [logProbs], (g) => {
    const grad = allocLike(g._data, logProbs.numel());
    for (let i = 0; i < n; i++) if (scale[i] !== 0) grad[i * classes + labels[i]!] = -scale[i]! * spread(g, i);
    return [new Tensor(grad, logProbs.shape, g.dtype)];
  }, [target]);
}

const CROSS_ENTROPY_OPTIONS = { ...NLL_OPTIONS, labelSmoothing: A.number };

/** cross_entropy's options: nll_loss's, and label smoothing. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: (1 - s) * target + s / C. */
  labelSmoothing?: number;
}

/** Cross-entropy from raw scores (logits) [N, C] and either class indices [N] (int64) or class
 *  probabilities shaped like the input (floating point): nll_loss(log_softmax(x)), or
 *  -sum(p * log_softmax(x)) per sample, with PyTorch's weight, ignoreIndex and labelSmoothing.
 *  Any other target is an error naming both shapes. */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  A.checkOptions("cross_entropy", options, CROSS_ENTROPY_OPTIONS);
  const { reduction = "mean", weight = null, ignoreIndex = -100, labelSmoothing = 0 } = options;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
  if (input.shape.length > 2) {
    // [N, C, d1, ...]: the classes moved last and every position treated as a sample, as PyTorch
    const classes = input.shape[1]!;
    const rest = input.shape.slice(2);
    const moved = input.permute([0, ...rest.map((_, i) => i + 2), 1]).reshape(-1, classes);
    const isIndices = target.dtype === int64 || target.dtype === uint8;
    const flatTarget = isIndices ? target.reshape(-1) : target.permute([0, ...rest.map((_, i) => i + 2), 1]).reshape(-1, classes);
    const loss = crossEntropy(moved, flatTarget, options);
    return reduction === "none" ? loss.reshape([input.shape[0]!, ...rest]) : loss;
  }
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
  const classes = input.shape.at(-1)!;
  const logProbs = logSoftmax(input, -1);
  if (isIndices) {
    const nll = nllLoss(logProbs, target, { reduction, weight, ignoreIndex });
    if (labelSmoothing === 0) return nll;
    // the uniform part: -sum_c w_c log p_c / C per sample, nothing for ignored samples
    const keep = noGrad(() => target.ne(ignoreIndex).to(input.dtype));
    const weighted = weight ? logProbs.mul(weight) : logProbs;
    const smooth = weighted.sum(-1).neg().mul(keep).div(classes);
    const mixed = (loss: Tensor, uniform: Tensor) => loss.mul(1 - labelSmoothing).add(uniform.mul(labelSmoothing));
    if (reduction === "none") return mixed(nll, smooth);
    if (reduction === "sum") return mixed(nll, smooth.sum());
    // "mean" divides by the summed weights of the samples that count, as the nll part does
    const labels = target._data, w = weight?._data;
    let divisor = 0;
    for (const t of labels) if (t !== ignoreIndex) divisor += w ? w[t]! : 1;
    return mixed(nll, smooth.sum().div(divisor));
  }
  // probabilities: smoothing mixes them with the uniform distribution; weights scale each class
  const p = labelSmoothing === 0 ? target : target.mul(1 - labelSmoothing).add(labelSmoothing / classes);
  const perClass = weight ? logProbs.mul(p).mul(weight) : logProbs.mul(p);
  const perSample = perClass.sum(-1).neg();
  return reduction === "none" ? perSample : reduction === "sum" ? perSample.sum() : perSample.sum().div(input.shape.length === 2 ? input.shape[0]! : 1);
}

/** Binary cross-entropy on probabilities in [0, 1]; each log is clamped at -100, as in PyTorch. */
export function bceLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction; weight?: Tensor | null } = {}): Tensor {
  A.checkOptions("binary_cross_entropy", options, { reduction: A.oneOf("mean", "sum", "none"), weight: A.nullable(A.tensor) });
  const { reduction = "mean", weight = null } = options;
  if (weight) {
    // a weight broadcast over the elements scales each one's loss (and gradient), as PyTorch's
    const scale = noGrad(() => weight.expand(input.shape).to(input.dtype));
    const perElement = bceLoss(input, target, { reduction: "none" }).mul(scale);
    return reduction === "none" ? perElement : reduction === "sum" ? perElement.sum() : perElement.mean();
  }
  if (input.shape.join() !== target.shape.join()) {
    throw new Error(`Using a target size (${target.shape}) that is different to the input size (${input.shape}) is deprecated. Please ensure they have the same size.`);
  }
  checkFloating(input.dtype, "binary_cross_entropy");
  if (target.dtype !== input.dtype) throw new Error(`Found dtype ${target.dtype.scalarName} but expected ${input.dtype.scalarName} (binary_cross_entropy needs a target of the input's dtype)`);
  const probs = input._data, labels = target._data;
  for (const p of probs) if (!(p >= 0 && p <= 1)) throw new Error("all elements of input should be between 0 and 1");
  const losses = allocLike(probs, input.numel());
  for (let i = 0; i < losses.length; i++) {
    const p = probs[i]!, y = labels[i]!;
    losses[i] = -(y * Math.max(Math.log(p), -100) + (1 - y) * Math.max(Math.log(1 - p), -100));
  }
  const [out, spread] = reduce(losses, input.shape, reduction, input.dtype);
  // d/dp = (p - y) / (p (1 - p)); d/dy = log(1 - p) - log(p), each log clamped as in the forward
  return record(out, "BinaryCrossEntropyBackward0", [input, target], (g) => {
    const gradInput = input.requiresGrad ? allocLike(g._data, input.numel()) : null;
    const gradTarget = target.requiresGrad ? allocLike(g._data, target.numel()) : null;
    for (let i = 0; i < losses.length; i++) {
      const p = probs[i]!;
      if (gradInput) gradInput[i] = (spread(g, i) * (p - labels[i]!)) / Math.max(p * (1 - p), 1e-12);
      if (gradTarget) gradTarget[i] = spread(g, i) * (Math.max(Math.log(1 - p), -100) - Math.max(Math.log(p), -100));
    }
    return [gradInput && new Tensor(gradInput, input.shape, g.dtype), gradTarget && new Tensor(gradTarget, target.shape, g.dtype)];
  }, [input, target]);
}

/** F.binary_cross_entropy, PyTorch's name for bceLoss. */
export const binaryCrossEntropy = bceLoss;

const REDUCE = { reduction: A.oneOf("mean", "sum", "none") };
function reduced(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === "none" ? loss : reduction === "sum" ? loss.sum() : loss.mean();
}

/** F.l1_loss: mean (or sum, or none) of |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  A.checkOptions("l1_loss", options, REDUCE);
  return reduced(input.sub(target).abs(), options.reduction ?? "mean");
}

/** F.smooth_l1_loss(beta = 1): 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction; beta?: number } = {}): Tensor {
  A.checkOptions("smooth_l1_loss", options, { ...REDUCE, beta: A.number });
  const beta = options.beta ?? 1;
  const d = input.sub(target), ad = d.abs();
  const loss = beta === 0 ? ad : where(ad.lt(beta), d.mul(d).mul(0.5 / beta), ad.sub(0.5 * beta));
  return reduced(loss, options.reduction ?? "mean");
}

/** F.huber_loss(delta = 1): 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta). */
export function huberLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction; delta?: number } = {}): Tensor {
  A.checkOptions("huber_loss", options, { ...REDUCE, delta: A.number });
  const delta = options.delta ?? 1;
  const d = input.sub(target), ad = d.abs();
  return reduced(where(ad.lt(delta), d.mul(d).mul(0.5), ad.sub(0.5 * delta).mul(delta)), options.reduction ?? "mean");
}

/** F.binary_cross_entropy_with_logits: BCE on sigmoid(input), computed stably as
 *  (1 - y) x + (1 + (posWeight - 1) y) log(1 + exp(-x)), with weight and posWeight as PyTorch. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: { reduction?: Reduction; weight?: Tensor | null; posWeight?: Tensor | null } = {}): Tensor {
  A.checkOptions("binary_cross_entropy_with_logits", options, { ...REDUCE, weight: A.nullable(A.tensor), posWeight: A.nullable(A.tensor) });
  if (!sameShape(input.shape, target.shape)) throw new Error(`Target size (${target.shape}) must be the same as input size (${input.shape})`);
  // log(1 + exp(-x)) = max(-x, 0) + log(exp(-max(-x, 0)) + exp(-x - max(-x, 0)))
  const m = input.neg().clamp(0);
  const softplusNeg = m.add(m.neg().exp().add(input.neg().sub(m).exp()).log());
  const scale = options.posWeight ? target.mul(options.posWeight.sub(1)).add(1) : null;
  let loss = target.neg().add(1).mul(input).add(scale ? softplusNeg.mul(scale) : softplusNeg);
  if (options.weight) loss = loss.mul(options.weight);
  return reduced(loss, options.reduction ?? "mean");
}

/** F.kl_div(input, target, { reduction = "mean", logTarget = false }): target * (log target - input)
 *  with input given as log-probabilities; "batchmean" divides the sum by the batch size. */
export function klDiv(input: Tensor, target: Tensor, options: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {}): Tensor {
  A.checkOptions("kl_div", options, { reduction: A.oneOf("mean", "sum", "none", "batchmean"), logTarget: A.boolean });
  const loss = options.logTarget ? target.exp().mul(target.sub(input)) : where(target.gt(0), target.mul(target.log().sub(input)), target.mul(0));
  const reduction = options.reduction ?? "mean";
  return reduction === "batchmean" ? loss.sum().div(input.dim() > 0 ? input.shape[0]! : 1) : reduced(loss, reduction);
}
