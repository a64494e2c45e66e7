// conv2d and nn.Conv2d: hand-computed cases, a float64 reference loop over random geometries
// (strides, padding, dilation, unbatched inputs), gradchecks of input, weight and bias, PyTorch's
// errors, init and repr.
//
// Tolerances: conv2d is linear in each of its arguments, so a central difference is exact up to
// rounding whatever the step; a large step (eps = 0.05) keeps float32 rounding of the loss, divided
// by 2*eps, near 1e-5, far under atol 1e-3 + rtol 1e-2. The forward against float64 differs only by
// float32 rounding of at most C*kh*kw = 27 products of values in [-1, 1]: 1e-5 is a wide margin.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";
import { maxAbsDiff, tensorArb } from "./arbitraries.ts";

const F = nn.functional;

interface Case {
  n: number; c: number; o: number; h: number; w: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  bias: boolean; unbatched: boolean;
}

/** Random geometries whose output is at least 1x1: h covers the dilated kernel minus the padding. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), o: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 2 }), pw: fc.integer({ min: 0, max: 2 }),
    dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
    extraH: fc.integer({ min: 0, max: 3 }), extraW: fc.integer({ min: 0, max: 3 }),
    bias: fc.boolean(), unbatched: fc.boolean(),
  })
  .map(({ extraH, extraW, ...k }) => ({
    ...k,
    h: Math.max(1, k.dh * (k.kh - 1) + 1 - 2 * k.ph) + extraH,
    w: Math.max(1, k.dw * (k.kw - 1) + 1 - 2 * k.pw) + extraW,
  }));

const withTensors = (k: Case) =>
  fc.tuple(
    fc.constant(k),
    tensorArb(k.unbatched ? [k.c, k.h, k.w] : [k.n, k.c, k.h, k.w], -1, 1),
    tensorArb([k.o, k.c, k.kh, k.kw], -1, 1),
    tensorArb([k.o], -1, 1),
  );

const optionsOf = (k: Case) => ({ stride: [k.sh, k.sw] as [number, number], padding: [k.ph, k.pw] as [number, number], dilation: [k.dh, k.dw] as [number, number] });

/** The definition, in float64: out[n][o][y][x] = b[o] + sum over c, i, j of
 *  in[n][c][y*s - p + i*d][x*s - p + j*d] * w[o][c][i][j], reading zeros outside the input. */
function reference(k: Case, input: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array {
  const n = k.unbatched ? 1 : k.n;
  const oh = Math.floor((k.h + 2 * k.ph - k.dh * (k.kh - 1) - 1) / k.sh) + 1;
  const ow = Math.floor((k.w + 2 * k.pw - k.dw * (k.kw - 1) - 1) / k.sw) + 1;
  const out = new Float64Array(n * k.o * oh * ow);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < k.o; o++)
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++) {
          let sum = bias ? bias[o]! : 0;
          for (let c = 0; c < k.c; c++)
            for (let i = 0; i < k.kh; i++)
              for (let j = 0; j < k.kw; j++) {
                const r = y * k.sh - k.ph + i * k.dh, col = x * k.sw - k.pw + j * k.dw;
                if (r < 0 || r >= k.h || col < 0 || col >= k.w) continue;
                sum += input[((b * k.c + c) * k.h + r) * k.w + col]! * weight[((o * k.c + c) * k.kh + i) * k.kw + j]!;
              }
          out[((b * k.o + o) * oh + y) * ow + x] = sum;
        }
  return out;
}

const arange2d = (rows: number, cols: number) => torch.arange(1, rows * cols + 1).float().reshape(1, 1, rows, cols);

test("hand-computed: 1..16 as 4x4 with a 3x3 kernel of ones gives [[54, 63], [90, 99]]", () => {
  // top-left window: 1+2+3 + 5+6+7 + 9+10+11 = 54; each step right adds 3*3 = 9, each step down 3*12 = 36
  const out = F.conv2d(arange2d(4, 4), torch.ones(1, 1, 3, 3));
  assert.equal(out.tolist(), [[[[54, 63], [90, 99]]]]);
});

