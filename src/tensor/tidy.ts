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

interface Scope {
  storages: ScopedStorage[];
  nodes: Set<unknown>;
  /** Buffers of arrays allocated while this scope was the innermost one (or handed up to it). */
  fresh: WeakSet<ArrayBufferLike>;
  /** Bytes of the storages tracked; past TRACK_LIMIT new ones are not tracked. */
  bytes: number;
}

/** A scope holds what it tracks until it ends; past this many bytes (a whole epoch inside one
 *  tidy, say) it stops tracking, and the rest is freed by the garbage collector as without tidy. */
const TRACK_LIMIT = 512 * 1024 * 1024;
/** The most the pool holds; arrays given back beyond it are left to the garbage collector. */
const POOL_LIMIT = 256 * 1024 * 1024;
/** Buffers under a storage no scope tracks: never reused, since a scope could not tombstone it. */
const untracked = new WeakSet<ArrayBufferLike>();

const scopes: Scope[] = [];

function innermost(): Scope | undefined {
  return scopes[scopes.length - 1];
}

// ---- the pool ----------------------------------------------------------------------------------

type ArrayMaker = new (length: number) => DataArray;

/** Free arrays by type and length (training steps ask for the same lengths step after step). */
const pool = new Map<ArrayMaker, Map<number, DataArray[]>>();
let pooledBytes = 0;

/** A zeroed array of `length` elements of `type`: one a finished scope gave back, else a new one. */
export function takeArray<A extends DataArray>(type: new (length: number) => A, length: number): A {
  const free = pool.get(type as ArrayMaker)?.get(length);
  let array: A;
  if (free && free.length > 0) {
    array = free.pop() as A;
    pooledBytes -= array.byteLength;
    array.fill(0);
  } else {
    array = new type(length);
  }
  innermost()?.fresh.add(array.buffer);
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
  if (scope.bytes > TRACK_LIMIT) untracked.add(storage.rawArray.buffer);
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

/** Whether a tidy is running (the engine asks before it pins a gradient). */
export function inTidy(): boolean {
  return scopes.length > 0;
}

/** Runs fn; when it returns (or throws), the memory of the tensors it made goes back to the pool,
 *  except the tensors it returns (alone, or inside arrays, Maps and plain objects) and what is kept.
 *  fn must be synchronous, and a returned tensor may not carry a graph made inside. */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new Error(`tidy: expected a function, got ${describe(fn)}`);
  const scope: Scope = { storages: [], nodes: new Set(), fresh: new WeakSet(), bytes: 0 };
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

// Every storage over memory a scope allocated is tracked by that scope by the time it ends (made
// inside it, or handed up from a scope inside it), so releasing a buffer marks every storage over it.
function end(scope: Scope, returned: readonly ReturnedTensor[]): void {
  scopes.pop();
  const outer = innermost();
  const surviving = new Set<ScopedStorage>(returned.map((t) => t.storage));
  const pinned = new Set<ArrayBufferLike>(), kept = new Set<ArrayBufferLike>();
  for (const s of scope.storages) if (s.pinned) pinned.add(s.rawArray.buffer);
  for (const s of surviving) kept.add(s.rawArray.buffer);
  const handUp = (s: ScopedStorage) => {
    if (!outer) return;
    track(outer, s);
    if (scope.fresh.has(s.rawArray.buffer)) outer.fresh.add(s.rawArray.buffer);
  };
  const reused = new Set<ArrayBufferLike>();
  for (const s of scope.storages) {
    const array = s.rawArray, buffer = array.buffer;
    if (pinned.has(buffer) || untracked.has(buffer)) continue; // never reused by any scope
    // memory a returned tensor lies over, or that an outer scope allocated: the outer one decides
    if (surviving.has(s) || kept.has(buffer) || !scope.fresh.has(buffer)) {
      handUp(s);
      continue;
    }
    s.release();
    if (!reused.has(buffer) && array.byteOffset === 0 && array.byteLength === buffer.byteLength) {
      reused.add(buffer);
      giveBack(array);
    }
  }
  for (const node of scope.nodes) (node as ScopedNode).releaseForTidy();
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value;
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
  if (typeof t !== "object" || t === null || !("storage" in t)) throw new Error(`keep: expected a Tensor, got ${describe(t)}`);
  t.storage.pin();
  return t;
}
