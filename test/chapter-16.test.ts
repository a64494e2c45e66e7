// Chapter 16, beyond the articles: the character-level model's cells as a reader runs them, with
// the training cut to 60 steps a model (--limit 60). The text's alphabet and encoding, the shifted
// targets, the GRU's repr, the causal mask and its softmax exactly; the losses falling well below
// an untrained model's (ln 41 = 3.71); both models writing text.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { has, hasBlock, runChapter } from "./run-chapter.ts";

const run = runChapter("16-character-model", ["--limit", "60"], 240_000);

test("the text as ids, the training pairs, and the GRU model", async () => {
  const out = await run;
  has(out, '2320 characters, 41 distinct: "\\n ,.:ABDEFILRSTWabcdefghiklmnopqrstuvwxyz"');
  has(out, "'The lamp' -> [14, 23, 20, 1, 26, 16, 27, 30]");
  has(out, 'and back: "The lamp"');
  has(out, "shapes: torch.Size([16, 32]) torch.Size([16, 32])");
  const [x, y] = [/^x\[0\]: "(.*)"$/m.exec(out)![1]!, /^y\[0\]: "(.*)"$/m.exec(out)![1]!];
  assert.is(x.slice(1), y.slice(0, -1), "the targets are the inputs shifted by one");
  hasBlock(out, "CharGRU(\n  (embed): Embedding(41, 32)\n  (gru): GRU(32, 96, batch_first=True)\n  (head): Linear(in_features=96, out_features=41, bias=True)\n)");
  has(out, "parameters: 42729");
});

test("the mask, the losses falling, and text written by both models", async () => {
  const out = await run;
  hasBlock(out, "tensor([[0., -inf, -inf, -inf],\n        [0., 0., -inf, -inf],\n        [0., 0., 0., -inf],\n        [0., 0., 0., 0.]])");
  hasBlock(out, "tensor([[1.0000, 0.0000, 0.0000, 0.0000],\n        [0.5000, 0.5000, 0.0000, 0.0000],\n        [0.3333, 0.3333, 0.3333, 0.0000],");
  const losses = [...out.matchAll(/^step +(\d+) +loss (\d+\.\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(losses.map(([s]) => s), [50, 60, 50, 60], "each model trains 60 steps");
  assert.ok(losses[1]![1]! < 2.6, `the GRU's loss falls from ln 41 = 3.71: ${losses[1]![1]}`);
  assert.ok(losses[3]![1]! < 3.2, `the attention block's loss falls: ${losses[3]![1]}`);
  has(out, "parameters: 57449");
  assert.is([...out.matchAll(/^── \d · The (GRU|attention block) writes/gm)].length, 2);
});

test.run();
