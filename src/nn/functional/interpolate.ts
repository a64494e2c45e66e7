// F.interpolate and nn.Upsample: resizing [N, C, H, W] (or [N, C, L]) by nearest neighbour or
// bilinear (linear) interpolation, built from gather and tensor arithmetic so autograd carries the
// gradient back (each output is a weighted sum of input elements).
import { Tensor } from "../../tensor/tensor.ts";
import { int64 } from "../../tensor/dtype.ts";
import { indexSelect } from "../../tensor/ops/rearrange.ts";
import * as A from "../../args.ts";

/** F.interpolate's options, PyTorch's names in camelCase. */
export interface InterpolateOptions {
  size?: number | readonly number[];
  scaleFactor?: number | readonly number[];
  mode?: "nearest" | "linear" | "bilinear";
  alignCorners?: boolean | null;
}

const OPTIONS = { size: A.either(A.integer, A.numbers), scaleFactor: A.either(A.number, A.numbers), mode: A.oneOf("nearest", "linear", "bilinear"), alignCorners: A.nullable(A.boolean) };

/** Source positions along one dim, as PyTorch computes them for each mode. */
function sources(inSize: number, outSize: number, mode: string, alignCorners: boolean, scale: number | null): number[] {
  const ratio = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : scale !== null ? 1 / scale : inSize / outSize;
  return Array.from({ length: outSize }, (_, i) => {
    if (mode === "nearest") return Math.min(Math.floor(i * ratio), inSize - 1);
    const x = alignCorners ? i * ratio : Math.max((i + 0.5) * ratio - 0.5, 0);
    return x;
  });
}

const indexTensor = (values: number[]) => new Tensor(Float64Array.from(values), [values.length], int64);

/** Resizes the last `spatial` dims of `x` one after another (both modes are separable). */
export function interpolate(x: Tensor, options: InterpolateOptions = {}): Tensor {
  A.checkOptions("interpolate", options, OPTIONS);
  const { mode = "nearest" } = options;
  const spatial = x.dim() - 2;
  if (spatial < 1 || spatial > 2) throw new Error(`interpolate: expected input of 3 or 4 dims ([N, C, L] or [N, C, H, W]), got ${x.dim()}`);
  if ((mode === "bilinear" && spatial !== 2) || (mode === "linear" && spatial !== 1)) throw new Error(`Got ${x.dim()}D input, but ${mode} mode needs ${mode === "bilinear" ? 4 : 3}D input`);
  if (mode === "nearest" && options.alignCorners != null) throw new Error("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  if ((options.size === undefined) === (options.scaleFactor === undefined)) throw new Error("only one of size or scale_factor should be defined");
  const alignCorners = options.alignCorners ?? false;
  const list = <T>(v: T | readonly T[]): T[] => (Array.isArray(v) ? [...(v as T[])] : new Array<T>(spatial).fill(v as T));
  const scales = options.scaleFactor === undefined ? null : list(options.scaleFactor);
  const sizes = options.size !== undefined ? list(options.size) : x.shape.slice(2).map((s, i) => Math.floor(s * scales![i]!));
  let out = x;
  for (let k = 0; k < spatial; k++) {
    const dim = 2 + k, inSize = x.shape[dim]!, outSize = sizes[k]!;
    const pos = sources(inSize, outSize, mode, alignCorners, scales && !alignCorners ? scales[k]! : null);
    if (mode === "nearest") {
      out = indexSelect(out, dim, indexTensor(pos));
      continue;
    }
    const lo = pos.map((p) => Math.min(Math.floor(p), inSize - 1)), hi = lo.map((l) => Math.min(l + 1, inSize - 1));
    const frac = pos.map((p, i) => p - lo[i]!);
    const shape = out.shape.map((_, i) => (i === dim ? outSize : 1));
    const w = new Tensor(Float64Array.from(frac), shape, "float64").to(out.dtype);
    const a = indexSelect(out, dim, indexTensor(lo)), b = indexSelect(out, dim, indexTensor(hi));
    out = a.add(b.sub(a).mul(w));
  }
  return out;
}
