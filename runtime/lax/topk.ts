// lax.topK: the k largest elements along an axis (the last by default) and their indices, in
// descending order; a stable selection (of equal elements the lower index comes first), NaN
// counted above every number (XLA's total order). The values are a gather of the operand at the
// indices (takeAlongAxis), so their derivative is the gather's: the cotangent scattered back to
// the chosen positions; the indices have none.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { asArray } from "../numpy/creation.js";
import { takeAlongAxis } from "../numpy/arrange.js";
import { fmtShape, normAxis, sizeOf } from "../shape.js";

/** XLA's descending order: NaN first, then larger first, ties by index. */
const above = (a: number, b: number) => (a !== a ? (b !== b ? 0 : -1) : b !== b ? 1 : b - a);

/** The indices of the k largest elements along `axis` (int32), largest first. */
export function topKIndices(x: NDArray, k: number, axis = -1): NDArray {
  if (x.ndim === 0) throw new TypeError(`topK: the operand must have at least one dimension, got shape ${fmtShape(x.shape)}`);
  const ax = normAxis("topK", axis, x.ndim, x.shape);
  const n = x.shape[ax];
  if (!Number.isInteger(k) || k < 0 || k > n) throw new TypeError(`topK: k must be an integer in [0, ${n}] for axis ${axis} of shape ${fmtShape(x.shape)}, got ${k}`);
  const outer = sizeOf(x.shape.slice(0, ax)), inner = sizeOf(x.shape.slice(ax + 1));
  const out = new Int32Array(outer * k * inner);
  const d = x.data;
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => Number(d[(o * n + j) * inner + i]);
      const order = idx.slice().sort((a, b) => above(at(a), at(b)) || a - b);
      for (let j = 0; j < k; j++) out[(o * k + j) * inner + i] = order[j];
    }
  const shape = x.shape.slice();
  shape[ax] = k;
  return new NDArray(out, shape, "int32");
}

/**
 * The top `k` values and their indices along `axis` (the last by default): `[values, indices]`,
 * shaped like `x` except for size `k` along the axis.
 */
export function topK(x: ArrayLike, k: number, axis = -1): [NDArray, NDArray] {
  const a = asArray(x, "topK");
  const i = topKIndices(a, k, axis);
  return [takeAlongAxis(a, i, axis), i];
}
