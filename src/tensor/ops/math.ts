// The everyday math functions (torch.sin, torch.clamp, torch.where, torch.maximum, ...), each with
// its gradient beside it. Float functions make integers float32, as PyTorch's do; the rounding
// family keeps an integer tensor as it is.
import * as A from "../../args.ts";
import { isGradEnabled, record } from "../autograd.ts";
import { bool, castArray, castValue, float32, int64, resultType, toDType, type DType, type DTypeLike } from "../dtype.ts";
import { broadcastShapes } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { asTensor, binary, div, floatResult, mul, neg, resultTypeOf, sumTo, unary, type Operand } from "./elementwise.ts";

/** A float function of one tensor: `f` elementwise, its derivative `df(x, y)` (y = f(x)) for backward,
 *  and the same derivative written with tensor ops (`dt`), used when the backward is itself
 *  recorded (createGraph), so that it can be differentiated again. */
function floatFn(a: Tensor, name: string, f: (x: number) => number, df: (x: number, y: number) => number, dt: (x: Tensor, y: Tensor) => Tensor): Tensor {
  const out = unary(a, f, floatResult(a));
  return record(out, `${name}Backward0`, [a], (g) => {
    if (isGradEnabled()) return [mul(g, dt(a.to(g.dtype), out))];
    const x = a._data, y = out._data;
    const d = g.dtype.zeros(x.length);
    for (let i = 0; i < x.length; i++) d[i] = df(x[i]!, y[i]!);
    return [mul(g, new Tensor(d, a.shape, g.dtype))];
  }, [a, out]);
}

const oneOver = (t: Tensor) => t.reciprocal();
export const sin = (a: Tensor): Tensor => floatFn(a, "Sin", Math.sin, (x) => Math.cos(x), (x) => cos(x));
export const cos = (a: Tensor): Tensor => floatFn(a, "Cos", Math.cos, (x) => -Math.sin(x), (x) => neg(sin(x)));
export const tan = (a: Tensor): Tensor => floatFn(a, "Tan", Math.tan, (_, y) => 1 + y * y, (_, y) => y.mul(y).add(1));
export const asin = (a: Tensor): Tensor => floatFn(a, "Asin", Math.asin, (x) => 1 / Math.sqrt(1 - x * x), (x) => oneOver(x.mul(x).neg().add(1).sqrt()));
export const acos = (a: Tensor): Tensor => floatFn(a, "Acos", Math.acos, (x) => -1 / Math.sqrt(1 - x * x), (x) => neg(oneOver(x.mul(x).neg().add(1).sqrt())));
export const atan = (a: Tensor): Tensor => floatFn(a, "Atan", Math.atan, (x) => 1 / (1 + x * x), (x) => oneOver(x.mul(x).add(1)));
export const sinh = (a: Tensor): Tensor => floatFn(a, "Sinh", Math.sinh, (x) => Math.cosh(x), (x) => cosh(x));
export const cosh = (a: Tensor): Tensor => floatFn(a, "Cosh", Math.cosh, (x) => Math.sinh(x), (x) => sinh(x));
export const log1p = (a: Tensor): Tensor => floatFn(a, "Log1P", Math.log1p, (x) => 1 / (1 + x), (x) => oneOver(x.add(1)));
export const expm1 = (a: Tensor): Tensor => floatFn(a, "Expm1", Math.expm1, (_, y) => y + 1, (_, y) => y.add(1));
export const log2 = (a: Tensor): Tensor => floatFn(a, "Log2", Math.log2, (x) => 1 / (x * Math.LN2), (x) => oneOver(x.mul(Math.LN2)));
export const log10 = (a: Tensor): Tensor => floatFn(a, "Log10", Math.log10, (x) => 1 / (x * Math.LN10), (x) => oneOver(x.mul(Math.LN10)));
export const reciprocal = (a: Tensor): Tensor => floatFn(a, "Reciprocal", (x) => 1 / x, (_, y) => -y * y, (_, y) => neg(y.mul(y)));
export const rsqrt = (a: Tensor): Tensor => floatFn(a, "Rsqrt", (x) => 1 / Math.sqrt(x), (_, y) => -0.5 * y * y * y, (_, y) => y.pow(3).mul(-0.5));

