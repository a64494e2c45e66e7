// The autograd engine: micrograd's idea grown up to tensors.
//
// Every op that sees an input requiring grad records a GradFn on its output: the op's name in
// PyTorch's spelling, one edge per input (the node that will take that input's gradient: the
// input's own grad_fn, an AccumulateGrad for a leaf that requires grad, or none), a backward
// closure mapping the output's gradient to one gradient per input, and the tensors that closure
// will read (its saved tensors). The edges are taken when the op runs, so an in-place op that
// later gives a tensor a new history does not change what earlier ops lead back to.
// Tensor.backward() orders the nodes so that each comes after every node it feeds, walks them
// once, and hands the leaves their gradients at the end.
//
// Three rules keep a gradient from ever being silently wrong:
// - each saved tensor's version (the count of in-place changes to its storage) is noted when it is
//   saved and checked when backward needs it; a change in between is an error, not a wrong number;
// - a view's node notes whether an in-place op autograd recorded has since rewritten its storage's
//   history (PyTorch would regenerate the view's grad_fn; here that is an error, never stale);
// - backward releases what a node saved, so running it again without retainGraph is an error too.
import * as A from "../args.ts";
import { Tensor } from "./tensor.ts";
import { castArray, type DataArray, type DType } from "./dtype.ts";
import type { Storage } from "./storage.ts";
import { sameShape } from "./shape.ts";
import { noteNode } from "./tidy.ts";

/** Maps the output's gradient to one gradient per input (null where none is needed). `into[i]`,
 *  when given, is memory no tensor uses, of input i's dtype and size, where input i's gradient may
 *  be written (see "recycled gradient memory" below): an op that does so returns a tensor over
 *  exactly that array. Ops may ignore it. */
export type BackwardFn = (grad: Tensor, into: readonly (DataArray | undefined)[]) => (Tensor | null)[];

/** Where an input's gradient goes: its grad_fn, the AccumulateGrad of a leaf, or nowhere. */
export type Node = GradFn | AccumulateGrad;

interface SavedTensor {
  tensor: Tensor;
  version: number;
}

/** What an op saves for backward: tensors (checked for in-place changes) or plain numbers (a
 *  scalar operand: nothing to check, but saved all the same, so the node is freed after backward). */
export type Saved = Tensor | number | null;

/** The node an input's gradient flows to (PyTorch's gradient edge). */
export function edgeOf(t: Tensor): Node | null {
  return t.gradFn ?? (t.requiresGrad ? accumulateGradOf(t) : null);
}

/** PyTorch's `grad_fn`: a node of the backward graph. */
export class GradFn {
  private backwardFn: BackwardFn | null;
  private saved: SavedTensor[];
  /** Whether backward frees something here: then running this node twice is an error. */
  private savesValues: boolean;
  /** True once backward has run through this node and freed what it saved. */
  private released = false;
  /** True once the torch.tidy it was made in has ended (its closure may read reused memory). */
  private releasedByTidy = false;
  /** The tensor this node produced, to say "output 0 of Exp" when it was saved and then changed. */
  private output: Tensor | null = null;
  /** For a view op's node: the storage it views and how often its history had been rewritten. */
  private viewed: { storage: Storage; rewrites: number } | null = null;
  /** Inputs that PyTorch reaches through a transposed view (Linear's weight): shown behind a TBackward0 node. */
  private transposed: number[] | null = null;

  private constructor(
    readonly name: string,
    /** One edge per input, taken when the op ran. */
    readonly next: readonly (Node | null)[],
    /** Each input's dtype: its gradient is cast to it. */
    readonly inputDTypes: readonly DType[],
    backwardFn: BackwardFn,
    saved: readonly Saved[],
  ) {
    this.backwardFn = backwardFn;
    noteNode(this);
    this.savesValues = saved.some((x) => x !== null);
    this.saved = saved.filter((t): t is Tensor => t instanceof Tensor).map((tensor) => ({ tensor, version: tensor._version }));
  }

