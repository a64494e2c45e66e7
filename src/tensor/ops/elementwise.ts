// Elementwise ops: each one's forward and backward side by side. Binary ops broadcast (shape.ts),
// and the backward sums each gradient back down to its operand's own shape.
//
// dtypes follow PyTorch: the operands' dtypes promote to one (dtype.ts, resultType), each operand is
// read as that dtype, and the result is written in it, so uint8 wraps at 256 and int32 at 2^31.
// Division and the float functions (exp, log, sigmoid, ...) make integers floating point.
import { isGradEnabled, record } from "../autograd.ts";
import {
  bool, castArray, castValue, float32, int32, int64, uint8, normalizeInPlace, resultType, scalarDType,
  type DataArray, type DType, type PromotionOperand,
} from "../dtype.ts";
import { broadcastShapes, broadcastStrides, forEachIndex, numelOf, sameShape, sumToShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { kernelsFor } from "../../kernels/index.ts";
import type { ArithmeticOp, MapOp } from "../../kernels/js/elementwise.ts";
import { apply as applyInPlace } from "../inplace.ts";
import { where } from "./math.ts";

export type Operand = Tensor | number;

// ---- dtypes ----------------------------------------------------------------------------------

function promotionOperand(x: Operand): PromotionOperand {
  if (typeof x === "number") return { dtype: scalarDType(x), kind: "scalar" };
  return { dtype: x.dtype, kind: x.shape.length === 0 ? "zeroDim" : "tensor" };
}

/** The dtype PyTorch computes `a op b` in (torch.result_type). */
export function resultTypeOf(a: Operand, b: Operand): DType {
  // the common cases first: one dtype, or a floating tensor with a plain number (it cannot lift a float)
  if (a instanceof Tensor && b instanceof Tensor && a.dtype === b.dtype) return a.dtype;
  if (a instanceof Tensor && typeof b === "number" && a.dtype.isFloatingPoint) return a.dtype;
  if (b instanceof Tensor && typeof a === "number" && b.dtype.isFloatingPoint) return b.dtype;
  return resultType([promotionOperand(a), promotionOperand(b)]);
}

/** A plain number as a 0-d tensor of the dtype PyTorch gives it (int64 if whole, else float32). */
export function asTensor(x: Operand): Tensor {
  if (x instanceof Tensor) return x;
  const dtype = scalarDType(x);
  return new Tensor(castArray([x], dtype), [], dtype);
}

/** An operand's values as `dtype` reads them (cast only when the dtypes differ) and its shape. */
function valuesAs(x: Operand, dtype: DType): [DataArray, readonly number[]] {
  if (typeof x === "number") return [castArray([x], dtype), []];
  return [x.dtype === dtype ? x._data : castArray(x._data, dtype), x.shape];
}

// ---- the two loops every elementwise op uses --------------------------------------------------

/** f applied to every element, written into a new array of `dtype`. */
export function mapData(src: DataArray, f: (x: number) => number, dtype: DType): DataArray {
  const out = dtype.empty(src.length); // written in full
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  normalizeInPlace(out, dtype);
  return out;
}

/** f applied over the broadcast of a and b, written into a new array of `dtype`: returns the data and its shape. */
export function zipData(
  a: DataArray, aShape: readonly number[], b: DataArray, bShape: readonly number[],
  f: (x: number, y: number) => number, dtype: DType = float32,
): [DataArray, readonly number[]] {
  if (sameShape(aShape, bShape)) {
    const out = dtype.empty(a.length); // written in full
    for (let i = 0; i < a.length; i++) out[i] = f(a[i]!, b[i]!);
    normalizeInPlace(out, dtype);
    return [out, aShape];
  }
  const shape = broadcastShapes(aShape, bShape);
  const out = dtype.zeros(numelOf(shape));
  const as = broadcastStrides(aShape, shape);
  if (b.length === 1) {
    const y = b[0]!;
    forEachIndex(shape, as, (o, i) => (out[o] = f(a[i]!, y)));
  } else {
    const bs = broadcastStrides(bShape, shape);
    const bOffsets = new Int32Array(out.length);
    forEachIndex(shape, bs, (o, j) => (bOffsets[o] = j));
    forEachIndex(shape, as, (o, i) => (out[o] = f(a[i]!, b[bOffsets[o]!]!)));
  }
  normalizeInPlace(out, dtype);
  return [out, shape];
}

/** `a f b` computed in `compute` (both operands read as it) and written as `out`. `op`, when
 *  given, names f for the kernels' own loop, taken where it applies (see arithmeticLoop). */
export function binary(a: Operand, b: Operand, f: (x: number, y: number) => number, compute: DType, out: DType = compute, op?: ArithmeticOp): Tensor {
  if (op && out === compute) {
    const fast = arithmeticLoop(a, b, op, compute);
    if (fast) return fast;
  }
  if (a instanceof Tensor && typeof b === "number" && a.dtype === compute) {
    const y = castValue(b, compute); // a scalar is read in the op's dtype first, as PyTorch does
    return new Tensor(mapData(a._data, (x) => f(x, y), out), a.shape, out);
  }
  const [aData, aShape] = valuesAs(a, compute);
  const [bData, bShape] = valuesAs(b, compute);
  const [data, shape] = zipData(aData, aShape, bData, bShape, f, out);
  return new Tensor(data, shape, out);
}

const SWAPPED: Record<ArithmeticOp, ArithmeticOp> = { add: "add", mul: "mul", sub: "rsub", div: "rdiv", rsub: "sub", rdiv: "div" };

/** Whether `small` broadcast against `big` gives `big`'s shape with `small` repeating whole within
 *  it: the same shape, one element, or `big`'s trailing dims (leading 1s allowed). */
function repeatsWithin(small: readonly number[], big: readonly number[]): boolean {
  if (small.length > big.length) return false;
  const lead = big.length - small.length;
  let i = 0;
  while (i < small.length && small[i] === 1 && big[lead + i] !== 1) i++;
  for (let j = i; j < small.length; j++) if (small[j] !== big[lead + j]) return false;
  return true;
}

/** `a op b` by the kernels' loop for op (kernels/js/elementwise.ts) when both are read and written
 *  in one float dtype and one repeats within the other; null otherwise, for the general loop. */
function arithmeticLoop(a: Operand, b: Operand, op: ArithmeticOp, dtype: DType): Tensor | null {
  if (!dtype.isFloatingPoint) return null;
  if ((a instanceof Tensor && a.dtype !== dtype) || (b instanceof Tensor && b.dtype !== dtype)) return null;
  const aShape = a instanceof Tensor ? a.shape : [], bShape = b instanceof Tensor ? b.shape : [];
  const [big, small, order] = repeatsWithin(bShape, aShape) ? [a, b, op] : repeatsWithin(aShape, bShape) ? [b, a, SWAPPED[op]] : [null, null, op];
  if (!(big instanceof Tensor) || small === null) return null;
  const out = new Tensor(dtype.empty(big.numel()), big.shape, dtype); // written in full
  kernelsFor(dtype).arithmetic(order, big._data, typeof small === "number" ? castArray([small], dtype) : small._data, out._data);
  return out;
}

/** The gradient for an operand: g reduced to the operand's shape (null for plain numbers). */
function toOperand(g: Tensor, x: Operand): Tensor | null {
  if (!(x instanceof Tensor)) return null;
  return sumTo(g, x.shape);
}

/** `g` summed down to `shape` (the adjoint of broadcasting), as a tensor. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  if (isGradEnabled() && g.requiresGrad) {
    // the differentiable path (a backward being recorded): the dims broadcasting added or stretched
    const lead = g.shape.length - shape.length;
    const dims = g.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1));
    return g.sum(dims, true).reshape(shape);
  }
  return new Tensor(sumToShape(g._data, g.shape, shape), shape, g.dtype);
}

function tensorsOf(...xs: Operand[]): Tensor[] {
  return xs.filter((x): x is Tensor => x instanceof Tensor);
}

function needsGrad(x: Operand): boolean {
  return x instanceof Tensor && x.requiresGrad;
}

function keepGrads(a: Operand, b: Operand, ga: Tensor | null, gb: Tensor | null): (Tensor | null)[] {
  const out: (Tensor | null)[] = [];
  if (a instanceof Tensor) out.push(ga);
  if (b instanceof Tensor) out.push(gb);
  return out;
}

/** `x` saved for backward when `needed` (a plain number is saved too, as PyTorch saves a scalar operand). */
function saveIf(needed: boolean, x: Operand): Operand | null {
  return needed ? x : null;
}

// ---- arithmetic ---------------------------------------------------------------------------

export function add(a: Operand, b: Operand): Tensor {
  const type = resultTypeOf(a, b);
  const out = binary(a, b, (x, y) => x + y, type, type, "add");
  return record(out, "AddBackward0", tensorsOf(a, b), (g) => keepGrads(a, b, toOperand(g, a), toOperand(g, b)));
}

export function sub(a: Operand, b: Operand): Tensor {
  const type = resultTypeOf(a, b);
  if (type === bool) {
    throw new Error("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
  }
  if ((a instanceof Tensor && a.dtype === bool) || (b instanceof Tensor && b.dtype === bool)) {
    throw new Error("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  }
  const out = binary(a, b, (x, y) => x - y, type, type, "sub");
  return record(out, typeof a === "number" ? "RsubBackward1" : "SubBackward0", tensorsOf(a, b), (g) =>
    keepGrads(a, b, toOperand(g, a), toOperand(neg(g), b)));
}

export function mul(a: Operand, b: Operand): Tensor {
  const type = resultTypeOf(a, b);
  // int32 products can pass 2^53, where a double loses the low bits that int32 wrap-around keeps
  const out = binary(a, b, type === int32 ? Math.imul : (x, y) => x * y, type, type, "mul");
  // each operand's gradient needs the other one's values
  return record(out, "MulBackward0", tensorsOf(a, b), (g) =>
    keepGrads(a, b, toOperand(mul(g, b), a), toOperand(mul(g, a), b)),
  [saveIf(needsGrad(a), b), saveIf(needsGrad(b), a)]);
}

export function div(a: Operand, b: Operand): Tensor {
  const type = resultTypeOf(a, b);
  const compute = type.isFloatingPoint ? type : float32; // true division, as torch.div
  const out = binary(a, b, (x, y) => x / y, compute, compute, "div");
  // d(a/b)/da = 1/b; d(a/b)/db = -a/b²
  return record(out, "DivBackward0", tensorsOf(a, b), (g) =>
    keepGrads(a, b, toOperand(div(g, b), a), toOperand(neg(div(mul(g, a), mul(b, b))), b)),
  [saveIf(needsGrad(a) || needsGrad(b), b), saveIf(needsGrad(b), a)]);
}

export function pow(a: Operand, b: Operand): Tensor {
  const type = resultTypeOf(a, b);
  if (!type.isFloatingPoint && typeof b === "number" && b < 0) throw new Error("Integers to negative integer powers are not allowed.");
  if (type === bool) throw new Error(`"pow" not implemented for 'Bool'`);
  const out = binary(a, b, type.isFloatingPoint ? powC : (x, y) => integerPow(x, y, type), type);
  const name = typeof a === "number" ? "PowBackward2" : typeof b === "number" ? "PowBackward0" : "PowBackward1";
  return record(out, name, tensorsOf(a, b), (g) => {
    const A = asTensor(a), B = asTensor(b);
    if (isGradEnabled()) {
      // recorded, for a backward differentiated again: the same rules written with tensor ops
      const ga = needsGrad(a) ? mul(g, where(B.eq(0), 0, mul(B, pow(A, sub(B, 1))))) : null;
      const gb = needsGrad(b) ? mul(g, mul(out, where(A.eq(0).mul(B.ge(0)), 0, log(A.to(g.dtype))))) : null;
      return keepGrads(a, b, ga && toOperand(ga, a), gb && toOperand(gb, b));
    }
    // d(a^b)/da = b * a^(b-1), taken as 0 where b = 0 (0 * 0^-1 would be NaN);
    // d(a^b)/db = a^b * ln(a), taken as 0 where a = 0 and b >= 0 (0 * -inf would be NaN)
    const ga = needsGrad(a) ? mul(g, binary(A, B, (x, y) => (y === 0 ? 0 : y * powC(x, y - 1)), g.dtype)) : null;
    const gb = needsGrad(b) ? mul(g, mul(out, binary(A, B, (x, y) => (x === 0 && y >= 0 ? 0 : Math.log(x)), g.dtype))) : null;
    return keepGrads(a, b, ga && toOperand(ga, a), gb && toOperand(gb, b));
  }, [saveIf(true, a), saveIf(true, b), needsGrad(b) ? out : null]);
}

/** C's pow, which PyTorch computes with: unlike Math.pow, 1^y is 1 for every y (NaN too), and so is
 *  (-1)^±Infinity. */
function powC(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/** x^y for integers by repeated squaring, wrapping at each product as PyTorch's integer kernels do
 *  (int32 at 2^31, uint8 at 256; int64 is checked against ±2^53 where its result is stored). */
function integerPow(x: number, y: number, dtype: DType): number {
  if (y < 0) return x === 1 ? 1 : x === -1 ? (y % 2 === 0 ? 1 : -1) : 0;
  const times = dtype === int32 ? Math.imul : dtype === uint8 ? (p: number, q: number) => (p * q) & 255 : (p: number, q: number) => p * q;
  let result = 1, base = x;
  for (let e = y; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = times(result, base);
    base = times(base, base);
    if (dtype === int64 && Math.abs(result) > 2 ** 53) return result; // the store refuses it
  }
  return result;
}

// ---- unary ---------------------------------------------------------------------------------

/** The dtype of a float function's result: integers become float32, floats keep their dtype. */
export function floatResult(a: Tensor): DType {
  return a.dtype.isFloatingPoint ? a.dtype : float32;
}

/** f of every element of a, written as `dtype`; `op`, when given, names f for the kernels' own
 *  loop, taken when a is already of that float dtype. */
export function unary(a: Tensor, f: (x: number) => number, dtype: DType, op?: MapOp): Tensor {
  if (op && a.dtype === dtype && dtype.isFloatingPoint) {
    const out = new Tensor(dtype.zeros(a.numel()), a.shape, dtype);
    kernelsFor(dtype).map(op, a._data, out._data);
    return out;
  }
  return new Tensor(mapData(a._data, f, dtype), a.shape, dtype);
}

export function neg(a: Tensor): Tensor {
  if (a.dtype === bool) {
    throw new Error("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  }
  const out = unary(a, (x) => -x, a.dtype, "neg");
  return record(out, "NegBackward0", [a], (g) => [neg(g)]);
}

export function exp(a: Tensor): Tensor {
  const out = unary(a, Math.exp, floatResult(a), "exp");
  return record(out, "ExpBackward0", [a], (g) => [mul(g, out)], [out]);
}

export function log(a: Tensor): Tensor {
  const out = unary(a, Math.log, floatResult(a), "log");
  return record(out, "LogBackward0", [a], (g) => [div(g, a)], [a]);
}

export function sqrt(a: Tensor): Tensor {
  const out = unary(a, Math.sqrt, floatResult(a), "sqrt");
  return record(out, "SqrtBackward0", [a], (g) => [div(g, mul(out, 2))], [out]);
}

export function abs(a: Tensor): Tensor {
  if (a.dtype === bool) throw new Error(`"abs_cpu" not implemented for 'Bool'`);
  const out = unary(a, Math.abs, a.dtype);
  return record(out, "AbsBackward0", [a], (g) => [mul(g, isGradEnabled() ? a.sign() : unary(a, Math.sign, a.dtype))], [a]);
}

/** torch.sigmoid (F.sigmoid): 1 / (1 + e^-x) elementwise; its gradient is out * (1 - out). */
export function sigmoid(a: Tensor): Tensor {
  const out = unary(a, (x) => 1 / (1 + Math.exp(-x)), floatResult(a), "sigmoid");
  return record(out, "SigmoidBackward0", [a], (g) => [mul(g, mul(out, sub(1, out)))], [out]);
}

/** torch.tanh (F.tanh) elementwise; its gradient is 1 - out². */
export function tanh(a: Tensor): Tensor {
  const out = unary(a, Math.tanh, floatResult(a), "tanh");
  return record(out, "TanhBackward0", [a], (g) => [mul(g, sub(1, mul(out, out)))], [out]);
}

/** torch.relu (F.relu): max(x, 0) elementwise, NaN kept; the gradient passes where the output is > 0. */
export function relu(a: Tensor): Tensor {
  if (a.dtype === bool) throw new Error("Boolean inputs not supported for relu");
  // on the kernel seam: it runs on every activation of a network (kernels/js/activation.ts reads plainly)
  const kernels = kernelsFor(a.dtype);
  const out = new Tensor(a.dtype.empty(a.numel()), a.shape, a.dtype); // written in full
  kernels.relu(a._data, out._data);
  // the gradient passes where the output is positive; at exactly 0 it is 0, as in PyTorch
  return record(out, "ReluBackward0", [a], (g) => {
    if (isGradEnabled()) return [where(out.le(0), 0, g)]; // recorded: a backward being differentiated
    const dx = new Tensor(g.dtype.empty(g.numel()), a.shape, g.dtype); // written in full
    kernelsFor(g.dtype).reluBackward(out._data, g._data, dx._data);
    return [dx];
  }, [out]);
}

/** torch.relu_ (F.relu(x, { inplace: true })): x = max(x, 0) in place, recorded as PyTorch records it. */
export function relu_(a: Tensor): Tensor {
  return applyInPlace(a, "relu_", [], (self) => relu(self));
}

// ---- comparisons (no gradient; bool results) ------------------------------------------------

function compare(a: Tensor, b: Operand, f: (x: number, y: number) => boolean): Tensor {
  return binary(a, b, (x, y) => (f(x, y) ? 1 : 0), resultTypeOf(a, b), bool);
}
export const eq = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x === y);
export const ne = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x !== y);
export const gt = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x > y);
export const lt = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x < y);
export const ge = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x >= y);
export const le = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x <= y);
