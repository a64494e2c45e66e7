// What src/ may ask of the runtime, in one place. src/ has no static `node:` import (it bundles for
// a browser); where Node is there, its modules are reached at run time through
// process.getBuiltinModule (Node 20.16+). Elsewhere these return undefined and callers say so.

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  stderr?: { write(text: string): unknown; isTTY?: boolean };
}

/** Node's `process`, or undefined outside Node. */
export function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** A Node built-in module (`"node:fs"`, `"node:worker_threads"`), or undefined where there is none. */
export function builtinModule<T>(id: string): T | undefined {
  return nodeProcess()?.getBuiltinModule?.(id) as T | undefined;
}
