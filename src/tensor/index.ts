// The tensor half of the public surface: creation, free functions, autograd helpers.
import { Tensor } from "./tensor.ts";
import * as E from "./ops/elementwise.ts";
import * as R from "./ops/reduce.ts";
import * as M from "./ops/matmul.ts";
import * as X from "./ops/math.ts";
import * as G from "./ops/rearrange.ts";
import * as SM from "./ops/softmax.ts";

export { Tensor, type BackwardOptions } from "./tensor.ts";
export { Storage } from "./storage.ts";
export {
  DType, type DTypeLike, type DTypeName, type DataArray, promoteTypes, canCast,
  float32, float32 as float, float64, float64 as double, int64, int64 as long, int32, int32 as int, uint8, bool,
} from "./dtype.ts";
export { Size } from "./shape.ts";
export type { ValuesIndices } from "./ops/reduce.ts";
export { GradFn, AccumulateGrad, noGrad, isGradEnabled } from "./autograd.ts";
import { keep as keepMemory, tidy as tidyScope } from "./tidy.ts";
import { describe } from "../args.ts";
/** torch.tidy(fn): runs a synchronous fn and reuses the memory of the tensors it made once it
 *  returns, except what it returns and what the library keeps (tidy.ts, docs/API.md). */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new Error(`tidy: expected a function, got ${describe(fn)}`);
  return tidyScope(fn);
}
/** torch.keep(t): t's memory is never reused by a tidy; returns t. */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new Error(`keep: expected a Tensor, got ${describe(t)}`);
  return keepMemory(t);
}
import { grad as autogradGrad } from "./autograd.ts";
import { gradcheck as autogradGradcheck, gradgradcheck as autogradGradgradcheck } from "./gradcheck.ts";
/** torch.autograd: grad(outputs, inputs, { gradOutputs, retainGraph, createGraph, allowUnused }),
 *  gradcheck and gradgradcheck (also at the top level, torch.gradcheck). */
export const autograd = { grad: autogradGrad, gradcheck: autogradGradcheck, gradgradcheck: autogradGradgradcheck };
export { gradcheck, gradgradcheck, type GradcheckOptions } from "./gradcheck.ts";
export {
  tensor, fromArray, zeros, ones, empty, full, zerosLike, onesLike, fullLike, emptyLike, randLike, randnLike, rand, randn, arange,
  randint, randperm, normal, bernoulli, logspace, type TensorOptions,
} from "./create.ts";
export { cat, stack } from "./ops/view.ts";
export { linear } from "./ops/matmul.ts";

