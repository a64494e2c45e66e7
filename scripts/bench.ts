// `npm run bench`: one table comparing the "js" and "wasm" kernel backends on the same data, in
// one process. Every number is the median of several timed runs after warm-up runs.
//
// Sections: GEMM, the chapter-8 CNN's convolutions, and whole training steps (images/s) for the
// chapter-7 MLP and the chapter-8 CNN. A section calls compare(...), which times both backends and
// appends one row to `rows`; printTable() renders them.
import * as torch from "../src/index.ts";
import { nn, optim, data, transforms } from "../src/index.ts";
import { jsBackend } from "../src/kernels/js/index.ts";
import { createWasmBackend } from "../src/kernels/wasm/index.ts";
import { coreCount } from "../src/kernels/wasm/threads.ts";
import type { Conv2dGeometry, KernelBackend } from "../src/kernels/types.ts";
import { MNIST } from "../datasets/mnist.ts";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import { Worker } from "node:worker_threads";
import { assemble } from "../src/kernels/wasm/assembler.ts";
import { MLP, BNCNN, networkSection, printNetworkTable } from "./bench-networks.ts";
import { medianTime as bench, type Timing, type TimingOptions } from "../src/utils/benchmark.ts";

/** One line of the table: the same workload on both backends. `work` is what one call does, in
 *  `unit`'s numerator (floating-point operations for GFLOP/s, images for images/s). */
export interface Row { name: string; unit: "GFLOP/s" | "images/s"; work: number; js: Timing; wasm: Timing }
export const rows: Row[] = [];

export type Backends = { js: KernelBackend; wasm: KernelBackend };

/** Time `run` with each backend and append a row. */
export function compare(name: string, unit: Row["unit"], work: number, run: (k: KernelBackend) => void,
  backends: Backends, options?: TimingOptions): Row {
  const row: Row = { name, unit, work, js: bench(() => run(backends.js), options), wasm: bench(() => run(backends.wasm), options) };
  rows.push(row);
  return row;
}

function rate(row: Pick<Row, "work" | "unit">, t: Timing): string {
  const perSecond = row.work / (t.medianMs / 1000);
  return row.unit === "GFLOP/s" ? `${(perSecond / 1e9).toFixed(2)} GFLOP/s` : `${perSecond.toFixed(0)} images/s`;
}
const ms = (t: Timing) => (t.medianMs < 10 ? t.medianMs.toFixed(3) : t.medianMs.toFixed(1)) + " ms";

export function printTable(list: Row[] = rows): void {
  const header = ["benchmark", "js", "js rate", "wasm", "wasm rate", "speed-up"];
  printMarkdown(header, list.map((r) => [r.name, ms(r.js), rate(r, r.js), ms(r.wasm), rate(r, r.wasm), `${(r.js.medianMs / r.wasm.medianMs).toFixed(1)}x`]));
}

/** A Markdown table, columns padded: the first to the left, the others to the right. */
function printMarkdown(header: string[], body: string[][]): void {
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

// ---- Training throughput: one whole step (forward, loss, backward, SGD step) at batch 20 -------
// The networks, loss and optimiser of chapters 07 and 08, on the first 2000 real MNIST images.
class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5);
  pool = new nn.MaxPool2d(2, { stride: 2 });
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 16, 64);
  fc2 = new nn.Linear(64, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    x = this.pool(nn.functional.relu(this.conv1(x)));
    x = this.pool(this.conv2(x)).reshape(-1, 16 * 16);
    return this.fc2(nn.functional.relu(this.fc1(x)));
  }
}

const BATCH = 20;
let trainingBatches: [torch.Tensor, torch.Tensor][] | null = null;

/** Steps timed as one run: throughput over a stretch of steps, as train_torch.py measures PyTorch's,
 *  so that the time spent collecting garbage and the odd slow step count too. */
const STEPS_PER_RUN = 25;

/** STEPS_PER_RUN training steps of `Net` on the kernels `backend`, on the first 2000 real MNIST
 *  images (loaded once: the rows time the network, not the data pipeline); a fresh network from seed 0. */
