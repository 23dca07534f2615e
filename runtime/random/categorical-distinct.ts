// random.categorical with `replace: false`, as JAX draws it: one Gumbel noise of the logits'
// (broadcast) shape added to the logits, then the indices of the k largest along the axis
// (lax.top_k: descending, ties to the lower index), k the product of the sample dimensions `shape`
// puts in front; so the samples of one batch element are distinct categories, in the order of a
// draw without replacement (Plackett–Luce). The noise is random.gumbel's, bit for bit; the indices
// are JAX's wherever the float32 sums are (they are one rounding each).

import { NDArray } from "../array.js";
import { fmtShape, sizeOf } from "../shape.js";
import { topKIndices } from "../lax/topk.js";

/**
 * The samples of shape `shape` (`nPrefix` sample dimensions in front of the batch) from noisy
 * logits `g` of shape `gShape` (the batch with the categories at `axis`).
 */
export function distinctCategories(g: Float32Array, gShape: readonly number[], axis: number, shape: readonly number[], nPrefix: number): NDArray {
  const k = sizeOf(shape.slice(0, nPrefix));
  const n = gShape[axis];
  if (k > n)
    throw new TypeError(`categorical: ${k} samples without replacement (shape ${fmtShape(shape)}) cannot exceed the ${n} categories (axis ${axis} of logits broadcast to ${fmtShape(gShape)})`);
  // (k along the axis, then that axis moved to the front and split into the sample dimensions)
  const top = topKIndices(new NDArray(g, [...gShape], "float32"), k, axis);
  const outer = sizeOf(gShape.slice(0, axis)), inner = sizeOf(gShape.slice(axis + 1));
  const out = new Int32Array(k * outer * inner);
  const d = top.data as Int32Array;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < k; j++)
      for (let i = 0; i < inner; i++) out[(j * outer + o) * inner + i] = d[(o * k + j) * inner + i];
  return new NDArray(out, [...shape], "int32");
}
