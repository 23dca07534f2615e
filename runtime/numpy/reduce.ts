// Reductions: sum, mean, max, min, prod, argmax, argmin, logsumexp, var, std, and sumToShape
// (the adjoint of broadcasting). Float32 sums and means add in float32 exactly as NumPy does
// (pairwise over a contiguous axis, row by row otherwise), which is also what reproduces JAX's
// printed digits (the tutorial's b_grad); var/std/logsumexp accumulate in float64. float64
// reduces in float64; float16 reduces in float32 and rounds once (jnp upcasts half precision).

import { NDArray } from "../array.js";
import type { ArrayLike, Axis, ReduceOpts } from "../array.js";
import { alloc, toInexact } from "../dtype.js";
import { floatsFrom } from "../dtype-cast.js";
import type { DType, TypedArray } from "../dtype.js";
import { fmtShape, normAxes, normAxis, sizeOf, stridesOf } from "../shape.js";
import { asArray } from "./creation.js";
import { copyStrided } from "./shape.js";
import { anyOnGpu, deviceHooks } from "../device-hooks.js";
import { rowSumsWasm } from "../jit/rows.js";

/** A reduction of an Array on the GPU, as GPU kernels (null: not on the GPU). */
const onGpu = (op: "sum" | "mean" | "max" | "min", a: ArrayLike, axis: Axis, opts: ReduceOpts | undefined) =>
  anyOnGpu([a]) ? deviceHooks()!.reduce(op, a as NDArray, axis, !!opts?.keepdims) : null;

export interface VarOpts extends ReduceOpts {
  /** Delta degrees of freedom: the divisor is `n - ddof` (clamped at 0, as NumPy does). */
  ddof?: number;
}

/**
 * A reduction seen as (outer, n, inner): element (o, k, i) is at `d[(o*n + k)*inner + i]` and
 * output (o, i) at `o*inner + i` folds k = 0..n-1 in ascending order (row-major order of the
 * reduced indices, so the first occurrence is met first). Reduced axes that are adjacent need
 * no copy; otherwise they are moved last by one transposing copy (inner = 1).
 */
interface Layout {
  d: TypedArray;
  outer: number;
  n: number;
  inner: number;
  outShape: number[];
}

function layoutOf(x: NDArray, axes: readonly number[], keepdims: boolean): Layout {
  const shape = x.shape;
  const nd = shape.length;
  const isRed = new Array<boolean>(nd).fill(false);
  for (const ax of axes) isRed[ax] = true;
  const kept: number[] = [];
  for (let d = 0; d < nd; d++) if (!isRed[d]) kept.push(d);
  const outShape = keepdims ? shape.map((s, i) => (isRed[i] ? 1 : s)) : kept.map((d) => shape[d]);
  const n = sizeOf(axes.map((d) => shape[d]));
  if (axes.length === 0) return { d: x.data, outer: x.size, n: 1, inner: 1, outShape };
  const lo = axes[0];
  const hi = axes[axes.length - 1];
  if (hi - lo + 1 === axes.length) {
    // adjacent: (shape[:lo], shape[lo..hi], shape[hi+1:])
    return { d: x.data, outer: sizeOf(shape.slice(0, lo)), n, inner: sizeOf(shape.slice(hi + 1)), outShape };
  }
  const perm = [...kept, ...axes];
  const strides = stridesOf(shape);
  const d = alloc(x.dtype, x.size);
  copyStrided(x.data, 0, perm.map((p) => shape[p]), perm.map((p) => strides[p]), d);
  return { d, outer: sizeOf(kept.map((k) => shape[k])), n, inner: 1, outShape };
}

function layout(op: string, x: NDArray, axis: Axis, opts: ReduceOpts | undefined): Layout {
  return layoutOf(x, normAxes(op, axis, x.shape), !!opts?.keepdims);
}

function outSize(L: Layout): number {
  return L.outer * L.inner;
}

/** Integer-valued sums/products use int32 (bool too); uint32 stays uint32; floats stay. */
function accDType(d: DType): DType {
  return d === "bool" ? "int32" : d;
}

