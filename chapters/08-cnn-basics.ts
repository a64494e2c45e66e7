/** 08 · CNN basics: a kernel slid over a 5x5 cross, max pooling, then a CNN on MNIST */
// Follows part 8 (CNN なんて怖くない！ その基本を見てみよう). A fully connected network flattens an
// image and forgets which pixels are neighbours. A convolution keeps them: a small kernel slides
// over the image and at each place multiplies what it covers element by element and sums, so the
// output (a feature map) is large where that patch looks like the kernel. Pooling then keeps the
// strongest answer of each small window. We do both by hand on a 5x5 cross, then train the
// article's CNN on MNIST.
//
//   npx tsx chapters/08-cnn-basics.ts                          the article's 2 epochs over 60000 images
//   npx tsx chapters/08-cnn-basics.ts --limit 2000 --epochs 1  a quick look
import * as torch from "../src/index.ts";
import { nn, optim, data, transforms } from "../src/index.ts";
import { MNIST } from "../datasets/mnist.ts";
import { chapter } from "./lib/cells.ts";

const ch = chapter("08", "CNN basics", { epochs: 2, random: true });
torch.manualSeed(ch.flags.seed); // --seed N: another start and another shuffle
const F = nn.functional;
const LIMIT = ch.flags.limit; // --limit N: train on the first N images only

// -1 is black, 1 is white.
const cross = torch.tensor([
  [1, -1, -1, -1, 1],
  [-1, 1, -1, 1, -1],
  [-1, -1, 1, -1, -1],
  [-1, 1, -1, 1, -1],
  [1, -1, -1, -1, 1],
]);
const circle = torch.tensor([
  [-1, 1, 1, 1, -1],
  [1, -1, -1, -1, 1],
  [1, -1, -1, -1, 1],
  [1, -1, -1, -1, 1],
  [-1, 1, 1, 1, -1],
]);

ch.cell("part 8 · CNN (Convolutional Neural Network) の概要 — a 5x5 cross and a 5x5 circle", () => {
  // The cross has two diagonals that meet in the middle; the circle (an octagon, really) has
  // diagonals, horizontal and vertical strokes, but no crossing.
  console.log(cross);
  console.log(circle);
});

// A 3x3 kernel shaped like the middle of the cross: it asks "is there a crossing here?".
// (In a CNN the kernel's numbers are learned; here we pick them.)
const kernel = torch.tensor([
  [1, -1, 1],
  [-1, 1, -1],
  [1, -1, 1],
]);

ch.cell("part 8 · 畳み込み — the kernel, and its first step by hand", () => {
  console.log(kernel);
  // The top-left 3x3 patch of the cross times the kernel, element by element, summed:
  console.log(cross.slice([0, 3], [0, 3]).mul(kernel).sum());
});

// conv2d works on batches of images with channels: [batch, channels, height, width], and kernels
// [out channels, in channels, height, width]. One image, one channel, one kernel here.
const image = cross.reshape(1, 1, 5, 5);
const weight = kernel.reshape(1, 1, 3, 3);
let fMap: torch.Tensor, fMapPadded: torch.Tensor;

ch.cell("part 8 · 畳み込み — the feature map without padding (5x5 in, 3x3 out)", () => {
  // The kernel fits in 3 places across and 3 down: output size = 5 - 3 + 1.
  fMap = F.conv2d(image, weight).reshape(3, 3);
  console.log(fMap);
  // 9 in the middle: the crossing is there. The corners (5) hold diagonals that do not cross;
  // the negative places hold no part of a crossing at all.
});

ch.cell("part 8 · 畳み込み — the feature map with padding 1 (a ring of zeros keeps it 5x5)", () => {
  // Zero padding lets the kernel also centre on the edge pixels. At the top-left only the cross's
  // 2x2 corner [[1, -1], [-1, 1]] meets real numbers, the kernel's [[1, -1], [-1, 1]]: 1+1+1+1 = 4.
  fMapPadded = F.conv2d(image, weight, null, { padding: 1 }).reshape(5, 5);
  console.log(fMapPadded);
  // The unpadded map sits in the middle of this one.
});

ch.cell("part 8 · 畳み込み — the same kernel over the circle", () => {
  // Not in the article: the circle has no crossing, and its feature map never gets near 9.
  console.log(F.conv2d(circle.reshape(1, 1, 5, 5), weight).reshape(3, 3));
});

