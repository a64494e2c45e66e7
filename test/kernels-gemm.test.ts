import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { jsBackend } from "../src/kernels/js/index.ts";
import * as torch from "../src/index.ts";
import { gemmKernel } from "../src/kernels/index.ts";
import { relaxedSimdAvailable } from "../src/kernels/wasm/relaxed.ts";

// float64 reference: op(a)·op(b) with the same storage conventions as the kernel seam.
function reference(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = s;
    }
  return c;
}

test("js gemm matches a float64 loop for every transpose combination", () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }),
    fc.boolean(), fc.boolean(), fc.boolean(), fc.integer(),
    (m, n, k, transA, transB, accumulate, seed) => {
      let s = seed >>> 0;
      const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
      const a = Float32Array.from({ length: m * k }, rnd);
      const b = Float32Array.from({ length: k * n }, rnd);
      const c0 = Float32Array.from({ length: m * n }, rnd);
      const c = c0.slice();
      jsBackend.gemm(transA, transB, m, n, k, a, b, c, accumulate);
      const want = reference(transA, transB, m, n, k, a, b);
      for (let i = 0; i < m * n; i++) {
        const expected = want[i]! + (accumulate ? c0[i]! : 0);
        // k products of values in [-1, 1], each rounded once to float32: error below k * 2^-23 * 2.
        assert.ok(Math.abs(c[i]! - expected) <= 1e-6 * (k + 2), `c[${i}] = ${c[i]}, expected ${expected}`);
      }
    }));
});

test("setBackend(\"wasm\", { relaxedSimd }) picks the GEMM micro-kernel, and refuses what it cannot do", () => {
  const kernelBefore = gemmKernel();
  try {
    torch.setBackend("wasm", { relaxedSimd: false });
    assert.is(gemmKernel(), "simd");
    assert.is(torch.getBackend(), "wasm");
    const a = torch.randn(40, 30), b = torch.randn(30, 20);
    const plain = a.matmul(b);
    if (relaxedSimdAvailable()) {
      torch.setBackend("wasm", { relaxedSimd: true });
      assert.is(gemmKernel(), "relaxed-simd");
      const fused = a.matmul(b);
      for (let i = 0; i < plain.numel(); i++) assert.ok(Math.abs(plain.data[i]! - fused.data[i]!) <= 1e-5 * (1 + Math.abs(plain.data[i]!)));
    } else {
      assert.throws(() => torch.setBackend("wasm", { relaxedSimd: true }), /does not accept relaxed SIMD/);
      assert.is(gemmKernel(), "simd", "a refused switch leaves the kernel as it was");
    }
    assert.throws(() => torch.setBackend("wasm", { relaxed: false } as never), /unknown option "relaxed"; the option is relaxedSimd/);
    assert.throws(() => torch.setBackend("js", { relaxedSimd: false }), /relaxedSimd is an option of the "wasm" backend/);
    assert.throws(() => torch.setBackend("wasm", { relaxedSimd: "no" } as never), /relaxedSimd must be true or false, got "no"/);
  } finally {
    torch.setBackend("wasm", { relaxedSimd: kernelBefore === "relaxed-simd" });
    torch.setBackend((process.env.TORCHLET_BACKEND as "js" | "wasm" | undefined) ?? "wasm");
  }
});

test.run();
