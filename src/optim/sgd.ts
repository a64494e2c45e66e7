// Stochastic gradient descent with PyTorch's exact update rule (torch.optim.SGD):
//
//   g = grad + weightDecay * p                         (L2 penalty folded into the gradient; with
//                                                       weightDecay 0, g is grad: no 0 * inf = NaN)
//   if momentum != 0:
//     buf = g                                          on the first step (no dampening here!)
//     buf = momentum * buf + (1 - dampening) * g       on every later step
//     g   = nesterov ? g + momentum * buf : buf
//   p = p - lr * g
//
// Note the velocity has no lr in it (Sutskever et al. put lr inside); PyTorch's docs point this out.
import { Tensor } from "../tensor/tensor.ts";
import { castArray, type DataArray } from "../tensor/dtype.ts";
import { Optimizer, checkNonNegative, type ParamState } from "./optimizer.ts";
import { arrayBeside, kernelsFor } from "../kernels/index.ts";

/** SGD's hyperparameters, PyTorch's names in camelCase; every one but lr defaults to 0 or false. */
export interface SGDOptions {
  /** PyTorch 2's default: 0.001. */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/** torch.optim.SGD: `new optim.SGD(params, { lr = 1e-3, momentum, dampening, weightDecay, nesterov })`, the rule above. */
export class SGD extends Optimizer {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** One momentum buffer per parameter, created on that parameter's first step. */
  readonly momentumBuffers = new Map<Tensor, DataArray>();

  constructor(params: Iterable<Tensor>, options: SGDOptions = {}) {
    super(params);
    const { lr = 1e-3, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = options;
    checkNonNegative("learning rate", lr);
    checkNonNegative("momentum value", momentum);
    checkNonNegative("weight_decay value", weightDecay);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new Error("Nesterov momentum requires a momentum and zero dampening");
    }
    this.lr = lr;
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
  }

  protected readonly stateKeys = { tensors: ["momentum_buffer"], numbers: [] };

  protected hyperparameters(): Record<string, unknown> {
    const { lr, momentum, dampening, weightDecay, nesterov } = this;
    return { lr, momentum, dampening, weight_decay: weightDecay, nesterov };
  }
  protected setHyperparameters(g: Record<string, unknown>): void {
    this.lr = g.lr as number;
    this.momentum = g.momentum as number;
    this.dampening = g.dampening as number;
    this.weightDecay = g.weight_decay as number;
    this.nesterov = g.nesterov as boolean;
  }
  protected paramState(p: Tensor): ParamState | undefined {
    const buf = this.momentumBuffers.get(p);
    return buf && { momentum_buffer: new Tensor(buf.slice(), p.shape, p.dtype) };
  }
  protected setParamState(p: Tensor, s: ParamState): void {
    this.momentumBuffers.set(p, castArray((s.momentum_buffer as Tensor).data, p.dtype));
  }
  protected clearParamState(p: Tensor): void {
    this.momentumBuffers.delete(p);
  }

  step(): void {
    const { lr, momentum, dampening, weightDecay, nesterov } = this;
    for (const p of this.params) {
      if (p.grad === null) continue; // never reached by backward: PyTorch skips it too
      const w = p.data;
      const grad = p.grad.data;
      let buf = this.momentumBuffers.get(p);
      const firstStep = buf === undefined;
      if (momentum !== 0 && buf === undefined) {
        buf = arrayBeside(w, w.length); // in the kernels' memory when w is
        this.momentumBuffers.set(p, buf);
      }
      // The rule above, one loop per case so that the loop that runs has no tests in it.
      if (buf === undefined) {
        for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * (weightDecay === 0 ? grad[i]! : grad[i]! + weightDecay * w[i]!);
      } else if (firstStep) {
        for (let i = 0; i < w.length; i++) {
          const g = weightDecay === 0 ? grad[i]! : grad[i]! + weightDecay * w[i]!;
          buf[i] = g;
          w[i] = w[i]! - lr * (nesterov ? g + momentum * buf[i]! : buf[i]!);
        }
      } else if (weightDecay === 0 && !nesterov) {
        kernelsFor(p.dtype).sgdMomentum(w, grad, buf, lr, momentum, 1 - dampening); // the common case, in SIMD on wasm
      } else {
        for (let i = 0; i < w.length; i++) {
          const g = weightDecay === 0 ? grad[i]! : grad[i]! + weightDecay * w[i]!;
          buf[i] = momentum * buf[i]! + (1 - dampening) * g;
          w[i] = w[i]! - lr * (nesterov ? g + momentum * buf[i]! : buf[i]!);
        }
      }
      p.storage.bump();
    }
  }
}
