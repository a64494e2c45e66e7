// Ops that cut, join, reorder or pick elements: chunk, split, unbind, flip, roll, repeat, tile,
// gather, indexSelect, maskedSelect, scatter, sort, topk, ... Those that are views of the input
// (chunk, split, unbind) are slices; the others copy, each with its gradient beside it.
import { noGrad, record } from "../autograd.ts";
import { bool, int64, normalizeInPlace } from "../dtype.ts";
import { random } from "../../random.ts";
import { normalizeDim, numelOf, shapeString, stridesOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { type ValuesIndices, valuesIndices } from "./reduce.ts";
import { cat, type Range } from "./view.ts";

/** Slices of `a` along `dim` with the given sizes (views). */
function pieces(a: Tensor, dim: number, sizes: readonly number[]): Tensor[] {
  const d = normalizeDim(dim, a.dim());
  let at = 0;
  return sizes.map((n) => {
    const piece = a.slice(...a.shape.map((_, j): Range => (j === d ? [at, at + n] : null)));
    at += n;
    return piece;
  });
}

/** torch.chunk: `chunks` views along dim, each ceil(size / chunks) long (the last may be shorter). */
export function chunk(a: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const size = a.shape[normalizeDim(dim, a.dim())]!;
  const step = Math.ceil(size / chunks);
  const sizes: number[] = [];
  for (let at = 0; at < size || (size === 0 && sizes.length === 0); at += step || 1) sizes.push(Math.min(step, size - at));
  return pieces(a, dim, sizes);
}

/** torch.split: views of `size` along dim (the last may be shorter), or of each given size. */
export function split(a: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  const size = a.shape[normalizeDim(dim, a.dim())]!;
  if (typeof sizeOrSizes === "number") {
    if (!Number.isInteger(sizeOrSizes) || sizeOrSizes <= 0) throw new Error(`split expects split_size be non-negative, but got split_size=${sizeOrSizes}`);
    const sizes: number[] = [];
    for (let at = 0; at < size; at += sizeOrSizes) sizes.push(Math.min(sizeOrSizes, size - at));
    return pieces(a, dim, sizes.length ? sizes : [0]);
  }
  const total = sizeOrSizes.reduce((x, y) => x + y, 0);
  if (total !== size) throw new Error(`split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${dim}), but got split_sizes=${shapeString(sizeOrSizes)}`);
  return pieces(a, dim, sizeOrSizes);
}

/** torch.unbind: the slices along dim, without it (views). */
export function unbind(a: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, a.dim());
  return Array.from({ length: a.shape[d]! }, (_, i) => a.select(d, i));
}

/** Copies `a` reading element (i0, i1, ...) from `source(index)`, a flat position in `a`: the
 *  forward of flip and roll, whose backward is the inverse map. */
function remap(a: Tensor, name: string, source: (index: number[]) => number[]): Tensor {
  const shape = [...a.shape], strides = stridesOf(shape), x = a._data, n = a.numel();
  const from = new Int32Array(n);
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let rest = k;
    for (let d = 0; d < shape.length; d++) (index[d] = Math.floor(rest / strides[d]!)), (rest %= strides[d]!);
    from[k] = source(index).reduce((at, v, d) => at + v * strides[d]!, 0);
  }
  const out = a.dtype.zeros(n);
  for (let k = 0; k < n; k++) out[k] = x[from[k]!]!;
  return record(new Tensor(out, a.shape, a.dtype), name, [a], (g) => {
    const gk = g._data, grad = g.dtype.zeros(n);
    for (let k = 0; k < n; k++) grad[from[k]!] = gk[k]!;
    return [new Tensor(grad, a.shape, g.dtype)];
  });
}

/** torch.flip: the order of elements reversed along each of `dims`. */
export function flip(a: Tensor, dims: readonly number[]): Tensor {
  const ds = dims.map((d) => normalizeDim(d, a.dim()));
  return remap(a, "FlipBackward0", (index) => index.map((v, d) => (ds.includes(d) ? a.shape[d]! - 1 - v : v)));
}

