// More of jax.numpy that runs eagerly only: constants and dtype facts, shape queries, arrays
// built from numbers alone (windows, grids, triangles: constants inside a transform, reached
// through the moreEager primitive), comparisons that answer one boolean, integer bit
// operations (as the other bitwise ops), and the functions that take a function.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import type { DType as DT } from "../dtype.js";
import { alloc, checkDType, promoteAll, promoteTypes as promote2, toInexact, weakKindOf, weakKindOfValue } from "../dtype.js";
import { broadcastShapes as bshapes, fmtShape, normAxis, sizeOf } from "../shape.js";
import { asArray, astype, eye, type DTypeOpts } from "./creation.js";
import { broadcastTo, expandDims, stack } from "./shape.js";
import { index } from "./indexing.js";
import { moveaxis } from "./arrange.js";
import { var as variance, type VarOpts } from "./reduce.js";
import { isclose } from "./composites.js";
import * as tree from "../tree.js";

// ---- constants and dtypes ----------------------------------------------------------------------

/** Euler's number. */
export const e = Math.E;
/** π. */
export const pi = Math.PI;
/** +infinity. */
export const inf = Infinity;
/** NaN. */
export const nan = NaN;
/** The Euler–Mascheroni constant γ. */
export const eulerGamma = 0.5772156649015329;
/** A dtype name. */
export type DType = DT;
/** The dtype names (jax-js's numpy.DType enum); Float16 and Float64 are refused by every function that makes arrays. */
export const DType = { Float32: "float32", Int32: "int32", Uint32: "uint32", Bool: "bool", Float16: "float16", Float64: "float64" } as const;
/** The float32 dtype name. */
export const float32 = "float32" as const;
/** The int32 dtype name. */
export const int32 = "int32" as const;
/** The uint32 dtype name. */
export const uint32 = "uint32" as const;
/** The bool dtype name. */
export const bool = "bool" as const;
/** A dtype name tsjax has no arrays of yet: asking for it is an error ("unknown dtype"). */
export const float16 = "float16" as const;
/** A dtype name tsjax has no arrays of yet: asking for it is an error ("unknown dtype"). */
export const float64 = "float64" as const;

/** JAX's promotion of two dtypes (bool < uint32, int32 < float32; uint32 with int32 gives int32). */
export function promoteTypes(dtype1: DT, dtype2: DT): DT {
  return promote2(checkDType(dtype1, "promoteTypes"), checkDType(dtype2, "promoteTypes"));
}
/**
 * The dtype of an operation on the arguments: dtypes and Arrays are strong (a weakly typed Array
 * weak), JS numbers weak, as JAX's result_type (its weak flag is not returned).
 */
export function resultType(...args: (ArrayLike | DT)[]): DT {
  return promoteAll(
    args.map((a) => {
      if (typeof a === "string") return { dtype: checkDType(a, "resultType"), weak: null };
      if (typeof a === "number" || typeof a === "boolean") return { dtype: typeof a === "boolean" ? "bool" : null, weak: weakKindOfValue(a) };
      const x = asArray(a, "resultType");
      return { dtype: x.dtype, weak: x.weakType ? weakKindOf(x.dtype) : null };
    }),
  ).dtype;
}
type FInfo = Readonly<{ bits: number; dtype: DT; eps: number; epsneg: number; machep: number; max: number; maxexp: number; min: number; minexp: number; negep: number; nexp: number; nmant: number; precision: number; resolution: number; smallestNormal: number; smallestSubnormal: number }>;
/** Machine limits of a float dtype, as NumPy's finfo (camelCase names). */
export function finfo(dtype: DT): FInfo {
  const info = FINFO[dtype as "float32"];
  if (!info) throw new TypeError(`finfo: ${JSON.stringify(dtype)} is not a float dtype (float16, float32, float64)`);
  return info;
}
const finfoOf = (dtype: DT, bits: number, nmant: number, nexp: number, max: number, precision: number): FInfo => {
  const minexp = 2 - 2 ** (nexp - 1);
  return Object.freeze({ bits, dtype, eps: 2 ** -nmant, epsneg: 2 ** -(nmant + 1), machep: -nmant, max, maxexp: 2 ** (nexp - 1), min: -max, minexp, negep: -(nmant + 1), nexp, nmant, precision, resolution: 10 ** -precision, smallestNormal: 2 ** minexp, smallestSubnormal: 2 ** (minexp - nmant) });
};
const FINFO: Record<"float16" | "float32" | "float64", FInfo> = {
  float16: finfoOf("float16", 16, 10, 5, 65504, 3),
  float32: finfoOf("float32", 32, 23, 8, 3.4028234663852886e38, 6),
  float64: finfoOf("float64", 64, 52, 11, Number.MAX_VALUE, 15),
};

