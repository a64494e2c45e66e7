// progress(iterable): a tqdm-style progress bar around any iterable (a DataLoader, a range).
//
//   for (const [inputs, labels] of progress(trainloader, { desc: "epoch 1" })) { ... }
//
// On a terminal one line is redrawn in place (at most ten times a second):
//   epoch 1:  45%|█████▍      | 1350/3000 [00:05<00:06, 270.12it/s]
// Elsewhere (a pipe, CI, a browser console) it writes a plain line now and then (every 10 s by
// default) and one at the end. bar.write(text) prints a line (to stdout) above the bar without
// tearing it.
// The bar goes to process.stderr where there is one (so stdout keeps only the program's output);
// this file reaches it through src/runtime.ts, with no node: import.
import * as A from "./args.ts";

import { nodeProcess } from "./runtime.ts";

/** Where a progress bar writes: a terminal (isTTY: one redrawn line) or anything else (plain lines). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** tqdm's options: desc, total, unit; where the bar and write() go; how often a plain line is written. */
export interface ProgressOptions {
  /** A label before the bar. */
  desc?: string;
  /** How many items to expect; default: the iterable's length or size, if it has one. */
  total?: number;
  /** Where the bar goes; default process.stderr, or console.log lines where there is no process. */
  stream?: ProgressStream;
  /** What an item is called in the rate ("it" by default: 270.12it/s). */
  unit?: string;
  /** Not on a terminal: seconds between plain lines (default 10). */
  everySeconds?: number;
  /** Where write() prints its lines; default console.log (stdout), as tqdm.write. */
  print?: (text: string) => void;
  /** The clock in milliseconds (tests pass their own). */
  now?: () => number;
}

/** 75 -> "01:15", 3725 -> "1:02:05", as tqdm writes times (whole seconds, cut down). */
export function formatInterval(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

const BLOCKS = " ▏▎▍▌▋▊▉█";
const BAR_WIDTH = 20;

let streamOfThisRuntime: ProgressStream | null = null;

/** Where bars without a `stream` option go from now on (null: back to process.stderr, or console
 *  lines where there is no process). The course's pages set one that draws an HTML progress bar. */
export function setDefaultProgressStream(stream: ProgressStream | null): void {
  streamOfThisRuntime = stream;
}

function defaultStream(): ProgressStream {
  return streamOfThisRuntime ?? nodeProcess()?.stderr ?? { write: (text: string) => console.log(text.replace(/\n$/, "")) };
}

function lengthOf(iterable: Iterable<unknown>): number | undefined {
  const x = iterable as { length?: unknown; size?: unknown };
  if (typeof x.length === "number") return x.length;
  if (typeof x.size === "number") return x.size;
  return undefined;
}

/** What torch.progress returns: iterate it (for-of) to get the items and draw the bar; write() prints above it. */
export class ProgressBar<T> implements Iterable<T> {
  /** Items done so far. */
  n = 0;
  readonly total: number | undefined;
  readonly desc: string;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly unit: string;
  private readonly everyMs: number;
  private readonly now: () => number;
  private readonly print: (text: string) => void;
  private readonly started: number;
  private lastShown = -Infinity;
  private lastShownN = -1; // the count the last line showed
  private drawn = false; // is a bar on the terminal line now?
  private closed = false;

  constructor(private readonly iterable: Iterable<T>, options: ProgressOptions = {}) {
    this.total = options.total ?? lengthOf(iterable);
    if (this.total !== undefined && !(this.total >= 0)) throw new Error(`progress: total must be >= 0, got ${this.total}`);
    this.desc = options.desc ?? "";
    this.stream = options.stream ?? defaultStream();
    this.tty = this.stream.isTTY === true;
    this.unit = options.unit ?? "it";
    this.everyMs = (options.everySeconds ?? 10) * 1000;
    this.now = options.now ?? (() => performance.now());
    this.print = options.print ?? ((text) => console.log(text));
    this.started = this.now();
  }

  *[Symbol.iterator](): Iterator<T> {
    try {
      for (const item of this.iterable) {
        yield item;
        this.update(1);
      }
    } finally {
      this.close();
    }
  }

  /** Counts `count` more items done, and redraws when it is time. */
  update(count = 1): void {
    this.n += count;
    const t = this.now();
    const finished = this.total !== undefined && this.n >= this.total;
    if (finished || t - this.lastShown >= (this.tty ? 100 : this.everyMs)) {
      this.lastShown = t;
      this.show();
    }
  }

  /** Prints a line of the program's output above the bar (tqdm.write): on a terminal the bar is
   *  cleared, the line printed (to stdout by default), and the bar drawn again below it. */
  write(text: string): void {
    if (this.tty && this.drawn) this.stream.write("\r\x1b[K");
    this.print(text);
    if (this.tty && this.drawn) this.stream.write(this.line());
  }

  /** Ends the bar with its final state on a line of its own. Called by the loop's end (or break). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.tty) {
      this.stream.write(`\r${this.line()}\x1b[K\n`);
    } else if (this.n !== this.lastShownN) {
      this.stream.write(this.line() + "\n"); // unless the last plain line already shows the end
    }
  }

  /** "desc:  45%|█████▍      | 1350/3000 [00:05<00:06, 270.12it/s]" (no bar when the total is unknown). */
  line(): string {
    const seconds = (this.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.n / seconds : 0;
    const rateText = seconds > 0 ? `${rate.toFixed(2)}${this.unit}/s` : `?${this.unit}/s`;
    const prefix = this.desc ? `${this.desc}: ` : "";
    if (this.total === undefined) return `${prefix}${this.n}${this.unit} [${formatInterval(seconds)}, ${rateText}]`;
    const fraction = this.total === 0 ? 1 : Math.min(1, this.n / this.total);
    const eighths = Math.floor(fraction * BAR_WIDTH * 8);
    const full = Math.floor(eighths / 8), part = eighths % 8;
    const bar = "█".repeat(full) + (full < BAR_WIDTH ? (BLOCKS[part] ?? " ") + " ".repeat(BAR_WIDTH - full - 1) : "");
    const left = rate > 0 ? (this.total - this.n) / rate : Infinity;
    return `${prefix}${String(Math.round(fraction * 100)).padStart(3)}%|${bar}| ${this.n}/${this.total} ` +
      `[${formatInterval(seconds)}<${formatInterval(left)}, ${rateText}]`;
  }

  private show(): void {
    this.lastShownN = this.n;
    if (this.tty) {
      this.stream.write(`\r${this.line()}\x1b[K`);
      this.drawn = true;
    } else {
      this.stream.write(this.line() + "\n");
    }
  }
}

/** tqdm: wraps an iterable so that looping over it draws a progress bar. */
export function progress<T>(iterable: Iterable<T>, options: ProgressOptions = {}): ProgressBar<T> {
  A.checkOptions("progress", options, {
    desc: A.string, total: A.number, stream: A.anything, unit: A.string, everySeconds: A.number, print: A.func, now: A.func,
  });
  return new ProgressBar(iterable, options);
}
