// docs/API.md stays true: every `torch.name(`, `nn.name`, `optim.name` it calls exists; and every
// name the main entry exports (into nn, optim, ... too) has a doc comment an editor can show.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import ts from "typescript";
import * as torch from "../src/index.ts";

const text = readFileSync(new URL("../docs/API.md", import.meta.url), "utf8");

function resolve(path: string): unknown {
  let at: unknown = { torch, nn: torch.nn, optim: torch.optim, data: torch.data, transforms: torch.transforms, models: torch.models };
  for (const part of path.split(".")) at = at === undefined || at === null ? undefined : (at as Record<string, unknown>)[part];
  return at;
}

test("every torch.*, nn.*, optim.*, data.*, transforms.* and models.* name called in docs/API.md exists", () => {
  const names = new Set<string>();
  for (const m of text.matchAll(/\b((?:torch|nn|optim|data|transforms|models)(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\(/g)) names.add(m[1]!);
  assert.ok(names.size > 25, `found only ${names.size} names`);
  const missing = [...names].filter((n) => typeof resolve(n) !== "function");
  assert.equal(missing, [], `named in docs/API.md but not exported: ${missing.join(", ")}`);
});

/** Every public name reachable from src/index.ts (through `export * as nn` and the like) whose
 *  declaration has no doc comment, as "nn.functional.relu src/tensor/ops/elementwise.ts:228". */
function undocumentedExports(): string[] {
  const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
  const program = ts.createProgram([entry], {
    allowImportingTsExtensions: true, noEmit: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  const seen = new Set<ts.Symbol>();
  const visit = (module: ts.Symbol, prefix: string): void => {
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const name = prefix + exported.name;
      if (symbol.declarations?.some((d) => ts.isSourceFile(d))) { visit(symbol, `${name}.`); continue; } // a namespace: nn, optim, ...
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== "") continue;
      const d = symbol.declarations?.[0];
      const file = d?.getSourceFile();
      missing.push(d && file ? `${name} ${file.fileName.slice(file.fileName.indexOf("src/"))}:${file.getLineAndCharacterOfPosition(d.getStart()).line + 1}` : name);
    }
  };
  visit(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!, "");
  return missing;
}

test("every public export has a doc comment (what it does, the PyTorch name it mirrors)", () => {
  const missing = undocumentedExports();
  assert.equal(missing, [], `exported without a doc comment:\n${missing.join("\n")}`);
});

test("docs/ARCHITECTURE.md's layout names files and folders that exist, and every folder of src/", () => {
  const layout = readFileSync(new URL("../docs/ARCHITECTURE.md", import.meta.url), "utf8").split("```")[1]!;
  const root = fileURLToPath(new URL("..", import.meta.url));
  const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
  const names = new Set(tracked.flatMap((f) => f.split("/").map((part, i, parts) => (i < parts.length - 1 ? `${part}/` : part))));
  const named = [...layout.matchAll(/(?<![\w.])([\w-]+(?:\.ts|\.wat|\.md|\.csv|\/))(?![\w])/g)].map((m) => m[1]!);
  assert.ok(named.length > 40, `found only ${named.length} names`);
  const missing = named.filter((n) => !names.has(n));
  assert.equal(missing, [], `named in the layout but not in the repository: ${missing.join(", ")}`);
  const folders = new Set(tracked.filter((f) => f.startsWith("src/")).map((f) => f.split("/").slice(1, -1)).filter((p) => p.length > 0).map((p) => `${p.at(-1)}/`));
  const unnamed = [...folders].filter((f) => !named.includes(f));
  assert.equal(unnamed, [], `folders of src/ the layout does not name: ${unnamed.join(", ")}`);
});

test.run();
