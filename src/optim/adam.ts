// Adam (torch.optim.Adam), with PyTorch's bias correction and L2 weight decay:
//
//   g = maximize ? -grad : grad
//   g = g + weightDecay * p                    (added to the gradient: this is Adam, not AdamW)
//   m = lerp(m, g, 1 - beta1)                  (running mean of gradients: m + (1 - beta1)(g - m))
//   v = beta2 * v + (1 - beta2) * g * g        (running mean of squared gradients)
//   vmax = max(vmax, v), used instead of v     (only with amsgrad)
//   t = number of steps this parameter has taken, from 1
//   p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
//
// m and v start at zero, so early on they are too small; dividing by (1 - beta^t) undoes that.
// PyTorch puts eps after the correction of sqrt(v), as here. For float32 parameters each step is
// rounded as PyTorch's CPU kernels round it (lerp and addcmul as fused multiply-adds, rounded once;
// the scalars rounded to float32 first), so the bits agree, with one exception: PyTorch's vectorized
// float32 sqrt is not always correctly rounded (one ulp off in about a fifth of the values on an
// AVX-512 build), and ours is.
import { Tensor } from "../tensor/tensor.ts";
import { type DataArray } from "../tensor/dtype.ts";
import { Optimizer, checkNonNegative, type ParamState, type Params } from "./optimizer.ts";
import * as A from "../args.ts";
import { positional } from "../args.ts";

/** Adam's hyperparameters, PyTorch's names in camelCase (lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0). */
export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  /** Use the largest v seen so far (the AMSGrad variant). */
  amsgrad?: boolean;
  /** Climb the objective instead of descending it. */
  maximize?: boolean;
}

interface AdamState {
  step: number;
  expAvg: DataArray;
  expAvgSq: DataArray;
  /** amsgrad only: the elementwise largest expAvgSq so far. */
  maxExpAvgSq: DataArray | null;
}

