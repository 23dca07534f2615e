// Reordering and running sums: flip (fliplr, flipud), moveaxis, swapaxes, cumsum, cumprod,
// tril, triu. moveaxis/swapaxes are transposes whose permutation `axesPerm` works out from the
// rank at run time (the IR knows no rank for an Array parameter); tril/triu select by the
// boolean mask `triMask` (a where), so all of them differentiate through primitives that already do.

import { NDArray } from "../array.js";
import type { ArrayLike, Axis } from "../array.js";
import { alloc, toInexact } from "../dtype.js";
import { fmtShape, normAxes, normAxis, sizeOf } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { concatenate, transpose } from "./shape.js";
import { where } from "./elementwise.js";
import { take } from "./indexing.js";
import { sum } from "./reduce.js";
import { asPublic } from "./public-errors.js";
import { deviceHooks } from "../device-hooks.js";

/** Elements of `a` reversed along `axis` (every axis when null). */
export function flip(a: ArrayLike, axis?: Axis): NDArray {
  const x = asArray(a, "flip");
  const axes = new Set(normAxes("flip", axis, x.shape));
  if (x.device !== "cpu") return deviceHooks()!.flip(x, [...axes]);
  const nd = x.ndim;
  const out = alloc(x.dtype, x.size);
  const src = x.data;
  const shape = x.shape;
  const idx = new Array<number>(nd).fill(0);
  const strides = new Array<number>(nd);
  for (let d = nd - 1, s = 1; d >= 0; d--) (strides[d] = s), (s *= shape[d]);
  for (let o = 0; o < out.length; o++) {
    let p = 0;
    for (let d = 0; d < nd; d++) p += (axes.has(d) ? shape[d] - 1 - idx[d] : idx[d]) * strides[d];
    out[o] = src[p];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return new NDArray(out, shape, x.dtype);
}
/** Reversed along axis 1 (left/right). */
export function fliplr(a: ArrayLike): NDArray {
  return flip(a, 1);
}
/** Reversed along axis 0 (up/down). */
export function flipud(a: ArrayLike): NDArray {
  return flip(a, 0);
}

/**
 * The permutation moveaxis/swapaxes make for one example of x (x less its `spec.k` leading
 * axes: vmap's batch axes; vmap's rule for transpose then puts them in front): `move` takes axes
 * `a` to positions `b` (numbers or lists), `swap` exchanges axis a with axis b.
 */
export function axesPerm(x: ArrayLike, spec: { kind: "move" | "swap"; a: number | readonly number[]; b: number | readonly number[]; k?: number }): number[] {
  const k = spec.k ?? 0;
  const nd = asArray(x).ndim - k;
  const shape = asArray(x).shape.slice(k);
  const op = spec.kind === "move" ? "moveaxis" : "swapaxes";
  const list = (v: number | readonly number[]) => (typeof v === "number" ? [v] : [...v]).map((ax) => normAxis(op, ax, nd, shape));
  let perm: number[];
  if (spec.kind === "swap") {
    const [i] = list(spec.a), [j] = list(spec.b);
    perm = Array.from({ length: nd }, (_, d) => (d === i ? j : d === j ? i : d));
  } else {
    const src = list(spec.a), dst = list(spec.b);
    if (src.length !== dst.length) throw new TypeError(`moveaxis: source ${JSON.stringify(spec.a)} and destination ${JSON.stringify(spec.b)} must have the same number of axes`);
    const rest = Array.from({ length: nd }, (_, d) => d).filter((d) => !src.includes(d));
    perm = new Array<number>(nd);
    const order = dst.map((d, i) => [d, src[i]] as const).sort((p, q) => p[0] - q[0]);
    for (const [d, s] of order) rest.splice(d, 0, s);
    perm = rest;
  }
  return perm;
}
/** Axes `source` moved to positions `destination`, the others in order (numpy.moveaxis). */
export function moveaxis(a: ArrayLike, source: number | readonly number[], destination: number | readonly number[]): NDArray {
  return transpose(a, axesPerm(a, { kind: "move", a: source, b: destination }));
}
/** Axes a and b exchanged (numpy.swapaxes). */
export function swapaxes(a: ArrayLike, axis1: number, axis2: number): NDArray {
  return transpose(a, axesPerm(a, { kind: "swap", a: axis1, b: axis2 }));
}

/** Running sums along `axis` (flattened when none), accumulated in the result's dtype (float32 rounding at each step, as XLA's scan). */
export function cumsum(a: ArrayLike, axis?: number | null): NDArray {
  // (a float32 Array on the GPU: a GPU kernel)
  if (a instanceof NDArray && a.device !== "cpu") {
    const r = deviceHooks()!.cumsum(a, axis);
    if (r) return r;
  }
  return scan("cumsum", a, axis, 0, (s, v) => s + v);
}
/** Running products along `axis` (flattened when none). */
export function cumprod(a: ArrayLike, axis?: number | null): NDArray {
  return scan("cumprod", a, axis, 1, (s, v) => s * v);
}
/**
 * The lines a running op (or a take) walks: x's axis (the flattened array when none), as
 * outer × n × inner; `shape` is x's (flattened when no axis) and `ax` the axis in it. Any value
 * with a shape: a GPU array's too.
 */
export function scanLines(op: string, x0: { readonly shape: readonly number[] }, axis: number | null | undefined) {
  const flat = axis === undefined || axis === null;
  const shape = flat ? [sizeOf(x0.shape)] : x0.shape.slice();
  if (shape.length === 0) throw new TypeError(`${op}: axis ${axis} is out of bounds for array of shape ()`);
  const ax = flat ? 0 : normAxis(op, axis, shape.length, shape);
  const outer = sizeOf(shape.slice(0, ax)), n = shape[ax], inner = sizeOf(shape.slice(ax + 1));
  return { shape, ax, outer, n, inner, at: (o: number, i: number, j: number) => (o * n + i) * inner + j };
}

function scan(op: string, a: ArrayLike, axis: number | null | undefined, init: number, f: (s: number, v: number) => number): NDArray {
  const x0 = asArray(a, op);
  const flat = axis === undefined || axis === null;
  const x = flat ? new NDArray(x0.data, [x0.size], x0.dtype) : x0;
  const dtype = x.dtype === "bool" ? "int32" : x.dtype;
  const xs = x.dtype === "bool" ? astype(x, "int32") : x;
  const { outer, n, inner, at } = scanLines(op, x0, axis);
  const out = alloc(dtype, x.size);
  const src = xs.data;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      let s = init;
      for (let i = 0; i < n; i++) {
        const p = at(o, i, j);
        s = f(s, Number(src[p]));
        out[p] = s;
        if (dtype === "float32") s = out[p]; // (the sum carried is the float32 value stored, as XLA's scan)
      }
    }
  return new NDArray(out, x.shape, dtype);
}

