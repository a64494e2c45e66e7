import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { existsSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import * as torch from "../src/index.ts";
import { chapter, outPath, parseFlags, wrote } from "../chapters/lib/cells.ts";
import { chapterCommand, listChapters, main, readTitle, USAGE, type ChapterEntry } from "../chapters/lib/menu.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/chapters/", import.meta.url));

// ---- flags ----

test("parseFlags: built-in defaults, a chapter's defaults, and the command line over both", () => {
  assert.equal(parseFlags([]), { step: false, epochs: 1, limit: Infinity, seed: 0, rest: [] });
  assert.equal(parseFlags([], { epochs: 50, seed: 1 }), { step: false, epochs: 50, limit: Infinity, seed: 1, rest: [] });
  assert.equal(
    parseFlags(["--epochs", "2", "--step", "--limit=100", "--seed", "0", "x"], { epochs: 50, seed: 7 }),
    { step: true, epochs: 2, limit: 100, seed: 0, rest: ["x"] },
  );
  assert.throws(() => parseFlags(["--epoch", "2"]),
    /unknown flag --epoch; the flags are --step, --epochs N, --limit N, --seed N, --backend js\|wasm, --threads N/);
  assert.throws(() => parseFlags(["-s"]), /unknown flag -s;/);
  assert.is(parseFlags(["--epochs", "0"], { epochs: 2 }).epochs, 0); // only the cells that need no training
});

test("parseFlags: a missing or bad number is an error that names the flag", () => {
  assert.throws(() => parseFlags(["--epochs"]), /--epochs expects a whole number ≥ 0, got nothing/);
  assert.throws(() => parseFlags(["--epochs", "two"]), /--epochs expects a whole number ≥ 0, got "two"/);
  assert.throws(() => parseFlags(["--limit", "0"]), /--limit expects a whole number ≥ 1/);
  assert.throws(() => parseFlags(["--seed=-1"]), /--seed expects a whole number ≥ 0, got "-1"/);
  assert.throws(() => parseFlags(["--epochs=1.5"]), /--epochs/);
});

test("--backend js|wasm is read, and chapter() switches to it", () => {
  assert.is(parseFlags(["--backend", "js"]).backend, "js");
  assert.is(parseFlags(["--backend=wasm", "x"]).backend, "wasm");
  assert.is(parseFlags([]).backend, undefined);
  assert.throws(() => parseFlags(["--backend", "gpu"]), /--backend expects js or wasm, got "gpu"/);
  assert.throws(() => parseFlags(["--backend"]), /--backend expects js or wasm, got nothing/);
  const before = torch.getBackend();
  try {
    const other = before === "js" ? "wasm" : "js";
    chapter("00", "", { argv: ["--backend", other], print: () => {} });
    assert.is(torch.getBackend(), other);
  } finally {
    torch.setBackend(before);
  }
});

test("--threads N is read, and chapter() sets the thread count", () => {
  assert.is(parseFlags(["--threads", "2"]).threads, 2);
  assert.is(parseFlags(["--threads=1"]).threads, 1);
  assert.is(parseFlags([]).threads, undefined);
  assert.throws(() => parseFlags(["--threads", "0"]), /--threads expects a whole number ≥ 1, got "0"/);
  assert.throws(() => parseFlags(["--threads"]), /--threads expects a whole number ≥ 1, got nothing/);
  const before = torch.getNumThreads();
  try {
    const other = before === 1 ? 2 : 1;
    chapter("00", "", { argv: ["--threads", String(other)], print: () => {} });
    assert.is(torch.getNumThreads(), other);
  } finally {
    torch.setNumThreads(before);
  }
});

// ---- cells ----

test("cells print their headers in order, run sync cells on the spot and async cells in order", async () => {
  const log: string[] = [];
  const print = (...args: unknown[]) => log.push(args.map(String).join(" "));
  const ch = chapter("05", "Learning", { argv: ["--epochs", "3"], epochs: 2, print });
  assert.is(ch.flags.epochs, 3);
  let sideEffect = 0;
  ch.cell("5.1 sync", () => { sideEffect = 1; log.push("body 1"); });
  assert.is(sideEffect, 1, "a sync cell with nothing before it runs before cell() returns");
  // Not awaited: the next cells still wait for it.
  void ch.cell("5.2 async", async () => {
    await new Promise((done) => setTimeout(done, 15));
    log.push("body 2");
  });
  void ch.cell("5.3 sync after async", () => { log.push("body 3"); });
  await ch.cell("5.4 returns a value", async () => 42);
  const headers = (line: string) => line.trim().startsWith("━━") || line.trim().startsWith("──");
  assert.equal(
    log.map((line) => (headers(line) ? line.trim().replace(/[━─]+$/, "").trim() : line)),
    ["━━ Chapter 05 · Learning", "── 5.1 sync", "body 1", "── 5.2 async", "body 2", "── 5.3 sync after async", "body 3", "── 5.4 returns a value", "42"],
  );
});

