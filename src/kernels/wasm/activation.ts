// The binding of activation.wat: ReLU forward and backward on Float32Arrays, in pieces that fit
// the memory budget.
import { KernelMemory } from "./memory.ts";
import { activationWat } from "./wat.generated.ts";

type I = number; // a count or a byte address in the shared memory
interface ActivationExports { relu(x: I, out: I, count: I): void; relu_backward(out: I, g: I, dx: I, count: I): void }

export class ActivationBinding {
  private readonly kernel: ActivationExports;

  constructor(private readonly mem: KernelMemory) {
    this.kernel = mem.instantiate<ActivationExports>(activationWat, "activation.wat");
  }

  /** out = max(x, 0). */
  relu(x: Float32Array, out: Float32Array): void {
    this.mem.inPieces([x], [out], (at, count) => this.kernel.relu(at(x), at(out), count));
  }

  /** dx = g where out > 0, else 0. */
  reluBackward(out: Float32Array, g: Float32Array, dx: Float32Array): void {
    this.mem.inPieces([out, g], [dx], (at, count) => this.kernel.relu_backward(at(out), at(g), at(dx), count));
  }
}
