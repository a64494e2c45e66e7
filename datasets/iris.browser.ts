// sklearn.datasets.load_iris() in a browser: iris.csv fetched from a URL. Fetching is asynchronous
// and load_iris is not, so either `const iris = await fetchIris(url)`, or fetch once and call
// loadIris() afterwards as in Node (what the course's pages do, so a chapter's code runs unchanged).
import { irisFromCsv, type Iris } from "./iris-csv.ts";

export { IRIS_FEATURE_NAMES, IRIS_TARGET_NAMES, parseIrisCsv, type Iris } from "./iris-csv.ts";

let csv: string | null = null;

/** Fetches iris.csv from `url` (relative to the page, or absolute) and returns the data set. */
export async function fetchIris(url: string | URL): Promise<Iris> {
  const address = new URL(String(url), (globalThis as { location?: { href: string } }).location?.href);
  const response = await fetch(address);
  if (!response.ok) throw new Error(`loadIris: fetching ${address} gave HTTP ${response.status} ${response.statusText}`);
  csv = await response.text();
  return irisFromCsv(csv);
}

/** sklearn.datasets.load_iris(), from the file fetchIris fetched. */
export function loadIris(): Iris {
  if (csv === null) throw new Error("loadIris: in a browser, await fetchIris(url) first (url: where iris.csv is served)");
  return irisFromCsv(csv);
}
