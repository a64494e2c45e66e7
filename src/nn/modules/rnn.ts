// nn.RNN, nn.LSTM and nn.GRU: recurrent layers written with tensor ops, one time step at a time
// (autograd differentiates through time). Parameters are named as PyTorch names them
// (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ...) so that weights travel both ways, and
// the gates come in PyTorch's order: LSTM i, f, g, o; GRU r, z, n.
import { Module, Parameter, emptyParameter } from "./module.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { cat, stack } from "../../tensor/ops/view.ts";
import { linear } from "../../tensor/ops/matmul.ts";
import { zeros } from "../../tensor/create.ts";
import { isGradEnabled, noGrad, record, recomputedGradients } from "../../tensor/autograd.ts";
import { kernelsFor } from "../../kernels/index.ts";
import { dropout } from "../functional/dropout.ts";
import { pyBool } from "../../python-repr.ts";
import * as A from "../../args.ts";
import { positional } from "../../args.ts";

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";

/** One GRU step from the input's share of the gates (xw = x W_ih^T + b_ih), the hidden state's
 *  (hw = h W_hh^T + b_hh) and h, written with tensor ops as PyTorch's CPU cell computes it:
 *  r = sigmoid(xr + hr), z = sigmoid(xz + hz), n = tanh(xn + r hn), h' = (h - n) z + n.
 *  The readable form of gruStep (the tests check one against the other). */
export function gruCellSimple(xw: Tensor, hw: Tensor, h: Tensor): Tensor {
  const [xr, xz, xn] = xw.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = hw.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid(), z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return h.sub(n).mul(z).add(n);
}

/** One LSTM step, written with tensor ops: gates i, f, g, o from xw + hw, c' = sigmoid(f) c +
 *  sigmoid(i) tanh(g), h' = sigmoid(o) tanh(c'). Returns [h', c']; the readable form of lstmStep. */
export function lstmCellSimple(xw: Tensor, hw: Tensor, c: Tensor): [Tensor, Tensor] {
  const [i, f, g, o] = xw.add(hw).chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const cNext = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
  return [o.sigmoid().mul(cNext.tanh()), cNext];
}

/** gruCellSimple as one node: the gate loops forward and backward on the kernel seam (PyTorch's
 *  fused cell's name); a backward differentiated again goes through the readable form. */
export function gruStep(xw: Tensor, hw: Tensor, h: Tensor): Tensor {
  const [rows, hidden] = [h.shape[0]!, h.shape[1]!], dtype = h.dtype, kernels = kernelsFor(dtype);
  const kept = dtype.zeros(rows * 3 * hidden);
  const out = new Tensor(dtype.zeros(rows * hidden), h.shape, dtype);
  kernels.gruCell(xw._data, hw._data, h._data, rows, hidden, out._data, kept);
  return record(out, "ThnnFusedGruCellBackward0", [xw, hw, h], (g) => {
    if (isGradEnabled()) return recomputedGradients(() => gruCellSimple(xw, hw, h), [xw, hw, h], g);
    const [dxw, dhw, dh] = [dtype.zeros(rows * 3 * hidden), dtype.zeros(rows * 3 * hidden), dtype.zeros(rows * hidden)];
    kernels.gruCellBackward(g._data, hw._data, h._data, kept, rows, hidden, dxw, dhw, dh);
    return [new Tensor(dxw, xw.shape, dtype), new Tensor(dhw, hw.shape, dtype), new Tensor(dh, h.shape, dtype)];
  }, [hw, h]);
}

/** lstmCellSimple as one node, [h', c'] computed side by side and handed out as two views. */
export function lstmStep(xw: Tensor, hw: Tensor, c: Tensor): [Tensor, Tensor] {
  const [rows, hidden] = [c.shape[0]!, c.shape[1]!], dtype = c.dtype, kernels = kernelsFor(dtype);
  const kept = dtype.zeros(rows * 4 * hidden);
  const both = new Tensor(dtype.zeros(rows * 2 * hidden), [rows, 2 * hidden], dtype);
  kernels.lstmCell(xw._data, hw._data, c._data, rows, hidden, both._data, kept);
  const out = record(both, "ThnnFusedLstmCellBackward0", [xw, hw, c], (g) => {
    if (isGradEnabled()) return recomputedGradients(() => cat(lstmCellSimple(xw, hw, c), 1), [xw, hw, c], g);
    const [dgates, dc] = [dtype.zeros(rows * 4 * hidden), dtype.zeros(rows * hidden)];
    kernels.lstmCellBackward(g._data, c._data, both._data, kept, rows, hidden, dgates, dc);
    const gates = new Tensor(dgates, xw.shape, dtype);
    return [gates, gates, new Tensor(dc, c.shape, dtype)];
  }, [c, both]);
  return [out.narrow(1, 0, hidden), out.narrow(1, hidden, hidden)];
}

