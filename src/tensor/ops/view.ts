// Ops that rearrange elements without arithmetic. Storage is always contiguous row-major, so a
// reshape, a select of leading indices, and a slice along dim 0 can share the same memory (views,
// as in PyTorch, sharing the base's version counter too); transpose/permute, expand and inner
// slices copy into a new contiguous array.
import { noGrad, record } from "../autograd.ts";
import { allocLike, castArray, resultType, type DataArray } from "../dtype.ts";
import { broadcastShapes, expandData, forEachIndex, normalizeDim, numelOf, sameShape, shapeString, stridesOf, sumToShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";

/** The shape a reshape asks for, with one -1 filled in. */
export function inferShape(requested: readonly number[], numel: number): number[] {
  const unknown = requested.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error("only one dimension can be inferred");
  for (const d of requested) {
    if (!Number.isInteger(d) || d < -1) throw new Error(`invalid shape dimension ${d}`);
  }
  const known = numelOf(requested.filter((d) => d !== -1));
  const fits = unknown ? known > 0 && numel % known === 0 : known === numel;
  if (!fits) throw new Error(`shape '${shapeString(requested)}' is invalid for input of size ${numel}`);
  return requested.map((d) => (d === -1 ? numel / known : d));
}

/** reshape and view: same memory, new shape. */
export function view(a: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, a.numel());
  const out = new Tensor(a.data, target, a.dtype, a.versionCounter);
  return record(out, "ViewBackward0", [a], (g) => [g.reshape(a.shape)]);
}

export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  if (a.shape.length === 0) return view(a, [1]);
  const s = normalizeDim(startDim, a.shape.length), e = normalizeDim(endDim, a.shape.length);
  if (s > e) throw new Error("flatten() has invalid args: start_dim cannot come after end_dim");
  return view(a, [...a.shape.slice(0, s), numelOf(a.shape.slice(s, e + 1)), ...a.shape.slice(e + 1)]);
}

export function unsqueeze(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.shape.length, true);
  const out = new Tensor(a.data, [...a.shape.slice(0, d), 1, ...a.shape.slice(d)], a.dtype, a.versionCounter);
  return record(out, "UnsqueezeBackward0", [a], (g) => [g.reshape(a.shape)]);
}

export function squeeze(a: Tensor, dim?: number): Tensor {
  let shape: number[];
  if (dim === undefined) shape = a.shape.filter((d) => d !== 1);
  else {
    const d = a.shape.length === 0 ? 0 : normalizeDim(dim, a.shape.length);
    shape = a.shape[d] === 1 ? a.shape.filter((_, i) => i !== d) : [...a.shape];
  }
  const out = new Tensor(a.data, shape, a.dtype, a.versionCounter);
  return record(out, dim === undefined ? "SqueezeBackward0" : "SqueezeBackward1", [a], (g) => [g.reshape(a.shape)]);
}

/** Copies `a` with its dims reordered: out dim i is input dim order[i]. */
function permuteData<A extends DataArray>(data: A, shape: readonly number[], order: readonly number[]): A {
  const out = allocLike(data, data.length);
  const inStrides = stridesOf(shape);
  const outShape = order.map((d) => shape[d]!);
  const strides = order.map((d) => inStrides[d]!);
  // walk the output in order and read the input through permuted strides
  forEachIndex(outShape, strides, (o, offset) => (out[o] = data[offset]!));
  return out;
}

export function permute(a: Tensor, dims: readonly number[], name = "PermuteBackward0"): Tensor {
  const rank = a.shape.length;
  const order = dims.map((d) => normalizeDim(d, rank));
  if (order.length !== rank || new Set(order).size !== rank) {
    throw new Error(`permute: expected a reordering of all ${rank} dims, got [${dims.join(", ")}]`);
  }
  const out = new Tensor(permuteData(a.data, a.shape, order), order.map((d) => a.shape[d]!), a.dtype);
  const inverse = new Array<number>(rank);
  order.forEach((d, i) => (inverse[d] = i));
  return record(out, name, [a], (g) => [new Tensor(permuteData(g.data, g.shape, inverse), a.shape, g.dtype)]);
}

export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  const rank = a.shape.length;
  if (rank === 0) return view(a, []);
  const order = a.shape.map((_, i) => i);
  const d0 = normalizeDim(dim0, rank), d1 = normalizeDim(dim1, rank);
  [order[d0], order[d1]] = [order[d1]!, order[d0]!];
  return permute(a, order, "TransposeBackward0");
}

