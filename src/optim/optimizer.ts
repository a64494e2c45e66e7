// The part every optimiser shares: parameter groups, zeroGrad(), state dicts, and the checks PyTorch
// makes when an optimiser is built. Subclasses give their defaults and write step(), reading each
// group's own hyperparameters.
import { Tensor } from "../tensor/tensor.ts";
import { castArray, roundingOf, type DataArray } from "../tensor/dtype.ts";
import { sameShape, shapeString } from "../tensor/shape.ts";
import { resetGrads, type ZeroGradOptions } from "../tensor/autograd.ts";

/** What an optimiser keeps for one parameter, by PyTorch's names (momentum_buffer; step, exp_avg, exp_avg_sq). */
export type ParamState = Record<string, Tensor | number>;
/** optimizer.stateDict(), shaped as PyTorch's: per-parameter state by the parameter's index (counted
 *  across the groups), and each group's hyperparameters (PyTorch's names) with its parameters' indices. */
export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** The hyperparameters every optimiser has. */
export interface Hyperparameters { lr: number }
/** One parameter group, as PyTorch's optimizer.param_groups[i]: its tensors and its own
 *  hyperparameters (camelCase; a scheduler changes `lr`, OneCycleLR the momentum too). */
export type ParamGroup<H extends Hyperparameters = Hyperparameters> = H & {
  params: Tensor[];
  /** The lr the group had when its first scheduler was made (PyTorch's initial_lr). */
  initialLr?: number;
};
/** A group as the constructor takes it: `{ params, lr: 0.1 }`; what it leaves out comes from the
 *  optimiser's options. */
export type ParamGroupSpec<H extends Hyperparameters = Hyperparameters> = Partial<H> & { params: Iterable<Tensor> };
/** What an optimiser is given: tensors (one group), or a list of groups. */
export type Params<H extends Hyperparameters = Hyperparameters> = Iterable<Tensor> | Iterable<ParamGroupSpec<H>>;

