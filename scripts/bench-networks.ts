// The networks table of `npm run bench`: training throughput (images/s) of the three networks of
// ../shared/anchors/pytorch/train_nets.py at batch 20, 64 and 256, on one thread and on two, timed
// the way that script times PyTorch (warm up for 1.5 s, then a stretch of about 2.5 s; random
// inputs, labels 0..9 in turn, SGD with momentum), and PyTorch's own figures beside them when the
// bench is given a Python with torch (`npm run bench -- --torch /path/to/python`), run in the same
// sitting just before ours.
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export class MLP extends nn.Module {
  fc1 = new nn.Linear(28 * 28, 64);
  fc2 = new nn.Linear(64, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2(nn.functional.relu(this.fc1(x.reshape(-1, 28 * 28))));
  }
}

/** train_nets.py's "cnn": chapter 08's layers, with a ReLU after each convolution. */
export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5);
  pool = new nn.MaxPool2d(2, { stride: 2 });
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 16, 64);
  fc2 = new nn.Linear(64, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    x = this.pool(nn.functional.relu(this.conv1(x)));
    x = this.pool(nn.functional.relu(this.conv2(x))).reshape(-1, 16 * 16);
    return this.fc2(nn.functional.relu(this.fc1(x)));
  }
}

/** The padded-conv BatchNorm CNN of train_nets.py ("bncnn"): 1 -> 16 -> 32 channels of 3x3
 *  convolutions with padding 1, each followed by BatchNorm, ReLU and 2x2 pooling. */
export class BNCNN extends nn.Module {
  c1 = new nn.Conv2d(1, 16, 3, { padding: 1 });
  b1 = new nn.BatchNorm2d(16);
  c2 = new nn.Conv2d(16, 32, 3, { padding: 1 });
  b2 = new nn.BatchNorm2d(32);
  f = new nn.Linear(32 * 7 * 7, 10);
  override forward(x: torch.Tensor): torch.Tensor {
    const F = nn.functional;
    x = F.maxPool2d(F.relu(this.b1(this.c1(x))), 2);
    return this.f(F.maxPool2d(F.relu(this.b2(this.c2(x))), 2).flatten(1));
  }
}

/** train_nets.py's names for the networks, in its order. */
export const NETS = { mlp: MLP, cnn: CNN, bncnn: BNCNN } as const;
export type NetName = keyof typeof NETS;
export const BATCHES = [20, 64, 256] as const;

/** Images per second of `Net` training at batch `batch` on `threads` threads (wasm backend). */
export function ourRate(Net: new () => nn.Module, batch: number, threads: number): number {
  const threadsBefore = torch.getNumThreads();
  torch.setNumThreads(threads);
  torch.manualSeed(0);
  const net = new Net();
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
  const x = torch.rand(batch, 1, 28, 28);
  const y = torch.arange(batch).remainder(10);
  // each step inside torch.tidy, as the chapters train: the next step reuses its memory
  const step = () => torch.tidy(() => {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(net(x), y);
    loss.backward();
    optimizer.step();
    loss.item();
  });
  let start = performance.now(), k = 0;
  while (performance.now() - start < 1500 || k < 5) { step(); k++; }
  const msPerStep = (performance.now() - start) / k;
  const n = Math.max(5, Math.floor(2500 / msPerStep) + 1);
  start = performance.now();
  for (let i = 0; i < n; i++) step();
  const rate = (n * batch) / ((performance.now() - start) / 1000);
  torch.setNumThreads(threadsBefore);
  return rate;
}

/** PyTorch's rates from train_nets.py, keyed "name batch", or null when it cannot be run. */
export function torchRates(python: string, script: string, threads: number, names: readonly NetName[]): Map<string, number> | null {
  if (!existsSync(script)) {
    console.error(`bench: ${script} not found, so PyTorch's column stays empty`);
    return null;
  }
  try {
    const out = execFileSync(python, [script, String(threads), ...names], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const rates = new Map<string, number>();
    for (const line of out.trim().split("\n")) {
      const [name, batch, rate] = line.trim().split(/\s+/);
      if (name && batch && rate) rates.set(`${name} ${batch}`, Number(rate));
    }
    return rates;
  } catch (error) {
    console.error(`bench: ${python} ${script} failed (${(error as Error).message.split("\n")[0]}), so PyTorch's column stays empty`);
    return null;
  }
}

export interface NetworkRow { name: NetName; batch: number; ours: [number, number]; torch: [number | null, number | null] }

/** Times every network at every batch on one and two threads, PyTorch (when `python` is given)
 *  just before ours network by network, so that a slow spell of the shared machine falls on both
 *  sides of a ratio. With `rounds` > 1 the whole table is timed that many times and each cell is
 *  the median of its rounds. */
export function networkSection(python: string | null, script: string, names: readonly NetName[] = Object.keys(NETS) as NetName[], rounds = 1): NetworkRow[] {
  const backendBefore = torch.getBackend();
  torch.setBackend("wasm");
  const samples = new Map<string, { ours: number[][]; torch: number[][] }>();
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const theirs = [1, 2].map((t) => (python ? torchRates(python, script, t, [name]) : null));
      for (const batch of BATCHES) {
        console.error(`bench: ${name} at batch ${batch}${rounds > 1 ? ` (round ${round + 1} of ${rounds})` : ""}...`);
        const key = `${name} ${batch}`;
        const cell = samples.get(key) ?? { ours: [[], []], torch: [[], []] };
        samples.set(key, cell);
        [1, 2].forEach((threads, i) => {
          cell.ours[i]!.push(ourRate(NETS[name], batch, threads));
          const t = theirs[i]?.get(key);
          if (t !== undefined) cell.torch[i]!.push(t);
        });
      }
    }
  }
  torch.setBackend(backendBefore);
  const median = (xs: number[]) => (xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[xs.length >> 1]!);
  return names.flatMap((name) => BATCHES.map((batch) => {
    const cell = samples.get(`${name} ${batch}`)!;
    return { name, batch, ours: [median(cell.ours[0]!)!, median(cell.ours[1]!)!] as [number, number], torch: [median(cell.torch[0]!), median(cell.torch[1]!)] as [number | null, number | null] };
  }));
}

export function printNetworkTable(rows: NetworkRow[]): string[] {
  const fmt = (x: number | null) => (x === null ? "" : Math.round(x).toLocaleString("en-US"));
  const ratio = (a: number, b: number | null) => (b === null ? "" : `${(a / b).toFixed(2)}x`);
  const header = ["network, batch", "ours 1 thr", "PyTorch 1 thr", "ours/PyTorch (1)", "ours 2 thr", "2/1 (ours)", "PyTorch 2 thr", "ours/PyTorch (2)"];
  const body = rows.map((r) => [
    `${r.name}, ${r.batch}`, fmt(r.ours[0]), fmt(r.torch[0]), ratio(r.ours[0], r.torch[0]),
    fmt(r.ours[1]), `${(r.ours[1] / r.ours[0]).toFixed(2)}x`, fmt(r.torch[1]), ratio(r.ours[1], r.torch[1]),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  return [line(header), "|" + widths.map((w, i) => "-".repeat(w + 1) + (i === 0 ? "-" : ":")).join("|") + "|", ...body.map(line)];
}
