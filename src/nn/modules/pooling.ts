// Pooling layers: thin Modules over the functional forms in functional/pooling.ts. Their reprs print the
// arguments as given (an int as `2`, a pair as `(2, 2)`), as PyTorch does.
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, maxUnpool2d, type AdaptiveSize } from "../functional/pooling.ts";
import { pair, type Pair } from "../functional/conv.ts";
import { pyBool, pyFloat, pyValue } from "../../python-repr.ts";
import { interpolate, type InterpolateOptions } from "../functional/interpolate.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

/** nn.MaxPool2d(kernel, { stride = kernel, padding = 0, dilation = 1, ceilMode, returnIndices }): the
 *  largest value of each window, on [N, C, H, W] or [C, H, W]; with returnIndices, [values, indices]. */
export class MaxPool2d extends Module {
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;
  readonly returnIndices: boolean;

  /** Options, or PyTorch's positional order: `MaxPool2d(2, 2)` (stride, padding, dilation, returnIndices, ceilMode). */
  constructor(kernelSize: Pair, options?: { stride?: Pair | null; padding?: Pair; dilation?: Pair; returnIndices?: boolean; ceilMode?: boolean });
  constructor(kernelSize: Pair, ...rest: unknown[]);
  constructor(readonly kernelSize: Pair, ...args: unknown[]) {
    super();
    A.checkArg("MaxPool2d", "kernelSize", kernelSize, A.pair);
    const o = positional("MaxPool2d", args, ["stride", "padding", "dilation", "returnIndices", "ceilMode"], {
      stride: A.nullable(A.pair), padding: A.pair, dilation: A.pair, returnIndices: A.boolean, ceilMode: A.boolean,
    }) as { stride?: Pair | null; padding?: Pair; dilation?: Pair; returnIndices?: boolean; ceilMode?: boolean };
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.ceilMode = o.ceilMode ?? false;
    this.returnIndices = o.returnIndices ?? false;
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    const { stride, padding, dilation, ceilMode } = this;
    return this.returnIndices ? maxPool2d(x, this.kernelSize, { stride, padding, dilation, ceilMode, returnIndices: true }) : maxPool2d(x, this.kernelSize, { stride, padding, dilation, ceilMode });
  }
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** nn.AvgPool2d(kernel, { stride = kernel, padding = 0, ceilMode, countIncludePad = true, divisorOverride }): the mean of each window. */
export class AvgPool2d extends Module {
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  /** Options, or PyTorch's positional order (stride, padding, ceilMode, countIncludePad, divisorOverride). */
  constructor(kernelSize: Pair, options?: { stride?: Pair | null; padding?: Pair; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null });
  constructor(kernelSize: Pair, ...rest: unknown[]);
  constructor(readonly kernelSize: Pair, ...args: unknown[]) {
    super();
    A.checkArg("AvgPool2d", "kernelSize", kernelSize, A.pair);
    const o = positional("AvgPool2d", args, ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"], {
      stride: A.nullable(A.pair), padding: A.pair, ceilMode: A.boolean, countIncludePad: A.boolean, divisorOverride: A.nullable(A.integer),
    }) as { stride?: Pair | null; padding?: Pair; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null };
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    this.divisorOverride = o.divisorOverride ?? null;
  }
  override forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return avgPool2d(x, this.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride });
  }
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

