// Learning-rate schedulers (torch.optim.lr_scheduler), with PyTorch's formulas in PyTorch's
// recursive ("chainable") form, so the learning rates come out as the same doubles PyTorch prints.
//
// A scheduler is made after its optimiser; making it counts as step 0 (lastEpoch = 0, the lr as
// given). Each step() moves lastEpoch on by one and sets the optimiser's lr; getLastLr() reads it.
// Call optimizer.step() before scheduler.step(), as in PyTorch.
import type { Optimizer } from "./optimizer.ts";
import * as A from "../args.ts";

/** torch.optim.lr_scheduler.LRScheduler: step() moves to the next epoch and sets each parameter
 *  group's lr; getLastLr() reads them. Each scheduler below says how a group's next lr follows from
 *  its last one and its base lr (the lr the group had when its first scheduler was made). */
export abstract class LRScheduler {
  /** Each group's base lr: its lr when the first scheduler was made on it (PyTorch's initial_lr). */
  readonly baseLrs: number[];
  /** How many steps have been taken (0 right after construction). */
  lastEpoch = 0;
  protected lastLrs: number[];

  constructor(readonly optimizer: Optimizer) {
    for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The first group's base lr. */
  get baseLr(): number {
    return this.baseLrs[0]!;
  }

  /** A group's learning rate for epoch `lastEpoch`, given its current one and its base. */
  protected abstract nextLr(current: number, base: number, group: number): number;
  /** What moves once per step, before the groups' lrs are worked out (most schedulers: nothing). */
  protected advance(): void {}

  step(): void {
    this.lastEpoch++;
    this.advance();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = this.nextLr(g.lr, this.baseLrs[i]!, i)));
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Sets every group's lr for epoch 0 from its base (schedulers that do not start at the base lr). */
  protected setInitialLrs(lrOf: (base: number, group: number) => number): void {
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrOf(this.baseLrs[i]!, i)));
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Back to epoch 0 (SequentialLR, at a milestone): PyTorch's step(0), each group's lr as the
   *  closed form gives it at epoch 0; for most schedulers, the base lr. */
  restart(): void {
    this.lastEpoch = 0;
    this.setInitialLrs((base) => base);
  }

  /** The learning rate of each parameter group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }
}

function checkPositiveInteger(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a whole number >= 1, got ${value}`);
}

/** Multiplies the lr by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    A.checkOptions("StepLR", options, { stepSize: A.number, gamma: A.number });
    const { stepSize, gamma = 0.1 } = options;
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
  constructor(optimizer: Optimizer, options: { milestones: readonly number[]; gamma?: number }) {
    super(optimizer);
    A.checkOptions("MultiStepLR", options, { milestones: A.numbers, gamma: A.number });
    const { milestones, gamma = 0.1 } = options;
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
  constructor(optimizer: Optimizer, options: { gamma: number }) {
    super(optimizer);
    A.checkOptions("ExponentialLR", options, { gamma: A.number });
    const { gamma } = options;
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
  constructor(optimizer: Optimizer, options: { TMax: number; etaMin?: number }) {
    super(optimizer);
    A.checkOptions("CosineAnnealingLR", options, { TMax: A.number, etaMin: A.number });
    const { TMax, etaMin = 0 } = options;
    checkPositiveInteger("CosineAnnealingLR: TMax", TMax);
    this.TMax = TMax;
    this.etaMin = etaMin;
  }
  protected nextLr(lr: number, base: number): number {
    const { lastEpoch: t, TMax, etaMin } = this;
    const period = 2 * TMax;
    if ((((t - 1 - TMax) % period) + period) % period === 0) { // the bottom of the cosine: start back up
      return lr + ((base - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2;
    }
    return ((1 + Math.cos((Math.PI * t) / TMax)) / (1 + Math.cos((Math.PI * (t - 1)) / TMax))) * (lr - etaMin) + etaMin;
  }
}

/** lr = base lr * lrLambda(epoch). */
export class LambdaLR extends LRScheduler {
  readonly lrLambda: (epoch: number) => number;
  constructor(optimizer: Optimizer, options: { lrLambda: (epoch: number) => number }) {
    super(optimizer);
    A.checkOptions("LambdaLR", options, { lrLambda: A.func });
    const { lrLambda } = options;
    if (typeof lrLambda !== "function") throw new Error(`LambdaLR: lrLambda must be a function, got ${typeof lrLambda}`);
    this.lrLambda = lrLambda;
    this.restart(); // PyTorch applies the lambda at epoch 0 too
  }
  protected nextLr(_lr: number, base: number): number {
    return base * this.lrLambda(this.lastEpoch);
  }
  override restart(): void {
    this.lastEpoch = 0;
    this.setInitialLrs((base) => base * this.lrLambda(0));
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
  private lastLrs: number[];

  constructor(readonly optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    A.checkOptions("ReduceLROnPlateau", options, {
      mode: A.string, factor: A.number, patience: A.integer, threshold: A.number, thresholdMode: A.string, cooldown: A.integer, minLr: A.number, eps: A.number,
    });
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
    this.lastLrs = optimizer.paramGroups.map((g) => g.lr);
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
      for (const g of this.optimizer.paramGroups) {
        const lowered = Math.max(g.lr * this.factor, this.minLr);
        if (g.lr - lowered > this.eps) g.lr = lowered;
      }
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLrs];
  }
}

