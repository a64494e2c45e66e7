// torch.save / torch.load: a state dict to and from a safetensors file, in Node. node:fs is reached
// at run time (src/runtime.ts), so src/ has no static node: import and
// still bundles for a browser, where torch.serialize / torch.deserialize work on bytes instead.
import type { Tensor } from "../tensor/tensor.ts";
import { deserialize, serialize, type StateDict } from "./safetensors.ts";
import { builtinModule } from "../runtime.ts";

interface Fs {
  readFileSync(path: string): Uint8Array;
  writeFileSync(path: string, data: Uint8Array): void;
}

function fs(what: string): Fs {
  const found = builtinModule<Fs>("node:fs");
  if (!found) throw new Error(`${what} needs files (Node 20.16 or newer); here, use torch.serialize / torch.deserialize on bytes`);
  return found;
}

/** torch.save: writes the state dict to `path` as a safetensors file (Python loads it with safetensors.torch.load_file). */
export function save(state: StateDict, path: string, metadata?: Record<string, string>): void {
  const bytes = serialize(state, metadata); // every check happens before the file is touched
  fs("torch.save").writeFileSync(path, bytes);
}

/** torch.load: the tensors of a safetensors file, by name. */
export function load(path: string): Map<string, Tensor> {
  return deserialize(fs("torch.load").readFileSync(path));
}