/** t.get(i, j, ...) is PyTorch's t[i][j]: select along the leading dims, sharing memory. */
export function select(a: Tensor, indices: readonly number[]): Tensor {
  if (indices.length > a.shape.length) {
    throw new Error(`too many indices for tensor of dimension ${a.shape.length}`);
  }
  let offset = 0;
  const strides = stridesOf(a.shape);
  indices.forEach((index, d) => {
    const size = a.shape[d]!;
    if (!Number.isInteger(index) || index < -size || index >= size) {
      throw new Error(`index ${index} is out of bounds for dimension ${d} with size ${size}`);
    }
    offset += (index < 0 ? index + size : index) * strides[d]!;
  });
  const shape = a.shape.slice(indices.length);
  const out = new Tensor(a.data.subarray(offset, offset + numelOf(shape)), shape, a.dtype, a.versionCounter);
  return record(out, "SelectBackward0", [a], (g) => {
    const grad = allocLike(g.data, a.numel());
    grad.set(g.data, offset);
    return [new Tensor(grad, a.shape, g.dtype)];
  });
}

/** One dimension's `start:end:step`; `null` or a missing bound is Python's empty bound (`[null, 2]` is `:2`). */
type Bound = number | null | undefined;
export type Range = readonly [Bound?, Bound?] | readonly [Bound?, Bound?, Bound?] | null | undefined;

/** Python's slice bounds: negative counts from the end, out-of-range clamps. */
function resolveRange(range: Range, size: number): [number, number, number] {
  const start = range?.[0] ?? 0, end = range?.[1] ?? size, step = range?.[2] ?? 1;
  if (![start, end, step].every(Number.isInteger)) {
    throw new Error(`slice indices must be integers or null, got [${[range?.[0], range?.[1], range?.[2]].map(String).join(", ")}]`);
  }
  if (step <= 0) throw new Error("slice step must be positive");
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clamp(start), e = Math.max(clamp(end), clamp(start));
  return [s, e, step];
}

/** t.slice([a, b], [c, d]) is t[a:b, c:d]. */
export function slice(a: Tensor, ranges: readonly Range[]): Tensor {
  if (ranges.length > a.shape.length) throw new Error(`too many indices for tensor of dimension ${a.shape.length}`);
  const bounds = a.shape.map((size, d) => resolveRange(ranges[d], size));
  const shape = bounds.map(([s, e, step]) => Math.ceil((e - s) / step));
  const innerUntouched = bounds.every(([s, e, step], d) => d === 0 || (s === 0 && e === a.shape[d] && step === 1));
  const strides = stridesOf(a.shape);
  let out: Tensor;
  if (a.shape.length === 0 || (innerUntouched && bounds[0]![2] === 1)) {
    // only dim 0 is cut: a contiguous run of the same memory, a view
    const start = a.shape.length === 0 ? 0 : bounds[0]![0] * strides[0]!;
    out = new Tensor(a.data.subarray(start, start + numelOf(shape)), shape, a.dtype, a.versionCounter);
  } else {
    const data = allocLike(a.data, numelOf(shape));
    forEachSliced(shape, bounds, strides, (o, i) => (data[o] = a.data[i]!));
    out = new Tensor(data, shape, a.dtype);
  }
  return record(out, "SliceBackward0", [a], (g) => {
    const grad = allocLike(g.data, a.numel());
    forEachSliced(shape, bounds, strides, (o, i) => (grad[i] = g.data[o]!));
    return [new Tensor(grad, a.shape, g.dtype)];
  });
}

/** Visits each element of a slice: its index o in the slice's shape and i in the source, where
 *  dim d of the slice runs from bounds[d][0] in steps of bounds[d][2] over a source of `strides`. */
function forEachSliced(shape: number[], bounds: [number, number, number][], strides: number[], visit: (o: number, i: number) => void): void {
  const first = bounds.reduce((at, [start], d) => at + start * strides[d]!, 0);
  forEachIndex(shape, strides.map((s, d) => s * bounds[d]![2]), (o, offset) => visit(o, first + offset));
}

/** The shape `expand(...sizes)` asks for, with PyTorch's rules: -1 keeps a size, a size of 1 can
 *  grow, new dims go in front (and cannot be -1). */
