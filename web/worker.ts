// A chapter's Web Worker. web/build.ts bundles one per chapter, whose entry is
//
//   await startWorker();                    // below
//   await import("../chapters/NN-....ts");  // the chapter's own file, as the terminal runs it
//   await finishWorker();
//
// Before the chapter's code runs, startWorker waits for the page's "start", takes the page's flags
// as the command line, sends console output and progress bars to the page, and fetches the data
// the chapter reads (a browser cannot read files while a cell runs, so they come first).
import { nextMessage, post } from "./channel.ts";
import { formatLog } from "./inspect.ts";
import { settings } from "./platform.ts";
import { setDefaultProgressStream } from "../src/progress.ts";
import { fetchMNIST } from "../datasets/mnist.browser.ts";
import { fetchIris } from "../datasets/iris.browser.ts";
import { prepareThreads, setBackend } from "../src/index.ts";
import { allCellsRun } from "../chapters/lib/cells.ts";

const scope = globalThis as unknown as { addEventListener(type: string, listener: (event: { reason?: unknown; message?: string; error?: unknown }) => void): void };
const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
scope.addEventListener("unhandledrejection", (event) => post({ type: "error", message: describe(event.reason) }));
scope.addEventListener("error", (event) => post({ type: "error", message: describe(event.error ?? event.message) }));

for (const method of ["log", "info", "warn", "error"] as const) {
  console[method] = (...args: unknown[]) => post({ type: "print", text: formatLog(args) });
}

// A progress bar redraws one line, as on a terminal; the page shows it as a progress element.
setDefaultProgressStream({
  isTTY: true,
  write(text: string) {
    const line = text.replace(/\r|\x1b\[K/g, "");
    if (line.trim() !== "") post({ type: "progress", text: line.replace(/\n$/, ""), done: line.endsWith("\n") });
  },
});

/** Waits for the page's "start" and does what the chapter needs done first. */
export async function startWorker(): Promise<void> {
  const start = await nextMessage("start");
  settings.argv = start.argv;
  // Chromium accepts relaxed SIMD, whose fused multiply-adds round differently from the plain GEMM
  // kernel Node 20 runs: the page takes the plain one, so that it prints the terminal's numbers.
  try {
    setBackend("wasm", { relaxedSimd: false });
  } catch {
    // no WebAssembly SIMD here: the chapter runs on the plain loops
  }
  await Promise.all([
    start.mnist === null ? null : fetchMNIST({ url: start.mnist }),
    start.iris === null ? null : fetchIris(start.iris),
    ...Object.entries(start.texts).map(async ([path, url]) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`fetching ${url} gave HTTP ${response.status}`);
      settings.texts.set(path, await response.text());
    }),
  ]);
  const wanted = start.argv.indexOf("--threads");
  const threads = await prepareThreads(wanted >= 0 ? Number(start.argv[wanted + 1]) : undefined);
  post({ type: "threads", count: threads.count, why: threads.why });
}

/** Once the chapter's file has run to its end: waits for its last cell and tells the page. */
export async function finishWorker(): Promise<void> {
  await allCellsRun();
  post({ type: "done" });
}

/** Tells the page a cell (or the chapter's own code) threw. */
export function failWorker(error: unknown): void {
  post({ type: "error", message: describe(error) });
}
