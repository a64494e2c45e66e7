import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { readFileSync } from "node:fs";
import { optim } from "../src/index.ts";

const S = optim.lrScheduler;

// PyTorch 2.13: SGD(lr=0.1), then get_last_lr()[0] after construction and after each of 14 steps
// (optimizer.step() then scheduler.step()), printed with repr.
const GOLDEN = {
  StepLR: [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.00625, 0.00625, 0.00625],
  MultiStepLR: [0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.00010000000000000005, 0.00010000000000000005, 0.00010000000000000005, 0.00010000000000000005, 1.0000000000000006e-05, 1.0000000000000006e-05, 1.0000000000000006e-05, 1.0000000000000006e-05, 1.0000000000000006e-05, 1.0000000000000006e-05],
  ExponentialLR: [0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002, 0.03486784401000002, 0.03138105960900001, 0.028242953648100012, 0.025418658283290013, 0.022876792454961013],
  CosineAnnealingLR: [0.1, 0.0855017856687341, 0.0505, 0.0154982143312659, 0.001, 0.015498214331265896, 0.05050000000000001, 0.08550178566873413, 0.10000000000000003, 0.08550178566873413, 0.05050000000000003, 0.015498214331265945, 0.001, 0.015498214331265896, 0.0504999999999999],
  // lambda e: 1 / (e + 1): only IEEE division, rounded the same everywhere (V8's ** and C's pow
  // can differ in the last bit, which would test the engines rather than the scheduler)
  LambdaLR: [0.1, 0.05, 0.03333333333333333, 0.025, 0.020000000000000004, 0.016666666666666666, 0.014285714285714285, 0.0125, 0.011111111111111112, 0.010000000000000002, 0.009090909090909092, 0.008333333333333333, 0.007692307692307693, 0.007142857142857143, 0.006666666666666667],
  ReduceLROnPlateau: [0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125],
  ReduceLROnPlateauMax: [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02],
};
const METRICS = [1.0, 0.9, 0.95, 0.92, 0.91, 0.899, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9];

type Scheduler = { step(metric: number): void; getLastLr(): number[] };
function run(make: (opt: optim.Optimizer) => Scheduler, withMetrics = false): number[] {
  const p = torch.zeros(1).requiresGrad_();
  const opt = new optim.SGD([p], { lr: 0.1 });
  const scheduler = make(opt);
  const lrs = [scheduler.getLastLr()[0]!];
  for (let i = 0; i < 14; i++) {
    p.grad = torch.zeros(1);
    opt.step();
    scheduler.step(withMetrics ? METRICS[i]! : NaN); // the plain schedulers take no argument
    lrs.push(scheduler.getLastLr()[0]!);
    assert.is(opt.lr, lrs[lrs.length - 1], "the optimizer's lr is the scheduler's");
  }
  return lrs;
}

test("the schedulers give PyTorch's learning rates, to the last bit", () => {
  assert.equal(run((o) => new S.StepLR(o, { stepSize: 3, gamma: 0.5 })), GOLDEN.StepLR);
  assert.equal(run((o) => new S.MultiStepLR(o, { milestones: [2, 5, 5, 9], gamma: 0.1 })), GOLDEN.MultiStepLR);
  assert.equal(run((o) => new S.ExponentialLR(o, { gamma: 0.9 })), GOLDEN.ExponentialLR);
  assert.equal(run((o) => new S.CosineAnnealingLR(o, { TMax: 4, etaMin: 0.001 })), GOLDEN.CosineAnnealingLR);
  assert.equal(run((o) => new S.LambdaLR(o, { lrLambda: (e) => 1 / (e + 1) })), GOLDEN.LambdaLR);
});

