// RMSprop and Adagrad (torch.optim.RMSprop, torch.optim.Adagrad), rounded as PyTorch's CPU kernels
// round them (see sgd.ts and adam.ts): addcmul as one fused multiply-add, addcdiv as
// x + (value * t1) / t2 with each step rounded.
//
// RMSprop:  g = grad (+ weightDecay * p);  v = alpha v + (1 - alpha) g^2
//           centered: m = lerp(m, g, 1 - alpha), avg = sqrt(v - m^2) + eps; else avg = sqrt(v) + eps
//           momentum: buf = momentum buf + g / avg, p -= lr buf;  else p -= lr g / avg
// Adagrad:  g = grad (+ weightDecay * p);  sum += g^2;  p -= lr / (1 + (t - 1) lrDecay) * g / (sqrt(sum) + eps)
import { Tensor } from "../tensor/tensor.ts";
import { type DataArray } from "../tensor/dtype.ts";
import { Optimizer, checkNonNegative, type ParamState, type Params } from "./optimizer.ts";
import * as A from "../args.ts";
import { positional } from "../args.ts";

/** RMSprop's hyperparameters, PyTorch's names in camelCase. */
export interface RMSpropOptions {
  lr?: number; alpha?: number; eps?: number; weightDecay?: number; momentum?: number; centered?: boolean; maximize?: boolean;
}

/** RMSprop's hyperparameters in one parameter group. */
export type RMSpropHyperparameters = Required<RMSpropOptions>;

/** torch.optim.RMSprop(params, { lr = 0.01, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false }). */
export class RMSprop extends Optimizer<RMSpropHyperparameters> {
  readonly state = new Map<Tensor, { step: number; squareAvg: DataArray; buf: DataArray | null; gradAvg: DataArray | null }>();

  /** Options, or PyTorch's positional order (lr, alpha, eps, weightDecay, momentum, centered). */
  constructor(params: Params<RMSpropHyperparameters>, options?: RMSpropOptions);
  constructor(params: Params<RMSpropHyperparameters>, lr: number, ...rest: (number | boolean | RMSpropOptions)[]);
  constructor(params: Params<RMSpropHyperparameters>, ...args: unknown[]) {
    super(params);
    const o = positional("RMSprop", args, ["lr", "alpha", "eps", "weightDecay", "momentum", "centered"], {
      lr: A.number, alpha: A.number, eps: A.number, weightDecay: A.number, momentum: A.number, centered: A.boolean, maximize: A.boolean,
    }) as RMSpropOptions;
    const defaults = { lr: o.lr ?? 1e-2, alpha: o.alpha ?? 0.99, eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0, momentum: o.momentum ?? 0, centered: o.centered ?? false, maximize: o.maximize ?? false };
    this.setDefaults(defaults);
  }

  protected checkHyperparameters(h: RMSpropHyperparameters): void {
    checkNonNegative("learning rate", h.lr);
    checkNonNegative("epsilon value", h.eps);
    checkNonNegative("momentum value", h.momentum);
    checkNonNegative("weight_decay value", h.weightDecay);
    checkNonNegative("alpha value", h.alpha);
  }

  protected get stateKeys() {
    const momentum = this.paramGroups.some((g) => g.momentum > 0), centered = this.paramGroups.some((g) => g.centered);
    return { tensors: ["square_avg", ...(momentum ? ["momentum_buffer"] : []), ...(centered ? ["grad_avg"] : [])], numbers: ["step"] };
  }
  protected paramState(p: Tensor): ParamState | undefined {
    const s = this.state.get(p);
    if (!s) return undefined;
    const out: ParamState = { step: s.step, square_avg: new Tensor(s.squareAvg.slice(), p.shape, p.dtype) };
    if (s.buf) out.momentum_buffer = new Tensor(s.buf.slice(), p.shape, p.dtype);
    if (s.gradAvg) out.grad_avg = new Tensor(s.gradAvg.slice(), p.shape, p.dtype);
    return out;
  }
  protected setParamState(p: Tensor, s: ParamState): void {
    const copy = (key: string) => (s[key] instanceof Tensor ? this.stateFrom(p, s[key] as Tensor) : null);
    this.state.set(p, { step: s.step as number, squareAvg: copy("square_avg")!, buf: copy("momentum_buffer"), gradAvg: copy("grad_avg") });
  }
  protected clearParamState(p: Tensor): void {
    this.state.delete(p);
  }

