// Chapters 07-10 run as a reader runs them (a child process, no --step), on small settings so the
// whole file stays well under a minute and a half: MNIST chapters on the first few thousand images
// for one epoch, chapter 09 with its full 10000 epochs (it takes a second or two). Checked: the
// article's exact tensors of parts 8 and 9, the formats of every printed training line, files
// written to out/, and accuracies that show learning happened. Full runs are not part of the tests.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { has, hasBlock, lines, root, runChapter } from "./run-chapter.ts";

// Started together so they overlap on the two cores.
const runs: Record<string, Promise<string>> = {
  "07": runChapter("07-mnist-fully-connected", ["--epochs", "1", "--limit", "10000"]),
  "08": runChapter("08-cnn-basics", ["--epochs", "1", "--limit", "3000"]),
  "09": runChapter("09-cnn-in-code", []),
  "10": runChapter("10-functions-and-plots", ["--epochs", "1", "--limit", "1000"]),
};
const outFile = (name: string) => readFileSync(`${root}out/${name}`);

/** The test-accuracy line in the article's format; returns the accuracy. */
function accuracyLine(out: string): number {
  const m = /^correct: (\d+), accuracy: (\d+) \/ 10000 = ([\d.]+)$/m.exec(out);
  assert.ok(m, `no accuracy line in:\n${out}`);
  assert.is(m[1], m[2]);
  assert.is(Number(m[3]), Number(m[1]) / 10000);
  return Number(m[3]);
}

const F_MAP1 = `tensor([[[[-4., -6., -6., -4.],
          [ 6.,  9.,  9.,  6.],
          [-2., -3., -3., -2.],
          [ 0.,  0.,  0.,  0.]],

         [[ 0.,  0.,  0.,  0.],
          [ 0.,  1.,  1.,  0.],
          [ 0.,  1.,  1.,  0.],
          [ 0.,  2.,  2.,  0.]]],


        [[[ 0.,  0.,  0.,  0.],
          [ 0.,  1.,  1.,  2.],
          [ 0.,  1.,  1.,  2.],
          [ 0.,  0.,  0.,  0.]],

         [[-4.,  6., -2.,  0.],
          [-6.,  9., -3.,  0.],
          [-6.,  9., -3.,  0.],
          [-4.,  6., -2.,  0.]]],


        [[[-4., -4., -2.,  0.],
          [ 6.,  5.,  1., -2.],
          [-2.,  1.,  5.,  6.],
          [ 0., -2., -4., -4.]],

         [[ 0.,  2.,  0.,  0.],
          [ 0.,  1.,  1.,  0.],
          [ 0.,  1.,  1.,  0.],
          [ 0.,  0.,  2.,  0.]]],


        [[[ 0., -2.,  0.,  0.],
          [ 0.,  3.,  1.,  2.],
          [ 2.,  1.,  3.,  0.],
          [ 0.,  0., -2.,  0.]],

         [[ 0.,  0.,  2.,  0.],
          [-2.,  3.,  1.,  0.],
          [ 0.,  1.,  3., -2.],
          [ 0.,  2.,  0.,  0.]]]], grad_fn=<ConvolutionBackward0>)`;

const F_MAP1_RELU = `tensor([[[[0., 0., 0., 0.],
          [6., 9., 9., 6.],
          [0., 0., 0., 0.],
          [0., 0., 0., 0.]],

         [[0., 0., 0., 0.],
          [0., 1., 1., 0.],
          [0., 1., 1., 0.],
          [0., 2., 2., 0.]]],


        [[[0., 0., 0., 0.],
          [0., 1., 1., 2.],
          [0., 1., 1., 2.],
          [0., 0., 0., 0.]],

         [[0., 6., 0., 0.],
          [0., 9., 0., 0.],
          [0., 9., 0., 0.],
          [0., 6., 0., 0.]]],


        [[[0., 0., 0., 0.],
          [6., 5., 1., 0.],
          [0., 1., 5., 6.],
          [0., 0., 0., 0.]],

         [[0., 2., 0., 0.],
          [0., 1., 1., 0.],
          [0., 1., 1., 0.],
          [0., 0., 2., 0.]]],


        [[[0., 0., 0., 0.],
          [0., 3., 1., 2.],
          [2., 1., 3., 0.],
          [0., 0., 0., 0.]],

         [[0., 0., 2., 0.],
          [0., 3., 1., 0.],
          [0., 1., 3., 0.],
          [0., 2., 0., 0.]]]], grad_fn=<ReluBackward0>)`;