export function iinfo(dtype: DT): Readonly<{ bits: number; dtype: DT; max: number; min: number }> {
  if (dtype === "int32") return Object.freeze({ bits: 32, dtype, max: 2 ** 31 - 1, min: -(2 ** 31) });
  if (dtype === "uint32") return Object.freeze({ bits: 32, dtype, max: 2 ** 32 - 1, min: 0 });
  throw new TypeError(`iinfo: ${JSON.stringify(dtype)} is not an integer dtype (int32, uint32)`);
}

// ---- shape queries -----------------------------------------------------------------------------

/** The number of axes. */
export function ndim(x: ArrayLike): number {
  return asArray(x, "ndim").ndim;
}
/** The shape. */
export function shape(x: ArrayLike): number[] {
  return [...asArray(x, "shape").shape];
}
/** The number of elements (along `axis`). */
export function size(a: ArrayLike, axis?: number): number {
  const x = asArray(a, "size");
  return axis === undefined ? x.size : x.shape[normAxis("size", axis, x.ndim, x.shape)];
}
/** Numbers, booleans and 0-d Arrays are scalars (as JAX). */
export function isscalar(element: unknown): boolean {
  return typeof element === "number" || typeof element === "boolean" || (element instanceof NDArray && element.ndim === 0);
}
/** The common shape of broadcasting the shapes. */
export function broadcastShapes(...shapes: number[][]): number[] {
  return bshapes("broadcastShapes", ...shapes);
}

// ---- comparisons with one answer --------------------------------------------------------------

/** Whether every element is close (`|a - b| <= atol + rtol·|b|`), a boolean. */
export function allclose(actual: ArrayLike, expected: ArrayLike, options?: { rtol?: number; atol?: number; equalNaN?: boolean }): boolean {
  const c = isclose(actual, expected, { rtol: options?.rtol, atol: options?.atol, equalNan: options?.equalNaN });
  return (c.data as Uint8Array).every((v) => v !== 0);
}
const boolScalar = (b: boolean) => new NDArray(Uint8Array.of(b ? 1 : 0), [], "bool");
/** Same shape and equal elements (NaNs equal with `equalNaN`): a 0-d bool Array. */
export function arrayEqual(a1: ArrayLike, a2: ArrayLike, opts?: { equalNaN?: boolean }): NDArray {
  const a = asArray(a1, "arrayEqual"), b = asArray(a2, "arrayEqual");
  if (a.ndim !== b.ndim || a.shape.some((d, i) => d !== b.shape[i])) return boolScalar(false);
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i], y = b.data[i];
    if (x !== y && !(opts?.equalNaN && Number.isNaN(x) && Number.isNaN(y))) return boolScalar(false);
  }
  return boolScalar(true);
}
/** Equal elements after broadcasting (false when the shapes do not broadcast): a 0-d bool Array. */
export function arrayEquiv(a1: ArrayLike, a2: ArrayLike): NDArray {
  const a = asArray(a1, "arrayEquiv"), b = asArray(a2, "arrayEquiv");
  let s: number[];
  try {
    s = bshapes("arrayEquiv", a.shape, b.shape);
  } catch {
    return boolScalar(false);
  }
  const x = broadcastTo(a, s), y = broadcastTo(b, s);
  for (let i = 0; i < x.size; i++) if (x.data[i] !== y.data[i]) return boolScalar(false);
  return boolScalar(true);
}

// ---- integer bit operations (integers and booleans; floats are a TypeError, as JAX's) ----------

