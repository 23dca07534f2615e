// More of jax.numpy, as @jax-js/jax 0.1.25 spells it: the functions that are compositions are
// formulas written once (MORE_FORMULAS), over the composites' operations plus the joins, gathers
// and run-time index lists of MoreOps. The runtime runs a formula on Arrays; the transformer
// expands the same formula into primitives (transformer/rules/more.ts), so these differentiate,
// jit and vmap with no rules of their own. Shapes an Array parameter does not fix at build time
// (an axis length, a rank) are read at run time by the primitives of more-prims.ts.

import { NDArray } from "../array.js";
import type { ArrayLike, Axis } from "../array.js";
import type { FormulaOps } from "../nn/formulas.js";
import { COMPOSITES } from "./composites.js";
import { EAGER_OPS } from "./formula-ops.js";
import { asArray, zerosLike } from "./creation.js";
import { concatenate, stack, ravel, transpose } from "./shape.js";
import { take } from "./indexing.js";
import * as ar from "./arrange.js";
import * as ew from "./elementwise.js";
import * as red from "./reduce.js";
import { moreIdx, tdot, diagOp, alongAxis } from "./more-prims.js";
import { diffStep } from "./diff-step.js";
import { rankAtMost } from "./rank-check.js";
import type { IdxSpec, TdSpec } from "./more-prims.js";
import { asPublic } from "./public-errors.js";

/** The operations of MORE_FORMULAS: the composites' and these. `V` is an Array at run time, an IR value at build time. */
export interface MoreOps<V> extends FormulaOps<V> {
  /** A data argument (an Array, a number, a nested list) as an Array. */
  arr(v: unknown): V;
  concat(xs: readonly V[], axis: unknown): V;
  stack(xs: readonly V[], axis: number): V;
  take(x: V, idx: V, axis: unknown): V;
  /** int32 indices from the refs' shapes at run time (more-prims.ts moreIdx). */
  idx(spec: IdxSpec, ...refs: V[]): V;
  flip(x: V, axis: unknown): V;
  cumsum(x: V, axis: number): V;
  cumprod(x: V, axis: number): V;
  prod(x: V, axis: unknown, keepdims: boolean): V;
  argmax(x: V, axis: unknown, keepdims: boolean): V;
  argmin(x: V, axis: unknown, keepdims: boolean): V;
  ravel(x: V): V;
  swapaxes(x: V, a: number, b: number): V;
  transpose(x: V, perm: readonly number[] | null): V;
  tdot(x: V, y: V, spec: TdSpec): V;
  diag(v: V, k: number): V;
  zerosLike(x: V): V;
  trunc(x: V): V;
  cos(x: V): V;
  /** numpy.atleast_2d, or a column for "col". */
  atleast(x: V, mode: "2d" | "col"): V;
  /** hstack's axis of x: 0 when 1-D, else 1 (a number, known at run time). */
  hAxis(x: V): V;
  /** average's weights made to broadcast along `axis` of a (a 1-D w; others as they are). */
  alongAxis(w: V, a: V, axis: number, fn: string): V;
  /** numpy.diff's step: hi − lo, or hi ≠ lo for bools (diff-step.ts; the dtype is known at run time). */
  diffStep(hi: V, lo: V): V;
  /** x, checked to have at most `max` dimensions (rank-check.ts: the rank is known at run time). */
  rankAtMost(x: V, max: number, fn: string, what: string): V;
}

export const EAGER_MORE: MoreOps<NDArray> = {
  ...EAGER_OPS,
  arr: (v) => asArray(v as ArrayLike),
  concat: (xs, axis) => concatenate(xs, axis as number),
  stack: (xs, axis) => stack(xs, axis),
  take: (x, idx, axis) => take(x, idx, axis as number),
  idx: (spec, ...refs) => moreIdx(spec, ...refs),
  flip: (x, axis) => ar.flip(x, axis as Axis),
  cumsum: (x, axis) => ar.cumsum(x, axis),
  cumprod: (x, axis) => ar.cumprod(x, axis),
  prod: (x, axis, keepdims) => red.prod(x, axis as Axis, { keepdims }),
  argmax: (x, axis, keepdims) => red.argmax(x, axis as number, { keepdims }),
  argmin: (x, axis, keepdims) => red.argmin(x, axis as number, { keepdims }),
  ravel: (x) => ravel(x),
  swapaxes: (x, a, b) => ar.swapaxes(x, a, b),
  transpose: (x, perm) => transpose(x, perm),
  tdot: (x, y, spec) => tdot(x, y, spec),
  diag: (v, k) => diagOp(v, k),
  zerosLike: (x) => zerosLike(x),
  trunc: ew.trunc,
  cos: ew.cos,
  atleast: (x, mode) => ar.atleast(x, mode),
  hAxis: (x) => ar.hstackAxis(x) as unknown as NDArray,
  alongAxis: (w, a, axis, fn) => alongAxis(w, a, axis, 0, 0, fn),
  diffStep,
  rankAtMost: (x, max, fn, what) => rankAtMost(x, { fn, what, max }),
};

