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
