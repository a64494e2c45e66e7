/** 15 · Models as torchvision builds them: VGG16, its summary, classifier surgery and freezing, transposed convolution, the MNIST dataset */
// Follows the second half of article 001 (Pythonフレームワーク:Torchvision CNNによる画像処理モデル):
// section 7 (pretrained models, fine-tuning, transfer learning), the transposed convolution and
// unpooling its section 5 describes, and appendix 2 (torchvision's MNIST dataset object).
//
// The article downloads weights trained on ImageNet. Nothing is downloaded here, so every model is
// built layer for layer as torchvision builds it, with torchvision's own random initialisation:
// the printouts are the article's, the predictions are not (and the chapter says so where it shows one).
import * as torch from "../src/index.ts";
import { models, nn, transforms as T } from "../src/index.ts";
import { encodePng, SVG_FONTS } from "../src/plot/index.ts";
import { MNIST } from "../datasets/mnist.ts";
import { chapter, saveOut } from "./lib/cells.ts";
import { openPicture } from "./lib/picture.ts";

const { medianTime } = torch.utils.benchmark;

const ch = chapter("15", "Models as torchvision builds them", { random: true });
torch.manualSeed(ch.flags.seed);
const F = nn.functional;

// ---- 7. 学習済みモデルの利用 -----------------------------------------------------------------------

ch.cell("001 · 7.学習済みモデルの利用 — the models this library builds", () => {
  // the article lists dir(torchvision.models); these are the ones built here
  console.log(`[${Object.keys(models).sort().map((name) => `'${name}'`).join(", ")}]`);
});

ch.cell("001 · 7-1.PytorchHub(参考) — AlexNet's pipeline on our picture (untrained weights)", () => {
  const model = models.alexnet(); // the article loads pretrained=True from the hub; here the weights are random
  model.eval();
  const img = openPicture(); // Image.open(path_img)
  // preprocess as for ImageNet: 1. the image size, 2. normalise with ImageNet's mean and std
  const transform = T.Compose([
    T.Resize([256, 256]),
    T.ToTensor(),
    T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
  ]);
  const yPred = torch.noGrad(() => model(transform(img).unsqueeze(0))); // (3, 256, 256) -> (1, 3, 256, 256)
  const yPredIdx = torch.max(yPred, 1)[1]; // the index of the largest of the 1000 scores
  console.log(yPredIdx);
  console.log("(the article's trained AlexNet answers tensor([281]), 'tabby', for its cat photo; untrained weights pick an arbitrary class)");
  // torchvision's usual pipeline for these models crops the middle 224x224 after resizing to 256
  const standard = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor()]);
  console.log(String(standard));
  console.log(standard(img).shape);
});

let modelVgg16: models.VGG;

ch.cell("001 · 7-2-1.モデルの読み込み:models.<model> — VGG16", () => {
  modelVgg16 = models.vgg16(); // models.vgg16(pretrained=True) in the article: the same layers, random weights
  console.log(String(modelVgg16));
});

ch.cell("001 · 7-2-1.モデルの読み込み:models.<model> — summary (torchinfo), one 224x224 image through VGG16", () => {
  console.log(nn.summary(modelVgg16, { inputSize: [1, 3, 224, 224] }));
  // the summary ran one forward pass; time a few more
  const x = torch.zeros(1, 3, 224, 224);
  modelVgg16.eval();
  const { medianMs } = medianTime(() => torch.noGrad(() => modelVgg16(x)), { warmup: 1, minRuns: 3, maxRuns: 3, minMs: 0 });
  const gmac = 15.48; // the table's mult-adds
  console.log(`one forward pass: ${(medianMs / 1000).toFixed(2)} s, ${(gmac / (medianMs / 1000)).toFixed(1)} G multiply-adds per second (${torch.getBackend()} backend)`);
});

ch.cell("001 · 7-2-2.レイヤを変換 — the classifier, one of its layers by index", () => {
  const classifier = modelVgg16.classifier;
  console.log(String(classifier), "\n");
  console.log("List形式で抽出:", String(classifier[6]));
  const last = classifier[6] as nn.Linear;
  console.log("入力nodes:", last.inFeatures, "出力nodes:", last.outFeatures);
});

ch.cell("001 · 7-2-2.レイヤを変換 — 1000 classes to 2: replace the last Linear", () => {
  const classifier = modelVgg16.classifier;
  classifier[6] = new nn.Linear((classifier[6] as nn.Linear).inFeatures, 2); // model_vgg16.classifier[6] = nn.Linear(..., 2)
  console.log(String(modelVgg16.classifier[6]));
});

