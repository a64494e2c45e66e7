// Tensor creation, shapes, values of every op family, dtypes, errors and seeding.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { maxAbsDiff, shapeArb, tensorArb } from "./arbitraries.ts";

const f32 = (xs: number[]) => xs.map(Math.fround);

test("creation: shapes given as numbers or one array, dtypes, fromArray shares memory", () => {
  assert.equal([...torch.zeros(2, 3).shape], [2, 3]);
  assert.equal([...torch.ones([2, 3]).shape], [2, 3]);
  assert.is(torch.zeros(2, { dtype: "int64" }).dtype.name, "int64");
  assert.equal(torch.full([2], 7).tolist(), [7, 7]);
  assert.equal(torch.arange(0, 5).tolist(), [0, 1, 2, 3, 4]);
  assert.is(torch.arange(5).dtype.name, "int64");
  assert.equal(torch.arange(0, 1, 0.25).tolist(), [0, 0.25, 0.5, 0.75]);
  assert.is(torch.arange(0, 1, 0.25).dtype.name, "float32");
  assert.is(torch.tensor([true, false]).dtype.name, "bool");
  assert.equal(torch.tensor([[1, 2], [3, 4]]).tolist(), [[1, 2], [3, 4]]);
  assert.is(torch.tensor(3.5).dim(), 0);
  assert.equal(torch.tensor([1.7, -1.7], { dtype: "int64" }).tolist(), [1, -1]);
  const data = new Float32Array(6);
  const t = torch.fromArray(data, [2, 3]);
  data[5] = 9;
  assert.is(t.get(1, 2).item(), 9);
  assert.throws(() => torch.tensor([[1, 2], [3]]), /expected sequence of length 2 at dim 1 \(got 1\)/);
  assert.throws(() => torch.fromArray(new Float32Array(5), [2, 3]), /5 values cannot fill shape \[2, 3\]/);
});

test("Size prints as torch.Size and size(dim) is a number", () => {
  const X = torch.zeros(150, 4);
  assert.is(String(X.shape), "torch.Size([150, 4])");
  assert.is(String(X.size()), "torch.Size([150, 4])");
  assert.is(X.size(1), 4);
  assert.is(X.size(-1), 4);
  assert.is(X.dim(), 2);
  assert.is(X.numel(), 600);
  assert.is(String(torch.tensor(1).shape), "torch.Size([])");
  assert.throws(() => X.size(2), /Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/);
});

test("broadcasting arithmetic and PyTorch's dtype promotion", () => {
  const a = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(a.add(torch.tensor([10, 20, 30])).tolist(), [[11, 22, 33], [14, 25, 36]]);
  assert.equal(a.mul(torch.tensor([[2], [3]])).tolist(), [[2, 4, 6], [12, 15, 18]]);
  assert.equal(a.sub(1).tolist(), [[0, 1, 2], [3, 4, 5]]);
  assert.equal(torch.tensor([1, 4]).div(torch.tensor([2, 8])).tolist(), [0.5, 0.5]);
  assert.equal(torch.tensor([2, 3]).pow(2).tolist(), [4, 9]);
  const i = torch.tensor([1, 2], { dtype: "int64" });
  assert.is(i.add(1).dtype.name, "int64");
  assert.is(i.add(0.5).dtype.name, "float32");
  assert.is(i.div(2).dtype.name, "float32");
  assert.is(i.int().add(1).dtype.name, "int32");
  assert.is(torch.tensor([true]).add(1).dtype.name, "int64");
  assert.throws(() => torch.zeros(2, 3).add(torch.zeros(4)), /size of tensor a \(3\) must match the size of tensor b \(4\).*\[2, 3\] and \[4\]/);
});

test("comparisons give bool tensors; summing bools counts them", () => {
  const p = torch.tensor([0, 1, 2, 1], { dtype: "int64" });
  const t = torch.tensor([0, 1, 1, 1], { dtype: "int64" });
  const hits = p.eq(t);
  assert.is(hits.dtype.name, "bool");
  assert.equal(hits.tolist(), [true, true, false, true]);
  assert.is(hits.sum().item(), 3);
  assert.is(hits.sum().dtype.name, "int64");
  assert.equal(torch.tensor([1, 5]).gt(2).tolist(), [false, true]);
  assert.equal(torch.tensor([1, 5]).lt(torch.tensor([2, 2])).tolist(), [true, false]);
});

