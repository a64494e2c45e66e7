// The public surface (shared/design/API.md). `import * as torch from "./src/index.ts"` reads like PyTorch.
export * from "./tensor/index.ts";
export { manualSeed } from "./random.ts";
export { setBackend, getBackend, setNumThreads, getNumThreads, prepareThreads, type BackendName } from "./kernels/index.ts";
export { Value } from "./scalar.ts";
export { serialize, deserialize, type StateDict } from "./io/safetensors.ts";
export { save, load } from "./io/files.ts";
export * as plot from "./plot/index.ts";
export { progress, ProgressBar, formatInterval, type ProgressOptions, type ProgressStream } from "./progress.ts";
export * as nn from "./nn/index.ts";
export * as optim from "./optim/index.ts";
export * as data from "./data/index.ts";
export * as transforms from "./data/transforms.ts";
export * as models from "./models/index.ts";
export * as utils from "./utils/index.ts";
export * as viz from "./viz/index.ts";
