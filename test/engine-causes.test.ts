// One test per design cause of the engine issue: each asserts what PyTorch 2.13 computes (the
// numbers come from it) or that we refuse what it refuses, in its words.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";

const w3 = () => torch.tensor([0.5, -1.0, 2.0], { requiresGrad: true });

// ---- cause 2: gradients as PyTorch 2 ------------------------------------------------------------

test("zeroGrad sets .grad to null; backward into null makes a new tensor, into an existing one adds to it", () => {
  const w = w3();
  w.sum().backward();
  const first = w.grad!;
  w.mul(2).sum().backward();
  assert.is(w.grad, first, "accumulated in place into the same tensor, as PyTorch");
  assert.equal(first.tolist(), [3, 3, 3]);
  const opt = new optim.SGD([w], { lr: 0.1 });
  opt.zeroGrad();
  assert.is(w.grad, null);
  w.sum().backward();
  assert.ok(w.grad !== first, "a new tensor every step, so a list of past gradients keeps them");
  assert.equal(first.tolist(), [3, 3, 3]);
});

test("a value a user put into .grad is added to, never overwritten", () => {
  const w = w3();
  w.grad = torch.tensor([10, 20, 30]);
  const alias = torch.fromArray(w.grad.data as Float32Array, [3]);
  w.mul(2).sum().backward();
  assert.equal(w.grad.tolist(), [12, 22, 32]);
  assert.equal(alias.tolist(), [12, 22, 32], "the same memory");
});

test("optimizers skip a parameter whose grad is null (its momentum does not move): PyTorch's numbers", () => {
  const a = new nn.Parameter(torch.tensor([1.0])), b = new nn.Parameter(torch.tensor([1.0]));
  const opt = new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 });
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    const loss = i === 0 ? a.mul(2).add(b.mul(3)) : a.mul(2);
    loss.sum().backward();
    opt.step();
  }
  assert.is(a.item(), Math.fround(-0.12200000137090683));
  assert.is(b.item(), Math.fround(0.699999988079071));
});

// ---- cause 6: in-place ops and autograd ------------------------------------------------------------

test("in-place ops on non-leaves are recorded (PyTorch's gradients)", () => {
  let w = w3();
  let y = w.mul(2);
  y.add_(1);
  assert.is(y.gradFn!.name, "AddBackward0");
  y.mul(y).sum().backward();
  assert.equal(w.grad!.tolist(), [8, -4, 20]);
  w = w3();
  y = w.mul(1);
  y.mul_(w); // needs the old value of y, which it kept
  y.sum().backward();
  assert.equal(w.grad!.tolist(), [1, -2, 4]);
});

test("an in-place op whose source requires grad puts the destination into the graph", () => {
  let w = w3();
  const x = torch.zeros(3);
  x.copy_(w);
  assert.ok(x.requiresGrad && x.gradFn!.name === "CopyBackwards");
  x.mul(torch.tensor([1, 2, 3])).sum().backward();
  assert.equal(w.grad!.tolist(), [1, 2, 3]);
  w = w3();
  const z = torch.zeros(3);
  z.add_(w);
  z.sum().backward();
  assert.equal(w.grad!.tolist(), [1, 1, 1]);
});

test("in-place through a view rewrites the base's history (CopySlices), as PyTorch", () => {
  let w = w3();
  const x = torch.zeros(4);
  x.slice([1, 4]).copy_(w);
  assert.is(x.gradFn!.name, "CopySlices");
  x.mul(torch.tensor([1, 2, 3, 4])).sum().backward();
  assert.equal(w.grad!.tolist(), [2, 3, 4]);
  w = w3();
  const y = w.mul(1);
  y.slice([0, 2]).mul_(3);
  assert.is(y.gradFn!.name, "CopySlices");
  y.pow(2).sum().backward();
  assert.equal(w.grad!.tolist(), [9, -18, 4]);
  w = w3();
  const u = w.mul(1);
  u.view(3).mul_(w);
  u.sum().backward();
  assert.equal(w.grad!.tolist(), [1, -2, 4]);
});

