// torch.tidy: memory a step made, given back when the step ends.
//
// PyTorch frees a tensor's memory the moment its last reference goes (CPython counts them). A
// JavaScript library cannot learn that while a loop runs: the garbage collector frees typed arrays
// when it likes, and a FinalizationRegistry says so only after the loop yields. Each training step
// then writes into memory it has never touched, which costs little under Node but a page fault per
// 4 KB in a browser. `tidy(fn)` is the promise that the tensors fn makes are not kept beyond it,
// except those it returns or `keep()`s: when fn returns, their arrays go into a pool, and the next
// step's ops take their outputs from there.
//
// Nothing reachable is ever reused silently:
// - only arrays this scope allocated (through `takeArray`) are reused, and only when no storage
//   that survives the scope (returned, kept, or handed out) lies over the same memory;
// - a storage whose memory was reused is marked released: reading it, through any tensor or view,
//   is an error that says why;
// - the autograd nodes recorded inside the scope are released too: backward through them is an
//   error (their closures may hold the arrays);
// - what the library itself keeps is kept: parameters, gradients (`.grad`), optimisers' state and
//   modules' buffers, and any array user code took from `tensor.data`.
import type { DataArray } from "./dtype.ts";
import type { ResidentBlock } from "../kernels/index.ts";

/** The kernels' memory for tidy's arrays, given by storage.ts (an import from here would make a
 *  cycle: the plain kernels allocate through dtype.ts, which uses this file). */
interface ScopedMemory {
  scopedArray<T extends Float32Array | Int32Array>(type: new (buffer: ArrayBufferLike, at: number, length: number) => T, length: number, zeroed: boolean): T | null;
  residentBlockOf(array: ArrayBufferView): ResidentBlock | null;
}
let kernelMemory: ScopedMemory | null = null;

/** Gives tidy the kernels' memory (storage.ts does, once). */
export function useKernelMemory(memory: ScopedMemory): void {
  kernelMemory = memory;
}

function residentBlockOf(array: ArrayBufferView): ResidentBlock | null {
  return kernelMemory ? kernelMemory.residentBlockOf(array) : null;
}

/** What the scope needs of a Storage (storage.ts implements it). */
export interface ScopedStorage {
  readonly bytes: number;
  /** Kept for good: a parameter's, a gradient's, an optimiser's or a buffer's memory, or one whose array user code holds. */
  readonly pinned: boolean;
  /** The array, whether or not released (for the scope's own bookkeeping). */
  readonly rawArray: DataArray;
  release(): void;
}

/** What the scope needs of an autograd node. */
export interface ScopedNode {
  releaseForTidy(): void;
}

/** A tensor as tidy sees what fn returns. */
interface ReturnedTensor {
  readonly storage: ScopedStorage;
  readonly gradFn: unknown;
}

/** What a scope keys memory on: an ordinary array's buffer, or the kernels' block an array lies in
 *  (many blocks share the kernels' one buffer). */
type MemoryKey = ArrayBufferLike | ResidentBlock;

function keyOf(array: DataArray): MemoryKey {
  return residentBlockOf(array) ?? array.buffer;
}

interface Scope {
  storages: ScopedStorage[];
  nodes: Set<unknown>;
  /** Arrays taken while this scope was the innermost one (or handed up to it), by their memory.
   *  One that no storage wraps is its taker's scratch, free when the scope ends. */
  taken: Map<MemoryKey, DataArray>;
  /** Bytes tracked (storages and arrays taken); past TRACK_LIMIT nothing more is. */
  bytes: number;
}

/** A scope holds what it tracks until it ends; past this many bytes (a whole epoch inside one
 *  tidy, say) it stops tracking, and the rest is freed by the garbage collector as without tidy. */
