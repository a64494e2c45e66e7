// dtypes: one storage per dtype, PyTorch's promotion table, casting and wrap-around, printing,
// and the errors PyTorch raises for invalid dtype use. Expected values come from PyTorch 2.13.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { resultType as resultTypeOfOperands, scalarDType, type DType } from "../src/tensor/dtype.ts";

const SHORT: Record<string, DType> = {
  f32: torch.float32, f64: torch.float64, i64: torch.int64, i32: torch.int32, u8: torch.uint8, b: torch.bool,
};

test("each dtype has its storage, its name and PyTorch's aliases", () => {
  const cases: [DType, Function][] = [
    [torch.float32, Float32Array], [torch.float64, Float64Array], [torch.int64, Float64Array],
    [torch.int32, Int32Array], [torch.uint8, Uint8Array], [torch.bool, Uint8Array],
  ];
  for (const [dtype, ArrayType] of cases) {
    const t = torch.zeros(3, { dtype });
    assert.ok(t.data instanceof ArrayType, `${dtype} is stored in ${ArrayType.name}`);
    assert.is(t.dtype, dtype);
    assert.is(torch.zeros(1, { dtype: dtype.name }).dtype, dtype); // the plain string works too
  }
  assert.is(String(torch.float64), "torch.float64");
  assert.is(torch.float, torch.float32);
  assert.is(torch.double, torch.float64);
  assert.is(torch.long, torch.int64);
  assert.is(torch.int, torch.int32);
  assert.throws(() => torch.zeros(1, { dtype: "float16" as never }), /unknown dtype "float16"; expected one of float32, float64/);
});

// PyTorch's torch.result_type for every pair: a tensor with dims, a 0-d tensor ("/0d") and plain numbers.
const COLUMNS = "f32 f64 i64 i32 u8 b f32/0d f64/0d i64/0d i32/0d u8/0d b/0d 2 2.5 true".split(" ");
const PROMOTION: [string, string][] = [
  ["f32", "f32 f64 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32"],
  ["f64", "f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64"],
  ["i64", "f32 f64 i64 i64 i64 i64 f32 f64 i64 i64 i64 i64 i64 f32 i64"],
  ["i32", "f32 f64 i64 i32 i32 i32 f32 f64 i32 i32 i32 i32 i32 f32 i32"],
  ["u8", "f32 f64 i64 i32 u8 u8 f32 f64 u8 u8 u8 u8 u8 f32 u8"],
  ["b", "f32 f64 i64 i32 u8 b f32 f64 i64 i32 u8 b i64 f32 b"],
  ["f32/0d", "f32 f64 f32 f32 f32 f32 f32 f64 f32 f32 f32 f32 f32 f32 f32"],
  ["f64/0d", "f32 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64"],
  ["i64/0d", "f32 f64 i64 i32 u8 i64 f32 f64 i64 i64 i64 i64 i64 f32 i64"],
  ["i32/0d", "f32 f64 i64 i32 u8 i32 f32 f64 i64 i32 i32 i32 i32 f32 i32"],
  ["u8/0d", "f32 f64 i64 i32 u8 u8 f32 f64 i64 i32 u8 u8 u8 f32 u8"],
  ["b/0d", "f32 f64 i64 i32 u8 b f32 f64 i64 i32 u8 b i64 f32 b"],
];

/** A tensor for a column name: "i32" has dims, "i32/0d" is 0-d; plain numbers stay numbers. */
function operand(name: string): torch.Tensor | number {
  if (name === "2" || name === "2.5") return Number(name);
  const [short, zeroDim] = name.split("/");
  return zeroDim ? torch.ones([], { dtype: SHORT[short!]! }) : torch.ones(2, { dtype: SHORT[short!]! });
}

