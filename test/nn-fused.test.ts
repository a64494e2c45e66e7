// The fused LayerNorm and GELU (one loop forward, one backward, on the kernel seam) against their
// readable forms from tensor ops: values and every gradient on random shapes, float32 and float64;
// second derivatives through the readable form (gradgradcheck).
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";
import { layerNormSimple } from "../src/nn/functional/normalization.ts";
import { geluSimple } from "../src/nn/functional/activation.ts";
import { gruCellSimple, gruStep, lstmCellSimple, lstmStep } from "../src/nn/modules/rnn.ts";

const F = nn.functional;

function close(got: torch.Tensor, want: torch.Tensor, tolerance: number, what: string): void {
  const a = got.data, b = want.data;
  assert.is(a.length, b.length, `${what}: size`);
  const scale = Math.max(1, ...Array.from(b, Math.abs)); // a gradient is a sum of terms up to that size
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tolerance * scale, `${what}[${i}]: ${a[i]} against ${b[i]}`);
}

/** Runs f on fresh leaves made from the same values, backward with fixed weights; returns the output and the leaves' gradients. */
function run(f: (...xs: torch.Tensor[]) => torch.Tensor, values: torch.Tensor[]): torch.Tensor[] {
  const leaves = values.map((v) => v.detach().clone().requiresGrad_());
  const y = f(...leaves);
  y.mul(torch.linspace(-1, 1, y.numel(), { dtype: y.dtype }).reshape(y.shape)).sum().backward();
  return [y.detach(), ...leaves.map((l) => l.grad!)];
}

test("layerNorm (with and without weight and bias) and gelu (erf and tanh) agree with their tensor-op forms", () => {
  // the reference: the tensor-op forms in float64 (in float32 they lose digits to cancellation
  // where a row's values are close, which the fused loops, summing in float64, do not)
  fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1000 }), (rows, size, affine, wide, seed) => {
    torch.manualSeed(seed);
    const dtype = wide ? torch.float64 : torch.float32, tolerance = wide ? 1e-12 : 3e-5;
    const x = torch.randn([rows, 2, size], { dtype: torch.float64 }).mul(3), w = torch.randn([size], { dtype: torch.float64 }), b = torch.randn([size], { dtype: torch.float64 });
    const inputs = (affine ? [x, w, b] : [x]).map((t) => t.to(dtype)), exact = inputs.map((t) => t.double());
    const fused = run((...xs) => F.layerNorm(xs[0]!, [size], xs[1] ?? null, xs[2] ?? null), inputs);
    const simple = run((...xs) => layerNormSimple(xs[0]!, [size], xs[1] ?? null, xs[2] ?? null), exact);
    fused.forEach((t, i) => close(t.double(), simple[i]!, tolerance, `layerNorm ${i}`));
    for (const approximate of ["none", "tanh"] as const) {
      const [g1, d1] = run((x) => F.gelu(x, { approximate }), [inputs[0]!]), [g2, d2] = run((x) => geluSimple(x, approximate), [exact[0]!]);
      close(g1!.double(), g2!, tolerance, `gelu ${approximate}`);
      close(d1!.double(), d2!, tolerance, `gelu ${approximate} gradient`);
    }
  }), { numRuns: 60 });
});

test("second derivatives of the fused ops go through their readable forms (gradgradcheck)", () => {
  torch.manualSeed(1);
  const x = torch.randn([2, 3], { dtype: torch.float64, requiresGrad: true });
  const w = torch.randn([3], { dtype: torch.float64, requiresGrad: true }), b = torch.randn([3], { dtype: torch.float64, requiresGrad: true });
  assert.ok(torch.autograd.gradgradcheck((x, w, b) => F.layerNorm(x, [3], w, b), [x, w, b]));
  assert.ok(torch.autograd.gradgradcheck((x) => F.gelu(x), [x]));
  assert.ok(torch.autograd.gradgradcheck((x) => F.gelu(x, { approximate: "tanh" }), [x]));
  assert.is(F.layerNorm(x, [3]).gradFn!.name, "NativeLayerNormBackward0");
  assert.is(F.gelu(x).gradFn!.name, "GeluBackward0");
});

test("the fused GRU and LSTM steps agree with their tensor-op cells: outputs, states and every gradient", () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.integer({ min: 0, max: 1000 }), (rows, hidden, wide, seed) => {
    torch.manualSeed(seed);
    const dtype = wide ? torch.float64 : torch.float32, tolerance = wide ? 1e-12 : 3e-6;
    const gru = [torch.randn([rows, 3 * hidden], { dtype }), torch.randn([rows, 3 * hidden], { dtype }), torch.randn([rows, hidden], { dtype })];
    const fusedGru = run((xw, hw, h) => gruStep(xw!, hw!, h!), gru), simpleGru = run((xw, hw, h) => gruCellSimple(xw!, hw!, h!), gru);
    fusedGru.forEach((t, i) => close(t, simpleGru[i]!, tolerance, `GRU ${i}`));
    const lstm = [torch.randn([rows, 4 * hidden], { dtype }), torch.randn([rows, 4 * hidden], { dtype }), torch.randn([rows, hidden], { dtype })];
    const both = (pair: [torch.Tensor, torch.Tensor]) => torch.cat(pair, 1);
    const fusedLstm = run((xw, hw, c) => both(lstmStep(xw!, hw!, c!)), lstm), simpleLstm = run((xw, hw, c) => both(lstmCellSimple(xw!, hw!, c!)), lstm);
    fusedLstm.forEach((t, i) => close(t, simpleLstm[i]!, tolerance, `LSTM ${i}`));
  }), { numRuns: 60 });
  const x = torch.randn([2, 6], { dtype: torch.float64, requiresGrad: true }), hw = torch.randn([2, 6], { dtype: torch.float64, requiresGrad: true });
  const h = torch.randn([2, 2], { dtype: torch.float64, requiresGrad: true });
  assert.ok(torch.autograd.gradgradcheck((a, b, c) => gruStep(a, b, c), [x, hw, h]));
});

test.run();