test("unary values", () => {
  const x = torch.tensor([-1, 0, 2]);
  assert.equal(x.relu().tolist(), [0, 0, 2]);
  assert.equal(x.abs().tolist(), [1, 0, 2]);
  assert.equal(x.neg().tolist(), [1, -0, -2]);
  assert.ok(maxAbsDiff(x.sigmoid().data, [1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-2))]) < 1e-7);
  assert.ok(maxAbsDiff(x.exp().data, [Math.exp(-1), 1, Math.exp(2)]) < 1e-6);
  assert.ok(maxAbsDiff(torch.tensor([1, 4]).sqrt().data, [1, 2]) === 0);
  assert.ok(maxAbsDiff(torch.tensor([1, Math.E]).log().data, [0, 1]) < 1e-7);
});

test("reductions with dim and keepdim; max returns values and indices; argmax", () => {
  const a = torch.tensor([[1, 5, 3], [4, 2, 6]]);
  assert.is(a.sum().item(), 21);
  assert.equal(a.sum(0).tolist(), [5, 7, 9]);
  assert.equal(a.sum(1, true).tolist(), [[9], [12]]);
  assert.equal(a.sum([0, 1]).tolist(), 21);
  assert.equal(a.mean(1).tolist(), [3, 4]);
  const [values, indices] = torch.max(a, 1);
  assert.equal(values.tolist(), [5, 6]);
  assert.equal(indices.tolist(), [1, 2]);
  assert.is(indices.dtype.name, "int64");
  assert.is(a.max().item(), 6);
  assert.is(a.min().item(), 1);
  assert.is(String(torch.tensor([3, -2.5, 7]).min()), "tensor(-2.5000)");
  assert.is(torch.tensor([2, 5], { dtype: "int64" }).min().dtype.name, "int64");
  assert.throws(() => torch.zeros(0).min(), /min\(\): Expected reduction dim/);
  assert.is(a.argmax().item(), 5);
  assert.equal(a.argmax(0).tolist(), [1, 0, 1]);
  assert.equal(torch.tensor([2, 7, 7]).max(0)[1].tolist(), 1); // first maximum wins
  assert.throws(() => torch.tensor([1], { dtype: "int64" }).mean(), /mean\(\): could not infer output dtype/);
});

test("matmul agrees with a float64 loop (2-D, batched with broadcasting, vector forms)", () => {
  fc.assert(fc.property(
    fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 })).chain(
      ([m, k, n, b]) => fc.tuple(tensorArb([b, m, k], -2, 2, 0, false), tensorArb([k, n], -2, 2, 0, false))),
    ([A, B]) => {
      const C = A.matmul(B);
      const [b, m, k] = [...A.shape] as [number, number, number];
      const n = B.shape[1]!;
      assert.equal([...C.shape], [b, m, n]);
      for (let x = 0; x < b; x++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += A.data[(x * m + i) * k + p]! * B.data[p * n + j]!;
            // k float32 products of magnitude <= 4, summed in float32: error < k * 4 * 2^-23 * 2
            assert.ok(Math.abs(C.data[(x * m + i) * n + j]! - s) <= 1e-6 * 8 * (k + 1));
          }
      return true;
    }), { numRuns: 50 });
  assert.equal(torch.tensor([1, 2, 3]).matmul(torch.tensor([4, 5, 6])).tolist(), 32);
  assert.equal(torch.tensor([[1, 2], [3, 4]]).matmul(torch.tensor([1, 1])).tolist(), [3, 7]);
  assert.equal(torch.tensor([1, 1]).matmul(torch.tensor([[1, 2], [3, 4]])).tolist(), [4, 6]);
});

test("matmul and linear shape errors in PyTorch's words", () => {
  assert.throws(() => torch.zeros(84, 28).matmul(torch.zeros(784, 20)), (e: Error) => e.message === "mat1 and mat2 shapes cannot be multiplied (84x28 and 784x20)");
  assert.throws(() => torch.linear(torch.zeros(84, 28), torch.zeros(20, 784)), (e: Error) => e.message === "mat1 and mat2 shapes cannot be multiplied (84x28 and 784x20)");
});

test("reshape/view with -1, and their errors", () => {
  const x = torch.arange(0, 12);
  assert.equal([...x.view(3, -1).shape], [3, 4]);
  assert.equal([...x.reshape([2, -1, 3]).shape], [2, 2, 3]);
  assert.throws(() => x.view(5, -1), /shape '\[5, -1\]' is invalid for input of size 12/);
  assert.throws(() => x.view(-1, -1), /only one dimension can be inferred/);
  assert.throws(() => x.view(3, 5), /shape '\[3, 5\]' is invalid for input of size 12/);
  const failed = x.shape.length;
  assert.is(failed, 1); // a failed call changes nothing
});

