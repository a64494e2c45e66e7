// The binding of pool.wat: max pooling on Float32Arrays, forward and backward, a group of
// (batch, channel) planes at a time, as many as fit the memory budget. 2x2 windows with stride 2
// take the SIMD kernel (four windows at a time, then the rest of a row one by one), any other
// window the general one; the backward is one scatter-add per output.
import type { Pool2dGeometry } from "../types.ts";
import { KernelMemory, Layout, memoryBudget, regionBytes, tooLarge } from "./memory.ts";
import { poolWat } from "./wat.generated.ts";

type I = number; // an i32 argument: a count, a flag, or a byte address in the shared memory
interface PoolExports {
  max_pool_2x2(input: I, out: I, arg: I, planes: I, H: I, W: I, OH: I, OW: I): void;
  max_pool(input: I, out: I, arg: I, planes: I, H: I, W: I, KH: I, KW: I, SH: I, SW: I, PH: I, PW: I, OH: I, OW: I): void;
  max_pool_backward(g: I, arg: I, dx: I, planes: I, inPlane: I, outPlane: I): void;
}

export class PoolBinding {
  private readonly kernel: PoolExports;

  constructor(private readonly mem: KernelMemory) {
    this.kernel = mem.instantiate<PoolExports>(poolWat, "pool.wat");
  }

  /** Max pooling, a group of (batch, channel) planes at a time, as many as fit the budget. */
  maxPool2d(input: Float32Array, out: Float32Array, argmax: Int32Array, g: Pool2dGeometry): void {
    const twoByTwo = g.kernelHeight === 2 && g.kernelWidth === 2 && g.strideH === 2 && g.strideW === 2 &&
      g.padH === 0 && g.padW === 0 && g.dilationH === 1 && g.dilationW === 1 && 2 * g.outHeight <= g.inHeight && 2 * g.outWidth <= g.inWidth;
    if (this.mem.allResident([input, out, argmax])) {
      // every plane where it is
      const [inAt, outAt, argAt] = [input, out, argmax].map((a) => this.mem.addressOf(a)) as [number, number, number];
      const planes = g.batch * g.channels;
      if (twoByTwo) this.kernel.max_pool_2x2(inAt, outAt, argAt, planes, g.inHeight, g.inWidth, g.outHeight, g.outWidth);
      else this.kernel.max_pool(inAt, outAt, argAt, planes, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth, g.strideH, g.strideW, g.padH, g.padW, g.outHeight, g.outWidth);
      return;
    }
    this.inPlaneGroups(g, "max_pool2d", (p0, count, inPlane, outPlane) => {
      const L = new Layout();
      const inAt = L.take(count * inPlane), outAt = L.take(count * outPlane), argAt = L.take(count * outPlane);
      const h = this.mem.reserve(L.end);
      h.set(input.subarray(p0 * inPlane, (p0 + count) * inPlane), inAt / 4);
      if (twoByTwo) this.kernel.max_pool_2x2(inAt, outAt, argAt, count, g.inHeight, g.inWidth, g.outHeight, g.outWidth);
      else this.kernel.max_pool(inAt, outAt, argAt, count, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth, g.strideH, g.strideW, g.padH, g.padW, g.outHeight, g.outWidth);
      out.set(h.subarray(outAt / 4, outAt / 4 + count * outPlane), p0 * outPlane);
      argmax.set(new Int32Array(this.mem.memory.buffer, argAt, count * outPlane), p0 * outPlane);
    });
  }

  /** gradInput = scatter-add of gradOut through argmax (overwrites gradInput), in groups of planes. */
  maxPool2dBackward(gradOut: Float32Array, argmax: Int32Array, gradInput: Float32Array, g: Pool2dGeometry): void {
    if (g.outHeight * g.outWidth === 0) gradInput.fill(0, 0, g.batch * g.channels * g.inHeight * g.inWidth); // no window: no gradient
    if (this.mem.allResident([gradOut, argmax, gradInput]) && g.outHeight * g.outWidth > 0) {
      const [gAt, argAt, dxAt] = [gradOut, argmax, gradInput].map((a) => this.mem.addressOf(a)) as [number, number, number];
      this.kernel.max_pool_backward(gAt, argAt, dxAt, g.batch * g.channels, g.inHeight * g.inWidth, g.outHeight * g.outWidth);
      return;
    }
    this.inPlaneGroups(g, "max_pool2d backward", (p0, count, inPlane, outPlane) => {
      const L = new Layout();
      const gAt = L.take(count * outPlane), argAt = L.take(count * outPlane), dxAt = L.take(count * inPlane);
      const h = this.mem.reserve(L.end);
      h.set(gradOut.subarray(p0 * outPlane, (p0 + count) * outPlane), gAt / 4);
      new Int32Array(this.mem.memory.buffer, argAt, count * outPlane).set(argmax.subarray(p0 * outPlane, (p0 + count) * outPlane));
      this.kernel.max_pool_backward(gAt, argAt, dxAt, count, inPlane, outPlane);
      gradInput.set(h.subarray(dxAt / 4, dxAt / 4 + count * inPlane), p0 * inPlane);
    });
  }

  /** Calls `run` for groups of (batch, channel) planes [p0, p0 + count), as many at a time as fit the
   *  budget with an input plane and two output planes (values and argmax) each. */
  private inPlaneGroups(g: Pool2dGeometry, what: string, run: (p0: number, count: number, inPlane: number, outPlane: number) => void): void {
    const planes = g.batch * g.channels, inPlane = g.inHeight * g.inWidth, outPlane = g.outHeight * g.outWidth;
    if (planes === 0 || inPlane === 0 || outPlane === 0) return;
    const perPlane = regionBytes(inPlane) + 2 * regionBytes(outPlane);
    if (perPlane > memoryBudget()) throw tooLarge(what, perPlane);
    const group = Math.min(planes, Math.floor(memoryBudget() / perPlane));
    for (let p0 = 0; p0 < planes; p0 += group) run(p0, Math.min(group, planes - p0), inPlane, outPlane);
  }
}
