// The float64 kernels of numpy.linalg's decompositions (runtime/numpy/decomp.ts) and of
// lax.linalg's triangular solve and LU, and the primitives generated code calls: one result of a
// decomposition each (transformer/prims/decomp.ts holds their derivative rules). This module
// imports no jnp function, so the formulas' operations (formula-ops.ts) can use it.
// Conventions where a decomposition is not unique: see decomp.ts.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape, sizeOf } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { promoteTypes, toInexact } from "../dtype.js";
import type { DType } from "../dtype.js";

const EPS32 = 2 ** -23;
/** The machine epsilon of a result dtype (JAX's default tolerances scale with it). */
export const epsOf = (d: DType): number => (d === "float64" ? 2 ** -52 : d === "float16" ? 2 ** -10 : EPS32);

/**
 * The dtype numpy.linalg computes and returns in: float64 stays float64, integers and bools
 * become float32, and float16 is refused unless `f16` (JAX's CPU kernels for these are LAPACK's,
 * which have no half precision; JAX raises too).
 */
export function linalgDType(op: string, d: DType, f16 = false): DType {
  if (d === "float16" && !f16)
    throw new TypeError(`${op}: float16 input is not supported (as in JAX, whose LAPACK kernels take float32 and float64 only); convert it with astype("float32") first`);
  return toInexact(d);
}

export type Mats = { m: number; n: number; batch: number[]; mats: Float64Array[]; dtype: DType };
/** The matrices of a's last two axes as float64 copies (square ones when `square`), and the dtype results take. */
export function matrices(op: string, a: ArrayLike, square: boolean, what = "a", f16 = false): Mats {
  const x0 = asArray(a, op);
  const dtype = linalgDType(op, x0.dtype, f16);
  const x = astype(x0, dtype);
  const s = x.shape;
  if (s.length < 2) throw new TypeError(`${op}: ${what} needs at least 2 dimensions (a matrix, or a batch of them), got shape ${fmtShape(s)}`);
  const m = s[s.length - 2], n = s[s.length - 1];
  if (square && m !== n) throw new TypeError(`${op}: ${what} needs square matrices in the last two axes, got shape ${fmtShape(s)}`);
  const batch = s.slice(0, -2);
  const mats = Array.from({ length: sizeOf(batch) }, (_, b) => Float64Array.from(x.data.subarray(b * m * n, (b + 1) * m * n) as Float32Array));
  return { m, n, batch, mats, dtype };
}
/** float64 results, one per matrix, as one Array of `dtype` (rounded once unless float64). */
function pack(parts: readonly Float64Array[], shape: number[], dtype: DType): NDArray {
  const size = parts.reduce((s, p) => s + p.length, 0);
  const out = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return new NDArray(out, shape, dtype);
}
const packInt = (parts: readonly Int32Array[], shape: number[]): NDArray => {
  const out = new Int32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return new NDArray(out, shape, "int32");
};
/** (x + xᵀ) / 2 in float32, as the transformer's lowering writes it. */

// ---- kernels (float64, row-major) ------------------------------------------------------------

/** Flips the sign of column j of an r×c matrix X (and of Y's column j, if given) so X's largest-|.| entry in it is positive. */
function signColumn(X: Float64Array, r: number, c: number, j: number, Y?: { M: Float64Array; r: number; c: number; col: boolean }) {
  let best = 0;
  for (let i = 1; i < r; i++) if (Math.abs(X[i * c + j]) > Math.abs(X[best * c + j])) best = i;
  if (X[best * c + j] >= 0) return;
  for (let i = 0; i < r; i++) X[i * c + j] = -X[i * c + j];
  if (Y) {
    if (Y.col) for (let i = 0; i < Y.r; i++) Y.M[i * Y.c + j] = -Y.M[i * Y.c + j];
    else for (let i = 0; i < Y.c; i++) Y.M[j * Y.c + i] = -Y.M[j * Y.c + i];
  }
}

/** A Givens rotation of columns p and q of a row-major rows × cols matrix: (x, y) ← (c·x − s·y, s·x + c·y). */
function rotateColumns(M: Float64Array, rows: number, cols: number, p: number, q: number, c: number, s: number): void {
  for (let i = 0; i < rows; i++) {
    const x = M[i * cols + p], y = M[i * cols + q];
    M[i * cols + p] = c * x - s * y;
    M[i * cols + q] = s * x + c * y;
  }
}

