// models.*: torchvision's VGG and AlexNet layer for layer. The golden texts are what article 001
// prints for VGG16 (its repr and its torchinfo table) and what PyTorch prints for AlexNet.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { models, nn } from "../src/index.ts";
import { VGG16_REPR, VGG16_SUMMARY } from "./vgg16-golden.ts";

const ALEXNET_REPR = `AlexNet(
  (features): Sequential(
    (0): Conv2d(3, 64, kernel_size=(11, 11), stride=(4, 4), padding=(2, 2))
    (1): ReLU(inplace=True)
    (2): MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)
    (3): Conv2d(64, 192, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
    (4): ReLU(inplace=True)
    (5): MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)
    (6): Conv2d(192, 384, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (7): ReLU(inplace=True)
    (8): Conv2d(384, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (9): ReLU(inplace=True)
    (10): Conv2d(256, 256, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    (11): ReLU(inplace=True)
    (12): MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)
  )
  (avgpool): AdaptiveAvgPool2d(output_size=(6, 6))
  (classifier): Sequential(
    (0): Dropout(p=0.5, inplace=False)
    (1): Linear(in_features=9216, out_features=4096, bias=True)
    (2): ReLU(inplace=True)
    (3): Dropout(p=0.5, inplace=False)
    (4): Linear(in_features=4096, out_features=4096, bias=True)
    (5): ReLU(inplace=True)
    (6): Linear(in_features=4096, out_features=1000, bias=True)
  )
)`;

const count = (m: nn.Module) => m.parameters().reduce((n, p) => n + p.numel(), 0);

test("VGG16: the article's repr and torchinfo table, torchvision's parameter names and shapes, a forward pass", () => {
  torch.manualSeed(0);
  const vgg = models.vgg16(); // 138 million parameters: built once for every check below
  assert.is(String(vgg), VGG16_REPR);
  assert.is(count(vgg), 138_357_544);
  const named = vgg.namedParameters();
  assert.is(named.length, 32);
  assert.equal(named.slice(0, 2).map(([n, p]) => [n, [...p.shape]]), [["features.0.weight", [64, 3, 3, 3]], ["features.0.bias", [64]]]);
  assert.equal(named.slice(-2).map(([n, p]) => [n, [...p.shape]]), [["classifier.6.weight", [1000, 4096]], ["classifier.6.bias", [1000]]]);
  assert.equal(named.map(([n]) => n).filter((n) => n.endsWith("weight")).slice(13), ["classifier.0.weight", "classifier.3.weight", "classifier.6.weight"]);
  // torchvision's initialisation: biases zero, Linear weights with a standard deviation of 0.01
  assert.ok(vgg.classifier[6]!.parameters()[1]!.data.every((b) => b === 0));
  const w = vgg.classifier[6]!.parameters()[0]!.data;
  const std = Math.sqrt(Array.from(w).reduce((s, x) => s + x * x, 0) / w.length);
  assert.ok(Math.abs(std - 0.01) < 2e-4, `classifier weight std ${std}`);
  assert.is(nn.summary(vgg, { inputSize: [1, 3, 224, 224] }), VGG16_SUMMARY); // runs the 15.5 GMAC forward pass too

  // classifier surgery as the article does it: seq[i] reads a layer, seq[i] = layer replaces it
  const last = vgg.classifier[6] as nn.Linear;
  assert.equal([last.inFeatures, last.outFeatures], [4096, 1000]);
  vgg.classifier[6] = new nn.Linear(last.inFeatures, 2);
  assert.is(String(vgg.classifier[6]), "Linear(in_features=4096, out_features=2, bias=True)");
  for (const i of [3, 4, 5]) vgg.classifier[i] = new nn.Identity();
  vgg.classifier[6] = new nn.Linear((vgg.classifier[0] as nn.Linear).outFeatures, 2);
  assert.ok(String(vgg).includes("(2): Dropout(p=0.5, inplace=False)\n    (3): Identity()\n    (4): Identity()\n    (5): Identity()\n    (6): Linear(in_features=4096, out_features=2, bias=True)\n  )\n)"), String(vgg));
  assert.is(vgg.classifier.length, 7);
  assert.equal(vgg.namedParameters().slice(-2).map(([n, p]) => [n, [...p.shape]]), [["classifier.6.weight", [2, 4096]], ["classifier.6.bias", [2]]]);
  assert.equal([...torch.noGrad(() => vgg.eval()(torch.zeros(1, 3, 32, 32))).shape], [1, 2]); // adaptive pooling takes any size
});

test("AlexNet and the other builders: torchvision's layers; pretrained weights are refused plainly", () => {
  const alex = models.alexnet();
  assert.is(String(alex), ALEXNET_REPR);
  assert.is(count(alex), 61_100_840);
  for (const ask of [{ weights: "IMAGENET1K_V1" }, { pretrained: true }]) {
    assert.throws(() => models.vgg16(ask), /models\.vgg16\(.*\): pretrained weights cannot be downloaded here .* model\.loadStateDict\(stateDict\)/);
    assert.throws(() => models.alexnet(ask), /models\.alexnet\(.*\): pretrained weights cannot be downloaded here/);
  }
  const bn = models.vgg11Bn({ numClasses: 10, initWeights: false });
  assert.is(String(bn.features).split("\n").slice(1, 5).join("\n"), [
    "  (0): Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
    "  (1): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)",
    "  (2): ReLU(inplace=True)",
    "  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
  ].join("\n"));
  assert.equal([...bn.stateDict().keys()].slice(0, 7), [
    "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
    "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
  ]);
  assert.is(bn.features.modules().filter((x) => x instanceof nn.Conv2d).length, 8); // configuration A
  assert.is(String(new nn.ReLU()), "ReLU()");
  assert.is(String(new nn.ReLU({ inplace: true })), "ReLU(inplace=True)");
  assert.is(String(new nn.Identity()), "Identity()");
});

test.run();
