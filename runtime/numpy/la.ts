// numpy.linalg (jnp.linalg): inv, det, slogdet, solve, on the last two axes (leading axes are a
// batch). LU factorisation with partial pivoting in float64, results rounded once to the input's
// float dtype (float64 kept, integers float32, float16 refused as JAX's LAPACK kernels refuse it).
// Their derivatives are JAX's (transformer/prims/la.ts): inv's -Aᵀ⁻¹ g Aᵀ⁻¹, det's
// g·det·A⁻ᵀ, solve's through a solve with Aᵀ.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape, sizeOf } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { COMPOSITES } from "./composites.js";
import { runFormula } from "./formula-ops.js";
import { asPublic } from "./public-errors.js";
import { alloc, promoteTypes, toInexact } from "../dtype.js";
import type { DType } from "../dtype.js";
import { linalgDType } from "./decomp-kernels.js";

/** The square matrices of a's last two axes, as float64 copies, the batch shape and the result dtype. */
function matrices(op: string, a: ArrayLike): { n: number; batch: number[]; mats: Float64Array[]; dtype: DType } {
  const x0 = asArray(a, op);
  const dtype = linalgDType(op, x0.dtype);
  const x = astype(x0, dtype);
  const s = x.shape;
  if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) throw new TypeError(`${op}: needs square matrices in the last two axes, got shape ${fmtShape(s)}`);
  const n = s[s.length - 1];
  const batch = s.slice(0, -2);
  const mats = Array.from({ length: sizeOf(batch) }, (_, b) => Float64Array.from(x.data.subarray(b * n * n, (b + 1) * n * n) as Float32Array));
  return { n, batch, mats, dtype };
}

/** In-place LU with partial pivoting: the permutation, its sign, and whether the matrix is singular. */
function lu(m: Float64Array, n: number): { perm: Int32Array; sign: number; singular: boolean } {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) [m[k * n + j], m[p * n + j]] = [m[p * n + j], m[k * n + j]];
      [perm[k], perm[p]] = [perm[p], perm[k]];
      sign = -sign;
    }
    const d = m[k * n + k];
    if (d === 0) {
      singular = true;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (m[i * n + k] /= d);
      if (f !== 0) for (let j = k + 1; j < n; j++) m[i * n + j] -= f * m[k * n + j];
    }
  }
  return { perm, sign, singular };
}

/** Solves LU·x = P·b in place for the k columns of b (n×k, row-major). */
function luSolve(m: Float64Array, perm: Int32Array, n: number, b: Float64Array, k: number): Float64Array {
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) x[i * k + c] = b[perm[i] * k + c];
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) for (let c = 0; c < k; c++) x[i * k + c] -= m[i * n + j] * x[j * k + c];
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) for (let c = 0; c < k; c++) x[i * k + c] -= m[i * n + j] * x[j * k + c];
    for (let c = 0; c < k; c++) x[i * k + c] /= m[i * n + i];
  }
  return x;
}

/** The inverse of each matrix (NaN/inf where singular, as JAX's). */
export function inv(a: ArrayLike): NDArray {
  const { n, batch, mats, dtype } = matrices("inv", a);
  const out = alloc(dtype, mats.length * n * n);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  mats.forEach((m, b) => {
    const { perm } = lu(m, n);
    out.set(luSolve(m, perm, n, eye, n), b * n * n);
  });
  return new NDArray(out, [...batch, n, n], dtype);
}

/** The determinant of each matrix. */
export function det(a: ArrayLike): NDArray {
  const { n, batch, mats, dtype } = matrices("det", a);
  const out = alloc(dtype, mats.length);
  mats.forEach((m, b) => {
    const { sign } = lu(m, n);
    let d = sign;
    for (let i = 0; i < n; i++) d *= m[i * n + i];
    out[b] = d;
  });
  return new NDArray(out, batch, dtype);
}

/** [sign, log|det|] of each matrix (sign 0 and -inf where singular). */
export function slogdet(a: ArrayLike): [NDArray, NDArray] {
  return [slogdetSign(a), logAbsDet(a)];
}
/** The sign of each determinant (slogdet's first part). */
export function slogdetSign(a: ArrayLike): NDArray {
  const { n, batch, mats, dtype } = matrices("slogdet", a);
  const out = alloc(dtype, mats.length);
  mats.forEach((m, b) => {
    let { sign } = lu(m, n);
    for (let i = 0; i < n; i++) sign *= Math.sign(m[i * n + i]);
    out[b] = sign;
  });
  return new NDArray(out, batch, dtype);
}
/** log|det| of each matrix, summed from the LU diagonal in float64 (slogdet's second part). */
export function logAbsDet(a: ArrayLike): NDArray {
  const { n, batch, mats, dtype } = matrices("slogdet", a);
  const out = alloc(dtype, mats.length);
  mats.forEach((m, b) => {
    lu(m, n);
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.log(Math.abs(m[i * n + i]));
    out[b] = s;
  });
  return new NDArray(out, batch, dtype);
}

