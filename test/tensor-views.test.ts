// Views and in-place writes against a plain model of strided memory: a flat array, a version count,
// and for each view its shape, strides and offset worked out here independently. The same random
// chain of view ops and writes, applied to ours and to the model, must leave the same memory, the
// same version count and the same values in every view.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";

interface ModelView { shape: number[]; strides: number[]; offset: number }

const rowMajor = (shape: number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

function gather(mem: number[], v: ModelView): number[] {
  const out: number[] = [];
  const walk = (d: number, at: number): void => {
    if (d === v.shape.length) return void out.push(mem[at]!);
    for (let i = 0; i < v.shape[d]!; i++) walk(d + 1, at + i * v.strides[d]!);
  };
  walk(0, v.offset);
  return out;
}
function positions(v: ModelView): number[] {
  const out: number[] = [];
  const walk = (d: number, at: number): void => {
    if (d === v.shape.length) return void out.push(at);
    for (let i = 0; i < v.shape[d]!; i++) walk(d + 1, at + i * v.strides[d]!);
  };
  walk(0, v.offset);
  return out;
}

type Step =
  | { kind: "transpose"; a: number; b: number }
  | { kind: "slice"; dim: number; start: number; end: number; step: number }
  | { kind: "select"; dim: number; index: number }
  | { kind: "unsqueeze"; dim: number }
  | { kind: "expand"; size: number }
  | { kind: "fill"; value: number }
  | { kind: "add"; value: number }
  | { kind: "mul"; value: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("transpose" as const), a: fc.nat(3), b: fc.nat(3) }),
  fc.record({ kind: fc.constant("slice" as const), dim: fc.nat(3), start: fc.nat(3), end: fc.nat(5), step: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("select" as const), dim: fc.nat(3), index: fc.nat(3) }),
  fc.record({ kind: fc.constant("unsqueeze" as const), dim: fc.nat(3) }),
  fc.record({ kind: fc.constant("expand" as const), size: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("fill" as const), value: fc.integer({ min: -9, max: 9 }) }),
  fc.record({ kind: fc.constant("add" as const), value: fc.integer({ min: -9, max: 9 }) }),
  fc.record({ kind: fc.constant("mul" as const), value: fc.integer({ min: -3, max: 3 }) }),
);

/** Applies one step to ours and to the model; returns false when the step does not apply here. */
function apply(step: Step, t: torch.Tensor, v: ModelView, mem: number[], version: { n: number }): [torch.Tensor, ModelView] | null {
  const rank = v.shape.length;
  switch (step.kind) {
    case "transpose": {
      if (rank < 2) return null;
      const a = step.a % rank, b = step.b % rank;
      const perm = v.shape.map((_, i) => (i === a ? b : i === b ? a : i));
      return [t.transpose(a, b), { shape: perm.map((p) => v.shape[p]!), strides: perm.map((p) => v.strides[p]!), offset: v.offset }];
    }
    case "slice": {
      if (rank < 1) return null;
      const d = step.dim % rank, size = v.shape[d]!;
      const start = Math.min(step.start, size), end = Math.max(start, Math.min(step.end, size));
      const n = Math.ceil((end - start) / step.step);
      const ranges = v.shape.map((_, i) => (i === d ? [start, end, step.step] as const : null));
      return [t.slice(...ranges), {
        shape: v.shape.map((s, i) => (i === d ? n : s)),
        strides: v.strides.map((s, i) => (i === d ? s * step.step : s)),
        offset: v.offset + (n > 0 ? start * v.strides[d]! : start * v.strides[d]!),
      }];
    }
    case "select": {
      if (rank < 1) return null;
      const d = step.dim % rank;
      if (v.shape[d] === 0) return null;
      const i = step.index % v.shape[d]!;
      return [t.select(d, i), {
        shape: v.shape.filter((_, j) => j !== d), strides: v.strides.filter((_, j) => j !== d), offset: v.offset + i * v.strides[d]!,
      }];
    }
    case "unsqueeze": {
      if (rank >= 4) return null;
      const d = step.dim % (rank + 1);
      const stride = d < rank ? v.shape[d]! * v.strides[d]! : 1;
      return [t.unsqueeze(d), { shape: [...v.shape.slice(0, d), 1, ...v.shape.slice(d)], strides: [...v.strides.slice(0, d), stride, ...v.strides.slice(d)], offset: v.offset }];
    }
    case "expand": {
      const d = v.shape.indexOf(1);
      if (d < 0) return null;
      const shape = v.shape.map((s, i) => (i === d ? step.size : s));
      return [t.expand(shape), { shape, strides: v.strides.map((s, i) => (i === d && step.size !== 1 ? 0 : s)), offset: v.offset }];
    }
    default: {
      const at = positions(v);
      const shared = at.length > 0 && v.shape.some((size, d) => size > 1 && v.strides[d] === 0);
      const write = () => {
        if (step.kind === "fill") t.fill_(step.value);
        else if (step.kind === "add") t.add_(step.value);
        else t.mul_(step.value);
      };
      if (shared) {
        assert.throws(write, /more than one element of the written-to tensor refers to a single memory location/);
        return [t, v];
      }
      write();
      for (const p of at) mem[p] = step.kind === "fill" ? step.value : step.kind === "add" ? mem[p]! + step.value : mem[p]! * step.value;
      version.n++;
      return [t, v];
    }
  }
}

