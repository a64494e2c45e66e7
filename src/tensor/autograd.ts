// The autograd engine: micrograd's idea grown up to tensors.
//
// Every op that sees an input requiring grad records a GradFn on its output: the op's name in
// PyTorch's spelling, the input tensors, a backward closure mapping the output's gradient to one
// gradient per input, and the tensors that closure will read (its saved tensors). Tensor.backward()
// sorts the graph topologically, seeds the root's gradient and walks it in reverse, summing
// gradients where a tensor fed several ops and accumulating into `.grad` at the leaves.
//
// Two rules keep a gradient from ever being silently wrong:
// - each saved tensor's version (the count of in-place changes to its memory) is noted when it is
//   saved and checked when backward needs it; a change in between is an error, not a wrong number;
// - backward releases what a node saved, so running it again without retainGraph is an error too.
//
// One shortcut saves a copy per parameter and step: when a leaf's `.grad` was zeroed (zeroGrad) and
// this node is the only one feeding it, the node is handed that storage and may write the gradient
// there directly (BackwardFn's `into`). Writing x over zeros gives x's own bits, so the result is
// the same as adding a fresh array into the zeros afterwards.
import { isKnownZero, Tensor } from "./tensor.ts";
import { arrayBeside } from "../kernels/index.ts";
import type { DataArray } from "./dtype.ts";

/** Maps the output's gradient to one gradient per input (null where none is needed). `into[i]`,
 *  when set, is zero-filled storage of input i's dtype and size where that input's gradient may be
 *  written: an op that does so returns a tensor over exactly that array. Ops may ignore it. */
export type BackwardFn = (grad: Tensor, into: readonly (DataArray | undefined)[]) => (Tensor | null)[];

interface SavedTensor {
  tensor: Tensor;
  version: number;
}

/** What an op saves for backward: tensors (checked for in-place changes) or plain numbers (a
 *  scalar operand: nothing to check, but saved all the same, so the node is freed after backward). */
export type Saved = Tensor | number | null;

/** PyTorch's `grad_fn`: a node of the backward graph. */
export class GradFn {
  private backwardFn: BackwardFn | null;
  private saved: SavedTensor[];
  /** Whether backward frees something here: then running this node twice is an error. */
  private readonly savesValues: boolean;
  /** True once backward has run through this node and freed what it saved. */
  private released = false;

  constructor(
    readonly name: string,
    readonly inputs: readonly Tensor[],
    backwardFn: BackwardFn,
    saved: readonly Saved[] = [],
    /** The tensor this node produced, to say "output 0 of Exp" when it was saved and then changed. */
    private readonly output: Tensor | null = null,
  ) {
    this.backwardFn = backwardFn;
    this.savesValues = saved.some((x) => x !== null);
    this.saved = saved.filter((t): t is Tensor => t !== null && typeof t !== "number").map((tensor) => ({ tensor, version: tensor._version }));
  }

  /** One `[node, 0]` pair per input, as PyTorch's `next_functions`: the input's own GradFn, an
   *  AccumulateGrad for a leaf that requires grad, or null for an input that needs no gradient. */
  get nextFunctions(): [GradFn | AccumulateGrad | null, number][] {
    return this.inputs.map((t, i) => {
      const node = t.gradFn ?? (t.requiresGrad ? accumulateGradOf(t) : null);
      return [node && this.transposed?.includes(i) ? transposeNodeOf(t) : node, 0];
    });
  }

  /** Inputs that PyTorch reaches through a transposed view (Linear's weight): shown behind a TBackward0 node. */
  private transposed: number[] | null = null;
  /** Says that input `i` enters this op as its transpose, as PyTorch's graph shows it (the op itself
   *  reads the input transposed in place, so the engine needs no node for it). */
  showTransposed(i: number): void {
    (this.transposed ??= []).push(i);
  }

  /** Whether an input or a saved tensor of this node uses any of `array`'s memory: then the node
   *  must not be handed `array` to write a gradient into (see runBackward). */
  readsMemoryOf(array: DataArray): boolean {
    return this.inputs.some((t) => sharesMemory(t.data, array)) || this.saved.some(({ tensor }) => sharesMemory(tensor.data, array));
  }

