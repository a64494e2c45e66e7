// Layer normalisation and GELU as loops of their own, forward and backward side by side: the
// readable forms (F.layerNorm from mean / sub / div, F.gelu from erf) take a dozen tensor ops each,
// and these two run on every token of an attention block.
import type { DataArray } from "../../tensor/dtype.ts";

/** For each of `rows` rows of `size` values: mean and 1 / sqrt(biased variance + eps) (kept for
 *  the backward), and y = (x - mean) * rstd * weight + bias (weight and bias per position, or none).
 *  Sums are taken in float64. */
export function layerNorm(x: DataArray, weight: DataArray | null, bias: DataArray | null, rows: number, size: number, eps: number,
  y: DataArray, mean: Float64Array, rstd: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const at = r * size;
    let sum = 0;
    for (let i = 0; i < size; i++) sum += x[at + i]!;
    const m = sum / size;
    let squares = 0;
    for (let i = 0; i < size; i++) {
      const d = x[at + i]! - m;
      squares += d * d;
    }
    const s = 1 / Math.sqrt(squares / size + eps);
    mean[r] = m;
    rstd[r] = s;
    for (let i = 0; i < size; i++) {
      let v = (x[at + i]! - m) * s;
      if (weight) v *= weight[i]!;
      if (bias) v += bias[i]!;
      y[at + i] = v;
    }
  }
}

/** LayerNorm's gradients, with xhat = (x - mean) * rstd and gw = g * weight:
 *  dx = rstd * (gw - mean(gw) - xhat * mean(gw * xhat)) per row; dweight = sum over rows of g * xhat,
 *  dbias = sum over rows of g (each written when its array is given; dx likewise). */
export function layerNormBackward(g: DataArray, x: DataArray, weight: DataArray | null, mean: Float64Array, rstd: Float64Array,
  rows: number, size: number, dx: DataArray | null, dweight: DataArray | null, dbias: DataArray | null): void {
  const wsum = dweight ? new Float64Array(size) : null, bsum = dbias ? new Float64Array(size) : null;
  for (let r = 0; r < rows; r++) {
    const at = r * size, m = mean[r]!, s = rstd[r]!;
    let sumGw = 0, sumGwXhat = 0;
    for (let i = 0; i < size; i++) {
      const xhat = (x[at + i]! - m) * s, gi = g[at + i]!;
      const gw = weight ? gi * weight[i]! : gi;
      sumGw += gw;
      sumGwXhat += gw * xhat;
      if (wsum) wsum[i] = wsum[i]! + gi * xhat;
      if (bsum) bsum[i] = bsum[i]! + gi;
    }
    if (!dx) continue;
    const meanGw = sumGw / size, meanGwXhat = sumGwXhat / size;
    for (let i = 0; i < size; i++) {
      const xhat = (x[at + i]! - m) * s;
      const gw = weight ? g[at + i]! * weight[i]! : g[at + i]!;
      dx[at + i] = s * (gw - meanGw - xhat * meanGwXhat);
    }
  }
  if (dweight && wsum) dweight.set(wsum);
  if (dbias && bsum) dbias.set(bsum);
}

/** GELU: y = x * cdf, cdf = Phi(x) = (1 + erf(x / sqrt 2)) / 2 (or PyTorch's tanh approximation
 *  of it); cdf is kept for the backward. */
export function gelu(x: DataArray, y: DataArray, cdf: Float64Array, tanhApproximation: boolean, erf: (v: number) => number): void {
  const k = Math.sqrt(2 / Math.PI);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const c = tanhApproximation ? 0.5 * (1 + Math.tanh(k * (v + 0.044715 * v * v * v))) : 0.5 * (1 + erf(v * Math.SQRT1_2));
    cdf[i] = c;
    y[i] = v * c;
  }
}

/** GELU's gradient: dx = g * (cdf + x * pdf), pdf = exp(-x^2 / 2) / sqrt(2 pi); with the tanh
 *  approximation, the derivative of that formula instead. */
export function geluBackward(g: DataArray, x: DataArray, cdf: Float64Array, tanhApproximation: boolean, dx: DataArray): void {
  const k = Math.sqrt(2 / Math.PI), norm = 1 / Math.sqrt(2 * Math.PI);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!, c = cdf[i]!;
    let slope: number;
    if (tanhApproximation) {
      const t = 2 * c - 1; // tanh(inner)
      slope = c + 0.5 * v * (1 - t * t) * k * (1 + 3 * 0.044715 * v * v);
    } else slope = c + v * norm * Math.exp(-0.5 * v * v);
    dx[i] = g[i]! * slope;
  }
}
