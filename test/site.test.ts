// The course in a browser: `npm run site` built, served as `npm run serve` serves it, and every
// chapter page driven in the system's Chromium (puppeteer-core) by the contract outside checks use:
// NN.html?run=all runs every cell, then <html data-state="done">, and every line the chapter prints
// in the terminal stands in the page's .cell-output elements. Timings are the one thing that
// cannot agree, so a line with a time or a rate in it is compared with its numbers blanked.
// Screenshots go to out/site/. Without Chromium the suite says so in one line and is skipped.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "node:http";
import { root } from "./run-chapter.ts";
import { buildSite, type ChapterInfo } from "../web/build.ts";
import { serve } from "../web/serve.ts";

// What the page.evaluate callbacks below use of the page's globals (this project type-checks
// without the DOM library).
interface PageElement { textContent: string | null; getAttribute(name: string): string | null }
declare const document: {
  documentElement: { dataset: Record<string, string | undefined> };
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  querySelector(selector: string): PageElement | null;
};
declare const crossOriginIsolated: boolean;

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Short runs: one epoch, at most 500 samples, for the terminal and the page alike. */
const FLAGS = ["--epochs", "1", "--limit", "500"];

/** The chapter in the terminal with FLAGS, as a reader runs it (the pages choose the plain GEMM
 *  kernel Node 20 runs, though Chromium would take the relaxed one, so the numbers agree to the bit). */
function terminal(file: string): Promise<string> {
  const env = { ...process.env };
  delete env.TORCHLET_BACKEND;
  delete env.TORCHLET_THREADS;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", `chapters/${file}`, ...FLAGS],
      { cwd: root, env, timeout: 180_000, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => (error ? reject(new Error(`${file}: ${error.message}\n${stderr}`)) : resolve(stdout)));
  });
}

