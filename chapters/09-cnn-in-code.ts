/** 09 · A CNN by hand: line kernels, every feature map printed, a small classifier on top */
// Follows part 9 (CNN なんて怖くない！ コードでその動作を確認しよう). The forward pass of the MNIST CNN,
// step by step on data small enough to read: 4x4 pictures of lines, two hand-set 3x3 kernels
// (a horizontal and a vertical stroke), convolution -> ReLU -> pooling twice, and then the
// 8 numbers left per picture go into a small fully connected network that says "horizontal"
// (0) or "vertical" (1).
//
//   npx tsx chapters/09-cnn-in-code.ts               the article's 10000 epochs (a few seconds)
//   npx tsx chapters/09-cnn-in-code.ts --epochs 2000
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";
import { chapter, backwardNamesNote } from "./lib/cells.ts";

const ch = chapter("09", "A CNN by hand", { epochs: 10000, random: true });
torch.manualSeed(ch.flags.seed); // --seed N: another start for the classifier's weights
const F = nn.functional;

let conv1: nn.Conv2d, pool: nn.MaxPool2d;

ch.cell("part 9 · データと各層の準備 — a convolution layer and a pooling layer", () => {
  // 1 channel in, 2 kernels of 3x3, a ring of zeros around the input so a 4x4 picture gives a
  // 4x4 map, and no bias to keep the numbers plain. Pooling 2x2 with padding 1: 4x4 -> 3x3.
  // The article writes `padding=True`, which the PyTorch of its day read as 1; PyTorch 2.13 still
  // builds the layer (its repr says `padding=(True, True)`) but refuses to run it, so we write 1.
  conv1 = new nn.Conv2d(1, 2, 3, { padding: 1, bias: false });
  console.log("(the article's padding=True: padding 1 here, which is what it meant; see the comment)");
  pool = new nn.MaxPool2d(2, { padding: 1 });

  // A layer's kernels are its weight: 2 kernels, each 1 channel of 3x3.
  console.log(conv1.weight.shape);
});

let kernels1: torch.Tensor;

ch.cell("part 9 · データと各層の準備 — two kernels: a horizontal and a vertical stroke", () => {
  kernels1 = torch.tensor([
    [[[-1, -1, -1], // horizontal
      [1, 1, 1],
      [-1, -1, -1]]],

    [[[-1, 1, -1], // vertical
      [-1, 1, -1],
      [-1, 1, -1]]],
  ]);
  console.log(kernels1.shape);
});

ch.cell("part 9 · データと各層の準備 — the kernels become conv1's weight", () => {
  // We set them instead of learning them. (PyTorch's `conv1.weight.data = kernels1`; writing into
  // a parameter is done outside the graph, in noGrad.)
  torch.noGrad(() => conv1.weight.copy_(kernels1));
});

let sampleData: torch.Tensor;

ch.cell("part 9 · データと各層の準備 — four 4x4 pictures", () => {
  // -1 is the background, 1 draws the line.
  sampleData = torch.tensor([
    [[-1, -1, -1, -1], // horizontal
      [1, 1, 1, 1],
      [-1, -1, -1, -1],
      [-1, -1, -1, -1]],
    [[-1, 1, -1, -1], // vertical
      [-1, 1, -1, -1],
      [-1, 1, -1, -1],
      [-1, 1, -1, -1]],
    [[-1, -1, -1, -1], // horizontal, with a step in the middle
      [1, 1, -1, -1],
      [-1, -1, 1, 1],
      [-1, -1, -1, -1]],
    [[-1, -1, -1, 1], // a diagonal: neither one nor the other
      [-1, -1, 1, -1],
      [-1, 1, -1, -1],
      [1, -1, -1, -1]],
  ]);
  console.log(sampleData.shape);
});

ch.cell("part 9 · データと各層の準備 — a channel dim: 4 pictures of 1 channel, 4x4", () => {
  sampleData = sampleData.reshape(4, 1, 4, 4);
});

let fMap1: torch.Tensor;

ch.cell("part 9 · 畳み込み — conv1: each picture through both kernels", () => {
  backwardNamesNote(["MklDnnConvolutionBackward", "ConvolutionBackward0"], ["MaxPool2DWithIndicesBackward", "MaxPool2DWithIndicesBackward0"], ["ViewBackward", "ViewBackward0"], ["SigmoidBackward", "SigmoidBackward0"]);
  fMap1 = conv1(sampleData);
  console.log(fMap1);
  // 4 pictures x 2 kernels = 8 maps. The horizontal picture lights up the horizontal kernel
  // (6 9 9 6 along its line) and barely the vertical one; the vertical picture the other way round.
  // The diagonal gives both kernels a little.
});

ch.cell("part 9 · 畳み込み — ReLU: negatives become 0", () => {
  fMap1 = F.relu(fMap1);
  console.log(fMap1);
});

let pooled1: torch.Tensor;

ch.cell("part 9 · プーリング — 2x2 max pooling with padding 1: 4x4 -> 3x3", () => {
  // The 4x4 map gets a one-pixel border that never wins (max pooling pads with -infinity; after
  // ReLU a border of zeros would do the same), making it 6x6; each 2x2 window keeps its largest value.
  pooled1 = pool(fMap1);
  console.log(pooled1);
});

