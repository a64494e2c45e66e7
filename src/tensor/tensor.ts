// The Tensor: a contiguous row-major typed array of its dtype, a shape, and the autograd fields.
// An op's method forwards to the op family file (ops/) where its forward and backward live; what
// is the tensor's own (in-place writes and their version count, dtype conversions, views of its
// memory, backward()) is here.
import { isGradEnabled, record, runBackward, type GradFn } from "./autograd.ts";
import {
  canCast, castArray, castValue, dtypeOfArray, float32, toDType, type DataArray, type DType, type DTypeLike,
  bool as boolDType, float64, int32 as int32DType, int64, uint8,
} from "./dtype.ts";
import { formatTensor } from "./format.ts";
import { argList, checkShape, normalizeDim, numelOf, sameShape, shapeString, Size } from "./shape.ts";
import * as E from "./ops/elementwise.ts";
import * as R from "./ops/reduce.ts";
import * as M from "./ops/matmul.ts";
import * as S from "./ops/view.ts";
import { random, randomNormal } from "../random.ts";
import { fillArray } from "../kernels/index.ts";

type Operand = Tensor | number;
type ShapeArg = number | readonly number[];

/** How many times the memory under a tensor has been changed in place. Views and detach() share
 *  one counter with their base, so autograd notices a change made through any of them. */
export class VersionCounter {
  value = 0;
}

/** Tensors known to hold only zeros, with the version at which they were zeroed: backward can copy a
 *  gradient into a zeroed .grad instead of adding it (the same numbers, a memcpy instead of a loop). */
const zeroedAt = new WeakMap<Tensor, number>();

/** True when `t` was filled with zeros by fill_/zero_ and has not been changed since. */
export function isKnownZero(t: Tensor): boolean {
  return zeroedAt.get(t) === t._version;
}

/** tensor.backward's options, as PyTorch's retain_graph. */
export interface BackwardOptions {
  /** Keep what the graph saved, so that backward can run through it again. */
  retainGraph?: boolean;
}

/** torch.Tensor: a contiguous row-major typed array of its dtype (`data`), a `shape`, and autograd's fields (`requiresGrad`, `grad`, `gradFn`). */
export class Tensor {
  /** The elements, row-major, in the typed array of the dtype (int64 in a Float64Array). */
  data: DataArray;
  /** Frozen: a tensor's shape never changes; view() or reshape() make a new tensor. */
  readonly shape: Size;
  readonly dtype: DType;
  /** The op that produced this tensor (null for leaves and for results computed without grad). */
  gradFn: GradFn | null = null;
  /** @internal shared with views and detach(); read it as `_version`. */
  readonly versionCounter: VersionCounter;
  private leafRequiresGrad = false;
  private gradValue: Tensor | null = null;

  /** `data` must be the storage of `dtype` (Float64Array for float64 and int64, Uint8Array for uint8
   *  and bool, ...); without a dtype it is the one the array names. Pass a base tensor's
   *  versionCounter to make a view of it. */
  constructor(data: DataArray, shape: readonly number[], dtype?: DTypeLike, versionCounter = new VersionCounter()) {
    const type = dtype === undefined ? dtypeOfArray(data) : toDType(dtype);
    if (!(data instanceof type.ArrayType)) {
      throw new Error(`Tensor: a ${type} tensor is stored in a ${type.ArrayType.name}, got a ${data.constructor.name}`);
    }
    // a frozen Size is another tensor's shape, already checked: share it rather than copy it
    const known = shape instanceof Size && Object.isFrozen(shape);
    if (!known) checkShape(shape, "Tensor");
    if (data.length !== numelOf(shape)) {
      throw new Error(`Tensor: data has ${data.length} elements but shape ${shapeString(shape)} needs ${numelOf(shape)}`);
    }
    this.data = data;
    this.shape = known ? shape : (Object.freeze(Size.fromDims(shape)) as Size);
    this.dtype = type;
    this.versionCounter = versionCounter;
  }

