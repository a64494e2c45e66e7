// nn.Flatten: merges dims start..end into one; by default everything but the batch dim.
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";

/** nn.Flatten(start = 1, end = -1): dims start..end into one, e.g. [N, C, H, W] -> [N, C*H*W]. */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** nn.Unflatten(dim, sizes): dim `dim` split into `sizes`, e.g. [N, 12] -> [N, 3, 4]. */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly unflattenedSize: readonly number[]) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.unflattenedSize.join(", ")}${this.unflattenedSize.length === 1 ? "," : ""})`;
  }
}