function intOp(fn: string, args: ArrayLike[], f: (d: DT, ...v: number[]) => number, out?: (d: DT) => DT): NDArray {
  // (a JS number takes the other operand's integer dtype, as a weak int)
  const strong = args.find((a) => typeof a !== "number");
  const d0 = strong === undefined ? "int32" : asArray(strong, fn).dtype;
  const xs = args.map((a) => (typeof a === "number" ? astype(asArray(a, fn), d0 === "float32" ? "int32" : d0) : asArray(a, fn)));
  for (const x of xs) if (x.dtype === "float32") throw new TypeError(`${fn}: integer or bool operands only, got float32 (shape ${fmtShape(x.shape)})`);
  const d = xs.length === 1 ? xs[0].dtype : promote2(xs[0].dtype, xs[1].dtype);
  const s = bshapes(fn, ...xs.map((x) => x.shape));
  const bs = xs.map((x) => broadcastTo(astype(x, d), s));
  const od = out ? out(d) : d;
  const r = alloc(od, sizeOf(s));
  for (let i = 0; i < r.length; i++) r[i] = f(d, ...bs.map((b) => b.data[i]));
  return new NDArray(r, s, od);
}
const BITS = 32;
/** x << y (0 once the shift reaches the width). */
export function leftShift(x: ArrayLike, y: ArrayLike): NDArray {
  return intOp("leftShift", [x, y], (d, a, b) => (b < 0 || b >= BITS ? 0 : a << b));
}
/** x >> y: arithmetic for int32 (the sign fills past the width), logical for uint32. */
export function rightShift(x: ArrayLike, y: ArrayLike): NDArray {
  return intOp("rightShift", [x, y], (d, a, b) => {
    if (d === "uint32") return b < 0 || b >= BITS ? 0 : a >>> b;
    return b < 0 || b >= BITS ? (a < 0 ? -1 : 0) : a >> b;
  });
}
/** The number of 1 bits of |x| (int32). */
export function bitwiseCount(x: ArrayLike): NDArray {
  return intOp(
    "bitwiseCount",
    [x],
    (d, a) => {
      let v = d === "int32" ? Math.abs(a) >>> 0 : a >>> 0;
      let n = 0;
      for (; v; v >>>= 1) n += v & 1;
      return n;
    },
    () => "int32",
  );
}
export { invert as bitwiseInvert } from "./elementwise.js";
export { leftShift as bitwiseLeftShift, rightShift as bitwiseRightShift };

// ---- arrays made from numbers ------------------------------------------------------------------

const f32Vec = (v: number[]) => new NDArray(Float32Array.from(v), [v.length], "float32");
/** The float64 values v as a vector of dtype d, rounded once (float64 ones kept as computed). */
const vecIn = (v: number[], d: DT) => astype(new NDArray(Float64Array.from(v), [v.length], "float64"), d);
const outDtype = (opts: DTypeOpts | undefined, fn: string, d: DT = "float32"): DT => (opts?.dtype === undefined ? d : checkDType(opts.dtype, fn));
const count = (fn: string, what: string, n: unknown): number => {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new TypeError(`${fn}: ${what} must be a non-negative integer, got ${String(n)}`);
  return n;
};