function trainingSteps(Net: new () => nn.Module, backend: torch.BackendName): () => void {
  if (!trainingBatches) {
    const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize(0.5, 0.5)]);
    const loader = new data.DataLoader(new MNIST({ train: true, transform, limit: 2000 }), { batchSize: BATCH });
    trainingBatches = [...loader] as [torch.Tensor, torch.Tensor][];
  }
  const batches = trainingBatches;
  torch.manualSeed(0);
  const net = new Net();
  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
  let i = 0;
  return () => {
    torch.setBackend(backend);
    for (let s = 0; s < STEPS_PER_RUN; s++) {
      const [inputs, labels] = batches[i++ % batches.length]!;
      torch.tidy(() => {
        optimizer.zeroGrad();
        criterion(net(inputs), labels).backward();
        optimizer.step();
      });
    }
  };
}

const NETWORKS = [["train MLP 784-64-10, batch 20", MLP], ["train CNN (chapter 8), batch 20", CNN], ["train BN-CNN (padded convs, BatchNorm), batch 20", BNCNN]] as const;
// A warm-up of 3 s: in a fresh process the wasm CNN's rate climbs by about a quarter over its first
// ~1000 steps (the engine's compiler and its garbage collector settling), and a chapter trains for
// thousands of steps. PyTorch's script warms up for 30 steps; its compiled code has nothing to settle.
const TRAINING_TIMING: TimingOptions = { warmup: 2, warmupMs: 3000, minRuns: 7, minMs: 1500, maxRuns: 200 };

export function trainingSection(backends: Backends): void {
  const before = torch.getBackend();
  for (const [name, Net] of NETWORKS) {
    // One network per backend, from the same seed, so both start from the same weights.
    const steppers = (["js", "wasm"] as const).map((backend) => trainingSteps(Net, backend));
    const run = (k: KernelBackend) => steppers[k === backends.js ? 0 : 1]!();
    compare(name, "images/s", BATCH * STEPS_PER_RUN, run, backends, TRAINING_TIMING);
  }
  torch.setBackend(before);
}

export const sections: ((backends: Backends) => void)[] = [gemmSection, convSection, trainingSection];

// ---- Two threads: the wasm backend on one thread and on two, same workloads --------------------
export interface ThreadRow { name: string; work: number; unit: Row["unit"]; one: Timing; two: Timing }
const speedUp = (row: Pick<ThreadRow, "one" | "two">) => row.one.medianMs / row.two.medianMs;

export function twoThreadSection(wasm: KernelBackend): ThreadRow[] {
  const out: ThreadRow[] = [];
  const before = torch.getNumThreads();
  const timed = (threads: number, run: () => void, options?: TimingOptions) => {
    torch.setNumThreads(threads);
    return bench(run, options);
  };
  const both = (name: string, unit: Row["unit"], work: number, run: () => void, options?: TimingOptions) => {
    out.push({ name, unit, work, one: timed(1, run, options), two: timed(2, run, options) });
  };
  // GEMM in turns (one thread, two threads, one, two, ...), so that a slow spell of a shared
  // machine falls on both; the row shows the round whose speed-up is the median of 7.
  const inTurns = (name: string, n: number, run: () => void) => {
    const rounds = Array.from({ length: 7 }, () => ({ one: timed(1, run, { minMs: 150 }), two: timed(2, run, { minMs: 150 }) }));
    rounds.sort((x, y) => speedUp(x) - speedUp(y));
    out.push({ name, unit: "GFLOP/s", work: 2 * n ** 3, ...rounds[rounds.length >> 1]! });
  };
  for (const n of [512, 1024]) {
    const a = random(n * n, 1), b = random(n * n, 2), c = new Float32Array(n * n);
    inTurns(`gemm n=${n}`, n, () => wasm.gemm(false, false, n, n, n, a, b, c, false));
  }
  // The same product with its operands already in the kernels' memory, as a Linear layer's weight
  // and its gradient are (arena.ts): no copies in or out, so this row is the kernels' own scaling.
  const n = 512, [a, b, c] = [1, 2, 3].map((seed) => {
    const x = wasm.residentArray?.(n * n) ?? null;
    if (!x) return null;
    x.set(random(n * n, seed));
    return x;
  });
  if (a && b && c) inTurns(`gemm n=${n}, operands resident`, n, () => wasm.gemm(false, false, n, n, n, a, b, c, false));
  const backendBefore = torch.getBackend();
  for (const [name, Net] of NETWORKS) both(name, "images/s", BATCH * STEPS_PER_RUN, trainingSteps(Net, "wasm"), TRAINING_TIMING);
  torch.setBackend(backendBefore);
  torch.setNumThreads(before);
  return out;
}