test("what PyTorch refuses in place: a leaf that requires grad, a view of one, a saved output changed", () => {
  const w = w3();
  assert.throws(() => w.add_(1), /a leaf Variable that requires grad is being used in an in-place operation/);
  assert.throws(() => w.slice([0, 2]).mul_(2), /a view of a leaf Variable that requires grad is being used in an in-place operation/);
  assert.equal(w.tolist(), [0.5, -1, 2], "nothing written");
  const y = w.exp();
  y.mul_(2);
  assert.throws(() => y.sum().backward(), /which is output 0 of Exp, is at version 1; expected version 0/);
  torch.noGrad(() => w.add_(1)); // allowed without grad mode
  assert.equal(w.tolist(), [1.5, 0, 3]);
});

test("a view taken before a recorded in-place change of its base refuses to give a stale gradient", () => {
  const w = w3();
  const y = w.mul(2);
  const v = y.view(3);
  y.add_(1);
  assert.throws(() => v.sum().backward(), /taken before an in-place op that autograd recorded/);
});

// ---- cause 8: smaller ones ----------------------------------------------------------------------------

test("a backward that raises writes no .grad", () => {
  const a = torch.tensor([1, 2], { requiresGrad: true }), b = torch.tensor([3, 4], { requiresGrad: true });
  const saved = b.exp(); // its node saves the output
  const loss = a.mul(2).sum().add(saved.sum());
  saved.mul_(2);
  assert.throws(() => loss.backward(), /modified by an inplace operation/);
  assert.is(a.grad, null, "a's gradient was worked out before the failure, but not written");
});

test("backward(gradient) casts the gradient to the output's dtype", () => {
  const lin = new nn.Linear(3, 2);
  lin(torch.ones(1, 3)).backward(torch.ones([1, 2], { dtype: torch.float64 }));
  assert.is(lin.bias!.grad!.dtype, torch.float32);
  assert.equal(lin.bias!.grad!.tolist(), [1, 1]);
});

test("modules register in assignment order, not class-field declaration order", () => {
  class Net extends nn.Module {
    second!: nn.Linear; // declared first, assigned second
    first!: nn.Linear;
    scale!: nn.Parameter;
    constructor() {
      super();
      this.first = new nn.Linear(2, 2);
      this.second = new nn.Linear(2, 2);
      this.scale = new nn.Parameter(torch.ones(1));
    }
  }
  const net = new Net();
  assert.equal([...net.stateDict().keys()], ["scale", "first.weight", "first.bias", "second.weight", "second.bias"]);
  assert.equal(net.namedChildren().map(([k]) => k), ["first", "second"]);
});

// ---- cause 3: sums ---------------------------------------------------------------------------------------

test("float sums do not drift with the number of elements (PyTorch: 100000.0078, 20000000)", () => {
  assert.ok(Math.abs(torch.full([1000000], 0.1).sum().item() - 100000) <= 0.0079);
  assert.is(torch.ones(20000000).sum().item(), 20000000);
  assert.ok(Math.abs(torch.full([1000000], 0.1).mean().item() - 0.1) < 1e-8);
  assert.ok(Math.abs(torch.full([1000, 1000], 0.1).sum(0).get(0).item() - 100) < 2e-5);
  // a broadcast gradient summed back over a large batch
  const b = torch.zeros(1, { requiresGrad: true });
  torch.zeros(1000000).add(b).mul(0.1).sum().backward();
  assert.ok(Math.abs(b.grad!.item() - 100000) <= 0.0079);
  assert.is(torch.tensor([1e300, 1, -1e300], { dtype: torch.float64 }).sum().item(), 1, "float64 sums keep what cancels");
});

// ---- causes 4 and 5: checks and gradient rules ---------------------------------------------------------

