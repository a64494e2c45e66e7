// Image transforms (torchvision.transforms): small callables that turn one image into another.
// Each is a function `t(x)` that also carries its settings and prints like PyTorch's repr.
// They can be written as PyTorch code reads, `ToTensor()`, or with `new` like nn modules.
import { Tensor } from "../tensor/tensor.ts";
import { shapeString } from "../tensor/shape.ts";
import { checkFloating, float32, uint8 } from "../tensor/dtype.ts";

export interface Transform {
  (x: Tensor): Tensor;
  readonly kind: "Compose" | "ToTensor" | "Normalize" | "Lambda";
  toString(): string;
}
export interface ComposeTransform extends Transform {
  readonly kind: "Compose";
  readonly transforms: readonly Transform[];
}
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
function makeTransform<T extends Transform>(apply: (x: Tensor) => Tensor, repr: string, props: Omit<T, keyof Transform> & { kind: T["kind"] }): T {
  const fn = (x: Tensor) => apply(x);
  return Object.assign(fn, props, {
    toString: () => repr,
    [Symbol.for("nodejs.util.inspect.custom")]: () => repr,
  }) as unknown as T;
}

/** Python's tuple repr, as PyTorch prints Normalize's settings: (0.5,) or (0.485, 0.456, 0.406). */
function tupleRepr(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(", ")})`;
}

/** Applies transforms in order. */
export const Compose = newable(function Compose(transforms: readonly Transform[]): ComposeTransform {
  if (!Array.isArray(transforms)) throw new Error("Compose: expected an array of transforms");
  transforms.forEach((t, i) => {
    if (typeof t !== "function") throw new Error(`Compose: transform ${i} is not callable (got ${typeof t})`);
  });
  const list = [...transforms];
  const repr = `Compose(${list.map((t) => `\n    ${t}`).join("")}\n)`;
  return makeTransform<ComposeTransform>((x) => list.reduce((y, t) => t(y), x), repr, { kind: "Compose", transforms: list });
});

const CHANNEL_COUNTS = [1, 3, 4];

/** An image to a float32 tensor, channels first, as torchvision's ToTensor: a uint8 image (bytes
 *  0..255, such as MNIST's raw [28, 28] images) is scaled to [0, 1]; an image of any other dtype keeps
 *  its values, as torchvision does for arrays that are not uint8. HxW becomes [1, H, W]; a 3-D tensor
 *  is taken as CxHxW, unless its last dim is 1, 3 or 4 and its first is not, when it is HxWxC (numpy's
 *  image layout) and is moved to CxHxW. */
export const ToTensor = newable(function ToTensor(): Transform {
  return makeTransform<Transform>(toTensor, "ToTensor()", { kind: "ToTensor" });
});

function toTensor(x: Tensor): Tensor {
  const s = x.shape;
  const hwc = s.length === 3 && CHANNEL_COUNTS.includes(s[2]!) && !CHANNEL_COUNTS.includes(s[0]!);
  if (s.length !== 2 && s.length !== 3) {
    throw new Error(`ToTensor: expected an image of shape HxW, HxWxC or CxHxW, got ${shapeString(s)}`);
  }
  const [C, H, W] = s.length === 2 ? [1, s[0]!, s[1]!] : hwc ? [s[2]!, s[0]!, s[1]!] : [s[0]!, s[1]!, s[2]!];
  const divisor = x.dtype === uint8 ? 255 : 1;
  const out = new Float32Array(x.numel());
  for (let c = 0; c < C; c++) {
    for (let p = 0; p < H * W; p++) out[c * H * W + p] = x.data[hwc ? p * C + c : c * H * W + p]! / divisor;
  }
  return new Tensor(out, [C, H, W], float32);
}

/** (x - mean) / std per channel, for images [..., C, H, W]. mean and std are numbers (every channel)
 *  or one value per channel. */
export const Normalize = newable(function Normalize(mean: number | readonly number[], std: number | readonly number[]): NormalizeTransform {
  const means = typeof mean === "number" ? [mean] : [...mean];
  const stds = typeof std === "number" ? [std] : [...std];
  if (stds.some((s) => Math.fround(s) === 0)) {
    throw new Error(`std evaluated to zero after conversion to torch.float32, leading to division by zero.`);
  }
  const repr = `Normalize(mean=${tupleRepr(means)}, std=${tupleRepr(stds)})`;
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
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / plane) % C;
    // float32 arithmetic step by step, as PyTorch's sub_ then div_ on a float tensor
    const m = Math.fround(means[means.length === 1 ? 0 : c]!);
    const s = Math.fround(stds[stds.length === 1 ? 0 : c]!);
    out[i] = Math.fround(x.data[i]! - m) / s;
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
