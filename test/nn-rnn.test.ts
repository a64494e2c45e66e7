// RNN, LSTM and GRU against PyTorch 2.13: the same weights (its state dict, loaded), the same input,
// the same outputs, final states and gradients (test/fixtures/rnn-golden.json).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";

interface Golden { state: Record<string, { shape: number[]; values: number[] }>; x: number[]; y: number[]; yShape: number[]; loss: number; xGrad: number[]; wGrad: number[]; keys: string[]; repr: string }
const golden = JSON.parse(readFileSync(new URL("./fixtures/rnn-golden.json", import.meta.url), "utf8")) as Record<string, Golden>;

function close(got: ArrayLike<number>, want: number[], what: string): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!)), `${what}[${i}]: ${got[i]} against ${want[i]}`);
}

const makers: Record<string, () => nn.Module> = {
  LSTM: () => new nn.LSTM(3, 4, { numLayers: 2 }),
  GRU: () => new nn.GRU(3, 4, { batchFirst: true }),
  RNN: () => new nn.RNN(3, 4, { nonlinearity: "relu" }),
};

for (const [name, make] of Object.entries(makers)) {
  test(`${name}: PyTorch's parameter names, outputs, final state and gradients`, () => {
    const g = golden[name]!;
    const m = make() as unknown as nn.Module & { weight_hh_l0: torch.Tensor };
    const run = (input: torch.Tensor) => (m.forward as (x: torch.Tensor) => [torch.Tensor, torch.Tensor | [torch.Tensor, torch.Tensor]])(input);
    assert.equal([...m.stateDict().keys()], g.keys);
    assert.is(String(m), g.repr);
    m.loadStateDict(new Map(Object.entries(g.state).map(([k, v]) => [k, torch.tensor(v.values).reshape(v.shape)])));
    const x = torch.tensor(g.x, { requiresGrad: true }).reshape(5, 2, 3);
    const [y, state] = run(x);
    assert.equal([...y.shape], g.yShape);
    close(y.data, g.y, "output");
    const h = Array.isArray(state) ? state[0] : state;
    const loss = y.pow(2).sum().add(h.sum());
    close([loss.item()], [g.loss], "loss");
    loss.backward();
    close(m.weight_hh_l0.grad!.data, g.wGrad, "weight_hh_l0 gradient");
  });
}

test("recurrent layers: initial states, unbatched input, wrong shapes in words", () => {
  const lstm = new nn.LSTM(2, 3);
  const [y, [h, c]] = lstm.forward(torch.ones(4, 2));
  assert.equal([[...y.shape], [...h.shape], [...c.shape]], [[4, 3], [1, 3], [1, 3]]);
  const gru = new nn.GRU(2, 3, { numLayers: 2 });
  const [, hn] = gru.forward(torch.ones(4, 5, 2), torch.zeros(2, 5, 3));
  assert.equal([...hn.shape], [2, 5, 3]);
  assert.throws(() => gru.forward(torch.ones(4, 5, 2), torch.zeros(1, 5, 3)), /Expected hidden size \(2, 5, 3\), got \[1, 5, 3\]/);
  assert.throws(() => gru.forward(torch.ones(4, 5, 7)), /input.size\(-1\) must be equal to input_size. Expected 2, got 7/);
});

const bidirectional = JSON.parse(readFileSync(new URL("./fixtures/rnn-bidirectional-golden.json", import.meta.url), "utf8")) as Record<string, Golden & { h: number[]; hShape: number[] }>;
const biMakers: Record<string, [() => nn.Module, boolean]> = {
  BiLSTM: [() => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }), false],
  BiGRU: [() => new nn.GRU(3, 4, { batchFirst: true, bidirectional: true }), true],
  BiRNN: [() => new nn.RNN(3, 4, 2, "tanh", true, false, 0, true), false],
};

for (const [name, [make, batchFirst]] of Object.entries(biMakers)) {
  test(`${name}: bidirectional, as PyTorch's (the _reverse parameters, outputs of both directions side by side, final states)`, () => {
    const g = bidirectional[name]!;
    const m = make() as unknown as nn.Module & { weight_hh_l0_reverse: torch.Tensor };
    assert.equal([...m.stateDict().keys()], g.keys);
    assert.is(String(m), g.repr);
    m.loadStateDict(new Map(Object.entries(g.state).map(([k, v]) => [k, torch.tensor(v.values).reshape(v.shape)])));
    const x = torch.tensor(g.x).reshape(5, 2, 3).requiresGrad_();
    const [y, state] = (m.forward as (x: torch.Tensor) => [torch.Tensor, torch.Tensor | [torch.Tensor, torch.Tensor]])(batchFirst ? x.transpose(0, 1) : x);
    const h = Array.isArray(state) ? state[0] : state;
    assert.equal([[...y.shape], [...h.shape]], [g.yShape, g.hShape]);
    close(y.data, g.y, "output");
    close(h.data, g.h, "final state");
    const loss = y.pow(2).sum().add(h.sum());
    close([loss.item()], [g.loss], "loss");
    loss.backward();
    close(x.grad!.data, g.xGrad, "input gradient");
    close(m.weight_hh_l0_reverse.grad!.data, g.wGrad, "weight_hh_l0_reverse gradient");
  });
}

test.run();
