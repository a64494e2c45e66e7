// A chapter page's script (and the index page's isolation check). The cells run in a Web Worker
// (site/chapters/NN.js), so the page never freezes; this script starts it with the flags of the
// page's controls, lets it run cells when the reader asks, and shows what it prints.
//
// The contract outside checks rely on: opened as NN.html?run=all (plus flags), the page runs every
// cell and then sets data-state="done" on <html> (data-state="error", with the error on the page,
// if a cell throws); each cell's printed text is in its element of class "cell-output", in order.
import type { FromWorker, ToWorker } from "../messages.ts";

interface ChapterData {
  number: string;
  worker: string;
  cells: string[];
  mnist: string | null;
  iris: string | null;
  texts: Record<string, string>;
}

const FLAGS = ["epochs", "limit", "seed", "backend", "threads"] as const;
const html = document.documentElement;
const status = document.querySelector<HTMLElement>(".status");

function say(text: string): void {
  if (status) status.textContent = text;
}

// ---- cross-origin isolation: shared memory, and so threads, need it ----

/** Where the server cannot send COOP/COEP headers (a static host), coi-service-worker.js adds them:
 *  registered once, it takes over on a reload. Returns true when the page is about to reload. */
async function isolate(): Promise<boolean> {
  if (crossOriginIsolated || !("serviceWorker" in navigator) || !window.isSecureContext) return false;
  if (sessionStorage.getItem("coi-reloaded")) return false; // tried once: run on one thread
  const prefix = document.querySelector<HTMLScriptElement>('script[src$="page.js"]')!.src.replace(/page\.js$/, "");
  try {
    await navigator.serviceWorker.register(`${prefix}coi-service-worker.js`, { scope: prefix });
    await navigator.serviceWorker.ready;
    sessionStorage.setItem("coi-reloaded", "1");
    location.reload();
    return true;
  } catch {
    return false;
  }
}

// ---- a chapter page ----

class ChapterPage {
  private worker: Worker | null = null;
  private current: HTMLElement;
  private waitingAt = -1;
  /** The last cell that began (-1: none yet). */
  private begun = -1;
  private readonly sections: HTMLElement[];
  private readonly preamble: HTMLElement;
  private readonly form: HTMLFormElement;

  constructor(private readonly data: ChapterData) {
    this.sections = [...document.querySelectorAll<HTMLElement>("section.cell[data-index]")];
    this.preamble = document.querySelector<HTMLElement>("section.preamble")!;
    this.current = this.preamble;
    this.form = document.querySelector<HTMLFormElement>("form.controls")!;
    const query = new URLSearchParams(location.search);
    for (const name of FLAGS) {
      const control = this.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
      const value = query.get(name);
      if (control && value !== null) control.value = value;
      control?.addEventListener("change", () => this.flagsChanged());
    }
    document.querySelectorAll<HTMLButtonElement>("button.run").forEach((b) => b.addEventListener("click", () => this.runThrough(Number(b.dataset.index))));
    this.form.querySelector(".run-next")!.addEventListener("click", () => this.runThrough(Math.max(this.waitingAt, 0)));
    this.form.querySelector(".run-all")!.addEventListener("click", () => this.runThrough(Infinity));
    this.form.querySelector(".restart")!.addEventListener("click", () => this.reset());
    const threadNote = crossOriginIsolated ? "" : " This page is not cross-origin isolated, so it runs on one thread.";
    say(`Ready: ${data.cells.length} cells. Run them one by one, or all.${threadNote}`);
    if (query.get("run") === "all") this.runThrough(Infinity);
  }

  /** The chapter's command line from the controls: --epochs 1 --limit 2000 ... */
  private argv(): string[] {
    const argv: string[] = [];
    for (const name of FLAGS) {
      const control = this.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
      if (control && control.value !== "") argv.push(`--${name}`, control.value);
    }
    return argv;
  }

  private flagsChanged(): void {
    const query = new URLSearchParams(location.search);
    for (const name of FLAGS) {
      const control = this.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
      if (control && control.value !== "") query.set(name, control.value);
      else query.delete(name);
    }
    query.delete("run");
    history.replaceState(null, "", `${location.pathname}${query.size ? `?${query}` : ""}`);
    if (this.worker) this.reset();
  }

  private reset(): void {
    this.worker?.terminate();
    this.worker = null;
    this.waitingAt = -1;
    this.begun = -1;
    this.current = this.preamble;
    for (const section of [this.preamble, ...this.sections]) {
      section.classList.remove("ran", "running", "waiting", "failed");
      for (const selector of [".cell-output", ".cell-files", ".cell-progress"]) {
        const element = section.querySelector(selector);
        if (element) element.textContent = "";
      }
    }
    html.dataset.state = "idle";
    say("Restarted: the next Run starts the chapter from its first line.");
  }

  private start(): Worker {
    const worker = new Worker(new URL(this.data.worker, location.href), { type: "module" });
    worker.addEventListener("message", (event: MessageEvent<FromWorker>) => this.receive(event.data));
    worker.addEventListener("error", (event) => this.fail(event.message || "the worker could not start"));
    const start: ToWorker = {
      type: "start", argv: this.argv(),
      mnist: this.data.mnist && new URL(this.data.mnist, location.href).href,
      iris: this.data.iris && new URL(this.data.iris, location.href).href,
      texts: Object.fromEntries(Object.entries(this.data.texts).map(([path, url]) => [path, new URL(url, location.href).href])),
    };
    worker.postMessage(start);
    html.dataset.state = "running";
    say(this.data.mnist ? "Fetching MNIST and starting…" : "Starting…");
    return worker;
  }