const TRACK_LIMIT = 512 * 1024 * 1024;
/** The most the pool holds; arrays given back beyond it are left to the garbage collector. */
const POOL_LIMIT = 256 * 1024 * 1024;
/** Memory under a storage no scope tracks: never reused, since a scope could not tombstone it. */
const untracked = new WeakSet<MemoryKey>();
/** Arrays shorter than this are not worth a block of the kernels' memory (a bias, a gradient of
 *  one): their kernels' work is small beside the call itself. */
const SMALLEST_SCOPED = 1024;

const scopes: Scope[] = [];

function innermost(): Scope | undefined {
  return scopes[scopes.length - 1];
}

// ---- the pool ----------------------------------------------------------------------------------

type ArrayMaker = new (length: number) => DataArray;

/** Free arrays by type and length (training steps ask for the same lengths step after step). */
const pool = new Map<ArrayMaker, Map<number, DataArray[]>>();
let pooledBytes = 0;

/** An array of `length` elements of `type`, zeroed unless `zeroed` is false (then its values are
 *  whatever the memory held): inside a tidy, float32 and int32 ones in the kernels' memory where it
 *  has room (the kernels then use them in place); else one a finished scope gave back, else a new one. */
export function takeArray<A extends DataArray>(type: new (length: number) => A, length: number, zeroed = true): A {
  const tracking = innermost(), scope = tracking && tracking.bytes <= TRACK_LIMIT ? tracking : undefined;
  const maker: unknown = type;
  if (scope && length >= SMALLEST_SCOPED && (maker === Float32Array || maker === Int32Array)) {
    const resident = kernelMemory?.scopedArray(type as unknown as typeof Float32Array, length, zeroed) as unknown as A | null;
    if (resident) {
      scope.taken.set(residentBlockOf(resident)!, resident);
      scope.bytes += resident.byteLength;
      return resident;
    }
  }
  const free = pool.get(type as ArrayMaker)?.get(length);
  let array: A;
  if (free && free.length > 0) {
    array = free.pop() as A;
    pooledBytes -= array.byteLength;
    if (zeroed) array.fill(0);
  } else {
    array = new type(length);
  }
  if (scope) {
    scope.taken.set(array.buffer, array);
    scope.bytes += array.byteLength;
  }
  return array;
}

function giveBack(array: DataArray): void {
  if (pooledBytes + array.byteLength > POOL_LIMIT) return;
  const type = array.constructor as ArrayMaker;
  let byLength = pool.get(type);
  if (!byLength) pool.set(type, (byLength = new Map()));
  let free = byLength.get(array.length);
  if (!free) byLength.set(array.length, (free = []));
  free.push(array);
  pooledBytes += array.byteLength;
}

/** Bytes waiting in the pool (for tests and the bench). */
export function pooledByteCount(): number {
  return pooledBytes;
}

/** Empties the pool (its arrays are then the garbage collector's). */
export function emptyPool(): void {
  pool.clear();
  pooledBytes = 0;
}

// ---- scopes ------------------------------------------------------------------------------------

/** Called by every new Storage. */
export function noteStorage(storage: ScopedStorage): void {
  const scope = innermost();
  if (!scope) return;
  if (scope.bytes > TRACK_LIMIT) untracked.add(keyOf(storage.rawArray));
  else track(scope, storage);
}

function track(scope: Scope, storage: ScopedStorage): void {
  scope.storages.push(storage);
  scope.bytes += storage.bytes;
}

/** Called by every new autograd node. */
export function noteNode(node: ScopedNode): void {
  innermost()?.nodes.add(node);
}

/** Runs fn; when it returns (or throws), the memory of the tensors it made goes back to the pool,
 *  except the tensors it returns (alone, or inside arrays, Maps and plain objects) and what is kept.
 *  fn must be synchronous, and a returned tensor may not carry a graph made inside. */
