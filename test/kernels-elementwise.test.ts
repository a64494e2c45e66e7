// The elementwise loops of their own (kernels/js/elementwise.ts) against the readable general loops
// (zipData and mapData with the op as a function), bit for bit on random data and shapes; and the
// engine's summing of view gradients window by window against whole-tensor sums.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { arithmetic, map, type ArithmeticOp, type MapOp } from "../src/kernels/js/elementwise.ts";
import { mapData, zipData } from "../src/tensor/ops/elementwise.ts";

const READABLE: Record<ArithmeticOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y, div: (x, y) => x / y, rsub: (x, y) => y - x, rdiv: (x, y) => y / x,
};
const FUNCTIONS: Record<MapOp, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, sigmoid: (x) => 1 / (1 + Math.exp(-x)), tanh: Math.tanh,
};
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });
const value = fc.oneof(fc.float({ noNaN: false }), fc.constantFrom(0, -0, 1, -1, Infinity, -Infinity));

test("arithmetic: each op's own loop gives the general loop's bits (same shape, one number, trailing dims; float32 and float64)", () => {
  fc.assert(fc.property(shapes, fc.integer({ min: 0, max: 2 }), fc.constantFrom(...(Object.keys(READABLE) as ArithmeticOp[])), fc.boolean(), fc.infiniteStream(value),
    (shape, kind, op, wide, values) => {
      const bShape = kind === 0 ? shape : kind === 1 ? [] : shape.slice(1);
      const n = shape.reduce((x, y) => x * y, 1), m = bShape.reduce((x, y) => x * y, 1);
      const Arr = wide ? Float64Array : Float32Array;
      const it = values[Symbol.iterator]();
      const draw = (count: number) => Array.from({ length: count }, () => it.next().value as number);
      const a = Arr.from(draw(n)), b = Arr.from(draw(m));
      const out = new Arr(n);
      arithmetic(op, a, b, out);
      const dtype = wide ? torch.float64 : torch.float32;
      const [want] = op.startsWith("r") ? zipData(b, bShape, a, shape, READABLE[op === "rsub" ? "sub" : "div"], dtype) : zipData(a, shape, b, bShape, READABLE[op], dtype);
      return same(out, want);
    }), { numRuns: 400 });
});

test("map: each function's own loop gives the general loop's bits", () => {
  fc.assert(fc.property(fc.array(value, { maxLength: 40 }), fc.constantFrom(...(Object.keys(FUNCTIONS) as MapOp[])), fc.boolean(), (xs, op, wide) => {
    const x = (wide ? Float64Array : Float32Array).from(xs);
    const out = new (wide ? Float64Array : Float32Array)(x.length);
    map(op, x, out);
    return same(out, mapData(x, FUNCTIONS[op], wide ? torch.float64 : torch.float32));
  }), { numRuns: 300 });
});

test("tensor arithmetic takes the loops where one operand repeats within the other, and broadcasts the rest as before", () => {
  const a = torch.arange(24).reshape(2, 3, 4).float(), bias = torch.tensor([1, 2, 3, 4]), col = torch.tensor([[1], [2], [3]]);
  assert.equal(a.add(bias).tolist(), torch.tensor(a.tolist() as number[][][]).add(bias.reshape(1, 1, 4)).tolist());
  assert.equal(bias.sub(a).get(1, 2).tolist(), [1 - 20, 2 - 21, 3 - 22, 4 - 23]);
  assert.equal(torch.tensor(2).div(torch.tensor([4, 8])).tolist(), [0.5, 0.25]);
  assert.equal(a.mul(col).get(0).tolist(), [[0, 1, 2, 3], [8, 10, 12, 14], [24, 27, 30, 33]]); // [3, 1]: the general loop
  assert.equal(torch.tensor([1, 2], { dtype: torch.int32 }).add(torch.tensor([3, 4], { dtype: torch.int32 })).dtype, torch.int32);
});

