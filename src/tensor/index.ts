// The tensor half of the public surface: creation, free functions, autograd helpers.
import { Tensor } from "./tensor.ts";
import * as E from "./ops/elementwise.ts";
import * as R from "./ops/reduce.ts";
import * as M from "./ops/matmul.ts";

export { Tensor, VersionCounter, type BackwardOptions } from "./tensor.ts";
export {
  DType, type DTypeLike, type DTypeName, type DataArray, promoteTypes, canCast,
  float32, float32 as float, float64, float64 as double, int64, int64 as long, int32, int32 as int, uint8, bool,
} from "./dtype.ts";
export { Size } from "./shape.ts";
export { GradFn, AccumulateGrad, noGrad, isGradEnabled } from "./autograd.ts";
export { gradcheck, type GradcheckOptions } from "./gradcheck.ts";
export { tensor, fromArray, zeros, ones, empty, full, zerosLike, onesLike, rand, randn, arange, type TensorOptions } from "./create.ts";
export { cat, stack } from "./ops/shape.ts";
export { linear } from "./ops/matmul.ts";

type Operand = Tensor | number;
/** torch.result_type: the dtype an elementwise op of these operands computes in. */
export const resultType = (a: Operand, b: Operand) => E.resultTypeOf(a, b);
export const add = (a: Tensor, b: Operand): Tensor => E.add(a, b);
export const sub = (a: Tensor, b: Operand): Tensor => E.sub(a, b);
export const mul = (a: Tensor, b: Operand): Tensor => E.mul(a, b);
export const div = (a: Tensor, b: Operand): Tensor => E.div(a, b);
export const pow = (a: Tensor, b: Operand): Tensor => E.pow(a, b);
export const neg = (a: Tensor): Tensor => E.neg(a);
export const exp = (a: Tensor): Tensor => E.exp(a);
export const log = (a: Tensor): Tensor => E.log(a);
export const sqrt = (a: Tensor): Tensor => E.sqrt(a);
export const abs = (a: Tensor): Tensor => E.abs(a);
export const sigmoid = (a: Tensor): Tensor => E.sigmoid(a);
export const tanh = (a: Tensor): Tensor => E.tanh(a);
export const relu = (a: Tensor): Tensor => E.relu(a);
export const eq = (a: Tensor, b: Operand): Tensor => E.eq(a, b);
export const gt = (a: Tensor, b: Operand): Tensor => E.gt(a, b);
export const lt = (a: Tensor, b: Operand): Tensor => E.lt(a, b);
export const matmul = (a: Tensor, b: Tensor): Tensor => M.matmul(a, b);
export const sum = (a: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.sum(a, dim, keepdim);
export const mean = (a: Tensor, dim?: R.Dims, keepdim = false): Tensor => R.mean(a, dim, keepdim);
export const argmax = (a: Tensor, dim?: number, keepdim = false): Tensor => R.argmax(a, dim, keepdim);

/** torch.max(t) is the largest value; torch.max(t, dim) is [values, indices] along dim. */
export function max(a: Tensor): Tensor;
export function max(a: Tensor, dim: number, keepdim?: boolean): [Tensor, Tensor];
export function max(a: Tensor, dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
  return dim === undefined ? R.maxAll(a) : R.maxDim(a, dim, keepdim);
}

/** `torch.flatten(t, start, end)`: the same as `t.flatten(start, end)` (all dimensions by default). */
export const flatten = (a: Tensor, startDim = 0, endDim = -1): Tensor => a.flatten(startDim, endDim);
