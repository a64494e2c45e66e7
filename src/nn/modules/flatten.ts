// nn.Flatten: merges dims start..end into one; by default everything but the batch dim.
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import * as A from "../../args.ts";

/** nn.Flatten(start = 1, end = -1): dims start..end into one, e.g. [N, C, H, W] -> [N, C*H*W]. */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  /** `new Flatten()`, `new Flatten(0)`, `new Flatten(1, 2)` or `new Flatten({ startDim, endDim })`. */
  constructor(...args: (number | { startDim?: number; endDim?: number })[]) {
    super();
    const { startDim = 1, endDim = -1 } = A.positional("Flatten", args, ["startDim", "endDim"], { startDim: A.integer, endDim: A.integer }) as { startDim?: number; endDim?: number };
    this.startDim = startDim;
    this.endDim = endDim;
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
  constructor(readonly dim: number, readonly unflattenedSize: readonly number[], ...rest: never[]) {
    super();
    A.checkArg("Unflatten", "dim", dim, A.integer);
    A.checkArg("Unflatten", "unflattenedSize", unflattenedSize, A.check("a list of integers", (v) => Array.isArray(v) && v.every(Number.isInteger)));
    if (rest.length) throw new Error(`Unflatten: takes 2 arguments (dim, unflattenedSize), got ${2 + rest.length}`);
  }
  override forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.unflattenedSize.join(", ")}${this.unflattenedSize.length === 1 ? "," : ""})`;
  }
}
