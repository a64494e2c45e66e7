// The layers and losses a learner reaches for after the articles, against values and gradients
// PyTorch 2.13 gave for the same inputs (test/fixtures/nn-golden.json), and their reprs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

const F = nn.functional;
const golden = JSON.parse(readFileSync(new URL("./fixtures/nn-golden.json", import.meta.url), "utf8")) as Record<string, { values: number[]; shape: number[]; grad: number[] }>;
const x0 = () => torch.tensor([[-2.0, -0.5, 0.0, 0.3, 1.7], [3.1, -1.2, 0.8, -0.05, 2.2]], { requiresGrad: true });
const t0 = torch.tensor([[0.5, -0.5, 0.1, 0.0, 2.0], [3.0, -1.0, 0.0, 0.5, 1.0]]);

const CASES: Record<string, (x: torch.Tensor) => torch.Tensor> = {
  leakyRelu: (x) => F.leakyRelu(x, 0.1),
  gelu: (x) => F.gelu(x),
  geluTanh: (x) => F.gelu(x, { approximate: "tanh" }),
  silu: (x) => F.silu(x),
  elu: (x) => F.elu(x, 0.7),
  softplus: (x) => F.softplus(x, 2, 3),
  hardtanh: (x) => F.hardtanh(x, -1, 2),
  erf: (x) => torch.erf(x),
  l1: (x) => F.l1Loss(x, t0),
  smoothL1: (x) => F.smoothL1Loss(x, t0, { beta: 0.5 }),
  huber: (x) => F.huberLoss(x, t0, { delta: 0.7, reduction: "sum" }),
  bceLogits: (x) => F.binaryCrossEntropyWithLogits(x, t0.clamp(0, 1), { posWeight: torch.tensor([1, 2, 3, 4, 5]) }),
  klDiv: (x) => F.klDiv(F.logSoftmax(x, 1), F.softmax(t0, 1), { reduction: "batchmean" }),
  layerNorm: (x) => F.layerNorm(x, [5], torch.tensor([1, 2, 3, 4, 5]), torch.tensor([0.1, 0, -0.1, 0, 0.2])),
  groupNorm: (x) => F.groupNorm(x.reshape(1, 2, 5), 1),
  padConstant: (x) => F.pad(x, [1, 2], { value: 0.5 }),
  padReflect: (x) => F.pad(x.unsqueeze(0), [2, 1], { mode: "reflect" }),
  padReplicate: (x) => F.pad(x.unsqueeze(0), [1, 2], { mode: "replicate" }),
  padCircular: (x) => F.pad(x.unsqueeze(0), [2, 1], { mode: "circular" }),
};

function close(got: ArrayLike<number>, want: number[], what: string, tolerance = 2e-6): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tolerance * Math.max(1, Math.abs(want[i]!)), `${what}[${i}]: ${got[i]} against ${want[i]}`);
}

for (const [name, f] of Object.entries(CASES)) {
  test(`F.${name}: values and gradients as PyTorch's`, () => {
    const x = x0();
    const out = f(x);
    const g = golden[name]!;
    assert.equal([...out.shape], g.shape);
    close(out.data, g.values, "values");
    out.mul(torch.arange(1, out.numel() + 1, 1, { dtype: out.dtype }).reshape(out.shape).div(8)).sum().backward();
    close(x.grad!.data, g.grad, "gradient");
  });
}

test("F.embedding: rows by index, no gradient for the padding row", () => {
  const w = torch.tensor([[0.1, 0.2], [0.3, -0.4], [1.0, 2.0]], { requiresGrad: true });
  const out = F.embedding(torch.tensor([[2, 0], [0, 1]], { dtype: torch.int64 }), w, 0);
  out.mul(torch.arange(1, 9, 1, { dtype: torch.float32 }).reshape(2, 2, 2).div(8)).sum().backward();
  close(out.data, golden.embedding!.values, "values");
  close(w.grad!.data, golden.embedding!.grad, "gradient");
  const layer = new nn.Embedding(10, 3, { paddingIdx: 0 });
  assert.equal(layer.weight.get(0).tolist(), [0, 0, 0]);
});

