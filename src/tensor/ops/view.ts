// Ops that rearrange elements without arithmetic. Every op PyTorch documents as a view is a view
// here: a new shape, strides and offset over the same storage (so it shares the base's memory and
// version count), made without copying anything. cat and stack copy.
import { gradientSumInProgress, isGradEnabled, noGrad, noteFreshGradient, record, recordView } from "../autograd.ts";
import { castArray, resultType } from "../dtype.ts";
import {
  checkShape, forEachIndex, gatherStrided, normalizeDim, numelOf, sameShape, scatterAddStrided, scatterStrided, shapeString,
} from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { sumTo } from "./elementwise.ts";

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

/** PyTorch's computeStride: strides that read `a`'s elements in row-major order as `shape`, or
 *  null when no strides can (a dimension would span two separate runs of memory). */
function viewStrides(a: Tensor, shape: readonly number[]): number[] | null {
  const oldShape = a.shape, oldStrides = a.stride();
  if (oldShape.length === 0) return shape.map(() => 1);
  const numel = a.numel();
  if (numel === 0 && sameShape(oldShape, shape)) return oldStrides;
  const strides = new Array<number>(shape.length);
  if (numel === 0) {
    for (let d = shape.length - 1; d >= 0; d--) strides[d] = d === shape.length - 1 ? 1 : Math.max(shape[d + 1]!, 1) * strides[d + 1]!;
    return strides;
  }
  let viewD = shape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1, viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD]!;
    // at the end of a run of memory: the view's dims must cover exactly this run
    if (tensorD === 0 || (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        strides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= shape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = oldStrides[tensorD - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? strides : null;
}

/** t.view(shape): always a view; refused when `a`'s strides cannot be read as `shape`. */
export function view(a: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, a.numel());
  const strides = viewStrides(a, target);
  if (!strides) {
    throw new Error("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  }
  return recordView(a._view(target, strides, a.storageOffset()), "ViewBackward0", a, (g) => [g.reshape(a.shape)]);
}

/** t.reshape(shape): a view when the strides allow one (as view), else a row-major copy. */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, a.numel());
  if (viewStrides(a, target)) return view(a, target);
  const out = new Tensor(a._data, target, a.dtype);
  return record(out, "UnsafeViewBackward0", [a], (g) => [g.reshape(a.shape)]);
}

export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  if (a.shape.length === 0) return reshape(a, [1]);
  const s = normalizeDim(startDim, a.shape.length), e = normalizeDim(endDim, a.shape.length);
  if (s > e) throw new Error("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s === e) return a;
  return reshape(a, [...a.shape.slice(0, s), numelOf(a.shape.slice(s, e + 1)), ...a.shape.slice(e + 1)]);
}

/** torch.unflatten: dim `dim` split into `sizes` (one of them may be -1). */
export function unflatten(a: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, a.shape.length);
  if (sizes.length === 0) throw new Error("unflatten: sizes must be non-empty");
  const inner = inferShape(sizes, a.shape[d]!);
  return view(a, [...a.shape.slice(0, d), ...inner, ...a.shape.slice(d + 1)]);
}

export function unsqueeze(a: Tensor, dim: number): Tensor {
  const rank = a.shape.length;
  const d = normalizeDim(dim, rank, true);
  const strides = a.stride();
  const stride = d >= rank ? 1 : a.shape[d]! * strides[d]!;
  const out = a._view([...a.shape.slice(0, d), 1, ...a.shape.slice(d)], [...strides.slice(0, d), stride, ...strides.slice(d)], a.storageOffset());
  return recordView(out, "UnsqueezeBackward0", a, (g) => [g.reshape(a.shape)]);
}

export function squeeze(a: Tensor, dim?: number): Tensor {
  const strides = a.stride();
  let keep: number[];
  if (dim === undefined) keep = a.shape.map((_, i) => i).filter((i) => a.shape[i] !== 1);
  else {
    const d = normalizeDim(dim, a.shape.length);
    keep = a.shape.map((_, i) => i).filter((i) => i !== d || a.shape[i] !== 1);
  }
  const out = a._view(keep.map((i) => a.shape[i]!), keep.map((i) => strides[i]!), a.storageOffset());
  return recordView(out, dim === undefined ? "SqueezeBackward0" : "SqueezeBackward1", a, (g) => [g.reshape(a.shape)]);
}

