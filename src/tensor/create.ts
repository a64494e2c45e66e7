// Making tensors: from nested arrays, from typed arrays, filled, ranged, random.
import { random, randomNormal, randperm as randomPermutation } from "../random.ts";
import { castArray, checkValueFits, dtypeOfArray, float32, int64, bool, normalizeInPlace, toDType, type DataArray, type DType, type DTypeLike } from "./dtype.ts";
import { checkShape, numelOf, shapeArgs, shapeString } from "./shape.ts";
import { Tensor } from "./tensor.ts";
import * as A from "../args.ts";

/** The keyword arguments every creator takes: dtype and requiresGrad. */
export interface TensorOptions {
  requiresGrad?: boolean;
  dtype?: DTypeLike;
}

type Nested = number | boolean | readonly Nested[];
type ShapeOrOptions = number | readonly number[] | TensorOptions;

/** Numbers written into a new tensor of `dtype`: integers truncate toward zero, and a value an
 *  integer dtype cannot hold (NaN, an infinity, out of range) is an error rather than garbage. */
function valuesOf(values: ArrayLike<number>, dtype: DType): DataArray {
  for (let i = 0; i < values.length; i++) checkValueFits(values[i]!, dtype);
  return castArray(values, dtype);
}

const TENSOR_OPTIONS = { dtype: A.dtype, requiresGrad: A.boolean };

/** Checks a creator's options object: only dtype and requiresGrad, of the right kinds. */
function checkTensorOptions(op: string, options: unknown): TensorOptions {
  A.checkOptions(op, options, TENSOR_OPTIONS);
  return (options ?? {}) as TensorOptions;
}

function finish(data: DataArray, shape: readonly number[], dtype: DType, requiresGrad = false): Tensor {
  const t = new Tensor(data, shape, dtype);
  if (requiresGrad) {
    if (!dtype.isFloatingPoint) throw new Error(`Only Tensors of floating point and complex dtype can require gradients (got ${dtype})`);
    t.requiresGrad = true;
  }
  return t;
}

/** Splits trailing options off shape arguments: zeros(2, 3, { dtype: torch.int64 }). */
function splitArgs(args: readonly ShapeOrOptions[], op: string): [number[], TensorOptions] {
  const last = args.at(-1);
  const hasOptions = typeof last === "object" && last !== null && !Array.isArray(last);
  const dims = (hasOptions ? args.slice(0, -1) : args) as (number | readonly number[])[];
  return [shapeArgs(dims, op), hasOptions ? checkTensorOptions(op, last) : {}];
}

/** A tensor of `shape` whose element i is `value(i)`, in the options' dtype (float32 by default). */
function filled(op: string, args: readonly ShapeOrOptions[], value: (i: number) => number): Tensor {
  const [shape, options] = splitArgs(args, op);
  const dtype = toDType(options.dtype ?? float32);
  const data = dtype.zeros(numelOf(shape)); // written directly: the array rounds or wraps each value
  for (let i = 0; i < data.length; i++) data[i] = value(i);
  normalizeInPlace(data, dtype);
  return finish(data, shape, dtype, options.requiresGrad);
}

/** torch.tensor: from a number or nested arrays. All booleans make a bool tensor; otherwise float32
 *  unless `dtype` says so (JavaScript cannot tell 1 from 1.0). */
export function tensor(values: Nested, options: TensorOptions = {}): Tensor {
  checkTensorOptions("tensor", options);
  const shape: number[] = [];
  for (let v: Nested = values; Array.isArray(v); v = (v as readonly Nested[])[0]!) {
    shape.push((v as readonly Nested[]).length);
    if ((v as readonly Nested[]).length === 0) break;
  }
  const flat: number[] = [];
  let allBool = true;
  const walk = (v: Nested, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(v)) throw new Error(`tensor(): too many nested levels at dim ${d}`);
      if (typeof v !== "boolean") allBool = false;
      if (typeof v !== "boolean" && typeof v !== "number") throw new Error(`tensor(): expected numbers or booleans, got ${typeof v}`);
      flat.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new Error(`expected sequence of length ${shape[d]} at dim ${d} (got ${Array.isArray(v) ? v.length : "a scalar"})`);
    }
    for (const x of v as readonly Nested[]) walk(x, d + 1);
  };
  walk(values, 0);
  const dtype = toDType(options.dtype ?? (allBool && flat.length > 0 ? bool : float32));
  return finish(valuesOf(flat, dtype), shape, dtype, options.requiresGrad);
}

