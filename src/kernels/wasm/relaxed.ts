// The relaxed-SIMD variant of gemm.wat's micro-kernel. Relaxed SIMD (a Wasm 3.0 feature) adds
// f32x4.relaxed_madd: a·b + c, one fused multiply-add where the CPU has FMA (one rounding instead
// of two). Node 20 validates it only with --experimental-wasm-relaxed-simd, so the plain kernel
// stays the default and this one is used only where the runtime accepts it.
//
// Rather than keep a second copy of gemm.wat, the variant is made from it: every accumulator
// update of the micro-kernel, written there as
//     local.get $cXY  local.get $a  local.get $bY  f32x4.mul  f32x4.add  local.set $cXY
// becomes
//     local.get $a  local.get $bY  local.get $cXY  f32x4.relaxed_madd  local.set $cXY
import { assemble } from "./assembler.ts";

const UPDATE = /local\.get (\$c\d\d) {2}local\.get \$a {2}local\.get (\$b\d) {2}f32x4\.mul {2}f32x4\.add/g;
/** The micro-kernel's 2x16 tile: 2 rows times 4 vectors of 4 lanes. */
const UPDATES = 8;

/** gemm.wat's text with the micro-kernel's multiply-adds fused; throws if the kernel's text no
 *  longer has the eight updates this rewrite expects (gemm.wat was changed: update this file). */
export function relaxedGemmText(gemmWat: string): string {
  const found = gemmWat.match(UPDATE)?.length ?? 0;
  if (found !== UPDATES) throw new Error(`relaxedGemmText: expected ${UPDATES} multiply-add updates in gemm.wat, found ${found}`);
  return gemmWat.replace(UPDATE, "local.get $a  local.get $2  local.get $1  f32x4.relaxed_madd");
}

const PROBE = `(module (func (result v128)
  v128.const i32x4 0 0 0 0  v128.const i32x4 0 0 0 0  v128.const i32x4 0 0 0 0  f32x4.relaxed_madd))`;

/** Does this runtime accept relaxed SIMD? */
export function relaxedSimdAvailable(): boolean {
  try {
    assemble(PROBE, "relaxed-probe"); // assemble checks WebAssembly.validate
    return true;
  } catch {
    return false;
  }
}