/** torch.roll: elements shifted along dims, wrapping around (without dims: of the flattened tensor). */
export function roll(a: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  if (dims === undefined) return roll(a.flatten(), shifts, 0).view(a.shape);
  const s = typeof shifts === "number" ? [shifts] : shifts, ds = (typeof dims === "number" ? [dims] : dims).map((d) => normalizeDim(d, a.dim()));
  if (s.length !== ds.length) throw new Error(`shifts and dimensions must align. shifts: ${s.length}, dims:${ds.length}`);
  return remap(a, "RollBackward0", (index) => index.map((v, d) => {
    const k = ds.indexOf(d), size = a.shape[d]!;
    return k < 0 ? v : (((v - s[k]!) % size) + size) % size;
  }));
}

/** tensor.repeat(...sizes): the tensor tiled `sizes[i]` times along each dim (new dims in front). */
export function repeat(a: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < a.dim()) throw new Error("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  let x = a.reshape([...new Array<number>(sizes.length - a.dim()).fill(1), ...a.shape]);
  sizes.forEach((r, d) => {
    if (!Number.isInteger(r) || r < 0) throw new Error(`Trying to create tensor with negative dimension ${r}: ${shapeString(sizes)}`);
    if (r !== 1) x = cat(new Array<Tensor>(r).fill(x), d);
  });
  return x === a ? a.clone() : x;
}

/** torch.tile: repeat, with missing leading sizes taken as 1. */
export function tile(a: Tensor, sizes: readonly number[]): Tensor {
  return repeat(a, sizes.length < a.dim() ? [...new Array<number>(a.dim() - sizes.length).fill(1), ...sizes] : sizes);
}

/** Checks an index tensor: int64 (uint8/int32 tolerated as PyTorch's index_select does not). */
function checkIndex(index: Tensor, op: string): void {
  if (!(index instanceof Tensor) || index.dtype !== int64) {
    throw new Error(`${op}(): Expected dtype int64 for index${index instanceof Tensor ? `, got ${index.dtype}` : ""}`);
  }
}

/** torch.gather(input, dim, index): out[i][j] = input[index[i][j]][j] for dim 0 (and so on); the
 *  gradient is added back where each element was read from. */
export function gather(a: Tensor, dim: number, index: Tensor, name = "GatherBackward0"): Tensor {
  checkIndex(index, "gather");
  const d = normalizeDim(dim, a.dim());
  if (index.dim() !== a.dim()) throw new Error("Index tensor must have the same number of dimensions as input tensor");
  const idx = index._data, x = a._data, inStrides = stridesOf(a.shape), outStrides = stridesOf(index.shape), n = index.numel();
  const from = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let rest = k, at = 0;
    for (let j = 0; j < index.dim(); j++) {
      const v = Math.floor(rest / outStrides[j]!);
      rest %= outStrides[j]!;
      if (j !== d && v >= a.shape[j]!) throw new Error(`Size does not match at dimension ${j} expected index ${shapeString(index.shape)} to be smaller than self ${shapeString(a.shape)} apart from dimension ${d}`);
      const i = j === d ? idx[k]! : v;
      if (j === d && !(i >= 0 && i < a.shape[d]!)) throw new Error(`index ${i} is out of bounds for dimension ${d} with size ${a.shape[d]}`);
      at += i * inStrides[j]!;
    }
    from[k] = at;
  }
  const out = a.dtype.zeros(n);
  for (let k = 0; k < n; k++) out[k] = x[from[k]!]!;
  return record(new Tensor(out, index.shape, a.dtype), name, [a], (g) => {
    const gk = g._data, grad = g.dtype.zeros(a.numel());
    for (let k = 0; k < n; k++) grad[from[k]!] = grad[from[k]!]! + gk[k]!;
    return [new Tensor(grad, a.shape, g.dtype)];
  }, [index]);
}

/** torch.index_select(input, dim, index): the slices at 1-D `index` along dim, copied. */
export function indexSelect(a: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(index, "index_select");
  if (index.dim() > 1) throw new Error("index_select(): Index is supposed to be a vector");
  const d = normalizeDim(dim, a.dim());
  const wide = index.reshape([...a.shape.map((_, j) => (j === d ? index.numel() : 1))]).expand(a.shape.map((s, j) => (j === d ? index.numel() : s)));
  return gather(a, d, noGrad(() => wide.contiguous()), "IndexSelectBackward0");
}

