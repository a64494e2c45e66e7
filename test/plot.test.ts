// src/plot: PNG bytes decoded by node:zlib and checked byte by byte with an independent CRC;
// SVG charts checked for their parts and for balanced tags; nice ticks on known ranges; terminal
// shading from min to max.
import { crc32 as nodeCrc32, inflateSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodePng, lineChart, shadeImage } from "../src/plot/index.ts";
import { formatTick, niceTicks } from "../src/plot/svg.ts";
import { adler32, crc32, zlibStored } from "../src/plot/png.ts";

// ---- PNG -------------------------------------------------------------------------------------

/** CRC-32 bit by bit, straight from the definition (no table), to check the table-driven one. */
function slowCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

interface Chunk { type: string; data: Uint8Array }

/** Splits a PNG into chunks, checking the signature, every length and every CRC on the way. */
function readChunks(png: Uint8Array): Chunk[] {
  assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "signature");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    assert.is(view.getUint32(at + 8 + length), slowCrc32(png.subarray(at + 4, at + 8 + length)), `CRC of ${type}`);
    chunks.push({ type, data });
    at += 12 + length;
  }
  assert.is(at, png.length, "chunks end exactly at the end of the file");
  return chunks;
}

/** Decodes an 8-bit, filter-0, non-interlaced PNG back into pixels. */
function decodePng(png: Uint8Array) {
  const chunks = readChunks(png);
  assert.equal(chunks.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  const ihdr = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset, 13);
  const width = ihdr.getUint32(0), height = ihdr.getUint32(4);
  const channels = { 0: 1, 2: 3, 6: 4 }[ihdr.getUint8(9)]!;
  assert.equal([ihdr.getUint8(8), ihdr.getUint8(10), ihdr.getUint8(11), ihdr.getUint8(12)], [8, 0, 0, 0]);
  const raw = inflateSync(chunks[1]!.data); // also verifies the zlib header and Adler-32
  const rowBytes = width * channels;
  assert.is(raw.length, (rowBytes + 1) * height);
  const pixels = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    assert.is(raw[y * (rowBytes + 1)], 0, `filter byte of row ${y}`);
    pixels.set(raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1)), y * rowBytes);
  }
  return { width, height, channels, pixels };
}

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) (seed = (seed * 1103515245 + 12345) >>> 0), (out[i] = seed >>> 24);
  return out;
}

test("crc32: known values, and equal to the bit-by-bit definition and node:zlib", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.is(crc32(enc("IEND")), 0xae426082);
  assert.is(crc32(enc("123456789")), 0xcbf43926); // the standard check value
  assert.is(crc32(new Uint8Array(0)), 0);
  const data = bytes(1000, 7);
  assert.is(crc32(data), slowCrc32(data));
  if (typeof nodeCrc32 === "function") assert.is(crc32(data), nodeCrc32(data));
});

test("adler32: known values", () => {
  assert.is(adler32(new TextEncoder().encode("Wikipedia")), 0x11e60398);
  assert.is(adler32(new Uint8Array(0)), 1);
  // long runs of 0xff are where the sums would grow fastest: compare with a reduce-every-byte loop
  const data = new Uint8Array(100_000).fill(255);
  let a = 1, b = 0;
  for (const x of data) (a = (a + x) % 65521), (b = (b + a) % 65521);
  assert.is(adler32(data), ((b << 16) | a) >>> 0);
});

test("zlibStored: inflates back, splitting into blocks of at most 65535 bytes", () => {
  for (const n of [0, 1, 65535, 65536, 200_000]) {
    const data = bytes(n, n + 3);
    const z = zlibStored(data);
    assert.equal(new Uint8Array(inflateSync(z)), data, `${n} bytes`);
    assert.is(z.length, 2 + 5 * Math.max(1, Math.ceil(n / 65535)) + n + 4, `${n} bytes: size`);
  }
});

test("encodePng: grayscale, RGB and RGBA decode to the same bytes", () => {
  for (const [w, h, c] of [[1, 1, 1], [28, 28, 1], [5, 3, 3], [7, 4, 4]] as const) {
    const pixels = bytes(w * h * c, w * 31 + c);
    const decoded = decodePng(encodePng(pixels, w, h, c));
    assert.equal([decoded.width, decoded.height, decoded.channels], [w, h, c]);
    assert.equal(decoded.pixels, pixels, `${w}x${h}x${c}`);
  }
});

