// Which backend runs the hot loops. Ops call kernels() at the moment they need one, so a
// setBackend() between two steps takes effect at once.
import type { BackendName, KernelBackend } from "./types.ts";
import { float32, type DataArray, type DType } from "../tensor/dtype.ts";
import { jsBackend } from "./js/index.ts";
import { createWasmBackend, getThreads, requestedThreads, setThreads, whyNoThreads } from "./wasm/index.ts";
export { residentBlockOf, type ResidentBlock } from "./wasm/index.ts";

export type { BackendName, KernelBackend, Conv2dGeometry, Pool2dGeometry } from "./types.ts";

let wasmBackend: (KernelBackend & { readonly gemmKernel: string }) | null | undefined; // undefined: not tried yet
function loadWasm(): KernelBackend | null {
  if (wasmBackend === undefined) wasmBackend = createWasmBackend();
  return wasmBackend;
}

let current: KernelBackend<Float32Array> = loadWasm() ?? jsBackend;

/** setBackend's options. */
export interface BackendOptions {
  /** For "wasm": whether GEMM runs the relaxed-SIMD micro-kernel (fused multiply-adds, where the
   *  runtime accepts it; the default there) or the plain one. The two differ in last bits, so the
   *  course's pages choose the plain one, which Node 20 runs, to print the terminal's numbers. */
  relaxedSimd?: boolean;
}

/** torch.setBackend("js" | "wasm", { relaxedSimd }?): which kernels run matmul, convolution, ReLU
 *  and pooling from now on. */
export function setBackend(name: BackendName, options: BackendOptions = {}): void {
  if (typeof options !== "object" || options === null) throw new Error(`setBackend: options must be an object like { relaxedSimd: false }, got ${String(options)}`);
  const unknown = Object.keys(options).filter((k) => k !== "relaxedSimd");
  if (unknown.length > 0) throw new Error(`setBackend: unknown option ${JSON.stringify(unknown[0])}; the option is relaxedSimd`);
  if (options.relaxedSimd !== undefined && typeof options.relaxedSimd !== "boolean") {
    throw new Error(`setBackend: relaxedSimd must be true or false, got ${JSON.stringify(options.relaxedSimd)}`);
  }
  if (name === "js") {
    if (options.relaxedSimd !== undefined) throw new Error("setBackend: relaxedSimd is an option of the \"wasm\" backend");
    current = jsBackend;
  } else if (name === "wasm") {
    let wasm = loadWasm();
    if (!wasm) throw new Error("setBackend: the \"wasm\" backend needs WebAssembly SIMD, which this runtime lacks");
    const wanted = options.relaxedSimd === undefined ? null : options.relaxedSimd ? "relaxed-simd" : "simd";
    if (wanted !== null && wasmBackend!.gemmKernel !== wanted) {
      // a backend with the other GEMM kernel (createWasmBackend says so if this runtime lacks relaxed SIMD)
      wasmBackend = createWasmBackend({ relaxed: options.relaxedSimd });
      wasm = wasmBackend;
    }
    current = wasm!;
  } else {
    throw new Error(`setBackend: expected "js" or "wasm", got ${JSON.stringify(name)}`);
  }
}

/** Which GEMM micro-kernel the wasm backend runs: "relaxed-simd", "simd", or null without one. */
export function gemmKernel(): string | null {
  return loadWasm() ? wasmBackend!.gemmKernel : null;
}

/** torch.getBackend(): the kernels in use, "js" or "wasm". */
export function getBackend(): BackendName {
  return current.name;
}

/** The backend ops should call right now for float32 data. */
export function kernels(): KernelBackend<Float32Array> {
  return current;
}

/** The backend for data of `dtype`: the chosen one for float32, the js loops for every other dtype
 *  (the wasm kernels are float32 only). Callers pass arrays of that dtype, which the cast relies on. */
export function kernelsFor(dtype: DType): KernelBackend<DataArray> {
  return dtype === float32 ? (current as unknown as KernelBackend<DataArray>) : jsBackend;
}

/** A zeroed float32 array for something that lives as long as a model does (a parameter, its
 *  gradient, an optimiser's buffer): inside the wasm kernels' memory where it has room, so they
 *  use it without copying it in and out, else an ordinary array. */
export function longLivedFloat32(length: number): Float32Array {
  return loadWasm()?.residentArray?.(length) ?? new Float32Array(length);
}

/** A zeroed array for torch.tidy inside the kernels' memory (the chosen backend's), or null. */
export function scopedArray<T extends Float32Array | Int32Array>(type: new (buffer: ArrayBufferLike, at: number, length: number) => T, length: number, zeroed = true): T | null {
  return current.scopedArray?.(type, length, zeroed) ?? null;
}

/** Whether `array` came from longLivedFloat32's resident arrays (its gradient and buffers should too). */
export function isLongLived(array: DataArray): boolean {
  return loadWasm()?.isResident?.(array) ?? false;
}

/** array.fill(value), by the wasm kernels for a long-lived array in their memory (the engine's own
 *  fill is slow on a shared memory). */
export function fillArray(array: DataArray, value: number): void {
  if (!loadWasm()?.fillResident?.(array, value)) array.fill(value);
}

/** torch.set_num_threads: how many threads the wasm kernels split a large product over (the calling
 *  thread included). The default is the number of cores, as PyTorch's. Results are the same bits
 *  whatever the count. */
export function setNumThreads(n: number): void {
  setThreads(n);
}

/** torch.get_num_threads. */
export function getNumThreads(): number {
  return getThreads();
}

/** Starts the kernels' worker threads ahead of the work, for `count` threads (default: the count
 *  setNumThreads asked for). Node starts them on the first large product by itself; a browser's
 *  Web Workers start only while the thread that made them is free, so a page calls this (from the
 *  Web Worker it runs the model in, on a cross-origin isolated page) before training. Resolves to
 *  the threads large products will now use and, when that is one, why. (Not in PyTorch.) */
export async function prepareThreads(count: number = requestedThreads()): Promise<{ count: number; why: string }> {
  const ready = count > 1 && whyNoThreads() === null ? ((await loadWasm()?.prepareThreads?.(count)) ?? 1) : 1;
  return { count: Math.min(ready, getThreads()), why: ready > 1 || count === 1 ? "" : whyNoThreads() ?? "no worker could be started" };
}