let conv2: nn.Conv2d;

ch.cell("part 9 · 畳み込みとプーリング（2回目） — two channels in now", () => {
  console.log(pooled1.shape);
  // Each picture now has 2 channels (one map per kernel), so every kernel of the second
  // convolution has 2 channels of 3x3 as well.
  conv2 = new nn.Conv2d(2, 2, 3, { padding: 1, bias: false });
  console.log(conv2.weight.shape);
});

ch.cell("part 9 · 畳み込みとプーリング（2回目） — kernels for conv2: each stroke on both channels", () => {
  const kernels2 = torch.tensor([
    [[[-1, -1, -1],
      [1, 1, 1],
      [-1, -1, -1]],
     [[-1, -1, -1],
      [1, 1, 1],
      [-1, -1, -1]]],
    [[[-1, 1, -1],
      [-1, 1, -1],
      [-1, 1, -1]],
     [[-1, 1, -1],
      [-1, 1, -1],
      [-1, 1, -1]]],
  ]);
  console.log(conv2.weight.shape);
  torch.noGrad(() => conv2.weight.copy_(kernels2));
});

let pooled2: torch.Tensor;

ch.cell("part 9 · 畳み込みとプーリング（2回目） — conv2 -> ReLU -> pool", () => {
  let fMap2 = conv2(pooled1); // convolution
  // console.log(fMap2);
  fMap2 = F.relu(fMap2); // activation
  // console.log(fMap2);
  pooled2 = pool(fMap2); // pooling: 3x3 -> 2x2
  console.log(pooled2);
});

ch.cell("part 9 · 畳み込みとプーリング（2回目） — one row of 8 features per picture", () => {
  console.log(pooled2.shape);
  pooled2 = pooled2.reshape(-1, 2 * 2 * 2); // any number of rows, channels x height x width columns
  console.log(pooled2);
  // Rows 1 and 3 (horizontal) are strong in the first four numbers (the horizontal kernel's
  // channel), row 2 (vertical) in the last four, row 4 (diagonal) a little in both.
});

// Forty pictures to train the classifier, drawn as text: '#' is 1, '.' is -1. The article shows
// only the first two and the last two; the other 36 are ours, in the same spirit: straight and
// stepped strokes, every vertical one the transpose of a horizontal one. The two diagonals, which
// are neither, come twice, once labelled each way, so no network can get all 40 right (the
// article's got 37). The labels are the article's.
const pictures = [
  ["....", "####", "....", "...."], // 0 horizontal
  [".#..", ".#..", ".#..", ".#.."], // 1 vertical
  ["####", "....", "....", "...."], // 2 horizontal
  ["....", "....", "####", "...."], // 3 horizontal
  ["#...", "#...", "#...", "#..."], // 4 vertical
  ["....", "....", "....", "####"], // 5 horizontal
  ["....", "##..", "..##", "...."], // 6 horizontal
  ["..#.", "..#.", "..#.", "..#."], // 7 vertical
  ["##..", "..##", "....", "...."], // 8 horizontal
  ["...#", "...#", "...#", "...#"], // 9 vertical
  [".#..", ".#..", "..#.", "..#."], // 10 vertical
  ["..##", "##..", "....", "...."], // 11 horizontal
  ["#...", "#...", ".#..", ".#.."], // 12 vertical
  ["....", "..##", "##..", "...."], // 13 horizontal
  [".#..", ".#..", "#...", "#..."], // 14 vertical
  ["..#.", "..#.", ".#..", ".#.."], // 15 vertical
  ["....", "....", "..##", "##.."], // 16 horizontal
  ["...#", "...#", "..#.", "..#."], // 17 vertical
  ["###.", "...#", "....", "...."], // 18 horizontal
  ["....", "#...", ".###", "...."], // 19 horizontal
  ["#...", "#...", "#...", ".#.."], // 20 vertical
  [".#..", "..#.", "..#.", "..#."], // 21 vertical
  ["....", "....", "###.", "...#"], // 22 horizontal
  ["..#.", "..#.", "..#.", "...#"], // 23 vertical
  [".###", "#...", "....", "...."], // 24 horizontal
  ["....", "...#", "###.", "...."], // 25 horizontal
  [".#..", "#...", "#...", "#..."], // 26 vertical
  ["..#.", "..#.", "..#.", ".#.."], // 27 vertical
  ["#...", ".###", "....", "...."], // 28 horizontal
  ["#...", ".#..", ".#..", ".#.."], // 29 vertical
  ["#...", ".#..", "..#.", "...#"], // 30 a diagonal, labelled horizontal...
  ["...#", "..#.", ".#..", "#..."], // 31 the other diagonal, horizontal...
  ["#...", ".#..", "..#.", "...#"], // 32 ...and vertical
  ["....", ".###", "....", "...."], // 33 horizontal
  ["...#", "..#.", ".#..", "#..."], // 34 ...and vertical
  ["....", "....", "##..", "..##"], // 35 horizontal
  ["....", ".#..", ".#..", ".#.."], // 36 vertical
  ["##..", "..#.", "...#", "...."], // 37 horizontal
  ["..#.", "..#.", "...#", "...#"], // 38 vertical
  ["#...", "#...", ".#..", "..#."], // 39 vertical
];

