/** 12 · Image layers: transforms, convolution, pooling, Flatten, Dropout, BatchNorm2d and a skip connection */
// Follows article 001 (Pythonフレームワーク:Torchvision CNNによる画像処理モデル): how an image is
// laid out as a tensor, the transforms that prepare it, and the layers of an image model, each
// tried on the same 4x4 picture of the numbers 1 to 16 so that every output can be checked by hand.
//
// The article opens a photo (konan.JPG); we make a picture of the same size instead. Layers whose
// weights the article sets by hand give the article's numbers exactly; random ones (the skip
// connection, dropout's mask) give numbers of the same kind.
import * as torch from "../src/index.ts";
import { nn, transforms as Trans } from "../src/index.ts";
import { chapter, backwardNamesNote } from "./lib/cells.ts";
import { openPicture, pictureBytes, PICTURE_HEIGHT, PICTURE_WIDTH } from "./lib/picture.ts";

const ch = chapter("12", "Image layers", { random: true });
torch.manualSeed(ch.flags.seed);
const F = nn.functional;

// ---- 3. 画像処理における画像データの理解 ------------------------------------------------------

/** The picture as numpy would hold it: a uint8 tensor (height, width, channel). */
const makePicture = () => new torch.Tensor(pictureBytes(), [PICTURE_HEIGHT, PICTURE_WIDTH, 3], torch.uint8);

let imgNp: torch.Tensor, img: torch.Tensor;

/** A pair as Python prints a tuple: (484, 648). */
const pyTuple = (xs: readonly number[]) => `(${xs.join(", ")})`;

/** What Python's type() prints beside each result, for our classes: `<class 'Tensor'>`. */
const typeOf = (x: object) => `<class '${x.constructor.name}'>`;

/** The article's `(Min,Max)=(tensor(0.), tensor(1.))`. */
const minMax = (t: torch.Tensor) => `(Min,Max)=(${t.min()}, ${t.max()})`;

ch.cell("001 · 3-1.データの配列 — one picture in numpy's layout and in PyTorch's", () => {
  // The article opens a photo three ways: PIL (an image object), NumPy (an array, height x width x
  // RGB) and OpenCV (the same array, BGR). JavaScript has no NumPy or OpenCV: our PIL-style image
  // stands for the first, a uint8 Tensor in NumPy's layout for the second, and the third has no
  // counterpart here.
  const imgPIL = openPicture();
  imgNp = makePicture(); // what np.array(Image.open(...)) gives: (height, width, channel)
  img = Trans.ToTensor()(imgNp); // channels first, bytes scaled to 0..1
  console.log("PIL:", typeOf(imgPIL), pyTuple(imgPIL.size), imgPIL.mode, imgPIL.format ?? "None"); // size is (width, height)
  console.log("bytes (H, W, C):", typeOf(imgNp), imgNp.shape, "(NumPy's array; a uint8 Tensor here)");
  console.log("OpenCV: (no JavaScript counterpart: cv2.imread gives NumPy's array with the channels in BGR order)");
  console.log("Tensor(1データ):", typeOf(img), img.shape); // (channel, height, width)
  console.log("Tensor(複数データ):", typeOf(img.unsqueeze(0)), img.unsqueeze(0).shape); // (batch, channel, height, width)
});

ch.cell("001 · 3-2.画像データの情報量と正規化 — bytes are 0..255, ToTensor makes them 0..1", () => {
  console.log("(Min,Max)_bytes=", [imgNp.min().item(), imgNp.max().item()], minMax(img));
});

// ---- 4. データの前処理:transforms --------------------------------------------------------------

ch.cell("001 · 4-1.データのtensor化 — a PIL image to a tensor with ToTensor", () => {
  const imgPIL = openPicture(); // Image.open(path_img): our picture stands in for the photo
  console.log("PIL形式:", typeOf(imgPIL), pyTuple(imgPIL.size), imgPIL.mode, imgPIL.format ?? "None"); // size is (width, height)
  const imgT = Trans.ToTensor()(imgPIL);
  console.log("Tensor:", typeOf(imgT), imgT.shape, minMax(imgT)); // (channels, height, width)
});