/** true where row i, column j of the last two axes keeps its element (j - i <= k for tril, >= k for triu); bool, x's shape. */
export function triMask(a: ArrayLike, k: number, upper: boolean): NDArray {
  const x = asArray(a, upper ? "triu" : "tril");
  if (x.ndim < 2) throw new TypeError(`${upper ? "triu" : "tril"}: needs at least 2 dimensions, got shape ${fmtShape(x.shape)}`);
  const [r, c] = x.shape.slice(-2);
  const out = alloc("bool", x.size);
  for (let b = 0; b < x.size / (r * c); b++)
    for (let i = 0; i < r; i++)
      for (let j = 0; j < c; j++) out[(b * r + i) * c + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  return new NDArray(out, x.shape, "bool");
}
/** The lower triangle of the last two axes (below diagonal k), zeros elsewhere. */
export function tril(a: ArrayLike, k = 0): NDArray {
  return where(triMask(a, k, false), a, 0);
}
/** The upper triangle of the last two axes (above diagonal k), zeros elsewhere. */
export function triu(a: ArrayLike, k = 0): NDArray {
  return where(triMask(a, k, true), a, 0);
}

// ---- sorting and gathers along an axis --------------------------------------------------------------

/** Visits every fiber of x along `axis`: (offset of its first element, stride between elements). */
function fibers(shape: readonly number[], ax: number, f: (base: number, stride: number, n: number) => void): void {
  const outer = sizeOf(shape.slice(0, ax)), n = shape[ax], inner = sizeOf(shape.slice(ax + 1));
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) f(o * n * inner + j, inner, n);
}
/** NumPy's order: ascending, NaNs last, ties in their original order (stable). */
const before = (a: number, b: number) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b);

