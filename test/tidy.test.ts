// torch.tidy: a step's memory is reused by the next step, and nothing a user can still reach ever
// sees its memory reused: it keeps its values, or reading it is an error that says why.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as torch from "../src/index.ts";
import { nn, optim, Tensor } from "../src/index.ts";
import { emptyPool, pooledByteCount } from "../src/tensor/tidy.ts";
import { residentBlockOf } from "../src/kernels/index.ts";

const RELEASED = /made inside torch\.tidy\(\), whose memory is reused once it ends; return the tensor from the tidy function, or call torch\.keep\(t\)/;

/** A tidy that takes arrays of `lengths` from the pool and writes 7s into them. */
function overwrite(...lengths: number[]): void {
  torch.tidy(() => {
    for (const n of lengths) torch.zeros(n).add_(7);
  });
}

test("memory a tidy made goes to the pool, and the next tidy's ops take it from there", () => {
  emptyPool();
  const x = torch.rand(1000);
  torch.tidy(() => {
    x.mul(2).add(1).relu();
  });
  const pooled = pooledByteCount();
  assert.ok(pooled >= 3 * 4000, `pooled ${pooled} bytes`);
  torch.tidy(() => {
    x.mul(2);
  });
  assert.ok(pooledByteCount() >= pooled - 4000);
  torch.tidy(() => {
    x.mul(2);
    assert.ok(pooledByteCount() <= pooled - 4000); // the product's array came from the pool
  });
});

test("inside a tidy on the wasm backend, large arrays live in the kernels' memory, and the next tidy takes the same block", () => {
  if (torch.getBackend() !== "wasm") return;
  const x = torch.rand(4096);
  let first: unknown = null, second: unknown = null;
  torch.tidy(() => {
    first = residentBlockOf(x.mul(2)._data);
  });
  torch.tidy(() => {
    second = residentBlockOf(x.mul(3)._data);
  });
  assert.ok(first !== null, "a block of the kernels' memory");
  assert.is(second, first);
  // a small array, and any array outside a tidy, is an ordinary one
  torch.tidy(() => assert.is(residentBlockOf(x.narrow(0, 0, 10).mul(2)._data), null));
  assert.is(residentBlockOf(x.mul(2)._data), null);
});

test("a gradient made inside a tidy is moved out of the kernels' blocks, so they can be handed out again", () => {
  const w = torch.rand(4096, { requiresGrad: true });
  torch.tidy(() => w.mul(w).sum().backward());
  assert.is(residentBlockOf(w.grad!._data), null);
  const expected = w.detach().mul(2).tolist();
  overwrite(4096, 4096, 4096);
  assert.equal(w.grad!.tolist(), expected);
});

test("a tensor made inside and reached afterwards is an error when read, through any view or op", () => {
  let leaked: Tensor | null = null;
  let row: Tensor | null = null;
  torch.tidy(() => {
    leaked = torch.ones(2, 3).mul(5);
    row = leaked.select(0, 1);
  });
  overwrite(6, 6);
  assert.throws(() => leaked!.tolist(), RELEASED);
  assert.throws(() => String(leaked), RELEASED);
  assert.throws(() => leaked!.add(1), RELEASED);
  assert.throws(() => row!.tolist(), RELEASED);
  assert.throws(() => leaked!.data, RELEASED);
});

test("returned tensors keep their values, views of them too, however the pool is reused after", () => {
  const [a, row, dict] = torch.tidy(() => {
    const t = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3).mul(2);
    const scratch = t.add(100); // released: same length as t
    scratch.sum();
    return [t, t.select(0, 1), { u: t.exp().log() }];
  });
  overwrite(6, 6, 6, 6, 3);
  assert.equal(a.tolist(), [[0, 2, 4], [6, 8, 10]]);
  assert.equal(row.tolist(), [6, 8, 10]);
  assert.equal(dict.u.round().tolist(), [[0, 2, 4], [6, 8, 10]]);
  // a returned view alone keeps its base's memory
  const view = torch.tidy(() => torch.arange(8, { dtype: torch.float32 }).add(1).narrow(0, 2, 3));
  overwrite(8, 8, 8);
  assert.equal(view.tolist(), [3, 4, 5]);
});

