// Autograd that refuses to be wrong: version counters on saved tensors, freed graphs, checked
// gradients. Each case was run in PyTorch 2.13 first; where PyTorch raises, so must we, with its
// words, and where PyTorch saves nothing, nothing is refused.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";

const MODIFIED = /one of the variables needed for gradient computation has been modified by an inplace operation: \[torch\.FloatTensor \[2\]\] is at version 1; expected version 0 instead\./;
const SECOND_TIME = /Trying to backward through the graph a second time \(or directly access saved tensors after they have already been freed\)/;
const leaf = (xs: number[]) => torch.tensor(xs, { requiresGrad: true });

test("in-place change of a saved operand: w.mul_(10) after y = x * w", () => {
  const x = leaf([1, 2]), w = torch.tensor([3, 4]);
  const y = x.mul(w);
  assert.is(w._version, 0);
  w.mul_(10);
  assert.is(w._version, 1);
  assert.throws(() => y.sum().backward(), MODIFIED);
  assert.is(x.grad, null); // nothing was half-done
});

test("detach() shares the version counter: x.detach().add_(1) after y = x * x", () => {
  const x = leaf([1, 2]);
  const y = x.mul(x);
  torch.noGrad(() => x.detach().add_(1));
  assert.is(x._version, 1);
  assert.throws(() => y.sum().backward(), MODIFIED);
});

test("exp saves only its output, so changing its input is allowed, as in PyTorch", () => {
  const x = leaf([1, 2]);
  const y = x.exp();
  x.detach().add_(1);
  y.sum().backward();
  assert.equal(x.grad!.tolist(), [Math.fround(Math.exp(1)), Math.fround(Math.exp(2))]);
});

test("a view shares its base's counter: a.fill_(0) after y = x * a[0]", () => {
  const a = torch.tensor([[1, 2], [3, 4]]);
  const x = leaf([1, 2]);
  const y = x.mul(a.get(0));
  a.fill_(0);
  assert.throws(() => y.sum().backward(), MODIFIED);
});

test("a saved output changed under noGrad: y = x.exp(); y.add_(1)", () => {
  const x = leaf([1, 2]);
  const y = x.exp();
  torch.noGrad(() => y.add_(1));
  assert.throws(() => y.sum().backward(), /\[torch\.FloatTensor \[2\]\], which is output 0 of Exp, is at version 1; expected version 0 instead\./);
  // add saves nothing, so the same change after an add is harmless
  const z = x.add(1);
  torch.noGrad(() => z.add_(1));
  z.sum().backward();
  assert.equal(x.grad!.tolist(), [1, 1]);
});

test("opt.step() between forward and backward refuses when backward needs the old weight", () => {
  torch.manualSeed(0);
  const l1 = new nn.Linear(2, 3), l2 = new nn.Linear(3, 1);
  const opt = new optim.SGD([...l1.parameters(), ...l2.parameters()], { lr: 0.1 });
  const loss = l2(l1(torch.randn(4, 2)).sigmoid()).sum();
  loss.backward(null, { retainGraph: true });
  opt.step(); // changes l2.weight, which the gradient for l1's output needs
  // (PyTorch saves Wᵀ, a view, and names it [3, 1]; the weight itself is saved here)
  assert.throws(() => loss.backward(), /\[torch\.FloatTensor \[1, 3\]\] is at version 2; expected version 1 instead/);
  // a single layer's weight is not needed by any backward (its input needs no gradient): allowed
  const one = new nn.Linear(2, 3);
  const opt1 = new optim.SGD(one.parameters(), { lr: 0.1 });
  const loss1 = one(torch.randn(4, 2)).sum();
  loss1.backward(null, { retainGraph: true });
  opt1.step();
  loss1.backward();
});

test("optimizers, zeroGrad and loadStateDict count their in-place changes", () => {
  const layer = new nn.Linear(2, 1);
  const w = layer.weight;
  const v0 = w._version;
  const opt = new optim.Adam(layer.parameters());
  layer(torch.ones(1, 2)).sum().backward();
  opt.step();
  assert.is(w._version, v0 + 1);
  const g0 = w.grad!._version;
  opt.zeroGrad({ setToNone: false });
  assert.is(w.grad!._version, g0 + 1);
  layer.loadStateDict(layer.stateDict());
  assert.is(w._version, v0 + 2);
});

