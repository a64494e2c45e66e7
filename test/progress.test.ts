import { test } from "uvu";
import * as assert from "uvu/assert";
import * as torch from "../src/index.ts";
import { data } from "../src/index.ts";

/** A stream that records what is written, and a clock that moves one second per item. */
function setup(isTTY: boolean) {
  const writes: string[] = [];
  let ms = 0;
  return {
    writes,
    stream: { write: (text: string) => writes.push(text), isTTY },
    now: () => ms,
    tick: (seconds = 1) => { ms += seconds * 1000; },
  };
}

test("not on a terminal: a plain line now and then, and the final line, as tqdm prints them", () => {
  const s = setup(false);
  const seen: number[] = [];
  for (const x of torch.progress([1, 2, 3, 4, 5], { desc: "train", stream: s.stream, now: s.now, everySeconds: 2 })) {
    s.tick();
    seen.push(x);
  }
  assert.equal(seen, [1, 2, 3, 4, 5]);
  assert.equal(s.writes, [
    "train:  20%|████                | 1/5 [00:01<00:04, 1.00it/s]\n",
    "train:  60%|████████████        | 3/5 [00:03<00:02, 1.00it/s]\n",
    "train: 100%|████████████████████| 5/5 [00:05<00:00, 1.00it/s]\n",
  ]);
});

test("on a terminal: one line redrawn in place, write() above it, a newline at the end", () => {
  const s = setup(true);
  const bar = torch.progress([1, 2, 3], { stream: s.stream, now: s.now, print: (text) => s.writes.push(`<stdout>${text}`) });
  for (const x of bar) {
    s.tick(0.5);
    if (x === 2) bar.write("a loss line");
  }
  assert.equal(s.writes, [
    "\r 33%|██████▋             | 1/3 [00:00<00:01, 2.00it/s]\x1b[K",
    // the bar drawn again as it stands now: one item in one second
    "\r\x1b[K", "<stdout>a loss line", " 33%|██████▋             | 1/3 [00:01<00:02, 1.00it/s]",
    "\r 67%|█████████████▎      | 2/3 [00:01<00:00, 2.00it/s]\x1b[K",
    "\r100%|████████████████████| 3/3 [00:01<00:00, 2.00it/s]\x1b[K",
    "\r100%|████████████████████| 3/3 [00:01<00:00, 2.00it/s]\x1b[K\n",
  ]);
});

test("the total comes from a DataLoader's length; without one the bar counts; break closes the bar", () => {
  const loader = new data.DataLoader(new data.TensorDataset(torch.arange(10)), { batchSize: 3 });
  const s = setup(false);
  let batches = 0;
  for (const _ of torch.progress(loader, { stream: s.stream, now: s.now })) {
    s.tick();
    if (++batches === 2) break;
  }
  // the loop broke while holding the second batch, which is not counted as done (as tqdm)
  assert.equal(s.writes, [" 25%|█████               | 1/4 [00:01<00:03, 1.00it/s]\n"]);
  function* numbers() { yield* [1, 2, 3, 4, 5, 6, 7]; }
  const t = setup(false);
  for (const _ of torch.progress(numbers(), { stream: t.stream, now: t.now, unit: "img", everySeconds: 100 })) t.tick();
  assert.equal(t.writes, ["1img [00:01, 1.00img/s]\n", "7img [00:07, 1.00img/s]\n"]);
  assert.is(torch.formatInterval(3725), "1:02:05");
  assert.throws(() => torch.progress([1], { total: -1 }), /total must be >= 0, got -1/);
});

test.run();
