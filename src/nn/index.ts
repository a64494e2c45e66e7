// The nn namespace: `nn.Linear`, `nn.functional.relu`, ...
export { Module, Parameter } from "./modules/module.ts";
export { Linear } from "./modules/linear.ts";
export { ReLU, Identity, Sigmoid, Tanh, Softmax, LogSoftmax, LeakyReLU, GELU, SiLU, ELU, Softplus, Hardtanh, PReLU } from "./modules/activation.ts";
export { MSELoss, CrossEntropyLoss, NLLLoss, BCELoss, L1Loss, SmoothL1Loss, HuberLoss, BCEWithLogitsLoss, KLDivLoss } from "./modules/loss.ts";
export { Sequential, ModuleList, ModuleDict } from "./modules/container.ts";
export { Flatten, Unflatten } from "./modules/flatten.ts";
export { Embedding } from "./modules/embedding.ts";
export { RNN, LSTM, GRU, type RNNOptions } from "./modules/rnn.ts";
export { MultiheadAttention } from "./modules/attention.ts";
export { LayerNorm, GroupNorm } from "./modules/normalization.ts";
export * as functional from "./functional/index.ts";
export * as init from "./init.ts";
export { Conv2d, ConvTranspose2d, Conv1d } from "./modules/conv.ts";
export { MaxPool2d, MaxUnpool2d, AvgPool2d, AdaptiveAvgPool2d, MaxPool1d, AvgPool1d, Upsample } from "./modules/pooling.ts";
export { Dropout } from "./modules/dropout.ts";
export { BatchNorm2d, BatchNorm1d } from "./modules/batchnorm.ts";
export { summary, type SummaryOptions } from "./summary.ts";
export * as utils from "./utils.ts";
