// The safetensors format, read and written from its specification (huggingface/safetensors):
//
//   8 bytes   N, the header's length, an unsigned 64-bit little-endian integer
//   N bytes   a UTF-8 JSON object: { name: { dtype, shape, data_offsets: [begin, end] }, ... } and
//             optionally "__metadata__": { string: string }; padded with spaces
//   the rest  the tensors' bytes, little-endian and row-major, each at [begin, end) of this buffer
//
// The writer lays the file out as Python's safetensors does (widest dtypes first, then by name;
// the header padded to a multiple of 8), so the same tensors give the same bytes. The reader
// checks everything before it makes a tensor: a bad file raises and never yields part of one.
import { Tensor } from "../tensor/tensor.ts";
import { bool, float32, float64, int32, int64, uint8, type DType } from "../tensor/dtype.ts";
import { numelOf } from "../tensor/shape.ts";

/** A state dict: names to tensors, as a Map (what stateDict() returns) or a plain object. */
export type StateDict = Map<string, Tensor> | Record<string, Tensor>;

interface Format { code: string; dtype: DType; bytes: number; rank: number }
// `rank` orders tensors in the file as Python's writer does.
const FORMATS: readonly Format[] = [
  { code: "I64", dtype: int64, bytes: 8, rank: 5 },
  { code: "F64", dtype: float64, bytes: 8, rank: 4 },
  { code: "F32", dtype: float32, bytes: 4, rank: 3 },
  { code: "I32", dtype: int32, bytes: 4, rank: 2 },
  { code: "U8", dtype: uint8, bytes: 1, rank: 1 },
  { code: "BOOL", dtype: bool, bytes: 1, rank: 0 },
];
const formatOf = (dtype: DType) => FORMATS.find((f) => f.dtype === dtype)!;

/** Everything int64 holds here is exact only up to 2^53 in size (it is stored in float64). */
const INT64_EXACT = 2 ** 53;

function entriesOf(state: StateDict, what: string): [string, Tensor][] {
  const entries = state instanceof Map ? [...state.entries()] : Object.entries(state);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new Error(`${what}: "${name}" is not a Tensor`);
    if (name === "__metadata__") throw new Error(`${what}: "__metadata__" is reserved by the safetensors format`);
  }
  return entries;
}

/** torch.serialize: a state dict as the bytes of a safetensors file. */
export function serialize(state: StateDict, metadata?: Record<string, string>): Uint8Array {
  const entries = entriesOf(state, "serialize");
  entries.sort(([a, x], [b, y]) => formatOf(y.dtype).rank - formatOf(x.dtype).rank || (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== "string") throw new Error(`serialize: metadata "${k}" must be a string, got ${typeof v}`);
    header.__metadata__ = metadata;
  }
  let end = 0;
  for (const [name, t] of entries) {
    const size = t.numel() * formatOf(t.dtype).bytes;
    header[name] = { dtype: formatOf(t.dtype).code, shape: [...t.shape], data_offsets: [end, end + size] };
    end += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + end);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const [name, t] of entries) {
    writeData(view, at, t, name);
    at += t.numel() * formatOf(t.dtype).bytes;
  }
  return out;
}

function writeData(view: DataView, at: number, t: Tensor, name: string): void {
  const d = t._data;
  switch (t.dtype) {
    case float32: for (let i = 0; i < d.length; i++) view.setFloat32(at + 4 * i, d[i]!, true); break;
    case float64: for (let i = 0; i < d.length; i++) view.setFloat64(at + 8 * i, d[i]!, true); break;
    case int32: for (let i = 0; i < d.length; i++) view.setInt32(at + 4 * i, d[i]!, true); break;
    case int64:
      for (let i = 0; i < d.length; i++) {
        if (!Number.isInteger(d[i])) throw new Error(`serialize: int64 tensor "${name}" holds ${d[i]} at ${i}, not a whole number`);
        view.setBigInt64(at + 8 * i, BigInt(d[i]!), true);
      }
      break;
    default: for (let i = 0; i < d.length; i++) view.setUint8(at + i, d[i]!); // uint8, bool
  }
}

