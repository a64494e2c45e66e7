// ReLU as a reader would write it: keep the positives, zero the rest.
import type { DataArray } from "../../tensor/dtype.ts";

/** out[i] = max(x[i], 0); NaN stays NaN (and -0 becomes 0). */
export function relu(x: DataArray, out: DataArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : v !== v ? v : 0;
  }
}

/** dx[i] = 0 where the forward output was <= 0 (at exactly 0 too), else g[i]: a NaN output passes
 *  its gradient on, as PyTorch's threshold_backward does. */
export function reluBackward(out: DataArray, g: DataArray, dx: DataArray): void {
  for (let i = 0; i < out.length; i++) dx[i] = out[i]! <= 0 ? 0 : g[i]!;
}
