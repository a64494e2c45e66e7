// The part every optimiser shares: the list of parameters, zeroGrad(), and the checks PyTorch makes
// when an optimiser is built. Subclasses write step().
import { Tensor } from "../tensor/tensor.ts";

export abstract class Optimizer {
  /** The tensors this optimiser updates, in the order they were given. */
  readonly params: Tensor[];

  constructor(params: Iterable<Tensor>) {
    if (params instanceof Tensor) {
      // PyTorch's words: a lone tensor is a common slip for [tensor].
      throw new Error("params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor");
    }
    this.params = [...params];
    if (this.params.length === 0) throw new Error("optimizer got an empty parameter list");
    this.params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
      if (!p.dtype.isFloatingPoint) throw new Error(`optimizer can only optimize floating point Tensors, but parameter ${i} is ${p.dtype}`);
      // PyTorch only warns ("in future, this will cause an error"); a parameter listed twice would be stepped twice
      const first = this.params.indexOf(p);
      if (first !== i) throw new Error(`optimizer got parameter ${i} twice (it is also parameter ${first}); list each parameter once, or it would be updated twice per step`);
    });
  }

  /** Sets every gradient to zero. The tensors stay (zeros, not null), as the article prints them;
   *  a parameter that never had a gradient keeps null, so step() still skips it. */
  zeroGrad(): void {
    for (const p of this.params) p.grad?.zero_();
  }

  /** One update of every parameter that has a gradient. Writes p.data directly: no graph is recorded,
   *  and each parameter's version counts the change, so a backward that still needs the old values
   *  refuses to run instead of using the new ones. */
  abstract step(): void;
}

/** Throws PyTorch's message when a hyperparameter is negative (or not a number at all). */
export function checkNonNegative(name: string, value: number): void {
  if (!(value >= 0)) throw new Error(`Invalid ${name}: ${value}`);
}