/** sign, floor, ceil, round (half to even, as PyTorch), trunc: the same dtype, a zero gradient. */
function stepFn(a: Tensor, name: string, f: (x: number) => number): Tensor {
  if (a.dtype === bool && name !== "Sign") throw new Error(`"${name.toLowerCase()}" not implemented for 'Bool'`);
  const integer = !a.dtype.isFloatingPoint;
  const out = integer && name !== "Sign" ? unary(a, (x) => x, a.dtype) : unary(a, f, a.dtype);
  return record(out, `${name}Backward0`, [a], (g) => [new Tensor(g.dtype.zeros(g.numel()), a.shape, g.dtype)]);
}
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
export const sign = (a: Tensor) => stepFn(a, "Sign", (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN));
export const floor = (a: Tensor) => stepFn(a, "Floor", Math.floor);
export const ceil = (a: Tensor) => stepFn(a, "Ceil", Math.ceil);
export const round = (a: Tensor) => stepFn(a, "Round", roundHalfEven);
export const trunc = (a: Tensor) => stepFn(a, "Trunc", Math.trunc);

/** x - trunc(x); floating dtypes only, as PyTorch's frac. */
export function frac(a: Tensor): Tensor {
  if (!a.dtype.isFloatingPoint) throw new Error(`"frac_cpu" not implemented for '${a.dtype.scalarName}'`);
  const out = unary(a, (x) => x - Math.trunc(x), a.dtype);
  return record(out, "FracBackward0", [a], (g) => [g]);
}

/** x * x (PyTorch's square is pow(x, 2): its gradient is 2x). */
export function square(a: Tensor): Tensor {
  return a.pow(2);
}

/** torch.clamp(x, min, max) (clip): each element held inside [min, max]; either bound may be
 *  null. The gradient passes where min <= x <= max. NaN stays NaN. */
export function clamp(a: Tensor, min: number | null = null, max: number | null = null): Tensor {
  if (min === null && max === null) throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  for (const [name, v] of [["min", min], ["max", max]] as const) {
    if (v !== null && typeof v !== "number") throw new Error(`clamp(): argument '${name}' must be a number or null, not ${typeof v}`);
  }
  const dtype = resultType([{ dtype: a.dtype, kind: "tensor" }, ...[min, max].filter((v): v is number => v !== null).map((v) => ({ dtype: Number.isInteger(v) ? int64 : float32, kind: "scalar" as const }))]);
  // the bounds are read in the result's dtype first (for uint8, -1 is 255), as PyTorch reads them
  const lo = min === null ? -Infinity : castValue(min, dtype), hi = max === null ? Infinity : castValue(max, dtype);
  const out = unary(a, (x) => (x !== x ? x : Math.min(Math.max(x, lo), hi)), dtype);
  return record(out, "ClampBackward1", [a], (g) => {
    const x = a._data;
    const pass = g.dtype.zeros(x.length);
    for (let i = 0; i < x.length; i++) pass[i] = x[i]! >= lo && x[i]! <= hi ? 1 : 0;
    return [mul(g, new Tensor(pass, a.shape, g.dtype))];
  }, [a]);
}