test("promotion: torch.result_type's table for tensors, 0-d tensors and plain numbers", () => {
  for (const [row, results] of PROMOTION) {
    results.split(" ").forEach((expected, j) => {
      const col = COLUMNS[j]!;
      const want = SHORT[expected]!;
      const a = operand(row) as torch.Tensor;
      if (col === "true") {
        // JavaScript booleans are not operands of arithmetic here, but they promote as PyTorch's do
        const got = resultTypeOfOperands([{ dtype: a.dtype, kind: a.dim() ? "tensor" : "zeroDim" }, { dtype: scalarDType(true), kind: "scalar" }]);
        assert.is(got, want, `${row} with true`);
        return;
      }
      const b = operand(col);
      assert.is(torch.resultType(a, b), want, `result_type(${row}, ${col})`);
      if (want !== torch.bool) assert.is(a.add(b).dtype, want, `(${row} + ${col}).dtype`);
    });
  }
});

test("integer arithmetic wraps as PyTorch's does; division is true division", () => {
  const u8 = (xs: number[]) => torch.tensor(xs, { dtype: torch.uint8 });
  const i32 = (xs: number[]) => torch.tensor(xs, { dtype: torch.int32 });
  assert.equal(u8([250]).add(10).tolist(), [4]);
  assert.equal(u8([1]).add(300).tolist(), [45]); // 300 becomes 44 as a uint8 first
  assert.equal(u8([1]).add(-1).tolist(), [0]);
  assert.equal(u8([1]).neg().tolist(), [255]);
  assert.equal(u8([250]).add(torch.tensor([10], { dtype: torch.int64 })).tolist(), [260]); // promoted to int64
  assert.equal(i32([2 ** 31 - 1]).add(1).tolist(), [-(2 ** 31)]);
  assert.equal(i32([2 ** 31 - 1]).mul(i32([2 ** 31 - 1])).tolist(), [1]); // exact low bits, not a rounded double
  assert.equal(u8([3]).div(u8([2])).tolist(), [1.5]);
  assert.is(u8([3]).div(u8([2])).dtype, torch.float32);
  assert.equal(torch.tensor([1, 2], { dtype: torch.int64 }).div(2).tolist(), [0.5, 1]);
  assert.equal(torch.tensor([2, 3], { dtype: torch.int64 }).pow(2).tolist(), [4, 9]);
  assert.equal(torch.tensor([2, 3], { dtype: torch.int64 }).pow(torch.tensor([-1, 2], { dtype: torch.int64 })).tolist(), [0, 9]);
  assert.throws(() => torch.tensor([2, 3], { dtype: torch.int64 }).pow(-1), /Integers to negative integer powers are not allowed\./);
  assert.equal(torch.tensor([true]).add(torch.tensor([true])).tolist(), [true]);
  assert.equal(torch.tensor([true]).mul(2).tolist(), [2]);
  assert.throws(() => torch.tensor([true]).sub(torch.tensor([false])), /Subtraction, the `-` operator, with two bool tensors is not supported/);
  assert.throws(() => torch.tensor([true]).neg(), /Negation, the `-` operator, on a bool tensor is not supported/);
});

test("float functions of integers give float32; float64 stays float64", () => {
  const i = torch.tensor([1, 2], { dtype: torch.int64 });
  assert.is(i.exp().dtype, torch.float32);
  assert.is(torch.tensor([4], { dtype: torch.uint8 }).sqrt().dtype, torch.float32);
  assert.is(i.double().exp().dtype, torch.float64);
  assert.equal(i.double().exp().tolist(), [Math.exp(1), Math.exp(2)]); // double precision, not rounded to float32
  assert.is(torch.tensor([-4], { dtype: torch.int32 }).abs().dtype, torch.int32);
  assert.equal(torch.tensor([-4, 3], { dtype: torch.int64 }).relu().tolist(), [0, 3]);
});

