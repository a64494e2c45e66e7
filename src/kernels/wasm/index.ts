// The "wasm" kernel backend: SIMD kernels written by hand in gemm.wat and conv.wat, assembled at
// load time by assembler.ts (the .wat text is embedded in wat.generated.ts by `npm run build:wasm`).
//
// Both modules share one growable WebAssembly.Memory. Each call lays out its operands from address
// 0 up (16-byte aligned), copies them in, runs, and copies the result out: the copies are O(n)
// against an O(n^1.5)-or-more kernel. The memory only ever grows, so after warm-up there is no
// allocation per call. Growing detaches the old ArrayBuffer, so the Float32Array view is re-made.
import type { Conv2dGeometry, KernelBackend } from "../types.ts";
import { jsBackend } from "../js/index.ts";
import { assemble } from "./assembler.ts";
import { convWat, gemmWat } from "./wat.generated.ts";

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

const PAGE = 65536;
const KC = 256; // k block of gemm.wat
const MC = 128; // m block of gemm.wat

/** Bytes of scratch that gemm.wat's `gemm` needs for an n-column, depth-k product. */
function gemmWorkBytes(n: number, k: number): number {
  return 128 + 4 * MC * KC + 4 * Math.min(k, KC) * (Math.ceil(n / 8) * 8);
}

/** Lays out regions from address 0; every region starts on a 16-byte boundary. */
class Layout {
  end = 0;
  /** Reserve room for `floats` float32s; returns the byte address. */
  take(floats: number): number {
    const at = this.end;
    this.end = at + Math.ceil((floats * 4) / 16) * 16;
    return at;
  }
}