ch.cell("001 · 4-1.データのtensor化 — ToPILImage and PILToTensor (no scaling)", () => {
  const imgPIL = openPicture();
  const toPIL = Trans.ToPILImage(); // tensor -> PIL image
  const pilToTensor = Trans.PILToTensor(); // PIL image -> uint8 tensor, the bytes unchanged
  const imgToPIL = toPIL(Trans.ToTensor()(imgPIL));
  console.log("img_toPIL:", typeOf(imgToPIL), pyTuple(imgToPIL.size), imgToPIL.mode, imgToPIL.format ?? "None");
  const imgTensor = pilToTensor(imgPIL);
  console.log("img_tensor:", typeOf(imgTensor), imgTensor.shape, minMax(imgTensor));
});

ch.cell("001 · 4-2.前処理のパイプライン化:transforms.Compose", () => {
  const transform = Trans.Compose([Trans.ToTensor()]);
  const t = transform(imgNp);
  console.log("Tensor:", typeOf(t), t.shape, minMax(t));
  console.log(String(transform));
});

ch.cell("001 · 4-3.データの正規化:Normalize — (x - 0.5) / 0.5 maps 0..1 to -1..1", () => {
  const t = Trans.Compose([Trans.Normalize(0.5, 0.5)]);
  const tStd = t(img);
  console.log("Tensor_org:", typeOf(img), img.shape, minMax(img));
  console.log("Tensor_Std:", typeOf(tStd), tStd.shape, minMax(tStd));
});

ch.cell("001 · 4-4.自作関数の追加:Lambda() — back to bytes with 255 * x", () => {
  const transform2 = Trans.Compose([Trans.ToTensor(), Trans.Lambda((x) => x.mul(255))]);
  const img2 = transform2(imgNp);
  console.log("Tensor:", typeOf(img2), img2.shape, minMax(img2));
});

// ---- 5. 画像処理モデルの主要レイヤ -------------------------------------------------------------

/** The article's test picture: one sample, one channel, the numbers 1 to 16 in a 4x4 grid. */
const picture = () =>
  torch.tensor([
    [
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
        [13, 14, 15, 16],
      ],
    ],
  ]);

/** The article's hand-set kernel: the 3x3 identity, so each output sums a window's diagonal. */
const diagonalKernel = () => torch.tensor([[[[1, 0, 0], [0, 1, 0], [0, 0, 1]]]]);

/** Sets a convolution's weight to the diagonal kernel and its bias to 0, as the article does under no_grad. */
function setDiagonal(conv: nn.Conv2d): void {
  torch.noGrad(() => {
    conv.weight.copy_(diagonalKernel());
    conv.bias!.zero_();
  });
}

let tensor: torch.Tensor;

ch.cell("001 · 5-1-1.畳み込みの原理説明 — a 3x3 kernel over the 4x4 picture", () => {
  backwardNamesNote(["ThnnConv2DBackward", "ConvolutionBackward0"], ["SlowConvDilated2DBackward", "ConvolutionBackward0"], ["NativeBatchNormBackward", "NativeBatchNormBackward0"]);
  tensor = picture();
  console.log(tensor.shape, "\n");
  const conv = new nn.Conv2d(1, 1, 3); // in channels, out channels, kernel size; stride 1, padding 0
  console.log("Kernel形状:", conv.weight.shape); // (out channels, in channels, height, width)
  console.log(conv.weight, "\n");
  console.log("bias形状:", conv.bias!.shape); // one bias per kernel
  console.log(conv.bias);

  setDiagonal(conv);
  // each output: 1 + 6 + 11 = 18, 2 + 7 + 12 = 21, 5 + 10 + 15 = 30, 6 + 11 + 16 = 33
  console.log("\n畳み込み演算(Conv2d)の出力\n", conv(tensor));
});

