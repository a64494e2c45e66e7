// Chapters 01-06 run as a reader runs them (a child process, no --step) and print the article's
// key figures: the exact ones of parts 1, 5 and 6, and accuracies near the article's for parts 2 and 3.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { has, lines, runChapter } from "./run-chapter.ts";

// Started together, so the slow training chapters overlap.
const runs = Object.fromEntries(
  ["01-what-is-deep-learning", "02-hello-deep-learning", "03-datasets-and-tensors", "04-inside-the-network", "05-learning", "06-my-linear"]
    .map((name) => [name.slice(0, 2), runChapter(name)]),
);

test("01: one node, one layer, and the 4-5-1 network's 31 parameters", async () => {
  const out = await runs["01"]!;
  has(out, "by hand: 31");
  has(out, "parameters: 31");
});

test("02: loss every 100 epochs in the article's format; about 38/38 on the test data", async () => {
  const out = await runs["02"]!;
  const epochs = lines(out).filter((l) => /^epoch: {1,3}\d{3,4}, loss: [\d.e-]+$/.test(l));
  assert.is(epochs.length, 20);
  assert.ok(epochs[0]!.startsWith("epoch:  100, loss: ") && epochs[19]!.startsWith("epoch: 2000, loss: "));
  const train = /^tensor\((\d+)\)$/m.exec(out);
  assert.ok(train && Number(train[1]) >= 100, `train correct: ${train?.[1]}`);
  const test = /^correct: (\d+) \/ 38$/m.exec(out);
  assert.ok(test && Number(test[1]) >= 36, `test correct: ${test?.[1]}`);
  assert.is(lines(out).filter((l) => l.startsWith("predicted: ")).length, 38);
  has(out, "length of XTrain: 112");
  has(out, "length of XTest: 38");
});

test("03: tensor basics print as PyTorch prints; cross-entropy gets about 109/112", async () => {
  const out = await runs["03"]!;
  // the article's output line for line: torch.tensor(iris.data) is float64
  for (const line of ["torch.Size([150, 4])", "150", "2", "torch.float64", "tensor([5.1000, 3.5000, 1.4000, 0.2000], dtype=torch.float64)",
    "tensor(5.1000, dtype=torch.float64)", "tensor([[4.9000, 3.0000, 1.4000, 0.2000],", "        [3.2000, 1.3000]], dtype=torch.float64)",
    "tensor([[4.7000, 3.2000, 1.3000, 0.2000]], dtype=torch.float64)"]) has(out, line);
  const counts = [...out.matchAll(/^tensor\((\d+)\)$/gm)].map((m) => Number(m[1]));
  const train = counts.at(-1)!;
  assert.ok(train >= 104 && train <= 112, `train correct: ${train}`);
});

test("04: fc1.forward(x) equals the hand-written sums; one step changes the weights", async () => {
  const out = await runs["04"]!;
  const l = lines(out);
  const forward = l[l.findIndex((s) => s.startsWith("x: tensor(")) + 1]!;
  const values = /^tensor\(\[(.*)\], grad_fn=<AddBackward0>\)$/.exec(forward)?.[1]?.split(",").map((s) => s.trim());
  assert.ok(values && values.length === 5, forward);
  has(out, values.map((v) => `tensor(${v})`).join(" "));
  has(out, "all inside: true");
  const before = out.split("learn once")[0]!.split("before learning")[1]!;
  const after = out.split("after learning")[1]!.split("──")[0]!;
  assert.ok(before.includes("Parameter containing:") && after.includes("Parameter containing:"));
  assert.is.not(before.trim(), after.trim());
  has(out, "linear(x) equals linear.forward(x): true");
});

test("05: loss 0.0025, gradients -0.1 then -0.04, w 1.98 then 1.992, with numbers and with tensors", async () => {
  const out = await runs["05"]!;
  for (const line of [
    "y: 1.9500  loss: 0.0025", "grad by hand:      -0.1000", "grad by backward:  -0.1000", "w after one step:  1.9800",
    "second grad:       -0.0400", "w after two steps: 1.9920",
    "w: tensor([[1.9500]], requires_grad=True)", "t: tensor([[2.]])", "tensor([1.9500], grad_fn=<MvBackward0>)", "tensor(0.0025)",
    "grad: tensor([[-0.1000]], grad_fn=<SubBackward0>)", "before w.grad: None", "after w.grad: tensor([[-0.1000]])",
    "tensor([[1.9800]], requires_grad=True)", "tensor([[0.]])", "tensor([1.9800], grad_fn=<MvBackward0>)",
    "updated w.grad: tensor([[-0.0400]])", "updated w: tensor([[1.9920]], requires_grad=True)",
  ]) has(out, line);
  assert.match(out, /^wrote .*05-loss-curve\.svg$/m);
});

test("06: the article's products, and MyLinear training to about 110/112", async () => {
  const out = await runs["06"]!;
  // Integer inputs; the printed products may carry a trailing "." while int matmul gives float32.
  const row = (nums: number[]) => nums.map((n) => `${n}\\.?`).join(",\\s+");
  assert.match(out, new RegExp(`^tensor\\(\\[\\s*${row([31, 72, 113, 154, 195])}\\]\\)$`, "m"));
  assert.match(out, new RegExp(`^tensor\\(\\[\\[\\s*${row([14, 32])}\\],\\n\\s+\\[\\s*${row([32, 77])}\\]\\]\\)$`, "m"));
  assert.match(out, new RegExp(`^tensor\\(\\[\\[\\s*${row([30, 30])}\\],\\n\\s+\\[\\s*${row([70, 70])}\\],`, "m"));
  has(out, "tensor([[ 31.,  72., 113., 154., 195.],"); // the row loop fills float zeros
  const biased = new RegExp(`^tensor\\(\\[\\[\\s*${row([31, 72, 113, 154, 195])}\\],\\n\\s+\\[\\s*${row([31, 72, 113, 154, 195])}\\]\\]\\)$`, "gm");
  assert.ok([...out.matchAll(biased)].length >= 3, "row loop, x @ w.T + b and x2 @ w2 all give the biased rows");
  const train = [...out.matchAll(/^tensor\((\d+)\)$/gm)].map((m) => Number(m[1]));
  assert.ok(train.length === 1 && train[0]! >= 104, `train correct: ${train}`);
});

test.run();
