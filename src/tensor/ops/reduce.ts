// Reductions: sum, mean, max/argmax. A reduction over some dims is the adjoint of broadcasting over
// them, so sum is sumToShape to the keepdim shape, and its backward is a broadcast back up.
import * as A from "../../args.ts";
import { isGradEnabled, record } from "../autograd.ts";
import { allocLike, bool, castArray, float64, int64, normalizeInPlace } from "../dtype.ts";
import { aroundDim, broadcastStrides, expandData, forEachIndex, normalizeDim, numelOf, sumToShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";

export type Dims = number | readonly number[] | undefined;

/** The reduced dims (normalised, unique) and the keepdim shape with those dims set to 1. */
function reducedShape(shape: readonly number[], dim: Dims): { dims: number[]; keepShape: number[] } {
  // no dim, or an empty list, reduces every dim (PyTorch's dim=[] too)
  const list = dim === undefined || (Array.isArray(dim) && dim.length === 0) ? shape.map((_, i) => i) : typeof dim === "number" ? [dim] : [...dim];
  const dims = list.map((d) => normalizeDim(d, shape.length));
  dims.forEach((d, i) => {
    if (dims.indexOf(d) !== i) throw new Error(`dim ${d} appears multiple times in the list of dims`);
  });
  const keepShape = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  return { dims, keepShape };
}

/** The checks every reduction makes of its arguments: dim an integer or a list of them (or none),
 *  keepdim true or false; anything else (an options object by mistake) is an error naming it. */
function checkReduction(op: string, dim: unknown, keepdim: unknown): void {
  if (dim !== undefined && dim !== null) A.checkArg(op, "dim", dim, A.either(A.integer, A.check("an integer or a list of integers", (v) => Array.isArray(v) && v.every(Number.isInteger))));
  A.checkArg(op, "keepdim", keepdim, A.boolean);
}

function dropDims(keepShape: readonly number[], dims: readonly number[], rank0: boolean): number[] {
  return rank0 ? [] : keepShape.filter((_, i) => !dims.includes(i));
}

export function sum(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkReduction("sum", dim, keepdim);
  const { dims, keepShape } = reducedShape(a.shape, dim);
  // integers and bools are summed as int64, as PyTorch does (so uint8 does not wrap and bools count)
  const dtype = a.dtype.isFloatingPoint ? a.dtype : int64;
  const values = dtype === a.dtype ? a._data : castArray(a._data, dtype);
  const data = sumToShape(values, a.shape, keepShape);
  if (dtype === int64) normalizeInPlace(data, int64); // refuses a sum beyond ±2^53
  const shape = keepdim ? keepShape : dropDims(keepShape, dims, a.shape.length === 0);
  const out = new Tensor(data === a._data ? data.slice() : data, shape, dtype);
  const name = dim === undefined ? "SumBackward0" : "SumBackward1";
  return record(out, name, [a], (g) => [isGradEnabled() ? g.reshape(keepShape).expand(a.shape) : new Tensor(expandData(g._data, keepShape, a.shape), a.shape)]);
}

export function mean(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkReduction("mean", dim, keepdim);
  if (!a.dtype.isFloatingPoint) {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${a.dtype.scalarName}`);
  }
  const { dims, keepShape } = reducedShape(a.shape, dim);
  const count = dims.reduce((n, d) => n * a.shape[d]!, 1);
  const data = sumToShape(a._data, a.shape, keepShape);
  const out = allocLike(a._data, data.length);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! / count;
  const shape = keepdim ? keepShape : dropDims(keepShape, dims, a.shape.length === 0);
  const name = dim === undefined ? "MeanBackward0" : "MeanBackward1";
  return record(new Tensor(out, shape, a.dtype), name, [a], (g) => {
    if (isGradEnabled()) return [g.reshape(keepShape).expand(a.shape).div(count)];
    const grad = expandData(g._data, keepShape, a.shape);
    for (let i = 0; i < grad.length; i++) grad[i]! /= count;
    return [new Tensor(grad, a.shape, g.dtype)];
  });
}

/** What max(dim) and min(dim) return, as PyTorch's named tuple: destructures as `[values, indices]`
 *  and has `.values` and `.indices`. */
export type ValuesIndices = [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  const pair = [values, indices];
  // own properties, so `.values` is the tensor rather than Array.prototype.values
  Object.defineProperty(pair, "values", { value: values, enumerable: false });
  Object.defineProperty(pair, "indices", { value: indices, enumerable: false });
  return pair as unknown as ValuesIndices;
}

/** torch.max(a, dim): [values, indices], the first maximum winning ties, NaN winning over numbers. */
export function maxDim(a: Tensor, dim: number, keepdim = false): ValuesIndices {
  checkReduction("max", dim, keepdim);
  return extremeDim(a, dim, keepdim, "max");
}
/** torch.min(a, dim): [values, indices], the first minimum winning ties, NaN winning over numbers. */
export function minDim(a: Tensor, dim: number, keepdim = false): ValuesIndices {
  checkReduction("min", dim, keepdim);
  return extremeDim(a, dim, keepdim, "min");
}

function extremeDim(a: Tensor, dim: number, keepdim: boolean, name: "max" | "min"): ValuesIndices {
  if (!Number.isInteger(dim)) throw new Error(`${name}(): argument "dim" expects an integer, got ${String(dim)}`);
  if (typeof keepdim !== "boolean") throw new Error(`${name}(): argument "keepdim" expects true or false, got ${String(keepdim)}`);
  const d = normalizeDim(dim, a.shape.length);
  const [outer, n, inner] = a.shape.length === 0 ? [1, 1, 1] : aroundDim(a.shape, d);
  if (n === 0) throw new Error(`${name}(): Expected reduction dim ${dim} to have non-zero size.`);
  const sign = name === "max" ? 1 : -1;
  const data = a._data;
  const values = allocLike(data, outer * inner);
  const indices = new Float64Array(outer * inner); // int64
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = data[o * n * inner + i]!, bestJ = 0;
      for (let j = 1; j < n && best === best; j++) {
        const x = data[(o * n + j) * inner + i]!;
        if (sign * x > sign * best || x !== x) (best = x), (bestJ = j);
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bestJ;
    }
  }
  const keepShape = a.shape.map((s, i) => (i === d ? 1 : s));
  const shape = keepdim || a.shape.length === 0 ? keepShape : keepShape.filter((_, i) => i !== d);
  const indicesT = new Tensor(indices, shape, int64);
  const valuesT = record(new Tensor(values, shape, a.dtype), name === "max" ? "MaxBackward0" : "MinBackward0", [a], (g) => {
    const grad = allocLike(g._data, a.numel());
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) grad[(o * n + indices[o * inner + i]!) * inner + i] = g._data[o * inner + i]!;
    return [new Tensor(grad, a.shape, g.dtype)];
  }, [indicesT]);
  return valuesIndices(valuesT, indicesT);
}

/** torch.max(a) with no dim: the largest value; its gradient is shared evenly among ties, as PyTorch does. */
export function maxAll(a: Tensor): Tensor {
  return extremeAll(a, "max", (x, best) => x > best, -Infinity);
}

export function minAll(a: Tensor): Tensor {
  return extremeAll(a, "min", (x, best) => x < best, Infinity);
}

/** The largest (or smallest) element; its gradient is shared evenly by every element equal to it. NaN wins. */
function extremeAll(a: Tensor, name: "max" | "min", beats: (x: number, best: number) => boolean, start: number): Tensor {
  if (a.numel() === 0) throw new Error(`${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  let best = start;
  for (const x of a._data) if (beats(x, best) || x !== x) best = x;
  const out = new Tensor(castArray([best], a.dtype), [], a.dtype);
  return record(out, name === "max" ? "MaxBackward1" : "MinBackward1", [a], (g) => {
    // the elements equal to the result share its gradient; when it is NaN, the NaNs do
    const values = a._data;
    const isBest = best !== best ? (x: number) => x !== x : (x: number) => x === best;
    let hits = 0;
    for (let i = 0; i < values.length; i++) if (isBest(values[i]!)) hits++;
    const grad = allocLike(g._data, a.numel());
    for (let i = 0; i < grad.length; i++) if (isBest(values[i]!)) grad[i] = g._data[0]! / hits;
    return [new Tensor(grad, a.shape, g.dtype)];
  }, [a, out]);
}

export function argmax(a: Tensor, dim?: number, keepdim = false): Tensor {
  checkReduction("argmax", dim, keepdim);
  if (a.dtype.name === "bool") throw new Error("argmax(): does not support bool input");
  if (dim === undefined) {
    const flat = new Tensor(a._data, [a.numel()], a.dtype);
    const index = maxDim(flat, 0)[1];
    return keepdim ? index.reshape(a.shape.map(() => 1)) : index; // keepdim over every dim: all ones
  }
  return maxDim(a, dim, keepdim)[1];
}

/** The dims a reduction runs over (all of them for undefined or []), their element count, and the
 *  result's shape with and without keepdim. */
function reduction(a: Tensor, dim: Dims, keepdim: boolean): { keepShape: number[]; shape: number[]; count: number } {
  const { dims, keepShape } = reducedShape(a.shape, dim);
  return { keepShape, shape: keepdim ? keepShape : dropDims(keepShape, dims, a.shape.length === 0), count: dims.reduce((n, d) => n * a.shape[d]!, 1) };
}

/** var / std's keyword options: the correction (1: Bessel's, n - 1; 0: the plain mean of squares) and keepdim. */
export interface VarianceOptions { correction?: number; keepdim?: boolean }

/** torch.var(dim?, { correction = 1, keepdim }) (or var({ ... }) over every dim): the mean squared
 *  deviation, divided by count - correction (1: the unbiased estimate). Its gradient is
 *  2 (x - mean) / (count - correction). */
export function variance(a: Tensor, dim?: Dims | VarianceOptions, options: VarianceOptions = {}): Tensor {
  return spread(a, dim, options, false);
}
/** torch.std: the square root of var. */
export function std(a: Tensor, dim?: Dims | VarianceOptions, options: VarianceOptions = {}): Tensor {
  return spread(a, dim, options, true);
}
/** var (root false) or std (root true), from the arguments as given: the options may come in
 *  place of dim (var({ correction: 0 }) over every dim). */
function spread(a: Tensor, dimOrOptions: Dims | VarianceOptions | undefined, options: VarianceOptions, root: boolean): Tensor {
  const name = root ? "std" : "var";
  const [dim, given] = A.isOptions(dimOrOptions) ? [undefined, dimOrOptions as VarianceOptions] : [dimOrOptions as Dims, options];
  A.checkOptions(name, given, { correction: A.number, keepdim: A.boolean });
  const { correction = 1, keepdim = false } = given;
  checkReduction(name, dim, keepdim);
  if (!a.dtype.isFloatingPoint) throw new Error(`${name}(): input dtype should be either floating point or complex dtypes. Got ${a.dtype.scalarName} instead.`);
  const { keepShape, shape, count } = reduction(a, dim, keepdim);
  const divisor = Math.max(0, count - correction);
  const mean = sumToShape(castArray(a._data, float64) as Float64Array, a.shape, keepShape).map((x) => x / count);
  const deviation = new Float64Array(a.numel());
  const x = a._data;
  forEachBroadcast(a.shape, keepShape, (i, m) => (deviation[i] = x[i]! - mean[m]!));
  const squares = sumToShape(deviation.map((d) => d * d), a.shape, keepShape);
  const values = a.dtype.zeros(squares.length);
  for (let i = 0; i < values.length; i++) values[i] = root ? Math.sqrt(squares[i]! / divisor) : squares[i]! / divisor;
  const out = new Tensor(values, shape, a.dtype);
  return record(out, root ? "StdBackward0" : "VarBackward0", [a], (g) => {
    const gk = g._data, o = out._data;
    const grad = g.dtype.zeros(a.numel());
    // d var / dx = 2 (x - mean) / divisor; d std / dx = that / (2 std)
    // (where std is 0, PyTorch gives 0 rather than 0/0)
    forEachBroadcast(a.shape, keepShape, (i, m) => (grad[i] = root && o[m] === 0 ? 0 : (gk[m]! * 2 * deviation[i]!) / divisor / (root ? 2 * o[m]! : 1)));
    return [new Tensor(grad, a.shape, g.dtype)];
  }, [a, out]);
}

/** Calls visit(i, r) for every element i of `shape` with r its position in the reduced `keepShape`. */
function forEachBroadcast(shape: readonly number[], keepShape: readonly number[], visit: (i: number, r: number) => void): void {
  forEachIndex(shape, broadcastStrides(keepShape, shape), visit);
}

/** torch.amax / torch.amin over dims: the gradient is shared evenly among the elements that tie
 *  for the result, as PyTorch's. */
export function amax(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkReduction("amax", dim, keepdim);
  return extremeOver(a, dim, keepdim, "amax", 1);
}
export function amin(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkReduction("amin", dim, keepdim);
  return extremeOver(a, dim, keepdim, "amin", -1);
}
function extremeOver(a: Tensor, dim: Dims, keepdim: boolean, name: string, sign: number): Tensor {
  const { keepShape, shape } = reduction(a, dim, keepdim);
  if (a.numel() === 0) throw new Error(`${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
  const x = a._data;
  const best = new Float64Array(numelOf(keepShape)).fill(-sign * Infinity);
  forEachBroadcast(a.shape, keepShape, (i, r) => {
    const v = x[i]!;
    if (v !== v || sign * v > sign * best[r]!) best[r] = v !== v || best[r] !== best[r] ? NaN : v;
  });
  const out = new Tensor(castArray(best, a.dtype), shape, a.dtype);
  return record(out, name === "amax" ? "AmaxBackward0" : "AminBackward0", [a], (g) => {
    const hits = new Float64Array(best.length);
    const isBest = (v: number, r: number) => v === best[r] || (v !== v && best[r] !== best[r]);
    forEachBroadcast(a.shape, keepShape, (i, r) => { if (isBest(x[i]!, r)) hits[r] = hits[r]! + 1; });
    const gk = g._data, grad = g.dtype.zeros(a.numel());
    forEachBroadcast(a.shape, keepShape, (i, r) => (grad[i] = isBest(x[i]!, r) ? gk[r]! / hits[r]! : 0));
    return [new Tensor(grad, a.shape, g.dtype)];
  }, [a, out]);
}

/** torch.argmin: the index of the smallest value (of the flattened tensor, or along dim), int64. */
export function argmin(a: Tensor, dim?: number, keepdim = false): Tensor {
  checkReduction("argmin", dim, keepdim);
  if (a.dtype.name === "bool") throw new Error("argmin(): does not support bool input");
  if (dim === undefined) {
    const index = minDim(new Tensor(a._data, [a.numel()], a.dtype), 0)[1];
    return keepdim ? index.reshape(a.shape.map(() => 1)) : index;
  }
  return minDim(a, dim, keepdim)[1];
}

/** torch.prod: the product of all elements, or along dim (integers as int64). Its gradient is the
 *  product of the others (computed without dividing, so zeros are handled). */
export function prod(a: Tensor, dim?: number, keepdim = false): Tensor {
  checkReduction("prod", dim, keepdim);
  const dtype = a.dtype.isFloatingPoint ? a.dtype : int64;
  const flat = dim === undefined;
  const d = flat ? 0 : normalizeDim(dim, a.shape.length);
  const src = flat ? new Tensor(castArray(a._data, dtype), [a.numel()], dtype) : a.dtype === dtype ? a : a.to(dtype);
  const [outer, n, inner] = src.shape.length === 0 ? [1, 1, 1] : aroundDim(src.shape, d);
  const x = src._data;
  const values = dtype.zeros(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let p = 1;
    for (let j = 0; j < n; j++) p *= x[(o * n + j) * inner + i]!;
    values[o * inner + i] = p;
  }
  if (dtype === int64) normalizeInPlace(values, int64);
  const keepShape = src.shape.map((s, i) => (i === d ? 1 : s));
  const shape = flat ? (keepdim ? a.shape.map(() => 1) : []) : keepdim ? keepShape : keepShape.filter((_, i) => i !== d);
  return record(new Tensor(values, shape, dtype), "ProdBackward0", [a], (g) => {
    const gk = g._data, grad = g.dtype.zeros(a.numel());
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      for (let j = 0; j < n; j++) {
        let p = 1;
        for (let k = 0; k < n; k++) if (k !== j) p *= x[(o * n + k) * inner + i]!;
        grad[(o * n + j) * inner + i] = gk[o * inner + i]! * p;
      }
    }
    return [new Tensor(grad, a.shape, g.dtype)];
  }, [a]);
}

/** torch.cumsum(dim): running sums along dim (integers as int64); its gradient is the reversed running sum. */
export function cumsum(a: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, a.shape.length);
  const dtype = a.dtype.isFloatingPoint ? a.dtype : int64;
  const [outer, n, inner] = a.shape.length === 0 ? [1, 1, 1] : aroundDim(a.shape, d);
  const x = a._data;
  const values = dtype.zeros(a.numel());
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) values[(o * n + j) * inner + i] = s += x[(o * n + j) * inner + i]!;
  }
  if (dtype === int64) normalizeInPlace(values, int64);
  return record(new Tensor(values, a.shape, dtype), "CumsumBackward0", [a], (g) => {
    const gk = g._data, grad = g.dtype.zeros(a.numel());
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let j = n - 1; j >= 0; j--) grad[(o * n + j) * inner + i] = s += gk[(o * n + j) * inner + i]!;
    }
    return [new Tensor(grad, a.shape, g.dtype)];
  });
}

/** torch.all / torch.any: whether every (some) element is nonzero, over all dims or along dim; bool. */
export function all(a: Tensor, dim?: number, keepdim = false): Tensor {
  checkReduction("all", dim, keepdim);
  return logical(a, dim, keepdim, true);
}
export function any(a: Tensor, dim?: number, keepdim = false): Tensor {
  checkReduction("any", dim, keepdim);
  return logical(a, dim, keepdim, false);
}
function logical(a: Tensor, dim: number | undefined, keepdim: boolean, every: boolean): Tensor {
  const { keepShape, shape } = reduction(a, dim, keepdim);
  const x = a._data;
  const out = new Uint8Array(numelOf(keepShape)).fill(every ? 1 : 0);
  forEachBroadcast(a.shape, keepShape, (i, r) => {
    const truthy = x[i] !== 0;
    if (every ? !truthy : truthy) out[r] = every ? 0 : 1;
  });
  return new Tensor(out, shape, a.dtype.name === "uint8" ? a.dtype : bool); // uint8 in, uint8 out: PyTorch's rule
}
