// PILImage: what a PIL image is to torchvision's transforms, held in plain bytes: width and height,
// a mode ("L" gray, "RGB", "RGBA") and the pixels row by row, channels interleaved (height x width x
// channels), as PIL and numpy lay them out. There is no file decoding here: make the bytes yourself
// (or from a decoder of your choice) and wrap them.

/** PIL's image modes that PILImage holds: "L" (gray, 1 byte a pixel), "RGB" (3), "RGBA" (4). */
export type ImageMode = "L" | "RGB" | "RGBA";

const CHANNELS: Record<ImageMode, number> = { L: 1, RGB: 3, RGBA: 4 };

/** A stand-in for a PIL image: bytes in H x W x channels order with a mode ("L", "RGB" or "RGBA"), as torchvision's transforms take. */
export class PILImage {
  readonly width: number;
  readonly height: number;
  readonly mode: ImageMode;
  /** height * width * channels bytes, row by row, channels interleaved. */
  readonly data: Uint8Array;
  /** The file format it was read from ("JPEG"), or null for an image made in memory, as PIL's. */
  readonly format: string | null;

  constructor(width: number, height: number, mode: ImageMode, data?: Uint8Array, format: string | null = null) {
    if (!(mode in CHANNELS)) throw new Error(`PILImage: mode must be "L", "RGB" or "RGBA", got ${JSON.stringify(mode)}`);
    for (const [name, n] of [["width", width], ["height", height]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`PILImage: ${name} must be a positive integer, got ${n}`);
    }
    const bytes = width * height * CHANNELS[mode];
    if (data && data.length !== bytes) {
      throw new Error(`PILImage: a ${width}x${height} ${mode} image has ${bytes} bytes, got ${data.length}`);
    }
    this.width = width;
    this.height = height;
    this.mode = mode;
    this.data = data ?? new Uint8Array(bytes);
    this.format = format;
  }

  /** PIL's size: (width, height), in that order. */
  get size(): [number, number] {
    return [this.width, this.height];
  }
  get channels(): number {
    return CHANNELS[this.mode];
  }
  /** The mode for a number of channels, as ToPILImage picks it. */
  static modeFor(channels: number): ImageMode {
    const mode = (Object.keys(CHANNELS) as ImageMode[]).find((m) => CHANNELS[m] === channels);
    if (!mode) throw new Error(`an image has 1, 3 or 4 channels, got ${channels}`);
    return mode;
  }
  toString(): string {
    return `<PIL.Image.Image image mode=${this.mode} size=${this.width}x${this.height}>`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
