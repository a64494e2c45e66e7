// formatTensor against PyTorch's repr with default print options (torch/_tensor_str.py).
// "published" = a string PyTorch prints in the article series / PyTorch docs.
// "derived"   = worked out by hand from the _tensor_str.py rules named in the test, then checked
//               against a real torch (1.13.1, whose _tensor_str rules for these cases match 2.x).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatSize, formatTensor } from "../src/tensor/format.ts";
import { castArray, float32, toDType, type DTypeLike } from "../src/tensor/dtype.ts";

const f = (values: number[], shape: number[], dtype: DTypeLike = "float32", suffixes?: string[]) =>
  formatTensor(castArray(values, toDType(dtype)), shape, toDType(dtype), suffixes);
const range = (n: number, step = 1) => Array.from({ length: n }, (_, i) => i * step);

test("published: 2-D float, aligned columns (width from '-0.3006'), rows indented by len('tensor(')+1", () => {
  assert.is(
    f([0.4406, -0.3006, -0.3144, 0.114], [2, 2], float32, ["requires_grad=True"]),
    "tensor([[ 0.4406, -0.3006],\n        [-0.3144,  0.1140]], requires_grad=True)",
  );
});

test("published: four decimals; 0-d tensors print the bare value", () => {
  assert.is(f([1.95], [1]), "tensor([1.9500])");
  assert.is(f([0.0025], []), "tensor(0.0025)");
  assert.is(f([1.95], [1, 1], "float32", ["grad_fn=<MulBackward0>"]), "tensor([[1.9500]], grad_fn=<MulBackward0>)");
});

test("published: int_mode (all finite values integral) prints '31.' with the dot counted in the width", () => {
  assert.is(f([31, 72, 113, 154, 195], [5]), "tensor([ 31.,  72., 113., 154., 195.])");
  assert.is(f([0, 0, 0], [3]), "tensor([0., 0., 0.])"); // derived: no nonzero values, width 1, still int_mode
  assert.is(f([3], []), "tensor(3.)"); // derived
});

test("published: sci_mode when the smallest nonzero |value| < 1e-4", () => {
  assert.is(f([1.3333e-5, 6.8758e-3, 9.9311e-1], [3]), "tensor([1.3333e-05, 6.8758e-03, 9.9311e-01])");
});

test("derived: sci_mode from max/min > 1000 or max > 1e8, also in int_mode; zero prints in sci too", () => {
  assert.is(f([1, 100000], [2]), "tensor([1.0000e+00, 1.0000e+05])");
  assert.is(f([1e10], [1]), "tensor([1.0000e+10])");
  assert.is(f([0, 1e-5, 1], [3]), "tensor([0.0000e+00, 1.0000e-05, 1.0000e+00])");
  // The ratio test is strict: max/min == 1000 stays fixed-point.
  assert.is(f([1, 1000], [2]), "tensor([   1., 1000.])");
});

test("derived: plain fixed-point values", () => {
  assert.is(f([0.1, 2], [2]), "tensor([0.1000, 2.0000])");
  assert.is(f([-0.1], [1]), "tensor([-0.1000])");
});

test("published: int64 and bool are default dtypes (no suffix); int32 says its dtype", () => {
  assert.is(f([5, 4, 1, 3], [4], "int64"), "tensor([5, 4, 1, 3])");
  assert.is(f([1], [1], "int32"), "tensor([1], dtype=torch.int32)");
  assert.is(f([108], [], "int64"), "tensor(108)");
  // bool: width is len('False'), so True is padded to it.
  assert.is(f([1, 0], [2], "bool"), "tensor([ True, False])");
  assert.is(f([1], [], "bool"), "tensor(True)");
  assert.is(f([1, -10, 100], [3], "int64"), "tensor([  1, -10, 100])"); // derived
});

test("published: formatSize", () => {
  assert.is(formatSize([150, 4]), "torch.Size([150, 4])");
  assert.is(formatSize([]), "torch.Size([])");
});

test("derived: nan and inf are left out of width and mode; int_mode adds no dot to them", () => {
  assert.is(f([NaN, 1.5, Infinity, -Infinity], [4]), "tensor([   nan, 1.5000,    inf,   -inf])");
  assert.is(f([1, NaN, -Infinity], [3]), "tensor([1., nan, -inf])");
  assert.is(f([NaN], []), "tensor(nan)");
});

