// docs/API.md stays true: every `torch.name(`, `nn.name`, `optim.name` it calls exists.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
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

test.run();
