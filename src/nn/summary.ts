// summary(model, inputShape): a table of every layer's output shape and parameter count, the idea
// of torchinfo (and Keras's model.summary). It runs one input of zeros through the model and
// watches each submodule's forward to see what shape comes out. Rows follow the module tree (not
// the call order); a module called twice, like a shared pooling layer, shows its last output.
import { Module } from "./module.ts";
import { noGrad } from "../tensor/autograd.ts";
import { zeros } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";

interface Row {
  module: Module;
  label: string;
  depth: number;
}

/** 61706 -> "61,706". */
function withCommas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function pad(text: string, width: number): string {
  return text.length >= width ? text + " " : text.padEnd(width);
}

/** Parameters a module holds itself (not those of its children). */
function ownParameterCount(m: Module): number {
  return m.namedParameters().filter(([name]) => !name.includes(".")).reduce((n, [, p]) => n + p.numel(), 0);
}

export function summary(model: Module, inputShape: readonly number[]): string {
  // The rows: the model, then each submodule depth first, labelled "name (Type)".
  const rows: Row[] = [{ module: model, label: model.constructor.name, depth: 0 }];
  const walk = (m: Module, depth: number): void => {
    for (const [name, child] of m.namedChildren()) {
      rows.push({ module: child, label: `${name} (${child.constructor.name})`, depth });
      walk(child, depth + 1);
    }
  };
  walk(model, 1);

  // Watch every module's forward by shadowing it with an own property that notes the output shape.
  // Eval mode, so Dropout draws no random numbers and BatchNorm leaves its running stats alone.
  const shapes = new Map<Module, string>();
  const modules = [...new Set(rows.map((r) => r.module))];
  const saved = modules.map((m) => ({
    m,
    training: m.training,
    ownForward: Object.getOwnPropertyDescriptor(m, "forward"),
  }));
  try {
    for (const m of modules) {
      const original = m.forward;
      Object.defineProperty(m, "forward", {
        configurable: true,
        writable: true,
        enumerable: false, // keep it out of Object.entries, which registration walks
        value: (...inputs: unknown[]) => {
          const out = original.apply(m, inputs);
          shapes.set(m, out instanceof Tensor ? `[${out.shape.join(", ")}]` : "--");
          return out;
        },
      });
    }
    model.eval();
    noGrad(() => model(zeros([...inputShape])));
  } finally {
    // put everything back as it was, even when the forward pass threw
    for (const { m, training, ownForward } of saved) {
      if (ownForward) Object.defineProperty(m, "forward", ownForward);
      else delete (m as { forward?: unknown }).forward;
      m.training = training;
    }
  }

  const widths = [40, 25, 15];
  const rule = "=".repeat(widths.reduce((a, b) => a + b, 0));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!)).join("").trimEnd();
  const body = rows.map(({ module, label, depth }) => {
    const indent = depth === 0 ? "" : "│    ".repeat(depth - 1) + "├─";
    const count = ownParameterCount(module);
    return line([indent + label, shapes.get(module) ?? "--", count > 0 ? withCommas(count) : "--"]);
  });

  const params = [...new Set(model.parameters())]; // a shared parameter counts once
  const total = params.reduce((n, p) => n + p.numel(), 0);
  const trainable = params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
  return [
    rule,
    line(["Layer (type)", "Output Shape", "Param #"]),
    rule,
    ...body,
    rule,
    `Total params: ${withCommas(total)}`,
    `Trainable params: ${withCommas(trainable)}`,
    `Non-trainable params: ${withCommas(total - trainable)}`,
    rule,
  ].join("\n");
}
