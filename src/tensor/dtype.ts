// dtypes: what kind of number a tensor holds, the typed array that stores it, and PyTorch's rules
// for combining two kinds (type promotion) and for writing one kind into another (casting).
//
//   dtype     storage        notes
//   float32   Float32Array   the default, as in PyTorch
//   float64   Float64Array
//   int64     Float64Array   exact for every integer up to 2^53 in size (JavaScript has no int64 array
//                            that arithmetic can use directly; BigInt64Array would make every op slow)
//   int32     Int32Array     wraps around on overflow, as PyTorch's does
//   uint8     Uint8Array     wraps around modulo 256
//   bool      Uint8Array     0 or 1
import { takeArray } from "./tidy.ts";

/** The typed arrays that hold a tensor's elements (see the table above for which dtype uses which). */
export type DataArray = Float32Array | Float64Array | Int32Array | Uint8Array;
type ArrayMaker = { new (length: number): DataArray; new (values: ArrayLike<number>): DataArray };

/** The six dtypes by name, as PyTorch spells them after "torch.". */
export type DTypeName = "float32" | "float64" | "int64" | "int32" | "uint8" | "bool";

/** Category for promotion: bool < integer < floating point. */
type Category = 0 | 1 | 2;

/** torch.dtype: a tensor's element type, with PyTorch's names for it and its place in type promotion. */
export class DType {
  /** @internal use the instances below (torch.float32, ...), never new DType. */
  constructor(
    readonly name: DTypeName,
    readonly ArrayType: ArrayMaker,
    readonly category: Category,
    /** Order within PyTorch's promotion lattice for these six types: the larger wins. */
    readonly rank: number,
    /** PyTorch's ScalarType name, used in its error messages ("Long", "Float"). */
    readonly scalarName: string,
    /** PyTorch's legacy tensor type name ("torch.FloatTensor"), used in autograd's messages. */
    readonly legacyName: string,
    /** The C type name PyTorch's messages use ("float", "long int"). */
    readonly cName: string,
  ) {}

  get isFloatingPoint(): boolean {
    return this.category === 2;
  }
  /** A zeroed array of `length` elements of this dtype (from torch.tidy's pool where it has one). */
  zeros(length: number): DataArray {
    return takeArray(this.ArrayType, length);
  }
  /** An array of `length` elements whose values are undefined (memory torch.tidy reused is not
   *  zeroed again): only for an output its op writes in full. */
  empty(length: number): DataArray {
    return takeArray(this.ArrayType, length, false);
  }
  toString(): string {
    return `torch.${this.name}`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** torch.float32 (torch.float): 32-bit floating point, the default dtype. */
export const float32 = new DType("float32", Float32Array, 2, 4, "Float", "torch.FloatTensor", "float");
/** torch.float64 (torch.double). */
export const float64 = new DType("float64", Float64Array, 2, 5, "Double", "torch.DoubleTensor", "double");
/** torch.int64 (torch.long): integers held exactly up to 2^53, the default for integer data and labels. */
export const int64 = new DType("int64", Float64Array, 1, 3, "Long", "torch.LongTensor", "long int");
/** torch.int32 (torch.int). */
export const int32 = new DType("int32", Int32Array, 1, 2, "Int", "torch.IntTensor", "int");
/** torch.uint8: bytes, as image pixels come. */
export const uint8 = new DType("uint8", Uint8Array, 1, 1, "Byte", "torch.ByteTensor", "unsigned char");
/** torch.bool: what comparisons return. */
export const bool = new DType("bool", Uint8Array, 0, 0, "Bool", "torch.BoolTensor", "bool");

export const DTYPES: readonly DType[] = [float32, float64, int64, int32, uint8, bool];

/** A dtype value or its plain name: `torch.float64` and `"float64"` both work wherever a dtype is taken. */
export type DTypeLike = DType | DTypeName;

export function toDType(d: DTypeLike): DType {
  if (d instanceof DType) return d;
  const found = DTYPES.find((t) => t.name === d);
  if (!found) {
    throw new Error(`unknown dtype ${typeof d === "string" ? JSON.stringify(d) : String(d)}; expected one of ${DTYPES.map((t) => t.name).join(", ")}`);
  }
  return found;
}

/** The dtype whose storage this typed array is, for arrays that name one dtype alone. */
export function dtypeOfArray(data: DataArray): DType {
  if (data instanceof Float32Array) return float32;
  if (data instanceof Float64Array) return float64;
  if (data instanceof Int32Array) return int32;
  if (data instanceof Uint8Array) return uint8;
  throw new Error(`expected a Float32Array, Float64Array, Int32Array or Uint8Array, got ${Object.prototype.toString.call(data)}`);
}

/** How a computed value is stored in a floating dtype: float32 rounds it, float64 keeps it. */
export function roundingOf(dtype: DType): (x: number) => number {
  return dtype === float32 ? Math.fround : (x: number) => x;
}

/** A zeroed array of the same type as `src` (from torch.tidy's pool where it has one). */
export function allocLike<A extends DataArray>(src: A, length: number): A {
  return takeArray(src.constructor as new (length: number) => A, length);
}

/** Throws PyTorch's "not implemented for 'Long'" unless `dtype` is floating point (for float-only ops). */
export function checkFloating(dtype: DType, op: string): void {
  if (!dtype.isFloatingPoint) throw new Error(`"${op}" not implemented for '${dtype.scalarName}' (expected a floating point tensor, got ${dtype})`);
}

// ---- promotion -------------------------------------------------------------------------------

/** torch.promote_types for these six dtypes: the higher one in bool < uint8 < int32 < int64 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return a.rank >= b.rank ? a : b;
}

/** What an operand of an op is, for torch.result_type: a dtype, and how strongly it counts. */
export interface PromotionOperand {
  dtype: DType;
  /** "tensor" has dims; "zeroDim" is a 0-d tensor; "scalar" is a plain JavaScript number or boolean. */
  kind: "tensor" | "zeroDim" | "scalar";
}

/** The dtype of a plain number as PyTorch sees a Python scalar: whole numbers are int64, others
 *  float (the default dtype, float32), booleans bool. JavaScript cannot tell 2 from 2.0. */
export function scalarDType(x: number | boolean): DType {
  if (typeof x === "boolean") return bool;
  return Number.isInteger(x) ? int64 : float32;
}

/** PyTorch's result_type: tensors with dims decide, unless a 0-d tensor or a plain number is of a
 *  higher category (bool < integer < floating), in which case it lifts the result into that category. */
export function resultType(operands: readonly PromotionOperand[]): DType {
  const promoteAll = (kind: PromotionOperand["kind"]): DType | null =>
    operands.filter((o) => o.kind === kind).reduce<DType | null>((acc, o) => (acc ? promoteTypes(acc, o.dtype) : o.dtype), null);
  return combine(promoteAll("tensor"), combine(promoteAll("zeroDim"), promoteAll("scalar")))!;
}

function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null || higher.isFloatingPoint) return higher;
  if (higher === bool || lower.isFloatingPoint) return promoteTypes(higher, lower);
  return higher;
}

