// The Tensor: a contiguous row-major Float32Array, a shape, a dtype tag, and the autograd fields.
// Methods are thin: each forwards to the op family file where its forward and backward live.
import { isGradEnabled, record, runBackward, type GradFn } from "./autograd.ts";
import { formatTensor } from "./format.ts";
import { normalizeDim, numelOf, sameShape, Size } from "./shape.ts";
import * as E from "./ops/elementwise.ts";
import * as R from "./ops/reduce.ts";
import * as M from "./ops/matmul.ts";
import * as S from "./ops/shape.ts";
import { random, randomNormal } from "../random.ts";

/** A tag for display and semantics; storage is always Float32Array. */
export type DType = "float32" | "int32" | "int64" | "bool";
export const DTYPES: readonly DType[] = ["float32", "int32", "int64", "bool"];

type Operand = Tensor | number;
type ShapeArg = number | readonly number[];

export class Tensor {
  data: Float32Array;
  readonly shape: Size;
  dtype: DType;
  /** Gradient accumulated by backward(); null until a backward pass reaches this leaf. */
  grad: Tensor | null = null;
  /** The op that produced this tensor (null for leaves and for results computed without grad). */
  gradFn: GradFn | null = null;
  private leafRequiresGrad = false;

  constructor(data: Float32Array, shape: readonly number[], dtype: DType = "float32") {
    if (data.length !== numelOf(shape)) {
      throw new Error(`Tensor: data has ${data.length} elements but shape [${shape.join(", ")}] needs ${numelOf(shape)}`);
    }
    this.data = data;
    this.shape = Size.fromDims(shape);
    this.dtype = dtype;
  }