/** torch.where(condition, a, b): a where condition is true, else b (broadcast, promoted). */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  if (!(condition instanceof Tensor) || condition.dtype !== bool) {
    throw new Error(`where expected condition to be a boolean tensor, but got ${condition instanceof Tensor ? `a tensor with dtype ${condition.dtype.scalarName}` : typeof condition}`);
  }
  const dtype = resultTypeOf(a, b);
  const A = asTensor(a), B = asTensor(b);
  const shape = broadcastShapes(broadcastShapes(condition.shape, A.shape), B.shape);
  const c = condition.expand(shape)._data, x = castArray(A.expand(shape)._data, dtype), y = castArray(B.expand(shape)._data, dtype);
  const values = dtype.zeros(c.length);
  for (let i = 0; i < c.length; i++) values[i] = c[i] ? x[i]! : y[i]!;
  const inputs = [a, b].filter((t): t is Tensor => t instanceof Tensor);
  return record(new Tensor(values, shape, dtype), "WhereBackward0", inputs, (g) => {
    const grads: (Tensor | null)[] = [];
    if (a instanceof Tensor) grads.push(sumTo(mul(g, condition.to(g.dtype)), a.shape));
    if (b instanceof Tensor) grads.push(sumTo(mul(g, condition.eq(0).to(g.dtype)), b.shape));
    return grads;
  }, [condition]);
}

/** torch.maximum / torch.minimum: the elementwise larger (smaller) of two tensors, NaN winning; the
 *  gradient goes to the winner, half to each on a tie, as PyTorch. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return extreme(a, b, "Maximum", (x, y) => (x !== x || y !== y ? NaN : Math.max(x, y)), 1);
}
export function minimum(a: Tensor, b: Tensor): Tensor {
  return extreme(a, b, "Minimum", (x, y) => (x !== x || y !== y ? NaN : Math.min(x, y)), -1);
}
function extreme(a: Tensor, b: Tensor, name: string, f: (x: number, y: number) => number, sign: number): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new Error(`${name.toLowerCase()}(): expected two tensors`);
  const dtype = resultTypeOf(a, b);
  const out = binary(a, b, f, dtype);
  return record(out, `${name}Backward0`, [a, b], (g) => {
    const share = (x: number, y: number) => (sign * x > sign * y ? 1 : x === y ? 0.5 : 0);
    const ga = binary(a, b, share, g.dtype), gb = binary(b, a, share, g.dtype);
    return [sumTo(mul(g, ga), a.shape), sumTo(mul(g, gb), b.shape)];
  }, [a, b]);
}

/** torch.remainder(a, b): a - b * floor(a / b), the sign of b's (Python's %); integers stay integers
 *  (a zero divisor is PyTorch's error). The gradient is 1 for a and -floor(a / b) for b. */
export function remainder(a: Tensor, b: Operand): Tensor {
  return modulo(a, b, "remainder", Math.floor, "RemainderBackward0");
}

/** torch.fmod(a, b): a - b * trunc(a / b), the sign of a's (C's fmod). */
export function fmod(a: Tensor, b: Operand): Tensor {
  return modulo(a, b, "fmod", Math.trunc, "FmodBackward0");
}

function modulo(a: Tensor, b: Operand, op: string, round: (x: number) => number, name: string): Tensor {
  const dtype = resultTypeOf(a, b);
  if (dtype === bool) throw new Error(`"${op}_cpu" not implemented for 'Bool'`);
  if (!dtype.isFloatingPoint && (b instanceof Tensor ? b._data.some((v) => v === 0) : b === 0)) throw new Error("ZeroDivisionError");
  // fmod is JavaScript's %; remainder moves a result of the wrong sign over by one divisor, as
  // PyTorch computes it (no rounding of a / b to go wrong)
  const f = op === "fmod" ? (x: number, y: number) => x % y : (x: number, y: number) => {
    const m = x % y;
    return m !== 0 && y < 0 !== m < 0 ? m + y : m;
  };
  const out = binary(a, b, f, dtype);
  return record(out, name, [a, ...(b instanceof Tensor ? [b] : [])], (g) => {
    const ga = sumTo(g, a.shape);
    if (!(b instanceof Tensor)) return [ga];
    const quotient = binary(a, b, (x, y) => round(x / y), g.dtype);
    return [ga, sumTo(neg(mul(g, quotient)), b.shape)];
  }, [a, ...(b instanceof Tensor ? [b] : [])]);
}

