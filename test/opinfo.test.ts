// An OpInfo-style table, in the spirit of PyTorch's own op tests: every op below x six dtypes x five
// input layouts (contiguous, transposed, expanded, stepped slice, offset view), checked against the
// values, result dtypes, shapes, gradients and refusals PyTorch 2.13 gave for the same inputs
// (test/fixtures/opinfo-golden.json), on both backends.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import { sub } from "../src/tensor/ops/elementwise.ts";

type Value = number | "nan" | "inf" | "-inf";
interface Case {
  op: string; dtype: string; layout: string;
  shape?: number[]; outDtype?: string; values?: Value[]; grad?: Value[]; error?: string;
}
const { cases } = JSON.parse(readFileSync(new URL("./fixtures/opinfo-golden.json", import.meta.url), "utf8")) as { cases: Case[] };

const FLOAT_POOL = [-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.25, -3.0, 0.75, 1.25, -0.25, 2.5, -1.75];
const UINT8_POOL = [0, 1, 2, 3, 5, 7, 11, 200, 250, 4, 9, 6, 8, 13, 17, 100];
const BOOL_POOL = [1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0];
const INT_POOL = [-3, -1, 0, 1, 2, 3, 5, 7, -2, 4, 6, -5, 8, 9, -7, 10];
const OTHER = [1.5, -2.0, 0.5, 3.0, -1.0, 2.0, 0.25, -0.5, 1.0, 4.0, -3.0, 2.5];

/** The same inputs the golden script made: a pool of values repeated (and shuffled past 16). */
function baseValues(dtype: string, n: number): number[] {
  const pool = dtype.startsWith("float") ? FLOAT_POOL : dtype === "uint8" ? UINT8_POOL : dtype === "bool" ? BOOL_POOL : INT_POOL;
  return Array.from({ length: n }, (_, i) => (i < 16 ? pool[i % pool.length]! : pool[(i * 7 + 3) % pool.length]!));
}
function otherTensor(dtype: string): torch.Tensor {
  let values = dtype.startsWith("float") ? OTHER : OTHER.map((v) => (dtype === "uint8" ? Math.abs(Math.trunc(v)) : Math.trunc(v)));
  if (dtype === "bool") values = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1];
  return torch.tensor(values, { dtype: dtype as torch.DTypeName }).reshape(3, 4);
}

const LAYOUTS: Record<string, [number[], (b: torch.Tensor) => torch.Tensor]> = {
  contiguous: [[3, 4], (b) => b],
  transposed: [[4, 3], (b) => b.t()],
  expanded: [[1, 4], (b) => b.expand(3, 4)],
  stepped: [[3, 8], (b) => b.slice(null, [0, 8, 2])],
  offset: [[4, 4], (b) => b.slice([1, 4])],
};