  /** The node of an op on `inputs`, whose edges are taken from them now. */
  static of(name: string, inputs: readonly Tensor[], backward: BackwardFn, saved: readonly Saved[] = []): GradFn {
    return new GradFn(name, inputs.map(edgeOf), inputs.map((t) => t.dtype), backward, saved);
  }
  /** A node with edges given directly (CopySlices and the view it rewrites). */
  static fromEdges(name: string, next: readonly (Node | null)[], dtypes: readonly DType[], backward: BackwardFn): GradFn {
    return new GradFn(name, next, dtypes, backward, []);
  }

  /** Makes this node `t`'s grad_fn (an in-place op gives `t` a new history). @internal */
  becomeHistoryOf(t: Tensor): void {
    t.gradFn = this;
    this.output = t;
  }
  /** Whether this is a view op's node (its backward puts a gradient into a window of zeros). @internal */
  get isView(): boolean {
    return this.viewed !== null && this.viewed !== undefined;
  }
  /** Marks this node as a view op's over `storage`, from now on. @internal */
  watchStorage(storage: Storage): void {
    this.viewed = { storage, rewrites: storage.rewrites };
    this.savesValues = true;
  }

  /** Whether something this node saved requires grad: then its gradient depends on it, and a
   *  backward that returns a gradient with no graph cannot be differentiated again. */
  savesTensorsRequiringGrad(): boolean {
    return this.saved.some(({ tensor }) => tensor.requiresGrad);
  }

  /** The tensors this node saved for backward (empty once backward has freed them): torchviz's
   *  `show_saved` draws them. */
  get savedTensors(): readonly Tensor[] {
    return this.saved.map(({ tensor }) => tensor);
  }

  /** One `[node, 0]` pair per input, as PyTorch's `next_functions`. */
  get nextFunctions(): [Node | null, number][] {
    return this.next.map((node, i) => [node && this.transposed?.includes(i) ? transposeNodeOf(node) : node, 0]);
  }

  /** Says that input `i` enters this op as its transpose, as PyTorch's graph shows it (the op itself
   *  reads the input transposed in place, so the engine needs no node for it). */
  showTransposed(i: number): void {
    (this.transposed ??= []).push(i);
  }

