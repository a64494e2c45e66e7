/** 14 · SIMD kernels: the same matmul and convolution as plain loops and as WebAssembly SIMD */
// Not an article of the series: this chapter opens the box under the MNIST chapters. Every
// matmul and convolution goes through one seam (src/kernels/types.ts) to a backend: "js", plain
// loops a reader can follow (src/kernels/js/), or "wasm", WebAssembly SIMD written by hand as text
// (src/kernels/wasm/*.wat) and turned into bytes by our own assembler (src/kernels/wasm/assembler.ts).
// This chapter shows what a SIMD lane is, why the fast kernel is shaped the way it is, how much
// faster it is, and that both backends compute the same numbers.
//
//   npx tsx chapters/14-simd-kernels.ts              GEMM up to n = 512 (well under a minute)
//   npx tsx chapters/14-simd-kernels.ts --limit 128  GEMM only up to n = 128: a quick look
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";
import { assemble } from "../src/kernels/wasm/assembler.ts";
import { activationWat, gemmWat } from "../src/kernels/wasm/wat.generated.ts";
import { chapter } from "./lib/cells.ts";

const { medianTime } = torch.utils.benchmark;

const ch = chapter("14", "SIMD kernels");
torch.manualSeed(ch.flags.seed);
const F = nn.functional;
const LARGEST = Math.min(ch.flags.limit, 512); // --limit N: the largest GEMM size to time

/** Runs fn with the given backend, then puts the previous one back. */
function using<T>(backend: torch.BackendName, fn: () => T): T {
  const before = torch.getBackend();
  torch.setBackend(backend);
  try {
    return fn();
  } finally {
    torch.setBackend(before);
  }
}

/** The largest |a - b| over two tensors of the same shape, relative to the largest |a|. */
function relativeDiff(a: torch.Tensor, b: torch.Tensor): string {
  let most = 0, scale = 0;
  for (let i = 0; i < a.data.length; i++) {
    most = Math.max(most, Math.abs(a.data[i]! - b.data[i]!));
    scale = Math.max(scale, Math.abs(a.data[i]!));
  }
  return (most / scale).toExponential(1);
}

const fmt = (x: number, digits = 2) => x.toFixed(digits);

ch.cell("ours · two backends behind one seam", () => {
  // The default is "wasm" wherever the runtime has WebAssembly SIMD (Node 20 does).
  console.log("backend in use:", torch.getBackend());
  // torch.setBackend("js") switches every later matmul and convolution to the plain loops.
});

ch.cell("ours · one instruction, four numbers: a SIMD lane", () => {
  // A v128 value is 128 bits: four float32 "lanes" side by side. f32x4.add adds all four pairs in
  // one instruction. Here is a whole module in WebAssembly text: add4 reads 4 floats at address
  // $a, 4 at $b, and stores their 4 sums at $out. Our assembler turns the text into bytes.
  const text = `
    (module
      (import "env" "memory" (memory 1))
      (func (export "add4") (param $a i32) (param $b i32) (param $out i32)
        local.get $out
        local.get $a  v128.load
        local.get $b  v128.load
        f32x4.add
        v128.store))`;
  const bytes = assemble(text, "add4.wat");
  console.log(`assembled ${bytes.length} bytes; valid: ${WebAssembly.validate(bytes)}`);

  const memory = new WebAssembly.Memory({ initial: 1 });
  const { add4 } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as {
    add4(a: number, b: number, out: number): void;
  };
  const heap = new Float32Array(memory.buffer);
  heap.set([1, 2, 3, 4], 0); //     address 0
  heap.set([10, 20, 30, 40], 4); // address 16
  add4(0, 16, 32);
  console.log("a:      ", [...heap.subarray(0, 4)]);
  console.log("b:      ", [...heap.subarray(4, 8)]);
  console.log("a + b:  ", [...heap.subarray(8, 12)], "(one f32x4.add)");
});