/** torch.floor_divide(a, b): floor(a / b) (integers stay integers). No gradient, as PyTorch's. */
export function floorDivide(a: Tensor, b: Operand): Tensor {
  const dtype = resultTypeOf(a, b);
  if (!dtype.isFloatingPoint && (b instanceof Tensor ? b._data.some((v) => v === 0) : b === 0)) throw new Error("ZeroDivisionError");
  return binary(a, b, (x, y) => Math.floor(x / y), dtype);
}

/** torch.atan2(y, x): the angle of (x, y), elementwise. */
export function atan2(y: Tensor, x: Operand): Tensor {
  const dtype = resultTypeOf(y, x);
  const out = binary(y, x, Math.atan2, dtype.isFloatingPoint ? dtype : float32);
  return record(out, "Atan2Backward0", [y, ...(x instanceof Tensor ? [x] : [])], (g) => {
    const r2 = binary(y, x, (b, a) => a * a + b * b, g.dtype);
    const gy = sumTo(mul(g, div(asTensor(x).to(g.dtype), r2)), y.shape);
    return x instanceof Tensor ? [gy, sumTo(mul(g, neg(div(y.to(g.dtype), r2))), x.shape)] : [gy];
  }, [y, ...(x instanceof Tensor ? [x] : [])]);
}

/** isnan, isinf, isfinite: bool tensors, no gradient. */
export const isnan = (a: Tensor) => unary(a, (x) => (x !== x ? 1 : 0), bool);
export const isinf = (a: Tensor) => unary(a, (x) => (x === Infinity || x === -Infinity ? 1 : 0), bool);
export const isfinite = (a: Tensor) => unary(a, (x) => (Number.isFinite(x) ? 1 : 0), bool);

/** tensor.masked_fill(mask, value): `value` where the bool mask (broadcast) is true; the gradient
 *  passes elsewhere. */
export function maskedFill(a: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== bool) throw new Error(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask instanceof Tensor ? mask.dtype.scalarName : typeof mask}`);
  const v = value instanceof Tensor ? value.item() : value;
  const shape = broadcastShapes(mask.shape, a.shape);
  if (shape.length !== a.shape.length || shape.some((s, i) => s !== a.shape[i])) {
    throw new Error(`masked_fill: the mask of shape [${mask.shape.join(", ")}] cannot be broadcast to the tensor's shape [${a.shape.join(", ")}]`);
  }
  const m = mask.expand(a.shape)._data, x = a._data;
  const out = a.dtype.zeros(x.length);
  const fill = castArray([v], a.dtype)[0]!;
  for (let i = 0; i < x.length; i++) out[i] = m[i] ? fill : x[i]!;
  return record(new Tensor(out, a.shape, a.dtype), "MaskedFillBackward0", [a], (g) => [mul(g, mask.eq(0).expand(a.shape).to(g.dtype))], [mask]);
}

