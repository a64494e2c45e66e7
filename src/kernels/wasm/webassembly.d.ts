// The slice of the WebAssembly JS API the wasm backend uses. TypeScript ships these only in the
// "DOM" lib, which this project leaves out (src/ must also type-check as plain ES2022 + Node), and
// @types/node 20 does not declare them, so we declare what we call, no more.
declare namespace WebAssembly {
  type ImportValue = Memory;
  type Imports = Record<string, Record<string, ImportValue>>;
  type Exports = Record<string, unknown>;

  interface MemoryDescriptor { initial: number; maximum?: number; shared?: boolean }
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  var Memory: { prototype: Memory; new (descriptor: MemoryDescriptor): Memory };

  interface Module {}
  var Module: { prototype: Module; new (bytes: BufferSource): Module };

  interface Instance { readonly exports: Exports }
  var Instance: { prototype: Instance; new (module: Module, imports?: Imports): Instance };

  interface CompileError extends Error {}
  var CompileError: { prototype: CompileError; new (message?: string): CompileError };

  function validate(bytes: BufferSource): boolean;
}
type BufferSource = ArrayBufferView | ArrayBuffer;
