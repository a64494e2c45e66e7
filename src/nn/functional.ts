// nn.functional: every layer's operation as a plain function.
export { linear } from "../tensor/ops/matmul.ts";
export { relu, sigmoid, tanh } from "../tensor/ops/elementwise.ts";
export { softmax, logSoftmax } from "./ops/activation.ts";
export { mseLoss, crossEntropy, nllLoss, bceLoss, type Reduction } from "./ops/loss.ts";
export { conv2d, convTranspose2d } from "./ops/conv.ts";
export { maxPool2d, maxUnpool2d, avgPool2d, adaptiveAvgPool2d } from "./ops/pool.ts";
export { dropout } from "./ops/dropout.ts";
export { batchNorm } from "./ops/batchnorm.ts";
