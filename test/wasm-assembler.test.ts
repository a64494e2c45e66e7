import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { assemble, OPCODES, sleb128, uleb128, WatError } from "../src/kernels/wasm/assembler.ts";
import { relaxedSimdAvailable } from "../src/kernels/wasm/relaxed.ts";

// Decoders written independently of the encoders, straight from the LEB128 definition.
function decodeU(bytes: number[]): bigint {
  let v = 0n;
  bytes.forEach((b, i) => (v |= BigInt(b & 0x7f) << BigInt(7 * i)));
  return v;
}
function decodeS(bytes: number[]): bigint {
  const v = decodeU(bytes);
  const bits = BigInt(7 * bytes.length);
  return bytes[bytes.length - 1]! & 0x40 ? v - (1n << bits) : v;
}
function wellFormed(bytes: number[]): boolean {
  return bytes.every((b, i) => (i < bytes.length - 1 ? b >= 0x80 : b < 0x80));
}

test("uleb128 edge values", () => {
  assert.equal(uleb128(0), [0x00]);
  assert.equal(uleb128(1), [0x01]);
  assert.equal(uleb128(127), [0x7f]);
  assert.equal(uleb128(128), [0x80, 0x01]);
  assert.equal(uleb128(255), [0xff, 0x01]);
  assert.equal(uleb128(16383), [0xff, 0x7f]);
  assert.equal(uleb128(16384), [0x80, 0x80, 0x01]);
  assert.equal(uleb128(624485), [0xe5, 0x8e, 0x26]); // the example in the LEB128 literature
  assert.equal(uleb128(2 ** 32 - 1), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.throws(() => uleb128(-1));
});

test("sleb128 edge values", () => {
  assert.equal(sleb128(0), [0x00]);
  assert.equal(sleb128(-1), [0x7f]);
  assert.equal(sleb128(63), [0x3f]);
  assert.equal(sleb128(64), [0xc0, 0x00]); // 64 has bit 6 set: needs a second byte to stay positive
  assert.equal(sleb128(-64), [0x40]);
  assert.equal(sleb128(-65), [0xbf, 0x7f]);
  assert.equal(sleb128(-123456), [0xc0, 0xbb, 0x78]);
  assert.equal(sleb128(2 ** 31 - 1), [0xff, 0xff, 0xff, 0xff, 0x07]);
  assert.equal(sleb128(-(2 ** 31)), [0x80, 0x80, 0x80, 0x80, 0x78]);
  assert.equal(sleb128(-(2n ** 63n)), [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  assert.equal(sleb128(2n ** 63n - 1n), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
});

test("LEB128 round-trips and uses the fewest bytes", () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (v) => {
    const bytes = uleb128(v);
    return wellFormed(bytes) && decodeU(bytes) === v && bytes.length === Math.max(1, Math.ceil(v.toString(2).length / 7));
  }));
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
    const bytes = sleb128(v);
    // one byte fewer would not hold v: the shortest form
    const shorter = bytes.length === 1 || decodeS(bytes.slice(0, -1).map((b, i, all) => (i === all.length - 1 ? b & 0x7f : b))) !== v;
    return wellFormed(bytes) && decodeS(bytes) === v && shorter;
  }));
});

