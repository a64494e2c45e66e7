// Image transforms (torchvision.transforms): small callables that turn one image into another.
// Each is a function `t(x)` that also carries its settings and prints like PyTorch's repr.
// They can be written as PyTorch code reads, `ToTensor()`, or with `new` like nn modules.
import * as A from "../args.ts";
import { Tensor } from "../tensor/tensor.ts";
import { shapeString } from "../tensor/shape.ts";
import { checkFloating, float32, uint8 } from "../tensor/dtype.ts";
import { PILImage } from "./image.ts";
import { pyValue } from "../python-repr.ts";

export { PILImage, type ImageMode } from "./image.ts";

type Kind = "Compose" | "ToTensor" | "Normalize" | "Lambda" | "Resize" | "CenterCrop" | "PILToTensor" | "ToPILImage";

/** A transform of tensors. Those that also take a PILImage say so in their own call signatures. */
export interface Transform {
  (x: Tensor): Tensor;
  readonly kind: Kind;
  toString(): string;
}
/** ToTensor takes a tensor or a PILImage and gives a tensor. */
export interface ToTensorTransform extends Transform {
  (x: Tensor | PILImage): Tensor;
}
/** Resize and CenterCrop give back what they are given: a tensor for a tensor, a PILImage for a PILImage. */
export interface GeometryTransform extends Transform {
  (x: Tensor): Tensor;
  (x: PILImage): PILImage;
  readonly size: readonly number[] | number;
}
/** A step of a Compose: any of the transforms here, whatever it takes and gives. */
export type AnyTransform = Transform | ((x: PILImage) => Tensor) | ((x: Tensor) => PILImage);
/** Compose runs its steps in order; typed as ending in a tensor, as nearly every pipeline does. */
export interface ComposeTransform extends Transform {
  (x: Tensor | PILImage): Tensor;
  readonly kind: "Compose";
  readonly transforms: readonly AnyTransform[];
}
/** What new Normalize(mean, std) returns: a transform that also shows its mean and std. */
export interface NormalizeTransform extends Transform {
  readonly kind: "Normalize";
  /** Per-channel values (one value applies to every channel). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** A factory usable with or without `new`: a plain function called with `new` returns the object it returns. */
type Newable<A extends unknown[], R> = { (...args: A): R; new (...args: A): R };
const newable = <A extends unknown[], R>(make: (...args: A) => R) => make as Newable<A, R>;

/** Gives `apply` its kind, settings and repr (also what console.log shows). */
function makeTransform<T extends { kind: Kind }>(apply: (x: any) => unknown, repr: string, props: Omit<T, "toString"> & { kind: T["kind"] }): T {
  const fn = (x: unknown) => apply(x);
  return Object.assign(fn, props, {
    toString: () => repr,
    [Symbol.for("nodejs.util.inspect.custom")]: () => repr,
  }) as unknown as T;
}

/** Applies transforms in order. */
export const Compose = newable(function Compose(transforms: readonly AnyTransform[]): ComposeTransform {
  if (!Array.isArray(transforms)) throw new Error("Compose: expected an array of transforms");
  transforms.forEach((t, i) => {
    if (typeof t !== "function") throw new Error(`Compose: transform ${i} is not callable (got ${typeof t})`);
  });
  const list = [...transforms];
  const repr = `Compose(${list.map((t) => `\n    ${t}`).join("")}\n)`;
  const run = (x: unknown) => list.reduce((y, t) => (t as (v: unknown) => unknown)(y), x);
  return makeTransform<ComposeTransform>(run, repr, { kind: "Compose", transforms: list });
});

const CHANNEL_COUNTS = [1, 3, 4];

/** An image to a float32 tensor, channels first, as torchvision's ToTensor: a uint8 image (bytes
 *  0..255, such as MNIST's raw [28, 28] images) is scaled to [0, 1]; an image of any other dtype keeps
 *  its values, as torchvision does for arrays that are not uint8. HxW becomes [1, H, W]; a 3-D tensor
 *  is taken as CxHxW, unless its last dim is 1, 3 or 4 and its first is not, when it is HxWxC (numpy's
 *  image layout) and is moved to CxHxW. */
export const ToTensor = newable(function ToTensor(): ToTensorTransform {
  return makeTransform<ToTensorTransform>(toTensor, "ToTensor()", { kind: "ToTensor" });
});

function toTensor(x: Tensor | PILImage): Tensor {
  if (x instanceof PILImage) return pilToTensor(x).div(255);
  const s = x.shape;
  const hwc = s.length === 3 && CHANNEL_COUNTS.includes(s[2]!) && !CHANNEL_COUNTS.includes(s[0]!);
  if (s.length !== 2 && s.length !== 3) {
    throw new Error(`ToTensor: expected an image of shape HxW, HxWxC or CxHxW, got ${shapeString(s)}`);
  }
  const [C, H, W] = s.length === 2 ? [1, s[0]!, s[1]!] : hwc ? [s[2]!, s[0]!, s[1]!] : [s[0]!, s[1]!, s[2]!];
  const divisor = x.dtype === uint8 ? 255 : 1;
  const out = new Float32Array(x.numel());
  const src = x._data;
  for (let c = 0; c < C; c++) {
    for (let p = 0; p < H * W; p++) out[c * H * W + p] = src[hwc ? p * C + c : c * H * W + p]! / divisor;
  }
  return new Tensor(out, [C, H, W], float32);
}

/** (x - mean) / std per channel, for images [..., C, H, W]. mean and std are numbers (every channel)
 *  or one value per channel. */
export const Normalize = newable(function Normalize(mean: number | readonly number[], std: number | readonly number[], ...rest: (boolean | { inplace?: boolean })[]): NormalizeTransform {
  const { inplace = false } = A.positional("Normalize", rest, ["inplace"], { inplace: A.boolean }) as { inplace?: boolean };
  if (inplace) throw new Error("Normalize: inplace=true is not supported (the transform always returns a new tensor)");
  const means = typeof mean === "number" ? [mean] : [...mean];
  const stds = typeof std === "number" ? [std] : [...std];
  if (stds.some((s) => Math.fround(s) === 0)) {
    throw new Error(`std evaluated to zero after conversion to torch.float32, leading to division by zero.`);
  }
  const repr = `Normalize(mean=${pyValue(means)}, std=${pyValue(stds)})`;
  return makeTransform<NormalizeTransform>((x) => normalize(x, means, stds), repr, { kind: "Normalize", mean: means, std: stds });
});

function normalize(x: Tensor, means: readonly number[], stds: readonly number[]): Tensor {
  if (x.dim() < 3) {
    throw new Error(`Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = torch.Size(${shapeString(x.shape)})`);
  }
  const C = x.shape.at(-3)!;
  for (const [name, values] of [["mean", means], ["std", stds]] as const) {
    if (values.length !== 1 && values.length !== C) {
      throw new Error(`Normalize: ${name} has ${values.length} values but the image has ${C} channels`);
    }
  }
  checkFloating(x.dtype, "normalize");
  const plane = x.shape.at(-2)! * x.shape.at(-1)!;
  const out = new Float32Array(x.numel());
  const src = x._data;
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / plane) % C;
    // float32 arithmetic step by step, as PyTorch's sub_ then div_ on a float tensor
    const m = Math.fround(means[means.length === 1 ? 0 : c]!);
    const s = Math.fround(stds[stds.length === 1 ? 0 : c]!);
    out[i] = Math.fround(src[i]! - m) / s;
  }
  return new Tensor(out, x.shape, float32);
}

