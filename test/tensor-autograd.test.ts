// Every differentiable tensor op: autograd against central finite differences on random shapes
// (broadcasting included). Tolerances are gradcheck's float32 defaults: eps 1e-3 makes the
// truncation error O(eps^2) negligible while float32 rounding of the loss (~1e-7 relative) divided
// by 2*eps stays near 1e-4 relative, so atol 1e-3 + rtol 1e-2 leaves a margin but catches any
// wrong formula (those are off by O(1)).
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { broadcastPairArb, shapeArb, tensorArb } from "./arbitraries.ts";

const runs = { numRuns: 40 };

function distinct(values: ArrayLike<number>, gap: number): boolean {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted.every((v, i) => i === 0 || v - sorted[i - 1]! > gap);
}

type Unary = [name: string, fn: (x: torch.Tensor) => torch.Tensor, lo: number, hi: number, gap: number];
const unaryOps: Unary[] = [
  ["neg", (x) => x.neg(), -2, 2, 0],
  ["exp", (x) => x.exp(), -2, 2, 0],
  ["log", (x) => x.log(), 0.5, 3, 0],
  ["sqrt", (x) => x.sqrt(), 0.5, 3, 0],
  ["abs", (x) => x.abs(), -2, 2, 0.05], // kink at 0
  ["sigmoid", (x) => x.sigmoid(), -3, 3, 0],
  ["tanh", (x) => x.tanh(), -2, 2, 0],
  ["relu", (x) => x.relu(), -2, 2, 0.05], // kink at 0
  ["pow 3", (x) => x.pow(3), -2, 2, 0],
  ["pow 0.5", (x) => x.pow(0.5), 0.5, 3, 0],
  ["mul by number", (x) => x.mul(-1.5), -2, 2, 0],
  ["add number", (x) => x.add(2), -2, 2, 0],
  ["rsub", (x) => torch.sub(x, 1).neg(), -2, 2, 0],
  ["div by number", (x) => x.div(4), -2, 2, 0],
  ["sum", (x) => x.sum(), -2, 2, 0],
  ["mean", (x) => x.mean(), -2, 2, 0],
  ["sum dim -1 keepdim", (x) => (x.dim() ? x.sum(-1, true) : x.sum()), -2, 2, 0],
  ["mean dim 0", (x) => (x.dim() ? x.mean(0) : x.mean()), -2, 2, 0],
  ["max dim 0", (x) => (x.dim() ? x.max(0)[0] : x.max()), -2, 2, 0],
  ["max of all", (x) => x.max(), -2, 2, 0],
  ["min of all", (x) => x.min(), -2, 2, 0],
  ["reshape -1", (x) => x.reshape(-1).mul(x.reshape(-1)), -2, 2, 0],
  ["unsqueeze/squeeze", (x) => x.unsqueeze(0).mul(2).squeeze(0), -2, 2, 0],
  ["flatten", (x) => x.flatten().pow(2), -2, 2, 0],
  ["clone", (x) => x.clone().mul(3), -2, 2, 0],
  ["double", (x) => x.double().mul(3), -2, 2, 0],
  // through float32 and back: the float32 rounding in between needs a coarser step than float64's
  ["float", (x) => x.float().mul(3).double(), -2, 2, 0],
];

for (const [name, fn, lo, hi, gap] of unaryOps) {
  test(`gradcheck: ${name}`, () => {
    fc.assert(fc.property(shapeArb().chain((s) => tensorArb(s, lo, hi, gap)), (x) => {
      // max is not differentiable where two values tie (or nearly: closer than the differencing step)
      if (name.startsWith("max") || name.startsWith("min")) fc.pre(distinct(x.data, 0.01));
      return torch.gradcheck(fn, [x], name === "float" ? { eps: 1e-2, atol: 1e-4 } : {});
    }), runs);
  });
}

type Binary = [name: string, fn: (a: torch.Tensor, b: torch.Tensor) => torch.Tensor, blo: number, bhi: number];
const binaryOps: Binary[] = [
  ["add", (a, b) => a.add(b), -2, 2],
  ["sub", (a, b) => a.sub(b), -2, 2],
  ["mul", (a, b) => a.mul(b), -2, 2],
  ["div", (a, b) => a.div(b), 0.5, 2],
  ["pow (tensor exponent)", (a, b) => b.pow(a), 0.5, 2],
];
for (const [name, fn, blo, bhi] of binaryOps) {
  test(`gradcheck: ${name} with broadcasting`, () => {
    fc.assert(fc.property(
      broadcastPairArb.chain(([sa, sb]) => fc.tuple(tensorArb(sa, -1.5, 1.5), tensorArb(sb, blo, bhi))),
      ([a, b]) => torch.gradcheck(fn, [a, b])), runs);
  });
}