test("conversions: truncation toward zero, wrap-around into uint8, NaN is true", () => {
  assert.equal(torch.tensor([-1.7, 2.5]).int().tolist(), [-1, 2]);
  assert.equal(torch.tensor([-1, 256, 3.7]).byte().tolist(), [255, 0, 3]);
  assert.equal(torch.tensor([NaN, 0]).bool().tolist(), [true, false]);
  const x = torch.tensor([0.1], { dtype: torch.float64 });
  assert.is(x.item(), 0.1); // exactly the double 0.1
  assert.is(x.float().item(), Math.fround(0.1));
  assert.is(x.to("int64").dtype, torch.int64);
  assert.is(x.to(torch.float64), x); // same dtype: the same tensor
  for (const dtype of [torch.float32, torch.float64, torch.int64, torch.int32, torch.uint8, torch.bool]) {
    const t = torch.tensor([0, 1, 5], { dtype });
    const back = t.double().to(dtype);
    assert.equal(back.tolist(), t.tolist(), `${dtype} -> float64 -> ${dtype}`);
  }
});

test("creation checks values an integer dtype cannot hold", () => {
  assert.throws(() => torch.tensor([NaN], { dtype: torch.int64 }), /value cannot be converted to type int64 without overflow/);
  assert.throws(() => torch.tensor([Infinity], { dtype: torch.int32 }), /value cannot be converted to type int32 without overflow/);
  assert.throws(() => torch.tensor([2 ** 31], { dtype: torch.int32 }), /int32 without overflow/);
  assert.throws(() => torch.tensor([300], { dtype: torch.uint8 }), /uint8 without overflow/);
  assert.equal(torch.tensor([-1], { dtype: torch.uint8 }).tolist(), [255]); // PyTorch accepts and wraps this one
  assert.equal(torch.tensor([1.7, -1.7], { dtype: torch.int64 }).tolist(), [1, -1]);
  assert.equal(torch.tensor([2, 0], { dtype: torch.bool }).tolist(), [true, false]);
  assert.is(torch.tensor([true, false]).dtype, torch.bool);
  assert.is(torch.full([2], true).dtype, torch.bool);
});

test("fromArray takes the dtype from the typed array, without a copy", () => {
  const f64 = Float64Array.of(1.5, 2);
  const t = torch.fromArray(f64, [2]);
  assert.is(t.dtype, torch.float64);
  assert.is(t.data, f64);
  assert.is(torch.fromArray(new Int32Array(2), [2]).dtype, torch.int32);
  assert.is(torch.fromArray(new Uint8Array(2), [2]).dtype, torch.uint8);
  const labels = torch.fromArray(Float32Array.of(0, 2), [2], { dtype: torch.int64 }); // a copy into int64's storage
  assert.is(labels.dtype, torch.int64);
  assert.ok(labels.data instanceof Float64Array);
  assert.throws(() => torch.fromArray([1, 2] as never, [2]), /expected a Float32Array, Float64Array, Int32Array or Uint8Array/);
  assert.throws(() => new torch.Tensor(new Float32Array(2), [2], torch.int64), /a torch.int64 tensor is stored in a Float64Array, got a Float32Array/);
});

