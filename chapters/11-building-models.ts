/** 11 · Building models: Flatten, Linear and its shape error, ReLU, Sequential, Softmax, conv shapes, BatchNorm2d */
// Follows two shorter articles. First 000 (第4回 モデルの構築): a model is an nn.Module; Flatten
// turns a 28x28 picture into 784 numbers because Linear wants one row of features per sample;
// ReLU; Sequential; Softmax; a first convolution. Then 003 (PyTorch 講座 4): the output size of a
// convolution, the shape exercises for Conv2d and Linear, BatchNorm2d on a 3x3 example, ReLU,
// and a composed model (conv -> BatchNorm -> ReLU -> Linear).
//
// The weights are random, so the articles' outputs of random layers differ from ours; every
// shape, error message and the BatchNorm and ReLU examples are the articles' exactly.
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";
import { chapter } from "./lib/cells.ts";

const ch = chapter("11", "Building models", { random: true });
torch.manualSeed(ch.flags.seed);

// ---- 000 · 第4回 モデルの構築 ----------------------------------------------------------------

class NeuralNetwork extends nn.Module {
  flatten: nn.Flatten;
  linearReluStack: nn.Sequential;

  constructor() {
    super();
    // 2-D pictures in, one row of numbers per picture out
    this.flatten = new nn.Flatten();
    // the layers with weights; each layer's inputs must match the previous one's outputs
    this.linearReluStack = new nn.Sequential(
      new nn.Linear(28 * 28, 512),
      new nn.ReLU(),
      new nn.Linear(512, 512),
      new nn.ReLU(),
      new nn.Linear(512, 10),
    );
  }

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.flatten(x);
    const logits = this.linearReluStack(x);
    return logits;
  }
}

let model: NeuralNetwork;

ch.cell("000 · In [2] — the model and its printout", () => {
  model = new NeuralNetwork();
  // PyTorch names a field linear_relu_stack; ours is linearReluStack, and the repr uses our name.
  console.log(String(model));
});

ch.cell("000 · In [3] — call the model like a function; softmax; the predicted class", () => {
  const X = torch.rand(1, 28, 28);
  const logits = model(X); // the module is callable: model(X) runs forward(X)
  console.log(logits);
  // softmax turns the 10 outputs into numbers between 0 and 1 that sum to 1
  const predProbab = new nn.Softmax(1)(logits);
  console.log(predProbab);
  // which of the 10 is largest
  const yPred = predProbab.argmax(1);
  console.log(`Predicted class: ${yPred}`);
});

let flatImage: torch.Tensor;
let layer1: nn.Linear;

ch.cell("000 · 1、レイヤーについて In [6] — Flatten keeps the first dimension", () => {
  const inputImage = torch.rand(1, 28, 28);
  console.log(inputImage.size());
  const flatten = new nn.Flatten();
  flatImage = flatten(inputImage);
  console.log(flatImage.size());
  const flatten2 = torch.flatten(inputImage); // torch.flatten flattens everything
  const views = inputImage.view(-1, 784);
  console.log(views.size());
  console.log(flatten2.size());
});

ch.cell("000 · In [6] — three pictures stay three rows", () => {
  const inputImage = torch.rand(3, 28, 28);
  console.log(inputImage.size());
  const flatten = new nn.Flatten();
  flatImage = flatten(inputImage);
  console.log(flatImage.size());
});

ch.cell("000 · 線形層 In [7] — Linear takes rows of 784", () => {
  console.log(flatImage.size());
  layer1 = new nn.Linear(28 * 28, 20);
  const hidden1 = layer1(flatImage);
  console.log(hidden1.size());
});

/** Runs fn and prints the error it throws, in the article's `RuntimeError: ...` form. */
function showError(fn: () => unknown): void {
  try {
    fn();
    console.log("(no error)");
  } catch (error) {
    console.log(`RuntimeError: ${(error as Error).message}`);
  }
}

ch.cell("000 · In [8] — a 2-D picture into Linear: the shapes cannot be multiplied", () => {
  // Linear multiplies the last dimension with its weight: 3 pictures of 28 rows of 28 become 84
  // rows of 28 numbers, and 28 numbers cannot meet a weight that expects 784.
  const errorTensor = torch.rand(3, 28, 28);
  showError(() => new nn.Linear(28 * 28, 20)(errorTensor));
});