export function createWasmBackend(): KernelBackend | null {
  if (!hasWasmSimd()) return null;
  const memory = new WebAssembly.Memory({ initial: 16 });
  const imports = { env: { memory } };
  const gemmModule = new WebAssembly.Instance(new WebAssembly.Module(assemble(gemmWat, "gemm.wat")), imports);
  const convModule = new WebAssembly.Instance(new WebAssembly.Module(assemble(convWat, "conv.wat")), imports);
  const { gemm: gemmRaw } = gemmModule.exports as unknown as GemmExports;
  const { im2col, col2im } = convModule.exports as unknown as ConvExports;
  let heap = new Float32Array(memory.buffer);

  /** Make sure the memory holds `bytes` bytes; refresh the view if it grew. */
  function reserve(bytes: number): Float32Array {
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
    return heap;
  }

  function gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean,
  ): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const L = new Layout();
    const aAt = L.take(m * k), bAt = L.take(k * n), cAt = L.take(m * n), work = L.take(gemmWorkBytes(n, k) / 4);
    const h = reserve(L.end);
    h.set(a.subarray(0, m * k), aAt / 4);
    h.set(b.subarray(0, k * n), bAt / 4);
    if (accumulate) h.set(c.subarray(0, m * n), cAt / 4);
    gemmRaw(+transA, +transB, m, n, k, aAt, bAt, cAt, +accumulate, work);
    c.set(h.subarray(cAt / 4, cAt / 4 + m * n));
  }

  // Convolution as one GEMM over the whole batch: the columns of every image sit side by side in
  // one K × (batch·P) matrix (K = C·KH·KW taps, P = OH·OW output pixels per image).
  function dims(g: Conv2dGeometry) {
    const P = g.outHeight * g.outWidth;
    const K = g.inChannels * g.kernelHeight * g.kernelWidth;
    return { P, K, N: g.batch * P, imageSize: g.inChannels * g.inHeight * g.inWidth };
  }
  function walk(fn: Walk, g: Conv2dGeometry, imgAt: number, colAt: number): void {
    const { P, N, imageSize } = dims(g);
    for (let i = 0; i < g.batch; i++) {
      fn(imgAt + 4 * i * imageSize, colAt + 4 * i * P, 4 * N,
        g.inChannels, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth,
        g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.outHeight, g.outWidth);
    }
  }
  /** Copy [batch, OC, P] (as the tensor stores it) into [OC, batch·P] (as the GEMM wants it). */
  function toChannelMajor(src: Float32Array, h: Float32Array, at: number, g: Conv2dGeometry): void {
    const { P, N } = dims(g);
    for (let i = 0; i < g.batch; i++) {
      for (let oc = 0; oc < g.outChannels; oc++) {
        const from = (i * g.outChannels + oc) * P;
        h.set(src.subarray(from, from + P), at / 4 + oc * N + i * P);
      }
    }
  }
  const empty = (g: Conv2dGeometry) =>
    g.batch === 0 || g.outHeight <= 0 || g.outWidth <= 0 || g.outChannels === 0 || g.inChannels === 0;

  function conv2d(input: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array, g: Conv2dGeometry): void {
    if (empty(g) || g.kernelHeight * g.kernelWidth === 0) return jsBackend.conv2d(input, weight, bias, out, g);
    const { P, K, N, imageSize } = dims(g);
    const OC = g.outChannels;
    const L = new Layout();
    const inAt = L.take(g.batch * imageSize), wAt = L.take(OC * K), colAt = L.take(K * N);
    const outAt = L.take(OC * N), work = L.take(gemmWorkBytes(N, K) / 4);
    const h = reserve(L.end);
    h.set(input.subarray(0, g.batch * imageSize), inAt / 4);
    h.set(weight.subarray(0, OC * K), wAt / 4);
    walk(im2col, g, inAt, colAt);
    // Start each output row at its bias and let the GEMM add W·col onto it.
    if (bias) for (let oc = 0; oc < OC; oc++) h.fill(bias[oc]!, outAt / 4 + oc * N, outAt / 4 + (oc + 1) * N);
    gemmRaw(0, 0, OC, N, K, wAt, colAt, outAt, bias ? 1 : 0, work);
    for (let i = 0; i < g.batch; i++) {
      for (let oc = 0; oc < OC; oc++) {
        const from = outAt / 4 + oc * N + i * P;
        out.set(h.subarray(from, from + P), (i * OC + oc) * P);
      }
    }
  }

  function conv2dBackwardInput(gradOut: Float32Array, weight: Float32Array, gradInput: Float32Array, g: Conv2dGeometry): void {
    if (empty(g) || g.kernelHeight * g.kernelWidth === 0) return jsBackend.conv2dBackwardInput(gradOut, weight, gradInput, g);
    const { K, N, imageSize } = dims(g);
    const OC = g.outChannels;
    const L = new Layout();
    const gAt = L.take(OC * N), wAt = L.take(OC * K), colAt = L.take(K * N);
    const inAt = L.take(g.batch * imageSize), work = L.take(gemmWorkBytes(N, OC) / 4);
    const h = reserve(L.end);
    toChannelMajor(gradOut, h, gAt, g);
    h.set(weight.subarray(0, OC * K), wAt / 4);
    // gradCol[K × N] = Wᵀ · gradOut: W is stored OC × K, i.e. transposed for this product.
    gemmRaw(1, 0, K, N, OC, wAt, gAt, colAt, 0, work);
    h.fill(0, inAt / 4, inAt / 4 + g.batch * imageSize);
    walk(col2im, g, inAt, colAt);
    gradInput.set(h.subarray(inAt / 4, inAt / 4 + g.batch * imageSize));
  }

  function conv2dBackwardWeight(input: Float32Array, gradOut: Float32Array, gradWeight: Float32Array, g: Conv2dGeometry): void {
    if (empty(g) || g.kernelHeight * g.kernelWidth === 0) return jsBackend.conv2dBackwardWeight(input, gradOut, gradWeight, g);
    const { K, N, imageSize } = dims(g);
    const OC = g.outChannels;
    const L = new Layout();
    const inAt = L.take(g.batch * imageSize), colAt = L.take(K * N), gAt = L.take(OC * N);
    const gwAt = L.take(OC * K), work = L.take(gemmWorkBytes(K, N) / 4);
    const h = reserve(L.end);
    h.set(input.subarray(0, g.batch * imageSize), inAt / 4);
    walk(im2col, g, inAt, colAt);
    toChannelMajor(gradOut, h, gAt, g);
    // gradW[OC × K] = gradOut · colᵀ: col is stored K × N, i.e. transposed for this product.
    gemmRaw(0, 1, OC, K, N, gAt, colAt, gwAt, 0, work);
    gradWeight.set(h.subarray(gwAt / 4, gwAt / 4 + OC * K));
  }

  return {
    name: "wasm",
    gemm,
    conv2d,
    conv2dBackwardInput,
    conv2dBackwardWeight,
    // Pooling is O(n) work with a compare per element: the copy in and out would eat any SIMD
    // gain, so the readable loops serve both backends.
    maxPool2d: jsBackend.maxPool2d,
    maxPool2dBackward: jsBackend.maxPool2dBackward,
  };
}