/** The n×n identity matrix. */
export function identity(n: number, opts?: DTypeOpts): NDArray {
  return eye(count("identity", "n", n), n, opts);
}
/** Ones on and below diagonal k of an n×m matrix. */
export function tri(n: number, m?: number, k = 0, opts?: DTypeOpts): NDArray {
  const N = count("tri", "n", n), M = m === undefined || m === null ? N : count("tri", "m", m);
  const v: number[] = [];
  for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) v.push(j <= i + k ? 1 : 0);
  return astype(new NDArray(Float32Array.from(v), [N, M], "float32"), outDtype(opts, "tri"));
}
/** A window of M points from w(n), n = 0 … M-1 (NumPy's formulas, in float64). */
function windowOf(fn: string, M: number, w: (n: number, M: number) => number): NDArray {
  if (typeof M !== "number" || !Number.isInteger(M)) throw new TypeError(`${fn}: M must be an integer, got ${String(M)}`);
  if (M < 1) return f32Vec([]);
  if (M === 1) return f32Vec([1]);
  return f32Vec(Array.from({ length: M }, (_, n) => w(n, M)));
}
/** The Bartlett (triangular) window. */
export function bartlett(M: number): NDArray {
  return windowOf("bartlett", M, (n, M) => 1 - Math.abs((2 * n - (M - 1)) / (M - 1)));
}
/** The Hann window. */
export function hann(M: number): NDArray {
  return windowOf("hann", M, (n, M) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (M - 1)));
}
/** The Blackman window. */
export function blackman(M: number): NDArray {
  return windowOf("blackman", M, (n, M) => 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / (M - 1)) + 0.08 * Math.cos((4 * Math.PI * n) / (M - 1)));
}
/** `base ** t` for `num` points t from start to stop. */
export function logspace(start: number, stop: number, num = 50, endpoint = true, base = 10, opts?: DTypeOpts): NDArray {
  const n = count("logspace", "num", num);
  const div = endpoint ? n - 1 : n;
  const step = div > 0 ? (stop - start) / div : 0;
  const v = Array.from({ length: n }, (_, i) => base ** (endpoint && i === n - 1 && n > 1 ? stop : start + i * step));
  return vecIn(v, outDtype(opts, "logspace"));
}
/** A geometric progression of `num` points from start to stop (same sign, nonzero). */
export function geomspace(start: number, stop: number, num = 50, endpoint = true, opts?: DTypeOpts): NDArray {
  if (start === 0 || stop === 0) throw new TypeError(`geomspace: the ends cannot be zero, got start=${start}, stop=${stop}`);
  if (Math.sign(start) !== Math.sign(stop)) throw new TypeError(`geomspace: the ends must have the same sign, got start=${start}, stop=${stop}`);
  const sgn = Math.sign(start);
  const n = count("geomspace", "num", num);
  const [ls, le] = [Math.log10(Math.abs(start)), Math.log10(Math.abs(stop))];
  const div = endpoint ? n - 1 : n;
  // (NumPy's: 10 ** the evenly spaced logarithms, the ends exactly start and stop)
  const out = Array.from({ length: n }, (_, i) => (i === 0 ? start : endpoint && i === n - 1 ? stop : sgn * 10 ** (ls + (i * (le - ls)) / div)));
  return vecIn(out, outDtype(opts, "geomspace"));
}
/** The index grid `[dimensions.length, ...dimensions]` (int32), or one array per axis with `sparse`. */
export function indices(dimensions: number[], opts?: DTypeOpts & { sparse?: boolean }): NDArray | NDArray[] {
  const dims = dimensions.map((d) => count("indices", "a dimension", d));
  const dt = outDtype(opts, "indices", "int32");
  const one = (ax: number, full: boolean) => {
    const s = full ? dims : dims.map((d, i) => (i === ax ? d : 1));
    const r = new Float32Array(sizeOf(s));
    const inner = sizeOf(s.slice(ax + 1));
    for (let i = 0; i < r.length; i++) r[i] = Math.floor(i / inner) % s[ax];
    return astype(new NDArray(r, s, "float32"), dt);
  };
  if (opts?.sparse) return dims.map((_, ax) => one(ax, false));
  return stack(dims.map((_, ax) => one(ax, true)), 0);
}
/** The indices of the main diagonal of an array of `ndim` axes of length n: ndim copies of 0 … n-1. */
export function diagIndices(n: number, ndim = 2): NDArray[] {
  const N = count("diagIndices", "n", n);
  return Array.from({ length: count("diagIndices", "ndim", ndim) }, () => new NDArray(Int32Array.from({ length: N }, (_, i) => i), [N], "int32"));
}
/** diagIndices for an array whose axes all have one length (at least 2-D). */
export function diagIndicesFrom(arr: ArrayLike): NDArray[] {
  const x = asArray(arr, "diagIndicesFrom");
  if (x.ndim < 2 || x.shape.some((d) => d !== x.shape[0])) throw new TypeError(`diagIndicesFrom: arr must be at least 2-D with all axes of one length, got shape ${fmtShape(x.shape)}`);
  return diagIndices(x.shape[0], x.ndim);
}
/** frexp: mantissas in [0.5, 1) (signed) and exponents (int32) with x = m · 2**e; 0, ±inf, NaN keep x and exponent 0. */
export function frexp(x: ArrayLike): [NDArray, NDArray] {
  // (mantissas in x's float dtype: scaling by a power of two is exact in each)
  const x0 = asArray(x, "frexp");
  const a = astype(x0, toInexact(x0.dtype));
  const m = alloc(a.dtype, a.size), ex = new Int32Array(a.size);
  for (let i = 0; i < a.size; i++) {
    const v = a.data[i];
    if (v === 0 || !Number.isFinite(v)) {
      m[i] = v;
      continue;
    }
    let e = Math.floor(Math.log2(Math.abs(v))) + 1;
    // (log2 can round across a power of two: fix the exponent so |m| is in [0.5, 1))
    let mm = v / 2 ** e;
    if (Math.abs(mm) >= 1) (e += 1), (mm /= 2);
    else if (Math.abs(mm) < 0.5) (e -= 1), (mm *= 2);
    m[i] = mm;
    ex[i] = e;
  }
  return [new NDArray(m, a.shape, a.dtype), new NDArray(ex, a.shape, "int32")];
}

