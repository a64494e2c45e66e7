import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { BAND_ROWS, PARALLEL_MACS, createWasmBackend, getThreads, parallelGemmCalls, setMemoryBudget, setThreads } from "../src/kernels/wasm/index.ts";
import { jsBackend } from "../src/kernels/js/index.ts";
import * as torch from "../src/index.ts";
import type { Conv2dGeometry } from "../src/kernels/types.ts";

const wasm = createWasmBackend()!;

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return out;
}

function sameBits(a: Float32Array, b: Float32Array, label: string): void {
  assert.is(a.length, b.length, label);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) assert.unreachable(`${label}: element ${i} is ${a[i]} on one thread, ${b[i]} on two`);
}

/** Runs `f` with 1 thread and with 2; returns both results and how many calls were split meanwhile. */
function oneAndTwo(f: () => Float32Array): { one: Float32Array; two: Float32Array; splits: number } {
  const old = getThreads();
  try {
    setThreads(1);
    const before = parallelGemmCalls();
    const one = f();
    assert.is(parallelGemmCalls(), before, "one thread never splits");
    setThreads(2);
    const two = f();
    return { one, two, splits: parallelGemmCalls() - before };
  } finally {
    setThreads(old);
  }
}

test("a large GEMM on two threads gives the same bits as on one, for every shape and transpose of B", () => {
  fc.assert(fc.property(
    fc.integer({ min: 8, max: 200 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 }), fc.boolean(), fc.boolean(), fc.integer(),
    (m, n, k, transB, accumulate, seed) => {
      const a = random(m * k, seed), b = random(k * n, seed + 1), c0 = random(m * n, seed + 2);
      const run = () => {
        const c = c0.slice();
        wasm.gemm(false, transB, m, n, k, a, b, c, accumulate);
        return c;
      };
      const { one, two, splits } = oneAndTwo(run);
      sameBits(one, two, `${m}x${k} by ${k}x${n}`);
      const splitWanted = m * n * k >= PARALLEL_MACS && m >= 2 * BAND_ROWS;
      assert.is(splits > 0, splitWanted, `split only large products with bands of ${BAND_ROWS} rows or more (${m}x${n}x${k})`);
    },
  ), { numRuns: 40 });
});

test("a GEMM split over two threads agrees with the plain loops", () => {
  const m = 130, n = 200, k = 170; // over the threshold, rows not a multiple of the band
  const a = random(m * k, 1), b = random(k * n, 2);
  const want = new Float32Array(m * n), got = new Float32Array(m * n);
  jsBackend.gemm(false, false, m, n, k, a, b, want, false);
  const { two, splits } = oneAndTwo(() => {
    got.fill(0);
    wasm.gemm(false, false, m, n, k, a, b, got, false);
    return got.slice();
  });
  assert.ok(splits > 0);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(two[i]! - want[i]!) <= 1e-4, `c[${i}] = ${two[i]}, plain loops ${want[i]}`);
});

test("convolution forward and weight gradient on two threads give the same bits as on one", () => {
  const g: Conv2dGeometry = {
    batch: 8, inChannels: 16, inHeight: 14, inWidth: 14, outChannels: 64, kernelHeight: 3, kernelWidth: 3,
    strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, outHeight: 14, outWidth: 14,
  };
  const input = random(8 * 16 * 14 * 14, 3), weight = random(64 * 16 * 9, 4), bias = random(64, 5);
  const gradOut = random(8 * 64 * 14 * 14, 6);
  const forward = oneAndTwo(() => {
    const out = new Float32Array(8 * 64 * 14 * 14);
    wasm.conv2d(input, weight, bias, out, g);
    return out;
  });
  assert.ok(forward.splits > 0, "the forward GEMM was split");
  sameBits(forward.one, forward.two, "conv2d");
  const gradWeight = oneAndTwo(() => {
    const gw = new Float32Array(weight.length);
    wasm.conv2dBackwardWeight(input, gradOut, gw, g);
    return gw;
  });
  assert.ok(gradWeight.splits > 0, "the weight gradient's GEMM was split");
  sameBits(gradWeight.one, gradWeight.two, "conv2d weight gradient");
});

test("a GEMM cut into blocks by the memory budget gives the bits of the whole product, on one thread and on two", () => {
  let splitRuns = 0;
  fc.assert(fc.property(
    fc.integer({ min: 256, max: 320 }), fc.integer({ min: 256, max: 320 }), fc.integer({ min: 256, max: 320 }), fc.boolean(),
    fc.integer({ min: 900_000, max: 1_500_000 }), fc.integer(),
    (m, n, k, transB, budget, seed) => {
      const a = random(m * k, seed), b = random(k * n, seed + 1);
      const whole = new Float32Array(m * n);
      wasm.gemm(false, transB, m, n, k, a, b, whole, false);
      const old = setMemoryBudget(budget); // too small for the whole product: blocks of rows, of columns, or both
      try {
        const { one, two, splits } = oneAndTwo(() => {
          const c = new Float32Array(m * n);
          wasm.gemm(false, transB, m, n, k, a, b, c, false);
          return c;
        });
        sameBits(whole, one, `${m}x${k} by ${k}x${n} in blocks of a ${budget}-byte budget, one thread`);
        sameBits(one, two, `${m}x${k} by ${k}x${n} in blocks of a ${budget}-byte budget`);
        if (splits > 0) splitRuns++;
      } finally {
        setMemoryBudget(old);
      }
    },
  ), { numRuns: 12 });
  // Blocks too thin to be worth a worker stay on one thread; most of these are split (8-12 of 12 seen).
  assert.ok(splitRuns >= 3, `only ${splitRuns} of 12 blocked products were split over the threads`);
});

test("more threads than the control blocks hold are capped, with the same bits", () => {
  const old = getThreads();
  try {
    const m = 1200, n = 64, k = 64; // bands of 32 rows: room for 37 threads, more than the pool holds
    const a = random(m * k, 11), b = random(k * n, 12);
    setThreads(1);
    const one = new Float32Array(m * n);
    wasm.gemm(false, false, m, n, k, a, b, one, false);
    setThreads(40);
    const many = new Float32Array(m * n);
    wasm.gemm(false, false, m, n, k, a, b, many, false);
    sameBits(one, many, "40 threads asked for");
  } finally {
    setThreads(old);
  }
});

test("setNumThreads takes a whole number of at least one, and getNumThreads reads it back", () => {
  const old = torch.getNumThreads();
  try {
    assert.throws(() => torch.setNumThreads(0), /expected a whole number of threads >= 1, got 0/);
    assert.throws(() => torch.setNumThreads(1.5), /got 1.5/);
    assert.is(torch.getNumThreads(), old, "a refused value changes nothing");
    torch.setNumThreads(1);
    assert.is(torch.getNumThreads(), 1);
  } finally {
    torch.setNumThreads(old);
  }
});

test("a process that used the worker threads exits by itself", () => {
  const script = [
    'import * as torch from "./src/index.ts";',
    "torch.setNumThreads(2);",
    "const a = torch.ones([256, 256]);",
    "console.log(torch.matmul(a, a).sum().item());",
  ].join("\n");
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.is(out.trim(), String(256 * 256 * 256));
});

test.run();