ch.cell("000 · In [9] — the wrong number of inputs is the same error", () => {
  // flatImage has 784 numbers per row, the layer expects 28*27 = 756
  const errLayer1 = new nn.Linear(28 * 27, 20);
  showError(() => errLayer1(flatImage));
});

ch.cell("000 · ReLU層 In [10] — ReLU keeps the positives and zeroes the rest", () => {
  const inputImage = torch.rand(1, 28, 28);
  const flatten = new nn.Flatten();
  flatImage = flatten(inputImage);
  const hidden1 = layer1(flatImage);
  const outRelu = new nn.ReLU()(hidden1);
  console.log(outRelu);
});

ch.cell("000 · In [11] — ReLU as a plain function", () => {
  const reluModel = (x: number) => (x > 0 ? x : 0);
  console.log([-2, -0.5, 0, 0.5, 2].map(reluModel));
});

class LazyModel extends nn.Module {
  flatten = new nn.Flatten();
  fc1 = new nn.Linear(28 * 28, 512);
  Re1 = new nn.ReLU();
  fc2 = new nn.Linear(512, 512);
  Re2 = new nn.ReLU();
  fc3 = new nn.Linear(512, 10);

  override forward(x: torch.Tensor): torch.Tensor {
    // every layer named and called one by one
    x = this.flatten(x);
    x = this.fc1(x);
    x = this.Re1(x);
    x = this.fc2(x);
    x = this.Re2(x);
    const logits = this.fc3(x);
    return logits;
  }
}

class SequentialModel extends nn.Module {
  flatten = new nn.Flatten();
  // the same layers, run in order by Sequential
  linearSeq = new nn.Sequential(
    new nn.Linear(28 * 28, 512),
    new nn.ReLU(),
    new nn.Linear(512, 512),
    new nn.ReLU(),
    new nn.Linear(512, 10),
  );

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.flatten(x);
    const logits = this.linearSeq(x);
    return logits;
  }
}

let logits: torch.Tensor;

ch.cell("000 · In [12] — the network with each layer by hand (LazyModel)", () => {
  // The article only defines LazyModel; we also run it once, to see the shape it gives.
  const lazy = new LazyModel();
  console.log("LazyModel output:", lazy(torch.rand(1, 28, 28)).size());
});

ch.cell("000 · In [14] — the same layers with Sequential (SequentialModel)", () => {
  const inputData = torch.rand(1, 28, 28);
  const seq = new SequentialModel();
  logits = seq(inputData);
  console.log(logits);
  console.log(String(seq));
});

ch.cell("000 · SoftMax層 In [15] — Softmax over dim 1", () => {
  const softmax = new nn.Softmax(1);
  const predProbab = softmax(logits);
  console.log(logits);
  console.log(predProbab);
  console.log("the probabilities sum to", predProbab.sum().item().toFixed(4));
});

ch.cell("000 · 補足，畳み込み層 In [16] — a convolution: 1 channel of 8x8 in, 3 channels of 6x6 out", () => {
  const inputConv = torch.rand(1, 8, 8);
  // 1 input channel, 3 output channels (3 kernels), kernels of 3x3
  const conv1 = new nn.Conv2d(1, 3, 3);
  const hiddenConv = conv1(inputConv);
  console.log(hiddenConv);
  console.log(hiddenConv.size());
});

ch.cell("000 · In [None] — the gif's kernel by hand on a 5x5 picture", () => {
  // The article shows a gif of the kernel [[1,0,1],[0,1,0],[1,0,1]] sliding over a 5x5 picture of
  // 0s and 1s; each output is the sum of the window times the kernel.
  const picture = torch.tensor([
    [1, 1, 1, 0, 0],
    [0, 1, 1, 1, 0],
    [0, 0, 1, 1, 1],
    [0, 0, 1, 1, 0],
    [0, 1, 1, 0, 0],
  ]);
  const kernel = torch.tensor([
    [1, 0, 1],
    [0, 1, 0],
    [1, 0, 1],
  ]);
  return nn.functional.conv2d(picture.view(1, 1, 5, 5), kernel.view(1, 1, 3, 3)).view(3, 3);
});

ch.cell("000 · In [17] — view the 3 channels of 6x6 as one row of 108 for a Linear layer", () => {
  const inputConv = torch.rand(1, 8, 8);
  const conv1 = new nn.Conv2d(1, 3, 3);
  const hiddenConv = conv1(inputConv);
  console.log(hiddenConv.size());
  // 3 channels of 6x6: one row of 3*6*6 numbers
  const viewHidden = hiddenConv.view(-1, 3 * 6 * 6);
  console.log(viewHidden.size());
});

