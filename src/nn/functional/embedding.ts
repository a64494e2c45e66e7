// nn.functional's index-based ops: embedding lookups and one-hot codes.
import { Tensor } from "../../tensor/tensor.ts";
import { int64 } from "../../tensor/dtype.ts";
import { noGrad } from "../../tensor/autograd.ts";
import { where } from "../../tensor/ops/math.ts";
import { indexSelect } from "../../tensor/ops/rearrange.ts";
import * as A from "../../args.ts";

/** F.embedding(input, weight, paddingIdx?): the rows of `weight` at the int64 indices of `input`,
 *  shaped [...input.shape, dim]; the row at paddingIdx gets no gradient, as PyTorch's. */
export function embedding(input: Tensor, weight: Tensor, ...args: (number | null | { paddingIdx?: number | null })[]): Tensor {
  const { paddingIdx = null } = A.positional("embedding", args, ["paddingIdx"], { paddingIdx: A.nullable(A.integer) }) as { paddingIdx?: number | null };
  A.checkArg("embedding", "weight", weight, A.tensor);
  if (!(input instanceof Tensor) || input.dtype !== int64) {
    throw new Error(`Expected tensor for argument #1 'indices' to have scalar type Long; but got ${input instanceof Tensor ? input.dtype : typeof input} instead (while checking arguments for embedding)`);
  }
  if (weight.dim() !== 2) throw new Error("'weight' must be 2-D");
  const rows = weight.shape[0]!;
  for (const i of input._data) if (!(i >= 0 && i < rows)) throw new Error(`index out of range in self (index ${i} of an embedding with ${rows} rows)`);
  let w = weight;
  if (paddingIdx !== null && weight.requiresGrad) {
    const p = paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
    const padRow = noGrad(() => new Tensor(Uint8Array.from({ length: rows }, (_, r) => (r === p ? 1 : 0)), [rows, 1], "bool"));
    w = where(padRow, weight.detach(), weight); // the same values; no gradient through the padding row
  }
  return indexSelect(w, 0, input.reshape(-1)).reshape([...input.shape, weight.shape[1]!]);
}

/** F.one_hot(indices, numClasses = -1): int64 codes [..., numClasses] (-1: the largest index + 1). */
export function oneHot(indices: Tensor, ...args: (number | { numClasses?: number })[]): Tensor {
  const { numClasses = -1 } = A.positional("one_hot", args, ["numClasses"], { numClasses: A.integer }) as { numClasses?: number };
  A.checkArg("one_hot", "indices", indices, A.tensor);
  if (indices.dtype !== int64) throw new Error("one_hot is only applicable to index tensor of type LongTensor.");
  const x = indices._data;
  const classes = numClasses === -1 ? (x.length ? Math.max(...x) + 1 : 0) : numClasses;
  const out = new Float64Array(x.length * classes);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i]! >= 0)) throw new Error("Class values must be non-negative.");
    if (x[i]! >= classes) throw new Error("Class values must be smaller than num_classes.");
    out[i * classes + x[i]!] = 1;
  }
  return new Tensor(out, [...indices.shape, classes], int64);
}
