// Batch normalisation's loops over an input [N, C, inner]: x[b, c, i] sits at (b * C + c) * inner + i.
// Statistics per channel, the normalisation, and the backward, each summing in float64.
import type { DataArray } from "../../tensor/dtype.ts";

/** A batch-norm input's layout: batch, channels, and values per channel per sample (H * W). */
export interface BatchNormLayout { batch: number; channels: number; inner: number }

/** Per channel: mean[c] and the sum of squared deviations from it, squares[c]. */
export function batchNormStatistics(x: DataArray, { batch, channels, inner }: BatchNormLayout, mean: Float64Array, squares: Float64Array): void {
  const count = batch * inner;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let b = 0; b < batch; b++) {
      const start = (b * channels + c) * inner;
      for (let i = start; i < start + inner; i++) sum += x[i]!;
    }
    const m = sum / count;
    let sq = 0;
    for (let b = 0; b < batch; b++) {
      const start = (b * channels + c) * inner;
      for (let i = start; i < start + inner; i++) sq += (x[i]! - m) ** 2;
    }
    mean[c] = m;
    squares[c] = sq;
  }
}

/** xHat = (x - mean) * invStd, rounded to the array's precision (float32 rounds it), as the
 *  backward works it out again from x (PyTorch too saves the input, not xHat). */
function xHatOf(x: DataArray): (value: number, mean: number, invStd: number) => number {
  return x instanceof Float32Array ? (v, m, s) => Math.fround((v - m) * s) : (v, m, s) => (v - m) * s;
}

/** out = xHat * weight + bias, per channel (weight 1 and bias 0 when absent). */
export function batchNormNormalize(x: DataArray, layout: BatchNormLayout, mean: Float64Array, invStd: Float64Array,
  weight: DataArray | null, bias: DataArray | null, out: DataArray): void {
  const { batch, channels, inner } = layout;
  const xHat = xHatOf(x);
  for (let c = 0; c < channels; c++) {
    const m = mean[c]!, s = invStd[c]!, w = weight ? weight[c]! : 1, b0 = bias ? bias[c]! : 0;
    for (let b = 0; b < batch; b++) {
      const start = (b * channels + c) * inner, end = start + inner;
      for (let i = start; i < end; i++) out[i] = xHat(x[i]!, m, s) * w + b0;
    }
  }
}

/** Batch norm's gradients per channel: gradBias = sum(g), gradWeight = sum(g * xHat), and in
 *  training (the batch's statistics depend on every x of the channel)
 *  gradInput = w * invStd / M * (M * g - sum(g) - xHat * sum(g * xHat)), M values per channel;
 *  in evaluation (the running statistics are constants) gradInput = w * invStd * g. */
export function batchNormBackward(g: DataArray, x: DataArray, layout: BatchNormLayout, weight: DataArray | null, mean: Float64Array, invStd: Float64Array,
  training: boolean, gradInput: DataArray, gradWeight: DataArray, gradBias: DataArray): void {
  const { batch, channels, inner } = layout;
  const count = batch * inner;
  const xHat = xHatOf(x);
  for (let c = 0; c < channels; c++) {
    const w = weight ? weight[c]! : 1, m = mean[c]!, s = invStd[c]!;
    let sumG = 0, sumGxHat = 0;
    for (let b = 0; b < batch; b++) {
      const start = (b * channels + c) * inner;
      for (let i = start; i < start + inner; i++) {
        sumG += g[i]!;
        sumGxHat += g[i]! * xHat(x[i]!, m, s);
      }
    }
    gradBias[c] = sumG;
    gradWeight[c] = sumGxHat;
    const k = training ? (w * invStd[c]!) / count : w * invStd[c]!;
    for (let b = 0; b < batch; b++) {
      const start = (b * channels + c) * inner;
      if (training) for (let i = start; i < start + inner; i++) gradInput[i] = k * (count * g[i]! - sumG - xHat(x[i]!, m, s) * sumGxHat);
      else for (let i = start; i < start + inner; i++) gradInput[i] = k * g[i]!;
    }
  }
}
