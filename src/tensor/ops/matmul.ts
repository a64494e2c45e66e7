// Matrix products. The multiply itself always runs in a kernel (kernels/), so the wasm backend
// speeds up every matmul, Linear and backward pass; this file only arranges shapes.
import { isGradEnabled, record } from "../autograd.ts";
import { kernelsFor } from "../../kernels/index.ts";
import { bool, type DataArray, type DType } from "../dtype.ts";
import { broadcastShapes, expandData, numelOf, shapeString, sumToShape } from "../shape.ts";
import { Tensor } from "../tensor.ts";

function shapeError(a: readonly number[], b: readonly number[]): Error {
  const [m, k1] = a.length === 1 ? [1, a[0]] : [a.at(-2), a.at(-1)];
  const [k2, n] = b.length === 1 ? [b[0], 1] : [b.at(-2), b.at(-1)];
  return new Error(`mat1 and mat2 shapes cannot be multiplied (${m}x${k1} and ${k2}x${n})`);
}

/** C[m,n] = op(A)·op(B) into `into` (when given, m·n elements of `dtype`) or a fresh array of
 *  `dtype`; transB reads b as stored [n,k]. */
export function gemm(dtype: DType, a: DataArray, b: DataArray, m: number, n: number, k: number, transA = false, transB = false, into?: DataArray): DataArray {
  const c = into ?? dtype.zeros(m * n);
  kernelsFor(dtype).gemm(transA, transB, m, n, k, a, b, c, false);
  return c;
}

/** PyTorch's checks before any product: one dtype for both operands, and not bool. */
function checkDTypes(a: Tensor, b: Tensor): DType {
  if (a.dtype !== b.dtype) throw new Error(`expected m1 and m2 to have the same dtype, but got: ${a.dtype.cName} != ${b.dtype.cName}`);
  if (a.dtype === bool) throw new Error(`"addmm_impl_cpu_" not implemented for 'Bool'`);
  return a.dtype;
}

/** A matrix as the kernel reads it: its row-major elements, or, for the transpose of a contiguous
 *  matrix (x.t(), w.T), that matrix's own memory and a flag to read it transposed (no copy). */
function matrixOf(t: Tensor): [DataArray, boolean] {
  const [rows, cols] = t.shape as unknown as [number, number];
  const [s0, s1] = t.stride() as [number, number];
  if (!t.isContiguous() && s0 === 1 && s1 === rows && cols > 1 && rows > 1) {
    const at = t.storageOffset();
    return [t.storage.array.subarray(at, at + rows * cols), true];
  }
  return [t._data, false];
}

/** 2-D × 2-D: the core everything else reduces to. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== 2 || b.shape.length !== 2 || a.shape[1] !== b.shape[0]) throw shapeError(a.shape, b.shape);
  const dtype = checkDTypes(a, b);
  const [m, k] = a.shape as unknown as [number, number];
  const n = b.shape[1]!;
  const [aData, aT] = matrixOf(a), [bData, bT] = matrixOf(b);
  const out = new Tensor(gemm(dtype, aData, bData, m, n, k, aT, bT), [m, n], dtype);
  return record(out, "MmBackward0", [a, b], (g) => isGradEnabled() ? [a.requiresGrad ? g.matmul(b.t()) : null, b.requiresGrad ? a.t().matmul(g) : null] : [
    a.requiresGrad ? new Tensor(gemm(dtype, g._data, bData, m, k, n, false, !bT), [m, k], dtype) : null, // dA = dC·Bᵀ
    b.requiresGrad ? new Tensor(gemm(dtype, aData, g._data, k, n, m, !aT, false), [k, n], dtype) : null, // dB = Aᵀ·dC
  ], [b.requiresGrad ? a : null, a.requiresGrad ? b : null]);
}

/** torch.matmul: dot for 1-D·1-D, matrix-vector, and batched with broadcast batch dims. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const dtype = checkDTypes(a, b);
  const ra = a.shape.length, rb = b.shape.length;
  if (ra === 0 || rb === 0) throw new Error(`both arguments to matmul need to be at least 1D, but they are ${ra}D and ${rb}D`);
  if (ra === 1 && rb === 1) {
    if (a.shape[0] !== b.shape[0]) {
      throw new Error(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
    }
    const out = new Tensor(gemm(dtype, a._data, b._data, 1, 1, a.shape[0]!), [], dtype);
    return record(out, "DotBackward0", [a, b], (g) => [b.mul(g), a.mul(g)], [b.requiresGrad ? a : null, a.requiresGrad ? b : null]);
  }
  if (ra === 2 && rb === 2) return mm(a, b);
  if (ra === 2 && rb === 1) {
    if (a.shape[1] !== b.shape[0]) throw shapeError(a.shape, b.shape);
    const [m, k] = [a.shape[0]!, a.shape[1]!];
    const out = new Tensor(gemm(dtype, a._data, b._data, m, 1, k), [m], dtype);
    return record(out, "MvBackward0", [a, b], (g) => [
      a.requiresGrad ? new Tensor(gemm(dtype, g._data, b._data, m, k, 1), [m, k], dtype) : null,
      b.requiresGrad ? new Tensor(gemm(dtype, a._data, g._data, k, 1, m, true), [k], dtype) : null,
    ], [b.requiresGrad ? a : null, a.requiresGrad ? b : null]);
  }
  if (ra === 1 && rb === 2) return mm(a.unsqueeze(0), b).squeeze(0);
  return batchedMatmul(a, b);
}

/** Batched matmul: leading dims broadcast, the last two multiply. 1-D operands gain and lose a dim. */
function batchedMatmul(a: Tensor, b: Tensor): Tensor {
  const A = a.shape.length === 1 ? a.unsqueeze(0) : a;
  const B = b.shape.length === 1 ? b.unsqueeze(1) : b;
  const [m, k] = [A.shape.at(-2)!, A.shape.at(-1)!];
  const [k2, n] = [B.shape.at(-2)!, B.shape.at(-1)!];
  if (k !== k2) throw shapeError(a.shape, b.shape);
  let batch: number[];
  try {
    batch = broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2));
  } catch {
    throw new Error(`matmul: batch dimensions of ${shapeString(a.shape)} and ${shapeString(b.shape)} cannot be broadcast together`);
  }
  const count = numelOf(batch);
  const aFull = [...batch, m, k], bFull = [...batch, k, n];
  const aData = expandData(A._data, A.shape, aFull);
  const bData = expandData(B._data, B.shape, bFull);
  const dtype = a.dtype;
  const out = dtype.zeros(count * m * n);
  const kern = kernelsFor(dtype);
  for (let i = 0; i < count; i++) {
    kern.gemm(false, false, m, n, k, aData.subarray(i * m * k, (i + 1) * m * k), bData.subarray(i * k * n, (i + 1) * k * n),
      out.subarray(i * m * n, (i + 1) * m * n), false);
  }
  let shape = [...batch, m, n];
  if (a.shape.length === 1) shape = [...batch, n];
  if (b.shape.length === 1) shape = a.shape.length === 1 ? batch : [...batch, m];
  const result = new Tensor(out, shape, dtype);
  return record(result, "BmmBackward0", [a, b], (g) => {
    const gA = dtype.zeros(count * m * k);
    const gB = dtype.zeros(count * k * n);
    for (let i = 0; i < count; i++) {
      const gi = g._data.subarray(i * m * n, (i + 1) * m * n);
      kern.gemm(false, true, m, k, n, gi, bData.subarray(i * k * n, (i + 1) * k * n), gA.subarray(i * m * k, (i + 1) * m * k), false);
      kern.gemm(true, false, k, n, m, aData.subarray(i * m * k, (i + 1) * m * k), gi, gB.subarray(i * k * n, (i + 1) * k * n), false);
    }
    return [
      new Tensor(sumToShape(gA, aFull, A.shape), a.shape, dtype),
      new Tensor(sumToShape(gB, bFull, B.shape), b.shape, dtype),
    ];
  }, [b.requiresGrad ? a : null, a.requiresGrad ? b : null]);
}

