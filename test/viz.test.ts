// torch.viz: the autograd graph's nodes and edges for known graphs (PyTorch's grad_fn names, as
// next_functions gives them), torchviz's DOT text, and an SVG that is well-formed XML with one box
// per node and one curve per edge.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

const { viz } = torch;

/** The graph as "label -> label" lines (labels' lines joined by "/"), sorted. */
function edgesByLabel(g: torch.viz.VizGraph): string[] {
  const label = new Map(g.nodes.map((n) => [n.id, n.label.join("/")]));
  return g.edges.map(([a, b]) => `${label.get(a)} -> ${label.get(b)}`).sort();
}

test("one weight: w -> AccumulateGrad -> MvBackward0 -> MseLossBackward0 -> the loss", () => {
  const w = torch.tensor([[1.95]], { requiresGrad: true });
  const loss = new nn.MSELoss()(w.matmul(torch.tensor([1.0])), torch.tensor([2.0]));
  const g = viz.autogradGraph(loss, { params: { w } });
  assert.equal(g.nodes.map((n) => [n.kind, n.label]), [
    ["tensor", ["()"]],
    ["function", ["MseLossBackward0"]],
    ["function", ["MvBackward0"]],
    ["function", ["AccumulateGrad"]],
    ["variable", ["w", "(1, 1)"]],
  ]);
  assert.equal(edgesByLabel(g), [
    "AccumulateGrad -> MvBackward0",
    "MseLossBackward0 -> ()",
    "MvBackward0 -> MseLossBackward0",
    "w/(1, 1) -> AccumulateGrad",
  ]);
});

test("a Linear layer: its weight through TBackward0, its bias straight into AddmmBackward0; names from namedParameters()", () => {
  torch.manualSeed(0);
  const fc = new nn.Linear(3, 2);
  const out = fc(torch.randn(4, 3)).sum();
  const g = viz.autogradGraph(out, { params: fc.namedParameters() });
  assert.equal(edgesByLabel(g), [
    "AccumulateGrad -> AddmmBackward0",
    "AccumulateGrad -> TBackward0",
    "AddmmBackward0 -> SumBackward0",
    "SumBackward0 -> ()",
    "TBackward0 -> AddmmBackward0",
    "bias/(2) -> AccumulateGrad",
    "weight/(2, 3) -> AccumulateGrad",
  ]);
});

test("a tensor used twice is one node with two edges; unnamed leaves show their shape; a Map names too", () => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const y = x.mul(x).add(x.exp()).sum();
  const g = viz.autogradGraph(y);
  const accumulators = g.nodes.filter((n) => n.label[0] === "AccumulateGrad");
  assert.is(accumulators.length, 1);
  assert.is(g.edges.filter(([from]) => from === accumulators[0]!.id).length, 3); // into mul twice, exp once
  assert.equal(g.nodes.find((n) => n.kind === "variable")!.label, ["(3)"]);
  assert.equal(viz.autogradGraph(y, { params: new Map([["x", x]]) }).nodes.find((n) => n.kind === "variable")!.label, ["x", "(3)"]);
});

test("showSaved: each saved tensor once, joined to the node that saved it by a dashed edge", () => {
  const x = torch.tensor([0.5, -1], { requiresGrad: true });
  const y = x.exp().sum();
  const g = viz.autogradGraph(y, { showSaved: true });
  const saved = g.nodes.filter((n) => n.kind === "saved");
  assert.is(saved.length, 1); // ExpBackward0 saves its result
  assert.equal(saved[0]!.label, ["saved", "(2)"]);
  assert.match(viz.makeDot(y, { showSaved: true }), new RegExp(`${saved[0]!.id} -> n\\d+ \\[dir=none style=dashed\\]`));
  // after backward the saved tensors are freed, and the picture no longer has them
  y.backward();
  assert.is(viz.autogradGraph(y, { showSaved: true }).nodes.filter((n) => n.kind === "saved").length, 0);
});

