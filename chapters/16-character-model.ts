/** 16 · Beyond the articles: a character-level language model, with a GRU and then with attention */
// Not from the article series: the next program a reader writes after it. A network reads a short
// text one character at a time and learns to guess the next character; then it writes text of its
// own, one sampled character after another. First with a recurrent layer (Embedding -> GRU ->
// Linear), then with a tiny causal self-attention block (Embedding, a tril mask with maskedFill,
// softmax, LayerNorm, GELU), trained with AdamW and OneCycleLR.
//
// The text, datasets/little-lessons.txt, was written for this project. --epochs scales the
// training steps (default 1: 200 steps per model, about ten seconds each), --limit N caps them at
// N, and --seed picks the weights and the batches.
import * as torch from "../src/index.ts";
import { nn, optim } from "../src/index.ts";
import { chapter, readRepoText } from "./lib/cells.ts";

const ch = chapter("16", "A character-level language model", { random: true });
torch.manualSeed(ch.flags.seed);
const F = nn.functional;

// ---- 1. The text as numbers ----------------------------------------------------------------

const text = readRepoText("datasets/little-lessons.txt");
const chars = [...new Set(text)].sort();
const index = new Map(chars.map((c, i) => [c, i]));
const encode = (s: string) => [...s].map((c) => index.get(c)!);
const decode = (ids: readonly number[]) => ids.map((i) => chars[i]).join("");
const ids = torch.tensor(encode(text), { dtype: torch.int64 });
const V = chars.length;

ch.cell("1 · The text as numbers — one id per distinct character", () => {
  console.log(`${text.length} characters, ${V} distinct:`, JSON.stringify(chars.join("")));
  console.log("'The lamp' ->", `[${encode("The lamp").join(", ")}]`);
  console.log("and back:", JSON.stringify(decode(encode("The lamp"))));
});

const SEQ = 32, BATCH = 16;

/** A batch of BATCH random windows of the text: inputs [BATCH, SEQ] and the same shifted by one. */
function batch(): [torch.Tensor, torch.Tensor] {
  const starts = torch.randint(0, ids.numel() - SEQ - 1, [BATCH]).tolist() as number[];
  const x = torch.stack(starts.map((s) => ids.slice([s, s + SEQ])));
  const y = torch.stack(starts.map((s) => ids.slice([s + 1, s + SEQ + 1])));
  return [x, y];
}

ch.cell("1 · Training pairs — each position's target is the next character", () => {
  const [x, y] = batch();
  console.log("x[0]:", JSON.stringify(decode(x.get(0).tolist() as number[])));
  console.log("y[0]:", JSON.stringify(decode(y.get(0).tolist() as number[])));
  console.log("shapes:", x.shape, y.shape);
});

/** Trains `model` (ids [B, T] -> logits [B, T, V]) for `steps` steps; prints the loss now and then. */
function train(model: nn.Module, optimizer: optim.Optimizer, steps: number, scheduler?: { step(): void }): void {
  model.train();
  let running = 0;
  for (let step = 1; step <= steps; step++) {
    // torch.tidy: this step's memory goes to the next step (JavaScript would free it late)
    running += torch.tidy(() => {
      const [x, y] = batch();
      const logits = model(x) as torch.Tensor;
      const loss = F.crossEntropy(logits.reshape(-1, V), y.reshape(-1));
      optimizer.zeroGrad();
      loss.backward();
      nn.utils.clipGradNorm_(model.parameters(), 1.0);
      optimizer.step();
      scheduler?.step();
      return loss.item();
    });
    if (step % 50 === 0 || step === steps) {
      console.log(`step ${String(step).padStart(4)}  loss ${(running / (step % 50 === 0 ? 50 : step % 50)).toFixed(3)}`);
      running = 0;
    }
  }
}

/** Writes `length` characters after `prompt`, each drawn from the model's softmax at `temperature`. */
function sample(model: nn.Module, prompt: string, length: number, temperature = 0.8, context = SEQ): string {
  model.eval();
  const out = encode(prompt);
  torch.noGrad(() => {
    for (let i = 0; i < length; i++) {
      const x = torch.tensor([out.slice(-context)], { dtype: torch.int64 });
      const logits = (model(x) as torch.Tensor).get(0).get(-1); // the last position's scores
      const next = torch.multinomial(F.softmax(logits.div(temperature), 0), 1).item();
      out.push(next);
    }
  });
  return decode(out);
}