const POOLED1 = `tensor([[[[0., 0., 0.],
          [6., 9., 6.],
          [0., 0., 0.]],

         [[0., 0., 0.],
          [0., 1., 0.],
          [0., 2., 0.]]],


        [[[0., 0., 0.],
          [0., 1., 2.],
          [0., 0., 0.]],

         [[0., 6., 0.],
          [0., 9., 0.],
          [0., 6., 0.]]],


        [[[0., 0., 0.],
          [6., 5., 6.],
          [0., 0., 0.]],

         [[0., 2., 0.],
          [0., 1., 0.],
          [0., 2., 0.]]],


        [[[0., 0., 0.],
          [2., 3., 2.],
          [0., 0., 0.]],

         [[0., 2., 0.],
          [0., 3., 0.],
          [0., 2., 0.]]]], grad_fn=<MaxPool2DWithIndicesBackward0>)`;

const POOLED2 = `tensor([[[[ 0.,  0.],
          [14., 20.]],

         [[ 0.,  0.],
          [ 0.,  0.]]],


        [[[ 0.,  0.],
          [ 0.,  0.]],

         [[ 0., 14.],
          [ 0., 20.]]],


        [[[ 0.,  0.],
          [ 8., 14.]],

         [[ 0.,  0.],
          [ 0.,  0.]]],


        [[[ 0.,  0.],
          [ 4.,  6.]],

         [[ 0.,  4.],
          [ 0.,  6.]]]], grad_fn=<MaxPool2DWithIndicesBackward0>)`;

const FEATURE_ROWS = `tensor([[ 0.,  0., 14., 20.,  0.,  0.,  0.,  0.],
        [ 0.,  0.,  0.,  0.,  0., 14.,  0., 20.],
        [ 0.,  0.,  8., 14.,  0.,  0.,  0.,  0.],
        [ 0.,  0.,  4.,  6.,  0.,  4.,  0.,  6.]], grad_fn=<ViewBackward0>)`;

