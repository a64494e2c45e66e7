// Datasets: anything with a length and a get(i) that returns one sample as a tuple of tensors
// (for example [input, label]), like torch.utils.data.Dataset.
import * as A from "../args.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkIndex, defaultCollate, gatherRows } from "./collate.ts";
import { random, randperm } from "../random.ts";

/** One field of a sample: a tensor, a number, a boolean, a string, or a list or object of fields. */
export type Field = Tensor | number | boolean | string | readonly Field[] | { readonly [key: string]: Field };
/** One sample as a tuple of fields, e.g. [image, label] with the label an integer as
 *  torchvision's datasets return it. defaultCollate batches each field: numbers into a tensor,
 *  tensors stacked, lists and objects field by field. */
export type Sample = readonly Field[];
/** One sample as an object of fields, e.g. { image, label }: batched key by key. */
export type ObjectSample = { readonly [key: string]: Field };

/** A dataset whose samples are objects ({ image, label }); DataLoader batches it into objects of tensors. */
export interface ObjectDataset {
  readonly length: number;
  get(i: number): ObjectSample;
}

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
    return this.dataset.getBatch ? this.dataset.getBatch(inner) : defaultCollate(inner.map((i) => this.dataset.get(i))) as Tensor[];
  }
}

/** torch.utils.data.ConcatDataset: the samples of several datasets, one after another. */
export class ConcatDataset implements Dataset {
  readonly datasets: readonly Dataset[];
  constructor(datasets: Iterable<Dataset>) {
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new Error("datasets should not be an empty iterable");
  }
  get length(): number {
    return this.datasets.reduce((n, d) => n + d.length, 0);
  }
  get(i: number): Sample {
    let at = checkIndex(i, this.length);
    for (const d of this.datasets) {
      if (at < d.length) return d.get(at);
      at -= d.length;
    }
    throw new Error(`index ${i} is out of range`);
  }
}

/** torch.utils.data.SequentialSampler: the indices 0..n-1 in order. */
export class SequentialSampler implements Iterable<number> {
  constructor(readonly dataSource: { readonly length: number }) {}
  get length(): number {
    return this.dataSource.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.dataSource.length; i++) yield i;
  }
}

/** torch.utils.data.RandomSampler: a fresh random order each pass (or, with replacement, numSamples draws). */
export class RandomSampler implements Iterable<number> {
  readonly replacement: boolean;
  readonly numSamples: number;
  constructor(readonly dataSource: { readonly length: number }, options: { replacement?: boolean; numSamples?: number } = {}) {
    A.checkOptions("RandomSampler", options, { replacement: A.boolean, numSamples: A.integer });
    const { replacement = false, numSamples } = options;
    this.replacement = replacement;
    this.numSamples = numSamples ?? dataSource.length;
    if (!Number.isInteger(this.numSamples) || this.numSamples <= 0) throw new Error(`num_samples should be a positive integer value, but got num_samples=${this.numSamples}`);
  }
  get length(): number {
    return this.numSamples;
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.dataSource.length;
    if (this.replacement) {
      for (let k = 0; k < this.numSamples; k++) yield Math.floor(random() * n);
      return;
    }
    for (let done = 0; done < this.numSamples; ) for (const i of randperm(n)) if (done++ < this.numSamples) yield i;
  }
}
