/** 06 · Your own Linear: MyLinear on Module and Parameter, and four ways to compute a layer */
// Follows part 6 (自分だけの Linear クラスを作ってみよう). A fully connected layer is a weight matrix
// [out, in], a bias vector [out] and one formula, x W^T + b. We build MyLinear from nn.Module and
// nn.Parameter, train the iris network with it, then take the formula apart on small integers.
import * as torch from "../src/index.ts";
import { nn, optim, data } from "../src/index.ts";
import { loadIris } from "../datasets/iris.ts";
import { chapter } from "./lib/cells.ts";

const ch = chapter("06", "Your own Linear", { epochs: 2000, random: true });
torch.manualSeed(ch.flags.seed); // --seed N tries another split and start; --epochs N trains longer or shorter
const F = nn.functional;

class MyLinear extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;

  constructor(readonly inFeatures: number, readonly outFeatures: number) {
    super();
    // The weight matrix has one row per output and one column per input, drawn from
    // U(-sqrt(k), sqrt(k)) with k = 1 / inFeatures, as nn.Linear does.
    const k = 1 / inFeatures;
    const weight = torch.empty(outFeatures, inFeatures).uniform_(-Math.sqrt(k), Math.sqrt(k));
    this.weight = new nn.Parameter(weight); // a Parameter field is found by parameters()

    // One bias per output. (The article draws these from U(-k, k), a narrower range than nn.Linear's.)
    const bias = torch.empty(outFeatures).uniform_(-k, k);
    this.bias = new nn.Parameter(bias);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    return F.linear(x, this.weight, this.bias);
  }
}

const INPUT_FEATURES = 4;
const HIDDEN = 5;
const OUTPUT_FEATURES = 1;

ch.cell("part 6 · Module クラスの派生クラスを定義して重みとバイアスを持たせる — Linear and MyLinear side by side", () => {
  const linear1 = new nn.Linear(INPUT_FEATURES, HIDDEN);
  const linear2 = new MyLinear(INPUT_FEATURES, HIDDEN);

  console.log("Linear class");
  for (const param of linear1.parameters()) console.log(param);

  console.log("\nMyLinear class");
  for (const param of linear2.parameters()) console.log(param);
});

// ---- MyLinear in the iris network ----------------------------------------------------------------

let XTrain: torch.Tensor, XTest: torch.Tensor, yTrain: torch.Tensor, yTest: torch.Tensor;

ch.cell("part 6 · MyLinear クラスを使ってみる — the iris data, split and shaped as in part 2", () => {
  const iris = loadIris();
  [XTrain, XTest, yTrain, yTest] = data.trainTestSplit(iris.data, iris.target, { testSize: 0.25 });
  XTrain = XTrain.float();
  yTrain = yTrain.float().unsqueeze(1); // labels as one-element float rows, like the outputs
  XTest = XTest.float();
  yTest = yTest.float().unsqueeze(1);
});

class Net extends nn.Module {
  fc1: MyLinear;
  fc2: MyLinear;
  constructor() {
    super();
    this.fc1 = new MyLinear(INPUT_FEATURES, HIDDEN);
    this.fc2 = new MyLinear(HIDDEN, OUTPUT_FEATURES);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    x = this.fc1(x);
    x = torch.sigmoid(x);
    x = this.fc2(x);
    return x;
  }
}

let outputs: torch.Tensor;

ch.cell("part 6 · MyLinear クラスを使ってみる — training", () => {
  const net = new Net();

  const criterion = new nn.MSELoss();
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.003 });

  const EPOCHS = ch.flags.epochs; // 2000, as in the article
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    optimizer.zeroGrad();
    outputs = net(XTrain);
    const loss = criterion(outputs, yTrain);
    loss.backward();
    optimizer.step();

    if (epoch % 100 === 99) console.log(`epoch: ${String(epoch + 1).padStart(4)}, loss: ${loss.item()}`);
  }
  console.log("training finished");
});

ch.cell("part 6 · MyLinear クラスを使ってみる — how many training answers are right", () => {
  const predict = outputs.add(0.5).int();
  const compare = predict.eq(yTrain);
  console.log(compare.sum());
});

