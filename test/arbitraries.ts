// fast-check generators shared by the suites: shapes, broadcast-compatible pairs, tensors whose
// values stay away from an op's kinks (minitorch's habit).
import fc from "fast-check";
import { fromArray, type Tensor } from "../src/index.ts";

export const shapeArb = (maxRank = 3, maxDim = 4): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: 0, maxLength: maxRank });

/** A shape and a second shape that broadcasts against it (leading dims dropped, some set to 1). */
export const broadcastPairArb: fc.Arbitrary<[number[], number[]]> = shapeArb(3, 4).chain((a) =>
  fc.tuple(fc.integer({ min: 0, max: a.length }), fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }), fc.boolean()).map(
    ([drop, ones, swap]) => {
      const b = a.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
      return (swap ? [b, a] : [a, b]) as [number[], number[]];
    },
  ),
);

/** Values in [lo, hi], optionally kept at least `gap` away from zero. */
export function valuesArb(n: number, lo = -2, hi = 2, gap = 0): fc.Arbitrary<Float32Array> {
  return fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: n, maxLength: n }).map((xs) =>
    Float32Array.from(xs.map((x) => (Math.abs(x) < gap ? (x < 0 ? -gap : gap) : x))),
  );
}

export function tensorArb(shape: number[], lo = -2, hi = 2, gap = 0, requiresGrad = true): fc.Arbitrary<Tensor> {
  const n = shape.reduce((a, b) => a * b, 1);
  return valuesArb(n, lo, hi, gap).map((data) => fromArray(data, shape, { requiresGrad }));
}

/** Max |a - b| over two arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
