// Layer normalisation: each sample normalised over its last dims, then scaled and shifted.
import { Tensor } from "../../tensor/tensor.ts";
import * as A from "../../args.ts";
import { isGradEnabled, record, recomputedGradients } from "../../tensor/autograd.ts";
import { checkFloating } from "../../tensor/dtype.ts";
import { shapeString } from "../../tensor/shape.ts";
import { kernelsFor } from "../../kernels/index.ts";

type NormArgs = (Tensor | number | null | { weight?: Tensor | null; bias?: Tensor | null; eps?: number })[];
const NORM_OPTIONS = { weight: A.nullable(A.tensor), bias: A.nullable(A.tensor), eps: A.number };

/** F.layer_norm(x, normalizedShape, weight?, bias?, eps = 1e-5): (x - mean) / sqrt(var + eps) over
 *  the last normalizedShape.length dims (var biased), times weight plus bias. One loop forward and
 *  one backward on the kernel seam (PyTorch's NativeLayerNormBackward0); layerNormSimple below is
 *  the same from tensor ops, and a backward differentiated again goes through it. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], ...args: NormArgs): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = A.positional("layer_norm", args, ["weight", "bias", "eps"], NORM_OPTIONS) as { weight?: Tensor | null; bias?: Tensor | null; eps?: number };
  A.checkArg("layer_norm", "normalizedShape", normalizedShape, A.check("a list of integers", (v) => Array.isArray(v) && v.every(Number.isInteger)));
  checkNormalizedShape(x, normalizedShape);
  const size = normalizedShape.reduce((a, b) => a * b, 1), rows = size === 0 ? 0 : x.numel() / size;
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t && (t.numel() !== size || t.dtype !== x.dtype)) throw new Error(`layer_norm: expected ${name} of shape [${normalizedShape.join(", ")}] and dtype ${x.dtype}, got ${shapeString(t.shape)} ${t.dtype}`);
  }
  checkFloating(x.dtype, "layer_norm");
  const kernels = kernelsFor(x.dtype);
  const mean = new Float64Array(rows), rstd = new Float64Array(rows);
  const out = new Tensor(x.dtype.zeros(x.numel()), x.shape, x.dtype);
  kernels.layerNorm(x._data, weight?._data ?? null, bias?._data ?? null, rows, size, eps, out._data, mean, rstd);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(out, "NativeLayerNormBackward0", inputs, (g) => {
    if (isGradEnabled()) return recomputedGradients(() => layerNormSimple(x, normalizedShape, weight, bias, eps), inputs, g);
    const dx = x.requiresGrad ? x.dtype.zeros(x.numel()) : null;
    const dw = weight?.requiresGrad ? x.dtype.zeros(size) : null, db = bias?.requiresGrad ? x.dtype.zeros(size) : null;
    kernels.layerNormBackward(g._data, x._data, weight?._data ?? null, mean, rstd, rows, size, dx, dw, db);
    return [
      dx && new Tensor(dx, x.shape, x.dtype),
      ...(weight ? [dw && new Tensor(dw, weight.shape, x.dtype)] : []),
      ...(bias ? [db && new Tensor(db, bias.shape, x.dtype)] : []),
    ];
  }, inputs);
}

function checkNormalizedShape(x: Tensor, normalizedShape: readonly number[]): void {
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.dim() - k);
  if (k === 0 || tail.length !== k || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new Error(`Given normalized_shape=[${normalizedShape.join(", ")}], expected input with shape [*, ${normalizedShape.join(", ")}], but got input of size[${x.shape.join(", ")}]`);
  }
}

/** layer_norm written with tensor ops, which autograd differentiates op by op: the readable form
 *  of layerNorm (the tests check one against the other). */
export function layerNormSimple(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  checkNormalizedShape(x, normalizedShape);
  const k = normalizedShape.length;
  const dims = normalizedShape.map((_, i) => x.dim() - k + i);
  const mean = x.mean(dims, true);
  const centred = x.sub(mean);
  const variance = centred.mul(centred).mean(dims, true);
  let y = centred.div(variance.add(eps).sqrt());
  if (weight) y = y.mul(weight.reshape(normalizedShape));
  if (bias) y = y.add(bias.reshape(normalizedShape));
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