test("a second storage over the same memory keeps it: released only when nothing surviving lies over it", () => {
  const alias = torch.tidy(() => {
    const t = torch.arange(6, { dtype: torch.float32 }).add(1);
    return new Tensor(t._data, [2, 3]); // another storage over t's array (the library makes such pairs)
  });
  overwrite(6, 6, 6);
  assert.equal(alias.tolist(), [[1, 2, 3], [4, 5, 6]]);
});

test("an array user code took from .data, a kept tensor and a module's tensors are never reused", () => {
  let array: Float32Array | null = null;
  let kept: Tensor | null = null;
  const holder = new nn.Module() as nn.Module & { cache?: Tensor };
  torch.tidy(() => {
    array = torch.full([5], 3).mul(1).data as Float32Array;
    kept = torch.keep(torch.full([5], 4).mul(1));
    holder.cache = torch.full([5], 5).mul(1);
  });
  overwrite(5, 5, 5, 5, 5);
  assert.equal([...array!], [3, 3, 3, 3, 3]);
  assert.equal(kept!.tolist(), [4, 4, 4, 4, 4]);
  assert.equal(holder.cache!.tolist(), [5, 5, 5, 5, 5]);
});

test("the copy .data gives of a non-contiguous view is the caller's: no later tidy reuses it", () => {
  let copy: Float32Array | null = null;
  torch.tidy(() => {
    const t = torch.arange(2048, { dtype: torch.float32 }).reshape(32, 64).mul(1);
    copy = t.t().data as Float32Array; // a transposed view: .data is a row-major copy
  });
  const before = [...copy!];
  overwrite(2048, 2048, 2048, 2048);
  assert.equal([...copy!], before);
});

test("optimiser state loaded inside a tidy is the optimiser's, untouched by later tidies", () => {
  for (const make of [(ps: Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 }), (ps: Tensor[]) => new optim.Adam(ps), (ps: Tensor[]) => new optim.RMSprop(ps, { momentum: 0.5, centered: true })]) {
    const w = new nn.Parameter(torch.rand(4096));
    const first = make([w]);
    for (let i = 0; i < 2; i++) {
      first.zeroGrad();
      w.mul(w).sum().backward();
      first.step();
    }
    const saved = first.stateDict();
    const second = make([w]);
    torch.tidy(() => second.loadStateDict(saved));
    overwrite(4096, 4096, 4096, 4096, 4096, 4096);
    const values = (o: typeof first) => Object.entries(o.stateDict().state.get(0)!).map(([k, v]) => [k, v instanceof Tensor ? v.tolist() : v]);
    assert.equal(values(second), values(first));
  }
});

test("nested tidies: what the inner one returns belongs to the outer one, which releases it unless returned", () => {
  let inner: Tensor | null = null;
  const outer = torch.tidy(() => {
    inner = torch.tidy(() => torch.full([4], 2).mul(3));
    overwrite(4, 4);
    assert.equal(inner.tolist(), [6, 6, 6, 6]);
    return torch.tidy(() => inner!.add(1));
  });
  overwrite(4, 4, 4);
  assert.equal(outer.tolist(), [7, 7, 7, 7]);
  assert.throws(() => inner!.tolist(), RELEASED);
});

