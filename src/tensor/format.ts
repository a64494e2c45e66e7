// PyTorch's tensor repr (torch/_tensor_str.py) with default print options, as a pure function of
// the storage, shape and dtype tag. Every rule below mirrors a rule there; the names say which.

import { bool, float32, int64, type DataArray, type DType } from "./dtype.ts";

const PRECISION = 4;
const THRESHOLD = 1000; // more elements than this: summarise with "..."
const EDGEITEMS = 3; // items kept at each end of a summarised dimension
const LINEWIDTH = 80;

/** `torch.Size([150, 4])`, `torch.Size([])`. */
export function formatSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(", ")}])`;
}

/** What PyTorch prints for a tensor with default print options.
 *  suffixes: extra "key=value" parts after the data, e.g. ["requires_grad=True"] or ["grad_fn=<MulBackward0>"];
 *  the function adds "dtype=torch.float64" itself where PyTorch names the dtype (and size/dtype for empty tensors, as PyTorch does).
 *  prefix: what opens the repr; continuation lines indent by the length of its last line. */
export function formatTensor(
  data: DataArray,
  shape: readonly number[],
  dtype: DType,
  suffixes: string[] = [],
  prefix = "tensor(",
): string {
  const indent = prefix.length - prefix.lastIndexOf("\n") - 1;
  const numel = shape.reduce((a, b) => a * b, 1);
  const extra: string[] = [];
  let body: string;
  if (numel === 0) {
    // An empty tensor shows its shape unless it is 1-D, and its dtype unless float32.
    if (shape.length !== 1) extra.push(`size=(${shape.join(", ")})`);
    if (dtype !== float32) extra.push(`dtype=${dtype}`);
    body = "[]";
  } else {
    // float32 is the default dtype, and int64 and bool are what whole numbers and booleans default
    // to, so PyTorch names every other dtype.
    if (dtype !== float32 && dtype !== int64 && dtype !== bool) extra.push(`dtype=${dtype}`);
    body = tensorStr(data, shape, dtype, indent);
  }
  return addSuffixes(prefix + body, [...extra, ...suffixes], indent);
}

// Suffixes go on the last line unless that would pass the line width. The length arithmetic
// (including its off-by-two) is PyTorch's, so lines break exactly where PyTorch breaks them.
function addSuffixes(str: string, suffixes: string[], indent: number): string {
  let out = str;
  let lastLineLen = str.length - str.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > LINEWIDTH) {
      out += ",\n" + " ".repeat(indent) + suffix;
      lastLineLen = indent + suffix.length;
    } else {
      out += ", " + suffix;
      lastLineLen += suffix.length + 2;
    }
  }
  return out + ")";
}

/** Indices shown along a dimension of size n; -1 marks the "..." placeholder. */
function shownIndices(n: number, summarize: boolean): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (!summarize || n <= 2 * EDGEITEMS) return all;
  return [...all.slice(0, EDGEITEMS), -1, ...all.slice(n - EDGEITEMS)];
}

function tensorStr(data: DataArray, shape: readonly number[], dtype: DType, indent: number): string {
  const rank = shape.length;
  if (rank === 0) return makeFormatter([data[0]!], dtype).format(data[0]!);
  const summarize = shape.reduce((a, b) => a * b, 1) > THRESHOLD;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));

  // The formatter (widths, int/sci mode) sees only the elements that will be printed.
  const shown: number[] = [];
  const collect = (d: number, offset: number): void => {
    for (const i of shownIndices(shape[d]!, summarize)) {
      if (i < 0) continue;
      if (d === rank - 1) shown.push(data[offset + i]!);
      else collect(d + 1, offset + i * strides[d]!);
    }
  };
  collect(0, 0);
  const fmt = makeFormatter(shown, dtype);

  const block = (d: number, offset: number, ind: number): string => {
    const idx = shownIndices(shape[d]!, summarize);
    if (d === rank - 1) {
      // The last dimension wraps: as many elements per line as fit in the line width.
      const items = idx.map((i) => (i < 0 ? " ..." : fmt.format(data[offset + i]!)));
      const perLine = Math.max(1, Math.floor((LINEWIDTH - ind) / (fmt.width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
      return "[" + lines.join(",\n" + " ".repeat(ind + 1)) + "]";
    }
    // Sub-blocks are separated by (dims left - 1) newlines: a blank line between 2-D blocks of a 3-D tensor.
    const parts = idx.map((i) => (i < 0 ? "..." : block(d + 1, offset + i * strides[d]!, ind + 1)));
    return "[" + parts.join("," + "\n".repeat(rank - d - 1) + " ".repeat(ind + 1)) + "]";
  };
  return block(0, 0, indent);
}

interface Formatter {
  width: number;
  format(value: number): string;
}

// PyTorch's _Formatter: one width and one mode for the whole tensor.
function makeFormatter(values: number[], dtype: DType): Formatter {
  if (!dtype.isFloatingPoint) {
    const str = dtype === bool ? (v: number) => (v !== 0 ? "True" : "False") : intStr;
    const width = Math.max(1, ...values.map((v) => str(v).length));
    return { width, format: (v) => str(v).padStart(width) };
  }
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true; // every nonzero finite value is integral: print "31." without decimals
  let sciMode = false;
  let width = 1;
  if (finite.length > 0) {
    const abs = finite.map(Math.abs);
    const max = Math.max(...abs);
    const min = Math.min(...abs);
    intMode = finite.every((v) => v === Math.ceil(v));
    sciMode = max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4);
    for (const v of finite) {
      const s = sciMode ? expStr(v, PRECISION) : intMode ? fixedStr(v, 0) + "." : fixedStr(v, PRECISION);
      width = Math.max(width, s.length);
    }
  }
  const format = (v: number): string => {
    let s: string;
    if (sciMode) s = expStr(v, PRECISION);
    else if (intMode) s = Number.isFinite(v) ? fixedStr(v, 0) + "." : fixedStr(v, 0);
    else s = fixedStr(v, PRECISION);
    return s.padStart(width);
  };
  return { width, format };
}

// Python's str(int). Storage is float; int tags hold integral values.
function intStr(v: number): string {
  return Number.isFinite(v) ? BigInt(Math.trunc(v)).toString() : String(v);
}

// --- Python's '{:.Nf}' and '{:.Ne}' on a double: exact value, round half to even. ---
// JS toFixed/toExponential round exact ties away from zero (0.03125 -> "0.0313", Python "0.0312").

function nonFinite(v: number): string {
  return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

function sign(v: number): string {
  return v < 0 || Object.is(v, -0) ? "-" : ""; // Python keeps the sign of -0.0 and of values rounding to 0
}

/** round(|v| * 10^k) with ties to even, computed exactly from the binary value. */
function scaledRound(v: number, k: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const frac = bits & ((1n << 52n) - 1n);
  let num = biased === 0 ? frac : frac | (1n << 52n);
  let den = 1n;
  const e = (biased === 0 ? 1 : biased) - 1075; // |v| = num * 2^e
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  const q = num / den;
  const twice = 2n * (num % den);
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

function fixedStr(v: number, digits: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  const n = scaledRound(v, digits).toString().padStart(digits + 1, "0");
  const body = digits === 0 ? n : n.slice(0, -digits) + "." + n.slice(-digits);
  return sign(v) + body;
}

function expStr(v: number, digits: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  let exp = 0;
  let n = 0n;
  if (v !== 0) {
    exp = Math.floor(Math.log10(Math.abs(v)));
    const lo = 10n ** BigInt(digits);
    const hi = lo * 10n;
    // log10 may be off by one near powers of ten, and rounding may carry into a new digit.
    for (;;) {
      n = scaledRound(v, digits - exp);
      if (n >= hi) exp++;
      else if (n < lo) exp--;
      else break;
    }
  }
  const s = n.toString().padStart(digits + 1, "0");
  const mantissa = digits === 0 ? s : s[0] + "." + s.slice(1);
  const expPart = (exp < 0 ? "-" : "+") + String(Math.abs(exp)).padStart(2, "0");
  return sign(v) + mantissa + "e" + expPart;
}