/** A transform from any function of a tensor. */
export const Lambda = newable(function Lambda(fn: (x: Tensor) => Tensor): Transform {
  if (typeof fn !== "function") throw new Error(`Argument lambd should be callable, got ${typeof fn}`);
  return makeTransform<Transform>(fn, "Lambda()", { kind: "Lambda" });
});

/** True when `t` is ToTensor, alone or followed by Normalize steps (in a Compose): then each output
 *  value depends only on its own input byte and channel. A dataset of byte images can use this to
 *  run the transform once on the 256 possible byte values and map whole batches through that table. */
export function isPerPixelFromBytes(t: (x: Tensor) => Tensor): boolean {
  const kind = (f: unknown) => (f as Partial<Transform>).kind;
  const steps = kind(t) === "Compose" ? (t as ComposeTransform).transforms : [t];
  return steps.length > 0 && kind(steps[0]) === "ToTensor" && steps.slice(1).every((s) => kind(s) === "Normalize");
}

// ---- PIL images and geometry ---------------------------------------------------------------------

/** A PILImage as a uint8 tensor [C, H, W], the bytes unchanged (torchvision's PILToTensor). */
function pilToTensor(img: PILImage): Tensor {
  if (!(img instanceof PILImage)) throw new Error(`PILToTensor: expected a PILImage, got ${String(img)}`);
  const { width: W, height: H, channels: C } = img;
  const out = new Uint8Array(img.data.length);
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) out[c * H * W + p] = img.data[p * C + c]!;
  return new Tensor(out, [C, H, W], uint8);
}

