// A line chart as an SVG string: enough for a loss curve or a training history, no dependency.
// The caller writes the string to a file (src/ has no node: imports).
import * as A from "../args.ts";

/** One line of a chart: its y values (and x, or 1..n), a legend name, and how it is drawn. */
export interface Series {
  name: string;
  /** x values; defaults to 1..n (epochs counted from 1). */
  x?: readonly number[];
  /** y values; NaN or ±Infinity leaves a gap in the line. */
  y: readonly number[];
  /** draw a dot at every point */
  marker?: boolean;
  /** any SVG colour; defaults to the next colour of the palette */
  color?: string;
}

/** A dotted guide line between two points in data coordinates (matplotlib's hlines/vlines with linestyle=':'). */
export interface Guide {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A single annotated point, e.g. "w = 1.95, loss = 0.0025" on a loss curve. */
export interface Annotation {
  x: number;
  y: number;
  label?: string;
}

/** What lineChart draws: the series, the title and axis labels, annotated points, guides, the size in pixels. */
export interface LineChartOptions {
  series: readonly Series[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  points?: readonly Annotation[];
  /** dotted guide lines, drawn under the series */
  guides?: readonly Guide[];
  width?: number;
  height?: number;
  /** fix an end of an axis (e.g. accuracy from 0 to 1); the other ends come from the data */
  xMin?: number;
  xMax?: number;
  yMin?: number;
  yMax?: number;
}

// matplotlib's "tab10": ten colours people can tell apart.
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** Colour i: the palette first, then hues spaced by the golden angle so they stay apart. */
export function seriesColor(i: number): string {
  return i < PALETTE.length ? PALETTE[i]! : `hsl(${Math.round((i * 137.508) % 360)}, 65%, 45%)`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

export interface Ticks {
  /** the axis range, widened to whole steps */
  min: number;
  max: number;
  step: number;
  values: number[];
}

/**
 * "Nice" ticks for [min, max]: a step of 1, 2 or 5 times a power of ten giving about `count`
 * intervals, and the range widened outwards to multiples of the step. An empty range (one
 * point, a constant series) is first widened around its value so the axis still has ticks.
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): Ticks {
  if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [0, 1];
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    [min, max] = [min - pad, max + pad];
  }
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  // round the rough step to the nearest of 1, 2, 5, 10 (thresholds at their geometric means)
  const nice = (fraction < Math.SQRT2 ? 1 : fraction < Math.sqrt(10) ? 2 : fraction < Math.sqrt(50) ? 5 : 10) * power;
  const step = integer ? Math.max(1, nice) : nice; // epochs: no tick at 1.5
  // a small slack, so 0.30000000000000004 / 0.1 (or float32's 1.8999999761) does not add a whole extra step
  const first = Math.floor(min / step + 1e-6);
  const last = Math.ceil(max / step - 1e-6);
  const decimals = tickDecimals(step);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(Number((i * step).toFixed(decimals)));
  return { min: values[0]!, max: values.at(-1)!, step, values };
}

/** Decimals needed to print multiples of `step` exactly (a 1-2-5 step has one significant digit). */
function tickDecimals(step: number): number {
  return Math.min(20, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** A tick label: as many decimals as the step needs; exponent form for very large or tiny values. */
export function formatTick(value: number, step: number): string {
  if (Math.abs(value) >= 1e6 || step < 1e-4) return value === 0 ? "0" : Number(value.toPrecision(6)).toExponential();
  return (value + 0).toFixed(tickDecimals(step)); // + 0 turns -0 into 0
}

/** Short numbers in the SVG text: two decimals of a pixel are plenty. */
const px = (v: number) => String(Math.round(v * 100) / 100);

/** The fonts an SVG's text asks for: Japanese ones before the generic sans-serif, so labels such as
 *  正解値 draw as characters (not empty boxes) where only a Latin sans-serif is the default. */
export const SVG_FONTS = "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', 'Yu Gothic', Meiryo, 'IPAexGothic', 'IPAGothic', sans-serif";

const CHAR_WIDTH = 7; // rough width of a 12px sans-serif character, for laying out the legend

/** A line chart as an SVG string (matplotlib's plt.plot with a legend): axes with round ticks, one
 *  coloured line per series, gaps where a value is not finite. Write the string to a .svg file. */
export function lineChart(options: LineChartOptions): string {
  A.checkOptions("lineChart", options, {
    series: A.check("a list of series { name, y, x? }", Array.isArray), title: A.string, xLabel: A.string, yLabel: A.string,
    points: A.check("a list of points", Array.isArray), guides: A.check("a list of guides", Array.isArray),
    width: A.number, height: A.number, xMin: A.number, xMax: A.number, yMin: A.number, yMax: A.number,
  });
  const { series, title, xLabel, yLabel, points = [] } = options;
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const lines = series.map((s, i) => {
    const x = s.x ?? s.y.map((_, k) => k + 1);
    if (x.length !== s.y.length) throw new Error(`lineChart: series "${s.name}" has ${x.length} x values and ${s.y.length} y values`);
    return { ...s, x, color: s.color ?? seriesColor(i) };
  });

  // Data ranges over finite points only, so NaN gaps and infinities do not stretch the axes.
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of lines) {
    s.x.forEach((x, k) => {
      if (Number.isFinite(x) && Number.isFinite(s.y[k])) (xs.push(x), ys.push(s.y[k]!));
    });
  }
  for (const p of points) (xs.push(p.x), ys.push(p.y));
  const range = (values: number[], lo?: number, hi?: number): [number, number] => {
    const finite = values.filter(Number.isFinite);
    const min = lo ?? (finite.length ? Math.min(...finite) : 0);
    const max = hi ?? (finite.length ? Math.max(...finite) : 1);
    return [min, max];
  };
  const xTicks = niceTicks(...range(xs, options.xMin, options.xMax), 5, xs.length > 0 && xs.every(Number.isInteger));
  const yTicks = niceTicks(...range(ys, options.yMin, options.yMax));
  const xAxis = { ...xTicks, min: options.xMin ?? xTicks.min, max: options.xMax ?? xTicks.max };
  const yAxis = { ...yTicks, min: options.yMin ?? yTicks.min, max: options.yMax ?? yTicks.max };

  // Layout: title on top, y labels on the left, x labels below, legend to the right.
  const legendWidth = lines.length ? 40 + CHAR_WIDTH * Math.max(...lines.map((s) => s.name.length)) : 0;
  const left = 64 + (yLabel ? 20 : 0);
  const right = width - 16 - legendWidth;
  const top = title ? 40 : 16;
  const bottom = height - 36 - (xLabel ? 20 : 0);
  if (right <= left || bottom <= top) throw new Error(`lineChart: ${width}x${height} is too small for the axes and legend`);
  const sx = (x: number) => left + ((x - xAxis.min) / (xAxis.max - xAxis.min)) * (right - left);
  const sy = (y: number) => bottom - ((y - yAxis.min) / (yAxis.max - yAxis.min)) * (bottom - top);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${SVG_FONTS}" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<defs><clipPath id="plot-area"><rect x="${px(left)}" y="${px(top)}" width="${px(right - left)}" height="${px(bottom - top)}"/></clipPath></defs>`,
  );
  if (title) out.push(`<text class="title" x="${px((left + right) / 2)}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`);

  // Grid and ticks (ticks outside a fixed range are left out).
  out.push(`<g class="x-ticks" text-anchor="middle">`);
  for (const v of xAxis.values.filter((v) => v >= xAxis.min && v <= xAxis.max)) {
    const x = px(sx(v));
    out.push(
      `<line x1="${x}" y1="${px(top)}" x2="${x}" y2="${px(bottom)}" stroke="#e5e5e5"/>`,
      `<line x1="${x}" y1="${px(bottom)}" x2="${x}" y2="${px(bottom + 5)}" stroke="black"/>`,
      `<text x="${x}" y="${px(bottom + 18)}">${escapeXml(formatTick(v, xAxis.step))}</text>`,
    );
  }
  out.push(`</g>`, `<g class="y-ticks" text-anchor="end">`);
  for (const v of yAxis.values.filter((v) => v >= yAxis.min && v <= yAxis.max)) {
    const y = px(sy(v));
    out.push(
      `<line x1="${px(left)}" y1="${y}" x2="${px(right)}" y2="${y}" stroke="#e5e5e5"/>`,
      `<line x1="${px(left - 5)}" y1="${y}" x2="${px(left)}" y2="${y}" stroke="black"/>`,
      `<text x="${px(left - 8)}" y="${y}" dy="0.35em">${escapeXml(formatTick(v, yAxis.step))}</text>`,
    );
  }
  out.push(`</g>`);
  out.push(`<rect x="${px(left)}" y="${px(top)}" width="${px(right - left)}" height="${px(bottom - top)}" fill="none" stroke="black"/>`);
  if (xLabel) out.push(`<text class="x-label" x="${px((left + right) / 2)}" y="${px(height - 12)}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  if (yLabel) {
    const cx = px(18), cy = px((top + bottom) / 2);
    out.push(`<text class="y-label" x="${cx}" y="${cy}" text-anchor="middle" transform="rotate(-90 ${cx} ${cy})">${escapeXml(yLabel)}</text>`);
  }

  out.push(`<g class="guides" clip-path="url(#plot-area)" stroke="black" stroke-width="1.2" stroke-dasharray="2 3">`);
  for (const g of options.guides ?? []) {
    out.push(`<line x1="${px(sx(g.x1))}" y1="${px(sy(g.y1))}" x2="${px(sx(g.x2))}" y2="${px(sy(g.y2))}"/>`);
  }
  out.push(`</g>`);

  // Series: a path broken into runs of finite points; a run of one point would draw nothing,
  // so it gets a dot even without markers. Lines are clipped to the frame, markers are not (a
  // point on the frame keeps its whole dot).
  const markers: string[] = [];
  out.push(`<g clip-path="url(#plot-area)" fill="none" stroke-width="2">`);
  for (const s of lines) {
    const runs: [number, number][][] = [[]];
    s.x.forEach((x, k) => {
      const y = s.y[k]!;
      if (Number.isFinite(x) && Number.isFinite(y)) runs.at(-1)!.push([sx(x), sy(y)]);
      else if (runs.at(-1)!.length) runs.push([]);
    });
    const d = runs.filter((r) => r.length > 1).map((r) => r.map(([x, y], k) => `${k ? "L" : "M"}${px(x)} ${px(y)}`).join(" "));
    out.push(`<g class="series" stroke="${escapeXml(s.color)}">`);
    out.push(`<title>${escapeXml(s.name)}</title>`);
    if (d.length) out.push(`<path d="${d.join(" ")}"/>`);
    for (const [x, y] of runs.flatMap((r) => (s.marker || r.length === 1 ? r : []))) {
      markers.push(`<circle cx="${px(x)}" cy="${px(y)}" r="3" fill="${escapeXml(s.color)}"/>`);
    }
    out.push(`</g>`);
  }
  out.push(`</g>`, `<g class="markers">`, ...markers, `</g>`);

  for (const p of points) {
    const x = px(sx(p.x)), y = px(sy(p.y));
    out.push(`<g class="point"><circle cx="${x}" cy="${y}" r="4" fill="black"/>`);
    if (p.label) out.push(`<text x="${px(sx(p.x) + 8)}" y="${px(sy(p.y) - 8)}">${escapeXml(p.label)}</text>`);
    out.push(`</g>`);
  }

  // Legend: a short line in the series colour and its name, one row each.
  out.push(`<g class="legend">`);
  lines.forEach((s, i) => {
    const x = right + 16, y = top + 10 + i * 20;
    out.push(
      `<line x1="${px(x)}" y1="${px(y)}" x2="${px(x + 20)}" y2="${px(y)}" stroke="${escapeXml(s.color)}" stroke-width="2"/>`,
      `<text x="${px(x + 26)}" y="${px(y)}" dy="0.35em">${escapeXml(s.name)}</text>`,
    );
  });
  out.push(`</g>`, `</svg>`);
  return out.join("\n") + "\n";
}