  // ---- autograd ----------------------------------------------------------------------------

  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.gradFn !== null;
  }
  set requiresGrad(value: boolean) {
    if (!this.isLeaf) {
      throw new Error("you can only change requires_grad flags of leaf variables.");
    }
    if (value && !this.dtype.isFloatingPoint) {
      throw new Error(`only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    }
    this.leafRequiresGrad = value;
  }
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  /** Gradient accumulated by backward(); null until a backward pass reaches this leaf. Assigning
   *  one checks that it has this tensor's shape and dtype. */
  get grad(): Tensor | null {
    return this.gradValue;
  }
  set grad(value: Tensor | null) {
    if (value !== null) {
      if (!(value instanceof Tensor)) throw new Error(`assigned grad expected to be a Tensor or None but got grad of type ${typeof value}`);
      if (!sameShape(value.shape, this.shape)) {
        throw new Error(`attempting to assign a gradient of size '${shapeString(value.shape)}' to a tensor of size '${shapeString(this.shape)}'. Please ensure that the gradient and the tensor are the same size`);
      }
      if (value.dtype !== this.dtype) {
        throw new Error(`attempting to assign a gradient with dtype '${value.dtype.cName}' to a tensor with dtype '${this.dtype.scalarName}'. Please ensure that the gradient and the tensor have the same dtype`);
      }
    }
    this.gradValue = value;
  }

  /** A leaf is a tensor no recorded op produced: one the user made, or any result computed without grad. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** How many in-place changes the memory under this tensor has seen (PyTorch's `_version`). */
  get _version(): number {
    return this.versionCounter.value;
  }

  /** Backpropagates from this tensor. A scalar needs no gradient; otherwise pass d(something)/d(this).
   *  What the graph saved is freed afterwards unless `retainGraph` is true. */
  backward(gradient?: Tensor | null, { retainGraph = false }: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new Error("element 0 of tensors does not require grad and does not have a grad_fn");
    }
    let seed: Tensor;
    if (gradient === undefined || gradient === null) {
      if (this.numel() !== 1) {
        throw new Error(`grad can be implicitly created only for scalar outputs (this tensor has shape ${this.shape}; pass a gradient of that shape to backward())`);
      }
      seed = new Tensor(castArray([1], this.dtype), this.shape, this.dtype);
    } else {
      if (!sameShape(gradient.shape, this.shape)) {
        throw new Error(`Mismatch in shape: grad_output[0] has a shape of ${gradient.shape} and output[0] has a shape of ${this.shape}.`);
      }
      if (!gradient.dtype.isFloatingPoint) {
        throw new Error(`backward: expected a floating point gradient for a ${this.dtype} output, got ${gradient.dtype}`);
      }
      seed = gradient.detach();
    }
    runBackward(this, seed, retainGraph);
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
    const value = (x: number) => (this.dtype === boolDType ? x !== 0 : x);
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

  reshape(...shape: ShapeArg[]): Tensor { return S.view(this, flatArgs(shape, "reshape")); }
  view(...shape: ShapeArg[]): Tensor { return S.view(this, flatArgs(shape, "view")); }
  flatten(startDim = 0, endDim = -1): Tensor { return S.flatten(this, startDim, endDim); }
  unsqueeze(dim: number): Tensor { return S.unsqueeze(this, dim); }
  squeeze(dim?: number): Tensor { return S.squeeze(this, dim); }
  transpose(dim0: number, dim1: number): Tensor { return S.transpose(this, dim0, dim1); }
  permute(...dims: ShapeArg[]): Tensor { return S.permute(this, flatArgs(dims, "permute")); }
  expand(...shape: ShapeArg[]): Tensor { return S.expand(this, flatArgs(shape, "expand")); }
  /** PyTorch's `t[i][j]`: select along leading dims (negative indices count from the end). */
  get(...indices: number[]): Tensor { return S.select(this, indices); }
  /** PyTorch's `t[a:b, c:d]`: one `[start, end]` (or `[start, end, step]`, or null for all) per dim. */
  slice(...ranges: S.Range[]): Tensor { return S.slice(this, ranges); }

  // ---- copies and dtypes ---------------------------------------------------------------------

  clone(): Tensor {
    const out = new Tensor(this.data.slice(), this.shape, this.dtype);
    return record(out, "CloneBackward0", [this], (g) => [g]);
  }
  /** The same memory (and version counter), cut out of the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.dtype, this.versionCounter);
  }
  contiguous(): Tensor {
    return this;
  }
  /** Truncates toward zero into int32 (PyTorch's `.int()`). */
  int(): Tensor { return this.to(int32DType); }
  long(): Tensor { return this.to(int64); }
  float(): Tensor { return this.to(float32); }
  double(): Tensor { return this.to(float64); }
  byte(): Tensor { return this.to(uint8); }
  bool(): Tensor { return this.to(boolDType); }
  /** A copy in another dtype (this tensor itself if it already has it). Between floating dtypes the
   *  gradient flows back, cast to this tensor's dtype. */
  to(dtype: DTypeLike): Tensor {
    const target = toDType(dtype);
    if (target === this.dtype) return this;
    const out = new Tensor(castArray(this.data, target), this.shape, target);
    return target.isFloatingPoint ? record(out, "ToCopyBackward0", [this], (g) => [g]) : out;
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
  /** Overwrites every element with `values` (already this tensor's shape), cast to this dtype, and
   *  counts the change. Everything that can fail has been checked before. */
  private write(values: ArrayLike<number>): this {
    this.data.set(castArray(values, this.dtype));
    this.versionCounter.value++;
    return this;
  }
  /** The result of `this op other`, checked to fit this tensor's shape and dtype before anything is written. */
  private inPlaceResult(op: string, other: Operand, compute: () => Tensor): Tensor {
    this.checkInPlace(op);
    const type = E.resultTypeOf(this, other);
    if (!canCast(type, this.dtype)) {
      throw new Error(`${op}: result type ${type.scalarName} can't be cast to the desired output type ${this.dtype.scalarName}`);
    }
    const result = compute();
    if (!sameShape(result.shape, this.shape)) {
      throw new Error(`${op}: output with shape ${this.shape} doesn't match the broadcast shape ${result.shape}`);
    }
    return result;
  }
  private fillRandom(op: string, kernelName: string, draw: () => number): this {
    this.checkInPlace(op);
    if (!this.dtype.isFloatingPoint) throw new Error(`"${kernelName}" not implemented for '${this.dtype.scalarName}'`);
    const data = this.data; // a float array: each draw is rounded to it as it is stored
    for (let i = 0; i < data.length; i++) data[i] = draw();
    this.versionCounter.value++;
    return this;
  }
  uniform_(from = 0, to = 1): this {
    return this.fillRandom("uniform_", "check_uniform_bounds", () => from + (to - from) * random());
  }
  normal_(mean = 0, std = 1): this {
    return this.fillRandom("normal_", "normal_kernel_cpu", () => mean + std * randomNormal());
  }
  fill_(value: number | boolean): this {
    this.checkInPlace("fill_");
    fillArray(this.data, castValue(Number(value), this.dtype));
    this.versionCounter.value++;
    if (Number(value) === 0) zeroedAt.set(this, this._version);
    return this;
  }
  zero_(): this { return this.fill_(0); }
  add_(other: Operand, alpha = 1): this {
    const other_ = alpha === 1 ? other : E.mul(other, alpha);
    return this.write(this.inPlaceResult("add_", other, () => E.add(this.detach(), detached(other_))).data);
  }
  sub_(other: Operand, alpha = 1): this {
    const other_ = alpha === 1 ? other : E.mul(other, alpha);
    return this.write(this.inPlaceResult("sub_", other, () => E.sub(this.detach(), detached(other_))).data);
  }
  mul_(other: Operand): this {
    return this.write(this.inPlaceResult("mul_", other, () => E.mul(this.detach(), detached(other))).data);
  }
  /** Copies `src` (broadcast to this shape, cast to this dtype) into this tensor. */
  copy_(src: Tensor): this {
    this.checkInPlace("copy_");
    const values = S.broadcastTo(src.detach(), this.shape, "copy_");
    return this.write(values.data);
  }
}

function detached(x: Operand): Operand {
  return x instanceof Tensor ? x.detach() : x;
}

/** `f(2, 3)` and `f([2, 3])` alike; every entry must be an integer (checked again by the op). */
function flatArgs(args: readonly ShapeArg[], op: string): number[] {
  const dims = argList(args);
  for (const d of dims) {
    if (!Number.isInteger(d)) throw new Error(`${op}(): expected integer sizes or dims, got ${shapeString(dims)}`);
  }
  return dims;
}
