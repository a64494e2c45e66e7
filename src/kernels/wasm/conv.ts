// The binding of conv.wat (im2col, col2im) and direct.wat (direct convolution loops): the three
// convolution kernels on Float32Arrays. Which runs is chosen per shape:
//   - direct.wat for stride 1 without padding or dilation, four output columns at a time (the
//     chapter-08 CNN's both layers): its forward pass at any channel count, its weight gradient up
//     to DIRECT_WEIGHT_GRAD_CHANNELS input channels, where it measured faster;
//   - otherwise im2col + one GEMM (gemm.ts), in pieces of the batch that fit the memory budget: within
//     a piece the columns of every image sit side by side in one K × (count·P) matrix (K = C·KH·KW
//     taps, P = output pixels per image); one image too large for the budget goes in bands of rows.
// kernels/js/conv.ts has the same im2col + product in plain loops, to read beside this.
import type { Conv2dGeometry } from "../types.ts";
import { jsBackend } from "../js/index.ts";
import type { GemmBinding } from "./gemm.ts";
import { KernelMemory, Layout, largestFitting, memoryBudget, regionBytes, tooLarge } from "./memory.ts";
import { convWat, directWat } from "./wat.generated.ts";
import { PARALLEL_MACS } from "./threads.ts";

type I = number; // an i32 argument: a count, a flag, or a byte address in the shared memory
type Walk = (img: I, col: I, ldcol: I, C: I, H: I, W: I, KH: I, KW: I,
  sH: I, sW: I, pH: I, pW: I, dH: I, dW: I, OH: I, OW: I) => void;
interface ColumnExports {
  pad_planes(src: I, dst: I, planes: I, H: I, W: I, dstH: I, dstW: I, top: I, left: I): void;
  crop_rows(src: I, dst: I, rows: I, srcW: I, W: I): void;
  im2col: Walk;
  col2im: Walk;
  /** col2im for stride 1 without padding or dilation, OW a multiple of 4 (see `dense`). */
  col2im_dense(img: I, col: I, ldcol: I, C: I, H: I, W: I, KH: I, KW: I, OH: I, OW: I): void;
  /** float64 sums[r % channels] += the sum of each of `rows` rows of `len` floats at src. */
  add_row_sums(src: I, rows: I, len: I, sums: I, channels: I): void;
}
type DirectConv = (a: I, b: I, c: I, N: I, C: I, H: I, W: I, OC: I, KH: I, KW: I, OH: I, OW: I) => void;
interface DirectExports {
  conv_forward(input: I, weight: I, bias: I, out: I, N: I, C: I, H: I, W: I, OC: I, KH: I, KW: I, OH: I, OW: I): void;
  conv_weight_grad: DirectConv;
}

/** A piece of a convolution: images [image, image + count), and output rows [row0, row1) of them
 *  (all rows when several images go together; a band of rows only when one image is too large). */
interface ConvPiece { image: number; count: number; row0: number; row1: number }

/** How a convolution is cut to fit the budget: output channels in blocks of `channels` (all of them
 *  unless the weights alone are too large), and the batch into pieces. `bytes(images, rows,
 *  channels)` is the memory of one piece. */
interface ConvPlan { channels: number; pieces: ConvPiece[] }

function convPlan(g: Conv2dGeometry, what: string, bytes: (images: number, rows: number, channels: number) => number): ConvPlan {
  const OC = g.outChannels;
  const channels = bytes(1, 1, OC) <= memoryBudget() ? OC : largestFitting(OC, (c) => bytes(1, 1, c));
  if (channels === 0) throw tooLarge(what, bytes(1, 1, 1));
  const pieces: ConvPiece[] = [];
  const fits = (images: number, rows: number) => bytes(images, rows, channels) <= memoryBudget();
  const perChunk = fits(g.batch, g.outHeight) ? g.batch : largestFitting(g.batch, (b) => bytes(b, g.outHeight, channels));
  if (perChunk > 0) {
    for (let i = 0; i < g.batch; i += perChunk) pieces.push({ image: i, count: Math.min(perChunk, g.batch - i), row0: 0, row1: g.outHeight });
    return { channels, pieces };
  }
  const rows = largestFitting(g.outHeight, (r) => bytes(1, r, channels));
  for (let i = 0; i < g.batch; i++) {
    for (let r = 0; r < g.outHeight; r += rows) pieces.push({ image: i, count: 1, row0: r, row1: Math.min(r + rows, g.outHeight) });
  }
  return { channels, pieces };
}

