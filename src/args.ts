// One validator for the arguments of every public entry. Plain JavaScript has no type checks, so a
// PyTorch habit (`new optim.SGD(params, 0.1)`, `{ batch_size: 32 }`, `{ requires_grad: true }`)
// would otherwise be ignored without a word. Here:
// - PyTorch's positional arguments are taken in PyTorch's order (`positional`), and an options
//   object may follow them, as Python's keyword arguments do;
// - every options object is checked (`checkOptions`): an unknown key is an error that names it
//   (and, for a snake_case spelling, the camelCase name to use), a wrong type names what was
//   expected and what came;
// - a value in a message is described by its kind (a tensor by its shape and dtype), never
//   printed whole and never as `[object Object]`.
import { Tensor } from "./tensor/tensor.ts";
import { DType } from "./tensor/dtype.ts";

/** What one argument must be: a test and the words for it in an error. */
export interface Check {
  readonly expected: string;
  ok(value: unknown): boolean;
}

/** A check from its words and its test. */
export const check = (expected: string, ok: (v: unknown) => boolean): Check => ({ expected, ok });
const isNumber = (v: unknown): v is number => typeof v === "number" && !Number.isNaN(v);

export const number = check("a number", isNumber);
export const integer = check("an integer", (v) => Number.isInteger(v));
export const boolean = check("true or false", (v) => typeof v === "boolean");
export const string = check("a string", (v) => typeof v === "string");
export const func = check("a function", (v) => typeof v === "function");
export const tensor = check("a Tensor", (v) => v instanceof Tensor);
/** A dtype or its name (toDType names the valid ones when a name is unknown). */
export const dtype = check("a dtype (torch.float32, \"int64\", ...)", (v) => v instanceof DType || typeof v === "string");
/** An integer, or a pair of them (a kernel size, a stride). */
export const pair = check("an integer or a pair of integers", (v) => Number.isInteger(v) || (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x))));
/** An array of numbers. */
export const numbers = check("an array of numbers", (v) => Array.isArray(v) && v.every(isNumber));
/** Anything: the callee checks it. */
export const anything = check("anything", () => true);

/** One of the given strings. */
export function oneOf(...values: readonly string[]): Check {
  return check(`one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, (v) => typeof v === "string" && values.includes(v));
}
/** `c`, or null. */
export function nullable(c: Check): Check {
  return check(`${c.expected} or null`, (v) => v === null || c.ok(v));
}
/** Any of the checks. */
export function either(...checks: readonly Check[]): Check {
  return check(checks.map((c) => c.expected).join(" or "), (v) => checks.some((c) => c.ok(v)));
}

/** A value as a message names it: its kind and, where short, itself. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (value instanceof Tensor) return `a Tensor of shape [${value.shape.join(", ")}] and dtype ${value.dtype}`;
  if (value instanceof DType) return String(value);
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "..." : value)}`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `${typeof value} ${String(value)}`;
  if (typeof value === "function") return `a function${value.name ? ` (${value.name})` : ""}`;
  if (Array.isArray(value)) return value.length <= 6 && value.every((x) => typeof x === "number") ? `the array [${value.join(", ")}]` : `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const name = (value as object).constructor?.name;
  if (name && name !== "Object") return `a ${name}`;
  const keys = Object.keys(value as object);
  return keys.length ? `an object with keys ${keys.slice(0, 6).join(", ")}` : "an empty object";
}

/** A plain options object (not an array, a tensor, a dtype or any other class's instance). */
export function isOptions(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A few edits apart (a typo), for "did you mean". */
function near(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]! <= 2;
}

/** Throws unless `given` is undefined or an options object whose every key is in `spec` and holds
 *  what the spec says (undefined counts as not given). `where` names the entry in the message. */
export function checkOptions(where: string, given: unknown, spec: Readonly<Record<string, Check>>): void {
  if (given === undefined) return;
  if (!isOptions(given)) throw new Error(`${where}: expected an options object, got ${describe(given)}`);
  for (const [key, value] of Object.entries(given)) {
    const c = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (!c) {
      const known = Object.keys(spec);
      const hint = known.includes(camel(key))
        ? `: torchlet spells PyTorch's ${key} as "${camel(key)}"`
        : known.find((k) => near(key, k))
          ? `: did you mean "${known.find((k) => near(key, k))}"?`
          : known.length ? ` (the options are ${known.map((k) => `"${k}"`).join(", ")})` : " (it takes none)";
      throw new Error(`${where}: unknown option "${key}"${hint}`);
    }
    if (value !== undefined && !c.ok(value)) throw new Error(`${where}: option "${key}" expects ${c.expected}, got ${describe(value)}`);
  }
}

/** PyTorch's positional arguments and keyword options as one options object: `args` are the values
 *  after the required ones, taken in the order of `names`, and a last plain object among them is the
 *  options. Each value is checked against `spec`; a name given both ways is an error, as in Python. */
export function positional(where: string, args: readonly unknown[], names: readonly string[], spec: Readonly<Record<string, Check>>): Record<string, unknown> {
  const last = args.at(-1);
  const hasOptions = args.length > 0 && isOptions(last);
  const values = hasOptions ? args.slice(0, -1) : args;
  const options = hasOptions ? (last as Record<string, unknown>) : {};
  checkOptions(where, options, spec);
  if (values.length > names.length) {
    throw new Error(`${where}: takes at most ${names.length} positional argument${names.length === 1 ? "" : "s"} after the required ones (${names.join(", ")}), got ${values.length}`);
  }
  const out: Record<string, unknown> = { ...options };
  values.forEach((value, i) => {
    const name = names[i]!;
    if (value === undefined) return;
    if (options[name] !== undefined) throw new Error(`${where}: got multiple values for argument "${name}"`);
    if (!spec[name]!.ok(value)) throw new Error(`${where}: argument "${name}" (position ${i + 1}) expects ${spec[name]!.expected}, got ${describe(value)}`);
    out[name] = value;
  });
  return out;
}

/** Throws unless `value` passes `c`: for a required argument, named `name`. */
export function checkArg(where: string, name: string, value: unknown, c: Check): void {
  if (!c.ok(value)) throw new Error(`${where}: argument "${name}" expects ${c.expected}, got ${describe(value)}`);
}
