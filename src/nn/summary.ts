// summary(model, { inputSize }): torchinfo's table (torchinfo 1.7, as article 001 prints it), as a
// string; it prints nothing itself.
//
// Without an input size the rows are the module tree and the only column is "Param #". With one, a
// batch of zeros runs through the model (in eval mode, without grad) and every module's forward is
// watched: a row per call, in call order, with its output shape. The figures follow torchinfo:
// - Param #: a leaf's own parameters; a container's parameters that no child holds ("--" if none);
//   "(recursive)" for a module called a second time.
// - mult-adds: per leaf call, each weight or bias counts its size times the output's batch size,
//   and for a convolution also times the output's height and width.
// - Forward/backward pass size: the bytes of every output of a leaf that has parameters, twice
//   (once for the activation, once for its gradient); sizes are in MB of 1e6 bytes.
import * as A from "../args.ts";
import { Module } from "./modules/module.ts";
import { noGrad } from "../tensor/autograd.ts";
import { zeros } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { numelOf } from "../tensor/shape.ts";

/** torchinfo.summary's options: the input size, and which columns and how deep to show. */
export interface SummaryOptions {
  /** The shape of one input, batch dim included: [1, 3, 224, 224]. Without it, no forward runs. */
  inputSize?: readonly number[];
}

interface LayerRow {
  module: Module;
  depth: number;
  /** The n-th row at this depth, counted over the whole table (torchinfo's "depth-idx"). */
  index: number;
  outputShape: number[] | null;
  recursive: boolean;
}

const NAME_WIDTH = 40;
const COLUMN_WIDTH = 25;

/** 61706 -> "61,706". */
export function withCommas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const count = (params: readonly Tensor[]) => params.reduce((n, p) => n + p.numel(), 0);
const isLeaf = (m: Module) => m.children().length === 0;

/** Rows for the module tree, depth first: what torchinfo shows when no input is given. */
function treeRows(model: Module): LayerRow[] {
  const rows: LayerRow[] = [];
  const walk = (m: Module, depth: number): void => {
    rows.push({ module: m, depth, index: 0, outputShape: null, recursive: false });
    for (const child of m.children()) walk(child, depth + 1);
  };
  walk(model, 0);
  return rows;
}

/** Rows for every module call of one forward pass on zeros of `inputSize`, in call order. */
function callRows(model: Module, inputSize: readonly number[]): LayerRow[] {
  const rows: LayerRow[] = [];
  const seen = new Set<Module>();
  let depth = 0;
  const modules = model.modules();
  const saved = modules.map((m) => ({ m, training: m.training, ownForward: Object.getOwnPropertyDescriptor(m, "forward") }));
  try {
    for (const m of modules) {
      const original = m.forward;
      Object.defineProperty(m, "forward", {
        configurable: true,
        writable: true,
        enumerable: false, // keep it out of Object.entries, which registration walks
        value: (...inputs: unknown[]) => {
          const row: LayerRow = { module: m, depth, index: 0, outputShape: null, recursive: seen.has(m) };
          seen.add(m);
          rows.push(row);
          depth++;
          try {
            const out = original.apply(m, inputs);
            if (out instanceof Tensor) row.outputShape = [...out.shape];
            return out;
          } finally {
            depth--;
          }
        },
      });
    }
    model.eval(); // Dropout draws nothing, BatchNorm leaves its running statistics alone
    noGrad(() => model(zeros([...inputSize])));
  } finally {
    // put everything back as it was, even when the forward pass threw
    for (const { m, training, ownForward } of saved) {
      if (ownForward) Object.defineProperty(m, "forward", ownForward);
      else delete (m as { forward?: unknown }).forward;
      m.training = training;
    }
  }
  return rows;
}

function paramText(row: LayerRow): string {
  const own = count(row.module.parameters());
  if (own === 0) return "--";
  if (row.recursive) return "(recursive)";
  if (isLeaf(row.module)) {
    const trainable = count(row.module.parameters().filter((p) => p.requiresGrad));
    return trainable > 0 ? withCommas(own) : `(${withCommas(own)})`;
  }
  const inChildren = new Set(row.module.children().flatMap((c) => c.parameters()));
  const leftover = count(row.module.parameters().filter((p) => !inChildren.has(p)));
  return leftover > 0 ? withCommas(leftover) : "--";
}