/** Wraps a typed array in a tensor of the given shape, without a copy, in the dtype the array
 *  names: Float32Array float32, Float64Array float64, Int32Array int32, Uint8Array uint8 (the
 *  `from_numpy` of this library). `{ dtype }` may ask for another dtype (int64, bool, ...); then the
 *  values are copied into that dtype's storage, checked as tensor() checks them. */
export function fromArray(data: DataArray, shape: readonly number[], options: TensorOptions = {}): Tensor {
  checkTensorOptions("fromArray", options);
  const own = dtypeOfArray(data);
  checkShape(shape, "fromArray");
  if (data.length !== numelOf(shape)) {
    throw new Error(`fromArray: ${data.length} values cannot fill shape ${shapeString(shape)} (${numelOf(shape)} elements)`);
  }
  const dtype = toDType(options.dtype ?? own);
  return finish(dtype === own ? data : valuesOf(data, dtype), shape, dtype, options.requiresGrad);
}

/** torch.zeros(...shape, { dtype?, requiresGrad? }): a tensor of zeros. */
export function zeros(...args: ShapeOrOptions[]): Tensor {
  return filled("zeros", args, () => 0);
}

/** Uninitialised in PyTorch; zeros here, since a fresh typed array is zeroed anyway. */
export function empty(...args: ShapeOrOptions[]): Tensor {
  return filled("empty", args, () => 0);
}

/** torch.ones(...shape, { dtype?, requiresGrad? }): a tensor of ones. */
export function ones(...args: ShapeOrOptions[]): Tensor {
  return filled("ones", args, () => 1);
}

/** Every element `value`; the dtype follows the value (bool for a boolean, int64 for a whole number
 *  in PyTorch, but float32 here unless asked: JavaScript cannot tell 3 from 3.0). */
export function full(shape: number | readonly number[], value: number | boolean, options: TensorOptions = {}): Tensor {
  checkTensorOptions("full", options);
  if (typeof value !== "number" && typeof value !== "boolean") throw new Error(`full: argument "fill_value" expects a number or a boolean, got ${A.describe(value)}`);
  const dtype = options.dtype ?? (typeof value === "boolean" ? bool : float32);
  checkValueFits(Number(value), toDType(dtype), true);
  return filled("full", [shapeArgs([shape], "full"), { ...options, dtype }], () => Number(value));
}

/** torch.zeros_like: zeros of t's shape (and dtype unless given). */
export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}
/** torch.ones_like: ones of t's shape (and dtype unless given). */
export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...options });
}

function checkFloatingRandom(args: readonly ShapeOrOptions[], kernelName: string): void {
  const [, options] = splitArgs(args, "rand");
  const dtype = toDType(options.dtype ?? float32);
  if (!dtype.isFloatingPoint) throw new Error(`"${kernelName}" not implemented for '${dtype.scalarName}'`);
}

/** Uniform in [0, 1), from the global seeded generator. Floating dtypes only, as in PyTorch. */
export function rand(...args: ShapeOrOptions[]): Tensor {
  checkFloatingRandom(args, "check_uniform_bounds");
  return filled("rand", args, () => random());
}

/** Standard normal, from the global seeded generator. Floating dtypes only, as in PyTorch. */
export function randn(...args: ShapeOrOptions[]): Tensor {
  checkFloatingRandom(args, "normal_kernel_cpu");
  return filled("randn", args, () => randomNormal());
}