ch.cell("001 · 5-1-2.畳み込みの引数:パディング、ストライド — padding 1 keeps 4x4", () => {
  const convPad = new nn.Conv2d(1, 1, 3, { padding: 1 });
  console.log(convPad.weight.shape, convPad.bias!.shape); // padding does not change the parameters
  setDiagonal(convPad);
  // a ring of zeros around the picture: the corner top-left sees only 1 + 6 = 7
  console.log("\n畳み込み演算(Conv2d)_Paddingの出力\n", convPad(tensor));
});

/** Output height or width: (input + 2 padding - dilation (kernel - 1) - 1) / stride + 1, rounded down. */
const outputSize = (input: number, kernel: number, { stride = 1, padding = 0, dilation = 1 } = {}) =>
  Math.floor((input + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;

ch.cell("001 · 5-1-2 — the output size formula", () => {
  // 出力Height = (入力Height + 2 × Padding - filter size) / Stride + 1
  console.log("no padding:", outputSize(4, 3), " padding 1:", outputSize(4, 3, { padding: 1 }), " stride 2, padding 1:", outputSize(4, 3, { stride: 2, padding: 1 }));
});

ch.cell("001 · 5-1-4.膨張畳み込み(Dilated Convolution) — dilation 2 spreads the kernel over 5x5", () => {
  const convDilated = new nn.Conv2d(1, 1, 3, { padding: 1, dilation: 2 });
  setDiagonal(convDilated);
  // A 3x3 kernel with gaps of 1 covers 5x5: on the padded 6x6 picture it fits in 2x2 places.
  // Top-left: 0 (padding) + 6 + 16 = 22; top-right: 0 + 7 + 0 = 7.
  console.log("dilated output size:", outputSize(4, 3, { padding: 1, dilation: 2 }));
  console.log("畳み込み演算(Conv2d)_Dilatedの出力\n", convDilated(tensor));
});

ch.cell("001 · 5ー2.プーリング層(Pooling) — 2x2 max pooling", () => {
  // the largest of each 2x2 block; no parameters; the channel count stays
  return F.maxPool2d(tensor, 2);
});

ch.cell("001 · 【参考:F.adaptive_avg_pool2d】 — averages over bins that fit any output size", () => {
  // Bin i of n over 4 pixels runs from floor(4i/n) to ceil(4(i+1)/n): for n = 3 the bins
  // [0, 2), [1, 3), [2, 4) overlap.
  const t1 = F.adaptiveAvgPool2d(tensor, [1, 1]);
  const t2 = F.adaptiveAvgPool2d(tensor, [2, 2]);
  const t3 = F.adaptiveAvgPool2d(tensor, [3, 3]);
  const t4 = F.adaptiveAvgPool2d(tensor, [4, 4]);
  console.log(String(t1), String(t1.shape), "\n");
  console.log(String(t2), String(t2.shape), "\n");
  console.log(String(t3), String(t3.shape), "\n");
  console.log(String(t4), String(t4.shape));
});

ch.cell("001 · 5ー3.全結合層化層(Flatten) — [1, 1, 4, 4] to [1, 16]", () => {
  console.log(tensor.shape);
  const flatten = new nn.Flatten();
  const tensorFlat = flatten(tensor);
  console.log(tensorFlat.shape);
  console.log(tensor.view(-1, 1 * 4 * 4).shape); // the same, -1 standing for the number of samples
  console.log(String(flatten));
});

ch.cell("001 · 【コラム:Softmax関数に関して】 — the formulas against the library", () => {
  const z = torch.tensor([[2.0, 1.0, 0.1]]);
  // σ(z_i) = e^{z_i} / Σ_j e^{z_j}
  const byFormula = z.exp().div(z.exp().sum(1, true));
  console.log("softmax by the formula:", byFormula);
  console.log("nn.Softmax(dim=1):     ", new nn.Softmax(1)(z));

  // Cross entropy of one sample whose class is 0: -Σ_c y_c log p_c = -log p_0. CrossEntropyLoss
  // takes the raw outputs (logits) and does the softmax itself.
  const target = torch.tensor([0], { dtype: "int64" });
  console.log("-log p_0 by the formula:", byFormula.get(0, 0).log().neg().item().toFixed(4));
  console.log("nn.CrossEntropyLoss:    ", new nn.CrossEntropyLoss()(z, target).item().toFixed(4));

  // Binary cross entropy: -(y log p + (1 - y) log(1 - p))
  const p = torch.tensor([0.9, 0.2, 0.6]);
  const y = torch.tensor([1, 0, 1]);
  const bce = y.mul(p.log()).add(torch.sub(torch.onesLike(y), y).mul(torch.sub(torch.onesLike(p), p).log())).neg().mean();
  console.log("BCE by the formula:", bce.item().toFixed(4));
  console.log("nn.BCELoss:        ", new nn.BCELoss()(p, y).item().toFixed(4));
});

// ---- 5-4. transposed convolution, and unpooling beside it (the article describes them without code)

ch.cell("001 · 5-4.転置畳み込み(ConvTranspose2d) — each pixel spreads a kernel-sized patch", () => {
  // Output size: (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
  const x = torch.tensor([[[[1, 2], [3, 4]]]]);
  const w = torch.ones(1, 1, 2, 2);
  console.log(F.convTranspose2d(x, w, null, { stride: 2 })); // (2 - 1) * 2 + (2 - 1) + 1 = 4: patches side by side
  console.log(F.convTranspose2d(x, w)); // stride 1: (2 - 1) + (2 - 1) + 1 = 3, overlapping patches add up
  // a strided convolution halves 6x6 to 3x3; the transposed one with the same settings brings it back
  const down = new nn.Conv2d(4, 2, 3, { stride: 2, padding: 1 });
  const up = new nn.ConvTranspose2d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1 });
  const h = torch.noGrad(() => down(torch.ones(1, 4, 6, 6)));
  console.log(String(up));
  console.log(h.shape, "->", torch.noGrad(() => up(h)).shape);
});