test("checks PyTorch makes, in its words", () => {
  const b = torch.tensor([true, false]);
  assert.throws(() => b.sub(b), /with two bool tensors is not supported/);
  assert.throws(() => b.sub(1), /with a bool tensor is not supported/);
  assert.throws(() => b.abs(), /"abs_cpu" not implemented for 'Bool'/);
  assert.throws(() => b.relu(), /Boolean inputs not supported for relu/);
  assert.throws(() => b.argmax(), /argmax\(\): does not support bool input/);
  assert.throws(() => b.pow(b), /"pow" not implemented for 'Bool'/);
  assert.equal(torch.tensor([3], { dtype: torch.int32 }).pow(40).tolist(), [689956897], "int32 wraps as PyTorch's");
  assert.throws(() => torch.tensor([3], { dtype: torch.int64 }).pow(40), /beyond ±2\^53/);
  assert.throws(() => torch.tensor([2 ** 52], { dtype: torch.int64 }).mul(4), /beyond ±2\^53/);
  assert.throws(() => torch.full([2], 300, { dtype: torch.uint8 }), /value cannot be converted to type uint8_t without overflow/);
  assert.throws(() => torch.ones(2, { dtype: torch.uint8 }).fill_(256), /uint8_t without overflow/);
  assert.throws(() => torch.arange(0, 10, -1), /upper bound and lower bound inconsistent with step sign/);
  const z = torch.tensor(3);
  assert.throws(() => z.squeeze(5), /expected to be in range of \[-1, 0\], but got 5/);
  assert.throws(() => z.unsqueeze(1), /expected to be in range of \[-1, 0\], but got 1/);
  assert.throws(() => z.size(0), /Dimension specified as 0 but tensor has no dimensions/);
  assert.is(torch.ones(2, 3).sum([]).item(), 6);
  assert.throws(() => torch.ones(2, 3).sum([0, 0]), /dim 0 appears multiple times in the list of dims/);
  assert.equal([...torch.ones(2, 3).argmax(undefined, true).shape], [1, 1]);
  assert.throws(() => torch.ones(2, { dtype: torch.int32 }).add_(torch.ones(2, { dtype: torch.int32 }), 1.5), /alpha must not be a floating point number/);
  assert.equal(torch.tensor([-0.5], { dtype: torch.int64 }).div(torch.tensor([0], { dtype: torch.int64 }).add(0)).tolist(), [NaN]);
});

test("gradient rules at special values (PyTorch's numbers)", () => {
  let x = torch.tensor([1, NaN, 3], { requiresGrad: true });
  x.max().backward();
  assert.equal(x.grad!.tolist(), [0, 1, 0], "max's gradient goes to the NaN");
  x = torch.tensor([NaN, -1, 2], { requiresGrad: true });
  x.relu().sum().backward();
  assert.equal(x.grad!.tolist(), [1, 0, 1], "relu passes the gradient at NaN");
  const base = torch.tensor([1, 2], { requiresGrad: true }), e = torch.tensor([NaN, 2], { requiresGrad: true });
  const p = base.pow(e);
  assert.is(p.get(0).item(), 1, "1 to the power NaN is 1, as C's pow");
  p.sum().backward();
  assert.ok(Number.isNaN(base.grad!.get(0).item()) && base.grad!.get(1).item() === 4);
  assert.is(e.grad!.get(0).item(), 0);
  const prob = torch.tensor([0.3, 0.8], { requiresGrad: true }), target = torch.tensor([0, 1], { requiresGrad: true });
  nn.functional.bceLoss(prob, target).backward();
  assert.ok(Math.abs(target.grad!.get(0).item() - 0.4236) < 1e-4 && Math.abs(target.grad!.get(1).item() + 0.6931) < 1e-4);
});


