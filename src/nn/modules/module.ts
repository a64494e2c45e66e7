// nn.Module and nn.Parameter.
//
// A Module is a function object: `net(x)` calls `net.forward(x)`, as the articles do in Python
// (where __call__ does the same). The constructor builds a plain function, gives it the subclass's
// prototype and returns it, so everything a subclass assigns lands on that callable object.
// Parameters and submodules are found by walking the object's own fields, which JavaScript keeps
// in assignment order: the registration order PyTorch's __setattr__ gives.
import { Tensor } from "../../tensor/tensor.ts";
import { formatTensor } from "../../tensor/format.ts";
import { numelOf, sameShape, shapeString, stridesOf } from "../../tensor/shape.ts";
import { noGrad, resetGrads, type ZeroGradOptions } from "../../tensor/autograd.ts";
import { float32, float64, toDType, type DTypeLike } from "../../tensor/dtype.ts";
import { boolean, checkOptions } from "../../args.ts";
import { Storage } from "../../tensor/storage.ts";

/** A tensor that a Module owns and an optimiser updates. Requires grad by default. */
export class Parameter extends Tensor {
  /** Shares the tensor's storage (its memory and version count), as PyTorch's Parameter(t) does. */
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.dtype, { strides: data.stride(), offset: data.storageOffset(), base: null });
    this.requiresGrad = requiresGrad;
    this.storage.pin();
  }
  override toString(): string {
    return "Parameter containing:\n" + formatTensor(this._data, this.shape, this.dtype, this.requiresGrad ? ["requires_grad=True"] : []);
  }
}

/** A float32 parameter of `shape` for a layer to initialise, in long-lived storage (which the
 *  kernels can use where it is: see Storage.zeros). */
export function emptyParameter(...shape: number[]): Parameter {
  return new Parameter(new Tensor(Storage.zeros(float32, numelOf(shape), true), shape, float32, { strides: stridesOf(shape), offset: 0, base: null }));
}

// Calling a module is typed as taking tensors and giving a tensor; forward() can be more specific.
export interface Module { (...inputs: any[]): Tensor }

/** nn.Module: subclass it, assign layers and nn.Parameters as fields, define forward(); call the module to run it. */
export class Module {
  declare training: boolean;
  /** Fields that hold buffers (state saved with the module but not trained, such as running
   *  statistics), each with its key in the state dict: PyTorch's name, so weights travel both ways. */
  declare protected bufferNames: [field: string, key: string][];

  /** The fields holding a module or a tensor, in the order they were first given one. */
  declare private registrationOrder: string[];