/** Indices that sort `a` along `axis` (the last by default; flattened when null), int32, stable. */
export function argsort(a: ArrayLike, axis: number | null = -1): NDArray {
  const x0 = asArray(a, "argsort");
  const x = axis === null ? new NDArray(x0.data, [x0.size], x0.dtype) : x0;
  if (x.ndim === 0) return new NDArray(new Int32Array([0]), [], "int32");
  const ax = axis === null ? 0 : normAxis("argsort", axis, x.ndim, x.shape);
  const out = new Int32Array(x.size);
  const src = x.data;
  fibers(x.shape, ax, (base, stride, n) => {
    const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => before(Number(src[base + i * stride]), Number(src[base + j * stride])) || i - j);
    idx.forEach((v, i) => (out[base + i * stride] = v));
  });
  return new NDArray(out, x.shape, "int32");
}
/** `a` sorted along `axis` (the last by default; flattened when null). */
export function sort(a: ArrayLike, axis: number | null = -1): NDArray {
  const x0 = asArray(a, "sort");
  const x = axis === null ? new NDArray(x0.data, [x0.size], x0.dtype) : x0;
  if (x.ndim === 0) return x;
  if (axis !== null) normAxis("sort", axis, x.ndim, x.shape);
  return takeAlongAxis(x, argsort(x, axis === null ? 0 : axis), axis === null ? 0 : axis);
}

/** Elements of `a` at `indices` along `axis`, fiber by fiber (indices shaped like a but along the axis). */
export function takeAlongAxis(a: ArrayLike, indices: ArrayLike, axis: number): NDArray {
  const x = asArray(a, "takeAlongAxis");
  const ix = asArray(indices, "takeAlongAxis");
  const ax = normAxis("takeAlongAxis", axis, x.ndim, x.shape);
  if (ix.ndim !== x.ndim || ix.shape.some((d, i) => i !== ax && d !== x.shape[i]))
    throw new TypeError(`takeAlongAxis: indices of shape ${fmtShape(ix.shape)} do not match array of shape ${fmtShape(x.shape)} outside axis ${axis}`);
  const n = x.shape[ax];
  const out = alloc(x.dtype, ix.size);
  const src = x.data, id = ix.data;
  const inner = sizeOf(x.shape.slice(ax + 1));
  fibers(ix.shape, ax, (base, stride, m) => {
    const o = Math.floor(base / (m * inner)), j = base % inner;
    for (let i = 0; i < m; i++) {
      const k0 = Number(id[base + i * stride]);
      const k = k0 < 0 ? k0 + n : k0;
      if (!(k >= 0 && k < n)) throw new RangeError(`takeAlongAxis: index ${k0} is out of bounds for axis ${axis} of size ${n}`);
      out[base + i * stride] = src[(o * n + k) * inner + j];
    }
  });
  return new NDArray(out, ix.shape, x.dtype);
}

/** Its adjoint: g added into zeros shaped like `x` at `indices` along `axis` (float32). */
export function takeAlongAxisTranspose(g: ArrayLike, indices: ArrayLike, axis: number, x: ArrayLike): NDArray {
  const gx = asArray(g, "takeAlongAxisTranspose");
  const ix = asArray(indices, "takeAlongAxisTranspose");
  const shape = asArray(x).shape;
  const ax = normAxis("takeAlongAxisTranspose", axis, shape.length, shape);
  const n = shape[ax];
  const acc = new Float64Array(sizeOf(shape));
  const inner = sizeOf(shape.slice(ax + 1));
  fibers(ix.shape, ax, (base, stride, m) => {
    const o = Math.floor(base / (m * inner)), j = base % inner;
    for (let i = 0; i < m; i++) {
      const k0 = Number(ix.data[base + i * stride]);
      acc[(o * n + (k0 < 0 ? k0 + n : k0)) * inner + j] += Number(gx.data[base + i * stride]);
    }
  });
  return new NDArray(Float32Array.from(acc), shape, "float32");
}

// ---- diagonals -------------------------------------------------------------------------------------

