/** 07 · MNIST with a fully connected network: 784 pixels in, 64 hidden, 10 digits out */
// Follows part 7 (MNIST の手書き数字を全結合型ニューラルネットワークで処理してみよう). The iris recipe
// again, on real data: 60000 handwritten digits to learn from and 10000 to test on, fed in
// mini-batches of 20. Each 28x28 image is flattened into 784 numbers, so the network never sees
// that neighbouring pixels are neighbours (the next chapter fixes that).
//
//   npx tsx chapters/07-mnist-fully-connected.ts               the article's 2 epochs over 60000 images
//   npx tsx chapters/07-mnist-fully-connected.ts --limit 10000 --epochs 1    a quick look
import * as torch from "../src/index.ts";
import { nn, optim, data, transforms } from "../src/index.ts";
import { encodePng, shadeImage } from "../src/plot/index.ts";
import { MNIST } from "../datasets/mnist.ts";
import { chapter, saveOut } from "./lib/cells.ts";

const ch = chapter("07", "MNIST with a fully connected network", { epochs: 2, random: true });
torch.manualSeed(ch.flags.seed); // --seed N: another start and another shuffle
const F = nn.functional;
const LIMIT = ch.flags.limit; // --limit N: train on the first N images only

let trainset: MNIST, testset: MNIST;
let trainloader: data.DataLoader<MNIST>, testloader: data.DataLoader<MNIST>;
const BATCH_SIZE = 20;

ch.cell("part 7 · データセットの準備と探索 — the training and test sets, and loaders over them", () => {
  // Every image goes through `transform` as it is read: ToTensor turns the bytes 0..255 into
  // floats 0..1 (adding a channel dim), Normalize(0.5, 0.5) computes (x - 0.5) / 0.5, giving -1..1.
  const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize(0.5, 0.5)]);

  trainset = new MNIST({ train: true, transform, limit: LIMIT });
  trainloader = new data.DataLoader(trainset, { batchSize: BATCH_SIZE, shuffle: true }); // a new order every epoch

  testset = new MNIST({ train: false, transform });
  testloader = new data.DataLoader(testset, { batchSize: BATCH_SIZE, shuffle: false });

  console.log(transform);
  console.log(`trainset: ${trainset.length} images, testset: ${testset.length} images`);
});

ch.cell("part 7 · データセットの準備と探索 — the first image as numbers", () => {
  // trainset.data holds the raw bytes, before any transform: 0 is black, 255 is white.
  const image = trainset.data.get(0);
  console.log(`image: ${image.size(0)} x ${image.get(0).size(0)}`);
  for (const item1 of image.tolist() as number[][]) {
    console.log(item1.map((item2) => String(item2).padStart(4)).join(""));
  }
});

ch.cell("part 7 · データセットの準備と探索 — the first image drawn (plt.imshow)", () => {
  const image = trainset.data.get(0);
  console.log(shadeImage(image.data, 28, 28));

  // The same picture as a PNG, each pixel blown up to a 10x10 square so it is easy to see.
  const SCALE = 10;
  const pixels = new Uint8Array(28 * SCALE * 28 * SCALE);
  for (let y = 0; y < 28 * SCALE; y++) {
    for (let x = 0; x < 28 * SCALE; x++) pixels[y * 28 * SCALE + x] = image.data[Math.floor(y / SCALE) * 28 + Math.floor(x / SCALE)]!;
  }
  saveOut("07-mnist-train-0.png", encodePng(pixels, 28 * SCALE, 28 * SCALE, 1));
});

ch.cell("part 7 · データセットの準備と探索 — trainset[0]: the transformed image and its label", () => {
  // Indexing the dataset itself runs the transform and hands back [image, label].
  const [image, label] = trainset.get(0);
  console.log(label); // a plain number, as torchvision returns an int
  // After ToTensor and Normalize the image has a channel dim, and the bytes 0..255 became -1..1:
  // row 5, pixels 12 to 19, before and after.
  console.log(image.shape);
  console.log(trainset.data.get(0, 5).slice([12, 20]));
  console.log(image.get(0, 5).slice([12, 20]));
});

const INPUT_FEATURES = 28 * 28;
const HIDDEN = 64;
const OUTPUT_FEATURES = 10;

// 784 inputs, 64 hidden nodes with ReLU, 10 outputs: one score per digit. No softmax at the end:
// CrossEntropyLoss applies it (as log-softmax) itself, and the largest score is the guess anyway.
class Net extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor(INPUT_FEATURES: number, HIDDEN: number, OUTPUT_FEATURES: number) {
    super();
    this.fc1 = new nn.Linear(INPUT_FEATURES, HIDDEN);
    this.fc2 = new nn.Linear(HIDDEN, OUTPUT_FEATURES);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.fc1(x);
    x = F.relu(x);
    x = this.fc2(x);
    return x;
  }
}

let net: Net;
let criterion: nn.CrossEntropyLoss;
let optimizer: optim.SGD;

ch.cell("part 7 · 学習とテスト — the network, the loss and the optimiser", () => {
  net = new Net(INPUT_FEATURES, HIDDEN, OUTPUT_FEATURES);

  // Cross-entropy takes the 10 scores of each image and the index of the right digit, which is
  // exactly what a label is. SGD with momentum keeps part of the last step in the next one.
  criterion = new nn.CrossEntropyLoss();
  optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
  console.log(net);
});

const EPOCHS = ch.flags.epochs; // 2, as in the article
let outputs: torch.Tensor | undefined;
let labels: torch.Tensor;

ch.cell("part 7 · 学習とテスト — training: mini-batches of 20, the running loss every 500 batches", () => {
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    let runningLoss = 0.0;
    let count = 0;
    // torch.progress is tqdm: a progress bar on stderr, while the article's lines go to stdout
    const batches = torch.progress(trainloader, { desc: `epoch ${epoch}` });
    for (let [inputs, batchLabels] of batches) {
      count++;
      labels = batchLabels;
      inputs = inputs.reshape(-1, 28 * 28); // [20, 1, 28, 28] -> [20, 784]

      optimizer.zeroGrad();
      outputs = net(inputs);
      const loss = criterion(outputs, labels);
      loss.backward();
      optimizer.step();

      runningLoss += loss.item();
      if (count % 500 === 0) {
        batches.write(`#${epoch}, data: ${count * BATCH_SIZE}, running_loss: ${(runningLoss / 500).toFixed(3)}`);
        runningLoss = 0.0;
      }
    }
  }
  console.log("Finished");
});

ch.cell("part 7 · 学習とテスト — the last batch: guesses next to labels", () => {
  if (outputs === undefined) return console.log("(no training ran, so there is no last batch)");
  // torch.max along dim 1 gives each row's largest score and where it is; the index is the digit.
  const [, predicted] = torch.max(outputs, 1);
  console.log(predicted);
  console.log(labels);
});

ch.cell("part 7 · 学習とテスト — accuracy on the 10000 test images", () => {
  if (outputs === undefined) return console.log("(no training ran: --epochs 0)");
  let correct = 0;
  let total = 0;

  torch.noGrad(() => { // only looking, not learning: no graph needed
    for (let [inputs, labels] of testloader) {
      inputs = inputs.reshape(-1, 28 * 28);
      const outputs = net(inputs);
      const [, predicted] = torch.max(outputs, 1);
      total += outputs.size(0);
      correct += predicted.eq(labels!).sum().item();
    }
  });

  console.log(`correct: ${correct}, accuracy: ${correct} / ${total} = ${correct / total}`);
});
