// Dropout: identity in eval, a zero fraction of p, survivors scaled by exactly 1/(1-p), repeatable
// under manualSeed, the gradient through the same mask, and PyTorch's error for a bad p.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

const F = nn.functional;

test("eval mode (and p = 0) is the identity: the same tensor comes back", () => {
  const x = torch.rand(10, 10);
  const drop = new nn.Dropout(0.5);
  drop.eval();
  assert.is(drop(x), x);
  assert.is(F.dropout(x, 0.5, false), x);
  assert.is(F.dropout(x, 0), x);
});

test("the zero fraction is p over 100k elements, and every survivor is exactly x / (1 - p)", () => {
  // The number of zeros is Binomial(n = 100000, p): standard deviation sqrt(n p (1-p)), 145 for
  // p = 0.3 (0.00145 as a fraction). Allow 5 standard deviations: a false failure is a 1-in-3.5-million event.
  torch.manualSeed(0);
  const n = 100_000;
  for (const p of [0.1, 0.3, 0.5, 0.9]) {
    const x = torch.rand(n).add(1); // in [1, 2): a zero in the output can only come from the mask
    const y = F.dropout(x, p);
    let zeros = 0;
    for (let i = 0; i < n; i++) {
      if (y.data[i] === 0) zeros++;
      else assert.is(y.data[i], Math.fround(x.data[i]! / (1 - p)));
    }
    const tolerance = (5 * Math.sqrt(n * p * (1 - p))) / n;
    assert.ok(Math.abs(zeros / n - p) < tolerance, `p = ${p}: zero fraction ${zeros / n}, tolerance ${tolerance}`);
  }
});

test("p = 1 gives zeros; the module draws a new mask each call and follows train()/eval()", () => {
  assert.equal(F.dropout(torch.ones(2, 3), 1).tolist(), [[0, 0, 0], [0, 0, 0]]);
  const drop = new nn.Dropout();
  const x = torch.ones(1000);
  const a = drop(x), b = drop(x);
  assert.ok(a.data.some((v, i) => v !== b.data[i]), "two calls, two masks");
  assert.ok(a.data.every((v) => v === 0 || v === 2));
  drop.eval();
  assert.is(drop(x), x);
  drop.train();
  assert.is.not(drop(x), x);
});

test("the same seed gives the same mask", () => {
  const x = torch.ones(500);
  torch.manualSeed(42);
  const first = F.dropout(x, 0.4).tolist();
  torch.manualSeed(42);
  assert.equal(F.dropout(x, 0.4).tolist(), first);
});

test("the gradient flows through the same mask, scaled by 1/(1-p)", () => {
  const x = torch.rand(200, { requiresGrad: true });
  const y = F.dropout(x, 0.25);
  assert.is(y.gradFn!.name, "MulBackward0");
  y.sum().backward();
  for (let i = 0; i < 200; i++) assert.is(x.grad!.data[i], y.data[i] === 0 ? 0 : Math.fround(1 / 0.75));
});

test("repr and errors in PyTorch's words", () => {
  assert.is(String(new nn.Dropout()), "Dropout(p=0.5, inplace=False)");
  assert.is(String(new nn.Dropout(0.25)), "Dropout(p=0.25, inplace=False)");
  assert.is(String(new nn.Dropout(1)), "Dropout(p=1.0, inplace=False)");
  assert.throws(() => new nn.Dropout(1.5), (e: Error) => e.message === "dropout probability has to be between 0 and 1, but got 1.5");
  assert.throws(() => F.dropout(torch.ones(2), -0.1), (e: Error) => e.message === "dropout probability has to be between 0 and 1, but got -0.1");
});

test.run();
