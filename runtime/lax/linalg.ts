// jax.lax.linalg's work-alike: the decompositions in lax's spelling (the kernels of
// runtime/numpy/decomp.ts and la.ts). Every function here lowers as the primitive-level entry
// named `lax.<name>` (transformer/rules/decomp.ts).
/**
 * jax.lax.linalg's work-alike: `lax.linalg.cholesky(a)`, …
 * @module tsjax/lax/linalg
 */
import type { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { asArray, astype } from "../numpy/creation.js";
import { add, multiply } from "../numpy/elementwise.js";
import { swapaxes, tril, triu } from "../numpy/arrange.js";
import { choleskyLower as chol } from "../numpy/la.js";
import { eighV, eighW, luFactors, luPermutation, luPivots, svd as npSvd, triSolve } from "../numpy/decomp.js";
import { linalgDType } from "../numpy/decomp-kernels.js";
import type { TriOpts } from "../numpy/decomp.js";

const sym = (a: ArrayLike): NDArray => multiply(add(a, swapaxes(a, -1, -2)), 0.5);
const mT = (a: ArrayLike): NDArray => swapaxes(a, -1, -2);

/** The Cholesky factor: lower L with L·Lᵀ = a, or upper U = Lᵀ with `upper` (the input symmetrized first, as JAX's). */
export function cholesky(a: ArrayLike, opts?: { upper?: boolean }): NDArray {
  linalgDType("cholesky", asArray(a, "cholesky").dtype);
  const L = chol(sym(a));
  return opts?.upper ? mT(L) : L;
}

/**
 * `[v, w]`: eigenvectors (columns) first, eigenvalues ascending. symmetrizeInput (default) uses
 * (a + aᵀ)/2; otherwise the `lower` (default) or upper triangle is read. Eigenvalues are always
 * sorted (sortEigenvalues: false is accepted and changes nothing).
 */
export function eigh(x: ArrayLike, opts?: { lower?: boolean; sortEigenvalues?: boolean; symmetrizeInput?: boolean }): [NDArray, NDArray] {
  const x0 = asArray(x, "eigh");
  const a = astype(x0, linalgDType("eigh", x0.dtype));
  const s = opts?.symmetrizeInput === false ? (opts?.lower === false ? add(triu(a), mT(triu(a, 1))) : add(tril(a), mT(tril(a, -1)))) : sym(a);
  return [eighV(s), eighW(s)];
}

/** [u, s, vt] (fullMatrices by default, as JAX's), or s with computeUv: false. */
export function svd(a: ArrayLike, opts?: { computeUv?: boolean; fullMatrices?: boolean }): [NDArray, NDArray, NDArray] | NDArray {
  return npSvd(a, opts);
}

/** `[lu, pivots, permutation]`: P·a = L·U with partial pivoting (L's unit diagonal not stored); pivots and permutation int32. */
export function lu(x: ArrayLike): [NDArray, NDArray, NDArray] {
  return [luFactors(x), luPivots(x), luPermutation(x)];
}

/** x with op(a)·x = b (leftSide) or x·op(a) = b (the default, as JAX's), a triangular (upper unless lower), op transposing with transposeA. */
export function triangularSolve(a: ArrayLike, b: ArrayLike, opts?: TriOpts): NDArray {
  return triSolve(a, b, opts);
}
