// VGG (Simonyan and Zisserman, 2014) as torchvision builds it, layer for layer, so that the repr,
// the parameter names and shapes, and the torchinfo summary are torchvision's.
//
// features: 3x3 convolutions (padding 1, so the size stays) each followed by ReLU (and BatchNorm
// before it in the _bn forms), with a 2x2 max pooling that halves the size after each block;
// avgpool: adaptive average pooling to 7x7; classifier: 25088 -> 4096 -> 4096 -> classes.
import { Module } from "../nn/modules/module.ts";
import { Sequential } from "../nn/modules/container.ts";
import { Conv2d } from "../nn/modules/conv.ts";
import { BatchNorm2d } from "../nn/modules/batchnorm.ts";
import { ReLU } from "../nn/modules/activation.ts";
import { MaxPool2d, AdaptiveAvgPool2d } from "../nn/modules/pooling.ts";
import { Linear } from "../nn/modules/linear.ts";
import { Dropout } from "../nn/modules/dropout.ts";
import { constant_, kaimingNormal_, normal_ } from "../nn/init.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkModelOptions, refusePretrained, type ModelOptions } from "./pretrained.ts";

/** Output channels of each convolution; "M" is a max pooling. */
type Config = readonly (number | "M")[];

const CONFIGS: Record<"vgg11" | "vgg13" | "vgg16" | "vgg19", Config> = {
  vgg11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  vgg13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  vgg16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
  vgg19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
};

function makeFeatures(config: Config, batchNorm: boolean): Sequential {
  const layers: Module[] = [];
  let channels = 3;
  for (const v of config) {
    if (v === "M") {
      layers.push(new MaxPool2d(2, { stride: 2 }));
      continue;
    }
    layers.push(new Conv2d(channels, v, 3, { padding: 1 }));
    if (batchNorm) layers.push(new BatchNorm2d(v));
    layers.push(new ReLU({ inplace: true }));
    channels = v;
  }
  return new Sequential(...layers);
}

/** torchvision's VGG: features from a configuration, avgpool (7x7), classifier; the same repr and parameter names. */
export class VGG extends Module {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential;

  constructor(features: Sequential, { numClasses = 1000, dropout = 0.5, initWeights = true }: ModelOptions = {}) {
    super();
    // assigned in torchvision's order, which is the order modules register in (and print)
    this.features = features;
    this.avgpool = new AdaptiveAvgPool2d([7, 7]);
    this.classifier = new Sequential(
      new Linear(512 * 7 * 7, 4096), new ReLU({ inplace: true }), new Dropout(dropout),
      new Linear(4096, 4096), new ReLU({ inplace: true }), new Dropout(dropout),
      new Linear(4096, numClasses),
    );
    // torchvision's initialisation: He normal (fan out) for convolutions, N(0, 0.01) for Linear
    for (const m of initWeights ? this.modules() : []) {
      if (m instanceof Conv2d) {
        kaimingNormal_(m.weight, { mode: "fanOut", nonlinearity: "relu" });
        if (m.bias) constant_(m.bias, 0);
      } else if (m instanceof BatchNorm2d && m.weight && m.bias) {
        constant_(m.weight, 1);
        constant_(m.bias, 0);
      } else if (m instanceof Linear) {
        normal_(m.weight, 0, 0.01);
        if (m.bias) constant_(m.bias, 0);
      }
    }
  }

  override forward(x: Tensor): Tensor {
    x = this.features(x);
    x = this.avgpool(x);
    x = x.flatten(1);
    return this.classifier(x);
  }
}

function vgg(name: keyof typeof CONFIGS, batchNorm: boolean, options: ModelOptions): VGG {
  checkModelOptions(batchNorm ? `${name}_bn` : name, options);
  refusePretrained(batchNorm ? `${name}Bn` : name, options);
  return new VGG(makeFeatures(CONFIGS[name], batchNorm), options);
}

/** torchvision.models.vgg11: VGG-11 for 224x224 RGB images, weights freshly initialised (no pretrained weights offline). */
export const vgg11 = (options: ModelOptions = {}) => vgg("vgg11", false, options);
/** torchvision.models.vgg11_bn: VGG-11 with BatchNorm2d after every convolution. */
export const vgg11Bn = (options: ModelOptions = {}) => vgg("vgg11", true, options);
/** torchvision.models.vgg13: VGG-13 for 224x224 RGB images, weights freshly initialised (no pretrained weights offline). */
export const vgg13 = (options: ModelOptions = {}) => vgg("vgg13", false, options);
/** torchvision.models.vgg13_bn: VGG-13 with BatchNorm2d after every convolution. */
export const vgg13Bn = (options: ModelOptions = {}) => vgg("vgg13", true, options);
/** torchvision.models.vgg16: VGG-16 for 224x224 RGB images, weights freshly initialised (no pretrained weights offline). */
export const vgg16 = (options: ModelOptions = {}) => vgg("vgg16", false, options);
/** torchvision.models.vgg16_bn: VGG-16 with BatchNorm2d after every convolution. */
export const vgg16Bn = (options: ModelOptions = {}) => vgg("vgg16", true, options);
/** torchvision.models.vgg19: VGG-19 for 224x224 RGB images, weights freshly initialised (no pretrained weights offline). */
export const vgg19 = (options: ModelOptions = {}) => vgg("vgg19", false, options);
/** torchvision.models.vgg19_bn: VGG-19 with BatchNorm2d after every convolution. */
export const vgg19Bn = (options: ModelOptions = {}) => vgg("vgg19", true, options);