/** torch.arange: [start, end) by step. Whole-number arguments give int64, as in PyTorch. */
export function arange(start: number, ...args: (number | undefined | TensorOptions)[]): Tensor {
  // torch.arange(end), (start, end), (start, end, step), each optionally followed by the options
  const options = (A.isOptions(args.at(-1)) ? args.pop() : {}) as TensorOptions;
  let [end, step = 1] = args as (number | undefined)[];
  checkTensorOptions("arange", options);
  if (end === undefined) [start, end] = [0, start];
  for (const [name, v] of [["start", start], ["end", end], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`arange: ${name} must be a finite number, got ${A.describe(v)}`);
  }
  if (step === 0) throw new Error("step must be nonzero");
  if ((end - start) * step < 0) throw new Error("upper bound and lower bound inconsistent with step sign");
  const integral = [start, end, step].every(Number.isInteger);
  const dtype = toDType(options.dtype ?? (integral ? int64 : float32));
  const count = Math.max(0, Math.ceil((end - start) / step));
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = start + i * step;
  return finish(valuesOf(values, dtype), [count], dtype, options.requiresGrad);
}

/** torch.full_like: `value` in t's shape (and dtype unless given). */
export function fullLike(t: Tensor, value: number | boolean, options: TensorOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}
/** torch.empty_like: zeros here (see empty), in t's shape and dtype. */
export function emptyLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}
/** torch.rand_like: uniform in [0, 1), in t's shape and dtype. */
export function randLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return rand(t.shape, { dtype: t.dtype, ...options });
}
/** torch.randn_like: standard normal, in t's shape and dtype. */
export function randnLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return randn(t.shape, { dtype: t.dtype, ...options });
}

/** torch.randint(low = 0, high, size): integers drawn uniformly from [low, high), int64. */
export function randint(low: number, high: number | readonly number[], size?: readonly number[] | TensorOptions, options: TensorOptions = {}): Tensor {
  if (Array.isArray(high)) return randint(0, low, high as readonly number[], (size as TensorOptions | undefined) ?? {});
  const shape = shapeArgs([size as readonly number[]], "randint");
  checkTensorOptions("randint", options);
  if (!Number.isInteger(low) || !Number.isInteger(high) || low >= (high as number)) {
    throw new Error(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${String(high)}`);
  }
  const span = (high as number) - low;
  return filled("randint", [shape, { dtype: options.dtype ?? int64, requiresGrad: options.requiresGrad }], () => low + Math.floor(random() * span));
}

/** torch.randperm(n): a random permutation of 0..n-1, int64. */
export function randperm(n: number, options: TensorOptions = {}): Tensor {
  checkTensorOptions("randperm", options);
  if (!Number.isInteger(n) || n < 0) throw new Error(`randperm: n must be a non-negative integer, got ${n}`);
  return finish(valuesOf(randomPermutation(n), toDType(options.dtype ?? int64)), [n], toDType(options.dtype ?? int64));
}

/** torch.normal(mean, std, size): normal draws with the given mean and standard deviation. */
export function normal(mean: number, std: number, size: readonly number[], options: TensorOptions = {}): Tensor {
  if (!(std >= 0)) throw new Error(`normal expects std >= 0.0, but found std ${std}`);
  return randn(size, options).mul(std).add(mean);
}

/** torch.bernoulli(p): 1 with probability p[i], else 0, in p's shape and dtype. */
export function bernoulli(p: Tensor): Tensor {
  if (!p.dtype.isFloatingPoint) throw new Error(`"bernoulli_tensor_cpu_p_" not implemented for '${p.dtype.scalarName}'`);
  const probs = p._data;
  for (const x of probs) if (!(x >= 0 && x <= 1)) throw new Error("Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
  const draws = p.dtype.zeros(probs.length);
  for (let i = 0; i < probs.length; i++) draws[i] = random() < probs[i]! ? 1 : 0;
  return new Tensor(draws, p.shape, p.dtype);
}

/** torch.logspace(start, end, steps, base = 10): base^linspace(start, end, steps). */
export function logspace(start: number, end: number, steps: number, base = 10, options: TensorOptions = {}): Tensor {
  checkTensorOptions("logspace", options);
  const dtype = toDType(options.dtype ?? float32);
  const data = dtype.zeros(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = Math.pow(base, i < half ? start + step * i : end - step * (steps - 1 - i));
  return finish(data, [steps], dtype, options.requiresGrad);
}