ch.cell("part 8 · プーリング — 2x2 max pooling of both feature maps", () => {
  // Each 2x2 window (stepping by 2) keeps only its largest value. A 3x3 map has room for one
  // window, the 5x5 map for four; a window that would stick out of the map is dropped.
  console.log(F.maxPool2d(fMap.reshape(1, 1, 3, 3), 2).reshape(1, 1));
  console.log(F.maxPool2d(fMapPadded.reshape(1, 1, 5, 5), 2).reshape(2, 2));
  // Either way the 9 of the crossing survives while the data shrinks.
});

let trainset: MNIST, testset: MNIST;
let trainloader: data.DataLoader<MNIST>, testloader: data.DataLoader<MNIST>;
const BATCH_SIZE = 20;

ch.cell("part 8 · PyTorch で CNN を実装する — MNIST and its loaders, as in the last chapter", () => {
  const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize(0.5, 0.5)]);

  trainset = new MNIST({ train: true, transform, limit: LIMIT });
  trainloader = new data.DataLoader(trainset, { batchSize: BATCH_SIZE, shuffle: true });

  testset = new MNIST({ train: false, transform });
  testloader = new data.DataLoader(testset, { batchSize: BATCH_SIZE, shuffle: false });
  console.log(`trainset: ${trainset.length} images, testset: ${testset.length} images`);
});

// Two rounds of convolution and pooling find features, then two fully connected layers decide.
// Shapes for one image: [1, 28, 28] -conv1-> [6, 24, 24] -pool-> [6, 12, 12]
//                       -conv2-> [16, 8, 8] -pool-> [16, 4, 4] = 256 numbers -fc1-> 64 -fc2-> 10
class Net extends nn.Module {
  conv1: nn.Conv2d;
  pool: nn.MaxPool2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor() {
    super();
    this.conv1 = new nn.Conv2d(1, 6, 5); // 1 channel in, 6 kernels of 5x5
    this.pool = new nn.MaxPool2d(2, { stride: 2 }); // one pooling layer, used twice
    this.conv2 = new nn.Conv2d(6, 16, 5); // 6 channels in (conv1's 6 maps), 16 kernels of 6x5x5
    this.fc1 = new nn.Linear(16 * 16, 64);
    this.fc2 = new nn.Linear(64, 10);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv1(x);
    x = F.relu(x);
    x = this.pool(x);
    x = this.conv2(x);
    x = this.pool(x); // (the article has no ReLU after conv2; we keep it that way)
    x = x.reshape(-1, 16 * 16);
    x = this.fc1(x);
    x = F.relu(x);
    x = this.fc2(x);
    return x;
  }
}

let net: Net;
const EPOCHS = ch.flags.epochs; // 2, as in the article
let trained = false;

ch.cell("part 8 · PyTorch で CNN を実装する — training", () => {
  net = new Net();
  console.log(net);

  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });

  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    let runningLoss = 0.0;
    let count = 0;
    const batches = torch.progress(trainloader, { desc: `epoch ${epoch}` });
    for (const [inputs, labels] of batches) {
      count++;
      // No reshape this time: the images go in as [20, 1, 28, 28].
      // torch.tidy is ours: JavaScript frees memory late, so the step hands its memory to the next.
      torch.tidy(() => {
        optimizer.zeroGrad();
        const outputs = net(inputs);
        const loss = criterion(outputs, labels);
        loss.backward();
        optimizer.step();

        runningLoss += loss.item();
      });
      if (count % 500 === 0) {
        batches.write(`#${epoch}, data: ${count * BATCH_SIZE}, running_loss: ${(runningLoss / 500).toFixed(3)}`);
        runningLoss = 0.0;
      }
    }
    trained = true;
  }
  console.log("Finished");
});

ch.cell("part 8 · PyTorch で CNN を実装する — accuracy on the 10000 test images", () => {
  if (!trained) return console.log("(no training ran: --epochs 0)");
  let correct = 0;
  let total = 0;

  torch.noGrad(() => {
    for (const [inputs, labels] of testloader) {
      torch.tidy(() => {
        const outputs = net(inputs);
        const [, predicted] = torch.max(outputs, 1);
        total += outputs.size(0);
        correct += predicted.eq(labels!).sum().item();
      });
    }
  });

  console.log(`correct: ${correct}, accuracy: ${correct} / ${total} = ${correct / total}`);
});
