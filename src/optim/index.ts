// optim.*: optimisers that update parameters from their gradients.
export { Optimizer, type OptimizerStateDict, type ParamState } from "./optimizer.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
export { Adam, AdamW, type AdamOptions } from "./adam.ts";
export { RMSprop, Adagrad, type RMSpropOptions, type AdagradOptions } from "./rmsprop.ts";
export * as lrScheduler from "./lr-scheduler.ts";
