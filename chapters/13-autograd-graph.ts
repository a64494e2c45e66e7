/** 13 · The autograd graph: a LeNet-style net, its gradFn chain, SGD by hand and with optim */
// Follows the article on PyTorch's "Neural Networks" tutorial (NEURAL NETWORKS ... 重みの更新).
// A small convolutional net on a 32x32 picture: define it, run it, give the output a gradient,
// compute an MSE loss, walk the graph autograd recorded from the loss back towards the weights,
// backpropagate, and update the weights: first with a loop written by hand, then with optim.SGD.
//
// The input and the target are random, as in the tutorial, so the numbers differ from the
// article's; the shapes, names and counts are the article's.
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";
import { chapter, saveOut, backwardNamesNote } from "./lib/cells.ts";

const ch = chapter("13", "The autograd graph", { random: true });
torch.manualSeed(ch.flags.seed);
const F = nn.functional;

class Net extends nn.Module {
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  fc3: nn.Linear;

  constructor() {
    super();
    // 1 input image channel, 6 output channels, 3x3 square convolution kernel
    this.conv1 = new nn.Conv2d(1, 6, 3);
    this.conv2 = new nn.Conv2d(6, 16, 3);
    // an affine operation: y = Wx + b; 16 maps of 6x6 are left after the second pooling
    this.fc1 = new nn.Linear(16 * 6 * 6, 120);
    this.fc2 = new nn.Linear(120, 84);
    this.fc3 = new nn.Linear(84, 10);
  }

  override forward(x: torch.Tensor): torch.Tensor {
    // Max pooling over a (2, 2) window: 32 -> conv 30 -> pool 15 -> conv 13 -> pool 6
    x = F.maxPool2d(F.relu(this.conv1(x)), [2, 2]);
    // If the size is a square you can only specify a single number
    x = F.maxPool2d(F.relu(this.conv2(x)), 2);
    x = x.view(-1, this.numFlatFeatures(x));
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    x = this.fc3(x);
    return x;
  }

  /** How many numbers one sample holds: every dimension except the batch dimension. */
  numFlatFeatures(x: torch.Tensor): number {
    const size = x.shape.slice(1);
    let numFeatures = 1;
    for (const s of size) numFeatures *= s;
    return numFeatures;
  }
}

let net: Net;

ch.cell("002 · 3. ニューラルネットワークの定義 — the net", () => {
  net = new Net();
  console.log(String(net));
});

ch.cell("002 · 3. ニューラルネットワークの定義 — its learnable parameters", () => {
  // Each layer holds a weight and a bias: 5 layers, 10 tensors.
  const params = net.parameters();
  console.log(params.length);
  console.log(params[0]!.size()); // conv1's weight: 6 kernels of 1 channel, 3x3
  for (const [name, p] of net.namedParameters()) console.log(`  ${name.padEnd(12)} ${p.shape.join(" x ")}`);
  const total = params.reduce((n, p) => n + p.numel(), 0);
  console.log("numbers to learn:", total);
});

let input: torch.Tensor, out: torch.Tensor;

ch.cell("002 · 3. ニューラルネットワークの定義 — a random 1-channel 32x32 input through the net", () => {
  backwardNamesNote(["MseLossBackward", "MseLossBackward0"], ["AddmmBackward", "AddmmBackward0"]);
  input = torch.randn(1, 1, 32, 32);
  out = net(input);
  console.log(out);
  console.log(out.shape); // one row of 10 outputs: fc3 has out_features=10
});

ch.cell("002 · 3. ニューラルネットワークの定義 — backward with a given gradient", () => {
  // out is not a scalar, so backward needs the gradient of something with respect to out;
  // random here, as in the tutorial. Gradients reach every parameter.
  net.zeroGrad();
  out.backward(torch.randn(1, 10));
  console.log("conv1.bias.grad:", net.conv1.bias!.grad);
});

let output: torch.Tensor, target: torch.Tensor, criterion: nn.MSELoss, loss: torch.Tensor;

ch.cell("002 · 4. Loss Function (損失関数) — MSELoss against a dummy target", () => {
  output = net(input);
  target = torch.randn(10); // a dummy target
  target = target.view(1, -1); // the same shape as the output
  criterion = new nn.MSELoss();
  loss = criterion(output, target);
  console.log(loss);
});

ch.cell("002 · 4. Loss Function (損失関数) — following the loss back with gradFn", () => {
  // The tutorial's three steps: the loss, the last Linear, and one step further.
  console.log(loss.gradFn); // MSELoss
  console.log(loss.gradFn!.nextFunctions[0]![0]); // Linear
  console.log(loss.gradFn!.nextFunctions[0]![0]!.nextFunctions[0]![0]); // fc3's bias
  // Linear with a bias records addmm(bias, x, weightᵀ): its first input is the bias, a leaf, so
  // the third step lands on the node that accumulates fc3.bias's gradient: AccumulateGrad.
});

/** The node a graph walk meets for one input: a function, a leaf's accumulator, or nothing. */
type Node = torch.GradFn | torch.AccumulateGrad | null;

