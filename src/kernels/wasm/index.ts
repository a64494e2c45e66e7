// The "wasm" kernel backend: SIMD kernels written by hand in gemm.wat and conv.wat, assembled at
// load time by assembler.ts (the .wat text is embedded in wat.generated.ts by `npm run build:wasm`).
//
// All modules share one growable WebAssembly.Memory. Each call lays out its operands from address
// 0 up (16-byte aligned), copies them in, runs, and copies the result out: the copies are O(n)
// against an O(n^1.5)-or-more kernel. Long-lived arrays (parameters, their gradients, SGD's
// buffers) can live in the memory itself, in the arena above every call's scratch (arena.ts); the
// GEMM and SGD kernels use those where they are. A Memory can grow but never shrink, so no call may make it
// larger than MEMORY_BUDGET: a large product is cut into blocks of rows, a large convolution into
// groups of images or, for one big image, into bands of output rows, each of which fits. After
// warm-up there is no allocation per call. Growing detaches the old ArrayBuffer, so the
// Float32Array view is re-made.
import type { Conv2dGeometry, KernelBackend, Pool2dGeometry } from "../types.ts";
import { jsBackend } from "../js/index.ts";
import { assemble } from "./assembler.ts";
import { activationWat, convWat, directWat, gemmWat, optimizerWat, poolWat } from "./wat.generated.ts";
import { CONTROL_BYTES, MAX_WORKERS, ThreadPool, coreCount, threadsAvailable, type GemmArgs } from "./threads.ts";
import { relaxedGemmText, relaxedSimdAvailable } from "./relaxed.ts";
import { ARENA_START, Arena } from "./arena.ts";

// The smallest module that uses a SIMD instruction: () -> () { v128.const 0; drop }.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: one type, func () -> ()
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x17, 0x01, 0x15, 0x00, // code section: one body of 21 bytes, no locals
  0xfd, 0x0c, ...new Array<number>(16).fill(0), // v128.const of 16 zero bytes
  0x1a, 0x0b, // drop, end
]);

/** Does this runtime run WebAssembly with the fixed-width SIMD proposal? */
export function hasWasmSimd(): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

type I = number; // an i32 argument: a count, a flag, or a byte address in the shared memory
interface GemmExports { gemm(transA: I, transB: I, m: I, n: I, k: I, a: I, b: I, c: I, accumulate: I, work: I): void }
type Walk = (img: I, col: I, ldcol: I, C: I, H: I, W: I, KH: I, KW: I,
  sH: I, sW: I, pH: I, pW: I, dH: I, dW: I, OH: I, OW: I) => void;
interface ConvExports { im2col: Walk; col2im: Walk }
type DirectConv = (a: I, b: I, c: I, N: I, C: I, H: I, W: I, OC: I, KH: I, KW: I, OH: I, OW: I) => void;
interface DirectExports {
  conv_forward(input: I, weight: I, bias: I, out: I, N: I, C: I, H: I, W: I, OC: I, KH: I, KW: I, OH: I, OW: I): void;
  conv_weight_grad: DirectConv;
}
interface PoolExports {
  max_pool_2x2(input: I, out: I, arg: I, planes: I, H: I, W: I, OH: I, OW: I): void;
  max_pool(input: I, out: I, arg: I, planes: I, H: I, W: I, KH: I, KW: I, SH: I, SW: I, PH: I, PW: I, OH: I, OW: I): void;
}
interface ActivationExports { relu(x: I, out: I, count: I): void; relu_backward(out: I, g: I, dx: I, count: I): void }
interface OptimizerExports {
  fill(x: I, count: I, value: number): void;
  sgd_momentum(w: I, g: I, buf: I, count: I, lr: number, momentum: number, keep: number): void }

const PAGE = 65536;
const KC = 256; // k block of gemm.wat
const MC = 128; // m block of gemm.wat

/** The most Wasm memory any call may use (8 MiB). Work that needs more is done in pieces, which
 *  costs nothing measurable: an 8 MiB piece is still a GEMM of millions of multiply-adds. */
let MEMORY_BUDGET = 8 * 1024 * 1024;

/** How many threads a large GEMM is split over (the calling thread included). */
let threadCount = threadsAvailable() ? coreCount() : 1;
/** Products smaller than this many multiply-adds stay on one thread: waking a worker costs more. */
export const PARALLEL_MACS = 1 << 22;
/** The fewest rows of C a thread's band may have: each thread packs all of B for its band, so thin
 *  bands spend more time packing than multiplying (measured: 16 rows split in two ran 0.85x). */
