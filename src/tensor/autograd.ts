// The autograd engine: micrograd's idea grown up to tensors.
//
// Every op that sees an input requiring grad records a GradFn on its output: the op's name in
// PyTorch's spelling, the input tensors, and a backward closure mapping the output's gradient to
// one gradient per input. Tensor.backward() sorts the graph topologically, seeds the root's
// gradient and walks it in reverse, summing gradients where a tensor fed several ops and
// accumulating into `.grad` at the leaves.
import type { Tensor } from "./tensor.ts";

export type BackwardFn = (grad: Tensor) => (Tensor | null)[];

/** PyTorch's `grad_fn`: a node of the backward graph. */
export class GradFn {
  constructor(
    readonly name: string,
    readonly inputs: readonly Tensor[],
    readonly backward: BackwardFn,
  ) {}

  /** One `[node, 0]` pair per input, as PyTorch's `next_functions`: the input's own GradFn, an
   *  AccumulateGrad for a leaf that requires grad, or null for an input that needs no gradient. */
  get nextFunctions(): [GradFn | AccumulateGrad | null, number][] {
    return this.inputs.map((t) => [t.gradFn ?? (t.requiresGrad ? accumulateGradOf(t) : null), 0]);
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
function accumulateGradOf(leaf: Tensor): AccumulateGrad {
  let node = accumulators.get(leaf);
  if (!node) accumulators.set(leaf, (node = new AccumulateGrad(leaf)));
  return node;
}

// ---- grad mode -------------------------------------------------------------------------------

let gradEnabled = true;

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

/** Attaches a GradFn to `out` when grad mode is on and some input requires grad. Returns `out`. */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], backward: BackwardFn): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) out.gradFn = new GradFn(name, inputs, backward);
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

export function runBackward(root: Tensor, seed: Tensor): void {
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  noGrad(() => {
    for (const t of topologicalOrder(root)) {
      const grad = grads.get(t);
      if (!grad) continue;
      grads.delete(t); // free as we go
      if (!t.gradFn) {
        accumulateInto(t, grad);
        continue;
      }
      const inputGrads = t.gradFn.backward(grad);
      t.gradFn.inputs.forEach((input, i) => {
        const g = inputGrads[i];
        if (!g || !input.requiresGrad) return;
        const sum = grads.get(input);
        grads.set(input, sum ? sum.add(g) : g);
      });
    }
  });
}

function accumulateInto(leaf: Tensor, grad: Tensor): void {
  if (leaf.grad === null) {
    leaf.grad = grad.detach().clone(); // own storage: later accumulation must not write into another tensor
    return;
  }
  const into = leaf.grad.data;
  const from = grad.data;
  for (let i = 0; i < into.length; i++) into[i] += from[i]!;
}
