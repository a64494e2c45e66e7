/** 05 · What learning does: a loss, its gradient, and one weight stepping from 1.95 towards 2.0 */
// Follows part 5 (ニューラルネットワークの学習でしていること). The whole "network" is y = w * x with
// one weight w = 1.95, input x = 1 and target t = 2.0. We first do every step on plain numbers with
// the scalar Value (src/scalar.ts), then repeat the article's cells with tensors, nn.MSELoss and
// optim.SGD, which print what PyTorch printed.
import * as torch from "../src/index.ts";
import { nn, optim, Value } from "../src/index.ts";
import { lineChart } from "../src/plot/index.ts";
import { chapter, saveOut, backwardNamesNote } from "./lib/cells.ts";

const ch = chapter("05", "What learning does"); // nothing here is random

const fmt = (v: number) => v.toFixed(4); // four decimals, as PyTorch prints

// ---- first with single numbers -----------------------------------------------------------------

ch.cell("part 5 · 今回学習させるもの — y = w * x on one number (Value)", () => {
  const w = new Value(1.95);
  const x = 1.0;
  const t = 2.0;

  const y = w.mul(x);
  const loss = y.sub(t).pow(2); // squared error; the mean of a single error is the error itself
  console.log("y:", fmt(y.data), " loss:", fmt(loss.data));

  // The gradient by hand: loss = (w x - t)^2, so d loss / d w = 2 x^2 w - 2 x t.
  const calcGrad = (w: number, x: number, label: number) => 2 * x ** 2 * w - 2 * x * label;
  console.log("grad by hand:     ", fmt(calcGrad(w.data, x, t)));

  // The same number from backpropagation: each operation passes the gradient back to its inputs.
  loss.backward();
  console.log("grad by backward: ", fmt(w.grad));

  // One SGD step: move w against the gradient, scaled by the learning rate.
  const lr = 0.3;
  w.data -= lr * w.grad;
  console.log("w after one step: ", fmt(w.data));

  // Gradients add up over backward() calls, so clear the old one before the next step.
  w.zeroGrad();
  const loss2 = w.mul(x).sub(t).pow(2);
  loss2.backward();
  console.log("second grad:      ", fmt(w.grad));
  w.data -= lr * w.grad;
  console.log("w after two steps:", fmt(w.data));
});

// ---- then the article's cells, with tensors ----------------------------------------------------

// w is a 1x1 matrix and x a one-element vector, as in the article. The article writes w * x, but
// the output it printed (tensor([1.9500], grad_fn=<MvBackward>)) comes from a matrix-vector
// product, so f uses matmul; for a 1x1 matrix both give 1.95.
const w = torch.tensor([[1.95]], { requiresGrad: true }); // the weight starts at 1.95
const t = torch.tensor([[2.0]]); // the right answer is 2.0
const x = torch.tensor([1.0]); // the input is 1.0
const f = (x: torch.Tensor) => w.matmul(x);
const criterion = new nn.MSELoss();
let loss: torch.Tensor;
let optimizer: optim.SGD;

ch.cell("part 5 · 今回学習させるもの — the weight, the target and f(x)", () => {
  console.log("w:", w);
  console.log("t:", t);
});

ch.cell("part 5 · 損失の計算 — MSELoss", () => {
  backwardNamesNote(["MvBackward", "MvBackward0"]);
  const y = f(x);
  console.log(y);
  loss = criterion(y, t);
  console.log(loss.detach()); // PyTorch's loss.data: the value without its graph
});

ch.cell("part 5 · 損失の計算 — the same loss written by hand", () => {
  const mycriterion = (x: torch.Tensor, y: torch.Tensor) => {
    const result = x.sub(y).pow(2);
    return result.sum().div(result.size(0));
  };
  const myloss = mycriterion(f(x), t);
  console.log(myloss);
});

ch.cell("part 5 · 重みの更新の過程 — the loss as w moves from 1.9 to 2.1", () => {
  const calcLoss = (output: torch.Tensor, label: number) => output.sub(label).pow(2);
  const output = torch.arange(1.9, 2.1, 0.005); // f(1) for weights from 1.9 to 2.1
  const LABEL = 2;
  const myloss = calcLoss(output, LABEL);

  const svg = lineChart({
    title: "loss = (output - 2)^2",
    xLabel: "output = f(1) = w",
    yLabel: "loss",
    series: [{ name: "loss", x: output.tolist() as number[], y: myloss.tolist() as number[] }],
    points: [{ x: 1.95, y: (1.95 - LABEL) ** 2, label: "w = 1.95, loss = 0.0025" }],
    // the article's dotted lines: plt.hlines(0, 1.9, 2.1), plt.hlines(0.0025, 1.9, 1.95), plt.vlines(1.95, 0, 0.0025)
    guides: [
      { x1: 1.9, y1: 0, x2: 2.1, y2: 0 },
      { x1: 1.9, y1: 0.0025, x2: 1.95, y2: 0.0025 },
      { x1: 1.95, y1: 0, x2: 1.95, y2: 0.0025 },
    ],
  });
  saveOut("05-loss-curve.svg", svg);
});

ch.cell("part 5 · 重みの更新の過程 — the gradient by hand", () => {
  const LABEL = 2;
  const calcGrad = (w: torch.Tensor, x: torch.Tensor, label: number) =>
    x.pow(2).mul(2).mul(w).sub(x.mul(2).mul(label)); // 2 * x**2 * w - 2 * x * label
  const grad = calcGrad(w, x, LABEL);
  console.log("grad:", grad);
});

ch.cell("part 5 · 重みの更新の過程 — the gradient by backward()", () => {
  console.log("before w.grad:", w.grad ?? "None"); // no gradient yet: null, which Python calls None
  loss.backward();
  console.log("after w.grad:", w.grad);
  // The graph backward() followed, as torch.viz.graph draws it: w -> MvBackward0 (w @ x) ->
  // MseLossBackward0 -> the loss.
  saveOut("05-graph.svg", torch.viz.graph(loss, { params: { w } }));
});

ch.cell("part 5 · 重みの更新の過程 — an optimiser for w", () => {
  optimizer = new optim.SGD([w], { lr: 0.3 });
});

ch.cell("part 5 · 重みの更新の過程 — one step", () => {
  console.log(w);
  optimizer.step(); // w = w - lr * grad = 1.95 - 0.3 * (-0.1)
  console.log(w);
});

ch.cell("part 5 · 重みの更新の過程 — once more, from zeroGrad", () => {
  console.log(w.grad);
  // The article ran PyTorch 1.x, whose zero_grad() filled the gradient with zeros; PyTorch 2 (and
  // torchlet) set it to null by default. setToNone: false gives the article's printout.
  optimizer.zeroGrad({ setToNone: false });
  console.log(w.grad);

  const y = f(x);
  console.log(y);
  loss = criterion(y, t);
  loss.backward();
  console.log("updated w.grad:", w.grad);
  optimizer.step();
  console.log("updated w:", w);
});