// ---- 003 · PyTorch 講座 4 ----------------------------------------------------------------------
// The big tensors below (16 pictures of 3x256x256, 32 of 3x128x128) only need their shapes, so
// they run without a graph for autograd: inside torch.noGrad, like PyTorch's `with torch.no_grad()`.

/** O = floor((I + 2P - D(K - 1) - 1) / S) + 1; with dilation D = 1 it is the lecture's (I + 2P - K) / S + 1. */
function convOutputSize(I: number, K: number, { S = 1, P = 0, D = 1 } = {}): number {
  return Math.floor((I + 2 * P - D * (K - 1) - 1) / S) + 1;
}

ch.cell("003 · PyTorch での実装(補足) — the output size of a convolution", () => {
  // O = (I + 2P - K) / S + 1, rounded down when the division is not exact
  const rows: [string, number, number, number, number][] = [
    ["I=256, K=3", 256, 3, 1, 0],
    ["I=256, K=5, S=2, P=2", 256, 5, 2, 2],
    ["I=128, K=3, S=2, P=1", 128, 3, 2, 1],
    ["I=28, K=5", 28, 5, 1, 0],
  ];
  for (const [label, I, K, S, P] of rows) console.log(`${label.padEnd(22)} O = ${convOutputSize(I, K, { S, P })}`);
});

// a tensor standing in for pictures: (batch size, channels, height, width)
let myTensor: torch.Tensor;

ch.cell("003 · 利用例 conv.py — Conv2d on 16 pictures of 3x256x256, only the required arguments", () =>
  torch.noGrad(() => {
    myTensor = torch.full([16, 3, 256, 256], 2.718);
    const conv = new nn.Conv2d(3, 64, 3);
    const out = conv(myTensor); // 16 x 64 x 254 x 254 floats: 264 MB, let go when the cell ends
    console.log(out.size());
  }),
);

ch.cell("003 · 利用例 conv.py — with the optional ones too", () =>
  torch.noGrad(() => {
    const conv2 = new nn.Conv2d(3, 128, 5, { stride: 2, padding: 2 });
    const out2 = conv2(myTensor);
    console.log(out2.size());
  }),
);

ch.cell("003 · 演習1 — convolutions that give 32x64x126x126 and 32x256x64x64", () =>
  torch.noGrad(() => {
    // 1. a 32x3x128x128 tensor
    const x = torch.ones([32, 3, 128, 128]);
    // 2. kernel 3: no padding loses one pixel on each side, 128 -> 126
    console.log("==== problem1 ====");
    console.log(new nn.Conv2d(3, 64, 3)(x).size());
    // 3. kernel 3: stride 2 halves the size, padding 1 keeps the edges: (128 + 2 - 3) / 2 + 1 = 64
    console.log("==== problem2 ====");
    console.log(new nn.Conv2d(3, 256, 3, { stride: 2, padding: 1 })(x).size());
    // 4. the same with kernel 5: padding 1 gives 128 + 2 - 5 + 1 = 126; stride 2 with padding 2 gives 64
    console.log("==== problem1 ====");
    console.log(new nn.Conv2d(3, 64, 5, { padding: 1 })(x).size());
    console.log("==== problem2 ====");
    console.log(new nn.Conv2d(3, 256, 5, { stride: 2, padding: 2 })(x).size());
  }),
);

ch.cell("003 · 利用例 linear.py — Linear on 32 rows of 1280", () => {
  const _in = torch.ones([32, 1280]);
  const fc = new nn.Linear(1280, 256, { bias: true });
  console.log(fc(_in).size());
});

ch.cell("003 · 演習2 — Linear layers that give 32x256 and 32x2048, then 32x16x16", () => {
  console.log("==== problem 1 ====");
  const x = torch.ones([32, 1024]);
  console.log(x.size());
  console.log("==== problem 2 ====");
  const out = new nn.Linear(1024, 256)(x);
  console.log(out.size());
  console.log("==== problem 3 ====");
  console.log(new nn.Linear(1024, 2048)(x).size());
  console.log("==== appendix ====");
  // 256 numbers per row are 16 rows of 16
  console.log(out.view(32, 16, 16).size());
});

