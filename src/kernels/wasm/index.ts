// Placeholder until the SIMD module lands: no wasm backend yet.
import type { KernelBackend } from "../types.ts";
export function createWasmBackend(): KernelBackend | null {
  return null;
}
