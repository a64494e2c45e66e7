// DataLoader: walks a dataset in batches, reshuffling on every pass when asked
// (torch.utils.data.DataLoader with batch_size, shuffle, drop_last, collate_fn).
import type { Tensor } from "../tensor/tensor.ts";
import * as A from "../args.ts";
import { positional } from "../args.ts";
import { randperm } from "../random.ts";
import { defaultCollate } from "./collate.ts";
import type { Dataset, ObjectDataset, ObjectSample, Sample } from "./dataset.ts";

/** DataLoader's options: batchSize (1), shuffle (false), dropLast (false), collate. */
export interface DataLoaderOptions {
  batchSize?: number;
  /** A new order on every `for...of`, drawn from the global seeded generator (manualSeed). */
  shuffle?: boolean;
  /** Leave out the last batch when it would be smaller than batchSize. */
  dropLast?: boolean;
  /** Turns a list of samples into a batch; default: stack each field along a new dim 0. */
  collate?: (samples: readonly (Sample | ObjectSample)[]) => unknown;
  /** Where the indices come from instead of the shuffle: any iterable of indices (RandomSampler, ...). */
  sampler?: Iterable<number>;
}

/** A batch of dataset D: a tensor per field of its samples, so [image, label] samples give
 *  [inputs, labels]; a dataset whose samples have no fixed fields gives Tensor[]. */
export type BatchOf<D extends Dataset | ObjectDataset> = FieldsAsTensors<ReturnType<D["get"]>>;
/** Each field of a sample (a tuple, an array or an object type) as a tensor (a field that is itself
 *  a list, an object or strings collates to that shape: see defaultCollate). */
type FieldsAsTensors<S> = { -readonly [K in keyof S]: Tensor };

/** data.DataLoader(dataset, { batchSize = 1, shuffle, dropLast, collate }): iterate to get batches ([inputs, labels]); `length` is the number of batches. */
export class DataLoader<D extends Dataset | ObjectDataset = Dataset> {
  readonly dataset: D;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly sampler: Iterable<number> | null;
  readonly dropLast: boolean;
  readonly collate: ((samples: readonly (Sample | ObjectSample)[]) => unknown) | undefined;

  /** `new DataLoader(dataset, { batchSize: 32, shuffle: true })`, or PyTorch's positional order
   *  `DataLoader(dataset, 32, true)` (batchSize, shuffle), optionally followed by options. */
  constructor(dataset: D, options?: DataLoaderOptions);
  constructor(dataset: D, batchSize: number, ...rest: (boolean | DataLoaderOptions)[]);
  constructor(dataset: D, ...args: unknown[]) {
    const options = positional("DataLoader", args, ["batchSize", "shuffle"], {
      batchSize: A.integer, shuffle: A.boolean, dropLast: A.boolean, collate: A.func,
      sampler: A.check("an iterable of indices (a sampler)", (v) => v !== null && typeof v === "object" && Symbol.iterator in (v as object)),
    }) as DataLoaderOptions;
    const { batchSize = 1, shuffle = false, dropLast = false, collate, sampler } = options;
    if (sampler && shuffle) throw new Error("sampler option is mutually exclusive with shuffle");
    this.sampler = sampler ?? null;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new Error(`batch_size should be a positive integer value, but got batch_size=${batchSize}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.collate = collate;
  }

  /** The number of batches in one pass. */
  get length(): number {
    const size = this.sampler && "length" in this.sampler ? (this.sampler as { length: number }).length : this.dataset.length;
    const n = size / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  *[Symbol.iterator](): Generator<BatchOf<D>> {
    const n = this.dataset.length;
    // The order is drawn when the pass starts, so each epoch gets its own.
    const order = this.sampler ? [...this.sampler] : this.shuffle ? randperm(n) : Array.from({ length: n }, (_, i) => i);
    const batches = this.dropLast ? Math.floor(order.length / this.batchSize) : Math.ceil(order.length / this.batchSize);
    for (let b = 0; b < batches; b++) {
      yield this.batch(order.slice(b * this.batchSize, (b + 1) * this.batchSize)) as BatchOf<D>;
    }
  }

  /** One batch: the dataset's own fast path if it has one (and no custom collate), else get() each and collate. */
  private batch(indices: number[]): unknown {
    const { dataset, collate } = this;
    if (collate === undefined && "getBatch" in dataset && dataset.getBatch) return dataset.getBatch(indices);
    const samples: (Sample | ObjectSample)[] = indices.map((i) => dataset.get(i));
    return (collate ?? defaultCollate)(samples);
  }
}