/** Symmetric eigendecomposition by cyclic Jacobi rotations: w ascending, V's columns the eigenvectors. */
export function eighKernel(A: Float64Array, n: number): { w: Float64Array; V: Float64Array } {
  const a = Float64Array.from(A);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    }
    if (off === 0 || off <= 1e-34 * diag) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p], aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        rotateColumns(a, n, n, p, q, c, s);
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = a[q * n + p] = 0;
        rotateColumns(V, n, n, p, q, c, s);
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j] || i - j);
  const w = Float64Array.from(order, (i) => a[i * n + i]);
  const Vs = new Float64Array(n * n);
  order.forEach((src, j) => {
    for (let k = 0; k < n; k++) Vs[k * n + j] = V[k * n + src];
  });
  for (let j = 0; j < n; j++) signColumn(Vs, n, n, j);
  return { w, V: Vs };
}

/** Fills the columns of Q (r×c) not in `have` with an orthonormal completion (Gram–Schmidt, twice, of unit vectors). */
function complete(Q: Float64Array, r: number, c: number, have: boolean[]) {
  for (let j = 0; j < c; j++) {
    if (have[j]) continue;
    let bestV: Float64Array | null = null, bestN = -1;
    for (let e = 0; e < r; e++) {
      const v = new Float64Array(r);
      v[e] = 1;
      for (let pass = 0; pass < 2; pass++)
        for (let k = 0; k < c; k++) {
          if (!have[k]) continue;
          let d = 0;
          for (let i = 0; i < r; i++) d += Q[i * c + k] * v[i];
          for (let i = 0; i < r; i++) v[i] -= d * Q[i * c + k];
        }
      const nv = Math.hypot(...v);
      if (nv > bestN + 1e-12) {
        bestN = nv;
        bestV = v;
      }
    }
    for (let i = 0; i < r; i++) Q[i * c + j] = bestV![i] / bestN;
    have[j] = true;
  }
}

/** Reduced SVD of an m×n matrix, m >= n, by one-sided Jacobi: U m×n, s (descending), V n×n. */
function svdTall(A: Float64Array, m: number, n: number): { U: Float64Array; s: Float64Array; V: Float64Array } {
  const W = Float64Array.from(A);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        let al = 0, be = 0, ga = 0;
        for (let i = 0; i < m; i++) {
          const x = W[i * n + p], y = W[i * n + q];
          al += x * x;
          be += y * y;
          ga += x * y;
        }
        if (ga === 0 || Math.abs(ga) <= 1e-16 * Math.sqrt(al * be)) continue;
        rotated = true;
        const zeta = (be - al) / (2 * ga);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        rotateColumns(W, m, n, p, q, c, s);
        rotateColumns(V, n, n, p, q, c, s);
      }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += W[i * n + j] ** 2;
    return Math.sqrt(s);
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j] - norms[i] || i - j);
  const s = Float64Array.from(order, (j) => norms[j]);
  const tiny = (s[0] || 0) * 1e-300 + Number.MIN_VALUE;
  const U = new Float64Array(m * n), Vs = new Float64Array(n * n);
  const have: boolean[] = [];
  order.forEach((src, j) => {
    for (let k = 0; k < n; k++) Vs[k * n + j] = V[k * n + src];
    have[j] = s[j] > tiny;
    if (have[j]) for (let i = 0; i < m; i++) U[i * n + j] = W[i * n + src] / s[j];
  });
  complete(U, m, n, have);
  return { U, s, V: Vs };
}

/** SVD of an m×n matrix: U m×k (m×m when full), s (k, descending), Vt k×n (n×n when full), k = min(m, n). */
export function svdKernel(A: Float64Array, m: number, n: number, full: boolean): { U: Float64Array; s: Float64Array; Vt: Float64Array } {
  const k = Math.min(m, n);
  let U: Float64Array, V: Float64Array, s: Float64Array;
  if (m >= n) ({ U, s, V } = svdTall(A, m, n));
  else {
    const At = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) At[j * m + i] = A[i * n + j];
    const r = svdTall(At, n, m);
    ({ s } = r);
    U = r.V; // m×m
    V = r.U; // n×m
  }
  // (U is m×k, V n×k here)
  for (let j = 0; j < k; j++) signColumn(V, n, k, j, { M: U, r: m, c: k, col: true });
  const uc = full ? m : k, vc = full ? n : k;
  const Uo = new Float64Array(m * uc), Vo = new Float64Array(n * vc);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) Uo[i * uc + j] = U[i * k + j];
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) Vo[i * vc + j] = V[i * k + j];
  if (full) {
    complete(Uo, m, uc, Array.from({ length: uc }, (_, j) => j < k));
    complete(Vo, n, vc, Array.from({ length: vc }, (_, j) => j < k));
  }
  const Vt = new Float64Array(vc * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < vc; j++) Vt[j * n + i] = Vo[i * vc + j];
  return { U: Uo, s, Vt };
}

