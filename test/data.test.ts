// Datasets, batching, splits and transforms: shapes and lengths, shuffles that keep inputs and
// labels paired and see every sample once per epoch, seeded repeatability, split sizes as PyTorch
// and scikit-learn give them, transform values and reprs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { data, transforms } from "../src/index.ts";

/** n rows whose values say which row they are: X[i] = [i, 2i, 3i], y[i] = i (int64). */
function indexed(n: number): [torch.Tensor, torch.Tensor] {
  const X = torch.fromArray(Float32Array.from({ length: 3 * n }, (_, k) => Math.floor(k / 3) * ((k % 3) + 1)), [n, 3]);
  return [X, torch.arange(n)];
}

/** Checks every X row matches its label, and returns the labels. */
function labelsOf(batch: torch.Tensor[]): number[] {
  const [X, y] = batch as [torch.Tensor, torch.Tensor];
  const labels = [...y.data];
  labels.forEach((label, b) => assert.equal([...X.data.subarray(3 * b, 3 * b + 3)], [label, 2 * label, 3 * label], `row ${b} lost its label`));
  return labels;
}

test("TensorDataset: length, get(i) as rows with dtypes kept, clear errors", () => {
  const [X, y] = indexed(5);
  const ds = new data.TensorDataset(X, y);
  assert.is(ds.length, 5);
  const [x3, y3] = ds.get(3) as [torch.Tensor, torch.Tensor];
  assert.equal(x3.tolist(), [3, 6, 9]);
  assert.equal([...y3.shape], []);
  assert.is(y3.item(), 3);
  assert.is(y3.dtype.name, "int64");
  assert.equal(ds.get(-1)[1]!.item(), 4);
  x3.fill_(99); // a view, as PyTorch's: the dataset's tensor sees the write
  assert.is(X.data[9], 99);
  assert.throws(() => ds.get(5), /index 5 is out of range for a dataset of size 5/);
  assert.throws(() => new data.TensorDataset(X, torch.arange(4)), /size mismatch between tensors.*5, 4/);
});

