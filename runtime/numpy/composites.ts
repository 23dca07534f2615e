// jnp functions that are compositions of primitives, each written once as a formula (the
// nn/formulas.ts scheme): the runtime runs the formula on Arrays and the transformer expands it
// into primitives (transformer/rules/formulas.ts), so these differentiate, jit and vmap with
// no rules of their own and compiled code gives eager code's bits. Semantics as NumPy/JAX.

import type { NDArray } from "../array.js";
import type { ArrayLike, Axis } from "../array.js";
import type { Formula, FormulaOps } from "../nn/formulas.js";
import { runFormula } from "./formula-ops.js";
import { asPublic } from "./public-errors.js";

/** An optional numeric argument: its value when given, else the default. */
const arg = <V>(o: FormulaOps<V>, v: unknown, dflt: number): V => (v === undefined || v === null ? o.c(dflt) : typeof v === "number" ? o.c(v) : (v as V));
/** A data argument: a number becomes a (weakly typed) constant. */
const val = <V>(o: FormulaOps<V>, v: unknown): V => (typeof v === "number" ? o.c(v) : (v as V));
const F32_MAX = 3.4028234663852886e38;
type Reduce = { keepdims?: boolean };
/** JAX's remainder: C's fmod, plus the divisor where the signs differ (so remainder(1, inf) is 1). */
function remainderOf<V>(o: FormulaOps<V>, a: V, b: V): V {
  const r = o.fmod(a, b);
  const fix = o.logicalAnd(o.notEqual(r, o.c(0)), o.notEqual(o.less(r, o.c(0)), o.less(b, o.c(0))));
  return o.where(fix, o.add(r, b), r);
}
const isnanF: Formula = (o, x) => o.notEqual(x, x);
// (|x| > max float: ±inf; NaN compares false)
const isinfF: Formula = (o, x) => o.greater(o.abs(x), o.c(F32_MAX));

