// Layer normalisation: each sample normalised over its last dims, then scaled and shifted.
import type { Tensor } from "../../tensor/tensor.ts";
import * as A from "../../args.ts";

type NormArgs = (Tensor | number | null | { weight?: Tensor | null; bias?: Tensor | null; eps?: number })[];
const NORM_OPTIONS = { weight: A.nullable(A.tensor), bias: A.nullable(A.tensor), eps: A.number };

/** F.layer_norm(x, normalizedShape, weight?, bias?, eps = 1e-5): (x - mean) / sqrt(var + eps) over
 *  the last normalizedShape.length dims (var biased), times weight plus bias. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], ...args: NormArgs): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = A.positional("layer_norm", args, ["weight", "bias", "eps"], NORM_OPTIONS) as { weight?: Tensor | null; bias?: Tensor | null; eps?: number };
  A.checkArg("layer_norm", "normalizedShape", normalizedShape, A.check("a list of integers", (v) => Array.isArray(v) && v.every(Number.isInteger)));
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.dim() - k);
  if (k === 0 || tail.length !== k || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new Error(`Given normalized_shape=[${normalizedShape.join(", ")}], expected input with shape [*, ${normalizedShape.join(", ")}], but got input of size[${x.shape.join(", ")}]`);
  }
  const dims = normalizedShape.map((_, i) => x.dim() - k + i);
  const mean = x.mean(dims, true);
  const centred = x.sub(mean);
  const variance = centred.mul(centred).mean(dims, true);
  let y = centred.div(variance.add(eps).sqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** F.group_norm(x, numGroups, weight?, bias?, eps = 1e-5): x [N, C, ...] normalised within each group
 *  of C / numGroups channels, then scaled and shifted per channel. */
export function groupNorm(x: Tensor, numGroups: number, ...args: NormArgs): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = A.positional("group_norm", args, ["weight", "bias", "eps"], NORM_OPTIONS) as { weight?: Tensor | null; bias?: Tensor | null; eps?: number };
  A.checkArg("group_norm", "numGroups", numGroups, A.integer);
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  if (c % numGroups !== 0) throw new Error(`Expected number of channels in input to be divisible by num_groups, but got input of shape [${x.shape.join(", ")}] and num_groups=${numGroups}`);
  const grouped = x.reshape([n, numGroups, -1]);
  const mean = grouped.mean(2, true);
  const centred = grouped.sub(mean);
  const variance = centred.mul(centred).mean(2, true);
  let y = centred.div(variance.add(eps).sqrt()).reshape(x.shape);
  const perChannel = [c, ...new Array<number>(x.dim() - 2).fill(1)];
  if (weight) y = y.mul(weight.reshape(perChannel));
  if (bias) y = y.add(bias.reshape(perChannel));
  return y;
}