// ---- the formula by hand, on integers ------------------------------------------------------------

// Integer tensors, as in the article, so the products are easy to check by eye.
const int64 = { dtype: "int64" } as const;
const w = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18, 19, 20]], int64);
const b = torch.tensor([1, 2, 3, 4, 5], int64);
let x = torch.tensor([1, 2, 3, 4], int64);

ch.cell("part 6 · 出力値を計算するコードを自分で書く — F.linear", () => {
  console.log(F.linear(x, w, b));
});

ch.cell("part 6 · 出力値を計算するコードを自分で書く — w @ x + b", () => {
  console.log(w.matmul(x).add(b));
});

ch.cell("part 6 · 行列と行列から出力値を計算する方法 — one row at a time", () => {
  x = torch.tensor([[1, 2, 3, 4], [1, 2, 3, 4]], int64); // two inputs, one per row

  const result = torch.zeros(x.size(0), w.size(0)); // 2 x 5, float zeros
  for (let idx = 0; idx < x.size(0); idx++) {
    const item = x.get(idx);
    result.get(idx).copy_(w.matmul(item).add(b)); // PyTorch's result[idx] = w @ item + b
  }
  console.log(result);
});

ch.cell("part 6 · 行列と行列の乗算の基本 — foo and bar", () => {
  const foo = torch.tensor([[1, 2, 3], [4, 5, 6]], int64); // 2 x 3
  const bar = torch.tensor([[1, 4], [2, 5], [3, 6]], int64); // 3 x 2
  console.log(foo);
  console.log(bar);
  console.log(foo.matmul(bar)); // each row of foo against each column of bar
});

ch.cell("part 6 · 重みを格納している行列と入力値を格納している行列の乗算 — transposing x", () => {
  console.log(x);
  console.log(x.T);
});

ch.cell("part 6 · 重みを格納している行列と入力値を格納している行列の乗算 — w @ x.T (the wrong way round)", () => {
  console.log(w.matmul(x.T)); // 5 x 2: one column per input, and b cannot be added to it
});

ch.cell("part 6 · 重みを格納している行列と入力値を格納している行列の乗算 — x @ w.T + b", () => {
  console.log(w);
  console.log(w.T);

  console.log(x.matmul(w.T));
  console.log(x.matmul(w.T).add(b));
});

ch.cell("part 6 · 重みを格納している行列と入力値を格納している行列の乗算 — MyLinear's forward, three ways", () => {
  // Any of these can be MyLinear's forward; they compute the same numbers.
  const layer = new MyLinear(INPUT_FEATURES, HIDDEN);
  const W = layer.weight;
  const B = layer.bias;
  const input = XTrain.slice([0, 2]);

  const byRows = torch.zeros(input.size(0), layer.outFeatures);
  for (let idx = 0; idx < input.size(0); idx++) byRows.get(idx).copy_(W.matmul(input.get(idx)).add(B));

  torch.noGrad(() => {
    console.log("a row at a time:");
    console.log(byRows);
    console.log("x @ W.T + b:");
    console.log(input.matmul(W.T).add(B));
    console.log("F.linear(x, W, b):");
    console.log(F.linear(input, W, B));
  });
});

let w2: torch.Tensor, x2: torch.Tensor;

ch.cell("part 6 · バイアスを重みに含めて行列の乗算を行ってみる — the bias inside the matrix", () => {
  w2 = torch.cat([b.unsqueeze(0), w.T]); // the bias becomes row 0 of the (transposed) weights
  const ones = torch.full([x.size(0), 1], 1, int64); // ... and every input gets a 1 in front to meet it
  console.log("w2:", w2);
  console.log("ones:", ones);
  x2 = torch.cat([ones, x], 1);
  console.log("x2:", x2);
});

ch.cell("part 6 · バイアスを重みに含めて行列の乗算を行ってみる — x2 @ w2", () => {
  console.log(x2.matmul(w2)); // 1 * b + x @ w.T, in one product (w2 is already transposed)
});
