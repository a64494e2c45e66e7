// Turning samples into batches. Both helpers copy whole rows with TypedArray.set, so a batch
// costs one copy of its bytes: no tensor per element, no graph.
import { Tensor } from "../tensor/tensor.ts";
import { sameShape, shapeString } from "../tensor/shape.ts";
import { bool, float64, int64 } from "../tensor/dtype.ts";
import type { Field, ObjectSample, Sample } from "./dataset.ts";

/** Checks an index into something of `size` rows; negative counts from the end, as in Python. */
export function checkIndex(index: number, size: number): number {
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new Error(`index ${index} is out of range for a dataset of size ${size}`);
  }
  return index < 0 ? index + size : index;
}

/** Rows `indices` of `t` (along dim 0) copied into one new tensor [indices.length, ...rest], same dtype. */
export function gatherRows(t: Tensor, indices: readonly number[]): Tensor {
  if (t.dim() === 0) throw new Error("gatherRows: a 0-d tensor has no rows");
  const n = t.shape[0]!;
  const rowSize = n === 0 ? 0 : t.numel() / n;
  const out = t.dtype.zeros(indices.length * rowSize);
  const data = t._data;
  for (let b = 0; b < indices.length; b++) {
    const row = checkIndex(indices[b]!, n);
    if (rowSize === 1) out[b] = data[row]!; // labels: skip the subarray view
    else out.set(data.subarray(row * rowSize, (row + 1) * rowSize), b * rowSize);
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)], t.dtype);
}

/** What defaultCollate makes of a field: a tensor (from tensors, numbers or booleans), a list of
 *  strings, or a list or object of batches, following the samples' own structure. */
export type Collated = Tensor | string[] | readonly Collated[] | { readonly [key: string]: Collated };

/** PyTorch's default_collate: each field of the samples batched, following their structure.
 *  Tensors are stacked along a new dim 0 (keeping their dtype); whole numbers become an int64
 *  tensor, other numbers float64 and booleans bool, as PyTorch collates Python ints, floats and
 *  bools; strings stay a list; tuples/lists are collated position by position and objects key by
 *  key. [image, label] samples become [images [B, ...], labels [B]]. */
export function defaultCollate(samples: readonly (readonly (Tensor | number)[])[]): Tensor[];
export function defaultCollate(samples: readonly (Sample | ObjectSample)[]): Collated;
export function defaultCollate(samples: readonly (Sample | ObjectSample)[]): Collated {
  if (samples.length === 0) throw new Error("defaultCollate: cannot collate an empty batch");
  return collateField(samples as readonly Field[], "the sample");
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return "a tensor";
  if (Array.isArray(v)) return "a list";
  return v === null ? "null" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** Batches one field across the samples; `where` names it in errors ("field 1", "field label"). */
function collateField(values: readonly Field[], where: string): Collated {
  const head = values[0];
  const same = (ok: (v: unknown) => boolean) => values.forEach((v, b) => {
    if (!ok(v)) throw new Error(`defaultCollate: sample ${b} has ${describe(v)} at ${where}, sample 0 ${describe(head)}`);
  });
  if (head instanceof Tensor) {
    same((v) => v instanceof Tensor);
    return stackRows(values as readonly Tensor[], where);
  }
  if (typeof head === "number") {
    same((v) => typeof v === "number");
    const numbers = values as readonly number[];
    return new Tensor(Float64Array.from(numbers), [numbers.length], numbers.every(Number.isInteger) ? int64 : float64);
  }
  if (typeof head === "boolean") {
    same((v) => typeof v === "boolean");
    return new Tensor(Uint8Array.from(values as readonly boolean[], Number), [values.length], bool);
  }
  if (typeof head === "string") {
    same((v) => typeof v === "string");
    return [...(values as readonly string[])];
  }
  if (Array.isArray(head)) {
    same((v) => Array.isArray(v));
    const lists = values as readonly (readonly Field[])[];
    if (lists.some((l) => l.length !== head.length)) throw new Error("each element in list of batch should be of equal size");
    return head.map((_, k) => collateField(lists.map((l) => l[k]!), where === "the sample" ? `position ${k}` : `${where}[${k}]`));
  }
  if (head !== null && typeof head === "object") {
    same((v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Tensor));
    const objects = values as readonly { readonly [key: string]: Field }[];
    const out: Record<string, Collated> = {};
    for (const key of Object.keys(head)) {
      objects.forEach((o, b) => {
        if (!(key in o)) throw new Error(`defaultCollate: sample ${b} has no "${key}", sample 0 has`);
      });
      out[key] = collateField(objects.map((o) => o[key]!), where === "the sample" ? `field ${key}` : `${where}.${key}`);
    }
    return out;
  }
  throw new Error(`defaultCollate: samples must hold tensors, numbers, booleans, strings, lists or objects; ${where} is ${describe(head)}`);
}

/** Tensors of one shape and dtype stacked along a new dim 0, one copy of their bytes. */
function stackRows(tensors: readonly Tensor[], where: string): Tensor {
  const head = tensors[0]!;
  const rowSize = head.numel();
  const out = head.dtype.zeros(tensors.length * rowSize);
  tensors.forEach((t, b) => {
    if (t.dtype !== head.dtype) throw new Error(`defaultCollate: sample ${b} has a ${t.dtype} tensor at ${where}, sample 0 a ${head.dtype} one`);
    if (!sameShape(t.shape, head.shape)) {
      throw new Error(`stack expects each tensor to be equal size, but got ${shapeString(head.shape)} at entry 0 and ${shapeString(t.shape)} at entry ${b}`);
    }
    out.set(t._data, b * rowSize);
  });
  return new Tensor(out, [tensors.length, ...head.shape], head.dtype);
}