test("encodePng: an image bigger than one stored block (300x300 RGB)", () => {
  const pixels = bytes(300 * 300 * 3, 42);
  assert.equal(decodePng(encodePng(pixels, 300, 300, 3)).pixels, pixels);
});

test("encodePng: the IEND chunk is the fixed 12 bytes", () => {
  const png = encodePng(new Uint8Array([0]), 1, 1, 1);
  assert.equal([...png.subarray(-12)], [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
});

test("encodePng: wrong sizes are refused with what was expected", () => {
  assert.throws(() => encodePng(new Uint8Array(5), 2, 2, 1), /expected 4 bytes for 2x2x1, got 5/);
  assert.throws(() => encodePng(new Uint8Array(0), 0, 0, 1), /positive integers/);
  assert.throws(() => encodePng(new Uint8Array(4), 2, 1, 2 as 1), /channels must be 1, 3 or 4/);
});

// ---- nice ticks ------------------------------------------------------------------------------

test("niceTicks: 1-2-5 steps on known ranges", () => {
  assert.equal(niceTicks(0, 1), { min: 0, max: 1, step: 0.2, values: [0, 0.2, 0.4, 0.6, 0.8, 1] });
  assert.equal(niceTicks(1, 50).values, [0, 10, 20, 30, 40, 50]);
  assert.equal(niceTicks(0, 100).step, 20);
  assert.equal(niceTicks(0.3, 0.7).values, [0.3, 0.4, 0.5, 0.6, 0.7]);
  assert.equal(niceTicks(-3, 7).values, [-4, -2, 0, 2, 4, 6, 8]);
  // rough step 0.0007 rounds to 0.0005 (7 is below sqrt(50), the 5/10 boundary)
  assert.equal(niceTicks(0.0012, 0.0047).values, [0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035, 0.004, 0.0045, 0.005]);
  assert.equal(niceTicks(1.7, 2.3).values, [1.7, 1.8, 1.9, 2, 2.1, 2.2, 2.3]);
  assert.equal(niceTicks(0, 2000, 4).values, [0, 500, 1000, 1500, 2000]);
  for (const [lo, hi] of [[0, 1], [1, 50], [-3, 7], [0.0012, 0.0047], [3, 123456]]) {
    const { step, values } = niceTicks(lo!, hi!);
    const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-12);
    assert.ok([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9), `step ${step} for [${lo}, ${hi}]`);
    assert.ok(values[0]! <= lo! && values.at(-1)! >= hi!, `[${lo}, ${hi}] covered by ${values}`);
  }
});

test("niceTicks: a single value or bad input still gives an axis", () => {
  assert.equal(niceTicks(0, 0).values, [-1, -0.5, 0, 0.5, 1]);
  const t = niceTicks(5, 5);
  assert.ok(t.min < 5 && t.max > 5 && t.values.includes(5), String(t.values));
  assert.equal(niceTicks(NaN, Infinity).values, [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test("formatTick: decimals from the step, no -0, exponents when huge or tiny", () => {
  assert.is(formatTick(0.2, 0.2), "0.2");
  assert.is(formatTick(1, 0.2), "1.0");
  assert.is(formatTick(0, 0.2), "0.0");
  assert.is(formatTick(-0, 1), "0");
  assert.is(formatTick(1500, 500), "1500");
  assert.is(formatTick(0.0025, 0.0005), "0.0025");
  assert.is(formatTick(2e6, 1e6), "2e+6");
});

// ---- SVG -------------------------------------------------------------------------------------

/** Checks that every tag is closed in order and that text has no raw & or <; returns tag names. */
function checkWellFormed(svg: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  const text = svg.replace(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, (_, close, name, _attrs, self) => {
    seen.push(name);
    if (close) assert.is(stack.pop(), name, `</${name}> closes the open tag`);
    else if (!self) stack.push(name);
    return "";
  });
  assert.equal(stack, [], "all tags closed");
  assert.not.match(text, /[<>]/, "no stray angle brackets (every tag parsed)");
  assert.not.match(text, /&(?!(amp|lt|gt|quot|apos);)/, "every & is an entity");
  return seen;
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

test("lineChart: training curves with title, labels, legend, ticks", () => {
  const svg = lineChart({
    title: "loss per epoch",
    xLabel: "epoch",
    yLabel: "loss",
    series: [
      { name: "train", y: [0.9, 0.5, 0.3, 0.25, 0.2] },
      { name: "validation", y: [0.95, 0.6, 0.4, 0.38, 0.37], marker: true },
    ],
  });
  assert.ok(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"400\""));
  const tags = checkWellFormed(svg);
  const t = texts(svg);
  for (const s of ["loss per epoch", "epoch", "loss", "train", "validation"]) assert.ok(t.includes(s), `text "${s}"`);
  // x from 1 to 5 -> ticks 1..5 in steps of 1; y from 0.2 to 0.95 -> 0.2..1.0 in steps of 0.2
  for (const s of ["1", "2", "3", "4", "5", "0.2", "0.4", "0.6", "0.8", "1.0"]) assert.ok(t.includes(s), `tick "${s}" in ${t}`);
  assert.not.ok(t.includes("0.1") || t.includes("1.5"), "no ticks between the steps");
  assert.is(svg.match(/<path /g)?.length, 2, "one path per series");
  assert.is(tags.filter((n) => n === "circle").length, 5, "markers on the validation series only");
  // the two series get different colours, each used in the legend too
  const strokes = [...svg.matchAll(/<g class="series" stroke="([^"]+)"/g)].map((m) => m[1]!);
  assert.is(new Set(strokes).size, 2);
  for (const c of strokes) assert.match(svg, new RegExp(`<line [^>]*stroke="${c}" stroke-width="2"/>`), `legend line in ${c}`);
});

test("lineChart: the points land where the axes say", () => {
  const svg = lineChart({ series: [{ name: "s", x: [0, 10], y: [0, 100] }], width: 500, height: 300 });
  assert.match(svg, /width="500" height="300"/);
  const d = /<path d="M([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+)"/.exec(svg)!;
  const [x0, y0, x1, y1] = d.slice(1).map(Number);
  assert.ok(x0! < x1! && y0! > y1!, "x grows to the right, y grows upwards");
  // (0, 0) is the bottom-left corner of the plot frame, (10, 100) the top-right corner
  const frame = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/.exec(svg)!.slice(1).map(Number);
  assert.equal([x0, y0, x1, y1], [frame[0], frame[1]! + frame[3]!, frame[0]! + frame[2]!, frame[1]]);
});

test("lineChart: the loss parabola y = (w*x - t)^2 with an annotated point", () => {
  const w = Array.from({ length: 41 }, (_, i) => 1 + i * 0.05);
  const svg = lineChart({
    title: "loss = (w * 1 - 2)^2",
    series: [{ name: "loss", x: w, y: w.map((v) => (v * 1 - 2) ** 2) }],
    points: [{ x: 1.95, y: 0.0025, label: "w = 1.95, loss = 0.0025" }],
  });
  checkWellFormed(svg);
  assert.ok(texts(svg).includes("w = 1.95, loss = 0.0025"));
  assert.is((svg.match(/<path d="([^"]*)"/)![1]!.match(/[ML]/g) ?? []).length, 41, "41 points in one path");
});

test("lineChart: NaN splits the line; a lone point gets a dot; a constant series still has ticks", () => {
  const svg = lineChart({ series: [{ name: "gappy", y: [1, 2, NaN, 3, 4, NaN, 5] }] });
  const d = svg.match(/<path d="([^"]*)"/)![1]!;
  assert.is(d.match(/M/g)!.length, 2, "two runs of two points");
  assert.not.match(d, /NaN/);
  assert.is(svg.match(/<circle/g)!.length, 1, "the lone 5 is drawn as a dot");

  const flat = lineChart({ series: [{ name: "flat", y: [3, 3, 3] }] });
  checkWellFormed(flat);
  assert.not.match(flat, /NaN|Infinity/);
  assert.ok(texts(flat).includes("3.0"), "the constant value is a tick");

  const single = lineChart({ series: [{ name: "one", y: [0.5] }] });
  checkWellFormed(single);
  assert.not.match(single, /NaN|Infinity/);
  assert.not.match(single, /<path/);
  assert.is(single.match(/<circle/g)!.length, 1);
});

test("lineChart: text is escaped for XML", () => {
  const svg = lineChart({ title: `a < b & "c"`, xLabel: "x's", series: [{ name: "<train>", y: [1, 2] }] });
  checkWellFormed(svg);
  assert.ok(svg.includes("a &lt; b &amp; &quot;c&quot;"));
  assert.ok(svg.includes("x&apos;s"));
  assert.ok(svg.includes("&lt;train&gt;"));
});

test("lineChart: many series get distinct colours; mismatched x and y are refused", () => {
  const series = Array.from({ length: 14 }, (_, i) => ({ name: `s${i}`, y: [i, i + 1] }));
  const svg = lineChart({ series, height: 500 });
  const strokes = [...svg.matchAll(/<g class="series" stroke="([^"]+)"/g)].map((m) => m[1]!);
  assert.is(new Set(strokes).size, 14);
  assert.throws(() => lineChart({ series: [{ name: "bad", x: [1, 2], y: [1] }] }), /"bad" has 2 x values and 1 y values/);
});

test("lineChart: a fixed y range (accuracy from 0 to 1)", () => {
  const svg = lineChart({ series: [{ name: "acc", y: [0.9, 0.95, 0.97] }], yMin: 0, yMax: 1 });
  const t = texts(svg);
  assert.ok(t.includes("0.0") && t.includes("1.0") && t.includes("0.4"), String(t));
  assert.not.ok(t.includes("1.2"), "nothing drawn above the fixed maximum");
});

// ---- terminal --------------------------------------------------------------------------------

test("shadeImage: min is blank, max is a full block, two characters per pixel", () => {
  const out = shadeImage([0, 64, 128, 191, 255, 0], 3, 2);
  assert.is(out, "  ░░▒▒\n▓▓██  ");
  assert.is(shadeImage([0, 1], 2, 1, { min: 0, max: 2 }), "  ▒▒");
  // values beyond a given range are clamped; a normalised digit in [-1, 1] works the same
  assert.is(shadeImage([-5, 5], 2, 1, { min: 0, max: 1 }), "  ██");
  assert.is(shadeImage(new Float32Array([-1, 1]), 2, 1), "  ██");
});

test("shadeImage: a flat image is blank; wrong sizes are refused", () => {
  assert.is(shadeImage([7, 7, 7, 7], 2, 2), "    \n    ");
  assert.throws(() => shadeImage([1, 2, 3], 2, 2), /expected 4 values for 2x2, got 3/);
});

test("lineChart: dotted guide lines, integer epoch ticks, and markers not clipped by the frame", () => {
  const svg = lineChart({
    series: [{ name: "loss", x: [1.9, 1.95, 2.0, 2.05, 2.1].map(Math.fround), y: [0.01, 0.0025, 0, 0.0025, 0.01] }],
    guides: [{ x1: 1.9, y1: 0.0025, x2: 1.95, y2: 0.0025 }, { x1: 1.95, y1: 0, x2: 1.95, y2: 0.0025 }],
  });
  const guides = /<g class="guides"[^>]*stroke-dasharray="2 3">([\s\S]*?)<\/g>/.exec(svg)!;
  assert.is(guides[1]!.match(/<line /g)?.length, 2);
  // float32's 1.9 (1.8999999761...) still starts the axis at 1.90, not at 1.85
  const t = texts(svg);
  assert.ok(t.includes("1.90") && !t.includes("1.85"), `${t}`);
  const epochs = lineChart({ series: [{ name: "acc", y: [0.5, 0.7, 0.8], marker: true }] });
  const ticks = texts(epochs);
  assert.ok(["1", "2", "3"].every((v) => ticks.includes(v)) && !ticks.includes("1.5"), `${ticks}`);
  // the dots sit in their own group, outside the clipped one, so a dot on the frame stays round
  const markers = /<g class="markers">([\s\S]*?)<\/g>/.exec(epochs)!;
  assert.is(markers[1]!.match(/<circle /g)?.length, 3);
  assert.ok(!/clip-path/.test(markers[0]!));
});

test("plot is reachable from the main entry: torch.plot.lineChart and torch.plot.encodePng", async () => {
  const torch = await import("../src/index.ts");
  const svg = torch.plot.lineChart({ series: [{ name: "loss", y: [3, 2, 1.5] }], title: "training" });
  assert.ok(svg.startsWith("<svg") && svg.includes("training") && svg.includes("loss"));
  const png = torch.plot.encodePng(new Uint8Array([0, 255, 255, 0]), 2, 2, 1);
  assert.equal([...png.subarray(1, 4)], [..."PNG"].map((c) => c.charCodeAt(0)));
});

test.run();