/** F.linear: x·Wᵀ + b with W stored [out, in], as nn.Linear keeps it. For a 2-D input with a bias
 *  this is PyTorch's addmm (grad_fn AddmmBackward0); the kernel reads W transposed in place. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const inFeatures = weight.shape[1]!, outFeatures = weight.shape[0]!;
  if (x.shape.length === 0 || x.shape.at(-1) !== inFeatures) {
    const rows = x.shape.length <= 1 ? 1 : numelOf(x.shape.slice(0, -1));
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${rows}x${x.shape.at(-1) ?? 1} and ${inFeatures}x${outFeatures})`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outFeatures)) {
    throw new Error(`linear: expected bias of shape [${outFeatures}], got ${shapeString(bias.shape)}`);
  }
  const dtype = checkDTypes(x, weight);
  if (bias && bias.dtype !== dtype) throw new Error(`linear: expected bias of dtype ${dtype}, got ${bias.dtype}`);
  if (x.shape.length !== 2) {
    const y = matmul(x, weight.T);
    return bias ? y.add(bias) : y;
  }
  const m = x.shape[0]!;
  const data = dtype.zeros(m * outFeatures);
  if (bias) for (let i = 0; i < m; i++) data.set(bias._data, i * outFeatures);
  kernelsFor(dtype).gemm(false, true, m, outFeatures, inFeatures, x._data, weight._data, data, bias != null);
  const out = new Tensor(data, [m, outFeatures], dtype);
  // (the weight's gradient may go into recycled memory: `into`, see autograd.ts)
  const backward = (g: Tensor, weightInto: DataArray | undefined): (Tensor | null)[] => isGradEnabled() ? [
    x.requiresGrad ? g.matmul(weight) : null, weight.requiresGrad ? g.t().matmul(x) : null, // recorded, for a backward differentiated again
  ] : [
    x.requiresGrad ? new Tensor(gemm(dtype, g._data, weight._data, m, inFeatures, outFeatures), [m, inFeatures], dtype) : null, // g·W
    weight.requiresGrad ? new Tensor(gemm(dtype, g._data, x._data, outFeatures, inFeatures, m, true, false, weightInto), [outFeatures, inFeatures], dtype) : null, // gᵀ·x
  ];
  // x is needed for the weight's gradient, the weight for x's (PyTorch saves each only then)
  const saved = [weight.requiresGrad ? x : null, x.requiresGrad ? weight : null];
  // PyTorch computes x·Wᵀ with Wᵀ a view of W, so its graph shows a TBackward0 node between the
  // product and the weight; the kernel reads W transposed in place, so the node is only shown.
  if (!bias) return showTransposed(record(out, "MmBackward0", [x, weight], (g, into) => backward(g, into[1]), saved), 1);
  // PyTorch computes addmm(bias, x, Wᵀ), so the bias comes first in grad_fn.next_functions.
  return showTransposed(record(out, "AddmmBackward0", [bias, x, weight], (g, into) => [
    isGradEnabled() ? g.sum(0) : new Tensor(into[0] ? (into[0].set(sumToShape(g._data, g.shape, [1, outFeatures])), into[0]) : sumToShape(g._data, g.shape, [1, outFeatures]), [outFeatures], dtype),
    ...backward(g, into[2]),
  ], saved), 2);
}

function showTransposed(out: Tensor, input: number): Tensor {
  out.gradFn?.showTransposed(input);
  return out;
}