export function tidy<T>(fn: () => T): T {
  const scope: Scope = { storages: [], nodes: new Set(), taken: new Map(), bytes: 0 };
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    end(scope, []);
    throw error;
  }
  if (result instanceof Promise) {
    end(scope, []);
    throw new Error("tidy: fn returned a Promise; tidy takes a synchronous function (an async one's tensors would outlive the scope)");
  }
  const returned = returnedTensors(result);
  const carrying = returned.find((t) => t.gradFn !== null && scope.nodes.has(t.gradFn));
  end(scope, returned);
  if (carrying) {
    throw new Error(
      "tidy: fn returned a tensor whose grad_fn was made inside it, and the graph's memory is released when tidy ends; " +
        "call backward() inside the tidy, or return t.detach() (or a number, such as loss.item())",
    );
  }
  return result;
}

/** The tensors in a returned value: itself, or those in its arrays, Maps and plain objects, at any depth. */
function returnedTensors(value: unknown, found: ReturnedTensor[] = [], seen = new Set<unknown>()): ReturnedTensor[] {
  if (typeof value !== "object" || value === null || seen.has(value)) return found;
  seen.add(value);
  if ("storage" in value && "gradFn" in value) found.push(value as ReturnedTensor);
  else if (Array.isArray(value)) for (const v of value) returnedTensors(v, found, seen);
  else if (value instanceof Map) for (const v of value.values()) returnedTensors(v, found, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) returnedTensors(v, found, seen);
  return found;
}

// Every storage over memory a scope took is tracked by that scope by the time it ends (made inside
// it, or handed up from a scope inside it), so releasing memory marks every storage over it.
function end(scope: Scope, returned: readonly ReturnedTensor[]): void {
  scopes.pop();
  const outer = innermost();
  const surviving = new Set<ScopedStorage>(returned.map((t) => t.storage));
  const keys = new Map<ScopedStorage, MemoryKey>();
  for (const s of scope.storages) keys.set(s, keyOf(s.rawArray));
  const keyOfStorage = (s: ScopedStorage) => keys.get(s) ?? keyOf(s.rawArray);
  const pinned = new Set<MemoryKey>(), kept = new Set<MemoryKey>(), wrapped = new Set<MemoryKey>(keys.values());
  for (const s of scope.storages) if (s.pinned) pinned.add(keys.get(s)!);
  for (const s of surviving) kept.add(keyOfStorage(s));
  const released = new Set<MemoryKey>();
  for (const s of scope.storages) {
    const k = keys.get(s)!;
    if (pinned.has(k) || untracked.has(k)) continue; // never reused by any scope
    // memory a returned tensor lies over, or that an outer scope took: the outer one decides
    if (surviving.has(s) || kept.has(k) || !scope.taken.has(k)) {
      if (outer) {
        track(outer, s);
        const array = scope.taken.get(k);
        if (array) outer.taken.set(k, array);
      }
      continue;
    }
    s.release();
    released.add(k);
  }
  // the memory of released storages, and the scratch no storage wraps, goes back
  for (const [k, array] of scope.taken) {
    if (released.has(k) || !(wrapped.has(k) || pinned.has(k) || kept.has(k) || untracked.has(k))) reuse(k, array);
  }
  for (const node of scope.nodes) (node as ScopedNode).releaseForTidy();
}

/** Gives memory back: a block to the kernels' region, a whole array to the pool. */
function reuse(k: MemoryKey, array: DataArray): void {
  if ("region" in k) k.region.give(k);
  else if (array.byteOffset === 0 && array.byteLength === k.byteLength) giveBack(array);
}

/** The error a released storage raises when read. */
export function releasedError(): Error {
  return new Error(
    "this tensor was made inside torch.tidy(), whose memory is reused once it ends; " +
      "return the tensor from the tidy function, or call torch.keep(t) inside it, to keep it",
  );
}

/** Keeps `t`'s memory beyond every torch.tidy (as TensorFlow.js's tf.keep); returns `t`. */
export function keep<T extends { readonly storage: { pin(): void } }>(t: T): T {
  t.storage.pin();
  return t;
}
