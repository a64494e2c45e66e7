/**
 * The cell runner: a chapter is a list of cells, one per code cell of the article it follows.
 *
 *   import { chapter } from "./lib/cells.ts";
 *
 *   const ch = chapter("05", "Learning", { epochs: 2 });   // per-chapter defaults for the flags
 *   torch.manualSeed(ch.flags.seed);
 *
 *   ch.cell("5.2 loss of one sample", () => {
 *     console.log("loss:", loss.item());
 *   });
 *   await ch.cell("5.4 training", async () => { ... });  // async cells too
 *   ch.cell("5.5 w after one step", () => w);               // a returned value is printed
 *
 * Each cell prints a header naming the article section, runs, and prints its output. Cells run in
 * the order they are declared, even when an async one is not awaited. Sync cells run on the spot,
 * so plain top-level code between them sees their effects, as in a notebook.
 *
 * Flags, parsed once from the command line: --step (wait for Enter before each cell, only when
 * stdin is a terminal; a piped or CI run never waits), --epochs N, --limit N, --seed N, and
 * --backend js|wasm (which kernels run matmul and convolution; the environment variable
 * TORCHLET_BACKEND gives the default, so `npx tsx test/run.ts --backend js` reaches chapters too),
 * and --threads N (torch.setNumThreads; TORCHLET_THREADS gives the default in the same way).
 * `cell(title, body)` on its own uses a default chapter with no banner.
 */
import { afterCell, beforeCell, canStep, commandLine as platformArgs, environment, quitWithUsage, waitForCell } from "./platform.ts";
import { setBackend, setNumThreads, type BackendName } from "../../src/index.ts";

// ---- flags ----

export interface Flags {
  /** --step: pause before each cell (only honoured when stdin is a terminal). */
  step: boolean;
  /** --epochs N: how long training chapters train. */
  epochs: number;
  /** --limit N: use at most N samples (or batches, as the chapter says); Infinity when not given. */
  limit: number;
  /** --seed N: for torch.manualSeed. */
  seed: number;
  /** --backend js|wasm: only present when given on the command line. */
  backend?: BackendName;
  /** --threads N: only present when given on the command line. */
  threads?: number;
  /** The words that are not flags, in order, for the chapter to use as it likes (a word that
   *  starts with "-" and is not one of the flags above is an error). */
  rest: string[];
}

export type FlagDefaults = Partial<Pick<Flags, "epochs" | "limit" | "seed">>;

const BUILT_IN: Omit<Flags, "rest"> = { step: false, epochs: 1, limit: Infinity, seed: 0 };

type Given = Partial<Omit<Flags, "rest">> & { rest: string[] };

export const FLAG_LIST = "--step, --epochs N, --limit N, --seed N, --backend js|wasm, --threads N";

/** What the command line says, and nothing more (defaults are merged in later). */
function readArgs(argv: readonly string[]): Given {
  const given: Given = { rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1; // --epochs=3 as well as --epochs 3
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === "--step") {
      given.step = true;
    } else if (name === "--backend") {
      given.backend = backendName(eq > 0 ? arg.slice(eq + 1) : argv[++i], "--backend");
    } else if (name === "--threads") {
      given.threads = threadCount(eq > 0 ? arg.slice(eq + 1) : argv[++i], "--threads");
    } else if (name === "--epochs" || name === "--limit" || name === "--seed") {
      const text = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      const value = Number(text);
      const least = name === "--limit" ? 1 : 0; // --epochs 0 runs only the cells that need no training
      if (text === undefined || text.trim() === "" || !Number.isInteger(value) || value < least) {
        throw new Error(`${name} expects a whole number ≥ ${least}, got ${text === undefined ? "nothing" : JSON.stringify(text)}`);
      }
      given[name.slice(2) as "epochs" | "limit" | "seed"] = value;
    } else if (arg.startsWith("-") && arg !== "-") {
      throw new Error(`unknown flag ${arg}; the flags are ${FLAG_LIST}`);
    } else {
      given.rest.push(arg);
    }
  }
  return given;
}

const BACKENDS: readonly string[] = ["js", "wasm"];

function backendName(text: string | undefined, what: string): BackendName {
  if (text !== undefined && BACKENDS.includes(text)) return text as BackendName;
  throw new Error(`${what} expects js or wasm, got ${text === undefined ? "nothing" : JSON.stringify(text)}`);
}

function threadCount(text: string | undefined, what: string): number {
  const value = Number(text);
  if (text !== undefined && text.trim() !== "" && Number.isInteger(value) && value >= 1) return value;
  throw new Error(`${what} expects a whole number ≥ 1, got ${text === undefined ? "nothing" : JSON.stringify(text)}`);
}

/** Reads --step, --epochs N, --limit N, --seed N (also --epochs=N) out of argv; defaults fill the gaps. */
export function parseFlags(argv: readonly string[], defaults: FlagDefaults = {}): Flags {
  return merge(readArgs(argv), defaults);
}

function merge(given: Given, defaults: FlagDefaults): Flags {
  return { ...BUILT_IN, ...defaults, ...given, rest: [...given.rest] };
}