  // ---- autograd ----------------------------------------------------------------------------

  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.gradFn !== null;
  }
  set requiresGrad(value: boolean) {
    if (!this.isLeaf) {
      throw new Error("you can only change requires_grad flags of leaf variables.");
    }
    if (value && this.dtype !== "float32") {
      throw new Error(`only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    }
    this.leafRequiresGrad = value;
  }
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  /** A leaf is a tensor no recorded op produced: one the user made, or any result computed without grad. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Backpropagates from this tensor. A scalar needs no argument; otherwise pass d(something)/d(this). */
  backward(gradient?: Tensor): void {
    if (!this.requiresGrad) {
      throw new Error("element 0 of tensors does not require grad and does not have a grad_fn");
    }
    let seed: Tensor;
    if (gradient === undefined) {
      if (this.numel() !== 1) {
        throw new Error(`grad can be implicitly created only for scalar outputs (this tensor has shape ${this.shape}; pass a gradient of that shape to backward())`);
      }
      seed = new Tensor(Float32Array.of(1), this.shape);
    } else {
      if (!sameShape(gradient.shape, this.shape)) {
        throw new Error(`Mismatch in shape: grad_output[0] has a shape of ${gradient.shape} and output[0] has a shape of ${this.shape}.`);
      }
      seed = gradient.detach();
    }
    runBackward(this, seed);
  }

  // ---- reading --------------------------------------------------------------------------------

  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return this.shape;
    return this.shape[normalizeDim(dim, this.shape.length)]!;
  }
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return this.data.length;
  }
  item(): number {
    if (this.numel() !== 1) throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    return this.data[0]!;
  }
  /** Nested arrays of numbers (booleans for a bool tensor), like PyTorch's tolist(). */
  tolist(): unknown {
    const value = (x: number) => (this.dtype === "bool" ? x !== 0 : x);
    const build = (offset: number, d: number): unknown => {
      if (d === this.shape.length) return value(this.data[offset]!);
      const step = numelOf(this.shape.slice(d + 1));
      return Array.from({ length: this.shape[d]! }, (_, i) => build(offset + i * step, d + 1));
    };
    return build(0, 0);
  }
  toString(): string {
    return formatTensor(this.data, this.shape, this.dtype, this.suffixes());
  }
  /** What follows the values in the printout: `requires_grad=True` or `grad_fn=<MulBackward0>`. */
  protected suffixes(): string[] {
    if (this.gradFn) return [`grad_fn=<${this.gradFn.name}>`];
    return this.leafRequiresGrad ? ["requires_grad=True"] : [];
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- arithmetic and comparisons ------------------------------------------------------------

  add(other: Operand): Tensor { return E.add(this, other); }
  sub(other: Operand): Tensor { return E.sub(this, other); }
  mul(other: Operand): Tensor { return E.mul(this, other); }
  div(other: Operand): Tensor { return E.div(this, other); }
  pow(exponent: Operand): Tensor { return E.pow(this, exponent); }
  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  abs(): Tensor { return E.abs(this); }
  sigmoid(): Tensor { return E.sigmoid(this); }
  tanh(): Tensor { return E.tanh(this); }
  relu(): Tensor { return E.relu(this); }
  eq(other: Operand): Tensor { return E.eq(this, other); }
  ne(other: Operand): Tensor { return E.ne(this, other); }
  gt(other: Operand): Tensor { return E.gt(this, other); }
  lt(other: Operand): Tensor { return E.lt(this, other); }
  ge(other: Operand): Tensor { return E.ge(this, other); }
  le(other: Operand): Tensor { return E.le(this, other); }

  // ---- reductions --------------------------------------------------------------------------

  sum(dim?: R.Dims, keepdim = false): Tensor { return R.sum(this, dim, keepdim); }
  mean(dim?: R.Dims, keepdim = false): Tensor { return R.mean(this, dim, keepdim); }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? R.maxAll(this) : R.maxDim(this, dim, keepdim);
  }
  /** The smallest element, as a 0-d tensor. */
  min(): Tensor { return R.minAll(this); }
  argmax(dim?: number, keepdim = false): Tensor { return R.argmax(this, dim, keepdim); }

  // ---- matrix products -----------------------------------------------------------------------

  matmul(other: Tensor): Tensor { return M.matmul(this, other); }
  /** The 2-D transpose (`t.T`). */
  get T(): Tensor {
    if (this.shape.length > 2) throw new Error(`T: expected a tensor with at most 2 dims, got ${this.shape.length}`);
    return this.shape.length < 2 ? this : S.permute(this, [1, 0]);
  }

  // ---- shapes ----------------------------------------------------------------------------------

  reshape(...shape: ShapeArg[]): Tensor { return S.view(this, flatArgs(shape)); }
  view(...shape: ShapeArg[]): Tensor { return S.view(this, flatArgs(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return S.flatten(this, startDim, endDim); }
  unsqueeze(dim: number): Tensor { return S.unsqueeze(this, dim); }
  squeeze(dim?: number): Tensor { return S.squeeze(this, dim); }
  transpose(dim0: number, dim1: number): Tensor { return S.transpose(this, dim0, dim1); }
  permute(...dims: ShapeArg[]): Tensor { return S.permute(this, flatArgs(dims)); }
  expand(...shape: ShapeArg[]): Tensor { return S.expand(this, flatArgs(shape)); }
  /** PyTorch's `t[i][j]`: select along leading dims (negative indices count from the end). */
  get(...indices: number[]): Tensor { return S.select(this, indices); }
  /** PyTorch's `t[a:b, c:d]`: one `[start, end]` (or `[start, end, step]`, or null for all) per dim. */
  slice(...ranges: S.Range[]): Tensor { return S.slice(this, ranges); }

  // ---- copies and dtypes ---------------------------------------------------------------------

  clone(): Tensor {
    const out = new Tensor(this.data.slice(), this.shape, this.dtype);
    return recordCopy(out, "CloneBackward0", this);
  }
  /** The same memory, cut out of the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.dtype);
  }
  contiguous(): Tensor {
    return this;
  }
  /** Truncates toward zero into an int32-tagged tensor (PyTorch's `.int()`). */
  int(): Tensor { return this.toDType("int32"); }
  long(): Tensor { return this.toDType("int64"); }
  float(): Tensor { return this.toDType("float32"); }
  bool(): Tensor { return this.toDType("bool"); }
  to(dtype: DType): Tensor { return this.toDType(dtype); }
  private toDType(dtype: DType): Tensor {
    if (dtype === this.dtype) return this;
    const convert = dtype === "float32" ? (x: number) => x : dtype === "bool" ? (x: number) => (x !== 0 ? 1 : 0) : Math.trunc;
    const out = new Tensor(E.mapData(this.data, convert), this.shape, dtype);
    return dtype === "float32" ? recordCopy(out, "ToCopyBackward0", this) : out;
  }

  // ---- in-place (trailing underscore): never recorded, so refused where autograd would need them ----

  private checkInPlace(op: string): void {
    if (isGradEnabled() && this.requiresGrad) {
      throw new Error(
        this.isLeaf
          ? `a leaf Variable that requires grad is being used in an in-place operation (${op}); wrap it in noGrad(() => ...)`
          : `${op}: in-place operations are not recorded by autograd, so they are refused on a tensor that requires grad; use noGrad(() => ...) or the out-of-place op`,
      );
    }
  }
  /** Writes `values(i)` into every element, after the in-place check; returns this. */
  private fillWith(op: string, values: (i: number) => number): this {
    this.checkInPlace(op);
    const integral = this.dtype !== "float32";
    for (let i = 0; i < this.data.length; i++) {
      const v = values(i);
      this.data[i] = integral ? Math.trunc(v) : v;
    }
    return this;
  }
  /** The other operand broadcast to this tensor's shape (checked before anything is written). */
  private operandData(op: string, other: Operand): (i: number) => number {
    if (typeof other === "number") return () => other;
    const [data, shape] = E.zipData(this.data, this.shape, other.data, other.shape, (_, y) => y);
    if (!sameShape(shape, this.shape)) {
      throw new Error(`${op}: output with shape ${this.shape} doesn't match the broadcast shape ${Size.fromDims(shape)}`);
    }
    return (i) => data[i]!;
  }
  uniform_(from = 0, to = 1): this { return this.fillWith("uniform_", () => from + (to - from) * random()); }
  normal_(mean = 0, std = 1): this { return this.fillWith("normal_", () => mean + std * randomNormal()); }
  fill_(value: number): this {
    this.checkInPlace("fill_");
    this.data.fill(this.dtype === "float32" ? value : Math.trunc(value));
    return this;
  }
  zero_(): this { return this.fill_(0); }
  add_(other: Operand, alpha = 1): this {
    const o = this.operandData("add_", other);
    return this.fillWith("add_", (i) => this.data[i]! + alpha * o(i));
  }
  sub_(other: Operand, alpha = 1): this {
    const o = this.operandData("sub_", other);
    return this.fillWith("sub_", (i) => this.data[i]! - alpha * o(i));
  }
  mul_(other: Operand): this {
    const o = this.operandData("mul_", other);
    return this.fillWith("mul_", (i) => this.data[i]! * o(i));
  }
  copy_(src: Tensor): this {
    const o = this.operandData("copy_", src);
    return this.fillWith("copy_", o);
  }
}

function flatArgs(args: readonly ShapeArg[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

/** Records an op whose gradient passes straight through (clone, float()). */
function recordCopy(out: Tensor, name: string, input: Tensor): Tensor {
  return record(out, name, [input], (g) => [g]);
}
