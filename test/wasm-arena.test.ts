// Long-lived arrays in the wasm kernels' memory (kernels/wasm/arena.ts): parameters, their
// gradients and SGD's buffers live there, and the kernels use them in place, giving the same bits
// as when the same numbers are copied in from ordinary arrays.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createWasmBackend, getThreads, parallelGemmCalls, setMemoryBudget, setThreads } from "../src/kernels/wasm/index.ts";
import { Arena, ARENA_START } from "../src/kernels/wasm/arena.ts";
import { isLongLived } from "../src/kernels/index.ts";
import { threadsAvailable } from "../src/kernels/wasm/threads.ts";
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";

const wasm = createWasmBackend()!;
const shared = threadsAvailable(); // the arena needs a shared memory (Node has one)
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 12.9898 + seed) * 3));

test("residentArray: zeroed arrays inside the memory, up to 4 MiB each; ordinary arrays are not resident", () => {
  if (!shared) return;
  const a = wasm.residentArray!(1000)!;
  assert.ok(a instanceof Float32Array && a.length === 1000);
  assert.ok(a.every((v) => v === 0));
  assert.ok(a.buffer instanceof SharedArrayBuffer && a.byteOffset >= ARENA_START && a.byteOffset % 16 === 0);
  assert.ok(wasm.isResident!(a));
  assert.not.ok(wasm.isResident!(new Float32Array(1000)));
  assert.is(wasm.residentArray!(1024 * 1024 + 1), null, "over 4 MiB: an ordinary array instead");
});

test("an arena hands out at most 64 MiB, then says null; setMemoryBudget cannot reach into it", () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
  const arena = new Arena(memory);
  let count = 0;
  while (arena.alloc(1024 * 1024)) count++;
  assert.is(count, 16);
  assert.is(arena.used(), 64 * 1024 * 1024);
  assert.throws(() => setMemoryBudget(ARENA_START), /setMemoryBudget: at most \d+ bytes \(the arena starts above\)/);
});

test("gemm and sgdMomentum on resident arrays give the bits of the same call on copied-in arrays", () => {
  if (!shared) return;
  const [m, n, k] = [13, 37, 29];
  const aPlain = values(m * k, 1), bPlain = values(k * n, 2);
  const a = wasm.residentArray!(m * k)!, b = wasm.residentArray!(k * n)!, cRes = wasm.residentArray!(m * n)!;
  a.set(aPlain);
  b.set(bPlain);
  for (const [transA, transB] of [[false, false], [false, true], [true, false]] as const) {
    const cPlain = new Float32Array(m * n);
    wasm.gemm(transA, transB, m, n, k, aPlain, bPlain, cPlain, false);
    wasm.gemm(transA, transB, m, n, k, a, b, cRes, false);
    assert.equal([...cRes], [...cPlain], `transA ${transA} transB ${transB}`);
  }
  const wPlain = values(1001, 3), gPlain = values(1001, 4), bufPlain = values(1001, 5);
  const w = wasm.residentArray!(1001)!, g = wasm.residentArray!(1001)!, buf = wasm.residentArray!(1001)!;
  w.set(wPlain); g.set(gPlain); buf.set(bufPlain);
  wasm.sgdMomentum(wPlain, gPlain, bufPlain, 0.01, 0.9, 1);
  wasm.sgdMomentum(w, g, buf, 0.01, 0.9, 1);
  assert.equal([...w], [...wPlain]);
  assert.equal([...buf], [...bufPlain]);
  assert.ok(wasm.fillResident!(w, 0) && w.every((v) => v === 0), "fillResident zeroes in place");
  assert.not.ok(wasm.fillResident!(wPlain, 0), "an ordinary array is left to the caller");
});

test("a GEMM split over two threads reads resident operands where they are: the same bits as one thread and as copied-in arrays", () => {
  if (!shared) return;
  const [m, n, k] = [160, 96, 300]; // over the split threshold: bands of rows on two threads
  const aPlain = values(m * k, 6), bPlain = values(k * n, 7);
  const a = wasm.residentArray!(m * k)!, b = wasm.residentArray!(k * n)!;
  a.set(aPlain);
  b.set(bPlain);
  const before = getThreads();
  try {
    setThreads(1);
    const one = new Float32Array(m * n);
    wasm.gemm(false, true, m, n, k, aPlain, bPlain, one, false);
    setThreads(2);
    const splits = parallelGemmCalls();
    const two = new Float32Array(m * n);
    wasm.gemm(false, true, m, n, k, a, b, two, false);
    assert.ok(parallelGemmCalls() > splits, "the product was split");
    assert.equal([...two], [...one]);
  } finally {
    setThreads(before);
  }
});

test("Linear's parameters and SGD's momentum live in the arena, and train as ordinary ones do", () => {
  if (!shared) return;
  torch.manualSeed(1);
  const layer = new nn.Linear(6, 4);
  assert.ok(isLongLived(layer.weight.data) && isLongLived(layer.bias!.data));
  const plain = new nn.Linear(6, 4);
  plain.weight = new nn.Parameter(torch.tensor(layer.weight.tolist() as number[][]));
  plain.bias = new nn.Parameter(torch.tensor(layer.bias!.tolist() as number[]));
  assert.not.ok(isLongLived(plain.weight.data));
  const x = torch.randn(5, 6), y = torch.randn(5, 4);
  const optA = new optim.SGD(layer.parameters(), { lr: 0.1, momentum: 0.9 });
  const optB = new optim.SGD(plain.parameters(), { lr: 0.1, momentum: 0.9 });
  for (let step = 0; step < 4; step++) {
    for (const [net, opt] of [[layer, optA], [plain, optB]] as const) {
      opt.zeroGrad();
      nn.functional.mseLoss(net(x), y).backward();
      opt.step();
    }
  }
  assert.ok(isLongLived(optA.momentumBuffers.get(layer.weight)!));
  assert.ok(isLongLived(layer.weight._grad()!.data), "after the first step, gradients go into recycled memory beside the parameter");
  assert.equal(layer.weight.tolist(), plain.weight.tolist(), "same bits, resident or not");
  assert.equal(layer.bias!.tolist(), plain.bias!.tolist());
  optA.zeroGrad();
  assert.is(layer.weight.grad, null);
});

test.run();