/** A formula of this file: the first argument as given (a list, a function's), results one or several. */
export type MoreFormula = <V>(o: MoreOps<V>, ...args: unknown[]) => V | V[];

const F32_MAX = 3.4028234663852886e38;
const isnan = <V>(o: MoreOps<V>, x: V) => o.notEqual(x, x);
/** A number argument that must be known when the formula runs (at build time when compiled). */
function stat(fn: string, what: string, v: unknown, dflt?: number): number {
  if (v === undefined || v === null) {
    if (dflt === undefined) throw new TypeError(`${fn}: ${what} is required`);
    return dflt;
  }
  if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`${fn}: ${what} must be an integer written literally (known at build time), got ${typeof v === "number" ? v : typeof v}`);
  return v;
}
/** Each array broadcast to their common shape, dtypes kept: where(m, x, x) with m true over that shape. */
function bcastAll<V>(o: MoreOps<V>, xs: readonly V[]): V[] {
  const m = xs.map((x) => o.equal(x, x)).reduce((a, b) => o.logicalOr(a, b));
  return xs.map((x) => o.where(m, x, x));
}
/** Slice start:stop along axis. */
const sl = <V>(o: MoreOps<V>, x: V, axis: number, start: number | undefined, stop: number | undefined, fn: string) => o.take(x, o.idx({ kind: "range", fn, axis, start, stop }, x), axis);
/** The n-th discrete difference along axis. */
function diffOf<V>(o: MoreOps<V>, x: V, n: number, axis: number, fn: string): V {
  let d = x;
  for (let i = 0; i < n; i++) {
    const hi = sl(o, d, axis, 1, undefined, fn), lo = sl(o, d, axis, 0, -1, fn);
    d = o.diffStep(hi, lo);
  }
  return d;
}
/** A data argument as a float Array of its own float dtype, float32 for integers (a number stays a weak constant). */
const f32 = <V>(o: MoreOps<V>, v: unknown): V => (typeof v === "number" ? o.c(v) : o.astype(o.arr(v), "inexact"));
/** x ** e with e an exponent array: a zero exponent gives 1 with a zero derivative even at x = 0. */
const powE = <V>(o: MoreOps<V>, x: V, e: V) => o.pow(o.where(o.equal(e, o.c(0)), o.c(1), x), e);
/** Round half to even (NumPy's and JAX's round); integers stay integers. */
function rintOf<V>(o: MoreOps<V>, x: V): V {
  // (x - floor(x) is exact in float32: the fractional bits)
  const r = o.floor(x);
  const d = o.sub(x, r);
  const odd = o.notEqual(o.fmod(r, o.c(2)), o.c(0));
  const up = o.logicalOr(o.greater(d, o.c(0.5)), o.logicalAnd(o.equal(d, o.c(0.5)), odd));
  return o.where(up, o.add(r, o.c(1)), r);
}
/** numpy.cov's centred data (variables as rows) and its count of observations. */
function covData<V>(o: MoreOps<V>, x: unknown, y: unknown, rowvar: boolean, fn: string): V {
  const prep = (v: unknown, what: string) => {
    const a = o.atleast(o.rankAtMost(o.arr(v), 2, fn, what), rowvar ? "2d" : "col");
    return rowvar ? a : o.swapaxes(a, -1, -2);
  };
  let X = prep(x, "m");
  if (y !== undefined && y !== null) X = o.concat([X, prep(y, "y")], 0);
  return X;
}
function covFull<V>(o: MoreOps<V>, X: V): V {
  const Xc = o.sub(X, o.mean(X, 1, true));
  return o.div(o.matmul(Xc, o.swapaxes(Xc, -1, -2)), o.sub(o.dim(X, 1), o.c(1)));
}
/** numpy.nanvar's pieces: the sum of squared deviations of the non-NaN elements, and their count. */
function nanVar<V>(o: MoreOps<V>, x0: unknown, axis: unknown, opts: unknown): V {
  const { keepdims = false, correction, ddof } = (opts ?? {}) as { keepdims?: boolean; correction?: number; ddof?: number };
  const x = o.astype(o.arr(x0), "compute");
  const ax = axis ?? null;
  const ok = o.logicalNot(isnan(o, x));
  const cnt = o.sum(o.astype(ok, "like", x), ax, true);
  const m = o.div(o.sum(o.where(ok, x, o.c(0)), ax, true), cnt);
  const d = o.where(ok, o.sub(x, m), o.c(0));
  const den = o.sub(o.sum(o.astype(ok, "like", x), ax, keepdims), o.c(correction ?? ddof ?? 0));
  return o.where(o.greater(den, o.c(0)), o.div(o.sum(o.mul(d, d), ax, keepdims), den), o.c(NaN));
}
const nanArg =
  (which: "argmax" | "argmin"): MoreFormula =>
  (o, a, axis, opts) => {
    const x = o.arr(a);
    const k = !!(opts as { keepdims?: boolean } | undefined)?.keepdims;
    const nan = isnan(o, x);
    const r = o[which](o.where(nan, o.c(which === "argmax" ? -Infinity : Infinity), x), axis ?? null, k);
    const allNan = o.greater(o.min(o.astype(nan, "float32"), axis ?? null, k), o.c(0));
    return o.where(allNan, o.c(-1), r);
  };
