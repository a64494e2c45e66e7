// The part every optimiser shares: the list of parameters, zeroGrad(), and the checks PyTorch makes
// when an optimiser is built. Subclasses write step().
import { Tensor } from "../tensor/tensor.ts";
import type { DataArray } from "../tensor/dtype.ts";
import { sameShape, shapeString } from "../tensor/shape.ts";
import { resetGrads, type ZeroGradOptions } from "../tensor/autograd.ts";

/** What an optimiser keeps for one parameter, by PyTorch's names (momentum_buffer; step, exp_avg, exp_avg_sq). */
export type ParamState = Record<string, Tensor | number>;
/** optimizer.stateDict(), shaped as PyTorch's: per-parameter state by the parameter's index, and
 *  the one parameter group's hyperparameters (PyTorch's names) with the indices of its parameters. */
export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** torch.optim.Optimizer: the parameters, zeroGrad(), stateDict()/loadStateDict(); SGD and Adam extend it with step(). */
export abstract class Optimizer {
  /** The tensors this optimiser updates, in the order they were given. */
  readonly params: Tensor[];
  /** The learning rate (schedulers change it between steps). */
  abstract lr: number;

  /** PyTorch's optimizer.param_groups: here always one group, whose `lr` reads and writes this.lr. */
  get paramGroups(): { lr: number; readonly params: readonly Tensor[] }[] {
    const optimizer = this;
    return [{
      get lr() { return optimizer.lr; },
      set lr(value: number) { optimizer.lr = value; },
      params: this.params,
    }];
  }

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

  /** Resets every gradient, as PyTorch 2's zero_grad: to null by default, so step() skips a
   *  parameter the next backward does not reach; with `setToNone: false`, to zeros in place. */
  zeroGrad({ setToNone = true }: ZeroGradOptions = {}): void {
    resetGrads(this.params, setToNone);
  }

  /** Each parameter that has a gradient (PyTorch skips the others), with its values, the gradient's
   *  and how its dtype rounds; the parameter's version is counted once the caller has updated it. */
  protected *withGradients(): Generator<{ p: Tensor; w: DataArray; grad: DataArray; r: (x: number) => number }> {
    for (const p of this.params) {
      const g = p._grad();
      if (g === null) continue;
      yield { p, w: p.data, grad: g.data, r: roundingOf(p) };
      p.storage.bump();
    }
  }

  /** One update of every parameter that has a gradient. Writes p.data directly: no graph is recorded,
   *  and each parameter's version counts the change, so a backward that still needs the old values
   *  refuses to run instead of using the new ones. */
  abstract step(): void;

  /** The hyperparameters, by PyTorch's names, as optimizer.param_groups shows them. */
  protected abstract hyperparameters(): Record<string, unknown>;
  /** Sets the hyperparameters from a state dict's group (already checked to have every name). */
  protected abstract setHyperparameters(group: Record<string, unknown>): void;
  /** This parameter's state (copies), or undefined before its first step. */
  protected abstract paramState(p: Tensor): ParamState | undefined;
  /** Replaces this parameter's state with copies of `state` (checked against the parameter). */
  protected abstract setParamState(p: Tensor, state: ParamState): void;
  /** The names a parameter's state holds, and which of them are tensors of the parameter's shape. */
  protected abstract readonly stateKeys: { tensors: readonly string[]; numbers: readonly string[] };

  /** torch.optim.Optimizer.state_dict: everything a run needs to resume to the same numbers. Copies. */
  stateDict(): OptimizerStateDict {
    const state = new Map<number, ParamState>();
    this.params.forEach((p, i) => {
      const s = this.paramState(p);
      if (s !== undefined) state.set(i, s);
    });
    return { state, paramGroups: [{ ...this.hyperparameters(), params: this.params.map((_, i) => i) }] };
  }

  /** torch.optim.Optimizer.load_state_dict. Everything is checked before anything changes. */
  loadStateDict(dict: OptimizerStateDict): void {
    const name = this.constructor.name;
    const groups = dict?.paramGroups;
    if (!Array.isArray(groups) || groups.length !== 1) {
      throw new Error(`loaded state dict has a different number of parameter groups (expected 1 for this ${name}, got ${Array.isArray(groups) ? groups.length : "none"})`);
    }
    const group = groups[0]!;
    if (!Array.isArray(group.params) || group.params.length !== this.params.length) {
      throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
    }
    const own = this.hyperparameters();
    for (const key of Object.keys(own)) if (!(key in group)) throw new Error(`loaded state dict lacks the hyperparameter "${key}" of ${name}`);
    const { tensors, numbers } = this.stateKeys;
    for (const [index, s] of dict.state) {
      const p = this.params[index];
      if (p === undefined) throw new Error(`loaded state dict has state for parameter ${index}, but this ${name} has ${this.params.length}`);
      for (const key of tensors) {
        const t = s[key];
        if (!(t instanceof Tensor)) throw new Error(`loaded state for parameter ${index} lacks the tensor "${key}"`);
        if (!sameShape(t.shape, p.shape)) throw new Error(`loaded "${key}" for parameter ${index} has shape ${shapeString(t.shape)}, the parameter ${shapeString(p.shape)}`);
      }
      for (const key of numbers) {
        if (typeof s[key] !== "number") throw new Error(`loaded state for parameter ${index} lacks the number "${key}"`);
      }
    }
    this.setHyperparameters(group);
    this.params.forEach((p, i) => {
      const s = dict.state.get(i);
      if (s !== undefined) this.setParamState(p, s);
      else this.clearParamState(p);
    });
  }

  /** Forgets this parameter's state (a loaded dict had none for it). */
  protected abstract clearParamState(p: Tensor): void;
}

/** Throws PyTorch's message when a hyperparameter is negative (or not a number at all). */
export function checkNonNegative(name: string, value: number): void {
  if (!(value >= 0)) throw new Error(`Invalid ${name}: ${value}`);
}

/** How a value is stored in `p`'s dtype: float32 rounds, float64 keeps it. */
export function roundingOf(p: Tensor): (x: number) => number {
  return p.dtype.name === "float32" ? Math.fround : (x: number) => x;
}
