// PyTorch habits from plain JavaScript: positional arguments in PyTorch's order, and every options
// object checked, so nothing a user passes is ignored without a word.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import { nn, optim, data } from "../src/index.ts";

const w = () => [torch.ones(2, { requiresGrad: true })];
// plain JavaScript's view of the constructors: no types
const js = <T>(f: T) => f as unknown as (...args: unknown[]) => unknown;

test("PyTorch's positional arguments are taken in PyTorch's order", () => {
  const sgd = new optim.SGD(w(), 0.1, 0.9, 0, 0.01, true);
  assert.equal([sgd.lr, sgd.paramGroups[0]!.momentum, sgd.paramGroups[0]!.weightDecay, sgd.paramGroups[0]!.nesterov], [0.1, 0.9, 0.01, true]);
  assert.is(new optim.Adam(w(), 0.02).lr, 0.02);
  assert.is(String(new nn.Conv2d(1, 16, 3, 1, 1)), "Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
  assert.is(String(new nn.Conv2d(1, 16, 3, 2, { bias: false })), "Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), bias=False)");
  assert.is(new nn.Linear(4, 2, false).bias, null);
  assert.is(String(new nn.MaxPool2d(3, 2, 1)), "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)");
  assert.is(new nn.BatchNorm2d(8, 1e-3, 0.2).momentum, 0.2);
  assert.is(new nn.Dropout(0.2).p, 0.2);
  assert.is(new nn.ReLU(true).inplace, true);
  const loader = new data.DataLoader(new data.TensorDataset(torch.arange(10)), 4);
  assert.equal([...loader].map(([x]) => x!.shape[0]), [4, 4, 2]);
  assert.throws(() => new optim.SGD(w(), 0.1, { lr: 0.2 }), /SGD: got multiple values for argument "lr"/);
});

test("snake_case and misspelt options are errors that name them and the right spelling", () => {
  assert.throws(() => js(torch.ones)(2, { requires_grad: true }), /ones: unknown option "requires_grad": torchlet spells PyTorch's requires_grad as "requiresGrad"/);
  assert.throws(() => new data.DataLoader([] as never, { batch_size: 32 } as never), /unknown option "batch_size".*"batchSize"/);
  assert.throws(() => new optim.SGD(w(), { lr: 0.1, weight_decay: 0.1 } as never), /"weightDecay"/);
  assert.throws(() => new nn.MaxPool2d(2, { strid: 2 } as never), /unknown option "strid": did you mean "stride"\?/);
  assert.throws(() => new nn.Linear(2, 2, { bais: false } as never), /did you mean "bias"/);
});

test("a wrong type names what was expected and what came; a tensor by its shape and dtype", () => {
  assert.throws(() => new (optim.SGD as unknown as new (...a: unknown[]) => unknown)(w(), "0.1"), /SGD: argument "lr" \(position 1\) expects a number, got the string "0.1"/);
  assert.throws(() => new nn.Linear(4, 2, { bias: torch.ones(3) } as never), /option "bias" expects true or false, got a Tensor of shape \[3\] and dtype torch.float32/);
  assert.throws(() => torch.tensor([1], { dtype: 16 } as never), /option "dtype" expects a dtype/);
  assert.throws(() => torch.tensor([1], { dtype: "float16" } as never), /unknown dtype "float16"/);
  assert.throws(() => new nn.Conv2d(1, 2, 3, { padding: "full" } as never), /option "padding" expects an integer or a pair of integers or one of "same", "valid", got the string "full"/);
  assert.throws(() => new nn.CrossEntropyLoss({ reduction: "avg" } as never), /option "reduction" expects one of "mean", "sum", "none", got the string "avg"/);
});

test("an option PyTorch has and this library lacks is refused by name, never ignored", () => {
  assert.throws(() => new nn.LSTM(2, 3, { projSize: 2 } as never), /LSTM: unknown option "projSize"/);
  new nn.LSTM(2, 3, { bidirectional: true }); // supported
});

test("inplace LeakyReLU, ELU and Dropout overwrite their input, as PyTorch's, and autograd follows", () => {
  const x = torch.tensor([-2, 0.5, -1, 3]);
  const w = torch.tensor([1, 1, 1, 1], { requiresGrad: true });
  const h = x.mul(w); // a non-leaf: in place is allowed on it
  const y = new nn.LeakyReLU(0.1, true)(h);
  assert.ok(y === h, "the same tensor comes back");
  assert.equal((h.tolist() as number[]).map((v) => Math.round(v * 1e6) / 1e6), [-0.2, 0.5, -0.1, 3]);
  y.sum().backward();
  assert.equal((w.grad!.tolist() as number[]).map((v) => Math.round(v * 1e6) / 1e6), [-0.2, 0.5, -0.1, 3]);
  const e = torch.tensor([-1, 2]);
  new nn.ELU({ alpha: 2, inplace: true })(e);
  assert.ok(Math.abs((e.tolist() as number[])[0]! - 2 * (Math.exp(-1) - 1)) < 1e-6);
  assert.is(String(new nn.ELU(1, true)), "ELU(alpha=1.0, inplace=True)");
  assert.is(String(new nn.LeakyReLU(0.1, true)), "LeakyReLU(negative_slope=0.1, inplace=True)");
  torch.manualSeed(0);
  const d = torch.ones(1000);
  const drop = new nn.Dropout(0.5, true);
  assert.is(String(drop), "Dropout(p=0.5, inplace=True)");
  drop(d);
  const kept = (d.tolist() as number[]).filter((v) => v !== 0);
  assert.ok(kept.length > 400 && kept.length < 600 && kept.every((v) => v === 2), "the input itself was dropped out and scaled");
  assert.throws(() => new nn.Dropout(0.5, true)(torch.ones(3, { requiresGrad: true })), /a leaf Variable that requires grad is being used in an in-place operation/);
});

test("the rest of the public surface refuses unknown options too: functions, layers, schedulers, helpers (fast-check)", () => {
  const F = nn.functional;
  const t = torch.ones(2, 3), img = torch.ones(1, 1, 4, 4), idx = torch.tensor([0, 1], { dtype: torch.int64 });
  const sgd = () => new optim.SGD([new nn.Parameter(torch.zeros(2))], { lr: 0.1, momentum: 0.9 });
  const entries: [string, (o: Record<string, unknown>) => unknown][] = [
    ["full", (o) => torch.full([2], 1, o)], ["arange", (o) => torch.arange(0, 3, 1, o)], ["randint", (o) => torch.randint(0, 3, [2], o)],
    ["randperm", (o) => torch.randperm(3, o)], ["normal", (o) => torch.normal(0, 1, [2], o)], ["eye", (o) => torch.eye(2, 2, o)],
    ["linspace", (o) => torch.linspace(0, 1, 3, o)], ["zerosLike", (o) => torch.zerosLike(t, o)], ["rand", (o) => torch.rand([2], o)],
    ["clipGradNorm_", (o) => nn.utils.clipGradNorm_([t], 1, o)], ["summary", (o) => nn.summary(new nn.Linear(2, 2), o)],
    ["alexnet", (o) => torch.models.alexnet(o)], ["vgg11", (o) => torch.models.vgg11(o)], ["trainTestSplit", (o) => data.trainTestSplit(t, torch.ones(2), o)],
    ["lineChart", (o) => torch.plot.lineChart({ series: [{ name: "a", y: [1] }], ...o })], ["shadeImage", (o) => torch.plot.shadeImage([0], 1, 1, o)],
    ["progress", (o) => torch.progress([1], o)], ["F.relu", (o) => F.relu(t, o)], ["F.dropout", (o) => F.dropout(t, 0.5, true, o)],
    ["F.leakyRelu", (o) => F.leakyRelu(t, o)], ["F.gelu", (o) => F.gelu(t, o)], ["F.softplus", (o) => F.softplus(t, o)], ["F.elu", (o) => F.elu(t, o)],
    ["F.hardtanh", (o) => F.hardtanh(t, o)], ["F.batchNorm", (o) => F.batchNorm(img, null, null, o)], ["F.layerNorm", (o) => F.layerNorm(t, [3], o)],
    ["F.groupNorm", (o) => F.groupNorm(img, 1, o)], ["F.embedding", (o) => F.embedding(idx, t, o)], ["F.oneHot", (o) => F.oneHot(idx, o)],
    ["F.softmax", (o) => F.softmax(t, 1, o)], ["F.mseLoss", (o) => F.mseLoss(t, t, o)], ["F.l1Loss", (o) => F.l1Loss(t, t, o)],
    ["F.pad", (o) => F.pad(t, [1, 1], o)], ["F.interpolate", (o) => F.interpolate(img, { size: 2, ...o })],
    ["F.maxUnpool2d", (o) => F.maxUnpool2d(img, torch.zeros(1, 1, 4, 4, { dtype: torch.int64 }), 2, o)],
    ["F.scaledDotProductAttention", (o) => F.scaledDotProductAttention(t, t, t, o)], ["F.conv2d", (o) => F.conv2d(img, img, null, o)],
    ["LayerNorm", (o) => new nn.LayerNorm(3, o)], ["Embedding", (o) => new nn.Embedding(2, 2, o)], ["LSTM", (o) => new nn.LSTM(2, 2, o)],
    ["MultiheadAttention", (o) => new nn.MultiheadAttention(4, 2, o)], ["Flatten", (o) => new nn.Flatten(o)], ["Conv1d", (o) => new nn.Conv1d(1, 1, 1, o)],
    ["MaxPool1d", (o) => new nn.MaxPool1d(2, o)], ["GELU", (o) => new nn.GELU(o)], ["AdamW", (o) => new optim.AdamW([new nn.Parameter(t)], o)],
    ["RMSprop", (o) => new optim.RMSprop([new nn.Parameter(t)], o)], ["Adagrad", (o) => new optim.Adagrad([new nn.Parameter(t)], o)],
    ["a parameter group", (o) => new optim.SGD([{ params: [new nn.Parameter(t)], ...o }], 0.1)],
    ["StepLR", (o) => new optim.lrScheduler.StepLR(sgd(), { stepSize: 1, ...o })], ["LinearLR", (o) => new optim.lrScheduler.LinearLR(sgd(), o)],
    ["OneCycleLR", (o) => new optim.lrScheduler.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 3, ...o })],
    ["ReduceLROnPlateau", (o) => new optim.lrScheduler.ReduceLROnPlateau(sgd(), o)], ["RandomSampler", (o) => new data.RandomSampler([1, 2], o)],
    ["autograd.grad", (o) => torch.autograd.grad([torch.ones(2, { requiresGrad: true }).sum()], [torch.ones(1)], o)],
    ["backward", (o) => torch.ones(2, { requiresGrad: true }).sum().backward(undefined, o)], ["std", (o) => t.std(o)],
    ["linalg.vectorNorm", (o) => torch.linalg.vectorNorm(t, o)], ["gradcheck", (o) => torch.autograd.gradcheck((x: torch.Tensor) => x.sum(), [torch.ones(2, { dtype: torch.float64, requiresGrad: true })], o)],
    ["Normalize", (o) => new torch.transforms.Normalize(0.5, 0.5, o)],
  ];
  fc.assert(fc.property(fc.constantFrom(...entries), fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/).map((k) => `zz${k}`), fc.anything(), ([name, call], key, value) => {
    try {
      call({ [key]: value });
      throw new Error(`${name} accepted the unknown option "${key}" without a word`);
    } catch (e) {
      if (e instanceof TypeError || !(e instanceof Error) || !e.message.includes(`"${key}"`)) throw new Error(`${name}: ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
      return true;
    }
  }), { numRuns: 400 });
});

test("every options object refuses any unknown key with an Error naming it, never a TypeError (fast-check)", () => {
  const makers: [string, (o: Record<string, unknown>) => unknown][] = [
    ["SGD", (o) => new optim.SGD(w(), o as never)], ["Adam", (o) => new optim.Adam(w(), o as never)],
    ["Linear", (o) => new nn.Linear(2, 2, o as never)], ["Conv2d", (o) => new nn.Conv2d(1, 1, 1, o as never)],
    ["MaxPool2d", (o) => new nn.MaxPool2d(2, o as never)], ["AvgPool2d", (o) => new nn.AvgPool2d(2, o as never)],
    ["BatchNorm2d", (o) => new nn.BatchNorm2d(2, o as never)], ["CrossEntropyLoss", (o) => new nn.CrossEntropyLoss(o as never)],
    ["MSELoss", (o) => new nn.MSELoss(o as never)], ["BCELoss", (o) => new nn.BCELoss(o as never)],
    ["DataLoader", (o) => new data.DataLoader([] as never, o as never)], ["zeros", (o) => torch.zeros(2, o as never)],
    ["tensor", (o) => torch.tensor([1], o as never)], ["ReLU", (o) => new nn.ReLU(o as never)], ["Dropout", (o) => new nn.Dropout(o as never)],
  ];
  fc.assert(fc.property(fc.constantFrom(...makers), fc.string({ minLength: 1, maxLength: 12 }).filter((k) => /^[a-z_]+$/.test(k)), fc.anything(), ([name, make], key, value) => {
    const known = ["lr", "momentum", "dampening", "weightDecay", "nesterov", "maximize", "betas", "eps", "amsgrad", "bias", "stride", "padding",
      "dilation", "groups", "paddingMode", "returnIndices", "ceilMode", "countIncludePad", "divisorOverride", "momentum", "affine",
      "trackRunningStats", "reduction", "weight", "ignoreIndex", "labelSmoothing", "batchSize", "shuffle", "dropLast", "collate",
      "dtype", "requiresGrad", "inplace", "p"];
    if (known.includes(key)) return true;
    try {
      make({ [key]: value });
      return false;
    } catch (e) {
      return e instanceof Error && !(e instanceof TypeError) && e.message.includes(`"${key}"`) && e.message.startsWith(name);
    }
  }), { numRuns: 300 });
});

test("min and max along a dim: [values, indices] with .values and .indices (PyTorch's numbers)", () => {
  const a = torch.tensor([[1, 5, 3], [4, 2, 6]]);
  const m = a.min(1);
  assert.equal(m.values.tolist(), [1, 2]);
  assert.equal(m.indices.tolist(), [0, 1]);
  const [values, indices] = a.max(1);
  assert.equal([values.tolist(), indices.tolist()], [[5, 6], [1, 2]]);
  assert.equal(torch.max(a, 0).values.tolist(), [4, 5, 6]);
  assert.equal(torch.min(a, 0, true).indices.tolist(), [[0, 1, 0]]);
  assert.is(a.min().item(), 1);
});

test("losses take PyTorch's weight, ignoreIndex and labelSmoothing (values and gradients from PyTorch 2.13)", () => {
  const F = nn.functional;
  const x = () => torch.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [3.0, 0.0, -2.0], [0.3, 0.3, 0.3]], { requiresGrad: true });
  const y = torch.tensor([0, 2, -100, 1], { dtype: torch.int64 });
  const weight = torch.tensor([1.0, 2.0, 0.5]);
  const cases: [Record<string, unknown>, number | number[], number[][]][] = [
    [{}, 0.9149219393730164, [[-0.2562587261199951, 0.20951056480407715, 0.04674812778830528], [0.04156915843486786, 0.013837168924510479, -0.05540633201599121], [0, 0, 0], [0.1111111044883728, -0.222222238779068, 0.1111111044883728]]],
    [{ weight }, 1.072138786315918, [[-0.21965032815933228, 0.17958049476146698, 0.0400698259472847], [0.017815355211496353, 0.005930215585976839, -0.023745572194457054], [0, 0, 0], [0.190476194024086, -0.3809524178504944, 0.190476194024086]]],
    [{ weight, labelSmoothing: 0.1 }, 1.1149884462356567, [[-0.1995016187429428, 0.16352586448192596, 0.03597574681043625], [0.01066692266613245, -0.012326709926128387, 0.001659781439229846], [0, 0, 0], [0.17301586270332336, -0.35079362988471985, 0.17777776718139648]]],
    [{ reduction: "sum", weight, labelSmoothing: 0.1 }, 3.9024596214294434, [[-0.698255717754364, 0.5723405480384827, 0.12591511011123657], [0.03733423352241516, -0.043143484741449356, 0.005809230264276266], [0, 0, 0], [0.6055554747581482, -1.2277778387069702, 0.6222221851348877]]],
    [{ reduction: "none", labelSmoothing: 0.3, weight }, [1.3625872135162354, 0.9172490835189819, 0, 1.9225715398788452], [[-0.5572149753570557, 0.4599582552909851, 0.09725659340620041], [-0.012704762630164623, -0.17094194889068604, 0.18364673852920532], [0, 0, 0], [0.4833332896232605, -1.0166667699813843, 0.5333333015441895]]],
  ];
  const close = (a: unknown, b: unknown) => {
    const fa = [a].flat(3) as number[], fb = [b].flat(3) as number[];
    assert.is(fa.length, fb.length);
    fa.forEach((v, i) => assert.ok(Math.abs(v - fb[i]!) < 2e-6, `${v} against ${fb[i]}`));
  };
  for (const [options, loss, grad] of cases) {
    const input = x();
    const out = F.crossEntropy(input, y, options as never);
    out.sum().backward();
    close(out.tolist(), loss);
    close(input.grad!.tolist(), grad);
    const layer = new nn.CrossEntropyLoss(options as never)(x(), y);
    close(layer.tolist(), loss);
  }
  const p = torch.tensor([0.3, 0.8, 0.5], { requiresGrad: true });
  const bce = new nn.BCELoss({ weight: torch.tensor([1, 2, 0.5]) })(p, torch.tensor([0, 1, 1]));
  bce.backward();
  close(bce.item(), 0.38317856192588806);
  close(p.grad!.tolist(), [0.4761904776096344, -0.8333333134651184, -0.3333333432674408]);
  assert.equal([...new nn.CrossEntropyLoss({ weight }).stateDict().keys()], ["weight"], "the weight is a buffer, as PyTorch's");
});

test("ReLU(inplace) overwrites its input and is recorded", () => {
  const w = torch.tensor([-1, 2], { requiresGrad: true });
  const y = w.mul(1);
  const out = new nn.ReLU({ inplace: true })(y);
  assert.is(out, y);
  assert.equal(y.tolist(), [0, 2]);
  y.sum().backward();
  assert.equal(w.grad!.tolist(), [0, 1]);
});


test("creators and utilities of the everyday surface", () => {
  torch.manualSeed(0);
  const r = torch.randint(0, 5, [100]);
  assert.is(r.dtype, torch.int64);
  assert.ok(r.data.every((v) => Number.isInteger(v) && v >= 0 && v < 5));
  assert.equal([...torch.randperm(6).data].sort(), [0, 1, 2, 3, 4, 5]);
  assert.equal(torch.logspace(0, 2, 3).tolist(), [1, 10, 100]);
  assert.equal(torch.linspace(0, 1, 5).tolist(), [0, 0.25, 0.5, 0.75, 1]);
  assert.equal(torch.eye(2, 3).tolist(), [[1, 0, 0], [0, 1, 0]]);
  assert.equal(torch.fullLike(torch.ones(2), 7).tolist(), [7, 7]);
  const b = torch.bernoulli(torch.tensor([0, 1, 0, 1]));
  assert.equal(b.tolist(), [0, 1, 0, 1]);
  assert.ok(torch.allclose(torch.tensor([1, 2]), torch.tensor([1, 2 + 1e-7])));
  assert.not.ok(torch.allclose(torch.tensor([1, NaN]), torch.tensor([1, NaN])));
  assert.ok(torch.allclose(torch.tensor([1, NaN]), torch.tensor([1, NaN]), { equalNan: true }));
  assert.ok(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2])) && !torch.equal(torch.tensor([1, 2]), torch.tensor([[1, 2]])));
  const [values, indices] = torch.tensor([3, 1, 2]).topk(2);
  assert.equal([values.tolist(), indices.tolist()], [[3, 2], [0, 2]]);
  assert.equal([...torch.bmm(torch.ones(2, 3, 4), torch.ones(2, 4, 5)).shape], [2, 3, 5]);
  assert.is(torch.var(torch.tensor([1, 2, 3, 4])).item(), Math.fround(5 / 3));
});


test("einsum, repeatInterleave and cumprod: PyTorch's values and gradients", () => {
  type Case = { inputs: { shape: number[]; values: number[] }[]; y: number[]; yShape: number[]; grads: number[][] };
  const cases = JSON.parse(readFileSync(new URL("./fixtures/ops-golden-2.json", import.meta.url), "utf8")) as Record<string, Case>;
  const run: Record<string, (...xs: torch.Tensor[]) => torch.Tensor> = {
    mm: (a, b) => torch.einsum("ij,jk->ik", a!, b!), bmm: (c, d) => torch.einsum("bij,bjk->bik", c!, d!),
    dot: (a, b) => torch.einsum("i,i->", a!, b!), diag: (s) => torch.einsum("ii->i", s!), trace: (s) => torch.einsum("ii", s!),
    transpose: (a) => torch.einsum("ij->ji", a!), outer: (a, b) => torch.einsum("i,j->ij", a!, b!), implicit: (a, b) => torch.einsum("ij,jk", a!, b!),
    sumall: (a) => torch.einsum("ij->", a!), repeatInterleave: (a) => a!.repeatInterleave(2, 0),
    repeatInterleaveList: (a) => torch.repeatInterleave(a!, [1, 0, 3], 0), cumprod: (a) => a!.cumprod(1),
  };
  for (const [name, c] of Object.entries(cases)) {
    const xs = c.inputs.map((i) => torch.tensor(i.values).reshape(i.shape).requiresGrad_());
    const y = run[name]!(...xs);
    assert.equal([...y.shape], c.yShape, `${name}: shape`);
    [...y.data].forEach((v, i) => assert.ok(Math.abs(v - c.y[i]!) < 1e-5 * Math.max(1, Math.abs(c.y[i]!)), `${name}: value ${i}`));
    y.mul(torch.arange(1, y.numel() + 1, 1, { dtype: y.dtype }).reshape(y.shape).div(8)).sum().backward();
    xs.forEach((x, k) => [...x.grad!.data].forEach((v, i) => assert.ok(Math.abs(v - c.grads[k]![i]!) < 1e-5 * Math.max(1, Math.abs(c.grads[k]![i]!)), `${name}: gradient ${k}[${i}]`)));
  }
  torch.manualSeed(3);
  const draws = torch.multinomial(torch.tensor([0, 1, 0, 3]), 200, true);
  assert.ok(draws.data.every((i) => i === 1 || i === 3), "never a zero-weight index");
  assert.equal([...torch.multinomial(torch.tensor([1, 1, 1]), 3).data].sort(), [0, 1, 2], "without replacement: each once");
});


test("einsum's ellipsis: batch dims that broadcast, implicit outputs, sums over them, as PyTorch's", () => {
  const g = JSON.parse(readFileSync(new URL("./fixtures/einsum-ellipsis-golden.json", import.meta.url), "utf8")) as Record<string, number[]>;
  const a = torch.tensor(g.a!).reshape(2, 3, 4, 5), b = torch.tensor(g.b!).reshape(2, 3, 5, 6);
  const near = (t: torch.Tensor, want: number[], what: string) =>
    [...t.data].forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5 * Math.max(1, Math.abs(want[i]!)), `${what}[${i}]`));
  const mm = torch.einsum("...ij,...jk->...ik", a, b);
  assert.equal([...mm.shape], [2, 3, 4, 6]);
  near(mm, g.batchMatmul!, "...ij,...jk->...ik");
  assert.equal([...torch.einsum("...ij", a).shape], [2, 3, 4, 5]);
  near(torch.einsum("...ij", a), g.implicit!, "...ij");
  const lead = torch.einsum("i...->...", a);
  assert.equal([...lead.shape], [3, 4, 5]);
  near(lead, g.sumLead!, "i...->...");
  near(torch.einsum("...j,j->...", a, torch.arange(5).float()), g.bcast!, "...j,j->...");
  assert.throws(() => torch.einsum("..i", a), /'.' for operand 0 that is not part of any ellipsis/);
});

test("functional forms check their options too", () => {
  const x = torch.ones(1, 1, 4, 4), w = torch.ones(1, 1, 3, 3);
  assert.throws(() => nn.functional.conv2d(x, w, null, { padding: 1, group: 2 } as never), /conv2d: unknown option "group"/);
  assert.throws(() => nn.functional.maxPool2d(x, 2, { ceil_mode: true } as never), /max_pool2d: unknown option "ceil_mode": torchlet spells PyTorch's ceil_mode as "ceilMode"|max_pool2d: unknown option "ceil_mode"/);
  assert.throws(() => nn.functional.avgPool2d(x, 2, { stride: "2" } as never), /avg_pool2d: option "stride" expects/);
  assert.throws(() => nn.functional.crossEntropy(torch.ones(2, 3), torch.tensor([0, 1], { dtype: torch.int64 }), { ignore_index: 1 } as never), /"ignoreIndex"/);
});

test.run();
