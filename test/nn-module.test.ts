// nn.Module registration, calling, repr, train/eval, zeroGrad, state dicts; Linear's init and forward.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";

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

test("train/eval reach every submodule; zeroGrad sets null, or zeros with setToNone: false", () => {
  const net = new Net();
  net.eval();
  assert.is(net.fc1.training, false);
  net.train();
  assert.is(net.fc2.training, true);
  net(torch.rand(2, 4)).sum().backward();
  assert.ok(net.fc1.weight.grad!.abs().sum().item() > 0);
  const before = net.fc1.weight.grad!;
  net.zeroGrad({ setToNone: false });
  assert.is(net.fc1.weight.grad, before);
  assert.equal(net.fc1.weight.grad!.tolist(), torch.zeros(5, 4).tolist());
  net.zeroGrad();
  assert.is(net.fc1.weight.grad, null);
  assert.equal(before.tolist(), torch.zeros(5, 4).tolist(), "the old gradient tensor is left alone");
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

test("a shared layer is one set of parameters: listed once, stepped once; stateDict names each place, as PyTorch", () => {
  const l = new nn.Linear(2, 2);
  const seq = new nn.Sequential(l, l);
  assert.is(seq.parameters().length, 2);
  assert.equal(seq.namedParameters().map(([name]) => name), ["0.weight", "0.bias"]);
  assert.is(seq.children().length, 1);
  assert.is(seq.length, 2); // Sequential still runs it twice
  assert.equal([...seq.stateDict().keys()], ["0.weight", "0.bias", "1.weight", "1.bias"]);
  seq.loadStateDict(seq.stateDict());
  assert.is(String(seq), "Sequential(\n  (0): Linear(in_features=2, out_features=2, bias=True)\n  (1): Linear(in_features=2, out_features=2, bias=True)\n)");
  // one SGD step moves the shared weight by lr * grad once, the grad summing both uses
  const before = l.weight.detach().clone();
  const opt = new optim.SGD(seq.parameters(), { lr: 0.5 });
  seq(torch.ones(1, 2)).sum().backward();
  opt.step();
  const moved = torch.noGrad(() => before.sub(l.weight).div(l.weight.grad!.mul(0.5)));
  for (const r of moved.data) assert.ok(Math.abs(r - 1) < 1e-5, `moved ${r} times lr * grad`);
  // a Parameter assigned to two fields of one module is listed once too
  class Tied extends nn.Module {
    a = new nn.Parameter(torch.ones(2));
    b = this.a;
  }
  assert.equal(new Tied().namedParameters().map(([name]) => name), ["a"]);
});

test("own parameters come before submodules', as PyTorch orders named_parameters", () => {
  class Scaled extends nn.Module {
    fc = new nn.Linear(1, 1);
    scale = new nn.Parameter(torch.ones(1));
  }
  assert.equal(new Scaled().namedParameters().map(([name]) => name), ["scale", "fc.weight", "fc.bias"]);
  assert.equal([...new Scaled().stateDict().keys()], ["scale", "fc.weight", "fc.bias"]);
});

test("loadStateDict names the key and what came when a value is not a tensor, and writes nothing", () => {
  const l = new nn.Linear(2, 2);
  const before = l.weight.tolist();
  assert.throws(() => l.loadStateDict({ weight: 3, bias: torch.zeros(2) }),
    /Error\(s\) in loading state_dict for Linear:\n\tWhile copying the parameter named "weight", expected a Tensor from checkpoint but received number\./);
  assert.equal(l.weight.tolist(), before);
  l.loadStateDict({ weight: torch.tensor([[1, 2], [3, 4]], { dtype: torch.int64 }), bias: torch.zeros(2) }); // cast, as copy_ does
  assert.equal(l.weight.tolist(), [[1, 2], [3, 4]]);
  assert.is(l.weight.dtype, torch.float32);
});

test.run();
