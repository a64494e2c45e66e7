// The optimiser's SIMD update against the plain loop: SGD with momentum after its first step. Both
// round as PyTorch's CPU kernels do (momentum * buf as one float32 product, each `x + a * y` as one
// fused multiply-add rounded once to float32), so they agree bit for bit with each other and with
// that formula.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { jsBackend } from "../src/kernels/js/index.ts";
import { createWasmBackend, setMemoryBudget } from "../src/kernels/wasm/index.ts";
import { nn, optim } from "../src/index.ts";
import * as torch from "../src/index.ts";

const wasm = createWasmBackend()!;
const f = Math.fround;
const values = fc.array(fc.float({ min: -1000, max: 1000, noNaN: true }), { minLength: 0, maxLength: 45 });
const hyper = fc.record({
  lr: fc.float({ min: Math.fround(1e-4), max: 1, noNaN: true }),
  momentum: fc.float({ min: 0, max: Math.fround(0.99), noNaN: true }),
  dampening: fc.constantFrom(0, 0.1, 0.5),
});

function run(kernel: typeof jsBackend, w0: number[], g: number[], b0: number[], lr: number, momentum: number, keep: number) {
  const w = Float32Array.from(w0), buf = Float32Array.from(b0);
  kernel.sgdMomentum(w, Float32Array.from(g), buf, lr, momentum, keep);
  return { w, buf };
}

/** PyTorch's float32 update, one element: the reference both backends must meet bit for bit. */
function expected(w0: number, g: number, b0: number, lr: number, momentum: number, keep: number): [number, number] {
  const b = f(f(b0 * f(momentum)) + f(keep) * g);
  return [f(w0 + f(-lr) * b), b];
}

test("sgdMomentum: wasm and the plain loop are PyTorch's float32 formula, bit for bit", () => {
  fc.assert(fc.property(values, hyper, (xs, { lr, momentum, dampening }) => {
    const n = xs.length;
    const w0 = xs, g = xs.map((x, i) => f(x * 0.37 - i)), b0 = xs.map((x, i) => f(i % 3 === 0 ? -x : x / 7));
    const keep = 1 - dampening;
    const s = run(wasm, w0, g, b0, lr, momentum, keep);
    const r = run(jsBackend, w0, g, b0, lr, momentum, keep);
    for (let i = 0; i < n; i++) {
      const [w, b] = expected(w0[i]!, g[i]!, b0[i]!, lr, momentum, keep);
      if (!Object.is(s.buf[i], b) || !Object.is(s.w[i], w) || !Object.is(r.buf[i], b) || !Object.is(r.w[i], w)) return false;
    }
    return true;
  }), { numRuns: 300 });
});

test("sgdMomentum in pieces under a small memory budget, and an infinite weight stays infinite", () => {
  const old = setMemoryBudget(48_000);
  try {
    const n = 10_007;
    const w0 = Array.from({ length: n }, (_, i) => f(Math.sin(i))), g = w0.map((x) => f(x * 2)), b0 = w0.map((x) => f(-x));
    w0[5] = Infinity;
    const s = run(wasm, w0, g, b0, 0.01, 0.9, 1);
    for (let i = 0; i < n; i++) {
      const [w, b] = expected(w0[i]!, g[i]!, b0[i]!, 0.01, 0.9, 1);
      assert.ok(Object.is(s.buf[i], b) && Object.is(s.w[i], w), `element ${i}`);
    }
    assert.is(s.w[5], Infinity);
  } finally {
    setMemoryBudget(old);
  }
});

test("optim.SGD with momentum trains the same on both backends, to float32 rounding", () => {
  const losses: Record<string, number[]> = {};
  for (const backend of ["js", "wasm"] as const) {
    torch.setBackend(backend);
    torch.manualSeed(3);
    const model = new nn.Sequential(new nn.Linear(5, 7), new nn.ReLU(), new nn.Linear(7, 2));
    const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, dampening: 0.1 });
    const x = torch.randn(16, 5), y = torch.randn(16, 2);
    losses[backend] = [];
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      const loss = nn.functional.mseLoss(model(x), y);
      loss.backward();
      opt.step();
      losses[backend]!.push(loss.item());
    }
  }
  torch.setBackend("wasm");
  losses.js!.forEach((l, i) => assert.ok(Math.abs(l - losses.wasm![i]!) <= 1e-5 * Math.abs(l), `step ${i}: ${l} vs ${losses.wasm![i]}`));
  assert.ok(losses.wasm!.at(-1)! < losses.wasm![0]!, "the loss came down");
});

test("optim.SGD on the wasm kernels gives PyTorch 2.13's bits (momentum 0.9, dampening 0.1, three steps)", () => {
  // torch.optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.1), w.grad set by hand before each step
  const before = torch.getBackend();
  torch.setBackend("wasm");
  try {
    const w = new nn.Parameter(torch.tensor([0.5, -1.25, 3.0, 1e-3, 7.5]));
    const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9, dampening: 0.1 });
    for (const g of [[0.3, -0.7, 1.1, 2.0, -0.05], [0.2, 0.9, -1.3, 0.01, 0.4], [1, 1, 1, 1, 1]]) {
      w.grad = torch.tensor(g);
      opt.step();
    }
    assert.equal([...w.data], [0.2944999933242798, -1.3041999340057373, 2.834199905395508, -0.6327099800109863, 7.35515022277832]);
    assert.equal([...opt.momentumBuffers.get(w)!], [1.3049999475479126, 1.0619999170303345, 0.7380000352859497, 2.52810001373291, 1.1834999322891235]);
  } finally {
    torch.setBackend(before);
  }
});

test.run();