// ---- splitting into a list, and the functions that take a function -----------------------------

/** The slices along `axis` (the inverse of stack). */
export function unstack(x: ArrayLike, axis = 0): NDArray[] {
  const a = asArray(x, "unstack");
  if (a.ndim === 0) throw new TypeError("unstack: x must have at least one axis, got a 0-d array");
  const ax = normAxis("unstack", axis, a.ndim, a.shape);
  const m = moveaxis(a, ax, 0);
  return Array.from({ length: m.shape[0] }, (_, i) => index(m, i));
}
/** func applied to every coordinate (the index grids, float32 unless `dtype`), a pytree of Arrays. */
export function fromfunction<T>(func: (...idx: NDArray[]) => T, shape: number[], opts?: DTypeOpts): T {
  const grids = unstack(indices(shape, { dtype: opts?.dtype ?? "float32" }) as NDArray, 0);
  return tree.map((v: unknown) => asArray(v as ArrayLike), func(...grids) as never) as T;
}
/** func1d applied to each 1-D slice along `axis`; its result's axes take that axis's place. */
export function applyAlongAxis(func1d: (x: NDArray) => ArrayLike, axis: number, x: ArrayLike): NDArray {
  const a = asArray(x, "applyAlongAxis");
  const ax = normAxis("applyAlongAxis", axis, a.ndim, a.shape);
  const m = moveaxis(a, ax, -1);
  const lead = m.shape.slice(0, -1);
  const flat = m.reshape([sizeOf(lead), m.shape[m.ndim - 1]]);
  const outs = Array.from({ length: flat.shape[0] }, (_, i) => asArray(func1d(index(flat, i))));
  const r = stack(outs, 0).reshape([...lead, ...outs[0].shape]);
  // (the result's own axes back where `axis` was)
  const k = outs[0].ndim;
  const perm = [...Array.from({ length: ax }, (_, i) => i), ...Array.from({ length: k }, (_, i) => lead.length + i), ...Array.from({ length: lead.length - ax }, (_, i) => ax + i)];
  return r.transpose(perm);
}
/** func(a, axis) for each axis in turn, the axis kept (a result one axis short gets it back). */
export function applyOverAxes(func: (x: NDArray, axis: number) => ArrayLike, a: ArrayLike, axes: number[]): NDArray {
  let x = asArray(a, "applyOverAxes");
  for (const axis of axes) {
    const ax = normAxis("applyOverAxes", axis, x.ndim, x.shape);
    const r = asArray(func(x, ax));
    if (r.ndim === x.ndim) x = r;
    else if (r.ndim === x.ndim - 1) x = expandDims(r, ax);
    else throw new TypeError(`applyOverAxes: func returned shape ${fmtShape(r.shape)} for an array of shape ${fmtShape(x.shape)}: it must keep the axis or drop it`);
  }
  return x;
}
/** numpy.var under jax-js's name (`correction` is NumPy's ddof). */
export function var_(x: ArrayLike, axis?: number | number[] | null, opts?: { mean?: ArrayLike; correction?: number; keepdims?: boolean } & VarOpts): NDArray {
  if (opts?.mean !== undefined) throw new TypeError("var_: the mean option is not supported yet (the mean is computed)");
  return variance(x, axis, { ...opts, ddof: opts?.correction ?? opts?.ddof });
}
