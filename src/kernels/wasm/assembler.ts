// A small assembler for the WebAssembly text subset our .wat kernels use. It reads S-expressions for
// the module structure (module, import, memory, func, param, result, local, export) and plain linear
// instructions inside a function body (one opcode followed by its immediates, no folded forms).
//
// Byte layouts follow the WebAssembly core spec, binary format chapter: a module is the magic
// "\0asm", version 1, then sections (id byte, u32 size, contents) in increasing id order. Integers are
// LEB128; SIMD instructions are the prefix byte 0xFD followed by a u32 LEB128 sub-opcode.

/** Unsigned LEB128: 7 bits per byte, low bits first, high bit set on every byte but the last. */
export function uleb128(value: number | bigint): number[] {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError(`uleb128: negative value ${v}`);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

/** Signed LEB128: two's complement, stop once the remaining bits are all copies of the sign bit
 *  and the sign bit (0x40) of the last byte agrees with them. */
export function sleb128(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n; // BigInt shift is arithmetic: keeps the sign
    const signBitSet = (byte & 0x40) !== 0;
    if ((v === 0n && !signBitSet) || (v === -1n && signBitSet)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const VALTYPES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

// How the text after an opcode turns into immediates.
type Imm =
  | "none" | "local" | "label" | "func" | "block"
  | "i32" | "i64" | "f32" | "f64" | "v128" | "lane" | "shuffle"
  | { mem: number } // memarg; the number is the natural alignment as log2(bytes)
  | { memLane: number }; // memarg followed by a lane index

interface OpInfo { code: number[]; imm: Imm }

const OPS = new Map<string, OpInfo>();
function op(name: string, code: number | number[], imm: Imm = "none"): void {
  OPS.set(name, { code: typeof code === "number" ? [code] : code, imm });
}
/** A SIMD op: 0xFD prefix, then the sub-opcode as u32 LEB128 (so 128 and up take two bytes). */
function simd(name: string, sub: number, imm: Imm = "none"): void {
  op(name, [0xfd, ...uleb128(sub)], imm);
}

// Control (spec 5.4.1).
op("unreachable", 0x00); op("nop", 0x01);
op("block", 0x02, "block"); op("loop", 0x03, "block"); op("if", 0x04, "block");
op("else", 0x05); op("end", 0x0b);
op("br", 0x0c, "label"); op("br_if", 0x0d, "label"); op("return", 0x0f); op("call", 0x10, "func");
// Parametric and variable instructions.
op("drop", 0x1a); op("select", 0x1b);
op("local.get", 0x20, "local"); op("local.set", 0x21, "local"); op("local.tee", 0x22, "local");
// Memory: loads and stores carry a memarg (align as log2, then offset).
op("i32.load", 0x28, { mem: 2 }); op("i64.load", 0x29, { mem: 3 });
op("f32.load", 0x2a, { mem: 2 }); op("f64.load", 0x2b, { mem: 3 });
op("i32.store", 0x36, { mem: 2 }); op("i64.store", 0x37, { mem: 3 });
op("f32.store", 0x38, { mem: 2 }); op("f64.store", 0x39, { mem: 3 });
// Constants.
op("i32.const", 0x41, "i32"); op("i64.const", 0x42, "i64"); op("f32.const", 0x43, "f32"); op("f64.const", 0x44, "f64");
// i32 comparisons and arithmetic.
op("i32.eqz", 0x45); op("i32.eq", 0x46); op("i32.ne", 0x47);
op("i32.lt_s", 0x48); op("i32.lt_u", 0x49); op("i32.gt_s", 0x4a); op("i32.gt_u", 0x4b);
op("i32.le_s", 0x4c); op("i32.le_u", 0x4d); op("i32.ge_s", 0x4e); op("i32.ge_u", 0x4f);
op("i32.add", 0x6a); op("i32.sub", 0x6b); op("i32.mul", 0x6c); op("i32.div_s", 0x6d); op("i32.div_u", 0x6e);
op("i32.rem_s", 0x6f); op("i32.rem_u", 0x70); op("i32.and", 0x71); op("i32.or", 0x72); op("i32.xor", 0x73);
op("i32.shl", 0x74); op("i32.shr_s", 0x75); op("i32.shr_u", 0x76);
// f32 scalar arithmetic.
op("f32.add", 0x92); op("f32.sub", 0x93); op("f32.mul", 0x94); op("f32.div", 0x95);
op("f32.min", 0x96); op("f32.max", 0x97);
// f64 scalar arithmetic and conversion (sums kept in float64).
op("f64.eq", 0x61); op("f64.add", 0xa0); op("f64.sub", 0xa1); op("f64.mul", 0xa2); op("f64.promote_f32", 0xbb); op("f32.demote_f64", 0xb6);
op("f32.eq", 0x5b); op("f32.ne", 0x5c); op("f32.lt", 0x5d); op("f32.gt", 0x5e); op("f32.le", 0x5f); op("f32.ge", 0x60);
// SIMD (spec 5.4.8, vector instructions).
simd("v128.load", 0, { mem: 4 });
simd("v128.load32_splat", 9, { mem: 2 });
simd("v128.store", 11, { mem: 4 });
simd("v128.const", 12, "v128");
simd("v128.load32_zero", 92, { mem: 2 });
simd("v128.load64_zero", 93, { mem: 3 });
simd("v128.load32_lane", 86, { memLane: 2 });
simd("v128.store32_lane", 90, { memLane: 2 });
simd("v128.store64_lane", 91, { memLane: 3 });
simd("i8x16.shuffle", 13, "shuffle");
simd("i32x4.splat", 17);
simd("f32x4.splat", 19);
simd("f32x4.extract_lane", 31, "lane");
simd("f32x4.replace_lane", 32, "lane");
simd("f32x4.add", 228); simd("f32x4.sub", 229); simd("f32x4.mul", 230);
simd("f32x4.min", 232); simd("f32x4.max", 233);
simd("f64x2.extract_lane", 33, "lane"); simd("f64x2.add", 240); simd("f64x2.sub", 241); simd("f64x2.promote_low_f32x4", 95);
simd("f64x2.splat", 20); simd("f64x2.mul", 242); simd("f32x4.demote_f64x2_zero", 94);
// Relaxed SIMD (a Wasm 3.0 feature; Node 20 validates it only with --experimental-wasm-relaxed-simd):
// a·b + c, fused into one rounding where the CPU has FMA, two roundings where it has not.
simd("f32x4.relaxed_madd", 0x105);
simd("f32x4.ne", 66); simd("f32x4.gt", 68); simd("f32x4.le", 69);
simd("v128.and", 78); simd("v128.andnot", 79); simd("v128.or", 80); simd("v128.bitselect", 82);
simd("i32x4.add", 174);

/** The opcode table, for tests that check every encoding. */
export const OPCODES: ReadonlyMap<string, Readonly<OpInfo>> = OPS;

// ---------------------------------------------------------------------------------------------
// Reading the text: tokens with line numbers, then S-expressions.

interface Atom { kind: "atom"; text: string; line: number }
interface Str { kind: "string"; bytes: number[]; text: string; line: number }
interface List { kind: "list"; items: Node[]; line: number }
type Node = Atom | Str | List;

export class WatError extends Error {
  constructor(source: string, line: number, message: string) {
    super(`${source}:${line}: ${message}`);
    this.name = "WatError";
  }
}

function parse(text: string, source: string): Node[] {
  const top: Node[] = [];
  const stack: List[] = [];
  let line = 1;
  let i = 0;
  const push = (node: Node) => (stack.length ? stack[stack.length - 1]!.items : top).push(node);
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "\n") { line++; i++; continue; }
    if (ch === " " || ch === "\t" || ch === "\r") { i++; continue; }
    if (ch === ";" && text[i + 1] === ";") { // line comment
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (ch === "(" && text[i + 1] === ";") { // block comment (; ... ;)
      const end = text.indexOf(";)", i + 2);
      if (end < 0) throw new WatError(source, line, "unterminated block comment");
      for (let j = i; j < end; j++) if (text[j] === "\n") line++;
      i = end + 2;
      continue;
    }
    if (ch === "(") { stack.push({ kind: "list", items: [], line }); i++; continue; }
    if (ch === ")") {
      const list = stack.pop();
      if (!list) throw new WatError(source, line, "unexpected ')'");
      push(list);
      i++;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let str = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\") { str += text[j + 1]; j += 2; } else str += text[j++];
      }
      if (j >= text.length) throw new WatError(source, line, "unterminated string");
      push({ kind: "string", bytes: [...new TextEncoder().encode(str)], text: str, line });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !" \t\r\n()\";".includes(text[j]!)) j++;
    push({ kind: "atom", text: text.slice(i, j), line });
    i = j;
  }
  if (stack.length) throw new WatError(source, stack[stack.length - 1]!.line, "unclosed '('");
  return top;
}

function headOf(node: Node): string | undefined {
  return node.kind === "list" && node.items[0]?.kind === "atom" ? node.items[0].text : undefined;
}

function parseInteger(text: string): bigint | undefined {
  const t = text.replace(/_/g, "");
  if (!/^[+-]?(0x[0-9a-fA-F]+|[0-9]+)$/.test(t)) return undefined;
  const negative = t.startsWith("-");
  const body = t.replace(/^[+-]/, "");
  const v = BigInt(body);
  return negative ? -v : v;
}

function parseFloatText(text: string): number | undefined {
  const t = text.replace(/_/g, "");
  if (/^[+-]?inf$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (/^[+-]?0x/.test(t)) {
    const v = parseInteger(t);
    return v === undefined ? undefined : Number(v);
  }
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(t)) return undefined;
  return Number(t);
}

// ---------------------------------------------------------------------------------------------
// Encoding.

function section(id: number, body: number[]): number[] {
  return body.length ? [id, ...uleb128(body.length), ...body] : [];
}
function vec(items: number[][]): number[] {
  return [...uleb128(items.length), ...items.flat()];
}
function name(str: Str): number[] {
  return [...uleb128(str.bytes.length), ...str.bytes];
}

interface FuncDecl {
  name?: string;
  params: number[];
  results: number[];
  locals: number[];
  localNames: Map<string, number>;
  body: Node[];
  line: number;
}

/** Assemble a module written in the supported text subset into binary bytes. `source` names the
 *  file in error messages. Throws WatError (with file:line) for text it does not understand and a
 *  plain Error when the bytes fail WebAssembly.validate. */
export interface AssembleOptions {
  /** Import the memory as shared, with this many pages at most (threads need a shared memory, and
   *  a shared memory needs a maximum), whatever limits the text declares. */
  sharedMemory?: { maximum: number };
}

export function assemble(text: string, source = "<wat>", options: AssembleOptions = {}): Uint8Array {
  const fail = (node: { line: number }, message: string): never => { throw new WatError(source, node.line, message); };
  const top = parse(text, source);
  if (top.length !== 1 || headOf(top[0]!) !== "module") fail(top[0] ?? { line: 1 }, "expected one (module ...)");
  const moduleItems = (top[0] as List).items.slice(1);

  const types: number[][] = [];
  const typeIndex = (params: number[], results: number[]): number => {
    const enc = [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];
    const key = enc.join(",");
    const found = types.findIndex((t) => t.join(",") === key);
    if (found >= 0) return found;
    types.push(enc);
    return types.length - 1;
  };
  const imports: number[][] = [];
  const memories: number[][] = [];
  const exports: number[][] = [];
  const funcs: FuncDecl[] = [];
  const funcNames = new Map<string, number>();
  let memoryCount = 0;
  const pendingExports: { list: List; ref: Atom }[] = []; // exports naming a function defined later

  const limits = (items: Node[], at: Node): number[] => {
    const nums = items.filter((n): n is Atom => n.kind === "atom").map((n) => parseInteger(n.text));
    if (nums.length < 1 || nums.length > 2 || nums.some((n) => n === undefined)) fail(at, "memory needs min [max] pages");
    return nums.length === 1 ? [0x00, ...uleb128(nums[0]!)] : [0x01, ...uleb128(nums[0]!), ...uleb128(nums[1]!)];
  };
  const valtype = (node: Node): number => {
    const t = node.kind === "atom" ? VALTYPES[node.text] : undefined;
    return t ?? fail(node, `unknown value type ${node.kind === "atom" ? node.text : "(list)"}`);
  };
  const exportName = (list: List): Str => {
    const s = list.items[1];
    return s?.kind === "string" ? s : fail(list, "export needs a \"name\"");
  };

  for (const item of moduleItems) {
    const head = headOf(item);
    const list = item as List;
    if (head === "import") {
      const [, mod, field, desc] = list.items;
      if (mod?.kind !== "string" || field?.kind !== "string" || !desc || headOf(desc) !== "memory") {
        fail(item, "only (import \"module\" \"name\" (memory min [max])) is supported");
      }
      const d = desc as List;
      const rest = d.items.slice(1).filter((n) => !(n.kind === "atom" && n.text.startsWith("$")));
      let memoryLimits = limits(rest, d);
      if (options.sharedMemory) {
        const min = parseInteger((rest[0] as Atom).text)!;
        memoryLimits = [0x03, ...uleb128(min), ...uleb128(options.sharedMemory.maximum)]; // 0x03: shared, with a maximum
      }
      imports.push([...name(mod as Str), ...name(field as Str), 0x02, ...memoryLimits]);
      memoryCount++;
    } else if (head === "memory") {
      let rest = list.items.slice(1).filter((n) => !(n.kind === "atom" && n.text.startsWith("$")));
      for (const n of rest) {
        if (headOf(n) === "export") exports.push([...name(exportName(n as List)), 0x02, ...uleb128(memoryCount)]);
      }
      rest = rest.filter((n) => n.kind === "atom");
      memories.push(limits(rest, item));
      memoryCount++;
    } else if (head === "func") {
      const decl: FuncDecl = { params: [], results: [], locals: [], localNames: new Map(), body: [], line: item.line };
      const index = funcs.length;
      let k = 1;
      const first = list.items[1];
      if (first?.kind === "atom" && first.text.startsWith("$")) {
        decl.name = first.text;
        funcNames.set(first.text, index);
        k = 2;
      }
      for (; k < list.items.length; k++) {
        const n = list.items[k]!;
        const h = headOf(n);
        if (h === "export") {
          exports.push([...name(exportName(n as List)), 0x00, ...uleb128(index)]);
        } else if (h === "param" || h === "local") {
          const parts = (n as List).items.slice(1);
          const target = h === "param" ? decl.params : decl.locals;
          if (h === "param" && decl.locals.length) fail(n, "params must come before locals");
          if (parts[0]?.kind === "atom" && parts[0].text.startsWith("$")) {
            if (parts.length !== 2) fail(n, `a named ${h} takes exactly one type`);
            if (decl.localNames.has(parts[0].text)) fail(n, `duplicate local name ${parts[0].text}`);
            decl.localNames.set(parts[0].text, decl.params.length + decl.locals.length);
            target.push(valtype(parts[1]!));
          } else {
            for (const p of parts) target.push(valtype(p));
          }
        } else if (h === "result") {
          for (const p of (n as List).items.slice(1)) decl.results.push(valtype(p));
        } else {
          break;
        }
      }
      decl.body = list.items.slice(k);
      funcs.push(decl);
    } else if (head === "export") {
      const desc = list.items[2];
      const kind = desc && headOf(desc);
      const ref = desc?.kind === "list" ? desc.items[1] : undefined;
      if ((kind !== "func" && kind !== "memory") || ref?.kind !== "atom") fail(item, "expected (export \"name\" (func|memory ref))");
      const r = ref as Atom;
      let idx: number | undefined;
      if (kind === "func") idx = r.text.startsWith("$") ? funcNames.get(r.text) : Number(parseInteger(r.text));
      else idx = r.text.startsWith("$") ? 0 : Number(parseInteger(r.text));
      if (kind === "func" && idx === undefined) {
        pendingExports.push({ list, ref: r });
        continue;
      }
      exports.push([...name(exportName(list)), kind === "func" ? 0x00 : 0x02, ...uleb128(idx!)]);
    } else {
      fail(item, `unsupported module field ${head ?? "(?)"}`);
    }
  }
  for (const { list, ref } of pendingExports.splice(0)) {
    const idx = funcNames.get(ref.text);
    if (idx === undefined) fail(ref, `unknown function ${ref.text}`);
    exports.push([...name(exportName(list)), 0x00, ...uleb128(idx!)]);
  }

  const typeOfFunc = funcs.map((f) => typeIndex(f.params, f.results));
  const bodies = funcs.map((f) => encodeBody(f, funcNames, source));

  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types.length ? vec(types) : []),
    ...section(2, imports.length ? vec(imports) : []),
    ...section(3, funcs.length ? vec(typeOfFunc.map((t) => uleb128(t))) : []),
    ...section(5, memories.length ? vec(memories) : []),
    ...section(7, exports.length ? vec(exports) : []),
    ...section(10, bodies.length ? vec(bodies.map((b) => [...uleb128(b.length), ...b])) : []),
  ];
  const out = new Uint8Array(bytes);
  if (!WebAssembly.validate(out)) {
    let reason = "unknown reason";
    try { new WebAssembly.Module(out); } catch (error) { reason = (error as Error).message; }
    throw new Error(`${source}: assembled module does not validate: ${reason}`);
  }
  return out;
}
function encodeBody(f: FuncDecl, funcNames: Map<string, number>, source: string): number[] {
  const fail = (node: { line: number }, message: string): never => { throw new WatError(source, node.line, message); };
  // Locals are declared in runs of one type: (count, type) pairs.
  const localDecls: number[][] = [];
  for (const t of f.locals) {
    const last = localDecls[localDecls.length - 1];
    if (last && last[1] === t) last[0]!++;
    else localDecls.push([1, t]);
  }
  const out: number[] = [...uleb128(localDecls.length), ...localDecls.flatMap(([n, t]) => [...uleb128(n!), t!])];
  const labels: (string | undefined)[] = []; // innermost last
  const body = f.body;
  let i = 0;
  const next = (after: Node, what: string): Atom => {
    const n = body[i];
    if (!n || n.kind !== "atom") return fail(n ?? after, `${(after as Atom).text ?? "instruction"} needs ${what}`);
    i++;
    return n;
  };
  const intImm = (after: Atom, what: string): bigint => {
    const a = next(after, what);
    return parseInteger(a.text) ?? fail(a, `expected ${what}, got ${a.text}`);
  };
  const floatImm = (after: Atom): number => {
    const a = next(after, "a number");
    return parseFloatText(a.text) ?? fail(a, `expected a number, got ${a.text}`);
  };
  const localCount = f.params.length + f.locals.length;

  while (i < body.length) {
    const node = body[i++]!;
    if (node.kind !== "atom") {
      fail(node, node.kind === "list" ? "folded instructions are not supported: write them in linear form" : "unexpected string");
    }
    const atom = node as Atom;
    const info = OPS.get(atom.text);
    if (!info) fail(atom, `unknown instruction '${atom.text}'`);
    out.push(...info!.code);
    const imm = info!.imm;
    if (imm === "none") {
      if (atom.text === "end") {
        if (!labels.length) fail(atom, "'end' without an open block");
        labels.pop();
      } else if (atom.text === "else") {
        if (!labels.length) fail(atom, "'else' without an 'if'");
        // an optional label may repeat after else
        const n = body[i];
        if (n?.kind === "atom" && n.text.startsWith("$")) i++;
      }
    } else if (imm === "block") {
      let label: string | undefined;
      const n = body[i];
      if (n?.kind === "atom" && n.text.startsWith("$")) { label = n.text; i++; }
      const r = body[i];
      if (r && headOf(r) === "result") {
        const ts = (r as List).items.slice(1);
        if (ts.length !== 1) fail(r, "a block may have one result type");
        out.push(VALTYPES[(ts[0] as Atom).text] ?? fail(r, "unknown result type"));
        i++;
      } else {
        out.push(0x40); // empty block type
      }
      labels.push(label);
    } else if (imm === "label") {
      const a = next(atom, "a label");
      let depth: number;
      if (a.text.startsWith("$")) {
        const found = labels.lastIndexOf(a.text);
        if (found < 0) fail(a, `unknown label ${a.text}`);
        depth = labels.length - 1 - found;
      } else {
        const v = parseInteger(a.text);
        if (v === undefined || v < 0n || v >= BigInt(labels.length)) fail(a, `bad label depth ${a.text}`);
        depth = Number(v);
      }
      out.push(...uleb128(depth));
    } else if (imm === "local") {
      const a = next(atom, "a local");
      let index: number | undefined;
      if (a.text.startsWith("$")) index = f.localNames.get(a.text);
      else {
        const v = parseInteger(a.text);
        index = v !== undefined && v >= 0n && v < BigInt(localCount) ? Number(v) : undefined;
      }
      if (index === undefined) fail(a, `unknown local ${a.text}`);
      out.push(...uleb128(index!));
    } else if (imm === "func") {
      const a = next(atom, "a function");
      const index = a.text.startsWith("$") ? funcNames.get(a.text) : Number(parseInteger(a.text));
      if (index === undefined || Number.isNaN(index)) fail(a, `unknown function ${a.text}`);
      out.push(...uleb128(index!));
    } else if (imm === "i32") {
      const v = intImm(atom, "an i32");
      if (v < -(2n ** 31n) || v >= 2n ** 32n) fail(atom, `i32 constant out of range: ${v}`);
      out.push(...sleb128(BigInt.asIntN(32, v))); // 0xFFFFFFFF means -1
    } else if (imm === "i64") {
      const v = intImm(atom, "an i64");
      out.push(...sleb128(BigInt.asIntN(64, v)));
    } else if (imm === "f32") {
      out.push(...new Uint8Array(new Float32Array([floatImm(atom)]).buffer));
    } else if (imm === "f64") {
      out.push(...new Uint8Array(new Float64Array([floatImm(atom)]).buffer));
    } else if (imm === "v128") {
      const shape = next(atom, "a shape (i32x4 or f32x4)");
      if (shape.text === "f32x4") {
        const vals = [floatImm(atom), floatImm(atom), floatImm(atom), floatImm(atom)];
        out.push(...new Uint8Array(new Float32Array(vals).buffer));
      } else if (shape.text === "i32x4") {
        const vals = [0, 1, 2, 3].map(() => Number(BigInt.asIntN(32, intImm(atom, "an i32"))));
        out.push(...new Uint8Array(new Int32Array(vals).buffer));
      } else {
        fail(shape, `v128.const shape ${shape.text} is not supported (use i32x4 or f32x4)`);
      }
    } else if (imm === "shuffle") {
      // 16 byte-lane indices: 0..15 pick from the first operand, 16..31 from the second
      for (let lane = 0; lane < 16; lane++) {
        const v = intImm(atom, "16 lane indices");
        if (v < 0n || v > 31n) fail(atom, `shuffle lane index ${v} out of range 0..31`);
        out.push(Number(v));
      }
    } else if (imm === "lane") {
      const v = intImm(atom, "a lane index");
      if (v < 0n || v > 3n) fail(atom, `lane index ${v} out of range 0..3`);
      out.push(Number(v));
    } else {
      // memarg: optional offset=N and align=N (bytes; encoded as log2)
      const natural = "mem" in imm ? imm.mem : imm.memLane;
      let offset = 0n;
      let align = natural;
      while (i < body.length) {
        const n = body[i]!;
        if (n.kind !== "atom") break;
        const m = /^(offset|align)=(.+)$/.exec(n.text);
        if (!m) break;
        const v = parseInteger(m[2]!);
        if (v === undefined || v < 0n) fail(n, `bad ${m[1]} value ${m[2]}`);
        if (m[1] === "offset") offset = v!;
        else {
          const log = Math.log2(Number(v));
          if (!Number.isInteger(log)) fail(n, `align must be a power of two, got ${v}`);
          if (log > natural) fail(n, `align=${v} exceeds the natural alignment of ${atom.text}`);
          align = log;
        }
        i++;
      }
      out.push(...uleb128(align), ...uleb128(offset));
      if ("memLane" in imm) {
        const v = intImm(atom, "a lane index");
        const last = BigInt(16 / 2 ** imm.memLane - 1); // 4-byte lanes: 0..3, 8-byte lanes: 0..1
        if (v < 0n || v > last) fail(atom, `lane index ${v} out of range 0..${last}`);
        out.push(Number(v));
      }
    }
  }
  if (labels.length) fail(body[body.length - 1] ?? f, `${labels.length} block(s) not closed with 'end'`);
  out.push(0x0b);
  return out;
}