/** transforms.PILToTensor: a PILImage as a uint8 tensor [C, H, W], the bytes unchanged (no scaling). */
export const PILToTensor = newable(function PILToTensor() {
  return makeTransform<{ (x: PILImage): Tensor; kind: "PILToTensor" }>(pilToTensor, "PILToTensor()", { kind: "PILToTensor" });
});

/** A tensor [C, H, W] (or [H, W]) as a PILImage: uint8 bytes are kept; a float image is taken as
 *  0..1 and becomes bytes as torchvision does it, x * 255 truncated to uint8. */
function toPILImage(x: Tensor): PILImage {
  if (!(x instanceof Tensor)) throw new Error(`ToPILImage: expected a tensor, got ${String(x)}`);
  if (x.dim() !== 2 && x.dim() !== 3) throw new Error(`pic should be 2/3 dimensional. Got ${x.dim()} dimensions.`);
  const [C, H, W] = x.dim() === 2 ? [1, x.shape[0]!, x.shape[1]!] : [x.shape[0]!, x.shape[1]!, x.shape[2]!];
  const bytes = x.dtype === uint8 ? x : x.dtype.isFloatingPoint ? x.mul(255).byte() : x.byte();
  const data = new Uint8Array(C * H * W), src = bytes._data;
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) data[p * C + c] = src[c * H * W + p]!;
  return new PILImage(W, H, PILImage.modeFor(C), data);
}

/** transforms.ToPILImage: a tensor [C, H, W] or [H, W] back to a PILImage (floats taken as 0..1). */
export const ToPILImage = newable(function ToPILImage() {
  return makeTransform<{ (x: Tensor): PILImage; kind: "ToPILImage" }>(toPILImage, "ToPILImage()", { kind: "ToPILImage" });
});

/** An image's planes as float64, [planes, H, W], with what it takes to put the result back. */
interface Planes {
  values: Float64Array;
  planes: number;
  height: number;
  width: number;
  rebuild(values: Float64Array, height: number, width: number): Tensor | PILImage;
}

