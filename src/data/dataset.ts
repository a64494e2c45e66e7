// Datasets: anything with a length and a get(i) that returns one sample as a tuple of tensors
// (for example [input, label]), like torch.utils.data.Dataset.
import { Tensor } from "../tensor/tensor.ts";
import { checkIndex, defaultCollate, gatherRows } from "./collate.ts";

/** One sample: tensors and plain numbers, e.g. [image, label] with the label an integer as
 *  torchvision's datasets return it. defaultCollate turns numbers into a tensor per field. */
export type Sample = readonly (Tensor | number)[];

/** torch.utils.data.Dataset: a length and get(i), one sample; DataLoader batches any such object. */
export interface Dataset {
  readonly length: number;
  /** Sample i, e.g. [input, label]. */
  get(i: number): Sample;
  /** Optional fast path: samples `indices` already collated into batch tensors (what
   *  defaultCollate would make of get() on each index). DataLoader uses it when present. */
  getBatch?(indices: readonly number[]): Tensor[];
}

/** Wraps tensors that share their first dimension: sample i is row i of each (torch TensorDataset). */
export class TensorDataset implements Dataset {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error("TensorDataset: expected at least one tensor");
    const sizes = tensors.map((t) => (t.dim() === 0 ? "a 0-d tensor" : t.shape[0]));
    if (tensors.some((t) => t.dim() === 0) || new Set(sizes).size > 1) {
      throw new Error(`TensorDataset: size mismatch between tensors; every tensor needs the same first dimension, got ${sizes.join(", ")}`);
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  get(i: number): Tensor[] {
    const row = checkIndex(i, this.length);
    // row i of each tensor, a view as PyTorch's tensor[i]
    return this.tensors.map((t) => t.get(row));
  }

  getBatch(indices: readonly number[]): Tensor[] {
    return this.tensors.map((t) => gatherRows(t, indices));
  }
}

/** The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset). */
export class Subset implements Dataset {
  readonly dataset: Dataset;
  readonly indices: readonly number[];

  constructor(dataset: Dataset, indices: readonly number[]) {
    for (const i of indices) checkIndex(i, dataset.length);
    this.dataset = dataset;
    this.indices = indices;
  }

  get length(): number {
    return this.indices.length;
  }

  get(i: number): Sample {
    return this.dataset.get(this.indices[checkIndex(i, this.length)]!);
  }

  /** Passes the fast path through when the underlying dataset has one. */
  getBatch(indices: readonly number[]): Tensor[] {
    const inner = indices.map((i) => this.indices[checkIndex(i, this.length)]!);
    return this.dataset.getBatch ? this.dataset.getBatch(inner) : defaultCollate(inner.map((i) => this.dataset.get(i)));
  }
}