test("gradients of many views of one tensor summed window by window: the whole-tensor sums' values", () => {
  torch.manualSeed(0);
  const x = torch.randn(6, 5, { requiresGrad: true });
  const w = torch.randn(6, 5);
  // each step reads one row (a select), one strided slice and, once, the whole tensor: windows,
  // a non-window gradient in between, and views that overlap
  let total = x.sum().mul(0.5);
  for (let t = 0; t < 6; t++) total = total.add(x.get(t).mul(w.get(t)).sum()).add(x.slice(null, [t % 5, t % 5 + 1]).sum().mul(t));
  total.backward();
  const xs = x.detach(), expected = torch.full([6, 5], 0.5).add(w);
  const columns = torch.zeros(6, 5);
  for (let t = 0; t < 6; t++) columns.slice(null, [t % 5, t % 5 + 1]).add_(t);
  const want = expected.add(columns).tolist() as number[][];
  (x.grad!.tolist() as number[][]).forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) < 1e-5, `[${i}, ${j}]: ${v} against ${want[i]![j]}`)));
  assert.is(xs.shape.length, 2);
});

test("a view's gradient handed on to several nodes is summed into by none of them: PyTorch's gradients in any order", () => {
  // a = b + c hands its gradient (made by the views a.get(0), a.get(1)) to both b and c; b and c
  // gather more gradients of their own, in every order of the terms
  const terms = [(a: torch.Tensor) => a.get(0).sum(), (a: torch.Tensor) => a.get(1).sum().mul(10),
    (_: torch.Tensor, b: torch.Tensor) => b.exp().sum().mul(0).add(b.sum().mul(100)), (_: torch.Tensor, __: torch.Tensor, c: torch.Tensor) => c.get(1).sum().mul(1000)];
  for (const order of [[0, 1, 2, 3], [2, 0, 1, 3], [3, 2, 1, 0], [1, 3, 0, 2]]) {
    const x = torch.tensor([[1, 2], [3, 4]]).requiresGrad_();
    const b = x.mul(2), c = x.mul(3), a = b.add(c);
    order.map((k) => terms[k]!(a, b, c)).reduce((s, t) => s.add(t)).backward();
    assert.equal(x.grad!.tolist(), [[205, 205], [3250, 3250]], `order ${order}`); // PyTorch 2.13's
  }
});

test("random graphs of views, sums and reuse: the engine's gradient sums equal finite differences (fast-check)", () => {
  // Every op here is linear, so a central difference with step 1 is exact in float64: any gradient
  // the engine adds into the wrong sum, or twice, or not at all, shows.
  type Step = { op: number; a: number; b: number; c: number };
  const stepArb = fc.record({ op: fc.integer({ min: 0, max: 3 }), a: fc.nat(), b: fc.nat(), c: fc.integer({ min: -3, max: 3 }) });
  fc.assert(fc.property(fc.array(stepArb, { minLength: 1, maxLength: 10 }), fc.array(fc.integer({ min: -2, max: 5 }), { minLength: 12, maxLength: 12 }), (steps: Step[], weights) => {
    const program = (x: torch.Tensor): torch.Tensor => {
      const pool: torch.Tensor[] = [x];
      for (const { op, a, b, c } of steps) {
        const t = pool[a % pool.length]!, u = pool[b % pool.length]!;
        if (op === 0) pool.push(t.mul(c));
        else if (op === 1 && t.dim() > 0 && t.shape[0]! > 0) pool.push(t.get(b % t.shape[0]!));
        else if (op === 2 && t.dim() === 2) pool.push(t.slice(null, [a % t.shape[1]!, t.shape[1]!]));
        else if (op === 3 && t.shape.join() === u.shape.join()) pool.push(t.add(u));
      }
      return pool.map((t, k) => t.sum().mul(weights[k % weights.length]!)).reduce((s, t) => s.add(t));
    };
    const x = torch.arange(12, { dtype: torch.float64 }).reshape(3, 4).requiresGrad_();
    program(x).backward();
    const base = torch.arange(12, { dtype: torch.float64 });
    const at = (k: number, d: number) => torch.noGrad(() => program(base.add(torch.eye(12, 12, { dtype: torch.float64 }).get(k).mul(d)).reshape(3, 4)).item());
    const want = Array.from({ length: 12 }, (_, k) => (at(k, 1) - at(k, -1)) / 2);
    return (x.grad!.reshape(-1).tolist() as number[]).every((v, k) => Math.abs(v - want[k]!) < 1e-9);
  }), { numRuns: 300 });
});

test.run();
