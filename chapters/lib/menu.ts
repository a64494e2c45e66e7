/**
 * `npm start`: lists the chapters and runs the one you pick.
 *
 *   npm start                      a menu (on a terminal; piped, it prints the list and how to choose)
 *   npm start -- 5                 runs chapters/05-*.ts
 *   npm start -- 7 --epochs 1      everything after the number goes to the chapter
 *
 * A chapter runs in its own Node process (`node --import tsx chapters/NN-slug.ts ...`) with this
 * terminal, so --step, progress lines and Ctrl-C behave exactly as when it is run by hand.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const chaptersDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface ChapterEntry {
  /** 5 for 05-learning.ts. */
  number: number;
  /** "05-learning.ts" */
  file: string;
  path: string;
  /** The first line of the file's doc comment, without a leading "05 ·". */
  title: string;
}

/** The first line of the leading doc comment, e.g. "What learning does: ..."; "" if there is none. */
export function readTitle(source: string): string {
  const match = /^\s*\/\*\*\s*([\s\S]*?)(?:\*\/|\n)/.exec(source);
  const first = (match?.[1] ?? "").replace(/\*\/\s*$/, "").replace(/^\*\s*/, "").trim();
  return first.replace(/^\d+\s*[·.:\-–—]\s*/, ""); // the number is shown anyway
}

/** chapters/NN-slug.ts files in `dir`, in number order. */
export function listChapters(dir: string = chaptersDir): ChapterEntry[] {
  return readdirSync(dir)
    .filter((file) => /^\d+-.+\.ts$/.test(file))
    .map((file) => {
      const path = join(dir, file);
      const title = readTitle(readFileSync(path, "utf8")) || file.replace(/^\d+-|\.ts$/g, "").replaceAll("-", " ");
      return { number: Number.parseInt(file, 10), file, path, title };
    })
    .sort((a, b) => a.number - b.number || a.file.localeCompare(b.file));
}

/** The lines of the menu: " 5  What learning does: ..." */
export function formatList(chapters: readonly ChapterEntry[]): string {
  return chapters.map((c) => `${String(c.number).padStart(3)}  ${c.title}`).join("\n");
}

export const USAGE = "usage: npm start -- <chapter number> [--step] [--epochs N] [--limit N] [--seed N] [--backend js|wasm] [--threads N]";

/** The command that runs a chapter: this Node, with tsx's loader, from the repository root. */
export function chapterCommand(entry: ChapterEntry, args: readonly string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: ["--import", "tsx", entry.path, ...args] };
}

/** Runs a chapter with this terminal; resolves to its exit code. */
export function runChapter(entry: ChapterEntry, args: readonly string[]): Promise<number> {
  const { command, args: full } = chapterCommand(entry, args);
  return new Promise((resolve) => {
    const child = spawn(command, full, { stdio: "inherit", cwd: repoRoot });
    // Ctrl-C reaches the chapter too (same terminal); it decides whether to stop, so we wait for it.
    const ignore = () => {};
    process.on("SIGINT", ignore);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", ignore);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
    child.on("error", (error) => {
      process.off("SIGINT", ignore);
      console.error(`could not start ${entry.file}: ${error.message}`);
      resolve(1);
    });
  });
}

function askTerminal(question: string): Promise<string | null> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    rl.on("SIGINT", () => { rl.close(); process.stdout.write("\n"); resolve(null); });
    rl.on("close", () => resolve(null)); // Ctrl-D
    rl.question(question, (answer) => { resolve(answer); rl.close(); });
  });
}

export interface MenuOptions {
  dir?: string;
  interactive?: boolean;
  print?: (text: string) => void;
  /** How to run the chosen chapter (tests replace it). */
  run?: (entry: ChapterEntry, args: readonly string[]) => Promise<number>;
  /** How to ask which chapter (tests replace it); null is Ctrl-C or Ctrl-D. */
  ask?: (question: string) => Promise<string | null>;
}

/** The whole of `npm start`; resolves to the exit code. */
export async function main(argv: readonly string[], options: MenuOptions = {}): Promise<number> {
  const { dir = chaptersDir, interactive = process.stdin.isTTY === true, print = console.log, run = runChapter, ask = askTerminal } = options;
  const chapters = listChapters(dir);
  if (chapters.length === 0) {
    print(`no chapters in ${dir} yet`);
    return 0;
  }
  let [choice, ...rest] = argv;
  if (choice === "--help" || choice === "-h") {
    print(formatList(chapters) + "\n\n" + USAGE);
    return 0;
  }
  if (choice === undefined) {
    print(formatList(chapters));
    if (!interactive) {
      print("\n" + USAGE);
      return 0;
    }
    // The menu comes back after each chapter (also one left with q), until Enter on its own.
    for (;;) {
      const answer = await ask("\nWhich chapter? (a number, then any flags; Enter quits) ");
      if (!answer || answer.trim() === "") return 0;
      [choice, ...rest] = answer.trim().split(/\s+/);
      const entry = chapters.find((c) => c.number === Number(choice));
      if (!entry) print(`no chapter ${JSON.stringify(choice)}`);
      else await run(entry, rest);
      print("\n" + formatList(chapters));
    }
  }
  const wanted = Number(choice);
  const entry = chapters.find((c) => c.number === wanted);
  if (!Number.isInteger(wanted) || !entry) {
    print(`no chapter ${JSON.stringify(choice)}; the chapters are:\n${formatList(chapters)}\n\n${USAGE}`);
    return 1;
  }
  return run(entry, rest);
}

// Run as `npm start` (tsx chapters/lib/menu.ts), not when a test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