// ---- float64 kernels shared by sum, mean, var, std, sumToShape --------------------------------

/** Σ_k in float64 for every output (unrounded). */
function sumF64(L: Layout): Float64Array {
  const { d, outer, n, inner } = L;
  const acc = new Float64Array(outSize(L));
  if (n === 0) return acc;
  if (inner === 1) {
    for (let o = 0, b = 0; o < outer; o++, b += n) {
      let s = 0;
      for (let k = 0; k < n; k++) s += d[b + k];
      acc[o] = s;
    }
  } else {
    for (let o = 0; o < outer; o++) {
      const ob = o * inner;
      for (let k = 0; k < n; k++) {
        const row = (o * n + k) * inner;
        for (let i = 0; i < inner; i++) acc[ob + i] += d[row + i];
      }
    }
  }
  return acc;
}

/**
 * Σ_k in float32, NumPy's order: over a contiguous run (inner = 1) its pairwise summation
 * (8 accumulators in blocks of up to 128, halves above that); otherwise whole rows added in turn.
 */
function sumF32(L: Layout): Float32Array {
  const { d, outer, n, inner } = L;
  // (rows in turn on the kernel machine when large: the same adds)
  const rows = inner > 1 && d instanceof Float32Array ? rowSumsWasm(d, outer, n, inner) : null;
  if (rows) return rows;
  const acc = new Float32Array(outSize(L));
  if (n === 0) return acc;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) acc[o] = pairwise(d, o * n, n);
  } else {
    for (let o = 0; o < outer; o++) {
      const ob = o * inner;
      for (let k = 0; k < n; k++) {
        const row = (o * n + k) * inner;
        for (let i = 0; i < inner; i++) acc[ob + i] = Math.fround(acc[ob + i] + d[row + i]);
      }
    }
  }
  return acc;
}

const fr = Math.fround;

