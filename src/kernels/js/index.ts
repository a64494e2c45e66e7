// The readable reference backend: plain loops, one file per family.
import type { KernelBackend } from "../types.ts";
import type { DataArray } from "../../tensor/dtype.ts";
import { gemm } from "./gemm.ts";
import { conv2d, conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight } from "./conv.ts";
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from "./pool.ts";
import { relu, reluBackward } from "./activation.ts";
import { arithmetic, map } from "./elementwise.ts";
import { batchNormBackward, batchNormNormalize, batchNormStatistics } from "./batchnorm.ts";
import { gelu, geluBackward, layerNorm, layerNormBackward } from "./normalization.ts";
import { gruCell, gruCellBackward, lstmCell, lstmCellBackward } from "./rnn.ts";
import { sgdMomentum } from "./optimizer.ts";

export const jsBackend: KernelBackend<DataArray> = {
  name: "js",
  gemm,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dBackwardBias,
  arithmetic,
  map,
  batchNormStatistics,
  batchNormNormalize,
  batchNormBackward,
  layerNorm,
  layerNormBackward,
  gelu,
  geluBackward,
  gruCell,
  gruCellBackward,
  lstmCell,
  lstmCellBackward,
  relu,
  reluBackward,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  sgdMomentum,
};
