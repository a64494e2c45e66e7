// The iris CSV against scikit-learn's published figures: column sums, known rows, class counts;
// loadIris() shapes and dtypes.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadIris, parseIrisCsv } from "../datasets/iris.ts";

const csv = readFileSync(new URL("../datasets/iris.csv", import.meta.url), "utf8");

/** Row r of a flat [n, 4] array as plain numbers rounded to one decimal (the CSV's precision). */
const row = (f: Float64Array, r: number) => [...f.subarray(r * 4, r * 4 + 4)].map((x) => Math.round(x * 10) / 10);

test("parseIrisCsv: 150 rows, scikit-learn's column sums", () => {
  const { features, targets } = parseIrisCsv(csv);
  assert.is(features.length, 600);
  assert.is(targets.length, 150);
  const sums = [0, 0, 0, 0];
  features.forEach((x, i) => (sums[i % 4]! += x));
  [876.5, 458.6, 563.7, 179.9].forEach((want, j) =>
    assert.ok(Math.abs(sums[j]! - want) < 1e-3, `column ${j}: sum ${sums[j]}, expected ${want}`),
  );
});

test("parseIrisCsv: scikit-learn's rows 0, 34, 37, 50, 149", () => {
  const { features, targets } = parseIrisCsv(csv);
  assert.equal(row(features, 0), [5.1, 3.5, 1.4, 0.2]);
  assert.equal(row(features, 34), [4.9, 3.1, 1.5, 0.2]); // corrected from UCI's 0.1
  assert.equal(row(features, 37), [4.9, 3.6, 1.4, 0.1]); // corrected from UCI's 4.9,3.1,1.5,0.1
  assert.equal(row(features, 50), [7.0, 3.2, 4.7, 1.4]);
  assert.equal(row(features, 149), [5.9, 3.0, 5.1, 1.8]);
  assert.equal([targets[0], targets[50], targets[149]], [0, 1, 2]);
});

test("parseIrisCsv: 50 of each class, in order", () => {
  const { targets } = parseIrisCsv(csv);
  targets.forEach((t, i) => assert.is(t, Math.floor(i / 50), `row ${i}`));
});

test("parseIrisCsv: a malformed line names its line number", () => {
  assert.throws(() => parseIrisCsv("header\n5.1,3.5,1.4,0.2,0\n5.1,x,1.4,0.2,0\n"), /line 3/);
  assert.throws(() => parseIrisCsv("header\n5.1,3.5,1.4,0\n"), /line 2/);
});

test("loadIris: shapes, dtypes, names", () => {
  const iris = loadIris();
  assert.equal([...iris.data.shape], [150, 4]);
  assert.equal([...iris.target.shape], [150]);
  assert.is(iris.data.dtype.name, "float64");
  assert.is(iris.target.dtype.name, "int64");
  assert.ok(iris.data.data instanceof Float64Array);
  assert.equal(row(iris.data.data, 50), [7.0, 3.2, 4.7, 1.4]);
  assert.is(iris.target.data[149], 2);
  assert.equal(iris.featureNames, ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]);
  assert.equal(iris.targetNames, ["setosa", "versicolor", "virginica"]);
});

test.run();