test("reprs as PyTorch 2.13 prints them", () => {
  assert.is(String(new nn.Embedding(10, 3, { paddingIdx: 0 })), "Embedding(10, 3, padding_idx=0)");
  assert.is(String(new nn.LayerNorm(4)), "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)");
  assert.is(String(new nn.GroupNorm(2, 4)), "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)");
  assert.is(String(new nn.LeakyReLU()), "LeakyReLU(negative_slope=0.01)");
  assert.is(String(new nn.GELU()), "GELU(approximate='none')");
  assert.is(String(new nn.ELU()), "ELU(alpha=1.0)");
  assert.is(String(new nn.Softplus()), "Softplus(beta=1.0, threshold=20.0)");
  assert.is(String(new nn.Hardtanh()), "Hardtanh(min_val=-1.0, max_val=1.0)");
  assert.is(String(new nn.PReLU()), "PReLU(num_parameters=1)");
  assert.is(String(new nn.Unflatten(1, [2, 2])), "Unflatten(dim=1, unflattened_size=(2, 2))");
  assert.is(String(new nn.SiLU()), "SiLU()");
  assert.is(String(new nn.L1Loss()), "L1Loss()");
  assert.equal(F.oneHot(torch.tensor([0, 2, 1], { dtype: torch.int64 }), 4).tolist(), [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]);
});

test("ModuleList and ModuleDict register their modules (parameters, state dict, repr)", () => {
  const list = new nn.ModuleList([new nn.Linear(2, 3), new nn.ReLU()]);
  list.append(new nn.Linear(3, 1));
  assert.is(list.length, 3);
  assert.equal([...list.stateDict().keys()], ["0.weight", "0.bias", "2.weight", "2.bias"]);
  assert.is(list.parameters().length, 4);
  const dict = new nn.ModuleDict({ encoder: new nn.Linear(2, 2), act: new nn.Tanh() });
  assert.equal(dict.keys(), ["encoder", "act"]);
  assert.is(String(dict), "ModuleDict(\n  (encoder): Linear(in_features=2, out_features=2, bias=True)\n  (act): Tanh()\n)");
  const bn = new nn.BatchNorm1d(3);
  assert.equal([...bn(torch.tensor([[1, 2, 3], [3, 4, 7]])).shape], [2, 3]);
  assert.throws(() => bn(torch.ones(2, 3, 4, 5)), /expected 2D or 3D input \(got 4D input\)/);
});


const golden2 = JSON.parse(readFileSync(new URL("./fixtures/nn-golden-2.json", import.meta.url), "utf8")) as Record<string, unknown>;
type Recorded = { x: number[]; xShape: number[]; y: number[]; yShape: number[]; grad: number[] };
type State = Record<string, { shape: number[]; values: number[] }>;
const stateOf = (s: State) => new Map(Object.entries(s).map(([k, v]) => [k, torch.tensor(v.values).reshape(v.shape)]));

function replay(name: string, f: (x: torch.Tensor) => torch.Tensor): void {
  const g = golden2[name] as Recorded;
  const x = torch.tensor(g.x).reshape(g.xShape);
  x.requiresGrad = true;
  const y = f(x);
  assert.equal([...y.shape], g.yShape, `${name}: shape`);
  close(y.data, g.y, `${name}: values`);
  y.mul(torch.arange(1, y.numel() + 1, 1, { dtype: y.dtype }).reshape(y.shape).div(8)).sum().backward();
  close(x.grad!.data, g.grad, `${name}: gradient`);
}

test("Conv1d, MaxPool1d, AvgPool1d, Conv2d padding 'same', cross-entropy over [N, C, d]: PyTorch's numbers", () => {
  const conv1 = new nn.Conv1d(3, 4, 3, 2, 1);
  conv1.loadStateDict(stateOf(golden2.conv1dState as State));
  assert.is(String(conv1), golden2.conv1dRepr);
  replay("conv1d", (x) => conv1(x));
  replay("maxpool1d", (x) => new nn.MaxPool1d(3, 2, 1)(x));
  replay("avgpool1d", (x) => new nn.AvgPool1d(2)(x));
  assert.is(String(new nn.MaxPool1d(3, 2, 1)), "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)");
  assert.is(String(new nn.AvgPool1d(2)), "AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))");
  const same = new nn.Conv2d(2, 3, [2, 3], { padding: "same" });
  same.loadStateDict(stateOf(golden2.convSameState as State));
  assert.is(String(same), golden2.convSameRepr);
  replay("convSame", (x) => same(x));
  assert.throws(() => new nn.Conv2d(2, 3, 3, { padding: "same", stride: 2 }), /padding='same' is not supported for strided convolutions/);
  const target = torch.tensor([[0, 2, 1, -100], [1, 1, 0, 2]], { dtype: torch.int64 });
  replay("ceSpatial", (x) => F.crossEntropy(x, target));
  replay("ceSpatialNone", (x) => F.crossEntropy(x, target, { reduction: "none", labelSmoothing: 0.1 }));
});