  /** Runs the cells up to `index`; a cell that has run already is run again from the chapter's
   *  first line (a cell's code depends on the cells before it, as in a notebook run top to bottom). */
  private runThrough(index: number): void {
    if (html.dataset.state === "done" || html.dataset.state === "error" || index < this.begun) this.reset();
    this.worker ??= this.start();
    html.dataset.state = "running";
    const message: ToWorker = { type: "run", through: index };
    this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "cell": {
        this.begun = message.index;
        this.current.classList.remove("running", "waiting");
        if (this.current !== this.preamble) this.current.classList.add("ran");
        this.current = this.sections[message.index] ?? this.preamble;
        this.current.classList.add("running");
        break;
      }
      case "print":
        this.output().append(`${message.text}\n`);
        break;
      case "progress":
        this.progress(message.text, message.done);
        break;
      case "file":
        this.file(message.name, message.contents);
        break;
      case "waiting":
        this.waitingAt = message.index;
        this.current.classList.add("waiting");
        this.current.classList.remove("running");
        say(`Waiting: cell ${message.index + 1} of ${this.data.cells.length} runs when you press its Run button or "Run next cell".`);
        break;
      case "threads":
        say(`Running on ${message.count} thread${message.count > 1 ? "s" : ""}${message.why ? ` (${message.why})` : ""}.`);
        html.dataset.threads = String(message.count);
        break;
      case "done":
        this.current.classList.remove("running");
        this.current.classList.add("ran");
        html.dataset.state = "done";
        say(`Done: all ${this.data.cells.length} cells ran.`);
        break;
      case "error":
        this.fail(message.message);
        break;
    }
    if (message.type === "cell") {
      this.current.classList.remove("waiting");
      say(`Running cell ${message.index + 1} of ${this.data.cells.length}…`);
    }
  }

  private output(): HTMLElement {
    return this.current.querySelector<HTMLElement>(".cell-output")!;
  }

  private fail(text: string): void {
    // a cell's error can come twice (the chapter's promise, and the worker's unhandled rejection)
    if ([...document.querySelectorAll(".cell-error")].some((e) => e.textContent === text)) return;
    this.current.classList.add("failed");
    const error = document.createElement("pre");
    error.className = "cell-error";
    error.textContent = text;
    this.output().after(error);
    html.dataset.state = "error";
    say(`Stopped: ${text}`);
  }

  /** A progress bar's line, as the terminal redraws it: an HTML progress element with the same text. */
  private progress(text: string, done: boolean): void {
    const box = this.current.querySelector<HTMLElement>(".cell-progress");
    if (!box) return;
    let bar = box.lastElementChild as HTMLElement | null;
    if (!bar || bar.dataset.done === "1") {
      bar = document.createElement("div");
      bar.className = "bar";
      bar.append(document.createElement("progress"), document.createElement("code"));
      box.append(bar);
    }
    const counts = /(\d+)\/(\d+)/.exec(text);
    const meter = bar.querySelector("progress")!;
    if (counts) {
      meter.max = Number(counts[2]);
      meter.value = Number(counts[1]);
    }
    bar.querySelector("code")!.textContent = text;
    if (done) bar.dataset.done = "1";
  }

  /** A file the chapter wrote: SVG drawn inline, PNG shown, and each offered for download. */
  private file(name: string, contents: string | Uint8Array): void {
    const box = this.current.querySelector<HTMLElement>(".cell-files") ?? this.current;
    const figure = document.createElement("figure");
    const type = name.endsWith(".svg") ? "image/svg+xml" : name.endsWith(".png") ? "image/png" : name.endsWith(".json") ? "application/json" : "application/octet-stream";
    const url = URL.createObjectURL(new Blob([contents as BlobPart], { type }));
    if (type === "image/svg+xml") {
      // inline, so that its text takes the page's fonts (a plot, the digit grid, an autograd graph)
      const svg = new DOMParser().parseFromString(typeof contents === "string" ? contents : new TextDecoder().decode(contents), "image/svg+xml").documentElement;
      figure.append(document.importNode(svg, true));
    } else if (type.startsWith("image/")) {
      const image = document.createElement("img");
      image.src = url;
      image.alt = name;
      figure.append(image);
    }
    const caption = document.createElement("figcaption");
    const link = document.createElement("a");
    link.href = url;
    link.download = name.split("/").pop()!;
    link.textContent = `out/${name}`;
    caption.append(link);
    figure.append(caption);
    box.append(figure);
  }
}

async function main(): Promise<void> {
  if (await isolate()) return;
  const dataElement = document.getElementById("chapter-data");
  if (!dataElement) {
    say(crossOriginIsolated ? "" : "This page is not cross-origin isolated: chapters will run on one thread.");
    return;
  }
  new ChapterPage(JSON.parse(dataElement.textContent!) as ChapterData);
}

void main();
