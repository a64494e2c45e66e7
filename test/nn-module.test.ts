// nn.Module registration, calling, repr, train/eval, zeroGrad, state dicts; Linear's init and forward.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

class Net extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor() {
    super();
    this.fc1 = new nn.Linear(4, 5);
    this.fc2 = new nn.Linear(5, 1);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    return torch.sigmoid(this.fc2(torch.sigmoid(this.fc1(x))));
  }
}

test("parameters and children register in assignment order; a module is callable", () => {
  const net = new Net();
  assert.equal(net.namedParameters().map(([n]) => n), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
  assert.is(net.parameters().reduce((n, p) => n + p.numel(), 0), 31);
  assert.equal(net.namedChildren().map(([n]) => n), ["fc1", "fc2"]);
  assert.ok(net instanceof Net && net instanceof nn.Module);
  assert.is(typeof net, "function");
  const x = torch.rand(3, 4);
  assert.equal(net(x).tolist(), net.forward(x).tolist());
  assert.equal([...net(x).shape], [3, 1]);
});

test("repr follows PyTorch", () => {
  assert.is(String(new Net()), "Net(\n  (fc1): Linear(in_features=4, out_features=5, bias=True)\n  (fc2): Linear(in_features=5, out_features=1, bias=True)\n)");
  assert.is(String(new nn.Linear(3, 2, { bias: false })), "Linear(in_features=3, out_features=2, bias=False)");
  assert.is(String(new nn.ReLU()), "ReLU()");
  assert.is(String(new nn.Softmax(1)), "Softmax(dim=1)");
  assert.is(String(new nn.Flatten()), "Flatten(start_dim=1, end_dim=-1)");
  assert.is(String(new nn.MSELoss()), "MSELoss()");
  const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Sequential(new nn.Linear(3, 1), new nn.Sigmoid()));
  assert.is(String(seq), [
    "Sequential(",
    "  (0): Linear(in_features=2, out_features=3, bias=True)",
    "  (1): ReLU()",
    "  (2): Sequential(",
    "    (0): Linear(in_features=3, out_features=1, bias=True)",
    "    (1): Sigmoid()",
    "  )",
    ")",
  ].join("\n"));
  assert.equal([...seq(torch.zeros(5, 2)).shape], [5, 1]);
});

test("Linear initialises from U(-1/sqrt(in), 1/sqrt(in)) and computes x W^T + b", () => {
  torch.manualSeed(0);
  const fc = new nn.Linear(16, 300);
  const bound = 1 / 4;
  for (const p of [fc.weight, fc.bias!]) {
    assert.ok(p.data.every((v) => Math.abs(v) <= bound));
    assert.ok(p.data.some((v) => Math.abs(v) > 0.9 * bound)); // spread over the whole range, not a narrower one
  }
  const x = torch.rand(2, 16);
  const manual = x.matmul(fc.weight.T).add(fc.bias!);
  const y = fc(x);
  assert.ok(y.sub(manual).abs().max().item() < 1e-6);
  assert.is(y.gradFn!.name, "AddmmBackward0");
  assert.ok(fc.weight.requiresGrad && fc.weight.isLeaf);
  assert.throws(() => fc(torch.zeros(84, 28)), /mat1 and mat2 shapes cannot be multiplied \(84x28 and 16x300\)/);
});

test("Parameter prints as PyTorch does", () => {
  const p = new nn.Parameter(torch.tensor([[0.4406, -0.3006], [-0.3144, 0.114]]));
  assert.is(String(p), "Parameter containing:\ntensor([[ 0.4406, -0.3006],\n        [-0.3144,  0.1140]], requires_grad=True)");
});

test("train/eval reach every submodule; zeroGrad leaves zeros", () => {
  const net = new Net();
  net.eval();
  assert.is(net.fc1.training, false);
  net.train();
  assert.is(net.fc2.training, true);
  net(torch.rand(2, 4)).sum().backward();
  assert.ok(net.fc1.weight.grad!.abs().sum().item() > 0);
  net.zeroGrad();
  assert.equal(net.fc1.weight.grad!.tolist(), torch.zeros(5, 4).tolist());
});

test("stateDict / loadStateDict round trip; mismatches are refused before anything changes", () => {
  const a = new Net(), b = new Net();
  assert.equal([...a.stateDict().keys()], ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
  b.loadStateDict(a.stateDict());
  const x = torch.rand(3, 4);
  assert.equal(b(x).tolist(), a(x).tolist());
  const c = new Net();
  const before = c.fc1.weight.tolist();
  const bad = new Map(a.stateDict());
  bad.set("fc2.weight", torch.zeros(2, 5));
  assert.throws(() => c.loadStateDict(bad), /size mismatch for fc2.weight/);
  bad.delete("fc2.weight");
  assert.throws(() => c.loadStateDict(bad), /Missing key\(s\) in state_dict: "fc2.weight"/);
  assert.equal(c.fc1.weight.tolist(), before);
});

test("a module without forward says so", () => {
  class Empty extends nn.Module {}
  assert.throws(() => new Empty()(torch.zeros(1)), /Empty has no forward/);
});

test.run();