/** Householder QR (LAPACK's dgeqrf/dorgqr): Q m×k and R k×n, or m×m and m×n when complete. */
export function qrKernel(A: Float64Array, m: number, n: number, complete_: boolean): { Q: Float64Array; R: Float64Array } {
  const R = Float64Array.from(A);
  const k = Math.min(m, n);
  const vs: { v: Float64Array; tau: number }[] = [];
  for (let j = 0; j < k; j++) {
    const alpha = R[j * n + j];
    let xn = 0;
    for (let i = j + 1; i < m; i++) xn = Math.hypot(xn, R[i * n + j]);
    const v = new Float64Array(m);
    if (xn === 0) {
      vs.push({ v, tau: 0 });
      continue;
    }
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xn);
    const tau = (beta - alpha) / beta;
    v[j] = 1;
    for (let i = j + 1; i < m; i++) v[i] = R[i * n + j] / (alpha - beta);
    for (let c = j; c < n; c++) {
      let d = 0;
      for (let i = j; i < m; i++) d += v[i] * R[i * n + c];
      d *= tau;
      for (let i = j; i < m; i++) R[i * n + c] -= d * v[i];
    }
    R[j * n + j] = beta;
    for (let i = j + 1; i < m; i++) R[i * n + j] = 0;
    vs.push({ v, tau });
  }
  const qc = complete_ ? m : k;
  const Q = new Float64Array(m * qc);
  for (let i = 0; i < qc; i++) Q[i * qc + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const { v, tau } = vs[j];
    if (tau === 0) continue;
    for (let c = 0; c < qc; c++) {
      let d = 0;
      for (let i = j; i < m; i++) d += v[i] * Q[i * qc + c];
      d *= tau;
      for (let i = j; i < m; i++) Q[i * qc + c] -= d * v[i];
    }
  }
  const rr = complete_ ? m : k;
  return { Q, R: R.slice(0, rr * n) };
}

/** LU with partial pivoting (LAPACK's dgetrf): the packed factors, the pivots and the permutation. */
export function luKernel(A: Float64Array, m: number, n: number): { lu: Float64Array; piv: Int32Array; perm: Int32Array } {
  const a = Float64Array.from(A);
  const k = Math.min(m, n);
  const piv = new Int32Array(k);
  const perm = Int32Array.from({ length: m }, (_, i) => i);
  for (let j = 0; j < k; j++) {
    let p = j;
    for (let i = j + 1; i < m; i++) if (Math.abs(a[i * n + j]) > Math.abs(a[p * n + j])) p = i;
    piv[j] = p;
    if (p !== j) {
      for (let c = 0; c < n; c++) [a[j * n + c], a[p * n + c]] = [a[p * n + c], a[j * n + c]];
      [perm[j], perm[p]] = [perm[p], perm[j]];
    }
    const d = a[j * n + j];
    if (d === 0) continue;
    for (let i = j + 1; i < m; i++) {
      const f = (a[i * n + j] /= d);
      if (f !== 0) for (let c = j + 1; c < n; c++) a[i * n + c] -= f * a[j * n + c];
    }
  }
  return { lu: a, piv, perm };
}

export type TriOpts = { leftSide?: boolean; lower?: boolean; transposeA?: boolean; unitDiagonal?: boolean };
/** Solves op(T)·X = B (left) or X·op(T) = B (right) for X, T n×n triangular, B r×c. */
function triKernel(T: Float64Array, n: number, B: Float64Array, r: number, c: number, o: TriOpts): Float64Array {
  const left = !!o.leftSide;
  // as a left solve M·Y = C: M = op(T) (left) or op(T)ᵀ (right, Y = Xᵀ)
  const tr = !!o.transposeA !== !left;
  const at = (i: number, j: number) => (tr ? T[j * n + i] : T[i * n + j]);
  const lowerM = !!o.lower !== tr;
  const cols = left ? c : r;
  const Y = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) for (let q = 0; q < cols; q++) Y[i * cols + q] = left ? B[i * c + q] : B[q * c + i];
  const rows = lowerM ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: n }, (_, i) => n - 1 - i);
  for (const i of rows) {
    for (let q = 0; q < cols; q++) {
      let s = Y[i * cols + q];
      if (lowerM) for (let j = 0; j < i; j++) s -= at(i, j) * Y[j * cols + q];
      else for (let j = i + 1; j < n; j++) s -= at(i, j) * Y[j * cols + q];
      Y[i * cols + q] = o.unitDiagonal ? s : s / at(i, i);
    }
  }
  if (left) return Y;
  const X = new Float64Array(r * c);
  for (let i = 0; i < n; i++) for (let q = 0; q < cols; q++) X[q * c + i] = Y[i * cols + q];
  return X;
}

