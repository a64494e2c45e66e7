// Softmax and log-softmax along a dim, fused with their own backward; and beside them the composite
// softmaxSimple, exp(x) / exp(x).sum(dim) written with tensor ops, which autograd differentiates op
// by op. The two give the same numbers (the tests check one against the other) where exp does not
// overflow: the fused form subtracts each line's max first, so it never does.
import { isGradEnabled, record } from "../autograd.ts";
import { allocLike, checkFloating, roundingOf, toDType, type DataArray, type DTypeLike } from "../dtype.ts";
import * as A from "../../args.ts";
import { aroundDim, normalizeDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";

/** For each line along dim: out = f(line), with the max subtracted first so exp never overflows. */
function alongDim(x: Tensor, dim: number, log: boolean): DataArray {
  checkFloating(x.dtype, log ? "log_softmax" : "softmax");
  const d = normalizeDim(dim, x.shape.length);
  const data = x._data, out = allocLike(data, x.numel());
  forEachLine(x.shape, d, (first, end, inner) => {
    let max = -Infinity;
    for (let at = first; at < end; at += inner) max = Math.max(max, data[at]!);
    let total = 0;
    for (let at = first; at < end; at += inner) total += Math.exp(data[at]! - max);
    const logTotal = Math.log(total);
    for (let at = first; at < end; at += inner) {
      const shifted = data[at]! - max;
      out[at] = log ? shifted - logTotal : Math.exp(shifted) / total;
    }
  });
  return out;
}

/** Runs `f(first, end)` for each line along dim: the line's elements are at first, first + inner, …
 *  up to end (exclusive), with inner the stride of dim in a contiguous tensor. */
function forEachLine(shape: readonly number[], dim: number, f: (first: number, end: number, inner: number) => void): void {
  const [outer, n, inner] = aroundDim(shape, dim);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) f(o * n * inner + i, (o * n + n) * inner + i, inner);
}

/** Softmax as a reader would first write it, from tensor ops: exp(x) / exp(x).sum(dim). Not PyTorch's
 *  (softmax is the one to use: this one overflows for logits near 89 in float32); it is here to read
 *  beside softmax, as DeZero keeps its softmax_simple. */
export function softmaxSimple(x: Tensor, dim: number): Tensor {
  const e = x.exp();
  return e.div(e.sum(dim, true));
}

/** F.softmax(x, dim): exp(x - max) / sum along dim. */
export function softmax(x: Tensor, dim: number, options?: { dtype?: DTypeLike }): Tensor {
  A.checkArg("softmax", "dim", dim, A.integer);
  A.checkOptions("softmax", options, { dtype: A.dtype });
  if (options?.dtype !== undefined) x = x.to(toDType(options.dtype));
  const out = new Tensor(alongDim(x, dim, false), x.shape, x.dtype);
  const d = normalizeDim(dim, x.shape.length);
  return record(out, "SoftmaxBackward0", [x], (g) => {
    // dx = y * (g - sum(g * y)); with tensor ops when the backward itself is recorded
    if (isGradEnabled()) return [out.mul(g.sub(g.mul(out).sum(d, true)))];
    const gd = g._data, y = out._data, dx = allocLike(gd, x.numel()), inDType = roundingOf(g.dtype); // the line's sum is kept in the gradient's precision
    forEachLine(x.shape, d, (first, end, inner) => {
      let sum = 0;
      for (let at = first; at < end; at += inner) sum += gd[at]! * y[at]!;
      sum = inDType(sum);
      for (let at = first; at < end; at += inner) dx[at] = y[at]! * (gd[at]! - sum);
    });
    return [new Tensor(dx, x.shape, g.dtype)];
  }, [out]);
}

/** F.log_softmax(x, dim): x - max - log(sum(exp(x - max))) along dim. */
export function logSoftmax(x: Tensor, dim: number, options?: { dtype?: DTypeLike }): Tensor {
  A.checkArg("log_softmax", "dim", dim, A.integer);
  A.checkOptions("log_softmax", options, { dtype: A.dtype });
  if (options?.dtype !== undefined) x = x.to(toDType(options.dtype));
  const out = new Tensor(alongDim(x, dim, true), x.shape, x.dtype);
  const d = normalizeDim(dim, x.shape.length);
  return record(out, "LogSoftmaxBackward0", [x], (g) => {
    // dx = g - softmax(x) * sum(g); with tensor ops when the backward itself is recorded
    if (isGradEnabled()) return [g.sub(out.exp().mul(g.sum(d, true)))];
    const gd = g._data, y = out._data, dx = allocLike(gd, x.numel()), inDType = roundingOf(g.dtype); // the line's sum is kept in the gradient's precision
    forEachLine(x.shape, d, (first, end, inner) => {
      let sum = 0;
      for (let at = first; at < end; at += inner) sum += gd[at]!;
      sum = inDType(sum);
      for (let at = first; at < end; at += inner) dx[at] = gd[at]! - Math.exp(y[at]!) * sum;
    });
    return [new Tensor(dx, x.shape, g.dtype)];
  }, [out]);
}