test("gradcheck: permute, transpose, T, slice, get, cat, stack, expand", () => {
  fc.assert(fc.property(
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })).chain(([a, b, c]) =>
      fc.tuple(tensorArb([a, b, c]), tensorArb([a, b, c]))),
    ([x, y]) => {
      torch.gradcheck((t) => t.permute(2, 0, 1).mul(t.permute(2, 0, 1)), [x]);
      torch.gradcheck((t) => t.transpose(0, 2).exp(), [x]);
      torch.gradcheck((t) => t.get(0).T.pow(2), [x]);
      torch.gradcheck((t) => t.slice([0, 1], [null, null], [-1]).mul(2), [x]);
      torch.gradcheck((t) => t.get(-1, 0).sigmoid(), [x]);
      torch.gradcheck((a, b) => torch.cat([a, b], 1).pow(2), [x, y]);
      torch.gradcheck((a, b) => torch.stack([a, b], 2).pow(2), [x, y]);
      torch.gradcheck((t) => t.slice(null, [0, 1]).expand(-1, 3, -1).pow(2), [x]);
      return true;
    }), { numRuns: 25 });
});

test("gradcheck: matmul in every rank combination, and linear", () => {
  fc.assert(fc.property(
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })).chain(
      ([m, k, n, b]) => fc.tuple(tensorArb([m, k]), tensorArb([k, n]), tensorArb([k]), tensorArb([b, m, k]), tensorArb([n]), tensorArb([n, k]))),
    ([A, B, v, batched, bias, W]) => {
      torch.gradcheck((a, b) => a.matmul(b), [A, B]);
      torch.gradcheck((a, x) => a.matmul(x), [A, v]);
      torch.gradcheck((x, b) => x.matmul(b), [v, B]);
      torch.gradcheck((x, y) => x.matmul(y), [v, v.detach().clone().requiresGrad_()]);
      torch.gradcheck((a, b) => a.matmul(b), [batched, B]);
      torch.gradcheck((x, w, c) => torch.linear(x, w, c), [A, W, bias]);
      torch.gradcheck((x, w) => torch.linear(x, w), [batched, W]);
      return true;
    }), { numRuns: 25 });
});

test("gradients of a broadcast operand are summed back to its shape", () => {
  const a = torch.ones(2, 3, { requiresGrad: true });
  const b = torch.tensor([1, 2, 3], { requiresGrad: true });
  a.mul(b).sum().backward();
  assert.equal(b.grad!.tolist(), [2, 2, 2]);
  assert.equal(a.grad!.tolist(), [[1, 2, 3], [1, 2, 3]]);
});

test("gradients accumulate across backward calls and where a tensor is used twice", () => {
  const x = torch.tensor([3], { requiresGrad: true });
  x.mul(x).sum().backward(); // d(x^2)/dx = 6
  assert.equal(x.grad!.tolist(), [6]);
  x.mul(2).sum().backward();
  assert.equal(x.grad!.tolist(), [8]);
});

test("a zeroed leaf gradient written in place has the bits of the plain accumulation, and sharing is summed", () => {
  // Linear and conv2d write a parameter's gradient straight into its zeroed .grad when it is their
  // only user. The result must have the same bits as the first backward (grad null: a fresh copy),
  // a weight used three times must still be summed as (g1 + g2) + g3 then added, and the tensor a
  // user holds as .grad must be the one that changes.
  torch.manualSeed(3);
  const lin = new torch.nn.Linear(7, 5);
  const conv = new torch.nn.Conv2d(2, 3, 3);
  const shared = torch.randn([4, 4], { requiresGrad: true });
  const x = torch.randn([6, 7]), img = torch.randn([2, 2, 6, 6]), y = torch.randn([3, 4]);
  const loss = () => {
    const F = torch.nn.functional;
    const s = F.linear(F.linear(F.linear(y, shared), shared), shared).pow(2).sum();
    return lin.forward(x).tanh().sum().add(conv.forward(img).pow(2).mean()).add(s);
  };
  const params = [lin.weight, lin.bias!, conv.weight, conv.bias!, shared];
  loss().backward(); // grads are null: each gradient is copied into fresh storage
  const first = params.map((p) => Array.from(p.grad!.data));
  const held = params.map((p) => p.grad!);
  for (const p of params) p.grad!.zero_();
  loss().backward(); // zeroed: written in place where a node alone feeds the leaf
  params.forEach((p, i) => {
    assert.is(p.grad, held[i], "the same .grad tensor");
    assert.equal(Array.from(p.grad!.data), first[i], `parameter ${i}: same bits`);
  });
  loss().backward(); // no zeroing in between: the second gradient adds onto the first
  params.forEach((p, i) => {
    const twice = first[i]!.map((v) => Math.fround(v + v));
    assert.equal(Array.from(p.grad!.data), twice, `parameter ${i}: accumulated`);
  });
});