/** nn.AdaptiveAvgPool2d(size): averages into an output of the given height and width, whatever the input size. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize, ...rest: never[]) {
    super();
    if (rest.length) throw new Error(`AdaptiveAvgPool2d: takes 1 argument (outputSize), got ${1 + rest.length}`);
  }
  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}

/** nn.MaxUnpool2d: forward(x, indices, outputSize?) puts each value back where max pooling found it. */
export class MaxUnpool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  /** Options, or PyTorch's positional order (stride, padding). */
  constructor(kernelSize: Pair, ...args: unknown[]) {
    super();
    const { stride, padding = 0 } = positional("MaxUnpool2d", args, ["stride", "padding"], { stride: A.nullable(A.pair), padding: A.pair }) as { stride?: Pair | null; padding?: Pair };
    this.kernelSize = pair(kernelSize, "kernel_size");
    this.stride = pair(stride ?? kernelSize, "stride");
    this.padding = pair(padding, "padding");
  }
  override forward(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool2d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

/** A 1-D pooling over [N, C, L] (or [C, L]) as the 2-D one over rows of height 1. */
function over1d(x: Tensor, pool2d: (x4: Tensor) => Tensor): Tensor {
  const batched = x.dim() === 3;
  if (!batched && x.dim() !== 2) throw new Error(`Expected 2D or 3D input to a 1-D pooling, got [${x.shape.join(", ")}]`);
  const y = pool2d((batched ? x : x.unsqueeze(0)).unsqueeze(2)).squeeze(2);
  return batched ? y : y.squeeze(0);
}

/** nn.MaxPool1d(kernel, stride = kernel, padding = 0, dilation = 1, returnIndices, ceilMode). */
export class MaxPool1d extends Module {
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly ceilMode: boolean;
  readonly returnIndices: boolean;
  constructor(kernelSize: number, options?: { stride?: number | null; padding?: number; dilation?: number; returnIndices?: boolean; ceilMode?: boolean });
  constructor(kernelSize: number, stride: number | null, padding?: number, dilation?: number, returnIndices?: boolean, ceilMode?: boolean);
  constructor(readonly kernelSize: number, ...args: unknown[]) {
    super();
    A.checkArg("MaxPool1d", "kernelSize", kernelSize, A.integer);
    const o = positional("MaxPool1d", args, ["stride", "padding", "dilation", "returnIndices", "ceilMode"], {
      stride: A.nullable(A.integer), padding: A.integer, dilation: A.integer, returnIndices: A.boolean, ceilMode: A.boolean,
    }) as { stride?: number | null; padding?: number; dilation?: number; returnIndices?: boolean; ceilMode?: boolean };
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.ceilMode = o.ceilMode ?? false;
    this.returnIndices = o.returnIndices ?? false;
  }
  override forward(x: Tensor): Tensor | [Tensor, Tensor] {
    const options = { stride: [1, this.stride], padding: [0, this.padding], dilation: [1, this.dilation], ceilMode: this.ceilMode } as const;
    if (!this.returnIndices) return over1d(x, (x4) => maxPool2d(x4, [1, this.kernelSize], options));
    let indices: Tensor | null = null;
    const values = over1d(x, (x4) => {
      const [v, i] = maxPool2d(x4, [1, this.kernelSize], { ...options, returnIndices: true });
      indices = i;
      return v;
    });
    return [values, indices!.reshape(values.shape)];
  }
  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** nn.AvgPool1d(kernel, stride = kernel, padding = 0, ceilMode, countIncludePad = true). */
export class AvgPool1d extends Module {
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  constructor(kernelSize: number, options?: { stride?: number | null; padding?: number; ceilMode?: boolean; countIncludePad?: boolean });
  constructor(kernelSize: number, stride: number | null, padding?: number, ceilMode?: boolean, countIncludePad?: boolean);
  constructor(readonly kernelSize: number, ...args: unknown[]) {
    super();
    A.checkArg("AvgPool1d", "kernelSize", kernelSize, A.integer);
    const o = positional("AvgPool1d", args, ["stride", "padding", "ceilMode", "countIncludePad"], {
      stride: A.nullable(A.integer), padding: A.integer, ceilMode: A.boolean, countIncludePad: A.boolean,
    }) as { stride?: number | null; padding?: number; ceilMode?: boolean; countIncludePad?: boolean };
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
  }
  override forward(x: Tensor): Tensor {
    const { ceilMode, countIncludePad } = this;
    return over1d(x, (x4) => avgPool2d(x4, [1, this.kernelSize], { stride: [1, this.stride], padding: [0, this.padding], ceilMode, countIncludePad }));
  }
  override extraRepr(): string {
    return `kernel_size=(${this.kernelSize},), stride=(${this.stride},), padding=(${this.padding},)`;
  }
}

/** nn.Upsample({ size | scaleFactor, mode = "nearest", alignCorners }): F.interpolate as a layer. */
export class Upsample extends Module {
  readonly options: InterpolateOptions;
  constructor(options: InterpolateOptions);
  constructor(...args: unknown[]) {
    super();
    this.options = positional("Upsample", args, ["size", "scaleFactor", "mode", "alignCorners"], {
      size: A.either(A.integer, A.numbers), scaleFactor: A.either(A.number, A.numbers), mode: A.oneOf("nearest", "linear", "bilinear"), alignCorners: A.nullable(A.boolean),
    }) as InterpolateOptions;
  }
  override forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    const factor = (v: number | readonly number[]) => (typeof v === "number" ? pyFloat(v) : `(${v.map(pyFloat).join(", ")})`);
    const what = o.scaleFactor !== undefined ? `scale_factor=${factor(o.scaleFactor)}` : `size=${pyValue(o.size as number)}`;
    return `${what}, mode='${o.mode ?? "nearest"}'`;
  }
}
