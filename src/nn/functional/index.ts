// nn.functional: every layer's operation as a plain function.
export { linear } from "../../tensor/ops/matmul.ts";
export { relu_, sigmoid, tanh } from "../../tensor/ops/elementwise.ts";
export { relu, softmax, logSoftmax, softmaxSimple, leakyRelu, gelu, silu, elu, softplus, hardtanh, prelu } from "./activation.ts";
export { embedding, oneHot } from "./embedding.ts";
export { layerNorm, groupNorm } from "./normalization.ts";
export { pad } from "./padding.ts";
export { scaledDotProductAttention, type AttentionOptions } from "./attention.ts";
export { interpolate, type InterpolateOptions } from "./interpolate.ts";
export {
  mseLoss, crossEntropy, nllLoss, bceLoss, binaryCrossEntropy, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropyWithLogits, klDiv, type Reduction, type NllLossOptions, type CrossEntropyOptions } from "./loss.ts";
export { conv2d, convTranspose2d } from "./conv.ts";
export { maxPool2d, maxUnpool2d, avgPool2d, adaptiveAvgPool2d } from "./pooling.ts";
export { dropout } from "./dropout.ts";
export { batchNorm } from "./batchnorm.ts";
