// nn.Sequential: modules run one after another, registered as "0", "1", ... (PyTorch's repr numbering).
import { Module } from "./module.ts";
import type { Tensor } from "../../tensor/tensor.ts";

/** nn.Sequential(...layers): runs the layers in order; `seq[i]` reads or replaces one. */
export class Sequential extends Module {
  /** seq[i] reads the i-th module and seq[i] = layer replaces it, as in Python: the modules are the
   *  fields "0", "1", ..., which keep their numeric order whatever is reassigned. */
  [index: number]: Module;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} is not a Module`);
      (this as unknown as Record<string, Module>)[String(i)] = m;
    });
  }
  override forward(x: Tensor): Tensor {
    return this.registeredModules().reduce((h, [, m]) => m(h), x);
  }
  override get length(): number {
    return this.registeredModules().length;
  }
  /** The i-th module (negative counts from the end), like seq[i]. */
  at(i: number): Module {
    const children = this.registeredModules().map(([, m]) => m);
    const m = children.at(i);
    if (!m) throw new Error(`index ${i} is out of range for a Sequential of ${children.length} modules`);
    return m;
  }
}