ch.cell("ours · the micro-kernel: eight accumulators in registers", () => {
  // A multiply-add takes several cycles before its result can be used again. With one running
  // sum the CPU waits on every step; with many independent sums it overlaps them. gemm.wat keeps a
  // 2x16 tile of C in eight v128 registers ($c00 ... $c13): for each step along k it loads 16
  // floats of B, broadcasts ("splats") one float of A at a time, and does 8 multiply-adds on 32 lanes.
  const lines = gemmWat.split("\n");
  const start = lines.findIndex((l) => l.includes("row 0: broadcast"));
  console.log(lines.slice(start, start + 12).join("\n"));
});

// ---- GEMM: the same matmul through both backends ----------------------------------------------

ch.cell("ours · both backends agree on matmul and its backward", () => {
  // Odd sizes on purpose: the SIMD kernel works on tiles of 2x16, so 67 x 129 x 45 exercises the
  // edges where a tile sticks out of the matrix.
  const A = torch.randn(67, 129), B = torch.randn(129, 45), v = torch.randn(129), batch = torch.randn(3, 67, 129);
  const cases: [string, () => torch.Tensor][] = [
    ["A @ B", () => A.matmul(B)],
    ["A @ v", () => A.matmul(v)],
    ["batch @ B", () => batch.matmul(B)],
  ];
  for (const [name, f] of cases) {
    const js = using("js", f), wasm = using("wasm", f);
    console.log(`${name.padEnd(10)} ${js.shape.join("x").padEnd(8)} max |js - wasm| / max |js| = ${relativeDiff(js, wasm)}`);
  }
  // The backward of C = A @ B is two more products, with transposed operands: dA = dC·Bᵀ and
  // dB = Aᵀ·dC. The kernel reads the transposes in place instead of copying them.
  const grads = (backend: torch.BackendName) =>
    using(backend, () => {
      const a = A.clone().requiresGrad_(), b = B.clone().requiresGrad_();
      a.matmul(b).pow(2).sum().backward();
      return [a.grad!, b.grad!];
    });
  const [jsA, jsB] = grads("js"), [wasmA, wasmB] = grads("wasm");
  console.log(`backward   dA: ${relativeDiff(jsA!, wasmA!)}, dB: ${relativeDiff(jsB!, wasmB!)}`);
  // Each entry is a sum of float32 products, added in another order by each backend. A float32
  // carries about 7 significant digits (its last bit is 2^-24 = 6e-8 of the number), so
  // differences near 1e-7 of the largest entry are rounding, not error.
});

ch.cell("ours · GEMM: time and GFLOP/s", () => {
  // An n x n by n x n product is n^3 multiply-adds, 2 n^3 floating-point operations.
  console.log("    n        js       js rate      wasm     wasm rate  speed-up");
  for (const n of [64, 128, 256, 512].filter((n) => n <= LARGEST)) {
    const A = torch.randn(n, n), B = torch.randn(n, n);
    const options = n >= 512 ? { warmup: 1, minRuns: 3, minMs: 0 } : { minMs: 200 };
    const js = using("js", () => medianTime(() => A.matmul(B), options)).medianMs;
    const wasm = using("wasm", () => medianTime(() => A.matmul(B), { minMs: 200 })).medianMs;
    const rate = (ms: number) => (2 * n ** 3) / (ms / 1000) / 1e9;
    console.log(
      `${String(n).padStart(5)} ${fmt(js, 3).padStart(9)} ms ${fmt(rate(js)).padStart(6)} GFLOP/s ` +
        `${fmt(wasm, 3).padStart(7)} ms ${fmt(rate(wasm)).padStart(6)} GFLOP/s ${fmt(js / wasm, 1).padStart(7)}x`,
    );
  }
  // Read the js column down: its rate falls as n grows. At n = 512 one matrix is 1 MB, more than
  // the fast caches hold, so the plain loop waits on memory. The wasm kernel copies ("packs") A and
  // B in blocks (256 deep, 128 rows) that stay in cache while they are used many times over, so
  // its rate holds. Registers, then blocks that fit the caches: that is the whole trick.
});

// ---- Convolution: the chapter-8 CNN's layers at batch 20 --------------------------------------

