// Checks autograd against central finite differences, in float64 as PyTorch's gradcheck does.
//
// Every floating point input is copied to float64 first, so the op runs in double precision. The
// output is reduced to one number L = sum(fn(inputs) * v) with a fixed pseudo-random v, so one
// backward pass gives dL/dx for every input element; each is compared with (L(x+eps) - L(x-eps)) / 2eps.
// A random v checks the whole Jacobian up to a chance cancellation, at the cost of one backward.
//
// In float64 the rounding error of L (about 1e-16 * |L|) amplified by 1/(2 eps) stays near 1e-10
// with eps = 1e-6, so PyTorch's tolerances (atol 1e-5, rtol 1e-3) leave room only for a real error.
// A function that computes in float32 inside (through .float(), say) needs a larger eps and atol.
import * as A from "../args.ts";
import { grad, noGrad, withGrad } from "./autograd.ts";
import { float64 } from "./dtype.ts";
import { Tensor } from "./tensor.ts";

/** torch.autograd.gradcheck's tolerances: the finite-difference step eps (1e-6), atol (1e-5), rtol (1e-3). */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

/** Weights in [-1, 1) from a small local generator, so gradcheck never disturbs manualSeed's stream. */
function projection(n: number): Float64Array {
  let s = 0x2545f491;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** torch.autograd.gradcheck: compares fn's backward with central finite differences in float64 (see
 *  above); returns true, or throws naming the input and element that disagree. */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): true {
  A.checkOptions("gradcheck", options, { eps: A.number, atol: A.number, rtol: A.number });
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  const xs = inputs.map((t) => {
    const x = t.dtype.isFloatingPoint ? new Tensor(Float64Array.from(t._data), t.shape, float64) : t.detach().clone();
    if (t.requiresGrad) x.requiresGrad = true;
    return x;
  });
  if (!xs.some((x) => x.requiresGrad)) throw new Error("gradcheck: no input requires grad, so there is nothing to check");
  const out = fn(...xs);
  const v = projection(out.numel());
  const vTensor = new Tensor(v, out.shape, float64);
  out.mul(vTensor).sum().backward();

  const lossAt = (): number =>
    noGrad(() => {
      const y = fn(...xs)._data;
      let total = 0;
      for (let i = 0; i < y.length; i++) total += y[i]! * v[i]!;
      return total;
    });

  xs.forEach((x, which) => {
    if (!x.requiresGrad) return;
    const analytic = x.grad?._data ?? new Float64Array(x.numel());
    for (let i = 0; i < x.numel(); i++) {
      const original = x._data[i]!;
      x._data[i] = original + eps;
      const plus = lossAt();
      x._data[i] = original - eps;
      const minus = lossAt();
      x._data[i] = original;
      const numeric = (plus - minus) / (2 * eps);
      if (!(Math.abs(analytic[i]! - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new Error(
          `gradcheck: input ${which} (shape [${x.shape.join(", ")}]) disagrees at flat index ${i}: ` +
            `autograd ${analytic[i]} vs finite difference ${numeric} (atol ${atol}, rtol ${rtol})`,
        );
      }
    }
  });
  return true;
}

/** torch.autograd.gradgradcheck: checks second derivatives. The first gradients of
 *  L = sum(fn(inputs) * v), worked out with createGraph, are themselves reduced to one number with
 *  fixed weights, and gradcheck compares that function's (second-order) backward with finite
 *  differences of the first gradients. */
export function gradgradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  // (gradcheck evaluates its function without grad mode for the finite differences; the first
  // gradients need it on, so that they exist at all and, for the backward check, carry a graph)
  const firstOrder = (...xs: Tensor[]): Tensor => withGrad(() => {
    const out = fn(...xs);
    const v = new Tensor(projection(out.numel()), out.shape, float64).to(out.dtype);
    const wrt = xs.filter((x) => x.requiresGrad);
    const grads = grad(out, wrt, { gradOutputs: v, createGraph: true, allowUnused: true });
    let total: Tensor | null = null;
    grads.forEach((g, i) => {
      if (!g) return;
      const w = new Tensor(projection(g.numel() + i + 1).subarray(i + 1), g.shape, float64).to(g.dtype);
      const term = g.mul(w).sum();
      total = total ? total.add(term) : term;
    });
    if (!total) throw new Error("gradgradcheck: no input's gradient depends on the inputs");
    return total as Tensor;
  });
  return gradcheck(firstOrder, inputs, options);
}
