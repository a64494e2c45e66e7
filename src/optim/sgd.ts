// Stochastic gradient descent with PyTorch's exact update rule (torch.optim.SGD):
//
//   g = maximize ? -grad : grad
//   g = g + weightDecay * p                            (only when weightDecay != 0)
//   if momentum != 0:
//     buf = g                                          on the first step (no dampening here!)
//     buf = momentum * buf + (1 - dampening) * g       on every later step
//     g   = nesterov ? g + momentum * buf : buf
//   p = p - lr * g
//
// Note the velocity has no lr in it (Sutskever et al. put lr inside); PyTorch's docs point this out.
// For float32 parameters every step is rounded as PyTorch's CPU kernels round it, so the bits agree:
// the hyperparameters are first rounded to float32, `momentum * buf` is one float32 product, and each
// `x + alpha * y` (add with alpha, which PyTorch computes as one fused multiply-add) is worked out
// in double precision and rounded to float32 once.
import { Tensor } from "../tensor/tensor.ts";
import { type DataArray } from "../tensor/dtype.ts";
import { Optimizer, checkNonNegative, type ParamState, type Params } from "./optimizer.ts";
import { kernelsFor } from "../kernels/index.ts";
import * as A from "../args.ts";
import { positional } from "../args.ts";

/** SGD's hyperparameters, PyTorch's names in camelCase; every one but lr defaults to 0 or false. */
export interface SGDOptions {
  /** PyTorch 2's default: 0.001. */
  lr?: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  /** Climb the objective instead of descending it. */
  maximize?: boolean;
}

const SGD_OPTIONS = { lr: A.number, momentum: A.number, dampening: A.number, weightDecay: A.number, nesterov: A.boolean, maximize: A.boolean };

/** SGD's hyperparameters in one parameter group. */
export type SGDHyperparameters = Required<SGDOptions>;

/** torch.optim.SGD: `new optim.SGD(params, { lr = 1e-3, momentum, dampening, weightDecay, nesterov })`, the rule above;
 *  params may be parameter groups, `[{ params: a, lr: 0.1 }, { params: b }]`. */
export class SGD extends Optimizer<SGDHyperparameters> {
  /** One momentum buffer per parameter, created on that parameter's first step. */
  readonly momentumBuffers = new Map<Tensor, DataArray>();

  /** `new SGD(params, { lr, ... })`, or PyTorch's positional order: `new SGD(params, 0.1, 0.9)`
   *  (lr, momentum, dampening, weightDecay, nesterov), optionally followed by an options object. */
  constructor(params: Params<SGDHyperparameters>, options?: SGDOptions);
  constructor(params: Params<SGDHyperparameters>, lr: number, ...rest: (number | boolean | SGDOptions)[]);
  constructor(params: Params<SGDHyperparameters>, ...args: unknown[]) {
    super(params);
    const options = positional("SGD", args, ["lr", "momentum", "dampening", "weightDecay", "nesterov"], SGD_OPTIONS) as SGDOptions;
    const { lr = 1e-3, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options;
    this.setDefaults({ lr, momentum, dampening, weightDecay, nesterov, maximize });
  }

  protected checkHyperparameters(h: SGDHyperparameters): void {
    checkNonNegative("learning rate", h.lr);
    checkNonNegative("momentum value", h.momentum);
    checkNonNegative("weight_decay value", h.weightDecay);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new Error("Nesterov momentum requires a momentum and zero dampening");
    }
  }

  protected readonly stateKeys = { tensors: ["momentum_buffer"], numbers: [] };

  protected paramState(p: Tensor): ParamState | undefined {
    const buf = this.momentumBuffers.get(p);
    return buf && { momentum_buffer: new Tensor(buf.slice(), p.shape, p.dtype) };
  }
  protected setParamState(p: Tensor, s: ParamState): void {
    this.momentumBuffers.set(p, this.stateFrom(p, s.momentum_buffer as Tensor));
  }
  protected clearParamState(p: Tensor): void {
    this.momentumBuffers.delete(p);
  }

  step(): void {
    for (const { p, w, grad: gradient, r, h } of this.withGradients()) {
      const { momentum, dampening, weightDecay, nesterov, maximize } = h;
      const lr = r(-h.lr), m = r(momentum), keep = r(1 - dampening), wd = r(weightDecay);
      let buf = this.momentumBuffers.get(p);
      if (momentum !== 0 && buf !== undefined && weightDecay === 0 && !nesterov && !maximize) {
        kernelsFor(p.dtype).sgdMomentum(w, gradient, buf, h.lr, momentum, 1 - dampening); // the common case, in SIMD on wasm
        continue;
      }
      // g: the gradient as this step uses it, in an array of its own once anything changes it
      let g = gradient;
      if (maximize) g = g.map((x) => -x);
      if (weightDecay !== 0) g = g.map((x, i) => r(x + wd * w[i]!));
      if (momentum !== 0) {
        if (buf === undefined) {
          buf = this.stateArray(p); // in the kernels' memory when w is
          buf.set(g);
          this.momentumBuffers.set(p, buf);
        } else {
          for (let i = 0; i < w.length; i++) buf[i] = r(r(buf[i]! * m) + keep * g[i]!);
        }
        const b = buf;
        g = nesterov ? g.map((x, i) => r(x + m * b[i]!)) : b;
      }
      for (let i = 0; i < w.length; i++) w[i] = r(w[i]! + lr * g[i]!);
    }
  }
}