test("07: the first digit as numbers, drawn, labelled 5; running loss every 500 batches; test accuracy", async () => {
  const out = await runs["07"]!;
  has(out, "image: 28 x 28");
  has(out, "   0   0   0   0   0   0   0   0   0   0   0   0   3  18  18  18 126 136 175  26 166 255 247 127   0   0   0   0");
  assert.is(lines(out).filter((l) => /^( {1,3}\d{1,3}){28}$/.test(l)).length, 28);
  assert.ok(out.includes("██"), "the digit drawn with shaded blocks");
  has(out, "wrote out/07-mnist-train-0.png");
  assert.equal([...outFile("07-mnist-train-0.png").subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  has(out, "5"); // trainset[0]'s label
  has(out, "torch.Size([1, 28, 28])");
  has(out, "tensor([-0.9765, -0.8588, -0.8588, -0.8588, -0.0118,  0.0667,  0.3725, -0.7961])");
  has(out, "  (fc1): Linear(in_features=784, out_features=64, bias=True)");
  const losses = lines(out).filter((l) => l.startsWith("#"));
  assert.is(losses.length, 1, losses.join("\n")); // 10000 images = 500 batches of 20
  assert.match(losses[0]!, /^#1, data: 10000, running_loss: \d\.\d{3}$/);
  has(out, "Finished");
  const batch = lines(out).filter((l) => /^tensor\(\[(\d, ){19}\d\]\)$/.test(l));
  assert.is(batch.length, 2, "predicted and labels of the last batch");
  const accuracy = accuracyLine(out);
  assert.ok(accuracy > 0.8, `accuracy ${accuracy}`);
});

test("08: the cross, the kernel, both feature maps and their max pooling, exactly; the CNN trains", async () => {
  const out = await runs["08"]!;
  hasBlock(out, `tensor([[ 1., -1., -1., -1.,  1.],
        [-1.,  1., -1.,  1., -1.],
        [-1., -1.,  1., -1., -1.],
        [-1.,  1., -1.,  1., -1.],
        [ 1., -1., -1., -1.,  1.]])`);
  hasBlock(out, `tensor([[-1.,  1.,  1.,  1., -1.],
        [ 1., -1., -1., -1.,  1.],
        [ 1., -1., -1., -1.,  1.],
        [ 1., -1., -1., -1.,  1.],
        [-1.,  1.,  1.,  1., -1.]])`);
  hasBlock(out, `tensor([[ 1., -1.,  1.],
        [-1.,  1., -1.],
        [ 1., -1.,  1.]])
tensor(5.)`);
  hasBlock(out, `tensor([[ 5., -7.,  5.],
        [-7.,  9., -7.],
        [ 5., -7.,  5.]])`);
  hasBlock(out, `tensor([[ 4., -4.,  4., -4.,  4.],
        [-4.,  5., -7.,  5., -4.],
        [ 4., -7.,  9., -7.,  4.],
        [-4.,  5., -7.,  5., -4.],
        [ 4., -4.,  4., -4.,  4.]])`);
  hasBlock(out, `tensor([[-1.,  1., -1.],
        [ 1., -1.,  1.],
        [-1.,  1., -1.]])`);
  hasBlock(out, `tensor([[9.]])
tensor([[5., 5.],
        [5., 9.]])`);
  hasBlock(out, `Net(
  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
  (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))
  (fc1): Linear(in_features=256, out_features=64, bias=True)
  (fc2): Linear(in_features=64, out_features=10, bias=True)
)`);
  has(out, "trainset: 3000 images, testset: 10000 images");
  has(out, "Finished");
  const accuracy = accuracyLine(out);
  // 150 steps of plain SGD at lr 0.01 from seed 0: 38.9 % on both backends (chance is 10 %)
  assert.ok(accuracy > 0.3 && accuracy < 1, `accuracy ${accuracy}`);
});

test("09: every tensor of the step-by-step CNN as the article prints it; the classifier learns the lines", async () => {
  const out = await runs["09"]!;
  assert.is(lines(out).filter((l) => l === "torch.Size([2, 1, 3, 3])").length, 2); // conv1's weight, then kernels1
  has(out, "torch.Size([4, 4, 4])");
  hasBlock(out, F_MAP1);
  hasBlock(out, F_MAP1_RELU);
  hasBlock(out, POOLED1);
  hasBlock(out, "torch.Size([4, 2, 3, 3])\ntorch.Size([2, 2, 3, 3])");
  hasBlock(out, POOLED2);
  hasBlock(out, "torch.Size([4, 2, 2, 2])\n" + FEATURE_ROWS);
  has(out, "torch.Size([40, 8]) torch.Size([40])");

  const losses = lines(out).filter((l) => l.startsWith("#"));
  assert.is(losses.length, 20);
  losses.forEach((l, i) => assert.match(l, new RegExp(`^#${(i + 1) * 500}, loss: 0\\.\\d+(e-\\d+)?$`)));
  const first = Number(losses[0]!.split(": ")[1]);
  const last = Number(losses[19]!.split(": ")[1]);
  assert.ok(last < first && last < 0.2, `loss ${first} -> ${last}`);
  has(out, "Finished");
  const count = Number(lines(out)[lines(out).indexOf("Finished") + 1]);
  assert.ok(count >= 36 && count <= 38, `correct: ${count} of 40`); // two diagonals carry both labels

  // The four pictures: horizontal near 0, vertical near 1, stepped horizontal near 0, diagonal about 0.5.
  const result = /tensor\(\[\[([\d.]+)\],\n {8}\[([\d.]+)\],\n {8}\[([\d.]+)\],\n {8}\[([\d.]+)\]\], grad_fn=<SigmoidBackward0>\)/.exec(out);
  assert.ok(result, "the four predictions");
  const [h, v, s, d] = result.slice(1).map(Number) as [number, number, number, number];
  assert.ok(h < 0.1 && v > 0.9 && s < 0.1 && d > 0.3 && d < 0.7, `predictions ${h} ${v} ${s} ${d}`);
  // Net2, given the same weights, answers the same.
  assert.is(out.split(result[0]).length - 1, 2, "Net2 gives the same four answers");
  has(out, "  (pool): MaxPool2d(kernel_size=2, stride=2, padding=1, dilation=1, ceil_mode=False)");
});

test("10: per-epoch lines in the article's format, four SVG charts, the JSON history, both nets on the test set", async () => {
  const out = await runs["10"]!;
  has(out, "trainset: 1000 images, testset: 10000 images");
  assert.is(lines(out).filter((l) => l === "epoch:  1").length, 2); // Net, then Net2
  const epochLines = lines(out).filter((l) => l.startsWith("train_loss: "));
  assert.is(epochLines.length, 2);
  for (const l of epochLines) {
    assert.match(l, /^train_loss: \d\.\d{6}, train_accuracy: \d{1,3}\.\d{4}%, valid_loss: \d\.\d{6}, valid_accuracy: \d{1,3}\.\d{4}%$/);
  }
  for (const [name, label1, label2] of [
    ["10-net-loss.svg", "loss(train)", "loss(validate)"], ["10-net-accuracy.svg", "accuracy(train)", "accuracy(validate)"],
    ["10-net2-loss.svg", "loss(train)", "loss(validate)"], ["10-net2-accuracy.svg", "accuracy(train)", "accuracy(validate)"],
  ] as const) {
    has(out, `wrote out/${name}`);
    const svg = outFile(name).toString();
    assert.ok(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"), `${name} is an SVG`);
    assert.ok(svg.includes(label1) && svg.includes(label2), `${name} has its legend`);
  }
  has(out, "wrote out/10-history.json");
  const history = JSON.parse(outFile("10-history.json").toString());
  assert.is(history.epochs, 1);
  for (const net of ["Net", "Net2"]) {
    for (const key of ["trainLossValues", "trainAccuracyValues", "validLossValues", "validAccuracyValues"]) {
      assert.is(history[net][key].length, 1, `${net}.${key}`);
    }
  }
  // The numbers in the JSON are the ones printed.
  const printed = /^train_loss: (\d\.\d{6}),/.exec(epochLines[0]!)!;
  assert.is(history.Net.trainLossValues[0].toFixed(6), printed[1]);
  assert.match(out, /^Net: test_loss: \d\.\d{6}, test_accuracy: \d{1,3}\.\d{4}%$/m);
  assert.match(out, /^Net2: test_loss: \d\.\d{6}, test_accuracy: \d{1,3}\.\d{4}%$/m);
  // saved as safetensors, and the network loaded back scores what the trained one scored
  has(out, "wrote out/10-net.safetensors");
  has(out, "wrote out/10-net2.safetensors");
  const m = /^Net from the file: test_accuracy: ([\d.]+)% \(the trained one: ([\d.]+)%\)$/m.exec(out);
  assert.ok(m, out);
  assert.is(m[1], m[2]);
  assert.equal(new Uint8Array(outFile("10-net.safetensors")).subarray(8, 9)[0], "{".charCodeAt(0));
});

test.run();