ch.cell("ours · beside 5-4 — アンプーリング (MaxUnpool2d): values back where max pooling found them", () => {
  const x = torch.arange(16).float().reshape(1, 1, 4, 4);
  const [pooled, indices] = F.maxPool2d(x, 2, { returnIndices: true });
  console.log(pooled, indices);
  const unpool = new nn.MaxUnpool2d(2);
  console.log(String(unpool));
  console.log(unpool(pooled, indices));
});

// ---- 6. 過学習防止テクニック -------------------------------------------------------------------

ch.cell("001 · 6ー2.ドロップアウト:nn.Dropout — dropped values are 0, kept ones are doubled", () => {
  const dropout = new nn.Dropout(0.5);
  const dropped = dropout(tensor);
  console.log(dropped);
  // Each kept value is x / (1 - p) = 2x, so the mean stays 8.5 on average over many masks.
  console.log(tensor.mean(), dropout(tensor).mean());
  const kept = dropped.data.filter((v) => v !== 0);
  console.log("kept values are twice the originals:", kept.every((v) => v % 2 === 0 && tensor.data.includes(v / 2)));
  let total = 0;
  for (let i = 0; i < 1000; i++) total += dropout(tensor).mean().item();
  console.log("mean over 1000 masks:", (total / 1000).toFixed(2));
  dropout.eval();
  console.log("in eval mode dropout changes nothing:", dropout(tensor).data.every((v, i) => v === tensor.data[i]));
});

let bn2d: nn.BatchNorm2d;

