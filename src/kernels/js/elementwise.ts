// The arithmetic and the float functions autograd runs most, as loops of their own: one loop per
// op, so the engine compiles each with its operation inlined (a loop calling a function it is
// handed, shared by every op, runs several times slower once it has seen a few of them). The
// readable definitions, `binary(a, b, (x, y) => x + y)` and `unary(x, Math.exp)` in
// tensor/ops/elementwise.ts, give the same numbers; the tests check one against the other.
import type { DataArray } from "../../tensor/dtype.ts";

/** a op b, or with the operands the other way round (rsub: b - a, rdiv: b / a). */
export type ArithmeticOp = "add" | "sub" | "mul" | "div" | "rsub" | "rdiv";

/** out[i] = a[i] op b[j], where b repeats every b.length elements: the same shape as a when as
 *  long, one number when of length 1, or a's trailing dims (a bias over a batch). out is a's length. */
export function arithmetic(op: ArithmeticOp, a: DataArray, b: DataArray, out: DataArray): void {
  const n = out.length, m = b.length;
  switch (op) {
    case "add": for (let i = 0, j = 0; i < n; i++) { out[i] = a[i]! + b[j]!; if (++j === m) j = 0; } break;
    case "sub": for (let i = 0, j = 0; i < n; i++) { out[i] = a[i]! - b[j]!; if (++j === m) j = 0; } break;
    case "mul": for (let i = 0, j = 0; i < n; i++) { out[i] = a[i]! * b[j]!; if (++j === m) j = 0; } break;
    case "div": for (let i = 0, j = 0; i < n; i++) { out[i] = a[i]! / b[j]!; if (++j === m) j = 0; } break;
    case "rsub": for (let i = 0, j = 0; i < n; i++) { out[i] = b[j]! - a[i]!; if (++j === m) j = 0; } break;
    case "rdiv": for (let i = 0, j = 0; i < n; i++) { out[i] = b[j]! / a[i]!; if (++j === m) j = 0; } break;
  }
}

/** The float functions with a loop of their own. */
export type MapOp = "neg" | "exp" | "log" | "sqrt" | "sigmoid" | "tanh";

/** out[i] = f(x[i]) for the function `op` names (sigmoid: 1 / (1 + e^-x)). */
export function map(op: MapOp, x: DataArray, out: DataArray): void {
  const n = out.length;
  switch (op) {
    case "neg": for (let i = 0; i < n; i++) out[i] = -x[i]!; break;
    case "exp": for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!); break;
    case "log": for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!); break;
    case "sqrt": for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!); break;
    case "sigmoid": for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]!)); break;
    case "tanh": for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!); break;
  }
}
