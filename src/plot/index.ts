// Pictures without dependencies: SVG line charts, PNG image bytes, shaded blocks for the terminal.
// Each returns a string or bytes; writing them to a file is the caller's job.
export { lineChart, SVG_FONTS, type LineChartOptions, type Series, type Annotation, type Guide } from "./svg.ts";
export { encodePng } from "./png.ts";
export { shadeImage, type ShadeOptions } from "./terminal.ts";
