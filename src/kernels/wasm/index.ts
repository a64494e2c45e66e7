// The "wasm" kernel backend: SIMD kernels written by hand in .wat text, assembled at load time by
// assembler.ts (the text is embedded in wat.generated.ts by `npm run build:wasm`). Each .wat file
// has its binding beside it, under the same name:
//   gemm.wat -> gemm.ts          conv.wat, direct.wat -> conv.ts        pool.wat -> pool.ts
//   activation.wat -> activation.ts                                     optimizer.wat -> optimizer.ts
// over a shared memory (memory.ts, with the arena of long-lived arrays: arena.ts) and the threads
// that split a large GEMM (threads.ts), plus a plain memory for the kernels that need neither.
// This file puts them together behind the KernelBackend seam.
import type { Conv2dGeometry, KernelBackend } from "../types.ts";
import { jsBackend } from "../js/index.ts";
import { relaxedSimdAvailable } from "./relaxed.ts";
import { KernelMemory } from "./memory.ts";
import { GemmBinding } from "./gemm.ts";
import { ConvolutionBinding } from "./conv.ts";
import { PoolBinding } from "./pool.ts";
import { ActivationBinding } from "./activation.ts";
import { BatchNormBinding } from "./batchnorm.ts";
import { OptimizerBinding } from "./optimizer.ts";

export { setMemoryBudget } from "./memory.ts";
export { residentBlockOf, type ResidentBlock } from "./resident.ts";
export { BAND_ROWS, PARALLEL_MACS, getThreads, parallelGemmCalls, requestedThreads, setThreads, whyNoThreads } from "./threads.ts";

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

export interface WasmBackendOptions {
  /** Use the relaxed-SIMD GEMM micro-kernel (fused multiply-add). Default: where the runtime accepts it. */
  relaxed?: boolean;
}

/** The wasm backend, telling which GEMM micro-kernel it runs. */
export type WasmBackend = KernelBackend & { readonly gemmKernel: "relaxed-simd" | "simd" };

/** The wasm backend, or null where this runtime has no WebAssembly SIMD. */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend | null {
  if (!hasWasmSimd()) return null;
  const relaxed = options.relaxed ?? relaxedSimdAvailable();
  if (relaxed && !relaxedSimdAvailable()) {
    throw new Error("createWasmBackend({ relaxed: true }): this runtime does not accept relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)");
  }
  const mem = new KernelMemory();
  const gemm = new GemmBinding(mem, relaxed);
  const optimizer = new OptimizerBinding(mem);
  // Kernels that use neither the threads nor the arena work in a second memory that is not shared:
  // the engine copies into a shared memory word by word, at about half the speed of a plain copy,
  // and these kernels copy every activation in and out (measured: the chapter 08 CNN's step 8 %
  // faster). Where the memory is not shared anyway, there is just the one.
  const local = mem.shared ? new KernelMemory({ shared: false }) : mem;
  const pool = new PoolBinding(local);
  const activation = new ActivationBinding(local);
  const batchNorm = new BatchNormBinding(local);
  const sharedConv = new ConvolutionBinding(mem, gemm);
  const localConv = local === mem ? sharedConv : new ConvolutionBinding(local, new GemmBinding(local, relaxed));
  // A convolution goes to the shared memory only when its GEMM would be split over threads.
  const convFor = (g: Conv2dGeometry) =>
    gemm.threadsFor(g.outChannels, g.batch * g.outHeight * g.outWidth, g.inChannels * g.kernelHeight * g.kernelWidth) > 1 ? sharedConv : localConv;
  return {
    name: "wasm",
    gemmKernel: relaxed ? "relaxed-simd" : "simd",
    gemm: (...args) => gemm.gemm(...args),
    conv2d: (...args) => convFor(args[4]).conv2d(...args),
    conv2dBackwardInput: (...args) => localConv.conv2dBackwardInput(...args), // its GEMM reads W transposed: never split
    conv2dBackwardWeight: (...args) => convFor(args[3]).conv2dBackwardWeight(...args),
    // alone only for a frozen weight or a transposed convolution: no chapter's hot path
    conv2dBackwardBias: jsBackend.conv2dBackwardBias,
    // elementwise arithmetic stays in the plain loops: on arrays outside the memory a copy in and
    // out costs more than the work (Wasm has no exp or tanh either)
    batchNormStatistics: (...args) => batchNorm.batchNormStatistics(...args),
    batchNormNormalize: (...args) => batchNorm.batchNormNormalize(...args),
    batchNormBackward: (...args) => batchNorm.batchNormBackward(...args),
    arithmetic: jsBackend.arithmetic,
    map: jsBackend.map,
    layerNorm: jsBackend.layerNorm,
    layerNormBackward: jsBackend.layerNormBackward,
    gelu: jsBackend.gelu,
    geluBackward: jsBackend.geluBackward,
    // the gates need exp and tanh, which Wasm lacks: the plain loops
    gruCell: jsBackend.gruCell,
    gruCellBackward: jsBackend.gruCellBackward,
    lstmCell: jsBackend.lstmCell,
    lstmCellBackward: jsBackend.lstmCellBackward,
    relu: (x, out) => activation.relu(x, out),
    reluBackward: (out, g, dx) => activation.reluBackward(out, g, dx),
    // pool.wat's windows are solid; a dilated one (no chapter uses it) runs the plain loop
    maxPool2d: (input, out, argmax, g) => g.dilationH === 1 && g.dilationW === 1 ? pool.maxPool2d(input, out, argmax, g) : jsBackend.maxPool2d(input, out, argmax, g),
    maxPool2dBackward: (...args) => pool.maxPool2dBackward(...args),
    // average pooling has no SIMD kernel: no chapter's network spends its time there
    avgPool2d: jsBackend.avgPool2d,
    avgPool2dBackward: jsBackend.avgPool2dBackward,
    adaptiveAvgPool2d: jsBackend.adaptiveAvgPool2d,
    adaptiveAvgPool2dBackward: jsBackend.adaptiveAvgPool2dBackward,
    sgdMomentum: (...args) => optimizer.sgdMomentum(...args),
    prepareThreads: (count) => gemm.prepareThreads(count),
    residentArray: (length) => mem.arena?.alloc(length) ?? null,
    isResident: (array) => array instanceof Float32Array && (mem.arena?.addressOf(array) ?? -1) >= 0,
    scopedArray: (type, length, zeroed) => local.scopedArray(type, length, zeroed),
    fillResident: (array, value) => array instanceof Float32Array && optimizer.fillResident(array, value),
  };
}
