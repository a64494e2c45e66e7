// torch.viz: pictures of the autograd graph. Not part of PyTorch: torchviz's make_dot as makeDot,
// and graph(), which draws the same graph as SVG with no Graphviz.
export { graph } from "./svg.ts";
export { makeDot } from "./dot.ts";
export { autogradGraph, type GraphOptions, type VizGraph, type VizNode, type VizNodeKind } from "./graph.ts";