export function printThreadTable(list: ThreadRow[]): void {
  const header = ["wasm backend", "1 thread", "2 threads", "speed-up"];
  printMarkdown(header, list.map((row) => [row.name, rate(row, row.one), rate(row, row.two), `${speedUp(row).toFixed(2)}x`]));
}

/** Microseconds per MB for this thread to overwrite memory that another thread has just read, and
 *  memory only this thread has touched. The two-thread GEMM's calling thread copies the operands
 *  over lines the worker read in the previous call, so the first figure is what its copy costs.
 *  It depends on where the machine's cores sit: on a virtual machine whose two CPUs the host moves
 *  about, it has been seen near the second figure and at 3.5 times it within the same hour. */
export async function crossCoreWriteCost(): Promise<{ afterOtherRead: number; local: number }> {
  const BYTES = 3 * 1024 * 1024 / 2, ROUNDS = 60;
  const shared = new SharedArrayBuffer(64 + 2 * BYTES);
  const flag = new Int32Array(shared, 0, 1);
  const region = (i: number) => new Float32Array(shared, 64 + i * BYTES, BYTES / 4);
  // The worker reads region 0 (one float per 64-byte line) each time the flag says 1, then says 2.
  const worker = new Worker(`
    const { workerData: shared } = require("node:worker_threads");
    const flag = new Int32Array(shared, 0, 1), sum = new Float64Array(shared, 8, 1);
    const lines = new Float32Array(shared, 64, ${BYTES / 4});
    for (;;) {
      Atomics.wait(flag, 0, 0);
      let s = 0;
      for (let i = 0; i < lines.length; i += 16) s += lines[i];
      sum[0] = s;
      Atomics.store(flag, 0, 2);
      Atomics.notify(flag, 0);
      Atomics.wait(flag, 0, 2);
    }`, { eval: true, workerData: shared });
  const source = random(BYTES / 4, 7);
  const afterOtherRead: number[] = [], local: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    Atomics.wait(flag, 0, 1);
    Atomics.store(flag, 0, 0);
    Atomics.notify(flag, 0);
    let t = performance.now();
    region(0).set(source);
    afterOtherRead.push(performance.now() - t);
    region(1).set(source); // lines this thread wrote last
    t = performance.now();
    region(1).set(source);
    local.push(performance.now() - t);
  }
  await worker.terminate();
  const perMB = (ms: number[]) => (ms.sort((x, y) => x - y)[ms.length >> 1]! * 1000) / (BYTES / 2 ** 20);
  return { afterOtherRead: perMB(afterOtherRead), local: perMB(local) };
}

/** GFLOP/s of scripts/peak.wat: register-only f32x4 multiply + add on 12 accumulators, the ceiling
 *  of Wasm SIMD on this machine, to read the GEMM rows against. With `fused`, the same loop with
 *  each multiply and add fused into f32x4.relaxed_madd: the ceiling of the relaxed-SIMD kernel. */
export function peakGflops(fused = false): number {
  const text = readFileSync(new URL("./peak.wat", import.meta.url), "utf8");
  const source = fused ? text.replaceAll("f32x4.mul  local.get $c  f32x4.add", "local.get $c  f32x4.relaxed_madd") : text;
  const module = new WebAssembly.Module(assemble(source, fused ? "peak.wat (fused)" : "peak.wat"));
  const { peak } = new WebAssembly.Instance(module).exports as unknown as { peak(iters: number): number };
  const ITERS = 2_000_000; // 96 flops each
  const t = bench(() => peak(ITERS), { warmup: 2, minRuns: 5, minMs: 300 });
  return (ITERS * 96) / (t.medianMs / 1000) / 1e9;
}

