// Splitting data: randomSplit (torch.utils.data.random_split) for datasets, and trainTestSplit
// (scikit-learn's train_test_split) for a pair of tensors. Both shuffle with the global generator.
import * as A from "../args.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { randperm } from "../random.ts";
import { gatherRows } from "./collate.ts";
import { Subset, type Dataset } from "./dataset.ts";

/** Splits a dataset into non-overlapping random subsets. `lengths` are counts that sum to the
 *  dataset's length, or fractions that sum to 1 (each gets floor(n * f), then the leftover items
 *  go one each to the first subsets, as PyTorch does). */
export function randomSplit(dataset: Dataset, lengths: readonly number[]): Subset[] {
  const n = dataset.length;
  const total = lengths.reduce((a, b) => a + b, 0);
  let counts = [...lengths];
  if (Math.abs(total - 1) < 1e-9 && total <= 1) {
    lengths.forEach((f, i) => {
      if (f < 0 || f > 1) throw new Error(`Fraction at index ${i} is not between 0 and 1`);
    });
    counts = lengths.map((f) => Math.floor(n * f));
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]! += 1;
  }
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) {
    throw new Error(`randomSplit: lengths must be non-negative integers or fractions summing to 1, got [${lengths.join(", ")}]`);
  }
  if (counts.reduce((a, b) => a + b, 0) !== n) {
    throw new Error(`Sum of input lengths does not equal the length of the input dataset! (lengths [${lengths.join(", ")}], dataset length ${n})`);
  }
  const order = randperm(n);
  let start = 0;
  return counts.map((count) => {
    const subset = new Subset(dataset, order.slice(start, start + count));
    start += count;
    return subset;
  });
}

/** trainTestSplit's options, as scikit-learn's: testSize (0.25) and shuffle (true). */
export interface TrainTestSplitOptions {
  /** A fraction of the rows (test count = ceil(testSize * n)) or, if an integer >= 1, a count. */
  testSize?: number;
  shuffle?: boolean;
}

/** scikit-learn's train_test_split for X and y: returns [XTrain, XTest, yTrain, yTest].
 *  The test set gets ceil(testSize * n) rows (150 rows, 0.25 -> 38 test, 112 train). Shuffled, the
 *  test rows are the first of a random permutation and the training rows the rest; unshuffled,
 *  training rows come first. Rows of X and y stay paired. */
export function trainTestSplit(X: Tensor, y: Tensor, options: TrainTestSplitOptions = {}): [Tensor, Tensor, Tensor, Tensor] {
  A.checkOptions("train_test_split", options, { testSize: A.number, shuffle: A.boolean });
  const { testSize = 0.25, shuffle = true } = options;
  const n = X.dim() === 0 ? 0 : X.shape[0]!;
  const ny = y.dim() === 0 ? 0 : y.shape[0]!;
  if (n !== ny) throw new Error(`Found input variables with inconsistent numbers of samples: [${n}, ${ny}]`);
  let nTest: number;
  if (Number.isInteger(testSize) && testSize >= 1) nTest = testSize;
  else if (testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else throw new Error(`test_size=${testSize} should be either positive and smaller than the number of samples ${n} or a float in the (0, 1) range`);
  const nTrain = n - nTest;
  if (nTrain <= 0) {
    throw new Error(`With n_samples=${n}, test_size=${testSize} the resulting train set will be empty. Adjust test_size.`);
  }
  let trainIdx: number[], testIdx: number[];
  if (shuffle) {
    const order = randperm(n);
    testIdx = order.slice(0, nTest);
    trainIdx = order.slice(nTest);
  } else {
    trainIdx = Array.from({ length: nTrain }, (_, i) => i);
    testIdx = Array.from({ length: nTest }, (_, i) => nTrain + i);
  }
  return [gatherRows(X, trainIdx), gatherRows(X, testIdx), gatherRows(y, trainIdx), gatherRows(y, testIdx)];
}
