// torch.viz.makeDot: the autograd graph as Graphviz DOT text, as torchviz's make_dot writes it
// (boxes; the tensor dark olive green, variables light blue, saved tensors orange, functions grey).
// `dot -Tsvg` draws it; torch.viz.graph draws it without Graphviz.
import type { Tensor } from "../tensor/tensor.ts";
import { autogradGraph, type GraphOptions, type VizNodeKind } from "./graph.ts";

export const FILL: Record<VizNodeKind, string> = {
  tensor: "darkolivegreen1",
  function: "lightgrey",
  variable: "lightblue",
  saved: "orange",
};

const escape = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** torchviz.make_dot(tensor, params=..., show_saved=...): the DOT text of the graph behind `tensor`. */
export function makeDot(tensor: Tensor, options: GraphOptions = {}): string {
  const { nodes, edges } = autogradGraph(tensor, options);
  const kinds = new Map(nodes.map((n) => [n.id, n.kind]));
  const lines = [
    "digraph {",
    '\tgraph [size="12,12"]',
    "\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]",
    // lines of a label are joined by DOT's own line break, the two characters \n
    ...nodes.map((n) => `\t${n.id} [label="${n.label.map(escape).join("\\n")}" fillcolor=${FILL[n.kind]}]`),
    ...edges.map(([from, to]) => `\t${from} -> ${to}${kinds.get(from) === "saved" ? " [dir=none style=dashed]" : ""}`),
    "}",
  ];
  return lines.join("\n") + "\n";
}
