// Reductions: sum, mean, max/argmax. A reduction over some dims is the adjoint of broadcasting over
// them, so sum is sumToShape to the keepdim shape, and its backward is a broadcast back up.
import { record } from "../autograd.ts";
import { expandData, normalizeDim, numelOf, sumToShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";

export type Dims = number | readonly number[] | undefined;

/** The reduced dims (normalised, unique) and the keepdim shape with those dims set to 1. */
function reducedShape(shape: readonly number[], dim: Dims): { dims: number[]; keepShape: number[] } {
  const list = dim === undefined ? shape.map((_, i) => i) : typeof dim === "number" ? [dim] : [...dim];
  const dims = [...new Set(list.map((d) => normalizeDim(d, shape.length)))];
  const keepShape = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  return { dims, keepShape };
}

function dropDims(keepShape: readonly number[], dims: readonly number[], rank0: boolean): number[] {
  return rank0 ? [] : keepShape.filter((_, i) => !dims.includes(i));
}

export function sum(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  const { dims, keepShape } = reducedShape(a.shape, dim);
  const data = sumToShape(a.data, a.shape, keepShape);
  const shape = keepdim ? keepShape : dropDims(keepShape, dims, a.shape.length === 0);
  const dtype = a.dtype === "float32" ? "float32" : "int64"; // summing bools counts them
  const out = new Tensor(data === a.data ? data.slice() : data, shape, dtype);
  const name = dim === undefined ? "SumBackward0" : "SumBackward1";
  return record(out, name, [a], (g) => [new Tensor(expandData(g.data, keepShape, a.shape), a.shape)]);
}

export function mean(a: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (a.dtype !== "float32") {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${a.dtype}`);
  }
  const { dims, keepShape } = reducedShape(a.shape, dim);
  const count = dims.reduce((n, d) => n * a.shape[d]!, 1);
  const data = sumToShape(a.data, a.shape, keepShape);
  const out = new Float32Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! / count;
  const shape = keepdim ? keepShape : dropDims(keepShape, dims, a.shape.length === 0);
  const name = dim === undefined ? "MeanBackward0" : "MeanBackward1";
  return record(new Tensor(out, shape), name, [a], (g) => {
    const grad = expandData(g.data, keepShape, a.shape);
    for (let i = 0; i < grad.length; i++) grad[i]! /= count;
    return [new Tensor(grad, a.shape)];
  });
}

/** View a shape as [outer, n, inner] around dim, so a reduction along dim is three plain loops. */
function around(shape: readonly number[], dim: number): [number, number, number] {
  return [numelOf(shape.slice(0, dim)), shape[dim]!, numelOf(shape.slice(dim + 1))];
}

/** torch.max(a, dim): [values, indices], the first maximum winning ties, NaN winning over numbers. */
export function maxDim(a: Tensor, dim: number, keepdim = false): [Tensor, Tensor] {
  const d = normalizeDim(dim, a.shape.length);
  const [outer, n, inner] = a.shape.length === 0 ? [1, 1, 1] : around(a.shape, d);
  if (n === 0) throw new Error(`max(): Expected reduction dim ${dim} to have non-zero size.`);
  const values = new Float32Array(outer * inner);
  const indices = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = a.data[o * n * inner + i]!, bestJ = 0;
      for (let j = 1; j < n && best === best; j++) {
        const x = a.data[(o * n + j) * inner + i]!;
        if (x > best || x !== x) (best = x), (bestJ = j);
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bestJ;
    }
  }
  const keepShape = a.shape.map((s, i) => (i === d ? 1 : s));
  const shape = keepdim || a.shape.length === 0 ? keepShape : keepShape.filter((_, i) => i !== d);
  const valuesT = record(new Tensor(values, shape, a.dtype), "MaxBackward0", [a], (g) => {
    const grad = new Float32Array(a.numel());
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) grad[(o * n + indices[o * inner + i]!) * inner + i] = g.data[o * inner + i]!;
    return [new Tensor(grad, a.shape)];
  });
  return [valuesT, new Tensor(indices, shape, "int64")];
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
  const out = new Tensor(Float32Array.of(best), [], a.dtype);
  return record(out, name === "max" ? "MaxBackward1" : "MinBackward1", [a], (g) => {
    const hits = a.data.reduce((n, x) => n + (x === best ? 1 : 0), 0);
    return [new Tensor(a.data.map((x) => (x === best ? g.data[0]! / hits : 0)), a.shape)];
  });
}

export function argmax(a: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) {
    const flat = new Tensor(a.data, [a.numel()], a.dtype);
    return maxDim(flat, 0)[1];
  }
  return maxDim(a, dim, keepdim)[1];
}