const nanScan =
  (which: "cumsum" | "cumprod"): MoreFormula =>
  (o, a, axis) => {
    let x = o.arr(a);
    const ax = axis === undefined || axis === null ? 0 : stat(which === "cumsum" ? "nancumsum" : "nancumprod", "axis", axis);
    if (axis === undefined || axis === null) x = o.ravel(x);
    return o[which](o.where(isnan(o, x), o.c(which === "cumsum" ? 0 : 1), x), ax);
  };
const cumulative =
  (which: "cumsum" | "cumprod"): MoreFormula =>
  (o, a, opts) => {
    const fn = which === "cumsum" ? "cumulativeSum" : "cumulativeProd";
    const { axis, includeInitial = false } = (opts ?? {}) as { axis?: number; includeInitial?: boolean };
    const x = o.arr(a);
    const ax = stat(fn, "axis", axis, -1);
    const r = o[which](x, ax);
    if (!includeInitial) return r;
    const first = o.zerosLike(sl(o, x, ax, 0, 1, fn));
    return o.concat([which === "cumsum" ? first : o.add(first, o.c(1)), r], ax);
  };
/** hsplit / vsplit / dsplit: pieces along an axis ("h": 1, or 0 for 1-D arrays). */
const splitAlong =
  (fn: string, axis: number | "h"): MoreFormula =>
  (o, a, ios) => {
    const x = o.arr(a);
    const sections = typeof ios === "number" ? ios : undefined;
    const at = Array.isArray(ios) ? (ios as number[]) : undefined;
    if (sections === undefined && !(at && at.every((v) => typeof v === "number")))
      throw new TypeError(`${fn}: indicesOrSections must be a number or a list of numbers written literally (known at build time)`);
    if (sections !== undefined && !(Number.isInteger(sections) && sections > 0)) throw new TypeError(`${fn}: the number of sections must be a positive integer, got ${sections}`);
    const n = sections ?? at!.length + 1;
    const ax = axis === "h" ? o.hAxis(x) : axis;
    return Array.from({ length: n }, (_, i) => o.take(x, o.idx({ kind: "split", fn, axis, sections, at, i }, x), ax));
  };
/** polyadd's sum: the shorter coefficient list aligned with the end of the longer. */
function polyAdd<V>(o: MoreOps<V>, a: V, b: V): V {
  const idx = o.idx({ kind: "tail", fn: "polyadd" }, a, b);
  return o.add(o.take(o.concat([o.zerosLike(b), a], 0), idx, 0), o.take(o.concat([o.zerosLike(a), b], 0), idx, 0));
}
/** One component of a 3-vector along the last axis. */
const comp = <V>(o: MoreOps<V>, x: V, i: number) => o.take(x, o.idx({ kind: "range", fn: "cross", axis: -1, start: i, stop: i + 1 }, x), -1);
/** A 2- or 3-vector along the last axis as a 3-vector (a zero z appended to a 2-vector). */
const as3 = <V>(o: MoreOps<V>, x: V) => o.take(o.concat([x, o.zerosLike(comp(o, x, 0))], -1), o.idx({ kind: "cross", fn: "cross", part: "pad" }, x), -1);