/** Each block [oc0, oc0 + count) of `channels` output channels out of `total`. */
function channelBlocks(total: number, channels: number): { oc0: number; count: number }[] {
  const blocks = [];
  for (let oc0 = 0; oc0 < total; oc0 += channels) blocks.push({ oc0, count: Math.min(channels, total - oc0) });
  return blocks;
}

/** Input rows [first, first + count) that output rows [row0, row1) read, padding rows included. */
function inputRowsOf(g: Conv2dGeometry, row0: number, row1: number): { first: number; count: number } {
  const first = row0 * g.strideH - g.padH;
  const last = (row1 - 1) * g.strideH - g.padH + g.dilationH * (g.kernelHeight - 1);
  return { first, count: last - first + 1 };
}

// Convolution as GEMMs over pieces of the batch: within a piece, the columns of every image sit
// side by side in one K × (count·P) matrix (K = C·KH·KW taps, P = output pixels per image).
const taps = (g: Conv2dGeometry) => g.inChannels * g.kernelHeight * g.kernelWidth;
const imageSize = (g: Conv2dGeometry) => g.inChannels * g.inHeight * g.inWidth;

/** Copies the piece's input into the memory at `at` and returns the geometry im2col/col2im see
 *  there: whole images as they are, or a band of input rows with its padding rows made explicit. */
function pieceInput(src: Float32Array | null, g: Conv2dGeometry, p: ConvPiece, h: Float32Array, at: number): Conv2dGeometry {
  const whole = p.row0 === 0 && p.row1 === g.outHeight;
  if (whole) {
    if (src) h.set(src.subarray(p.image * imageSize(g), (p.image + p.count) * imageSize(g)), at / 4);
    return { ...g, batch: p.count };
  }
  const { first, count } = inputRowsOf(g, p.row0, p.row1);
  const W = g.inWidth;
  for (let c = 0; c < g.inChannels; c++) {
    const bandAt = at / 4 + c * count * W;
    h.fill(0, bandAt, bandAt + count * W);
    if (!src) continue;
    const lo = Math.max(first, 0), hi = Math.min(first + count, g.inHeight);
    const plane = (p.image * g.inChannels + c) * g.inHeight * W;
    if (hi > lo) h.set(src.subarray(plane + lo * W, plane + hi * W), bandAt + (lo - first) * W);
  }
  return { ...g, batch: 1, inHeight: count, padH: 0, outHeight: p.row1 - p.row0 };
}
function walk(fn: Walk, g: Conv2dGeometry, imgAt: number, colAt: number): void {
  const P = g.outHeight * g.outWidth, N = g.batch * P;
  for (let i = 0; i < g.batch; i++) {
    fn(imgAt + 4 * i * imageSize(g), colAt + 4 * i * P, 4 * N,
      g.inChannels, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth,
      g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.outHeight, g.outWidth);
  }
}
/** Moves output channels [oc0, oc0 + ocs) of the piece's output-shaped data between the tensor
 *  layout [batch, OC, OH, OW] and the GEMM layout [ocs, count·rows·OW] at `at`, as `toMemory` says. */
function movePieceOutput(t: Float32Array, g: Conv2dGeometry, p: ConvPiece, oc0: number, ocs: number, h: Float32Array, at: number, toMemory: boolean): void {
  const P = g.outHeight * g.outWidth, band = (p.row1 - p.row0) * g.outWidth, N = p.count * band;
  for (let i = 0; i < p.count; i++) {
    for (let oc = 0; oc < ocs; oc++) {
      const from = ((p.image + i) * g.outChannels + oc0 + oc) * P + p.row0 * g.outWidth;
      const mem = at / 4 + oc * N + i * band;
      if (toMemory) h.set(t.subarray(from, from + band), mem);
      else t.set(h.subarray(mem, mem + band), from);
    }
  }
}
/** Input rows a band read, for the bytes of its band buffer. */
const pieceInputFloats = (g: Conv2dGeometry, images: number, rows: number) =>
  rows === g.outHeight ? images * imageSize(g) : g.inChannels * g.inWidth * inputRowsOf(g, 0, rows).count;
