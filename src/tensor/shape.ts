// Shapes, strides and broadcasting: the helpers the ops share for them (Size, checks, row-major
// strides, broadcast shapes, expanding data to a shape and summing it back).
import { allocLike, type DataArray } from "./dtype.ts";

/** A tensor's shape: an array of numbers that prints as PyTorch's `torch.Size([150, 4])`. */
export class Size extends Array<number> {
  static override get [Symbol.species]() {
    return Array; // map/filter/slice give plain arrays, not more Sizes
  }
  static fromDims(dims: readonly number[]): Size {
    const size = new Size();
    for (const d of dims) size.push(d);
    return size;
  }
  override toString(): string {
    return `torch.Size([${this.join(", ")}])`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements: the last dimension moves fastest. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** `f(2, 3)` and `f([2, 3])` alike: the numbers, as one array. */
export function argList(args: readonly (number | readonly number[])[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : [...(args as number[])];
}

/** A shape given as `f(2, 3)` or `f([2, 3])`; every size must be a whole number >= 0. */
export function shapeArgs(args: readonly (number | readonly number[])[], op = "shape"): number[] {
  const dims = argList(args);
  checkShape(dims, op);
  return dims;
}

/** A shape seen as [outer, n, inner] around dim, so work along dim is three plain loops. */
export function aroundDim(shape: readonly number[], dim: number): [number, number, number] {
  return [numelOf(shape.slice(0, dim)), shape[dim] ?? 1, numelOf(shape.slice(dim + 1))];
}

/** Throws unless every size in `shape` is an integer >= 0, naming the op and the shape that came. */
export function checkShape(shape: readonly unknown[], op: string): void {
  if (!Array.isArray(shape)) throw new Error(`${op}: expected a shape (an array of sizes), got ${String(shape)}`);
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: expected a shape of integers >= 0, got [${shape.map(String).join(", ")}]`);
    }
  }
}

/** Turns a possibly negative dim into 0..rank-1, with PyTorch's error when it is out of range. */
export function normalizeDim(dim: number, rank: number, allowEnd = false): number {
  const size = allowEnd ? rank + 1 : Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -size || dim >= size) {
    const lo = -size, hi = size - 1;
    throw new Error(`Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  }
  return dim < 0 ? dim + size : dim;
}

/** The broadcast shape of two shapes (numpy rules: align right, 1 stretches), or an error naming both. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}` +
          ` (shapes ${shapeString(a)} and ${shapeString(b)} cannot be broadcast together)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape` as if it had `target` shape: 0 where it is broadcast. */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = target.length - shape.length;
  return target.map((_, i) => {
    const j = i - offset;
    return j < 0 || shape[j] === 1 ? 0 : own[j]!;
  });
}

/** Copies `src` (of `shape`) broadcast to `target` into a new contiguous array of the same type. */
export function expandData<A extends DataArray>(src: A, shape: readonly number[], target: readonly number[]): A {
  if (sameShape(shape, target)) return src.slice() as A;
  const out = allocLike(src, numelOf(target));
  const strides = broadcastStrides(shape, target);
  forEachIndex(target, strides, (o, s) => {
    out[o] = src[s]!;
  });
  return out;
}

/** Sums `grad` (of broadcast shape `from`) back down to `to`: the adjoint of broadcasting, and every
 *  sum's core. float32 adds up in float64 and rounds once at the end (PyTorch's cascade sum lands
 *  within an ulp of that; adding in float32 one element at a time does not: a million 0.1s would
 *  give 100958); float64 and int64 add with Neumaier's compensation, so the result does not drift
 *  with the number of elements either. */
export function sumToShape<A extends DataArray>(grad: A, from: readonly number[], to: readonly number[]): A {
  if (sameShape(from, to)) return grad;
  const n = numelOf(to);
  const total = new Float64Array(n);
  const out = allocLike(grad, n);
  if (!(grad instanceof Float64Array)) {
    if (n === 1) {
      let acc = 0;
      for (let i = 0; i < grad.length; i++) acc += grad[i]!;
      total[0] = acc;
    } else if (leadingOnly(from, to)) {
      // summing over leading dims (a bias gradient over a batch): whole rows, no index walk
      for (let row = 0; row < grad.length; row += n) for (let j = 0; j < n; j++) total[j] = total[j]! + grad[row + j]!;
    } else forEachIndex(from, broadcastStrides(to, from), (o, s) => (total[s] = total[s]! + grad[o]!));
    out.set(total);
    return out;
  }
  const compensation = new Float64Array(n);
  const add = (s: number, x: number): void => {
    const acc = total[s]!, t = acc + x;
    compensation[s] = compensation[s]! + (Math.abs(acc) >= Math.abs(x) ? acc - t + x : x - t + acc);
    total[s] = t;
  };
  if (n === 1) for (let i = 0; i < grad.length; i++) add(0, grad[i]!);
  else forEachIndex(from, broadcastStrides(to, from), (o, s) => add(s, grad[o]!));
  for (let i = 0; i < n; i++) out[i] = Number.isFinite(total[i]!) ? total[i]! + compensation[i]! : total[i]!; // an infinity leaves NaN in the compensation
  return out;
}

/** Whether reducing `from` to `to` only sums over leading dims (`to` is `from`'s tail, with 1s or nothing in front). */
function leadingOnly(from: readonly number[], to: readonly number[]): boolean {
  const lead = from.length - to.length;
  let i = 0;
  while (i < to.length && to[i] === 1 && from[lead + i] !== 1) i++;
  for (let j = i; j < to.length; j++) if (to[j] !== from[lead + j]) return false;
  return true;
}

/** Walks every position of `shape` in row-major order, calling visit(flatIndex, offsetUnderStrides).
 *  The innermost dimension runs as a plain loop, which keeps broadcasting cheap for the common cases. */
export function forEachIndex(shape: readonly number[], strides: readonly number[], visit: (flat: number, offset: number) => void): void {
  const rank = shape.length;
  const total = numelOf(shape);
  if (total === 0) return;
  if (rank === 0) {
    visit(0, 0);
    return;
  }
  const inner = shape[rank - 1]!;
  const innerStride = strides[rank - 1]!;
  const counter = new Array<number>(rank - 1).fill(0);
  let offset = 0;
  for (let flat = 0; flat < total; flat += inner) {
    for (let j = 0; j < inner; j++) visit(flat + j, offset + j * innerStride);
    // advance the odometer over the outer dimensions
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      offset += strides[d]!;
      if (counter[d]! < shape[d]!) break;
      offset -= strides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

// ---- strided layouts ---------------------------------------------------------------------------

/** PyTorch's is_contiguous: row-major with no gaps, ignoring dims of size 1 (and any tensor with no elements). */
export function isContiguousLayout(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    if (size === 0) return true;
    if (size === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}

/** PyTorch's is_non_overlapping_and_dense: some order of the dims makes the layout contiguous. */
export function isNonOverlappingAndDense(shape: readonly number[], strides: readonly number[]): boolean {
  if (isContiguousLayout(shape, strides)) return true;
  const dims = shape.map((_, d) => d).filter((d) => shape[d] !== 1).sort((a, b) => strides[a]! - strides[b]! || shape[a]! - shape[b]!);
  let expected = 1;
  for (const d of dims) {
    if (strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/** Whether some dim of more than one element has stride 0, so several elements share a location
 *  (PyTorch's has_internal_overlap, which flags exactly this case). */
export function hasInternalOverlap(shape: readonly number[], strides: readonly number[]): boolean {
  return numelOf(shape) > 0 && shape.some((size, d) => size > 1 && strides[d] === 0);
}

/** The elements of a strided layout over `array`, copied in row-major order into a new array. */
export function gatherStrided<A extends DataArray>(array: A, shape: readonly number[], strides: readonly number[], offset: number): A {
  const out = allocLike(array, numelOf(shape));
  if (shape.length === 2) {
    // the common non-contiguous case (a transposed matrix, a column slice) without the callback
    const [rows, cols] = shape as [number, number], [s0, s1] = strides as [number, number];
    for (let i = 0, o = 0; i < rows; i++) for (let j = 0, at = offset + i * s0; j < cols; j++, at += s1) out[o++] = array[at]!;
    return out;
  }
  forEachIndex(shape, strides, (flat, at) => (out[flat] = array[offset + at]!));
  return out;
}

/** Writes `values` (row-major, one per element of the layout) into `array` through a strided layout. */
/** Adds `values` (row-major) into the elements of `array` that a view of `shape` and `strides` at
 *  `offset` covers. */
export function scatterAddStrided(array: DataArray, shape: readonly number[], strides: readonly number[], offset: number, values: ArrayLike<number>): void {
  if (values.length === 0) return;
  if (isContiguousLayout(shape, strides)) {
    for (let i = 0; i < values.length; i++) array[offset + i] = array[offset + i]! + values[i]!;
    return;
  }
  forEachIndex(shape, strides, (flat, at) => (array[offset + at] = array[offset + at]! + values[flat]!));
}

export function scatterStrided(array: DataArray, shape: readonly number[], strides: readonly number[], offset: number, values: ArrayLike<number>): void {
  if (values.length === 0) return;
  if (isContiguousLayout(shape, strides)) {
    array.set(values, offset);
    return;
  }
  forEachIndex(shape, strides, (flat, at) => (array[offset + at] = values[flat]!));
}