export const MORE_FORMULAS: Readonly<Record<string, MoreFormula>> = {
  // ---- elementwise ----
  // asinh(|x|) = log1p(|x| + x²/(1 + √(1 + x²))), odd; acosh(x) = log(x + √((x-1)(x+1)));
  // atanh(x) = ½·log1p(2x/(1 - x))
  arcsinh: (o, x0) => {
    const x = o.arr(x0);
    const ax = o.abs(x);
    const x2 = o.mul(x, x);
    // (beyond 1e18 the square overflows: log(2|x|) there)
    const big = o.add(o.log(ax), o.c(Math.LN2));
    const r = o.log1p(o.add(ax, o.div(x2, o.add(o.c(1), o.sqrt(o.add(o.c(1), x2))))));
    return o.mul(o.sign(x), o.where(o.greater(ax, o.c(1e18)), big, r));
  },
  arccosh: (o, x0) => {
    const x = o.arr(x0);
    return o.where(o.greater(x, o.c(1e18)), o.add(o.log(x), o.c(Math.LN2)), o.log(o.add(x, o.sqrt(o.mul(o.sub(x, o.c(1)), o.add(x, o.c(1)))))));
  },
  arctanh: (o, x0) => {
    const x = o.arr(x0);
    return o.mul(o.c(0.5), o.log1p(o.div(o.mul(o.c(2), x), o.sub(o.c(1), x))));
  },
  round: (o, x0, decimals) => {
    const x = o.arr(x0);
    const d = stat("round", "decimals", decimals, 0);
    if (d === 0) return rintOf(o, x);
    const s = o.c(10 ** d);
    return o.div(rintOf(o, o.mul(x, s)), s);
  },
  rint: (o, x) => rintOf(o, o.arr(x)),
  logicalXor: (o, a, b) => o.notEqual(o.notEqual(o.arr(a), o.c(0)), o.notEqual(o.arr(b), o.c(0))),
  // x·2^e computed in float32 at least (2^e overflows float16 from e = 16), cast back to x's float dtype
  ldexp: (o, a, b) => {
    const x = o.arr(a), xc = o.astype(x, "compute");
    return o.astype(o.mul(xc, o.pow(o.c(2), o.astype(o.arr(b), "like", xc))), "like", x);
  },
  floatPower: (o, a, b) => o.pow(f32(o, a), f32(o, b)),
  divmod: (o, a, b) => [COMPOSITES.floorDivide(o, o.arr(a), o.arr(b)), COMPOSITES.remainder(o, o.arr(a), o.arr(b))],
  // (fractional, integral), both with x's sign; ±inf: (0, ±inf)
  modf: (o, x0) => {
    const x = o.astype(o.arr(x0), "inexact");
    const i = o.trunc(x);
    return [o.where(o.greater(o.abs(x), o.c(F32_MAX)), o.c(0), o.sub(x, i)), i];
  },
  isin: (o, e, t, opts) => {
    const hit = COMPOSITES.any(o, o.equal(o.expandDims(o.arr(e), -1), o.ravel(o.arr(t))), -1);
    return (opts as { invert?: boolean } | undefined)?.invert ? o.logicalNot(hit) : hit;
  },

  // ---- reductions and scans ----
  nanprod: (o, a, axis, opts) => {
    const x = o.arr(a);
    return o.prod(o.where(isnan(o, x), o.c(1), x), axis ?? null, !!(opts as { keepdims?: boolean } | undefined)?.keepdims);
  },
  // (computed in float32 for float16, cast back: JAX's _upcast_f16)
  nanvar: (o, x, axis, opts) => o.astype(nanVar(o, x, axis, opts), "like", o.arr(x)),
  nanstd: (o, x, axis, opts) => o.astype(o.sqrt(nanVar(o, x, axis, opts)), "like", o.arr(x)),
  nanargmax: nanArg("argmax"),
  nanargmin: nanArg("argmin"),
  nancumsum: nanScan("cumsum"),
  nancumprod: nanScan("cumprod"),
  cumulativeSum: cumulative("cumsum"),
  cumulativeProd: cumulative("cumprod"),
  // Σ a·w / Σ w (w broadcast against a; 1-D weights along a single axis)
  average: (o, a0, axis, opts) => {
    const { weights, keepdims = false } = (opts ?? {}) as { weights?: unknown; keepdims?: boolean };
    const a = o.arr(a0);
    if (weights === undefined || weights === null) return o.mean(a, axis ?? null, keepdims);
    const w = o.arr(weights);
    const wa = typeof axis === "number" ? o.alongAxis(w, a, axis, "average") : w;
    return o.div(o.sum(o.mul(a, wa), axis ?? null, keepdims), o.sum(o.add(o.zerosLike(a), wa), axis ?? null, keepdims));
  },
  cov: (o, x, y, opts) => {
    const rowvar = (opts as { rowvar?: boolean } | undefined)?.rowvar ?? true;
    return o.squeeze(covFull(o, covData(o, x, y, rowvar, "cov")), null as unknown as number);
  },
  corrcoef: (o, x, y) => {
    const c = covFull(o, covData(o, x, y, true, "corrcoef"));
    const d = o.sqrt(o.diag(c, 0));
    const r = o.div(c, o.mul(o.expandDims(d, -1), o.expandDims(d, 0)));
    return o.squeeze(o.minimum(o.maximum(r, o.c(-1)), o.c(1)), null as unknown as number);
  },

  // ---- differences, sums along an axis ----
  diff: (o, a, n0, axis0, opts) => {
    const n = stat("diff", "n", n0, 1);
    const axis = stat("diff", "axis", axis0, -1);
    if (n < 0) throw new TypeError(`diff: n must be non-negative, got ${n}`);
    let x = o.arr(a);
    const { prepend, append } = (opts ?? {}) as { prepend?: unknown; append?: unknown };
    // (a scalar taken to size 1 along the axis)
    const edge = (v: unknown) => bcastAll(o, [o.arr(v), sl(o, x, axis, 0, 1, "diff")])[0];
    if (prepend !== undefined && prepend !== null) x = o.concat([edge(prepend), x], axis);
    if (append !== undefined && append !== null) x = o.concat([x, edge(append)], axis);
    return diffOf(o, x, n, axis, "diff");
  },
  ediff1d: (o, a, opts) => {
    const { toBegin, toEnd } = (opts ?? {}) as { toBegin?: unknown; toEnd?: unknown };
    const parts = [diffOf(o, o.ravel(o.arr(a)), 1, 0, "ediff1d")];
    if (toBegin !== undefined && toBegin !== null) parts.unshift(o.ravel(o.arr(toBegin)));
    if (toEnd !== undefined && toEnd !== null) parts.push(o.ravel(o.arr(toEnd)));
    return parts.length === 1 ? parts[0] : o.concat(parts, 0);
  },
  // Σ dx·(y[1:] + y[:-1])/2 along axis (x's spacing when given: 1-D, or shaped like y)
  trapezoid: (o, y0, x0, opts) => {
    const { dx = 1, axis = -1 } = (opts ?? {}) as { dx?: unknown; axis?: number };
    const ax = stat("trapezoid", "axis", axis);
    const y = o.arr(y0);
    const d = x0 === undefined || x0 === null ? o.arr(dx) : diffOf(o, o.alongAxis(o.arr(x0), y, ax, "trapezoid"), 1, ax, "trapezoid");
    const mid = o.add(sl(o, y, ax, 1, undefined, "trapezoid"), sl(o, y, ax, 0, -1, "trapezoid"));
    return o.sum(o.div(o.mul(d, mid), o.c(2)), ax, false);
  },
  unwrap: (o, p0, discont0, axis0, period0) => {
    const axis = stat("unwrap", "axis", axis0, -1);
    const period = (period0 as number | undefined) ?? 2 * Math.PI;
    if (typeof period !== "number") throw new TypeError("unwrap: period must be a number written literally");
    const half = period / 2;
    const discont = Math.max((discont0 as number | null | undefined) ?? half, half);
    const p = o.astype(o.arr(p0), "inexact");
    const dd = diffOf(o, p, 1, axis, "unwrap");
    let ddmod = o.add(COMPOSITES.remainder(o, o.add(dd, o.c(half)), o.c(period)), o.c(-half));
    ddmod = o.where(o.logicalAnd(o.equal(ddmod, o.c(-half)), o.greater(dd, o.c(0))), o.c(half), ddmod);
    const fix = o.where(o.less(o.abs(dd), o.c(discont)), o.c(0), o.sub(ddmod, dd));
    return o.concat([sl(o, p, axis, 0, 1, "unwrap"), o.add(sl(o, p, axis, 1, undefined, "unwrap"), o.cumsum(fix, axis))], axis);
  },

  // ---- joins, splits, rearrangements ----
  append: (o, a, v, axis) =>
    axis === undefined || axis === null ? o.concat([o.ravel(o.arr(a)), o.ravel(o.arr(v))], 0) : o.concat([o.arr(a), o.arr(v)], stat("append", "axis", axis)),
  hsplit: splitAlong("hsplit", "h"),
  vsplit: splitAlong("vsplit", 0),
  dsplit: splitAlong("dsplit", 2),
  rot90: (o, m0, k0, axes0) => {
    const m = o.arr(m0);
    const k = ((stat("rot90", "k", k0, 1) % 4) + 4) % 4;
    const axes = (axes0 ?? [0, 1]) as number[];
    if (!Array.isArray(axes) || axes.length !== 2 || axes[0] === axes[1]) throw new TypeError(`rot90: axes must be two different axes, got ${JSON.stringify(axes0)}`);
    const [a0, a1] = axes;
    if (k === 0) return m;
    if (k === 2) return o.flip(o.flip(m, a0), a1);
    if (k === 1) return o.swapaxes(o.flip(m, a1), a0, a1);
    return o.flip(o.swapaxes(m, a0, a1), a1);
  },
  matrixTranspose: (o, a) => o.swapaxes(o.arr(a), -1, -2),
  broadcastArrays: (o, ...xs) => bcastAll(o, xs.map((x) => o.arr(x))),
  // coordinate grids of 1-D inputs ("xy": the first two swapped)
  meshgrid: (o, xs0, opts) => {
    const xs = xs0 as unknown[];
    if (!Array.isArray(xs)) throw new TypeError("meshgrid: pass the arrays as a list ([x, y, ...])");
    const indexing = (opts as { indexing?: string } | undefined)?.indexing ?? "xy";
    if (indexing !== "xy" && indexing !== "ij") throw new TypeError(`meshgrid: indexing must be "xy" or "ij", got ${JSON.stringify(indexing)}`);
    const n = xs.length;
    const at = (i: number) => (indexing === "xy" && n >= 2 && i < 2 ? 1 - i : i);
    const placed = xs.map((x, i) => {
      let r = o.ravel(o.arr(x));
      for (let j = 0; j < at(i); j++) r = o.expandDims(r, 0);
      for (let j = at(i) + 1; j < n; j++) r = o.expandDims(r, -1);
      return r;
    });
    return n === 0 ? [] : bcastAll(o, placed);
  },
  select: (o, conds0, choices0, dflt) => {
    const conds = conds0 as unknown[], choices = choices0 as unknown[];
    if (!Array.isArray(conds) || !Array.isArray(choices) || conds.length !== choices.length)
      throw new TypeError(`select: condlist and choicelist must be lists of the same length, got ${Array.isArray(conds) ? conds.length : typeof conds} and ${Array.isArray(choices) ? choices.length : typeof choices}`);
    let out = o.arr(dflt ?? 0);
    for (let i = conds.length - 1; i >= 0; i--) out = o.where(o.arr(conds[i]), o.arr(choices[i]), out);
    return out;
  },
  diag: (o, v, k) => o.diag(o.arr(v), stat("diag", "k", k, 0)),
  diagflat: (o, v, k) => o.diag(o.ravel(o.arr(v)), stat("diagflat", "k", k, 0)),

  // ---- products ----
  inner: (o, a, b) => o.tdot(o.arr(a), o.arr(b), { ax: [-1], ay: [-1], fn: "inner" }),
  tensordot: (o, a, b, axes0) => {
    const axes = axes0 ?? 2;
    let ax: number[], ay: number[];
    if (typeof axes === "number") {
      if (!Number.isInteger(axes) || axes < 0) throw new TypeError(`tensordot: axes must be a non-negative integer or a pair of axis lists, got ${axes}`);
      ax = Array.from({ length: axes }, (_, i) => i - axes);
      ay = Array.from({ length: axes }, (_, i) => i);
    } else if (Array.isArray(axes) && axes.length === 2) {
      const norm = (v: unknown) => (typeof v === "number" ? [v] : (v as number[]));
      [ax, ay] = [norm(axes[0]), norm(axes[1])];
      if (![...ax, ...ay].every((v) => typeof v === "number")) throw new TypeError("tensordot: the axes must be numbers written literally (known at build time)");
    } else throw new TypeError(`tensordot: axes must be a number or a pair of axis lists, got ${JSON.stringify(axes)}`);
    return o.tdot(o.arr(a), o.arr(b), { ax, ay, fn: "tensordot" });
  },
  // 2- or 3-vectors along the last axis (or axisa / axisb / axisc / axis); two 2-vectors give the z component alone
  cross: (o, a0, b0, opts) => {
    const { axis, axisa = -1, axisb = -1, axisc = -1 } = (opts ?? {}) as { axis?: number; axisa?: number; axisb?: number; axisc?: number };
    const a = o.moveaxis(o.arr(a0), axis ?? axisa, -1), b = o.moveaxis(o.arr(b0), axis ?? axisb, -1);
    const [a3, b3] = [as3(o, a), as3(o, b)];
    const [x1, x2, x3] = [0, 1, 2].map((i) => comp(o, a3, i));
    const [y1, y2, y3] = [0, 1, 2].map((i) => comp(o, b3, i));
    const c = o.concat([o.sub(o.mul(x2, y3), o.mul(x3, y2)), o.sub(o.mul(x3, y1), o.mul(x1, y3)), o.sub(o.mul(x1, y2), o.mul(x2, y1))], -1);
    const z = o.moveaxis(o.take(c, o.idx({ kind: "cross", fn: "cross", part: "z" }, a, b), -1), -1, axis ?? axisc);
    return o.take(z, o.idx({ kind: "cross", fn: "cross", part: "out" }, a, b), axis ?? axisc);
  },

  // ---- polynomials: coefficients along axis 0, highest degree first ----
  polyval: (o, p, x) => {
    const pm = o.moveaxis(o.arr(p), 0, -1);
    const xa = o.arr(x);
    const e = o.astype(o.idx({ kind: "powers", fn: "polyval" }, pm), "like", xa);
    return o.sum(o.mul(pm, powE(o, o.expandDims(xa, -1), e)), -1, false);
  },
  polyadd: (o, a, b) => polyAdd(o, o.arr(a), o.arr(b)),
  polysub: (o, a, b) => polyAdd(o, o.arr(a), o.neg(o.arr(b))),
  // Σ_{i+j=k} a_i·b_j: the Toeplitz matrix of b (a gather) times a
  polymul: (o, a0, b0) => {
    const a = o.arr(a0), b = o.arr(b0);
    const T = o.take(o.concat([b, o.zerosLike(a)], 0), o.idx({ kind: "toeplitz", fn: "polymul" }, a, b), 0);
    return o.squeeze(o.matmul(T, o.expandDims(a, -1)), -1);
  },
  polyder: (o, p0, m0) => {
    const m = stat("polyder", "m", m0, 1);
    if (m < 0) throw new TypeError(`polyder: the order m must be non-negative, got ${m}`);
    let p = o.moveaxis(o.astype(o.arr(p0), "inexact"), 0, -1);
    for (let i = 0; i < m; i++) p = o.mul(sl(o, p, -1, 0, -1, "polyder"), o.astype(o.idx({ kind: "powers", fn: "polyder", low: 1 }, p), "like", p));
    return o.moveaxis(p, -1, 0);
  },
  vander: (o, x0, opts) => {
    const { n, increasing = false } = (opts ?? {}) as { n?: number; increasing?: boolean };
    const x = o.arr(x0);
    const e = o.astype(o.idx({ kind: "powers", fn: "vander", n: n === undefined ? undefined : stat("vander", "n", n), increasing }, x), "like", x);
    return powE(o, o.expandDims(x, -1), e);
  },
};

