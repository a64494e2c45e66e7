// Optimisers against steps worked out by hand: SGD with every option (the first momentum step
// stores the gradient undamped, as PyTorch does), zeroGrad leaving zeros, PyTorch's validation
// messages, and Adam's first two steps against the closed form with bias correction.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";

/** A parameter with the given values. */
const param = (values: number[]) => new nn.Parameter(torch.tensor(values));

/** Runs one step per gradient in `grads` (set by hand, as backward would) and returns p after each. */
function run(opt: optim.Optimizer, p: torch.Tensor, grads: number[][]): number[][] {
  return grads.map((g) => {
    p.grad = torch.tensor(g);
    opt.step();
    return [...p.data];
  });
}

function close(actual: number[][], expected: number[][], tol = 1e-6): void {
  assert.is(actual.length, expected.length);
  actual.forEach((row, s) =>
    row.forEach((x, i) => assert.ok(Math.abs(x - expected[s]![i]!) <= tol, `step ${s + 1}, element ${i}: got ${x}, expected ${expected[s]![i]}`)),
  );
}

test("SGD plain: p -= lr * grad", () => {
  const p = param([1, -2]);
  // 1 - 0.1*0.5 = 0.95; -2 - 0.1*1 = -2.1; then 0.95 - 0.1*(-1) = 1.05; -2.1 - 0.1*2 = -2.3
  close(run(new optim.SGD([p], { lr: 0.1 }), p, [[0.5, 1], [-1, 2]]), [[0.95, -2.1], [1.05, -2.3]]);
});

test("SGD momentum over 3 steps: the first step's buffer is the gradient itself", () => {
  const p = param([0]);
  // grads 1, 2, -1; momentum 0.9, lr 0.1
  // buf = 1                  p = -0.1
  // buf = 0.9*1 + 2 = 2.9    p = -0.1 - 0.29 = -0.39
  // buf = 0.9*2.9 - 1 = 1.61 p = -0.39 - 0.161 = -0.551
  close(run(new optim.SGD([p], { lr: 0.1, momentum: 0.9 }), p, [[1], [2], [-1]]), [[-0.1], [-0.39], [-0.551]]);
});

test("SGD without weight decay leaves an infinite parameter infinite (no 0 * inf in the update), as PyTorch", () => {
  const p = param([Infinity, 1]);
  const sgd = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  run(sgd, p, [[1, 1], [1, 1]]);
  // PyTorch 2.13: tensor([inf, 0.7100]), momentum buffer [1.9, 1.9]
  assert.is(p.data[0], Infinity);
  close([[p.data[1]!]], [[0.71]]);
  close([[...sgd.momentumBuffers.get(p)!]], [[1.9, 1.9]]);
});

test("SGD dampening scales later gradients only (no dampening on the first step)", () => {
  const p = param([0]);
  // momentum 0.9, dampening 0.5, lr 0.1; grads 1, 2, -1
  // buf = 1 (not 0.5!)                 p = -0.1
  // buf = 0.9*1 + 0.5*2 = 1.9          p = -0.29
  // buf = 0.9*1.9 + 0.5*(-1) = 1.21    p = -0.411
  close(run(new optim.SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 }), p, [[1], [2], [-1]]), [[-0.1], [-0.29], [-0.411]]);
});

test("SGD nesterov: step along g + momentum * buf", () => {
  const p = param([0]);
  // momentum 0.9, lr 0.1; grads 1, 2, -1
  // buf = 1;    g = 1 + 0.9*1 = 1.9       p = -0.19
  // buf = 2.9;  g = 2 + 0.9*2.9 = 4.61    p = -0.19 - 0.461 = -0.651
  // buf = 1.61; g = -1 + 0.9*1.61 = 0.449 p = -0.651 - 0.0449 = -0.6959
  close(run(new optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), p, [[1], [2], [-1]]), [[-0.19], [-0.651], [-0.6959]]);
});

test("SGD weight decay adds weightDecay * p to the gradient (p before the step)", () => {
  const p = param([2]);
  // g = 0.5 + 0.1*2 = 0.7        p = 2 - 0.07 = 1.93
  // g = 0.5 + 0.1*1.93 = 0.693   p = 1.93 - 0.0693 = 1.8607
  close(run(new optim.SGD([p], { lr: 0.1, weightDecay: 0.1 }), p, [[0.5], [0.5]]), [[1.93], [1.8607]]);
});

test("SGD weight decay enters the momentum buffer too", () => {
  const p = param([1]);
  // momentum 0.5, weightDecay 0.1, lr 0.1, grad 1 both steps
  // g = 1.1;  buf = 1.1                       p = 1 - 0.11 = 0.89
  // g = 1 + 0.089 = 1.089; buf = 0.55 + 1.089 = 1.639   p = 0.89 - 0.1639 = 0.7261
  close(run(new optim.SGD([p], { lr: 0.1, momentum: 0.5, weightDecay: 0.1 }), p, [[1], [1]]), [[0.89], [0.7261]]);
});

