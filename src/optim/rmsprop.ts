// RMSprop and Adagrad (torch.optim.RMSprop, torch.optim.Adagrad), rounded as PyTorch's CPU kernels
// round them (see sgd.ts and adam.ts): addcmul as one fused multiply-add, addcdiv as
// x + (value * t1) / t2 with each step rounded.
//
// RMSprop:  g = grad (+ weightDecay * p);  v = alpha v + (1 - alpha) g^2
//           centered: m = lerp(m, g, 1 - alpha), avg = sqrt(v - m^2) + eps; else avg = sqrt(v) + eps
//           momentum: buf = momentum buf + g / avg, p -= lr buf;  else p -= lr g / avg
// Adagrad:  g = grad (+ weightDecay * p);  sum += g^2;  p -= lr / (1 + (t - 1) lrDecay) * g / (sqrt(sum) + eps)
import { Tensor } from "../tensor/tensor.ts";
import { castArray, type DataArray } from "../tensor/dtype.ts";
import { Optimizer, checkNonNegative, type ParamState } from "./optimizer.ts";
import * as A from "../args.ts";
import { positional } from "../args.ts";

/** RMSprop's hyperparameters, PyTorch's names in camelCase. */
export interface RMSpropOptions {
  lr?: number; alpha?: number; eps?: number; weightDecay?: number; momentum?: number; centered?: boolean; maximize?: boolean;
}

/** torch.optim.RMSprop(params, { lr = 0.01, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false }). */
export class RMSprop extends Optimizer {
  lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean; maximize: boolean;
  readonly state = new Map<Tensor, { step: number; squareAvg: DataArray; buf: DataArray | null; gradAvg: DataArray | null }>();

  /** Options, or PyTorch's positional order (lr, alpha, eps, weightDecay, momentum, centered). */
  constructor(params: Iterable<Tensor>, options?: RMSpropOptions);
  constructor(params: Iterable<Tensor>, lr: number, ...rest: (number | boolean | RMSpropOptions)[]);
  constructor(params: Iterable<Tensor>, ...args: unknown[]) {
    super(params);
    const o = positional("RMSprop", args, ["lr", "alpha", "eps", "weightDecay", "momentum", "centered"], {
      lr: A.number, alpha: A.number, eps: A.number, weightDecay: A.number, momentum: A.number, centered: A.boolean, maximize: A.boolean,
    }) as RMSpropOptions;
    this.lr = o.lr ?? 1e-2; this.alpha = o.alpha ?? 0.99; this.eps = o.eps ?? 1e-8; this.weightDecay = o.weightDecay ?? 0;
    this.momentum = o.momentum ?? 0; this.centered = o.centered ?? false; this.maximize = o.maximize ?? false;
    checkNonNegative("learning rate", this.lr);
    checkNonNegative("epsilon value", this.eps);
    checkNonNegative("momentum value", this.momentum);
    checkNonNegative("weight_decay value", this.weightDecay);
    checkNonNegative("alpha value", this.alpha);
  }

  protected get stateKeys() {
    return { tensors: ["square_avg", ...(this.momentum > 0 ? ["momentum_buffer"] : []), ...(this.centered ? ["grad_avg"] : [])], numbers: ["step"] };
  }
  protected hyperparameters(): Record<string, unknown> {
    return { lr: this.lr, alpha: this.alpha, eps: this.eps, weight_decay: this.weightDecay, momentum: this.momentum, centered: this.centered, maximize: this.maximize };
  }
  protected setHyperparameters(g: Record<string, unknown>): void {
    this.lr = g.lr as number; this.alpha = g.alpha as number; this.eps = g.eps as number; this.weightDecay = g.weight_decay as number;
    this.momentum = g.momentum as number; this.centered = g.centered as boolean; this.maximize = (g.maximize ?? false) as boolean;
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
    const copy = (key: string) => (s[key] instanceof Tensor ? castArray((s[key] as Tensor).data, p.dtype) : null);
    this.state.set(p, { step: s.step as number, squareAvg: copy("square_avg")!, buf: copy("momentum_buffer"), gradAvg: copy("grad_avg") });
  }
  protected clearParamState(p: Tensor): void {
    this.state.delete(p);
  }