test("random chains of views and in-place writes match a model of strided memory", () => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
    fc.array(stepArb, { minLength: 1, maxLength: 8 }),
    (shape, steps) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const mem = Array.from({ length: n }, (_, i) => i + 1);
      const base = torch.tensor(mem, { dtype: torch.float64 }).reshape(shape);
      const version = { n: base._version };
      let t = base, v: ModelView = { shape, strides: rowMajor(shape), offset: 0 };
      for (const step of steps) {
        const next = apply(step, t, v, mem, version);
        if (!next) continue;
        [t, v] = next;
        assert.equal([...t.shape], v.shape);
        assert.equal(t.stride(), v.strides);
        assert.is(t.storageOffset(), v.offset);
        assert.equal([...t.data], gather(mem, v), "the view's values");
        assert.equal([...base.data], mem, "the base's memory");
        assert.is(base._version, version.n, "one version count, shared");
        assert.is(t._version, version.n);
      }
    },
  ), { numRuns: 400 });
});

test("a view sees writes to its base, and the base sees writes through the view", () => {
  const x = torch.tensor([[0, 1, 2], [3, 4, 5]]);
  const v = x.t();
  x.add_(1);
  assert.equal(v.tolist(), [[1, 4], [2, 5], [3, 6]]);
  x.transpose(0, 1).mul_(2);
  assert.equal(x.tolist(), [[2, 4, 6], [8, 10, 12]]);
  x.slice(null, [1, 3]).fill_(0);
  assert.equal(x.tolist(), [[2, 0, 0], [8, 0, 0]]);
  assert.is(v._version, 3);
  assert.ok(v._base === x && x.slice([0, 1])._base === x && v.t()._base === x, "a view of a view has the same base");
});

test("view follows PyTorch's stride rule; reshape copies only where view cannot", () => {
  const x = torch.arange(12, undefined, 1, { dtype: torch.float32 }).reshape(3, 4);
  assert.throws(() => x.t().view(-1), /view size is not compatible with input tensor's size and stride/);
  const r = x.t().reshape(-1);
  assert.is(r._base, null);
  assert.equal(r.tolist(), [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  const s = x.t().reshape(2, 2, 3); // PyTorch: a view, strides (2, 1, 4)
  assert.equal(s.stride(), [2, 1, 4]);
  assert.ok(s._base !== null);
  assert.equal(x.unsqueeze(1).view(3, 2, 2).stride(), [4, 2, 1]);
  assert.equal(x.t().unsqueeze(0).stride(), [4, 1, 4]);
  assert.equal(x.slice(null, [0, 4, 2]).stride(), [4, 2]);
  assert.ok(!x.slice(null, [0, 4, 2]).isContiguous() && x.slice([1]).isContiguous());
  assert.is(x.contiguous(), x, "contiguous() of a contiguous tensor is the tensor itself");
  assert.equal(x.diagonal(1).stride(), [5]);
  assert.is(x.diagonal(1).storageOffset(), 1);
  assert.is(x.diagonal(-1).storageOffset(), 4);
  assert.equal(torch.ones(1, 3).expand(4, 3).stride(), [0, 1]);
  assert.equal(x.t().clone().stride(), [1, 4], "clone keeps a dense layout (preserve_format)");
  assert.equal(x.asStrided([2, 2], [1, 4], 1).tolist(), [[1, 5], [2, 6]]);
  assert.equal(x.narrow(1, 1, 2).tolist(), [[1, 2], [5, 6], [9, 10]]);
  assert.throws(() => x.narrow(1, 3, 2), /start \(3\) \+ length \(2\) exceeds dimension size \(4\)/);
  assert.equal([...x.unflatten(1, [2, -1]).shape], [3, 2, 2]);
});

test("writes PyTorch refuses: overlapping memory, and a write into an expanded tensor", () => {
  const a = torch.arange(10, undefined, 1, { dtype: torch.float32 });
  assert.throws(() => a.slice([1]).copy_(a.slice([null, -1])), /some elements of the input tensor and the written-to tensor refer to a single memory location/);
  assert.equal(a.tolist(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "nothing written");
  assert.throws(() => torch.ones(3).expand(2, 3).add_(1), /more than one element of the written-to tensor refers to a single memory location/);
  a.add_(a); // the same elements: allowed, as in PyTorch
  assert.is(a.get(9).item(), 18);
});

test("a saved tensor changed through a view is caught at backward", () => {
  const w = torch.randn(2, 3, { requiresGrad: true });
  const y = w.mul(2);
  const z = y.exp(); // saves its output
  z.transpose(0, 1).detach().mul_(2); // changed through a detached transposed view of the same memory
  assert.throws(() => z.sum().backward(), /modified by an inplace operation/);
});

test.run();