const ADAM_OPTIONS = {
  lr: A.number, betas: A.check("a pair of numbers [beta1, beta2]", (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number")),
  eps: A.number, weightDecay: A.number, amsgrad: A.boolean, maximize: A.boolean,
};

/** Adam's hyperparameters in one parameter group. */
export type AdamHyperparameters = Required<AdamOptions>;

/** torch.optim.Adam: `new optim.Adam(params, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false })`,
 *  the rule above; params may be parameter groups, `[{ params: a, lr: 0.1 }, { params: b }]`. */
export class Adam extends Optimizer<AdamHyperparameters> {
  readonly state = new Map<Tensor, AdamState>();
  /** AdamW's rule: the weight decay shrinks the parameter itself instead of joining the gradient. */
  protected decoupledWeightDecay = false;

  /** `new Adam(params, { lr, ... })`, or PyTorch's positional order: `new Adam(params, 0.01)` (lr,
   *  betas, eps, weightDecay, amsgrad), optionally followed by an options object. */
  constructor(params: Params<AdamHyperparameters>, options?: AdamOptions);
  constructor(params: Params<AdamHyperparameters>, lr: number, ...rest: (number | boolean | readonly [number, number] | AdamOptions)[]);
  constructor(params: Params<AdamHyperparameters>, ...args: unknown[]) {
    super(params);
    const options = positional("Adam", args, ["lr", "betas", "eps", "weightDecay", "amsgrad"], ADAM_OPTIONS) as AdamOptions;
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false } = options;
    this.setDefaults({ lr, betas: [betas[0], betas[1]], eps, weightDecay, amsgrad, maximize });
  }

  protected checkHyperparameters(h: AdamHyperparameters): void {
    checkNonNegative("learning rate", h.lr);
    checkNonNegative("epsilon value", h.eps);
    h.betas.forEach((beta, index) => {
      if (!(beta >= 0 && beta < 1)) throw new Error(`Invalid beta parameter at index ${index}: ${beta}`);
    });
    checkNonNegative("weight_decay value", h.weightDecay);
  }

  /** A state dict holds max_exp_avg_sq when any group uses amsgrad. */
  protected get stateKeys() {
    const amsgrad = this.paramGroups.some((g) => g.amsgrad);
    return { tensors: amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"], numbers: ["step"] };
  }

  protected paramState(p: Tensor): ParamState | undefined {
    const s = this.state.get(p);
    if (!s) return undefined;
    const state: ParamState = {
      step: s.step,
      exp_avg: new Tensor(s.expAvg.slice(), p.shape, p.dtype),
      exp_avg_sq: new Tensor(s.expAvgSq.slice(), p.shape, p.dtype),
    };
    if (s.maxExpAvgSq) state.max_exp_avg_sq = new Tensor(s.maxExpAvgSq.slice(), p.shape, p.dtype);
    return state;
  }
  protected setParamState(p: Tensor, s: ParamState): void {
    this.state.set(p, {
      step: s.step as number,
      expAvg: this.stateFrom(p, s.exp_avg as Tensor),
      expAvgSq: this.stateFrom(p, s.exp_avg_sq as Tensor),
      maxExpAvgSq: s.max_exp_avg_sq instanceof Tensor ? this.stateFrom(p, s.max_exp_avg_sq) : null,
    });
  }
  protected clearParamState(p: Tensor): void {
    this.state.delete(p);
  }

  step(): void {
    for (const { p, w, grad, r, h } of this.withGradients()) {
      const [beta1, beta2] = h.betas;
      let s = this.state.get(p);
      if (s === undefined) {
        s = { step: 0, expAvg: this.stateArray(p), expAvgSq: this.stateArray(p), maxExpAvgSq: h.amsgrad ? this.stateArray(p) : null };
        this.state.set(p, s);
      }
      if (h.amsgrad && !s.maxExpAvgSq) s.maxExpAvgSq = this.stateArray(p);
      s.step += 1;
      const stepSize = r(-h.lr / (1 - beta1 ** s.step));
      const correction2 = r(Math.sqrt(1 - beta2 ** s.step));
      const wd = r(h.weightDecay), eps = r(h.eps);
      const weight = r(1 - beta1), b2 = r(beta2), c2 = r(1 - beta2), other = r(1 - weight);
      const { expAvg: m, expAvgSq: v } = s;
      const vmax = h.amsgrad ? s.maxExpAvgSq : null;
      if (this.decoupledWeightDecay && h.weightDecay !== 0) {
        const shrink = r(1 - h.lr * h.weightDecay); // PyTorch's param.mul_(1 - lr * weight_decay)
        for (let i = 0; i < w.length; i++) w[i] = r(w[i]! * shrink);
      }
      for (let i = 0; i < w.length; i++) {
        let g = h.maximize ? -grad[i]! : grad[i]!;
        if (h.weightDecay !== 0 && !this.decoupledWeightDecay) g = r(g + wd * w[i]!);
        // lerp as PyTorch computes it: from the nearer end, one rounding
        const d = r(g - m[i]!);
        m[i] = weight < 0.5 ? r(m[i]! + weight * d) : r(g - d * other);
        v[i] = r(r(v[i]! * b2) + r(c2 * g) * g);
        let second = v[i]!;
        if (vmax) second = vmax[i] = second > vmax[i]! || second !== second ? second : vmax[i]!;
        const denom = r(r(r(Math.sqrt(second)) / correction2) + eps);
        w[i] = r(w[i]! + r(r(stepSize * m[i]!) / denom));
      }
    }
  }
}

/** torch.optim.AdamW: Adam with decoupled weight decay (the parameter shrinks by lr * weightDecay
 *  each step, before the update; weightDecay defaults to 0.01). */
export class AdamW extends Adam {
  constructor(params: Params<AdamHyperparameters>, options?: AdamOptions);
  constructor(params: Params<AdamHyperparameters>, lr: number, ...rest: (number | boolean | readonly [number, number] | AdamOptions)[]);
  constructor(params: Params<AdamHyperparameters>, ...args: unknown[]) {
    const options = positional("AdamW", args, ["lr", "betas", "eps", "weightDecay", "amsgrad"], ADAM_OPTIONS) as AdamOptions;
    super(params, { ...options, weightDecay: options.weightDecay ?? 0.01 });
    this.decoupledWeightDecay = true;
  }
}
