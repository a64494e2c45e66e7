// Scaled dot-product attention, written with tensor ops (matmul, softmax, masks), so autograd
// differentiates it and a reader can follow it line by line.
import { Tensor } from "../../tensor/tensor.ts";
import { bool } from "../../tensor/dtype.ts";
import { ones } from "../../tensor/create.ts";
import { tril } from "../../tensor/ops/math.ts";
import { dropout } from "./dropout.ts";
import * as A from "../../args.ts";

/** F.scaled_dot_product_attention's options, PyTorch's names in camelCase. */
export interface AttentionOptions {
  /** A bool mask (true: may attend) or an additive float mask, broadcast to [..., L, S]. */
  attnMask?: Tensor | null;
  dropoutP?: number;
  /** Each position attends only to itself and earlier ones. */
  isCausal?: boolean;
  /** Defaults to 1 / sqrt(E). */
  scale?: number | null;
}

const OPTIONS = { attnMask: A.nullable(A.tensor), dropoutP: A.number, isCausal: A.boolean, scale: A.nullable(A.number) };

/** F.scaled_dot_product_attention(q [..., L, E], k [..., S, E], v [..., S, Ev]): softmax(q kᵀ * scale
 *  + mask) v. */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: AttentionOptions = {}): Tensor {
  A.checkOptions("scaled_dot_product_attention", options, OPTIONS);
  const { attnMask = null, dropoutP = 0, isCausal = false } = options;
  if (isCausal && attnMask) throw new Error("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
  const L = query.shape.at(-2)!, S = key.shape.at(-2)!, E = query.shape.at(-1)!;
  const scale = options.scale ?? 1 / Math.sqrt(E);
  let scores = query.matmul(key.mT).mul(scale);
  const mask = isCausal ? tril(ones([L, S], { dtype: bool })) : attnMask;
  if (mask) scores = mask.dtype === bool ? scores.maskedFill(mask.eq(0).expand(scores.shape), -Infinity) : scores.add(mask);
  let weights = scores.softmax(-1);
  if (dropoutP > 0) weights = dropout(weights, dropoutP, true);
  return weights.matmul(value);
}

