// Pooling layers: thin Modules over the functional forms in functional/pooling.ts. Their reprs print the
// arguments as given (an int as `2`, a pair as `(2, 2)`), as PyTorch does.
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, maxUnpool2d, type AdaptiveSize } from "../functional/pooling.ts";
import { pair, type Pair } from "../functional/conv.ts";
import { pyFloat, pyValue } from "../../python-repr.ts";
import { interpolate, type InterpolateOptions } from "../functional/interpolate.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

/** PyTorch options these layers do not have yet: their defaults pass, anything else is refused
 *  (never ignored). */
function refuse(layer: string, options: Record<string, unknown>, defaults: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(defaults)) {
    if (options[key] !== undefined && options[key] !== value) throw new Error(`${layer}: ${key}=${String(options[key])} is not supported yet (only ${String(value)})`);
  }
}

/** nn.MaxPool2d(kernel, { stride = kernel, padding = 0 }): the largest value of each window, on [N, C, H, W] or [C, H, W]. */
export class MaxPool2d extends Module {
  readonly stride: Pair;
  readonly padding: Pair;

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
    refuse("MaxPool2d", o, { dilation: 1, ceilMode: false });
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.returnIndices = o.returnIndices ?? false;
  }
  override forward(x: Tensor): Tensor {
    if (this.returnIndices) {
      throw new Error("MaxPool2d with returnIndices gives [values, indices]: call nn.functional.maxPool2d(x, kernel, { returnIndices: true }) for them");
    }
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=1, ceil_mode=False`;
  }
}

/** nn.AvgPool2d(kernel, { stride = kernel, padding = 0, countIncludePad = true }): the mean of each window. */
export class AvgPool2d extends Module {
  readonly stride: Pair;
  readonly padding: Pair;
  readonly countIncludePad: boolean;

  /** Options, or PyTorch's positional order (stride, padding, ceilMode, countIncludePad, divisorOverride). */
  constructor(kernelSize: Pair, options?: { stride?: Pair | null; padding?: Pair; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null });
  constructor(kernelSize: Pair, ...rest: unknown[]);
  constructor(readonly kernelSize: Pair, ...args: unknown[]) {
    super();
    A.checkArg("AvgPool2d", "kernelSize", kernelSize, A.pair);
    const o = positional("AvgPool2d", args, ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"], {
      stride: A.nullable(A.pair), padding: A.pair, ceilMode: A.boolean, countIncludePad: A.boolean, divisorOverride: A.nullable(A.integer),
    }) as { stride?: Pair | null; padding?: Pair; countIncludePad?: boolean };
    refuse("AvgPool2d", o, { ceilMode: false, divisorOverride: null });
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.countIncludePad = o.countIncludePad ?? true;
  }
  override forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, countIncludePad: this.countIncludePad });
  }
  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

/** nn.AdaptiveAvgPool2d(size): averages into an output of the given height and width, whatever the input size. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
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

/** nn.MaxPool1d(kernel, stride = kernel, padding = 0). */
export class MaxPool1d extends Module {
  readonly stride: number;
  readonly padding: number;
  constructor(kernelSize: number, options?: { stride?: number | null; padding?: number; dilation?: number; returnIndices?: boolean; ceilMode?: boolean });
  constructor(kernelSize: number, stride: number | null, padding?: number);
  constructor(readonly kernelSize: number, ...args: unknown[]) {
    super();
    A.checkArg("MaxPool1d", "kernelSize", kernelSize, A.integer);
    const o = positional("MaxPool1d", args, ["stride", "padding", "dilation", "returnIndices", "ceilMode"], {
      stride: A.nullable(A.integer), padding: A.integer, dilation: A.integer, returnIndices: A.boolean, ceilMode: A.boolean,
    }) as { stride?: number | null; padding?: number };
    refuse("MaxPool1d", o, { dilation: 1, ceilMode: false, returnIndices: false });
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
  }
  override forward(x: Tensor): Tensor {
    return over1d(x, (x4) => maxPool2d(x4, [1, this.kernelSize], { stride: [1, this.stride], padding: [0, this.padding] }));
  }
  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=1, ceil_mode=False`;
  }
}

/** nn.AvgPool1d(kernel, stride = kernel, padding = 0, { countIncludePad = true }). */
export class AvgPool1d extends Module {
  readonly stride: number;
  readonly padding: number;
  readonly countIncludePad: boolean;
  constructor(kernelSize: number, options?: { stride?: number | null; padding?: number; ceilMode?: boolean; countIncludePad?: boolean });
  constructor(kernelSize: number, stride: number | null, padding?: number);
  constructor(readonly kernelSize: number, ...args: unknown[]) {
    super();
    A.checkArg("AvgPool1d", "kernelSize", kernelSize, A.integer);
    const o = positional("AvgPool1d", args, ["stride", "padding", "ceilMode", "countIncludePad"], {
      stride: A.nullable(A.integer), padding: A.integer, ceilMode: A.boolean, countIncludePad: A.boolean,
    }) as { stride?: number | null; padding?: number; countIncludePad?: boolean };
    refuse("AvgPool1d", o, { ceilMode: false });
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
    this.countIncludePad = o.countIncludePad ?? true;
  }
  override forward(x: Tensor): Tensor {
    return over1d(x, (x4) => avgPool2d(x4, [1, this.kernelSize], { stride: [1, this.stride], padding: [0, this.padding], countIncludePad: this.countIncludePad }));
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
