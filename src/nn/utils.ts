// nn.utils: gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_), in place on the
// .grad of each parameter, before optimizer.step().
import * as A from "../args.ts";
import { Tensor } from "../tensor/tensor.ts";
import { float32 } from "../tensor/dtype.ts";

/** clipGradNorm_'s options, as PyTorch's: the norm type (2 by default; Infinity for the largest entry) and errorIfNonfinite. */
export interface ClipGradNormOptions {
  /** The p of the p-norm: 2 by default, Infinity for the largest |g|. */
  normType?: number;
  /** Throw, as PyTorch does, when the total norm is NaN or infinite, rather than scale by it. */
  errorIfNonfinite?: boolean;
}

function gradsOf(params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.map((p) => p._grad()).filter((g): g is Tensor => g !== null);
}

function norm(values: ArrayLike<number>, p: number): number {
  let total = 0;
  if (p === Infinity) {
    for (let i = 0; i < values.length; i++) total = Math.max(total, Math.abs(values[i]!));
    return total;
  }
  for (let i = 0; i < values.length; i++) total += Math.abs(values[i]!) ** p;
  return total ** (1 / p);
}

/** Scales all the gradients together so that their total p-norm (the norm of the per-tensor
 *  norms) is at most maxNorm; returns that total norm, before scaling, as a 0-dim tensor. */
export function clipGradNorm_(params: Iterable<Tensor> | Tensor, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  A.checkOptions("clip_grad_norm_", options, { normType: A.number, errorIfNonfinite: A.boolean });
  const { normType = 2, errorIfNonfinite = false } = options;
  if (!(normType > 0)) throw new Error(`clipGradNorm_: normType must be > 0, got ${normType}`);
  const grads = gradsOf(params);
  if (grads.length === 0) return new Tensor(new Float32Array([0]), [], float32);
  // Each norm is rounded to float32 as PyTorch's per-tensor norms are, then combined.
  const total = Math.fround(norm(grads.map((g) => Math.fround(norm(g._data, normType))), normType));
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(`The total norm of order ${normType === Infinity ? "inf" : normType.toFixed(1)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``);
  }
  const coef = Math.min(Math.fround(maxNorm / Math.fround(total + 1e-6)), 1);
  for (const g of grads) {
    const d = g._data;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! * coef;
    g.storage.bump();
  }
  return new Tensor(new Float32Array([total]), [], float32);
}

/** Clamps every gradient element into [-clipValue, clipValue]. */
export function clipGradValue_(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) throw new Error(`clipGradValue_: clipValue must be >= 0, got ${clipValue}`);
  for (const g of gradsOf(params)) {
    const d = g._data;
    for (let i = 0; i < d.length; i++) d[i] = Math.min(Math.max(d[i]!, -clipValue), clipValue);
    g.storage.bump();
  }
}