/**
 * x with a·x = b for each matrix a. b is one vector per matrix when its rank is one more than
 * the batch's (`k` leading axes of b are vmap's, not counted), else a matrix of columns; b's
 * batch axes are a's (or none: the same b for every matrix).
 */
export function solve(a: ArrayLike, b: ArrayLike, k = 0): NDArray {
  // (a and b promoted together first, as JAX's: float16 is refused only when neither is wider)
  const a0 = asArray(a, "solve"), b0 = asArray(b, "solve");
  const { n, batch, mats, dtype } = matrices("solve", astype(a0, linalgDType("solve", promoteTypes(toInexact(a0.dtype), toInexact(b0.dtype)))));
  const bx = astype(b0, dtype);
  const vec = bx.ndim - k === 1;
  const cols = vec ? 1 : bx.shape[bx.ndim - 1];
  const per = n * cols;
  const rows = vec ? bx.shape[bx.ndim - 1] : bx.shape[bx.ndim - 2];
  if (rows !== n) throw new TypeError(`solve: a of shape ${fmtShape(asArray(a).shape)} and b of shape ${fmtShape(bx.shape)} do not match (${n} vs ${rows})`);
  const nb = bx.size / per;
  if (nb !== 1 && nb !== mats.length) throw new TypeError(`solve: the batch of b (shape ${fmtShape(bx.shape)}) does not match a's (${fmtShape(batch)})`);
  const out = alloc(bx.dtype, mats.length * per);
  mats.forEach((m, i) => {
    const { perm } = lu(m, n);
    const rhs = Float64Array.from(bx.data.subarray((nb === 1 ? 0 : i) * per, (nb === 1 ? 1 : i + 1) * per) as Float32Array);
    out.set(luSolve(m, perm, n, rhs, cols), i * per);
  });
  return new NDArray(out, nb === 1 && mats.length === 1 ? bx.shape : [...batch, ...bx.shape.slice(bx.ndim - (vec ? 1 : 2))], bx.dtype);
}

/**
 * The lower Cholesky factor L (L·Lᵀ = a) of each symmetric positive definite matrix; NaNs where a
 * is not one (as JAX's). Reads a's lower triangle (the primitive `cholesky`; jnp.linalg.cholesky,
 * with its options, is in decomp.ts).
 */
export function choleskyLower(a: ArrayLike): NDArray {
  const { n, batch, mats, dtype } = matrices("cholesky", a);
  const out = alloc(dtype, mats.length * n * n);
  mats.forEach((m, b) => {
    const L = new Float64Array(n * n);
    let ok = true;
    for (let i = 0; i < n && ok; i++)
      for (let j = 0; j <= i; j++) {
        let s = m[i * n + j];
        for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          L[i * n + i] = Math.sqrt(s);
        } else L[i * n + j] = s / L[j * n + j];
      }
    if (ok) out.set(L, b * n * n);
    else out.fill(NaN, b * n * n, (b + 1) * n * n);
  });
  return new NDArray(out, [...batch, n, n], dtype);
}

// ---- norms (formulas: runtime/numpy/composites.ts) ------------------------------------------------
type NormOpts = { ord?: number; axis?: number | readonly number[] | null; keepdims?: boolean };
/** The p-norm of vectors (ord 2 by default; 1, Infinity, -Infinity, 0, any p > 0) over `axis` (all when null). */
export function vectorNorm(x: ArrayLike, opts?: NormOpts): NDArray {
  return asPublic("vectorNorm", () => runFormula(COMPOSITES.vectorNorm, x, opts));
}
/** The norm of the matrices of the last two axes: "fro" (default), "nuc", 1, -1, 2, -2, Infinity or -Infinity (2, -2 and "nuc" from the singular values). */
export function matrixNorm(x: ArrayLike, opts?: { ord?: number | "fro" | "nuc"; keepdims?: boolean }): NDArray {
  return asPublic("matrixNorm", () => runFormula(COMPOSITES.matrixNorm, x, opts));
}
/**
 * numpy.linalg.norm: with no ord, the 2-norm of all elements (or over `axis`); with an ord, a
 * vector norm over one axis (`axis` a number) or a matrix norm of the last two axes (`axis`
 * [-2, -1], or ord "fro" / "f" / "nuc"). An ord with no axis is an error: NumPy decides by the
 * rank, which compiled code does not know.
 */
export function norm(x: ArrayLike, opts?: { ord?: number | "fro" | "f" | "nuc" | null; axis?: number | readonly number[] | null; keepdims?: boolean }): NDArray {
  return asPublic("norm", () => runFormula(COMPOSITES.norm, x, opts));
}

// ---- decompositions and the rest of numpy.linalg (runtime/numpy/decomp.ts) --------------------------
export { cholesky, eigh, eigvalsh, svd, svdvals, qr, pinv, lstsq, matrixPower, matrixRank, cond } from "./decomp.js";
export { multiDot } from "./multidot.js";
export { linalgCross as cross } from "./decomp.js";
export { matmul, outer } from "./linalg.js";
export { diagonal, trace } from "./arrange.js";
export { vecdot } from "./composites.js";
export { matrixTranspose, tensordot } from "./more.js";