test("DataLoader: batch shapes and length with and without dropLast; labels keep their dtype", () => {
  const [X, y] = indexed(10);
  const ds = new data.TensorDataset(X, y);
  const loader = new data.DataLoader(ds, { batchSize: 4 });
  assert.is(loader.length, 3);
  assert.is(loader.dataset, ds);
  const batches = [...loader];
  assert.equal(batches.map(([a, b]) => [[...a!.shape], [...b!.shape]]), [[[4, 3], [4]], [[4, 3], [4]], [[2, 3], [2]]]);
  assert.is(batches[0]![1]!.dtype.name, "int64");
  assert.equal(batches.flatMap(labelsOf), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // unshuffled: in order
  const dropping = new data.DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.is(dropping.length, 2);
  assert.equal([...dropping].map((b) => b[0]!.shape[0]), [4, 4]);
  assert.is(new data.DataLoader(ds).length, 10); // batchSize defaults to 1
  assert.is(new data.DataLoader(ds, { batchSize: 5, dropLast: true }).length, 2);
  assert.throws(() => new data.DataLoader(ds, { batchSize: 0 }), /batch_size should be a positive integer value, but got batch_size=0/);
});

test("shuffle keeps pairs, sees every index once per epoch, reshuffles each epoch, repeats under manualSeed", () => {
  const [X, y] = indexed(23);
  const loader = new data.DataLoader(new data.TensorDataset(X, y), { batchSize: 5, shuffle: true });
  torch.manualSeed(7);
  const epoch1 = [...loader].flatMap(labelsOf);
  const epoch2 = [...loader].flatMap(labelsOf);
  for (const epoch of [epoch1, epoch2]) assert.equal([...epoch].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
  assert.not.equal(epoch1, epoch2);
  assert.not.equal(epoch1, Array.from({ length: 23 }, (_, i) => i));
  torch.manualSeed(7);
  assert.equal([...loader].flatMap(labelsOf), epoch1);
});

test("a dataset without getBatch goes through get() and defaultCollate; a custom collate is used when given", () => {
  const [X, y] = indexed(7);
  const fast = new data.TensorDataset(X, y);
  const slow: data.Dataset = { length: fast.length, get: (i) => fast.get(i) };
  const viaGet = [...new data.DataLoader(slow, { batchSize: 3 })];
  const viaBatch = [...new data.DataLoader(fast, { batchSize: 3 })];
  assert.equal(viaGet.map((b) => b.map((t) => [t.dtype, [...t.shape], [...t.data]])), viaBatch.map((b) => b.map((t) => [t.dtype, [...t.shape], [...t.data]])));
  const sizes: number[] = [];
  const custom = new data.DataLoader(fast, { batchSize: 3, collate: (samples) => (sizes.push(samples.length), data.defaultCollate(samples)) });
  assert.is([...custom].length, 3);
  assert.equal(sizes, [3, 3, 1]);
  assert.throws(() => data.defaultCollate([[torch.zeros(2)], [torch.zeros(3)]]), /stack expects each tensor to be equal size, but got \[2\] at entry 0 and \[3\] at entry 1/);
});

test("Subset picks samples in its order, with and without the fast path", () => {
  const [X, y] = indexed(6);
  const sub = new data.Subset(new data.TensorDataset(X, y), [5, 0, 3]);
  assert.is(sub.length, 3);
  assert.is((sub.get(0)[1] as torch.Tensor).item(), 5);
  assert.equal(labelsOf(sub.getBatch([2, 1])), [3, 0]);
  assert.equal([...new data.DataLoader(sub, { batchSize: 2 })].flatMap(labelsOf), [5, 0, 3]);
  assert.throws(() => new data.Subset(new data.TensorDataset(X, y), [6]), /index 6 is out of range/);
});

test("randomSplit: sizes from counts or fractions, disjoint subsets covering the dataset, seeded", () => {
  const [X, y] = indexed(10);
  const ds = new data.TensorDataset(X, y);
  torch.manualSeed(3);
  const parts = data.randomSplit(ds, [7, 3]);
  assert.equal(parts.map((p) => p.length), [7, 3]);
  const seen = parts.flatMap((p) => [...p.indices]);
  assert.equal([...seen].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
  assert.equal(labelsOf(parts[1]!.getBatch([0, 1, 2])), [...parts[1]!.indices]);
  torch.manualSeed(3);
  assert.equal(data.randomSplit(ds, [0.7, 0.3]).map((p) => [...p.indices]), parts.map((p) => [...p.indices]));
  // floor(10 * 0.33) = 3 each, and the one left over goes to the first subset, as in PyTorch
  assert.equal(data.randomSplit(ds, [0.33, 0.33, 0.34]).map((p) => p.length), [4, 3, 3]);
  assert.throws(() => data.randomSplit(ds, [5, 4]), /Sum of input lengths does not equal the length of the input dataset!/);
});

test("trainTestSplit: 150 rows -> 112 train / 38 test, pairs kept, disjoint; unshuffled keeps order", () => {
  const [X, y] = indexed(150);
  torch.manualSeed(0);
  const [XTrain, XTest, yTrain, yTest] = data.trainTestSplit(X, y, { testSize: 0.25 });
  assert.equal([XTrain.shape[0], XTest.shape[0], yTrain.shape[0], yTest.shape[0]], [112, 38, 112, 38]);
  assert.equal([[...XTrain.shape], yTest.dtype.name], [[112, 3], "int64"]);
  const train = labelsOf([XTrain, yTrain]);
  const test_ = labelsOf([XTest, yTest]);
  assert.equal([...train, ...test_].sort((a, b) => a - b), Array.from({ length: 150 }, (_, i) => i));
  assert.equal(data.trainTestSplit(X, y, { testSize: 0.2 })[1].shape[0], 30);
  const [, , yTr, yTe] = data.trainTestSplit(X, y, { shuffle: false });
  assert.equal([yTr.data[0], yTr.data[111], yTe.data[0], yTe.data[37]], [0, 111, 112, 149]);
  assert.throws(() => data.trainTestSplit(X, torch.arange(149)), /inconsistent numbers of samples: \[150, 149\]/);
});

test("ToTensor: uint8 bytes to float32 [0, 1] with channels first, whatever the layout; other dtypes keep their values", () => {
  const u8 = { dtype: torch.uint8 };
  const hw = torch.tensor([[0, 255], [51, 102]], u8);
  const t = transforms.ToTensor();
  const out = t(hw);
  assert.equal([...out.shape], [1, 2, 2]);
  assert.equal([...out.data], [0, 1, 0.2, 0.4].map(Math.fround));
  assert.is(out.dtype.name, "float32");
  // HxWxC (2x2 pixels, 3 channels) becomes CxHxW: channel c holds every pixel's value c
  const hwc = torch.tensor([[[0, 51, 255], [0, 51, 255]], [[0, 51, 255], [0, 51, 255]]], u8);
  const chw = t(hwc);
  assert.equal([...chw.shape], [3, 2, 2]);
  assert.equal([...chw.data], [0, 0, 0, 0, 0.2, 0.2, 0.2, 0.2, 1, 1, 1, 1].map(Math.fround));
  assert.equal([...t(torch.zeros(3, 4, 5)).shape], [3, 4, 5]); // already CxHxW
  // as torchvision does for arrays that are not uint8: the layout changes, the values do not
  assert.equal([...t(torch.tensor([[0.5, 300]])).data], [0.5, 300]);
  assert.throws(() => t(torch.zeros(4)), /expected an image of shape HxW, HxWxC or CxHxW, got \[4\]/);
});

test("Normalize: (x - mean) / std per channel, numbers or arrays, batched too; std 0 is an error", () => {
  const x = torch.fromArray(Float32Array.from([0, 0.5, 1, 1, 0, 0.5, 0.5, 0.25]), [2, 2, 2]);
  const single = transforms.Normalize(0.5, 0.5)(x);
  assert.equal([...single.data], [-1, 0, 1, 1, -1, 0, 0, -0.5]);
  const perChannel = transforms.Normalize([0, 1], [1, 0.5])(x);
  assert.equal([...perChannel.data], [0, 0.5, 1, 1, -2, -1, -1, -1.5]);
  assert.equal([...transforms.Normalize([0, 1], [1, 0.5])(x.reshape(1, 2, 2, 2)).data], [...perChannel.data]);
  assert.throws(() => transforms.Normalize(0.5, 0), /std evaluated to zero/);
  assert.throws(() => transforms.Normalize([0, 0, 0], [1, 1, 1])(x), /mean has 3 values but the image has 2 channels/);
  assert.throws(() => transforms.Normalize(0, 1)(torch.zeros(2, 2)), /Expected tensor to be a tensor image of size \(\.\.\., C, H, W\)/);
});

test("Compose and Lambda apply in order; reprs as PyTorch prints them; usable with new", () => {
  const pipeline = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [0.5])]);
  assert.is(String(pipeline), "Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n)");
  assert.equal([...pipeline(torch.tensor([[0, 255]], { dtype: torch.uint8 })).data], [-1, 1]);
  const rgb = new transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
  assert.is(rgb.toString(), "Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))");
  assert.is(String(transforms.Normalize(0.5, 0.5)), "Normalize(mean=(0.5,), std=(0.5,))");
  const flip = transforms.Lambda((t) => t.neg());
  assert.is(String(flip), "Lambda()");
  const both = new transforms.Compose([new transforms.ToTensor(), flip]);
  assert.equal([...both(torch.tensor([[0, 255]], { dtype: torch.uint8 })).data], [-0, -1]);
  assert.is(String(both), "Compose(\n    ToTensor()\n    Lambda()\n)");
  assert.throws(() => transforms.Lambda(3 as never), /Argument lambd should be callable/);
});

