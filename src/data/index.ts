// data.*: datasets, batching and splits (torch.utils.data). Transforms are exported separately
// as `transforms` (src/data/transforms.ts).
export { TensorDataset, Subset, ConcatDataset, SequentialSampler, RandomSampler, type Dataset, type Sample } from "./dataset.ts";
export { DataLoader, type DataLoaderOptions, type BatchOf } from "./dataloader.ts";
export { randomSplit, trainTestSplit, type TrainTestSplitOptions } from "./split.ts";
export { defaultCollate, gatherRows } from "./collate.ts";
