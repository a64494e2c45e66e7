// The backward graph is walkable from a loss to the leaves with PyTorch's node names, as the
// tutorial of chapter 13 walks it: every parameter is reached through exactly one AccumulateGrad
// that holds that very tensor, and inputs that need no gradient appear as null.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

type Node = torch.GradFn | torch.AccumulateGrad | null;

/** Depth-first names, "-" for null, and the leaves' tensors in the order met. */
function walk(root: Node): { names: string[]; leaves: torch.Tensor[] } {
  const names: string[] = [];
  const leaves: torch.Tensor[] = [];
  const visit = (node: Node) => {
    names.push(node?.name ?? "-");
    if (node instanceof torch.AccumulateGrad) leaves.push(node.variable);
    for (const [next] of node?.nextFunctions ?? []) visit(next);
  };
  visit(root);
  return { names, leaves };
}

test("an MSE loss of conv -> relu -> pool -> view -> linear walks back to every parameter", () => {
  torch.manualSeed(0);
  const conv = new nn.Conv2d(1, 2, 3);
  const fc = new nn.Linear(2 * 2 * 2, 3);
  const x = torch.randn(1, 1, 6, 6);
  const h = nn.functional.maxPool2d(nn.functional.relu(conv(x)), 2).view(1, -1);
  const loss = new nn.MSELoss()(fc(h), torch.zeros(1, 3));

  const { names, leaves } = walk(loss.gradFn);
  assert.equal(names, [
    "MseLossBackward0",
    "AddmmBackward0", "AccumulateGrad",
    "ViewBackward0", "MaxPool2DWithIndicesBackward0", "ReluBackward0",
    "ConvolutionBackward0", "-", "AccumulateGrad", "AccumulateGrad",
    "TBackward0", "AccumulateGrad",
    "-",
  ]); // PyTorch 2.13's walk of the same graph, name for name
  assert.equal(leaves, [fc.bias, conv.weight, conv.bias, fc.weight]);
  assert.ok(leaves[0] === fc.bias && leaves[1] === conv.weight, "the very parameter tensors, not copies");
  // The same leaf gets the same AccumulateGrad node each time the graph is walked.
  const again = walk(loss.gradFn);
  assert.ok(again.leaves.every((t, i) => t === leaves[i]));
});

test("no gradFn under noGrad, and none on leaves", () => {
  const w = torch.ones(2, { requiresGrad: true });
  assert.is(w.gradFn, null);
  assert.is(torch.noGrad(() => w.mul(2)).gradFn, null);
  assert.is(w.mul(2).gradFn!.name, "MulBackward0");
});

test.run();