// Every opcode the assembler knows, with its encoding as the core spec (binary format, instructions)
// writes it, and a snippet that uses it validly. The snippets run inside
// (func (param $i i32) (param $f f32) (param $v v128) (local $t i32)) with memory 1.
const SPEC: Record<string, { bytes: number[]; use: string }> = {};
const I = "i32.const 7 i32.const 3";
const F = "f32.const 1.5 f32.const 2.5";
const V = "v128.const f32x4 1 2 3 4 v128.const f32x4 5 6 7 8";
const spec = (name: string, bytes: number[], use: string) => (SPEC[name] = { bytes, use });
spec("unreachable", [0x00], "unreachable");
spec("nop", [0x01], "nop");
spec("block", [0x02, 0x40], "block $b end");
spec("loop", [0x03, 0x40], "loop $l end");
spec("if", [0x04, 0x40], "local.get $i if end");
spec("else", [0x05], "local.get $i if nop else nop end");
spec("end", [0x0b], "block end");
spec("br", [0x0c, 0x00], "block $b br $b end");
spec("br_if", [0x0d, 0x00], "block $b local.get $i br_if $b end");
spec("return", [0x0f], "return");
spec("call", [0x10, 0x01], "call $callee");
spec("drop", [0x1a], "local.get $i drop");
spec("select", [0x1b], `${I} local.get $i select drop`);
spec("local.get", [0x20, 0x00], "local.get $i drop");
spec("local.set", [0x21, 0x03], "i32.const 1 local.set $t");
spec("local.tee", [0x22, 0x03], "i32.const 1 local.tee $t drop");
spec("i32.load", [0x28, 0x02, 0x08], "i32.const 0 i32.load offset=8 drop");
spec("f32.load", [0x2a, 0x02, 0x00], "i32.const 0 f32.load drop");
spec("i64.load", [0x29, 0x03, 0x00], "i32.const 0 i64.load drop");
spec("f64.load", [0x2b, 0x00, 0x04], "i32.const 0 f64.load offset=4 align=1 drop");
spec("i32.store", [0x36, 0x02, 0x00], "i32.const 0 i32.const 1 i32.store");
spec("i64.store", [0x37, 0x03, 0x00], "i32.const 0 i64.const 1 i64.store");
spec("f32.store", [0x38, 0x02, 0x00], "i32.const 0 f32.const 1 f32.store");
spec("f64.store", [0x39, 0x03, 0x00], "i32.const 0 f64.const 1 f64.store");
spec("i32.const", [0x41, 0x80, 0x01], "i32.const 128 drop");
spec("i64.const", [0x42, 0x7f], "i64.const -1 drop");
spec("f32.const", [0x43, 0x00, 0x00, 0xc0, 0x3f], "f32.const 1.5 drop");
spec("f64.const", [0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f], "f64.const 1.5 drop");
const i32Ops: [string, number][] = [
  ["i32.eq", 0x46], ["i32.ne", 0x47], ["i32.lt_s", 0x48], ["i32.lt_u", 0x49], ["i32.gt_s", 0x4a], ["i32.gt_u", 0x4b],
  ["i32.le_s", 0x4c], ["i32.le_u", 0x4d], ["i32.ge_s", 0x4e], ["i32.ge_u", 0x4f],
  ["i32.add", 0x6a], ["i32.sub", 0x6b], ["i32.mul", 0x6c], ["i32.div_s", 0x6d], ["i32.div_u", 0x6e],
  ["i32.rem_s", 0x6f], ["i32.rem_u", 0x70], ["i32.and", 0x71], ["i32.or", 0x72], ["i32.xor", 0x73],
  ["i32.shl", 0x74], ["i32.shr_s", 0x75], ["i32.shr_u", 0x76],
];
for (const [name, code] of i32Ops) spec(name, [code], `${I} ${name} drop`);
spec("i32.eqz", [0x45], "local.get $i i32.eqz drop");
for (const [name, code] of [["f32.add", 0x92], ["f32.sub", 0x93], ["f32.mul", 0x94], ["f32.div", 0x95], ["f32.min", 0x96], ["f32.max", 0x97]] as const) {
  spec(name, [code], `${F} ${name} drop`);
}
for (const [name, code] of [["f32.lt", 0x5d], ["f32.gt", 0x5e], ["f32.le", 0x5f], ["f32.ge", 0x60]] as const) spec(name, [code], `${F} ${name} drop`);
spec("v128.load", [0xfd, 0x00, 0x04, 0x10], "i32.const 0 v128.load offset=16 drop");
spec("v128.load32_splat", [0xfd, 0x09, 0x02, 0x04], "i32.const 0 v128.load32_splat offset=4 drop");
spec("v128.store", [0xfd, 0x0b, 0x02, 0x00], "i32.const 0 local.get $v v128.store align=4");
spec("v128.const", [0xfd, 0x0c, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], "v128.const i32x4 1 2 3 -1 drop");
spec("v128.load32_zero", [0xfd, 0x5c, 0x02, 0x00], "i32.const 0 v128.load32_zero drop");
spec("v128.load32_lane", [0xfd, 0x56, 0x02, 0x00, 0x03], "i32.const 0 local.get $v v128.load32_lane 3 drop");
spec("v128.store32_lane", [0xfd, 0x5a, 0x02, 0x00, 0x01], "i32.const 0 local.get $v v128.store32_lane 1");
spec("f64x2.sub", [0xfd, 0xf1, 0x01], `${V} f64x2.sub drop`); // 241
spec("v128.store64_lane", [0xfd, 0x5b, 0x03, 0x08, 0x01], "i32.const 0 local.get $v v128.store64_lane offset=8 1");
spec("i8x16.shuffle", [0xfd, 0x0d, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23],
  `${V} i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 drop`);
