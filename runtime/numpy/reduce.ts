// Reductions: sum, mean, max, min, prod, argmax, argmin, logsumexp, var, std, and sumToShape
// (the adjoint of broadcasting). Float sums accumulate in float64 and round once to float32.

import { NDArray } from "../array.js";
import type { ArrayLike, Axis, ReduceOpts } from "../array.js";
import type { DType, TypedArray } from "../dtype.js";
import { fmtShape, normAxes, normAxis, stridesOf } from "../shape.js";
import { asArray } from "./creation.js";

export interface VarOpts extends ReduceOpts {
  /** Delta degrees of freedom: the divisor is `n - ddof` (clamped at 0, as NumPy does). */
  ddof?: number;
}

/**
 * How a reduction walks its input: output element `o` folds the `n` input elements at
 * `bases[o] + offs[k]` for k = 0..n-1, in row-major order of the reduced indices (so the
 * first occurrence along the axis is met first).
 */
interface Plan {
  bases: Int32Array;
  offs: Int32Array;
  n: number;
  outShape: number[];
}

/** Row-major offsets of every index over `dims` (the other dims held at 0). */
function offsetsOver(shape: readonly number[], strides: readonly number[], dims: readonly number[]): Int32Array {
  let size = 1;
  for (const d of dims) size *= shape[d];
  const out = new Int32Array(size);
  if (size === 0) return out;
  const m = dims.length;
  const idx = new Array<number>(m).fill(0);
  let off = 0;
  for (let p = 0; p < size; p++) {
    out[p] = off;
    for (let j = m - 1; j >= 0; j--) {
      const d = dims[j];
      if (++idx[j] < shape[d]) {
        off += strides[d];
        break;
      }
      off -= (shape[d] - 1) * strides[d];
      idx[j] = 0;
    }
  }
  return out;
}

function planOver(shape: readonly number[], axes: readonly number[], keepdims: boolean): Plan {
  const nd = shape.length;
  const isRed = new Array<boolean>(nd).fill(false);
  for (const ax of axes) isRed[ax] = true;
  const kept: number[] = [];
  for (let d = 0; d < nd; d++) if (!isRed[d]) kept.push(d);
  const strides = stridesOf(shape);
  const bases = offsetsOver(shape, strides, kept);
  const offs = offsetsOver(shape, strides, axes);
  const outShape = keepdims ? shape.map((d, i) => (isRed[i] ? 1 : d)) : kept.map((d) => shape[d]);
  return { bases, offs, n: offs.length, outShape };
}

function plan(op: string, a: NDArray, axis: Axis, opts: ReduceOpts | undefined): Plan {
  return planOver(a.shape, normAxes(op, axis, a.shape), !!opts?.keepdims);
}

/** Integer-valued sums/products use int32 (bool too); uint32 stays uint32; float32 stays. */
function accDType(d: DType): DType {
  return d === "bool" ? "int32" : d;
}

// ---- sum / prod ---------------------------------------------------------------------------

export function sum(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  const x = asArray(a, "sum");
  return sumPlanned(x, plan("sum", x, axis, opts));
}

function sumPlanned(x: NDArray, p: Plan): NDArray {
  const { bases, offs, n } = p;
  const d = x.data;
  const dtype = accDType(x.dtype);
  const m = bases.length;
  let out: TypedArray;
  if (dtype === "float32") {
    out = new Float32Array(m);
    for (let o = 0; o < m; o++) {
      const b = bases[o];
      let s = 0;
      for (let k = 0; k < n; k++) s += d[b + offs[k]];
      out[o] = s;
    }
  } else {
    // Integer sums wrap modulo 2^32 as JAX's int32 arithmetic does.
    out = dtype === "int32" ? new Int32Array(m) : new Uint32Array(m);
    for (let o = 0; o < m; o++) {
      const b = bases[o];
      let s = 0;
      for (let k = 0; k < n; k++) s = (s + d[b + offs[k]]) | 0;
      out[o] = s;
    }
  }
  return new NDArray(out, p.outShape, dtype);
}

export function prod(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  const x = asArray(a, "prod");
  const { bases, offs, n, outShape } = plan("prod", x, axis, opts);
  const d = x.data;
  const dtype = accDType(x.dtype);
  const m = bases.length;
  let out: TypedArray;
  if (dtype === "float32") {
    out = new Float32Array(m);
    for (let o = 0; o < m; o++) {
      const b = bases[o];
      let s = 1;
      for (let k = 0; k < n; k++) s *= d[b + offs[k]];
      out[o] = s;
    }
  } else {
    out = dtype === "int32" ? new Int32Array(m) : new Uint32Array(m);
    for (let o = 0; o < m; o++) {
      const b = bases[o];
      let s = 1;
      for (let k = 0; k < n; k++) s = Math.imul(s, d[b + offs[k]]);
      out[o] = s;
    }
  }
  return new NDArray(out, outShape, dtype);
}

// ---- mean / var / std -----------------------------------------------------------------------

export function mean(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  const x = asArray(a, "mean");
  const { bases, offs, n, outShape } = plan("mean", x, axis, opts);
  const d = x.data;
  const m = bases.length;
  const out = new Float32Array(m);
  for (let o = 0; o < m; o++) {
    const b = bases[o];
    let s = 0;
    for (let k = 0; k < n; k++) s += d[b + offs[k]];
    out[o] = s / n; // n = 0 gives NaN, as JAX does
  }
  return new NDArray(out, outShape, "float32");
}

