// web/inspect.ts writes console.log's text as Node does (a chapter page must print what the
// terminal prints): checked against Node's own util.format on random values of the kinds chapters
// log (numbers, strings, arrays short and long, nested plain objects, Maps, Sets, typed arrays) and
// on the library's values, whose custom inspect both use.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { format } from "node:util";
import * as torch from "../src/index.ts";
import { nn } from "../src/index.ts";
import { formatLog } from "../web/inspect.ts";

const number = fc.oneof(fc.integer({ min: -100000, max: 100000 }), fc.double({ noNaN: false }), fc.constantFrom(0, -0, 1e21, 1.5e-7));
const text = fc.string({ maxLength: 12 }).filter((s) => !s.includes("%"));
const leaf = fc.oneof(number, text, fc.boolean(), fc.constant(null), fc.constant(undefined));
const key = fc.oneof(fc.constantFrom("a", "b", "loss", "accuracy", "x_1"), fc.string({ minLength: 1, maxLength: 6 }));
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 8 }),
  object: fc.dictionary(key, tie("value"), { maxKeys: 5, noNullPrototype: true }),
})).value;

test("formatLog writes what Node's console.log writes, for random values", () => {
  fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), (args) => {
    assert.is(formatLog(args), format(...args));
  }), { numRuns: 400 });
});

test("long lists of numbers in columns, as Node sets them", () => {
  for (const list of [
    Array.from({ length: 30 }, (_, i) => i * 1000),
    Array.from({ length: 12 }, (_, i) => i / 7),
    Array.from({ length: 120 }, (_, i) => i),
    ["setosa", "versicolor", "virginica", "a", "b", "c", "d", "e"],
    Array.from({ length: 9 }, (_, i) => [i, i * i]),
  ]) assert.is(formatLog([list]), format(list));
  assert.is(formatLog([new Map<string, unknown>([["a", 1], ["b", [1, 2]]]), new Set([1, "x"])]), format(new Map<string, unknown>([["a", 1], ["b", [1, 2]]]), new Set([1, "x"])));
  assert.is(formatLog([new Float32Array([1, 2.5, -0])]), format(new Float32Array([1, 2.5, -0])));
  assert.is(formatLog(["loss:", 0.25, "at", [1, 2]]), format("loss:", 0.25, "at", [1, 2]));
});

test("the library's values (tensors, modules, sizes) print through their custom inspect, inside lists too", () => {
  torch.manualSeed(0);
  const values: unknown[] = [
    torch.tensor([[1, 2], [3, 4.5]]), torch.randn(3).size(), new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()),
    [torch.tensor(1), torch.tensor([1, 2])], { weight: torch.ones(2, 2) }, torch.int64,
  ];
  for (const v of values) assert.is(formatLog([v]), format(v));
  assert.is(formatLog(["w:", torch.zeros(2)]), format("w:", torch.zeros(2)));
});

test.run();