test("graph() lists a grad_fn's saved tensors' shapes in its box (until backward frees them), or draws them apart with showSaved", () => {
  const x = torch.tensor([0.5, -1], { requiresGrad: true });
  const w = torch.ones(3, 2, { requiresGrad: true });
  const y = w.matmul(x).exp().sum();
  const g = viz.autogradGraph(y);
  assert.equal(g.nodes.filter((n) => n.kind === "function").map((n) => [n.label[0], n.saved]), [
    ["SumBackward0", []],
    ["ExpBackward0", ["(3)"]],
    ["MvBackward0", ["(3, 2)", "(2)"]],
    ["AccumulateGrad", []],
    ["AccumulateGrad", []],
  ]);
  const svg = viz.graph(y);
  assert.ok(svg.includes('class="saved" font-size="9" fill="#555">saved (3, 2)</text>'), svg);
  assert.not.ok(viz.graph(y, { showSaved: true }).includes(">saved (3, 2)<"), "with showSaved they are boxes of their own");
  y.backward();
  assert.not.ok(viz.graph(y).includes("saved ("));
});

test("a tensor with no history: just itself (or its AccumulateGrad when it requires grad)", () => {
  assert.equal(viz.autogradGraph(torch.zeros(2, 2)).nodes.map((n) => n.label), [["(2, 2)"]]);
  const leaf = torch.zeros(3, { requiresGrad: true });
  assert.equal(edgesByLabel(viz.autogradGraph(leaf)), ["(3) -> AccumulateGrad", "AccumulateGrad -> (3)"]);
});

test("makeDot writes torchviz's DOT: boxes, its colours, labels with \\n between lines", () => {
  const w = torch.tensor([[2.0]], { requiresGrad: true });
  const y = w.mul(3).sum();
  assert.is(viz.makeDot(y, { params: { w } }), [
    "digraph {",
    '\tgraph [size="12,12"]',
    "\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]",
    '\tn0 [label="()" fillcolor=darkolivegreen1]',
    '\tn1 [label="SumBackward0" fillcolor=lightgrey]',
    '\tn2 [label="MulBackward0" fillcolor=lightgrey]',
    '\tn3 [label="AccumulateGrad" fillcolor=lightgrey]',
    '\tn4 [label="w\\n(1, 1)" fillcolor=lightblue]',
    "\tn4 -> n3",
    "\tn3 -> n2",
    "\tn2 -> n1",
    "\tn1 -> n0",
    "}",
    "",
  ].join("\n"));
});

/** Whether `svg` is well-formed XML as far as its tags go: every opened element closed, in order. */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const [, close, name, selfClosing] of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (close) { if (stack.pop() !== name) return false; } else if (!selfClosing) stack.push(name!);
  }
  return stack.length === 0 && !/&(?!amp;|lt;|gt;|quot;|#)/.test(svg);
}

test("graph() draws an SVG: well-formed, a box per node, a curve per edge, every box inside the picture", () => {
  torch.manualSeed(0);
  const net = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8, 1));
  const loss = net(torch.randn(1, 1, 4, 4)).pow(2).mean();
  const params = net.namedParameters();
  const svg = viz.graph(loss, { params });
  const g = viz.autogradGraph(loss, { params });
  assert.ok(wellFormed(svg), svg);
  assert.is(svg.match(/<rect x=/g)!.length, g.nodes.length);
  assert.is(svg.match(/<path d="M[\d.]+,[\d.]+ C/g)!.length, g.edges.length);
  for (const name of ["0.weight", "3.bias", "ConvolutionBackward0", "AddmmBackward0", "PowBackward0", "MeanBackward0"]) assert.ok(svg.includes(`>${name}<`), name);
  const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
  for (const [, x, y, w, h] of svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)) {
    assert.ok(Number(x) >= 0 && Number(x) + Number(w) <= width! && Number(y) >= 0 && Number(y) + Number(h) <= height!);
  }
  // inputs above the ops that use them: every curve runs downwards
  for (const [, y1, y2] of svg.matchAll(/<path d="M[\d.]+,([\d.]+) C[^"]* [\d.]+,([\d.]+)"/g)) assert.ok(Number(y2) > Number(y1));
});

test("bad arguments are refused with what was expected", () => {
  assert.throws(() => viz.graph(3 as never), /viz: argument "tensor" expects a Tensor, got number 3/);
  assert.throws(() => viz.makeDot(torch.zeros(1), { show_saved: true } as never), /show_saved.*showSaved/);
  assert.throws(() => viz.graph(torch.zeros(1), { params: [["w", 3]] as never }), /params must name tensors/);
});

test.run();
