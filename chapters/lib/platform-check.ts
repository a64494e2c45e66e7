// Type checks only: the browser's platform (web/platform.ts, which the course site's build puts in
// place of platform.ts) exports everything the terminal's does, with the same types.
import type * as terminal from "./platform.ts";
import type * as browser from "../../web/platform.ts";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Exports<M> = { [K in keyof M]: M[K] };
/** Fails to compile when a name is missing from either side or its type differs. */
export const platformsAgree: Same<Exports<typeof terminal>, Omit<Exports<typeof browser>, "settings">> = true;
