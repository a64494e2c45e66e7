// What a chapter needs from where it runs, in a terminal (Node). The course site builds the same
// chapters for a browser with web/platform.ts in this file's place: the two export the same names
// (chapters/lib/platform-check.ts makes the type checker hold them to it).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

// `npx tsx chapters/08-cnn-basics.ts | head` closes the pipe early: end quietly, as a shell tool does.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

/** Where this runs, as the chapters name it in their output. */
export const runtimeName = `Node ${process.version}`;

/** The words after the chapter's file name on the command line. */
export function commandLine(): string[] {
  return process.argv.slice(2);
}

/** An environment variable (TORCHLET_BACKEND, TORCHLET_THREADS), or undefined. */
export function environment(name: string): string | undefined {
  return process.env[name];
}

/** Whether --step can wait for a key: only on a terminal. */
export function canStep(): boolean {
  return process.stdin.isTTY === true;
}

/** Called as a cell begins, before its header is printed (a page routes what follows to that cell). */
export function beforeCell(_title: string): void {}

/** Says what was wrong on the command line, in one line, and ends the run. */
export function quitWithUsage(message: string): never {
  console.error(message);
  process.exit(2);
}

/** Before a cell under --step: Enter runs it, q quits the chapter, Ctrl-C interrupts. One key, no
 *  Enter needed after q. */
export function waitForCell(): Promise<void> {
  process.stdout.write("  ⏎ Enter runs this cell, q quits ");
  return new Promise((done) => {
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    const onKey = (chunk: Buffer) => {
      const key = chunk.toString("utf8");
      const quit = key === "q" || key === "Q", interrupt = key === "\u0003";
      if (!quit && !interrupt && key !== "\r" && key !== "\n") return; // any other key: keep waiting
      stdin.off("data", onKey);
      stdin.setRawMode(false);
      stdin.pause(); // so the process can end after the last cell
      process.stdout.write("\n");
      if (interrupt) process.exit(130);
      if (quit) process.exit(0);
      done();
    };
    stdin.on("data", onKey);
  });
}

// V8 frees a dead typed array only at its next collection, which it starts lazily: a cell whose
// tensors (a 264 MB convolution output, say) died when it ended can keep them in memory while the
// next cell makes its own. So between cells, when typed arrays have grown by more than 16 MB since
// the last collection, collect at once (a few milliseconds).
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;
let arrayBytesAfterCollect = 0;
/** Called after every cell. */
export function afterCell(): void {
  if (process.memoryUsage().arrayBuffers <= arrayBytesAfterCollect + 16 * 1024 * 1024) return;
  collect();
  arrayBytesAfterCollect = process.memoryUsage().arrayBuffers;
}

/** A path under out/ at the repository root for a file a chapter writes (the folders are created). */
export function outPath(name: string): string {
  const path = join(repoRoot, "out", name);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** Prints where a file went, relative to the current folder when that is shorter. */
export function wrote(path: string): void {
  const rel = relative(process.cwd(), resolve(path));
  console.log(`wrote ${rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : resolve(path)}`);
}

/** Writes out/`name` (an SVG or JSON text, PNG or safetensors bytes) and prints where it went. */
export function saveOut(name: string, contents: string | Uint8Array): void {
  const path = outPath(name);
  writeFileSync(path, contents);
  wrote(path);
}

/** The bytes of a file a chapter wrote with saveOut. */
export function readOut(name: string): Uint8Array {
  return readFileSync(outPath(name));
}

/** A text file of the repository, by its path from the root (e.g. "datasets/little-lessons.txt"). */
export function readRepoText(path: string): string {
  return readFileSync(join(repoRoot, path), "utf8");
}
