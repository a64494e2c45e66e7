// nn.Module and nn.Parameter.
//
// A Module is a function object: `net(x)` calls `net.forward(x)`, as the articles do in Python
// (where __call__ does the same). The constructor builds a plain function, gives it the subclass's
// prototype and returns it, so everything a subclass assigns lands on that callable object.
// Parameters and submodules are found by walking the object's own fields, which JavaScript keeps
// in assignment order: the registration order PyTorch's __setattr__ gives.
import { Tensor } from "../tensor/tensor.ts";
import { formatTensor } from "../tensor/format.ts";
import { sameShape, shapeString } from "../tensor/shape.ts";
import { noGrad } from "../tensor/autograd.ts";

/** A tensor that a Module owns and an optimiser updates. Requires grad by default. */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.data, data.shape, data.dtype);
    this.requiresGrad = requiresGrad;
  }
  override toString(): string {
    return "Parameter containing:\n" + formatTensor(this.data, this.shape, this.dtype, this.requiresGrad ? ["requires_grad=True"] : []);
  }
}

// Calling a module is typed as taking tensors and giving a tensor; forward() can be more specific.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Module { (...inputs: any[]): Tensor }

export class Module {
  declare training: boolean;
  /** Names of fields that hold buffers: state saved with the module but not trained (running stats). */
  declare protected bufferNames: string[];

  constructor() {
    const self = function (...inputs: unknown[]) {
      return (self as unknown as Module).forward(...inputs);
    } as unknown as Module;
    // A function's own `name` and `length` would block subclasses from using those field names.
    delete (self as { name?: string }).name;
    delete (self as { length?: number }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    Object.defineProperty(self, "training", { value: true, writable: true, enumerable: false });
    Object.defineProperty(self, "bufferNames", { value: [], writable: true, enumerable: false });
    return self;
  }

  forward(..._inputs: unknown[]): Tensor {
    throw new Error(`${this.constructor.name} has no forward(); define forward(x) in the subclass`);
  }

  /** Registers a tensor that belongs in stateDict() but is not a Parameter (e.g. running_mean). */
  protected registerBuffer(name: string, value: Tensor): void {
    (this as unknown as Record<string, Tensor>)[name] = value;
    if (!this.bufferNames.includes(name)) this.bufferNames.push(name);
  }

  /** Direct submodules in registration order, with their field names. */
  namedChildren(): [string, Module][] {
    return Object.entries(this).filter((e): e is [string, Module] => e[1] instanceof Module);
  }
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }
  /** This module and every module below it, depth first. */
  modules(): Module[] {
    return [this, ...this.children().flatMap((m) => m.modules())];
  }

  /** Every parameter with its dotted path, own parameters first, then each child's: "fc1.weight". */
  namedParameters(prefix = ""): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Parameter) out.push([prefix + key, value]);
      else if (value instanceof Module) out.push(...value.namedParameters(`${prefix}${key}.`));
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

  /** Zeroes every parameter's gradient (leaving zeros, as the article prints after it). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad?.zero_();
  }

  /** Parameters and buffers by dotted name, in registration order. The tensors are shared, not copied. */
  stateDict(prefix = ""): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Parameter) out.set(prefix + key, value);
      else if (value instanceof Module) for (const [k, v] of value.stateDict(`${prefix}${key}.`)) out.set(k, v);
      else if (this.bufferNames.includes(key) && value instanceof Tensor) out.set(prefix + key, value);
    }
    return out;
  }

  /** Copies values in from a state dict. Every key and shape is checked before anything is written. */
  loadStateDict(state: Map<string, Tensor> | Record<string, Tensor>): void {
    const incoming = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !incoming.has(k));
    const unexpected = [...incoming.keys()].filter((k) => !own.has(k));
    const problems: string[] = [];
    if (missing.length) problems.push(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(", ")}.`);
    if (unexpected.length) problems.push(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(", ")}.`);
    for (const [key, target] of own) {
      const source = incoming.get(key);
      if (source && !sameShape(source.shape, target.shape)) {
        problems.push(`size mismatch for ${key}: copying a param with shape ${shapeString(source.shape)} from checkpoint, the shape in current model is ${shapeString(target.shape)}.`);
      }
    }
    if (problems.length) {
      throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${problems.join("\n\t")}`);
    }
    noGrad(() => {
      for (const [key, target] of own) target.data.set(incoming.get(key)!.data);
    });
  }

  /** The part inside the parentheses of this module's own repr line, e.g. "in_features=4, out_features=5, bias=True". */
  extraRepr(): string {
    return "";
  }

  /** PyTorch's module repr: the class name, extraRepr, and each child's repr indented by two. */
  toString(): string {
    const extraLines = this.extraRepr() ? this.extraRepr().split("\n") : [];
    const childLines = this.namedChildren().map(([key, m]) => `(${key}): ${String(m).split("\n").join("\n  ")}`);
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
