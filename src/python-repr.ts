// Values as Python prints them, for the reprs that copy PyTorch's: module settings
// (Linear(in_features=4, ..., bias=True)), transforms (Normalize(mean=(0.5,), ...)).

/** True / False. */
export function pyBool(b: boolean): string {
  return b ? "True" : "False";
}

/** A float as Python's repr prints it: 0.5, 1.0, 1e-05 (scientific below 1e-4 and from 1e16). */
export function pyFloat(x: number): string {
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exponent] = x.toExponential().split("e") as [string, string]; // shortest digits, as Python
    const sign = exponent.startsWith("-") ? "-" : "+";
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** A number, None, or a tuple of them, numbers as given: 2, None, (2, 2), (0.5,) (a 1-tuple keeps its comma). */
export function pyValue(value: number | null | readonly (number | null)[]): string {
  if (value === null) return "None";
  if (typeof value === "number") return String(value);
  return value.length === 1 ? `(${pyValue(value[0]!)},)` : `(${value.map(pyValue).join(", ")})`;
}