// ---- the primitives' kernels (what generated code calls) ---------------------------------------

/**
 * One decomposition per input and kind, shared by the primitives that each return one of its
 * results (eigh's w and v, svd's u, s, vt, ...): remembered for the Array object it was computed
 * from while that Array lives, and used only if its values are still the same.
 */
const MEMO = new WeakMap<object, Map<string, { data: Float32Array | Float64Array; value: unknown }>>();
function memo<T>(op: string, a: ArrayLike, square: boolean, key: string, compute: (x: Mats) => T, what = "a"): { x: Mats; value: T } {
  const x = matrices(op, a, square, what);
  if (!(a instanceof NDArray)) return { x, value: compute(x) };
  const data = astype(a, x.dtype).data as Float32Array | Float64Array;
  const per = MEMO.get(a) ?? new Map();
  MEMO.set(a, per);
  const hit = per.get(key);
  if (hit && hit.data.length === data.length && hit.data.every((v: number, i: number) => Object.is(v, data[i]))) return { x, value: hit.value as T };
  const value = compute(x);
  per.set(key, { data: data.slice(), value });
  return { x, value };
}
const eighOf = (a: ArrayLike) => memo("eigh", a, true, "eigh", ({ n, mats }) => mats.map((A) => eighKernel(A, n)));
const svdOf = (a: ArrayLike, full: boolean) => memo("svd", a, false, `svd${full}`, ({ m, n, mats }) => mats.map((A) => svdKernel(A, m, n, full)));
const qrOf = (a: ArrayLike, complete_: boolean) => memo("qr", a, false, `qr${complete_}`, ({ m, n, mats }) => mats.map((A) => qrKernel(A, m, n, complete_)));
const luOf = (a: ArrayLike) => memo("lu", a, false, "lu", ({ m, n, mats }) => mats.map((A) => luKernel(A, m, n)), "x");

/** The eigenvalues (ascending) of symmetric matrices (the input is taken as symmetric). */
export function eighW(a: ArrayLike): NDArray {
  const { x, value } = eighOf(a);
  return pack(value.map((r) => r.w), [...x.batch, x.n], x.dtype);
}
/** The eigenvectors (columns) of symmetric matrices. */
export function eighV(a: ArrayLike): NDArray {
  const { x, value } = eighOf(a);
  return pack(value.map((r) => r.V), [...x.batch, x.n, x.n], x.dtype);
}
/** The singular values (descending; the same from the full decomposition, when that one is remembered). */
export function svdS(a: ArrayLike): NDArray {
  const { x, value } = svdOf(a, a instanceof NDArray && !!MEMO.get(a)?.has("svdtrue") && !MEMO.get(a)?.has("svdfalse"));
  return pack(value.map((r) => r.s), [...x.batch, Math.min(x.m, x.n)], x.dtype);
}
/** svd's u (m×k, or m×m when full). */
export function svdU(a: ArrayLike, full: boolean): NDArray {
  const { x, value } = svdOf(a, full);
  return pack(value.map((r) => r.U), [...x.batch, x.m, full ? x.m : Math.min(x.m, x.n)], x.dtype);
}
/** svd's vt (k×n, or n×n when full). */
export function svdVt(a: ArrayLike, full: boolean): NDArray {
  const { x, value } = svdOf(a, full);
  return pack(value.map((r) => r.Vt), [...x.batch, full ? x.n : Math.min(x.m, x.n), x.n], x.dtype);
}
/** qr's q. */
export function qrQ(a: ArrayLike, complete_: boolean): NDArray {
  const { x, value } = qrOf(a, complete_);
  return pack(value.map((r) => r.Q), [...x.batch, x.m, complete_ ? x.m : Math.min(x.m, x.n)], x.dtype);
}
/** qr's r. */
export function qrR(a: ArrayLike, complete_: boolean): NDArray {
  const { x, value } = qrOf(a, complete_);
  return pack(value.map((r) => r.R), [...x.batch, complete_ ? x.m : Math.min(x.m, x.n), x.n], x.dtype);
}
/** lu's packed factors (L's unit diagonal not stored). */
export function luFactors(a: ArrayLike): NDArray {
  const { x, value } = luOf(a);
  return pack(value.map((r) => r.lu), [...x.batch, x.m, x.n], x.dtype);
}
/** lu's pivots (int32, [..., min(m, n)]). */
export function luPivots(a: ArrayLike): NDArray {
  const { x, value } = luOf(a);
  return packInt(value.map((r) => r.piv), [...x.batch, Math.min(x.m, x.n)]);
}
/** lu's row permutation (int32, [..., m]). */
export function luPermutation(a: ArrayLike): NDArray {
  const { x, value } = luOf(a);
  return packInt(value.map((r) => r.perm), [...x.batch, x.m]);
}

