import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { createWasmBackend } from "../src/kernels/wasm/index.ts";

const wasm = createWasmBackend();

// float64 reference: op(a)·op(b), plus the sum of |products| that bounds the float32 rounding error.
function reference(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array) {
  const c = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0, t = 0;
      for (let p = 0; p < k; p++) {
        const x = (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
        s += x;
        t += Math.abs(x);
      }
      c[i * n + j] = s;
      mag[i * n + j] = t;
    }
  return { c, mag };
}

// Tolerance: the kernel rounds each product and each of the (k - 1) + 1 additions to float32, in
// some order; the classic bound is |error| <= gamma_(k+1) * sum|a_ip * b_pj| with gamma_j ~ j * 2^-24.
// We allow 2x that, plus a few ulps of the old C when accumulating.
const U = 2 ** -24;
function check(got: Float32Array, want: Float64Array, mag: Float64Array, k: number, c0: Float32Array | null, label: string): void {
  for (let i = 0; i < want.length; i++) {
    const expected = want[i]! + (c0 ? c0[i]! : 0);
    const tol = 2 * (k + 2) * U * (mag[i]! + (c0 ? Math.abs(c0[i]!) : 0)) + 1e-30;
    assert.ok(Math.abs(got[i]! - expected) <= tol, `${label}: c[${i}] = ${got[i]}, expected ${expected} (tol ${tol})`);
  }
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** A Float32Array of n values that is a view at a nonzero offset into a bigger buffer. */
function offsetView(n: number, rnd: () => number, shift: number): Float32Array {
  const buffer = new Float32Array(n + shift + 3).map(() => 1e30); // poison around the view
  const view = buffer.subarray(shift, shift + n);
  for (let i = 0; i < n; i++) view[i] = rnd();
  return view;
}

function run(m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean, seed: number, shift = 0): void {
  const rnd = rng(seed);
  const a = offsetView(m * k, rnd, shift), b = offsetView(k * n, rnd, shift + 1);
  const c0 = offsetView(m * n, rnd, shift + 2);
  const c = c0.slice();
  wasm!.gemm(transA, transB, m, n, k, a, b, c, accumulate);
  const { c: want, mag } = reference(transA, transB, m, n, k, a, b);
  check(c, want, mag, k, accumulate ? c0 : null, `m=${m} n=${n} k=${k} tA=${transA} tB=${transB} acc=${accumulate}`);
}

test("the wasm backend loads on this runtime (Node 20 has Wasm SIMD)", () => {
  assert.ok(wasm);
  assert.is(wasm!.name, "wasm");
});

test("wasm gemm matches float64 on random small shapes, every transpose, accumulate, offset views", () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 21 }), fc.integer({ min: 1, max: 21 }), fc.integer({ min: 1, max: 21 }),
    fc.boolean(), fc.boolean(), fc.boolean(), fc.integer(), fc.integer({ min: 0, max: 5 }),
    (m, n, k, transA, transB, accumulate, seed, shift) => run(m, n, k, transA, transB, accumulate, seed, shift),
  ), { numRuns: 300 });
});

test("wasm gemm: sizes 1, primes and non-multiples of 4/8 across the cache blocks (MC=128, KC=256)", () => {
  const shapes = [
    [1, 1, 1], [1, 7, 1], [7, 1, 1], [1, 1, 300], [2, 3, 5], [4, 8, 1], [5, 9, 13], [13, 17, 19],
    [31, 37, 41], [129, 9, 3], [3, 131, 7], [7, 5, 257], [131, 67, 263], [64, 64, 64],
  ];
  let seed = 1;
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) for (const transB of [false, true]) {
      run(m!, n!, k!, transA, transB, false, seed++, 1);
      run(m!, n!, k!, transA, transB, true, seed++, 2);
    }
  }
});

test("wasm gemm: k = 0 zeroes C (or leaves it when accumulating); m or n = 0 is a no-op", () => {
  const c = new Float32Array([1, 2, 3, 4]);
  wasm!.gemm(false, false, 2, 2, 0, new Float32Array(0), new Float32Array(0), c, true);
  assert.equal([...c], [1, 2, 3, 4]);
  wasm!.gemm(false, false, 2, 2, 0, new Float32Array(0), new Float32Array(0), c, false);
  assert.equal([...c], [0, 0, 0, 0]);
  wasm!.gemm(false, false, 0, 2, 3, new Float32Array(0), new Float32Array(6), c, false);
});

test("wasm gemm: memory grows for a large product, and smaller calls still work after it", () => {
  run(300, 520, 270, false, true, false, 99);
  run(3, 5, 2, true, false, true, 100);
});

test.run();
