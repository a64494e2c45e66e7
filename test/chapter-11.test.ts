// Chapter 11 runs as a reader runs it. Checked against articles 000 and 003: every shape they
// print, the Linear shape errors word for word, the reprs, and the BatchNorm2d and ReLU examples
// on the lecture's 3x3 numbers. (Random layers' values differ from the articles' by design.)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { has, hasBlock, lines, runChapter } from "./run-chapter.ts";

const run = runChapter("11-building-models");

/** The lines printed under the cell whose header contains `title`, up to the next header. */
async function cellLines(title: string): Promise<string[]> {
  const out = lines(await run);
  const at = out.findIndex((l) => l.startsWith("── ") && l.includes(title));
  assert.ok(at >= 0, `no cell ${title}`);
  const end = out.findIndex((l, i) => i > at && l.startsWith("── "));
  return out.slice(at + 1, end < 0 ? undefined : end).filter((l) => l !== "");
}

const STACK = `    (0): Linear(in_features=784, out_features=512, bias=True)
    (1): ReLU()
    (2): Linear(in_features=512, out_features=512, bias=True)
    (3): ReLU()
    (4): Linear(in_features=512, out_features=10, bias=True)
  )
)`;

test("000: the model reprs, with Flatten and a nested Sequential", async () => {
  const out = await run;
  hasBlock(out, `NeuralNetwork(\n  (flatten): Flatten(start_dim=1, end_dim=-1)\n  (linearReluStack): Sequential(\n${STACK}`);
  hasBlock(out, `SequentialModel(\n  (flatten): Flatten(start_dim=1, end_dim=-1)\n  (linearSeq): Sequential(\n${STACK}`);
});

test("000: Flatten, view and torch.flatten shapes", async () => {
  assert.equal(await cellLines("In [6] — Flatten keeps"), ["torch.Size([1, 28, 28])", "torch.Size([1, 784])", "torch.Size([1, 784])", "torch.Size([784])"]);
  assert.equal(await cellLines("three pictures stay"), ["torch.Size([3, 28, 28])", "torch.Size([3, 784])"]);
  assert.equal(await cellLines("In [7]"), ["torch.Size([3, 784])", "torch.Size([3, 20])"]);
});

test("000: the Linear shape errors in PyTorch's words", async () => {
  assert.equal(await cellLines("In [8]"), ["RuntimeError: mat1 and mat2 shapes cannot be multiplied (84x28 and 784x20)"]);
  assert.equal(await cellLines("In [9]"), ["RuntimeError: mat1 and mat2 shapes cannot be multiplied (3x784 and 756x20)"]);
});

test("000: softmax rows sum to one, ReLU leaves no negatives, a conv of 8x8 gives 3x6x6", async () => {
  const out = await run;
  has(out, "the probabilities sum to 1.0000");
  assert.match(out, /grad_fn=<SoftmaxBackward0>\)/);
  const relu = (await cellLines("ReLU層 In [10]")).join(" ");
  assert.match(relu, /grad_fn=<ReluBackward0>\)$/);
  assert.not.match(relu, /-\d/);
  assert.ok(/Predicted class: tensor\(\[\d\]\)/.test(out));
  assert.equal((await cellLines("In [16] — a convolution")).slice(-1), ["torch.Size([3, 6, 6])"]);
  hasBlock(out, "tensor([[4., 3., 4.],\n        [2., 4., 3.],\n        [2., 3., 4.]])"); // the gif's feature map
  assert.equal(await cellLines("In [17]"), ["torch.Size([3, 6, 6])", "torch.Size([1, 108])"]);
});

test("003: conv output sizes and the exercises' shapes", async () => {
  assert.equal(await cellLines("conv.py — Conv2d on 16 pictures"), ["torch.Size([16, 64, 254, 254])"]);
  assert.equal(await cellLines("conv.py — with the optional ones"), ["torch.Size([16, 128, 128, 128])"]);
  assert.equal(await cellLines("演習1"), [
    "==== problem1 ====", "torch.Size([32, 64, 126, 126])", "==== problem2 ====", "torch.Size([32, 256, 64, 64])",
    "==== problem1 ====", "torch.Size([32, 64, 126, 126])", "==== problem2 ====", "torch.Size([32, 256, 64, 64])",
  ]);
  assert.equal(await cellLines("linear.py"), ["torch.Size([32, 256])"]);
  assert.equal(await cellLines("演習2"), [
    "==== problem 1 ====", "torch.Size([32, 1024])", "==== problem 2 ====", "torch.Size([32, 256])",
    "==== problem 3 ====", "torch.Size([32, 2048])", "==== appendix ====", "torch.Size([32, 16, 16])",
  ]);
  assert.equal(await cellLines("演習3"), ["torch.Size([32, 64])"]);
  assert.equal(await cellLines("view.py"), ["==== before ====", "torch.Size([32, 8, 16, 16])", "==== after ====", "torch.Size([32, 2048])"]);
  const sizes = await cellLines("the output size of a convolution");
  assert.equal(sizes.map((l) => l.split("O = ")[1]), ["254", "128", "64", "24"]);
});

const BN_AFTER = `tensor([[[[-0.7067, -0.7596, -0.6008],
          [-0.0182,  1.4116, -0.8126],
          [ 0.0877, -0.7014,  2.1000]]]])`;

test("003: BatchNorm2d on the lecture's 3x3 example, by the layer and by the formula", async () => {
  const out = await run;
  hasBlock(out, `torch.Size([32, 256, 64, 64])
==== before =====
tensor([[[[ 3.0000,  2.0000,  5.0000],
          [16.0000, 43.0000,  1.0000],
          [18.0000,  3.1000, 56.0000]]]])
==== after =====
${BN_AFTER}`);
  hasBlock(out, `tensor([[-0.7067, -0.7596, -0.6008],
        [-0.0182,  1.4116, -0.8126],
        [ 0.0877, -0.7014,  2.1000]])`);
});

test("003: ReLU on the 3x3 example, the composed model, forward called two ways", async () => {
  const out = await run;
  hasBlock(out, `tensor([[[[ 0.0000,  0.0000,  3.0000],
          [43.0000, 21.0000,  0.0000],
          [ 0.0000,  0.0000,  0.1000]]]])`);
  hasBlock(out, `MyModel(
  (conv): Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
  (bn): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
  (relu): ReLU()
)
torch.Size([2, 64, 8, 8])`);
  hasBlock(out, "===== method1 =====\ntensor([[1., 1., 1.],\n        [1., 1., 1.]])\n===== method2 =====\ntensor([[1., 1., 1.],\n        [1., 1., 1.]])");
});

test.run();
