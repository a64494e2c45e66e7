// Chapter 13 runs as a reader runs it. The input and target are random, as in the tutorial, so
// the checks are what the article prints that does not depend on them: the net's repr, the
// parameter count and shapes, the gradFn names, conv1.bias.grad zeroed and then filled, and
// that the hand-written SGD step and optim.SGD agree.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { has, hasBlock, lines, runChapter } from "./run-chapter.ts";

const run = runChapter("13-autograd-graph");

test("the net prints as the article shows it", async () => {
  hasBlock(await run, `Net(
  (conv1): Conv2d(1, 6, kernel_size=(3, 3), stride=(1, 1))
  (conv2): Conv2d(6, 16, kernel_size=(3, 3), stride=(1, 1))
  (fc1): Linear(in_features=576, out_features=120, bias=True)
  (fc2): Linear(in_features=120, out_features=84, bias=True)
  (fc3): Linear(in_features=84, out_features=10, bias=True)
)`);
});

test("10 parameter tensors, conv1's weight first, 81194 numbers; an output of [1, 10]", async () => {
  const out = await run;
  hasBlock(out, "10\ntorch.Size([6, 1, 3, 3])\n");
  has(out, "numbers to learn: 81194"); // 60 + 880 + 69240 + 10164 + 850
  has(out, "torch.Size([1, 10])");
  assert.match(out, /^tensor\(\[\[[-\d., \n]+\]\], grad_fn=<AddmmBackward0>\)$/m);
});

test("the loss and the tutorial's three steps back through gradFn", async () => {
  const out = await run;
  assert.match(out, /^tensor\(\d\.\d{4}, grad_fn=<MseLossBackward0>\)$/m);
  hasBlock(out, "<MseLossBackward0 object>\n<AddmmBackward0 object>\n<AccumulateGrad object>\n");
});

test("the whole graph reaches every parameter through AccumulateGrad", async () => {
  const out = lines(await run);
  const start = out.indexOf("MseLossBackward0");
  assert.ok(start >= 0);
  const tree = out.slice(start, out.indexOf("", start)).map((l) => l.trim());
  assert.equal(tree.filter((l) => l.startsWith("AccumulateGrad")).sort(), [
    "AccumulateGrad (conv1.bias)", "AccumulateGrad (conv1.weight)", "AccumulateGrad (conv2.bias)",
    "AccumulateGrad (conv2.weight)", "AccumulateGrad (fc1.bias)", "AccumulateGrad (fc1.weight)",
    "AccumulateGrad (fc2.bias)", "AccumulateGrad (fc2.weight)", "AccumulateGrad (fc3.bias)",
    "AccumulateGrad (fc3.weight)",
  ]);
  assert.equal(tree.filter((l) => l.endsWith("Backward0")), [
    "MseLossBackward0", "AddmmBackward0", "ReluBackward0", "AddmmBackward0", "ReluBackward0", "AddmmBackward0",
    "ViewBackward0", "MaxPool2DWithIndicesBackward0", "ReluBackward0", "ConvolutionBackward0",
    "MaxPool2DWithIndicesBackward0", "ReluBackward0", "ConvolutionBackward0", "TBackward0", "TBackward0", "TBackward0",
  ]);
  assert.equal(tree.filter((l) => l === "None").length, 2); // the input picture and the target
});

test("conv1.bias.grad: zeros before backward, six numbers not all zero after", async () => {
  const out = lines(await run);
  const at = out.indexOf("conv1.bias.grad before backward");
  assert.is(out[at + 1], "tensor([0., 0., 0., 0., 0., 0.])");
  assert.is(out[at + 2], "conv1.bias.grad after backward");
  assert.match(out[at + 3]!, /^tensor\(\[( ?-?\d\.\d{4},\s*){5} ?-?\d\.\d{4}\]\)$/);
  assert.not.equal(out[at + 3], "tensor([0., 0., 0., 0., 0., 0.])");
});

test("SGD by hand lowers the loss and matches optim.SGD; the loop keeps lowering it", async () => {
  const out = await run;
  const m = /^loss after one step: ([\d.]+) \(before: ([\d.]+)\)$/m.exec(out);
  assert.ok(m && Number(m[1]) < Number(m[2]), "one hand-written step lowers the loss");
  has(out, "the same step: true");
  const losses = [...out.matchAll(/^step \d: loss ([\d.]+)$/gm)].map((x) => Number(x[1]));
  assert.is(losses.length, 5);
  assert.ok(losses.every((l, i) => i === 0 || l < losses[i - 1]!), `losses fall: ${losses}`);
});

test.run();
