// Parameter groups (a list of { params, lr, ... }) in the optimizers and the schedulers, and
// SequentialLR, against trajectories and learning rates recorded from PyTorch 2.13
// (fixtures/groups-golden.json): float32 bits for the parameters, doubles for the learning rates.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";

const golden = JSON.parse(readFileSync(new URL("./fixtures/groups-golden.json", import.meta.url), "utf8"));
const bitsOf = (t: torch.Tensor) => [...new Uint32Array(Float32Array.from(t.data).buffer)];

/** Two parameters, each in its group, stepped with the recorded gradients; their bits after each step. */
function trajectory(make: (a: torch.Tensor, b: torch.Tensor) => optim.Optimizer): [optim.Optimizer, number[][][]] {
  const a = new nn.Parameter(torch.tensor(golden.a0 as number[])), b = new nn.Parameter(torch.tensor(golden.b0 as number[]));
  const opt = make(a, b);
  const steps = (golden.grads as number[][][]).map(([ga, gb]) => {
    a.grad = torch.tensor(ga!);
    b.grad = torch.tensor(gb!);
    opt.step();
    return [bitsOf(a), bitsOf(b)];
  });
  return [opt, steps];
}

test("SGD, Adam and RMSprop with two parameter groups follow PyTorch's float32 trajectories", () => {
  const [sgd, s] = trajectory((a, b) => new optim.SGD([{ params: [a], lr: 0.1, momentum: 0.9 }, { params: [b], weightDecay: 0.1 }], { lr: 0.01, momentum: 0.5 }));
  assert.equal(s, golden.sgd);
  const [adam, t] = trajectory((a, b) => new optim.Adam([{ params: [a], amsgrad: true, betas: [0.8, 0.99] }, { params: [b], lr: 0.05 }], 0.01));
  assert.equal(t, golden.adam);
  const [, r] = trajectory((a, b) => new optim.RMSprop([{ params: [a], momentum: 0.9, centered: true }, { params: [b] }], 0.01));
  assert.equal(r, golden.rmsprop);
  // the state dict's groups: PyTorch's names and values, the parameters numbered across the groups
  const keep = ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "params"];
  const own = sgd.stateDict().paramGroups.map((g) => Object.fromEntries(keep.map((k) => [k, g[k]])));
  assert.equal(own, (golden.sgdGroups as Record<string, unknown>[]).map((g) => Object.fromEntries(keep.map((k) => [k, g[k]]))));
  assert.equal(adam.stateDict().paramGroups.map((g) => [g.amsgrad, g.betas, g.lr, g.params]), [[true, [0.8, 0.99], 0.01, [0]], [false, [0.9, 0.999], 0.05, [1]]]);
});

test("a state dict with two groups resumes to the same bits; a mismatched one is refused", () => {
  const [first] = trajectory((a, b) => new optim.Adam([{ params: [a], amsgrad: true }, { params: [b], lr: 0.05 }], 0.01));
  const sd = first.stateDict();
  const a = new nn.Parameter(torch.zeros(5)), b = new nn.Parameter(torch.zeros(3));
  const resumed = new optim.Adam([{ params: [a] }, { params: [b] }]);
  resumed.loadStateDict(sd);
  assert.equal(resumed.paramGroups.map((g) => [g.lr, g.amsgrad]), [[0.01, true], [0.05, false]]);
  assert.throws(() => new optim.Adam([a, b]).loadStateDict(sd), /different number of parameter groups/);
});

test("parameter groups are checked as PyTorch checks them", () => {
  const a = new nn.Parameter(torch.zeros(2)), b = new nn.Parameter(torch.zeros(2));
  assert.throws(() => new optim.SGD([{ params: [a] }, { params: [a, b] }], 0.1), /some parameters appear in more than one parameter group/);
  assert.throws(() => new optim.SGD([{ params: [a], learningRate: 0.1 } as never], 0.1), /unknown option "learningRate" in a parameter group/);
  assert.throws(() => new optim.SGD([{ params: [a], lr: -1 }], 0.1), /Invalid learning rate: -1/);
  const opt = new optim.SGD([{ params: [a] }], { lr: 0.1 });
  opt.addParamGroup({ params: [b], lr: 0.5 });
  assert.equal(opt.paramGroups.map((g) => g.lr), [0.1, 0.5]);
  assert.equal(opt.params, [a, b]);
  opt.lr = 0.2; // the shorthand sets every group
  assert.equal(opt.paramGroups.map((g) => g.lr), [0.2, 0.2]);
});