test("training inside tidy gives the same bits as without, and parameters, gradients and state survive", () => {
  class Net extends nn.Module {
    conv = new nn.Conv2d(1, 4, 3, { padding: 1 });
    bn = new nn.BatchNorm2d(4);
    fc = new nn.Linear(4 * 4 * 4, 3);
    override forward(x: Tensor): Tensor {
      return this.fc(nn.functional.maxPool2d(nn.functional.relu(this.bn(this.conv(x))), 2).flatten(1));
    }
  }
  const run = (useTidy: boolean, Opt: "sgd" | "adam") => {
    torch.manualSeed(3);
    const net = new Net();
    const opt = Opt === "sgd" ? new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 }) : new optim.Adam(net.parameters(), { lr: 0.01 });
    const x = torch.randn(6, 1, 8, 8), y = torch.tensor([0, 1, 2, 0, 1, 2], { dtype: torch.int64 });
    const losses: number[] = [];
    const step = () => {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(net(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    };
    for (let i = 0; i < 5; i++) losses.push(useTidy ? torch.tidy(step) : step());
    const grads = net.parameters().map((p) => p.grad!.tolist());
    return { losses, state: [...net.stateDict().values()].map((t) => t.tolist()), grads, out: torch.noGrad(() => net(x)).tolist() };
  };
  for (const opt of ["sgd", "adam"] as const) {
    const plain = run(false, opt), tidied = run(true, opt);
    assert.equal(tidied.losses, plain.losses);
    assert.equal(tidied.state, plain.state);
    assert.equal(tidied.grads, plain.grads);
    assert.equal(tidied.out, plain.out);
  }
});

test("a graph made inside cannot leave: returning it is an error, and backward through a leaked one too", () => {
  const w = torch.tensor([1, 2, 3], { requiresGrad: true });
  assert.throws(() => torch.tidy(() => w.mul(2).sum()), /tidy: fn returned a tensor whose grad_fn was made inside it.*return t\.detach\(\)/);
  let leaked: Tensor | null = null;
  torch.tidy(() => {
    leaked = w.mul(w).sum();
  });
  assert.throws(() => leaked!.backward(), /SumBackward0 was recorded inside a torch\.tidy\(\) that has ended/);
  assert.is(w.grad, null);
  // detached, or backward inside: fine
  const d = torch.tidy(() => w.mul(2).detach());
  assert.equal(d.tolist(), [2, 4, 6]);
  torch.tidy(() => w.mul(w).sum().backward());
  assert.equal(w.grad!.tolist(), [2, 4, 6]);
});

test("an error inside fn releases what it made and passes through; bad arguments are errors", () => {
  let made: Tensor | null = null;
  assert.throws(() => torch.tidy(() => {
    made = torch.ones(3).mul(2);
    throw new Error("boom");
  }), /boom/);
  assert.throws(() => made!.tolist(), RELEASED);
  assert.throws(() => torch.tidy(42 as never), /tidy: expected a function, got number/);
  assert.throws(() => torch.tidy(async () => torch.ones(2).mul(2)), /tidy: fn returned a Promise; tidy takes a synchronous function/);
  assert.throws(() => torch.keep(3 as never), /keep: expected a Tensor, got number/);
});

test("property: whatever a tidy returns, views included, reads the same after any later tidies", () => {
  fc.assert(
    fc.property(
      // short arrays go to the pool, long ones (on the wasm backend) to the kernels' blocks
      fc.array(fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1024, max: 1030 })), { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(5), { maxLength: 4 }),
      fc.array(fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1024, max: 1030 })), { maxLength: 8 }),
      (lengths, picks, later) => {
        const made = torch.tidy(() => {
          const ts = lengths.map((n, i) => torch.arange(n, { dtype: torch.float32 }).add(i * 100).mul(1));
          const chosen = picks.map((p) => ts[p % ts.length]!);
          return chosen.map((t, i) => (i % 2 ? t.narrow(0, 0, Math.max(1, t.shape[0]! >> 1)) : t.reshape(-1)));
        });
        const before = made.map((t) => t.tolist());
        overwrite(...lengths, ...later);
        torch.tidy(() => lengths.map((n) => torch.ones(n).mul(-1)));
        assert.equal(made.map((t) => t.tolist()), before);
      },
    ),
    { numRuns: 200 },
  );
});

test.run();