test("SGD skips a parameter whose grad is null, and its momentum buffer starts when a grad arrives", () => {
  const a = param([1]);
  const b = param([1]);
  const opt = new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 });
  a.grad = torch.tensor([1]);
  opt.step();
  assert.equal([...b.data], [1]);
  b.grad = torch.tensor([1]);
  a.grad = torch.tensor([1]);
  opt.step();
  close([[...a.data], [...b.data]], [[1 - 0.1 - 0.19], [1 - 0.1]]); // b's buffer starts at its grad
});

test("a training step through backward: the parameter stays a leaf, nothing is recorded", () => {
  const w = param([3]);
  const opt = new optim.SGD([w], { lr: 0.25 });
  const loss = w.mul(w).sum(); // d/dw w^2 = 2w = 6
  loss.backward();
  opt.step();
  close([[...w.data]], [[3 - 0.25 * 6]]);
  assert.ok(w.isLeaf);
  assert.ok(w.requiresGrad);
  assert.is(w.gradFn, null);
});

test("zeroGrad sets null as PyTorch 2; setToNone: false leaves zeros and keeps null where there was no gradient", () => {
  const net = new nn.Linear(3, 2);
  const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
  net(torch.ones(4, 3)).sum().backward();
  const extra = param([1]);
  const opt2 = new optim.SGD([extra], { lr: 0.1 });
  opt.zeroGrad({ setToNone: false });
  opt2.zeroGrad({ setToNone: false });
  for (const p of net.parameters()) {
    assert.ok(p.grad !== null);
    assert.equal([...p.grad!.data], new Array(p.numel()).fill(0));
    assert.equal(p.grad!.shape, p.shape);
  }
  assert.is(extra.grad, null);
  opt.zeroGrad();
  for (const p of net.parameters()) assert.is(p.grad, null);
});

// ---- state dicts: stop and resume to the same numbers ----

function resumeCheck(make: (params: torch.Tensor[]) => optim.Optimizer, label: string): void {
  const data = () => { torch.manualSeed(7); return Array.from({ length: 6 }, () => [torch.randn(4, 3), torch.randn(4, 2)] as const); };
  const net = () => { torch.manualSeed(1); return new nn.Linear(3, 2); };
  const train = (model: nn.Linear, opt: optim.Optimizer, batches: (readonly [torch.Tensor, torch.Tensor])[]) => {
    for (const [x, y] of batches) {
      opt.zeroGrad();
      model(x).sub(y).pow(2).mean().backward();
      opt.step();
    }
  };
  const batches = data();
  const straight = net(), straightOpt = make(straight.parameters());
  train(straight, straightOpt, batches);

  const first = net(), firstOpt = make(first.parameters());
  train(first, firstOpt, batches.slice(0, 3));
  // a module's state dict shares its tensors (as PyTorch's): clone to keep; the optimizer's is a copy
  const modelState = new Map([...first.stateDict()].map(([k, v]) => [k, v.clone()] as const)), optState = firstOpt.stateDict();
  train(first, firstOpt, batches.slice(3, 4)); // later steps leave the optimizer's saved state alone
  const resumed = net(), resumedOpt = make(resumed.parameters());
  resumed.loadStateDict(modelState);
  resumedOpt.loadStateDict(optState);
  train(resumed, resumedOpt, batches.slice(3));
  assert.equal([...resumed.weight.data], [...straight.weight.data], `${label}: weight after resuming`);
  assert.equal([...resumed.bias!.data], [...straight.bias!.data], `${label}: bias after resuming`);
}

test("SGD with momentum and Adam stop and resume to the same bits through stateDict / loadStateDict", () => {
  resumeCheck((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 }), "SGD");
  resumeCheck((ps) => new optim.Adam(ps, { lr: 0.01 }), "Adam");
});

test("optimizer state dicts are shaped as PyTorch's, and a mismatched one changes nothing", () => {
  const model = new nn.Linear(3, 2);
  const sgd = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  assert.equal(sgd.stateDict().paramGroups, [{ lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0, 1] }]);
  assert.is(sgd.stateDict().state.size, 0, "no state before the first step");
  model(torch.ones(1, 3)).sum().backward();
  sgd.step();
  const dict = sgd.stateDict();
  assert.equal([...dict.state.keys()], [0, 1]);
  const buffer = dict.state.get(0)!.momentum_buffer as torch.Tensor;
  assert.equal([...buffer.shape], [2, 3]);
  assert.equal([...buffer.data], [...model.weight.grad!.data], "after one step the buffer is the gradient");
  const adam = new optim.Adam(model.parameters(), { lr: 0.01 });
  adam.step();
  assert.equal(Object.keys(adam.stateDict().state.get(1)!), ["step", "exp_avg", "exp_avg_sq"]);
  assert.equal(adam.stateDict().paramGroups[0], { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, params: [0, 1] });

  const other = new optim.SGD(new nn.Linear(3, 2).parameters().slice(0, 1), { lr: 0.5 });
  assert.throws(() => other.loadStateDict(dict), /doesn't match the size of optimizer's group/);
  assert.is(other.lr, 0.5, "nothing changed");
  const wrongShape = { ...dict, state: new Map([[0, { momentum_buffer: torch.zeros(5) }]]) };
  const fresh = new optim.SGD(new nn.Linear(3, 2).parameters(), { lr: 0.5 });
  assert.throws(() => fresh.loadStateDict(wrongShape), /loaded "momentum_buffer" for parameter 0 has shape \[5\], the parameter \[2, 3\]/);
  assert.is(fresh.lr, 0.5, "nothing changed");
});

