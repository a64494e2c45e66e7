/** 04 · Inside the network: where the weights live and what a layer computes */
// Follows part 4 (ニューラルネットワークの内部では何が行われている？). The part 2 network keeps its
// weights and biases in its layers. We print them, check the range they start in, redo a layer's
// forward pass by hand, watch one learning step change them, and see why a module can be called.
import * as torch from "../src/index.ts";
import { nn, optim, data } from "../src/index.ts";
import { loadIris } from "../datasets/iris.ts";
import { chapter, saveOut } from "./lib/cells.ts";

const ch = chapter("04", "Inside the network", { random: true });
torch.manualSeed(ch.flags.seed); // --seed N to try another

const iris = loadIris();
let [XTrain, XTest, yTrain, yTest] = data.trainTestSplit(iris.data, iris.target, { testSize: 0.25 });
XTrain = XTrain.float();
yTrain = yTrain.float().unsqueeze(1);
XTest = XTest.float();
yTest = yTest.float().unsqueeze(1);

const INPUT_FEATURES = 4;
const HIDDEN = 5;
const OUTPUT_FEATURES = 1;

class Net extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor() {
    super();
    this.fc1 = new nn.Linear(INPUT_FEATURES, HIDDEN);
    this.fc2 = new nn.Linear(HIDDEN, OUTPUT_FEATURES);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    x = this.fc1(x);
    x = torch.sigmoid(x);
    x = this.fc2(x);
    return x;
  }
}

const net = new Net();

ch.cell("part 4 · 重みとバイアスはどこにある？ — fc1's weight and bias", () => {
  console.log("weight");
  console.log(net.fc1.weight);
  console.log("bias");
  console.log(net.fc1.bias);
});

ch.cell("part 4 · 重みとバイアスはどこにある？ — the range they start in", () => {
  // nn.Linear draws its starting values from U(-sqrt(k), sqrt(k)) with k = 1 / in_features.
  // fc1 has 4 inputs, so k = 1/4 and every value lies between -1/2 and 1/2.
  const bound = Math.sqrt(1 / INPUT_FEATURES);
  const all = [...net.fc1.weight.data, ...net.fc1.bias!.data];
  console.log("bound:", bound);
  console.log("smallest:", Math.min(...all).toFixed(4), " largest:", Math.max(...all).toFixed(4));
  console.log("all inside:", all.every((v) => -bound <= v && v <= bound));
});

const x = XTrain.get(0);

ch.cell("part 4 · 重みとバイアスを使った計算の実際 — fc1.forward(x)", () => {
  console.log("x:", x);

  const result = net.fc1.forward(x);
  console.log(result);
});

ch.cell("part 4 · 重みとバイアスを使った計算の実際 — the same five numbers by hand", () => {
  const w = net.fc1.weight;
  const b = net.fc1.bias!;

  // Hidden node i receives w[i][0] x[0] + w[i][1] x[1] + w[i][2] x[2] + w[i][3] x[3] + b[i].
  const node = (i: number) =>
    w.get(i, 0).mul(x.get(0))
      .add(w.get(i, 1).mul(x.get(1)))
      .add(w.get(i, 2).mul(x.get(2)))
      .add(w.get(i, 3).mul(x.get(3)))
      .add(b.get(i));
  console.log(...[0, 1, 2, 3, 4].map((i) => node(i).detach()));
});

ch.cell("part 4 · 重みとバイアスの更新 — one learning step", () => {
  const criterion = new nn.MSELoss();
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.03 });

  console.log("before learning");
  console.log("weight");
  console.log(net.fc1.weight);

  console.log("learn once");
  const outputs = net(XTrain);
  const loss = criterion(outputs, yTrain);
  loss.backward();
  optimizer.step();

  console.log("after learning");
  console.log("weight");
  console.log(net.fc1.weight);

  // Ours: the graph backward() just followed, drawn by torch.viz.graph (on the course's page it
  // shows under this cell): the loss at the bottom, fc1 and fc2's parameters at the top.
  saveOut("04-graph.svg", torch.viz.graph(loss, { params: net.namedParameters() }));
});

ch.cell("part 4 · 呼び出し可能オブジェクト — why a module can be called like a function", () => {
  // Python calls obj(...) through obj.__call__, which Module defines to run forward. In JavaScript
  // only functions can be called, so a Module *is* a function object whose prototype is its class.
  const linear = new nn.Linear(4, 5);
  console.log(linear);
  console.log("typeof linear:", typeof linear);
  console.log("linear instanceof nn.Linear:", linear instanceof nn.Linear);

  const out1 = linear(x);
  const out2 = linear.forward(x);
  console.log("linear(x) equals linear.forward(x):", out1.eq(out2).sum().item() === out1.numel());
});
