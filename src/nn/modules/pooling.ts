// Pooling layers: thin Modules over the functional forms in functional/pooling.ts. Their reprs print the
// arguments as given (an int as `2`, a pair as `(2, 2)`), as PyTorch does.
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, maxUnpool2d, type AdaptiveSize } from "../functional/pooling.ts";
import { pair, type Pair } from "../functional/conv.ts";
import { pyValue } from "../../python-repr.ts";

/** nn.MaxPool2d(kernel, { stride = kernel, padding = 0 }): the largest value of each window, on [N, C, H, W] or [C, H, W]. */
export class MaxPool2d extends Module {
  readonly stride: Pair;
  readonly padding: Pair;

  constructor(readonly kernelSize: Pair, { stride, padding = 0 }: { stride?: Pair | null; padding?: Pair } = {}) {
    super();
    this.stride = stride ?? kernelSize;
    this.padding = padding;
  }
  override forward(x: Tensor): Tensor {
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

  constructor(
    readonly kernelSize: Pair,
    { stride, padding = 0, countIncludePad = true }: { stride?: Pair | null; padding?: Pair; countIncludePad?: boolean } = {},
  ) {
    super();
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.countIncludePad = countIncludePad;
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

  constructor(kernelSize: Pair, { stride, padding = 0 }: { stride?: Pair | null; padding?: Pair } = {}) {
    super();
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
