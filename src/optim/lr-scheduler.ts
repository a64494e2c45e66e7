// Learning-rate schedulers (torch.optim.lr_scheduler), with PyTorch's formulas in PyTorch's
// recursive ("chainable") form, so the learning rates come out as the same doubles PyTorch prints.
//
// A scheduler is made after its optimiser; making it counts as step 0 (lastEpoch = 0, the lr as
// given). Each step() moves lastEpoch on by one and sets the optimiser's lr; getLastLr() reads it.
// Call optimizer.step() before scheduler.step(), as in PyTorch.
import type { Optimizer } from "./optimizer.ts";

/** torch.optim.lr_scheduler.LRScheduler: step() moves to the next epoch and sets the optimiser's lr;
 *  getLastLr() reads it. Each scheduler below says how the next lr follows from the last. */
export abstract class LRScheduler {
  /** The learning rate the optimiser had when the scheduler was made. */
  readonly baseLr: number;
  /** How many steps have been taken (0 right after construction). */
  lastEpoch = 0;
  protected lastLr: number;

  constructor(readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
    this.lastLr = optimizer.lr;
  }

  /** The learning rate for epoch `lastEpoch`, given the current one. */
  protected abstract nextLr(current: number): number;

  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.nextLr(this.optimizer.lr);
    this.lastLr = this.optimizer.lr;
  }

  /** The learning rate of each parameter group (here, one) after the last step. */
  getLastLr(): number[] {
    return [this.lastLr];
  }
}