function variance(op: string, a: ArrayLike, axis: Axis, opts: VarOpts | undefined, root: boolean): NDArray {
  const x = asArray(a, op);
  const ddof = opts?.ddof ?? 0;
  if (!Number.isInteger(ddof)) throw new TypeError(`${op}: ddof must be an integer, got ${ddof}`);
  const { bases, offs, n, outShape } = plan(op, x, axis, opts);
  const d = x.data;
  const m = bases.length;
  const out = new Float32Array(m);
  const div = Math.max(n - ddof, 0);
  for (let o = 0; o < m; o++) {
    const b = bases[o];
    let s = 0;
    for (let k = 0; k < n; k++) s += d[b + offs[k]];
    const mu = s / n;
    let ss = 0;
    for (let k = 0; k < n; k++) {
      const t = d[b + offs[k]] - mu;
      ss += t * t;
    }
    const v = ss / div;
    out[o] = root ? Math.sqrt(v) : v;
  }
  return new NDArray(out, outShape, "float32");
}

/** Variance (float32), computed in float64 from the float64 mean and rounded once. */
function var_(a: ArrayLike, axis?: Axis, opts?: VarOpts): NDArray {
  return variance("var", a, axis, opts, false);
}
export { var_ as var };

/** Standard deviation: sqrt of the float64 variance, rounded once. */
export function std(a: ArrayLike, axis?: Axis, opts?: VarOpts): NDArray {
  return variance("std", a, axis, opts, true);
}

// ---- max / min ------------------------------------------------------------------------------

function extremum(op: "max" | "min", a: ArrayLike, axis: Axis, opts: ReduceOpts | undefined): NDArray {
  const x = asArray(a, op);
  const { bases, offs, n, outShape } = plan(op, x, axis, opts);
  if (n === 0)
    throw new TypeError(
      `${op}: zero-size array to reduction operation ${op === "max" ? "maximum" : "minimum"} which has no identity ` +
        `(shape ${fmtShape(x.shape)}, axis ${fmtAxis(axis)})`,
    );
  const d = x.data;
  const m = bases.length;
  const out = new (d.constructor as new (n: number) => TypedArray)(m);
  const isMax = op === "max";
  for (let o = 0; o < m; o++) {
    const b = bases[o];
    let r = d[b + offs[0]];
    for (let k = 1; k < n && r === r; k++) {
      const v = d[b + offs[k]];
      if (v !== v) r = v; // NaN propagates
      else if (isMax ? v > r : v < r) r = v;
    }
    out[o] = r;
  }
  return new NDArray(out, outShape, x.dtype);
}

export function max(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  return extremum("max", a, axis, opts);
}
export function min(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  return extremum("min", a, axis, opts);
}

function fmtAxis(axis: Axis): string {
  return axis === undefined || axis === null ? "None" : typeof axis === "number" ? String(axis) : `[${axis.join(", ")}]`;
}

// ---- argmax / argmin ------------------------------------------------------------------------

function argExtremum(op: "argmax" | "argmin", a: ArrayLike, axis: number | null | undefined, opts?: ReduceOpts): NDArray {
  const x = asArray(a, op);
  if (axis !== undefined && axis !== null && typeof axis !== "number")
    throw new TypeError(`${op}: axis must be a single integer or null, got ${JSON.stringify(axis)}`);
  const keepdims = !!opts?.keepdims;
  let p: Plan;
  if (axis === undefined || axis === null) {
    // Flat index over the whole array; keepdims keeps every axis as size 1.
    p = planOver(x.shape, normAxes(op, null, x.shape), keepdims);
  } else {
    p = planOver(x.shape, [normAxis(op, axis, x.ndim, x.shape)], keepdims);
  }
  const { bases, offs, n, outShape } = p;
  if (n === 0)
    throw new TypeError(`${op}: attempt to get ${op} of an empty sequence (shape ${fmtShape(x.shape)}, axis ${fmtAxis(axis)})`);
  const d = x.data;
  const m = bases.length;
  const out = new Int32Array(m);
  const isMax = op === "argmax";
  for (let o = 0; o < m; o++) {
    const b = bases[o];
    let best = d[b + offs[0]];
    let bi = 0;
    if (best === best) {
      for (let k = 1; k < n; k++) {
        const v = d[b + offs[k]];
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
    out[o] = bi;
  }
  return new NDArray(out, outShape, "int32");
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
 * log(sum(exp(a))) along `axis`, stabilised by the maximum as jax.nn.logsumexp is (an infinite
 * or empty maximum is replaced by 0); computed in float64 and rounded once. Empty → -inf.
 */
export function logsumexp(a: ArrayLike, axis?: Axis, opts?: ReduceOpts): NDArray {
  const x = asArray(a, "logsumexp");
  const { bases, offs, n, outShape } = plan("logsumexp", x, axis, opts);
  const d = x.data;
  const m = bases.length;
  const out = new Float32Array(m);
  for (let o = 0; o < m; o++) {
    const b = bases[o];
    let mx = -Infinity;
    for (let k = 0; k < n; k++) {
      const v = d[b + offs[k]];
      if (v > mx || v !== v) mx = v;
      if (v !== v) break;
    }
    if (mx !== mx) {
      out[o] = NaN;
      continue;
    }
    if (!Number.isFinite(mx)) mx = 0;
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.exp(d[b + offs[k]] - mx);
    out[o] = Math.log(s) + mx;
  }
  return new NDArray(out, outShape, "float32");
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
  if (axes.length === 0 && a.dtype !== "bool") return lead === 0 ? a : new NDArray(a.data, shape, a.dtype);
  const p = planOver(a.shape, axes, true);
  const r = sumPlanned(a, p);
  return new NDArray(r.data, shape, r.dtype);
}