test("--step without a terminal never waits", async () => {
  const log: string[] = [];
  const ch = chapter("09", "Step", { argv: ["--step"], interactive: false, print: (...a) => log.push(a.join(" ")) });
  await ch.cell("9.1", () => "ran");
  assert.ok(log.includes("(--step ignored: stdin is not a terminal)"));
  assert.is(log.at(-1), "ran");
});

test("a chapter file run as a child process (stdin a pipe, --step given) prints its cells in order and exits", async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", `${fixtures}01-cells-demo.ts`, "--step", "--seed", "4", "extra"], { cwd: root, timeout: 20_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  });
  const lines = out.split("\n").filter((l) => l.trim() !== "");
  const at = (text: string) => lines.findIndex((l) => l.includes(text));
  assert.ok(at("Chapter 01 · Cells demo") === 0, out);
  assert.ok(at("1.1 a sync cell") < at("epochs: 3 seed: 4 rest: extra"));
  assert.ok(at("epochs: 3") < at("1.2 an async cell") && at("1.2 an async cell") < at("after the timeout"));
  assert.ok(at("after the timeout") < at("1.3 a cell that returns a value") && at("1.3") < at("a,b,c"), out);
});

test("outPath puts files under out/ at the repository root and creates the folders; wrote() says where", () => {
  const path = outPath("cells-test-probe/loss.svg");
  assert.is(path, `${root}out/cells-test-probe/loss.svg`);
  assert.ok(existsSync(dirname(path)));
  rmSync(dirname(path), { recursive: true });
  const logged: unknown[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => { logged.push(args.join(" ")); };
  try {
    wrote(path);
  } finally {
    console.log = log;
  }
  assert.equal(logged, [process.cwd() === root.replace(/\/$/, "") ? "wrote out/cells-test-probe/loss.svg" : `wrote ${path}`]);
});

// ---- menu ----

test("the menu lists NN-*.ts files in number order with the first line of their doc comment", () => {
  const chapters = listChapters(fixtures);
  assert.equal(chapters.map((c) => [c.number, c.file, c.title]), [
    [1, "01-cells-demo.ts", "Cells demo: sync and async cells, in order"],
    [3, "03-no-comment.ts", "no comment"], // no doc comment: the name stands in
    [12, "12-second.ts", "A title on the second line of the doc comment"],
  ]);
  assert.is(readTitle("/** 05 · What learning does */\nx"), "What learning does");
  assert.is(readTitle("/** Plain title\n * more */"), "Plain title");
  assert.is(readTitle("// a line comment\n/** not first */"), "");
});

test("menu: no number and no terminal prints the list and the usage, exit 0; a number runs that chapter with the rest", async () => {
  const printed: string[] = [];
  const ran: [string, readonly string[]][] = [];
  const run = async (entry: ChapterEntry, args: readonly string[]) => { ran.push([entry.file, args]); return 0; };
  const print = (text: string) => printed.push(text);
  assert.is(await main([], { dir: fixtures, interactive: false, print, run }), 0);
  assert.ok(printed.join("\n").includes(" 12  A title on the second line"), printed.join("\n"));
  assert.ok(printed.join("\n").includes(USAGE));
  assert.equal(ran, []);
  assert.is(await main(["12", "--epochs", "1"], { dir: fixtures, interactive: false, print, run }), 0);
  assert.equal(ran, [["12-second.ts", ["--epochs", "1"]]]);
  assert.is(await main(["7"], { dir: fixtures, interactive: false, print, run }), 1);
  assert.match(printed.at(-1)!, /no chapter "7"/);
});

test("menu: a chapter runs as `node --import tsx <file> args` and its output and exit code come through", async () => {
  const entry = listChapters(fixtures).find((c) => c.number === 12)!;
  const { command, args } = chapterCommand(entry, ["--limit", "5"]);
  assert.is(command, process.execPath);
  assert.equal(args, ["--import", "tsx", entry.path, "--limit", "5"]);
  const child = await new Promise<string>((resolve, reject) => {
    execFile(command, args, { cwd: root, timeout: 20_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  assert.is(child.trim(), "chapter 12 ran with --limit 5");
});

test("the interactive menu comes back after each chapter until Enter on its own", async () => {
  const answers = ["12", "nine", "3 --epochs 1", ""];
  const ran: string[] = [];
  const printed: string[] = [];
  const code = await main([], {
    dir: fixtures, interactive: true, print: (t) => printed.push(t),
    ask: async () => answers.shift() ?? null,
    run: async (entry, args) => { ran.push([entry.number, ...args].join(" ")); return 0; },
  });
  assert.is(code, 0);
  assert.equal(ran, ["12", "3 --epochs 1"]);
  assert.ok(printed.includes('no chapter "nine"'));
  assert.is(answers.length, 0);
});

test.run();