type Operand = Tensor | number;
/** torch.result_type: the dtype an elementwise op of these operands computes in. */
export const resultType = (a: Operand, b: Operand) => E.resultTypeOf(a, b);
/** torch.add: a + b elementwise (a tensor or a number), broadcast and promoted as PyTorch. */
export const add = (a: Tensor, b: Operand): Tensor => E.add(a, b);
/** torch.sub: a - b elementwise, broadcast and promoted. */
export const sub = (a: Tensor, b: Operand): Tensor => E.sub(a, b);
/** torch.mul: a * b elementwise, broadcast and promoted. */
export const mul = (a: Tensor, b: Operand): Tensor => E.mul(a, b);
/** torch.div: a / b elementwise, true division (integers give float32). */
export const div = (a: Tensor, b: Operand): Tensor => E.div(a, b);
/** torch.pow: a ** b elementwise. */
export const pow = (a: Tensor, b: Operand): Tensor => E.pow(a, b);
/** torch.neg: -a. */
export const neg = (a: Tensor): Tensor => E.neg(a);
/** torch.exp: e^a elementwise. */
export const exp = (a: Tensor): Tensor => E.exp(a);
/** torch.log: the natural log, elementwise. */
export const log = (a: Tensor): Tensor => E.log(a);
/** torch.sqrt: the square root, elementwise. */
export const sqrt = (a: Tensor): Tensor => E.sqrt(a);
/** torch.abs: |a| elementwise. */
export const abs = (a: Tensor): Tensor => E.abs(a);
/** torch.sigmoid: 1 / (1 + e^-a) elementwise. */
export const sigmoid = (a: Tensor): Tensor => E.sigmoid(a);
/** torch.tanh: tanh(a) elementwise. */
export const tanh = (a: Tensor): Tensor => E.tanh(a);
/** torch.relu: max(a, 0) elementwise. */
export const relu = (a: Tensor): Tensor => E.relu(a);
/** torch.eq: a == b elementwise, a bool tensor. */
export const eq = (a: Tensor, b: Operand): Tensor => E.eq(a, b);
/** torch.gt: a > b elementwise, a bool tensor. */
export const gt = (a: Tensor, b: Operand): Tensor => E.gt(a, b);
/** torch.lt: a < b elementwise, a bool tensor. */
export const lt = (a: Tensor, b: Operand): Tensor => E.lt(a, b);
/** torch.matmul: the matrix product (1-D, 2-D or batched, as PyTorch). */
export const matmul = (a: Tensor, b: Tensor): Tensor => M.matmul(a, b);
/** torch.sum: the sum of all elements, or along dim(s), keeping them as size 1 with keepdim. */
export const sum = (a: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.sum(a, dim, keepdim);
/** torch.mean: the mean of all elements, or along dim(s). */
export const mean = (a: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.mean(a, dim, keepdim);
/** torch.argmax: the index of the largest value (of the flattened tensor, or along dim), int64. */
export const argmax = (a: Tensor, dim?: number, keepdim = false): Tensor => R.argmax(a, dim, keepdim);

/** torch.max(t) is the largest value; torch.max(t, dim) is [values, indices] along dim (also `.values`, `.indices`). */
export function max(a: Tensor): Tensor;
export function max(a: Tensor, dim: number, keepdim?: boolean): R.ValuesIndices;
export function max(a: Tensor, dim?: number, keepdim = false): Tensor | R.ValuesIndices {
  return dim === undefined ? R.maxAll(a) : R.maxDim(a, dim, keepdim);
}
/** torch.min(t) is the smallest value; torch.min(t, dim) is [values, indices] along dim (also `.values`, `.indices`). */
export function min(a: Tensor): Tensor;
export function min(a: Tensor, dim: number, keepdim?: boolean): R.ValuesIndices;
export function min(a: Tensor, dim?: number, keepdim = false): Tensor | R.ValuesIndices {
  return dim === undefined ? R.minAll(a) : R.minDim(a, dim, keepdim);
}

/** `torch.flatten(t, start, end)`: the same as `t.flatten(start, end)` (all dimensions by default). */
export const flatten = (a: Tensor, startDim = 0, endDim = -1): Tensor => a.flatten(startDim, endDim);

// ---- the everyday math functions (ops/math.ts), reductions and creators beyond the articles ----
/** torch.sin: the sine, elementwise. */
export const sin = (a: Tensor): Tensor => X.sin(a);
/** torch.cos: the cosine, elementwise. */
export const cos = (a: Tensor): Tensor => X.cos(a);
/** torch.tan: the tangent, elementwise. */
export const tan = (a: Tensor): Tensor => X.tan(a);
/** torch.asin: the arcsine, elementwise. */
export const asin = (a: Tensor): Tensor => X.asin(a);
/** torch.acos: the arccosine, elementwise. */
export const acos = (a: Tensor): Tensor => X.acos(a);
/** torch.atan: the arctangent, elementwise. */
export const atan = (a: Tensor): Tensor => X.atan(a);
/** torch.sinh: the hyperbolic sine, elementwise. */
export const sinh = (a: Tensor): Tensor => X.sinh(a);
/** torch.cosh: the hyperbolic cosine, elementwise. */
export const cosh = (a: Tensor): Tensor => X.cosh(a);
/** torch.log1p: log(1 + x), accurate near 0, elementwise. */
export const log1p = (a: Tensor): Tensor => X.log1p(a);
/** torch.expm1: exp(x) - 1, accurate near 0, elementwise. */
export const expm1 = (a: Tensor): Tensor => X.expm1(a);
/** torch.log2: the base-2 log, elementwise. */
export const log2 = (a: Tensor): Tensor => X.log2(a);
/** torch.log10: the base-10 log, elementwise. */
export const log10 = (a: Tensor): Tensor => X.log10(a);
/** torch.reciprocal: 1 / x, elementwise. */
export const reciprocal = (a: Tensor): Tensor => X.reciprocal(a);
/** torch.rsqrt: 1 / sqrt(x), elementwise. */
export const rsqrt = (a: Tensor): Tensor => X.rsqrt(a);
/** torch.square: x * x, elementwise. */
export const square = (a: Tensor): Tensor => X.square(a);
/** torch.sign: -1, 0 or 1 (NaN stays NaN), elementwise. */
export const sign = (a: Tensor): Tensor => X.sign(a);
/** torch.floor: rounded down, elementwise. */
export const floor = (a: Tensor): Tensor => X.floor(a);
/** torch.ceil: rounded up, elementwise. */
export const ceil = (a: Tensor): Tensor => X.ceil(a);
/** torch.round: rounded half to even, as PyTorch, elementwise. */
export const round = (a: Tensor): Tensor => X.round(a);
/** torch.trunc: rounded toward zero, elementwise. */
export const trunc = (a: Tensor): Tensor => X.trunc(a);
/** torch.frac: x - trunc(x), elementwise. */
export const frac = (a: Tensor): Tensor => X.frac(a);
/** torch.isnan: whether each element is NaN (bool), elementwise. */
export const isnan = (a: Tensor): Tensor => X.isnan(a);
/** torch.isinf: whether each element is infinite (bool), elementwise. */
export const isinf = (a: Tensor): Tensor => X.isinf(a);
/** torch.isfinite: whether each element is finite (bool), elementwise. */
export const isfinite = (a: Tensor): Tensor => X.isfinite(a);
/** torch.clamp: each element held in [min, max] (either may be null). */
export const clamp = (a: Tensor, min: number | null = null, max: number | null = null): Tensor => X.clamp(a, min, max);
/** torch.clip: the same as clamp. */
export const clip = clamp;
/** torch.where(condition, a, b): a where the bool condition is true, else b (broadcast, promoted). */
export const where = (condition: Tensor, a: Operand, b: Operand): Tensor => X.where(condition, a, b);
/** torch.maximum: the elementwise larger of two tensors (NaN wins). */
export const maximum = (a: Tensor, b: Tensor): Tensor => X.maximum(a, b);
/** torch.minimum: the elementwise smaller of two tensors (NaN wins). */
export const minimum = (a: Tensor, b: Tensor): Tensor => X.minimum(a, b);
/** torch.remainder(a, b): a - b * floor(a / b), the sign of b's (Python's %). */
export const remainder = (a: Tensor, b: Operand): Tensor => X.remainder(a, b);
/** torch.fmod(a, b): a - b * trunc(a / b), the sign of a's (C's fmod). */
export const fmod = (a: Tensor, b: Operand): Tensor => X.fmod(a, b);
/** torch.floor_divide(a, b): floor(a / b). */
export const floorDivide = (a: Tensor, b: Operand): Tensor => X.floorDivide(a, b);
/** torch.atan2(y, x): the angle of the point (x, y), elementwise. */
export const atan2 = (y: Tensor, x: Operand): Tensor => X.atan2(y, x);
/** torch.var: the variance over dims (all by default), divided by count - correction (1: unbiased). */
export const variance = (a: Tensor, dim?: R.Dims, options?: { correction?: number; keepdim?: boolean }): Tensor => R.variance(a, dim, options);
/** torch.std: the standard deviation, the square root of var. */
export const std = (a: Tensor, dim?: R.Dims, options?: { correction?: number; keepdim?: boolean }): Tensor => R.std(a, dim, options);
/** torch.amax: the largest values over dims (all by default). */
export const amax = (a: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.amax(a, dim, keepdim);
/** torch.amin: the smallest values over dims (all by default). */
export const amin = (a: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.amin(a, dim, keepdim);
/** torch.argmin: the index of the smallest value (of the flattened tensor, or along dim), int64. */
export const argmin = (a: Tensor, dim?: number, keepdim = false): Tensor => R.argmin(a, dim, keepdim);
/** torch.prod: the product of all elements, or along dim. */
export const prod = (a: Tensor, dim?: number, keepdim = false): Tensor => R.prod(a, dim, keepdim);
/** torch.cumsum: running sums along dim. */
export const cumsum = (a: Tensor, dim: number): Tensor => R.cumsum(a, dim);
/** torch.all: whether every element (along dim) is nonzero. */
export const all = (a: Tensor, dim?: number, keepdim = false): Tensor => R.all(a, dim, keepdim);
/** torch.any: whether some element (along dim) is nonzero. */
export const any = (a: Tensor, dim?: number, keepdim = false): Tensor => R.any(a, dim, keepdim);
/** torch.softmax(x, dim). */
export const softmax = (a: Tensor, dim: number): Tensor => SM.softmax(a, dim);
/** torch.log_softmax(x, dim). */
export const logSoftmax = (a: Tensor, dim: number): Tensor => SM.logSoftmax(a, dim);
/** torch.tril: the lower triangle of the last two dims. */
export const tril = (a: Tensor, diagonal = 0): Tensor => X.tril(a, diagonal);
/** torch.triu: the upper triangle of the last two dims. */
export const triu = (a: Tensor, diagonal = 0): Tensor => X.triu(a, diagonal);
/** torch.eye(n, m = n): ones on the diagonal. */
export const eye = X.eye;
/** torch.linspace(start, end, steps): evenly spaced values, both ends included. */
export const linspace = X.linspace;
export { variance as var };
/** torch.lerp(start, end, weight): start + weight * (end - start). */
export const lerp = (start: Tensor, end: Tensor, weight: Operand): Tensor => X.lerp(start, end, weight);
/** torch.addcmul(input, t1, t2, value = 1): input + value * t1 * t2. */
export const addcmul = X.addcmul;
/** torch.addcdiv(input, t1, t2, value = 1): input + value * t1 / t2. */
export const addcdiv = X.addcdiv;
/** torch.norm(x, p = 2, dim?, keepdim?). */
export const norm = X.norm;
/** torch.outer(a, b): the outer product of two vectors. */
export const outer = X.outer;
/** torch.diag: a vector to a diagonal matrix, or a matrix's diagonal to a vector. */
export const diag = X.diag;
/** torch.nan_to_num. */
export const nanToNum = X.nanToNum;
/** torch.allclose(a, b, { rtol = 1e-5, atol = 1e-8, equalNan = false }). */
export const allclose = X.allclose;
/** torch.equal: the same shape and values. */
export const equal = X.equal;
/** torch.chunk. */
export const chunk = G.chunk;
/** torch.split. */
export const split = G.split;
/** torch.unbind. */
export const unbind = G.unbind;
/** torch.flip(x, dims). */
export const flip = G.flip;
/** torch.roll(x, shifts, dims?). */
export const roll = G.roll;
/** torch.tile(x, sizes). */
export const tile = G.tile;
/** torch.gather(x, dim, index). */
export const gather = G.gather;
/** torch.index_select(x, dim, index). */
export const indexSelect = G.indexSelect;
/** torch.masked_select(x, mask). */
export const maskedSelect = G.maskedSelect;
/** torch.sort(x, dim = -1, descending = false): [values, indices]. */
export const sort = G.sort;
/** torch.argsort(x, dim = -1, descending = false). */
export const argsort = G.argsort;
/** torch.topk(x, k, dim = -1, largest = true): [values, indices]. */
export const topk = G.topk;
/** torch.bmm: batched matrix products of [B, n, m] and [B, m, p]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 3 || b.dim() !== 3) throw new Error(`batch1 must be a 3D tensor`);
  if (a.shape[0] !== b.shape[0]) throw new Error(`batch1 and batch2 must have same number of batches, got ${a.shape[0]} and ${b.shape[0]}`);
  return M.matmul(a, b);
}
/** torch.linalg: vectorNorm. */
export const linalg = { vectorNorm: X.vectorNorm };
/** torch.erf: the error function, elementwise. */
export const erf = (a: Tensor): Tensor => X.erf(a);
/** torch.repeat_interleave(x, repeats, dim?). */
export const repeatInterleave = G.repeatInterleave;
/** torch.cumprod(x, dim). */
export const cumprod = G.cumprod;
/** torch.einsum(equation, ...operands): "ij,jk->ik" and the like. */
export const einsum = G.einsum;
/** torch.multinomial(probs, numSamples, replacement = false). */
export const multinomial = G.multinomial;