/** Where diagonal(x, offset, axis1, axis2) reads: the output shape and, per output element, x's flat index. */
function diagonalPlan(shape: readonly number[], offset: number, axis1: number, axis2: number): { out: number[]; at: Int32Array } {
  const nd = shape.length;
  const a1 = normAxis("diagonal", axis1, nd, shape), a2 = normAxis("diagonal", axis2, nd, shape);
  if (a1 === a2) throw new TypeError(`diagonal: axis1 and axis2 are the same axis (${a1}) of shape ${fmtShape(shape)}`);
  const rest = shape.map((_, d) => d).filter((d) => d !== a1 && d !== a2);
  const len = Math.max(0, Math.min(shape[a1] - Math.max(0, -offset), shape[a2] - Math.max(0, offset)));
  const out = [...rest.map((d) => shape[d]), len];
  const strides = new Array<number>(nd);
  for (let d = nd - 1, s = 1; d >= 0; d--) (strides[d] = s), (s *= shape[d]);
  const n = sizeOf(out);
  const at = new Int32Array(n);
  const idx = new Array<number>(out.length).fill(0);
  for (let o = 0; o < n; o++) {
    const i = idx[out.length - 1];
    let p = (i + Math.max(0, -offset)) * strides[a1] + (i + Math.max(0, offset)) * strides[a2];
    rest.forEach((d, r) => (p += idx[r] * strides[d]));
    at[o] = p;
    for (let d = out.length - 1; d >= 0; d--) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return { out, at };
}

/** The diagonal `offset` of the matrices on axes (axis1, axis2), as a last axis (numpy.diagonal). */
export function diagonal(a: ArrayLike, offset = 0, axis1 = 0, axis2 = 1): NDArray {
  const x = asArray(a, "diagonal");
  // (on the GPU: a strided copy)
  if (x.device !== "cpu") return deviceHooks()!.diagonal(x, offset, axis1, axis2);
  const { out, at } = diagonalPlan(x.shape, offset, axis1, axis2);
  const d = alloc(x.dtype, at.length);
  for (let i = 0; i < at.length; i++) d[i] = x.data[at[i]];
  return new NDArray(d, out, x.dtype);
}
/** Its adjoint: g placed on the diagonal of zeros shaped like x. */
export function diagonalTranspose(g: ArrayLike, x: ArrayLike, offset = 0, axis1 = 0, axis2 = 1): NDArray {
  const shape = asArray(x).shape;
  const gx = asArray(g, "diagonalTranspose");
  const { at } = diagonalPlan(shape, offset, axis1, axis2);
  // (the cotangent's float dtype: float64 gradients stay float64)
  const dt = toInexact(gx.dtype);
  const out = alloc(dt, sizeOf(shape));
  for (let i = 0; i < at.length; i++) out[at[i]] += Number(gx.data[i]);
  return new NDArray(out, shape, dt);
}
/** The sum of a diagonal (numpy.trace). */
export function trace(a: ArrayLike, offset = 0, axis1 = 0, axis2 = 1): NDArray {
  // (jnp.sum's dtype, as the transformer lowers trace: sum(diagonal, -1))
  return asPublic("trace", () => sum(diagonal(a, offset, axis1, axis2), -1));
}

// ---- roll and pad ------------------------------------------------------------------------------------

/** Elements shifted by `shift` along `axis` (flattened when null), wrapping around (numpy.roll). */
export function roll(a: ArrayLike, shift: number, axis?: number | null): NDArray {
  const x0 = asArray(a, "roll");
  const flat = axis === undefined || axis === null;
  const x = flat ? new NDArray(x0.data, [x0.size], x0.dtype) : x0;
  if (x.ndim === 0) return x0;
  const ax = flat ? 0 : normAxis("roll", axis, x.ndim, x.shape);
  const outer = sizeOf(x.shape.slice(0, ax)), n = x.shape[ax], inner = sizeOf(x.shape.slice(ax + 1));
  const out = alloc(x.dtype, x.size);
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < n; i++) {
      const src = (o * n + i) * inner, dst = (o * n + ((i + s) % n)) * inner;
      for (let j = 0; j < inner; j++) out[dst + j] = x.data[src + j];
    }
  return new NDArray(out, x0.shape, x.dtype);
}

