// Chapter 12 runs as a reader runs it. Checked against article 001, to the printed digits: the
// image layouts and value ranges through the transforms, the 4x4 convolutions (plain, padded,
// dilated), max and adaptive average pooling, Flatten, BatchNorm2d on one and three channels with
// its running statistics, the skip connection's parameter count, and the transposed convolution
// and unpooling of 5-4 against their hand-worked results. Dropout is checked by its
// rule (kept values doubled), the formulas by agreement with the library.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { has, hasBlock, lines, runChapter } from "./run-chapter.ts";

const run = runChapter("12-image-layers");

test("4-1: a PIL image through ToTensor, ToPILImage and PILToTensor, as the article prints them", async () => {
  const out = await run;
  has(out, "PIL形式: <class 'PILImage'> (484, 648) RGB JPEG");
  has(out, "img_toPIL: <class 'PILImage'> (484, 648) RGB None");
  has(out, "img_tensor: <class 'Tensor'> torch.Size([3, 648, 484]) (Min,Max)=(tensor(0, dtype=torch.uint8), tensor(255, dtype=torch.uint8))");
});

test("3-4: image layout and the value ranges through ToTensor, Normalize and Lambda", async () => {
  const out = await run;
  has(out, "Tensor(1データ): <class 'Tensor'> torch.Size([3, 648, 484])");
  has(out, "Tensor(複数データ): <class 'Tensor'> torch.Size([1, 3, 648, 484])");
  has(out, "Tensor: <class 'Tensor'> torch.Size([3, 648, 484]) (Min,Max)=(tensor(0.), tensor(1.))");
  has(out, "Tensor_Std: <class 'Tensor'> torch.Size([3, 648, 484]) (Min,Max)=(tensor(-1.), tensor(1.))");
  has(out, "Tensor: <class 'Tensor'> torch.Size([3, 648, 484]) (Min,Max)=(tensor(0.), tensor(255.))");
  hasBlock(out, "Compose(\n    ToTensor()\n)");
});

test("5-1: the 4x4 convolutions with the diagonal kernel: plain, padded, dilated", async () => {
  const out = await run;
  hasBlock(out, "畳み込み演算(Conv2d)の出力\n tensor([[[[18., 21.],\n          [30., 33.]]]], grad_fn=<ConvolutionBackward0>)");
  hasBlock(out, `畳み込み演算(Conv2d)_Paddingの出力
 tensor([[[[ 7.,  9., 11.,  4.],
          [15., 18., 21., 11.],
          [23., 30., 33., 19.],
          [13., 23., 25., 27.]]]], grad_fn=<ConvolutionBackward0>)`);
  hasBlock(out, "畳み込み演算(Conv2d)_Dilatedの出力\n tensor([[[[22.,  7.],\n          [10., 12.]]]], grad_fn=<ConvolutionBackward0>)");
  has(out, "Kernel形状: torch.Size([1, 1, 3, 3])");
  has(out, "bias形状: torch.Size([1])");
  has(out, "no padding: 2  padding 1: 4  stride 2, padding 1: 2");
});

test("5-2, 5-3: max pooling, adaptive average pooling to 1..4, Flatten", async () => {
  const out = await run;
  hasBlock(out, "tensor([[[[ 6.,  8.],\n          [14., 16.]]]])");
  has(out, "tensor([[[[8.5000]]]]) torch.Size([1, 1, 1, 1])");
  hasBlock(out, "tensor([[[[ 3.5000,  5.5000],\n          [11.5000, 13.5000]]]]) torch.Size([1, 1, 2, 2])");
  hasBlock(out, `tensor([[[[ 3.5000,  4.5000,  5.5000],
          [ 7.5000,  8.5000,  9.5000],
          [11.5000, 12.5000, 13.5000]]]]) torch.Size([1, 1, 3, 3])`);
  hasBlock(out, `tensor([[[[ 1.,  2.,  3.,  4.],
          [ 5.,  6.,  7.,  8.],
          [ 9., 10., 11., 12.],
          [13., 14., 15., 16.]]]]) torch.Size([1, 1, 4, 4])`);
  hasBlock(out, "torch.Size([1, 1, 4, 4])\ntorch.Size([1, 16])\ntorch.Size([1, 16])\nFlatten(start_dim=1, end_dim=-1)");
});

