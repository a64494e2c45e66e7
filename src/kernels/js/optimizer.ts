// The optimiser's update as a reader would write it.
import type { DataArray } from "../../tensor/dtype.ts";

/** SGD with momentum after its first step: buf = momentum·buf + keep·grad, then w -= lr·buf
 *  (keep = 1 - dampening). Reading buf[i] back gives the value its dtype stored. */
export function sgdMomentum(w: DataArray, grad: DataArray, buf: DataArray, lr: number, momentum: number, keep: number): void {
  for (let i = 0; i < w.length; i++) {
    buf[i] = momentum * buf[i]! + keep * grad[i]!;
    w[i] = w[i]! - lr * buf[i]!;
  }
}