ch.cell("001 · 7-2-2.レイヤを変換 — 恒等関数:nn.Identity() in place of layers", () => {
  const classifier = modelVgg16.classifier;
  classifier[3] = new nn.Identity();
  classifier[4] = new nn.Identity();
  classifier[5] = new nn.Identity();
  classifier[6] = new nn.Linear((classifier[0] as nn.Linear).outFeatures, 2);
  console.log(String(modelVgg16));
  // Identity passes its input through, so the network still runs: 25088 -> 4096 -> 2
  console.log(torch.noGrad(() => modelVgg16(torch.zeros(1, 3, 224, 224))).shape);
});

/** The article's DataFrame of (name, size, requires_grad), one row per parameter tensor. */
function parameterTable(model: nn.Module): void {
  for (const [name, params] of model.namedParameters()) {
    console.log(name.padEnd(22), String(params.size()).padEnd(30), params.requiresGrad ? "True" : "False");
  }
}

ch.cell("001 · 7-3.ファインチューニング(全パラメータ更新) — every parameter requires grad", () => {
  parameterTable(modelVgg16);
});

ch.cell("001 · 7-4.転移学習(一部パラメータ更新) — only the classifier learns", () => {
  for (const [name, params] of modelVgg16.namedParameters()) {
    params.requiresGrad = name.includes("classifier"); // only the classifier's parameters keep requires_grad
  }
  parameterTable(modelVgg16);
  // torchinfo's totals say the same in numbers
  console.log(nn.summary(modelVgg16).split("\n").filter((line) => line.includes("params")).join("\n"));
});

// ---- 別添2:サンプルデータ取得:torchvision.datasets ------------------------------------------------

ch.cell("001 · 別添2:サンプルデータ取得 — the MNIST dataset objects", () => {
  const mnistTrainPIL = new MNIST({ train: true }); // no transform: the raw bytes (PIL images in torchvision)
  const mTrainT = new MNIST({ train: true, transform: T.ToTensor() });
  const trans1 = T.Compose([T.ToTensor()]);
  const mTestT = new MNIST({ train: false, transform: trans1 });
  console.log(String(mnistTrainPIL), "\n", String(mTrainT), "\n", String(mTestT), "\n");
  const describe = (ds: MNIST) => {
    const [image, label] = ds.get(0);
    return [ds.constructor.name, "データ数:", ds.length, "1番目のデータ:", "[image, label]", 2, `Tensor(${image.dtype})`, typeof label];
  };
  console.log(...describe(mnistTrainPIL));
  console.log(...describe(mTrainT), "dataのMax/MIN", `(${mTestT.get(0)[0].max()}, ${mTestT.get(0)[0].min()})`);
  console.log(...describe(mTestT));
});

ch.cell("001 · 別添2:サンプルデータ取得 — the first ten digits with their labels (a 2x5 grid)", () => {
  const ds = new MNIST({ train: true });
  // a 2x5 grid of 28x28 digits, each scaled 4x, white on black as imshow(cmap='gray') draws them
  const SCALE = 4, CELL = 28 * SCALE, GAP = 24, width = 5 * CELL, height = 2 * (CELL + GAP);
  const images: string[] = [];
  for (let idx = 0; idx < 10; idx++) {
    const [img, label] = ds.get(idx);
    const pixels = new Uint8Array(CELL * CELL);
    for (let y = 0; y < CELL; y++) for (let x = 0; x < CELL; x++) pixels[y * CELL + x] = img.data[Math.floor(y / SCALE) * 28 + Math.floor(x / SCALE)]!;
    const png = btoa(Array.from(encodePng(pixels, CELL, CELL, 1), (byte) => String.fromCharCode(byte)).join(""));
    const left = (idx % 5) * CELL, top = Math.floor(idx / 5) * (CELL + GAP);
    images.push(
      `<text x="${left + CELL / 2}" y="${top + 17}" text-anchor="middle" font-family="${SVG_FONTS}" font-size="14">正解値: ${label}</text>`,
      `<image x="${left}" y="${top + GAP}" width="${CELL}" height="${CELL}" href="data:image/png;base64,${png}"/>`,
    );
    console.log(`正解値: ${label}`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="white"/>${images.join("")}</svg>\n`;
  saveOut("15-mnist-first-ten.svg", svg);
});
