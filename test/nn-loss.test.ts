// Softmax and the losses: known values, PyTorch's reductions, errors, and gradients by finite differences.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";
import { tensorArb } from "./arbitraries.ts";

const F = nn.functional;
const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

test("softmax: known values, rows sum to 1, stable for large logits, equal to the composite exp/sum", () => {
  const s = F.softmax(torch.tensor([[1, 2, 3]]), 1);
  const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
  const z = e[0]! + e[1]! + e[2]!;
  s.data.forEach((v, i) => close(v, e[i]! / z));
  const big = F.softmax(torch.tensor([1000, 1001]), 0);
  close(big.data[1]!, 1 / (1 + Math.exp(-1)));
  fc.assert(fc.property(tensorArb([3, 4], -5, 5, 0, false), fc.integer({ min: 0, max: 1 }), (x, dim) => {
    const composite = F.softmaxSimple(x, dim);
    assert.ok(F.softmax(x, dim).sub(composite).abs().max().item() < 1e-6);
    assert.ok(F.logSoftmax(x, dim).sub(composite.log()).abs().max().item() < 1e-5);
  }));
});

test("softmaxSimple, differentiated op by op, gives softmax's gradient; and it overflows where softmax does not", () => {
  const x = torch.tensor([[0.5, -1.25, 2, 0.75], [3, 1, -2, 0]], { requiresGrad: true });
  const weights = torch.tensor([[1, -2, 0.5, 3], [0.25, 1, -1, 2]]);
  F.softmax(x, 1).mul(weights).sum().backward();
  const fused = x.grad!.tolist() as number[][];
  x.grad = null;
  F.softmaxSimple(x, 1).mul(weights).sum().backward();
  const composite = x.grad!.tolist() as number[][];
  fused.forEach((row, i) => row.forEach((g, j) => assert.ok(Math.abs(g - composite[i]![j]!) < 1e-6, `[${i}][${j}]: ${g} vs ${composite[i]![j]}`)));
  assert.equal(F.softmax(torch.tensor([100, 100]), 0).tolist(), [0.5, 0.5]);
  assert.ok((F.softmaxSimple(torch.tensor([100, 100]), 0).tolist() as number[]).every(Number.isNaN), "exp(100) is Infinity in float32: inf / inf");
});

test("gradcheck: softmax, logSoftmax along each dim", () => {
  fc.assert(fc.property(tensorArb([2, 3, 4]), fc.integer({ min: -3, max: 2 }), (x, dim) => {
    torch.gradcheck((t) => F.softmax(t, dim), [x]);
    return torch.gradcheck((t) => F.logSoftmax(t, dim), [x]);
  }), { numRuns: 20 });
});

test("MSE: value of the article's example and reductions", () => {
  const y = torch.tensor([1.95]);
  assert.is(String(F.mseLoss(y, torch.tensor([2]))), "tensor(0.0025)");
  const a = torch.tensor([1, 2, 3]), b = torch.tensor([1, 0, 0]);
  close(F.mseLoss(a, b).item(), 13 / 3, 1e-6);
  assert.is(F.mseLoss(a, b, { reduction: "sum" }).item(), 13);
  assert.equal(F.mseLoss(a, b, { reduction: "none" }).tolist(), [0, 4, 9]);
  assert.is(new nn.MSELoss()(a, b).gradFn, null);
  assert.is(F.mseLoss(a.clone().requiresGrad_(), b).gradFn!.name, "MseLossBackward0");
});

test("cross-entropy: log-sum-exp value, class indices, reductions, out-of-range index", () => {
  const logits = torch.tensor([[2, 1, 0.1], [0.5, 2.5, 0.3]]);
  const target = torch.tensor([0, 1], { dtype: "int64" });
  const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
  const l0 = lse([2, 1, 0.1]) - 2, l1 = lse([0.5, 2.5, 0.3]) - 2.5;
  close(F.crossEntropy(logits, target).item(), (l0 + l1) / 2);
  close(F.crossEntropy(logits, target, { reduction: "sum" }).item(), l0 + l1);
  const none = F.crossEntropy(logits, target, { reduction: "none" });
  close(none.data[0]!, l0);
  close(none.data[1]!, l1);
  close(F.crossEntropy(torch.tensor([[1000, 0]]), torch.tensor([1], { dtype: "int64" })).item(), 1000, 1e-3);
  assert.throws(() => F.crossEntropy(logits, torch.tensor([0, 3], { dtype: "int64" })), /Target 3 is out of bounds/);
  assert.throws(() => F.crossEntropy(logits, torch.tensor([0, 1, 2], { dtype: "int64" })), /class indices \(int64, shape \[2\]\)/);
  assert.is(new nn.CrossEntropyLoss()(logits.clone().requiresGrad_(), target).gradFn!.name, "NllLossBackward0");
});

test("gradcheck: cross-entropy, MSE and BCE with each reduction", () => {
  const target = torch.tensor([2, 0, 1], { dtype: "int64" });
  for (const reduction of ["mean", "sum", "none"] as const) {
    fc.assert(fc.property(tensorArb([3, 4]), tensorArb([3, 4], -1, 1, 0, false), tensorArb([3, 4], 0.05, 0.95), (x, t, p) => {
      torch.gradcheck((a) => F.crossEntropy(a, target, { reduction }), [x]);
      torch.gradcheck((a, b) => F.mseLoss(a, b, { reduction }), [x, t.clone().requiresGrad_()]);
      return torch.gradcheck((q) => F.bceLoss(q, t.abs().double(), { reduction }), [p]); // float64, as gradcheck makes q
    }), { numRuns: 10 });
  }
});

test("BCE: known value, log clamped at -100, input range checked", () => {
  const p = torch.tensor([0.9, 0.2]), y = torch.tensor([1, 0]);
  close(F.bceLoss(p, y).item(), -(Math.log(0.9) + Math.log(0.8)) / 2, 1e-6);
  close(F.bceLoss(torch.tensor([0]), torch.tensor([1])).item(), 100);
  assert.throws(() => F.bceLoss(torch.tensor([1.5]), torch.tensor([1])), /between 0 and 1/);
  assert.is(F.bceLoss(p.clone().requiresGrad_(), y).gradFn!.name, "BinaryCrossEntropyBackward0");
});

test("an unknown reduction is refused", () => {
  assert.throws(() => F.mseLoss(torch.ones(1), torch.ones(1), { reduction: "avg" as never }), /avg is not a valid value for reduction/);
});

test.run();
