// nn.functional: every layer's operation as a plain function.
export { linear } from "../../tensor/ops/matmul.ts";
export { relu, relu_, sigmoid, tanh } from "../../tensor/ops/elementwise.ts";
export { softmax, logSoftmax, softmaxSimple } from "./activation.ts";
export { mseLoss, crossEntropy, nllLoss, bceLoss, binaryCrossEntropy, type Reduction, type NllLossOptions, type CrossEntropyOptions } from "./loss.ts";
export { conv2d, convTranspose2d } from "./conv.ts";
export { maxPool2d, maxUnpool2d, avgPool2d, adaptiveAvgPool2d } from "./pooling.ts";
export { dropout } from "./dropout.ts";
export { batchNorm } from "./batchnorm.ts";