ch.cell("002 · 4. Loss Function (損失関数) — the whole graph, from the loss back to the leaves", () => {
  // input -> conv2d -> relu -> maxpool2d -> conv2d -> relu -> maxpool2d
  //       -> view -> linear -> relu -> linear -> relu -> linear -> MSELoss -> loss
  // Each node lists its inputs' nodes; a leaf that requires grad ends in AccumulateGrad. The
  // input picture and the target need no gradient, so they appear as nothing ("None").
  // Each Linear computes x·Wᵀ, so its weight is reached through TBackward0, the transpose.
  const names = new Map<torch.Tensor, string>();
  for (const [name, p] of net.namedParameters()) names.set(p, name);
  const show = (node: Node, depth: number): void => {
    const pad = "  ".repeat(depth);
    if (node === null) return void console.log(`${pad}None`);
    if (node instanceof torch.AccumulateGrad) return void console.log(`${pad}AccumulateGrad (${names.get(node.variable) ?? "?"})`);
    console.log(`${pad}${node.name}`);
    for (const [next] of node.nextFunctions) show(next, depth + 1);
  };
  show(loss.gradFn, 0);
});

ch.cell("ours · the same graph as a picture (torch.viz), and as Graphviz's DOT text", () => {
  // torch.viz.graph lays the graph out itself and returns an SVG; torch.viz.makeDot writes the
  // DOT text torchviz's make_dot writes, for Graphviz's `dot -Tsvg`. Both name the parameters.
  const params = net.namedParameters();
  saveOut("13-graph.svg", torch.viz.graph(loss, { params }));
  const dot = torch.viz.makeDot(loss, { params });
  saveOut("13-graph.dot", dot);
  const { nodes, edges } = torch.viz.autogradGraph(loss, { params });
  console.log(`${nodes.length} nodes (${nodes.filter((n) => n.kind === "variable").length} parameters), ${edges.length} edges`);
});

ch.cell("002 · 5. Backprop (誤差逆伝播) — conv1.bias.grad before and after backward", () => {
  // zeroes the gradient buffers of all parameters; PyTorch 2's default (and ours) would set them to
  // null instead, so the tutorial's "before" printout of zeros needs setToNone: false
  net.zeroGrad({ setToNone: false });
  console.log("conv1.bias.grad before backward");
  console.log(net.conv1.bias!.grad);
  loss.backward();
  console.log("conv1.bias.grad after backward");
  console.log(net.conv1.bias!.grad);
});

/** Every parameter's values, copied, to compare two updates. */
const snapshot = (model: nn.Module) => model.parameters().map((p) => p.clone());

ch.cell("002 · 6. 重み(weights)の更新 — SGD by hand: weight = weight - learning_rate * gradient", () => {
  const before = snapshot(net);
  const learningRate = 0.01;
  // PyTorch's `f.data.sub_(f.grad.data * learning_rate)`: the update is not part of the graph,
  // so it runs inside noGrad.
  torch.noGrad(() => {
    for (const f of net.parameters()) f.sub_(f.grad!.mul(learningRate));
  });
  const moved = net.parameters().map((p, i) => p.sub(before[i]!).abs().max().item());
  console.log("largest change of each parameter:", moved.map((m) => m.toExponential(2)).join(" "));
  console.log("loss after one step:", criterion(net(input), target).item().toFixed(4), "(before:", loss.item().toFixed(4) + ")");
});

ch.cell("002 · 6. 重み(weights)の更新 — the same step with optim.SGD gives the same weights", () => {
  // Two copies of one net, one gradient each: the hand-written loop and optim.SGD must agree.
  const byHand = new Net();
  const withOptim = new Net();
  withOptim.loadStateDict(byHand.stateDict());
  const step = (model: Net) => {
    model.zeroGrad();
    criterion(model(input), target).backward();
  };

  step(byHand);
  torch.noGrad(() => {
    for (const f of byHand.parameters()) f.sub_(f.grad!.mul(0.01));
  });

  const optimizer = new optim.SGD(withOptim.parameters(), { lr: 0.01 });
  optimizer.zeroGrad();
  step(withOptim);
  optimizer.step();

  const a = byHand.parameters(), b = withOptim.parameters();
  // optim.SGD computes w - lr * g in one rounding, the hand loop rounds lr * g first, so the two
  // may differ in the last bit of a float32: about 1e-8 for weights of this size.
  let largest = 0;
  a.forEach((p, i) => p.data.forEach((v, j) => (largest = Math.max(largest, Math.abs(v - b[i]!.data[j]!)))));
  console.log("largest difference between the two nets:", largest.toExponential(1));
  console.log("the same step:", largest < 1e-6);
});

ch.cell("002 · 6. 重み(weights)の更新 — the training loop with optim.SGD", () => {
  // in your training loop:
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });
  for (let i = 1; i <= 5; i++) {
    optimizer.zeroGrad(); // zero the gradient buffers
    output = net(input);
    loss = criterion(output, target);
    loss.backward();
    optimizer.step(); // does the update
    console.log(`step ${i}: loss ${loss.item().toFixed(4)}`);
  }
});