test("ReduceLROnPlateau: patience, relative and absolute thresholds, cooldown, a floor", () => {
  assert.equal(run((o) => new S.ReduceLROnPlateau(o, { factor: 0.5, patience: 2, threshold: 0.01 }), true), GOLDEN.ReduceLROnPlateau);
  assert.equal(run((o) => new S.ReduceLROnPlateau(o, {
    mode: "max", factor: 0.5, patience: 1, threshold: 0.05, thresholdMode: "abs", cooldown: 1, minLr: 0.02,
  }), true), GOLDEN.ReduceLROnPlateauMax);
  const opt = new optim.SGD([torch.zeros(1).requiresGrad_()], { lr: 0.1 });
  const plateau = new S.ReduceLROnPlateau(opt, { patience: 0 });
  plateau.step(torch.tensor(1)); // a 0-dim tensor works, as in PyTorch
  plateau.step(torch.tensor(2));
  assert.is(opt.lr, 0.1 * 0.1);
});

test("paramGroups[0].lr is the optimizer's lr, both ways, and bad settings are refused", () => {
  const opt = new optim.Adam([torch.zeros(1).requiresGrad_()], { lr: 0.01 });
  assert.is(opt.paramGroups[0]!.lr, 0.01);
  opt.paramGroups[0]!.lr = 0.5;
  assert.is(opt.lr, 0.5);
  assert.throws(() => new S.StepLR(opt, { stepSize: 0 }), /StepLR: stepSize must be a whole number >= 1, got 0/);
  assert.throws(() => new S.ReduceLROnPlateau(opt, { factor: 1 }), /Factor should be < 1.0./);
  assert.throws(() => new S.ReduceLROnPlateau(opt, { mode: "up" as never }), /mode up is unknown!/);
});

test("LinearLR, CosineAnnealingWarmRestarts and OneCycleLR (lr and momentum) give PyTorch 2.13's doubles", () => {
  const golden = JSON.parse(readFileSync(new URL("./fixtures/scheduler-golden.json", import.meta.url), "utf8")) as Record<string, { lrs: number[]; moms: number[] }>;
  const make: Record<string, [(o: optim.Optimizer) => { step(): void; getLastLr(): number[] }, "sgd" | "adam"]> = {
    linear: [(o) => new S.LinearLR(o, { startFactor: 0.25, endFactor: 1, totalIters: 6 }), "sgd"],
    warm: [(o) => new S.CosineAnnealingWarmRestarts(o, { T0: 3, TMult: 2, etaMin: 0.001 }), "sgd"],
    onecycle: [(o) => new S.OneCycleLR(o, { maxLr: 1, totalSteps: 20 }), "sgd"],
    onecycleLinearAdam: [(o) => new S.OneCycleLR(o, { maxLr: 0.5, epochs: 2, stepsPerEpoch: 5, annealStrategy: "linear", pctStart: 0.4 }), "adam"],
  };
  for (const [name, [f, kind]] of Object.entries(make)) {
    const p = new torch.nn.Parameter(torch.zeros(1));
    const opt = kind === "sgd" ? new optim.SGD([p], { lr: 0.1, momentum: 0.9 }) : new optim.Adam([p], { lr: 0.1 });
    const s = f(opt);
    const momentum = () => (opt instanceof optim.SGD ? opt.paramGroups[0]!.momentum : (opt as optim.Adam).paramGroups[0]!.betas[0]);
    const lrs = [s.getLastLr()[0]!], moms = [momentum()];
    for (let i = 1; i < golden[name]!.lrs.length; i++) {
      p.grad = torch.zeros(1);
      opt.step();
      s.step();
      lrs.push(s.getLastLr()[0]!);
      moms.push(momentum());
    }
    lrs.forEach((lr, i) => assert.ok(Math.abs(lr - golden[name]!.lrs[i]!) <= 1e-15 * Math.max(1, Math.abs(lr)), `${name} lr ${i}: ${lr} against ${golden[name]!.lrs[i]}`));
    moms.forEach((m, i) => assert.ok(Math.abs(m - golden[name]!.moms[i]!) <= 1e-15, `${name} momentum ${i}: ${m} against ${golden[name]!.moms[i]}`));
  }
});

test.run();