test("hand-computed: a 2x2 kernel of ones with stride 2 sums each 2x2 block; bias adds per channel", () => {
  // blocks: 1+2+5+6 = 14, 3+4+7+8 = 22, 9+10+13+14 = 46, 11+12+15+16 = 54
  const out = F.conv2d(arange2d(4, 4), torch.ones(1, 1, 2, 2), null, { stride: 2 });
  assert.equal(out.tolist(), [[[[14, 22], [46, 54]]]]);
  // two output channels: ones and minus ones, biases 0.5 and 100
  const w = torch.tensor([[[[1, 1], [1, 1]]], [[[-1, -1], [-1, -1]]]]);
  const out2 = F.conv2d(arange2d(4, 4), w, torch.tensor([0.5, 100]), { stride: 2 });
  assert.equal(out2.tolist(), [[[[14.5, 22.5], [46.5, 54.5]], [[86, 78], [54, 46]]]]);
});

test("hand-computed: the 5x5 cross under the 3x3 plus-shaped kernel", () => {
  const cross = torch.tensor([[0, 0, 1, 0, 0], [0, 0, 1, 0, 0], [1, 1, 1, 1, 1], [0, 0, 1, 0, 0], [0, 0, 1, 0, 0]]).reshape(1, 1, 5, 5);
  const plus = torch.tensor([[0, 1, 0], [1, 1, 1], [0, 1, 0]]).reshape(1, 1, 3, 3);
  // out[i][j] counts the cross's ones under the plus centred at (i+1, j+1): 5 at the centre where
  // the shapes coincide, 3 beside it (centre, one arm, the crossing bar), 2 at the corners.
  assert.equal(F.conv2d(cross, plus).tolist(), [[[[2, 3, 2], [3, 5, 3], [2, 3, 2]]]]);
  // padding 1 keeps 5x5; its middle 3x3 is the unpadded result. At a corner the plus sees zeros and
  // padding (0); at (0, 1) only its right arm touches the cross's column (1); at (0, 2) its centre and
  // lower arm lie on the column (2).
  const padded = F.conv2d(cross, plus, null, { padding: 1 }).tolist() as number[][][][];
  assert.equal(padded[0]![0]!, [[0, 1, 2, 1, 0], [1, 2, 3, 2, 1], [2, 3, 5, 3, 2], [1, 2, 3, 2, 1], [0, 1, 2, 1, 0]]);
  // dilation 2 spreads the plus over 5x5: its taps land on the cross's four tips and its centre
  assert.equal(F.conv2d(cross, plus, null, { dilation: 2 }).tolist(), [[[[5]]]]);
});

test("forward matches a float64 loop on random geometries, on every backend", () => {
  const backends: torch.BackendName[] = ["js"];
  try {
    torch.setBackend("wasm");
    backends.push("wasm");
  } catch { /* no wasm backend in this runtime */ }
  const before = torch.getBackend();
  try {
    for (const backend of backends) {
      torch.setBackend(backend);
      fc.assert(fc.property(caseArb.chain(withTensors), ([k, x, w, b]) => {
        const out = F.conv2d(x, w, k.bias ? b : null, optionsOf(k));
        const expected = reference(k, x.data, w.data, k.bias ? b.data : null);
        const n = k.unbatched ? [] : [k.n];
        assert.equal([...out.shape], [...n, k.o, ...out.shape.slice(-2)]);
        assert.ok(maxAbsDiff(out.data, expected) < 1e-5, `${backend}: ${JSON.stringify(k)}`);
      }), { numRuns: 60 });
    }
  } finally {
    torch.setBackend(before);
  }
});

test("gradcheck of input, weight and bias over random strides, paddings, dilations", () => {
  fc.assert(fc.property(caseArb.chain(withTensors), ([k, x, w, b]) => {
    const opts = optionsOf(k);
    if (k.bias) return torch.gradcheck((x_, w_, b_) => F.conv2d(x_, w_, b_, opts), [x, w, b], { eps: 0.05 });
    return torch.gradcheck((x_, w_) => F.conv2d(x_, w_, null, opts), [x, w], { eps: 0.05 });
  }), { numRuns: 40 });
});

test("grad_fn is ConvolutionBackward0 over (input, weight, bias); only inputs that need grad get one", () => {
  const x = torch.rand(1, 2, 4, 4);
  const w = torch.rand(3, 2, 3, 3, { requiresGrad: true });
  const b = torch.rand(3, { requiresGrad: true });
  const out = F.conv2d(x, w, b);
  assert.is(out.gradFn!.name, "ConvolutionBackward0");
  assert.equal(out.gradFn!.nextFunctions.map(([f]) => f?.name ?? null), [null, "AccumulateGrad", "AccumulateGrad"]);
  out.sum().backward();
  assert.is(x.grad, null);
  // d(sum)/d(bias[o]) = number of output positions = 2*2
  assert.equal(b.grad!.tolist(), [4, 4, 4]);
  assert.equal([...w.grad!.shape], [3, 2, 3, 3]);
});

