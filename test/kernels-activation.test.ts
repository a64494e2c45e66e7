// The ReLU kernels: the wasm SIMD pair against the plain loops, bit for bit, on random lengths
// (a multiple of four or not, so the scalar tail runs too) and on the special values.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { jsBackend } from "../src/kernels/js/index.ts";
import { createWasmBackend, setMemoryBudget } from "../src/kernels/wasm/index.ts";
import * as torch from "../src/index.ts";

const wasm = createWasmBackend()!;
const special = [NaN, -0, 0, -Infinity, Infinity, 1e-45, -1e-45, 3.5, -2];

const arrays = fc.array(fc.oneof(fc.float({ noDefaultInfinity: false }), fc.constantFrom(...special)), { maxLength: 67 }).map((xs) => Float32Array.from(xs));

/** Equal as float32 bit patterns, except that any NaN equals any NaN (SIMD max may canonicalise it). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((x, i) => (Number.isNaN(x) ? Number.isNaN(b[i]!) : Object.is(x, b[i]!)));
}

test("relu: wasm and js agree bit for bit, NaN stays NaN, -0 and -Infinity become 0", () => {
  fc.assert(fc.property(arrays, (x) => {
    const a = new Float32Array(x.length), b = new Float32Array(x.length);
    jsBackend.relu(x, a);
    wasm.relu(x, b);
    return sameBits(a, b);
  }), { numRuns: 300 });
  const out = new Float32Array(special.length);
  wasm.relu(Float32Array.from(special), out);
  assert.ok(Number.isNaN(out[0]!));
  assert.equal(Array.from(out.slice(1)), [0, 0, 0, Infinity, Math.fround(1e-45), 0, 3.5, 0]);
  assert.ok(Object.is(out[1], 0), "-0 becomes +0");
});

test("relu and its backward on arrays in the kernels' memory (run where they are, no copies) agree with the plain loops", () => {
  fc.assert(fc.property(arrays, (x) => {
    const inKernels = (values: ArrayLike<number>) => {
      const a = wasm.scopedArray!(Float32Array, values.length, false)!;
      a.set(values);
      return a;
    };
    const a = new Float32Array(x.length), b = inKernels(new Float32Array(x.length).fill(NaN));
    jsBackend.relu(x, a);
    wasm.relu(inKernels(x), b);
    const g = Float32Array.from(x, (_, i) => i - 7.25);
    const da = new Float32Array(x.length), db = inKernels(new Float32Array(x.length).fill(NaN));
    jsBackend.reluBackward(a, g, da);
    wasm.reluBackward(inKernels(a), inKernels(g), db);
    return sameBits(a, b) && sameBits(da, db);
  }), { numRuns: 200 });
});

test("relu backward: the gradient stops where the output is <= 0 and passes elsewhere (NaN too, as PyTorch), on both backends", () => {
  fc.assert(fc.property(arrays, (x) => {
    const out = new Float32Array(x.length);
    jsBackend.relu(x, out);
    const g = Float32Array.from(x, (_, i) => i - 7.25);
    const a = new Float32Array(x.length), b = new Float32Array(x.length);
    jsBackend.reluBackward(out, g, a);
    wasm.reluBackward(out, g, b);
    return sameBits(a, b) && a.every((d, i) => d === (out[i]! <= 0 ? 0 : g[i]!));
  }), { numRuns: 300 });
});

test("relu under a small memory budget works in pieces; the op uses the kernels for float32 only", () => {
  const old = setMemoryBudget(160_000);
  try {
    const x = Float32Array.from({ length: 100_003 }, (_, i) => Math.sin(i));
    const a = new Float32Array(x.length), b = new Float32Array(x.length);
    jsBackend.relu(x, a);
    wasm.relu(x, b);
    assert.ok(sameBits(a, b));
  } finally {
    setMemoryBudget(old);
  }
  assert.equal(torch.relu(torch.tensor([-2, 3], { dtype: torch.int64 })).tolist(), [0, 3]);
  assert.equal((torch.relu(torch.tensor([-2, 3, NaN], { dtype: torch.float64 })).tolist() as number[]).slice(0, 2), [0, 3]);
});

test.run();
