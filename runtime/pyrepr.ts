// Python's repr of a pytree, as JAX prints it: `(Array([...], dtype=float32),)` for a 1-tuple,
// `{'W': Array(...), 'b': Array(...)}` for a dict. JS arrays print as tuples (what grad returns).

import { NDArray } from "./array.js";
import { repr } from "./format.js";

export function pyrepr(x: unknown): string {
  if (x instanceof NDArray) return repr(x);
  if (typeof x === "number") return Number.isInteger(x) && Math.abs(x) < 1e16 ? `${x}.0` : String(x);
  if (typeof x === "boolean") return x ? "True" : "False";
  if (x === null || x === undefined) return "None";
  if (typeof x === "string") return `'${x}'`;
  if (Array.isArray(x)) return x.length === 1 ? `(${pyrepr(x[0])},)` : `(${x.map(pyrepr).join(", ")})`;
  if (typeof x === "object")
    return `{${Object.keys(x)
      .sort()
      .map((k) => `'${k}': ${pyrepr((x as Record<string, unknown>)[k])}`)
      .join(", ")}}`;
  return String(x);
}
