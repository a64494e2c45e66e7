// The picture chapters 12 and 15 use where article 001 opens its photo (konan.JPG, 484 x 648): made
// here, byte by byte, so every run sees the same one. Red grows to the right, green downwards, and
// blue is a disc in the middle; its bytes run from 0 to 255.
import { transforms } from "../../src/index.ts";

export const PICTURE_WIDTH = 484;
export const PICTURE_HEIGHT = 648;

/** The picture's bytes in numpy's and PIL's layout: height x width x 3 (RGB), row by row. */
export function pictureBytes(height = PICTURE_HEIGHT, width = PICTURE_WIDTH): Uint8Array {
  const bytes = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inDisc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (width / 4) ** 2;
      const at = (y * width + x) * 3;
      bytes[at] = Math.round((255 * x) / (width - 1));
      bytes[at + 1] = Math.round((255 * y) / (height - 1));
      bytes[at + 2] = inDisc ? 255 : 0;
    }
  }
  return bytes;
}

/** The picture as what Image.open gives the article: a PIL image (here our PILImage), format "JPEG". */
export function openPicture(): transforms.PILImage {
  return new transforms.PILImage(PICTURE_WIDTH, PICTURE_HEIGHT, "RGB", pictureBytes(), "JPEG");
}
