// numpy.linalg's decompositions (eigh, svd, qr) and what is built on them (pinv, lstsq,
// matrixRank), plus triangular solves and LU for lax.linalg: on the last two axes, leading axes a
// batch, each matrix computed in float64 and rounded once to the input's float dtype (float64
// kept, integers float32; float16 refused, as JAX's LAPACK kernels refuse it: decomp-kernels.ts
// linalgDType). The kernels, and the
// primitives generated code calls, are in decomp-kernels.ts (transformer/prims/decomp.ts holds
// their derivative rules, JAX's).
//
// Conventions where the decomposition is not unique:
// - eigh: eigenvalues ascending (cyclic Jacobi); each eigenvector (a column) has its
//   largest-magnitude component positive (the first such on a tie).
// - svd: singular values descending (one-sided Jacobi); each right singular vector (a row of
//   vt) has its largest-magnitude component positive, u's column follows; columns of u or rows
//   of vt beyond the rank are an orthonormal completion.
// - qr: Householder reflections as LAPACK's dgeqrf writes them (R's diagonal entry is
//   -sign(a_kk)·‖x‖, so it may be negative, as NumPy's).

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape } from "../shape.js";
import { asArray, astype, zerosLike } from "./creation.js";
import { add, divide, multiply, subtract, where } from "./elementwise.js";
import { max, min } from "./reduce.js";
import { matmul } from "./linalg.js";
import { swapaxes, triMask } from "./arrange.js";
import { take } from "./indexing.js";
import { stack } from "./shape.js";
import { choleskyLower, inv } from "./la.js";
import { eighV, eighW, linalgDType, matrices, pinvOf, qrQ, qrR, svdS, svdU, svdVt } from "./decomp-kernels.js";
import { toInexact } from "../dtype.js";

// (the primitives' kernels, for runtime/rt.ts and runtime/lax/linalg.ts)
export { eighW, eighV, svdS, svdU, svdVt, qrQ, qrR, triSolve, pinvOf, matrixRank, luFactors, luPivots, luPermutation, gradShapeCheck } from "./decomp-kernels.js";
export type { TriOpts, PinvCut } from "./decomp-kernels.js";

/** (x + xᵀ) / 2 in float32, as the transformer's lowering writes it. */
const symmetrize = (a: ArrayLike): NDArray => multiply(add(a, swapaxes(a, -1, -2)), 0.5);

// ---- numpy.linalg's public functions ----------------------------------------------------------

/** The Cholesky factor: lower L with L·Lᵀ = a, or upper U = Lᵀ; the input symmetrized first unless symmetrizeInput is false (then its lower triangle is read). */
export function cholesky(a: ArrayLike, opts?: { upper?: boolean; symmetrizeInput?: boolean }): NDArray {
  matrices("cholesky", a, true);
  const L = choleskyLower(opts?.symmetrizeInput === false ? a : symmetrize(a));
  return opts?.upper ? swapaxes(L, -1, -2) : L;
}

type EighOpts = { symmetrizeInput?: boolean };
const eighInput = (op: string, a: ArrayLike, opts?: EighOpts): NDArray => {
  matrices(op, a, true);
  const x = asArray(a);
  return opts?.symmetrizeInput === false ? astype(x, toInexact(x.dtype)) : symmetrize(a);
};
/** `[w, v]`: the eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices. */
export function eigh(a: ArrayLike, opts?: EighOpts): [NDArray, NDArray] {
  const x = eighInput("eigh", a, opts);
  return [eighW(x), eighV(x)];
}
/** The eigenvalues (ascending) of symmetric matrices. */
export function eigvalsh(a: ArrayLike, opts?: EighOpts): NDArray {
  return eighW(eighInput("eigvalsh", a, opts));
}

type SvdOpts = { fullMatrices?: boolean; computeUv?: boolean };
/** [u, s, vt] with a = u·diag(s)·vt (fullMatrices by default, as NumPy's); just s with computeUv: false. */
export function svd(a: ArrayLike, opts: SvdOpts & { computeUv: false }): NDArray;
export function svd(a: ArrayLike, opts?: SvdOpts): [NDArray, NDArray, NDArray];
export function svd(a: ArrayLike, opts?: SvdOpts): [NDArray, NDArray, NDArray] | NDArray {
  matrices("svd", a, false);
  if (opts?.computeUv === false) return svdS(a);
  const full = opts?.fullMatrices ?? true;
  return [svdU(a, full), svdS(a), svdVt(a, full)];
}
/** The singular values (descending). */
export function svdvals(a: ArrayLike): NDArray {
  matrices("svdvals", a, false);
  return svdS(a);
}

