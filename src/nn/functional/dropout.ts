// Inverted dropout: in training each element is zeroed with probability p and the survivors are
// scaled by 1/(1-p), so the expected value of every element is unchanged and evaluation needs no
// rescaling (it is the identity).
import { record } from "../../tensor/autograd.ts";
import { allocLike, checkFloating, type DataArray } from "../../tensor/dtype.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { random } from "../../random.ts";
import * as A from "../../args.ts";

export function checkDropoutProbability(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  return p;
}

/** F.dropout(x, p = 0.5, training = true): inverted dropout; the identity when not training or
 *  p = 0. Positionally or as { p, training }. */
export function dropout(x: Tensor, ...args: (number | boolean | { p?: number; training?: boolean })[]): Tensor {
  const { p = 0.5, training = true } = A.positional("dropout", args, ["p", "training"], { p: A.number, training: A.boolean }) as { p?: number; training?: boolean };
  checkDropoutProbability(p);
  if (!training || p === 0) return x;
  checkFloating(x.dtype, "dropout");
  // keep[i] is drawn from the global seeded generator: kept with probability 1 - p
  const keep = new Uint8Array(x.numel());
  for (let i = 0; i < keep.length; i++) keep[i] = random() >= p ? 1 : 0;
  const scale = (data: DataArray): DataArray => {
    const out = allocLike(data, data.length);
    // p = 1 keeps nothing, so the division by 1 - p = 0 never happens
    for (let i = 0; i < data.length; i++) out[i] = keep[i] ? data[i]! / (1 - p) : 0;
    return out;
  };
  // The op is x * (mask / (1-p)), hence PyTorch's name for it.
  // The mask lives only in this closure, so nothing the user can change in place is saved.
  return record(new Tensor(scale(x._data), x.shape, x.dtype), "MulBackward0", [x], (g) => [new Tensor(scale(g._data), x.shape, g.dtype)]);
}