const OPS: Record<string, (x: torch.Tensor, dtype: string) => torch.Tensor> = {
  neg: (x) => x.neg(), exp: (x) => x.exp(), log: (x) => x.log(), sqrt: (x) => x.sqrt(),
  abs: (x) => x.abs(), sigmoid: (x) => x.sigmoid(), tanh: (x) => x.tanh(), relu: (x) => x.relu(),
  sum: (x) => x.sum(), sum0: (x) => x.sum(0), sum1k: (x) => x.sum(1, true),
  mean: (x) => x.mean(), mean1: (x) => x.mean(1), max: (x) => x.max(), min: (x) => x.min(),
  maxdim1: (x) => x.max(1)[0], argmaxdim1: (x) => x.max(1)[1], argmax: (x) => x.argmax(),
  clone: (x) => x.clone(), contiguous: (x) => x.contiguous(), reshape: (x) => x.reshape(-1),
  t: (x) => x.t(), permute: (x) => x.permute(1, 0), unsqueeze: (x) => x.unsqueeze(1),
  double: (x) => x.double(), float: (x) => x.float(), long: (x) => x.long(),
  mulscalar: (x) => x.mul(3), addscalar: (x) => x.add(2.5), powscalar: (x) => x.pow(2), rsub: (x) => sub(1, x),
  divscalar: (x) => x.div(4),
  add: (x, d) => x.add(otherTensor(d)), sub: (x, d) => x.sub(otherTensor(d)), mul: (x, d) => x.mul(otherTensor(d)),
  div: (x, d) => x.div(otherTensor(d)), gt: (x, d) => x.gt(otherTensor(d)), eq: (x, d) => x.eq(otherTensor(d)),
  addrow: (x, d) => x.add(otherTensor(d).get(0)), mulcol: (x, d) => x.mul(otherTensor(d).slice(null, [null, 1])),
  matmul: (x, d) => x.matmul(otherTensor(d).t()), mm_t: (x, d) => x.t().matmul(otherTensor(d)),
  sin: (x) => x.sin(), cos: (x) => x.cos(), tan: (x) => x.tan(), asin: (x) => x.asin(), acos: (x) => x.acos(),
  atan: (x) => x.atan(), sinh: (x) => x.sinh(), cosh: (x) => x.cosh(), log1p: (x) => x.log1p(), expm1: (x) => x.expm1(),
  log2: (x) => x.log2(), log10: (x) => x.log10(), reciprocal: (x) => x.reciprocal(), rsqrt: (x) => x.rsqrt(),
  square: (x) => x.square(), sign: (x) => x.sign(), floor: (x) => x.floor(), ceil: (x) => x.ceil(),
  round: (x) => x.round(), trunc: (x) => x.trunc(), frac: (x) => x.frac(), clamp: (x) => x.clamp(-1, 2),
  clampmin: (x) => x.clamp(0.5), isnan: (x) => x.log().isnan(), isfinite: (x) => x.log().isfinite(),
  maximum: (x, d) => x.maximum(otherTensor(d)), minimum: (x, d) => x.minimum(otherTensor(d)), atan2: (x, d) => x.atan2(otherTensor(d)),
  var: (x) => x.var(), var1: (x) => x.var(1, { correction: 0 }), std0k: (x) => x.std(0, { keepdim: true }),
  amax: (x) => x.amax(), amax1: (x) => x.amax(1), amin0k: (x) => x.amin(0, true), argmin: (x) => x.argmin(), argmin1: (x) => x.argmin(1),
  prod: (x) => x.prod(), prod1: (x) => x.prod(1), cumsum1: (x) => x.cumsum(1), cumsum0: (x) => x.cumsum(0),
  all: (x) => x.all(), any1: (x) => x.any(1), softmax1: (x) => x.softmax(1), logsoftmax0: (x) => x.logSoftmax(0),
  tril: (x) => x.tril(), triu1: (x) => x.triu(1), maskedfill: (x) => x.maskedFill(x.gt(1), -1),
  where: (x, d) => torch.where(x.gt(0), x, otherTensor(d)), min1: (x) => x.min(1)[0], argmin_via_min: (x) => x.min(0)[1],
  flip: (x) => x.flip(1), flip01: (x) => x.flip(0, 1), roll: (x) => x.roll(1, 1), rollflat: (x) => x.roll(-2),
  repeat: (x) => x.repeat(2, 1), repeat3: (x) => x.repeat(1, 2, 1), tile: (x) => x.tile([2]),
  chunk: (x) => x.chunk(3, 1)[1]!, split: (x) => x.split(3, 1)[1]!, unbind: (x) => x.unbind(1)[2]!,
  gather: (x) => x.gather(1, idx([[0, 2], [1, 1], [3, 0]])), indexselect: (x) => x.indexSelect(1, idx([3, 0, 1])),
  maskedselect: (x) => x.maskedSelect(x.gt(0)), scatter: (x) => x.scatter(1, idx([[0, 2], [1, 1], [3, 0]]), 7),
  scatteradd: (x) => x.scatterAdd(0, idx([[0, 1, 2, 0]]), x.slice([null, 1])), sort: (x) => x.sort(1)[0], sortidx: (x) => x.sort(0, true)[1],
  argsort: (x) => x.argsort(1, true), topk: (x) => x.topk(2, 1)[0], topkidx: (x) => x.topk(2, 0, false)[1],
  lerp: (x, d) => x.lerp(otherTensor(d), 0.3), addcmul: (x, d) => x.addcmul(otherTensor(d), otherTensor(d), 0.5),
  norm: (x) => x.norm(), norm1: (x) => x.norm(1, 1), norminf: (x) => torch.linalg.vectorNorm(x, Infinity, 0),
  outer: (x) => torch.outer(x.get(0), x.get(1)), diag2d: (x) => torch.diag(x), diagembed: (x) => torch.diag(x.get(0), 1),
  nantonum: (x) => x.log().nanToNum(),
  select: (x) => x.get(1), slice: (x) => x.slice(null, [1, 3]), diag: (x) => x.diagonal(), flatten: (x) => x.flatten(),
};

