import type { DataArray } from "../../tensor/dtype.ts";

// Matrix multiply as a reader would write it: for every output cell, walk k. The i-k-j order
// keeps the innermost loop on contiguous rows of b and c, which is the one habit worth having here.
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: DataArray, b: DataArray, c: DataArray, accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, 0, m * n);
  if (transB) {
    // b is stored n×k: c[i][j] = sum_p a(i,p) * b[j][p] is a dot product of two contiguous rows.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const aip = transA ? a[p * m + i]! : a[i * k + p]!;
          sum += aip * b[j * k + p]!;
        }
        c[i * n + j] = c[i * n + j]! + sum;
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const cRow = i * n;
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i]! : a[i * k + p]!;
      const bRow = p * n;
      for (let j = 0; j < n; j++) c[cRow + j] = c[cRow + j]! + aip * b[bRow + j]!;
    }
  }
}