  step(): void {
    for (const { p, w, grad, r, h } of this.withGradients()) {
      let s = this.state.get(p);
      if (!s) {
        const zeros = () => this.stateArray(p);
        s = { step: 0, squareAvg: zeros(), buf: h.momentum > 0 ? zeros() : null, gradAvg: h.centered ? zeros() : null };
        this.state.set(p, s);
      }
      s.step += 1;
      const alpha = r(h.alpha), c = r(1 - h.alpha), wd = r(h.weightDecay), eps = r(h.eps), m = r(h.momentum), lr = r(-h.lr);
      const weight = r(1 - h.alpha), other = r(1 - weight);
      const { squareAvg: v } = s;
      const buf = h.momentum > 0 ? (s.buf ??= this.stateArray(p)) : null;
      const gradAvg = h.centered ? (s.gradAvg ??= this.stateArray(p)) : null;
      for (let i = 0; i < w.length; i++) {
        let g = h.maximize ? -grad[i]! : grad[i]!;
        if (h.weightDecay !== 0) g = r(g + wd * w[i]!);
        v[i] = r(r(v[i]! * alpha) + r(c * g) * g);
        let avg: number;
        if (gradAvg) {
          const d = r(g - gradAvg[i]!);
          gradAvg[i] = weight < 0.5 ? r(gradAvg[i]! + weight * d) : r(g - d * other);
          avg = r(Math.sqrt(r(v[i]! - gradAvg[i]! * gradAvg[i]!)));
        } else avg = r(Math.sqrt(v[i]!));
        avg = r(avg + eps);
        if (buf) {
          buf[i] = r(r(buf[i]! * m) + r(g / avg));
          w[i] = r(w[i]! + lr * buf[i]!);
        } else w[i] = r(w[i]! + r(r(lr * g) / avg));
      }
    }
  }
}

/** Adagrad's hyperparameters, PyTorch's names in camelCase. */
export interface AdagradOptions {
  lr?: number; lrDecay?: number; weightDecay?: number; initialAccumulatorValue?: number; eps?: number; maximize?: boolean;
}

/** Adagrad's hyperparameters in one parameter group. */
export type AdagradHyperparameters = Required<AdagradOptions>;

/** torch.optim.Adagrad(params, { lr = 0.01, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false }). */
export class Adagrad extends Optimizer<AdagradHyperparameters> {
  readonly state = new Map<Tensor, { step: number; sum: DataArray }>();

  /** Options, or PyTorch's positional order (lr, lrDecay, weightDecay, initialAccumulatorValue, eps). */
  constructor(params: Params<AdagradHyperparameters>, options?: AdagradOptions);
  constructor(params: Params<AdagradHyperparameters>, lr: number, ...rest: (number | AdagradOptions)[]);
  constructor(params: Params<AdagradHyperparameters>, ...args: unknown[]) {
    super(params);
    const o = positional("Adagrad", args, ["lr", "lrDecay", "weightDecay", "initialAccumulatorValue", "eps"], {
      lr: A.number, lrDecay: A.number, weightDecay: A.number, initialAccumulatorValue: A.number, eps: A.number, maximize: A.boolean,
    }) as AdagradOptions;
    const defaults = { lr: o.lr ?? 1e-2, lrDecay: o.lrDecay ?? 0, weightDecay: o.weightDecay ?? 0, initialAccumulatorValue: o.initialAccumulatorValue ?? 0, eps: o.eps ?? 1e-10, maximize: o.maximize ?? false };
    this.setDefaults(defaults);
  }

  protected checkHyperparameters(h: AdagradHyperparameters): void {
    checkNonNegative("learning rate", h.lr);
    checkNonNegative("lr_decay value", h.lrDecay);
    checkNonNegative("weight_decay value", h.weightDecay);
    checkNonNegative("initial_accumulator_value value", h.initialAccumulatorValue);
    checkNonNegative("epsilon value", h.eps);
  }

  protected readonly stateKeys = { tensors: ["sum"], numbers: ["step"] };
  protected paramState(p: Tensor): ParamState | undefined {
    const s = this.state.get(p);
    return s && { step: s.step, sum: new Tensor(s.sum.slice(), p.shape, p.dtype) };
  }
  protected setParamState(p: Tensor, s: ParamState): void {
    this.state.set(p, { step: s.step as number, sum: this.stateFrom(p, s.sum as Tensor) });
  }
  protected clearParamState(p: Tensor): void {
    this.state.delete(p);
  }

  step(): void {
    for (const { p, w, grad, r, h } of this.withGradients()) {
      let s = this.state.get(p);
      if (!s) {
        s = { step: 0, sum: this.stateArray(p).fill(h.initialAccumulatorValue) };
        this.state.set(p, s);
      }
      s.step += 1;
      const clr = r(-(h.lr / (1 + (s.step - 1) * h.lrDecay))), wd = r(h.weightDecay), eps = r(h.eps);
      const sum = s.sum;
      for (let i = 0; i < w.length; i++) {
        let g = h.maximize ? -grad[i]! : grad[i]!;
        if (h.weightDecay !== 0) g = r(g + wd * w[i]!);
        sum[i] = r(sum[i]! + g * g);
        const std = r(r(Math.sqrt(sum[i]!)) + eps);
        w[i] = r(w[i]! + r(r(clr * g) / std));
      }
    }
  }
}
