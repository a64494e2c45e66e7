// The Tensor: a Storage (a typed array of its dtype and a version count) seen through a shape,
// strides and an offset, and the autograd fields. An op's method forwards to the op family file
// (ops/) where its forward and backward live; what is the tensor's own (its layout, in-place
// writes, dtype conversions, backward()) is here. Views share their base's storage: a write
// through one is seen by all, and counted once, on the storage.
import { checkOptions, boolean as booleanCheck } from "../args.ts";
import { record, registerHook, retainGrad, runBackward, type GradFn } from "./autograd.ts";
import {
  castArray, castValue, dtypeOfArray, float32, toDType, type DataArray, type DType, type DTypeLike,
  bool as boolDType, float64, int32 as int32DType, int64, uint8,
} from "./dtype.ts";
import { formatTensor } from "./format.ts";
import {
  argList, checkShape, gatherStrided, isContiguousLayout, isNonOverlappingAndDense, normalizeDim, numelOf,
  sameShape, shapeString, Size, stridesOf,
} from "./shape.ts";
import { Storage } from "./storage.ts";
import { releasedError } from "./tidy.ts";
import * as E from "./ops/elementwise.ts";
import * as R from "./ops/reduce.ts";
import * as M from "./ops/matmul.ts";
import * as S from "./ops/view.ts";
import * as I from "./inplace.ts";
import * as X from "./ops/math.ts";
import * as G from "./ops/rearrange.ts";
import { logSoftmax as logSoftmaxOf, softmax as softmaxOf } from "./ops/softmax.ts";
import { random, randomNormal } from "../random.ts";

type Operand = Tensor | number;
type ShapeArg = number | readonly number[];

/** Where a view's elements sit in its storage. */
export interface Layout {
  strides: readonly number[];
  offset: number;
  /** The tensor whose storage this views (PyTorch's `_base`); null for a tensor that owns it. */
  base: Tensor | null;
}

/** tensor.backward's options, as PyTorch's retain_graph. */
export interface BackwardOptions {
  /** Keep what the graph saved, so that backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass, so that the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** torch.Tensor: a storage seen through `shape`, strides and an offset, with autograd's fields (`requiresGrad`, `grad`, `gradFn`). */
export class Tensor {
  /** The memory under this tensor, shared with its views. */
  readonly storage: Storage;
  /** Frozen: a tensor's shape never changes; view() or reshape() make a new tensor. */
  readonly shape: Size;
  readonly dtype: DType;
  /** The tensor this is a view of (PyTorch's `_base`): null unless a view op made this tensor. */
  readonly _base: Tensor | null;
  /** The op that produced this tensor (null for leaves and for results computed without grad). */
  gradFn: GradFn | null = null;
  /** null for a tensor that owns its storage row-major (worked out when asked: most never are). */
  private rowMajorStrides: readonly number[] | null;
  private readonly offset: number;
  private readonly elementCount: number;
  private leafRequiresGrad = false;
  private gradValue: Tensor | null = null;
  /** Whether code outside the engine and the optimisers has held this tensor's gradient (read or
   *  assigned `.grad`): then that memory is the user's, and autograd never recycles it. */
  private gradHandedOut = false;
  /** `data` of a contiguous tensor, made on first use. */
  private dense: DataArray | null = null;

  /** A new tensor that owns `data` (row-major, of `dtype`'s array type: Float64Array for float64 and
   *  int64, Uint8Array for uint8 and bool, ...; without a dtype, the one the array names). Given a
   *  Storage and a layout instead, a view of that storage. */
  constructor(data: DataArray | Storage, shape: readonly number[], dtype?: DTypeLike, layout?: Layout) {
    const array = data instanceof Storage ? data.array : data;
    const type = dtype === undefined ? dtypeOfArray(array) : toDType(dtype);
    if (!(array instanceof type.ArrayType)) {
      throw new Error(`Tensor: a ${type} tensor is stored in a ${type.ArrayType.name}, got a ${array.constructor.name}`);
    }
    // a frozen Size is another tensor's shape, already checked: share it rather than copy it
    const known = shape instanceof Size && Object.isFrozen(shape);
    if (!known) checkShape(shape, "Tensor");
    this.shape = known ? shape : (Object.freeze(Size.fromDims(shape)) as Size);
    this.dtype = type;
    this.elementCount = numelOf(this.shape);
    if (data instanceof Storage) {
      if (!layout) throw new Error("Tensor: a view of a storage needs its strides and offset");
      this.storage = data;
      this.rowMajorStrides = layout.strides;
      this.offset = layout.offset;
      this._base = layout.base;
    } else {
      if (array.length !== this.elementCount) {
        throw new Error(`Tensor: data has ${array.length} elements but shape ${shapeString(shape)} needs ${this.elementCount}`);
      }
      this.storage = new Storage(array);
      this.rowMajorStrides = null;
      this.offset = 0;
      this._base = null;
      this.dense = array;
    }
  }