/** NumPy's float32 pairwise_sum of d[b .. b+n). */
function pairwise(d: TypedArray, b: number, n: number): number {
  if (n < 8) {
    let r = 0;
    for (let i = 0; i < n; i++) r = fr(r + d[b + i]);
    return r;
  }
  if (n <= 128) {
    let r0 = d[b], r1 = d[b + 1], r2 = d[b + 2], r3 = d[b + 3], r4 = d[b + 4], r5 = d[b + 5], r6 = d[b + 6], r7 = d[b + 7];
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) {
      r0 = fr(r0 + d[b + i]);
      r1 = fr(r1 + d[b + i + 1]);
      r2 = fr(r2 + d[b + i + 2]);
      r3 = fr(r3 + d[b + i + 3]);
      r4 = fr(r4 + d[b + i + 4]);
      r5 = fr(r5 + d[b + i + 5]);
      r6 = fr(r6 + d[b + i + 6]);
      r7 = fr(r7 + d[b + i + 7]);
    }
    let res = fr(fr(fr(r0 + r1) + fr(r2 + r3)) + fr(fr(r4 + r5) + fr(r6 + r7)));
    for (; i < n; i++) res = fr(res + d[b + i]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return fr(pairwise(d, b, n2) + pairwise(d, b + n2, n - n2));
}

/** Σ_k (x - mu)² in float64 for every output, given the float64 means. */
function sqDevF64(L: Layout, mu: Float64Array): Float64Array {
  const { d, outer, n, inner } = L;
  const acc = new Float64Array(outSize(L));
  if (n === 0) return acc;
  if (inner === 1) {
    for (let o = 0, b = 0; o < outer; o++, b += n) {
      const m = mu[o];
      let s = 0;
      for (let k = 0; k < n; k++) {
        const t = d[b + k] - m;
        s += t * t;
      }
      acc[o] = s;
    }
  } else {
    for (let o = 0; o < outer; o++) {
      const ob = o * inner;
      for (let k = 0; k < n; k++) {
        const row = (o * n + k) * inner;
        for (let i = 0; i < inner; i++) {
          const t = d[row + i] - mu[ob + i];
          acc[ob + i] += t * t;
        }
      }
    }
  }
  return acc;
}

/** Integer sum or product wrapping modulo 2^32 (Int32Array stores wrap), as JAX's int32 does. */
function intFold(L: Layout, isProd: boolean, dtype: DType): TypedArray {
  const { d, outer, n, inner } = L;
  const acc = new Int32Array(outSize(L));
  if (isProd) acc.fill(1);
  if (n > 0) {
    for (let o = 0; o < outer; o++) {
      const ob = o * inner;
      for (let k = 0; k < n; k++) {
        const row = (o * n + k) * inner;
        if (isProd) for (let i = 0; i < inner; i++) acc[ob + i] = Math.imul(acc[ob + i], d[row + i]);
        else for (let i = 0; i < inner; i++) acc[ob + i] += d[row + i];
      }
    }
  }
  return dtype === "uint32" ? new Uint32Array(acc.buffer) : acc;
}

// ---- sum / prod -----------------------------------------------------------------------------

export function sum(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  const g = onGpu("sum", a, axis, opts);
  if (g) return g;
  // hot path: a float32 array summed whole
  if (a instanceof NDArray && a.dtype === "float32" && (axis === undefined || axis === null) && !opts?.keepdims)
    return new NDArray(Float32Array.of(a.size === 0 ? 0 : pairwise(a.data, 0, a.size)), [], "float32", a.weakType);
  const x = asArray(a, "sum");
  return sumLayout(x.dtype, layout("sum", x, axis, opts), x.weakType);
}

function sumLayout(dtype: DType, L: Layout, weak = false): NDArray {
  const dt = accDType(dtype);
  if (dt === "float64") return floatsFrom(sumF64(L), L.outShape, dt, weak);
  const out = dt === "float32" || dt === "float16" ? sumF32(L) : intFold(L, false, dt);
  return new NDArray(out, L.outShape, dt, weak);
}

export function prod(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  const x = asArray(a, "prod");
  const L = layout("prod", x, axis, opts);
  const dt = accDType(x.dtype);
  if (dt !== "float32" && dt !== "float16" && dt !== "float64") return new NDArray(intFold(L, true, dt), L.outShape, dt, x.weakType);
  const { d, outer, n, inner } = L;
  const acc = new Float64Array(outSize(L)).fill(1);
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    for (let k = 0; k < n; k++) {
      const row = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) acc[ob + i] *= d[row + i];
    }
  }
  return floatsFrom(acc, L.outShape, dt, x.weakType);
}

// ---- mean / var / std -----------------------------------------------------------------------

/**
 * Mean: a float32 (or float16) array's float32 sum (as `sum`) divided by n, rounded once; float64
 * in float64; ints and bool give float32. Empty → NaN, as JAX.
 */
export function mean(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  const g = onGpu("mean", a, axis, opts);
  if (g) return g;
  const x = asArray(a, "mean");
  const L = layout("mean", x, axis, opts);
  const dt = toInexact(x.dtype);
  const s = x.dtype === "float32" || x.dtype === "float16" ? sumF32(L) : sumF64(L);
  const out = dt === "float64" ? new Float64Array(s.length) : new Float32Array(s.length);
  for (let o = 0; o < s.length; o++) out[o] = s[o] / L.n;
  return new NDArray(out, L.outShape, dt, x.weakType);
}

function variance(op: string, a: ArrayLike, axis: Axis, opts: VarOpts | undefined, root: boolean): NDArray {
  const x = asArray(a, op);
  const ddof = opts?.ddof ?? 0;
  if (!Number.isInteger(ddof)) throw new TypeError(`${op}: ddof must be an integer, got ${ddof}`);
  if (x.device !== "cpu") {
    const r = deviceHooks()!.variance(x, axis, ddof, !!opts?.keepdims, root);
    if (r) return r;
  }
  const L = layout(op, x, axis, opts);
  const mu = sumF64(L);
  for (let o = 0; o < mu.length; o++) mu[o] /= L.n;
  const ss = sqDevF64(L, mu);
  const div = Math.max(L.n - ddof, 0);
  const dt = toInexact(x.dtype);
  const out = dt === "float64" ? new Float64Array(ss.length) : new Float32Array(ss.length);
  for (let o = 0; o < ss.length; o++) out[o] = root ? Math.sqrt(ss[o] / div) : ss[o] / div;
  return new NDArray(out, L.outShape, dt, x.weakType);
}