/** torch.masked_select: the elements where the bool mask (broadcast) is true, as a 1-D tensor. */
export function maskedSelect(a: Tensor, mask: Tensor): Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== bool) throw new Error(`masked_select: expected BoolTensor for mask`);
  const m = mask.expand(a.shape)._data, x = a._data;
  const picked: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i]) picked.push(i);
  const out = a.dtype.zeros(picked.length);
  picked.forEach((at, k) => (out[k] = x[at]!));
  return record(new Tensor(out, [picked.length], a.dtype), "MaskedSelectBackward0", [a], (g) => {
    const gk = g._data, grad = g.dtype.zeros(a.numel());
    picked.forEach((at, k) => (grad[at] = gk[k]!));
    return [new Tensor(grad, a.shape, g.dtype)];
  }, [mask]);
}

/** torch.scatter / scatter_add (out of place): a copy of `a` with src[i][j] written (or added) at
 *  [index[i][j]][j] for dim 0, and so on. */
export function scatter(a: Tensor, dim: number, index: Tensor, src: Tensor | number, add = false): Tensor {
  checkIndex(index, add ? "scatter_add" : "scatter");
  const d = normalizeDim(dim, a.dim());
  const idx = index._data, out = a._data.slice(), outStrides = stridesOf(a.shape), ixStrides = stridesOf(index.shape), n = index.numel();
  const s = src instanceof Tensor ? src._data : null, srcStrides = src instanceof Tensor ? stridesOf(src.shape) : null;
  const to = new Int32Array(n), from = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let rest = k, at = 0, sat = 0;
    for (let j = 0; j < index.dim(); j++) {
      const v = Math.floor(rest / ixStrides[j]!);
      rest %= ixStrides[j]!;
      const i = j === d ? idx[k]! : v;
      if (!(i >= 0 && i < a.shape[j]!)) throw new Error(`index ${i} is out of bounds for dimension ${j} with size ${a.shape[j]}`);
      at += i * outStrides[j]!;
      if (srcStrides) sat += v * srcStrides[j]!;
    }
    to[k] = at;
    from[k] = sat;
  }
  for (let k = 0; k < n; k++) {
    const value = s ? s[from[k]!]! : (src as number);
    out[to[k]!] = add ? out[to[k]!]! + value : value;
  }
  normalizeInPlace(out, a.dtype); // bool holds 0 or 1; int64 stays exact
  const inputs = src instanceof Tensor ? [a, src] : [a];
  return record(new Tensor(out, a.shape, a.dtype), add ? "ScatterAddBackward0" : "ScatterBackward0", inputs, (g) => {
    const gk = g._data;
    let ga: Tensor | null = g;
    if (!add) {
      const masked = gk.slice();
      for (let k = 0; k < n; k++) masked[to[k]!] = 0;
      ga = new Tensor(masked, a.shape, g.dtype);
    }
    if (!(src instanceof Tensor)) return [ga];
    const gs = g.dtype.zeros(src.numel());
    for (let k = 0; k < n; k++) gs[from[k]!] = gk[to[k]!]!;
    return [ga, new Tensor(gs, src.shape, g.dtype)];
  }, [index]);
}

/** torch.sort(dim = -1, descending = false): [values, indices] (stable, NaN last as PyTorch). */
export function sort(a: Tensor, dim = -1, descending = false): ValuesIndices {
  return ordered(a, dim, descending, a.dim() === 0 ? 1 : a.shape[normalizeDim(dim, a.dim())]!, "SortBackward0");
}

/** torch.topk(k, dim = -1, largest = true): the k largest (or smallest) along dim, sorted. */
export function topk(a: Tensor, k: number, dim = -1, largest = true): ValuesIndices {
  const size = a.dim() === 0 ? 1 : a.shape[normalizeDim(dim, a.dim())]!;
  if (!Number.isInteger(k) || k < 0 || k > size) throw new Error(`selected index k out of range`);
  return ordered(a, dim, largest, k, "TopkBackward0");
}

