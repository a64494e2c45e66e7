// Reductions: sum, mean, max/argmax. A reduction over some dims is the adjoint of broadcasting over
// them, so sum is sumToShape to the keepdim shape, and its backward is a broadcast back up.
import { record } from "../autograd.ts";
import { allocLike, castArray, int64, normalizeInPlace } from "../dtype.ts";
import { aroundDim, expandData, normalizeDim, numelOf, sumToShape } from "../shape.ts";
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

function dropDims(keepShape: readonly number[], dims: readonly number[], rank0: boolean): number[] {
  return rank0 ? [] : keepShape.filter((_, i) => !dims.includes(i));
}

export function sum(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  const { dims, keepShape } = reducedShape(a.shape, dim);
  // integers and bools are summed as int64, as PyTorch does (so uint8 does not wrap and bools count)
  const dtype = a.dtype.isFloatingPoint ? a.dtype : int64;
  const values = dtype === a.dtype ? a.data : castArray(a.data, dtype);
  const data = sumToShape(values, a.shape, keepShape);
  if (dtype === int64) normalizeInPlace(data, int64); // refuses a sum beyond ±2^53
  const shape = keepdim ? keepShape : dropDims(keepShape, dims, a.shape.length === 0);
  const out = new Tensor(data === a.data ? data.slice() : data, shape, dtype);
  const name = dim === undefined ? "SumBackward0" : "SumBackward1";
  return record(out, name, [a], (g) => [new Tensor(expandData(g.data, keepShape, a.shape), a.shape)]);
}

export function mean(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (!a.dtype.isFloatingPoint) {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${a.dtype.scalarName}`);
  }
  const { dims, keepShape } = reducedShape(a.shape, dim);
  const count = dims.reduce((n, d) => n * a.shape[d]!, 1);
  const data = sumToShape(a.data, a.shape, keepShape);
  const out = allocLike(a.data, data.length);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! / count;
  const shape = keepdim ? keepShape : dropDims(keepShape, dims, a.shape.length === 0);
  const name = dim === undefined ? "MeanBackward0" : "MeanBackward1";
  return record(new Tensor(out, shape, a.dtype), name, [a], (g) => {
    const grad = expandData(g.data, keepShape, a.shape);
    for (let i = 0; i < grad.length; i++) grad[i]! /= count;
    return [new Tensor(grad, a.shape, g.dtype)];
  });
}

/** What max(dim) and min(dim) return, as PyTorch's named tuple: destructures as `[values, indices]`
 *  and has `.values` and `.indices`. */
export type ValuesIndices = [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  const pair = [values, indices];
  // own properties, so `.values` is the tensor rather than Array.prototype.values
  Object.defineProperty(pair, "values", { value: values, enumerable: false });
  Object.defineProperty(pair, "indices", { value: indices, enumerable: false });
  return pair as unknown as ValuesIndices;
}

/** torch.max(a, dim): [values, indices], the first maximum winning ties, NaN winning over numbers. */
export function maxDim(a: Tensor, dim: number, keepdim = false): ValuesIndices {
  return extremeDim(a, dim, keepdim, "max");
}
/** torch.min(a, dim): [values, indices], the first minimum winning ties, NaN winning over numbers. */
export function minDim(a: Tensor, dim: number, keepdim = false): ValuesIndices {
  return extremeDim(a, dim, keepdim, "min");
}

function extremeDim(a: Tensor, dim: number, keepdim: boolean, name: "max" | "min"): ValuesIndices {
  if (!Number.isInteger(dim)) throw new Error(`${name}(): argument "dim" expects an integer, got ${String(dim)}`);
  if (typeof keepdim !== "boolean") throw new Error(`${name}(): argument "keepdim" expects true or false, got ${String(keepdim)}`);
  const d = normalizeDim(dim, a.shape.length);
  const [outer, n, inner] = a.shape.length === 0 ? [1, 1, 1] : aroundDim(a.shape, d);
  if (n === 0) throw new Error(`${name}(): Expected reduction dim ${dim} to have non-zero size.`);
  const sign = name === "max" ? 1 : -1;
  const data = a.data;
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
    const grad = allocLike(g.data, a.numel());
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) grad[(o * n + indices[o * inner + i]!) * inner + i] = g.data[o * inner + i]!;
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
  for (const x of a.data) if (beats(x, best) || x !== x) best = x;
  const out = new Tensor(castArray([best], a.dtype), [], a.dtype);
  return record(out, name === "max" ? "MaxBackward1" : "MinBackward1", [a], (g) => {
    // the elements equal to the result share its gradient; when it is NaN, the NaNs do
    const values = a.data;
    const isBest = best !== best ? (x: number) => x !== x : (x: number) => x === best;
    let hits = 0;
    for (let i = 0; i < values.length; i++) if (isBest(values[i]!)) hits++;
    const grad = allocLike(g.data, a.numel());
    for (let i = 0; i < grad.length; i++) if (isBest(values[i]!)) grad[i] = g.data[0]! / hits;
    return [new Tensor(grad, a.shape, g.dtype)];
  }, [a, out]);
}

export function argmax(a: Tensor, dim?: number, keepdim = false): Tensor {
  if (a.dtype.name === "bool") throw new Error("argmax(): does not support bool input");
  if (dim === undefined) {
    const flat = new Tensor(a.data, [a.numel()], a.dtype);
    const index = maxDim(flat, 0)[1];
    return keepdim ? index.reshape(a.shape.map(() => 1)) : index; // keepdim over every dim: all ones
  }
  return maxDim(a, dim, keepdim)[1];
}