/** [q, r] with a = q·r (mode "reduced", the default, or "complete"); mode "r" gives r alone. */
export function qr(a: ArrayLike, opts: { mode: "r" }): NDArray;
export function qr(a: ArrayLike, opts?: { mode?: "reduced" | "complete" }): [NDArray, NDArray];
export function qr(a: ArrayLike, opts?: { mode?: "reduced" | "complete" | "r" }): [NDArray, NDArray] | NDArray {
  const mode = opts?.mode ?? "reduced";
  matrices("qr", a, false);
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") throw new TypeError(`qr: mode must be "reduced", "complete" or "r", got ${JSON.stringify(mode)}`);
  if (mode === "r") return qrR(a, false);
  return [qrQ(a, mode === "complete"), qrR(a, mode === "complete")];
}

/** The Moore–Penrose pseudo-inverse ([..., n, m]): singular values at or below rtol·σ_max dropped. */
export function pinv(a: ArrayLike, opts?: { rtol?: number }): NDArray {
  return pinvOf(a, { rtol: opts?.rtol });
}

/** The condition number in the 2-norm (p 2 or none: σ_max/σ_min; p -2: σ_min/σ_max), from the singular values. */
export function cond(x: ArrayLike, p?: 2 | -2 | null): NDArray {
  if (p !== undefined && p !== null && p !== 2 && p !== -2) throw new TypeError(`cond: p must be 2, -2 or null (the 2-norm), got ${String(p)}`);
  matrices("cond", x, false, "x");
  const s = svdS(x);
  return p === -2 ? divide(min(s, -1), max(s, -1)) : divide(max(s, -1), min(s, -1));
}

/** The least-squares solution x of a·x ≈ b (minimum norm when underdetermined), through the SVD as JAX's. */
export function lstsq(a: ArrayLike, b: ArrayLike): NDArray {
  const ax = asArray(a, "lstsq"), bx = asArray(b, "lstsq");
  if (ax.ndim !== 2) throw new TypeError(`lstsq: a must be a matrix, got shape ${fmtShape(ax.shape)}`);
  if ((bx.ndim !== 1 && bx.ndim !== 2) || bx.shape[0] !== ax.shape[0])
    throw new TypeError(`lstsq: b must have shape [${ax.shape[0]}] or [${ax.shape[0]}, k] for a of shape ${fmtShape(ax.shape)}, got ${fmtShape(bx.shape)}`);
  return matmul(pinvOf(ax, { lstsq: true }), bx);
}

/** a to the integer power n by repeated squaring (JAX's order of products); negative powers of inv(a). */
export function matrixPower(a: ArrayLike, n: number): NDArray {
  // (non-negative powers are products alone, so float16 is fine there, as in JAX; negative ones need inv)
  matrices("matrixPower", a, true, "a", true);
  if (!Number.isInteger(n)) throw new TypeError(`matrixPower: the power must be an integer, got ${n}`);
  const a0 = asArray(a);
  const ax = astype(a0, n < 0 ? linalgDType("matrixPower", a0.dtype) : toInexact(a0.dtype));
  if (n === 0) return powerIdentity(ax);
  return powerChain(n < 0 ? inv(ax) : ax, Math.abs(n), matmul);
}
/** The identity shaped like a's matrices (matrixPower(a, 0)), built as the transformer's lowering builds it. */
function powerIdentity(a: NDArray): NDArray {
  // (the where gives a weak float; adding zeros like a gives a's dtype)
  return add(where(triMask(a, 0, false), where(triMask(a, 0, true), 1, 0), 0), zerosLike(a));
}
/** Exponentiation by squaring, as JAX orders the products (shared with the transformer's lowering). */
export function powerChain<V>(a: V, n: number, mul: (x: V, y: V) => V): V {
  let z: V | undefined, result: V | undefined;
  while (n > 0) {
    z = z === undefined ? a : mul(z, z);
    const bit = n % 2;
    n = Math.floor(n / 2);
    if (bit) result = result === undefined ? z : mul(result, z);
  }
  return result!;
}

/** The cross product of 3-vectors along `axis` (both of size 3 there; the other axes broadcast). */
export function linalgCross(x1: ArrayLike, x2: ArrayLike, axis = -1): NDArray {
  const a = asArray(x1, "cross"), b = asArray(x2, "cross");
  const size = (t: NDArray) => t.shape[axis < 0 ? t.ndim + axis : axis];
  if (a.ndim < 1 || b.ndim < 1 || size(a) !== 3 || size(b) !== 3)
    throw new TypeError(`cross: x1 and x2 need size 3 along axis ${axis}, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const [a0, a1, a2] = [0, 1, 2].map((i) => take(a, i, axis));
  const [b0, b1, b2] = [0, 1, 2].map((i) => take(b, i, axis));
  const c = [subtract(multiply(a1, b2), multiply(a2, b1)), subtract(multiply(a2, b0), multiply(a0, b2)), subtract(multiply(a0, b1), multiply(a1, b0))];
  return stack(c, axis);
}