type PadWidth = number | readonly [number, number] | readonly (readonly [number, number])[];
/** [before, after] per axis from numpy's pad_width spellings (one number, one pair, one pair per axis). */
function padWidths(op: string, w: PadWidth, nd: number): [number, number][] {
  if (typeof w === "number") return Array.from({ length: nd }, () => [w, w]);
  if (w.length === 2 && typeof w[0] === "number") return Array.from({ length: nd }, () => [w[0] as number, w[1] as number]);
  if (w.length !== nd) throw new TypeError(`${op}: pad_width has ${w.length} entries for an array of ${nd} dimensions`);
  return (w as readonly (readonly [number, number])[]).map((p) => [p[0], p[1]]);
}
/** `a` with `constantValue` (0) added around it: pad_width one number, [before, after], or one pair per axis. */
export function pad(a: ArrayLike, padWidth: PadWidth, opts?: { constantValue?: number }, k = 0): NDArray {
  const x = asArray(a, "pad");
  // (k leading axes are vmap's: not padded)
  const w: [number, number][] = [...Array.from({ length: k }, (): [number, number] => [0, 0]), ...padWidths("pad", padWidth, x.ndim - k)];
  if (w.some(([b, e]) => b < 0 || e < 0 || !Number.isInteger(b) || !Number.isInteger(e))) throw new RangeError(`pad: widths must be non-negative integers, got ${JSON.stringify(padWidth)}`);
  const shape = x.shape.map((d, i) => d + w[i][0] + w[i][1]);
  const out = alloc(x.dtype, sizeOf(shape));
  if (opts?.constantValue) out.fill(opts.constantValue as never);
  copyBlock(x.data as Indexed, x.shape, out as Indexed, shape, w.map(([b]) => b), true);
  return new NDArray(out, shape, x.dtype);
}
/** pad's adjoint: the interior of g (the part that came from x). */
export function padTranspose(g: ArrayLike, x: ArrayLike, padWidth: PadWidth, k = 0): NDArray {
  const gx = astype(asArray(g, "padTranspose"), "float32");
  const shape = asArray(x).shape;
  const w: [number, number][] = [...Array.from({ length: k }, (): [number, number] => [0, 0]), ...padWidths("pad", padWidth, shape.length - k)];
  const out = new Float32Array(sizeOf(shape));
  copyBlock(gx.data as Indexed, gx.shape, out, shape, w.map(([b]) => b), false);
  return new NDArray(out, shape, "float32");
}
/** Copies between a small array and the block of a large one at offsets `at` (into it, or out of it). */
type Indexed = { [i: number]: number; readonly length: number };
function copyBlock(src: Indexed, sShape: readonly number[], dst: Indexed, dShape: readonly number[], at: readonly number[], into: boolean): void {
  const small = into ? sShape : dShape, big = into ? dShape : sShape;
  const nd = small.length;
  const bigStr = new Array<number>(nd);
  for (let d = nd - 1, s = 1; d >= 0; d--) (bigStr[d] = s), (s *= big[d]);
  const n = sizeOf(small);
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < n; k++) {
    let p = 0;
    for (let d = 0; d < nd; d++) p += (idx[d] + at[d]) * bigStr[d];
    if (into) dst[p] = src[k];
    else dst[k] = src[p];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < small[d]) break;
      idx[d] = 0;
    }
  }
}

// ---- split, repeat, tile: gathers by index ranges ------------------------------------------------------
// Each is a `take` along an axis with indices worked out from the axis's length at run time
// (`indexRange`), so all of them differentiate (take's adjoint) and batch (take's rule) for free.

type RangeSpec =
  | { kind: "split"; n: number; i: number; axis: number; even: boolean; k?: number }
  | { kind: "repeat"; r: number; axis: number; k?: number }
  | { kind: "tile"; reps: number; axis: number; k?: number };
