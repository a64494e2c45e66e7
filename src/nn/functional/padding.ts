// F.pad: padding the last dims with a constant, a reflection or a copy of the edge.
import { Tensor } from "../../tensor/tensor.ts";
import { cat, type Range } from "../../tensor/ops/view.ts";
import { full } from "../../tensor/create.ts";
import { flip } from "../../tensor/ops/rearrange.ts";
import * as A from "../../args.ts";

/** F.pad(x, pad, { mode = "constant", value = 0 }): `pad` lists (before, after) pairs from the last
 *  dim backwards, as PyTorch: [left, right] pads the last dim, [left, right, top, bottom] the last two. */
export function pad(x: Tensor, padding: readonly number[], options: { mode?: "constant" | "reflect" | "replicate" | "circular"; value?: number } = {}): Tensor {
  A.checkOptions("pad", options, { mode: A.oneOf("constant", "reflect", "replicate", "circular"), value: A.number });
  const { mode = "constant", value = 0 } = options;
  if (padding.length % 2 !== 0 || padding.length / 2 > x.dim()) throw new Error("Padding length must be divisible by 2 and at most twice the number of dimensions of the input");
  let out = x;
  for (let p = 0; p < padding.length / 2; p++) {
    const d = x.dim() - 1 - p, before = padding[2 * p]!, after = padding[2 * p + 1]!;
    out = padDim(out, d, before, after, mode, value);
  }
  return out;
}

function padDim(x: Tensor, d: number, before: number, after: number, mode: string, value: number): Tensor {
  const size = x.shape[d]!;
  const range = (start: number, end: number) => x.slice(...x.shape.map((_, j): Range => (j === d ? [start, end] : null)));
  if (before < 0 || after < 0) {
    // negative padding crops
    return padDim(range(Math.max(0, -before), size - Math.max(0, -after)), d, Math.max(0, before), Math.max(0, after), mode, value);
  }
  if (before === 0 && after === 0) return x;
  const parts: Tensor[] = [];
  const side = (count: number, atStart: boolean): Tensor => {
    if (mode === "constant") return full(x.shape.map((s, j) => (j === d ? count : s)), value, { dtype: x.dtype });
    if (mode === "replicate") {
      const edge = atStart ? range(0, 1) : range(size - 1, size);
      return cat(new Array<Tensor>(count).fill(edge), d);
    }
    if (mode === "circular") {
      if (count > size) throw new Error("Padding value causes wrapping around more than once.");
      return atStart ? range(size - count, size) : range(0, count);
    }
    // reflect: the edge itself is not repeated
    if (count >= size) throw new Error(`Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${d} of input ${x.dim()}`);
    return flip(atStart ? range(1, count + 1) : range(size - 1 - count, size - 1), [d]);
  };
  if (before > 0) parts.push(side(before, true));
  parts.push(x);
  if (after > 0) parts.push(side(after, false));
  return cat(parts, d);
}
