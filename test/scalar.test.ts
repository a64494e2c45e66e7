// The scalar Value: derivatives of each op against closed forms, the chain rule through a shared
// node, and accumulation across backward calls.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Value } from "../src/index.ts";

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

test("article part 5: y = w x, loss (y - t)^2, gradient and one SGD step", () => {
  const w = new Value(1.95);
  const loss = w.mul(1).sub(2).pow(2);
  close(loss.data, 0.0025);
  loss.backward();
  close(w.grad, -0.1); // 2 (w x - t) x
  w.data -= 0.3 * w.grad;
  close(w.data, 1.98);
});

test("each op's derivative matches its closed form", () => {
  const cases: [(x: Value) => Value, (x: number) => number, number][] = [
    [(x) => x.add(3), () => 1, 0.7],
    [(x) => x.sub(3), () => 1, 0.7],
    [(x) => x.mul(3), () => 3, 0.7],
    [(x) => x.div(4), () => 0.25, 0.7],
    [(x) => new Value(2).div(x), (x) => -2 / (x * x), 0.7],
    [(x) => x.pow(3), (x) => 3 * x * x, 0.7],
    [(x) => x.neg(), () => -1, 0.7],
    [(x) => x.exp(), Math.exp, 0.7],
    [(x) => x.log(), (x) => 1 / x, 0.7],
    [(x) => x.tanh(), (x) => 1 - Math.tanh(x) ** 2, 0.7],
    [(x) => x.sigmoid(), (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2, 0.7],
    [(x) => x.relu(), () => 1, 0.7],
    [(x) => x.relu(), () => 0, -0.7],
  ];
  for (const [f, df, at] of cases) {
    const x = new Value(at);
    f(x).backward();
    close(x.grad, df(at), 1e-12);
  }
});

test("a node used twice gets both contributions (chain rule through a shared input)", () => {
  const a = new Value(-4);
  const b = new Value(2);
  const c = a.add(b); // -2
  const d = a.mul(b).add(b.pow(3)); // -8 + 8 = 0
  const e = c.mul(d).add(c.sigmoid()); // y = c d + sigmoid(c)
  e.backward();
  // dy/da = d + c*b + s'(c); dy/db = d + c*(a + 3b^2) + s'(c)
  const s = 1 / (1 + Math.exp(2));
  close(a.grad, 0 + -2 * 2 + s * (1 - s));
  close(b.grad, 0 + -2 * (-4 + 12) + s * (1 - s));
});

test("gradients accumulate until zeroed", () => {
  const w = new Value(2);
  w.mul(w).backward();
  close(w.grad, 4);
  w.mul(3).backward();
  close(w.grad, 7);
  w.zeroGrad();
  assert.is(w.grad, 0);
  assert.is(String(new Value(1.5)), "Value(data=1.5, grad=0)");
});

test.run();