/** torch.optim.lr_scheduler.LinearLR: the lr scaled by a factor going linearly from `startFactor`
 *  to `endFactor` over `totalIters` steps (PyTorch's chainable form). */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: Optimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer);
    A.checkOptions("LinearLR", options, { startFactor: A.number, endFactor: A.number, totalIters: A.number });
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    if (!(startFactor > 0 && startFactor <= 1)) throw new Error("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
    if (!(endFactor >= 0 && endFactor <= 1)) throw new Error("Ending multiplicative factor expected to be between 0 and 1.");
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.restart();
  }
  override restart(): void {
    this.lastEpoch = 0;
    this.setInitialLrs((base) => base * this.startFactor);
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
  constructor(optimizer: Optimizer, options: { T0: number; TMult?: number; etaMin?: number }) {
    super(optimizer);
    A.checkOptions("CosineAnnealingWarmRestarts", options, { T0: A.number, TMult: A.number, etaMin: A.number });
    const { T0, TMult = 1, etaMin = 0 } = options;
    checkPositiveInteger("CosineAnnealingWarmRestarts: T0", T0);
    checkPositiveInteger("CosineAnnealingWarmRestarts: TMult", TMult);
    this.T0 = this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = etaMin;
  }
  protected override advance(): void {
    this.Tcur += 1;
    if (this.Tcur >= this.Ti) {
      this.Tcur -= this.Ti;
      this.Ti *= this.TMult;
    }
  }
  protected nextLr(_lr: number, base: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.Tcur) / this.Ti))) / 2;
  }
  override restart(): void {
    this.Tcur = 0;
    this.Ti = this.T0;
    super.restart();
  }
}

