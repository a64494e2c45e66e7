// The optimiser's update as a reader would write it.
import type { DataArray } from "../../tensor/dtype.ts";

/** SGD with momentum after its first step: buf = momentum·buf + keep·grad, then w -= lr·buf
 *  (keep = 1 - dampening). For float32 arrays each step rounds as PyTorch's CPU kernels do: the
 *  hyperparameters to float32, momentum·buf as one float32 product, and each `x + a·y` worked out in
 *  double precision and rounded once (PyTorch computes it as one fused multiply-add). */
export function sgdMomentum(w: DataArray, grad: DataArray, buf: DataArray, lr: number, momentum: number, keep: number): void {
  if (!(w instanceof Float32Array)) {
    for (let i = 0; i < w.length; i++) {
      buf[i] = buf[i]! * momentum + keep * grad[i]!;
      w[i] = w[i]! - lr * buf[i]!;
    }
    return;
  }
  const f = Math.fround;
  const step = f(-lr), m = f(momentum), k = f(keep);
  for (let i = 0; i < w.length; i++) {
    const b = f(f(buf[i]! * m) + k * grad[i]!);
    buf[i] = b;
    w[i] = f(w[i]! + step * b);
  }
}
