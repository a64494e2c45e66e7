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
import { kernelsFor } from "../../kernels/index.ts";

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

  const layout = { batch: n, channels, inner };
  const kernels = kernelsFor(input.dtype);
  const x = input._data;
  const mean = new Float64Array(channels);
  const invStd = new Float64Array(channels); // 1 / sqrt(var + eps)
  if (training) {
    const squares = new Float64Array(channels);
    kernels.batchNormStatistics(x, layout, mean, squares);
    for (let c = 0; c < channels; c++) {
      invStd[c] = 1 / Math.sqrt(squares[c]! / count + eps); // the biased variance normalises
      // running stats are buffers, not part of the graph: updated in place (with the unbiased variance)
      if (runningMean) runningMean._data[c] = (1 - momentum) * runningMean._data[c]! + momentum * mean[c]!;
      if (runningVar) runningVar._data[c] = (1 - momentum) * runningVar._data[c]! + momentum * (squares[c]! / (count - 1));
    }
  } else {
    for (let c = 0; c < channels; c++) {
      mean[c] = runningMean!._data[c]!;
      invStd[c] = 1 / Math.sqrt(runningVar!._data[c]! + eps);
    }
  }

  if (training) {
    // the running stats were changed in place: count it, as every in-place change is counted
    if (runningMean) runningMean.storage.bump();
    if (runningVar) runningVar.storage.bump();
  }
  // the backward works the normalised input out again from x, mean and invStd, as PyTorch's does
  // (it saves the input, not a second array as large)
  const out = input.dtype.empty(x.length); // written in full
  kernels.batchNormNormalize(x, layout, mean, invStd, weight?._data ?? null, bias?._data ?? null, out);

  const inputs = [input, weight, bias].filter((t): t is Tensor => t !== null);
  return record(new Tensor(out, input.shape, input.dtype), "NativeBatchNormBackward0", inputs, (grad) => {
    const g = grad._data;
    const gradInput = grad.dtype.empty(x.length), gradWeight = allocLike(g, channels), gradBias = allocLike(g, channels);
    kernels.batchNormBackward(g, x, layout, weight?._data ?? null, mean, invStd, training, gradInput, gradWeight, gradBias);
    const grads: (Tensor | null)[] = [new Tensor(gradInput, input.shape, grad.dtype)];
    if (weight) grads.push(new Tensor(gradWeight, weight.shape, grad.dtype));
    if (bias) grads.push(new Tensor(gradBias, bias.shape, grad.dtype));
    return grads;
  }, [input, weight]);
}