test("a gradient is never written in place into memory the node still reads", () => {
  // The weight's .grad is made a view that overlaps the input x. Written in place, the plain GEMM
  // would overwrite rows of x while still reading them; the engine must compute the gradient apart
  // and add it afterwards, which gives the same numbers as a .grad of its own.
  const before = torch.getBackend();
  torch.setBackend("js"); // the plain loops read x as they write (the wasm kernels copy x in first)
  try {
    torch.manualSeed(5);
    const lin = new torch.nn.Linear(7, 7, { bias: false });
    const buf = torch.randn([14, 7]);
    const x = buf.slice([0, 7]);
    lin.weight.grad = buf.slice([4, 11]);
    lin.weight.grad.zero_(); // also zeroes rows 4-6 of x: they share memory
    const want = torch.noGrad(() => x.clone());
    const own = new torch.nn.Linear(7, 7, { bias: false });
    torch.noGrad(() => own.weight.copy_(lin.weight));
    own.forward(want).tanh().sum().backward();
    lin.forward(x).tanh().sum().backward();
    assert.equal(Array.from(lin.weight.grad.data), Array.from(own.weight.grad!.data));
  } finally {
    torch.setBackend(before);
  }
});

test("backward with an explicit gradient; a non-scalar without one is refused", () => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const y = x.mul(2);
  assert.throws(() => y.backward(), /grad can be implicitly created only for scalar outputs/);
  assert.throws(() => y.backward(torch.ones(2)), /Mismatch in shape/);
  y.backward(torch.tensor([0.1, 1, 10]));
  assert.equal(Array.from(x.grad!.data), [Math.fround(0.2), 2, 20]);
  assert.throws(() => torch.tensor([1]).backward(), /does not require grad/);
});

test("gradFn names, nextFunctions and isLeaf follow PyTorch", () => {
  const w = torch.tensor([1.95], { requiresGrad: true });
  const x = torch.tensor([1]);
  const y = w.mul(x);
  assert.is(y.gradFn!.name, "MulBackward0");
  assert.is(w.isLeaf, true);
  assert.is(y.isLeaf, false);
  const loss = y.sub(2).pow(2).mean();
  assert.is(loss.gradFn!.name, "MeanBackward0");
  const [pow] = loss.gradFn!.nextFunctions[0]!;
  assert.is(pow!.name, "PowBackward0");
  const [subFn] = pow!.nextFunctions[0]!;
  assert.is(subFn!.name, "SubBackward0");
  const [mulFn] = subFn!.nextFunctions[0]!;
  const [acc] = mulFn!.nextFunctions[0]!;
  const [none] = mulFn!.nextFunctions[1]!;
  assert.is(acc!.name, "AccumulateGrad");
  assert.is((acc as torch.AccumulateGrad).variable, w);
  assert.is(none, null);
  assert.is(torch.linear(torch.ones(2, 3), torch.ones(4, 3, { requiresGrad: true }), torch.ones(4)).gradFn!.name, "AddmmBackward0");
  assert.is(torch.ones(2, 2, { requiresGrad: true }).matmul(torch.ones(2, 2)).gradFn!.name, "MmBackward0");
  assert.is(torch.ones(2, { requiresGrad: true }).sigmoid().gradFn!.name, "SigmoidBackward0");
  assert.is(torch.ones(2, 2, { requiresGrad: true }).T.gradFn!.name, "PermuteBackward0");
  assert.is(torch.ones(4, { requiresGrad: true }).view(2, 2).gradFn!.name, "ViewBackward0");
});

test("noGrad records nothing and returns the function's value", () => {
  const w = torch.ones(2, { requiresGrad: true });
  const y = torch.noGrad(() => w.mul(3));
  assert.is(y.requiresGrad, false);
  assert.is(y.gradFn, null);
  assert.is(torch.isGradEnabled(), true);
});

test("in-place ops are refused on a leaf requiring grad, allowed in noGrad, and change nothing when refused", () => {
  const w = torch.tensor([1, 2], { requiresGrad: true });
  assert.throws(() => w.add_(1), /leaf Variable that requires grad .* in-place/);
  assert.equal(w.tolist(), [1, 2]);
  torch.noGrad(() => w.sub_(torch.tensor([0.5, 0.5])));
  assert.equal(w.tolist(), [0.5, 1.5]);
  assert.throws(() => torch.noGrad(() => w.add_(torch.ones(3))), /doesn't match the broadcast shape|must match/);
  assert.equal(w.tolist(), [0.5, 1.5]);
  const v = torch.zeros(2, 2);
  v.get(1).copy_(torch.tensor([7, 8])); // get() is a view: writing through it changes v
  assert.equal(v.tolist(), [[0, 0], [7, 8]]);
});

test("requiresGrad is only for float leaves", () => {
  assert.throws(() => torch.tensor([1], { dtype: "int64", requiresGrad: true }), /floating point/);
  const y = torch.ones(1, { requiresGrad: true }).mul(2);
  assert.throws(() => (y.requiresGrad = false), /leaf/);
});

test("gradcheck reports the input and index that disagree", () => {
  const wrong = (x: torch.Tensor) => {
    // an op with a deliberately wrong backward: forward x^2, backward claims 3x
    const out = torch.noGrad(() => x.mul(x));
    out.gradFn = torch.GradFn.of("WrongBackward", [x], (g) => [g.mul(x).mul(3)]);
    return out;
  };
  assert.throws(() => torch.gradcheck(wrong, [torch.tensor([1, 2], { requiresGrad: true })]), /input 0 .* flat index 0/);
});

test.run();