/** OneCycleLR's options, PyTorch's names in camelCase and its defaults. */
export interface OneCycleLROptions {
  /** The peak lr: one for every group, or one per group. */
  maxLr: number | readonly number[];
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
  /** Each phase ends at a step; lr and momentum go between two ends, given as which of a group's
   *  three lrs (0: initial, 1: max, 2: min). */
  private readonly phases: { end: number; lr: [number, number]; momentum: [number, number] }[];
  /** Per group: [initial, max, min] lr. */
  private readonly lrs: [number, number, number][];
  private readonly anneal: (from: number, to: number, pct: number) => number;
  private readonly cycleMomentum: boolean;
  /** This step's position: the phase and how far through it. */
  private position: { phase: number; pct: number } = { phase: 0, pct: 0 };
  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    super(optimizer);
    A.checkOptions("OneCycleLR", options, {
      maxLr: A.either(A.number, A.numbers), totalSteps: A.integer, epochs: A.integer, stepsPerEpoch: A.integer, pctStart: A.number, annealStrategy: A.oneOf("cos", "linear"),
      cycleMomentum: A.boolean, baseMomentum: A.number, maxMomentum: A.number, divFactor: A.number, finalDivFactor: A.number,
    });
    const { maxLr, pctStart = 0.3, annealStrategy = "cos", cycleMomentum = true, baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4 } = options;
    const total = options.totalSteps ?? (options.epochs !== undefined && options.stepsPerEpoch !== undefined ? options.epochs * options.stepsPerEpoch : NaN);
    if (!Number.isInteger(total) || total <= 0) throw new Error("You must define either total_steps OR (epochs AND steps_per_epoch)");
    const groups = optimizer.paramGroups;
    const maxLrs = typeof maxLr === "number" ? groups.map(() => maxLr) : [...maxLr];
    if (maxLrs.length !== groups.length) throw new Error(`expected ${groups.length} values for max_lr, got ${maxLrs.length}`);
    this.totalSteps = total;
    this.lrs = maxLrs.map((m) => [m / divFactor, m, m / divFactor / finalDivFactor]);
    this.phases = [
      { end: pctStart * total - 1, lr: [0, 1], momentum: [maxMomentum, baseMomentum] },
      { end: total - 1, lr: [1, 2], momentum: [baseMomentum, maxMomentum] },
    ];
    this.anneal = annealStrategy === "cos"
      ? (from, to, pct) => to + ((from - to) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (from, to, pct) => (to - from) * pct + from;
    this.cycleMomentum = cycleMomentum;
    if (cycleMomentum && !("momentum" in groups[0]!) && !("betas" in groups[0]!)) {
      throw new Error("optimizer must support momentum or beta1 with `cycle_momentum` option enabled");
    }
    groups.forEach((g, i) => {
      g.initialLr = this.baseLrs[i] = this.lrs[i]![0];
      g.lr = this.lrs[i]![0];
      if (cycleMomentum) setMomentum(g, maxMomentum);
    });
    this.lastLrs = groups.map((g) => g.lr);
  }
  protected override advance(): void {
    const step = this.lastEpoch;
    if (step > this.totalSteps) throw new Error(`Tried to step ${step} times. The specified number of total steps is ${this.totalSteps}`);
    let start = 0;
    for (const [i, phase] of this.phases.entries()) {
      if (step <= phase.end || i === this.phases.length - 1) {
        this.position = { phase: i, pct: (step - start) / (phase.end - start) };
        return;
      }
      start = phase.end;
    }
  }
  protected nextLr(_lr: number, _base: number, group: number): number {
    const phase = this.phases[this.position.phase]!, lrs = this.lrs[group]!;
    if (this.cycleMomentum) setMomentum(this.optimizer.paramGroups[group]!, this.anneal(phase.momentum[0], phase.momentum[1], this.position.pct));
    return this.anneal(lrs[phase.lr[0]]!, lrs[phase.lr[1]]!, this.position.pct);
  }
}

/** Sets a group's momentum: SGD's momentum, or Adam's beta1. */
function setMomentum(group: object, m: number): void {
  const g = group as { momentum?: number; betas?: readonly [number, number] };
  if (g.betas) g.betas = [m, g.betas[1]];
  else g.momentum = m;
}

/** torch.optim.lr_scheduler.SequentialLR: the schedulers one after another, switching at each
 *  milestone (the epoch the next one takes over, restarted at its epoch 0). The schedulers are
 *  made first, on the same optimiser; this puts the lrs back to the first one's start. */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];
  constructor(optimizer: Optimizer, options: { schedulers: readonly LRScheduler[]; milestones: readonly number[] }) {
    super(optimizer);
    A.checkOptions("SequentialLR", options, { schedulers: A.check("a list of schedulers", Array.isArray), milestones: A.numbers });
    const { schedulers, milestones } = options;
    if (schedulers.length < 1) throw new Error("SequentialLR expects at least one scheduler");
    schedulers.forEach((sch, i) => {
      if (sch.optimizer !== optimizer) {
        throw new Error(`Sequential Schedulers expects all schedulers to belong to the same optimizer, but got scheduler at index ${i} to be different than the optimizer passed in.`);
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new Error(`Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`);
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    optimizer.paramGroups.forEach((g) => (g.lr = g.initialLr!));
    schedulers[0]!.restart();
    this.lastLrs = schedulers[0]!.getLastLr();
  }
  protected nextLr(lr: number): number {
    return lr; // step() below hands each step to the scheduler in charge
  }
  override step(): void {
    this.lastEpoch++;
    const index = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[index]!;
    if (index > 0 && this.milestones[index - 1] === this.lastEpoch) scheduler.restart();
    else scheduler.step();
    this.lastLrs = scheduler.getLastLr();
  }
}