/** Columns of the piece's im2col matrix: its images times the output pixels of its rows. */
const columnCount = (g: Conv2dGeometry, p: ConvPiece) => p.count * (p.row1 - p.row0) * g.outWidth;
/** A convolution with nothing to compute (no images, no output pixels, no channels or taps): the js loops handle it. */
const nothingToCompute = (g: Conv2dGeometry) =>
  g.batch === 0 || g.outHeight <= 0 || g.outWidth <= 0 || g.outChannels === 0 || g.inChannels === 0 || g.kernelHeight * g.kernelWidth === 0;

/** Stride 1, no padding or dilation, and four output columns at a time: the shapes direct.wat's
 *  loops and conv.wat's col2im_dense take. */
function dense(g: Conv2dGeometry): boolean {
  return g.strideH === 1 && g.strideW === 1 && g.padH === 0 && g.padW === 0 && g.dilationH === 1 && g.dilationW === 1 && g.outWidth % 4 === 0;
}
/** A dense convolution whose whole call fits the budget: direct.wat's loops can run it. */
function directFits(g: Conv2dGeometry, floats: number): boolean {
  return dense(g) && regionBytes(floats) + 4096 <= memoryBudget();
}
/** Where direct.wat's weight gradient beats im2col + GEMM: up to 32 input channels. Measured at
 *  batch 20 and 8 (5x5 and 3x3 kernels): 1.2-1.8x faster up to 32 channels, 0.4-0.8x from 64 on,
 *  where each (channel, tap) pass streams the whole input again. Its forward pass measured as
 *  fast or faster at every channel count tried (1 to 128), so it has no such limit. */
const DIRECT_WEIGHT_GRAD_CHANNELS = 32;

/** A convolution of stride 1 without dilation as direct.wat's loops see it once its padding is
 *  made explicit (a padded copy of the input) and its output widened with zero columns to a
 *  multiple of four; null for any other stride or dilation. */
function explicitPadding(g: Conv2dGeometry): Conv2dGeometry | null {
  if (g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1) return null;
  const outWidth = Math.ceil(g.outWidth / 4) * 4;
  return { ...g, inHeight: g.inHeight + 2 * g.padH, inWidth: outWidth + g.kernelWidth - 1, padH: 0, padW: 0, outWidth };
}
/** Where a padded copy and direct.wat's loops beat im2col + GEMM. Measured 2026-12-08 (AMD EPYC,
 *  batch 64, 3x3 kernels, padding 1, forward and both gradients) on 1->16, 1->32, 3->16, 8->16,
 *  16->16, 16->32 and 32->32 channels: the forward pass up to 32 input channels (on wider layers,
 *  VGG's 64-512, the GEMM wins), where the product is too small to split over threads or its taps
 *  too few for the GEMM (see conv2d); the weight gradient only up to 8 input channels (at 16 even, at 32
 *  10 % slower); the input gradient (a convolution of gradOut with OC input channels and C output
 *  ones) up to 16 output channels and from 2 input ones (at C = 1 its pairs of channels run half
 *  empty, at OC = 32 the GEMM is ahead). */
const PADDED_DIRECT_CHANNELS = 32;
const PADDED_WEIGHT_GRAD_CHANNELS = 8;
/** A GEMM over this few taps (C * KH * KW, its inner dimension) runs its tiles mostly empty. */
const FEW_TAPS = 32;
const PADDED_INPUT_GRAD_OUT_CHANNELS = 16;
const paddedDirect = (g: Conv2dGeometry) =>
  !dense(g) && g.inChannels <= PADDED_DIRECT_CHANNELS && g.outChannels <= 2 * PADDED_DIRECT_CHANNELS ? explicitPadding(g) : null;

export class ConvolutionBinding {
  private readonly columns: ColumnExports;
  private readonly direct: DirectExports;

  constructor(private readonly mem: KernelMemory, private readonly gemm: GemmBinding) {
    this.columns = mem.instantiate<ColumnExports>(convWat, "conv.wat");
    this.direct = mem.instantiate<DirectExports>(directWat, "direct.wat");
  }