test("isPerPixelFromBytes spots ToTensor (+ Normalize) and nothing else", () => {
  const { Compose, ToTensor, Normalize, Lambda, isPerPixelFromBytes } = transforms;
  assert.ok(isPerPixelFromBytes(ToTensor()));
  assert.ok(isPerPixelFromBytes(Compose([ToTensor(), Normalize(0.5, 0.5)])));
  assert.not.ok(isPerPixelFromBytes(Compose([Normalize(0.5, 0.5), ToTensor()])));
  assert.not.ok(isPerPixelFromBytes(Compose([ToTensor(), Lambda((t) => t)])));
  assert.not.ok(isPerPixelFromBytes((t) => t));
});

test("defaultCollate stacks tensors and turns plain numbers into a tensor, int64 or float64 as PyTorch", () => {
  const samples = [[torch.tensor([1, 2]), 3, 0.5], [torch.tensor([4, 5]), 6, 1]] as const;
  const [xs, labels, weights] = data.defaultCollate(samples);
  assert.equal(xs!.tolist(), [[1, 2], [4, 5]]);
  assert.equal([labels!.tolist(), labels!.dtype.name], [[3, 6], "int64"]);
  assert.equal([weights!.tolist(), weights!.dtype.name], [[0.5, 1], "float64"]);
  assert.throws(() => data.defaultCollate([[torch.ones(1), 1], [torch.ones(1), torch.ones(1)]]), /sample 1 has a tensor at position 1, sample 0 a number/);
  assert.throws(() => data.defaultCollate([[torch.ones(1)], [torch.ones(1, { dtype: torch.int64 })]]), /sample 1 has a torch.int64 tensor at position 0, sample 0 a torch.float32 one/);
});