function checkPositiveInteger(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a whole number >= 1, got ${value}`);
}

/** Multiplies the lr by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer, { stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }) {
    super(optimizer);
    checkPositiveInteger("StepLR: stepSize", stepSize);
    this.stepSize = stepSize;
    this.gamma = gamma;
  }
  protected nextLr(lr: number): number {
    return this.lastEpoch % this.stepSize === 0 ? lr * this.gamma : lr;
  }
}

/** Multiplies the lr by `gamma` at each milestone epoch (by gamma^k for a milestone listed k times). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: readonly number[];
  readonly gamma: number;
  constructor(optimizer: Optimizer, { milestones, gamma = 0.1 }: { milestones: readonly number[]; gamma?: number }) {
    super(optimizer);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
  }
  protected nextLr(lr: number): number {
    const times = this.milestones.filter((m) => m === this.lastEpoch).length;
    return times === 0 ? lr : lr * this.gamma ** times;
  }
}

/** Multiplies the lr by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: Optimizer, { gamma }: { gamma: number }) {
    super(optimizer);
    this.gamma = gamma;
  }
  protected nextLr(lr: number): number {
    return lr * this.gamma;
  }
}

/** Half a cosine from the base lr down to `etaMin` over `TMax` epochs, then back up, and so on:
 *  lr_t = etaMin + (base - etaMin) (1 + cos(pi t / TMax)) / 2, computed from the previous lr. */
export class CosineAnnealingLR extends LRScheduler {
  readonly TMax: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer, { TMax, etaMin = 0 }: { TMax: number; etaMin?: number }) {
    super(optimizer);
    checkPositiveInteger("CosineAnnealingLR: TMax", TMax);
    this.TMax = TMax;
    this.etaMin = etaMin;
  }
  protected nextLr(lr: number): number {
    const { lastEpoch: t, TMax, etaMin } = this;
    const period = 2 * TMax;
    if ((((t - 1 - TMax) % period) + period) % period === 0) { // the bottom of the cosine: start back up
      return lr + ((this.baseLr - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2;
    }
    return ((1 + Math.cos((Math.PI * t) / TMax)) / (1 + Math.cos((Math.PI * (t - 1)) / TMax))) * (lr - etaMin) + etaMin;
  }
}

/** lr = base lr * lrLambda(epoch). */
export class LambdaLR extends LRScheduler {
  readonly lrLambda: (epoch: number) => number;
  constructor(optimizer: Optimizer, { lrLambda }: { lrLambda: (epoch: number) => number }) {
    super(optimizer);
    if (typeof lrLambda !== "function") throw new Error(`LambdaLR: lrLambda must be a function, got ${typeof lrLambda}`);
    this.lrLambda = lrLambda;
    optimizer.lr = this.lastLr = this.baseLr * lrLambda(0); // PyTorch applies the lambda at epoch 0 too
  }
  protected nextLr(): number {
    return this.baseLr * this.lrLambda(this.lastEpoch);
  }
}

/** ReduceLROnPlateau's options, PyTorch's names and defaults (mode "min", factor 0.1, patience 10,
 *  threshold 1e-4 "rel", cooldown 0, minLr 0, eps 1e-8). */
export interface ReduceLROnPlateauOptions {
  mode?: "min" | "max";
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  cooldown?: number;
  minLr?: number;
  eps?: number;
}

/** Multiplies the lr by `factor` when the metric given to step(metric) has not improved (by more
 *  than `threshold`) for more than `patience` steps; then waits `cooldown` steps. */
export class ReduceLROnPlateau {
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLr: number;
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number;

  constructor(readonly optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const { mode = "min", factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = "rel", cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    if (!(factor < 1)) throw new Error("Factor should be < 1.0.");
    if (mode !== "min" && mode !== "max") throw new Error(`mode ${mode} is unknown!`);
    if (thresholdMode !== "rel" && thresholdMode !== "abs") throw new Error(`threshold mode ${thresholdMode} is unknown!`);
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLr = minLr;
    this.eps = eps;
    this.best = mode === "min" ? Infinity : -Infinity;
    this.lastLr = optimizer.lr;
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === "rel" ? a > best * (threshold + 1) : a > best + threshold;
  }

  step(metric: number | { item(): number }): void {
    const current = typeof metric === "number" ? metric : metric.item();
    this.lastEpoch++;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in the cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      const old = this.optimizer.lr;
      const lowered = Math.max(old * this.factor, this.minLr);
      if (old - lowered > this.eps) this.optimizer.lr = lowered;
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.lr;
  }

  getLastLr(): number[] {
    return [this.lastLr];
  }
}

/** torch.optim.lr_scheduler.LinearLR: the lr scaled by a factor going linearly from `startFactor`
 *  to `endFactor` over `totalIters` steps (PyTorch's chainable form). */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: Optimizer, { startFactor = 1 / 3, endFactor = 1, totalIters = 5 }: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer);
    if (!(startFactor > 0 && startFactor <= 1)) throw new Error("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
    if (!(endFactor >= 0 && endFactor <= 1)) throw new Error("Ending multiplicative factor expected to be between 0 and 1.");
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    optimizer.lr = this.lastLr = this.baseLr * startFactor;
  }
  protected nextLr(lr: number): number {
    const t = this.lastEpoch, { startFactor: s, endFactor: e, totalIters: n } = this;
    if (t > n) return lr;
    return lr * (1 + (e - s) / (n * s + (t - 1) * (e - s)));
  }
}

/** torch.optim.lr_scheduler.CosineAnnealingWarmRestarts: a cosine from the base lr to etaMin over
 *  T0 steps, then a restart, each period TMult times the last. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly T0: number;
  readonly TMult: number;
  readonly etaMin: number;
  private Ti: number;
  private Tcur = 0;
  constructor(optimizer: Optimizer, { T0, TMult = 1, etaMin = 0 }: { T0: number; TMult?: number; etaMin?: number }) {
    super(optimizer);
    checkPositiveInteger("CosineAnnealingWarmRestarts: T0", T0);
    checkPositiveInteger("CosineAnnealingWarmRestarts: TMult", TMult);
    this.T0 = this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = etaMin;
  }
  protected nextLr(): number {
    this.Tcur += 1;
    if (this.Tcur >= this.Ti) {
      this.Tcur -= this.Ti;
      this.Ti *= this.TMult;
    }
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * this.Tcur) / this.Ti))) / 2;
  }
}

/** OneCycleLR's options, PyTorch's names in camelCase and its defaults. */
export interface OneCycleLROptions {
  maxLr: number;
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
}

/** torch.optim.lr_scheduler.OneCycleLR: the lr climbs from maxLr / divFactor to maxLr over the first
 *  pctStart of the steps, then anneals to a tiny minimum; the momentum (SGD's momentum, Adam's
 *  beta1) moves the other way between maxMomentum and baseMomentum, as PyTorch's does by default. */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: { end: number; lr: [number, number]; momentum: [number, number] }[];
  private readonly anneal: (from: number, to: number, pct: number) => number;
  private readonly cycleMomentum: boolean;
  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    super(optimizer);
    const { maxLr, pctStart = 0.3, annealStrategy = "cos", cycleMomentum = true, baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4 } = options;
    const total = options.totalSteps ?? (options.epochs !== undefined && options.stepsPerEpoch !== undefined ? options.epochs * options.stepsPerEpoch : NaN);
    if (!Number.isInteger(total) || total <= 0) throw new Error("You must define either total_steps OR (epochs AND steps_per_epoch)");
    this.totalSteps = total;
    const initial = maxLr / divFactor, min = initial / finalDivFactor;
    this.phases = [
      { end: pctStart * total - 1, lr: [initial, maxLr], momentum: [maxMomentum, baseMomentum] },
      { end: total - 1, lr: [maxLr, min], momentum: [baseMomentum, maxMomentum] },
    ];
    this.anneal = annealStrategy === "cos"
      ? (from, to, pct) => to + ((from - to) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (from, to, pct) => (to - from) * pct + from;
    this.cycleMomentum = cycleMomentum;
    if (cycleMomentum && !("momentum" in optimizer) && !("betas" in optimizer)) {
      throw new Error("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
    }
    optimizer.lr = this.lastLr = initial;
    (this as { baseLr: number }).baseLr = initial;
    if (cycleMomentum) this.setMomentum(maxMomentum);
  }
  private setMomentum(m: number): void {
    const opt = this.optimizer as unknown as { momentum?: number; betas?: readonly [number, number] };
    if ("betas" in opt && opt.betas) opt.betas = [m, opt.betas[1]];
    else opt.momentum = m;
  }
  protected nextLr(): number {
    const step = this.lastEpoch;
    if (step > this.totalSteps) throw new Error(`Tried to step ${step} times. The specified number of total steps is ${this.totalSteps}`);
    let start = 0;
    for (const [i, phase] of this.phases.entries()) {
      if (step <= phase.end || i === this.phases.length - 1) {
        const pct = (step - start) / (phase.end - start);
        if (this.cycleMomentum) this.setMomentum(this.anneal(phase.momentum[0], phase.momentum[1], pct));
        return this.anneal(phase.lr[0], phase.lr[1], pct);
      }
      start = phase.end;
    }
    return this.lastLr;
  }
}
