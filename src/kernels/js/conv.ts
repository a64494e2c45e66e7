// Placeholder: the sliding-window loops land in a later commit.
import type { Conv2dGeometry } from "../types.ts";
const todo = (): never => { throw new Error("conv2d kernels are not implemented yet"); };
export function conv2d(_i: Float32Array, _w: Float32Array, _b: Float32Array | null, _o: Float32Array, _g: Conv2dGeometry): void { todo(); }
export function conv2dBackwardInput(_go: Float32Array, _w: Float32Array, _gi: Float32Array, _g: Conv2dGeometry): void { todo(); }
export function conv2dBackwardWeight(_i: Float32Array, _go: Float32Array, _gw: Float32Array, _g: Conv2dGeometry): void { todo(); }