test("validation messages as PyTorch", () => {
  const ps = [param([1])];
  assert.throws(() => new optim.SGD(ps, { lr: -1 }), /Invalid learning rate: -1/);
  assert.throws(() => new optim.SGD(ps, { lr: 0.1, momentum: -0.5 }), /Invalid momentum value: -0.5/);
  assert.throws(() => new optim.SGD(ps, { lr: 0.1, weightDecay: -1 }), /Invalid weight_decay value: -1/);
  assert.throws(() => new optim.SGD(ps, { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.throws(() => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /Nesterov momentum requires/);
  assert.throws(() => new optim.SGD([], { lr: 0.1 }), /optimizer got an empty parameter list/);
  assert.throws(() => new optim.Adam(ps, { lr: -0.1 }), /Invalid learning rate: -0.1/);
  assert.throws(() => new optim.Adam(ps, { eps: -1 }), /Invalid epsilon value: -1/);
  assert.throws(() => new optim.Adam(ps, { betas: [1, 0.999] }), /Invalid beta parameter at index 0: 1/);
  assert.throws(() => new optim.Adam(ps, { betas: [0.9, -0.1] }), /Invalid beta parameter at index 1: -0.1/);
  // accepts a generator (any iterable), as PyTorch accepts model.parameters()
  const gen = (function* () { yield param([1]); })();
  assert.is(new optim.SGD(gen, { lr: 0.1 }).params.length, 1);
});

test("Adam: the first two steps against the closed form with bias correction", () => {
  const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 0.01];
  const g1 = [0.5, -2, 1e-3];
  const g2 = [-0.25, 3, 1e-3];
  const p0 = [1, 1, 1];
  // Step 1: m = (1-b1) g1, v = (1-b2) g1^2; corrected m/(1-b1) = g1, v/(1-b2) = g1^2,
  // so p1 = p0 - lr * g1 / (|g1| + eps): almost exactly lr against the gradient's sign.
  const p1 = p0.map((p, i) => p - (lr * g1[i]!) / (Math.abs(g1[i]!) + eps));
  // Step 2: m = b1 (1-b1) g1 + (1-b1) g2, v = b2 (1-b2) g1^2 + (1-b2) g2^2, corrected by 1 - b^2.
  const p2 = p1.map((p, i) => {
    const m = (b1 * (1 - b1) * g1[i]! + (1 - b1) * g2[i]!) / (1 - b1 ** 2);
    const v = (b2 * (1 - b2) * g1[i]! ** 2 + (1 - b2) * g2[i]! ** 2) / (1 - b2 ** 2);
    return p - (lr * m) / (Math.sqrt(v) + eps);
  });
  const p = param(p0);
  close(run(new optim.Adam([p], { lr }), p, [g1, g2]), [p1, p2], 1e-6);
});

test("Adam without weight decay leaves an infinite parameter infinite, as PyTorch", () => {
  const p = param([Infinity, 1]);
  run(new optim.Adam([p], { lr: 0.1 }), p, [[1, 1], [1, 1]]);
  // PyTorch 2.13: [inf, 0.800000011920929]
  assert.is(p.data[0], Infinity);
  close([[p.data[1]!]], [[0.8]]);
});

test("Adam defaults (lr 1e-3) and weight decay folded into the gradient", () => {
  const p = param([2]);
  // g = 1 + 0.5*2 = 2: the first step moves by lr * g / (|g| + eps), about 1e-3
  const opt = new optim.Adam([p], { weightDecay: 0.5 });
  assert.equal([opt.lr, ...opt.paramGroups[0]!.betas, opt.paramGroups[0]!.eps], [1e-3, 0.9, 0.999, 1e-8]);
  close(run(opt, p, [[1]]), [[2 - (1e-3 * 2) / (2 + 1e-8)]]);
});

test("SGD without options uses PyTorch 2's lr of 0.001; a parameter listed twice is refused", () => {
  const p = torch.tensor([1], { requiresGrad: true });
  const sgd = new optim.SGD([p]);
  assert.is(sgd.lr, 0.001);
  p.grad = torch.tensor([10]);
  sgd.step();
  assert.is(p.item(), Math.fround(1 - 0.001 * 10));
  assert.throws(() => new optim.SGD([p, p], { lr: 0.1 }), /optimizer got parameter 1 twice \(it is also parameter 0\)/);
  assert.throws(() => new optim.SGD([torch.zeros(1, { dtype: torch.int64 })]), /can only optimize floating point Tensors, but parameter 0 is torch\.int64/);
});

test.run();
