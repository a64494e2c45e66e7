// Softmax and log-softmax along a dim, fused with their own backward; and beside them the composite
// softmaxSimple, exp(x) / exp(x).sum(dim) written with tensor ops, which autograd differentiates op
// by op. The two give the same numbers (the tests check one against the other) where exp does not
// overflow: the fused form subtracts each line's max first, so it never does.
import { isGradEnabled, record } from "../autograd.ts";
import { allocLike, checkFloating, type DataArray } from "../dtype.ts";
import { aroundDim, normalizeDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";

/** For each line along dim: out = f(line), with the max subtracted first so exp never overflows. */
function alongDim(x: Tensor, dim: number, log: boolean): DataArray {
  checkFloating(x.dtype, log ? "log_softmax" : "softmax");
  const d = normalizeDim(dim, x.shape.length);
  const [outer, n, inner] = aroundDim(x.shape, d);
  const out = allocLike(x.data, x.numel());
  const data = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      // the line's elements are at first, first + inner, ... (n of them)
      const first = o * n * inner + i, end = first + n * inner;
      let max = -Infinity;
      for (let at = first; at < end; at += inner) max = Math.max(max, data[at]!);
      let total = 0;
      for (let at = first; at < end; at += inner) total += Math.exp(data[at]! - max);
      const logTotal = Math.log(total);
      for (let at = first; at < end; at += inner) {
        const shifted = data[at]! - max;
        out[at] = log ? shifted - logTotal : Math.exp(shifted) / total;
      }
    }
  }
  return out;
}

/** Sum of g*w along dim for each line (w = 1 when omitted). */
function lineSums(g: Tensor, w: DataArray | null, dim: number): [DataArray, (o: number, i: number, j: number) => number, number, number, number] {
  const [outer, n, inner] = aroundDim(g.shape, dim);
  const at = (o: number, i: number, j: number) => (o * n + j) * inner + i;
  const sums = allocLike(g.data, outer * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += g.data[at(o, i, j)]! * (w ? w[at(o, i, j)]! : 1);
      sums[o * inner + i] = s;
    }
  return [sums, at, outer, n, inner];
}

/** Softmax as a reader would first write it, from tensor ops: exp(x) / exp(x).sum(dim). Not PyTorch's
 *  (softmax is the one to use: this one overflows for logits near 89 in float32); it is here to read
 *  beside softmax, as DeZero keeps its softmax_simple. */
export function softmaxSimple(x: Tensor, dim: number): Tensor {
  const e = x.exp();
  return e.div(e.sum(dim, true));
}

/** F.softmax(x, dim): exp(x - max) / sum along dim. */
export function softmax(x: Tensor, dim: number): Tensor {
  const out = new Tensor(alongDim(x, dim, false), x.shape, x.dtype);
  const d = normalizeDim(dim, x.shape.length);
  return record(out, "SoftmaxBackward0", [x], (g) => {
    // dx = y * (g - sum(g * y)); with tensor ops when the backward itself is recorded
    if (isGradEnabled()) return [out.mul(g.sub(g.mul(out).sum(d, true)))];
    const [sums, at, outer, n, inner] = lineSums(g, out.data, d);
    const dx = allocLike(g.data, x.numel());
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++)
        for (let j = 0; j < n; j++) dx[at(o, i, j)] = out.data[at(o, i, j)]! * (g.data[at(o, i, j)]! - sums[o * inner + i]!);
    return [new Tensor(dx, x.shape, g.dtype)];
  }, [out]);
}

/** F.log_softmax(x, dim): x - max - log(sum(exp(x - max))) along dim. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const out = new Tensor(alongDim(x, dim, true), x.shape, x.dtype);
  const d = normalizeDim(dim, x.shape.length);
  return record(out, "LogSoftmaxBackward0", [x], (g) => {
    // dx = g - softmax(x) * sum(g); with tensor ops when the backward itself is recorded
    if (isGradEnabled()) return [g.sub(out.exp().mul(g.sum(d, true)))];
    const [sums, at, outer, n, inner] = lineSums(g, null, d);
    const dx = allocLike(g.data, x.numel());
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++)
        for (let j = 0; j < n; j++) dx[at(o, i, j)] = g.data[at(o, i, j)]! - Math.exp(out.data[at(o, i, j)]!) * sums[o * inner + i]!;
    return [new Tensor(dx, x.shape, g.dtype)];
  }, [out]);
}