let inputs2fc: torch.Tensor;
let labels: torch.Tensor;

ch.cell("part 9 · 全結合型のニューラルネットワークへの入力 — 40 pictures through the same layers", () => {
  let inputs = torch.tensor(pictures.map((rows) => rows.map((row) => [...row].map((c) => (c === "#" ? 1 : -1)))));
  labels = torch.tensor([
    0, 1, 0, 0, 1, 0, 0, 1, 0, 1,
    1, 0, 1, 0, 1, 1, 0, 1, 0, 0,
    1, 1, 0, 1, 0, 0, 1, 1, 0, 1,
    0, 0, 1, 0, 1, 0, 1, 0, 1, 1,
  ]); // float labels, as BCELoss wants

  inputs = inputs.reshape(-1, 1, 4, 4);
  let c1 = conv1(inputs);
  c1 = F.relu(c1);
  const p1 = pool(c1);
  let c2 = conv2(p1);
  c2 = F.relu(c2);
  const p2 = pool(c2);
  inputs2fc = p2.reshape(-1, 2 * 2 * 2);
  inputs2fc = inputs2fc.detach(); // the kernels stay as they are: no gradients back into them

  console.log(inputs2fc.shape, labels.shape);
});

// 8 features in, 10 hidden nodes, 1 output squeezed into 0..1 by a sigmoid: below 0.5 means
// horizontal (0), from 0.5 up vertical (1).
class Net extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor() {
    super();
    this.fc1 = new nn.Linear(8, 10);
    this.fc2 = new nn.Linear(10, 1);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.fc1(x);
    x = torch.sigmoid(x);
    x = this.fc2(x);
    x = torch.sigmoid(x);
    return x;
  }
}

let net: Net;
let outputs: torch.Tensor | undefined;
const EPOCHS = ch.flags.epochs; // 10000, as in the article

ch.cell("part 9 · 全結合型のニューラルネットワークへの入力 — training: binary cross-entropy, plain SGD", () => {
  net = new Net();

  const criterion = new nn.BCELoss(); // two classes, one probability per picture
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.03 });

  // All 40 pictures at once, every epoch: one small batch, so 10000 steps take seconds.
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    optimizer.zeroGrad();
    outputs = net(inputs2fc);
    const loss = criterion(outputs.squeeze(), labels);
    loss.backward();
    optimizer.step();

    if (epoch % 500 === 0) console.log(`#${epoch}, loss: ${loss.item()}`);
  }
  console.log("Finished");

  if (outputs === undefined) return;
  // Adding 0.5 and truncating rounds each output to 0 or 1; then count the matches.
  const predicted = outputs.reshape(1, -1).add(0.5).int();
  console.log(predicted.eq(labels).sum().item());
});

ch.cell("part 9 · 全結合型のニューラルネットワークへの入力 — the four pictures from the start", () => {
  if (outputs === undefined) return console.log("(no training ran: --epochs 0)");
  // horizontal, vertical, stepped horizontal, diagonal: near 0, 1, 0, and for the diagonal about
  // 0.5, since the training pictures had diagonals under both labels.
  console.log(pooled2);
  const result = net(pooled2);
  console.log(result);
});

// Everything above as one network: the kernels are now parameters like the rest, so training
// this one would learn them too.
class Net2 extends nn.Module {
  conv1: nn.Conv2d;
  pool: nn.MaxPool2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor() {
    super();
    this.conv1 = new nn.Conv2d(1, 2, 3, { padding: 1, bias: false });
    this.pool = new nn.MaxPool2d(2, { padding: 1 });
    this.conv2 = new nn.Conv2d(2, 2, 3, { padding: 1, bias: false });
    this.fc1 = new nn.Linear(8, 10);
    this.fc2 = new nn.Linear(10, 1);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv1(x);
    x = torch.relu(x);
    x = this.pool(x);
    x = this.conv2(x);
    x = torch.relu(x);
    x = this.pool(x);
    x = x.reshape(-1, 2 * 2 * 2);
    x = this.fc1(x);
    x = torch.sigmoid(x);
    x = this.fc2(x);
    x = torch.sigmoid(x);
    return x;
  }
}

ch.cell("part 9 · 全結合型のニューラルネットワークへの入力 — Net2: convolution to answer in one class", () => {
  const net2 = new Net2();
  console.log(net2);
  if (outputs === undefined) return;
  // Given the hand-set kernels and the trained classifier's weights, it answers exactly as the
  // step-by-step path did.
  torch.noGrad(() => {
    net2.conv1.weight.copy_(conv1.weight);
    net2.conv2.weight.copy_(conv2.weight);
    net2.fc1.weight.copy_(net.fc1.weight);
    net2.fc1.bias!.copy_(net.fc1.bias!);
    net2.fc2.weight.copy_(net.fc2.weight);
    net2.fc2.bias!.copy_(net.fc2.bias!);
  });
  console.log(net2(sampleData));
});
