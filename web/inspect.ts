// console.log's text as Node writes it, for a page: a chapter's output in the browser must read as
// it does in the terminal. Node formats with util.inspect; this is the part of it the chapters'
// values reach (strings, numbers, arrays, plain and class objects, Map, Set, typed arrays, and
// anything with a [Symbol.for("nodejs.util.inspect.custom")] method, as tensors and modules have),
// following its rules for when a list fits on one line and how a long list of short items is set
// in columns (util.inspect's defaults: breakLength 80, compact 3, depth 2).

const CUSTOM = Symbol.for("nodejs.util.inspect.custom");
const BREAK = 80;
const DEPTH = 2;

/** The line console.log(...args) prints. */
export function formatLog(args: readonly unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" ");
}

/** util.inspect(value) with its default options. */
export function inspect(value: unknown): string {
  return formatValue(value, 0, 0, new Set());
}

function quote(s: string): string {
  const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes("`") ? "`" : "'";
  const escaped = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
  return q + (q === "'" ? escaped.replace(/'/g, "\\'") : escaped) + q;
}

function formatPrimitive(value: unknown, nested: boolean): string | null {
  switch (typeof value) {
    case "string": return nested ? quote(value) : value;
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "bigint": return `${value}n`;
    case "boolean": return String(value);
    case "undefined": return "undefined";
    case "symbol": return value.toString();
    case "function": {
      const name = value.name;
      if (/^class\b/.test(Function.prototype.toString.call(value))) return `[class ${name || "(anonymous)"}]`;
      return name ? `[Function: ${name}]` : "[Function (anonymous)]";
    }
  }
  return value === null ? "null" : null;
}

function formatValue(value: unknown, depth: number, indent: number, seen: Set<object>): string {
  // A custom inspect comes first, for functions too (a module is callable, and prints its repr).
  const custom = value !== null && (typeof value === "object" || typeof value === "function") ? (value as Record<PropertyKey, unknown>)[CUSTOM] : undefined;
  if (typeof custom === "function") {
    const out = custom.call(value, DEPTH - depth, {}, inspect);
    return typeof out === "string" ? out.replaceAll("\n", `\n${" ".repeat(indent)}`) : formatValue(out, depth, indent, seen);
  }
  const primitive = formatPrimitive(value, depth > 0);
  if (primitive !== null) return primitive;
  const object = value as Record<PropertyKey, unknown>;
  if (seen.has(object)) return "[Circular *1]";
  if (object instanceof Error) return object.stack ?? `${object.name}: ${object.message}`;
  const ctorName = (Object.getPrototypeOf(object) as { constructor?: { name?: string } } | null)?.constructor?.name;
  let braces: [string, string] = ["{", "}"];
  let prefix = "";
  let entries: unknown[] = [];
  let keyed: [string, unknown][] = [];
  let isArrayLike = false;
  if (Array.isArray(object)) {
    isArrayLike = true;
    braces = ["[", "]"];
    if (ctorName !== "Array") prefix = `${ctorName}(${object.length}) `;
    entries = object;
  } else if (ArrayBuffer.isView(object) && !(object instanceof DataView)) {
    isArrayLike = true;
    const typed = object as unknown as ArrayLike<number>;
    braces = ["[", "]"];
    prefix = `${ctorName}(${typed.length}) `;
    entries = Array.from(typed);
  } else if (object instanceof Map) {
    prefix = `Map(${object.size}) `;
    keyed = [...object].map(([k, v]) => [`${formatValue(k, depth + 1, indent + 2, seen)} =>`, v]);
  } else if (object instanceof Set) {
    prefix = `Set(${object.size}) `;
    entries = [...object];
  } else {
    if (ctorName === undefined) prefix = "[Object: null prototype] ";
    else if (ctorName !== "Object") prefix = `${ctorName} `;
    keyed = Object.keys(object).map((k) => [/^[A-Za-z_][A-Za-z_0-9]*$/.test(k) ? `${k}:` : `${quote(k)}:`, object[k]]);
  }
  if (entries.length === 0 && keyed.length === 0) return isArrayLike ? `${prefix}[]` : prefix ? `${prefix}{}` : "{}";
  if (depth > DEPTH) return isArrayLike ? "[Array]" : `[${ctorName ?? "Object"}]`;
  seen.add(object);
  let output = [
    ...entries.slice(0, 100).map((v) => formatValue(v, depth + 1, indent + 2, seen)),
    ...keyed.map(([k, v]) => `${k} ${formatValue(v, depth + 1, indent + 2, seen)}`),
  ];
  if (entries.length > 100) output.push(`... ${entries.length - 100} more item${entries.length - 100 > 1 ? "s" : ""}`);
  seen.delete(object);
  const count = output.length;
  if (isArrayLike && output.length > 6) output = groupArrayElements(output, indent, entries);
  if (output.length === count) {
    const start = output.length + indent + braces[0].length + prefix.length + 10;
    let total = output.length + start;
    const fits = total + output.length <= BREAK && output.every((o) => (total += o.length) <= BREAK);
    const joined = output.join(", ");
    if (fits && !joined.includes("\n")) return `${prefix}${braces[0]} ${joined} ${braces[1]}`;
  }
  const pad = `\n${" ".repeat(indent)}`;
  return `${prefix}${braces[0]}${pad}  ${output.join(`,${pad}  `)}${pad}${braces[1]}`;
}

/** util.inspect's columns for a list of more than six short items. */
function groupArrayElements(output: string[], indent: number, values: readonly unknown[]): string[] {
  const separatorSpace = 2;
  let outputLength = output.length;
  if (values.length > 100) outputLength--; // the "... more items" line stays on its own
  const lengths = output.slice(0, outputLength).map((o) => o.length);
  const totalLength = lengths.reduce((s, l) => s + l + separatorSpace, 0);
  const maxLength = Math.max(...lengths);
  const actualMax = maxLength + separatorSpace;
  if (!(actualMax * 3 + indent < BREAK && (totalLength / actualMax > 5 || maxLength <= 6))) return output;
  const averageBias = Math.sqrt(actualMax - totalLength / output.length);
  const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
  const columns = Math.min(
    Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
    Math.floor((BREAK - indent) / actualMax),
    3 * 4,
    15,
  );
  if (columns <= 1) return output;
  const maxLineLength: number[] = [];
  for (let i = 0; i < columns; i++) {
    let lineLength = 0;
    for (let j = i; j < outputLength; j += columns) lineLength = Math.max(lineLength, lengths[j]!);
    maxLineLength.push(lineLength + separatorSpace);
  }
  const numbers = values.every((v) => typeof v === "number" || typeof v === "bigint");
  const grouped: string[] = [];
  for (let i = 0; i < outputLength; i += columns) {
    const max = Math.min(i + columns, outputLength);
    let line = "";
    let j = i;
    for (; j < max - 1; j++) {
      const cell = `${output[j]}, `;
      line += numbers ? cell.padStart(maxLineLength[j - i]!) : cell.padEnd(maxLineLength[j - i]!);
    }
    line += numbers ? output[j]!.padStart(maxLineLength[j - i]! - separatorSpace) : output[j]!;
    grouped.push(line);
  }
  if (outputLength < output.length) grouped.push(output[outputLength]!);
  return grouped;
}
