// Runs a chapter as a reader runs it (a child process, no --step) for the chapter suites, and the
// checks they share on its printed output.
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs chapters/<name>.ts with tsx and the given flags; resolves to its stdout, rejects with stderr on failure.
 *  The child inherits the environment, so `--backend js` of test/run.ts reaches it. */
/** How long a chapter may take: its plain-loop run (--backend js) is many times slower, and the
 *  runner starts several chapters at once on a machine of two cores. */
const DEFAULT_TIMEOUT_MS = process.env.TORCHLET_BACKEND === "js" ? 300_000 : 85_000;

export function runChapter(name: string, args: string[] = [], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
  const promise = new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", `chapters/${name}.ts`, ...args], { cwd: root, timeout: timeoutMs, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => (error ? reject(new Error(`${name} failed: ${error.message}\n${stderr}`)) : resolve(stdout)));
  });
  promise.catch(() => {}); // reported by the test that awaits it
  return promise;
}

export const lines = (out: string) => out.split("\n").map((l) => l.trimEnd());
/** `line` is one whole line of the output (trailing spaces ignored). */
export const has = (out: string, line: string) => assert.ok(lines(out).includes(line), `expected the line ${JSON.stringify(line)} in:\n${out}`);
/** `block` (several lines) stands somewhere in the output. */
export const hasBlock = (out: string, block: string) => assert.ok(out.includes(block), `expected\n${block}\nin:\n${out}`);