/** Variance (float32): mean of squared deviations from the float64 mean, in float64, rounded once. */
function var_(a: ArrayLike, axis?: Axis, opts?: VarOpts): NDArray {
  return variance("var", a, axis, opts, false);
}
export { var_ as var };

/** Standard deviation: sqrt of the float64 variance, rounded once. */
export function std(a: ArrayLike, axis?: Axis, opts?: VarOpts): NDArray {
  return variance("std", a, axis, opts, true);
}

// ---- max / min ------------------------------------------------------------------------------

function fmtAxis(axis: Axis): string {
  return axis === undefined || axis === null ? "None" : typeof axis === "number" ? String(axis) : `[${axis.join(", ")}]`;
}

/** Max (or min) per output in float64, NaN propagating; n must be > 0. */
function extremeF64(L: Layout, isMax: boolean): Float64Array {
  const { d, outer, n, inner } = L;
  const r = new Float64Array(outSize(L));
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    const b = o * n * inner;
    for (let i = 0; i < inner; i++) r[ob + i] = d[b + i];
    if (inner === 1) {
      let m = r[ob];
      if (isMax) for (let k = 1; k < n; k++) { const v = d[b + k]; if (v > m || v !== v) m = v; }
      else for (let k = 1; k < n; k++) { const v = d[b + k]; if (v < m || v !== v) m = v; }
      // once m is NaN neither comparison holds again unless v is NaN: NaN sticks
      r[ob] = m;
      continue;
    }
    for (let k = 1; k < n; k++) {
      const row = b + k * inner;
      if (isMax) for (let i = 0; i < inner; i++) { const v = d[row + i]; if (v > r[ob + i] || v !== v) r[ob + i] = v; }
      else for (let i = 0; i < inner; i++) { const v = d[row + i]; if (v < r[ob + i] || v !== v) r[ob + i] = v; }
    }
  }
  return r;
}

function extremum(op: "max" | "min", a: ArrayLike, axis: Axis, opts: ReduceOpts | undefined): NDArray {
  const g = onGpu(op, a, axis, opts);
  if (g) return g;
  const x = asArray(a, op);
  const L = layout(op, x, axis, opts);
  if (L.n === 0)
    throw new TypeError(
      `${op}: zero-size array to reduction operation ${op === "max" ? "maximum" : "minimum"} which has no identity ` +
        `(shape ${fmtShape(x.shape)}, axis ${fmtAxis(axis)})`,
    );
  const r = extremeF64(L, op === "max");
  const out = alloc(x.dtype, r.length);
  out.set(r);
  return new NDArray(out, L.outShape, x.dtype, x.weakType);
}

/** Maximum along `axis` (all axes by default); NaN propagates; keeps the dtype. */
export function max(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  return extremum("max", a, axis, opts);
}
/** Minimum along `axis` (all axes by default); NaN propagates; keeps the dtype. */
export function min(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  return extremum("min", a, axis, opts);
}

// ---- argmax / argmin ------------------------------------------------------------------------