test("a second backward through freed saved tensors raises; retainGraph keeps them", () => {
  const x = leaf([1, 2]);
  const y = x.mul(x).sum();
  y.backward();
  assert.throws(() => y.backward(), SECOND_TIME);
  const byNumber = x.mul(2).sum(); // a scalar operand is saved too, as PyTorch saves it
  byNumber.backward();
  assert.throws(() => byNumber.backward(), SECOND_TIME);
  const kept = x.mul(x).sum();
  x.grad = null;
  kept.backward(null, { retainGraph: true });
  kept.backward();
  assert.equal(x.grad!.tolist(), [4, 8]);
  // nodes that saved nothing can run again, as in PyTorch
  const plain = x.add(1).sum();
  x.grad = null;
  plain.backward();
  plain.backward();
  assert.equal(x.grad!.tolist(), [2, 2]);
});

test("x.grad = t checks shape and dtype", () => {
  const x = torch.zeros(2, { requiresGrad: true });
  assert.throws(() => (x.grad = torch.zeros(3)), /attempting to assign a gradient of size '\[3\]' to a tensor of size '\[2\]'/);
  assert.throws(() => (x.grad = torch.zeros(2, { dtype: torch.float64 })), /attempting to assign a gradient with dtype 'double' to a tensor with dtype 'Float'/);
  assert.is(x.grad, null); // unchanged by the refused assignments
  x.grad = torch.ones(2);
  assert.equal(x.grad.tolist(), [1, 1]);
});

test("pow: the exponent's gradient is 0 where the base is 0, the base's where the exponent is 0", () => {
  const x = leaf([0, 1]), e = leaf([2, 3]);
  x.pow(e).sum().backward();
  assert.equal(x.grad!.tolist(), [0, 3]);
  assert.equal(e.grad!.tolist(), [0, 0]); // 0^2 * ln 0 would be NaN; 1^3 * ln 1 is 0
  const b = leaf([0, 2]);
  b.pow(0).sum().backward();
  assert.equal(b.grad!.tolist(), [0, 0]);
  const z = leaf([2, 3]);
  torch.pow(z, torch.tensor([0, 0])).sum().backward();
  assert.equal(z.grad!.tolist(), [0, 0]);
});

test("gradients flow back across dtypes, cast to each input's dtype", () => {
  const x = torch.tensor([1, 2], { dtype: torch.float64, requiresGrad: true });
  x.float().mul(2).sum().backward();
  assert.is(x.grad!.dtype, torch.float64);
  assert.equal(x.grad!.tolist(), [2, 2]);
  const a = leaf([1, 2]);
  a.mul(torch.tensor([3, 4], { dtype: torch.float64 })).sum().backward(); // a float64 op for a float32 input
  assert.is(a.grad!.dtype, torch.float32);
  assert.equal(a.grad!.tolist(), [3, 4]);
});

test("crossEntropy takes class indices [N] or probabilities shaped like the input, and nothing else", () => {
  const F = nn.functional;
  const logits = torch.zeros(3, 4);
  assert.is(F.crossEntropy(logits, torch.full([3, 4], 0.25)).item(), Math.fround(Math.log(4)));
  assert.is(F.crossEntropy(logits, torch.tensor([0, 1, 3], { dtype: torch.int64 })).item(), Math.fround(Math.log(4)));
  assert.throws(() => F.crossEntropy(logits, torch.zeros(3, 2)), /class indices \(int64, shape \[3\]\) or of class probabilities \(floating point, shape \[3, 4\]\) for input of shape \[3, 4\], got torch\.float32 of shape \[3, 2\]/);
  assert.throws(() => F.crossEntropy(logits, torch.zeros(3)), /got torch\.float32 of shape \[3\]/);
  assert.throws(() => F.crossEntropy(logits, torch.zeros(4, { dtype: torch.int64 })), /got torch\.int64 of shape \[4\]/);
  assert.throws(() => F.crossEntropy(logits, torch.tensor([true, false, true])), /got torch\.bool of shape \[3\]/);
});

test.run();
