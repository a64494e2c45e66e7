import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

function params(): torch.Tensor[] {
  const a = torch.zeros(2, 2).requiresGrad_(), b = torch.zeros(3).requiresGrad_(), c = torch.zeros(1).requiresGrad_();
  a.grad = torch.tensor([[3.0, -4.0], [1.5, 0.25]]);
  b.grad = torch.tensor([2.0, -1.0, 0.5]);
  return [a, b, c]; // c has no gradient: skipped
}

test("clipGradNorm_ scales all gradients together, as PyTorch 2.13 (float32 bits)", () => {
  const ps = params();
  const total = nn.utils.clipGradNorm_(ps, 2.0);
  assert.is(total.dtype, torch.float32);
  assert.is(total.item(), 5.706356048583984);
  assert.equal([...ps[0]!.grad!.data], [1.0514589548110962, -1.4019452333450317, 0.5257294774055481, 0.08762157708406448]);
  assert.equal([...ps[1]!.grad!.data], [0.7009726166725159, -0.35048630833625793, 0.17524315416812897]);
});

test("clipGradNorm_ with the infinity norm under the limit leaves the gradients; no gradients gives 0", () => {
  const ps = params();
  assert.is(nn.utils.clipGradNorm_(ps, 100, { normType: Infinity }).item(), 4);
  assert.equal([...ps[0]!.grad!.data], [3, -4, 1.5, 0.25]);
  assert.is(nn.utils.clipGradNorm_([torch.zeros(1).requiresGrad_()], 1).item(), 0);
});

test("clipGradNorm_ refuses a non-finite norm when asked, in PyTorch's words, and clipGradValue_ clamps", () => {
  const [a] = params();
  a!.grad = torch.tensor([[Infinity, -4.0], [1.5, 0.25]]);
  assert.throws(() => nn.utils.clipGradNorm_([a!], 1, { errorIfNonfinite: true }),
    /The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped/);
  const ps = params();
  nn.utils.clipGradValue_(ps, 2);
  assert.equal([...ps[0]!.grad!.data], [2, -2, 1.5, 0.25]);
  assert.equal([...ps[1]!.grad!.data], [2, -1, 0.5]);
  assert.throws(() => nn.utils.clipGradValue_(ps, -1), /clipValue must be >= 0, got -1/);
});

test.run();
