// Placeholder: the pooling loops land in a later commit.
import type { Pool2dGeometry } from "../types.ts";
const todo = (): never => { throw new Error("pooling kernels are not implemented yet"); };
export function maxPool2d(_i: Float32Array, _o: Float32Array, _a: Int32Array, _g: Pool2dGeometry): void { todo(); }
export function maxPool2dBackward(_go: Float32Array, _a: Int32Array, _gi: Float32Array, _g: Pool2dGeometry): void { todo(); }
