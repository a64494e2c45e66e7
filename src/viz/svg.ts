// torch.viz.graph: the autograd graph as an SVG picture, laid out here without Graphviz. A grad_fn's
// box lists the shapes of the tensors it saved for backward under its name (smaller, grey), unless
// showSaved draws them as boxes of their own. Layered,
// as `dot` draws a DAG: every node sits one row above the lowest node that uses it (the tensor at
// the bottom, the leaves on top), the nodes of a row are ordered so that edges cross little
// (a few sweeps that sort each row by the mean place of its neighbours), and each edge is a curve
// from the bottom of an input to the top of the node that used it.
import type { Tensor } from "../tensor/tensor.ts";
import { escapeXml } from "../plot/svg.ts";
import { autogradGraph, type GraphOptions, type VizNode, type VizNodeKind } from "./graph.ts";

const COLOURS: Record<VizNodeKind, string> = { tensor: "#caff70", function: "#d3d3d3", variable: "#add8e6", saved: "#ffa500" };
const FONT = "ui-monospace, Menlo, Consolas, 'DejaVu Sans Mono', 'Noto Sans Mono CJK JP', monospace";
const CHAR = 6.6, LINE = 13, PAD_X = 8, PAD_Y = 6, GAP_X = 18, GAP_Y = 34, MARGIN = 12;


interface Placed { node: VizNode; row: number; x: number; y: number; w: number; h: number }

/** Rows from the top: a node's row is one above the lowest row among the nodes that use it. */
function rows(nodes: VizNode[], edges: [string, string][]): VizNode[][] {
  const users = new Map<string, string[]>();
  for (const [from, to] of edges) users.set(from, [...(users.get(from) ?? []), to]);
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const d = Math.max(-1, ...(users.get(id) ?? []).map(depthOf)) + 1;
    depth.set(id, d);
    return d;
  };
  nodes.forEach((n) => depthOf(n.id));
  const deepest = Math.max(0, ...depth.values());
  const out: VizNode[][] = Array.from({ length: deepest + 1 }, () => []);
  for (const n of nodes) out[deepest - depth.get(n.id)!]!.push(n);
  return out;
}

/** Sorts each row by the mean position of its neighbours, a few times up and down. */
function order(layers: VizNode[][], edges: [string, string][]): void {
  const neighbours = new Map<string, string[]>();
  for (const [a, b] of edges) {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
  }
  const place = new Map<string, number>();
  const measure = () => layers.forEach((layer) => layer.forEach((n, i) => place.set(n.id, (i + 0.5) / layer.length)));
  measure();
  for (let sweep = 0; sweep < 8; sweep++) {
    const sequence = sweep % 2 === 0 ? layers : [...layers].reverse();
    for (const layer of sequence) {
      const mean = new Map(layer.map((n) => {
        const near = (neighbours.get(n.id) ?? []).map((m) => place.get(m)!);
        return [n.id, near.length ? near.reduce((s, v) => s + v, 0) / near.length : place.get(n.id)!];
      }));
      layer.sort((p, q) => mean.get(p.id)! - mean.get(q.id)!);
      layer.forEach((n, i) => place.set(n.id, (i + 0.5) / layer.length));
    }
  }
}

/** The text lines of a node's box: its label, then (for a grad_fn) "saved (shape)" lines. */
const linesOf = (node: VizNode, showSaved: boolean) => [...node.label, ...(showSaved ? [] : node.saved.map((shape) => `saved ${shape}`))];

/** torch.viz.graph(tensor, { params, showSaved }): an SVG picture of the autograd graph behind `tensor`. */
export function graph(tensor: Tensor, options: GraphOptions = {}): string {
  const { nodes, edges } = autogradGraph(tensor, options);
  const showSaved = options.showSaved === true;
  const lines = new Map(nodes.map((n) => [n.id, linesOf(n, showSaved)]));
  const layers = rows(nodes, edges);
  order(layers, edges);
  const placed = new Map<string, Placed>();
  const widthOf = (n: VizNode) => Math.max(...lines.get(n.id)!.map((l) => l.length)) * CHAR + 2 * PAD_X;
  const widths = layers.map((layer) => layer.reduce((s, n) => s + widthOf(n) + GAP_X, -GAP_X));
  const width = Math.max(...widths) + 2 * MARGIN;
  let y = MARGIN;
  layers.forEach((layer, row) => {
    let x = MARGIN + (width - 2 * MARGIN - widths[row]!) / 2;
    const height = Math.max(...layer.map((n) => lines.get(n.id)!.length)) * LINE + 2 * PAD_Y;
    for (const node of layer) {
      const w = widthOf(node);
      const h = lines.get(node.id)!.length * LINE + 2 * PAD_Y;
      placed.set(node.id, { node, row, x, y: y + (height - h) / 2, w, h });
      x += w + GAP_X;
    }
    y += height + GAP_Y;
  });
  const height = y - GAP_Y + MARGIN;
  const curves = edges.map(([from, to]) => {
    const a = placed.get(from)!, b = placed.get(to)!;
    const x1 = a.x + a.w / 2, y1 = a.y + a.h, x2 = b.x + b.w / 2, y2 = b.y;
    const bend = Math.max(12, (y2 - y1) / 2);
    const saved = a.node.kind === "saved";
    return `<path d="M${x1.toFixed(1)},${y1.toFixed(1)} C${x1.toFixed(1)},${(y1 + bend).toFixed(1)} ${x2.toFixed(1)},${(y2 - bend).toFixed(1)} ${x2.toFixed(1)},${(y2 - (saved ? 0 : 2)).toFixed(1)}"` +
      ` fill="none" stroke="#333"${saved ? ' stroke-dasharray="4 3"' : ' marker-end="url(#arrow)"'}/>`;
  });
  const boxes = [...placed.values()].map(({ node, x, y: top, w, h }) =>
    `<g class="${node.kind}"><rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${h}" rx="3" fill="${COLOURS[node.kind]}" stroke="#333"/>` +
    lines.get(node.id)!.map((line, i) => `<text x="${(x + w / 2).toFixed(1)}" y="${(top + PAD_Y + (i + 1) * LINE - 3).toFixed(1)}" text-anchor="middle"` +
      `${i >= node.label.length ? ' class="saved" font-size="9" fill="#555"' : ""}>${escapeXml(line)}</text>`).join("") +
    "</g>");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="0 0 ${width.toFixed(0)} ${height.toFixed(0)}" font-family="${FONT}" font-size="11">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
    '<rect width="100%" height="100%" fill="white"/>',
    ...curves,
    ...boxes,
    "</svg>",
  ].join("\n") + "\n";
}
