// One step of numpy.diff: the difference of neighbours, or for bools whether they differ (NumPy
// and JAX use not-equal there: bools have no subtraction). A primitive, because compiled code
// learns the dtype only at run time (transformer/prims/diff-step.ts).

import type { ArrayLike } from "../array.js";
import type { NDArray } from "../array.js";
import { asArray } from "./creation.js";
import { notEqual, subtract } from "./elementwise.js";

/** hi − lo, or hi ≠ lo when both are bool. */
export function diffStep(hi: ArrayLike, lo: ArrayLike): NDArray {
  const a = asArray(hi, "diff"), b = asArray(lo, "diff");
  return a.dtype === "bool" && b.dtype === "bool" ? notEqual(a, b) : subtract(a, b);
}