/** lax.linalg.triangularSolve's kernel: a [..., n, n] triangular, b [..., m, k] with the same batch. */
export function triSolve(a: ArrayLike, b: ArrayLike, opts?: TriOpts): NDArray {
  const o = opts ?? {};
  // (JAX's CPU triangular solve falls back to XLA's own for float16, so that is accepted here)
  const A = matrices("triangularSolve", a, true, "a", true);
  const B = matrices("triangularSolve", b, false, "b", true);
  const need = o.leftSide ? B.m : B.n;
  if (need !== A.n || fmtShape(A.batch) !== fmtShape(B.batch))
    throw new TypeError(
      `triangularSolve: a of shape ${fmtShape([...A.batch, A.n, A.n])} and b of shape ${fmtShape([...B.batch, B.m, B.n])} do not match ` +
        `(${o.leftSide ? "leftSide: b's rows" : "right side: b's columns"} must be ${A.n}, the batch axes equal)`,
    );
  return pack(A.mats.map((T, i) => triKernel(T, A.n, B.mats[i], B.m, B.n, o)), [...B.batch, B.m, B.n], promoteTypes(A.dtype, B.dtype));
}

/** JAX's cutoffs: pinv's σ > rtol·σ_max (rtol = 10·max(m, n)·eps by default); lstsq's σ >= max(m, n)·eps·σ_max. */
export type PinvCut = { rtol?: number; lstsq?: boolean };
/** The pseudo-inverse of each matrix ([..., n, m]) from its SVD. */
export function pinvOf(a: ArrayLike, cut?: PinvCut): NDArray {
  const { m, n, batch, mats, dtype } = matrices(cut?.lstsq ? "lstsq" : "pinv", a, false);
  const eps = epsOf(dtype);
  const k = Math.min(m, n);
  return pack(
    mats.map((A) => {
      const { U, s, Vt } = svdKernel(A, m, n, false);
      const P = new Float64Array(n * m);
      if (!k) return P;
      const r = cut?.lstsq ? Math.max(m, n) * eps : cut?.rtol ?? 10 * Math.max(m, n) * eps;
      const tol = r * s[0];
      for (let q = 0; q < k; q++) {
        if (cut?.lstsq ? !(s[q] >= tol) : !(s[q] > tol)) continue;
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) P[i * m + j] += (Vt[q * n + i] * U[j * k + q]) / s[q];
      }
      return P;
    }),
    [...batch, n, m],
    dtype,
  );
}

/** The number of singular values above the tolerance (NumPy's and JAX's: σ_max·max(m, n)·eps unless given). */
export function matrixRank(a: ArrayLike, opts?: { rtol?: number; tol?: number }): NDArray {
  const { m, n, batch, mats, dtype } = matrices("matrixRank", a, false);
  const out = new Int32Array(mats.length);
  mats.forEach((A, b) => {
    const s = svdKernel(A, m, n, false).s;
    const tol = opts?.tol ?? (s[0] ?? 0) * (opts?.rtol ?? Math.max(m, n) * epsOf(dtype));
    out[b] = s.filter((v) => v > tol).length;
  });
  return new NDArray(out, batch, "int32");
}

/**
 * The identity of a derivative that exists only for some shapes (JAX's svd and qr rules): g
 * itself, or an error naming the function and the shape.
 */
export function gradShapeCheck(g: ArrayLike, a: ArrayLike, what: string): NDArray {
  const s = asArray(a).shape;
  const m = s[s.length - 2], n = s[s.length - 1];
  if (what === "svd" && m !== n) throw new TypeError(`svd: the derivative of u or vt with fullMatrices: true needs square matrices (as JAX's), got shape ${fmtShape(s)}; pass fullMatrices: false`);
  if (what === "qr" && m < n) throw new TypeError(`qr: the derivative needs m >= n (as JAX's), got shape ${fmtShape(s)}`);
  if (what === "qrComplete" && m !== n) throw new TypeError(`qr: the derivative with mode "complete" needs square matrices (as JAX's), got shape ${fmtShape(s)}`);
  const ga = asArray(g);
  return astype(ga, toInexact(ga.dtype));
}