// ---- 2. A recurrent model: Embedding -> GRU -> Linear ------------------------------------------

class CharGRU extends nn.Module {
  embed = new nn.Embedding(V, 32);
  gru = new nn.GRU(32, 96, { batchFirst: true });
  head = new nn.Linear(96, V);
  override forward(x: torch.Tensor): torch.Tensor {
    const [h] = this.gru(this.embed(x)) as unknown as [torch.Tensor, torch.Tensor];
    return this.head(h);
  }
}

const steps = Math.min(200 * ch.flags.epochs, ch.flags.limit);
let gruModel: CharGRU;

ch.cell("2 · A GRU reads the characters — the model and its size", () => {
  gruModel = new CharGRU();
  console.log(String(gruModel));
  console.log("parameters:", gruModel.parameters().reduce((n, p) => n + p.numel(), 0));
  console.log("untrained, it writes:", JSON.stringify(sample(gruModel, "The ", 60)));
});

ch.cell("2 · Training the GRU — Adam, cross-entropy on every position", () => {
  const t0 = performance.now();
  train(gruModel, new optim.Adam(gruModel.parameters(), { lr: 0.01 }), steps);
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
});

ch.cell("2 · The GRU writes — sampled one character at a time", () => {
  console.log(sample(gruModel, "The ", 200));
});

// ---- 3. Attention: each character looks back at the ones before it -----------------------------

/** One head of causal self-attention, written out: scores q·kᵀ / sqrt(d), the future masked to
 *  -inf with a lower-triangular mask, softmax over the past, and a weighted mix of the values. */
class CausalSelfAttention extends nn.Module {
  query: nn.Linear;
  key: nn.Linear;
  value: nn.Linear;
  out: nn.Linear;
  constructor(readonly dim: number) {
    super();
    this.query = new nn.Linear(dim, dim);
    this.key = new nn.Linear(dim, dim);
    this.value = new nn.Linear(dim, dim);
    this.out = new nn.Linear(dim, dim);
  }
  override forward(x: torch.Tensor): torch.Tensor {
    const T = x.size(1);
    const q = this.query(x), k = this.key(x), v = this.value(x);
    const scores = q.matmul(k.transpose(1, 2)).div(Math.sqrt(this.dim)); // [B, T, T]
    const future = torch.tril(torch.ones(T, T)).eq(0); // true above the diagonal
    const weights = F.softmax(scores.maskedFill(future, -Infinity), -1);
    return this.out(weights.matmul(v));
  }
}

/** Embedding + position embedding, one transformer block (pre-LayerNorm, attention and a GELU MLP,
 *  each added back), a final LayerNorm and a linear head. */
class TinyTransformer extends nn.Module {
  tokens = new nn.Embedding(V, 64);
  positions = new nn.Embedding(SEQ, 64);
  norm1 = new nn.LayerNorm(64);
  attention = new CausalSelfAttention(64);
  norm2 = new nn.LayerNorm(64);
  mlp = new nn.Sequential(new nn.Linear(64, 256), new nn.GELU(), new nn.Linear(256, 64));
  normOut = new nn.LayerNorm(64);
  head = new nn.Linear(64, V);
  override forward(x: torch.Tensor): torch.Tensor {
    const T = x.size(1);
    let h = this.tokens(x).add(this.positions(torch.arange(T)));
    h = h.add(this.attention(this.norm1(h)));
    h = h.add(this.mlp(this.norm2(h)));
    return this.head(this.normOut(h));
  }
}

let attnModel: TinyTransformer;

ch.cell("3 · The mask — position t may look at positions 0..t only", () => {
  const scores = torch.zeros(4, 4);
  const masked = scores.maskedFill(torch.tril(torch.ones(4, 4)).eq(0), -Infinity);
  console.log(String(masked));
  console.log(String(F.softmax(masked, -1)));
});

ch.cell("3 · Training the attention block — AdamW with a one-cycle learning rate", () => {
  attnModel = new TinyTransformer();
  console.log("parameters:", attnModel.parameters().reduce((n, p) => n + p.numel(), 0));
  const optimizer = new optim.AdamW(attnModel.parameters(), { lr: 1e-2, weightDecay: 0.01 });
  const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, { maxLr: 1e-2, totalSteps: Math.max(steps, 1) });
  const t0 = performance.now();
  train(attnModel, optimizer, steps, scheduler);
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
});

ch.cell("3 · The attention block writes", () => {
  console.log(sample(attnModel, "The ", 200));
});