ch.cell("ours · the CNN's convolutions, forward and backward", () => {
  // conv1: 1 -> 6 channels, 5x5, on 28x28; conv2: 6 -> 16 channels, 5x5, on 12x12. Both have stride
  // 1 and no padding, so the wasm backend slides the kernel itself (direct.wat): blocks of 2 output
  // channels x 4 rows x 4 columns, eight running sums in registers, each input vector loaded once
  // for both channels. conv2's input gradient goes the other way round: every 5x5 window laid out
  // as a column (im2col), one product with the GEMM above, the columns added back (col2im);
  // kernels/js/conv.ts has that route in plain loops too (conv2dIm2col).
  const layers = [
    { name: "conv1", x: torch.randn(20, 1, 28, 28), w: torch.randn(6, 1, 5, 5), b: torch.randn(6) },
    { name: "conv2", x: torch.randn(20, 6, 12, 12), w: torch.randn(16, 6, 5, 5), b: torch.randn(16) },
  ];
  console.log("layer  js fwd+bwd  wasm fwd+bwd  speed-up  relative difference (out, dx, dw)");
  for (const { name, x, w, b } of layers) {
    const step = () => {
      const xi = x.clone().requiresGrad_(), wi = w.clone().requiresGrad_(), bi = b.clone().requiresGrad_();
      const out = F.conv2d(xi, wi, bi);
      out.sum().backward();
      return [out, xi.grad!, wi.grad!];
    };
    const js = using("js", () => medianTime(step, { minMs: 200 })).medianMs;
    const wasm = using("wasm", () => medianTime(step, { minMs: 200 })).medianMs;
    const [jo, jx, jw] = using("js", step), [wo, wx, ww] = using("wasm", step);
    const diffs = [relativeDiff(jo!, wo!), relativeDiff(jx!, wx!), relativeDiff(jw!, ww!)];
    console.log(`${name}  ${fmt(js, 3).padStart(8)} ms  ${fmt(wasm, 3).padStart(9)} ms  ${fmt(js / wasm, 1).padStart(7)}x  ${diffs.join(", ")}`);
  }
});

// ---- The rest of a step: ReLU and max pooling ------------------------------------------------

ch.cell("ours · ReLU and max pooling: the small kernels around the big ones", () => {
  // A training step is more than its matrix products: every activation goes through ReLU and max
  // pooling, forward and backward. On conv1's output (20 x 6 x 24 x 24) the plain loops branch on
  // every element, and which way the branch goes is a coin toss; the wasm kernels do not branch:
  // ReLU is f32x4.max with zero, and pooling keeps the best of a 2x2 window with lane masks.
  console.log(activationWat.split("\n").filter((l) => /f32x4\.(max|gt)|v128\.and/.test(l)).map((l) => l.trimEnd()).join("\n"));
  const x = torch.randn(20, 6, 24, 24);
  console.log("op             js          wasm   speed-up");
  // (a few hundred calls first: a fresh process collects garbage far more often while the engine
  // learns how much memory these 276 KB outputs need, and that would be what the first calls time)
  for (const [name, op] of [["relu", () => F.relu(x)], ["max pool 2x2", () => F.maxPool2d(x, 2)]] as const) {
    const js = using("js", () => medianTime(op, { warmup: 300, minMs: 200 })).medianMs;
    const wasm = using("wasm", () => medianTime(op, { warmup: 300, minMs: 200 })).medianMs;
    console.log(`${name.padEnd(12)} ${fmt(js, 3).padStart(7)} ms ${fmt(wasm, 3).padStart(8)} ms  ${fmt(js / wasm, 1).padStart(6)}x`);
  }
});

// ---- A whole training step --------------------------------------------------------------------

// Chapter 8's network, layer for layer, written as a Sequential (chapter 11 shows this form).
const chapter8Net = () => new nn.Sequential(
  new nn.Conv2d(1, 6, 5), new nn.ReLU(), new nn.MaxPool2d(2, { stride: 2 }),
  new nn.Conv2d(6, 16, 5), new nn.MaxPool2d(2, { stride: 2 }),
  new nn.Flatten(), new nn.Linear(16 * 16, 64), new nn.ReLU(), new nn.Linear(64, 10),
);

