// A grayscale image drawn in the terminal with shaded blocks, to look at an MNIST digit without
// leaving the console. Terminal cells are about twice as tall as wide, so each pixel is two
// characters and the digit keeps its shape.
import * as A from "../args.ts";

export const SHADES = " ░▒▓█";

/** The value range shadeImage maps onto its five shades. */
export interface ShadeOptions {
  /** the value drawn as a space; defaults to the image's smallest value */
  min?: number;
  /** the value drawn as a full block; defaults to the image's largest value */
  max?: number;
}

/**
 * Rows of shaded blocks, joined by newlines: values map linearly from [min, max] onto the five
 * shades (outside values are clamped). A flat image (max === min) and NaN draw as blank.
 */
export function shadeImage(pixels: ArrayLike<number>, width: number, height: number, options: ShadeOptions = {}): string {
  A.checkOptions("shadeImage", options, { min: A.number, max: A.number });
  if (pixels.length !== width * height) {
    throw new Error(`shadeImage: expected ${width * height} values for ${width}x${height}, got ${pixels.length}`);
  }
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const min = options.min ?? lo;
  const max = options.max ?? hi;
  const top = SHADES.length - 1;
  const rows: string[] = [];
  for (let y = 0; y < height; y++) {
    let row = "";
    for (let x = 0; x < width; x++) {
      const t = (pixels[y * width + x]! - min) / (max - min);
      const level = t > 0 ? Math.min(top, Math.round(t * top)) : 0; // also catches NaN
      row += SHADES[level]!.repeat(2);
    }
    rows.push(row);
  }
  return rows.join("\n");
}