  // ---- layout --------------------------------------------------------------------------------

  private get strides(): readonly number[] {
    return (this.rowMajorStrides ??= stridesOf(this.shape));
  }

  /** The elements in row-major order, as a typed array of the dtype (int64 in a Float64Array). For
   *  a contiguous tensor this is its memory: writing into it writes the tensor (without counting a
   *  version: prefer the in-place ops). For a non-contiguous view it is a fresh copy, so writes to
   *  it change nothing: use the in-place ops, or `contiguous()` first. */
  get data(): DataArray {
    this.storage.pin(); // user code may hold the array: torch.tidy must never reuse it
    const data = this._data;
    // a non-contiguous view's copy is the caller's alone: never an array a tidy takes back
    return data === this.dense ? data : data.slice();
  }
  /** `data` as the library's own ops read it (they hold it no longer than the op). @internal */
  get _data(): DataArray {
    if (this.dense) {
      if (this.storage.released) throw releasedError();
      return this.dense;
    }
    const array = this.storage.array, n = this.numel();
    if (this.isContiguous()) {
      this.dense = this.offset === 0 && array.length === n ? array : array.subarray(this.offset, this.offset + n);
      return this.dense;
    }
    return gatherStrided(array, this.shape, this.strides, this.offset);
  }

  /** PyTorch's stride(): how many storage elements one step along each dim moves. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this.strides];
    if (this.shape.length === 0) throw new Error(`Dimension specified as ${dim} but tensor has no dimensions`);
    return this.strides[normalizeDim(dim, this.shape.length)]!;
  }
  /** PyTorch's storage_offset(): where element [0, 0, ...] sits in the storage. */
  storageOffset(): number {
    return this.offset;
  }
  /** Row-major with no gaps (dims of size 1 aside), as PyTorch's is_contiguous. */
  isContiguous(): boolean {
    return this.dense !== null || isContiguousLayout(this.shape, this.strides);
  }
  /** Whether this tensor is a view of another's storage (PyTorch's `_is_view()`). */
  isView(): boolean {
    return this._base !== null;
  }
  /** A view of this tensor's storage with another layout: what the view ops build. @internal */
  _view(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    return new Tensor(this.storage, shape, this.dtype, { strides, offset, base: this._base ?? this });
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
  /** fn(grad) runs when this tensor's gradient has been computed and may return a replacement
   *  (PyTorch's register_hook); the handle's remove() takes it away. */
  registerHook(fn: (grad: Tensor) => Tensor | void | undefined): { remove(): void } {
    return registerHook(this, fn);
  }
  /** Keeps a non-leaf's gradient in `.grad` after backward (PyTorch's retain_grad). */
  retainGrad(): void {
    retainGrad(this);
  }

  /** Gradient accumulated by backward(); null until a backward pass reaches this leaf. Assigning
   *  one checks that it has this tensor's shape and dtype. */
  get grad(): Tensor | null {
    this.gradHandedOut = true;
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
    value?.storage.pin();
    this.gradValue = value;
    this.gradHandedOut = value !== null;
  }
  /** The gradient as the engine and the optimisers use it, without handing it out. @internal */
  _grad(): Tensor | null {
    return this.gradValue;
  }
  /** Sets a gradient the engine made (already checked), not yet handed out. @internal */
  _setGrad(value: Tensor | null): void {
    // a gradient outlives the tidy that made it: never in the kernels' scoped blocks, which tidy
    // hands out again (a pinned block would stay taken for good)
    if (value !== null && value.storage.inScopedBlock()) value = new Tensor(value._data.slice(), value.shape, value.dtype);
    value?.storage.pin();
    this.gradValue = value;
    this.gradHandedOut = false;
  }
  /** Whether user code has held the current gradient. @internal */
  _gradHandedOut(): boolean {
    return this.gradHandedOut;
  }

  /** A leaf is a tensor no recorded op produced: one the user made, or any result computed without grad. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** How many in-place changes the memory under this tensor has seen (PyTorch's `_version`); views share it. */
  get _version(): number {
    return this.storage.version;
  }

  /** Backpropagates from this tensor. A scalar needs no gradient; otherwise pass d(something)/d(this),
   *  which is cast to this tensor's dtype as PyTorch does. What the graph saved is freed afterwards
   *  unless `retainGraph` is true. Nothing is written to any `.grad` unless the whole pass succeeds. */
  backward(gradient?: Tensor | null, options: BackwardOptions = {}): void {
    checkOptions("backward", options, { retainGraph: booleanCheck, createGraph: booleanCheck });
    const { retainGraph = false, createGraph = false } = options;
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
      if (!(gradient instanceof Tensor)) throw new Error(`backward: expected the gradient to be a Tensor, got ${typeof gradient}`);
      if (!sameShape(gradient.shape, this.shape)) {
        throw new Error(`Mismatch in shape: grad_output[0] has a shape of ${gradient.shape} and output[0] has a shape of ${this.shape}.`);
      }
      if (!gradient.dtype.isFloatingPoint) {
        throw new Error(`backward: expected a floating point gradient for a ${this.dtype} output, got ${gradient.dtype}`);
      }
      seed = gradient.dtype === this.dtype ? gradient.detach() : new Tensor(castArray(gradient._data, this.dtype), this.shape, this.dtype);
    }
    runBackward(this, seed, retainGraph, createGraph);
  }