ch.cell("ours · training the chapter-8 CNN: images per second, and the same losses", () => {
  // Random pictures and labels stand in for MNIST here: the time of a step does not depend on
  // what the pixels show. Two networks start from the same seed; one trains on each backend.
  const inputs = torch.randn(20, 1, 28, 28);
  const labels = torch.tensor(Array.from({ length: 20 }, (_, i) => i % 10), { dtype: "int64" });
  const trainer = (backend: torch.BackendName) => {
    torch.manualSeed(0);
    const net = chapter8Net();
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
    return () =>
      using(backend, () => {
        optimizer.zeroGrad();
        const loss = criterion(net(inputs), labels);
        loss.backward();
        optimizer.step();
        return loss.item();
      });
  };
  const jsStep = trainer("js"), wasmStep = trainer("wasm");
  const losses: [number, number][] = [];
  for (let i = 0; i < 10; i++) losses.push([jsStep(), wasmStep()]);
  console.log("loss after 1 and 10 steps:");
  console.log(`  js:   ${losses[0]![0].toFixed(6)}  ${losses[9]![0].toFixed(6)}`);
  console.log(`  wasm: ${losses[0]![1].toFixed(6)}  ${losses[9]![1].toFixed(6)}`);

  const js = medianTime(() => jsStep(), { warmup: 3, minRuns: 10, minMs: 500 }).medianMs;
  const wasm = medianTime(() => wasmStep(), { warmup: 10, minRuns: 30, minMs: 1000 }).medianMs;
  console.log(`js:   ${fmt(js, 2)} ms a step, ${Math.round(20 / (js / 1000))} images/s`);
  console.log(`wasm: ${fmt(wasm, 2)} ms a step, ${Math.round(20 / (wasm / 1000))} images/s (${fmt(js / wasm, 1)}x)`);
  // What is left in the wasm step is mostly the plain-loop ops around the kernels: ReLU, pooling,
  // the loss, the optimiser, and making the tensors of the graph.
});

// ---- Two cores ---------------------------------------------------------------------------------

ch.cell("ours · two cores: one product split over threads, the same bits", () => {
  // torch.setNumThreads(n), as in PyTorch; the default is the number of cores. A large product is
  // cut into bands of rows of the result, one band per thread: Node's worker threads share the
  // kernels' WebAssembly.Memory, each runs the same gemm.wat on its band, the calling thread runs
  // one too, and Atomics.wait / Atomics.notify say "go" and "done". Every number of the result is
  // computed by the same instructions in the same order as on one thread, so the bits agree.
  const n = Math.max(256, LARGEST);
  const A = torch.randn(n, n), B = torch.randn(n, n);
  const before = torch.getNumThreads();
  const timed = (threads: number) => {
    torch.setNumThreads(threads);
    const product = A.matmul(B);
    return { product, ms: medianTime(() => A.matmul(B), { minMs: 300 }).medianMs };
  };
  const one = timed(1), two = timed(2);
  torch.setNumThreads(before);
  console.log(`cores: ${before} by default; GEMM n = ${n}:`);
  console.log(`  1 thread:  ${fmt(one.ms, 3)} ms`);
  console.log(`  2 threads: ${fmt(two.ms, 3)} ms (${fmt(one.ms / two.ms)}x)`);
  console.log("  same bits:", one.product.data.every((x, i) => Object.is(x, two.product.data[i])));
  // Waking a thread and waiting for it costs some microseconds, and each thread packs all of B for
  // its band, so products under about four million multiply-adds, or with bands thinner than 32
  // rows, stay on one thread. The article's networks at batch 20 are made of such small products:
  // their training steps run at the same speed on one thread or two. Threads pay off for large
  // batches and large layers, such as the evaluation of 10,000 test images at once. Even then two
  // threads fall a little short of 2x: the calling thread alone copies A and B into the shared
  // memory and the result out of it, and that part does not get shorter with more threads. It is
  // a copy over memory the other core read in the previous product, which on some machines costs
  // three times a copy over memory no other core has read (`npm run bench` prints both).
});