/** torch.eye(n, m = n): ones on the diagonal. */
export function eye(n: number, m: number = n, options: { dtype?: DTypeLike; requiresGrad?: boolean } = {}): Tensor {
  A.checkOptions("eye", options, { dtype: A.dtype, requiresGrad: A.boolean });
  const dtype = toDType(options.dtype ?? float32);
  const data = dtype.zeros(n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  const t = new Tensor(data, [n, m], dtype);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** torch.linspace(start, end, steps): `steps` evenly spaced values from start to end (both included),
 *  computed as PyTorch does (from the start for the first half, from the end for the rest). */
export function linspace(start: number, end: number, steps: number, options: { dtype?: DTypeLike; requiresGrad?: boolean } = {}): Tensor {
  A.checkOptions("linspace", options, { dtype: A.dtype, requiresGrad: A.boolean });
  if (!Number.isInteger(steps) || steps < 0) throw new Error("linspace(): number of steps must be non-negative");
  const dtype = toDType(options.dtype ?? float32);
  const data = dtype.zeros(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  const t = new Tensor(data, [steps], dtype);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** torch.tril / torch.triu: the lower (upper) triangle of the last two dims, from `diagonal` on;
 *  zeros elsewhere. The gradient keeps the same triangle. */
export function tril(a: Tensor, diagonal = 0): Tensor {
  return triangle(a, diagonal, true);
}
export function triu(a: Tensor, diagonal = 0): Tensor {
  return triangle(a, diagonal, false);
}
function triangle(a: Tensor, diagonal: number, lower: boolean): Tensor {
  if (a.dim() < 2) throw new Error(`${lower ? "tril" : "triu"}: input tensor must have at least 2 dimensions`);
  const rows = a.shape.at(-2)!, cols = a.shape.at(-1)!;
  const keep = (k: number) => {
    const i = Math.floor(k / cols) % rows, j = k % cols;
    return lower ? j - i <= diagonal : j - i >= diagonal;
  };
  const mask = (x: ArrayLike<number>, dtype: DType) => {
    const out = dtype.zeros(x.length);
    for (let k = 0; k < x.length; k++) out[k] = keep(k) ? x[k]! : 0;
    return out;
  };
  const out = new Tensor(mask(a._data, a.dtype), a.shape, a.dtype);
  return record(out, lower ? "TrilBackward0" : "TriuBackward0", [a], (g) => [new Tensor(mask(g._data, g.dtype), a.shape, g.dtype)]);
}

/** torch.lerp(start, end, weight): start + weight * (end - start), weight a number or a tensor. */
export function lerp(start: Tensor, end: Tensor, weight: Operand): Tensor {
  if (!start.dtype.isFloatingPoint) throw new Error(`"lerp_kernel_${weight instanceof Tensor ? "tensor" : "scalar"}" not implemented for '${start.dtype.scalarName}'`);
  return start.add(end.sub(start).mul(weight));
}

/** torch.addcmul(input, t1, t2, value = 1): input + value * t1 * t2 (for integers, value is read as
 *  an integer first, as PyTorch reads it). */
export function addcmul(input: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  const dtype = resultType([input, t1, t2].map((t) => ({ dtype: t.dtype, kind: "tensor" as const })));
  if (dtype === bool) throw new Error(`"addcmul_cpu_out" not implemented for 'Bool'`);
  return input.add(t1.mul(t2).mul(dtype.isFloatingPoint ? value : castValue(value, dtype)));
}

/** torch.addcdiv(input, t1, t2, value = 1): input + value * t1 / t2 (floating point only, as PyTorch). */
export function addcdiv(input: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  if (!t1.dtype.isFloatingPoint && !t2.dtype.isFloatingPoint) {
    throw new Error("Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2.");
  }
  return input.add(t1.div(t2).mul(value));
}

/** vector_norm's arguments after the tensor, positionally in this order or as options. */
export interface VectorNormOptions { ord?: number; dim?: number | readonly number[]; keepdim?: boolean }

/** torch.linalg.vector_norm(x, ord = 2, dim?, keepdim?): (sum |x|^ord)^(1/ord); ord may be
 *  Infinity (the largest |x|), -Infinity (the smallest) or 0 (the count of nonzeros). */
export function vectorNorm(a: Tensor, ...args: (number | readonly number[] | boolean | undefined | VectorNormOptions)[]): Tensor {
  const { ord = 2, dim, keepdim = false } = A.positional("linalg.vector_norm", args, ["ord", "dim", "keepdim"], {
    ord: A.number, dim: A.either(A.integer, A.numbers), keepdim: A.boolean,
  }) as VectorNormOptions;
  if (!a.dtype.isFloatingPoint) throw new Error(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${a.dtype.scalarName}`);
  const abs = a.abs();
  if (ord === Infinity) return abs.amax(dim, keepdim);
  if (ord === -Infinity) return abs.amin(dim, keepdim);
  if (ord === 0) return abs.ne(0).to(a.dtype).sum(dim, keepdim);
  if (ord === 1) return abs.sum(dim, keepdim);
  if (ord === 2) return a.mul(a).sum(dim, keepdim).sqrt();
  return abs.pow(ord).sum(dim, keepdim).pow(1 / ord);
}

/** tensor.norm(p = 2, dim?, keepdim?): the vector norm (PyTorch's Frobenius norm for p = 2 over all). */
export function norm(a: Tensor, ...args: (number | readonly number[] | boolean | undefined | { p?: number; dim?: number | readonly number[]; keepdim?: boolean })[]): Tensor {
  const { p = 2, dim, keepdim = false } = A.positional("norm", args, ["p", "dim", "keepdim"], { p: A.number, dim: A.either(A.integer, A.numbers), keepdim: A.boolean }) as { p?: number; dim?: number | readonly number[]; keepdim?: boolean };
  return vectorNorm(a, p, dim, keepdim);
}

/** torch.outer(a, b): the matrix a[i] * b[j] of two vectors. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new Error(`outer: expected two 1-D tensors, got shapes [${a.shape.join(", ")}] and [${b.shape.join(", ")}]`);
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}

/** torch.diag: a 1-D tensor as the diagonal of a square matrix (shifted by `diagonal`), or the
 *  diagonal of a matrix copied out as a 1-D tensor. */
export function diag(a: Tensor, diagonal = 0): Tensor {
  if (a.dim() === 2) return a.diagonal(diagonal).clone();
  if (a.dim() !== 1) throw new Error(`diag(): Supports 1D or 2D tensors. Got ${a.dim()}D`);
  const n = a.numel() + Math.abs(diagonal);
  const start = diagonal >= 0 ? diagonal : -diagonal * n, step = n + 1;
  const x = a._data, data = a.dtype.zeros(n * n);
  for (let i = 0; i < x.length; i++) data[start + i * step] = x[i]!;
  return record(new Tensor(data, [n, n], a.dtype), "DiagEmbedBackward0", [a], (g) => {
    const gv = g._data, grad = g.dtype.zeros(a.numel());
    for (let i = 0; i < grad.length; i++) grad[i] = gv[start + i * step]!;
    return [new Tensor(grad, a.shape, g.dtype)];
  });
}

/** torch.nan_to_num: NaN to `nan`, infinities to `posinf` / `neginf` (the dtype's largest by default). */
export function nanToNum(a: Tensor, nan = 0, posinf?: number, neginf?: number): Tensor {
  const big = a.dtype.name === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const hi = posinf ?? big, lo = neginf ?? -big;
  const out = unary(a, (x) => (x !== x ? nan : x === Infinity ? hi : x === -Infinity ? lo : x), a.dtype);
  return record(out, "NanToNumBackward0", [a], (g) => [mul(g, unary(a, (x) => (Number.isFinite(x) ? 1 : 0), g.dtype))], [a]);
}

/** torch.allclose: |a - b| <= atol + rtol * |b| everywhere (NaNs equal only with equalNan). */
export function allclose(a: Tensor, b: Tensor, { rtol = 1e-5, atol = 1e-8, equalNan = false }: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
  const shape = broadcastShapes(a.shape, b.shape);
  const x = a.expand(shape)._data, y = b.expand(shape)._data;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!, v = y[i]!;
    if (u !== u || v !== v) {
      if (!(equalNan && u !== u && v !== v)) return false;
    } else if (u !== v && !(Math.abs(u - v) <= atol + rtol * Math.abs(v))) return false;
  }
  return true;
}

/** torch.equal: the same shape and the same values. */
export function equal(a: Tensor, b: Tensor): boolean {
  if (a.dim() !== b.dim() || a.shape.some((s, i) => s !== b.shape[i])) return false;
  const x = a._data, y = b._data;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** erf(x) to double precision: its Taylor series near 0, a continued fraction for erfc beyond. */
export function erfScalar(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x, sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / ...)))), by Lentz's method
  const tiny = 1e-300;
  let f = ax, c = ax, d = 0;
  for (let k = 1; k < 300; k++) {
    const a = k / 2;
    d = ax + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = ax + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** torch.erf: the error function; its derivative is 2/sqrt(pi) exp(-x^2). */
export const erf = (a: Tensor): Tensor =>
  floatFn(a, "Erf", erfScalar, (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x), (x) => x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI)));