  /** Gradients for the inputs from the gradient of the output, after checking that nothing this
   *  node saved was freed or changed in place since (PyTorch's Node.apply). */
  apply(grad: Tensor, retainGraph = false, into: readonly (DataArray | undefined)[] = []): (Tensor | null)[] {
    if (this.released) {
      throw new Error(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). " +
          "Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). " +
          "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.",
      );
    }
    for (const { tensor, version } of this.saved) {
      if (tensor._version !== version) throw this.modifiedError(tensor, version);
    }
    const grads = this.backwardFn!(grad, into);
    if (!retainGraph && this.savesValues) {
      // drop the closure and the saved tensors so their memory can go; nodes that saved nothing can run again
      this.released = true;
      this.backwardFn = null;
      this.saved = [];
    }
    return grads;
  }

  private modifiedError(tensor: Tensor, version: number): Error {
    const which = tensor === this.output ? `, which is output 0 of ${this.name.replace(/Backward\d*$/, "")},` : "";
    return new Error(
      "one of the variables needed for gradient computation has been modified by an inplace operation: " +
        `[${tensor.dtype.legacyName} [${tensor.shape.join(", ")}]]${which} is at version ${tensor._version}; expected version ${version} instead. ` +
        `Hint: ${this.name} saved this tensor for backward, and an in-place op (add_, mul_, fill_, copy_, an optimizer's step, ...) ` +
        "changed it afterwards; change a clone() instead, or call backward first.",
    );
  }

  toString(): string {
    return `<${this.name} object>`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** The node at a leaf: it adds the incoming gradient into `variable.grad`. */
export class AccumulateGrad {
  readonly name = "AccumulateGrad";
  readonly nextFunctions: [GradFn | AccumulateGrad | null, number][] = [];
  constructor(readonly variable: Tensor) {}
  toString(): string {
    return `<AccumulateGrad object>`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

const accumulators = new WeakMap<Tensor, AccumulateGrad>();
const transposeNodes = new WeakMap<Tensor, GradFn>();

/** The TBackward0 node shown between an op and an input it reads transposed; its backward
 *  transposes the gradient back, should anyone call it by hand. */
function transposeNodeOf(t: Tensor): GradFn {
  let node = transposeNodes.get(t);
  if (!node) transposeNodes.set(t, (node = new GradFn("TBackward0", [t], (g) => [g.transpose(0, 1)])));
  return node;
}
function accumulateGradOf(leaf: Tensor): AccumulateGrad {
  let node = accumulators.get(leaf);
  if (!node) accumulators.set(leaf, (node = new AccumulateGrad(leaf)));
  return node;
}

// ---- grad mode -------------------------------------------------------------------------------

let gradEnabled = true;

/** torch.is_grad_enabled: false inside noGrad(). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording any graph (torch.no_grad) and returns its result. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Attaches a GradFn to `out` when grad mode is on and some input requires grad. Returns `out`.
 *  `saved` lists every value `backward` reads (nulls are skipped, so an op can write
 *  `a.requiresGrad ? b : null`): PyTorch's saved variables, tensors among them checked for
 *  in-place changes. */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], backward: BackwardFn, saved: readonly Saved[] = []): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) out.gradFn = new GradFn(name, inputs, backward, saved, out);
  return out;
}

// ---- the backward pass ----------------------------------------------------------------------

/** Tensors reachable from `root` through GradFns, each after every tensor computed from it. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // iterative depth-first search, so long chains cannot overflow the call stack
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, childrenDone] = stack.pop()!;
    if (childrenDone) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push([t, true]);
    for (const input of t.gradFn?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
    }
  }
  return order.reverse(); // root first
}

/** How many times each leaf is an input of a node in `order` (a leaf fed by one node can take its
 *  gradient in place). */
function leafUses(order: readonly Tensor[]): Map<Tensor, number> {
  const uses = new Map<Tensor, number>();
  for (const t of order) {
    for (const input of t.gradFn?.inputs ?? []) if (!input.gradFn) uses.set(input, (uses.get(input) ?? 0) + 1);
  }
  return uses;
}

/** Whether two typed arrays overlap in memory. */
function sharesMemory(a: DataArray, b: DataArray): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** The storage of `input.grad` when `node` can write that input's gradient there directly: a leaf
 *  that requires grad, fed by this node alone, whose grad is of its dtype and size and still zeros,
 *  and whose memory nothing the node reads (its inputs, saved tensors, the incoming gradient) uses. */
function writableGrad(input: Tensor, uses: Map<Tensor, number>, node: GradFn, grad: Tensor): DataArray | undefined {
  const g = input.grad;
  if (input.gradFn || !input.requiresGrad || uses.get(input) !== 1 || !g || !isKnownZero(g)) return undefined;
  if (g.dtype !== input.dtype || g.data.length !== input.numel()) return undefined;
  return sharesMemory(g.data, grad.data) || node.readsMemoryOf(g.data) ? undefined : g.data;
}

export function runBackward(root: Tensor, seed: Tensor, retainGraph = false): void {
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  noGrad(() => {
    const order = topologicalOrder(root);
    const uses = leafUses(order);
    for (const t of order) {
      const grad = grads.get(t);
      if (!grad) continue;
      grads.delete(t); // free as we go
      if (!t.gradFn) {
        accumulateInto(t, grad);
        continue;
      }
      const node = t.gradFn;
      const into = node.inputs.map((input) => writableGrad(input, uses, node, grad));
      const inputGrads = node.apply(grad, retainGraph, into);
      node.inputs.forEach((input, i) => {
        const raw = inputGrads[i];
        if (!raw || !input.requiresGrad) return;
        if (into[i] && raw.data === into[i]) {
          input.grad!.versionCounter.value++; // written in place: no longer known to be zeros
          return;
        }
        const g = raw.dtype === input.dtype ? raw : raw.to(input.dtype); // a float64 op's gradient for a float32 input
        const sum = grads.get(input);
        grads.set(input, sum ? sum.add(g) : g);
      });
    }
  });
}

/** A copy of `grad` for `leaf.grad`, in storage of its own beside the leaf's (in the kernels' memory
 *  when the leaf's data lives there). */
function ownCopy(leaf: Tensor, grad: Tensor): Tensor {
  const storage = arrayBeside(leaf.data, grad.numel());
  storage.set(grad.data);
  return new Tensor(storage, grad.shape, grad.dtype);
}

function accumulateInto(leaf: Tensor, grad: Tensor): void {
  if (leaf.grad === null) leaf.grad = ownCopy(leaf, grad); // own storage: later accumulation must not write into another tensor
  else {
    const into = leaf.grad.data;
    const from = grad.data;
    // after zeroGrad() the sum is the new gradient itself: copy it (adding to zeros gives the same bits)
    if (isKnownZero(leaf.grad)) into.set(from);
    else for (let i = 0; i < into.length; i++) into[i] = into[i]! + from[i]!;
    leaf.grad.versionCounter.value++;
  }
}
