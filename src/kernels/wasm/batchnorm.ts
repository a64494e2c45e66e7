// The binding of batchnorm.wat: batch normalisation of an input [N, C, inner], a group of samples
// at a time (as many as fit the memory budget with the arrays a pass needs), each channel by one
// call per group. The arrays are copied in and out.
import type { BatchNormLayout } from "../js/batchnorm.ts";
import { KernelMemory, Layout, memoryBudget, regionBytes, tooLarge } from "./memory.ts";
import { batchnormWat } from "./wat.generated.ts";

type I = number; // a count or a byte address in the shared memory
interface BatchNormExports {
  channel_sum(x: I, samples: I, channels: I, inner: I, c: I, shift: number, squares: I): number;
  channel_normalize(x: I, out: I, samples: I, channels: I, inner: I, c: I, mean: number, invStd: number, weight: number, bias: number): void;
  channel_grad_sums(g: I, x: I, samples: I, channels: I, inner: I, c: I, mean: number, invStd: number, result: I): void;
  channel_grad_input(g: I, x: I, dx: I, samples: I, channels: I, inner: I, c: I, mean: number, invStd: number, k: number, count: number, sumG: number, sumGxHat: number): void;
}

export class BatchNormBinding {
  private readonly kernel: BatchNormExports;

  constructor(private readonly mem: KernelMemory) {
    this.kernel = mem.instantiate<BatchNormExports>(batchnormWat, "batchnorm.wat");
  }

  /** Calls `run(samples, at, scratch)` for groups of samples, each group's pieces of `read` copied
   *  in first and of `write` copied out after; `at(array)` is its region's byte address, and
   *  `scratch` that of `scratchBytes` more. */
  private inGroups(layout: BatchNormLayout, read: readonly Float32Array[], write: readonly Float32Array[], scratchBytes: number,
    run: (samples: number, at: (array: Float32Array) => number, scratch: number) => void): void {
    const arrays = read.concat(write.filter((a) => !read.includes(a)));
    if (this.mem.allResident(arrays)) {
      // the whole batch where it is: only the scratch is laid out
      const L = new Layout();
      const scratch = L.take(scratchBytes / 4);
      this.mem.reserve(L.end);
      return run(layout.batch, (a) => this.mem.addressOf(a), scratch);
    }
    const per = layout.channels * layout.inner; // floats a sample holds
    const group = this.groupSize(layout, arrays.length, scratchBytes);
    for (let b0 = 0; b0 < layout.batch; b0 += group) {
      const samples = Math.min(group, layout.batch - b0);
      const L = new Layout();
      const regions = arrays.map(() => L.take(samples * per));
      const scratch = L.take(scratchBytes / 4);
      const h = this.mem.reserve(L.end);
      const at = (a: Float32Array) => regions[arrays.indexOf(a)]!;
      for (const a of read) h.set(a.subarray(b0 * per, (b0 + samples) * per), at(a) / 4);
      run(samples, at, scratch);
      for (const a of write) a.set(h.subarray(at(a) / 4, at(a) / 4 + samples * per), b0 * per);
    }
  }

  /** Samples per group when a pass needs `arrays` arrays and `scratchBytes` more. */
  private groupSize(layout: BatchNormLayout, arrays: number, scratchBytes: number): number {
    const perSample = arrays * regionBytes(layout.channels * layout.inner);
    if (perSample + scratchBytes > memoryBudget()) throw tooLarge("batch_norm", perSample + scratchBytes);
    return Math.max(1, Math.min(layout.batch, Math.floor((memoryBudget() - scratchBytes) / perSample)));
  }

  /** Each group's mean and squared distances from it, in the memory; groups after the first are
   *  merged in as Chan, Golub and LeVeque combine partial variances, so x is copied in once. */
  batchNormStatistics(x: Float32Array, layout: BatchNormLayout, mean: Float64Array, squares: Float64Array): void {
    const { channels, inner } = layout;
    let seen = 0;
    this.inGroups(layout, [x], [], 0, (samples, at) => {
      const count = samples * inner;
      for (let c = 0; c < channels; c++) {
        const m = this.kernel.channel_sum(at(x), samples, channels, inner, c, 0, 0) / count;
        const q = this.kernel.channel_sum(at(x), samples, channels, inner, c, m, 1);
        if (seen === 0) {
          mean[c] = m;
          squares[c] = q;
        } else {
          const delta = m - mean[c]!, total = seen + count;
          mean[c] = mean[c]! + (delta * count) / total;
          squares[c] = squares[c]! + q + (delta * delta * seen * count) / total;
        }
      }
      seen += count;
    });
  }

  batchNormNormalize(x: Float32Array, layout: BatchNormLayout, mean: Float64Array, invStd: Float64Array,
    weight: Float32Array | null, bias: Float32Array | null, out: Float32Array): void {
    const { channels, inner } = layout;
    this.inGroups(layout, [x], [out], 0, (samples, at) => {
      for (let c = 0; c < channels; c++) {
        this.kernel.channel_normalize(at(x), at(out), samples, channels, inner, c, mean[c]!, invStd[c]!, weight ? weight[c]! : 1, bias ? bias[c]! : 0);
      }
    });
  }

  batchNormBackward(g: Float32Array, x: Float32Array, layout: BatchNormLayout, weight: Float32Array | null, mean: Float64Array, invStd: Float64Array,
    training: boolean, gradInput: Float32Array, gradWeight: Float32Array, gradBias: Float32Array): void {
    const { channels, inner } = layout, count = layout.batch * inner;
    const sumG = new Float64Array(channels), sumGxHat = new Float64Array(channels);
    const sums = (samples: number, at: (a: Float32Array) => number, scratch: number) => {
      for (let c = 0; c < channels; c++) {
        this.kernel.channel_grad_sums(at(g), at(x), samples, channels, inner, c, mean[c]!, invStd[c]!, scratch);
        const pair = new Float64Array(this.mem.memory.buffer, scratch, 2);
        sumG[c] = sumG[c]! + pair[0]!;
        sumGxHat[c] = sumGxHat[c]! + pair[1]!;
      }
    };
    const inputGradients = (samples: number, at: (a: Float32Array) => number) => {
      for (let c = 0; c < channels; c++) {
        const w = weight ? weight[c]! : 1;
        const k = training ? (w * invStd[c]!) / count : w * invStd[c]!;
        this.kernel.channel_grad_input(at(g), at(x), at(gradInput), samples, channels, inner, c, mean[c]!, invStd[c]!, k, training ? count : 0, sumG[c]!, sumGxHat[c]!);
      }
    };
    if (this.mem.allResident([g, x, gradInput]) || this.groupSize(layout, 3, 16) >= layout.batch) {
      // the whole batch at once: the sums, then the input's gradient, from one copy in
      this.inGroups(layout, [g, x], [gradInput], 16, (samples, at, scratch) => (sums(samples, at, scratch), inputGradients(samples, at)));
    } else {
      this.inGroups(layout, [g, x], [], 16, sums);
      this.inGroups(layout, [g, x], [gradInput], 0, inputGradients);
    }
    for (let c = 0; c < channels; c++) {
      gradBias[c] = sumG[c]!;
      gradWeight[c] = sumGxHat[c]!;
    }
  }
}