test("the bias gradient is each channel's sum of the output gradient, with or without the weight's", () => {
  // The kernels sum it beside the weight gradient; with a frozen weight it is summed on its own.
  const x = torch.rand(2, 2, 6, 6), g = torch.randn(2, 3, 4, 4);
  const want = [0, 1, 2].map((o) => Array.from(g.data).reduce((s, v, i) => (Math.floor(i / 16) % 3 === o ? s + v : s), 0));
  for (const weightNeedsGrad of [true, false]) {
    const w = torch.rand(3, 2, 3, 3, { requiresGrad: weightNeedsGrad });
    const b = torch.rand(3, { requiresGrad: true });
    F.conv2d(x, w, b).backward(g);
    Array.from(b.grad!.data).forEach((v, o) => assert.ok(Math.abs(v - want[o]!) < 1e-5, `bias ${o}: ${v} vs ${want[o]}`));
    assert.is(w.grad === null, !weightNeedsGrad);
  }
});

test("errors in PyTorch's words", () => {
  const w = torch.rand(6, 1, 5, 5);
  assert.throws(() => F.conv2d(torch.rand(20, 3, 28, 28), w),
    (e: Error) => e.message === "Given groups=1, weight of size [6, 1, 5, 5], expected input[20, 3, 28, 28] to have 1 channels, but got 3 channels instead");
  assert.throws(() => F.conv2d(torch.rand(1, 1, 2, 2), torch.rand(1, 1, 3, 3)),
    (e: Error) => e.message === "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size");
  // the kernel size in that message is the dilated one
  assert.throws(() => F.conv2d(torch.rand(1, 1, 4, 4), torch.rand(1, 1, 3, 3), null, { dilation: 2 }),
    (e: Error) => e.message.startsWith("Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5)."));
  assert.throws(() => F.conv2d(torch.rand(20, 784), w),
    (e: Error) => e.message === "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [20, 784]");
  assert.throws(() => F.conv2d(torch.rand(1, 1, 8, 8), w, torch.rand(5)), /bias/);
  assert.throws(() => F.conv2d(torch.rand(1, 1, 8, 8), w, null, { stride: 0 }), /non-positive stride/);
  assert.throws(() => F.conv2d(torch.rand(1, 1, 8, 8), w, null, { padding: -1 }), /negative padding/);
});

test("Conv2d: PyTorch's init, shapes, parameter count and repr", () => {
  torch.manualSeed(0);
  const conv = new nn.Conv2d(1, 6, 5);
  assert.equal([...conv.weight.shape], [6, 1, 5, 5]);
  assert.is(conv.parameters().reduce((n, p) => n + p.numel(), 0), 156); // 6*1*5*5 + 6
  assert.equal(conv.namedParameters().map(([n]) => n), ["weight", "bias"]);
  const big = new nn.Conv2d(4, 64, 3); // fan_in = 4*3*3 = 36: bound 1/6
  for (const p of [big.weight, big.bias!]) {
    assert.ok(p.data.every((v) => Math.abs(v) <= 1 / 6));
    assert.ok(p.data.some((v) => Math.abs(v) > 0.8 / 6), "spread over the whole range");
  }
  assert.equal([...conv(torch.rand(2, 1, 28, 28)).shape], [2, 6, 24, 24]);
  assert.equal([...new nn.Conv2d(3, 8, 3, { padding: 1 })(torch.rand(3, 10, 10)).shape], [8, 10, 10]);

  assert.is(String(new nn.Conv2d(6, 16, 5)), "Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))");
  assert.is(String(new nn.Conv2d(1, 32, 3, { padding: 1 })), "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
  assert.is(String(new nn.Conv2d(3, 4, [3, 5], { stride: 2, dilation: 2, bias: false })),
    "Conv2d(3, 4, kernel_size=(3, 5), stride=(2, 2), dilation=(2, 2), bias=False)");
  assert.is(new nn.Conv2d(3, 4, 3, { bias: false }).bias, null);
});

test("Conv2d matches F.conv2d with its own parameters, and trains: gradients reach weight and bias", () => {
  const conv = new nn.Conv2d(2, 3, 3, { stride: 2, padding: 1 });
  const x = torch.rand(2, 2, 7, 7);
  const out = conv(x);
  assert.equal(out.tolist(), F.conv2d(x, conv.weight, conv.bias, { stride: 2, padding: 1 }).tolist());
  out.pow(2).sum().backward();
  assert.ok(conv.weight.grad !== null && conv.bias!.grad !== null);
});

test.run();