ch.cell("001 · 6-3-2.動作検証およびサンプルコード — BatchNorm2d on one channel", () => {
  // y = (x - mean) / sqrt(var + eps) * γ + β over the batch, with the biased variance (÷ m)
  tensor = picture();
  bn2d = new nn.BatchNorm2d(1, { eps: 1e-5, momentum: 0.1 });
  const tensorNorm = bn2d(tensor);
  console.log("BN処理前形状:", tensor.shape, "BN処理後形状:", tensorNorm.shape, "\n");
  console.log(tensorNorm);
});

ch.cell("001 · 6-3-1.詳細および数式 — γ, β and the running statistics after that batch", () => {
  // γ starts at 1 and β at 0. The running mean moves 10 % of the way from 0 to the batch mean
  // 8.5; the running variance moves 10 % of the way from 1 to the unbiased variance (÷ (m - 1)):
  // 0.9 * 1 + 0.1 * 22.667 = 3.1667.
  console.log("weight:", bn2d.weight, "bias:", bn2d.bias);
  console.log("平均:", bn2d.runningMean, "分散:", bn2d.runningVar);
});

ch.cell("001 · 6-3-2 — BatchNorm2d on three channels, each normalised on its own", () => {
  tensor = torch.tensor([
    [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [1, 5],
        [10, 15],
      ],
      [
        [1, 10],
        [20, 30],
      ],
    ],
  ]);
  bn2d = new nn.BatchNorm2d(3, { eps: 1e-5, momentum: 0.1 });
  const tensorNorm = bn2d(tensor);
  console.log("BN処理前形状:", tensor.shape, "BN処理後形状:", tensorNorm.shape, "\n");
  console.log(tensorNorm, "\n");
  console.log("weight:", bn2d.weight, "bias:", bn2d.bias);
  console.log("平均:", bn2d.runningMean, "分散:", bn2d.runningVar);
});

ch.cell("001 · 6-3 — eval mode normalises with the running statistics instead", () => {
  // After one batch the running estimates are still near their starts (0 and 1), so in eval
  // mode the output is nearly the input: (x - 0.25) / sqrt(1.0667 + eps) for the first channel.
  bn2d.eval();
  console.log(bn2d(tensor));
});

// named as in the article, so its summary prints the same first row
class Net_skip extends nn.Module {
  conv1: nn.Conv2d;
  pooling: nn.MaxPool2d;
  conv2: nn.Conv2d;

  constructor(kChanel: number) {
    super();
    this.conv1 = new nn.Conv2d(1, kChanel, 3, { padding: 1 });
    this.pooling = new nn.MaxPool2d(2);
    this.conv2 = new nn.Conv2d(kChanel, 1, 3, { padding: 1 });
  }

  override forward(x: torch.Tensor): torch.Tensor {
    let out = F.relu(this.conv1(x)); // [1, 1, 4, 4], as the input
    out = this.pooling(out); // [1, 1, 2, 2]
    const out1 = out; // skip connection
    out = F.relu(this.conv2(out)).add(out1); // [1, 1, 2, 2]
    return out;
  }
}

ch.cell("001 · 6ー4.スキップ接続(Shortcut Connection) — the block, its 20 parameters and its output", () => {
  tensor = picture();
  const net = new Net_skip(1);
  // each 3x3 convolution from 1 channel to 1 has 9 weights and 1 bias: 10, twice
  console.log(nn.summary(net));
  console.log(net(tensor));
});

ch.cell("ours · after 6ー4 — freezing the skip block's parameters with requiresGrad (the article's 7-4 freezes VGG16: chapter 15)", () => {
  // Transfer learning trains only some layers: the others' parameters stop requiring grad. The
  // article does it to VGG16 in 7-4, which chapter 15 follows; here the same loop on the block above.
  const net = new Net_skip(1);
  for (const [name, params] of net.namedParameters()) params.requiresGrad = name.startsWith("conv2");
  for (const [name, params] of net.namedParameters()) console.log(name.padEnd(13), String(params.size()).padEnd(27), params.requiresGrad);
  console.log(nn.summary(net).split("\n").filter((l) => l.includes("params")).join("\n"));
});