function ordered(a: Tensor, dim: number, descending: boolean, keep: number, name: string): ValuesIndices {
  if (a.dtype === bool && name === "TopkBackward0") throw new Error(`"topk_cpu" not implemented for 'Bool'`);
  const d = a.dim() === 0 ? 0 : normalizeDim(dim, a.dim());
  const shape = a.dim() === 0 ? [] : a.shape.map((s, j) => (j === d ? keep : s));
  const n = a.dim() === 0 ? 1 : a.shape[d]!;
  const inner = a.dim() === 0 ? 1 : numelOf(a.shape.slice(d + 1)), outer = a.numel() / (n * inner) || 0;
  const x = a._data;
  const values = a.dtype.zeros(outer * keep * inner), indices = new Float64Array(outer * keep * inner);
  // NaN sorts as the largest value, as in PyTorch
  const key = (v: number) => (v !== v ? Infinity : v);
  const order = Array.from({ length: n }, (_, j) => j);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const at = (j: number) => (o * n + j) * inner + i;
    const sorted = [...order].sort((p, q) => {
      const u = x[at(p)]!, v = x[at(q)]!;
      const c = u !== u && v !== v ? 0 : u !== u ? 1 : v !== v ? -1 : key(u) - key(v);
      return (descending ? -c : c) || p - q;
    });
    for (let j = 0; j < keep; j++) {
      values[(o * keep + j) * inner + i] = x[at(sorted[j]!)]!;
      indices[(o * keep + j) * inner + i] = sorted[j]!;
    }
  }
  const indexT = new Tensor(indices, shape, int64);
  const valuesT = record(new Tensor(values, shape, a.dtype), name, [a], (g) => {
    const gk = g._data, grad = g.dtype.zeros(a.numel());
    for (let o = 0; o < outer; o++) for (let j = 0; j < keep; j++) for (let i = 0; i < inner; i++) {
      const k = (o * keep + j) * inner + i;
      grad[(o * n + indices[k]!) * inner + i] = gk[k]!;
    }
    return [new Tensor(grad, a.shape, g.dtype)];
  }, [indexT]);
  return valuesIndices(valuesT, indexT);
}

/** torch.argsort: the indices that sort along dim. */
export function argsort(a: Tensor, dim = -1, descending = false): Tensor {
  return sort(a, dim, descending).indices;
}


/** torch.repeat_interleave(x, repeats, dim?): each element (or slice along dim) repeated `repeats`
 *  times (a number, or one count per slice); without dim, of the flattened tensor. */
export function repeatInterleave(a: Tensor, repeats: number | readonly number[], dim?: number): Tensor {
  const x = dim === undefined ? a.reshape(-1) : a;
  const d = dim === undefined ? 0 : normalizeDim(dim, a.dim());
  const size = x.shape[d]!;
  const counts = typeof repeats === "number" ? new Array<number>(size).fill(repeats) : [...repeats];
  if (counts.length !== size) throw new Error(`repeats must have the same size as input along dim, but got repeats.size(0) = ${counts.length} and input.size(${d}) = ${size}`);
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) throw new Error("repeats can not be negative");
  const index: number[] = [];
  counts.forEach((c, i) => { for (let k = 0; k < c; k++) index.push(i); });
  return indexSelect(x, d, new Tensor(Float64Array.from(index), [index.length], int64));
}

/** torch.cumprod(x, dim): running products along dim; the gradient of each input is the sum over
 *  later outputs of their gradient times the product of the other factors (no division, so zeros work). */
export function cumprod(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.dim());
  const dtype = a.dtype.isFloatingPoint ? a.dtype : int64;
  const n = a.shape[d] ?? 1, inner = numelOf(a.shape.slice(d + 1)), outer = a.numel() / (n * inner) || 0;
  const x = a._data, values = dtype.zeros(a.numel());
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let p = 1;
    for (let j = 0; j < n; j++) values[(o * n + j) * inner + i] = p *= x[(o * n + j) * inner + i]!;
  }
  normalizeInPlace(values, dtype);
  return record(new Tensor(values, a.shape, dtype), "CumprodBackward0", [a], (g) => {
    const gk = g._data, grad = g.dtype.zeros(a.numel());
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const at = (j: number) => (o * n + j) * inner + i;
      for (let j = 0; j < n; j++) {
        let total = 0;
        for (let k = j; k < n; k++) {
          let p = 1;
          for (let m = 0; m <= k; m++) if (m !== j) p *= x[at(m)]!;
          total += gk[at(k)]! * p;
        }
        grad[at(j)] = total;
      }
    }
    return [new Tensor(grad, a.shape, g.dtype)];
  });
}