// ---- the functions, on Arrays ------------------------------------------------------------------

const run = (name: string, ...args: unknown[]): NDArray => asPublic(name, () => MORE_FORMULAS[name](EAGER_MORE, ...args) as NDArray);
const runN = (name: string, ...args: unknown[]): NDArray[] => asPublic(name, () => MORE_FORMULAS[name](EAGER_MORE, ...args) as NDArray[]);
type Reduce = { keepdims?: boolean };

/** Inverse hyperbolic sine. */
export function arcsinh(x: ArrayLike): NDArray { return run("arcsinh", x); }
/** Inverse hyperbolic cosine (x ≥ 1). */
export function arccosh(x: ArrayLike): NDArray { return run("arccosh", x); }
/** Inverse hyperbolic tangent (|x| < 1). */
export function arctanh(x: ArrayLike): NDArray { return run("arctanh", x); }
/** Round to `decimals` places, halves to even (as NumPy and JAX). */
export function round(a: ArrayLike, decimals?: number): NDArray { return run("round", a, decimals); }
/** Round to the nearest integer, halves to even. */
export function rint(x: ArrayLike): NDArray { return run("rint", x); }
/** Elementwise logical XOR (bool). */
export function logicalXor(x: ArrayLike, y: ArrayLike): NDArray { return run("logicalXor", x, y); }
/** `x1 * 2 ** x2`. */
export function ldexp(x1: ArrayLike, x2: ArrayLike): NDArray { return run("ldexp", x1, x2); }
/** `x1 ** x2` in floating point. */
export function floatPower(x1: ArrayLike, x2: ArrayLike): NDArray { return run("floatPower", x1, x2); }
/** `[floorDivide(x, y), remainder(x, y)]`. */
export function divmod(x: ArrayLike, y: ArrayLike): [NDArray, NDArray] { return runN("divmod", x, y) as [NDArray, NDArray]; }
/** `[fractional part, integral part]`, both with x's sign. */
export function modf(x: ArrayLike): [NDArray, NDArray] { return runN("modf", x) as [NDArray, NDArray]; }
/** Whether each element is in `testElements` (bool, shaped like `element`). */
export function isin(element: ArrayLike, testElements: ArrayLike, opts?: { invert?: boolean }): NDArray { return run("isin", element, testElements, opts); }
/** The product, NaNs counted as one. */
export function nanprod(a: ArrayLike, axis?: Axis, opts?: Reduce): NDArray { return run("nanprod", a, axis, opts); }
/** The variance of the non-NaN elements (divisor: their count − `correction`). */
export function nanvar(x: ArrayLike, axis?: Axis, opts?: { correction?: number } & Reduce): NDArray { return run("nanvar", x, axis, opts); }
/** The standard deviation of the non-NaN elements. */
export function nanstd(x: ArrayLike, axis?: Axis, opts?: { correction?: number } & Reduce): NDArray { return run("nanstd", x, axis, opts); }
/** argmax ignoring NaNs (-1 for an all-NaN slice, as JAX). */
export function nanargmax(a: ArrayLike, axis?: number, opts?: Reduce): NDArray { return run("nanargmax", a, axis, opts); }
/** argmin ignoring NaNs (-1 for an all-NaN slice, as JAX). */
export function nanargmin(a: ArrayLike, axis?: number, opts?: Reduce): NDArray { return run("nanargmin", a, axis, opts); }
/** Running sum, NaNs counted as zero (flattened when no axis). */
export function nancumsum(a: ArrayLike, axis?: number): NDArray { return run("nancumsum", a, axis); }
/** Running product, NaNs counted as one (flattened when no axis). */
export function nancumprod(a: ArrayLike, axis?: number): NDArray { return run("nancumprod", a, axis); }
/** cumsum along `axis` (the last by default), with a leading 0 when `includeInitial`. */
export function cumulativeSum(x: ArrayLike, opts?: { axis?: number; includeInitial?: boolean }): NDArray { return run("cumulativeSum", x, opts); }
/** cumprod along `axis` (the last by default), with a leading 1 when `includeInitial`. */
export function cumulativeProd(x: ArrayLike, opts?: { axis?: number; includeInitial?: boolean }): NDArray { return run("cumulativeProd", x, opts); }
/** The weighted mean `Σ a·w / Σ w` (the mean without weights). */
export function average(a: ArrayLike, axis?: Axis, opts?: { weights?: ArrayLike } & Reduce): NDArray { return run("average", a, axis, opts); }
/** The sample covariance of the variables (rows, or columns when `rowvar: false`). */
export function cov(x: ArrayLike, y?: ArrayLike | null, opts?: { rowvar?: boolean }): NDArray { return run("cov", x, y, opts); }
/** Pearson correlation coefficients of the rows. */
export function corrcoef(x: ArrayLike, y?: ArrayLike): NDArray { return run("corrcoef", x, y); }
/** The n-th discrete difference along `axis` (the last by default). */
export function diff(a: ArrayLike, n?: number, axis?: number, opts?: { prepend?: ArrayLike; append?: ArrayLike }): NDArray { return run("diff", a, n, axis, opts); }
/** Differences of consecutive elements of the flattened array, with `toBegin` / `toEnd` around them. */
export function ediff1d(ary: ArrayLike, opts?: { toEnd?: ArrayLike; toBegin?: ArrayLike }): NDArray { return run("ediff1d", ary, opts); }
/** The trapezoidal rule along `axis`, at sample points `x` or spacing `dx`. */
export function trapezoid(y: ArrayLike, x?: ArrayLike | null, opts?: { dx?: ArrayLike; axis?: number }): NDArray { return run("trapezoid", y, x, opts); }
/** A periodic signal with jumps larger than `discont` taken out by multiples of `period`. */
export function unwrap(p: ArrayLike, discont?: number | null, axis?: number, period?: number): NDArray { return run("unwrap", p, discont, axis, period); }
/** `values` appended along `axis` (both flattened when none). */
export function append(arr: ArrayLike, values: ArrayLike, axis?: number | null): NDArray { return run("append", arr, values, axis); }
/** Pieces along axis 1 (axis 0 for 1-D arrays): a count of equal ones, or cut at indices. */
export function hsplit(a: ArrayLike, indicesOrSections: number | number[]): NDArray[] { return runN("hsplit", a, indicesOrSections); }
/** Pieces along axis 0. */
export function vsplit(a: ArrayLike, indicesOrSections: number | number[]): NDArray[] { return runN("vsplit", a, indicesOrSections); }
/** Pieces along axis 2. */
export function dsplit(a: ArrayLike, indicesOrSections: number | number[]): NDArray[] { return runN("dsplit", a, indicesOrSections); }
/** Rotated by 90° `k` times in the plane of `axes` (from the first towards the second). */
export function rot90(m: ArrayLike, k?: number, axes?: number[]): NDArray { return run("rot90", m, k, axes); }
/** The last two axes swapped. */
export function matrixTranspose(a: ArrayLike): NDArray { return run("matrixTranspose", a); }
/** The arrays broadcast to their common shape (dtypes kept). */
export function broadcastArrays(...arrays: ArrayLike[]): NDArray[] { return runN("broadcastArrays", ...arrays); }
/** Coordinate grids of 1-D arrays (`indexing: "xy"` by default, or "ij"). */
export function meshgrid(xs: ArrayLike[], opts?: { indexing?: "xy" | "ij" }): NDArray[] { return runN("meshgrid", xs, opts); }
/** At each position the choice of the first true condition, else `defaultValue`. */
export function select(condlist: ArrayLike[], choicelist: ArrayLike[], defaultValue?: ArrayLike): NDArray { return run("select", condlist, choicelist, defaultValue); }
/** A 1-D array's matrix with it on diagonal `k`, or a 2-D array's diagonal `k`. */
export function diag(v: ArrayLike, k?: number): NDArray { return run("diag", v, k); }
/** The flattened input on diagonal `k` of a matrix. */
export function diagflat(v: ArrayLike, k?: number): NDArray { return run("diagflat", v, k); }
/** Σ over the last axes of both: `[...x.shape[:-1], ...y.shape[:-1]]`. */
export function inner(x: ArrayLike, y: ArrayLike): NDArray { return run("inner", x, y); }
/** Σ over x's last `axes` axes and y's first (or the two lists of axes). */
export function tensordot(x: ArrayLike, y: ArrayLike, axes?: number | [number[], number[]]): NDArray { return run("tensordot", x, y, axes); }
/** Cross products of 3-vectors along the last axis (or the given ones). */
export function cross(a: ArrayLike, b: ArrayLike, opts?: { axisa?: number; axisb?: number; axisc?: number; axis?: number }): NDArray { return run("cross", a, b, opts); }
/** The polynomial `p` (highest degree first) at x. */
export function polyval(p: ArrayLike, x: ArrayLike): NDArray { return run("polyval", p, x); }
/** The sum of two polynomials. */
export function polyadd(a1: ArrayLike, a2: ArrayLike): NDArray { return run("polyadd", a1, a2); }
/** The difference of two polynomials. */
export function polysub(a1: ArrayLike, a2: ArrayLike): NDArray { return run("polysub", a1, a2); }
/** The product of two polynomials (1-D coefficient lists). */
export function polymul(a1: ArrayLike, a2: ArrayLike): NDArray { return run("polymul", a1, a2); }
/** The m-th derivative of a polynomial. */
export function polyder(p: ArrayLike, m?: number): NDArray { return run("polyder", p, m); }
/** The Vandermonde matrix of a 1-D array: columns x**(n-1) … x**0 (increasing: the other way). */
export function vander(x: ArrayLike, opts?: { n?: number; increasing?: boolean }): NDArray { return run("vander", x, opts); }

/** Round half to even (alias of round). */
export const around = round;
/** Alias of arccos. */
export { arccos as acos, arcsin as asin, arctan as atan, arctan2 as atan2, power as pow } from "./elementwise.js";
/** Alias of arccosh. */
export const acosh = arccosh;
/** Alias of arcsinh. */
export const asinh = arcsinh;
/** Alias of arctanh. */
export const atanh = arctanh;
/** Alias of transpose (the Array API's name). */
export { transpose as permuteDims } from "./shape.js";

/** The Array class (jax-js's numpy.Array). */
export { NDArray as Array };
