// Elementwise ops: each one's forward and backward side by side. Binary ops broadcast (shape.ts),
// and the backward sums each gradient back down to its operand's own shape.
import { record } from "../autograd.ts";
import { broadcastShapes, broadcastStrides, forEachIndex, numelOf, sameShape, sumToShape } from "../shape.ts";
import { Tensor, type DType } from "../tensor.ts";

export type Operand = Tensor | number;

// ---- dtypes ----------------------------------------------------------------------------------

const rank: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3 };

/** PyTorch's promotion: float beats int beats bool; a plain number counts as int if it is whole
 *  and does not widen an int32 tensor (it is a "weak" scalar), as a float it makes the result float. */
function resultType(a: Operand, b: Operand): DType {
  const weak = (x: number): DType => (Number.isInteger(x) ? "int64" : "float32");
  if (typeof a === "number" && typeof b === "number") return weak(a) === "float32" || weak(b) === "float32" ? "float32" : "int64";
  if (typeof a === "number") return resultType(b, a);
  if (typeof b === "number") {
    const w = weak(b);
    if (a.dtype === "bool") return w;
    return w === "float32" ? "float32" : a.dtype;
  }
  return rank[a.dtype] >= rank[b.dtype] ? a.dtype : b.dtype;
}

export function asTensor(x: Operand): Tensor {
  if (x instanceof Tensor) return x;
  return new Tensor(Float32Array.of(x), [], Number.isInteger(x) ? "int64" : "float32");
}

// ---- the two loops every elementwise op uses --------------------------------------------------

export function mapData(src: Float32Array, f: (x: number) => number): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  return out;
}

/** f applied over the broadcast of a and b: returns the data and its shape. */
export function zipData(
  a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[],
  f: (x: number, y: number) => number,
): [Float32Array, number[]] {
  if (sameShape(aShape, bShape)) {
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = f(a[i]!, b[i]!);
    return [out, [...aShape]];
  }
  const shape = broadcastShapes(aShape, bShape);
  const out = new Float32Array(numelOf(shape));
  if (b.length === 1) {
    const y = b[0]!;
    const as = broadcastStrides(aShape, shape);
    forEachIndex(shape, as, (o, i) => (out[o] = f(a[i]!, y)));
    return [out, shape];
  }
  const as = broadcastStrides(aShape, shape);
  const bs = broadcastStrides(bShape, shape);
  const bOffsets = new Int32Array(out.length);
  forEachIndex(shape, bs, (o, j) => (bOffsets[o] = j));
  forEachIndex(shape, as, (o, i) => (out[o] = f(a[i]!, b[bOffsets[o]!]!)));
  return [out, shape];
}

function binary(a: Operand, b: Operand, f: (x: number, y: number) => number, dtype: DType): Tensor {
  const A = asTensor(a), B = asTensor(b);
  const [data, shape] = zipData(A.data, A.shape, B.data, B.shape, f);
  if (dtype !== "float32") for (let i = 0; i < data.length; i++) data[i] = Math.trunc(data[i]!);
  return new Tensor(data, shape, dtype);
}

/** The gradient for an operand: g reduced to the operand's shape (null for plain numbers). */
function toOperand(g: Tensor, x: Operand): Tensor | null {
  if (!(x instanceof Tensor)) return null;
  return sameShape(g.shape, x.shape) ? g : new Tensor(sumToShape(g.data, g.shape, x.shape), x.shape, g.dtype);
}

function tensorsOf(...xs: Operand[]): Tensor[] {
  return xs.filter((x): x is Tensor => x instanceof Tensor);
}

function keepGrads(a: Operand, b: Operand, ga: Tensor | null, gb: Tensor | null): (Tensor | null)[] {
  const out: (Tensor | null)[] = [];
  if (a instanceof Tensor) out.push(ga);
  if (b instanceof Tensor) out.push(gb);
  return out;
}

// ---- arithmetic ---------------------------------------------------------------------------

export function add(a: Operand, b: Operand): Tensor {
  const out = binary(a, b, (x, y) => x + y, resultType(a, b));
  return record(out, "AddBackward0", tensorsOf(a, b), (g) => keepGrads(a, b, toOperand(g, a), toOperand(g, b)));
}

export function sub(a: Operand, b: Operand): Tensor {
  const out = binary(a, b, (x, y) => x - y, resultType(a, b));
  return record(out, typeof a === "number" ? "RsubBackward1" : "SubBackward0", tensorsOf(a, b), (g) =>
    keepGrads(a, b, toOperand(g, a), toOperand(neg(g), b)));
}