export const COMPOSITES: Readonly<Record<string, Formula>> = {
  isnan: isnanF,
  isinf: isinfF,
  isfinite: (o, x) => o.lessEqual(o.abs(x), o.c(F32_MAX)),
  isposinf: (o, x) => o.greater(x, o.c(F32_MAX)),
  isneginf: (o, x) => o.less(x, o.c(-F32_MAX)),
  // NaN → nan (0), +inf → posinf (the largest float32), -inf → neginf (the most negative)
  nanToNum: (o, x, opts) => {
    const { nan = 0, posinf = F32_MAX, neginf = -F32_MAX } = (opts ?? {}) as { nan?: number; posinf?: number; neginf?: number };
    const y = o.where(isnanF(o, x), o.c(nan), x);
    return o.where(o.greater(y, o.c(F32_MAX)), o.c(posinf), o.where(o.less(y, o.c(-F32_MAX)), o.c(neginf), y));
  },
  // log(exp(a) + exp(b)) = max + log1p(exp(-|a - b|)), as JAX writes it (a NaN difference, from
  // equal infinities, gives a + b); -|d| as min(d, -d) so that at a tie each side gets half the
  // gradient (JAX's custom rule: exp(a - out))
  logaddexp: (o, a, b0) => {
    const b = val(o, b0);
    const d = o.sub(a, b);
    return o.where(o.notEqual(d, d), o.add(a, b), o.add(o.maximum(a, b), o.log1p(o.exp(o.minimum(d, o.neg(d))))));
  },
  logaddexp2: (o, a, b0) => {
    const b = val(o, b0);
    const d = o.sub(a, b);
    return o.where(o.notEqual(d, d), o.add(a, b), o.add(o.maximum(a, b), o.div(o.log1p(o.pow(o.c(2), o.minimum(d, o.neg(d)))), o.c(Math.LN2))));
  },
  exp2: (o, x) => o.pow(o.c(2), x),
  log2: (o, x) => o.div(o.log(x), o.c(Math.LN2)),
  log10: (o, x) => o.div(o.log(x), o.c(Math.LN10)),
  cbrt: (o, x) => o.mul(o.sign(x), o.pow(o.abs(x), o.c(1 / 3))),
  deg2rad: (o, x) => o.mul(x, o.c(Math.PI / 180)),
  radians: (o, x) => o.mul(x, o.c(Math.PI / 180)),
  rad2deg: (o, x) => o.mul(x, o.c(180 / Math.PI)),
  degrees: (o, x) => o.mul(x, o.c(180 / Math.PI)),
  // Python's modulo: the result has the divisor's sign (numpy.remainder / mod)
  remainder: (o, a, b) => remainderOf(o, a, val(o, b)),
  mod: (o, a, b) => remainderOf(o, a, val(o, b)),
  // 0 below zero, 1 above, h0 otherwise (JAX's form: a NaN gives h0, where NumPy gives NaN)
  // (in the float dtype of x and h0 together: x + h0 only lends its dtype)
  heaviside: (o, x, h0) => {
    const h = arg(o, h0, 0.5);
    return o.astype(o.where(o.less(x, o.c(0)), o.c(0), o.where(o.greater(x, o.c(0)), o.c(1), h)), "like", o.add(x, h));
  },
  // sin(πx)/(πx), 1 at 0
  sinc: (o, x) => {
    const px = o.mul(x, o.c(Math.PI));
    const zero = o.equal(x, o.c(0));
    return o.where(zero, o.c(1), o.div(o.sin(px), o.where(zero, o.c(1), px)));
  },
  positive: (o, x) => o.add(x, o.c(0)),
  // |a - b| <= atol + rtol·|b|, NaNs equal only with equalNan
  isclose: (o, a, b0, opts) => {
    const b = val(o, b0);
    const { rtol = 1e-5, atol = 1e-8, equalNan = false } = (opts ?? {}) as { rtol?: number; atol?: number; equalNan?: boolean };
    // (infinities are close only to themselves)
    const finite = o.logicalAnd(o.lessEqual(o.abs(a), o.c(F32_MAX)), o.lessEqual(o.abs(b), o.c(F32_MAX)));
    const close = o.where(finite, o.lessEqual(o.abs(o.sub(a, b)), o.add(o.c(atol), o.mul(o.c(rtol), o.abs(b)))), o.equal(a, b));
    return equalNan ? o.logicalOr(close, o.logicalAnd(isnanF(o, a), isnanF(o, b))) : close;
  },
  // JAX's float floor division: (a - remainder) / b, rounded (so inf // 2 is NaN, as NumPy's)
  floorDivide: (o, a, b0) => {
    const b = val(o, b0);
    const mod = o.fmod(a, b);
    const div = o.div(o.sub(a, mod), b);
    const fix = o.logicalAnd(o.notEqual(mod, o.c(0)), o.notEqual(o.less(b, o.c(0)), o.less(mod, o.c(0))));
    return o.floor(o.add(o.where(fix, o.sub(div, o.c(1)), div), o.c(0.5)));
  },
  // NaN-ignoring maximum/minimum: the other operand where one is NaN
  fmax: (o, a, b0) => {
    const b = val(o, b0);
    return o.where(isnanF(o, a), b, o.where(isnanF(o, b), a, o.maximum(a, b)));
  },
  fmin: (o, a, b0) => {
    const b = val(o, b0);
    return o.where(isnanF(o, a), b, o.where(isnanF(o, b), a, o.minimum(a, b)));
  },
  // negative, or -0 (1/-0 is -inf)
  signbit: (o, x) => o.logicalOr(o.less(x, o.c(0)), o.logicalAnd(o.equal(x, o.c(0)), o.less(o.div(o.c(1), x), o.c(0)))),
  copysign: (o, a, b0) => {
    const b = val(o, b0);
    const neg = o.logicalOr(o.less(b, o.c(0)), o.logicalAnd(o.equal(b, o.c(0)), o.less(o.div(o.c(1), b), o.c(0))));
    return o.where(neg, o.neg(o.abs(a)), o.abs(a));
  },
  ptp: (o, x, axis, opts) => {
    const k = !!(opts as Reduce | undefined)?.keepdims;
    return o.sub(o.max(x, axis ?? null, k), o.min(x, axis ?? null, k));
  },
  nansum: (o, x, axis, opts) => o.sum(o.where(isnanF(o, x), o.c(0), x), axis ?? null, !!(opts as Reduce | undefined)?.keepdims),
  nanmean: (o, x, axis, opts) => {
    const k = !!(opts as Reduce | undefined)?.keepdims;
    const ok = o.logicalNot(isnanF(o, x));
    // (the count in x's float dtype, as JAX's: float16 counts are rounded to float16)
    return o.div(o.sum(o.where(ok, x, o.c(0)), axis ?? null, k), o.sum(o.astype(ok, "like", x), axis ?? null, k));
  },
  nanmax: (o, x, axis, opts) => o.max(o.where(isnanF(o, x), o.c(-Infinity), x), axis ?? null, !!(opts as Reduce | undefined)?.keepdims),
  nanmin: (o, x, axis, opts) => o.min(o.where(isnanF(o, x), o.c(Infinity), x), axis ?? null, !!(opts as Reduce | undefined)?.keepdims),
  // products with a vector: the vector a one-column (one-row) matrix
  matvec: (o, m, v) => o.squeeze(o.matmul(m, o.expandDims(val(o, v), -1)), -1),
  vecmat: (o, v, m) => o.squeeze(o.matmul(o.expandDims(v, -2), val(o, m)), -2),
  vecdot: (o, a, b, axis) => o.sum(o.mul(a, val(o, b)), axis === undefined ? -1 : axis, false),
  // jnp.linalg norms: ord 2 (default), 1, inf, -inf, 0 (a count) or any p > 0; matrixNorm: "fro",
  // 1, inf (largest column / row sum), -1, -inf (smallest), 2, -2 (largest / smallest singular value),
  // "nuc" (their sum) over the last two axes
  vectorNorm: (o, x, opts) => {
    const { ord = 2, axis = null, keepdims = false } = (opts ?? {}) as { ord?: number; axis?: unknown; keepdims?: boolean };
    const ax = o.abs(x);
    if (ord === Infinity) return o.max(ax, axis, keepdims);
    if (ord === -Infinity) return o.min(ax, axis, keepdims);
    if (ord === 0) return o.sum(o.astype(o.notEqual(x, o.c(0)), "float32"), axis, keepdims);
    if (ord === 1) return o.sum(ax, axis, keepdims);
    if (ord === 2) return o.sqrt(o.sum(o.mul(x, x), axis, keepdims));
    if (!(ord > 0)) throw new Error(`vectorNorm: ord ${ord} is not supported (2, 1, Infinity, -Infinity, 0 or p > 0)`);
    return o.pow(o.sum(o.pow(ax, o.c(ord)), axis, keepdims), o.c(1 / ord));
  },
  matrixNorm: (o, x, opts) => {
    const { ord = "fro", keepdims = false } = (opts ?? {}) as { ord?: number | string; keepdims?: boolean };
    if (ord === "fro") return o.sqrt(o.sum(o.mul(x, x), [-2, -1], keepdims));
    if (ord === 1) return o.max(o.sum(o.abs(x), -2, keepdims), -1, keepdims);
    if (ord === Infinity) return o.max(o.sum(o.abs(x), -1, keepdims), keepdims ? -2 : -1, keepdims);
    if (ord === -1) return o.min(o.sum(o.abs(x), -2, keepdims), -1, keepdims);
    if (ord === -Infinity) return o.min(o.sum(o.abs(x), -1, keepdims), keepdims ? -2 : -1, keepdims);
    if (ord === 2 || ord === -2 || ord === "nuc") {
      const s = o.svdvals(x);
      const r = ord === 2 ? o.max(s, -1, false) : ord === -2 ? o.min(s, -1, false) : o.sum(s, -1, false);
      return keepdims ? o.expandDims(o.expandDims(r, -1), -1) : r;
    }
    throw new Error(`matrixNorm: ord ${String(ord)} is not supported ("fro", "nuc", 1, -1, 2, -2, Infinity, -Infinity)`);
  },
  // norm(x) with no ord: the 2-norm of all elements (a vector's, a matrix's Frobenius). With an ord,
  // NumPy's meaning follows the axis: one axis, a vector norm; [-2, -1] or a matrix ord ("fro",
  // "f", "nuc"), a matrix norm. With no axis NumPy decides by the rank, which compiled code does not
  // know: there the axis must be given.
  norm: (o, x, opts) => {
    const { ord, axis = null, keepdims = false } = (opts ?? {}) as { ord?: number | string | null; axis?: unknown; keepdims?: boolean };
    if (ord === undefined || ord === null) return o.sqrt(o.sum(o.mul(x, x), axis, keepdims));
    const lastTwo = Array.isArray(axis) && axis.length === 2 && axis[0] === -2 && axis[1] === -1;
    if (Array.isArray(axis) && !lastTwo) throw new Error(`norm: a matrix norm over axes ${JSON.stringify(axis)}: only the last two, [-2, -1], are supported`);
    if (ord === "fro" || ord === "f" || ord === "nuc" || lastTwo) {
      if (axis !== null && !lastTwo) throw new Error(`norm: ord ${JSON.stringify(ord)} is a matrix norm: its axis must be [-2, -1] (or none)`);
      return COMPOSITES.matrixNorm(o, x, { ord: ord === "f" ? "fro" : ord, keepdims });
    }
    if (typeof axis === "number") return COMPOSITES.vectorNorm(o, x, { ord, axis, keepdims });
    throw new Error(`norm: with ord ${String(ord)}, give the axis (a number for a vector norm, [-2, -1] for a matrix norm): NumPy decides by the rank, which is not known at build time`);
  },
  any: (o, x, axis, opts) => o.greater(o.max(o.astype(o.notEqual(x, o.c(0)), "float32"), axis ?? null, !!(opts as { keepdims?: boolean } | undefined)?.keepdims), o.c(0)),
  all: (o, x, axis, opts) => o.logicalNot(o.greater(o.max(o.astype(o.equal(x, o.c(0)), "float32"), axis ?? null, !!(opts as { keepdims?: boolean } | undefined)?.keepdims), o.c(0))),
  countNonzero: (o, x, axis, opts) => o.sum(o.astype(o.notEqual(x, o.c(0)), "int32"), axis ?? null, !!(opts as { keepdims?: boolean } | undefined)?.keepdims),
};