test("F.interpolate and nn.Upsample (nearest, bilinear, linear, alignCorners): PyTorch's values and gradients", () => {
  const cases = JSON.parse(readFileSync(new URL("./fixtures/interpolate-golden.json", import.meta.url), "utf8")) as Record<string, Recorded>;
  const run: Record<string, (x: torch.Tensor) => torch.Tensor> = {
    nearest2x: (x) => F.interpolate(x, { scaleFactor: 2, mode: "nearest" }),
    nearestSize: (x) => F.interpolate(x, { size: [5, 3], mode: "nearest" }),
    bilinear: (x) => F.interpolate(x, { size: [5, 7], mode: "bilinear" }),
    bilinearAlign: (x) => F.interpolate(x, { size: [5, 7], mode: "bilinear", alignCorners: true }),
    bilinearScale: (x) => F.interpolate(x, { scaleFactor: 1.5, mode: "bilinear" }),
    linear: (x) => F.interpolate(x, { size: 8, mode: "linear" }),
  };
  for (const [name, f] of Object.entries(run)) {
    golden2[name] = cases[name];
    replay(name, f);
  }
  assert.is(String(new nn.Upsample({ scaleFactor: 2, mode: "nearest" })), "Upsample(scale_factor=2.0, mode='nearest')");
});


test("scaled dot-product attention and MultiheadAttention: PyTorch's outputs, weights and gradients", () => {
  type Case = { inputs: { shape: number[]; values: number[] }[]; y: number[]; yShape: number[]; grads: number[][] };
  const g = JSON.parse(readFileSync(new URL("./fixtures/attention-golden.json", import.meta.url), "utf8")) as Record<string, unknown>;
  const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
  assert.equal([...mha.stateDict().keys()], ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
  mha.loadStateDict(stateOf(g.mhaState as State));
  const padding = torch.tensor([[false, false, false, true, true], [false, false, false, false, false]]);
  const causal = torch.triu(torch.ones([5, 5]), 1).bool();
  const run: Record<string, (...xs: torch.Tensor[]) => torch.Tensor> = {
    sdpa: (q, k, v) => F.scaledDotProductAttention(q!, k!, v!),
    sdpaCausal: (q, k, v) => F.scaledDotProductAttention(q!, k!, v!, { isCausal: true }),
    mha: (x) => mha.forward(x!, x!, x!, { keyPaddingMask: padding })[0],
    mhaCausal: (x) => mha.forward(x!, x!, x!, { attnMask: causal })[0],
  };
  for (const [name, f] of Object.entries(run)) {
    const c = g[name] as Case;
    const xs = c.inputs.map((i) => torch.tensor(i.values).reshape(i.shape).requiresGrad_());
    const y = f(...xs);
    assert.equal([...y.shape], c.yShape, `${name}: shape`);
    close(y.data, c.y, `${name}: values`);
    y.mul(torch.arange(1, y.numel() + 1, 1, { dtype: y.dtype }).reshape(y.shape).div(8)).sum().backward();
    // (PyTorch's fused attention leaves float32 noise of a few 1e-6 where the exact gradient is 0)
    xs.forEach((x, k) => close(x.grad!.data, c.grads[k]!, `${name}: gradient ${k}`, 1e-5));
  }
  const x = torch.tensor((g.mha as Case).inputs[0]!.values).reshape(2, 5, 8);
  close(mha.forward(x, x, x, { keyPaddingMask: padding })[1]!.data, g.mhaWeights as number[], "averaged attention weights");
});

test.run();