spec("i32x4.splat", [0xfd, 0x11], "local.get $i i32x4.splat drop");
spec("f32x4.splat", [0xfd, 0x13], "local.get $f f32x4.splat drop");
spec("f32x4.extract_lane", [0xfd, 0x1f, 0x02], "local.get $v f32x4.extract_lane 2 drop");
spec("f32x4.replace_lane", [0xfd, 0x20, 0x01], "local.get $v local.get $f f32x4.replace_lane 1 drop");
spec("f32x4.gt", [0xfd, 0x44], `${V} f32x4.gt drop`); // 68, one byte
spec("f32x4.le", [0xfd, 0x45], `${V} f32x4.le drop`); // 69
spec("f32.eq", [0x5b], "local.get $f local.get $f f32.eq drop");
spec("f32.ne", [0x5c], "local.get $f local.get $f f32.ne drop");
spec("v128.and", [0xfd, 0x4e], `${V} v128.and drop`); // 78
spec("v128.andnot", [0xfd, 0x4f], `${V} v128.andnot drop`); // 79
spec("f32x4.ne", [0xfd, 0x42], `${V} f32x4.ne drop`); // 66
spec("v128.or", [0xfd, 0x50], `${V} v128.or drop`); // 80
spec("v128.bitselect", [0xfd, 0x52], `${V} local.get $v v128.bitselect drop`); // 82
spec("i32x4.add", [0xfd, 0xae, 0x01], `${V} i32x4.add drop`); // 174: two LEB128 bytes
// Sub-opcodes of 128 and more take two LEB128 bytes: 228 = 0xe4 0x01.
for (const [name, sub] of [["f32x4.add", 228], ["f32x4.sub", 229], ["f32x4.mul", 230], ["f32x4.min", 232], ["f32x4.max", 233]] as const) {
  spec(name, [0xfd, (sub & 0x7f) | 0x80, sub >> 7], `${V} ${name} drop`);
}

spec("f64.add", [0xa0], "f64.const 1 f64.const 2 f64.add drop");
spec("f64.eq", [0x61], "f64.const 1 f64.const 2 f64.eq drop");
spec("f64.sub", [0xa1], "f64.const 1 f64.const 2 f64.sub drop");
spec("f64.promote_f32", [0xbb], "local.get $f f64.promote_f32 drop");
spec("f64.mul", [0xa2], "f64.const 1 f64.const 2 f64.mul drop");
spec("v128.load64_zero", [0xfd, 0x5d, 0x03, 0x08], "i32.const 0 v128.load64_zero offset=8 drop"); // 93, align 2^3
spec("f32.demote_f64", [0xb6], "f64.const 1 f32.demote_f64 drop");
spec("f64x2.splat", [0xfd, 0x14], "f64.const 1 f64x2.splat drop"); // 20
spec("f64x2.mul", [0xfd, 0xf2, 0x01], `${V} f64x2.mul drop`); // 242
spec("f32x4.demote_f64x2_zero", [0xfd, 0x5e], "local.get $v f32x4.demote_f64x2_zero drop"); // 94
spec("f64x2.extract_lane", [0xfd, 0x21, 0x01], "local.get $v f64x2.extract_lane 1 drop"); // 33
spec("f64x2.promote_low_f32x4", [0xfd, 0x5f], "local.get $v f64x2.promote_low_f32x4 drop"); // 95
spec("f64x2.add", [0xfd, 0xf0, 0x01], `${V} f64x2.add drop`); // 240: two LEB128 bytes

// Relaxed SIMD validates only where the runtime accepts it (Node 20: with a flag; test/wasm-relaxed
// runs that check in a child process with the flag).
spec("f32x4.relaxed_madd", [0xfd, 0x85, 0x02], `${V} v128.const f32x4 0 0 0 0 f32x4.relaxed_madd drop`); // 0x105