export function mul(a: Operand, b: Operand): Tensor {
  const out = binary(a, b, (x, y) => x * y, resultType(a, b));
  return record(out, "MulBackward0", tensorsOf(a, b), (g) =>
    keepGrads(a, b, toOperand(mul(g, b), a), toOperand(mul(g, a), b)));
}

export function div(a: Operand, b: Operand): Tensor {
  const out = binary(a, b, (x, y) => x / y, "float32"); // true division, as torch.div
  return record(out, "DivBackward0", tensorsOf(a, b), (g) =>
    keepGrads(a, b, toOperand(div(g, b), a), toOperand(neg(div(mul(g, out), b)), b)));
}

export function pow(a: Operand, b: Operand): Tensor {
  const out = binary(a, b, (x, y) => Math.pow(x, y), resultType(a, b));
  const name = typeof b === "number" ? "PowBackward0" : "PowBackward1";
  return record(out, name, tensorsOf(a, b), (g) => {
    // d(a^b)/da = b * a^(b-1); d(a^b)/db = a^b * ln(a)
    const A = asTensor(a);
    const ga = b === 0 ? mul(g, 0) : mul(g, mul(b, pow(A, sub(b, 1))));
    const gb = b instanceof Tensor ? toOperand(mul(g, mul(out, log(A))), b) : null;
    return keepGrads(a, b, toOperand(ga, a), gb);
  });
}

// ---- unary ---------------------------------------------------------------------------------

function unary(a: Tensor, f: (x: number) => number, dtype: DType = "float32"): Tensor {
  return new Tensor(mapData(a.data, f), a.shape, dtype);
}

export function neg(a: Tensor): Tensor {
  if (a.dtype === "bool") throw new Error("Negation, the `-` operator, on a bool tensor is not supported.");
  const out = unary(a, (x) => -x, a.dtype);
  return record(out, "NegBackward0", [a], (g) => [neg(g)]);
}

export function exp(a: Tensor): Tensor {
  const out = unary(a, Math.exp);
  return record(out, "ExpBackward0", [a], (g) => [mul(g, out)]);
}

export function log(a: Tensor): Tensor {
  const out = unary(a, Math.log);
  return record(out, "LogBackward0", [a], (g) => [div(g, a)]);
}

export function sqrt(a: Tensor): Tensor {
  const out = unary(a, Math.sqrt);
  return record(out, "SqrtBackward0", [a], (g) => [div(g, mul(out, 2))]);
}

export function abs(a: Tensor): Tensor {
  const out = unary(a, Math.abs, a.dtype);
  return record(out, "AbsBackward0", [a], (g) => [mul(g, unary(a, Math.sign))]);
}

export function sigmoid(a: Tensor): Tensor {
  const out = unary(a, (x) => 1 / (1 + Math.exp(-x)));
  return record(out, "SigmoidBackward0", [a], (g) => [mul(g, mul(out, sub(1, out)))]);
}

export function tanh(a: Tensor): Tensor {
  const out = unary(a, Math.tanh);
  return record(out, "TanhBackward0", [a], (g) => [mul(g, sub(1, mul(out, out)))]);
}

export function relu(a: Tensor): Tensor {
  const out = unary(a, (x) => (x > 0 ? x : x !== x ? x : 0), a.dtype); // NaN stays NaN
  // the gradient passes where the output is positive; at exactly 0 it is 0, as in PyTorch
  return record(out, "ReluBackward0", [a], (g) => [mul(g, unary(out, (y) => (y > 0 ? 1 : 0)))]);
}

// ---- comparisons (no gradient; bool results) ------------------------------------------------

function compare(a: Tensor, b: Operand, f: (x: number, y: number) => boolean): Tensor {
  return binary(a, b, (x, y) => (f(x, y) ? 1 : 0), "bool");
}
export const eq = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x === y);
export const ne = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x !== y);
export const gt = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x > y);
export const lt = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x < y);
export const ge = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x >= y);
export const le = (a: Tensor, b: Operand) => compare(a, b, (x, y) => x <= y);

/** `g` summed down to `shape` (the adjoint of broadcasting), as a tensor. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  return sameShape(g.shape, shape) ? g : new Tensor(sumToShape(g.data, g.shape, shape), shape, g.dtype);
}
