// The run-time pieces behind runtime/numpy/more.ts that depend on shapes known only at run time
// (the IR does not know an Array parameter's rank): index lists along an axis, the tensor
// contraction of tensordot/inner and its two adjoints, and diag (1-D → matrix, 2-D → diagonal).
// Each takes `k` leading vmap axes (prims/more.ts batches them by counting one more), so the
// formulas of more.ts that use them differentiate, jit and vmap. Not numpy names: generated code
// reaches them through rt.ts.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape, normAxis, sizeOf } from "../shape.js";
import { asArray } from "./creation.js";
import { matmul } from "./linalg.js";
import { reshape, transpose } from "./shape.js";
import * as eager from "./more-eager.js";

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const int32 = (idx: number[], shape = [idx.length]) => new NDArray(Int32Array.from(idx), shape, "int32");

// ---- index lists along an axis ------------------------------------------------------------------

/** What moreIdx computes; `k[i]`: the leading vmap axes of ref i (0 when absent). */
export type IdxSpec =
  /** Python's slice start:stop along `axis` of ref 0. */
  | { kind: "range"; fn: string; axis: number; start?: number; stop?: number; k?: number[] }
  /** Piece `i` of a split along `axis` ("h": hsplit's axis) of ref 0, by a count or at indices. */
  | { kind: "split"; fn: string; axis: number | "h"; sections?: number; at?: number[]; i: number; k?: number[] }
  /** polymul's gather: [n + m - 1, n] indices into concat(b, zeros(n)) for refs a (n) and b (m). */
  | { kind: "toeplitz"; fn: string; k?: number[] }
  /** polyadd's alignment: the last max(n, m) indices of concat(zeros(m), a), refs a (n), b (m) on axis 0. */
  | { kind: "tail"; fn: string; k?: number[] }
  /**
   * cross's gathers, [0, 1, 2] unless both refs are 2-vectors: "pad" (a vector with a zero
   * appended as a 3-vector), "z" ([2] then: the z component), "out" ([] then: 0-d, the axis dropped)
   */
  | { kind: "cross"; fn: string; part: "pad" | "z" | "out"; k?: number[] }
  /** Exponents along the last axis of ref 0 (length n): n-1 … `low` (or `low` … n-1 when increasing); `n` overrides. */
  | { kind: "powers"; fn: string; n?: number; low?: number; increasing?: boolean; k?: number[] };

/** One example's shape of ref i. */
const ex = (refs: readonly ArrayLike[], spec: { k?: number[] }, i: number) => asArray(refs[i]).shape.slice(spec.k?.[i] ?? 0);

/** int32 indices worked out from the refs' per-example shapes (a `take` then gathers them). */
export function moreIdx(spec: IdxSpec, ...refs: ArrayLike[]): NDArray {
  const s0 = ex(refs, spec, 0);
  switch (spec.kind) {
    case "range": {
      const n = s0[normAxis(spec.fn, spec.axis, s0.length, s0)];
      const norm = (v: number | undefined, d: number) => (v === undefined ? d : v < 0 ? Math.max(0, n + v) : Math.min(n, v));
      const a = norm(spec.start, 0), b = norm(spec.stop, n);
      return int32(range(Math.max(0, b - a), a));
    }
    case "split": {
      const axis = spec.axis === "h" ? (s0.length <= 1 ? 0 : 1) : spec.axis;
      if (s0.length === 0 || (spec.axis !== "h" && (axis >= s0.length || axis < -s0.length)))
        throw new TypeError(`${spec.fn}: an array of shape ${fmtShape(s0)} has no axis ${axis} to split`);
      const n = s0[normAxis(spec.fn, axis, s0.length, s0)];
      if (spec.sections !== undefined) {
        if (n % spec.sections !== 0) throw new TypeError(`${spec.fn}: an axis of size ${n} (shape ${fmtShape(s0)}) does not divide into ${spec.sections} equal parts`);
        const len = n / spec.sections;
        return int32(range(len, spec.i * len));
      }
      const cuts = [0, ...(spec.at ?? []).map((c) => Math.min(n, c < 0 ? Math.max(0, n + c) : c)), n];
      const a = cuts[spec.i], b = Math.max(a, cuts[spec.i + 1]);
      return int32(range(b - a, a));
    }
    case "toeplitz": {
      const n = s0[0], m = ex(refs, spec, 1)[0];
      const L = n + m - 1;
      // T[r, i] = b[r - i] (0 outside b: the zeros after it, reached by wrapping negative indices)
      const idx: number[] = [];
      for (let r = 0; r < L; r++) for (let i = 0; i < n; i++) idx.push((((r - i) % (n + m)) + n + m) % (n + m));
      return int32(idx, [L, n]);
    }
    case "cross": {
      const sizes = refs.map((_, i) => ex(refs, spec, i));
      for (const s of sizes) if (s.length === 0 || (s[s.length - 1] !== 2 && s[s.length - 1] !== 3)) throw new TypeError(`${spec.fn}: the vectors must have size 2 or 3 along the axis, got shape ${fmtShape(s)}`);
      const two = sizes.length === 2 && sizes.every((s) => s[s.length - 1] === 2);
      if (two && spec.part === "z") return int32([2]);
      if (two && spec.part === "out") return int32([0], []);
      return int32([0, 1, 2]);
    }
    case "tail": {
      const n = s0[0], m = ex(refs, spec, 1)[0];
      const len = Math.max(n, m);
      return int32(range(len, n + m - len));
    }
    case "powers": {
      const n = spec.n ?? s0[s0.length - 1];
      const low = spec.low ?? 0;
      const e = range(Math.max(0, n - low), low);
      return int32(spec.increasing ? e : e.reverse());
    }
  }
}

