// `npm run bench`: one table comparing the "js" and "wasm" kernel backends on the same data, in
// one process. Every number is the median of several timed runs after warm-up runs.
//
// To add rows (e.g. training throughput in images/s for the MLP and the CNN), write a section
// function like gemmSection() that calls compare(...) and add it to `sections` at the bottom;
// compare() times both backends and appends one row to `rows`, which printTable() renders.
import { jsBackend } from "../src/kernels/js/index.ts";
import { createWasmBackend } from "../src/kernels/wasm/index.ts";
import type { Conv2dGeometry, KernelBackend } from "../src/kernels/types.ts";

export interface Timing { medianMs: number; runs: number }

/** Median wall time of fn() in ms: `warmup` untimed calls, then at least `minRuns` timed calls and
 *  at least `minMs` of timed calls (capped at `maxRuns`). */
export function bench(fn: () => void, { warmup = 2, minRuns = 5, maxRuns = 200, minMs = 300 } = {}): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  let total = 0;
  while (times.length < maxRuns && (times.length < minRuns || total < minMs)) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    times.push(dt);
    total += dt;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs, runs: times.length };
}

/** One line of the table: the same workload on both backends. `work` is what one call does, in
 *  `unit`'s numerator (floating-point operations for GFLOP/s, images for images/s). */
export interface Row { name: string; unit: "GFLOP/s" | "images/s"; work: number; js: Timing; wasm: Timing }
export const rows: Row[] = [];

export type Backends = { js: KernelBackend; wasm: KernelBackend };

/** Time `run` with each backend and append a row. */
export function compare(name: string, unit: Row["unit"], work: number, run: (k: KernelBackend) => void,
  backends: Backends, options?: Parameters<typeof bench>[1]): Row {
  const row: Row = { name, unit, work, js: bench(() => run(backends.js), options), wasm: bench(() => run(backends.wasm), options) };
  rows.push(row);
  return row;
}

function rate(row: Row, t: Timing): string {
  const perSecond = row.work / (t.medianMs / 1000);
  return row.unit === "GFLOP/s" ? `${(perSecond / 1e9).toFixed(2)} GFLOP/s` : `${perSecond.toFixed(0)} images/s`;
}
const ms = (t: Timing) => (t.medianMs < 10 ? t.medianMs.toFixed(3) : t.medianMs.toFixed(1)) + " ms";

export function printTable(list: Row[] = rows): void {
  const header = ["benchmark", "js", "js rate", "wasm", "wasm rate", "speed-up"];
  const body = list.map((r) => [r.name, ms(r.js), rate(r, r.js), ms(r.wasm), rate(r, r.wasm), `${(r.js.medianMs / r.wasm.medianMs).toFixed(1)}x`]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  console.log(line(header));
  console.log("|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 1) + "-" : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const b of body) console.log(line(b));
}

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

// ---- GEMM: square n×n·n×n, plain A·B ---------------------------------------------------------
export function gemmSection(backends: Backends): void {
  for (const n of [128, 256, 512, 1024]) {
    const a = random(n * n, 1), b = random(n * n, 2), c = new Float32Array(n * n);
    // The js kernel at n = 1024 takes seconds per call: fewer runs there.
    const options = n >= 1024 ? { warmup: 1, minRuns: 3, minMs: 0 } : undefined;
    compare(`gemm n=${n}`, "GFLOP/s", 2 * n ** 3, (k) => k.gemm(false, false, n, n, n, a, b, c, false), backends, options);
  }
}

// ---- The chapter-8 MNIST CNN's convolutions at batch 20 ---------------------------------------
function layer(name: string, inC: number, size: number, outC: number): { name: string; g: Conv2dGeometry } {
  return {
    name,
    g: {
      batch: 20, inChannels: inC, inHeight: size, inWidth: size, outChannels: outC, kernelHeight: 5, kernelWidth: 5,
      strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outHeight: size - 4, outWidth: size - 4,
    },
  };
}
export function convSection(backends: Backends): void {
  for (const { name, g } of [layer("conv1 1->6 5x5 28x28", 1, 28, 6), layer("conv2 6->16 5x5 12x12", 6, 12, 16)]) {
    const input = random(g.batch * g.inChannels * g.inHeight * g.inWidth, 3);
    const weight = random(g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth, 4);
    const bias = random(g.outChannels, 5);
    const outSize = g.batch * g.outChannels * g.outHeight * g.outWidth;
    const out = new Float32Array(outSize), gradOut = random(outSize, 6);
    const gradInput = new Float32Array(input.length), gradWeight = new Float32Array(weight.length);
    // Every kernel does one multiply-add per (output pixel, tap): 2·batch·OC·OH·OW·IC·KH·KW flops.
    const flops = 2 * outSize * g.inChannels * g.kernelHeight * g.kernelWidth;
    compare(`${name} forward`, "GFLOP/s", flops, (k) => k.conv2d(input, weight, bias, out, g), backends);
    compare(`${name} grad input`, "GFLOP/s", flops, (k) => k.conv2dBackwardInput(gradOut, weight, gradInput, g), backends);
    compare(`${name} grad weight`, "GFLOP/s", flops, (k) => k.conv2dBackwardWeight(input, gradOut, gradWeight, g), backends);
  }
}

// ---- Training throughput (images/s, MLP and CNN): to be added as another section ------------

export const sections: ((backends: Backends) => void)[] = [gemmSection, convSection];

if (import.meta.url === `file://${process.argv[1]}`) {
  const wasm = createWasmBackend();
  if (!wasm) throw new Error("bench: this runtime lacks WebAssembly SIMD, so there is no wasm backend to compare");
  const backends: Backends = { js: jsBackend, wasm };
  for (const section of sections) section(backends);
  console.log(`medians after warm-up; Node ${process.version}; ${new Date().toISOString()}`);
  printTable();
}
