// A Storage is the memory under one or more tensors: a typed array of its dtype and the count of
// in-place changes made to it. A tensor is a storage seen through a shape, strides and an offset;
// views share their base's storage, so a write through any of them is seen by all, and autograd,
// which notes each saved tensor's version, notices it.
//
// Where the bytes live is decided here and nowhere else: an ordinary array, or, for float32 that
// lives as long as a model does (a parameter, its gradient, an optimiser's buffer), the kernels'
// own memory, which they then read where it is instead of copying it in and out.
import { allocLike, float32, type DataArray, type DType } from "./dtype.ts";
import { fillArray, isLongLived, longLivedFloat32, residentBlockOf, scopedArray } from "../kernels/index.ts";
import { noteStorage, releasedError, takeArray, useKernelMemory, type ScopedStorage } from "./tidy.ts";

useKernelMemory({ scopedArray, residentBlockOf });

/** torch.UntypedStorage's role: the memory under a tensor and its views, with their shared version count. */
export class Storage implements ScopedStorage {
  /** How many in-place changes this memory has seen (PyTorch's `_version`). */
  private versionValue = 0;
  /** How many of those autograd recorded, rewriting the history of what lives here: a view's node
   *  taken before such a change would give a stale gradient, and checks this to refuse. */
  private rewriteCount = 0;

  private arrayValue: DataArray;
  /** Kept beyond any torch.tidy (see tidy.ts): a parameter's, gradient's, optimiser's or buffer's
   *  memory, or one whose array user code took from `tensor.data`. */
  private pinnedValue = false;
  private releasedValue = false;

  constructor(array: DataArray) {
    this.arrayValue = array;
    noteStorage(this);
  }

  /** The typed array. Reading it after a torch.tidy reused it is an error. */
  get array(): DataArray {
    if (this.releasedValue) throw releasedError();
    return this.arrayValue;
  }

  /** A zeroed storage of `length` elements of `dtype`. `longLived` asks for memory the kernels can
   *  use in place (a parameter's): granted for float32 where there is room. */
  static zeros(dtype: DType, length: number, longLived = false): Storage {
    const array = longLived && dtype === float32 ? longLivedFloat32(length) : takeArray(dtype.ArrayType, length);
    const storage = new Storage(array);
    if (longLived) storage.pin();
    return storage;
  }

  // ---- torch.tidy's bookkeeping (tidy.ts) ----
  get bytes(): number {
    return this.arrayValue.byteLength;
  }
  get rawArray(): DataArray {
    return this.arrayValue;
  }
  get pinned(): boolean {
    return this.pinnedValue;
  }
  get released(): boolean {
    return this.releasedValue;
  }
  /** Whether this memory is a block torch.tidy took from the kernels' memory. */
  inScopedBlock(): boolean {
    return residentBlockOf(this.arrayValue) !== null;
  }
  /** Keeps this memory beyond every torch.tidy. */
  pin(): void {
    this.pinnedValue = true;
  }
  /** Marks this storage's memory as reused by torch.tidy: from now on reading it is an error. */
  release(): void {
    this.releasedValue = true;
  }

  /** A zeroed storage of `length` elements of this one's type that lives where this one lives: a
   *  parameter's gradient or optimiser buffer beside the parameter. */
  beside(length: number): Storage {
    const storage = new Storage(isLongLived(this.array) ? longLivedFloat32(length) : allocLike(this.array, length));
    storage.pin();
    return storage;
  }

  /** Whether this storage lives where `other` does (both in the kernels' memory, or neither). */
  livesBeside(other: Storage): boolean {
    return isLongLived(this.array) === isLongLived(other.array);
  }

  get version(): number {
    return this.versionValue;
  }

  /** Counts one in-place change. Every write to a storage outside an op's fresh output goes through here. */
  bump(): void {
    this.versionValue++;
  }

  get rewrites(): number {
    return this.rewriteCount;
  }

  /** Counts an in-place change that autograd recorded (after bump() has counted the write). */
  noteRewrite(): void {
    this.rewriteCount++;
  }

  /** Fills `array[start, start + length)` with `value` (by the kernels where that is faster). */
  fill(value: number, start = 0, length = this.array.length - start): void {
    if (start === 0 && length === this.array.length) fillArray(this.array, value);
    else this.array.fill(value, start, start + length);
  }
}
