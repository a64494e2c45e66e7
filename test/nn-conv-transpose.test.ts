// ConvTranspose2d and max unpooling: values against float64 loops written here from the definitions,
// gradients by float64 finite differences, both backends, and PyTorch's reprs and errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";
import { maxAbsDiff, tensorArb } from "./arbitraries.ts";

const F = nn.functional;

interface Case {
  n: number; ci: number; co: number; h: number; w: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; oph: number; opw: number; bias: boolean;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  n: fc.integer({ min: 1, max: 2 }), ci: fc.integer({ min: 1, max: 3 }), co: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }),
  kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
  sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
  ph: fc.integer({ min: 0, max: 2 }), pw: fc.integer({ min: 0, max: 2 }),
  dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
  oph: fc.integer({ min: 0, max: 2 }), opw: fc.integer({ min: 0, max: 2 }), bias: fc.boolean(),
}).filter((k) => k.oph < Math.max(k.sh, k.dh) && k.opw < Math.max(k.sw, k.dw))
  .filter((k) => outSize(k.h, k.kh, k.sh, k.ph, k.dh, k.oph) >= 1 && outSize(k.w, k.kw, k.sw, k.pw, k.dw, k.opw) >= 1);

function outSize(size: number, k: number, s: number, p: number, d: number, op: number): number {
  return (size - 1) * s - 2 * p + d * (k - 1) + op + 1;
}

const optionsOf = (k: Case) => ({ stride: [k.sh, k.sw] as const, padding: [k.ph, k.pw] as const, dilation: [k.dh, k.dw] as const, outputPadding: [k.oph, k.opw] as const });

/** The definition, in float64: every input pixel adds value * weight onto the output pixel each tap
 *  of the kernel lands on (taps that land in the padding or past the end are dropped). */
function reference(k: Case, x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null): Float64Array {
  const oh = outSize(k.h, k.kh, k.sh, k.ph, k.dh, k.oph), ow = outSize(k.w, k.kw, k.sw, k.pw, k.dw, k.opw);
  const out = new Float64Array(k.n * k.co * oh * ow);
  for (let n = 0; n < k.n; n++)
    for (let co = 0; co < k.co; co++)
      for (let i = 0; i < oh * ow; i++) out[(n * k.co + co) * oh * ow + i] = b ? b[co]! : 0;
  for (let n = 0; n < k.n; n++)
    for (let ci = 0; ci < k.ci; ci++)
      for (let ih = 0; ih < k.h; ih++)
        for (let iw = 0; iw < k.w; iw++)
          for (let co = 0; co < k.co; co++)
            for (let a = 0; a < k.kh; a++)
              for (let c = 0; c < k.kw; c++) {
                const y = ih * k.sh - k.ph + a * k.dh, z = iw * k.sw - k.pw + c * k.dw;
                if (y < 0 || y >= oh || z < 0 || z >= ow) continue;
                const at = ((n * k.co + co) * oh + y) * ow + z;
                out[at] = out[at]! + x[((n * k.ci + ci) * k.h + ih) * k.w + iw]! * w[((ci * k.co + co) * k.kh + a) * k.kw + c]!;
              }
  return out;
}

const withTensors = (k: Case) =>
  fc.tuple(fc.constant(k), tensorArb([k.n, k.ci, k.h, k.w]), tensorArb([k.ci, k.co, k.kh, k.kw]), tensorArb([k.co]));

test("convTranspose2d matches the definition on random geometries, on both backends", () => {
  const before = torch.getBackend();
  try {
    for (const backend of ["js", "wasm"] as const) {
      torch.setBackend(backend);
      fc.assert(fc.property(caseArb.chain(withTensors), ([k, x, w, b]) => {
        const out = F.convTranspose2d(x, w, k.bias ? b : null, optionsOf(k));
        const want = reference(k, x.data, w.data, k.bias ? b.data : null);
        assert.equal([...out.shape], [k.n, k.co, outSize(k.h, k.kh, k.sh, k.ph, k.dh, k.oph), outSize(k.w, k.kw, k.sw, k.pw, k.dw, k.opw)]);
        assert.ok(maxAbsDiff(out.data, want) < 1e-5, `${backend}: ${JSON.stringify(k)}`);
      }), { numRuns: 80 });
    }
  } finally {
    torch.setBackend(before);
  }
});

test("convTranspose2d: gradients of input, weight and bias by float64 finite differences", () => {
  fc.assert(fc.property(caseArb.chain(withTensors), ([k, x, w, b]) => {
    const opts = optionsOf(k);
    if (k.bias) return torch.gradcheck((x_, w_, b_) => F.convTranspose2d(x_, w_, b_, opts), [x, w, b]);
    return torch.gradcheck((x_, w_) => F.convTranspose2d(x_, w_, null, opts), [x, w]);
  }), { numRuns: 40 });
});

