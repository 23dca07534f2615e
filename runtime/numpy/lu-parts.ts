// The pieces lax.linalg.lu's derivative is written with in the IR (transformer/prims/lu-parts.ts),
// JAX's lu_jvp_rule: from the packed factors [..., m, n] (k = min(m, n)), L [..., m, m] (the
// strict lower part of the first k columns, and a unit diagonal with `eye`) and U [..., n, n]
// (the upper part of the first k rows, a unit diagonal below them with `eye`); their transposes
// (luLT, luUT: back into the packed layout); the rows of a matrix in the pivots' order and its
// transpose. Each is linear in its first operand (less the identity), so the rules that use them
// differentiate again. Leading axes are a batch.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { alloc } from "../dtype.js";
import { fmtShape } from "../shape.js";
import { asArray } from "./creation.js";

/** The last two sizes and the batch count, of an operand with at least two axes. */
function dims(op: string, x: NDArray): { m: number; n: number; B: number; lead: number[] } {
  if (x.ndim < 2) throw new TypeError(`${op}: needs at least 2 dimensions, got shape ${fmtShape(x.shape)}`);
  const [m, n] = x.shape.slice(-2);
  return { m, n, B: x.size / (m * n || 1), lead: x.shape.slice(0, -2) };
}

/** L from the packed factors: [..., m, m], unit diagonal when `eye`. */
export function luL(lu: ArrayLike, eye: boolean): NDArray {
  const x = asArray(lu, "lu");
  const { m, n, B, lead } = dims("lu", x);
  const k = Math.min(m, n), out = alloc(x.dtype, B * m * m);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < m; i++) {
      if (eye) out[(b * m + i) * m + i] = 1;
      for (let j = 0; j < Math.min(i, k); j++) out[(b * m + i) * m + j] = x.data[(b * m + i) * n + j] as number;
    }
  return new NDArray(out, [...lead, m, m], x.dtype);
}

/** U from the packed factors: [..., n, n], a unit diagonal past the first k rows when `eye`. */
export function luU(lu: ArrayLike, eye: boolean): NDArray {
  const x = asArray(lu, "lu");
  const { m, n, B, lead } = dims("lu", x);
  const k = Math.min(m, n), out = alloc(x.dtype, B * n * n);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < n; i++) {
      if (i >= k) {
        if (eye) out[(b * n + i) * n + i] = 1;
      } else for (let j = i; j < n; j++) out[(b * n + i) * n + j] = x.data[(b * m + i) * n + j] as number;
    }
  return new NDArray(out, [...lead, n, n], x.dtype);
}

/** luL's transpose: g [..., m, m] into the packed layout of `lu` [..., m, n]. */
export function luLT(g: ArrayLike, lu: ArrayLike): NDArray {
  const x = asArray(g, "lu"), ref = asArray(lu, "lu");
  const { m, n } = dims("lu", ref);
  const B = x.size / (m * m || 1), k = Math.min(m, n), out = alloc(x.dtype, B * m * n);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < m; i++) for (let j = 0; j < Math.min(i, k); j++) out[(b * m + i) * n + j] = x.data[(b * m + i) * m + j] as number;
  return new NDArray(out, [...x.shape.slice(0, -2), m, n], x.dtype);
}

/** luU's transpose: g [..., n, n] into the packed layout of `lu` [..., m, n]. */
export function luUT(g: ArrayLike, lu: ArrayLike): NDArray {
  const x = asArray(g, "lu"), ref = asArray(lu, "lu");
  const { m, n } = dims("lu", ref);
  const B = x.size / (n * n || 1), k = Math.min(m, n), out = alloc(x.dtype, B * m * n);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < k; i++) for (let j = i; j < n; j++) out[(b * m + i) * n + j] = x.data[(b * n + i) * n + j] as number;
  return new NDArray(out, [...x.shape.slice(0, -2), m, n], x.dtype);
}

/** The rows of t [..., m, n] in the order perm [..., m] gives (row i is t's row perm[i]). */
export function rowsPerm(t: ArrayLike, perm: ArrayLike): NDArray {
  return permute(t, perm, false);
}
/** rowsPerm's transpose: row perm[i] of the result is g's row i. */
export function rowsPermT(g: ArrayLike, perm: ArrayLike): NDArray {
  return permute(g, perm, true);
}
function permute(t0: ArrayLike, perm0: ArrayLike, back: boolean): NDArray {
  const t = asArray(t0, "lu"), p = asArray(perm0, "lu").data as Int32Array;
  const { m, n, B } = dims("lu", t);
  const out = alloc(t.dtype, t.size);
  const per = p.length / m;
  for (let b = 0; b < B; b++)
    for (let i = 0; i < m; i++) {
      const r = p[(per === 1 ? 0 : b) * m + i];
      const [to, from] = back ? [r, i] : [i, r];
      for (let j = 0; j < n; j++) out[(b * m + to) * n + j] = t.data[(b * m + from) * n + j] as number;
    }
  return new NDArray(out, t.shape, t.dtype);
}
