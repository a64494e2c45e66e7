// nn.BatchNorm2d: per-channel normalisation of [N, C, H, W] with a learned scale (weight) and shift
// (bias), and running estimates of mean and variance for evaluation.
import { Module, Parameter } from "./module.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";
import { ones, tensor, zeros } from "../../tensor/create.ts";
import { shapeString } from "../../tensor/shape.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { batchNorm } from "../functional/batchnorm.ts";
import { pyBool, pyFloat } from "../../python-repr.ts";

export interface BatchNorm2dOptions {
  eps?: number;
  /** null: a plain cumulative average of every batch seen, as PyTorch's momentum=None. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** nn.BatchNorm2d(numFeatures, { eps, momentum, affine, trackRunningStats }): per-channel normalisation of [N, C, H, W] with running statistics for eval. */
export class BatchNorm2d extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  /** Options, or PyTorch's positional order: `BatchNorm2d(16, 1e-5, 0.1)` (eps, momentum, affine, trackRunningStats). */
  constructor(numFeatures: number, options?: BatchNorm2dOptions);
  constructor(numFeatures: number, ...rest: (number | boolean | null | BatchNorm2dOptions)[]);
  constructor(readonly numFeatures: number, ...args: unknown[]) {
    super();
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = positional("BatchNorm2d", args, ["eps", "momentum", "affine", "trackRunningStats"], {
      eps: A.number, momentum: A.nullable(A.number), affine: A.boolean, trackRunningStats: A.boolean,
    }) as BatchNorm2dOptions;
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) throw new Error(`BatchNorm2d: num_features must be a positive integer, got ${numFeatures}`);
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones(numFeatures)) : null;
    this.bias = affine ? new Parameter(zeros(numFeatures)) : null;
    if (trackRunningStats) {
      this.registerBuffer("runningMean", zeros(numFeatures), "running_mean");
      this.registerBuffer("runningVar", ones(numFeatures), "running_var");
      this.registerBuffer("numBatchesTracked", tensor(0, { dtype: "int64" }), "num_batches_tracked");
    } else {
      this.runningMean = this.runningVar = this.numBatchesTracked = null;
    }
  }

  /** Throws unless `x` has the dims this layer normalises ([N, C, H, W] here). */
  protected checkInput(x: Tensor): void {
    if (x.shape.length !== 4) throw new Error(`expected 4D input (got ${x.shape.length}D input)`);
  }

  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(`${this.constructor.name}(${this.numFeatures}): expected input with ${this.numFeatures} channels, got ${shapeString(x.shape)}`);
    }
    // Batch statistics while training, and always when there are no running estimates to use.
    const useBatchStats = this.training || this.runningMean === null;
    let factor = this.momentum ?? 0;
    const tracked = this.numBatchesTracked ? this.numBatchesTracked._data[0]! + 1 : 0;
    if (this.training && this.momentum === null) factor = 1 / tracked; // cumulative average
    // While training this also moves the running stats; in eval it only reads them.
    const out = batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, useBatchStats, factor, this.eps);
    if (this.training && this.numBatchesTracked) this.numBatchesTracked._data[0] = tracked; // only once the call succeeded
    return out;
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** nn.BatchNorm1d(numFeatures, ...): BatchNorm2d's normalisation for [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNorm2d {
  protected override checkInput(x: Tensor): void {
    if (x.shape.length !== 2 && x.shape.length !== 3) throw new Error(`expected 2D or 3D input (got ${x.shape.length}D input)`);
  }
}