test("reshape and permute round trips on random shapes", () => {
  fc.assert(fc.property(shapeArb(4, 4).chain((s) => fc.tuple(tensorArb(s, -2, 2, 0, false), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }))),
    ([x, order]) => {
      assert.equal(Array.from(x.reshape(-1).reshape(x.shape).data), Array.from(x.data));
      const inverse: number[] = [];
      order.forEach((d, i) => (inverse[d] = i));
      const back = x.permute(order).permute(inverse);
      assert.equal([...back.shape], [...x.shape]);
      assert.equal(Array.from(back.data), Array.from(x.data));
      if (x.dim() >= 2) assert.equal(Array.from(x.transpose(0, -1).transpose(0, -1).data), Array.from(x.data));
      return true;
    }), { numRuns: 100 });
});

test("transpose, T, flatten, unsqueeze, squeeze values", () => {
  const a = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(a.T.tolist(), [[1, 4], [2, 5], [3, 6]]);
  assert.equal(torch.arange(0, 8).reshape(2, 2, 2).transpose(0, 2).tolist(), [[[0, 4], [2, 6]], [[1, 5], [3, 7]]]);
  assert.equal([...torch.zeros(2, 3, 4).flatten(1).shape], [2, 12]);
  assert.equal([...torch.flatten(torch.zeros(2, 3, 4)).shape], [24]); // torch.flatten: all dims by default
  assert.equal([...torch.flatten(torch.zeros(2, 3, 4), 0, 1).shape], [6, 4]);
  assert.equal([...torch.zeros(3).unsqueeze(0).shape], [1, 3]);
  assert.equal([...torch.zeros(3).unsqueeze(-1).shape], [3, 1]);
  assert.equal([...torch.zeros(1, 3, 1).squeeze().shape], [3]);
  assert.equal([...torch.zeros(1, 3, 1).squeeze(0).shape], [3, 1]);
});

test("get and slice follow PyTorch indexing (X[0], X[0][0], X[1:3], X[1:3, 1:3])", () => {
  const X = torch.tensor([[5.1, 3.5, 1.4, 0.2], [4.9, 3.0, 1.4, 0.2], [4.7, 3.2, 1.3, 0.2], [4.6, 3.1, 1.5, 0.2]]);
  assert.equal(X.get(0).tolist(), f32([5.1, 3.5, 1.4, 0.2]));
  assert.equal(X.get(0, 0).tolist(), Math.fround(5.1));
  assert.equal(X.get(-1, -1).tolist(), Math.fround(0.2));
  assert.equal(X.slice([1, 3]).tolist(), [f32([4.9, 3.0, 1.4, 0.2]), f32([4.7, 3.2, 1.3, 0.2])]);
  assert.equal(X.slice([1, 3], [1, 3]).tolist(), [f32([3.0, 1.4]), f32([3.2, 1.3])]);
  assert.equal(X.slice([1, 3]).slice([1, 3]).tolist(), [f32([4.7, 3.2, 1.3, 0.2])]); // X[1:3][1:3]
  assert.equal(X.slice([-2]).shape.length, 2);
  assert.equal(X.slice([0, 4, 2], [3]).tolist(), [[Math.fround(0.2)], [Math.fround(0.2)]]);
  assert.throws(() => X.get(4), /index 4 is out of bounds for dimension 0 with size 4/);
});

test("cat and stack", () => {
  const a = torch.tensor([[1, 2]]), b = torch.tensor([[3, 4]]);
  assert.equal(torch.cat([a, b]).tolist(), [[1, 2], [3, 4]]);
  assert.equal(torch.cat([a, b], 1).tolist(), [[1, 2, 3, 4]]);
  assert.equal(torch.stack([torch.tensor([1, 2]), torch.tensor([3, 4])], 1).tolist(), [[1, 3], [2, 4]]);
  assert.throws(() => torch.cat([a, torch.zeros(1, 3)], 0), /Sizes of tensors must match except in dimension 0/);
});

test("int truncates toward zero, long/float convert, clone copies, detach shares", () => {
  const x = torch.tensor([1.7, -1.7, 0.49]);
  assert.equal(x.int().tolist(), [1, -1, 0]);
  assert.is(x.int().dtype.name, "int32");
  assert.is(x.long().dtype.name, "int64");
  assert.is(x.long().float().dtype.name, "float32");
  const c = x.clone();
  c.data[0] = 100;
  assert.is(x.data[0], Math.fround(1.7));
  const d = x.detach();
  d.data[0] = 100;
  assert.is(x.data[0], 100);
  assert.throws(() => torch.tensor([1, 2]).item(), /a Tensor with 2 elements cannot be converted to Scalar/);
});

