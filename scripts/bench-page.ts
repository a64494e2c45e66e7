// `npm run bench:page`: one chapter's run in a page of the course against the same run in the
// terminal, side by side (issue 23: chapter 08's two epochs in a page within 1.5x of Node). Builds
// and serves the site, opens `chapters/NN.html?run=all` in the system's Chromium and times it to
// data-state="done"; then times `npx tsx chapters/NN-*.ts` with the same flags. Alternates the two
// `--runs` times (default 2) and prints each time and the median ratio.
//   npm run bench:page -- [--chapter 08] [--runs 2] [chapter flags such as --epochs 1 --limit 6000]
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildSite } from "../web/build.ts";
import { serve } from "../web/serve.ts";

const root = join(import.meta.dirname, "..");
const args = process.argv.slice(2);
const take = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  if (value === undefined) throw new Error(`${name} needs a value`);
  args.splice(at, 2);
  return value;
};
const chapter = take("--chapter", "08").padStart(2, "0");
const runs = Number(take("--runs", "2"));
const flags = args; // what is left goes to the chapter
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (on Debian: apt-get install -y chromium; or set CHROMIUM)`);
const file = readdirSync(join(root, "chapters")).find((f) => f.startsWith(`${chapter}-`) && f.endsWith(".ts"));
if (!file) throw new Error(`no chapter ${chapter} in chapters/`);

// the page's query: --name value pairs as name=value
const query = new URLSearchParams({ run: "all" });
for (let i = 0; i < flags.length; i += 2) query.set(flags[i]!.replace(/^--/, ""), flags[i + 1] ?? "");

await buildSite(join(root, "site"));
const server = await serve(join(root, "site"), 0);
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const { default: puppeteer } = await import("puppeteer-core");
const browser = await puppeteer.launch({
  executablePath: CHROMIUM, headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
declare const document: { documentElement: { dataset: Record<string, string | undefined> } };

async function inPage(): Promise<number> {
  const page = await browser.newPage();
  const started = performance.now();
  await page.goto(`${base}/chapters/${chapter}.html?${query}`);
  await page.waitForFunction(() => ["done", "error"].includes(document.documentElement.dataset.state ?? ""), { timeout: 900_000, polling: 200 });
  const seconds = (performance.now() - started) / 1000;
  const state = await page.evaluate(() => document.documentElement.dataset.state);
  await page.close();
  if (state !== "done") throw new Error(`chapter ${chapter}'s page ended in data-state ${state}`);
  return seconds;
}

function inTerminal(): number {
  const started = performance.now();
  execFileSync(process.execPath, ["--import", "tsx", join("chapters", file!), ...flags], { cwd: root, stdio: "ignore" });
  return (performance.now() - started) / 1000;
}

const page: number[] = [], node: number[] = [];
for (let r = 0; r < runs; r++) {
  page.push(await inPage());
  node.push(inTerminal());
  console.log(`run ${r + 1}: page ${page.at(-1)!.toFixed(1)} s, terminal ${node.at(-1)!.toFixed(1)} s`);
}
await browser.close();
server.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const version = execFileSync(CHROMIUM, ["--version"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
console.log(`chapter ${chapter} ${flags.join(" ")}: page ${median(page).toFixed(1)} s (${version}), terminal ${median(node).toFixed(1)} s (Node ${process.versions.node}): ${(median(page) / median(node)).toFixed(2)}x`);
