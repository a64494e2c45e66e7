// Adam (torch.optim.Adam), with PyTorch's bias correction and L2 weight decay:
//
//   g = grad + weightDecay * p                 (added to the gradient: this is Adam, not AdamW)
//   m = beta1 * m + (1 - beta1) * g            (running mean of gradients)
//   v = beta2 * v + (1 - beta2) * g * g        (running mean of squared gradients)
//   t = number of steps this parameter has taken, from 1
//   p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
//
// m and v start at zero, so early on they are too small; dividing by (1 - beta^t) undoes that.
// PyTorch puts eps after the correction of sqrt(v), as here.
import { Tensor } from "../tensor/tensor.ts";
import { allocLike, castArray, type DataArray } from "../tensor/dtype.ts";
import { Optimizer, checkNonNegative, type ParamState } from "./optimizer.ts";

/** Adam's hyperparameters, PyTorch's names in camelCase (lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0). */
export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

interface AdamState {
  step: number;
  expAvg: DataArray;
  expAvgSq: DataArray;
}

/** torch.optim.Adam: `new optim.Adam(params, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 })`, the rule above. */
export class Adam extends Optimizer {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  readonly state = new Map<Tensor, AdamState>();

  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params);
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 } = options;
    checkNonNegative("learning rate", lr);
    checkNonNegative("epsilon value", eps);
    betas.forEach((beta, index) => {
      if (!(beta >= 0 && beta < 1)) throw new Error(`Invalid beta parameter at index ${index}: ${beta}`);
    });
    checkNonNegative("weight_decay value", weightDecay);
    this.lr = lr;
    this.betas = [betas[0], betas[1]];
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  protected readonly stateKeys = { tensors: ["exp_avg", "exp_avg_sq"], numbers: ["step"] };

  protected hyperparameters(): Record<string, unknown> {
    const { lr, betas, eps, weightDecay } = this;
    return { lr, betas: [...betas], eps, weight_decay: weightDecay };
  }
  protected setHyperparameters(g: Record<string, unknown>): void {
    const betas = g.betas as number[];
    this.lr = g.lr as number;
    this.betas = [betas[0]!, betas[1]!];
    this.eps = g.eps as number;
    this.weightDecay = g.weight_decay as number;
  }
  protected paramState(p: Tensor): ParamState | undefined {
    const s = this.state.get(p);
    return s && {
      step: s.step,
      exp_avg: new Tensor(s.expAvg.slice(), p.shape, p.dtype),
      exp_avg_sq: new Tensor(s.expAvgSq.slice(), p.shape, p.dtype),
    };
  }
  protected setParamState(p: Tensor, s: ParamState): void {
    this.state.set(p, {
      step: s.step as number,
      expAvg: castArray((s.exp_avg as Tensor).data, p.dtype),
      expAvgSq: castArray((s.exp_avg_sq as Tensor).data, p.dtype),
    });
  }
  protected clearParamState(p: Tensor): void {
    this.state.delete(p);
  }

  step(): void {
    const { lr, eps, weightDecay } = this;
    const [beta1, beta2] = this.betas;
    for (const p of this.params) {
      if (p.grad === null) continue;
      const w = p.data;
      const grad = p.grad.data;
      let s = this.state.get(p);
      if (s === undefined) {
        s = { step: 0, expAvg: allocLike(w, w.length), expAvgSq: allocLike(w, w.length) };
        this.state.set(p, s);
      }
      s.step += 1;
      const stepSize = lr / (1 - beta1 ** s.step);
      const sqrtCorrection2 = Math.sqrt(1 - beta2 ** s.step);
      const { expAvg: m, expAvgSq: v } = s;
      for (let i = 0; i < w.length; i++) {
        const g = weightDecay === 0 ? grad[i]! : grad[i]! + weightDecay * w[i]!; // no 0 * inf = NaN
        m[i] = beta1 * m[i]! + (1 - beta1) * g;
        v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
        w[i] = w[i]! - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / sqrtCorrection2 + eps);
      }
      p.storage.bump();
    }
  }
}
