/** 03 · Datasets, tensors and three-class classification */
// Follows part 3 (データセット、多次元配列、多クラス分類). A dataset is a tensor: a 2-D array with one
// row per flower. We ask a tensor its size, shape, number of dims and dtype, pick rows and elements
// out of it, then change the iris network to answer with three numbers, one per species.
import * as torch from "../src/index.ts";
import { nn, optim, data } from "../src/index.ts";
import { loadIris } from "../datasets/iris.ts";
import { chapter, backwardNamesNote } from "./lib/cells.ts";

const ch = chapter("03", "Datasets, tensors and three classes", { epochs: 2000, random: true });
torch.manualSeed(ch.flags.seed); // --seed N tries another split and start; --epochs N trains longer or shorter

const iris = loadIris();

ch.cell("part 3 · データセットと多次元配列 — a tensor's size, and picking parts of it", () => {
  const X = iris.data; // float64, as torch.tensor(iris.data) makes of the NumPy array

  // the size of X
  console.log(X.size());
  console.log(X.shape); // the NumPy spelling
  console.log(X.size(0)); // rows: the length of the outer array
  console.log(X.dim()); // the number of dims
  console.log(X.shape.length); // the same, as NumPy's X.ndim

  // the element type
  console.log(X.dtype);

  // getting at elements
  console.log(X.get(0)); // X[0]: the first row
  console.log(X.get(0, 0)); // X[0][0]: its first element
  console.log(X.slice([1, 3])); // X[1:3]: rows 1 and 2
  console.log(X.slice([1, 3], [1, 3])); // X[1:3, 1:3]: rows 1 and 2, columns 1 and 2
  console.log(X.slice([1, 3]).slice([1, 3])); // X[1:3][1:3]: rows 1 and 2, then row 1 of those
});

// ---- three outputs, one per species --------------------------------------------------------------

let [XTrain, XTest, yTrain, yTest] = data.trainTestSplit(iris.data, iris.target, { testSize: 0.25 });
XTrain = XTrain.float();
XTest = XTest.float();
yTrain = yTrain.long(); // labels stay whole numbers: each one is an index into the three outputs
yTest = yTest.long();

const INPUT_FEATURES = 4;
const HIDDEN = 5;
const OUTPUT_FEATURES = 3;

class Net extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  softmax: nn.Softmax;
  constructor() {
    super();
    this.fc1 = new nn.Linear(INPUT_FEATURES, HIDDEN);
    this.fc2 = new nn.Linear(HIDDEN, OUTPUT_FEATURES);
    this.softmax = new nn.Softmax(1);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.fc1(x);
    x = torch.sigmoid(x);
    x = this.fc2(x);
    x = this.softmax(x); // scale each row of three to positive numbers that sum to 1
    return x;
  }
}

let outputs: torch.Tensor;

ch.cell("part 3 · 出力層に3つのノードを持たせて、あやめの分類を行う — training", () => {
  const net = new Net();

  const criterion = new nn.CrossEntropyLoss(); // cross-entropy between the three outputs and the label index
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.3 });

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

ch.cell("part 3 · 出力層に3つのノードを持たせて、あやめの分類を行う — outputs and labels", () => {
  backwardNamesNote(["SelectBackward", "SelectBackward0"]);
  for (let idx = 0; idx < 5; idx++) console.log(outputs.get(idx), yTrain.get(idx));

  // For each row, the largest of the three values and where it sits; where is the predicted species.
  const [values, predictedIdx] = torch.max(outputs, 1);
  console.log(predictedIdx.eq(yTrain).sum());
});