test("softmax, cross-entropy and BCE by their formulas equal the library's", async () => {
  const out = lines(await run);
  const value = (prefix: string) => out.find((l) => l.startsWith(prefix))!.slice(prefix.length).trim();
  assert.is(value("softmax by the formula:"), value("nn.Softmax(dim=1):"));
  assert.is(value("softmax by the formula:"), "tensor([[0.6590, 0.2424, 0.0986]])");
  assert.is(value("-log p_0 by the formula:"), value("nn.CrossEntropyLoss:"));
  assert.is(value("nn.CrossEntropyLoss:"), "0.4170"); // log(e^2 + e^1 + e^0.1) - 2
  assert.is(value("BCE by the formula:"), value("nn.BCELoss:"));
  assert.is(value("nn.BCELoss:"), "0.2798"); // -(ln 0.9 + ln 0.8 + ln 0.6) / 3
});

test("6-2: dropout zeroes values and doubles the rest; eval mode changes nothing", async () => {
  const out = await run;
  has(out, "kept values are twice the originals: true");
  has(out, "in eval mode dropout changes nothing: true");
  const mean = Number(/^mean over 1000 masks: ([\d.]+)$/m.exec(out)![1]);
  assert.ok(Math.abs(mean - 8.5) < 0.3, `mean over masks ${mean}, expected about 8.5`);
});

test("6-3: BatchNorm2d outputs and running statistics, one and three channels", async () => {
  const out = await run;
  hasBlock(out, `tensor([[[[-1.6270, -1.4100, -1.1931, -0.9762],
          [-0.7593, -0.5423, -0.3254, -0.1085],
          [ 0.1085,  0.3254,  0.5423,  0.7593],
          [ 0.9762,  1.1931,  1.4100,  1.6270]]]],
       grad_fn=<NativeBatchNormBackward0>)`);
  has(out, "平均: tensor([0.8500]) 分散: tensor([3.1667])");
  hasBlock(out, `tensor([[[[-1.3416, -0.4472],
          [ 0.4472,  1.3416]],

         [[-1.2828, -0.5226],
          [ 0.4276,  1.3778]],

         [[-1.3136, -0.4839],
          [ 0.4379,  1.3596]]]], grad_fn=<NativeBatchNormBackward0>)`);
  hasBlock(out, "weight: Parameter containing:\ntensor([1., 1., 1.], requires_grad=True) bias: Parameter containing:\ntensor([0., 0., 0.], requires_grad=True)");
  has(out, "平均: tensor([0.2500, 0.7750, 1.5250]) 分散: tensor([ 1.0667,  4.5917, 16.5917])");
  hasBlock(out, "tensor([[[[ 0.7262,  1.6944],"); // eval: (1 - 0.25) / sqrt(1.0667 + 1e-5)
});

test("6-4: the skip connection has 20 parameters; freezing conv1 leaves 10 trainable", async () => {
  const out = await run;
  // article 001's torchinfo table, row for row
  hasBlock(out, [
    "=".repeat(65),
    "Layer (type:depth-idx)                   Param #",
    "=".repeat(65),
    "Net_skip                                 --",
    "├─Conv2d: 1-1                            10",
    "├─MaxPool2d: 1-2                         --",
    "├─Conv2d: 1-3                            10",
    "=".repeat(65),
  ].join("\n"));
  hasBlock(out, "Total params: 20\nTrainable params: 20\nNon-trainable params: 0");
  assert.match(out, /^tensor\(\[\[\[\[[\d. ,\n[\]]+\]\]\]\], grad_fn=<AddBackward0>\)$/m);
  hasBlock(out, "Total params: 20\nTrainable params: 10\nNon-trainable params: 10");
});

test("5-4: transposed convolution and unpooling, worked by hand", async () => {
  const out = await run;
  hasBlock(out, "tensor([[[[1., 1., 2., 2.],\n          [1., 1., 2., 2.],\n          [3., 3., 4., 4.],\n          [3., 3., 4., 4.]]]])");
  hasBlock(out, "tensor([[[[ 1.,  3.,  2.],\n          [ 4., 10.,  6.],\n          [ 3.,  7.,  4.]]]])");
  has(out, "torch.Size([1, 2, 3, 3]) -> torch.Size([1, 4, 6, 6])");
  hasBlock(out, "tensor([[[[ 0.,  0.,  0.,  0.],\n          [ 0.,  5.,  0.,  7.],\n          [ 0.,  0.,  0.,  0.],\n          [ 0., 13.,  0., 15.]]]])");
});

test.run();