test("recycled gradient memory: the same bits, and never memory the user holds", () => {
  torch.manualSeed(5);
  const make = () => new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU(), new nn.Linear(5, 3));
  const a = make(), b = make();
  b.loadStateDict(a.stateDict());
  const x = torch.randn(4, 6), y = torch.randn(4, 3);
  const optA = new optim.SGD(a.parameters(), { lr: 0.1, momentum: 0.9 });
  const optB = new optim.SGD(b.parameters(), { lr: 0.1, momentum: 0.9 });
  const kept: torch.Tensor[] = [], copies: number[][][] = [];
  for (let step = 0; step < 4; step++) {
    optA.zeroGrad(); // nobody reads a's gradients: their memory is recycled
    nn.functional.mseLoss(a(x), y).backward();
    optA.step();
    optB.zeroGrad();
    nn.functional.mseLoss(b(x), y).backward();
    const g = (b[0] as nn.Linear).weight.grad!; // read by the user: never recycled
    kept.push(g);
    copies.push(g.tolist() as number[][]);
    optB.step();
  }
  assert.equal(a.stateDict().get("0.weight")!.tolist(), b.stateDict().get("0.weight")!.tolist(), "same bits either way");
  assert.equal(a.stateDict().get("2.bias")!.tolist(), b.stateDict().get("2.bias")!.tolist());
  assert.equal(new Set(kept).size, 4, "a new gradient tensor each step");
  kept.forEach((g, i) => assert.equal(g.tolist(), copies[i], `the gradient of step ${i} is still what it was`));
});

test("autograd.grad, registerHook and retainGrad as PyTorch's (its numbers)", () => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const y = x.mul(x);
  const z = y.mul(2).sum();
  const [gx, gy] = torch.autograd.grad(z, [x, y], { retainGraph: true });
  assert.equal([gx!.tolist(), gy!.tolist()], [[4, 8, 12], [2, 2, 2]]);
  assert.is(x.grad, null, "grad() leaves .grad alone");
  const unused = torch.ones(1, { requiresGrad: true });
  assert.throws(() => torch.autograd.grad(z, [unused], { retainGraph: true }), /appears to not have been used in the graph/);
  assert.equal(torch.autograd.grad(z, [unused], { allowUnused: true }), [null]);
  const w = torch.tensor([1, -2], { requiresGrad: true });
  const h = w.mul(3);
  h.retainGrad();
  const seen: number[][] = [];
  h.registerHook((g) => void seen.push(g.tolist() as number[]));
  w.registerHook((g) => g.mul(10));
  h.mul(h).sum().backward();
  assert.equal(h.grad!.tolist(), [6, -12]);
  assert.equal(seen, [[6, -12]]);
  assert.equal(w.grad!.tolist(), [180, -360]);
});

test("module helpers: apply, requiresGrad_, to/float/double, loadStateDict with strict: false", () => {
  const net = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
  const visited: string[] = [];
  net.apply((m) => void visited.push(m.constructor.name));
  assert.equal(visited, ["Linear", "ReLU", "Linear", "Sequential"]);
  net.requiresGrad_(false);
  assert.ok(net.parameters().every((p) => !p.requiresGrad));
  assert.is(net.to("cpu"), net);
  net.double();
  assert.ok(net.parameters().every((p) => p.dtype === torch.float64));
  assert.is(net(torch.ones([1, 2], { dtype: torch.float64 })).dtype, torch.float64);
  net.float();
  const state = net.stateDict();
  state.delete("2.bias");
  state.set("extra", torch.ones(1));
  assert.throws(() => net.loadStateDict(state), /Missing key\(s\) in state_dict: "2.bias"/);
  assert.equal(net.loadStateDict(state, { strict: false }), { missingKeys: ["2.bias"], unexpectedKeys: ["extra"] });
});


