// The IDX format the MNIST files use (http://yann.lecun.com/exdb/mnist/): a big-endian header
//   bytes 0-1  zero
//   byte  2    type code (0x08 = unsigned byte, the only one MNIST uses)
//   byte  3    number of dims
//   then one 32-bit big-endian size per dim, then the values, row-major.
// So images start 0x00000803 (60000 x 28 x 28) and labels 0x00000801 (60000).

export interface Idx {
  dims: number[];
  /** the values, a view into the bytes given (no copy) */
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

const hex = (n: number) => "0x" + n.toString(16).padStart(8, "0");
const kind = (dims: number) => (dims === 3 ? "images" : dims === 1 ? "labels" : "values");

/** Parses IDX bytes; `what` names the file in error messages. */
export function parseIdx(bytes: Uint8Array, what: string): Idx {
  if (bytes.length < 4) throw new Error(`${what}: expected an IDX file, got only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new Error(`${what}: this is gzip-compressed (.gz); decompress it first`);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[3] === 0) {
    throw new Error(`${what}: not an IDX file (magic number ${hex(magic)}; expected 0x00000803 for images or 0x00000801 for labels)`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new Error(`${what}: IDX type code 0x${bytes[2]!.toString(16).padStart(2, "0")} is not supported; expected 0x08 (unsigned byte)`);
  }
  const ndims = bytes[3]!;
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new Error(`${what}: expected a ${headerBytes}-byte header for ${ndims} dims, got ${bytes.length} bytes`);
  }
  const dims = Array.from({ length: ndims }, (_, d) => view.getUint32(4 + 4 * d));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < headerBytes + count) {
    throw new Error(`${what}: expected ${headerBytes + count} bytes for ${dims.join("x")} ${kind(ndims)}, got ${bytes.length}`);
  }
  return { dims, data: bytes.subarray(headerBytes, headerBytes + count) };
}
