import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { generatedPath, renderGenerated } from "../scripts/build-wasm.ts";
import { hasWasmSimd } from "../src/kernels/wasm/index.ts";

test("wat.generated.ts matches the .wat files (run `npm run build:wasm` if this fails)", () => {
  const onDisk = readFileSync(generatedPath, "utf8");
  assert.ok(onDisk === renderGenerated(), "src/kernels/wasm/wat.generated.ts is stale: run `npm run build:wasm`");
});

test("the SIMD probe is a valid module on Node 20", () => {
  assert.ok(hasWasmSimd());
});

test.run();
