// The utils namespace: torch.utils.benchmark.
export * as benchmark from "./benchmark.ts";
