// Turning samples into batches. Both helpers copy whole rows with TypedArray.set, so a batch
// costs one copy of its bytes: no tensor per element, no graph.
import { Tensor } from "../tensor/tensor.ts";
import { sameShape, shapeString } from "../tensor/shape.ts";
import { float64, int64 } from "../tensor/dtype.ts";
import type { Sample } from "./dataset.ts";

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
  const out = new t.dtype.ArrayType(indices.length * rowSize);
  const data = t.data;
  for (let b = 0; b < indices.length; b++) {
    const row = checkIndex(indices[b]!, n);
    if (rowSize === 1) out[b] = data[row]!; // labels: skip the subarray view
    else out.set(data.subarray(row * rowSize, (row + 1) * rowSize), b * rowSize);
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)], t.dtype);
}

/** PyTorch's default_collate for tuples: field k of every sample, stacked along a new dim 0.
 *  [image, label] samples become [images [B, ...], labels [B]]; tensors keep their dtype, plain
 *  whole numbers become int64 and other numbers float64, as PyTorch collates Python ints and floats. */
export function defaultCollate(samples: readonly Sample[]): Tensor[] {
  if (samples.length === 0) throw new Error("defaultCollate: cannot collate an empty batch");
  const first = samples[0]!;
  return first.map((head, k) => {
    if (typeof head === "number") {
      const values = samples.map((sample, b) => {
        const v = sample[k];
        if (typeof v !== "number") throw new Error(`defaultCollate: sample ${b} has ${v instanceof Tensor ? "a tensor" : typeof v} at position ${k}, sample 0 a number`);
        return v;
      });
      return new Tensor(Float64Array.from(values), [values.length], values.every(Number.isInteger) ? int64 : float64);
    }
    const rowSize = head.numel();
    const out = new head.dtype.ArrayType(samples.length * rowSize);
    samples.forEach((sample, b) => {
      const t = sample[k];
      if (!(t instanceof Tensor)) throw new Error(`defaultCollate: sample ${b} has no tensor at position ${k}`);
      if (t.dtype !== head.dtype) throw new Error(`defaultCollate: sample ${b} has a ${t.dtype} tensor at position ${k}, sample 0 a ${head.dtype} one`);
      if (!sameShape(t.shape, head.shape)) {
        throw new Error(`stack expects each tensor to be equal size, but got ${shapeString(head.shape)} at entry 0 and ${shapeString(t.shape)} at entry ${b}`);
      }
      out.set(t.data, b * rowSize);
    });
    return new Tensor(out, [samples.length, ...head.shape], head.dtype);
  });
}
