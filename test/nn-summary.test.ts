// nn.summary: golden rows for a small CNN (output shapes and parameter counts), and that it leaves
// the model exactly as it found it: forward methods, train/eval flags, running stats.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

class LeNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5);
  pool = new nn.MaxPool2d(2);
  conv2 = new nn.Conv2d(6, 16, 5);
  bn = new nn.BatchNorm2d(16);
  classifier = new nn.Sequential(new nn.Flatten(), new nn.Linear(16 * 4 * 4, 120), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(120, 10));
  override forward(x: torch.Tensor): torch.Tensor {
    x = this.pool(torch.relu(this.conv1(x)));
    x = this.pool(torch.relu(this.bn(this.conv2(x))));
    return this.classifier(x);
  }
}

test("summary of a small CNN: torchinfo's rows in call order, depth-idx, shapes, counts and sizes", () => {
  const net = new LeNet();
  // conv1: 6*1*5*5 + 6 = 156; conv2: 16*6*5*5 + 16 = 2,416; bn: 16 + 16 = 32;
  // fc1: 256*120 + 120 = 30,840; fc2: 120*10 + 10 = 1,210; total 34,654.
  // mult-adds: conv1 156*24*24 + conv2 2,416*8*8 + bn 32 + fc1 30,840 + fc2 1,210 = 276,562 (0.28 M).
  // forward/backward: 2 * 4 bytes * (3,456 + 1,024 + 1,024 + 120 + 10) = 45,072 (0.05 MB); input 3,136
  // bytes; params 138,616 bytes; total 186,824 bytes (0.19 MB). The pool is called twice: two rows.
  const rule = "=".repeat(90);
  assert.is(nn.summary(net, { inputSize: [1, 1, 28, 28] }), [
    rule,
    "Layer (type:depth-idx)                   Output Shape              Param #",
    rule,
    "LeNet                                    --                        --",
    "├─Conv2d: 1-1                            [1, 6, 24, 24]            156",
    "├─MaxPool2d: 1-2                         [1, 6, 12, 12]            --",
    "├─Conv2d: 1-3                            [1, 16, 8, 8]             2,416",
    "├─BatchNorm2d: 1-4                       [1, 16, 8, 8]             32",
    "├─MaxPool2d: 1-5                         [1, 16, 4, 4]             --",
    "├─Sequential: 1-6                        [1, 10]                   --",
    "│    └─Flatten: 2-1                      [1, 256]                  --",
    "│    └─Linear: 2-2                       [1, 120]                  30,840",
    "│    └─ReLU: 2-3                         [1, 120]                  --",
    "│    └─Dropout: 2-4                      [1, 120]                  --",
    "│    └─Linear: 2-5                       [1, 10]                   1,210",
    rule,
    "Total params: 34,654",
    "Trainable params: 34,654",
    "Non-trainable params: 0",
    "Total mult-adds (M): 0.28",
    rule,
    "Input size (MB): 0.00",
    "Forward/backward pass size (MB): 0.05",
    "Params size (MB): 0.14",
    "Estimated Total Size (MB): 0.19",
    rule,
  ].join("\n"));
  // without an input: the module tree and its parameter counts only, 65 columns wide
  assert.is(nn.summary(net).split("\n").slice(0, 6).join("\n"), [
    "=".repeat(65),
    "Layer (type:depth-idx)                   Param #",
    "=".repeat(65),
    "LeNet                                    --",
    "├─Conv2d: 1-1                            156",
    "├─MaxPool2d: 1-2                         --",
  ].join("\n"));
});

test("a frozen leaf's count is in parentheses, a module called again is (recursive)", () => {
  const shared = new nn.Linear(2, 2);
  const frozen = new nn.Linear(2, 2);
  for (const p of frozen.parameters()) p.requiresGrad = false;
  const text = nn.summary(new nn.Sequential(shared, shared, frozen), { inputSize: [1, 2] });
  assert.match(text, /├─Linear: 1-1 +\[1, 2\] +6\n├─Linear: 1-2 +\[1, 2\] +\(recursive\)\n├─Linear: 1-3 +\[1, 2\] +\(6\)\n/);
  assert.match(text, /Total params: 12\nTrainable params: 6\nNon-trainable params: 6\n/);
});

test("summary counts frozen parameters as non-trainable and a shared parameter once", () => {
  const a = new nn.Linear(3, 3);
  const b = new nn.Linear(3, 3);
  b.weight = a.weight; // tied
  a.bias!.requiresGrad = false;
  const seq = new nn.Sequential(a, new nn.ReLU());
  const text = nn.summary(new nn.Sequential(seq, new nn.Sequential(b)), { inputSize: [2, 3] });
  assert.ok(text.includes("Total params: 15\n"), text); // a: 9 + 3, b: its own bias 3 (the weight is a's)
  assert.ok(text.includes("Trainable params: 12\n"), text);
  assert.ok(text.includes("Non-trainable params: 3\n"), text);
});

test("summary leaves the model as it found it, even when the forward pass throws", () => {
  const net = new LeNet();
  const runningMean = [...net.bn.runningMean!.data];
  torch.manualSeed(7);
  const expectedNext = torch.rand(3).tolist();
  torch.manualSeed(7);
  nn.summary(net, { inputSize: [2, 1, 28, 28] });
  assert.equal(torch.rand(3).tolist(), expectedNext, "no random numbers drawn (Dropout ran in eval mode)");
  assert.equal([...net.bn.runningMean!.data], runningMean, "BatchNorm ran in eval mode");
  assert.is(net.bn.numBatchesTracked!.item(), 0);
  assert.ok(net.modules().every((m) => m.training), "training flags restored");
  assert.ok(net.modules().every((m) => !Object.prototype.hasOwnProperty.call(m, "forward")), "forward wrappers removed");
  assert.equal(Object.keys(net), ["conv1", "pool", "conv2", "bn", "classifier"]);

  net.eval();
  assert.throws(() => nn.summary(net, { inputSize: [1, 3, 28, 28] }), /expected input\[1, 3, 28, 28\] to have 1 channels/);
  assert.ok(net.modules().every((m) => !m.training && !Object.prototype.hasOwnProperty.call(m, "forward")));
  assert.equal([...net(torch.zeros(1, 1, 28, 28)).shape], [1, 10]);
});

test.run();
