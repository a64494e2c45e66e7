/** 02 · Hello Deep Learning: load iris, define a network, train it and test it */
// Follows part 2 (Hello Deep Learning : ニューラルネットワークの作成手順). The whole path in one go:
// prepare the data, define a 4-5-1 network, train it with a loss and an optimiser, check its answers.
// The details of each step come in the chapters after this one.
import * as torch from "../src/index.ts";
import { nn, optim, data } from "../src/index.ts";
import { loadIris } from "../datasets/iris.ts";
import { chapter, backwardNamesNote } from "./lib/cells.ts";

const ch = chapter("02", "Hello Deep Learning", { epochs: 2000, random: true });
torch.manualSeed(ch.flags.seed); // --seed N tries another split and start; --epochs N trains longer or shorter

const iris = loadIris();
let XTrain: torch.Tensor, XTest: torch.Tensor, yTrain: torch.Tensor, yTest: torch.Tensor;

ch.cell("part 2 · あやめのデータセットの読み込み — the first five flowers", () => {
  // iris.data holds 150 rows of four measurements, iris.target the species of each (0, 1 or 2),
  // sorted by species. (The article's rows are NumPy arrays; ours are tensors from the start.)
  for (let idx = 0; idx < 5; idx++) console.log("data:", iris.data.get(idx), ", target:", iris.target.get(idx));
});

ch.cell("part 2 · データセットの分割 — 112 rows to learn from, 38 to test on", () => {
  console.log("length of iris.data:", iris.data.size(0));
  console.log("length of iris.target:", iris.target.size(0));

  // Shuffle the rows (features and labels together), then keep a quarter aside for testing.
  [XTrain, XTest, yTrain, yTest] = data.trainTestSplit(iris.data, iris.target, { testSize: 0.25 });
  console.log("length of XTrain:", XTrain.size(0));
  console.log("length of yTrain:", yTrain.size(0));
  console.log("length of XTest:", XTest.size(0));
  console.log("length of yTest:", yTest.size(0));
});

ch.cell("part 2 · データセットの分割 — after shuffling", () => {
  for (let idx = 0; idx < 5; idx++) console.log("data:", XTrain.get(idx), ", target:", yTrain.get(idx));
});

ch.cell("part 2 · データの整形 — the shapes the network and the loss expect", () => {
  // Inputs as float32 (they already are), and each label as a one-element float row [[1.], [2.], ...],
  // so the targets have the same shape as the network's outputs, [N, 1].
  XTrain = XTrain.float();
  yTrain = yTrain.float().unsqueeze(1);
  XTest = XTest.float();
  yTest = yTest.float().unsqueeze(1);
});

const INPUT_FEATURES = 4;
const HIDDEN = 5;
const OUTPUT_FEATURES = 1;

// Fields holding layers are registered as the network's parts; forward says how data flows through them.
class Net extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor() {
    super();
    this.fc1 = new nn.Linear(INPUT_FEATURES, HIDDEN); // input layer: 4 in, 5 out
    this.fc2 = new nn.Linear(HIDDEN, OUTPUT_FEATURES); // hidden layer: 5 in, 1 out
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.fc1(x); // data -> input layer
    x = torch.sigmoid(x); // -> activation function
    x = this.fc2(x); // -> hidden layer -> output
    return x;
  }
}

ch.cell("part 2 · ニューラルネットワークの定義 — an untrained network's guesses", () => {
  backwardNamesNote(["AddmmBackward", "AddmmBackward0"], ["SelectBackward", "SelectBackward0"]);
  const net = new Net();

  const outputs = net(XTrain.slice([0, 3])); // the first three training rows
  console.log(outputs);
  for (let idx = 0; idx < 3; idx++) console.log("output:", outputs.get(idx), ", label:", yTrain.get(idx));
});

let net: Net;
let outputs: torch.Tensor;

ch.cell("part 2 · 学習（訓練）と精度の検証 — training", () => {
  net = new Net();

  const criterion = new nn.MSELoss(); // the loss: mean squared distance from the labels
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.003 }); // how weights get updated

  const EPOCHS = ch.flags.epochs; // 2000, as in the article
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    optimizer.zeroGrad(); // clear the gradients of the last round
    outputs = net(XTrain); // 1: run the training data through the network
    const loss = criterion(outputs, yTrain); // 2: compare with the labels
    loss.backward(); // 3: backpropagate
    optimizer.step(); // 4: update weights and biases

    if (epoch % 100 === 99) console.log(`epoch: ${String(epoch + 1).padStart(4)}, loss: ${loss.item()}`);
  }
  console.log("training finished");
});

ch.cell("part 2 · 学習（訓練）と精度の検証 — outputs next to labels", () => {
  for (let idx = 0; idx < 5; idx++) console.log(outputs.get(idx).detach(), "<---->", yTrain.get(idx));
});

let predict: torch.Tensor;

ch.cell("part 2 · 学習（訓練）と精度の検証 — rounding to a species number", () => {
  // Adding 0.5 and cutting off the fraction rounds to the nearest whole number.
  predict = outputs.add(0.5).int();
  for (let idx = 0; idx < 5; idx++) console.log("output:", predict.get(idx), ", label:", yTrain.get(idx));
});

ch.cell("part 2 · 学習（訓練）と精度の検証 — how many training answers are right", () => {
  const compare = predict.eq(yTrain); // true where the rounded output equals the label
  console.log(compare.slice([0, 5]));
  console.log(compare.sum()); // true counts as 1
});

ch.cell("part 2 · 学習（訓練）と精度の検証 — the test data, never seen in training", () => {
  const outputs = net(XTest);

  const predict = outputs.add(0.5).int();
  const compare = predict.eq(yTest);

  console.log(`correct: ${compare.sum().item()} / ${predict.size(0)}`);
  for (let idx = 0; idx < predict.size(0); idx++) {
    const value = predict.get(idx);
    const label = yTest.get(idx);
    console.log("predicted:", iris.targetNames.at(value.item()), "<---->", "label:", iris.targetNames.at(label.item()));
  }
});
