// models.*: torchvision's image classifiers, built layer for layer (no pretrained weights offline).
export { VGG, vgg11, vgg11Bn, vgg13, vgg13Bn, vgg16, vgg16Bn, vgg19, vgg19Bn } from "./vgg.ts";
export { AlexNet, alexnet } from "./alexnet.ts";
export type { ModelOptions } from "./pretrained.ts";
