// The binding of optimizer.wat: SGD's momentum update, in place, and filling an arena array. Arrays
// that live in the arena (parameters, their gradients, SGD's buffers) are used where they are;
// others are copied in and out in pieces that fit the memory budget.
import { KernelMemory } from "./memory.ts";
import { optimizerWat } from "./wat.generated.ts";

type I = number; // a count or a byte address in the shared memory
interface OptimizerExports {
  fill(x: I, count: I, value: number): void;
  sgd_momentum(w: I, g: I, buf: I, count: I, step: number, momentum: number, keep: number): void;
}

export class OptimizerBinding {
  private readonly kernel: OptimizerExports;

  constructor(private readonly mem: KernelMemory) {
    this.kernel = mem.instantiate<OptimizerExports>(optimizerWat, "optimizer.wat");
  }

  /** buf = momentum·buf + keep·grad, then w -= lr·buf (the hyperparameters become f32 on the way in). */
  sgdMomentum(w: Float32Array, grad: Float32Array, buf: Float32Array, lr: number, momentum: number, keep: number): void {
    const [wAt, gAt, bAt] = [this.mem.addressOf(w), this.mem.addressOf(grad), this.mem.addressOf(buf)];
    if (wAt >= 0 && gAt >= 0 && bAt >= 0) return this.kernel.sgd_momentum(wAt, gAt, bAt, w.length, -lr, momentum, keep);
    this.mem.inPieces([w, grad, buf], [w, buf], (at, count) => this.kernel.sgd_momentum(at(w), at(grad), at(buf), count, -lr, momentum, keep));
  }

  /** Fills an arena array with `value` and says true; false (and nothing done) for any other array.
   *  (The engine's own fill of a shared memory's array goes element by element, about 10x slower.) */
  fillResident(array: Float32Array, value: number): boolean {
    const at = this.mem.addressOf(array);
    if (at >= 0) this.kernel.fill(at, array.length, value);
    return at >= 0;
  }
}
