// chapters/lib/platform.ts for a browser: what a chapter needs from where it runs, when it runs in
// a Web Worker behind a course page. The site's build puts this file in that one's place
// (web/build.ts); chapters/lib/platform-check.ts holds the two to the same exports.
import { onMessage, post } from "./channel.ts";

interface BrowserNavigator { userAgent?: string }
const agent = (globalThis as { navigator?: BrowserNavigator }).navigator?.userAgent ?? "";
const browser = /(Chrome|Firefox|Safari)\/([\d.]+)/.exec(agent);

/** Where this runs, as the chapters name it in their output. */
export const runtimeName = `a browser (${browser ? `${browser[1]} ${browser[2]!.split(".")[0]}` : "unknown"}), in a Web Worker`;

/** What the page and worker-start.ts set before the chapter runs. */
export const settings = { argv: [] as string[], texts: new Map<string, string>() };

/** The page's flags, as a command line (always with --step: the page's buttons run the cells). */
export function commandLine(): string[] {
  return [...settings.argv, "--step"];
}

export function environment(_name: string): string | undefined {
  return undefined;
}

export function canStep(): boolean {
  return true;
}

export function quitWithUsage(message: string): never {
  throw new Error(message);
}

let begun = -1;
let allowedThrough = -1;
let release: (() => void) | null = null;
onMessage((message) => {
  if (message.type !== "run") return;
  allowedThrough = Math.max(allowedThrough, message.through);
  if (release && begun <= allowedThrough) {
    const go = release;
    release = null;
    go();
  }
});

export function beforeCell(title: string): void {
  begun++;
  post({ type: "cell", index: begun, title });
}

/** Waits until the page lets this cell run (its Run button, "run next" or "run all"). */
export function waitForCell(): Promise<void> {
  if (begun <= allowedThrough) return Promise.resolve();
  post({ type: "waiting", index: begun });
  return new Promise((resolve) => (release = resolve));
}

export function afterCell(): void {}

const files = new Map<string, Uint8Array>();

/** Keeps out/`name` in memory, shows it on the page, and prints the line the terminal prints. */
export function saveOut(name: string, contents: string | Uint8Array): void {
  files.set(name, typeof contents === "string" ? new TextEncoder().encode(contents) : contents.slice());
  post({ type: "file", name, contents });
  console.log(`wrote out/${name}`);
}

export function readOut(name: string): Uint8Array {
  const bytes = files.get(name);
  if (!bytes) throw new Error(`readOut: out/${name} was not written on this page`);
  return bytes;
}

export function readRepoText(path: string): string {
  const text = settings.texts.get(path);
  if (text === undefined) throw new Error(`readRepoText: ${path} was not fetched for this page`);
  return text;
}

export function outPath(name: string): string {
  return `out/${name}`;
}

export function wrote(path: string): void {
  console.log(`wrote ${path}`);
}
