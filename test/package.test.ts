// The package as a user gets it: `npm pack` (its prepare script builds dist/, as it does for an install from a path or a git URL), the tarball installed
// into a fresh project without the registry, then imported from plain .mjs under node, from .ts
// under tsx, and type-checked by tsc with a strict user tsconfig (DOM lib, no skipLibCheck); and
// every TypeScript example of the README that imports the package, run and type-checked as written;
// and a browser bundle of it (esbuild, platform browser) takes the datasets' browser entry points.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const bin = (name: string) => join(root, "node_modules", ".bin", name);

const PROGRAM = `import * as torch from "torchlet";
import { loadIris } from "torchlet/datasets/iris";
const { nn, optim } = torch;
torch.manualSeed(0);
const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 1));
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
const x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y = torch.tensor([[0], [1], [1], [0]]);
for (let i = 0; i < 500; i++) { optimizer.zeroGrad(); nn.functional.mseLoss(model(x), y).backward(); optimizer.step(); }
torch.save(model.stateDict(), "xor.safetensors");
const back = torch.load("xor.safetensors");
console.log(JSON.stringify({ keys: [...back.keys()].sort(), out: [...model(x).data].map(Math.round), iris: loadIris().data.numel() }));
`;
/** The README's TypeScript examples: those that use the package (run in a user project), and
 *  those written for this checkout (importing ./src/index.ts, run in it), exactly as written. */
const README_BLOCKS = [...readFileSync(join(root, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const README_EXAMPLES = README_BLOCKS.filter((code) => code.includes('from "torchlet'));

test("every TypeScript example in the README is one of the two kinds, and the checkout's run as written", () => {
  const inCheckout = README_BLOCKS.filter((code) => code.includes('from "./src/index.ts"'));
  assert.is(inCheckout.length + README_EXAMPLES.length, README_BLOCKS.length, "each README example imports the package or ./src/index.ts");
  for (const code of inCheckout) execFileSync(bin("tsx"), ["-e", code], { cwd: root, stdio: "pipe" });
});

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true,
    noUncheckedIndexedAccess: true, lib: ["ES2022", "DOM"], noEmit: true,
  },
};

test("npm pack gives a package that installs offline, runs from .mjs and .ts, and type-checks strictly", () => {
  const dir = mkdtempSync(join(tmpdir(), "torchlet-pack-"));
  try {
    execFileSync("npm", ["pack", "--pack-destination", dir, "--silent"], { cwd: root, stdio: "pipe" });
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    assert.ok(tarball, "npm pack made a tarball");
    const app = join(dir, "app");
    execFileSync("mkdir", [app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", type: "module", private: true }));
    execFileSync("npm", ["install", join(dir, tarball!), "--offline", "--no-audit", "--no-fund", "--silent"], { cwd: app, stdio: "pipe" });
    writeFileSync(join(app, "user.mjs"), PROGRAM);
    writeFileSync(join(app, "user.ts"), PROGRAM);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG));
    const want = { keys: ["0.bias", "0.weight", "2.bias", "2.weight"], out: [0, 1, 1, 0], iris: 600 };
    for (const command of [[process.execPath, "user.mjs"], [bin("tsx"), "user.ts"]]) {
      const out = execFileSync(command[0]!, command.slice(1), { cwd: app, encoding: "utf8" });
      assert.equal(JSON.parse(out), want, command.join(" "));
    }
    // every README example that uses the package: run as written (as .ts, and as .mjs when it has no types)
    assert.ok(README_EXAMPLES.length >= 1, "the README has examples that use the package");
    README_EXAMPLES.forEach((code, i) => {
      writeFileSync(join(app, `readme-${i}.ts`), code);
      execFileSync(bin("tsx"), [`readme-${i}.ts`], { cwd: app, stdio: "pipe" });
      if (!/:\s*(number|string|boolean|torch\.|nn\.)/.test(code)) {
        writeFileSync(join(app, `readme-${i}.mjs`), code);
        execFileSync(process.execPath, [`readme-${i}.mjs`], { cwd: app, stdio: "pipe" });
      }
    });
    execFileSync(bin("tsc"), ["-p", "."], { cwd: app, stdio: "pipe" }); // throws with tsc's errors if any (the README's examples included)
    writeFileSync(join(app, "wrong.ts"), 'import * as torch from "torchlet";\nexport const n: number = torch.ones(1);\n');
    assert.throws(() => execFileSync(bin("tsc"), ["-p", "."], { cwd: app, stdio: "pipe" }), "the types are real: a wrong program fails");
    // A bundler for a browser takes the datasets' browser entry points, and nothing reaches node:
    writeFileSync(join(app, "page.mjs"), 'import * as torch from "torchlet";\nimport { MNIST, fetchMNIST } from "torchlet/datasets/mnist";\n' +
      'import { fetchIris, loadIris } from "torchlet/datasets/iris";\nexport default [torch.viz.graph, MNIST, fetchMNIST, fetchIris, loadIris];\n');
    const bundle = esbuild.buildSync({ entryPoints: [join(app, "page.mjs")], bundle: true, platform: "browser", format: "esm", write: false, absWorkingDir: app, logLevel: "silent", metafile: true });
    const text = bundle.outputFiles[0]!.text;
    assert.ok(text.includes("async function fetchMNIST(") && text.includes("async function fetchIris("), "the browser entry points are bundled");
    const imported = Object.values(bundle.metafile!.inputs).flatMap((input) => input.imports.map((i) => i.path));
    assert.equal(imported.filter((path) => path.startsWith("node:")), [], "no node: module imported in a browser bundle");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