// ---- tensordot: a contraction as one (batched) matrix product ----------------------------------

/** tensordot's axes: x's `ax` against y's `ay`; `k` leading vmap axes on every operand. */
export type TdSpec = { ax: readonly number[]; ay: readonly number[]; k?: number; fn?: string };

function plan(x: NDArray, y: NDArray, s: TdSpec) {
  const fn = s.fn ?? "tensordot";
  const k = s.k ?? 0;
  const xs = x.shape.slice(k), ys = y.shape.slice(k);
  if (s.ax.length !== s.ay.length) throw new TypeError(`${fn}: x's axes [${s.ax}] and y's axes [${s.ay}] are not the same number of axes`);
  const cx = s.ax.map((a) => normAxis(fn, a, xs.length, xs));
  const cy = s.ay.map((a) => normAxis(fn, a, ys.length, ys));
  cx.forEach((a, i) => {
    if (xs[a] !== ys[cy[i]]) throw new TypeError(`${fn}: axis ${s.ax[i]} of x (shape ${fmtShape(xs)}) has size ${xs[a]} but axis ${s.ay[i]} of y (shape ${fmtShape(ys)}) has size ${ys[cy[i]]}`);
  });
  const fx = range(xs.length).filter((a) => !cx.includes(a));
  const fy = range(ys.length).filter((a) => !cy.includes(a));
  const batch = x.shape.slice(0, k);
  const lead = range(k);
  const permX = [...lead, ...fx.map((a) => a + k), ...cx.map((a) => a + k)];
  const permY = [...lead, ...cy.map((a) => a + k), ...fy.map((a) => a + k)];
  const fxS = fx.map((a) => xs[a]), fyS = fy.map((a) => ys[a]), cS = cx.map((a) => xs[a]);
  return { batch, lead, permX, permY, fxS, fyS, cS, P: sizeOf(fxS), Q: sizeOf(fyS), C: sizeOf(cS) };
}
const inverse = (p: readonly number[]) => {
  const r = new Array<number>(p.length);
  p.forEach((a, i) => (r[a] = i));
  return r;
};
/** The last two axes swapped (a batch of matrices transposed). */
const mT = (a: NDArray, k: number) => transpose(a, [...range(k), k + 1, k]);

/** Σ over x's `ax` and y's `ay`: x's other axes, then y's. */
export function tdot(x: ArrayLike, y: ArrayLike, s: TdSpec): NDArray {
  const a = asArray(x), b = asArray(y);
  const p = plan(a, b, s);
  const am = reshape(transpose(a, p.permX), [...p.batch, p.P, p.C]);
  const bm = reshape(transpose(b, p.permY), [...p.batch, p.C, p.Q]);
  return reshape(matmul(am, bm), [...p.batch, ...p.fxS, ...p.fyS]);
}
/** The cotangent of x given the result's cotangent g (shaped like x). */
export function tdotGradA(g: ArrayLike, x: ArrayLike, y: ArrayLike, s: TdSpec): NDArray {
  const a = asArray(x), b = asArray(y);
  const p = plan(a, b, s);
  const gm = reshape(asArray(g), [...p.batch, p.P, p.Q]);
  const bm = reshape(transpose(b, p.permY), [...p.batch, p.C, p.Q]);
  const r = reshape(matmul(gm, mT(bm, p.lead.length)), [...p.batch, ...p.fxS, ...p.cS]);
  return transpose(r, inverse(p.permX));
}
/** The cotangent of y given the result's cotangent g (shaped like y). */
export function tdotGradB(g: ArrayLike, x: ArrayLike, y: ArrayLike, s: TdSpec): NDArray {
  const a = asArray(x), b = asArray(y);
  const p = plan(a, b, s);
  const gm = reshape(asArray(g), [...p.batch, p.P, p.Q]);
  const am = reshape(transpose(a, p.permX), [...p.batch, p.P, p.C]);
  const r = reshape(matmul(mT(am, p.lead.length), gm), [...p.batch, ...p.cS, ...p.fyS]);
  return transpose(r, inverse(p.permY));
}