  constructor() {
    const self = function (...inputs: unknown[]) {
      return module.forward(...inputs);
    } as unknown as Module;
    // A function's own `name` and `length` would block subclasses from using those field names.
    delete (self as { name?: string }).name;
    delete (self as { length?: number }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    Object.defineProperty(self, "training", { value: true, writable: true, enumerable: false });
    Object.defineProperty(self, "bufferNames", { value: [], writable: true, enumerable: false });
    const order: string[] = [];
    Object.defineProperty(self, "registrationOrder", { value: order, enumerable: false });
    // PyTorch registers a submodule or parameter when it is assigned; JavaScript defines a class's
    // fields (declared ones too, as undefined) before the constructor runs, in declaration order.
    // So the order is kept here, as values arrive: a proxy sees every assignment and definition.
    const note = (key: string | symbol, value: unknown): void => {
      if (typeof key !== "string") return;
      const registered = value instanceof Module || value instanceof Tensor;
      if (value instanceof Tensor) value.storage.pin(); // a module's tensors outlive any torch.tidy
      const at = order.indexOf(key);
      if (registered && at < 0) order.push(key);
      else if (!registered && at >= 0) order.splice(at, 1);
    };
    const module = new Proxy(self, {
      set(target, key, value) {
        note(key, value);
        return Reflect.set(target, key, value);
      },
      defineProperty(target, key, descriptor) {
        if ("value" in descriptor) note(key, descriptor.value);
        return Reflect.defineProperty(target, key, descriptor);
      },
      deleteProperty(target, key) {
        note(key, undefined);
        return Reflect.deleteProperty(target, key);
      },
    });
    return module;
  }

  /** This module's own fields that hold `kind`, in registration order. */
  private fieldsOf<T>(kind: abstract new (...args: never[]) => T): [string, T][] {
    const fields = this as unknown as Record<string, unknown>;
    return this.registrationOrder.filter((key) => fields[key] instanceof kind).map((key) => [key, fields[key] as T]);
  }

  forward(..._inputs: unknown[]): unknown {
    throw new Error(`${this.constructor.name} has no forward(); define forward(x) in the subclass`);
  }

  /** Registers a tensor that belongs in stateDict() but is not a Parameter: field `name` (runningMean),
   *  listed in the state dict as `key` (PyTorch's running_mean; the field name when not given). */
  protected registerBuffer(name: string, value: Tensor, key = name): void {
    (this as unknown as Record<string, Tensor>)[name] = value;
    if (!this.bufferNames.some(([field]) => field === name)) this.bufferNames.push([name, key]);
  }

  /** Every field that holds a module, in registration order, as registered: a module set twice
   *  appears twice (Sequential runs it twice, the repr and stateDict list it twice, as PyTorch). */
  protected registeredModules(): [string, Module][] {
    return this.fieldsOf(Module);
  }
  /** Own parameters (not those of submodules), in registration order. */
  private ownParameters(): [string, Parameter][] {
    return this.fieldsOf(Parameter);
  }

  /** Direct submodules in registration order, with their field names; a shared one once. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    return this.registeredModules().filter(([, m]) => !seen.has(m) && seen.add(m));
  }
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }
  /** This module and every module below it, depth first, each with its dotted path; a shared one once. */
  namedModules(prefix = "", seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [key, m] of this.registeredModules()) out.push(...m.namedModules(prefix ? `${prefix}.${key}` : key, seen));
    return out;
  }
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted path ("fc1.weight"): each module's own parameters, module by
   *  module depth first, as PyTorch orders them. A parameter or module shared by two places is
   *  listed once, under its first name, so an optimiser steps it once. */
  namedParameters(prefix = ""): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [path, m] of this.namedModules()) {
      for (const [key, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix + (path ? `${path}.${key}` : key), p]);
      }
    }
    return out;
  }
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Resets every parameter's gradient, as PyTorch 2's zero_grad: to null by default (the next
   *  backward makes a new one), or, with `setToNone: false`, to zeros in place (the older PyTorch
   *  the articles ran, whose printouts show the zeros). */
  zeroGrad({ setToNone = true }: ZeroGradOptions = {}): void {
    resetGrads(this.parameters(), setToNone);
  }

  /** Parameters and buffers by dotted name: own parameters, own buffers, then each submodule's, as
   *  PyTorch's state_dict. A shared module appears under each of its names, as in PyTorch, so the
   *  dict loads back into the same structure. The tensors are shared, not copied. */
  stateDict(prefix = ""): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [key, p] of this.ownParameters()) out.set(prefix + key, p);
    for (const [field, key] of this.bufferNames) {
      const value = (this as unknown as Record<string, unknown>)[field];
      if (value instanceof Tensor) out.set(prefix + key, value);
    }
    for (const [key, m] of this.registeredModules()) for (const [k, v] of m.stateDict(`${prefix}${key}.`)) out.set(k, v);
    return out;
  }

  /** Copies values in from a state dict (cast to each tensor's dtype). Every key, value and shape is
   *  checked before anything is written. */
  loadStateDict(state: Map<string, unknown> | Record<string, unknown>, { strict = true }: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    checkOptions("loadStateDict", { strict }, { strict: boolean });
    const incoming = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !incoming.has(k));
    const unexpected = [...incoming.keys()].filter((k) => !own.has(k));
    const problems: string[] = [];
    // with strict: false, missing and unexpected keys are returned instead of refused (shapes still must match)
    if (strict && missing.length) problems.push(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(", ")}.`);
    if (strict && unexpected.length) problems.push(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(", ")}.`);
    for (const [key, target] of own) {
      const source = incoming.get(key);
      if (source === undefined) continue;
      if (!(source instanceof Tensor)) {
        const kind = source === null ? "null" : Array.isArray(source) ? "an array" : typeof source;
        problems.push(`While copying the parameter named "${key}", expected a Tensor from checkpoint but received ${kind}.`);
      } else if (!sameShape(source.shape, target.shape)) {
        problems.push(`size mismatch for ${key}: copying a param with shape ${shapeString(source.shape)} from checkpoint, the shape in current model is ${shapeString(target.shape)}.`);
      }
    }
    if (problems.length) {
      throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${problems.join("\n\t")}`);
    }
    noGrad(() => {
      for (const [key, target] of own) if (incoming.has(key)) target.copy_(incoming.get(key) as Tensor);
    });
    return { missingKeys: missing, unexpectedKeys: unexpected };
  }

  /** Calls fn on every submodule and then this module (PyTorch's apply, e.g. for initialisation). */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Sets requiresGrad on every parameter (freezing with false). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** PyTorch's module.to: "cpu" is accepted (there is no other device); a dtype converts every
   *  floating parameter and buffer in place, as float() and double() do. */
  to(target: DTypeLike | "cpu"): this {
    if (target === "cpu") return this;
    const dtype = toDType(target);
    if (!dtype.isFloatingPoint) throw new Error(`nn.Module.to only accepts floating point dtypes, but got desired dtype=${dtype}`);
    for (const m of this.modules()) {
      const fields = m as unknown as Record<string, unknown>;
      for (const key of m.registrationOrder) {
        const value = fields[key];
        if (!(value instanceof Tensor) || !value.dtype.isFloatingPoint || value.dtype === dtype) continue;
        if (value instanceof Parameter) fields[key] = new Parameter(value.detach().to(dtype), value.requiresGrad);
        else fields[key] = value.to(dtype);
      }
    }
    return this;
  }
  /** Every floating parameter and buffer to float32. */
  float(): this {
    return this.to(float32);
  }
  /** Every floating parameter and buffer to float64. */
  double(): this {
    return this.to(float64);
  }

  /** The part inside the parentheses of this module's own repr line, e.g. "in_features=4, out_features=5, bias=True". */
  extraRepr(): string {
    return "";
  }

  /** PyTorch's module repr: the class name, extraRepr, and each child's repr indented by two. */
  toString(): string {
    const extraLines = this.extraRepr() ? this.extraRepr().split("\n") : [];
    const childLines = this.registeredModules().map(([key, m]) => `(${key}): ${String(m).split("\n").join("\n  ")}`);
    const lines = [...extraLines, ...childLines];
    let body = "";
    if (lines.length === 1 && childLines.length === 0) body = extraLines[0]!;
    else if (lines.length > 0) body = `\n  ${lines.join("\n  ")}\n`;
    return `${this.constructor.name}(${body})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