  /** Gradients for the inputs from the gradient of the output, after checking that nothing this
   *  node saved was freed or changed in place since (PyTorch's Node.apply). */
  apply(grad: Tensor, retainGraph = false, into: readonly (DataArray | undefined)[] = []): (Tensor | null)[] {
    if (this.releasedByTidy) {
      throw new Error(
        `${this.name} was recorded inside a torch.tidy() that has ended, and the memory it saved has been reused; ` +
          "call backward() inside the tidy that made the graph",
      );
    }
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
    if (this.viewed && this.viewed.storage.rewrites !== this.viewed.rewrites) {
      throw new Error(
        `${this.name}: this view was taken before an in-place op that autograd recorded changed the tensor it views, so its gradient would be stale ` +
          "(PyTorch regenerates the view's history; torchlet does not). Take the view after the in-place op, or clone() it.",
      );
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

  /** Called when the torch.tidy this node was made in ends. @internal */
  releaseForTidy(): void {
    this.releasedByTidy = true;
    this.backwardFn = null;
    this.saved = [];
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
  readonly next: readonly (Node | null)[] = [];
  readonly nextFunctions: [Node | null, number][] = [];
  constructor(readonly variable: Tensor) {}
  toString(): string {
    return `<AccumulateGrad object>`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

const accumulators = new WeakMap<Tensor, AccumulateGrad>();
const transposeNodes = new WeakMap<Node, GradFn>();

/** The TBackward0 node shown between an op and an input it reads transposed. */
function transposeNodeOf(node: Node): GradFn {
  let t = transposeNodes.get(node);
  if (!t) transposeNodes.set(node, (t = GradFn.fromEdges("TBackward0", [node], [], (g) => [g.transpose(0, 1)])));
  return t;
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

/** Runs `fn` with grad mode set to `enabled`, restoring the mode around it afterwards. */
function inGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Runs `fn` with recording on (torch.enable_grad), whatever the mode around it. */
export function withGrad<T>(fn: () => T): T {
  return inGradMode(true, fn);
}

/** Runs `fn` without recording any graph (torch.no_grad) and returns its result. */
export function noGrad<T>(fn: () => T): T {
  return inGradMode(false, fn);
}

/** Attaches a GradFn to `out` when grad mode is on and some input requires grad. Returns `out`.
 *  `saved` lists every value `backward` reads (nulls are skipped, so an op can write
 *  `a.requiresGrad ? b : null`): PyTorch's saved variables, tensors among them checked for
 *  in-place changes. */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], backward: BackwardFn, saved: readonly Saved[] = []): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) GradFn.of(name, inputs, backward, saved).becomeHistoryOf(out);
  return out;
}

/** record() for a view op: the node also notes its storage, so a later recorded in-place change of
 *  that storage makes it refuse to run rather than give a stale gradient. */
export function recordView(out: Tensor, name: string, input: Tensor, backward: BackwardFn): Tensor {
  record(out, name, [input], backward);
  out.gradFn?.watchStorage(out.storage);
  return out;
}

// ---- gradients ------------------------------------------------------------------------------

/** zero_grad's option, as PyTorch's set_to_none. */
export interface ZeroGradOptions {
  /** true (the default): `.grad` becomes null; false: it is filled with zeros in place. */
  setToNone?: boolean;
}

// Recycled gradient memory. PyTorch 2's zero_grad drops every gradient, so each backward would
// make new ones, and a parameter that lives in the kernels' memory would get its gradient in an
// ordinary array (copied in and out by every kernel that uses it). But a gradient that only the
// engine and the optimisers ever held (no user code read or assigned `.grad`) is memory nothing
// can reach once zeroGrad drops it. Its storage is kept here, beside its parameter, and the next
// backward offers it to the one op that computes that parameter's gradient, which may write the
// gradient there (BackwardFn's `into`). The bits are the same; no memory a user holds is touched.
const spareGrads = new WeakMap<Tensor, Storage>();

/** What zeroGrad does to each of `params`, for modules and optimisers alike. */
export function resetGrads(params: Iterable<Tensor>, setToNone: boolean): void {
  noGrad(() => {
    for (const p of params) {
      const g = p._grad();
      if (!setToNone) {
        g?.zero_();
        continue;
      }
      if (g && !p._gradHandedOut() && g.isContiguous() && !g.isView() && g.storage.array.length === p.numel()) {
        spareGrads.set(p, g.storage.livesBeside(p.storage) ? g.storage : p.storage.beside(p.numel()));
      }
      p._setGrad(null);
    }
  });
}

// ---- the backward pass ----------------------------------------------------------------------

/** The nodes reachable from the roots, each before every node it feeds gradients to. */
function topologicalOrder(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>();
  // iterative depth-first search, so long chains cannot overflow the call stack
  const stack: [Node, boolean][] = roots.map((root): [Node, boolean] => [root, false]).reverse();
  while (stack.length > 0) {
    const [node, childrenDone] = stack.pop()!;
    if (childrenDone) {
      order.push(node);
      continue;
    }
    if (visited.has(node)) continue;
    visited.add(node);
    stack.push([node, true]);
    for (const next of node.next) if (next && !visited.has(next)) stack.push([next, false]);
  }
  return order.reverse(); // root first
}

/** Backpropagates `seed` (d(something)/d(root)) through the graph behind `root`. Every leaf's
 *  gradient is worked out first and only then added into `.grad`, so a pass that raises leaves every
 *  `.grad` as it was. */
export function runBackward(root: Tensor, seed: Tensor, retainGraph = false, createGraph = false): void {
  backpropagate([[root, seed]], retainGraph || createGraph, null, createGraph);
}

/** Gradients a view's backward has just made (zeros but for a window) and handed to the pass alone:
 *  the first node they reach may add into them. The mark is used up there, since that node's own
 *  backward may pass the same tensor on to several others. */
const freshGradients = new WeakSet<Tensor>();

/** Says that `grad` was just made by a view's backward and nothing else holds it. */
export function noteFreshGradient(grad: Tensor): void {
  freshGradients.add(grad);
}

/** While a view's backward runs: the sum its input's gradient is gathering, when the pass owns one,
 *  so that the view can add its window straight into it instead of into a fresh tensor of zeros. */
let windowTarget: Tensor | null = null;

/** The engine's sum a view's backward may add its window into (shape and dtype to be checked by
 *  the caller), or null: then it makes its own gradient. */
export function gradientSumInProgress(): Tensor | null {
  return windowTarget;
}

/** The gradients reaching each node, summed as they arrive. A sum only this pass holds (a view's
 *  fresh gradient, or a sum the pass made) takes the next gradient in place, and a view's backward
 *  adds its window straight into it (see ownedSum): an RNN's T per-step views of one tensor then
 *  cost T windows, not T whole-tensor sums. */
class GradientSums {
  private readonly sums = new Map<Node, Tensor>();
  private readonly owned = new Set<Tensor>();
  constructor(private readonly recorded: boolean) {}
  add(node: Node, g: Tensor): void {
    const fresh = freshGradients.delete(g), sum = this.sums.get(node);
    if (!sum) {
      this.sums.set(node, g);
      if (fresh) this.owned.add(g);
      return;
    }
    const into = this.ownedSum(node);
    if (into === g) return; // a view's backward added its window into the sum already
    if (into && into.dtype === g.dtype && sameShape(into.shape, g.shape)) {
      const target = into.storage.array, values = g._data;
      for (let i = 0; i < values.length; i++) target[i] = target[i]! + values[i]!;
      return;
    }
    const total = sum.add(g);
    this.sums.set(node, total);
    this.owned.add(total);
  }
  /** The sum gathering for `node`, when the pass made it (nothing else holds it) and may add to it. */
  ownedSum(node: Node): Tensor | null {
    const sum = this.sums.get(node);
    return !this.recorded && sum && this.owned.has(sum) && sum.isContiguous() ? sum : null;
  }
  /** The node's summed gradient, forgotten here (free as we go). */
  take(node: Node): Tensor | undefined {
    const sum = this.sums.get(node);
    this.sums.delete(node);
    if (sum) this.owned.delete(sum);
    return sum;
  }
}

/** The pass behind backward() and autograd.grad(): from each root with its seed gradient, every
 *  node once, in an order where a node comes after all that feed it. With `capture` (autograd.grad),
 *  the gradients reaching those nodes are returned and no `.grad` is touched. */
function backpropagate(roots: readonly [Tensor, Tensor][], retainGraph: boolean, capture: Set<Node> | null, createGraph = false): Map<Node, Tensor> {
  const grads = new GradientSums(createGraph);
  const captured = new Map<Node, Tensor>();
  const leafGrads: [AccumulateGrad, Tensor][] = [];
  // createGraph: the backward pass itself is recorded (its ops see grad mode on), so its results
  // can be differentiated again; each backward function then takes its differentiable path
  const mode = <T>(fn: () => T): T => (createGraph ? withGrad(fn) : noGrad(fn));
  mode(() => {
    for (const [root, seed] of roots) grads.add(edgeOf(root)!, seed);
    const order = topologicalOrder(roots.map(([root]) => edgeOf(root)!));
    const feeds = new Map<AccumulateGrad, number>(); // how many edges lead to each leaf
    for (const node of order) for (const next of node.next) if (next instanceof AccumulateGrad) feeds.set(next, (feeds.get(next) ?? 0) + 1);
    for (const node of order) {
      let grad = grads.take(node);
      if (!grad) continue;
      grad = runHooks(node, grad);
      if (capture?.has(node)) captured.set(node, grad);
      if (node instanceof AccumulateGrad) {
        if (!capture) leafGrads.push([node, grad]);
        continue;
      }
      // backward functions read their gradient as a plain row-major array
      const into = capture || createGraph ? [] : node.next.map((next) => (next instanceof AccumulateGrad && feeds.get(next) === 1 ? spareFor(next.variable) : undefined));
      const dependsOnGraph = createGraph && (grad.requiresGrad || node.savesTensorsRequiringGrad());
      const incoming = grad.isContiguous() ? grad : createGraph ? grad.contiguous() : new Tensor(grad._data, grad.shape, grad.dtype);
      // a view's backward (one input) may add its window straight into the sum gathering for it
      windowTarget = node.isView && node.next.length === 1 && node.next[0] ? grads.ownedSum(node.next[0]) : null;
      let inputGrads: (Tensor | null)[];
      try {
        inputGrads = node.apply(incoming, retainGraph, into);
      } finally {
        windowTarget = null;
      }
      // a backward that records itself gives at least one gradient with a history (another, such
      // as a bias's, may rightly be a constant); one that gives none computed first derivatives only
      if (dependsOnGraph && inputGrads.some((t, i) => t && node.next[i]) && !inputGrads.some((t) => t?.requiresGrad)) {
        throw new Error(`${node.name}: its backward computes first derivatives only, so createGraph cannot differentiate through it (yet)`);
      }
      node.next.forEach((next, i) => {
        const raw = inputGrads[i];
        if (!next || !raw) return;
        const dtype = node.inputDTypes[i]!;
        const g = raw.dtype === dtype ? raw : createGraph ? raw.to(dtype) : new Tensor(castArray(raw._data, dtype), raw.shape, dtype); // a float64 op's gradient for a float32 input
        grads.add(next, g);
      });
    }
    const handedOut = new Set(roots.map(([, seed]) => seed.storage.array));
    for (const [node, grad] of leafGrads) accumulate(node.variable, grad, handedOut, createGraph);
  });
  return captured;
}

/** A fused op's gradients when the backward itself is being recorded (createGraph): its readable
 *  form run again under grad mode, and differentiated with a graph of its own. */
export function recomputedGradients(readable: () => Tensor, inputs: readonly Tensor[], g: Tensor): (Tensor | null)[] {
  const wanted = inputs.filter((t) => t.requiresGrad);
  const grads = grad(readable(), wanted, { gradOutputs: g, createGraph: true, allowUnused: true });
  return inputs.map((t) => (t.requiresGrad ? grads[wanted.indexOf(t)] ?? null : null));
}

// ---- hooks -------------------------------------------------------------------------------------

const hooks = new WeakMap<Node, ((grad: Tensor) => Tensor | void | undefined)[]>();

/** Runs the hooks registered on the tensor whose gradient `node` receives; each may replace it. */
function runHooks(node: Node, grad: Tensor): Tensor {
  for (const hook of hooks.get(node) ?? []) {
    const replaced = hook(grad);
    if (replaced !== undefined) {
      if (!(replaced instanceof Tensor) || replaced.shape.length !== grad.shape.length || replaced.shape.some((s, i) => s !== grad.shape[i])) {
        throw new Error(`hook returned a value that is not a Tensor of the gradient's shape [${grad.shape.join(", ")}]`);
      }
      grad = replaced;
    }
  }
  return grad;
}

/** tensor.register_hook(fn): fn(grad) runs when the tensor's gradient has been computed, and may
 *  return a replacement. Returns a handle whose remove() takes the hook away. */
export function registerHook(t: Tensor, fn: (grad: Tensor) => Tensor | void | undefined): { remove(): void } {
  if (typeof fn !== "function") throw new Error(`register_hook expects a function, got ${typeof fn}`);
  if (!t.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
  const node = edgeOf(t)!;
  const list = hooks.get(node) ?? [];
  hooks.set(node, list);
  list.push(fn);
  return { remove: () => void list.splice(list.indexOf(fn) >>> 0, list.includes(fn) ? 1 : 0) };
}

/** tensor.retain_grad(): a non-leaf keeps its gradient in `.grad` after backward (a leaf always does). */
export function retainGrad(t: Tensor): void {
  if (!t.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
  if (t.isLeaf) return;
  registerHook(t, (g) => {
    const current = t._grad();
    if (current) noGrad(() => current.add_(g));
    else t._setGrad(new Tensor(g._data.slice(), g.shape, g.dtype));
  });
}

/** torch.autograd.grad(outputs, inputs, { gradOutputs, retainGraph, createGraph, allowUnused }): the
 *  gradients of the outputs with respect to each input, returned rather than added into `.grad`.
 *  With createGraph the gradients have a graph of their own, so they can be differentiated again
 *  (through ops whose backward is written with tensor ops; the others say so). */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: { gradOutputs?: Tensor | readonly (Tensor | null)[] | null; retainGraph?: boolean; createGraph?: boolean; allowUnused?: boolean } = {},
): (Tensor | null)[] {
  A.checkOptions("grad", options, { gradOutputs: A.anything, retainGraph: A.boolean, createGraph: A.boolean, allowUnused: A.boolean });
  const outs = outputs instanceof Tensor ? [outputs] : [...outputs];
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  const given = options.gradOutputs instanceof Tensor ? [options.gradOutputs] : options.gradOutputs ?? [];
  const roots = outs.map((out, i): [Tensor, Tensor] => {
    if (!(out instanceof Tensor) || !out.requiresGrad) throw new Error(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    const g = given[i];
    if (g) {
      if (g.shape.length !== out.shape.length || g.shape.some((s, j) => s !== out.shape[j])) throw new Error(`Mismatch in shape: grad_output[${i}] has a shape of ${g.shape} and output[${i}] has a shape of ${out.shape}.`);
      return [out, g.dtype === out.dtype ? g.detach() : new Tensor(castArray(g._data, out.dtype), out.shape, out.dtype)];
    }
    if (out.numel() !== 1) throw new Error("grad can be implicitly created only for scalar outputs");
    return [out, new Tensor(castArray([1], out.dtype), out.shape, out.dtype)];
  });
  const nodes = ins.map((t, i) => {
    if (!(t instanceof Tensor) || !t.requiresGrad) throw new Error(`One of the differentiated Tensors (input ${i}) does not require grad`);
    return edgeOf(t)!;
  });
  const createGraph = options.createGraph ?? false;
  const captured = backpropagate(roots, options.retainGraph ?? createGraph, new Set(nodes), createGraph);
  return nodes.map((node, i) => {
    const g = captured.get(node);
    if (!g && !options.allowUnused) throw new Error(`One of the differentiated Tensors (input ${i}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.`);
    if (!g) return null;
    if (createGraph) return g;
    return g.isContiguous() && !g.isView() ? g : new Tensor(g._data.slice(), g.shape, g.dtype);
  });
}

/** The recycled memory a leaf's gradient may be written into, if it has some and no gradient now. */
function spareFor(leaf: Tensor): DataArray | undefined {
  const spare = spareGrads.get(leaf);
  return spare && leaf._grad() === null && spare.array.length === leaf.numel() ? spare.array : undefined;
}

/** Adds `grad` into `leaf.grad`, as PyTorch's AccumulateGrad: a leaf without a gradient takes this
 *  one (its own memory: copied unless the engine made it for this leaf alone, or wrote it into the
 *  leaf's recycled memory), one with a gradient has it added in place. */
function accumulate(leaf: Tensor, grad: Tensor, handedOut: Set<DataArray>, createGraph = false): void {
  const current = leaf._grad();
  if (current === null) {
    const own = grad.isContiguous() && !grad.isView() && grad.storage.array.length === grad.numel() && !handedOut.has(grad.storage.array);
    const g = own ? grad : createGraph ? grad.clone() : new Tensor(grad._data.slice(), grad.shape, grad.dtype);
    if (spareGrads.get(leaf)?.array === g.storage.array) spareGrads.delete(leaf); // written into its recycled memory
    leaf._setGrad(g);
    handedOut.add(g.storage.array);
    return;
  }
  current.add_(grad);
}
