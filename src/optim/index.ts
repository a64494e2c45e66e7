// optim.*: optimisers that update parameters from their gradients.
export { Optimizer, type OptimizerStateDict, type ParamState, type ParamGroup, type ParamGroupSpec, type Params, type Hyperparameters } from "./optimizer.ts";
export { SGD, type SGDOptions, type SGDHyperparameters } from "./sgd.ts";
export { Adam, AdamW, type AdamOptions, type AdamHyperparameters } from "./adam.ts";
export { RMSprop, Adagrad, type RMSpropOptions, type AdagradOptions, type RMSpropHyperparameters, type AdagradHyperparameters } from "./rmsprop.ts";
export * as lrScheduler from "./lr-scheduler.ts";