/** camelCase -> PyTorch's snake_case (weightDecay -> weight_decay), for state dicts. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** torch.optim.Optimizer: parameter groups, zeroGrad(), stateDict()/loadStateDict(); each optimiser
 *  extends it with its defaults and step(). */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  /** PyTorch's optimizer.param_groups: each group's tensors and hyperparameters, in the order given. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** The hyperparameters a group gets for what it does not set (the constructor's options). */
  protected defaults!: H;
  private readonly given: (Tensor | ParamGroupSpec<H>)[];

  constructor(params: Params<H>) {
    if (params instanceof Tensor) {
      // PyTorch's words: a lone tensor is a common slip for [tensor].
      throw new Error("params argument given to the optimizer should be an iterable of Tensors or dicts, but got Tensor");
    }
    this.given = [...(params as Iterable<Tensor | ParamGroupSpec<H>>)];
    if (this.given.length === 0) throw new Error("optimizer got an empty parameter list");
  }

  /** Every parameter, group after group. */
  get params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** The first group's learning rate; setting it sets every group's (one group: simply the lr). */
  get lr(): number {
    return this.paramGroups[0]!.lr;
  }
  set lr(value: number) {
    for (const g of this.paramGroups) g.lr = value;
  }

  /** Throws PyTorch's error for a hyperparameter out of range (the defaults, and each group's). */
  protected abstract checkHyperparameters(h: H): void;

  /** Called by each optimiser's constructor once its options are known: the defaults, checked, and
   *  the groups built from what the constructor was given. */
  protected setDefaults(defaults: H): void {
    this.checkHyperparameters(defaults);
    this.defaults = defaults;
    const groups = this.given.every((x) => x instanceof Tensor) ? [{ params: this.given as Tensor[] }] : this.given;
    for (const g of groups) {
      if (g instanceof Tensor) throw new Error("optimizer params must be all Tensors or all parameter groups ({ params, ... }), not a mix");
      this.addParamGroup(g as ParamGroupSpec<H>);
    }
  }
  /** PyTorch's add_param_group: a new group, its missing hyperparameters from the defaults. */
  addParamGroup(spec: ParamGroupSpec<H>): void {
    if (spec === null || typeof spec !== "object" || !("params" in spec)) {
      throw new Error(`a parameter group is an object { params, ...hyperparameters }, got ${typeof spec}`);
    }
    for (const key of Object.keys(spec)) {
      if (key !== "params" && !(key in this.defaults)) {
        throw new Error(`${this.constructor.name}: unknown option "${key}" in a parameter group (expected params or one of ${Object.keys(this.defaults).join(", ")})`);
      }
    }
    if (spec.params instanceof Tensor) throw new Error("optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.");
    const params = [...spec.params];
    const group = { ...this.defaults, ...spec, params } as ParamGroup<H>;
    this.checkHyperparameters(group);
    const seen = new Set(this.params);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new Error(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
      if (!p.dtype.isFloatingPoint) throw new Error(`optimizer can only optimize floating point Tensors, but parameter ${i} is ${p.dtype}`);
      // PyTorch only warns ("in future, this will cause an error"); a parameter listed twice would be stepped twice
      const first = params.indexOf(p);
      if (first !== i) throw new Error(`optimizer got parameter ${i} twice (it is also parameter ${first}); list each parameter once, or it would be updated twice per step`);
      if (seen.has(p)) throw new Error("some parameters appear in more than one parameter group");
    });
    this.paramGroups.push(group);
  }

  /** Resets every gradient, as PyTorch 2's zero_grad: to null by default, so step() skips a
   *  parameter the next backward does not reach; with `setToNone: false`, to zeros in place. */
  zeroGrad({ setToNone = true }: ZeroGradOptions = {}): void {
    resetGrads(this.params, setToNone);
  }

  /** Each parameter that has a gradient (PyTorch skips the others), with its values, the gradient's
   *  and how its dtype rounds; the parameter's version is counted once the caller has updated it. */
  protected *withGradients(): Generator<{ p: Tensor; w: DataArray; grad: DataArray; r: (x: number) => number; h: ParamGroup<H> }> {
    for (const h of this.paramGroups) {
      for (const p of h.params) {
        const g = p._grad();
        if (g === null) continue;
        yield { p, w: p._data, grad: g._data, r: roundingOf(p.dtype), h };
        p.storage.bump();
      }
    }
  }

  /** One update of every parameter that has a gradient. Writes p.data directly: no graph is recorded,
   *  and each parameter's version counts the change, so a backward that still needs the old values
   *  refuses to run instead of using the new ones. */
  abstract step(): void;

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
    let index = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const named: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(g)) if (key !== "params") named[snakeCase(key)] = Array.isArray(value) ? [...value] : value;
      return { ...named, params: g.params.map(() => index++) };
    });
    return { state, paramGroups };
  }

  /** torch.optim.Optimizer.load_state_dict. Everything is checked before anything changes. */
  loadStateDict(dict: OptimizerStateDict): void {
    const name = this.constructor.name;
    const groups = dict?.paramGroups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new Error("loaded state dict has a different number of parameter groups");
    }
    groups.forEach((group, i) => {
      if (!Array.isArray(group.params) || group.params.length !== this.paramGroups[i]!.params.length) {
        throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
      for (const key of Object.keys(this.defaults)) {
        // maximize and amsgrad came later to PyTorch: an older dict without them keeps the current setting
        if (!(snakeCase(key) in group) && key !== "maximize" && key !== "amsgrad") throw new Error(`loaded state dict lacks the hyperparameter "${snakeCase(key)}" of ${name}`);
      }
    });
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
    groups.forEach((group, i) => {
      const own = this.paramGroups[i]! as unknown as Record<string, unknown>;
      for (const key of Object.keys(this.defaults)) {
        const value = group[snakeCase(key)];
        if (value !== undefined) own[key] = Array.isArray(value) ? [...value] : value;
      }
    });
    this.params.forEach((p, i) => {
      const s = dict.state.get(i);
      if (s !== undefined) this.setParamState(p, s);
      else this.clearParamState(p);
    });
  }

  /** Forgets this parameter's state (a loaded dict had none for it). */
  protected abstract clearParamState(p: Tensor): void;

  /** A zeroed array for `p`'s state, living where `p` does and kept beyond any torch.tidy (a raw
   *  array from the pool would be taken back when the tidy of the first step ends). */
  protected stateArray(p: Tensor): DataArray {
    return p.storage.beside(p.numel()).array;
  }

  /** stateArray(p) holding a loaded state tensor's values, cast to p's dtype. */
  protected stateFrom(p: Tensor, t: Tensor): DataArray {
    const array = this.stateArray(p);
    array.set(castArray(t._data, p.dtype));
    return array;
  }
}

/** Throws PyTorch's message when a hyperparameter is negative (or not a number at all). */
export function checkNonNegative(name: string, value: number): void {
  if (!(value >= 0)) throw new Error(`Invalid ${name}: ${value}`);
}