test("createGraph: second derivatives through elementwise ops, matmul, reductions and activations (gradgradcheck)", () => {
  const x = torch.tensor([0.5, -1.2, 2.0], { requiresGrad: true, dtype: torch.float64 });
  const [g] = torch.autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
  const [gg] = torch.autograd.grad(g!.sum(), [x]);
  assert.equal(gg!.tolist(), [3, -7.199999999999999, 12], "d2/dx2 of x^3 is 6x");
  const a = torch.randn([3, 4], { dtype: torch.float64, requiresGrad: true });
  const w = torch.randn([5, 4], { dtype: torch.float64, requiresGrad: true });
  const b = torch.randn([5], { dtype: torch.float64, requiresGrad: true });
  assert.ok(torch.gradgradcheck((a, w) => a.matmul(w.t()).tanh().sum(1), [a, w]));
  assert.ok(torch.gradgradcheck((a, w, b) => nn.functional.linear(a, w, b).sigmoid().mul(a.sum(1, true)), [a, w, b]));
  assert.ok(torch.gradgradcheck((a) => a.softmax(1).pow(2).mean(0), [a]));
  assert.ok(torch.gradgradcheck((a) => a.logSoftmax(0).exp().mul(a), [a]));
  assert.ok(torch.gradgradcheck((a) => a.relu().mul(a).sum(), [a]));
  assert.ok(torch.gradgradcheck((a, w) => nn.functional.mseLoss(a.matmul(w.t()), torch.zeros([3, 5], { dtype: torch.float64 })), [a, w]));
  assert.ok(torch.gradgradcheck((a) => a.get(1).mul(a.slice(null, [1, 3]).sum()).exp(), [a]));
  // a backward written only for first derivatives says so rather than giving a wrong second one
  const img = torch.randn([1, 1, 5, 5], { dtype: torch.float64, requiresGrad: true });
  const k = torch.randn([2, 1, 3, 3], { dtype: torch.float64, requiresGrad: true });
  assert.throws(() => torch.autograd.grad(nn.functional.conv2d(img, k).pow(2).sum(), [img], { createGraph: true }), /ConvolutionBackward0: its backward computes first derivatives only/);
});

test("remainder, fmod and floorDivide: PyTorch's values (float and int64), gradients and zero-division error", () => {
  const a = torch.tensor([-7, 7, -7, 7, 5.5, -0.5, 1e10]), b = torch.tensor([2, -2, -2, 2, 1.5, 0.3, 3]);
  const f32 = (xs: number[]) => xs.map(Math.fround);
  assert.equal(torch.remainder(a, b).tolist(), f32([1, -1, -1, 1, 1, 0.10000002384185791, 1]));
  assert.equal(a.fmod(b).tolist(), f32([-1, 1, -1, 1, 1, -0.19999998807907104, 1]));
  assert.equal(a.floorDivide(b).tolist(), f32([-4, -4, 3, 3, 3, -2, 3333333248]));
  const ai = torch.tensor([-7, 7, -7, 7], { dtype: torch.int64 }), bi = torch.tensor([2, -2, -2, 2], { dtype: torch.int64 });
  assert.equal([ai.remainder(bi).tolist(), ai.fmod(bi).tolist(), ai.floorDivide(bi).tolist(), ai.remainder(3).dtype], [[1, -1, -1, 1], [-1, 1, -1, 1], [-4, -4, 3, 3], torch.int64]);
  for (const [op, gb] of [["remainder", [0, 4, -6, -9, -12, 10, -2e10]], ["fmod", [0, 3, -6, -9, -12, 5, -2e10]]] as const) {
    const x = a.clone().requiresGrad_(), y = b.clone().requiresGrad_();
    (op === "remainder" ? x.remainder(y) : x.fmod(y)).mul(torch.arange(7).float()).sum().backward();
    assert.equal(x.grad!.tolist(), [0, 1, 2, 3, 4, 5, 6], `${op}: d/da`);
    assert.equal(y.grad!.tolist(), f32([...gb]), `${op}: d/db`);
  }
  assert.ok(Number.isNaN(torch.remainder(torch.tensor([5]), 0).item()));
  assert.throws(() => ai.remainder(torch.tensor([0, 1, 1, 1], { dtype: torch.int64 })), /ZeroDivisionError/);
});

test.run();