const wholeNumbers = (v: unknown, count?: number): v is number[] =>
  Array.isArray(v) && (count === undefined || v.length === count) && v.every((x) => Number.isSafeInteger(x) && x >= 0);

/** torch.deserialize: the tensors of a safetensors file's bytes, by name, in the file's order. */
export function deserialize(bytes: Uint8Array): Map<string, Tensor> {
  return readSafetensors(bytes).tensors;
}

/** The tensors and the `__metadata__` of a safetensors file's bytes. */
export function readSafetensors(bytes: Uint8Array): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const bad = (why: string): never => { throw new Error(`not a valid safetensors file: ${why}`); };
  if (bytes.length < 8) bad(`${bytes.length} bytes, fewer than the 8 of the header's length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) bad(`the header's length is ${n} bytes, but only ${bytes.length - 8} follow`);
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch (error) {
    bad(`the header is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) bad("the header is not a JSON object");
  const dataLength = bytes.length - headerEnd;
  let metadata: Record<string, string> = {};
  const plan: { name: string; format: Format; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof info !== "object" || info === null || Object.values(info).some((v) => typeof v !== "string")) bad("__metadata__ must map strings to strings");
      metadata = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (info ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const format = FORMATS.find((f) => f.code === dtype);
    if (!format) bad(`"${name}" has dtype ${JSON.stringify(dtype)}; torchlet reads ${FORMATS.map((f) => f.code).join(", ")}`);
    if (!wholeNumbers(shape)) bad(`"${name}" has shape ${JSON.stringify(shape)}, not a list of whole numbers`);
    if (!wholeNumbers(offsets, 2)) bad(`"${name}" has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
    const [begin, end] = offsets as number[];
    const want = numelOf(shape as number[]) * format!.bytes;
    if (end! - begin! !== want) bad(`"${name}" of shape [${shape}] and dtype ${format!.code} needs ${want} bytes, its offsets [${begin}, ${end}] hold ${end! - begin!}`);
    plan.push({ name, format: format!, shape: shape as number[], begin: begin!, end: end! });
  }
  // The tensors' bytes must tile the data exactly: no gap, no overlap, nothing left over.
  const byStart = [...plan].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const p of byStart) {
    if (p.begin !== covered) bad(`"${p.name}" starts at byte ${p.begin} of the data, expected ${covered} (a gap or an overlap)`);
    covered = p.end;
  }
  if (covered !== dataLength) bad(`the tensors hold ${covered} bytes of data, but ${dataLength} follow the header (truncated or padded)`);
  const tensors = new Map<string, Tensor>();
  for (const p of plan) tensors.set(p.name, readData(view, headerEnd + p.begin, p));
  return { tensors, metadata };
}

function readData(view: DataView, at: number, p: { name: string; format: Format; shape: number[] }): Tensor {
  const count = numelOf(p.shape);
  const dtype = p.format.dtype;
  const d = dtype.zeros(count);
  switch (dtype) {
    case float32: for (let i = 0; i < count; i++) d[i] = view.getFloat32(at + 4 * i, true); break;
    case float64: for (let i = 0; i < count; i++) d[i] = view.getFloat64(at + 8 * i, true); break;
    case int32: for (let i = 0; i < count; i++) d[i] = view.getInt32(at + 4 * i, true); break;
    case int64:
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(at + 8 * i, true);
        if (v > INT64_EXACT || v < -INT64_EXACT) {
          throw new Error(`int64 tensor "${p.name}" holds ${v} at ${i}, beyond 2^53: torchlet keeps int64 in float64 and could not hold it exactly`);
        }
        d[i] = Number(v);
      }
      break;
    case bool:
      for (let i = 0; i < count; i++) {
        const v = view.getUint8(at + i);
        if (v > 1) throw new Error(`not a valid safetensors file: bool tensor "${p.name}" holds the byte ${v} at ${i}`);
        d[i] = v;
      }
      break;
    default: for (let i = 0; i < count; i++) d[i] = view.getUint8(at + i);
  }
  return new Tensor(d, p.shape, dtype);
}
