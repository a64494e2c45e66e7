/** 01 · What is deep learning? One node, one layer, and the 31 parameters of the iris network */
// Follows part 1 of the series (機械学習やディープラーニングってどんなもの？). The article has
// almost no code: it draws a node that multiplies its inputs by weights, adds a bias and passes
// the sum through an activation function, then counts the numbers a small iris network must learn.
// Here those drawings become a few lines each.
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";
import { chapter, runtimeName } from "./lib/cells.ts";

const ch = chapter("01", "What is deep learning?", { random: true });
torch.manualSeed(ch.flags.seed); // --seed N to try another

ch.cell("part 1 · Google Colab の使い方 — which runtime is this?", () => {
  // The article's first cell prints the Python version Colab runs. Ours runs on Node in a
  // terminal, or in the browser on the course's pages.
  console.log(runtimeName);
});

ch.cell("part 1 · ニューラルネットワークにおける学習とは — one input, five hidden nodes", () => {
  // Input node I0 holds one value x (a sepal length). It sends x to hidden nodes H0..H4, each over
  // its own edge with its own weight w_i and bias b_i; node H_i receives f(w_i * x + b_i).
  const x = 5.7;
  const w = torch.tensor([0.2, -0.1, 0.05, 0.3, -0.25]);
  const b = torch.tensor([0.1, 0.2, -0.3, 0.0, 0.5]);
  const f = torch.sigmoid; // the activation function

  console.log("w * x + b:", w.mul(x).add(b));
  console.log("f(w * x + b):", f(w.mul(x).add(b)));
});

ch.cell("part 1 · 機械学習と Python — all four inputs at once", () => {
  // With four inputs, every hidden node has four weights: one row of W per hidden node (5 x 4),
  // one bias per hidden node in B. A whole layer is then one line: f(W X + B).
  const X = torch.tensor([5.7, 2.8, 4.1, 1.3]); // sepal length, sepal width, petal length, petal width
  const fc1 = new nn.Linear(4, 5); // holds exactly such a W and B, filled with small random numbers
  const W = fc1.weight;
  const B = fc1.bias!;
  const f = torch.sigmoid;

  torch.noGrad(() => {
    console.log("W (one row per hidden node):");
    console.log(W.detach());
    console.log("B:", B.detach());
    console.log("f(W X + B):", f(W.matmul(X).add(B)));
    console.log("f(fc1(X)): ", f(fc1(X))); // the layer object computes the same thing
  });
});

ch.cell("part 1 · 機械学習と Python — how many numbers must the network learn?", () => {
  // Input -> hidden: 4 x 5 weights and 5 biases. Hidden -> output: 5 x 1 weights and 1 bias.
  console.log("by hand:", 4 * 5 + 5 + 5 * 1 + 1);

  class Net extends nn.Module {
    fc1: nn.Linear;
    fc2: nn.Linear;
    constructor() {
      super();
      this.fc1 = new nn.Linear(4, 5);
      this.fc2 = new nn.Linear(5, 1);
    }
    override forward(x: torch.Tensor): torch.Tensor {
      return this.fc2(torch.sigmoid(this.fc1(x)));
    }
  }

  const net = new Net();
  for (const [name, p] of net.namedParameters()) console.log(name.padEnd(10), p.shape, p.numel());
  const total = net.parameters().reduce((n, p) => n + p.numel(), 0);
  console.log("parameters:", total);
});
