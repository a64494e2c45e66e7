// The gate arithmetic of one GRU or LSTM time step as loops of their own, forward and backward:
// the readable cell in nn/modules/rnn.ts is a dozen tensor ops a step, each a node of the graph.
// Each value is rounded to float32 where PyTorch's CPU cell rounds it (one op at a time), when the
// arrays are float32.
import type { DataArray } from "../../tensor/dtype.ts";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** GRU, for each of `rows` rows of `hidden` units, from xw = x W_ih^T + b_ih and hw = h W_hh^T + b_hh
 *  (gates r, z, n side by side, 3 * hidden a row):
 *    r = sigmoid(xr + hr), z = sigmoid(xz + hz), n = tanh(xn + r * hn), h' = (h - n) * z + n.
 *  Keeps r, z, n (rows x 3 * hidden, in that order) for the backward. */
export function gruCell(xw: DataArray, hw: DataArray, h: DataArray, rows: number, hidden: number, out: DataArray, kept: DataArray): void {
  const single = out instanceof Float32Array;
  const f = (v: number) => (single ? Math.fround(v) : v); // one function, so the engine inlines it
  for (let row = 0; row < rows; row++) {
    const g = row * 3 * hidden, at = row * hidden;
    for (let j = 0; j < hidden; j++) {
      const r = f(sigmoid(f(xw[g + j]! + hw[g + j]!)));
      const z = f(sigmoid(f(xw[g + hidden + j]! + hw[g + hidden + j]!)));
      const n = f(Math.tanh(f(xw[g + 2 * hidden + j]! + f(r * hw[g + 2 * hidden + j]!))));
      kept[g + j] = r;
      kept[g + hidden + j] = z;
      kept[g + 2 * hidden + j] = n;
      out[at + j] = f(f(f(h[at + j]! - n) * z) + n);
    }
  }
}

/** The GRU step's gradients from dh' (gradOut): for xw, for hw (both rows x 3 * hidden) and for h. */
export function gruCellBackward(gradOut: DataArray, hw: DataArray, h: DataArray, kept: DataArray, rows: number, hidden: number,
  dxw: DataArray, dhw: DataArray, dh: DataArray): void {
  for (let row = 0; row < rows; row++) {
    const g = row * 3 * hidden, at = row * hidden;
    for (let j = 0; j < hidden; j++) {
      const r = kept[g + j]!, z = kept[g + hidden + j]!, n = kept[g + 2 * hidden + j]!, go = gradOut[at + j]!;
      const dn = go * (1 - z) * (1 - n * n); // through tanh
      const dz = go * (h[at + j]! - n) * z * (1 - z); // through sigmoid
      const dr = dn * hw[g + 2 * hidden + j]! * r * (1 - r);
      dxw[g + j] = dr;
      dhw[g + j] = dr;
      dxw[g + hidden + j] = dz;
      dhw[g + hidden + j] = dz;
      dxw[g + 2 * hidden + j] = dn;
      dhw[g + 2 * hidden + j] = dn * r;
      dh[at + j] = go * z;
    }
  }
}

/** LSTM, for each row, from gates = xw + hw (i, f, g, o side by side, 4 * hidden a row) and the cell c:
 *    c' = sigmoid(f) * c + sigmoid(i) * tanh(g), h' = sigmoid(o) * tanh(c').
 *  out holds [h', c'] side by side (2 * hidden a row); kept the activated gates i, f, g, o. */
export function lstmCell(xw: DataArray, hw: DataArray, c: DataArray, rows: number, hidden: number, out: DataArray, kept: DataArray): void {
  const single = out instanceof Float32Array;
  const f = (v: number) => (single ? Math.fround(v) : v); // one function, so the engine inlines it
  for (let row = 0; row < rows; row++) {
    const g = row * 4 * hidden, at = row * hidden, o2 = row * 2 * hidden;
    for (let j = 0; j < hidden; j++) {
      const ig = f(sigmoid(f(xw[g + j]! + hw[g + j]!)));
      const fg = f(sigmoid(f(xw[g + hidden + j]! + hw[g + hidden + j]!)));
      const gg = f(Math.tanh(f(xw[g + 2 * hidden + j]! + hw[g + 2 * hidden + j]!)));
      const og = f(sigmoid(f(xw[g + 3 * hidden + j]! + hw[g + 3 * hidden + j]!)));
      kept[g + j] = ig;
      kept[g + hidden + j] = fg;
      kept[g + 2 * hidden + j] = gg;
      kept[g + 3 * hidden + j] = og;
      const cy = f(f(fg * c[at + j]!) + f(ig * gg));
      out[o2 + hidden + j] = cy;
      out[o2 + j] = f(og * f(Math.tanh(cy)));
    }
  }
}

/** The LSTM step's gradients from the gradient of [h', c'] (gradOut, 2 * hidden a row): for the
 *  gates (the same for xw and hw, whose sum they are; 4 * hidden a row) and for c. */
export function lstmCellBackward(gradOut: DataArray, c: DataArray, out: DataArray, kept: DataArray, rows: number, hidden: number,
  dgates: DataArray, dc: DataArray): void {
  for (let row = 0; row < rows; row++) {
    const g = row * 4 * hidden, at = row * hidden, o2 = row * 2 * hidden;
    for (let j = 0; j < hidden; j++) {
      const ig = kept[g + j]!, fg = kept[g + hidden + j]!, gg = kept[g + 2 * hidden + j]!, og = kept[g + 3 * hidden + j]!;
      const t = Math.tanh(out[o2 + hidden + j]!), gh = gradOut[o2 + j]!;
      const dcy = gradOut[o2 + hidden + j]! + gh * og * (1 - t * t);
      dgates[g + j] = dcy * gg * ig * (1 - ig);
      dgates[g + hidden + j] = dcy * c[at + j]! * fg * (1 - fg);
      dgates[g + 2 * hidden + j] = dcy * ig * (1 - gg * gg);
      dgates[g + 3 * hidden + j] = gh * t * og * (1 - og);
      dc[at + j] = dcy * fg;
    }
  }
}