let commandLine: Given | null = null;

/** The flags of this run (the command line, parsed once) with a chapter's own defaults. */
export function flags(defaults: FlagDefaults = {}): Flags {
  try {
    commandLine ??= readArgs(platformArgs());
  } catch (error) {
    // A typo on the command line deserves one clear line, not a stack trace.
    quitWithUsage((error as Error).message);
  }
  return merge(commandLine, defaults);
}

// ---- output files ----

export { outPath, readOut, readRepoText, runtimeName, saveOut, wrote } from "./platform.ts";

/** Says once, where a chapter first prints a grad_fn, which backward names the article's older
 *  PyTorch printed and which today's prints (and this chapter, following today's): pairs [old, new]. */
export function backwardNamesNote(...pairs: readonly (readonly [string, string])[]): void {
  const list = pairs.map(([older, today]) => `${older} -> ${today}`).join(", ");
  console.log(`(the article ran an older PyTorch, whose backward nodes had other names: ${list}; this chapter prints today's)`);
}

// ---- cells ----

export interface ChapterOptions extends FlagDefaults {
  /** The chapter's numbers depend on random weights or shuffles: say so under the banner. */
  random?: boolean;
  /** The command line to read flags from (default: process.argv.slice(2)). */
  argv?: readonly string[];
  /** Where headers and returned values go (default: console.log). */
  print?: (...args: unknown[]) => void;
  /** Whether --step may wait for Enter (default: stdin is a terminal). */
  interactive?: boolean;
}

export interface Chapter {
  readonly number: string;
  readonly title: string;
  readonly flags: Flags;
  /** Prints the header, (with --step) waits for Enter, runs body and prints what it returns.
   *  The promise settles when this cell has run; cells declared later wait for it. */
  cell(title: string, body: () => unknown): Promise<void>;
}

const WIDTH = 78;

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
function columns(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return n;
}

function rule(label: string, char: string): string {
  return `${char.repeat(2)} ${label} ${char.repeat(Math.max(2, WIDTH - 4 - columns(label)))}`;
}

export function chapter(number: string, title: string, options: ChapterOptions = {}): Chapter {
  const { argv, print = console.log, interactive = canStep(), random = false, ...defaults } = options;
  const parsed = argv ? parseFlags(argv, defaults) : flags(defaults);
  const stepping = parsed.step && interactive;
  const backend = parsed.backend ?? environment("TORCHLET_BACKEND");
  if (backend) setBackend(backendName(backend, parsed.backend ? "--backend" : "TORCHLET_BACKEND"));
  const threads = parsed.threads ?? environment("TORCHLET_THREADS");
  if (threads !== undefined) setNumThreads(typeof threads === "number" ? threads : threadCount(threads, "TORCHLET_THREADS"));
  if (title !== "") {
    print(rule(`Chapter ${number} · ${title}`, "━"));
    if (random) {
      print(`(Random values come from torchlet's own generator, seeded by --seed ${parsed.seed}, not PyTorch's: results land near the article's, not on them.)`);
    }
    if (parsed.step && !interactive) print("(--step ignored: stdin is not a terminal)");
  }

  // The last cell still running asynchronously, if any; later cells queue behind it.
  let pending: Promise<void> | null = null;

  function run(body: () => unknown): void | Promise<void> {
    const finish = (value: unknown) => {
      if (value !== undefined) print(value);
      afterCell();
    };
    const result = body();
    if (result instanceof Promise) return result.then(finish);
    finish(result);
  }

  function cell(cellTitle: string, body: () => unknown): Promise<void> {
    if (pending === null && !stepping) {
      // Nothing to wait for: run now, synchronously, like a line of a script.
      beforeCell(cellTitle);
      print(`\n${rule(cellTitle, "─")}`);
      const result = run(body);
      if (!(result instanceof Promise)) return Promise.resolve();
      const mine: Promise<void> = result.finally(() => { if (pending === mine) pending = null; });
      pending = mine;
      return mine;
    }
    const mine: Promise<void> = (pending ?? Promise.resolve())
      .then(async () => {
        beforeCell(cellTitle);
        print(`\n${rule(cellTitle, "─")}`);
        if (stepping) await waitForCell();
        await run(body);
      })
      .finally(() => { if (pending === mine) pending = null; });
    pending = mine;
    return mine;
  }

  running.push(() => pending);
  return { number, title, flags: parsed, cell };
}

/** Each chapter's last queued cell, read when asked. */
const running: (() => Promise<void> | null)[] = [];

/** Resolves when every cell declared so far has run (rejects with the first cell that threw). */
export async function allCellsRun(): Promise<void> {
  for (;;) {
    const next = running.map((p) => p()).find((p) => p !== null);
    if (!next) return;
    await next;
  }
}

let defaultChapter: Chapter | null = null;

/** A cell of the default chapter (flags from the command line, no banner). */
export function cell(title: string, body: () => unknown): Promise<void> {
  defaultChapter ??= chapter("", "");
  return defaultChapter.cell(title, body);
}
