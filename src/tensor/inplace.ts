// In-place ops (add_, mul_, copy_, fill_, ...): one path for all of them.
//
// An in-place op computes its result out of place first (the same op, recorded by autograd when it
// must be), checks that it fits, and only then writes it through the tensor's strides into its
// storage and counts the change on the storage: a call that raises changes nothing. Autograd
// records it as PyTorch does:
// - on a tensor that owns its storage, the out-of-place op's node becomes the tensor's grad_fn (its
//   history now runs through the op; the old values it needs were copied first);
// - through a view of a tensor that autograd tracks, the base's history is rewritten as PyTorch's
//   CopySlices: the base's gradient passes through unchanged outside the view, and through the op
//   inside it; the view itself becomes an AsStridedBackward0 of the base;
// - on a leaf that requires grad it is refused, in PyTorch's words.
import { GradFn, edgeOf, isGradEnabled, noGrad, record } from "./autograd.ts";
import { canCast, castArray, castValue, checkValueFits, type DType } from "./dtype.ts";
import {
  broadcastShapes, hasInternalOverlap, isNonOverlappingAndDense, numelOf, sameShape, scatterStrided, shapeString,
} from "./shape.ts";
import { Storage } from "./storage.ts";
import { Tensor } from "./tensor.ts";
import { sumTo } from "./ops/elementwise.ts";

type Operand = Tensor | number;

/** A copy of `t` in `dtype` with memory of its own: `t`'s layout when it is dense (PyTorch's
 *  preserve_format, so a transposed tensor's clone is transposed too), else row-major. */
export function denseCopy(t: Tensor, dtype: DType): Tensor {
  const strides = t.stride();
  if (t.isContiguous() || !isNonOverlappingAndDense(t.shape, strides) || strides.some((s) => s < 0)) {
    return new Tensor(castArray(t._data, dtype), t.shape, dtype);
  }
  // dense: the elements fill [offset, offset + numel) of the storage in some order; copy that range
  const at = t.storageOffset();
  const range = t.storage.array.subarray(at, at + t.numel());
  return new Tensor(new Storage(castArray(range, dtype)), t.shape, dtype, { strides, offset: 0, base: null });
}

// ---- checks made before anything is computed ------------------------------------------------------

const SHARED_LOCATION =
  "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.";
const OVERLAPPING_INPUT =
  "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.";

/** Whether `a` and `b` are laid over the same memory in different ways (PyTorch's partial overlap:
 *  judged only where both layouts are dense, as PyTorch judges it). */
function partlyOverlap(a: Tensor, b: Tensor): boolean {
  if (a.storage !== b.storage || a.numel() === 0 || b.numel() === 0) return false;
  if (!isNonOverlappingAndDense(a.shape, a.stride()) || !isNonOverlappingAndDense(b.shape, b.stride())) return false;
  const a0 = a.storageOffset(), a1 = a0 + a.numel(), b0 = b.storageOffset(), b1 = b0 + b.numel();
  if (a0 === b0 && a1 === b1) return false; // the same elements: x.add_(x) is fine
  return a0 < b1 && b0 < a1;
}

function checkWritable(self: Tensor, sources: readonly Tensor[]): void {
  if (isGradEnabled()) {
    if (self.requiresGrad && self.isLeaf) {
      throw new Error("a leaf Variable that requires grad is being used in an in-place operation.");
    }
    const base = self._base;
    if (base && base.requiresGrad && base.isLeaf) {
      throw new Error("a view of a leaf Variable that requires grad is being used in an in-place operation.");
    }
  }
  if (hasInternalOverlap(self.shape, self.stride())) throw new Error(SHARED_LOCATION);
  for (const src of sources) if (partlyOverlap(self, src)) throw new Error(OVERLAPPING_INPUT);
}

/** For integer tensors PyTorch refuses a fractional alpha (add_(x, alpha=0.5)). */
export function checkAlpha(self: Tensor, op: string, alpha: number): void {
  if (typeof alpha !== "number") throw new Error(`${op}(): argument 'alpha' must be a number, not ${typeof alpha}`);
  if (!self.dtype.isFloatingPoint && !Number.isInteger(alpha)) {
    throw new Error("For integral input tensors, argument alpha must not be a floating point number.");
  }
}

// ---- the one path -------------------------------------------------------------------------------

/** Runs the in-place op `op` on `self`: `compute(self)` gives the new values out of place (from the
 *  tensors among `sources` and `self`, recorded by autograd when it must be); they are checked,
 *  written through `self`'s strides, counted, and the history rewritten when autograd records it. */
export function apply<T extends Tensor>(self: T, op: string, sources: readonly Operand[], compute: (self: Tensor) => Tensor): T {
  const tensors = sources.filter((s): s is Tensor => s instanceof Tensor);
  checkWritable(self, tensors);
  const recording = isGradEnabled() && (self.requiresGrad || tensors.some((t) => t.requiresGrad));
  if (!recording) {
    write(self, noGrad(() => compute(self.detach())), op);
    return self;
  }
  if (self._base && self._base.requiresGrad && !self.requiresGrad) {
    throw new Error(
      `${op}: this view was created in no_grad mode (or by detach) from a tensor that requires grad, and is being modified in-place with grad mode enabled; ` +
        "autograd cannot track that change. Modify it inside noGrad(), or clone() it first.",
    );
  }
  // the op reads the old values (a copy, since they are about to be overwritten) with self's history
  const before = new Tensor(self._data.slice(), self.shape, self.dtype);
  before.gradFn = self.gradFn;
  const result = compute(before);
  write(self, result, op);
  const node = result.gradFn!;
  if (self._base) rewriteBase(self, node);
  else node.becomeHistoryOf(self);
  self.storage.noteRewrite();
  return self;
}

