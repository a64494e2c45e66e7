// nn.Embedding: a table of vectors looked up by integer index.
import { Module, Parameter } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { randn } from "../../tensor/create.ts";
import { noGrad } from "../../tensor/autograd.ts";
import { embedding } from "../functional/embedding.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

/** nn.Embedding(numEmbeddings, embeddingDim, { paddingIdx }): weight [num, dim] from N(0, 1), the
 *  padding row zeroed and given no gradient, as PyTorch's. */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  constructor(numEmbeddings: number, embeddingDim: number, options?: { paddingIdx?: number | null });
  constructor(numEmbeddings: number, embeddingDim: number, paddingIdx: number | null);
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, ...args: unknown[]) {
    super();
    A.checkArg("Embedding", "numEmbeddings", numEmbeddings, A.integer);
    A.checkArg("Embedding", "embeddingDim", embeddingDim, A.integer);
    const o = positional("Embedding", args, ["paddingIdx"], { paddingIdx: A.nullable(A.integer) }) as { paddingIdx?: number | null };
    const p = o.paddingIdx ?? null;
    if (p !== null && !(p >= -numEmbeddings && p < numEmbeddings)) throw new Error("Padding_idx must be within num_embeddings");
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = new Parameter(randn(numEmbeddings, embeddingDim));
    if (this.paddingIdx !== null) noGrad(() => this.weight.get(this.paddingIdx!).fill_(0));
  }
  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, this.paddingIdx);
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ""}`;
  }
}
