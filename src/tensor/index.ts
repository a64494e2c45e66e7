// The tensor half of the public surface: creation, free functions, autograd helpers.
import { Tensor } from "./tensor.ts";
import * as E from "./ops/elementwise.ts";
import * as R from "./ops/reduce.ts";
import * as M from "./ops/matmul.ts";

export { Tensor, type BackwardOptions } from "./tensor.ts";
export { Storage } from "./storage.ts";
export {
  DType, type DTypeLike, type DTypeName, type DataArray, promoteTypes, canCast,
  float32, float32 as float, float64, float64 as double, int64, int64 as long, int32, int32 as int, uint8, bool,
} from "./dtype.ts";
export { Size } from "./shape.ts";
export type { ValuesIndices } from "./ops/reduce.ts";
export { GradFn, AccumulateGrad, noGrad, isGradEnabled } from "./autograd.ts";
export { gradcheck, type GradcheckOptions } from "./gradcheck.ts";
export { tensor, fromArray, zeros, ones, empty, full, zerosLike, onesLike, rand, randn, arange, type TensorOptions } from "./create.ts";
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