  conv2d(input: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array, g: Conv2dGeometry): void {
    if (nothingToCompute(g)) return jsBackend.conv2d(input, weight, bias, out, g);
    const inSize = g.batch * imageSize(g), wSize = g.outChannels * taps(g), outSize = g.batch * g.outChannels * g.outHeight * g.outWidth;
    if (directFits(g, inSize + wSize + g.outChannels + outSize + 12)) {
      const L = new Layout();
      const inAt = L.take(inSize), wAt = L.take(wSize), bAt = L.take(g.outChannels), outAt = L.take(outSize);
      const h = this.mem.reserve(L.end);
      h.set(input.subarray(0, inSize), inAt / 4);
      h.set(weight.subarray(0, wSize), wAt / 4);
      if (bias) h.set(bias.subarray(0, g.outChannels), bAt / 4);
      else h.fill(0, bAt / 4, bAt / 4 + g.outChannels);
      this.direct.conv_forward(inAt, wAt, bAt, outAt, g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.kernelHeight, g.kernelWidth, g.outHeight, g.outWidth);
      out.set(h.subarray(outAt / 4, outAt / 4 + outSize));
      return;
    }
    // The direct loops run on one thread, so a product large enough to be split goes to the GEMM,
    // unless its taps are so few that the GEMM is slow at any thread count. The choice depends on
    // the shape alone, so the bits never depend on the thread count.
    const macs = g.outChannels * g.batch * g.outHeight * g.outWidth * taps(g);
    const pg = taps(g) <= FEW_TAPS || macs < PARALLEL_MACS ? paddedDirect(g) : null;
    if (pg) {
      const N = g.batch, C = g.inChannels, OC = g.outChannels, wide = N * OC * pg.outHeight * pg.outWidth;
      const L = new Layout();
      const inAt = L.take(N * C * pg.inHeight * pg.inWidth), wAt = L.take(wSize), bAt = L.take(OC), outAt = L.take(wide);
      const scratch = L.take(Math.max(this.mem.addressOf(input) >= 0 ? 0 : inSize, this.mem.addressOf(out) >= 0 ? 0 : outSize));
      if (L.end - Layout.START <= memoryBudget()) {
        const h = this.mem.reserve(L.end);
        this.padInto(h, input, N * C, g.inHeight, g.inWidth, pg.inHeight, pg.inWidth, g.padH, g.padW, inAt, scratch);
        h.set(weight.subarray(0, wSize), wAt / 4);
        if (bias) h.set(bias.subarray(0, OC), bAt / 4);
        else h.fill(0, bAt / 4, bAt / 4 + OC);
        this.direct.conv_forward(inAt, wAt, bAt, outAt, N, C, pg.inHeight, pg.inWidth, OC, g.kernelHeight, g.kernelWidth, pg.outHeight, pg.outWidth);
        this.cropInto(h, out, N * OC * g.outHeight, pg.outWidth, g.outWidth, outAt, scratch);
        return;
      }
    }
    const K = taps(g);
    const bytes = (images: number, rows: number, ocs: number) => {
      const N = images * rows * g.outWidth;
      return regionBytes(pieceInputFloats(g, images, rows)) + regionBytes(K * N) + regionBytes(ocs * K) + regionBytes(ocs * N) + regionBytes(this.gemm.workFloats(ocs, N, K));
    };
    const plan = convPlan(g, "conv2d", bytes);
    for (const p of plan.pieces) {
      const N = columnCount(g, p);
      const L = new Layout();
      const inAt = L.take(pieceInputFloats(g, p.count, p.row1 - p.row0)), colAt = L.take(K * N);
      const wAt = L.take(plan.channels * K), outAt = L.take(plan.channels * N), work = L.take(this.gemm.workFloats(plan.channels, N, K));
      const h = this.mem.reserve(L.end);
      walk(this.columns.im2col, pieceInput(input, g, p, h, inAt), inAt, colAt);
      for (const { oc0, count } of channelBlocks(g.outChannels, plan.channels)) {
        h.set(weight.subarray(oc0 * K, (oc0 + count) * K), wAt / 4);
        // Start each output row at its bias and let the GEMM add W·col onto it.
        if (bias) for (let oc = 0; oc < count; oc++) h.fill(bias[oc0 + oc]!, outAt / 4 + oc * N, outAt / 4 + (oc + 1) * N);
        this.gemm.run(0, 0, count, N, K, wAt, colAt, outAt, bias ? 1 : 0, work);
        movePieceOutput(out, g, p, oc0, count, h, outAt, false);
      }
    }
  }