function planesOf(x: Tensor | PILImage, op: string): Planes {
  if (x instanceof PILImage) {
    const { width: W, height: H, channels: C, mode } = x;
    const values = new Float64Array(C * H * W);
    for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) values[c * H * W + p] = x.data[p * C + c]!;
    return {
      values, planes: C, height: H, width: W,
      rebuild: (v, h, w) => {
        const data = new Uint8Array(C * h * w);
        for (let c = 0; c < C; c++) for (let p = 0; p < h * w; p++) data[p * C + c] = Math.min(255, Math.max(0, Math.round(v[c * h * w + p]!)));
        return new PILImage(w, h, mode, data);
      },
    };
  }
  if (!(x instanceof Tensor) || x.dim() < 2) throw new Error(`${op}: expected a PILImage or a tensor image [..., H, W], got ${x instanceof Tensor ? shapeString(x.shape) : String(x)}`);
  const H = x.shape.at(-2)!, W = x.shape.at(-1)!, lead = x.shape.slice(0, -2);
  return {
    values: Float64Array.from(x._data), planes: x.numel() / (H * W), height: H, width: W,
    rebuild: (v, h, w) => {
      const shape = [...lead, h, w];
      if (x.dtype === uint8) return new Tensor(Uint8Array.from(v, (y) => Math.min(255, Math.max(0, Math.round(y)))), shape, uint8);
      const out = x.dtype.zeros(v.length);
      out.set(v);
      return new Tensor(out, shape, x.dtype);
    },
  };
}

/** Per output position along one axis: the first input index it reads and the weights of the inputs
 *  from there. Bilinear with antialiasing, as PIL (and torchvision's antialias=True) do it: a
 *  triangle filter one input pixel wide when enlarging, `in/out` pixels wide when shrinking, so that
 *  every input pixel counts. Output pixel i is centred on input position (i + 0.5) * in/out. */
function resizeWeights(inSize: number, outSize: number): { first: number[]; weights: number[][] } {
  const scale = inSize / outSize;
  const stretch = Math.max(scale, 1), support = stretch; // the bilinear filter reaches one pixel, stretched
  const first: number[] = [], weights: number[][] = [];
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const w: number[] = [];
    for (let x = lo; x < hi; x++) w.push(Math.max(0, 1 - Math.abs((x - center + 0.5) / stretch)));
    const total = w.reduce((a, b) => a + b, 0);
    first.push(lo);
    weights.push(w.map((v) => (total > 0 ? v / total : 0)));
  }
  return { first, weights };
}

/** PIL's arithmetic for bytes: weights as integers scaled by 2^22 (rounded half away from zero), each
 *  pass summed from a half for rounding, shifted back and clamped to 0..255. */
const PRECISION_BITS = 22;
const toFixed = (w: number) => Math.trunc(w * 2 ** PRECISION_BITS + (w < 0 ? -0.5 : 0.5));
const clip8 = (sum: number) => Math.min(255, Math.max(0, Math.floor(sum / 2 ** PRECISION_BITS)));

/** One pass along an axis: `count` lines of `inSize` values `stride` apart, into lines of `outSize`. */
function resizeAxis(
  src: Float64Array, lines: number, inSize: number, outSize: number, stride: number, lineStep: (l: number) => [number, number],
  bytes: boolean,
): Float64Array {
  const { first, weights } = resizeWeights(inSize, outSize);
  const fixed = bytes ? weights.map((ws) => ws.map(toFixed)) : weights;
  const out = new Float64Array(lines * outSize);
  for (let l = 0; l < lines; l++) {
    const [inAt, outAt] = lineStep(l);
    for (let j = 0; j < outSize; j++) {
      let s = bytes ? 2 ** (PRECISION_BITS - 1) : 0;
      const ws = fixed[j]!;
      for (let k = 0; k < ws.length; k++) s += ws[k]! * src[inAt + (first[j]! + k) * stride]!;
      out[outAt + j * (stride === 1 ? 1 : stride)] = bytes ? clip8(s) : s;
    }
  }
  return out;
}

/** Resizes every plane: along the width first, then along the height, as PIL does; bytes round
 *  to bytes after each pass, as PIL's do. */
