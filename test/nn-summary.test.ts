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

test("summary of a small CNN: golden rows, shapes and parameter counts", () => {
  const net = new LeNet();
  // conv1: 6*1*5*5 + 6 = 156; conv2: 16*6*5*5 + 16 = 2,416; bn: 16 + 16 = 32;
  // fc1: 256*120 + 120 = 30,840; fc2: 120*10 + 10 = 1,210; total 34,654
  assert.is(nn.summary(net, [1, 1, 28, 28]), [
    "================================================================================",
    "Layer (type)                            Output Shape             Param #",
    "================================================================================",
    "LeNet                                   [1, 10]                  --",
    "├─conv1 (Conv2d)                        [1, 6, 24, 24]           156",
    "├─pool (MaxPool2d)                      [1, 16, 4, 4]            --",
    "├─conv2 (Conv2d)                        [1, 16, 8, 8]            2,416",
    "├─bn (BatchNorm2d)                      [1, 16, 8, 8]            32",
    "├─classifier (Sequential)               [1, 10]                  --",
    "│    ├─0 (Flatten)                      [1, 256]                 --",
    "│    ├─1 (Linear)                       [1, 120]                 30,840",
    "│    ├─2 (ReLU)                         [1, 120]                 --",
    "│    ├─3 (Dropout)                      [1, 120]                 --",
    "│    ├─4 (Linear)                       [1, 10]                  1,210",
    "================================================================================",
    "Total params: 34,654",
    "Trainable params: 34,654",
    "Non-trainable params: 0",
    "================================================================================",
  ].join("\n"));
});

test("summary counts frozen parameters as non-trainable and a shared parameter once", () => {
  const a = new nn.Linear(3, 3);
  const b = new nn.Linear(3, 3);
  b.weight = a.weight; // tied
  a.bias!.requiresGrad = false;
  const seq = new nn.Sequential(a, new nn.ReLU());
  const text = nn.summary(new nn.Sequential(seq, new nn.Sequential(b)), [2, 3]);
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
  nn.summary(net, [2, 1, 28, 28]);
  assert.equal(torch.rand(3).tolist(), expectedNext, "no random numbers drawn (Dropout ran in eval mode)");
  assert.equal([...net.bn.runningMean!.data], runningMean, "BatchNorm ran in eval mode");
  assert.is(net.bn.numBatchesTracked!.item(), 0);
  assert.ok(net.modules().every((m) => m.training), "training flags restored");
  assert.ok(net.modules().every((m) => !Object.prototype.hasOwnProperty.call(m, "forward")), "forward wrappers removed");
  assert.equal(Object.keys(net), ["conv1", "pool", "conv2", "bn", "classifier"]);

  net.eval();
  assert.throws(() => nn.summary(net, [1, 3, 28, 28]), /expected input\[1, 3, 28, 28\] to have 1 channels/);
  assert.ok(net.modules().every((m) => !m.training && !Object.prototype.hasOwnProperty.call(m, "forward")));
  assert.equal([...net(torch.zeros(1, 1, 28, 28)).shape], [1, 10]);
});

test.run();