/** torch.einsum(equation, ...operands): each operand's subscripts lined up over all the letters,
 *  the operands multiplied, the letters missing from the output summed away. Built from view ops,
 *  mul and sum, so its gradient comes with it. "ij,jk->ik", "bij,bjk->bik", "i,i->", "ii->i",
 *  "ij->ji" and the like; without "->" the output is the letters used once, in alphabetical order. */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  let [lhs, given] = equation.replace(/\s/g, "").split("->") as [string, string | undefined];
  let inputs = lhs.split(",");
  if (inputs.length !== operands.length) throw new Error(`einsum(): more operands were provided than specified in the equation`);
  if (/[^a-zA-Z,.]/.test(lhs) || (given !== undefined && /[^a-zA-Z.]/.test(given))) throw new Error(`einsum(): subscripts must be letters or one "...", got "${equation}"`);
  if (lhs.includes(".") || given?.includes(".")) [inputs, given] = expandEllipsis(inputs, given, operands);
  const letters = [...new Set(inputs.join(""))];
  const count = (c: string) => inputs.join("").split(c).length - 1;
  const output = given ?? letters.filter((c) => count(c) === 1).sort().join("");
  const sizes = new Map<string, number>();
  const aligned = operands.map((t, k) => {
    const subs = inputs[k]!;
    if (subs.length !== t.dim()) throw new Error(`einsum(): the number of subscripts in the equation (${subs.length}) does not match the number of dimensions (${t.dim()}) for operand ${k}`);
    let x = t;
    // a repeated letter within one operand takes its diagonal (moved last, as diagonal() puts it)
    let own = subs;
    while (new Set(own).size !== own.length) {
      const c = [...own].find((ch, i) => own.indexOf(ch) !== i)!;
      const i = own.indexOf(c), j = own.indexOf(c, i + 1);
      x = x.diagonal(0, i, j);
      own = own.slice(0, i) + own.slice(i + 1, j) + own.slice(j + 1) + c;
    }
    [...own].forEach((c, i) => {
      const s = x.shape[i]!;
      if (sizes.has(c) && sizes.get(c) !== s && s !== 1 && sizes.get(c) !== 1) throw new Error(`einsum(): operands do not broadcast with remapped shapes (subscript ${c}: ${sizes.get(c)} and ${s})`);
      if (!sizes.has(c) || sizes.get(c) === 1) sizes.set(c, s);
    });
    // every letter in one fixed order, missing ones as dims of size 1
    const order = letters.filter((c) => own.includes(c)).map((c) => own.indexOf(c));
    x = x.permute(order);
    const present = letters.filter((c) => own.includes(c));
    return x.reshape(letters.map((c) => (present.includes(c) ? x.shape[present.indexOf(c)]! : 1)));
  });
  let product = aligned[0]!;
  for (const t of aligned.slice(1)) product = product.mul(t);
  const summed = letters.map((c, i) => (output.includes(c) ? -1 : i)).filter((i) => i >= 0);
  let out = summed.length ? product.sum(summed) : product;
  const kept = letters.filter((c) => output.includes(c));
  out = out.expand(kept.map((c) => sizes.get(c)!)); // a letter size 1 in every operand stays 1
  return kept.length ? out.permute([...output].map((c) => kept.indexOf(c))) : out;
}

/** Stand-ins for the dims an ellipsis covers: characters no equation can hold (Greek capitals). */
const ELLIPSIS_DIMS = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ";

/** einsum's "...": in each operand, the dims its letters leave, right-aligned across the operands
 *  (they broadcast); written out as stand-in subscripts. Without "->", the output is the ellipsis
 *  dims followed by the letters used once, in alphabetical order, as PyTorch's. */
