// Batch normalisation over the channel dim of [N, C] or [N, C, H, W] (any [N, C, ...] works):
//   y = (x - mean) / sqrt(var + eps) * weight + bias,   per channel c.
// Training: mean and var are the batch's own, var BIASED (divide by M = N*H*W); the running
// estimates move toward the batch's mean and UNBIASED var (divide by M - 1):
//   running = (1 - momentum) * running + momentum * batch_stat.
// Evaluation: the running estimates stand in for mean and var, so the op is a fixed affine map.
import * as A from "../../args.ts";
import { isGradEnabled, record } from "../../tensor/autograd.ts";
import { allocLike, checkFloating } from "../../tensor/dtype.ts";
import { shapeString, Size } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";

/** F.batch_norm's arguments after the running statistics, positionally in this order or as options. */
export interface BatchNormOptions { weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number }

/** F.batch_norm: per channel of input [N, C, ...], (x - mean) / sqrt(var + eps) * weight + bias. In
 *  training the batch's statistics are used and the running ones (if given) move by `momentum`;
 *  otherwise the running ones are used. */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  ...args: (Tensor | null | boolean | number | BatchNormOptions)[]
): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = A.positional("batch_norm", args, ["weight", "bias", "training", "momentum", "eps"], {
    weight: A.nullable(A.tensor), bias: A.nullable(A.tensor), training: A.boolean, momentum: A.number, eps: A.number,
  }) as BatchNormOptions;
  if (input.shape.length < 2) throw new Error(`batch_norm: expected input of shape [N, C, ...], got ${shapeString(input.shape)}`);
  const [n, channels] = input.shape as unknown as [number, number];
  const inner = input.shape.slice(2).reduce((a, b) => a * b, 1); // H*W (1 for [N, C])
  const count = n * inner; // values per channel
  for (const [name, t] of [["running_mean", runningMean], ["running_var", runningVar], ["weight", weight], ["bias", bias]] as const) {
    if (t && (t.shape.length !== 1 || t.shape[0] !== channels)) {
      throw new Error(`batch_norm: expected ${name} of shape [${channels}] for input of shape ${shapeString(input.shape)}, got ${shapeString(t.shape)}`);
    }
  }
  checkFloating(input.dtype, "batch_norm");
  for (const [name, t] of [["running_mean", runningMean], ["running_var", runningVar], ["weight", weight], ["bias", bias]] as const) {
    if (t && t.dtype !== input.dtype) throw new Error(`batch_norm: expected ${name} of dtype ${input.dtype} like the input, got ${t.dtype}`);
  }
  if (training && count <= 1) {
    throw new Error(`Expected more than 1 value per channel when training, got input size ${Size.fromDims(input.shape)}`);
  }
  if (!training && (!runningMean || !runningVar)) throw new Error("running_mean and running_var must be defined in evaluation mode");

  // x[b, c, i] sits at (b * channels + c) * inner + i.
  const forEachOfChannel = (c: number, visit: (index: number) => void): void => {
    for (let b = 0; b < n; b++) {
      const start = (b * channels + c) * inner;
      for (let i = 0; i < inner; i++) visit(start + i);
    }
  };

  const x = input.data;
  const mean = new Float64Array(channels);
  const invStd = new Float64Array(channels); // 1 / sqrt(var + eps)
  for (let c = 0; c < channels; c++) {
    if (training) {
      let sum = 0;
      forEachOfChannel(c, (j) => (sum += x[j]!));
      const m = sum / count;
      let squares = 0;
      forEachOfChannel(c, (j) => (squares += (x[j]! - m) ** 2));
      const biasedVar = squares / count;
      mean[c] = m;
      invStd[c] = 1 / Math.sqrt(biasedVar + eps);
      // running stats are buffers, not part of the graph: updated in place
      if (runningMean) runningMean.data[c] = (1 - momentum) * runningMean.data[c]! + momentum * m;
      if (runningVar) runningVar.data[c] = (1 - momentum) * runningVar.data[c]! + momentum * (squares / (count - 1));
    } else {
      mean[c] = runningMean!.data[c]!;
      invStd[c] = 1 / Math.sqrt(runningVar!.data[c]! + eps);
    }
  }

  if (training) {
    // the running stats were changed in place: count it, as every in-place change is counted
    if (runningMean) runningMean.storage.bump();
    if (runningVar) runningVar.storage.bump();
  }
  // the normalised input, kept for the backward only when there will be one (it is as large as x)
  const needsGrad = isGradEnabled() && [input, weight, bias].some((t) => t?.requiresGrad);
  const xHat = needsGrad ? allocLike(x, x.length) : null;
  const out = allocLike(x, x.length);
  const asStored = x instanceof Float32Array ? Math.fround : (v: number) => v; // xHat's rounding, kept or not
  for (let c = 0; c < channels; c++) {
    const w = weight ? weight.data[c]! : 1, b0 = bias ? bias.data[c]! : 0;
    forEachOfChannel(c, (j) => {
      const normalized = asStored((x[j]! - mean[c]!) * invStd[c]!);
      if (xHat) xHat[j] = normalized;
      out[j] = normalized * w + b0;
    });
  }

  const inputs = [input, weight, bias].filter((t): t is Tensor => t !== null);
  return record(new Tensor(out, input.shape, input.dtype), "NativeBatchNormBackward0", inputs, (grad) => {
    const g = grad.data;
    const gradInput = allocLike(g, x.length);
    const gradWeight = allocLike(g, channels);
    const gradBias = allocLike(g, channels);
    for (let c = 0; c < channels; c++) {
      const w = weight ? weight.data[c]! : 1;
      let sumG = 0, sumGxHat = 0;
      forEachOfChannel(c, (j) => {
        sumG += g[j]!;
        sumGxHat += g[j]! * xHat![j]!;
      });
      gradBias[c] = sumG;
      gradWeight[c] = sumGxHat;
      if (training) {
        // mean and var depend on every x of the channel, which adds two correction terms:
        // dx = w * invStd / M * (M * g - sum(g) - xHat * sum(g * xHat))
        const k = (w * invStd[c]!) / count;
        forEachOfChannel(c, (j) => (gradInput[j] = k * (count * g[j]! - sumG - xHat![j]! * sumGxHat)));
      } else {
        // the running stats are constants: y is an affine function of x
        const k = w * invStd[c]!;
        forEachOfChannel(c, (j) => (gradInput[j] = k * g[j]!));
      }
    }
    const grads: (Tensor | null)[] = [new Tensor(gradInput, input.shape, grad.dtype)];
    if (weight) grads.push(new Tensor(gradWeight, weight.shape, grad.dtype));
    if (bias) grads.push(new Tensor(gradBias, bias.shape, grad.dtype));
    return grads;
  }, [input, weight]);
}