function expandedShape(a: Tensor, sizes: readonly number[]): number[] {
  const rank = a.shape.length, lead = sizes.length - rank;
  if (lead < 0) {
    throw new Error(`expand(${a.dtype.legacyName}{${shapeString(a.shape)}}, size=${shapeString(sizes)}): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${rank})`);
  }
  return sizes.map((d, i) => {
    if (!Number.isInteger(d) || d < -1) throw new Error(`expand: sizes must be integers >= 0 (or -1 to keep a size), got ${shapeString(sizes)}`);
    if (i < lead) {
      if (d === -1) throw new Error(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      return d;
    }
    const own = a.shape[i - lead]!;
    if (d === -1 || d === own) return own;
    if (own !== 1) {
      throw new Error(`The expanded size of the tensor (${d}) must match the existing size (${own}) at non-singleton dimension ${i}.  Target sizes: ${shapeString(sizes)}.  Tensor sizes: ${shapeString(a.shape)}`);
    }
    return d;
  });
}

export function expand(a: Tensor, sizes: readonly number[]): Tensor {
  const target = expandedShape(a, sizes);
  const out = new Tensor(expandData(a.data, a.shape, target), target, a.dtype);
  return record(out, "ExpandBackward0", [a], (g) => [new Tensor(sumToShape(g.data, target, a.shape), a.shape, g.dtype)]);
}

/** `a`'s values broadcast to exactly `shape` (no graph), for in-place ops that write into a tensor of that shape. */
export function broadcastTo(a: Tensor, shape: readonly number[], op: string): Tensor {
  let fits: boolean;
  try {
    fits = sameShape(broadcastShapes(a.shape, shape), shape);
  } catch {
    fits = false;
  }
  if (!fits) throw new Error(`${op}: a source of shape ${shapeString(a.shape)} cannot be broadcast to the shape ${shapeString(shape)}`);
  return new Tensor(expandData(a.data, a.shape, shape), shape, a.dtype);
}

/** torch.cat: joins tensors of the same shape but for `dim` end to end along `dim`. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("torch.cat(): expected a non-empty list of Tensors");
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.shape.length === 0) throw new Error(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  const d = normalizeDim(dim, first.shape.length);
  for (const [i, t] of tensors.entries()) {
    const ok = t.shape.length === first.shape.length && t.shape.every((s, j) => j === d || s === first.shape[j]);
    if (!ok) {
      throw new Error(`Sizes of tensors must match except in dimension ${d}. Expected ${shapeString(first.shape)} but got ${shapeString(t.shape)} for tensor number ${i} in the list.`);
    }
  }
  const outer = numelOf(first.shape.slice(0, d));
  const inner = numelOf(first.shape.slice(d + 1));
  const sizes = tensors.map((t) => t.shape[d]!);
  const total = sizes.reduce((x, y) => x + y, 0);
  const shape = first.shape.map((s, j) => (j === d ? total : s));
  // the tensors' dtypes promote to one, as for an elementwise op
  const dtype = resultType(tensors.map((t) => ({ dtype: t.dtype, kind: "tensor" as const })));
  const data = new dtype.ArrayType(numelOf(shape));
  let at = 0;
  tensors.forEach((t, k) => {
    const chunk = sizes[k]! * inner;
    const values = t.dtype === dtype ? t.data : castArray(t.data, dtype);
    for (let o = 0; o < outer; o++) data.set(values.subarray(o * chunk, (o + 1) * chunk), o * total * inner + at * inner);
    at += sizes[k]!;
  });
  const out = new Tensor(data, shape, dtype);
  return record(out, "CatBackward0", tensors, (g) => {
    let start = 0;
    return tensors.map((t, k) => {
      const piece = g.slice(...shape.map((_, j): Range => (j === d ? [start, start + sizes[k]!] : null)));
      start += sizes[k]!;
      return piece.clone();
    });
  });
}

/** torch.stack: joins tensors of one shape along a new dimension `dim`. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("stack expects a non-empty TensorList");
  const first = tensors[0]!;
  for (const [i, t] of tensors.entries()) {
    if (!sameShape(t.shape, first.shape)) {
      throw new Error(`stack expects each tensor to be equal size, but got ${shapeString(first.shape)} at entry 0 and ${shapeString(t.shape)} at entry ${i}`);
    }
  }
  const d = normalizeDim(dim, first.shape.length, true);
  const out = noGrad(() => cat(tensors.map((t) => t.unsqueeze(d)), d));
  return record(out, "StackBackward0", tensors, (g) =>
    tensors.map((t, k) => g.slice(...out.shape.map((_, j): Range => (j === d ? [k, k + 1] : null))).reshape(t.shape)));
}