  conv2dBackwardInput(gradOut: Float32Array, weight: Float32Array, gradInput: Float32Array, g: Conv2dGeometry): void {
    if (nothingToCompute(g)) return jsBackend.conv2dBackwardInput(gradOut, weight, gradInput, g);
    if (this.backwardInputDirect(gradOut, weight, gradInput, g)) return;
    const K = taps(g);
    const bytes = (images: number, rows: number, ocs: number) => {
      const N = images * rows * g.outWidth;
      return regionBytes(ocs * K) + regionBytes(ocs * N) + regionBytes(K * N) + regionBytes(pieceInputFloats(g, images, rows)) + regionBytes(this.gemm.workBytes(N, ocs) / 4);
    };
    const plan = convPlan(g, "conv2d backward", bytes);
    if (plan.pieces.some((p) => p.row1 - p.row0 < g.outHeight)) gradInput.fill(0, 0, g.batch * imageSize(g)); // bands add into it
    for (const p of plan.pieces) {
      const N = columnCount(g, p);
      const L = new Layout();
      const wAt = L.take(plan.channels * K), gAt = L.take(plan.channels * N), colAt = L.take(K * N);
      const inAt = L.take(pieceInputFloats(g, p.count, p.row1 - p.row0)), work = L.take(this.gemm.workBytes(N, plan.channels) / 4);
      const h = this.mem.reserve(L.end);
      // gradCol[K × N] = Wᵀ · gradOut, summed over the blocks of output channels: W is stored OC × K,
      // i.e. transposed for this product.
      for (const { oc0, count } of channelBlocks(g.outChannels, plan.channels)) {
        movePieceOutput(gradOut, g, p, oc0, count, h, gAt, true);
        h.set(weight.subarray(oc0 * K, (oc0 + count) * K), wAt / 4);
        this.gemm.run(1, 0, K, N, count, wAt, gAt, colAt, oc0 > 0 ? 1 : 0, work);
      }
      const pg = pieceInput(null, g, p, h, inAt); // a zeroed input region of the piece's shape
      const whole = p.row1 - p.row0 === g.outHeight;
      if (whole) h.fill(0, inAt / 4, inAt / 4 + p.count * imageSize(g));
      if (whole && dense(g)) this.col2imDense(pg, inAt, colAt);
      else walk(this.columns.col2im, pg, inAt, colAt);
      if (whole) {
        gradInput.set(h.subarray(inAt / 4, inAt / 4 + p.count * imageSize(g)), p.image * imageSize(g));
        continue;
      }
      // a band: add its rows (the real ones, not the padding) into the image's gradient
      const { first, count } = inputRowsOf(g, p.row0, p.row1);
      const W = g.inWidth, lo = Math.max(first, 0), hi = Math.min(first + count, g.inHeight);
      for (let c = 0; c < g.inChannels; c++) {
        const plane = (p.image * g.inChannels + c) * g.inHeight * W;
        const bandAt = inAt / 4 + c * count * W + (lo - first) * W;
        for (let j = 0, at = plane + lo * W; j < (hi - lo) * W; j++) gradInput[at + j] = gradInput[at + j]! + h[bandAt + j]!;
      }
    }
  }

  /** The input gradient by direct.wat's forward loops, where paddedDirect allows: a stride-1
   *  convolution's input gradient is the convolution of gradOut, padded by (kernel - 1 - padding),
   *  with the weights flipped and their channel axes swapped. False where it does not apply. */
  private backwardInputDirect(gradOut: Float32Array, weight: Float32Array, gradInput: Float32Array, g: Conv2dGeometry): boolean {
    const pg = paddedDirect(g);
    const top = g.kernelHeight - 1 - g.padH, left = g.kernelWidth - 1 - g.padW;
    if (!pg || top < 0 || left < 0 || g.inChannels < 2 || g.outChannels > PADDED_INPUT_GRAD_OUT_CHANNELS) return false;
    const N = g.batch, C = g.inChannels, OC = g.outChannels, KH = g.kernelHeight, KW = g.kernelWidth;
    const wide = Math.ceil(g.inWidth / 4) * 4, gH = g.outHeight + 2 * top, gW = wide + KW - 1;
    const outSize = N * OC * g.outHeight * g.outWidth, inSize = N * imageSize(g);
    const L = new Layout();
    const gAt = L.take(N * OC * gH * gW), wAt = L.take(C * OC * KH * KW), zeroAt = L.take(C), dxAt = L.take(N * C * g.inHeight * wide);
    const scratch = L.take(Math.max(this.mem.addressOf(gradOut) >= 0 ? 0 : outSize, this.mem.addressOf(gradInput) >= 0 ? 0 : inSize));
    if (L.end - Layout.START > memoryBudget()) return false;
    const h = this.mem.reserve(L.end);
    this.padInto(h, gradOut, N * OC, g.outHeight, g.outWidth, gH, gW, top, left, gAt, scratch);
    // flipped[c][oc][a][b] = weight[oc][c][KH - 1 - a][KW - 1 - b]
    for (let c = 0; c < C; c++) {
      for (let oc = 0; oc < OC; oc++) {
        for (let a = 0; a < KH; a++) {
          for (let b = 0; b < KW; b++) h[wAt / 4 + ((c * OC + oc) * KH + a) * KW + b] = weight[((oc * C + c) * KH + KH - 1 - a) * KW + KW - 1 - b]!;
        }
      }
    }
    h.fill(0, zeroAt / 4, zeroAt / 4 + C);
    this.direct.conv_forward(gAt, wAt, zeroAt, dxAt, N, OC, gH, gW, C, KH, KW, g.inHeight, wide);
    this.cropInto(h, gradInput, N * C * g.inHeight, wide, g.inWidth, dxAt, scratch);
    return true;
  }