// ---- diag: a vector on a diagonal, or a matrix's diagonal ---------------------------------------

function diagCheck(v: NDArray, kb: number, fn: string): number {
  const r = v.ndim - kb;
  if (r !== 1 && r !== 2) throw new TypeError(`${fn}: v must be 1-D or 2-D, got shape ${fmtShape(v.shape.slice(kb))}`);
  return r;
}
/** The diagonal `k` of the last two axes of m: [..., d]. */
function diagOf(m: NDArray, k: number): NDArray {
  const [r, c] = m.shape.slice(-2);
  const lead = m.shape.slice(0, -2);
  const d = Math.max(0, k >= 0 ? Math.min(r, c - k) : Math.min(r + k, c));
  const B = sizeOf(lead);
  const out = new NDArray(new (m.data.constructor as Float32ArrayConstructor)(B * d), [...lead, d], m.dtype);
  const src = m.data;
  for (let b = 0; b < B; b++)
    for (let i = 0; i < d; i++) out.data[b * d + i] = src[b * r * c + (k >= 0 ? i * c + i + k : (i - k) * c + i)];
  return out;
}
/** v ([..., n]) placed on diagonal `k` of zero matrices [..., r, c]. */
function onDiag(v: NDArray, k: number, r: number, c: number): NDArray {
  const lead = v.shape.slice(0, -1);
  const n = v.shape[v.shape.length - 1];
  const B = sizeOf(lead);
  const out = new NDArray(new (v.data.constructor as Float32ArrayConstructor)(B * r * c), [...lead, r, c], v.dtype);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < n; i++) out.data[b * r * c + (k >= 0 ? i * c + i + k : (i - k) * c + i)] = v.data[b * n + i];
  return out;
}
/** numpy.diag of one example (its first `kb` axes are vmap's). */
export function diagOp(v: ArrayLike, k: number, kb = 0): NDArray {
  const x = asArray(v);
  if (diagCheck(x, kb, "diag") === 2) return diagOf(x, k);
  const n = x.shape[x.ndim - 1] + Math.abs(k);
  return onDiag(x, k, n, n);
}
/** diagOp's adjoint: g (shaped like diagOp's result) back to v's shape. */
export function diagOpT(g: ArrayLike, v: ArrayLike, k: number, kb = 0): NDArray {
  const x = asArray(v), ga = asArray(g);
  if (diagCheck(x, kb, "diag") === 2) {
    const [r, c] = x.shape.slice(-2);
    return onDiag(ga, k, r, c);
  }
  return diagOf(ga, k);
}

// ---- average's weights: a 1-D list along an axis of a ------------------------------------------

/** w reshaped to broadcast along `axis` of a when w is 1-D and a is not (numpy.average); else w as it is. */
export function alongAxis(w: ArrayLike, a: ArrayLike, axis: number, kw = 0, ka = 0, fn = "average"): NDArray {
  const W = asArray(w), A = asArray(a);
  const ws = W.shape.slice(kw), as = A.shape.slice(ka);
  if (ws.length !== 1 || as.length <= 1) return W;
  const ax = normAxis(fn, axis, as.length, as);
  if (ws[0] !== as[ax]) throw new TypeError(`${fn}: 1-D ${fn === "average" ? "weights" : "x"} of shape ${fmtShape(ws)} do not match axis ${axis} of a (shape ${fmtShape(as)})`);
  return reshape(W, [...W.shape.slice(0, kw), ...as.map((d, i) => (i === ax ? ws[0] : 1))]);
}

// ---- functions that run eagerly inside compiled code (constants, frexp) ------------------------


/** The eager functions the moreEager primitive calls, by name (their results have no derivative). */
const EAGER: Record<string, (...args: never[]) => unknown> = {
  tri: eager.tri,
  identity: eager.identity,
  bartlett: eager.bartlett,
  hann: eager.hann,
  blackman: eager.blackman,
  logspace: eager.logspace,
  geomspace: eager.geomspace,
  indices: eager.indices,
  arrayEqual: eager.arrayEqual,
  arrayEquiv: eager.arrayEquiv,
  frexpMantissa: (x: ArrayLike) => eager.frexp(x)[0],
  frexpExponent: (x: ArrayLike) => eager.frexp(x)[1],
};
/** An eager function of this table applied to its arguments. */
export function moreEager(name: string, ...args: unknown[]): NDArray {
  const f = EAGER[name];
  if (!f) throw new Error(`tsjax: unknown eager function '${name}'`);
  return (f as (...a: unknown[]) => NDArray)(...args);
}
