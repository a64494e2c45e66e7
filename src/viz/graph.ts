// The autograd graph behind a tensor, as torchviz draws it: the tensor itself, one node per grad_fn
// (PyTorch's name, e.g. AddmmBackward0, and AccumulateGrad at a leaf), each leaf that requires grad
// as its variable above its AccumulateGrad (a parameter's name from `params`, and its shape), and
// with `showSaved` the tensors each node saved for backward. Edges run from an input's node to the
// node that used it, as the values flowed.
import * as A from "../args.ts";
import { Tensor } from "../tensor/tensor.ts";
import { AccumulateGrad, GradFn, type Node } from "../tensor/autograd.ts";

/** What a node of the picture stands for: the tensor drawn, a grad_fn, a leaf variable, a saved tensor. */
export type VizNodeKind = "tensor" | "function" | "variable" | "saved";

/** One box of the picture. */
export interface VizNode {
  /** "n0", "n1", ... in the order the walk met them (the tensor first). */
  id: string;
  kind: VizNodeKind;
  /** The lines of its label: a grad_fn's name; a variable's name and shape; a tensor's shape. */
  label: string[];
  /** A grad_fn's saved tensors' shapes, as "(20, 6, 24, 24)" (none once backward has freed them):
   *  what this library's node keeps, which can differ from PyTorch's `_saved_*` (docs/API.md). */
  saved: string[];
}

/** The graph behind a tensor, as autogradGraph gives it. */
export interface VizGraph {
  nodes: VizNode[];
  /** [from, to] ids; a saved tensor's edge is [saved, node that saved it]. */
  edges: [string, string][];
}

/** Options of torch.viz.graph, makeDot and autogradGraph. */
export interface GraphOptions {
  /** Names for parameters (and other leaves), as torchviz's `params=dict(model.named_parameters())`:
   *  an object, a Map, or [name, tensor] pairs such as `model.namedParameters()`. */
  params?: Record<string, Tensor> | Map<string, Tensor> | Iterable<readonly [string, Tensor]>;
  /** Also draw the tensors each node saved for backward (torchviz's show_saved). Default false. */
  showSaved?: boolean;
}

const shapeText = (t: Tensor) => `(${t.shape.join(", ")})`;

function namesOf(params: GraphOptions["params"]): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  if (params === undefined) return names;
  const pairs = params instanceof Map || Symbol.iterator in Object(params)
    ? [...(params as Iterable<readonly [string, Tensor]>)]
    : Object.entries(params as Record<string, Tensor>);
  for (const pair of pairs) {
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || !(pair[1] instanceof Tensor)) {
      throw new Error(`viz: params must name tensors (an object, a Map or [name, tensor] pairs), got an entry ${A.describe(pair)}`);
    }
    names.set(pair[1], pair[0]);
  }
  return names;
}

/** The graph behind `root`'s grad_fn, as nodes and edges (viz.graph draws it, viz.makeDot writes it). */
export function autogradGraph(root: Tensor, options: GraphOptions = {}): VizGraph {
  A.checkArg("viz", "tensor", root, A.tensor);
  A.checkOptions("viz", options, { params: A.check("an object, a Map or [name, tensor] pairs", (v) => typeof v === "object" && v !== null), showSaved: A.boolean });
  const names = namesOf(options.params);
  const nodes: VizNode[] = [];
  const edges: [string, string][] = [];
  const ids = new Map<Node | Tensor, string>();
  const add = (key: Node | Tensor | null, kind: VizNodeKind, label: string[]): string => {
    const id = `n${nodes.length}`;
    if (key) ids.set(key, id);
    nodes.push({ id, kind, label, saved: [] });
    return id;
  };
  const visit = (node: Node): string => {
    const known = ids.get(node);
    if (known) return known;
    const id = add(node, "function", [node.name]);
    if (node instanceof GradFn) nodes.at(-1)!.saved = node.savedTensors.map(shapeText);
    if (node instanceof AccumulateGrad) {
      // as torchviz: the leaf itself (its name, its shape) above the node that accumulates into it
      const v = node.variable;
      edges.push([ids.get(v) ?? add(v, "variable", [names.get(v) ?? "", shapeText(v)].filter((l) => l !== "")), id]);
      return id;
    }
    if (options.showSaved && node instanceof GradFn) {
      for (const saved of node.savedTensors) {
        const savedId = ids.get(saved) ?? add(saved, "saved", [names.get(saved) ?? "saved", shapeText(saved)]);
        edges.push([savedId, id]);
      }
    }
    for (const [next] of node.nextFunctions) if (next) edges.push([visit(next), id]);
    return id;
  };
  const top = add(null, "tensor", [shapeText(root)]);
  if (root.gradFn) edges.push([visit(root.gradFn), top]);
  else if (root.requiresGrad) edges.push([visit(new AccumulateGrad(root)), top]);
  return { nodes, edges };
}