/** torchinfo's mult-adds of one leaf call. */
function multAdds(row: LayerRow): number {
  const shape = row.outputShape;
  if (!shape || !isLeaf(row.module)) return 0;
  const isConv = row.module.constructor.name.includes("Conv");
  const perParameter = isConv ? numelOf([shape[0]!, ...shape.slice(2)]) : shape[0]!;
  return count(row.module.parameters()) * perParameter;
}

/** A count as torchinfo prints it: ": 1,234", or " (M): 1.50" / " (G): 15.48" for mult-adds. */
function formatCount(n: number, auto: boolean): string {
  let units = "", value = n;
  if (auto) [units, value] = n >= 1e12 ? [" (T)", n / 1e12] : n >= 1e9 ? [" (G)", n / 1e9] : [" (M)", n / 1e6];
  const text = Number.isInteger(value) ? withCommas(value) : value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${units}: ${text}`;
}

/** torchinfo's summary(model, input_size=...): the table as a string (layers in call order, output shapes, parameters, mult-adds, sizes). */
export function summary(model: Module, options: SummaryOptions = {}): string {
  A.checkOptions("summary", options, { inputSize: A.numbers });
  const { inputSize } = options;
  const rows = inputSize ? callRows(model, inputSize) : treeRows(model);
  const perDepth = new Map<number, number>();
  for (const row of rows) {
    row.index = (perDepth.get(row.depth) ?? 0) + 1;
    perDepth.set(row.depth, row.index);
  }

  const columns = inputSize ? ["Output Shape", "Param #"] : ["Param #"];
  const titles = rows.map((r) => r.module.constructor.name + (r.depth > 0 ? `: ${r.depth}-${r.index}` : ""));
  const longest = Math.max(...rows.map((r, i) => titles[i]!.length + r.depth * 5 + 1));
  const nameWidth = longest >= NAME_WIDTH ? Math.ceil(longest / 5) * 5 : NAME_WIDTH;
  const line = (name: string, cells: string[]) =>
    (name.padEnd(nameWidth) + " " + cells.map((c) => c.padEnd(COLUMN_WIDTH) + " ").join("")).trimEnd();
  const rule = "=".repeat(nameWidth + columns.length * COLUMN_WIDTH);
  const start = (depth: number) => (depth === 0 ? "" : depth === 1 ? "├─" : "│    ".repeat(depth - 1) + "└─");

  const body = rows.map((row, i) => {
    const shape = row.depth > 0 && row.outputShape ? `[${row.outputShape.join(", ")}]` : "--";
    return line(start(row.depth) + titles[i], inputSize ? [shape, paramText(row)] : [paramText(row)]);
  });
  const params = model.parameters();
  const total = count(params);
  const trainable = count(params.filter((p) => p.requiresGrad));
  const out = [
    rule, line("Layer (type:depth-idx)", columns), rule, ...body, rule,
    `Total params${formatCount(total, false)}`,
    `Trainable params${formatCount(trainable, false)}`,
    `Non-trainable params${formatCount(total - trainable, false)}`,
  ];
  if (inputSize) {
    const bytes = 4; // float32
    const leafCalls = rows.filter((r) => isLeaf(r.module) && r.outputShape);
    const macs = leafCalls.reduce((n, r) => n + multAdds(r), 0);
    const activations = leafCalls.filter((r) => count(r.module.parameters()) > 0).reduce((n, r) => n + 2 * numelOf(r.outputShape!) * bytes, 0);
    const input = numelOf(inputSize) * bytes;
    const paramBytes = total * bytes;
    const mb = (b: number) => (b / 1e6).toFixed(2);
    out.push(
      `Total mult-adds${formatCount(macs, true)}`, rule,
      `Input size (MB): ${mb(input)}`,
      `Forward/backward pass size (MB): ${mb(activations)}`,
      `Params size (MB): ${mb(paramBytes)}`,
      `Estimated Total Size (MB): ${mb(input + activations + paramBytes)}`,
    );
  }
  out.push(rule);
  return out.join("\n");
}