  step(): void {
    for (const { p, w, grad, r } of this.withGradients()) {
      let s = this.state.get(p);
      if (!s) {
        const zeros = () => new p.dtype.ArrayType(w.length);
        s = { step: 0, squareAvg: zeros(), buf: this.momentum > 0 ? zeros() : null, gradAvg: this.centered ? zeros() : null };
        this.state.set(p, s);
      }
      s.step += 1;
      const alpha = r(this.alpha), c = r(1 - this.alpha), wd = r(this.weightDecay), eps = r(this.eps), m = r(this.momentum), lr = r(-this.lr);
      const weight = r(1 - this.alpha), other = r(1 - weight);
      const { squareAvg: v, buf, gradAvg } = s;
      for (let i = 0; i < w.length; i++) {
        let g = this.maximize ? -grad[i]! : grad[i]!;
        if (this.weightDecay !== 0) g = r(g + wd * w[i]!);
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

/** torch.optim.Adagrad(params, { lr = 0.01, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false }). */
export class Adagrad extends Optimizer {
  lr: number; lrDecay: number; weightDecay: number; initialAccumulatorValue: number; eps: number; maximize: boolean;
  readonly state = new Map<Tensor, { step: number; sum: DataArray }>();

  /** Options, or PyTorch's positional order (lr, lrDecay, weightDecay, initialAccumulatorValue, eps). */
  constructor(params: Iterable<Tensor>, options?: AdagradOptions);
  constructor(params: Iterable<Tensor>, lr: number, ...rest: (number | AdagradOptions)[]);
  constructor(params: Iterable<Tensor>, ...args: unknown[]) {
    super(params);
    const o = positional("Adagrad", args, ["lr", "lrDecay", "weightDecay", "initialAccumulatorValue", "eps"], {
      lr: A.number, lrDecay: A.number, weightDecay: A.number, initialAccumulatorValue: A.number, eps: A.number, maximize: A.boolean,
    }) as AdagradOptions;
    this.lr = o.lr ?? 1e-2; this.lrDecay = o.lrDecay ?? 0; this.weightDecay = o.weightDecay ?? 0;
    this.initialAccumulatorValue = o.initialAccumulatorValue ?? 0; this.eps = o.eps ?? 1e-10; this.maximize = o.maximize ?? false;
    checkNonNegative("learning rate", this.lr);
    checkNonNegative("lr_decay value", this.lrDecay);
    checkNonNegative("weight_decay value", this.weightDecay);
    checkNonNegative("initial_accumulator_value value", this.initialAccumulatorValue);
    checkNonNegative("epsilon value", this.eps);
  }

  protected readonly stateKeys = { tensors: ["sum"], numbers: ["step"] };
  protected hyperparameters(): Record<string, unknown> {
    return { lr: this.lr, lr_decay: this.lrDecay, weight_decay: this.weightDecay, initial_accumulator_value: this.initialAccumulatorValue, eps: this.eps, maximize: this.maximize };
  }
  protected setHyperparameters(g: Record<string, unknown>): void {
    this.lr = g.lr as number; this.lrDecay = g.lr_decay as number; this.weightDecay = g.weight_decay as number;
    this.initialAccumulatorValue = g.initial_accumulator_value as number; this.eps = g.eps as number; this.maximize = (g.maximize ?? false) as boolean;
  }
  protected paramState(p: Tensor): ParamState | undefined {
    const s = this.state.get(p);
    return s && { step: s.step, sum: new Tensor(s.sum.slice(), p.shape, p.dtype) };
  }
  protected setParamState(p: Tensor, s: ParamState): void {
    this.state.set(p, { step: s.step as number, sum: castArray((s.sum as Tensor).data, p.dtype) });
  }
  protected clearParamState(p: Tensor): void {
    this.state.delete(p);
  }

  step(): void {
    for (const { p, w, grad, r } of this.withGradients()) {
      let s = this.state.get(p);
      if (!s) {
        s = { step: 0, sum: new p.dtype.ArrayType(w.length).fill(this.initialAccumulatorValue) };
        this.state.set(p, s);
      }
      s.step += 1;
      const clr = r(-(this.lr / (1 + (s.step - 1) * this.lrDecay))), wd = r(this.weightDecay), eps = r(this.eps);
      const sum = s.sum;
      for (let i = 0; i < w.length; i++) {
        let g = this.maximize ? -grad[i]! : grad[i]!;
        if (this.weightDecay !== 0) g = r(g + wd * w[i]!);
        sum[i] = r(sum[i]! + g * g);
        const std = r(r(Math.sqrt(sum[i]!)) + eps);
        w[i] = r(w[i]! + r(r(clr * g) / std));
      }
    }
  }
}