export function permute(a: Tensor, dims: readonly number[], name = "PermuteBackward0"): Tensor {
  const rank = a.shape.length;
  if (dims.length !== rank) {
    throw new Error(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${rank} is not equal to len(dims) = ${dims.length}`);
  }
  const order = dims.map((d) => normalizeDim(d, rank));
  if (new Set(order).size !== rank) throw new Error("permute(): duplicate dims are not allowed.");
  const strides = a.stride();
  const out = a._view(order.map((d) => a.shape[d]!), order.map((d) => strides[d]!), a.storageOffset());
  const inverse = new Array<number>(rank);
  order.forEach((d, i) => (inverse[d] = i));
  return recordView(out, name, a, (g) => [g.permute(inverse)]);
}

export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  const rank = a.shape.length;
  const d0 = normalizeDim(dim0, rank), d1 = normalizeDim(dim1, rank);
  const order = a.shape.map((_, i) => i);
  if (rank > 0) [order[d0], order[d1]] = [order[d1]!, order[d0]!];
  const strides = a.stride();
  const out = a._view(order.map((d) => a.shape[d]!), order.map((d) => strides[d]!), a.storageOffset());
  return recordView(out, "TransposeBackward0", a, (g) => [g.transpose(d0 < rank ? d0 : 0, d1 < rank ? d1 : 0)]);
}

/** torch.t: a matrix's transpose; a 0-d or 1-d tensor as it is (still a view). */
export function t(a: Tensor): Tensor {
  const rank = a.shape.length;
  if (rank > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${rank}D`);
  const strides = a.stride();
  const out = rank < 2 ? a._view(a.shape, strides, a.storageOffset()) : a._view([a.shape[1]!, a.shape[0]!], [strides[1]!, strides[0]!], a.storageOffset());
  return recordView(out, "TBackward0", a, (g) => [rank < 2 ? g : g.t()]);
}

/** The gradient of a view that picks some of `a`'s elements: zeros of `a`'s shape with `g` written
 *  where the same view of them lands. */
function intoZeros(a: Tensor, g: Tensor, sameView: (zeros: Tensor) => Tensor): Tensor {
  if (isGradEnabled() && g.requiresGrad) {
    const grad = new Tensor(g.dtype.zeros(a.numel()), a.shape, g.dtype);
    sameView(grad).copy_(g); // recorded (CopySlices), for a backward differentiated again
    return grad;
  }
  // the engine may already be summing gradients for `a`: then the window goes straight into that sum
  const sum = gradientSumInProgress();
  if (sum && sum.dtype === g.dtype && sameShape(sum.shape, a.shape)) {
    const region = noGrad(() => sameView(sum));
    scatterAddStrided(sum.storage.array, region.shape, region.stride(), region.storageOffset(), g._data);
    return sum;
  }
  const grad = new Tensor(g.dtype.zeros(a.numel()), a.shape, g.dtype);
  const region = noGrad(() => sameView(grad));
  scatterStrided(grad.storage.array, region.shape, region.stride(), region.storageOffset(), g._data);
  noteFreshGradient(grad); // only the pass holds it: later windows for `a` may be added into it
  return grad;
}

/** t.get(i, j, ...) is PyTorch's t[i][j]: one select along dim 0 per index. */
export function get(a: Tensor, indices: readonly number[]): Tensor {
  if (indices.length > a.shape.length) {
    throw new Error(`too many indices for tensor of dimension ${a.shape.length}`);
  }
  let out = a;
  indices.forEach((index, d) => {
    const size = out.shape[0]!;
    if (!Number.isInteger(index) || index < -size || index >= size) {
      throw new Error(`index ${index} is out of bounds for dimension ${d} with size ${size}`);
    }
    out = select(out, 0, index);
  });
  return out;
}

/** torch.select: the slice at `index` along `dim`, without that dim. */
export function select(a: Tensor, dim: number, index: number): Tensor {
  if (a.shape.length === 0) throw new Error("select() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, a.shape.length);
  const size = a.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new Error(`select(): index ${index} out of range for tensor of size ${shapeString(a.shape)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  const strides = a.stride();
  const out = a._view(a.shape.filter((_, j) => j !== d), strides.filter((_, j) => j !== d), a.storageOffset() + i * strides[d]!);
  return recordView(out, "SelectBackward0", a, (g) => [intoZeros(a, g, (z) => select(z, d, i))]);
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

/** t.slice([a, b], [c, d, step]) is t[a:b, c:d:step]: a view. */
export function slice(a: Tensor, ranges: readonly Range[]): Tensor {
  if (ranges.length > a.shape.length) throw new Error(`too many indices for tensor of dimension ${a.shape.length}`);
  const bounds = a.shape.map((size, d) => resolveRange(ranges[d], size));
  const strides = a.stride();
  const shape = bounds.map(([s, e, step]) => Math.ceil((e - s) / step));
  const offset = bounds.reduce((at, [s], d) => at + s * strides[d]!, a.storageOffset());
  const out = a._view(shape, strides.map((st, d) => st * bounds[d]![2]), offset);
  return recordView(out, "SliceBackward0", a, (g) => [intoZeros(a, g, (z) => slice(z, ranges))]);
}

/** torch.narrow: `length` elements of dim `dim` from `start`. */
export function narrow(a: Tensor, dim: number, start: number, length: number): Tensor {
  if (a.shape.length === 0) throw new Error("narrow() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, a.shape.length);
  const size = a.shape[d]!;
  if (!Number.isInteger(start) || start < -size || start > size) {
    throw new Error(`start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0) throw new Error("narrow(): length must be non-negative.");
  if (s + length > size) throw new Error(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return slice(a, a.shape.map((_, j): Range => (j === d ? [s, s + length] : null)));
}

/** torch.diagonal: the diagonal of each (dim1, dim2) plane, `offset` above the main one, as a last dim. */
export function diagonal(a: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const rank = a.shape.length;
  const d1 = normalizeDim(dim1, rank), d2 = normalizeDim(dim2, rank);
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const strides = a.stride();
  const s1 = a.shape[d1]!, s2 = a.shape[d2]!;
  const size = Math.max(offset >= 0 ? Math.min(s1, s2 - offset) : Math.min(s1 + offset, s2), 0);
  let at = a.storageOffset();
  if (size > 0) at += offset >= 0 ? offset * strides[d2]! : -offset * strides[d1]!;
  const rest = a.shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  const out = a._view([...rest.map((i) => a.shape[i]!), size], [...rest.map((i) => strides[i]!), strides[d1]! + strides[d2]!], at);
  return recordView(out, "DiagonalBackward0", a, (g) => [intoZeros(a, g, (z) => diagonal(z, offset, d1, d2))]);
}

/** torch.as_strided: any layout over `a`'s storage. The gradient sums where the layout reads an
 *  element more than once. */
export function asStrided(a: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  checkShape(size, "as_strided");
  if (stride.length !== size.length) throw new Error(`mismatch in length of strides and shape`);
  if (stride.some((s) => !Number.isInteger(s) || s < 0)) throw new Error("as_strided: Negative strides are not supported at the moment, got strides: " + shapeString(stride));
  const offset = storageOffset ?? a.storageOffset();
  const needed = numelOf(size) === 0 ? 0 : offset + 1 + size.reduce((n, s, d) => n + (s - 1) * stride[d]!, 0);
  const have = a.storage.array.length;
  if (needed > have) {
    throw new Error(`setStorage: sizes ${shapeString(size)}, strides ${shapeString(stride)}, storage offset ${offset}, and itemsize ${a.storage.array.BYTES_PER_ELEMENT} requiring a storage size of ${needed * a.storage.array.BYTES_PER_ELEMENT} are out of bounds for storage of size ${have * a.storage.array.BYTES_PER_ELEMENT}`);
  }
  const out = a._view(size, stride, offset);
  return recordView(out, "AsStridedBackward0", a, (g) => {
    // add g into a space as large as the storage, then read `a`'s elements back out of it
    const space = g.dtype.zeros(have);
    const values = g._data;
    forEachIndex(size, stride, (flat, at) => (space[offset + at] = space[offset + at]! + values[flat]!));
    return [new Tensor(gatherStrided(space, a.shape, a.stride(), a.storageOffset()), a.shape, g.dtype)];
  });
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

/** t.expand(sizes): a view in which each expanded dim has stride 0 (every element read many times). */
export function expand(a: Tensor, sizes: readonly number[]): Tensor {
  const target = expandedShape(a, sizes);
  const strides = a.stride(), lead = target.length - a.shape.length;
  const outStrides = target.map((size, i) => (i < lead || (a.shape[i - lead] === 1 && size !== 1) ? 0 : strides[i - lead]!));
  return recordView(a._view(target, outStrides, a.storageOffset()), "ExpandBackward0", a, (g) => [sumTo(g, a.shape)]);
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
  const data = dtype.zeros(numelOf(shape));
  let at = 0;
  tensors.forEach((t, k) => {
    const chunk = sizes[k]! * inner;
    const values = t.dtype === dtype ? t._data : castArray(t._data, dtype);
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