ch.cell("003 · 利用例 batchnorm.py — BatchNorm2d on ones, and on the 3x3 example", () =>
  torch.noGrad(() => {
    const _in = torch.ones([32, 256, 64, 64]);
    const norm = new nn.BatchNorm2d(256);
    console.log(norm(_in).size());

    // y = (x - E[x]) / sqrt(Var[x] + eps) * gamma + beta, with the mean and the (biased) variance
    // over the batch; affine=false leaves out gamma and beta.
    const _in2 = torch
      .tensor([
        [3, 2, 5],
        [16, 43, 1],
        [18, 3.1, 56],
      ])
      .unsqueeze(0)
      .unsqueeze(0);
    const norm2 = new nn.BatchNorm2d(1, { affine: false });
    console.log("==== before =====");
    console.log(_in2);
    console.log("==== after =====");
    console.log(norm2(_in2));
  }),
);

ch.cell("003 · BatchNorm2d by hand — the same numbers from the formula", () => {
  const x = torch.tensor([3, 2, 5, 16, 43, 1, 18, 3.1, 56]);
  const mean = x.mean();
  const variance = x.sub(mean).pow(2).mean(); // biased: divided by 9, not 8
  const y = x.sub(mean).div(variance.add(1e-5).sqrt());
  console.log("E[x]:", mean.item().toFixed(4), " Var[x]:", variance.item().toFixed(4));
  console.log(y.view(3, 3));
});

ch.cell("003 · 利用例 relu.py — ReLU on the 3x3 example", () => {
  const _in = torch
    .tensor([
      [-1, -2, 3],
      [43, 21, -21],
      [-0.5, 0, 0.1],
    ])
    .unsqueeze(0)
    .unsqueeze(0);
  const relu = new nn.ReLU();
  console.log(relu(_in));
});

class MyModel extends nn.Module {
  conv = new nn.Conv2d(3, 64, 3, { stride: 1, padding: 1 });
  bn = new nn.BatchNorm2d(64);
  relu = new nn.ReLU();

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.conv(x);
    x = this.bn(x);
    x = this.relu(x);
    return x;
  }
}

ch.cell("003 · モデルの作成(基礎) — conv -> BatchNorm -> ReLU as a model", () => {
  const m = new MyModel();
  console.log(String(m));
  console.log(m(torch.ones([2, 3, 8, 8])).size()); // padding 1 keeps 8x8
});

class ArgsModel extends nn.Module {
  // values given to the constructor are kept on the instance
  constructor(readonly arg1: number, readonly arg2: string) {
    super();
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return x;
  }
}

ch.cell("003 · モデルの作成(補足) make_model.py — two ways to call forward", () => {
  const mymodel = new ArgsModel(1234, "tus");
  const _input = torch.ones([2, 3]);
  const out1 = mymodel(_input);
  const out2 = mymodel.forward(_input);
  console.log("===== method1 =====");
  console.log(out1);
  console.log("===== method2 =====");
  console.log(out2);
});

class ExerciseModel extends nn.Module {
  // 128x128 in, kernel 5, stride 8, no padding: (128 - 5) / 8 + 1 = 16.375 -> 16
  conv = new nn.Conv2d(3, 256, 5, { stride: 8 });
  bn = new nn.BatchNorm2d(256);
  relu = new nn.ReLU();
  fc = new nn.Linear(256 * 16 * 16, 64);

  override forward(x: torch.Tensor): torch.Tensor {
    x = this.relu(this.bn(this.conv(x)));
    // Linear wants (B, N); the convolution gives (B, C, H, W)
    x = x.view(x.size(0), 256 * 16 * 16);
    return this.fc(x);
  }
}

ch.cell("003 · 演習3 — conv -> BatchNorm -> ReLU -> Linear, 32x64 out", () =>
  torch.noGrad(() => {
    const inTensor = torch.ones([32, 3, 128, 128]);
    const model = new ExerciseModel();
    const out = model(inTensor);
    console.log(out.size());
  }),
);

ch.cell("003 · 利用例 view.py — (B, C, H, W) -> (B, N)", () => {
  const _in = torch.ones([32, 8, 16, 16]);
  const out = _in.view(32, 8 * 16 * 16);
  console.log("==== before ====");
  console.log(_in.size());
  console.log("==== after ====");
  console.log(out.size());
});