function resizePlanes(p: Planes, outH: number, outW: number, bytes: boolean): Float64Array {
  const { planes, height: H, width: W, values } = p;
  // rows: planes*H lines of W values, each becoming outW values
  const wide = outW === W ? values : resizeAxis(values, planes * H, W, outW, 1, (l) => [l * W, l * outW], bytes);
  if (outH === H) return wide;
  // columns: planes*outW lines of H values (stride outW), each becoming outH values (stride outW)
  return resizeAxis(wide, planes * outW, H, outH, outW, (l) => {
    const q = Math.floor(l / outW), j = l % outW;
    return [q * H * outW + j, q * outH * outW + j];
  }, bytes);
}

function sizePair(size: number | readonly number[], op: string): number | [number, number] {
  const ok = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n > 0;
  if (typeof size === "number" && ok(size)) return size;
  if (Array.isArray(size) && size.length === 1 && ok(size[0])) return size[0] as number;
  if (Array.isArray(size) && size.length === 2 && size.every(ok)) return [size[0]!, size[1]!];
  throw new Error(`${op}: size should be a positive int or a pair [height, width] of them, got ${JSON.stringify(size)}`);
}

/** torchvision's Resize: [height, width], or one number for the shorter side (the longer one keeps
 *  the aspect ratio, rounded down). Bilinear with antialiasing on a PILImage or a tensor image
 *  [..., H, W]; bytes (a PILImage, a uint8 tensor) in PIL's fixed-point arithmetic. */
export const Resize = newable(function Resize(size: number | readonly number[]): GeometryTransform {
  const target = sizePair(size, "Resize");
  const apply = (x: Tensor | PILImage) => {
    const p = planesOf(x, "Resize");
    let outH: number, outW: number;
    if (typeof target === "number") {
      const [short, long] = p.width <= p.height ? [p.width, p.height] : [p.height, p.width];
      const newLong = Math.trunc((target * long) / short);
      [outH, outW] = p.width <= p.height ? [newLong, target] : [target, newLong];
    } else [outH, outW] = target;
    const bytes = x instanceof PILImage || x.dtype === uint8;
    return p.rebuild(resizePlanes(p, outH, outW, bytes), outH, outW);
  };
  const repr = `Resize(size=${pyValue(target)}, interpolation=bilinear, max_size=None, antialias=True)`;
  return makeTransform<GeometryTransform>(apply, repr, { kind: "Resize", size: typeof target === "number" ? target : [...target] });
});

/** Python's round(): halves go to the even neighbour. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torchvision's CenterCrop: the [height, width] (or size x size) middle of the image, its top-left
 *  corner at round((H - h) / 2), round((W - w) / 2); an image smaller than the crop is padded with zeros first. */
export const CenterCrop = newable(function CenterCrop(size: number | readonly number[]): GeometryTransform {
  const target = sizePair(size, "CenterCrop");
  const [h, w] = typeof target === "number" ? [target, target] : target;
  const apply = (x: Tensor | PILImage) => {
    const p = planesOf(x, "CenterCrop");
    // the padding torchvision adds when the crop is larger: split as evenly as it splits it
    const padTop = h > p.height ? Math.trunc((h - p.height) / 2) : 0, padLeft = w > p.width ? Math.trunc((w - p.width) / 2) : 0;
    const H = Math.max(p.height, h), W = Math.max(p.width, w);
    const top = pyRound((H - h) / 2), left = pyRound((W - w) / 2);
    const out = new Float64Array(p.planes * h * w);
    for (let q = 0; q < p.planes; q++) {
      for (let i = 0; i < h; i++) {
        const y = top + i - padTop;
        if (y < 0 || y >= p.height) continue;
        for (let j = 0; j < w; j++) {
          const x_ = left + j - padLeft;
          if (x_ >= 0 && x_ < p.width) out[(q * h + i) * w + j] = p.values[(q * p.height + y) * p.width + x_]!;
        }
      }
    }
    return p.rebuild(out, h, w);
  };
  return makeTransform<GeometryTransform>(apply, `CenterCrop(size=(${h}, ${w}))`, { kind: "CenterCrop", size: [h, w] });
});
