// The messages between a chapter page (page.ts) and the Web Worker that runs the chapter's cells
// (worker-start.ts, platform.ts, worker-finish.ts).

/** Page -> worker. */
export type ToWorker =
  /** The chapter's command line (flags from the page's controls) and where its data is served. */
  | { type: "start"; argv: string[]; mnist: string | null; iris: string | null; texts: Record<string, string> }
  /** Cells up to and including `through` may run (Infinity: all). */
  | { type: "run"; through: number };

/** Worker -> page. */
export type FromWorker =
  | { type: "cell"; index: number; title: string }
  | { type: "print"; text: string }
  | { type: "progress"; text: string; done: boolean }
  | { type: "file"; name: string; contents: string | Uint8Array }
  | { type: "waiting"; index: number }
  | { type: "threads"; count: number; why: string }
  | { type: "done" }
  | { type: "error"; message: string };
