// The nn namespace: `nn.Linear`, `nn.functional.relu`, ...
export { Module, Parameter } from "./module.ts";
export { Linear } from "./linear.ts";
export { ReLU, Identity, Sigmoid, Tanh, Softmax, LogSoftmax } from "./activation.ts";
export { MSELoss, CrossEntropyLoss, BCELoss } from "./loss.ts";
export { Sequential } from "./container.ts";
export { Flatten } from "./flatten.ts";
export * as functional from "./functional.ts";
export * as init from "./init.ts";
export { Conv2d, ConvTranspose2d } from "./conv.ts";
export { MaxPool2d, MaxUnpool2d, AvgPool2d, AdaptiveAvgPool2d } from "./pooling.ts";
export { Dropout } from "./dropout.ts";
export { BatchNorm2d } from "./batchnorm.ts";
export { summary, type SummaryOptions } from "./summary.ts";
export * as utils from "./utils.ts";
