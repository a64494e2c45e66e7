// sklearn.datasets.load_iris() in Node: datasets/iris.csv read from disk (the data set and its
// parser are in iris-csv.ts; iris.browser.ts fetches the same file in a browser).
import { readFileSync } from "node:fs";
import { irisFromCsv, type Iris } from "./iris-csv.ts";

export { IRIS_FEATURE_NAMES, IRIS_TARGET_NAMES, parseIrisCsv, type Iris } from "./iris-csv.ts";

/** sklearn.datasets.load_iris(): data [150, 4] float64 (as NumPy gives it to torch.tensor), target [150] int64. */
export function loadIris(): Iris {
  return irisFromCsv(readFileSync(new URL("./iris.csv", import.meta.url), "utf8"));
}
