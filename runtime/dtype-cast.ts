// Casts whose target dtype is read off an operand at run time, for the formulas (numpy/more.ts,
// numpy/composites.ts): written once, they run on Arrays eagerly and on IR values when compiled,
// where the dtype is not known at build time. `o.astype(x, kind, ref?)` with a kind below lowers
// onto the primitive castAs (transformer/prims/dtype-cast.ts), whose kernel this is.
// (Kept out of runtime/numpy/ so that jnp holds numpy's names only.)

import { NDArray } from "./array.js";
import type { ArrayLike } from "./array.js";
import { asArray, astype } from "./numpy/creation.js";
import { isDType, isFloat, toInexact } from "./dtype.js";
import type { DType } from "./dtype.js";

/** `a` in a float dtype: float16/32/64 as they are, ints and bool as float32 (cotangents, tangents). */
export function asFloat(a: NDArray): NDArray {
  return isFloat(a.dtype) ? a : astype(a, "float32");
}

/**
 * Float results from an accumulator, in a float `dtype`'s storage: float64 keeps the float64 sums,
 * float32 rounds them once, float16 too and then to float16 on construction.
 */
export function floatsFrom(acc: Float64Array | Float32Array, shape: readonly number[], dtype: DType, weak = false): NDArray {
  const out = dtype === "float64" ? (acc instanceof Float64Array ? acc : Float64Array.from(acc)) : acc instanceof Float32Array ? acc : Float32Array.from(acc);
  return new NDArray(out, shape, dtype, weak);
}

/** The float dtype of a value for derivatives: an Array's own float dtype, else float32. */
export function floatDTypeOf(x: unknown): DType {
  return x instanceof NDArray && isFloat(x.dtype) ? x.dtype : "float32";
}

/**
 * - "inexact": x's float dtype (floats keep theirs, integers and bools float32: JAX's
 *   promote_args_inexact);
 * - "compute": that, but float16 as float32 (JAX computes means and variances of half precision
 *   in float32: _upcast_f16);
 * - "like": ref's float dtype (a result cast back to its input's, an index list made ref's float).
 */
export type CastKind = "inexact" | "compute" | "like";
export const CAST_KINDS: readonly string[] = ["inexact", "compute", "like"];
export const isCastKind = (d: unknown): d is CastKind => typeof d === "string" && CAST_KINDS.includes(d);

/** The dtype x is cast to. */
export function castDType(x: NDArray, kind: CastKind, ref?: ArrayLike | null): DType {
  if (kind === "like") {
    if (ref === undefined || ref === null) throw new TypeError('castAs: the kind "like" needs a reference Array');
    return toInexact(asArray(ref).dtype);
  }
  const d = toInexact(x.dtype);
  return kind === "compute" && d === "float16" ? "float32" : d;
}

/** x cast by kind (see CastKind); x itself when it already has that dtype. */
export function castAs(x: ArrayLike, ref: ArrayLike | null | undefined, kind: CastKind): NDArray {
  if (!isCastKind(kind)) throw new TypeError(`castAs: unknown kind ${JSON.stringify(kind)} (expected one of ${CAST_KINDS.join(", ")})`);
  const a = asArray(x);
  return astype(a, castDType(a, kind, ref));
}

/** The formulas' astype: a dtype, or a kind of castAs (with its reference Array for "like"). */
export function formulaAstype(x: ArrayLike, d: string, ref?: ArrayLike): NDArray {
  if (isCastKind(d)) return castAs(x, ref, d);
  if (!isDType(d)) throw new TypeError(`astype: unknown dtype ${JSON.stringify(d)}`);
  return astype(asArray(x), d);
}
