// The one seeded generator behind every random number in the library: rand, randn, initialisers,
// Dropout, DataLoader shuffling and splits. Same seed, same numbers, every run.
//
// xoshiro128** (Blackman & Vigna): four 32-bit words of state, fast and good enough for training.
// It will not reproduce PyTorch's own random numbers (PyTorch uses MT19937); only our runs repeat.

const DEFAULT_SEED = 0;
const state = new Uint32Array(4);
let spareNormal: number | null = null;

/** Seeds the global generator (like torch.manual_seed). */
export function manualSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`manualSeed: expected a finite number, got ${seed}`);
  // splitmix32 spreads one number over the four state words, so seeds 0, 1, 2... start far apart.
  let s = Math.trunc(seed) >>> 0;
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  spareNormal = null;
}
manualSeed(DEFAULT_SEED);

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Next 32 random bits as an unsigned integer. */
export function nextUint32(): number {
  const result = Math.imul(rotl(Math.imul(state[1]!, 5) >>> 0, 7), 9) >>> 0;
  const t = (state[1]! << 9) >>> 0;
  state[2]! ^= state[0]!;
  state[3]! ^= state[1]!;
  state[1]! ^= state[2]!;
  state[0]! ^= state[3]!;
  state[2]! ^= t;
  state[3] = rotl(state[3]!, 11);
  return result;
}

/** Uniform in [0, 1) with 24 random bits, so every value is exactly representable in float32. */
export function random(): number {
  return (nextUint32() >>> 8) / 16777216;
}

/** Standard normal by the Box-Muller transform (two uniforms give two normals; the spare is kept). */
export function randomNormal(): number {
  if (spareNormal !== null) {
    const z = spareNormal;
    spareNormal = null;
    return z;
  }
  let u1 = random();
  while (u1 === 0) u1 = random(); // log(0) is -Infinity
  const u2 = random();
  const radius = Math.sqrt(-2 * Math.log(u1));
  spareNormal = radius * Math.sin(2 * Math.PI * u2);
  return radius * Math.cos(2 * Math.PI * u2);
}

/** A random permutation of 0..n-1 (Fisher-Yates), like torch.randperm. */
export function randperm(n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(((nextUint32() * 4294967296 + nextUint32()) / 18446744073709551616) * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