/** The options every recurrent layer takes, PyTorch's names in camelCase. */
export interface RNNOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
  /** nn.RNN only: "tanh" (default) or "relu". */
  nonlinearity?: "tanh" | "relu";
}

const RNN_OPTIONS = {
  numLayers: A.integer, bias: A.boolean, batchFirst: A.boolean, dropout: A.number, bidirectional: A.boolean, nonlinearity: A.oneOf("tanh", "relu"),
};

abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly nonlinearity: "tanh" | "relu";
  readonly bidirectional: boolean;

  constructor(private readonly mode: Mode, name: string, readonly inputSize: number, readonly hiddenSize: number, args: readonly unknown[]) {
    super();
    A.checkArg(name, "inputSize", inputSize, A.integer);
    A.checkArg(name, "hiddenSize", hiddenSize, A.integer);
    const spec = mode.startsWith("RNN") ? RNN_OPTIONS : (({ nonlinearity: _, ...rest }) => rest)(RNN_OPTIONS);
    const names = mode.startsWith("RNN") ? ["numLayers", "nonlinearity", "bias", "batchFirst", "dropout", "bidirectional"] : ["numLayers", "bias", "batchFirst", "dropout", "bidirectional"];
    const o = positional(name, args, names, spec) as RNNOptions;
    this.bidirectional = o.bidirectional ?? false;
    this.numLayers = o.numLayers ?? 1;
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? false;
    this.dropout = o.dropout ?? 0;
    this.nonlinearity = o.nonlinearity ?? "tanh";
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new Error("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
    const gates = mode === "LSTM" ? 4 : mode === "GRU" ? 3 : 1;
    const bound = 1 / Math.sqrt(hiddenSize);
    const fields = this as unknown as Record<string, Parameter>;
    // PyTorch's order: each layer's forward direction, then its reverse one (names ending _reverse)
    for (let l = 0; l < this.numLayers; l++) {
      for (const suffix of this.bidirectional ? ["", "_reverse"] : [""]) {
        const layerInput = l === 0 ? inputSize : hiddenSize * this.directions;
        const shapes: [string, number[]][] = [[`weight_ih_l${l}${suffix}`, [gates * hiddenSize, layerInput]], [`weight_hh_l${l}${suffix}`, [gates * hiddenSize, hiddenSize]]];
        if (this.bias) shapes.push([`bias_ih_l${l}${suffix}`, [gates * hiddenSize]], [`bias_hh_l${l}${suffix}`, [gates * hiddenSize]]);
        for (const [key, shape] of shapes) {
          const p = emptyParameter(...shape);
          noGrad(() => p.uniform_(-bound, bound));
          fields[key] = p;
        }
      }
    }
  }

  /** 2 for a bidirectional layer (a forward and a reverse pass over the sequence), else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  private param(name: string, layer: number, direction: number): Parameter | null {
    return ((this as unknown as Record<string, Parameter | undefined>)[`${name}_l${layer}${direction ? "_reverse" : ""}`]) ?? null;
  }

  /** One time step of one layer: the new hidden state (and cell state for LSTM). `xw` is the input's
   *  share of the gates, x W_ih^T + b_ih, worked out for every step at once. */
  private cell(xw: Tensor, h: Tensor, c: Tensor | null, layer: number, direction: number): [Tensor, Tensor | null] {
    const hw = linear(h, this.param("weight_hh", layer, direction)!, this.param("bias_hh", layer, direction));
    if (this.mode === "LSTM") return lstmStep(xw, hw, c!);
    if (this.mode === "GRU") return [gruStep(xw, hw, h), null];
    const pre = xw.add(hw);
    return [this.mode === "RNN_RELU" ? pre.relu() : pre.tanh(), null];
  }

  /** input [L, N, inputSize] ([N, L, inputSize] with batchFirst, or unbatched [L, inputSize]) and an
   *  optional initial state [numLayers, N, hidden] (for LSTM, [h0, c0]). */
  protected run(input: Tensor, state: Tensor | readonly [Tensor, Tensor] | null | undefined): [Tensor, Tensor[]] {
    const name = this.constructor.name;
    if (!(input instanceof Tensor) || (input.dim() !== 2 && input.dim() !== 3)) {
      throw new Error(`${name}: Expected input to be 2D or 3D, got ${input instanceof Tensor ? `${input.dim()}D` : A.describe(input)} instead`);
    }
    const batched = input.dim() === 3;
    let x = batched ? (this.batchFirst ? input.transpose(0, 1) : input) : input.unsqueeze(1); // [L, N, I]
    if (x.shape[2] !== this.inputSize) throw new Error(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[2]}`);
    const [steps, n] = [x.shape[0]!, x.shape[1]!];
    const states = this.numLayers * this.directions; // one per layer and direction: index l * directions + d
    const expected = [states, n, this.hiddenSize];
    const initial = (t: Tensor | undefined, what: string): Tensor[] => {
      if (!t) return Array.from({ length: states }, () => zeros([n, this.hiddenSize], { dtype: input.dtype }));
      const full = batched ? t : t.unsqueeze(1);
      if (full.dim() !== 3 || full.shape.some((s, i) => s !== expected[i])) {
        throw new Error(`Expected ${what} size (${expected.join(", ")}), got [${full.shape.join(", ")}]`);
      }
      return full.unbind(0);
    };
    let hs: Tensor[], cs: Tensor[] | null = null;
    if (this.mode === "LSTM") {
      const pair = state as readonly [Tensor, Tensor] | null | undefined;
      hs = initial(pair?.[0], "hidden");
      cs = initial(pair?.[1], "cell");
    } else hs = initial(state as Tensor | undefined, "hidden");
    for (let l = 0; l < this.numLayers; l++) {
      const directionOutputs: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const s = l * this.directions + d;
        const xw = linear(x.reshape(steps * n, -1), this.param("weight_ih", l, d)!, this.param("bias_ih", l, d)).reshape(steps, n, -1);
        let h = hs[s]!, c = cs ? cs[s]! : null;
        const outs = new Array<Tensor>(steps);
        // the reverse direction reads the sequence from its end; its outputs stay at their own steps
        for (let k = 0; k < steps; k++) {
          const t = d === 0 ? k : steps - 1 - k;
          [h, c] = this.cell(xw.get(t), h, c, l, d);
          outs[t] = h;
        }
        hs[s] = h;
        if (cs) cs[s] = c!;
        directionOutputs.push(stack(outs, 0));
      }
      x = directionOutputs.length === 1 ? directionOutputs[0]! : cat(directionOutputs, 2);
      if (this.dropout > 0 && l < this.numLayers - 1) x = dropout(x, this.dropout, this.training);
    }
    let output = batched ? (this.batchFirst ? x.transpose(0, 1) : x) : x.squeeze(1);
    const finals = [stack(hs, 0), ...(cs ? [stack(cs, 0)] : [])].map((s) => (batched ? s : s.squeeze(1)));
    return [output, finals];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    if (this.batchFirst) s += ", batch_first=True";
    if (this.dropout) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ", bidirectional=True";
    return s;
  }
}

/** nn.RNN(inputSize, hiddenSize, { numLayers, nonlinearity, bias, batchFirst, dropout }):
 *  h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh). forward(input, h0?) gives [output, h_n]. */
export class RNN extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions);
  constructor(inputSize: number, hiddenSize: number, numLayers: number, ...rest: (string | number | boolean | RNNOptions)[]);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    const nonlinearity = args.find((a) => A.isOptions(a) && (a as RNNOptions).nonlinearity === "relu") || args[1] === "relu" ? "RNN_RELU" : "RNN_TANH";
    super(nonlinearity, "RNN", inputSize, hiddenSize, args);
  }
  override forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const [output, [h]] = this.run(input, h0);
    return [output, h!];
  }
}

/** nn.LSTM(inputSize, hiddenSize, { numLayers, bias, batchFirst, dropout }): forward(input, [h0, c0]?)
 *  gives [output, [h_n, c_n]]. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: Omit<RNNOptions, "nonlinearity">);
  constructor(inputSize: number, hiddenSize: number, numLayers: number, ...rest: (number | boolean | Omit<RNNOptions, "nonlinearity">)[]);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super("LSTM", "LSTM", inputSize, hiddenSize, args);
  }
  override forward(input: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const [output, [h, c]] = this.run(input, state);
    return [output, [h!, c!]];
  }
}

/** nn.GRU(inputSize, hiddenSize, { numLayers, bias, batchFirst, dropout }): forward(input, h0?)
 *  gives [output, h_n]. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: Omit<RNNOptions, "nonlinearity">);
  constructor(inputSize: number, hiddenSize: number, numLayers: number, ...rest: (number | boolean | Omit<RNNOptions, "nonlinearity">)[]);
  constructor(inputSize: number, hiddenSize: number, ...args: unknown[]) {
    super("GRU", "GRU", inputSize, hiddenSize, args);
  }
  override forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const [output, [h]] = this.run(input, h0);
    return [output, h!];
  }
}