function moduleWith(body: string): string {
  return `(module (import "env" "memory" (memory 1))
    (func $f (param $i i32) (param $f f32) (param $v v128) (local $t i32)
      ${body})
    (func $callee))`;
}
function contains(hay: Uint8Array, needle: number[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

test("every opcode in the table has its spec encoding and validates in use", () => {
  for (const name of OPCODES.keys()) assert.ok(SPEC[name], `no spec entry for ${name}: add one to this test`);
  for (const [name, { bytes, use }] of Object.entries(SPEC)) {
    const info = OPCODES.get(name);
    assert.ok(info, `assembler lacks ${name}`);
    assert.equal(info!.code, bytes.slice(0, info!.code.length), `opcode of ${name}`);
    if (name.includes("relaxed") && !relaxedSimdAvailable()) continue;
    const wasm = assemble(moduleWith(use), name); // assemble() itself checks WebAssembly.validate
    assert.ok(contains(wasm, bytes), `${name}: expected bytes ${bytes.map((b) => b.toString(16))} in the module`);
  }
});

test("a tiny module validates and runs: loops, SIMD, memory", () => {
  const wasm = assemble(`
    (module
      (import "env" "memory" (memory 1))
      ;; sum of f[0..n) four at a time, then the lanes added up
      (func (export "sum4") (param $p i32) (param $n i32) (result f32)
        (local $acc v128)
        block $done
          loop $next
            local.get $n  i32.eqz  br_if $done
            local.get $acc  local.get $p  v128.load  f32x4.add  local.set $acc
            local.get $p  i32.const 16  i32.add  local.set $p
            local.get $n  i32.const 4  i32.sub  local.set $n
            br $next
          end
        end
        local.get $acc  f32x4.extract_lane 0  local.get $acc  f32x4.extract_lane 1  f32.add
        local.get $acc  f32x4.extract_lane 2  local.get $acc  f32x4.extract_lane 3  f32.add  f32.add)
      (func $sq (param i32) (result i32) local.get 0 local.get 0 i32.mul)
      (func (export "sq_plus") (param $x i32) (result i32)
        local.get $x  call $sq  i32.const -5  i32.add)
      (func (export "pick") (param $x i32) (result i32)
        local.get $x  i32.const 10  i32.gt_s
        if (result i32)  i32.const 1  else  i32.const 2  end))`, "tiny");
  const memory = new WebAssembly.Memory({ initial: 1 });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { memory } });
  const ex = inst.exports as Record<string, (...a: number[]) => number>;
  new Float32Array(memory.buffer).set([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.is(ex.sum4!(0, 8), 36);
  assert.is(ex.sq_plus!(9), 76);
  assert.is(ex.pick!(11), 1);
  assert.is(ex.pick!(3), 2);
});

test("sharedMemory imports the memory as shared (limits flag 0x03 and a maximum)", () => {
  const text = `(module (import "env" "memory" (memory 2))
    (func (export "get") (param $p i32) (result i32) local.get $p  i32.load))`;
  const plain = assemble(text, "plain"), shared = assemble(text, "shared", { sharedMemory: { maximum: 300 } });
  // The import's limits: 0x00 2 (minimum only) as written, 0x03 2 0xac 0x02 (300) when shared.
  const bytes = (b: Uint8Array) => Array.from(b).join(",");
  assert.ok(bytes(plain).includes([0x02, 0x00, 0x02].join(",")));
  assert.ok(bytes(shared).includes([0x02, 0x03, 0x02, 0xac, 0x02].join(",")));
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 300, shared: true });
  new Int32Array(memory.buffer)[3] = 42;
  const get = new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory } }).exports.get as (p: number) => number;
  assert.is(get(12), 42);
  // A shared module refuses a plain memory, and a plain module a shared one: the flag is really there.
  assert.throws(() => new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory: new WebAssembly.Memory({ initial: 2 }) } }));
  assert.throws(() => new WebAssembly.Instance(new WebAssembly.Module(plain), { env: { memory } }));
});

function throwsWith(text: string, pattern: RegExp): void {
  try {
    assemble(text, "broken.wat");
  } catch (error) {
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}

test("broken modules are reported clearly, with file and line", () => {
  throwsWith("(module\n (func\n   i32.const 1\n   i32.frobnicate\n   drop))", /broken\.wat:4: unknown instruction 'i32\.frobnicate'/);
  throwsWith("(module\n (func\n  block $a\n   br $b\n  end))", /broken\.wat:4: unknown label \$b/);
  throwsWith("(module\n (func (param $x i32)\n  local.get $y drop))", /broken\.wat:3: unknown local \$y/);
  throwsWith("(module (func\n  block\n  i32.const 1 drop))", /not closed with 'end'/);
  throwsWith("(module (func (i32.add (i32.const 1) (i32.const 2)) drop))", /folded instructions are not supported/);
  throwsWith("(module (func (param $x i32)\n\n  local.get $x  v128.load align=32 drop))", /broken\.wat:3: align=32 exceeds/);
  throwsWith("(module (func (result i32) f32.const 1))", /broken\.wat: assembled module does not validate: .*/);
  throwsWith("(module (func", /unclosed/);
  try { assemble("(module (func nope))", "x.wat"); } catch (error) { assert.instance(error, WatError); }
});

test.run();
