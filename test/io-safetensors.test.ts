import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";
import { readSafetensors } from "../src/io/safetensors.ts";

// Written by Python's safetensors.torch.save (safetensors 0.x, PyTorch 2.13) from these tensors,
// with metadata {"format": "pt"}.
const PYTHON_FILE = new Uint8Array(readFileSync(new URL("./fixtures/python-written.safetensors", import.meta.url)));
function pythonTensors(): Map<string, torch.Tensor> {
  return new Map([
    ["fc.weight", torch.tensor([[1.5, -2.0], [0.25, 3.0]])],
    ["fc.bias", torch.tensor([0.5, -0.5], { dtype: "float64" })],
    ["steps", torch.tensor([3, -(2 ** 40)], { dtype: "int64" })],
    ["mask", torch.tensor([true, false, true])],
    ["pix", torch.tensor([[0, 255]], { dtype: "uint8" })],
    ["idx", torch.tensor([7, -8], { dtype: "int32" })],
    ["empty", torch.zeros(0, 3)],
  ]);
}

function same(a: torch.Tensor, b: torch.Tensor, name: string): void {
  assert.is(a.dtype, b.dtype, `${name}: dtype`);
  assert.equal([...a.shape], [...b.shape], `${name}: shape`);
  assert.equal([...a.data], [...b.data], `${name}: values`);
}

test("serialize writes the bytes Python's safetensors writes for the same tensors and metadata", () => {
  const ours = torch.serialize(pythonTensors(), { format: "pt" });
  assert.equal([...ours], [...PYTHON_FILE]);
});

test("deserialize reads Python's file: every dtype, an empty tensor, the metadata", () => {
  const { tensors, metadata } = readSafetensors(PYTHON_FILE);
  assert.equal(metadata, { format: "pt" });
  const want = pythonTensors();
  assert.equal([...tensors.keys()].sort(), [...want.keys()].sort());
  for (const [name, t] of want) same(tensors.get(name)!, t, name);
});

const DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"] as const;
const valueOf = (dtype: (typeof DTYPES)[number], x: number) =>
  dtype === "bool" ? x > 0 : dtype === "uint8" ? Math.abs(Math.round(x * 100)) % 256 : dtype.startsWith("int") ? Math.round(x * 1e6) : x;

test("serialize then deserialize gives back every tensor, whatever its dtype and shape", () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.constantFrom(...DTYPES), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), fc.integer()), { maxLength: 6 }),
    (specs) => {
      const state = new Map<string, torch.Tensor>();
      specs.forEach(([dtype, shape, seed], i) => {
        const n = shape.reduce((a, b) => a * b, 1);
        let s = seed >>> 0;
        const values = Array.from({ length: n }, () => valueOf(dtype, ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1));
        state.set(`t${i}.${dtype}`, torch.tensor(values as never, { dtype }).reshape(...shape));
      });
      const back = torch.deserialize(torch.serialize(state));
      assert.equal([...back.keys()].sort(), [...state.keys()].sort());
      for (const [name, t] of state) same(back.get(name)!, t, name);
    },
  ), { numRuns: 100 });
});

test("a bad file raises a clear error and returns nothing", () => {
  const header = (json: string, data: number[] = []) => {
    const text = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + text.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
    out.set(text, 8);
    out.set(data, 8 + text.length);
    return out;
  };
  const cases: [Uint8Array, RegExp][] = [
    [PYTHON_FILE.subarray(0, 5), /5 bytes, fewer than the 8/],
    [PYTHON_FILE.subarray(0, PYTHON_FILE.length - 1), /the tensors hold 61 bytes of data, but 60 follow the header \(truncated or padded\)/],
    [PYTHON_FILE.subarray(0, 100), /the header's length is 456 bytes, but only 92 follow/],
    [header("{not json"), /the header is not UTF-8 JSON/],
    [header("[1,2]"), /the header is not a JSON object/],
    [header('{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}', [0, 0]), /"a" has dtype "F16"; torchlet reads I64, F64, F32, I32, U8, BOOL/],
    [header('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]), /"a" of shape \[2\] and dtype F32 needs 8 bytes, its offsets \[0, 4\] hold 4/],
    [header('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [0, 0]), /"a" starts at byte 1 of the data, expected 0/],
    [header('{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}', [0]), /"a" has shape \[-1\], not a list of whole numbers/],
    [header('{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}', [2]), /bool tensor "a" holds the byte 2 at 0/],
    [header('{"__metadata__":{"n":1}}'), /__metadata__ must map strings to strings/],
    [header('{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', [1, 0, 0, 0, 0, 0, 0x20, 0]), /int64 tensor "a" holds 9007199254740993 at 0, beyond 2\^53/],
  ];
  for (const [bytes, pattern] of cases) assert.throws(() => torch.deserialize(bytes), pattern);
});

test("serialize refuses what it cannot write, before writing anything", () => {
  assert.throws(() => torch.serialize({ w: [1, 2] as never }), /serialize: "w" is not a Tensor/);
  assert.throws(() => torch.serialize({ __metadata__: torch.ones(1) }), /"__metadata__" is reserved/);
  assert.throws(() => torch.serialize({ w: torch.ones(1) }, { n: 1 as never }), /metadata "n" must be a string, got number/);
});

test("torch.save and torch.load: a trained model's state dict to a file and back into a new model", () => {
  const dir = mkdtempSync(join(tmpdir(), "torchlet-save-"));
  try {
    torch.manualSeed(1);
    const net = () => new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8, 2));
    const model = net();
    model(torch.randn(5, 1, 4, 4)); // training mode: BatchNorm's running statistics and batch count move
    const path = join(dir, "model.safetensors");
    torch.save(model.stateDict(), path);
    const loaded = torch.load(path);
    assert.equal([...loaded.keys()].sort(), [...model.stateDict().keys()].sort());
    torch.manualSeed(2);
    const copy = net();
    copy.loadStateDict(loaded);
    model.eval();
    copy.eval();
    const x = torch.randn(3, 1, 4, 4);
    assert.equal([...copy(x).data], [...model(x).data]);
    assert.equal(loaded.get("1.num_batches_tracked")!.dtype, torch.int64);
    // a file that is not safetensors says so
    writeFileSync(join(dir, "bad.safetensors"), "hello");
    assert.throws(() => torch.load(join(dir, "bad.safetensors")), /not a valid safetensors file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
