// Pictures without dependencies: SVG line charts, PNG image bytes, shaded blocks for the terminal.
// Each returns a string or bytes; writing them to a file is the caller's job.
export { lineChart, niceTicks, formatTick, escapeXml, seriesColor, type LineChartOptions, type Series, type Annotation, type Guide, type Ticks } from "./svg.ts";
export { encodePng, crc32, adler32, zlibStored } from "./png.ts";
export { shadeImage, SHADES, type ShadeOptions } from "./terminal.ts";
