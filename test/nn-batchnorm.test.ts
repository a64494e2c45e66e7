// Batch normalisation: train mode normalises with the batch's mean and biased variance; the running
// estimates follow running = (1 - momentum) * running + momentum * stat with the UNBIASED variance;
// eval mode uses the running estimates; gradients through mean and variance by gradcheck.
//
// Tolerances: the closed forms are computed in float64 here, the op in float32 with float64 sums,
// so 1e-5 relative is float32 rounding with a margin. gradcheck keeps its float32 defaults (eps 1e-3,
// atol 1e-3, rtol 1e-2); inputs are kept to a per-channel variance above 0.05 so 1/std stays
// moderate and the second derivative does not swamp the central difference.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";
import { tensorArb } from "./arbitraries.ts";

const F = nn.functional;

/** Per-channel [mean, biased var, unbiased var] of [N, C, ...] data, in float64. */
function channelStats(x: torch.Tensor): [number, number, number][] {
  const [n, c] = x.shape as unknown as [number, number];
  const inner = x.numel() / (n * c);
  return Array.from({ length: c }, (_, ch) => {
    const values: number[] = [];
    for (let b = 0; b < n; b++) for (let i = 0; i < inner; i++) values.push(x.data[(b * c + ch) * inner + i]!);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const squares = values.reduce((s, v) => s + (v - mean) ** 2, 0);
    return [mean, squares / values.length, squares / (values.length - 1)];
  });
}

const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test("train mode: every channel of the output has mean 0 and biased variance 1 (before the affine part)", () => {
  torch.manualSeed(1);
  const bn = new nn.BatchNorm2d(3);
  const x = torch.randn(4, 3, 5, 5).mul(3).add(7);
  const y = bn(x);
  for (const [mean, biasedVar] of channelStats(y)) {
    assert.ok(Math.abs(mean) < 1e-5, `mean ${mean}`);
    // exactly var / (var + eps) with var about 9: 1 - 1.1e-6
    assert.ok(Math.abs(biasedVar - 1) < 1e-4, `var ${biasedVar}`);
  }
  assert.is(y.gradFn!.name, "NativeBatchNormBackward0");
  // weight and bias scale and shift each channel: y' = 2 * y + c
  torch.noGrad(() => {
    bn.weight!.fill_(2);
    bn.bias!.data.set([1, -1, 0.5]);
  });
  const stats = channelStats(bn(x));
  stats.forEach(([mean, biasedVar], c) => {
    assert.ok(close(mean, [1, -1, 0.5][c]!, 1e-4));
    assert.ok(close(biasedVar, 4, 1e-4));
  });
});

test("running stats after several batches equal the momentum recurrence with the unbiased variance", () => {
  torch.manualSeed(2);
  const momentum = 0.3;
  const bn = new nn.BatchNorm2d(2, { momentum });
  const expectedMean = [0, 0], expectedVar = [1, 1];
  for (let step = 0; step < 5; step++) {
    const x = torch.randn(3, 2, 4, 4).mul(step + 1).add(step);
    bn(x);
    channelStats(x).forEach(([mean, , unbiasedVar], c) => {
      expectedMean[c] = (1 - momentum) * expectedMean[c]! + momentum * mean;
      expectedVar[c] = (1 - momentum) * expectedVar[c]! + momentum * unbiasedVar;
    });
  }
  (bn.runningMean!.tolist() as number[]).forEach((v, c) => assert.ok(close(v, expectedMean[c]!), `mean ${v} vs ${expectedMean[c]}`));
  (bn.runningVar!.tolist() as number[]).forEach((v, c) => assert.ok(close(v, expectedVar[c]!), `var ${v} vs ${expectedVar[c]}`));
  assert.is(bn.numBatchesTracked!.item(), 5);
  assert.is(bn.numBatchesTracked!.dtype.name, "int64");
});

test("momentum null is a cumulative average: after k batches the running mean is their mean", () => {
  const bn = new nn.BatchNorm2d(1, { momentum: null });
  const batches = [[1, 3], [5, 7], [0, 2]].map((v) => torch.tensor(v).reshape(2, 1, 1, 1));
  for (const b of batches) bn(b);
  // batch means 2, 6, 1 -> 3; unbiased variances 2, 2, 2 -> 2 (the initial 1 is forgotten at step 1)
  assert.ok(close(bn.runningMean!.item(), 3));
  assert.ok(close(bn.runningVar!.item(), 2));
  assert.is(String(bn), "BatchNorm2d(1, eps=1e-05, momentum=None, affine=True, track_running_stats=True)");
});

