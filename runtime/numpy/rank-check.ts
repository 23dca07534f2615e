// A rank check a formula needs where the rank is known only at run time (cov's "m has more than
// 2 dimensions"): the identity of x, or an error naming the function, the argument and the shape.
// A primitive in compiled code (transformer/prims/rank-check.ts), linear, so it differentiates
// and batches (`k`: vmap's leading axes).

import type { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape } from "../shape.js";
import { asArray } from "./creation.js";

export interface RankSpec {
  fn: string;
  what: string;
  max: number;
  k?: number;
}

/** x itself when one example of it has at most `spec.max` dimensions. */
export function rankAtMost(x: ArrayLike, spec: RankSpec): NDArray {
  const a = asArray(x, spec.fn);
  const s = a.shape.slice(spec.k ?? 0);
  if (s.length > spec.max) throw new TypeError(`${spec.fn}: ${spec.what} has more than ${spec.max} dimensions (shape ${fmtShape(s)})`);
  return a;
}
