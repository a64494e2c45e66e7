// Runs every uvu suite under test/ in one process (uvu's own runner, through tsx), then prints the
// closing line CI reads: "N passed, N failed".
// Usage: tsx test/run.ts [--backend js|wasm] [--threads N] [filter-substring]
// --backend makes that backend the default for every suite and, through TORCHLET_BACKEND, for
// every chapter a suite runs; suites that compare the backends still switch explicitly.
// --threads N does the same for torch.setNumThreads (TORCHLET_THREADS); the suites that compare
// one thread with two still switch explicitly.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const root = new URL(".", import.meta.url).pathname;
const args = process.argv.slice(2);
const at = args.findIndex((a) => a === "--backend" || a.startsWith("--backend="));
if (at >= 0) {
  const [flag] = args.splice(at, 1);
  const name = flag!.includes("=") ? flag!.slice(flag!.indexOf("=") + 1) : args.splice(at, 1)[0];
  if (name !== "js" && name !== "wasm") {
    console.error(`--backend expects js or wasm, got ${name === undefined ? "nothing" : JSON.stringify(name)}`);
    process.exit(2);
  }
  process.env.TORCHLET_BACKEND = name;
  const { setBackend, getBackend } = await import("../src/index.ts");
  setBackend(name);
  console.log(`backend: ${getBackend()}`);
}
const threadsAt = args.findIndex((a) => a === "--threads" || a.startsWith("--threads="));
if (threadsAt >= 0) {
  const [flag] = args.splice(threadsAt, 1);
  const text = flag!.includes("=") ? flag!.slice(flag!.indexOf("=") + 1) : args.splice(threadsAt, 1)[0];
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 1) {
    console.error(`--threads expects a whole number ≥ 1, got ${text === undefined ? "nothing" : JSON.stringify(text)}`);
    process.exit(2);
  }
  process.env.TORCHLET_THREADS = String(n);
  const { setNumThreads, getNumThreads } = await import("../src/index.ts");
  setNumThreads(n);
  console.log(`threads: ${getNumThreads()}`);
}
const filter = args[0] ?? "";

function findSuites(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findSuites(path);
    return name.endsWith(".test.ts") && path.includes(filter) ? [path] : [];
  });
}

// uvu prints "Total: N" and "Passed: N" in its summary; keep a copy of the output to read them.
let captured = "";
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  captured += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
  if (captured.length > 1_000_000) captured = captured.slice(-10_000);
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const g = globalThis as unknown as { UVU_DEFER: number; UVU_INDEX: number; UVU_QUEUE: unknown[][] };
g.UVU_DEFER = 1;
const uvu = await import("uvu");
const suites = findSuites(root);
let loadFailures = 0;
for (const [index, file] of suites.entries()) {
  g.UVU_INDEX = index;
  g.UVU_QUEUE.push([relative(root, file)]);
  try {
    await import(pathToFileURL(file).href);
  } catch (error) {
    loadFailures++;
    console.error(`could not load ${relative(root, file)}:`, error);
  }
}
await uvu.exec(false);

const count = (label: string) => Number(/\s(\d+)\s*$/.exec(captured.split(label).at(-1)!.split("\n")[0]!)?.[1] ?? NaN);
const total = count("Total:");
const passed = count("Passed:");
const skipped = count("Skipped:");
const failed = total - passed - skipped + loadFailures;
process.stdout.write = write;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
if (failed > 0 || !(total > 0)) process.exitCode = 1;
