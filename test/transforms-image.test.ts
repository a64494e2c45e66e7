// Image transforms of article 001 section 4 and 7: the PILImage stand-in, PILToTensor/ToPILImage,
// Resize (against torch's antialiased bilinear interpolate for floats and Pillow's BILINEAR resize
// for bytes, both run once to make these numbers) and CenterCrop.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { transforms as T } from "../src/index.ts";
import { maxAbsDiff } from "./arbitraries.ts";

/** A 6x5 RGB image whose byte i (row by row, channels interleaved) is 5i mod 256. */
function testImage(): T.PILImage {
  const bytes = Uint8Array.from({ length: 5 * 6 * 3 }, (_, i) => (i * 5) % 256);
  return new T.PILImage(6, 5, "RGB", bytes);
}

test("PILImage, PILToTensor and ToPILImage: sizes as PIL gives them, bytes kept, the section 4-1 ranges", () => {
  const img = testImage();
  assert.equal(img.size, [6, 5]); // (width, height), as PIL
  assert.is(img.mode, "RGB");
  assert.is(img.format, null);
  assert.is(String(img), "<PIL.Image.Image image mode=RGB size=6x5>");
  const bytes = T.PILToTensor()(img);
  assert.is(bytes.dtype, torch.uint8);
  assert.equal([...bytes.shape], [3, 5, 6]);
  assert.equal([bytes.get(0, 0, 0).item(), bytes.get(1, 0, 0).item(), bytes.get(0, 0, 1).item()], [0, 5, 15]);
  assert.is(`(Min,Max)=(${bytes.min()}, ${bytes.max()})`, "(Min,Max)=(tensor(0, dtype=torch.uint8), tensor(255, dtype=torch.uint8))");
  const floats = T.ToTensor()(img);
  assert.is(floats.dtype, torch.float32);
  assert.equal(Array.from(floats.data), Array.from(bytes.data, (b) => Math.fround(b / 255)));
  // back to a PIL image: floats times 255, truncated to bytes, as torchvision does
  const back = T.ToPILImage()(floats);
  assert.equal([back.size, back.mode], [[6, 5], "RGB"]);
  assert.equal(Array.from(T.PILToTensor()(T.ToPILImage()(bytes)).data), Array.from(bytes.data));
  assert.equal(Array.from(T.ToPILImage()(torch.tensor([[[0.5, 0.999]]])).data), [127, 254]);
  assert.is(T.ToPILImage()(torch.zeros(1, 2, 2)).mode, "L");
  assert.throws(() => new T.PILImage(2, 2, "RGB", new Uint8Array(5)), /a 2x2 RGB image has 12 bytes, got 5/);
  assert.throws(() => T.ToPILImage()(torch.zeros(2, 2, 2, 2)), /pic should be 2\/3 dimensional\. Got 4 dimensions\./);
});

test("Resize of float images: torch's antialiased bilinear interpolation", () => {
  const x = torch.arange(1, 17).float().reshape(1, 1, 4, 4);
  const cases: [number[], number[]][] = [
    [[2, 2], [4.5714287757873535, 6.142857074737549, 10.85714340209961, 12.428571701049805]],
    [[3, 5], [2.2, 2.9, 3.7, 4.5, 5.2, 7.0, 7.7, 8.5, 9.3, 10.0, 11.8, 12.5, 13.3, 14.1, 14.8]],
  ];
  for (const [size, want] of cases) {
    const out = T.Resize(size)(x);
    assert.equal([...out.shape], [1, 1, ...size]);
    assert.ok(maxAbsDiff(out.data, want) < 2e-6, `${size}: ${Array.from(out.data)}`);
  }
  const y = torch.arange(30).float().reshape(1, 1, 5, 6).mul(1.7);
  const want = [5.0089287757873535, 7.393651008605957, 9.84920597076416, 12.233928680419922, 21.037500381469727, 23.422224044799805,
    25.877779006958008, 28.262500762939453, 37.066070556640625, 39.4507942199707, 41.906349182128906, 44.291072845458984];
  assert.ok(maxAbsDiff(T.Resize([3, 4])(y).data, want) < 1e-5);
  // one number: the shorter side becomes it, the longer keeps the aspect ratio (rounded down)
  assert.equal([...T.Resize(4)(torch.zeros(3, 6, 9)).shape], [3, 4, 6]);
  assert.equal([...T.Resize(4)(torch.zeros(3, 9, 6)).shape], [3, 6, 4]);
  assert.is(String(T.Resize([256, 256])), "Resize(size=(256, 256), interpolation=bilinear, max_size=None, antialias=True)");
  assert.is(String(T.Resize(256)), "Resize(size=256, interpolation=bilinear, max_size=None, antialias=True)");
  assert.throws(() => T.Resize(0), /Resize: size should be a positive int or a pair \[height, width\] of them, got 0/);
});

test("Resize of byte images: Pillow's BILINEAR resize, byte for byte", () => {
  const img = testImage();
  const small = T.Resize([3, 4])(img);
  assert.equal(small.size, [4, 3]);
  assert.equal(Array.from(T.PILToTensor()(small).data), [
    45, 66, 87, 108, 129, 150, 171, 192, 71, 92, 113, 134, 50, 71, 92, 113, 134, 155, 176, 108, 76, 97, 118, 139,
    55, 76, 97, 118, 139, 160, 181, 113, 81, 102, 123, 144,
  ]);
  const large = T.PILToTensor()(T.Resize([7, 9])(img));
  assert.equal(Array.from(large.data).slice(0, 27), [0, 8, 18, 27, 38, 48, 57, 68, 75, 51, 59, 69, 78, 89, 99, 108, 119, 126, 116, 124, 134, 143, 154, 164, 173, 184, 191]);
  assert.equal(Array.from(large.data).slice(-9), [114, 122, 132, 141, 152, 162, 171, 182, 189]);
  // a uint8 tensor resizes the same way
  assert.equal(Array.from(T.Resize([3, 4])(T.PILToTensor()(img)).data), Array.from(T.PILToTensor()(small).data));
});

test("CenterCrop: the middle, its corner rounded as Python rounds; zeros around a small image", () => {
  const x = torch.arange(25).float().reshape(1, 5, 5);
  assert.equal(T.CenterCrop(3)(x).tolist(), [[[6, 7, 8], [11, 12, 13], [16, 17, 18]]]);
  assert.equal(T.CenterCrop([2, 4])(x).tolist(), [[[10, 11, 12, 13], [15, 16, 17, 18]]]); // top round(1.5) = 2, left round(0.5) = 0
  assert.equal(T.CenterCrop([1, 1])(torch.arange(4).float().reshape(1, 2, 2)).tolist(), [[[0]]]); // round(0.5) = 0
  assert.equal(T.CenterCrop(4)(torch.ones(1, 2, 2)).tolist(), [[[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]]]);
  const crop = T.CenterCrop(224);
  assert.is(String(crop), "CenterCrop(size=(224, 224))");
  assert.equal(crop(T.Resize(256)(testImage())).size, [224, 224]);
});

test.run();