/** Each row: every group's lr, then every group's momentum (SGD's momentum or Adam's beta1). */
function schedule(make: (o: optim.SGD) => { step(): void }, steps: number): number[][] {
  const p = new nn.Parameter(torch.zeros(2)), q = new nn.Parameter(torch.zeros(2));
  const opt = new optim.SGD([{ params: [p], lr: 0.1 }, { params: [q], lr: 0.01 }], { momentum: 0.9 });
  const s = make(opt);
  const row = () => [...opt.paramGroups.map((g) => g.lr), ...opt.paramGroups.map((g) => g.momentum)];
  const rows = [row()];
  for (let i = 0; i < steps; i++) {
    opt.step();
    s.step();
    rows.push(row());
  }
  return rows;
}

function closeRows(got: number[][], want: number[][], what: string): void {
  assert.is(got.length, want.length, `${what}: steps`);
  got.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) <= 1e-15 + 1e-12 * Math.abs(want[i]![j]!), `${what} step ${i} column ${j}: ${v} against ${want[i]![j]}`)));
}

test("schedulers move every group's lr from its own base, as PyTorch's", () => {
  const S = optim.lrScheduler;
  closeRows(schedule((o) => new S.StepLR(o, { stepSize: 3, gamma: 0.5 }), 10), golden.stepLR, "StepLR");
  closeRows(schedule((o) => new S.LambdaLR(o, { lrLambda: (e) => 1 / (e + 1) }), 10), golden.lambdaLR, "LambdaLR");
  closeRows(schedule((o) => new S.CosineAnnealingLR(o, { TMax: 4, etaMin: 0.001 }), 10), golden.cosine, "CosineAnnealingLR");
  closeRows(schedule((o) => new S.OneCycleLR(o, { maxLr: [1.0, 0.1], totalSteps: 10 }), 9), golden.oneCycle, "OneCycleLR");
  closeRows(schedule((o) => new S.CosineAnnealingWarmRestarts(o, { T0: 3, TMult: 2 }), 10), golden.warm, "CosineAnnealingWarmRestarts");
});

test("SequentialLR hands over at each milestone, the next scheduler starting from the base lr", () => {
  const S = optim.lrScheduler;
  closeRows(schedule((o) => new S.SequentialLR(o, {
    schedulers: [new S.LinearLR(o, { startFactor: 0.1, totalIters: 3 }), new S.CosineAnnealingLR(o, { TMax: 5 })], milestones: [3],
  }), 10), golden.sequential, "warm-up then cosine");
  closeRows(schedule((o) => new S.SequentialLR(o, {
    schedulers: [new S.ExponentialLR(o, { gamma: 0.5 }), new S.StepLR(o, { stepSize: 2, gamma: 0.1 }), new S.LinearLR(o, { startFactor: 0.5, totalIters: 2 })], milestones: [2, 5],
  }), 9), golden.sequential3, "three schedulers");
  const p = new nn.Parameter(torch.zeros(1));
  const o = new optim.SGD([p], 0.1), other = new optim.SGD([new nn.Parameter(torch.zeros(1))], 0.1);
  assert.throws(() => new S.SequentialLR(o, { schedulers: [new S.StepLR(o, { stepSize: 1 }), new S.StepLR(other, { stepSize: 1 })], milestones: [2] }), /belong to the same optimizer/);
  assert.throws(() => new S.SequentialLR(o, { schedulers: [new S.StepLR(o, { stepSize: 1 })], milestones: [2] }), /one more than the number of milestone points/);
});

test.run();
