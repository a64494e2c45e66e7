// The options PyTorch's convolution and pooling layers take beyond the articles' defaults (groups,
// padding modes, ceil mode, dilation, divisor override), against values, gradients, reprs and error
// messages recorded from PyTorch 2.13 (fixtures/nn-golden-3.json).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

type Case = {
  x: number[]; xShape: number[]; y: number[]; yShape: number[]; grad: number[]; repr: string;
  state?: Record<string, { shape: number[]; values: number[] }>; paramGrads?: Record<string, number[]>;
};
const golden = JSON.parse(readFileSync(new URL("./fixtures/nn-golden-3.json", import.meta.url), "utf8")) as Record<string, Case> & { errors: Record<string, string> };

/** float32 agreement, relative to the largest value (gradients are sums of terms up to that size). */
function close(got: ArrayLike<number>, want: number[], what: string, tolerance = 3e-6): void {
  assert.is(got.length, want.length, `${what}: length`);
  const scale = Math.max(1, ...want.map(Math.abs));
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tolerance * scale, `${what}[${i}]: ${got[i]} against ${want[i]}`);
}

/** Runs `layer` on the recorded input: PyTorch's repr, output, and gradients of sum(y * (1..n)/8). */
function replay(name: string, layer: nn.Module): void {
  const g = golden[name]!;
  if (g.state) layer.loadStateDict(new Map(Object.entries(g.state).map(([k, v]) => [k, torch.tensor(v.values).reshape(v.shape)])));
  assert.is(String(layer), g.repr, `${name}: repr`);
  const x = torch.tensor(g.x).reshape(g.xShape).requiresGrad_();
  const y = layer(x) as torch.Tensor;
  assert.equal([...y.shape], g.yShape, `${name}: shape`);
  close(y.data, g.y, `${name}: values`);
  y.mul(torch.arange(1, y.numel() + 1).reshape(y.shape).div(8)).sum().backward();
  close(x.grad!.data, g.grad, `${name}: input gradient`);
  for (const [key, want] of Object.entries(g.paramGrads ?? {})) {
    const p = new Map(layer.namedParameters()).get(key)!;
    close(p.grad!.data, want, `${name}: ${key} gradient`);
  }
}

test("Conv2d / ConvTranspose2d / Conv1d groups and padding modes: PyTorch's values, gradients and reprs", () => {
  replay("convGroups", new nn.Conv2d(4, 6, 3, 1, 1, 1, 2));
  replay("convDepthReflect", new nn.Conv2d(3, 6, 3, { padding: 2, groups: 3, paddingMode: "reflect" }));
  replay("convReplicate", new nn.Conv2d(2, 4, [2, 3], { stride: 2, padding: 1, paddingMode: "replicate" }));
  replay("convCircular", new nn.Conv2d(2, 2, 3, { padding: [1, 2], paddingMode: "circular", bias: false }));
  replay("convTGroups", new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }));
  replay("conv1dGroupsReflect", new nn.Conv1d(4, 4, 3, { padding: 1, groups: 4, paddingMode: "reflect" }));
});

test("MaxPool2d / AvgPool2d / MaxPool1d / AvgPool1d: ceilMode, dilation, countIncludePad, divisorOverride", () => {
  replay("maxCeilDil", new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }));
  replay("maxCeil", new nn.MaxPool2d(2, { ceilMode: true }));
  replay("maxDil", new nn.MaxPool2d([2, 3], { stride: [1, 2], dilation: [2, 1] }));
  replay("avgCeil", new nn.AvgPool2d(3, 2, 1, true));
  replay("avgCeilNoPad", new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }));
  replay("avgDivisor", new nn.AvgPool2d(2, { stride: 1, padding: 1, divisorOverride: 3 }));
  replay("avgCeilOnly", new nn.AvgPool2d(2, { ceilMode: true }));
  replay("max1dCeilDil", new nn.MaxPool1d(3, { stride: 2, dilation: 2, ceilMode: true }));
  replay("avg1dCeil", new nn.AvgPool1d(3, 2, 1, true, false));
});

test("MaxPool2d and MaxPool1d with returnIndices give [values, indices] as PyTorch's tuple", () => {
  const x = torch.tensor([[[1, 5, 2, 8, 3], [7, 0, 9, 4, 6]]]);
  const [values, indices] = new nn.MaxPool1d(2, { ceilMode: true, returnIndices: true })(x) as unknown as [torch.Tensor, torch.Tensor];
  assert.equal(values.tolist(), [[[5, 8, 3], [7, 9, 6]]]);
  assert.equal(indices.tolist(), [[[1, 3, 4], [0, 2, 4]]]);
  const [v2, i2] = new nn.MaxPool2d(2, { returnIndices: true })(torch.arange(16).reshape(1, 1, 4, 4).float()) as unknown as [torch.Tensor, torch.Tensor];
  assert.equal(v2.tolist(), [[[[5, 7], [13, 15]]]]);
  assert.equal(i2.tolist(), [[[[5, 7], [13, 15]]]]);
});

test("grouped and padded convolutions, and the new pooling options, refuse bad settings in PyTorch's words", () => {
  const e = golden.errors;
  const F = nn.functional;
  const words = (s: string) => new RegExp(s.replace(/[[\]().*+?^${}|\\]/g, "\\$&").replace(/\\\[\\\[/g, "\\[").replace(/\\\]\\\]/g, "\\]"));
  assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), words(e.groupsIn!));
  assert.throws(() => new nn.Conv2d(4, 3, 3, { groups: 2 }), words(e.groupsOut!));
  assert.throws(() => new nn.Conv2d(4, 4, 3, { groups: 0 }), words(e.groupsZero!));
  assert.throws(() => F.conv2d(torch.randn(1, 4, 5, 5), torch.randn(4, 3, 3, 3), null, { groups: 2 }), words(e.fGroupsChannels!));
  // PyTorch prints the weight's size in double brackets there; ours in one pair
  assert.throws(() => F.conv2d(torch.randn(1, 4, 5, 5), torch.randn(3, 2, 3, 3), null, { groups: 2 }), words(e.fGroupsWeight!.replace("[[", "[").replace("]]", "]")));
  assert.throws(() => new nn.ConvTranspose2d(2, 2, 3, { paddingMode: "reflect" }), words(e.tMode!));
  assert.throws(() => new nn.MaxPool2d(3, { padding: 3, dilation: 2 })(torch.randn(1, 1, 9, 9)), words(e.maxPadDil!));
  assert.throws(() => new nn.AvgPool2d(2, { divisorOverride: 0 })(torch.randn(1, 1, 4, 4)), words(e.divisorZero!));
  assert.throws(() => new nn.Conv2d(1, 1, 3, { padding: 4, paddingMode: "reflect" })(torch.randn(1, 1, 3, 3)), /Padding size should be less than the corresponding input dimension/);
  assert.throws(() => new nn.Conv2d(2, 2, 3, { paddingMode: "mirror" as "zeros" }), /paddingMode/);
});

test.run();
