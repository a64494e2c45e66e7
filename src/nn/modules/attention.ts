// nn.MultiheadAttention: queries, keys and values projected, split into heads, attended with
// scaled dot products, joined and projected out; PyTorch's parameter names, so weights travel.
import { Module, Parameter, emptyParameter } from "./module.ts";
import { Linear } from "./linear.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { bool } from "../../tensor/dtype.ts";
import { noGrad } from "../../tensor/autograd.ts";
import { linear } from "../../tensor/ops/matmul.ts";
import { tril } from "../../tensor/ops/math.ts";
import { ones } from "../../tensor/create.ts";
import { dropout } from "../functional/dropout.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

/** nn.MultiheadAttention(embedDim, numHeads, { dropout = 0, bias = true, batchFirst = false }):
 *  forward(query, key, value, { keyPaddingMask, needWeights = true, attnMask, averageAttnWeights =
 *  true, isCausal }) gives [output, weights or null]. Masks follow PyTorch's convention here: a bool
 *  true means "may not attend"; a float mask is added to the scores. */
export class MultiheadAttention extends Module {
  in_proj_weight: Parameter;
  in_proj_bias: Parameter | null;
  out_proj: Linear;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;

  constructor(embedDim: number, numHeads: number, options?: { dropout?: number; bias?: boolean; batchFirst?: boolean });
  constructor(embedDim: number, numHeads: number, dropout: number, bias?: boolean);
  constructor(readonly embedDim: number, readonly numHeads: number, ...args: unknown[]) {
    super();
    A.checkArg("MultiheadAttention", "embedDim", embedDim, A.integer);
    A.checkArg("MultiheadAttention", "numHeads", numHeads, A.integer);
    const o = positional("MultiheadAttention", args, ["dropout", "bias"], { dropout: A.number, bias: A.boolean, batchFirst: A.boolean }) as { dropout?: number; bias?: boolean; batchFirst?: boolean };
    if (embedDim % numHeads !== 0) throw new Error("embed_dim must be divisible by num_heads");
    this.headDim = embedDim / numHeads;
    this.dropout = o.dropout ?? 0;
    this.batchFirst = o.batchFirst ?? false;
    this.in_proj_weight = emptyParameter(3 * embedDim, embedDim);
    const bound = Math.sqrt(6 / (embedDim + 3 * embedDim)); // xavier_uniform_ over [3E, E]
    noGrad(() => this.in_proj_weight.uniform_(-bound, bound));
    this.in_proj_bias = (o.bias ?? true) ? emptyParameter(3 * embedDim) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias: o.bias ?? true });
    if (this.out_proj.bias) noGrad(() => this.out_proj.bias!.zero_());
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, options: {
    keyPaddingMask?: Tensor | null; needWeights?: boolean; attnMask?: Tensor | null; averageAttnWeights?: boolean; isCausal?: boolean;
  } = {}): [Tensor, Tensor | null] {
    A.checkOptions("MultiheadAttention.forward", options, {
      keyPaddingMask: A.nullable(A.tensor), needWeights: A.boolean, attnMask: A.nullable(A.tensor), averageAttnWeights: A.boolean, isCausal: A.boolean,
    });
    const { keyPaddingMask = null, needWeights = true, averageAttnWeights = true, isCausal = false } = options;
    const batched = query.dim() === 3;
    // to [N, L, E]
    const toBatchFirst = (t: Tensor) => (!batched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const [q0, k0, v0] = [query, key, value].map(toBatchFirst) as [Tensor, Tensor, Tensor];
    const [n, L, E] = q0.shape as unknown as [number, number, number];
    const S = k0.shape[1]!;
    if (E !== this.embedDim) throw new Error(`was expecting embedding dimension of ${this.embedDim}, but got ${E}`);
    const [wq, wk, wv] = this.in_proj_weight.chunk(3, 0) as [Tensor, Tensor, Tensor];
    const [bq, bk, bv] = this.in_proj_bias ? (this.in_proj_bias.chunk(3, 0) as [Tensor, Tensor, Tensor]) : [null, null, null];
    const heads = (t: Tensor, len: number) => t.reshape(n, len, this.numHeads, this.headDim).transpose(1, 2); // [N, H, len, d]
    const q = heads(linear(q0, wq, bq), L), k = heads(linear(k0, wk, bk), S), v = heads(linear(v0, wv, bv), S);
    let scores = q.matmul(k.mT).mul(1 / Math.sqrt(this.headDim)); // [N, H, L, S]
    let mask = options.attnMask ?? (isCausal ? tril(ones([L, S], { dtype: bool })).eq(0) : null);
    if (mask) scores = mask.dtype === bool ? scores.maskedFill(mask.expand(scores.shape), -Infinity) : scores.add(mask);
    if (keyPaddingMask) {
      const padding = keyPaddingMask.dtype === bool ? keyPaddingMask : keyPaddingMask.ne(0);
      scores = scores.maskedFill((batched ? padding : padding.unsqueeze(0)).reshape(n, 1, 1, S).expand(scores.shape), -Infinity);
    }
    let weights = scores.softmax(-1);
    if (this.dropout > 0) weights = dropout(weights, this.dropout, this.training);
    const joined = weights.matmul(v).transpose(1, 2).reshape(n, L, E);
    let out = this.out_proj(joined);
    out = !batched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
    if (!needWeights) return [out, null];
    let w = averageAttnWeights ? weights.mean(1) : weights;
    if (!batched) w = w.squeeze(0);
    return [out, w];
  }

  override extraRepr(): string {
    return "";
  }
}