test("eval mode normalises with the running stats and leaves them alone", () => {
  torch.manualSeed(3);
  const bn = new nn.BatchNorm2d(2);
  for (let i = 0; i < 3; i++) bn(torch.randn(4, 2, 3, 3).add(2));
  torch.noGrad(() => {
    bn.weight!.data.set([0.5, 2]);
    bn.bias!.data.set([1, -3]);
  });
  bn.eval();
  const mean = [...bn.runningMean!.data], variance = [...bn.runningVar!.data];
  const x = torch.randn(2, 2, 3, 3);
  const y = bn(x);
  const inner = 9;
  for (let i = 0; i < x.numel(); i++) {
    const c = Math.floor(i / inner) % 2;
    const expected = ((x.data[i]! - mean[c]!) / Math.sqrt(variance[c]! + 1e-5)) * [0.5, 2][c]! + [1, -3][c]!;
    assert.ok(close(y.data[i]!, expected), `${y.data[i]} vs ${expected}`);
  }
  assert.equal([...bn.runningMean!.data], mean);
  assert.equal([...bn.runningVar!.data], variance);
  assert.is(bn.numBatchesTracked!.item(), 3);
  // a batch of one is fine in eval mode (it is not in training: one value has no variance)
  assert.equal([...bn(torch.randn(1, 2, 1, 1)).shape], [1, 2, 1, 1]);
  bn.train();
  assert.throws(() => bn(torch.randn(1, 2, 1, 1)),
    (e: Error) => e.message === "Expected more than 1 value per channel when training, got input size torch.Size([1, 2, 1, 1])");
  assert.is(bn.numBatchesTracked!.item(), 3, "a failed call changes nothing");
});

/** c values evenly from lo to hi. */
const spread = (c: number, lo: number, hi: number) => torch.tensor(Array.from({ length: c }, (_, i) => (c === 1 ? lo : lo + ((hi - lo) * i) / (c - 1))));

/** Inputs [N, C, ...spatial] with every channel's biased variance above 0.05. */
function bnInputsArb(spatial: boolean) {
  return fc
    .tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
    .chain(([n, c, h, w]) => fc.tuple(tensorArb(spatial ? [n, c, h, w] : [n, c], -2, 2), tensorArb([c], 0.5, 2), tensorArb([c], -1, 1)))
    .filter(([x]) => channelStats(x).every(([, v]) => v > 0.05));
}

test("gradcheck in train mode: input, weight and bias, for [N, C, H, W] and [N, C]", () => {
  for (const spatial of [true, false]) {
    fc.assert(fc.property(bnInputsArb(spatial), ([x, w, b]) =>
      torch.gradcheck((x_, w_, b_) => F.batchNorm(x_, null, null, w_, b_, true), [x, w, b])), { numRuns: 40 });
  }
  // without weight and bias as well
  fc.assert(fc.property(bnInputsArb(true), ([x]) => torch.gradcheck((x_) => F.batchNorm(x_, null, null, null, null, true), [x])), { numRuns: 20 });
});

test("gradcheck in eval mode: the running stats are constants", () => {
  fc.assert(fc.property(bnInputsArb(true), ([x, w, b]) => {
    const c = x.shape[1]!;
    const mean = spread(c, -0.5, 0.5), variance = spread(c, 0.5, 2);
    // gradcheck runs in float64, so the constants must be float64 too (batch_norm takes one dtype)
    return torch.gradcheck((x_, w_, b_) => F.batchNorm(x_, mean.double(), variance.double(), w_, b_, false), [x, w, b]);
  }), { numRuns: 30 });
});

test("BatchNorm2d: parameters, buffers in the state dict, repr, errors", () => {
  const bn = new nn.BatchNorm2d(3);
  assert.equal(bn.namedParameters().map(([n]) => n), ["weight", "bias"]);
  assert.equal(bn.weight!.tolist(), [1, 1, 1]);
  assert.equal(bn.bias!.tolist(), [0, 0, 0]);
  assert.equal([...bn.stateDict().keys()], ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
  assert.equal(bn.runningMean!.tolist(), [0, 0, 0]);
  assert.equal(bn.runningVar!.tolist(), [1, 1, 1]);
  assert.is(bn.runningMean!.requiresGrad, false);
  assert.is(String(bn), "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  assert.is(String(new nn.BatchNorm2d(16, { eps: 0.001, momentum: 0.01, affine: false, trackRunningStats: false })),
    "BatchNorm2d(16, eps=0.001, momentum=0.01, affine=False, track_running_stats=False)");

  const plain = new nn.BatchNorm2d(2, { affine: false, trackRunningStats: false });
  assert.equal(plain.parameters(), []);
  assert.equal([...plain.stateDict().keys()], []);
  plain.eval(); // no running stats: batch statistics even in eval
  assert.ok(channelStats(plain(torch.randn(4, 2, 2, 2))).every(([m]) => Math.abs(m) < 1e-5));

  assert.throws(() => bn(torch.randn(4, 3)), (e: Error) => e.message === "expected 4D input (got 2D input)");
  assert.throws(() => bn(torch.randn(4, 2, 3, 3)), /3 channels/);
  assert.throws(() => F.batchNorm(torch.randn(4, 3), null, null), /running_mean and running_var must be defined/);
});

test("BatchNorm2d trains: gradients reach weight and bias", () => {
  const bn = new nn.BatchNorm2d(2);
  const x = torch.randn(3, 2, 2, 2, { requiresGrad: true });
  bn(x).pow(3).sum().backward();
  assert.ok(bn.weight!.grad !== null && bn.bias!.grad !== null && x.grad !== null);
  assert.equal(bn(x).gradFn!.nextFunctions.map(([f]) => f?.name), ["AccumulateGrad", "AccumulateGrad", "AccumulateGrad"]);
});

test.run();