  // ---- reading --------------------------------------------------------------------------------

  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return this.shape;
    if (this.shape.length === 0) throw new Error(`Dimension specified as ${dim} but tensor has no dimensions`);
    return this.shape[normalizeDim(dim, this.shape.length)]!;
  }
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return this.elementCount;
  }
  item(): number {
    if (this.numel() !== 1) throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    return this.storage.array[this.offset]!;
  }
  /** Nested arrays of numbers (booleans for a bool tensor), like PyTorch's tolist(). */
  tolist(): unknown {
    const array = this.storage.array;
    const value = (x: number) => (this.dtype === boolDType ? x !== 0 : x);
    const build = (at: number, d: number): unknown => {
      if (d === this.shape.length) return value(array[at]!);
      return Array.from({ length: this.shape[d]! }, (_, i) => build(at + i * this.strides[d]!, d + 1));
    };
    return build(this.offset, 0);
  }
  toString(): string {
    return formatTensor(this._data, this.shape, this.dtype, this.suffixes());
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
  /** max(x, 0) in place. */
  relu_(): this { return E.relu_(this) as this; }
  sin(): Tensor { return X.sin(this); }
  /** The error function. */
  erf(): Tensor { return X.erf(this); }
  cos(): Tensor { return X.cos(this); }
  tan(): Tensor { return X.tan(this); }
  asin(): Tensor { return X.asin(this); }
  acos(): Tensor { return X.acos(this); }
  atan(): Tensor { return X.atan(this); }
  sinh(): Tensor { return X.sinh(this); }
  cosh(): Tensor { return X.cosh(this); }
  log1p(): Tensor { return X.log1p(this); }
  expm1(): Tensor { return X.expm1(this); }
  log2(): Tensor { return X.log2(this); }
  log10(): Tensor { return X.log10(this); }
  reciprocal(): Tensor { return X.reciprocal(this); }
  rsqrt(): Tensor { return X.rsqrt(this); }
  square(): Tensor { return X.square(this); }
  sign(): Tensor { return X.sign(this); }
  floor(): Tensor { return X.floor(this); }
  ceil(): Tensor { return X.ceil(this); }
  /** Rounds half to even, as PyTorch's round. */
  round(): Tensor { return X.round(this); }
  trunc(): Tensor { return X.trunc(this); }
  frac(): Tensor { return X.frac(this); }
  atan2(other: Operand): Tensor { return X.atan2(this, other); }
  /** a - b * floor(a / b) (Python's %). */
  remainder(other: Operand): Tensor { return X.remainder(this, other); }
  /** a - b * trunc(a / b) (C's fmod). */
  fmod(other: Operand): Tensor { return X.fmod(this, other); }
  /** floor(a / b). */
  floorDivide(other: Operand): Tensor { return X.floorDivide(this, other); }
  maximum(other: Tensor): Tensor { return X.maximum(this, other); }
  minimum(other: Tensor): Tensor { return X.minimum(this, other); }
  /** Each element held in [min, max] (either may be null). */
  clamp(min: number | null = null, max: number | null = null): Tensor { return X.clamp(this, min, max); }
  clip(min: number | null = null, max: number | null = null): Tensor { return X.clamp(this, min, max); }
  clamp_(min: number | null = null, max: number | null = null): this { return I.apply(this, "clamp_", [], (self) => X.clamp(self, min, max)); }
  clip_(min: number | null = null, max: number | null = null): this { return this.clamp_(min, max); }
  /** `value` where the bool `mask` is true (PyTorch's masked_fill). */
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return X.maskedFill(this, mask, value); }
  isnan(): Tensor { return X.isnan(this); }
  isinf(): Tensor { return X.isinf(this); }
  isfinite(): Tensor { return X.isfinite(this); }
  /** softmax along `dim`. */
  softmax(dim: number): Tensor { return softmaxOf(this, dim); }
  /** log-softmax along `dim`. */
  logSoftmax(dim: number): Tensor { return logSoftmaxOf(this, dim); }
  tril(diagonal = 0): Tensor { return X.tril(this, diagonal); }
  lerp(end: Tensor, weight: Operand): Tensor { return X.lerp(this, end, weight); }
  addcmul(t1: Tensor, t2: Tensor, value = 1): Tensor { return X.addcmul(this, t1, t2, value); }
  addcdiv(t1: Tensor, t2: Tensor, value = 1): Tensor { return X.addcdiv(this, t1, t2, value); }
  /** The p-norm over `dim` (all dims by default). */
  norm(...args: (number | readonly number[] | boolean | undefined | { p?: number; dim?: number | readonly number[]; keepdim?: boolean })[]): Tensor { return X.norm(this, ...args); }
  nanToNum(nan = 0, posinf?: number, neginf?: number): Tensor { return X.nanToNum(this, nan, posinf, neginf); }
  /** `chunks` views along dim. */
  chunk(chunks: number, dim = 0): Tensor[] { return G.chunk(this, chunks, dim); }
  /** Views of `size` (or of each given size) along dim. */
  split(size: number | readonly number[], dim = 0): Tensor[] { return G.split(this, size, dim); }
  unbind(dim = 0): Tensor[] { return G.unbind(this, dim); }
  flip(...dims: ShapeArg[]): Tensor { return G.flip(this, flatArgs(dims, "flip")); }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor { return G.roll(this, shifts, dims); }
  /** Tiled `sizes[i]` times along each dim. */
  repeat(...sizes: ShapeArg[]): Tensor { return G.repeat(this, flatArgs(sizes, "repeat")); }
  tile(...sizes: ShapeArg[]): Tensor { return G.tile(this, flatArgs(sizes, "tile")); }
  repeatInterleave(repeats: number | readonly number[], dim?: number): Tensor { return G.repeatInterleave(this, repeats, dim); }
  cumprod(dim: number): Tensor { return G.cumprod(this, dim); }
  gather(dim: number, index: Tensor): Tensor { return G.gather(this, dim, index); }
  indexSelect(dim: number, index: Tensor): Tensor { return G.indexSelect(this, dim, index); }
  maskedSelect(mask: Tensor): Tensor { return G.maskedSelect(this, mask); }
  /** A copy with `src` written at `index` along dim (PyTorch's scatter). */
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor { return G.scatter(this, dim, index, src); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return G.scatter(this, dim, index, src, true); }
  /** [values, indices] sorted along dim (also `.values`, `.indices`). */
  sort(dim = -1, descending = false): R.ValuesIndices { return G.sort(this, dim, descending); }
  argsort(dim = -1, descending = false): Tensor { return G.argsort(this, dim, descending); }
  /** The k largest (or smallest) along dim, as [values, indices]. */
  topk(k: number, dim = -1, largest = true): R.ValuesIndices { return G.topk(this, k, dim, largest); }
  triu(diagonal = 0): Tensor { return X.triu(this, diagonal); }
  eq(other: Operand): Tensor { return E.eq(this, other); }
  ne(other: Operand): Tensor { return E.ne(this, other); }
  gt(other: Operand): Tensor { return E.gt(this, other); }
  lt(other: Operand): Tensor { return E.lt(this, other); }
  ge(other: Operand): Tensor { return E.ge(this, other); }
  le(other: Operand): Tensor { return E.le(this, other); }

  // ---- reductions --------------------------------------------------------------------------

  sum(dim?: R.Dims, keepdim = false): Tensor { return R.sum(this, dim, keepdim); }
  mean(dim?: R.Dims, keepdim = false): Tensor { return R.mean(this, dim, keepdim); }
  /** The largest element; along `dim`, `[values, indices]` (also `.values`, `.indices`). */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): R.ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | R.ValuesIndices {
    return dim === undefined ? R.maxAll(this) : R.maxDim(this, dim, keepdim);
  }
  /** The smallest element; along `dim`, `[values, indices]` (also `.values`, `.indices`). */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): R.ValuesIndices;
  min(dim?: number, keepdim = false): Tensor | R.ValuesIndices {
    return dim === undefined ? R.minAll(this) : R.minDim(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor { return R.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return R.argmin(this, dim, keepdim); }
  /** The largest values over `dim` (all dims by default); ties share the gradient. */
  amax(dim?: R.Dims, keepdim = false): Tensor { return R.amax(this, dim, keepdim); }
  amin(dim?: R.Dims, keepdim = false): Tensor { return R.amin(this, dim, keepdim); }
  /** The variance over `dim` (all by default), divided by count - correction (1: unbiased). */
  var(dim?: R.Dims | R.VarianceOptions, options?: R.VarianceOptions): Tensor { return R.variance(this, dim, options); }
  std(dim?: R.Dims | R.VarianceOptions, options?: R.VarianceOptions): Tensor { return R.std(this, dim, options); }
  prod(dim?: number, keepdim = false): Tensor { return R.prod(this, dim, keepdim); }
  cumsum(dim: number): Tensor { return R.cumsum(this, dim); }
  all(dim?: number, keepdim = false): Tensor { return R.all(this, dim, keepdim); }
  any(dim?: number, keepdim = false): Tensor { return R.any(this, dim, keepdim); }

  // ---- matrix products -----------------------------------------------------------------------

  matmul(other: Tensor): Tensor { return M.matmul(this, other); }
  /** The 2-D transpose (`t.T`; for more dims PyTorch reverses them all, deprecated: use permute). */
  get T(): Tensor {
    return this.shape.length < 2 ? this : S.permute(this, this.shape.map((_, i) => this.shape.length - 1 - i));
  }
  /** The transpose of the last two dims (`t.mT`), a view. */
  get mT(): Tensor {
    if (this.shape.length < 2) throw new Error(`tensor.mT is only supported on matrices or batches of matrices. Got ${this.shape.length}-D tensor.`);
    return S.transpose(this, -2, -1);
  }
  /** torch.t: the transpose of a matrix (a 0-d or 1-d tensor as it is), a view. */
  t(): Tensor { return S.t(this); }

  // ---- shapes and views ------------------------------------------------------------------------

  /** A view when the strides allow it, a copy otherwise, as PyTorch decides. */
  reshape(...shape: ShapeArg[]): Tensor { return S.reshape(this, flatArgs(shape, "reshape")); }
  /** Always a view; refused (as in PyTorch) when the strides do not allow one: use reshape. */
  view(...shape: ShapeArg[]): Tensor { return S.view(this, flatArgs(shape, "view")); }
  flatten(startDim = 0, endDim = -1): Tensor { return S.flatten(this, startDim, endDim); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return S.unflatten(this, dim, sizes); }
  unsqueeze(dim: number): Tensor { return S.unsqueeze(this, dim); }
  squeeze(dim?: number): Tensor { return S.squeeze(this, dim); }
  transpose(dim0: number, dim1: number): Tensor { return S.transpose(this, dim0, dim1); }
  permute(...dims: ShapeArg[]): Tensor { return S.permute(this, flatArgs(dims, "permute")); }
  expand(...shape: ShapeArg[]): Tensor { return S.expand(this, flatArgs(shape, "expand")); }
  /** PyTorch's `t[i][j]`: select along leading dims (negative indices count from the end). */
  get(...indices: number[]): Tensor { return S.get(this, indices); }
  /** torch.select: the slice at `index` along `dim`, without that dim. */
  select(dim: number, index: number): Tensor { return S.select(this, dim, index); }
  /** PyTorch's `t[mask]` (a bool mask over leading dims) and `t[index]` (an int64 index tensor along dim 0), copies. */
  index(which: Tensor): Tensor { return G.index(this, which); }
  /** PyTorch's `t[a:b, c:d]`: one `[start, end]` (or `[start, end, step]`, or null for all) per dim. */
  slice(...ranges: S.Range[]): Tensor { return S.slice(this, ranges); }
  /** torch.narrow: `length` elements of `dim` from `start`. */
  narrow(dim: number, start: number, length: number): Tensor { return S.narrow(this, dim, start, length); }
  /** torch.diagonal: the diagonal of the (dim1, dim2) planes, `offset` above the main one. */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor { return S.diagonal(this, offset, dim1, dim2); }
  /** torch.as_strided: any layout over this tensor's storage (offset defaults to this tensor's). */
  asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
    return S.asStrided(this, size, stride, storageOffset);
  }

  // ---- copies and dtypes ---------------------------------------------------------------------

  /** A copy with memory of its own, laid out as this tensor is when that layout is dense (PyTorch's
   *  preserve_format), else row-major. */
  clone(): Tensor {
    return record(I.denseCopy(this, this.dtype), "CloneBackward0", [this], (g) => [g]);
  }
  /** The same memory (and version count), cut out of the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.dtype, { strides: this.strides, offset: this.offset, base: this._base });
  }
  /** This tensor if it is contiguous, else a row-major copy (recorded as a clone). */
  contiguous(): Tensor {
    if (this.isContiguous()) return this;
    const out = new Tensor(this._data, this.shape, this.dtype);
    return record(out, "CloneBackward0", [this], (g) => [g]);
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
    const out = I.denseCopy(this, target);
    return target.isFloatingPoint ? record(out, "ToCopyBackward0", [this], (g) => [g]) : out;
  }

  // ---- in-place (trailing underscore): written through this tensor's strides, counted on its
  // storage, and recorded by autograd as PyTorch records them (inplace.ts) ----------------------

  uniform_(from = 0, to = 1): this {
    return I.fillRandom(this, "uniform_", "check_uniform_bounds", () => from + (to - from) * random());
  }
  normal_(mean = 0, std = 1): this {
    return I.fillRandom(this, "normal_", "normal_kernel_cpu", () => mean + std * randomNormal());
  }
  fill_(value: number | boolean | Tensor): this {
    return I.fill(this, value);
  }
  zero_(): this { return I.fill(this, 0); }
  add_(other: Operand, alpha = 1): this {
    I.checkAlpha(this, "add_", alpha);
    return I.apply(this, "add_", [other], (self) => E.add(self, alpha === 1 ? other : E.mul(other, alpha)));
  }
  sub_(other: Operand, alpha = 1): this {
    I.checkAlpha(this, "sub_", alpha);
    return I.apply(this, "sub_", [other], (self) => E.sub(self, alpha === 1 ? other : E.mul(other, alpha)));
  }
  mul_(other: Operand): this {
    return I.apply(this, "mul_", [other], (self) => E.mul(self, other));
  }
  div_(other: Operand): this {
    return I.apply(this, "div_", [other], (self) => E.div(self, other));
  }
  /** Copies `src` (broadcast to this shape, cast to this dtype) into this tensor. */
  copy_(src: Tensor): this {
    return I.copy(this, src);
  }
}

/** `f(2, 3)` and `f([2, 3])` alike; every entry must be an integer (checked again by the op). */
function flatArgs(args: readonly ShapeArg[], op: string): number[] {
  const dims = argList(args);
  for (const d of dims) {
    if (!Number.isInteger(d)) throw new Error(`${op}(): expected integer sizes or dims, got ${shapeString(dims)}`);
  }
  return dims;
}