/** torch.can_cast: writing `from` into `to` never crosses to a lower category (float into int, int into bool). */
export function canCast(from: DType, to: DType): boolean {
  return from.category <= to.category;
}

// ---- casting ---------------------------------------------------------------------------------

/** A number as `dtype` stores it: truncated toward zero for integers, wrapped for int32 and uint8, 0/1 for bool. */
export function castValue(x: number, dtype: DType): number {
  switch (dtype) {
    case float32: return Math.fround(x);
    case float64: return x;
    case int64: return Number.isFinite(x) ? Math.trunc(x) + 0 : -(2 ** 63); // + 0: an integer has no -0; PyTorch gives the smallest int64 for NaN and infinities
    case int32: return Number.isFinite(x) ? x | 0 : -(2 ** 31);
    case uint8: return Number.isFinite(x) ? Math.trunc(x) & 255 : 0;
    default: return x !== 0 ? 1 : 0; // bool: NaN counts as true, as in PyTorch
  }
}

/** The largest magnitude each integer dtype takes from a plain number, as PyTorch checks it; uint8
 *  also takes -255..-1, wrapping. int64 stops at 2^53: it is stored in doubles, exact only that far. */
const INTEGER_LIMITS: Partial<Record<string, [number, number]>> = {
  int64: [-(2 ** 53), 2 ** 53],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint8: [-255, 255],
};
const OVERFLOW_NAMES: Partial<Record<string, string>> = { int64: "int64_t", int32: "int", uint8: "uint8_t" };

/** Throws unless `dtype` can hold the number `x` (PyTorch's "value cannot be converted to type ...
 *  without overflow", which names the C type for a fill and the dtype for tensor data); floating
 *  dtypes and bool take anything. */
export function checkValueFits(x: number, dtype: DType, cName = false): void {
  const limits = INTEGER_LIMITS[dtype.name];
  if (!limits || (x >= limits[0] && x <= limits[1])) return;
  if (dtype === int64 && Number.isFinite(x) && Math.abs(x) < 2 ** 63) throw int64RangeError(x);
  throw new Error(`value cannot be converted to type ${cName ? OVERFLOW_NAMES[dtype.name] : dtype.name} without overflow (got ${x})`);
}

/** The error for an int64 value this library cannot hold exactly (PyTorch would hold it). */
export function int64RangeError(x: number): Error {
  return new Error(
    `int64 value ${x} is beyond ±2^53: torchlet keeps int64 in doubles, which are exact only up to 2^53, and refuses rather than round`,
  );
}

/** A new array of `dtype` holding `src` cast element by element. */
export function castArray(src: ArrayLike<number>, dtype: DType): DataArray {
  const out = dtype.zeros(src.length);
  // Float32Array, Float64Array, Int32Array and Uint8Array convert (round or wrap) on store; int64 and bool need a rule.
  if (dtype === int64) {
    for (let i = 0; i < src.length; i++) {
      const x = src[i]!;
      if (Math.abs(x) > 2 ** 53 && Number.isFinite(x)) throw int64RangeError(x); // beyond what int64 in doubles holds exactly
      out[i] = castValue(x, dtype);
    }
  } else if (dtype === bool || dtype === int32 || dtype === uint8) {
    for (let i = 0; i < src.length; i++) out[i] = castValue(src[i]!, dtype);
  } else {
    out.set(src);
  }
  return out;
}

/** Casts in place the values an op computed in double precision into `data` of `dtype`; only int64
 *  and bool need this (the other arrays round or wrap by themselves when written). */
export function normalizeInPlace(data: DataArray, dtype: DType): void {
  if (dtype === int64) {
    for (let i = 0; i < data.length; i++) {
      const x = data[i]!;
      if (!(Math.abs(x) <= 2 ** 53)) throw int64RangeError(x);
      data[i] = castValue(x, int64);
    }
  }
  else if (dtype === bool) for (let i = 0; i < data.length; i++) data[i] = data[i] !== 0 ? 1 : 0;
}
