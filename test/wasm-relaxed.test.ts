import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { createWasmBackend } from "../src/kernels/wasm/index.ts";
import { relaxedGemmText, relaxedSimdAvailable } from "../src/kernels/wasm/relaxed.ts";
import { gemmWat } from "../src/kernels/wasm/wat.generated.ts";

test("the relaxed variant fuses each of the micro-kernel's eight multiply-adds and changes nothing else", () => {
  const text = relaxedGemmText(gemmWat);
  assert.is(text.match(/f32x4\.relaxed_madd/g)?.length, 8);
  assert.is(text.match(/f32x4\.mul/g)?.length ?? 0, (gemmWat.match(/f32x4\.mul/g)?.length ?? 0) - 8);
  assert.ok(text.includes("local.get $a  local.get $b3  local.get $c13  f32x4.relaxed_madd  local.set $c13"));
  assert.throws(() => relaxedGemmText("(module)"), /expected 8 multiply-add updates in gemm\.wat, found 0/);
});

test("without relaxed SIMD the plain kernel runs, and asking for the relaxed one says why it cannot", () => {
  const backend = createWasmBackend()!;
  assert.is(backend.gemmKernel, relaxedSimdAvailable() ? "relaxed-simd" : "simd");
  assert.is(createWasmBackend({ relaxed: false })!.gemmKernel, "simd");
  if (!relaxedSimdAvailable()) assert.throws(() => createWasmBackend({ relaxed: true }), /does not accept relaxed SIMD/);
});

test("with --experimental-wasm-relaxed-simd: the fused kernel is used, within float32 rounding, the same bits on two threads", () => {
  const out = execFileSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", "test/fixtures/relaxed-gemm-check.ts"],
    { encoding: "utf8", timeout: 120_000 });
  const r = JSON.parse(out.trim().split("\n").pop()!);
  assert.is(r.available, true);
  assert.is(r.kernel, "relaxed-simd");
  assert.is(r.plainKernel, "simd");
  assert.ok(r.worst <= 1, `an error of ${r.worst} times the float32 rounding bound`);
  assert.is(r.threadMismatch, 0, "one thread and two give the same bits");
  // The fused kernel rounds once per multiply-add, so some results differ in their last bits from
  // the plain kernel's: the sign that FMA really ran (every x86-64 CPU since 2013 and every 64-bit
  // ARM has it; without it V8 would run a multiply and an add, and this line would fail).
  assert.ok(r.differs > 0, "the fused kernel gave exactly the plain kernel's bits everywhere");
});

test.run();