test("in-place fill_, zero_, mul_, uniform_, normal_", () => {
  const t = torch.zeros(2, 2);
  t.fill_(3).mul_(2);
  assert.equal(t.tolist(), [[6, 6], [6, 6]]);
  t.zero_();
  assert.equal(t.sum().item(), 0);
  t.uniform_(-0.5, 0.5);
  assert.ok(t.data.every((v) => v >= -0.5 && v < 0.5));
  const n = torch.zeros(10000).normal_(2, 3);
  assert.ok(Math.abs(n.mean().item() - 2) < 0.1);
  assert.ok(Math.abs(n.sub(2).pow(2).mean().sqrt().item() - 3) < 0.1);
});

test("manualSeed makes rand, randn and in-place initialisers repeat", () => {
  torch.manualSeed(42);
  const a = [torch.rand(5).tolist(), torch.randn(3, 2).tolist(), torch.zeros(4).uniform_(-1, 1).tolist()];
  torch.manualSeed(42);
  const b = [torch.rand(5).tolist(), torch.randn(3, 2).tolist(), torch.zeros(4).uniform_(-1, 1).tolist()];
  assert.equal(a, b);
  torch.manualSeed(43);
  assert.not.equal(torch.rand(5).tolist(), a[0]);
  const u = torch.rand(20000);
  assert.ok(Math.abs(u.mean().item() - 0.5) < 0.01);
  assert.ok(u.data.every((v) => v >= 0 && v < 1));
});

test("setBackend validates its argument", () => {
  assert.throws(() => torch.setBackend("gpu" as never), /expected "js" or "wasm", got "gpu"/);
  const before = torch.getBackend();
  torch.setBackend("js");
  assert.is(torch.getBackend(), "js");
  torch.setBackend(before);
});

test("shapes, dims, indices and bounds must be integers; messages name what came", () => {
  assert.throws(() => torch.zeros(-1), /zeros: expected a shape of integers >= 0, got \[-1\]/);
  assert.throws(() => torch.zeros(1.5), /zeros: expected a shape of integers >= 0, got \[1\.5\]/);
  assert.throws(() => torch.ones([2, NaN]), /ones: expected a shape of integers >= 0, got \[2, NaN\]/);
  assert.throws(() => torch.fromArray(new Float32Array(2), [2.5] as never), /fromArray: expected a shape of integers >= 0, got \[2\.5\]/);
  assert.throws(() => new torch.Tensor(new Float32Array(2), [1, 2, -1]), /Tensor: expected a shape of integers >= 0, got \[1, 2, -1\]/);
  assert.throws(() => torch.zeros(6).view(2.5, -1), /view\(\): expected integer sizes or dims, got \[2\.5, -1\]/);
  assert.throws(() => torch.zeros(4).view(-2, 2), /invalid shape dimension -2/);
  assert.throws(() => torch.zeros(2, 3).size(2), /Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/);
  assert.throws(() => torch.zeros(2, 3).size(0.5), /Dimension out of range/);
  assert.throws(() => torch.zeros(4).slice([0.5, 2]), /slice indices must be integers or null, got \[0\.5, 2, undefined\]/);
  assert.throws(() => torch.zeros(4).get(1.5), /index 1\.5 is out of bounds for dimension 0 with size 4/);
  assert.throws(() => torch.cat([torch.tensor(1), torch.tensor(2)]), /zero-dimensional tensor \(at position 0\) cannot be concatenated/);
  // the shape is frozen: a tensor's shape cannot be changed behind its data's back
  const t = torch.zeros(2, 3);
  assert.throws(() => ((t.shape as unknown as number[])[0] = 5));
  assert.equal([...t.shape], [2, 3]);
});

test("expand follows PyTorch's rules: -1 keeps, 1 grows, new dims in front", () => {
  assert.equal([...torch.zeros(1, 3).expand(2, 2, 3).shape], [2, 2, 3]);
  assert.equal([...torch.zeros(2, 1).expand(-1, 4).shape], [2, 4]);
  assert.equal(torch.tensor([[1], [2]]).expand(2, 3).tolist(), [[1, 1, 1], [2, 2, 2]]);
  assert.throws(() => torch.zeros(2, 3).expand(4, 3),
    /The expanded size of the tensor \(4\) must match the existing size \(2\) at non-singleton dimension 0\.  Target sizes: \[4, 3\]\.  Tensor sizes: \[2, 3\]/);
  assert.throws(() => torch.zeros(2, 3).expand(3),
    /expand\(torch\.FloatTensor\{\[2, 3\]\}, size=\[3\]\): the number of sizes provided \(1\) must be greater or equal to the number of dimensions in the tensor \(2\)/);
  assert.throws(() => torch.zeros(3).expand(-1, 3), /The expanded size of the tensor \(-1\) isn't allowed in a leading, non-existing dimension 0/);
  assert.throws(() => torch.zeros(3).expand(2.5, 3), /expand\(\): expected integer sizes or dims/);
});

test.run();