  /** Copies `planes` planes of H x W from `src` into the memory at `at` as planes of dstH x dstW,
   *  starting at row `top` and column `left`, zeros around (src is read where it is when it lives
   *  in this memory, else copied to `scratch` first). */
  private padInto(h: Float32Array, src: Float32Array, planes: number, H: number, W: number, dstH: number, dstW: number, top: number, left: number, at: number, scratch: number): void {
    let srcAt = this.mem.addressOf(src);
    if (srcAt < 0) {
      h.set(src.subarray(0, planes * H * W), scratch / 4);
      srcAt = scratch;
    }
    this.columns.pad_planes(srcAt, at, planes, H, W, dstH, dstW, top, left);
  }

  /** Writes `rows` rows computed `wide` floats wide at `at` into `dst`, cut to `width` (straight
   *  into dst when it lives in this memory, else through `scratch`). */
  private cropInto(h: Float32Array, dst: Float32Array, rows: number, wide: number, width: number, at: number, scratch: number): void {
    const dstAt = this.mem.addressOf(dst);
    if (dstAt >= 0) return this.columns.crop_rows(at, dstAt, rows, wide, width);
    if (wide !== width) {
      this.columns.crop_rows(at, scratch, rows, wide, width);
      at = scratch;
    }
    dst.set(h.subarray(at / 4, at / 4 + rows * width));
  }

  private col2imDense(g: Conv2dGeometry, imgAt: number, colAt: number): void {
    const P = g.outHeight * g.outWidth, N = g.batch * P;
    for (let i = 0; i < g.batch; i++) {
      this.columns.col2im_dense(imgAt + 4 * i * imageSize(g), colAt + 4 * i * P, 4 * N,
        g.inChannels, g.inHeight, g.inWidth, g.kernelHeight, g.kernelWidth, g.outHeight, g.outWidth);
    }
  }

