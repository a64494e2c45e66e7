// AlexNet (Krizhevsky et al., 2012) as torchvision builds it: five convolutions with max pooling,
// adaptive average pooling to 6x6, and a classifier of 9216 -> 4096 -> 4096 -> classes with
// dropout. Layers keep PyTorch's default initialisation, as torchvision's AlexNet does.
import { Module } from "../nn/modules/module.ts";
import { Sequential } from "../nn/modules/container.ts";
import { Conv2d } from "../nn/modules/conv.ts";
import { ReLU } from "../nn/modules/activation.ts";
import { MaxPool2d, AdaptiveAvgPool2d } from "../nn/modules/pooling.ts";
import { Linear } from "../nn/modules/linear.ts";
import { Dropout } from "../nn/modules/dropout.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkModelOptions, refusePretrained, type ModelOptions } from "./pretrained.ts";

/** torchvision's AlexNet: features, avgpool (6x6), classifier; the same repr and parameter names. */
export class AlexNet extends Module {
  features = new Sequential(
    new Conv2d(3, 64, 11, { stride: 4, padding: 2 }), new ReLU({ inplace: true }), new MaxPool2d(3, { stride: 2 }),
    new Conv2d(64, 192, 5, { padding: 2 }), new ReLU({ inplace: true }), new MaxPool2d(3, { stride: 2 }),
    new Conv2d(192, 384, 3, { padding: 1 }), new ReLU({ inplace: true }),
    new Conv2d(384, 256, 3, { padding: 1 }), new ReLU({ inplace: true }),
    new Conv2d(256, 256, 3, { padding: 1 }), new ReLU({ inplace: true }),
    new MaxPool2d(3, { stride: 2 }),
  );
  avgpool = new AdaptiveAvgPool2d([6, 6]);
  classifier: Sequential;

  constructor({ numClasses = 1000, dropout = 0.5 }: ModelOptions = {}) {
    super();
    this.classifier = new Sequential(
      new Dropout(dropout), new Linear(256 * 6 * 6, 4096), new ReLU({ inplace: true }),
      new Dropout(dropout), new Linear(4096, 4096), new ReLU({ inplace: true }),
      new Linear(4096, numClasses),
    );
  }

  override forward(x: Tensor): Tensor {
    x = this.features(x);
    x = this.avgpool(x);
    x = x.flatten(1);
    return this.classifier(x);
  }
}

/** models.alexnet(): torchvision's AlexNet, untrained (pretrained weights are a clear error offline). */
export function alexnet(options: ModelOptions = {}): AlexNet {
  checkModelOptions("alexnet", options);
  refusePretrained("alexnet", options);
  return new AlexNet(options);
}