function argExtremum(op: "argmax" | "argmin", a: ArrayLike, axis: number | null | undefined, opts?: ReduceOpts): NDArray {
  const x = asArray(a, op);
  if (axis !== undefined && axis !== null && typeof axis !== "number")
    throw new TypeError(`${op}: axis must be a single integer or null, got ${JSON.stringify(axis)}`);
  // Without an axis: the flat index over the whole array (keepdims keeps every axis as size 1).
  const axes = axis === undefined || axis === null ? normAxes(op, null, x.shape) : [normAxis(op, axis, x.ndim, x.shape)];
  if (x.device !== "cpu") {
    const r = deviceHooks()!.arg(op, x, axis, !!opts?.keepdims);
    if (r) return r;
  }
  const L = layoutOf(x, axes, !!opts?.keepdims); // adjacent axes: never copies
  const { d, outer, n, inner } = L;
  if (n === 0)
    throw new TypeError(`${op}: attempt to get ${op} of an empty sequence (shape ${fmtShape(x.shape)}, axis ${fmtAxis(axis)})`);
  const isMax = op === "argmax";
  const out = new Int32Array(outSize(L));
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const b = o * n * inner + i;
      let best = d[b];
      let bi = 0;
      if (best === best) {
        for (let k = 1; k < n; k++) {
          const v = d[b + k * inner];
          if (v !== v) {
            bi = k; // the first NaN wins, as in NumPy and JAX
            break;
          }
          if (isMax ? v > best : v < best) {
            best = v;
            bi = k;
          }
        }
      }
      out[o * inner + i] = bi;
    }
  return new NDArray(out, L.outShape, "int32");
}

/** Index of the first maximum along `axis` (int32); without an axis, the flat index. */
export function argmax(a: ArrayLike, axis?: number | null, opts?: ReduceOpts): NDArray {
  return argExtremum("argmax", a, axis, opts);
}
/** Index of the first minimum along `axis` (int32); without an axis, the flat index. */
export function argmin(a: ArrayLike, axis?: number | null, opts?: ReduceOpts): NDArray {
  return argExtremum("argmin", a, axis, opts);
}

// ---- logsumexp ------------------------------------------------------------------------------

/**
 * log(sum(exp(a))) along `axis`, stabilised by the maximum as jax.nn.logsumexp is (a maximum
 * that is infinite is replaced by 0); computed in float64 and rounded once. Empty → -inf.
 */
export function logsumexp(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  const x = asArray(a, "logsumexp");
  const L = layout("logsumexp", x, axis, opts);
  const { d, outer, n, inner } = L;
  const m = L.n === 0 ? new Float64Array(outSize(L)).fill(-Infinity) : extremeF64(L, true);
  for (let o = 0; o < m.length; o++) if (m[o] === Infinity || m[o] === -Infinity) m[o] = 0;
  const s = new Float64Array(m.length);
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    for (let k = 0; k < n; k++) {
      const row = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) s[ob + i] += Math.exp(d[row + i] - m[ob + i]);
    }
  }
  const dt = toInexact(x.dtype);
  const out = dt === "float64" ? new Float64Array(m.length) : new Float32Array(m.length);
  for (let o = 0; o < m.length; o++) out[o] = Math.log(s[o]) + m[o]; // NaN max: NaN throughout
  return new NDArray(out, L.outShape, dt, x.weakType);
}

// ---- sumToShape -----------------------------------------------------------------------------

/**
 * Sums `a` down to `shape`: the adjoint of broadcasting `shape` to `a.shape`. Leading axes
 * that broadcasting added are summed away; axes where `shape` has 1 are summed with keepdims.
 * The dtype follows `sum` (bool → int32). Throws if `shape` does not broadcast to `a.shape`.
 */
export function sumToShape(a: NDArray, shape: readonly number[]): NDArray {
  const nd = a.ndim;
  const lead = nd - shape.length;
  const bad = () =>
    new TypeError(`sumToShape: shape ${fmtShape(shape)} does not broadcast to the array's shape ${fmtShape(a.shape)}`);
  if (lead < 0) throw bad();
  const axes: number[] = [];
  for (let d = 0; d < nd; d++) {
    if (d < lead) {
      axes.push(d);
      continue;
    }
    const t = shape[d - lead];
    if (t === a.shape[d]) continue;
    if (t === 1) axes.push(d);
    else throw bad();
  }
  if (a.device !== "cpu") {
    const r = deviceHooks()!.sumToShape(a, shape);
    if (r) return r;
  }
  if (axes.length === 0 && a.dtype !== "bool") return lead === 0 ? a : new NDArray(a.data, shape, a.dtype);
  const r = sumLayout(a.dtype, layoutOf(a, axes, true));
  return new NDArray(r.data, shape, r.dtype);
}