// ---- the functions, on Arrays ------------------------------------------------------------------
const run = (name: string, x: ArrayLike, ...args: unknown[]): NDArray => asPublic(name, () => runFormula(COMPOSITES[name], x, ...args));

/** NaN test, elementwise (bool). */
export function isnan(x: ArrayLike): NDArray { return run("isnan", x); }
/** ±infinity test, elementwise (bool). */
export function isinf(x: ArrayLike): NDArray { return run("isinf", x); }
/** Neither NaN nor infinite, elementwise (bool). */
export function isfinite(x: ArrayLike): NDArray { return run("isfinite", x); }
/** +infinity test (bool). */
export function isposinf(x: ArrayLike): NDArray { return run("isposinf", x); }
/** -infinity test (bool). */
export function isneginf(x: ArrayLike): NDArray { return run("isneginf", x); }
/** NaN → `nan` (0), ±inf → `posinf`/`neginf` (the largest finite float32 by default). */
export function nanToNum(x: ArrayLike, opts?: { nan?: number; posinf?: number; neginf?: number }): NDArray { return run("nanToNum", x, opts); }
/** `log(exp(a) + exp(b))` without overflow. */
export function logaddexp(a: ArrayLike, b: ArrayLike): NDArray { return run("logaddexp", a, b); }
/** `log2(2**a + 2**b)` without overflow. */
export function logaddexp2(a: ArrayLike, b: ArrayLike): NDArray { return run("logaddexp2", a, b); }
/** `2 ** x`. */
export function exp2(x: ArrayLike): NDArray { return run("exp2", x); }
/** Base-2 logarithm. */
export function log2(x: ArrayLike): NDArray { return run("log2", x); }
/** Base-10 logarithm. */
export function log10(x: ArrayLike): NDArray { return run("log10", x); }
/** Real cube root (negative for negative x). */
export function cbrt(x: ArrayLike): NDArray { return run("cbrt", x); }
/** Degrees to radians. */
export function deg2rad(x: ArrayLike): NDArray { return run("deg2rad", x); }
/** Degrees to radians. */
export function radians(x: ArrayLike): NDArray { return run("radians", x); }
/** Radians to degrees. */
export function rad2deg(x: ArrayLike): NDArray { return run("rad2deg", x); }
/** Radians to degrees. */
export function degrees(x: ArrayLike): NDArray { return run("degrees", x); }
/** Python's modulo: `a - floor(a / b) * b`, with the divisor's sign. */
export function remainder(a: ArrayLike, b: ArrayLike): NDArray { return run("remainder", a, b); }
/** Python's modulo (numpy.mod = remainder). */
export function mod(a: ArrayLike, b: ArrayLike): NDArray { return run("mod", a, b); }
/** Step function: 0 below zero, `h0` at zero, 1 above. */
export function heaviside(x: ArrayLike, h0: ArrayLike): NDArray { return run("heaviside", x, h0); }
/** Normalised sinc, `sin(πx) / (πx)` (1 at 0). */
export function sinc(x: ArrayLike): NDArray { return run("sinc", x); }
/** `+x`. */
export function positive(x: ArrayLike): NDArray { return run("positive", x); }
/** `|a - b| <= atol + rtol·|b|` elementwise (bool); NaNs equal with `equalNan`. */
export function isclose(a: ArrayLike, b: ArrayLike, opts?: { rtol?: number; atol?: number; equalNan?: boolean }): NDArray { return run("isclose", a, b, opts); }
/** Whether any element (along `axis`) is nonzero (bool). */
export function any(x: ArrayLike, axis?: Axis, opts?: Reduce): NDArray { return run("any", x, axis, opts); }
/** Whether every element (along `axis`) is nonzero (bool). */
export function all(x: ArrayLike, axis?: Axis, opts?: Reduce): NDArray { return run("all", x, axis, opts); }
/** The number of nonzero elements (along `axis`), int32. */
export function countNonzero(x: ArrayLike, axis?: Axis, opts?: Reduce): NDArray { return run("countNonzero", x, axis, opts); }
/** `floor(a / b)`. */
export function floorDivide(a: ArrayLike, b: ArrayLike): NDArray { return run("floorDivide", a, b); }
/** Elementwise maximum ignoring NaNs (NaN only where both are). */
export function fmax(a: ArrayLike, b: ArrayLike): NDArray { return run("fmax", a, b); }
/** Elementwise minimum ignoring NaNs. */
export function fmin(a: ArrayLike, b: ArrayLike): NDArray { return run("fmin", a, b); }
/** Whether the sign bit is set (negative numbers and -0), bool. */
export function signbit(x: ArrayLike): NDArray { return run("signbit", x); }
/** |a| with b's sign (-0 counts as negative). */
export function copysign(a: ArrayLike, b: ArrayLike): NDArray { return run("copysign", a, b); }
/** max - min (along `axis`). */
export function ptp(x: ArrayLike, axis?: Axis, opts?: Reduce): NDArray { return run("ptp", x, axis, opts); }
/** The sum ignoring NaNs. */
export function nansum(x: ArrayLike, axis?: Axis, opts?: Reduce): NDArray { return run("nansum", x, axis, opts); }
/** The mean of the non-NaN elements. */
export function nanmean(x: ArrayLike, axis?: Axis, opts?: Reduce): NDArray { return run("nanmean", x, axis, opts); }
/** The maximum ignoring NaNs. */
export function nanmax(x: ArrayLike, axis?: Axis, opts?: Reduce): NDArray { return run("nanmax", x, axis, opts); }
/** The minimum ignoring NaNs. */
export function nanmin(x: ArrayLike, axis?: Axis, opts?: Reduce): NDArray { return run("nanmin", x, axis, opts); }
/** Matrix times vector over the last axes (`m @ v`, batched). */
export function matvec(m: ArrayLike, v: ArrayLike): NDArray { return run("matvec", m, v); }
/** Vector times matrix over the last axes (`v @ m`, batched). */
export function vecmat(v: ArrayLike, m: ArrayLike): NDArray { return run("vecmat", v, m); }
/** Dot products along `axis` (the last by default), batched over the rest. */
export function vecdot(a: ArrayLike, b: ArrayLike, axis?: number): NDArray { return run("vecdot", a, b, axis); }
