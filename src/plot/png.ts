// PNG bytes with no dependency. PNG wants its pixels in a zlib stream, but zlib allows "stored"
// deflate blocks that hold bytes uncompressed, so all we need are two checksums (CRC-32 per
// chunk, Adler-32 over the pixels) and some framing. The file is bigger than a compressed one,
// which does not matter for a 28x28 digit or a few feature maps.

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const; // grayscale, RGB, RGBA
const MAX_STORED = 65535; // a stored block's length field is 16 bits

// CRC-32 (polynomial 0xEDB88320, reflected), one table entry per byte value.
const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c >>> 0;
}

export function crc32(bytes: Uint8Array, crc = 0): number {
  crc = ~crc;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

export function adler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  // 65521 is the largest prime below 2^16; reduce every 5552 bytes, the most that cannot overflow
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(start + 5552, bytes.length);
    for (let i = start; i < end; i++) (a += bytes[i]!), (b += a);
    (a %= 65521), (b %= 65521);
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream (RFC 1950) holding `data` in stored deflate blocks (RFC 1951, BTYPE 00). */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  const view = new DataView(out.buffer);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x01; // no preset dictionary, and (0x78 << 8 | 0x01) is a multiple of 31 as required
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const chunk = data.subarray(b * MAX_STORED, (b + 1) * MAX_STORED);
    out[at] = b === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00 = stored
    view.setUint16(at + 1, chunk.length, true); // LEN and its complement NLEN, little-endian
    view.setUint16(at + 3, ~chunk.length & 0xffff, true);
    out.set(chunk, at + 5);
    at += 5 + chunk.length;
  }
  view.setUint32(at, adler32(data)); // big-endian, like every number outside deflate
  return out;
}

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes 8-bit pixels, row-major with channels interleaved (gray, RGB or RGBA), as PNG bytes.
 * Values are bytes; scale floats to 0..255 before calling.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  if (!(channels in COLOR_TYPE)) throw new Error(`encodePng: channels must be 1, 3 or 4, got ${channels}`);
  const rowBytes = width * channels;
  if (pixels.length !== rowBytes * height) {
    throw new Error(`encodePng: expected ${rowBytes * height} bytes for ${width}x${height}x${channels}, got ${pixels.length}`);
  }

  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = COLOR_TYPE[channels];
  // bytes 10-12: compression 0 (deflate), filter method 0, no interlace

  // Each scanline starts with its filter type; 0 = None, the bytes as they are.
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);

  const parts = [Uint8Array.from(PNG_SIGNATURE), chunk("IHDR", header), chunk("IDAT", zlibStored(raw)), chunk("IEND", new Uint8Array(0))];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (png.set(p, at), (at += p.length));
  return png;
}