test("invalid dtype use raises PyTorch's errors", () => {
  const i = torch.tensor([1, 2], { dtype: torch.int64 });
  assert.throws(() => i.mean(), /mean\(\): could not infer output dtype\. Input dtype must be either a floating point or complex dtype\. Got: Long/);
  assert.throws(() => torch.rand(2, { dtype: torch.int64 }), /"check_uniform_bounds" not implemented for 'Long'/);
  assert.throws(() => torch.randn(2, { dtype: torch.int32 }), /"normal_kernel_cpu" not implemented for 'Int'/);
  assert.throws(() => i.requiresGrad_(), /only Tensors of floating point dtype can require gradients/);
  assert.throws(() => torch.tensor([1], { dtype: torch.int64, requiresGrad: true }), /Only Tensors of floating point and complex dtype can require gradients/);
  assert.throws(() => i.add_(0.5), /result type Float can't be cast to the desired output type Long/);
  assert.throws(() => torch.tensor([true]).add_(1), /result type Long can't be cast to the desired output type Bool/);
  assert.equal(torch.tensor([1, 2], { dtype: torch.uint8 }).mul_(300).tolist(), [44, 88]);
  assert.equal(torch.tensor([1, 2]).add_(torch.tensor([0.5, 0.5], { dtype: torch.float64 })).tolist(), [1.5, 2.5]);
  assert.equal(torch.tensor([1, 2], { dtype: torch.int64 }).fill_(2.7).tolist(), [2, 2]);
  assert.throws(() => torch.ones(2, 2).matmul(torch.ones(2, 2, { dtype: torch.float64 })), /expected m1 and m2 to have the same dtype, but got: float != double/);
  assert.throws(() => torch.ones(2, 2).matmul(torch.ones(2, 2, { dtype: torch.int64 })), /but got: float != long int/);
});

test("integer and float64 matmul, sum, max, argmax, comparisons and indexing keep their dtype", () => {
  const long = { dtype: torch.int64 };
  const m = torch.tensor([[1, 2], [3, 4]], long);
  assert.is(String(m.matmul(torch.tensor([5, 6], long))), "tensor([17, 39])");
  assert.is(String(m.matmul(m)), "tensor([[ 7, 10],\n        [15, 22]])");
  const big = torch.tensor([2 ** 40, 1], long); // beyond float32's 24 bits, exact in int64
  assert.is(big.sum().item(), 2 ** 40 + 1);
  assert.is(String(torch.tensor([200, 200], { dtype: torch.uint8 }).sum()), "tensor(400)");
  assert.is(torch.tensor([1], { dtype: torch.int32 }).sum().dtype, torch.int64);
  const i32 = torch.tensor([1, 5, 3], { dtype: torch.int32 });
  assert.is(String(i32.max()), "tensor(5, dtype=torch.int32)");
  assert.is(String(torch.tensor([1, 5], { dtype: torch.uint8 }).argmax()), "tensor(1)");
  const [values, indices] = torch.tensor([[1, 3], [4, 2]], { dtype: torch.float64 }).max(1);
  assert.is(String(values), "tensor([3., 4.], dtype=torch.float64)");
  assert.is(String(indices), "tensor([1, 0])");
  assert.is(String(i32.gt(2)), "tensor([False,  True,  True])");
  assert.is(String(i32.get(1)), "tensor(5, dtype=torch.int32)");
  assert.is(String(i32.slice([1, 3])), "tensor([5, 3], dtype=torch.int32)");
  const f64 = torch.tensor([[0.1, 0.2], [0.3, 0.4]], { dtype: torch.float64 });
  assert.equal(f64.matmul(f64).tolist(), [[0.1 * 0.1 + 0.2 * 0.3, 0.1 * 0.2 + 0.2 * 0.4], [0.3 * 0.1 + 0.4 * 0.3, 0.3 * 0.2 + 0.4 * 0.4]]);
  assert.is(torch.cat([torch.tensor([1], long), torch.tensor([2.5])]).dtype, torch.float32);
  assert.is(torch.cat([torch.tensor([1], { dtype: torch.float64 }), torch.tensor([2])]).dtype, torch.float64);
});

test("printing names every dtype PyTorch names", () => {
  assert.is(String(torch.tensor([1.5, 5], { dtype: torch.float64 })), "tensor([1.5000, 5.0000], dtype=torch.float64)");
  assert.is(String(torch.tensor([1.5, 5], { dtype: torch.float64, requiresGrad: true })), "tensor([1.5000, 5.0000], dtype=torch.float64, requires_grad=True)");
  assert.is(String(torch.tensor([1, 5], { dtype: torch.uint8 })), "tensor([1, 5], dtype=torch.uint8)");
  assert.is(String(torch.tensor([1, 5], { dtype: torch.int32 })), "tensor([1, 5], dtype=torch.int32)");
  assert.is(String(torch.tensor([1, 5], { dtype: torch.int64 })), "tensor([1, 5])");
  assert.is(String(torch.tensor([true, false])), "tensor([ True, False])");
  assert.is(String(torch.tensor([1e10, 1.5], { dtype: torch.float64 })), "tensor([1.0000e+10, 1.5000e+00], dtype=torch.float64)");
  assert.is(String(torch.tensor(1, { dtype: torch.float64 }).add(0)), "tensor(1., dtype=torch.float64)");
  assert.is(String(torch.zeros(0, { dtype: torch.uint8 })), "tensor([], dtype=torch.uint8)");
});

test.run();