/** Writes `result` into `self` after checking that it fits its shape and dtype. */
function write(self: Tensor, result: Tensor, op: string): void {
  if (!sameShape(result.shape, self.shape)) {
    throw new Error(`${op}: output with shape ${shapeString(self.shape)} doesn't match the broadcast shape ${shapeString(result.shape)}`);
  }
  if (!canCast(result.dtype, self.dtype)) {
    throw new Error(`${op}: result type ${result.dtype.scalarName} can't be cast to the desired output type ${self.dtype.scalarName}`);
  }
  const values = result.dtype === self.dtype ? result._data : castArray(result._data, self.dtype);
  scatterStrided(self.storage.array, self.shape, self.stride(), self.storageOffset(), values);
  self.storage.bump();
}

/** PyTorch's CopySlices: `view` (of `base`) was changed in place by the op whose node is `node`. */
function rewriteBase(view: Tensor, node: GradFn): void {
  const base = view._base!;
  if (!base.isContiguous()) {
    throw new Error("an in-place op through a view of a non-contiguous tensor that requires grad is not supported here; clone() the base first");
  }
  const shape = view.shape, strides = view.stride(), offset = view.storageOffset() - base.storageOffset();
  const edges = [edgeOf(base), ...node.next.slice(1)];
  const dtypes = [base.dtype, ...node.inputDTypes.slice(1)];
  const copySlices = GradFn.fromEdges("CopySlices", edges, dtypes, (g) => {
    const grad = new Tensor(g._data.slice(), base.shape, g.dtype);
    const region = grad._view(shape, strides, offset);
    const inner = node.apply(new Tensor(region._data.slice(), shape, g.dtype), true); // a copy: the region is overwritten below
    scatterStrided(grad.storage.array, shape, strides, offset, inner[0]?._data ?? g.dtype.zeros(numelOf(shape)));
    return [grad, ...inner.slice(1)];
  });
  copySlices.becomeHistoryOf(base);
  // the view now reads the rewritten base
  const viewNode = GradFn.fromEdges("AsStridedBackward0", [copySlices], [base.dtype], (g) => {
    const grad = new Tensor(g.dtype.zeros(base.numel()), base.shape, g.dtype);
    scatterStrided(grad.storage.array, shape, strides, offset, g._data);
    return [grad];
  });
  viewNode.becomeHistoryOf(view);
}

// ---- the in-place ops that are not arithmetic ----------------------------------------------------

/** copy_: `src` broadcast to `self`'s shape and cast to its dtype; the gradient goes to `src`. */
export function copy<T extends Tensor>(self: T, src: Tensor): T {
  if (!(src instanceof Tensor)) throw new Error(`copy_(): argument 'src' must be a Tensor, not ${src === null ? "null" : typeof src}`);
  let fits: boolean;
  try {
    fits = sameShape(broadcastShapes(src.shape, self.shape), self.shape);
  } catch {
    fits = false;
  }
  if (!fits) throw new Error(`copy_: a source of shape ${shapeString(src.shape)} cannot be broadcast to the shape ${shapeString(self.shape)}`);
  return apply(self, "copy_", [src], (before) => {
    const values = noGrad(() => src.expand(self.shape).to(self.dtype));
    const out = new Tensor(values._data, self.shape, self.dtype);
    return record(out, "CopyBackwards", [before, src], (g) => [
      new Tensor(g.dtype.zeros(g.numel()), g.shape, g.dtype),
      sumTo(g, src.shape),
    ]);
  });
}

/** fill_: every element `value` (a number, a boolean or a 0-d tensor), checked to fit the dtype. */
export function fill<T extends Tensor>(self: T, value: number | boolean | Tensor): T {
  if (value instanceof Tensor) {
    if (value.dim() !== 0) throw new Error(`fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
    value = value.item();
  }
  if (typeof value !== "number" && typeof value !== "boolean") throw new Error(`fill_(): argument 'value' must be a number, not ${typeof value}`);
  const x = Number(value);
  checkValueFits(x, self.dtype, true);
  if (!isGradEnabled() || !self.requiresGrad) {
    if (self.isContiguous()) {
      // nothing to record: fill the memory directly (the storage knows the fastest way)
      checkWritable(self, []);
      self.storage.fill(castValue(x, self.dtype), self.storageOffset(), self.numel());
      self.storage.bump();
      return self;
    }
  }
  return apply(self, x === 0 ? "zero_" : "fill_", [], (before) => {
    const out = new Tensor(self.dtype.zeros(self.numel()).fill(castValue(x, self.dtype)), self.shape, self.dtype);
    return record(out, x === 0 ? "ZeroBackward0" : "FillBackward2", [before], (g) => [new Tensor(g.dtype.zeros(g.numel()), g.shape, g.dtype)]);
  });
}

/** uniform_ and normal_: fresh draws from the seeded generator, floating dtypes only. */
export function fillRandom<T extends Tensor>(self: T, op: string, kernelName: string, draw: () => number): T {
  if (!self.dtype.isFloatingPoint) throw new Error(`"${kernelName}" not implemented for '${self.dtype.scalarName}'`);
  return apply(self, op, [], (before) => {
    const data = self.dtype.zeros(self.numel()); // a float array: each draw is rounded as it is stored
    for (let i = 0; i < data.length; i++) data[i] = draw();
    const out = new Tensor(data, self.shape, self.dtype);
    const name = op === "uniform_" ? "UniformBackward0" : "NormalBackward0";
    return record(out, name, [before], (g) => [new Tensor(g.dtype.zeros(g.numel()), g.shape, g.dtype)]);
  });
}