  conv2dBackwardWeight(input: Float32Array, gradOut: Float32Array, gradWeight: Float32Array, g: Conv2dGeometry, gradBias: Float32Array | null = null): void {
    if (nothingToCompute(g)) return jsBackend.conv2dBackwardWeight(input, gradOut, gradWeight, g, gradBias);
    const OC = g.outChannels, inSize = g.batch * imageSize(g), wSize = OC * taps(g), outSize = g.batch * OC * g.outHeight * g.outWidth;
    // The bias gradient is summed from gradOut where it has been copied in anyway, into float64
    // sums that sit first (2 floats each) so they stay put from piece to piece.
    // The room for the sums counts in every plan, asked for or not: the plan (and so the order the
    // pieces add up in, and the weight gradient's bits) must not depend on whether the bias's is wanted.
    const sumFloats = gradBias ? 2 * OC : 0, plannedSums = 2 * OC;
    if (g.inChannels <= DIRECT_WEIGHT_GRAD_CHANNELS && directFits(g, plannedSums + inSize + outSize + wSize + 16)) {
      const L = new Layout();
      const sumsAt = L.take(sumFloats), inAt = L.take(inSize), gAt = L.take(outSize), dwAt = L.take(wSize);
      const h = this.mem.reserve(L.end);
      h.set(input.subarray(0, inSize), inAt / 4);
      h.set(gradOut.subarray(0, outSize), gAt / 4);
      this.direct.conv_weight_grad(inAt, gAt, dwAt, g.batch, g.inChannels, g.inHeight, g.inWidth, OC, g.kernelHeight, g.kernelWidth, g.outHeight, g.outWidth);
      gradWeight.set(h.subarray(dwAt / 4, dwAt / 4 + wSize));
      if (gradBias) {
        h.fill(0, sumsAt / 4, sumsAt / 4 + sumFloats);
        this.columns.add_row_sums(gAt, g.batch * OC, g.outHeight * g.outWidth, sumsAt, OC);
        gradBias.set(new Float64Array(this.mem.memory.buffer, sumsAt, OC));
      }
      return;
    }
    const pg = paddedDirect(g);
    if (pg && g.inChannels <= PADDED_WEIGHT_GRAD_CHANNELS) {
      const N = g.batch, C = g.inChannels, wide = N * OC * pg.outHeight * pg.outWidth;
      const L = new Layout();
      const sumsAt = L.take(plannedSums), inAt = L.take(N * C * pg.inHeight * pg.inWidth), gAt = L.take(wide), dwAt = L.take(wSize);
      const scratch = L.take(Math.max(this.mem.addressOf(input) >= 0 ? 0 : inSize, this.mem.addressOf(gradOut) >= 0 ? 0 : outSize));
      if (L.end - Layout.START <= memoryBudget()) {
        const h = this.mem.reserve(L.end);
        this.padInto(h, input, N * C, g.inHeight, g.inWidth, pg.inHeight, pg.inWidth, g.padH, g.padW, inAt, scratch);
        this.padInto(h, gradOut, N * OC, g.outHeight, g.outWidth, pg.outHeight, pg.outWidth, 0, 0, gAt, scratch); // zero columns add nothing
        this.direct.conv_weight_grad(inAt, gAt, dwAt, N, C, pg.inHeight, pg.inWidth, OC, g.kernelHeight, g.kernelWidth, pg.outHeight, pg.outWidth);
        gradWeight.set(h.subarray(dwAt / 4, dwAt / 4 + wSize));
        if (gradBias) {
          h.fill(0, sumsAt / 4, sumsAt / 4 + sumFloats);
          this.columns.add_row_sums(gAt, N * OC, pg.outHeight * pg.outWidth, sumsAt, OC);
          gradBias.set(new Float64Array(this.mem.memory.buffer, sumsAt, OC));
        }
        return;
      }
    }
    const K = taps(g);
    const bytes = (images: number, rows: number, ocs: number) => {
      const N = images * rows * g.outWidth;
      return regionBytes(plannedSums) + regionBytes(ocs * K) + regionBytes(pieceInputFloats(g, images, rows)) + regionBytes(K * N) + regionBytes(ocs * N) + regionBytes(this.gemm.workFloats(ocs, K, N));
    };
    const plan = convPlan(g, "conv2d backward", bytes);
    // one block of output channels at a time: its gradW sits next, at the same address for every
    // piece, and the pieces add up there
    for (const { oc0, count } of channelBlocks(OC, plan.channels)) {
      let gwAt = 0, sumsAt = 0;
      plan.pieces.forEach((p, index) => {
        const N = columnCount(g, p);
        const L = new Layout();
        sumsAt = L.take(sumFloats);
        gwAt = L.take(plan.channels * K);
        const inAt = L.take(pieceInputFloats(g, p.count, p.row1 - p.row0)), colAt = L.take(K * N);
        const gAt = L.take(plan.channels * N), work = L.take(this.gemm.workFloats(plan.channels, K, N));
        const h = this.mem.reserve(L.end);
        walk(this.columns.im2col, pieceInput(input, g, p, h, inAt), inAt, colAt);
        movePieceOutput(gradOut, g, p, oc0, count, h, gAt, true);
        // gradW[block × K] (+)= gradOut · colᵀ: col is stored K × N, i.e. transposed for this product.
        this.gemm.run(0, 1, count, K, N, gAt, colAt, gwAt, index > 0 ? 1 : 0, work);
        if (gradBias) {
          if (index === 0) h.fill(0, sumsAt / 4 + 2 * oc0, sumsAt / 4 + 2 * (oc0 + count));
          this.columns.add_row_sums(gAt, count, N, sumsAt + 8 * oc0, count); // gAt holds one row per channel
        }
      });
      gradWeight.set(this.mem.heap.subarray(gwAt / 4, gwAt / 4 + count * K), oc0 * K);
      if (gradBias) gradBias.set(new Float64Array(this.mem.memory.buffer, sumsAt + 8 * oc0, count), oc0);
    }
  }
}