test("derived: negative zero keeps its sign and is left out of the width", () => {
  assert.is(f([-0, 1], [2]), "tensor([-0., 1.])");
  assert.is(f([-0, 0.5], [2]), "tensor([-0.0000, 0.5000])");
});

test("derived: rounding is Python's, half to even on the exact binary value", () => {
  assert.is(f([0.03125], [1]), "tensor([0.0312])"); // JS toFixed(4) would say 0.0313
  assert.is(f([0.09375], [1]), "tensor([0.0938])");
  assert.is(f([1.5, 2.5e-5], [2]), "tensor([1.5000e+00, 2.5000e-05])");
});

test("derived: the last dim wraps at linewidth 80; elements per line = floor((80 - indent) / (width + 2))", () => {
  // 2-D row: indent 8, width 7 -> 8 per line; continuation lines indent 9.
  const row = [-1.2345, 2.3456, -3.4567, 4.5678, 0.1234, -0.9876, 5.4321, 6.789, -7.8901, 8.9012];
  assert.is(
    f(row, [1, 10]),
    "tensor([[-1.2345,  2.3456, -3.4567,  4.5678,  0.1234, -0.9876,  5.4321,  6.7890,\n" +
      "         -7.8901,  8.9012]])",
  );
});

test("derived: a suffix that would pass column 80 goes on its own line, indented by len('tensor(')", () => {
  assert.is(
    f([-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8], [8], "float32", ["requires_grad=True"]),
    "tensor([-0.1000, -0.2000, -0.3000, -0.4000, -0.5000, -0.6000, -0.7000, -0.8000],\n       requires_grad=True)",
  );
});

test("derived: prefix sets the indent; Parameter's first line does not count", () => {
  assert.is(
    formatTensor(new Float32Array([0.1, -0.2, 0.3, 0.4]), [2, 2], float32, ["requires_grad=True"], "Parameter containing:\ntensor("),
    "Parameter containing:\ntensor([[ 0.1000, -0.2000],\n        [ 0.3000,  0.4000]], requires_grad=True)",
  );
});

test("derived: 3-D blocks are separated by a blank line", () => {
  assert.is(
    f(range(8), [2, 2, 2]),
    "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])",
  );
});

test("derived: above 1000 elements, 3 items at each end; the formatter sees only those (int_mode + ratio > 1000 -> sci)", () => {
  assert.is(
    f(range(2000), [2000]),
    "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
  );
  assert.is(f(range(2000), [2000], "int64"), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");
  // Exactly 1000 elements is not summarised.
  assert.ok(!f(range(1000), [1000], "int64").includes("..."));
});

test("derived: a large 2-D tensor summarises rows and columns", () => {
  const row = (r: number) => {
    const e = (c: number) => (r * 50 + c).toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
    return `[${e(0)}, ${e(1)}, ${e(2)},  ..., ${e(47)}, ${e(48)},\n         ${e(49)}]`;
  };
  const rows = [0, 1, 2].map(row).join(",\n        ") + ",\n        ...,\n        " + [37, 38, 39].map(row).join(",\n        ");
  assert.is(f(range(2000), [40, 50]), `tensor([${rows}])`);
  // Summarised values that are not integral: no int_mode, ratio still > 1000.
  assert.is(
    f(range(1200, 0.25), [40, 30]).split("\n")[0],
    "tensor([[0.0000e+00, 2.5000e-01, 5.0000e-01,  ..., 6.7500e+00, 7.0000e+00,",
  );
});

test("derived: a large 3-D tensor summarises blocks with '...' between blank lines", () => {
  const s = f(range(1600), [8, 2, 100]);
  assert.ok(s.includes("5.9900e+02]],\n\n        ...,\n\n        [[1.0000e+03,"), s);
  assert.is(s.split("\n\n").length, 7); // 3 blocks, "...", 3 blocks
});

test("derived: empty tensors", () => {
  assert.is(f([], [0]), "tensor([])");
  assert.is(f([], [0, 3]), "tensor([], size=(0, 3))");
  assert.is(f([], [0], "int64"), "tensor([], dtype=torch.int64)");
  assert.is(f([], [2, 0], "float32", ["requires_grad=True"]), "tensor([], size=(2, 0), requires_grad=True)");
});

test.run();
