// nn.Sequential: modules run one after another, registered as "0", "1", ... (PyTorch's repr numbering).
import { Module } from "./module.ts";
import { describe } from "../../args.ts";
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

/** nn.ModuleList(modules): a list of submodules registered as "0", "1", ...; no forward of its own. */
export class ModuleList extends Module {
  [index: number]: Module;
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  /** Adds a module at the end. */
  append(m: Module): this {
    if (!(m instanceof Module)) throw new Error(`ModuleList.append: expected a Module, got ${describe(m)}`);
    (this as unknown as Record<string, Module>)[String(this.length)] = m;
    return this;
  }
  /** Adds each module at the end. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }
  override get length(): number {
    return this.registeredModules().length;
  }
  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const m = this.registeredModules().map(([, x]) => x).at(i);
    if (!m) throw new Error(`index ${i} is out of range for a ModuleList of ${this.length} modules`);
    return m;
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.registeredModules().map(([, m]) => m)[Symbol.iterator]();
  }
  override forward(): Tensor {
    throw new Error("ModuleList has no forward(): call its modules");
  }
}

/** nn.ModuleDict({ name: module }): submodules registered under their names; no forward of its own. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    const entries = Symbol.iterator in modules ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [key, m] of entries) this.set(key, m);
  }
  /** Registers `m` under `key`. */
  set(key: string, m: Module): this {
    if (!(m instanceof Module)) throw new Error(`ModuleDict: expected a Module for "${key}", got ${describe(m)}`);
    (this as unknown as Record<string, Module>)[key] = m;
    return this;
  }
  /** The module under `key`. */
  get(key: string): Module {
    const m = (this as unknown as Record<string, unknown>)[key];
    if (!(m instanceof Module)) throw new Error(`ModuleDict has no module "${key}"`);
    return m;
  }
  keys(): string[] {
    return this.registeredModules().map(([k]) => k);
  }
  values(): Module[] {
    return this.registeredModules().map(([, m]) => m);
  }
  items(): [string, Module][] {
    return this.registeredModules();
  }
  override forward(): Tensor {
    throw new Error("ModuleDict has no forward(): call its modules");
  }
}