function expandEllipsis(inputs: readonly string[], given: string | undefined, operands: readonly Tensor[]): [string[], string] {
  const rank = (subs: string, k: number) => {
    const dots = subs.split("...").length - 1;
    if (dots > 1 || (dots === 0 && subs.includes("."))) throw new Error(`einsum(): found '.' for operand ${k} that is not part of any ellipsis`);
    return dots ? operands[k]!.dim() - subs.replace("...", "").length : 0;
  };
  const ranks = inputs.map(rank);
  if (ranks.some((r) => r < 0)) throw new Error("einsum(): the number of subscripts in the equation is more than the number of dimensions of an operand");
  const widest = Math.max(...ranks);
  const dims = ELLIPSIS_DIMS.slice(0, widest);
  const expanded = inputs.map((subs, k) => subs.replace("...", dims.slice(widest - ranks[k]!)));
  if (given !== undefined) {
    if (given.split("...").length - 1 > 1 || given.replace("...", "").includes(".")) throw new Error("einsum(): found '.' for output that is not part of any ellipsis");
    return [expanded, given.replace("...", dims)];
  }
  const letters = inputs.join("").replace(/\./g, "");
  const once = [...new Set(letters)].filter((c) => letters.split(c).length === 2).sort().join("");
  return [expanded, dims + once];
}

/** torch.multinomial(probs, numSamples, replacement = false): indices drawn with the given weights
 *  (each row of a 2-D input separately), int64. */
export function multinomial(probs: Tensor, numSamples: number, replacement = false): Tensor {
  if (probs.dim() !== 1 && probs.dim() !== 2) throw new Error("prob_dist must be 1 or 2 dim");
  const rows = probs.dim() === 1 ? 1 : probs.shape[0]!, n = probs.shape.at(-1)!;
  if (!replacement && numSamples > n) throw new Error("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  const p = probs._data, out = new Float64Array(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    const w = Array.from(p.subarray(r * n, (r + 1) * n));
    if (w.some((v) => !(v >= 0) || !Number.isFinite(v))) throw new Error("probability tensor contains either `inf`, `nan` or element < 0");
    for (let s = 0; s < numSamples; s++) {
      const total = w.reduce((a, b) => a + b, 0);
      if (!(total > 0)) throw new Error("invalid multinomial distribution (sum of probabilities <= 0)");
      let u = random() * total, k = 0;
      while (k < n - 1 && (u -= w[k]!) >= 0) k++;
      while (w[k] === 0 && k > 0) k--; // never a zero-weight index at the edge
      out[r * numSamples + s] = k;
      if (!replacement) w[k] = 0;
    }
  }
  return new Tensor(out, probs.dim() === 1 ? [numSamples] : [rows, numSamples], int64);
}

/** PyTorch's `t[mask]` and `t[index]`: a bool mask over the leading dims picks those elements (or
 *  rows), as a tensor [count, ...rest]; an int64 index tensor picks rows along dim 0 (negative
 *  counting from the end), as a tensor [...index.shape, ...rest]. */
export function index(a: Tensor, which: Tensor): Tensor {
  if (!(which instanceof Tensor)) throw new Error(`index: expected a bool mask or an int64 index tensor, got ${typeof which}`);
  if (which.dtype === bool) {
    const k = which.dim();
    if (k > a.dim() || which.shape.some((s, i) => s !== a.shape[i])) {
      throw new Error(`The shape of the mask [${which.shape.join(", ")}] at index 0 does not match the shape of the indexed tensor [${a.shape.join(", ")}]`);
    }
    const rest = a.shape.slice(k);
    const picked: number[] = [];
    which._data.forEach((m, i) => void (m && picked.push(i)));
    return indexSelect(a.reshape(-1, ...rest), 0, new Tensor(Float64Array.from(picked), [picked.length], int64)).reshape([picked.length, ...rest]);
  }
  if (which.dtype !== int64) throw new Error(`tensors used as indices must be long, int, byte or bool tensors, got ${which.dtype}`);
  const size = a.shape[0]!;
  const flat = Float64Array.from(which._data, (i) => {
    if (!(i >= -size && i < size)) throw new Error(`index ${i} is out of bounds for dimension 0 with size ${size}`);
    return i < 0 ? i + size : i;
  });
  return indexSelect(a, 0, new Tensor(flat, [flat.length], int64)).reshape([...which.shape, ...a.shape.slice(1)]);
}