test("ConcatDataset, samplers, and indexing with a mask or an index tensor", () => {
  const a = new data.TensorDataset(torch.arange(3)), b = new data.TensorDataset(torch.arange(10, 12));
  const both = new data.ConcatDataset([a, b]);
  assert.is(both.length, 5);
  assert.equal([0, 2, 3, 4].map((i) => (both.get(i)[0] as torch.Tensor).item()), [0, 2, 10, 11]);
  assert.equal([...new data.SequentialSampler(both)], [0, 1, 2, 3, 4]);
  torch.manualSeed(0);
  const order = [...new data.RandomSampler(both)];
  assert.equal([...order].sort(), [0, 1, 2, 3, 4]);
  const loader = new data.DataLoader(both, { batchSize: 2, sampler: new data.RandomSampler(both, { replacement: true, numSamples: 6 }) });
  assert.is(loader.length, 3);
  assert.equal([...loader].map(([x]) => x!.shape[0]), [2, 2, 2]);
  assert.throws(() => new data.DataLoader(both, { sampler: new data.SequentialSampler(both), shuffle: true }), /mutually exclusive with shuffle/);
  const x = torch.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
  assert.equal(x.index(torch.tensor([true, false, true])).tolist(), [[1, 2], [5, 6]]);
  assert.equal(x.index(x.gt(3)).tolist(), [4, 5, 6]);
  const picked = x.index(torch.tensor([[2, -3]], { dtype: torch.int64 }));
  assert.equal(picked.tolist(), [[[5, 6], [1, 2]]]);
  picked.sum().backward();
  assert.equal(x.grad!.tolist(), [[1, 1], [0, 0], [1, 1]]);
});

test.run();

test("defaultCollate batches objects key by key, lists position by position, strings as lists and booleans as bool, as PyTorch's default_collate", () => {
  const samples = [
    { image: torch.tensor([1, 2]), label: 3, name: "a", flag: true, extra: [1.5, 2], meta: { id: 7 } },
    { image: torch.tensor([3, 4]), label: 1, name: "b", flag: false, extra: [2.5, 4], meta: { id: 8 } },
  ];
  const batch = data.defaultCollate(samples) as Record<string, unknown>;
  const image = batch.image as torch.Tensor, label = batch.label as torch.Tensor, flag = batch.flag as torch.Tensor;
  assert.equal([[...image.shape], image.dtype, image.tolist()], [[2, 2], torch.float32, [[1, 2], [3, 4]]]);
  assert.equal([label.dtype, label.tolist()], [torch.int64, [3, 1]]);
  assert.equal([flag.dtype, flag.tolist()], [torch.bool, [true, false]]);
  assert.equal(batch.name, ["a", "b"]);
  const [e0, e1] = batch.extra as torch.Tensor[];
  assert.equal([e0!.dtype, e0!.tolist(), e1!.dtype, e1!.tolist()], [torch.float64, [1.5, 2.5], torch.int64, [2, 4]]);
  assert.equal((batch.meta as Record<string, torch.Tensor>).id!.tolist(), [7, 8]);
  // a DataLoader over a dataset of object samples gives objects of tensors
  const ds = { length: 3, get: (i: number) => ({ x: torch.full([2], i), y: i }) };
  const batches = [...new data.DataLoader(ds, { batchSize: 2 })];
  assert.equal(batches.map((b) => [b.x!.tolist(), b.y!.tolist()]), [[[[0, 0], [1, 1]], [0, 1]], [[[2, 2]], [2]]]);
  assert.throws(() => data.defaultCollate([{ a: 1 }, { b: 1 }] as never), /sample 1 has no "a"/);
  assert.throws(() => data.defaultCollate([[1, 2], [1]] as never), /each element in list of batch should be of equal size/);
  assert.throws(() => data.defaultCollate([{ a: 1 }, { a: "x" }] as never), /sample 1 has a string at field a, sample 0 a number/);
});
