// Making tensors: from nested arrays, from typed arrays, filled, ranged, random.
import { random, randomNormal } from "../random.ts";
import { numelOf, shapeArgs } from "./shape.ts";
import { Tensor, type DType, DTYPES } from "./tensor.ts";

export interface TensorOptions {
  requiresGrad?: boolean;
  dtype?: DType;
}

type Nested = number | boolean | readonly Nested[];
type ShapeOrOptions = number | readonly number[] | TensorOptions;

function checkDType(dtype: DType): DType {
  if (!DTYPES.includes(dtype)) throw new Error(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(", ")}`);
  return dtype;
}

function finish(data: Float32Array, shape: readonly number[], options: TensorOptions = {}): Tensor {
  const dtype = checkDType(options.dtype ?? "float32");
  if (dtype !== "float32") for (let i = 0; i < data.length; i++) data[i] = dtype === "bool" ? (data[i] ? 1 : 0) : Math.trunc(data[i]!);
  const t = new Tensor(data, shape, dtype);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Splits trailing options off shape arguments: zeros(2, 3, { dtype: "int64" }). */
function splitArgs(args: readonly ShapeOrOptions[]): [number[], TensorOptions] {
  const last = args.at(-1);
  const hasOptions = typeof last === "object" && last !== null && !Array.isArray(last);
  const dims = (hasOptions ? args.slice(0, -1) : args) as (number | readonly number[])[];
  return [shapeArgs(dims), hasOptions ? (last as TensorOptions) : {}];
}

/** torch.tensor: from a number or nested arrays. Booleans make a bool tensor; otherwise float32
 *  unless `dtype` says so (JavaScript cannot tell 1 from 1.0). */
export function tensor(values: Nested, options: TensorOptions = {}): Tensor {
  const shape: number[] = [];
  for (let v: Nested = values; Array.isArray(v); v = (v as readonly Nested[])[0]!) {
    shape.push((v as readonly Nested[]).length);
    if ((v as readonly Nested[]).length === 0) break;
  }
  const flat: number[] = [];
  let sawBool = false;
  const walk = (v: Nested, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(v)) throw new Error(`tensor(): too many nested levels at dim ${d}`);
      if (typeof v === "boolean") sawBool = true;
      else if (typeof v !== "number") throw new Error(`tensor(): expected numbers or booleans, got ${typeof v}`);
      flat.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new Error(`expected sequence of length ${shape[d]} at dim ${d} (got ${Array.isArray(v) ? v.length : "a scalar"})`);
    }
    for (const x of v as readonly Nested[]) walk(x, d + 1);
  };
  walk(values, 0);
  return finish(Float32Array.from(flat), shape, { dtype: sawBool ? "bool" : "float32", ...options });
}

/** Wraps an existing Float32Array (no copy) in a tensor of the given shape. */
export function fromArray(data: Float32Array, shape: readonly number[], options: TensorOptions = {}): Tensor {
  if (!(data instanceof Float32Array)) throw new Error("fromArray: expected a Float32Array");
  if (data.length !== numelOf(shape)) {
    throw new Error(`fromArray: ${data.length} values cannot fill shape [${shape.join(", ")}] (${numelOf(shape)} elements)`);
  }
  return finish(data, shape, options);
}

export function zeros(...args: ShapeOrOptions[]): Tensor {
  const [shape, options] = splitArgs(args);
  return finish(new Float32Array(numelOf(shape)), shape, options);
}

/** Uninitialised in PyTorch; zeros here, since a fresh Float32Array is zeroed anyway. */
export const empty = zeros;

export function ones(...args: ShapeOrOptions[]): Tensor {
  const [shape, options] = splitArgs(args);
  return finish(new Float32Array(numelOf(shape)).fill(1), shape, options);
}

export function full(shape: number | readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const dims = shapeArgs([shape]);
  const dtype = options.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  return finish(new Float32Array(numelOf(dims)).fill(Number(value)), dims, { ...options, dtype });
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...options });
}

/** Uniform in [0, 1), from the global seeded generator. */
export function rand(...args: ShapeOrOptions[]): Tensor {
  const [shape, options] = splitArgs(args);
  const data = new Float32Array(numelOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = random();
  return finish(data, shape, options);
}

/** Standard normal, from the global seeded generator. */
export function randn(...args: ShapeOrOptions[]): Tensor {
  const [shape, options] = splitArgs(args);
  const data = new Float32Array(numelOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = randomNormal();
  return finish(data, shape, options);
}

/** torch.arange: [start, end) by step. Whole-number arguments give int64, as in PyTorch. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new Error("arange: step must be nonzero");
  const count = Math.max(0, Math.ceil((end - start) / step));
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = start + i * step;
  const integral = [start, end, step].every(Number.isInteger);
  return finish(data, [count], { dtype: integral ? "int64" : "float32", ...options });
}