const idx = (values: number[] | number[][]) => torch.tensor(values, { dtype: torch.int64 });
const decode = (v: Value) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);

function close(got: ArrayLike<number>, want: Value[], dtype: string, what: string): void {
  assert.is(got.length, want.length, `${what}: element count`);
  for (let i = 0; i < want.length; i++) {
    const w = decode(want[i]!), g = got[i]!;
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `${what}[${i}]: expected NaN, got ${g}`);
    else if (!dtype.startsWith("float") || !Number.isFinite(w)) assert.is(g, w, `${what}[${i}]`);
    else {
      const tol = dtype === "float32" ? 2e-6 : 1e-12;
      assert.ok(Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)), `${what}[${i}]: expected ${w}, got ${g}`);
    }
  }
}

for (const backend of ["js", "wasm"] as const) {
  test(`the op table against PyTorch 2.13: values, dtypes, shapes, gradients and refusals (${backend})`, () => {
    const before = torch.getBackend();
    torch.setBackend(backend);
    const failures: string[] = [];
    try {
      for (const c of cases) {
        const name = `${c.op} ${c.dtype} ${c.layout}`;
        try {
          const [shape, layout] = LAYOUTS[c.layout]!;
          const floating = c.dtype.startsWith("float");
          const base = torch.tensor(baseValues(c.dtype, shape.reduce((a, b) => a * b, 1)), { dtype: c.dtype as torch.DTypeName }).reshape(shape);
          if (floating) base.requiresGrad = true;
          let out: torch.Tensor;
          try {
            out = OPS[c.op]!(layout(base), c.dtype);
          } catch (e) {
            if (c.error === undefined) failures.push(`${name}: raised "${(e as Error).message}" where PyTorch gives a result`);
            continue;
          }
          if (c.error !== undefined) {
            failures.push(`${name}: gave a result where PyTorch raises "${c.error}"`);
            continue;
          }
          assert.equal([...out.shape], c.shape, `${name}: shape`);
          assert.is(out.dtype.name, c.outDtype, `${name}: dtype`);
          close(out.data, c.values!, out.dtype.name, `${name}: values`);
          if (c.grad) {
            const w = torch.arange(1, out.numel() + 1, 1, { dtype: out.dtype }).reshape(out.shape).div(8);
            out.mul(w).sum().backward();
            close(base.grad!.data, c.grad, c.dtype, `${name}: gradient`);
          }
        } catch (e) {
          failures.push(`${name}: ${(e as Error).message}`);
        }
      }
    } finally {
      torch.setBackend(before);
    }
    assert.equal(failures, [], `${failures.length} of ${cases.length} cases differ from PyTorch:\n${failures.slice(0, 40).join("\n")}`);
  });
}

test.run();