/** The int32 indices along `spec.axis` of one example of x (its first `k` axes are vmap's). */
export function indexRange(x: ArrayLike, spec: RangeSpec): NDArray {
  const s = asArray(x).shape.slice(spec.k ?? 0);
  const op = spec.kind === "split" ? (spec.even ? "split" : "arraySplit") : spec.kind;
  const n = s[normAxis(op, spec.axis, s.length, s)];
  // (a count must be a non-negative integer, a number of pieces a positive one: NumPy's errors)
  const [what, c, min] = spec.kind === "split" ? ["the number of pieces", spec.n, 1] : spec.kind === "repeat" ? ["repeats", spec.r, 0] : ["reps", spec.reps, 0];
  if (typeof c !== "number" || !Number.isInteger(c) || c < min)
    throw new TypeError(`${op}: ${what} must be a ${min ? "positive" : "non-negative"} integer, got ${JSON.stringify(c)} (array of shape ${fmtShape(s)})`);
  let idx: number[];
  if (spec.kind === "split") {
    if (spec.even && n % spec.n !== 0) throw new TypeError(`split: an axis of size ${n} does not divide into ${spec.n} equal parts (arraySplit allows unequal parts)`);
    // numpy.array_split: the first n % parts chunks one longer
    const base = Math.floor(n / spec.n), extra = n % spec.n;
    const start = spec.i * base + Math.min(spec.i, extra);
    const len = base + (spec.i < extra ? 1 : 0);
    idx = Array.from({ length: len }, (_, j) => start + j);
  } else if (spec.kind === "repeat") idx = Array.from({ length: n * spec.r }, (_, j) => Math.floor(j / spec.r));
  else idx = Array.from({ length: n * spec.reps }, (_, j) => j % n);
  return new NDArray(Int32Array.from(idx), [idx.length], "int32");
}
/** A number of pieces must be a positive integer (none at all would split nothing: no index range says so). */
function checkPieces(op: string, parts: number, a: ArrayLike): void {
  if (!Number.isInteger(parts) || parts < 1) throw new TypeError(`${op}: the number of pieces must be a positive integer, got ${JSON.stringify(parts)} (array of shape ${fmtShape(asArray(a).shape)})`);
}
/** `parts` equal pieces along `axis` (numpy.split with a count). */
export function split(a: ArrayLike, parts: number, axis = 0): NDArray[] {
  checkPieces("split", parts, a);
  return Array.from({ length: parts }, (_, i) => take(a, indexRange(a, { kind: "split", n: parts, i, axis, even: true }), axis));
}
/** `parts` pieces along `axis`, the first ones one longer when it does not divide (numpy.array_split). */
export function arraySplit(a: ArrayLike, parts: number, axis = 0): NDArray[] {
  checkPieces("arraySplit", parts, a);
  return Array.from({ length: parts }, (_, i) => take(a, indexRange(a, { kind: "split", n: parts, i, axis, even: false }), axis));
}
/** Each element repeated `repeats` times along `axis` (flattened when none). */
export function repeat(a: ArrayLike, repeats: number, axis?: number | null): NDArray {
  if (axis === undefined || axis === null) return repeat(asArray(a).reshape([-1]), repeats, 0);
  return take(a, indexRange(a, { kind: "repeat", r: repeats, axis }), axis);
}
/** `a` repeated `reps` times along its last axis (numpy.tile with a count; a scalar becomes a vector). */
export function tile(a: ArrayLike, reps: number): NDArray {
  const x = asArray(a, "tile");
  const v = x.ndim === 0 ? x.reshape([1]) : x;
  return take(v, indexRange(v, { kind: "tile", reps, axis: -1 }), -1);
}

// ---- at-least-n-d views and the stacking functions built on them -------------------------------------

type AtLeast = "1d" | "2d" | "3d" | "col";
/** x reshaped to numpy's atleast_1d/2d/3d (or a column for columnStack); `k` leading axes are vmap's. */
export function atleast(a: ArrayLike, mode: AtLeast, k = 0): NDArray {
  const x = asArray(a);
  const lead = x.shape.slice(0, k), s = x.shape.slice(k);
  const r = s.length;
  let to: number[] = s;
  if (mode === "1d" && r === 0) to = [1];
  if (mode === "2d") to = r === 0 ? [1, 1] : r === 1 ? [1, s[0]] : s;
  if (mode === "3d") to = r === 0 ? [1, 1, 1] : r === 1 ? [1, s[0], 1] : r === 2 ? [...s, 1] : s;
  if (mode === "col") to = r === 0 ? [1, 1] : r === 1 ? [s[0], 1] : s;
  return to === s ? x : x.reshape([...lead, ...to]);
}
/** numpy.atleast_1d. */
export const atleast1d = (a: ArrayLike): NDArray => atleast(a, "1d");
/** numpy.atleast_2d. */
export const atleast2d = (a: ArrayLike): NDArray => atleast(a, "2d");
/** numpy.atleast_3d. */
export const atleast3d = (a: ArrayLike): NDArray => atleast(a, "3d");
/** hstack's axis: 0 when the (first) array is 1-D, else 1 (`k` leading axes are vmap's). */
export function hstackAxis(a: ArrayLike, k = 0): number {
  return asArray(a).ndim - k <= 1 ? 0 : 1;
}
/** Arrays joined along axis 0 after atleast_2d (rows). */
export function vstack(arrays: readonly ArrayLike[]): NDArray {
  return concatenate(arrays.map((x) => atleast(x, "2d")), 0);
}
/** Arrays joined along axis 1 (axis 0 for 1-D arrays). */
export function hstack(arrays: readonly ArrayLike[]): NDArray {
  const xs = arrays.map((x) => atleast(x, "1d"));
  return concatenate(xs, hstackAxis(xs[0]));
}
/** Arrays joined along axis 2 after atleast_3d. */
export function dstack(arrays: readonly ArrayLike[]): NDArray {
  return concatenate(arrays.map((x) => atleast(x, "3d")), 2);
}
/** 1-D arrays as columns (2-D arrays as they are), joined along axis 1. */
export function columnStack(arrays: readonly ArrayLike[]): NDArray {
  return concatenate(arrays.map((x) => atleast(x, "col")), 1);
}