/** A line with a time or a rate in it, its numbers blanked; other lines as they are. */
const TIMED = /\d\s?(ms|s|µs)\b|GFLOP\/s|images\/s|it\/s|multiply-adds per second|\(\d+(\.\d+)?x\)/;
export function comparable(line: string): string {
  const trimmed = line.trimEnd();
  if (/^Node v\d/.test(trimmed) || /^a browser \(/.test(trimmed)) return "<runtime>"; // chapter 01 names where it runs
  return TIMED.test(trimmed) ? trimmed.replace(/\d+(\.\d+)?(e[-+]?\d+)?/g, "#").replace(/\s+/g, " ") : trimmed;
}

test("comparable() blanks the numbers of timed lines only", () => {
  assert.is(comparable("  2 threads: 3.802 ms (1.48x)"), comparable("  2 threads: 12.5 ms (0.93x)"));
  assert.is(comparable("   64     0.431 ms   1.22 GFLOP/s"), comparable("   64   0.5 ms   7 GFLOP/s"));
  assert.is.not(comparable("loss: 0.5123"), comparable("loss: 0.5124"));
  assert.is(comparable("Node v20.20.2"), comparable("a browser (Chrome 150), in a Web Worker"));
});

if (!existsSync(CHROMIUM)) {
  console.log(`browser tests skipped: no Chromium at ${CHROMIUM} (on Debian: apt-get install -y chromium; or set CHROMIUM to its path)`);
} else {
  const { default: puppeteer } = await import("puppeteer-core");
  type Browser = Awaited<ReturnType<typeof puppeteer.launch>>;
  let browser: Browser, server: Server, base: string, chapters: ChapterInfo[];
  const siteDir = join(root, "site");
  const shots = join(root, "out", "site");

  test.before(async () => {
    chapters = await buildSite(siteDir);
    server = await serve(siteDir, 0);
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM, headless: true,
      // as root in a sandboxed machine with no network: no sandbox, no background fetches
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    mkdirSync(shots, { recursive: true });
  });
  test.after(async () => {
    await browser?.close();
    server?.close();
  });

  /** Opens a page, waits for data-state done or error; returns its state, outputs and isolation. */
  async function runPage(query: string, shot: string | null) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 900 });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    const started = performance.now();
    await page.goto(`${base}/${query}`);
    try {
      await page.waitForFunction(() => ["done", "error"].includes(document.documentElement.dataset.state ?? ""), { timeout: 420_000 });
    } catch (error) {
      const state = await page.evaluate(() => document.documentElement.dataset.state).catch(() => "(page gone)");
      await page.close().catch(() => {});
      throw new Error(`${query}: ${(error as Error).message}; data-state ${state}; page errors: ${pageErrors.join(" | ") || "none"}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const result = await page.evaluate(() => ({
      state: document.documentElement.dataset.state,
      threads: document.documentElement.dataset.threads,
      isolated: crossOriginIsolated,
      outputs: [...document.querySelectorAll(".cell-output")].map((e) => e.textContent ?? ""),
      errors: [...document.querySelectorAll(".cell-error")].map((e) => e.textContent ?? ""),
      cells: document.querySelectorAll("section.cell[data-index]").length,
      images: document.querySelectorAll(".cell-files img, .cell-files svg").length,
    }));
    if (shot) {
      await page.screenshot({ path: join(shots, shot) });
      // and the first picture a cell drew (a plot, the digits, an autograd graph), with its cell
      const figure = await page.$("section.cell:has(.cell-files img, .cell-files svg)");
      if (figure) await figure.screenshot({ path: join(shots, shot.replace(/\.png$/, "-figure.png")) });
    }
    await page.close();
    return { ...result, pageErrors, seconds };
  }

  test("the index page lists every chapter, and the page is cross-origin isolated", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/index.html`);
    const { links, isolated } = await page.evaluate(() => ({
      links: [...document.querySelectorAll("ol.chapters h2 a")].map((a) => a.getAttribute("href")),
      isolated: crossOriginIsolated,
    }));
    await page.screenshot({ path: join(shots, "index.png") });
    await page.close();
    assert.equal(links, chapters.map((c) => `chapters/${c.number}.html`));
    assert.ok(isolated, "npm run serve's headers make the page cross-origin isolated");
  });

  test("every chapter page runs all its cells and prints every line the terminal prints", async () => {
    const failures: string[] = [];
    // The terminal runs go one after another beside the pages (one core each).
    let previous: Promise<unknown> = Promise.resolve();
    const expectedRuns = chapters.map((chapter) => {
      const run = previous.then(() => terminal(chapter.file));
      previous = run.catch(() => {});
      return run;
    });
    expectedRuns.forEach((r) => r.catch(() => {})); // each is awaited below
    for (const [i, chapter] of chapters.entries()) {
      let page: Awaited<ReturnType<typeof runPage>>;
      try {
        page = await runPage(`chapters/${chapter.number}.html?run=all&epochs=1&limit=500`, `${chapter.number}.png`);
      } catch (error) {
        failures.push(`${chapter.number}: ${(error as Error).message}`);
        continue;
      }
      if (page.state !== "done") {
        failures.push(`${chapter.number}: data-state=${page.state}: ${page.errors.join(" | ")} ${page.pageErrors.join(" | ")}`);
        continue;
      }
      const expected = await expectedRuns[i]!;
      assert.is(page.cells, chapter.cells.length);
      // the cells the build found in the source are the cells the chapter runs, in order
      const ran = [...expected.matchAll(/^── (.+?) ─{2,}$/gm)].map((m) => m[1]);
      assert.equal(ran, chapter.cells.map((c) => c.title), `chapter ${chapter.number}'s cells`);
      const shown = new Set(page.outputs.join("").split("\n").map(comparable));
      const missing = expected.split("\n").filter((l) => l.trim() !== "").filter((l) => !shown.has(comparable(l)));
      if (missing.length > 0) failures.push(`${chapter.number}: ${missing.length} terminal lines not on the page, e.g.\n  ${missing.slice(0, 5).join("\n  ")}`);
    }
    assert.equal(failures, []);
  });

  test("chapter pages draw the files chapters write (SVG plots, PNG digits) as images", async () => {
    const page = await runPage("chapters/05.html?run=all", null);
    assert.is(page.state, "done");
    assert.ok(page.images >= 2, "05's loss curve and its autograd graph are shown");
  });

  test("two threads on an isolated page: the workers start, and a split product has the same bits as one thread", async () => {
    const page = await runPage("chapters/14.html?run=all&epochs=1&limit=500&threads=2", "14-threads.png");
    assert.is(page.state, "done");
    assert.ok(page.isolated);
    assert.is(page.threads, "2");
    const text = page.outputs.join("");
    assert.match(text, /cores: 2 by default/);
    assert.match(text, /same bits: true/);
  });

  test("served without the headers (a static host): the page isolates itself with its service worker, and gets its threads", async () => {
    const plain = await serve(siteDir, 0, { isolate: false });
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(plain.address() as { port: number }).port}/chapters/14.html?run=all&epochs=1&limit=500&threads=2`);
      await page.waitForFunction(() => ["done", "error"].includes(document.documentElement.dataset.state ?? ""), { timeout: 240_000 });
      const result = await page.evaluate(() => ({ isolated: crossOriginIsolated, state: document.documentElement.dataset.state, threads: document.documentElement.dataset.threads }));
      assert.equal(result, { isolated: true, state: "done", threads: "2" });
    } finally {
      await page.close();
      plain.close();
    }
  });

  test("cell by cell: Run on a cell runs the chapter up to it, Run next cell one more, Run all the rest", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/chapters/05.html`);
      // each cell's printed lines (a cell waiting to run shows its header line, as the terminal does)
      const outputs = () => page.evaluate(() => [...document.querySelectorAll("section.cell[data-index] .cell-output")].map((e) => (e.textContent ?? "").trim().split("\n").filter(Boolean).length));
      // resolves when cell `index` is the one waiting for its Run (the page's state moves on by messages)
      const waitsAt = (index: string) => page.waitForFunction((i) => document.querySelector("section.cell.waiting")?.getAttribute("data-index") === i, { timeout: 60_000 }, index);
      await page.click('button.run[data-index="2"]');
      await waitsAt("3");
      assert.equal((await outputs()).map((lines, i) => (i <= 2 ? lines > 1 : i === 3 ? lines === 1 : lines === 0)), Array(10).fill(true), "cells 0-2 ran, 3 waits, 4-9 did not start");
      await page.click("button.run-next");
      await waitsAt("4");
      assert.is((await outputs())[3]! > 1, true, "cell 3 ran");
      await page.click("button.run-all");
      await page.waitForFunction(() => document.documentElement.dataset.state === "done", { timeout: 60_000 });
      const after = await outputs();
      assert.ok(after.every((lines) => lines >= 1) && after[9]! > 1, "every cell ran (one of them prints only its header)");
    } finally {
      await page.close();
    }
  });

  test("a cell that throws: data-state=error, and the error on the page", async () => {
    // --limit 0 is refused by the chapter's flag parser, as in the terminal.
    const page = await runPage("chapters/01.html?run=all&limit=0", null);
    assert.is(page.state, "error");
    assert.match(page.errors.join(""), /--limit expects a whole number ≥ 1/);
  });
}

test.run();