export const BAND_ROWS = 32;

let warnedNoThreads = false;
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected a whole number of threads >= 1, got ${n}`);
  // As PyTorch, any count is taken; where threads cannot be had, say once that work stays on one.
  if (n > 1 && !threadsAvailable() && !warnedNoThreads) {
    warnedNoThreads = true;
    console.warn(`setNumThreads(${n}): this runtime has no SharedArrayBuffer or no worker threads, so the kernels run on one thread`);
  }
  threadCount = n;
}
export function getThreads(): number {
  return threadCount;
}
/** How many GEMM calls have been split over threads so far (tests check that a split happened). */
let splitCalls = 0;
export function parallelGemmCalls(): number {
  return splitCalls;
}

/** Changes the budget (tests use a small one to make every call work in pieces); returns the old one. */
export function setMemoryBudget(bytes: number): number {
  if (CONTROL_BYTES + bytes > ARENA_START) throw new Error(`setMemoryBudget: at most ${ARENA_START - CONTROL_BYTES} bytes (the arena starts above), got ${bytes}`);
  const old = MEMORY_BUDGET;
  MEMORY_BUDGET = bytes;
  return old;
}

/** Bytes of scratch that gemm.wat's `gemm` needs for an n-column, depth-k product. */
function gemmWorkBytes(n: number, k: number): number {
  return 128 + 4 * MC * KC + 4 * Math.min(k, KC) * (Math.ceil(n / 8) * 8);
}

/** Bytes `floats` float32s take, rounded up to the 16-byte boundary every region starts on. */
function regionBytes(floats: number): number {
  return Math.ceil((floats * 4) / 16) * 16;
}

/** Lays out regions from address 0; every region starts on a 16-byte boundary. */
class Layout {
  end = CONTROL_BYTES; // the threads' control blocks come first
  /** Reserve room for `floats` float32s; returns the byte address. */
  take(floats: number): number {
    const at = this.end;
    this.end = at + regionBytes(floats);
    return at;
  }
}

function tooLarge(what: string, bytes: number): Error {
  return new Error(
    `wasm ${what} needs ${bytes} bytes of WebAssembly memory even in its smallest piece, more than the ` +
      `${MEMORY_BUDGET}-byte budget; use a smaller batch or input, or setBackend("js")`,
  );
}

/** The largest count in 1..total whose `bytes(count)` fits the budget (0 if even 1 does not). */
function largestFitting(total: number, bytes: (count: number) => number): number {
  let lo = 0, hi = total;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytes(mid) <= MEMORY_BUDGET) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A piece of a convolution: images [image, image + count), and output rows [row0, row1) of them
 *  (all rows when several images go together; a band of rows only when one image is too large). */
interface ConvPiece { image: number; count: number; row0: number; row1: number }

/** How a convolution is cut to fit the budget: output channels in blocks of `channels` (all of them
 *  unless the weights alone are too large), and the batch into pieces. `bytes(images, rows,
 *  channels)` is the memory of one piece. */
interface ConvPlan { channels: number; pieces: ConvPiece[] }

function convPlan(g: Conv2dGeometry, what: string, bytes: (images: number, rows: number, channels: number) => number): ConvPlan {
  const OC = g.outChannels;
  const channels = bytes(1, 1, OC) <= MEMORY_BUDGET ? OC : largestFitting(OC, (c) => bytes(1, 1, c));
  if (channels === 0) throw tooLarge(what, bytes(1, 1, 1));
  const pieces: ConvPiece[] = [];
  const fits = (images: number, rows: number) => bytes(images, rows, channels) <= MEMORY_BUDGET;
  const perChunk = fits(g.batch, g.outHeight) ? g.batch : largestFitting(g.batch, (b) => bytes(b, g.outHeight, channels));
  if (perChunk > 0) {
    for (let i = 0; i < g.batch; i += perChunk) pieces.push({ image: i, count: Math.min(perChunk, g.batch - i), row0: 0, row1: g.outHeight });
    return { channels, pieces };
  }
  const rows = largestFitting(g.outHeight, (r) => bytes(1, r, channels));
  for (let i = 0; i < g.batch; i++) {
    for (let r = 0; r < g.outHeight; r += rows) pieces.push({ image: i, count: 1, row0: r, row1: Math.min(r + rows, g.outHeight) });
  }
  return { channels, pieces };
}

/** Each block [oc0, oc0 + count) of `channels` output channels out of `total`. */
function channelBlocks(total: number, channels: number): { oc0: number; count: number }[] {
  const blocks = [];
  for (let oc0 = 0; oc0 < total; oc0 += channels) blocks.push({ oc0, count: Math.min(channels, total - oc0) });
  return blocks;
}

/** Input rows [first, first + count) that output rows [row0, row1) read, padding rows included. */
function inputRowsOf(g: Conv2dGeometry, row0: number, row1: number): { first: number; count: number } {
  const first = row0 * g.strideH - g.padH;
  const last = (row1 - 1) * g.strideH - g.padH + g.dilationH * (g.kernelHeight - 1);
  return { first, count: last - first + 1 };
}

export interface WasmBackendOptions {
  /** Use the relaxed-SIMD GEMM micro-kernel (fused multiply-add). Default: where the runtime accepts it. */
  relaxed?: boolean;
}

/** The wasm backend, telling which GEMM micro-kernel it runs. */
export type WasmBackend = KernelBackend & { readonly gemmKernel: "relaxed-simd" | "simd" };

export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend | null {
  if (!hasWasmSimd()) return null;
  const relaxed = options.relaxed ?? relaxedSimdAvailable();
  if (relaxed && !relaxedSimdAvailable()) {
    throw new Error("createWasmBackend({ relaxed: true }): this runtime does not accept relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)");
  }
  // A shared memory where threads can be had (its views stay valid when it grows), a plain one elsewhere.
  const shared = threadsAvailable();
  const MAX_PAGES = 16384; // 1 GiB of address space, reserved rather than used: the budget keeps calls small
  const memory = shared ? new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true }) : new WebAssembly.Memory({ initial: 16 });
  const assembleFor = (text: string, name: string) => assemble(text, name, shared ? { sharedMemory: { maximum: MAX_PAGES } } : {});
  const imports = { env: { memory } };
  const gemmCompiled = new WebAssembly.Module(relaxed ? assembleFor(relaxedGemmText(gemmWat), "gemm.wat (relaxed)") : assembleFor(gemmWat, "gemm.wat"));
  const gemmModule = new WebAssembly.Instance(gemmCompiled, imports);
  const convModule = new WebAssembly.Instance(new WebAssembly.Module(assembleFor(convWat, "conv.wat")), imports);
  const { gemm: gemmRaw } = gemmModule.exports as unknown as GemmExports;
  const { im2col, col2im } = convModule.exports as unknown as ConvExports;
  const activationModule = new WebAssembly.Instance(new WebAssembly.Module(assembleFor(activationWat, "activation.wat")), imports);
  const activations = activationModule.exports as unknown as ActivationExports;
  const direct = new WebAssembly.Instance(new WebAssembly.Module(assembleFor(directWat, "direct.wat")), imports).exports as unknown as DirectExports;
  const poolModule = new WebAssembly.Instance(new WebAssembly.Module(assembleFor(poolWat, "pool.wat")), imports);
  const { max_pool: maxPoolRaw, max_pool_2x2: maxPool2x2 } = poolModule.exports as unknown as PoolExports;
  const optimizer = new WebAssembly.Instance(new WebAssembly.Module(assembleFor(optimizerWat, "optimizer.wat")), imports).exports as unknown as OptimizerExports;
  let heap = new Float32Array(memory.buffer);

  /** Make sure the memory holds `bytes` bytes (the control blocks plus at most the budget); refresh the view if it grew. */
  function reserve(bytes: number): Float32Array {
    if (bytes - CONTROL_BYTES > MEMORY_BUDGET) throw tooLarge("kernel", bytes - CONTROL_BYTES);
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
    return heap;
  }

  const pool = shared ? new ThreadPool(memory, gemmCompiled) : null;
  const arena = shared ? new Arena(memory) : null;
  /** The byte address of a resident array (see arena.ts), or -1 for one that has to be copied in. */
  const addressOf = (a: Float32Array) => (arena ? arena.addressOf(a) : -1);

  /** How many threads gemm.wat's gemm runs on for this product: several only when it is large and
   *  A is stored row by row (a band of rows of C is then a band of rows of A). */
  const threadsFor = (m: number, n: number, k: number, transA = 0) =>
    pool && !transA && m * n * k >= PARALLEL_MACS ? Math.max(1, Math.min(threadCount, MAX_WORKERS + 1, Math.floor(m / BAND_ROWS))) : 1;
  /** Scratch for that many GEMM calls at once: one work region each, side by side. */
  const workFloats = (m: number, n: number, k: number, transA = 0) => (gemmWorkBytes(n, k) / 4) * threadsFor(m, n, k, transA);

  /** gemm.wat's gemm, split into bands of rows of C over the threads. Every element of C is computed
   *  by the same instructions in the same order whatever the split: the same bits. */
  function runGemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number, work: number): void {
    const threads = threadsFor(m, n, k, transA);
    if (!pool || threads < 2) return gemmRaw(transA, transB, m, n, k, a, b, c, accumulate, work);
    const band = Math.ceil(m / threads / 4) * 4;
    splitCalls++;
    const jobs: GemmArgs[] = [];
    for (let t = 0, r0 = 0; r0 < m; t++, r0 += band) {
      const rows = Math.min(band, m - r0);
      jobs.push([0, transB, rows, n, k, a + r0 * k * 4, b, c + r0 * n * 4, accumulate, work + t * gemmWorkBytes(n, k)]);
    }
    pool.run(jobs, (args) => gemmRaw(...args));
  }

  /** c = op(a)·op(b), in blocks of c (columns first, then rows) whose operands fit the budget. */
  function gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean,
  ): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const bytes = (rows: number, cols: number) =>
      regionBytes(k * cols) + regionBytes(rows * k) + regionBytes(rows * cols) + regionBytes(workFloats(rows, cols, k, +transA));
    const whole = bytes(m, n) <= MEMORY_BUDGET; // the usual case: one block
    // Columns so that a block of MC rows still fits beside them (gemm.wat packs B once per call, so
    // a call of a few rows would repack B for little work); one row where not even that fits.
    const fewRows = Math.min(m, MC);
    const cols = whole ? n : largestFitting(n, (nb) => bytes(fewRows, nb)) || largestFitting(n, (nb) => bytes(1, nb));
    const rows = whole ? m : cols === 0 ? 0 : largestFitting(m, (mb) => bytes(mb, cols));
    if (rows === 0) throw tooLarge(`matmul (${m}x${k} by ${k}x${n})`, bytes(1, 1));
    // In one block, an operand that lives in the memory already (arena.ts) is used where it is.
    const [aHome, bHome, cHome] = whole ? [addressOf(a), addressOf(b), addressOf(c)] : [-1, -1, -1];
    const L = new Layout();
    const bAt = bHome >= 0 ? bHome : L.take(k * cols), aAt = aHome >= 0 ? aHome : L.take(rows * k);
    const cAt = cHome >= 0 ? cHome : L.take(rows * cols), work = L.take(workFloats(rows, cols, k, +transA));
    const h = reserve(L.end);
    for (let j0 = 0; j0 < n; j0 += cols) {
      const nb = Math.min(cols, n - j0);
      // op(b)'s columns j0..j0+nb: rows of b when it is stored n×k, pieces of each row when k×n
      if (bHome < 0) {
        if (transB) h.set(b.subarray(j0 * k, (j0 + nb) * k), bAt / 4);
        else for (let p = 0; p < k; p++) h.set(b.subarray(p * n + j0, p * n + j0 + nb), bAt / 4 + p * nb);
      }
      for (let i0 = 0; i0 < m; i0 += rows) {
        const mb = Math.min(rows, m - i0);
        if (aHome < 0) {
          if (!transA) h.set(a.subarray(i0 * k, (i0 + mb) * k), aAt / 4);
          else for (let p = 0; p < k; p++) h.set(a.subarray(p * m + i0, p * m + i0 + mb), aAt / 4 + p * mb); // a is k×m
        }
        if (accumulate && cHome < 0) for (let i = 0; i < mb; i++) h.set(c.subarray((i0 + i) * n + j0, (i0 + i) * n + j0 + nb), cAt / 4 + i * nb);
        runGemm(+transA, +transB, mb, nb, k, aAt, bAt, cAt, +accumulate, work);
        if (cHome < 0) {
          if (nb === n) c.set(h.subarray(cAt / 4, cAt / 4 + mb * n), i0 * n);
          else for (let i = 0; i < mb; i++) c.set(h.subarray(cAt / 4 + i * nb, cAt / 4 + (i + 1) * nb), (i0 + i) * n + j0);
        }
      }
    }
  }

  // Convolution as GEMMs over pieces of the batch: within a piece, the columns of every image sit
  // side by side in one K × (count·P) matrix (K = C·KH·KW taps, P = output pixels per image).
  const taps = (g: Conv2dGeometry) => g.inChannels * g.kernelHeight * g.kernelWidth;
  const imageSize = (g: Conv2dGeometry) => g.inChannels * g.inHeight * g.inWidth;

  /** Copies the piece's input into the memory at `at` and returns the geometry im2col/col2im see
   *  there: whole images as they are, or a band of input rows with its padding rows made explicit. */
  function pieceInput(src: Float32Array | null, g: Conv2dGeometry, p: ConvPiece, h: Float32Array, at: number): Conv2dGeometry {
    const whole = p.row0 === 0 && p.row1 === g.outHeight;
    if (whole) {
      if (src) h.set(src.subarray(p.image * imageSize(g), (p.image + p.count) * imageSize(g)), at / 4);
      return { ...g, batch: p.count };
    }
    const { first, count } = inputRowsOf(g, p.row0, p.row1);
    const W = g.inWidth;
    for (let c = 0; c < g.inChannels; c++) {
      const bandAt = at / 4 + c * count * W;
      h.fill(0, bandAt, bandAt + count * W);
      if (!src) continue;
      const lo = Math.max(first, 0), hi = Math.min(first + count, g.inHeight);
      const plane = (p.image * g.inChannels + c) * g.inHeight * W;
      if (hi > lo) h.set(src.subarray(plane + lo * W, plane + hi * W), bandAt + (lo - first) * W);
    }
    return { ...g, batch: 1, inHeight: count, padH: 0, outHeight: p.row1 - p.row0 };
  }
  function walk(fn: Walk, g: Conv2dGeometry, imgAt: number, colAt: number): void {
    const P = g.outHeight * g.outWidth, N = g.batch * P;
    for (let i = 0; i < g.batch; i++) {
      fn(imgAt + 4 * i * imageSize(g), colAt + 4 * i * P, 4 * N,
        g.inChannels, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth,
        g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.outHeight, g.outWidth);
    }
  }
  /** Moves output channels [oc0, oc0 + ocs) of the piece's output-shaped data between the tensor
   *  layout [batch, OC, OH, OW] and the GEMM layout [ocs, count·rows·OW] at `at`, as `toMemory` says. */
  function movePieceOutput(t: Float32Array, g: Conv2dGeometry, p: ConvPiece, oc0: number, ocs: number, h: Float32Array, at: number, toMemory: boolean): void {
    const P = g.outHeight * g.outWidth, band = (p.row1 - p.row0) * g.outWidth, N = p.count * band;
    for (let i = 0; i < p.count; i++) {
      for (let oc = 0; oc < ocs; oc++) {
        const from = ((p.image + i) * g.outChannels + oc0 + oc) * P + p.row0 * g.outWidth;
        const mem = at / 4 + oc * N + i * band;
        if (toMemory) h.set(t.subarray(from, from + band), mem);
        else t.set(h.subarray(mem, mem + band), from);
      }
    }
  }
  /** Input rows a band read, for the bytes of its band buffer. */
  const pieceInputFloats = (g: Conv2dGeometry, images: number, rows: number) =>
    rows === g.outHeight ? images * imageSize(g) : g.inChannels * g.inWidth * inputRowsOf(g, 0, rows).count;
  const columns = (g: Conv2dGeometry, p: ConvPiece) => p.count * (p.row1 - p.row0) * g.outWidth;
  /** A convolution with nothing to compute (no images, no output pixels, no channels or taps): the js loops handle it. */
  const nothingToCompute = (g: Conv2dGeometry) =>
    g.batch === 0 || g.outHeight <= 0 || g.outWidth <= 0 || g.outChannels === 0 || g.inChannels === 0 || g.kernelHeight * g.kernelWidth === 0;

  /** Stride 1, no padding or dilation, four output columns at a time, and the whole call within
   *  the budget: direct.wat's loops can run it. */
  function directFits(g: Conv2dGeometry, floats: number): boolean {
    return g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0 &&
      g.dilationH === 1 && g.dilationW === 1 && g.outWidth % 4 === 0 && regionBytes(floats) + 4096 <= MEMORY_BUDGET;
  }
  /** Where direct.wat's weight gradient beats im2col + GEMM: up to 32 input channels. Measured at
   *  batch 20 and 8 (5x5 and 3x3 kernels): 1.2-1.8x faster up to 32 channels, 0.4-0.8x from 64 on,
   *  where each (channel, tap) pass streams the whole input again. Its forward pass measured as
   *  fast or faster at every channel count tried (1 to 128), so it has no such limit. */
  const DIRECT_WEIGHT_GRAD_CHANNELS = 32;

  function conv2d(input: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array, g: Conv2dGeometry): void {
    if (nothingToCompute(g)) return jsBackend.conv2d(input, weight, bias, out, g);
    const inSize = g.batch * imageSize(g), wSize = g.outChannels * taps(g), outSize = g.batch * g.outChannels * g.outHeight * g.outWidth;
    if (directFits(g, inSize + wSize + g.outChannels + outSize + 12)) {
      const L = new Layout();
      const inAt = L.take(inSize), wAt = L.take(wSize), bAt = L.take(g.outChannels), outAt = L.take(outSize);
      const h = reserve(L.end);
      h.set(input.subarray(0, inSize), inAt / 4);
      h.set(weight.subarray(0, wSize), wAt / 4);
      if (bias) h.set(bias.subarray(0, g.outChannels), bAt / 4);
      else h.fill(0, bAt / 4, bAt / 4 + g.outChannels);
      direct.conv_forward(inAt, wAt, bAt, outAt, g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.kernelHeight, g.kernelWidth, g.outHeight, g.outWidth);
      out.set(h.subarray(outAt / 4, outAt / 4 + outSize));
      return;
    }
    const K = taps(g);
    const bytes = (images: number, rows: number, ocs: number) => {
      const N = images * rows * g.outWidth;
      return regionBytes(pieceInputFloats(g, images, rows)) + regionBytes(K * N) + regionBytes(ocs * K) + regionBytes(ocs * N) + regionBytes(workFloats(ocs, N, K));
    };
    const plan = convPlan(g, "conv2d", bytes);
    for (const p of plan.pieces) {
      const N = columns(g, p);
      const L = new Layout();
      const inAt = L.take(pieceInputFloats(g, p.count, p.row1 - p.row0)), colAt = L.take(K * N);
      const wAt = L.take(plan.channels * K), outAt = L.take(plan.channels * N), work = L.take(workFloats(plan.channels, N, K));
      const h = reserve(L.end);
      walk(im2col, pieceInput(input, g, p, h, inAt), inAt, colAt);
      for (const { oc0, count } of channelBlocks(g.outChannels, plan.channels)) {
        h.set(weight.subarray(oc0 * K, (oc0 + count) * K), wAt / 4);
        // Start each output row at its bias and let the GEMM add W·col onto it.
        if (bias) for (let oc = 0; oc < count; oc++) h.fill(bias[oc0 + oc]!, outAt / 4 + oc * N, outAt / 4 + (oc + 1) * N);
        runGemm(0, 0, count, N, K, wAt, colAt, outAt, bias ? 1 : 0, work);
        movePieceOutput(out, g, p, oc0, count, h, outAt, false);
      }
    }
  }

  function conv2dBackwardInput(gradOut: Float32Array, weight: Float32Array, gradInput: Float32Array, g: Conv2dGeometry): void {
    if (nothingToCompute(g)) return jsBackend.conv2dBackwardInput(gradOut, weight, gradInput, g);
    const K = taps(g);
    const bytes = (images: number, rows: number, ocs: number) => {
      const N = images * rows * g.outWidth;
      return regionBytes(ocs * K) + regionBytes(ocs * N) + regionBytes(K * N) + regionBytes(pieceInputFloats(g, images, rows)) + regionBytes(gemmWorkBytes(N, ocs) / 4);
    };
    const plan = convPlan(g, "conv2d backward", bytes);
    if (plan.pieces.some((p) => p.row1 - p.row0 < g.outHeight)) gradInput.fill(0, 0, g.batch * imageSize(g)); // bands add into it
    for (const p of plan.pieces) {
      const N = columns(g, p);
      const L = new Layout();
      const wAt = L.take(plan.channels * K), gAt = L.take(plan.channels * N), colAt = L.take(K * N);
      const inAt = L.take(pieceInputFloats(g, p.count, p.row1 - p.row0)), work = L.take(gemmWorkBytes(N, plan.channels) / 4);
      const h = reserve(L.end);
      // gradCol[K × N] = Wᵀ · gradOut, summed over the blocks of output channels: W is stored OC × K,
      // i.e. transposed for this product.
      for (const { oc0, count } of channelBlocks(g.outChannels, plan.channels)) {
        movePieceOutput(gradOut, g, p, oc0, count, h, gAt, true);
        h.set(weight.subarray(oc0 * K, (oc0 + count) * K), wAt / 4);
        gemmRaw(1, 0, K, N, count, wAt, gAt, colAt, oc0 > 0 ? 1 : 0, work);
      }
      const pg = pieceInput(null, g, p, h, inAt); // a zeroed input region of the piece's shape
      const whole = p.row1 - p.row0 === g.outHeight;
      if (whole) h.fill(0, inAt / 4, inAt / 4 + p.count * imageSize(g));
      walk(col2im, pg, inAt, colAt);
      if (whole) {
        gradInput.set(h.subarray(inAt / 4, inAt / 4 + p.count * imageSize(g)), p.image * imageSize(g));
        continue;
      }
      // a band: add its rows (the real ones, not the padding) into the image's gradient
      const { first, count } = inputRowsOf(g, p.row0, p.row1);
      const W = g.inWidth, lo = Math.max(first, 0), hi = Math.min(first + count, g.inHeight);
      for (let c = 0; c < g.inChannels; c++) {
        const plane = (p.image * g.inChannels + c) * g.inHeight * W;
        const bandAt = inAt / 4 + c * count * W + (lo - first) * W;
        for (let j = 0, at = plane + lo * W; j < (hi - lo) * W; j++) gradInput[at + j] = gradInput[at + j]! + h[bandAt + j]!;
      }
    }
  }

  function conv2dBackwardWeight(input: Float32Array, gradOut: Float32Array, gradWeight: Float32Array, g: Conv2dGeometry): void {
    if (nothingToCompute(g)) return jsBackend.conv2dBackwardWeight(input, gradOut, gradWeight, g);
    const inSize = g.batch * imageSize(g), wSize = g.outChannels * taps(g), outSize = g.batch * g.outChannels * g.outHeight * g.outWidth;
    if (g.inChannels <= DIRECT_WEIGHT_GRAD_CHANNELS && directFits(g, inSize + outSize + wSize + 12)) {
      const L = new Layout();
      const inAt = L.take(inSize), gAt = L.take(outSize), dwAt = L.take(wSize);
      const h = reserve(L.end);
      h.set(input.subarray(0, inSize), inAt / 4);
      h.set(gradOut.subarray(0, outSize), gAt / 4);
      direct.conv_weight_grad(inAt, gAt, dwAt, g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.kernelHeight, g.kernelWidth, g.outHeight, g.outWidth);
      gradWeight.set(h.subarray(dwAt / 4, dwAt / 4 + wSize));
      return;
    }
    const K = taps(g);
    const bytes = (images: number, rows: number, ocs: number) => {
      const N = images * rows * g.outWidth;
      return regionBytes(ocs * K) + regionBytes(pieceInputFloats(g, images, rows)) + regionBytes(K * N) + regionBytes(ocs * N) + regionBytes(workFloats(ocs, K, N));
    };
    const plan = convPlan(g, "conv2d backward", bytes);
    // one block of output channels at a time: its gradW sits first, at the same address for every
    // piece, and the pieces add up there
    for (const { oc0, count } of channelBlocks(g.outChannels, plan.channels)) {
      plan.pieces.forEach((p, index) => {
        const N = columns(g, p);
        const L = new Layout();
        const gwAt = L.take(plan.channels * K), inAt = L.take(pieceInputFloats(g, p.count, p.row1 - p.row0)), colAt = L.take(K * N);
        const gAt = L.take(plan.channels * N), work = L.take(workFloats(plan.channels, K, N));
        const h = reserve(L.end);
        walk(im2col, pieceInput(input, g, p, h, inAt), inAt, colAt);
        movePieceOutput(gradOut, g, p, oc0, count, h, gAt, true);
        // gradW[block × K] (+)= gradOut · colᵀ: col is stored K × N, i.e. transposed for this product.
        runGemm(0, 1, count, K, N, gAt, colAt, gwAt, index > 0 ? 1 : 0, work);
      });
      gradWeight.set(heap.subarray(CONTROL_BYTES / 4, CONTROL_BYTES / 4 + count * K), oc0 * K);
    }
  }

  /** Runs an elementwise kernel over `inputs` (same length) into `output`, in pieces that fit the budget. */
  function elementwise(inputs: readonly Float32Array[], output: Float32Array, run: (at: readonly number[], outAt: number, count: number) => void): void {
    const n = output.length;
    const piece = Math.max(4, Math.floor(MEMORY_BUDGET / (16 * (inputs.length + 1))) * 4); // floats per array per piece
    for (let start = 0; start < n; start += piece) {
      const count = Math.min(piece, n - start);
      const L = new Layout();
      const at = inputs.map(() => L.take(count)), outAt = L.take(count);
      const h = reserve(L.end);
      inputs.forEach((x, i) => h.set(x.subarray(start, start + count), at[i]! / 4));
      run(at, outAt, count);
      output.set(h.subarray(outAt / 4, outAt / 4 + count), start);
    }
  }

  /** SGD's momentum update in pieces that fit the budget: w, grad and buf go in, w and buf come back. */
  function sgdMomentum(w: Float32Array, grad: Float32Array, buf: Float32Array, lr: number, momentum: number, keep: number): void {
    const n = w.length;
    const [wAt, gAt, bAt] = [addressOf(w), addressOf(grad), addressOf(buf)];
    if (wAt >= 0 && gAt >= 0 && bAt >= 0) return optimizer.sgd_momentum(wAt, gAt, bAt, n, lr, momentum, keep); // in place
    const piece = Math.max(4, Math.floor(MEMORY_BUDGET / (16 * 3)) * 4);
    for (let start = 0; start < n; start += piece) {
      const count = Math.min(piece, n - start);
      const L = new Layout();
      const wAt = L.take(count), gAt = L.take(count), bAt = L.take(count);
      const h = reserve(L.end);
      h.set(w.subarray(start, start + count), wAt / 4);
      h.set(grad.subarray(start, start + count), gAt / 4);
      h.set(buf.subarray(start, start + count), bAt / 4);
      optimizer.sgd_momentum(wAt, gAt, bAt, count, lr, momentum, keep);
      w.set(h.subarray(wAt / 4, wAt / 4 + count), start);
      buf.set(h.subarray(bAt / 4, bAt / 4 + count), start);
    }
  }

  /** Max pooling, a group of (batch, channel) planes at a time, as many as fit the budget. */
  function maxPool2d(input: Float32Array, out: Float32Array, argmax: Int32Array, g: Pool2dGeometry): void {
    const planes = g.batch * g.channels, inPlane = g.inHeight * g.inWidth, outPlane = g.outHeight * g.outWidth;
    if (planes === 0 || outPlane === 0) return;
    const perPlane = regionBytes(inPlane) + 2 * regionBytes(outPlane);
    const group = Math.max(1, Math.min(planes, Math.floor(MEMORY_BUDGET / perPlane)));
    if (perPlane > MEMORY_BUDGET) throw tooLarge("max_pool2d", perPlane);
    for (let p0 = 0; p0 < planes; p0 += group) {
      const count = Math.min(group, planes - p0);
      const L = new Layout();
      const inAt = L.take(count * inPlane), outAt = L.take(count * outPlane), argAt = L.take(count * outPlane);
      const h = reserve(L.end);
      h.set(input.subarray(p0 * inPlane, (p0 + count) * inPlane), inAt / 4);
      const twoByTwo = g.kernelHeight === 2 && g.kernelWidth === 2 && g.strideH === 2 && g.strideW === 2 &&
        g.padH === 0 && g.padW === 0 && g.outWidth % 4 === 0;
      if (twoByTwo) maxPool2x2(inAt, outAt, argAt, count, g.inHeight, g.inWidth, g.outHeight, g.outWidth);
      else maxPoolRaw(inAt, outAt, argAt, count, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth, g.strideH, g.strideW, g.padH, g.padW, g.outHeight, g.outWidth);
      out.set(h.subarray(outAt / 4, outAt / 4 + count * outPlane), p0 * outPlane);
      argmax.set(new Int32Array(memory.buffer, argAt, count * outPlane), p0 * outPlane);
    }
  }

  return {
    name: "wasm",
    gemmKernel: relaxed ? "relaxed-simd" : "simd",
    relu: (x, out) => elementwise([x], out, ([xAt], outAt, count) => activations.relu(xAt!, outAt, count)),
    reluBackward: (out, g, dx) => elementwise([out, g], dx, ([outAt, gAt], dxAt, count) => activations.relu_backward(outAt!, gAt!, dxAt, count)),
    gemm,
    conv2d,
    conv2dBackwardInput,
    conv2dBackwardWeight,
    maxPool2d,
    // the backward is one scatter-add per output: the readable loop serves both backends
    maxPool2dBackward: jsBackend.maxPool2dBackward,
    // average pooling has no SIMD kernel: no chapter's network spends its time there
    avgPool2d: jsBackend.avgPool2d,
    avgPool2dBackward: jsBackend.avgPool2dBackward,
    adaptiveAvgPool2d: jsBackend.adaptiveAvgPool2d,
    adaptiveAvgPool2dBackward: jsBackend.adaptiveAvgPool2dBackward,
    sgdMomentum,
    residentArray: (length) => arena?.alloc(length) ?? null,
    isResident: (array) => array instanceof Float32Array && addressOf(array) >= 0,
    // The engine's own fill of a shared memory's array goes element by element (about 10x slower).
    fillResident: (array, value) => {
      const at = array instanceof Float32Array ? addressOf(array) : -1;
      if (at >= 0) optimizer.fill(at, array.length, value);
      return at >= 0;
    },
  };
}