/** GEMM n = 512 against the ceiling, timed in turns (ceiling, GEMM, ceiling, GEMM, ...) so that a
 *  slow spell of a shared machine falls on both: the median over the rounds of GEMM / ceiling. */
export function gemmShareOfCeiling(wasm: KernelBackend, fused: boolean, rounds = 5): { share: number; peak: number; gemm: number } {
  const n = 512;
  const a = random(n * n, 1), b = random(n * n, 2), c = new Float32Array(n * n);
  const results: { share: number; peak: number; gemm: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const peak = peakGflops(fused);
    const t = bench(() => wasm.gemm(false, false, n, n, n, a, b, c, false), { warmup: 2, minRuns: 5, minMs: 300 });
    const gemm = (2 * n ** 3) / (t.medianMs / 1000) / 1e9;
    results.push({ share: gemm / peak, peak, gemm });
  }
  results.sort((x, y) => x.share - y.share);
  return results[Math.floor(rounds / 2)]!;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const wasm = createWasmBackend();
  if (!wasm) throw new Error("bench: this runtime lacks WebAssembly SIMD, so there is no wasm backend to compare");
  const backends: Backends = { js: jsBackend, wasm };
  const flag = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] ?? null : null; };
  const python = flag("--torch");
  const script = flag("--torch-script") ?? fileURLToPath(new URL("../../shared/anchors/pytorch/train_nets.py", import.meta.url));
  const cpu = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} vCPUs`;
  if (process.argv.includes("--networks")) {
    // Only the networks table (about 4 minutes with PyTorch's figures; --rounds N: medians of N tables).
    const table = printNetworkTable(networkSection(python, script, undefined, Number(flag("--rounds") ?? 1)));
    console.log(`training throughput, images/s; ${cpu}; Node ${process.version}; ${new Date().toISOString()}`);
    table.forEach((l) => console.log(l));
    process.exit(0);
  }
  const names = ["GEMM", "convolutions", "training steps"];
  // The main table is at one thread, the setting PyTorch is compared at; the second table adds one.
  torch.setNumThreads(1);
  sections.forEach((section, i) => {
    console.error(`bench: ${names[i]}...`); // progress, on stderr so the table stays clean
    section(backends);
  });
  let threadRows: ThreadRow[] = [];
  if (coreCount() >= 2) {
    console.error("bench: two threads...");
    threadRows = twoThreadSection(wasm);
  }
  console.error("bench: the SIMD ceiling, in turns with GEMM n=512...");
  const fused = wasm.gemmKernel === "relaxed-simd";
  const ceiling = gemmShareOfCeiling(wasm, fused);
  console.log(`medians after warm-up; one thread; GEMM micro-kernel: ${wasm.gemmKernel}; ${cpus()[0]?.model ?? "unknown CPU"}; ` +
    `Node ${process.version}; ${new Date().toISOString()}`.replace(cpus()[0]?.model ?? "unknown CPU", cpu));
  printTable();
  console.log(`Wasm SIMD ceiling (register-only f32x4 ${fused ? "relaxed_madd" : "mul+add"}, 12 accumulators), timed in turns with ` +
    `wasm gemm n=512, median of 5 rounds: ${ceiling.peak.toFixed(1)} GFLOP/s and ${ceiling.gemm.toFixed(1)} GFLOP/s, ` +
    `${(ceiling.share * 100).toFixed(0)} % of the ceiling`);
  if (threadRows.length > 0) {
    console.log("");
    printThreadTable(threadRows);
    const write = await crossCoreWriteCost();
    console.log(`\nOverwriting memory the other thread has just read: ${write.afterOtherRead.toFixed(0)} µs per MB; ` +
      `memory only this thread touched: ${write.local.toFixed(0)} µs per MB (the two-thread GEMM's copy in pays the first)`);
  }
  console.error("bench: the networks table...");
  const table = printNetworkTable(networkSection(python, script));
  console.log(`\ntraining throughput of train_nets.py's networks, images/s${python ? ", PyTorch run just before ours" : " (PyTorch's columns: npm run bench -- --torch <python with torch>)"}`);
  table.forEach((l) => console.log(l));
}