test("convTranspose2d undoes a strided convolution's sizes; PyTorch's examples, reprs and errors", () => {
  const x = torch.tensor([[[[1, 2], [3, 4]]]]);
  const w = torch.ones(1, 1, 2, 2);
  assert.equal(F.convTranspose2d(x, w, null, { stride: 2 }).tolist(), [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
  assert.equal(F.convTranspose2d(x, w).tolist(), [[[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]]);
  // a convolution with stride 2 maps 6x6 and 5x5 onto 3x3; output padding picks 6x6 back
  const up = new nn.ConvTranspose2d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1 });
  assert.equal([...up(torch.ones(1, 2, 3, 3)).shape], [1, 4, 6, 6]);
  assert.equal([...new nn.Conv2d(4, 2, 3, { stride: 2, padding: 1 })(torch.ones(1, 4, 6, 6)).shape], [1, 2, 3, 3]);
  assert.equal([...up.weight.shape], [2, 4, 3, 3]);
  assert.is(String(up), "ConvTranspose2d(2, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))");
  assert.is(String(new nn.ConvTranspose2d(2, 3, 3)), "ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(1, 1))");
  assert.is(String(new nn.ConvTranspose2d(2, 3, [3, 2], { stride: [2, 1], dilation: 2, bias: false })),
    "ConvTranspose2d(2, 3, kernel_size=(3, 2), stride=(2, 1), dilation=(2, 2), bias=False)");
  const y = up(torch.ones(1, 2, 3, 3).requiresGrad_());
  assert.is(y.gradFn!.name, "ConvolutionBackward0");
  assert.throws(() => F.convTranspose2d(x, w, null, { outputPadding: 1 }),
    /output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1/);
  assert.throws(() => F.convTranspose2d(x, torch.ones(2, 1, 2, 2)),
    /Given transposed=1, weight of size \[2, 1, 2, 2\], expected input\[1, 1, 2, 2\] to have 2 channels, but got 1 channels instead/);
});

test("maxPool2d returns indices within each plane; maxUnpool2d puts the values back, with PyTorch's sizes", () => {
  const x = torch.arange(16).float().reshape(1, 1, 4, 4);
  const [values, indices] = F.maxPool2d(x, 2, { returnIndices: true });
  assert.equal(values.tolist(), [[[[5, 7], [13, 15]]]]);
  assert.equal(indices.tolist(), [[[[5, 7], [13, 15]]]]);
  assert.is(indices.dtype, torch.int64);
  assert.equal(F.maxUnpool2d(values, indices, 2).tolist(), [[[[0, 0, 0, 0], [0, 5, 0, 7], [0, 0, 0, 0], [0, 13, 0, 15]]]]);
  // a 5x5 output reads the same flat indices in rows of 5, as PyTorch does
  assert.equal(F.maxUnpool2d(values, indices, 2, { outputSize: [5, 5] }).tolist(),
    [[[[0, 0, 0, 0, 0], [5, 0, 7, 0, 0], [0, 0, 0, 13, 0], [15, 0, 0, 0, 0], [0, 0, 0, 0, 0]]]]);
  assert.throws(() => F.maxUnpool2d(values, indices, 2, { outputSize: [7, 7] }), /invalid output_size "\(7, 7\)" \(dim 0 must be between 2 and 6\)/);
  assert.throws(() => F.maxUnpool2d(values, torch.tensor([[[[5, 7], [13, 99]]]], { dtype: torch.int64 }), 2),
    /Found an invalid max index: 99 \(output volumes are of size 4x4\)/);
  assert.throws(() => F.maxUnpool2d(values, indices.float(), 2), /expected indices of dtype torch.int64, got torch.float32/);
  const unpool = new nn.MaxUnpool2d(2);
  assert.is(String(unpool), "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))");
  assert.equal(unpool(values, indices).tolist(), F.maxUnpool2d(values, indices, 2).tolist());
});

test("maxUnpool2d: gradient by finite differences, read back at the indices", () => {
  fc.assert(fc.property(tensorArb([2, 3, 4, 6]), (x) => {
    const [, indices] = torch.noGrad(() => F.maxPool2d(x, 2, { returnIndices: true }));
    const pooled = torch.noGrad(() => F.maxPool2d(x, 2)).requiresGrad_();
    const out = F.maxUnpool2d(pooled, indices, 2);
    assert.is(out.gradFn!.name, "MaxUnpool2DBackward0");
    return torch.gradcheck((p) => F.maxUnpool2d(p, indices, 2), [pooled]);
  }), { numRuns: 20 });
});

test.run();
