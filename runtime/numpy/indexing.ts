// Indexing: index (a[i]), slice (NumPy basic slicing), take; and their linear transposes
// (adjoints), which the AD transformer emits for the reverse pass.
//
// Deviation from JAX: an out-of-bounds index is a TypeError in every op here. JAX clamps
// (`a[i]`, `slice`) or fills (`take`) silently; this project never returns silently wrong
// results, so it follows NumPy's mode="raise" instead. Negative indices count from the end.

import { NDArray } from "../array.js";
import type { ArrayLike, SliceSpec } from "../array.js";
import { alloc, toInexact } from "../dtype.js";
import type { TypedArray } from "../dtype.js";
import { fmtShape, normAxis, sameShape, sizeOf, stridesOf } from "../shape.js";
import { asArray } from "./creation.js";
import { copyStrided } from "./shape.js";
import { moveaxis } from "./arrange.js";
import { deviceHooks } from "../device-hooks.js";

function checkIndex(op: string, i: number, size: number, axis: number, shape: readonly number[]): number {
  if (!Number.isInteger(i)) throw new TypeError(`${op}: index ${i} is not an integer (axis ${axis} of shape ${fmtShape(shape)})`);
  if (i < -size || i >= size)
    throw new TypeError(`${op}: index ${i} is out of bounds for axis ${axis} with size ${size} (shape ${fmtShape(shape)})`);
  return i < 0 ? i + size : i;
}

// ---- index ----------------------------------------------------------------------------------

/** `a[i]`: the i-th subarray along the first axis (negative counts from the end). */
export function index(a: ArrayLike, i: number): NDArray {
  const x = asArray(a, "index");
  if (x.ndim === 0) throw new TypeError(`index: cannot index a 0-d array (shape ()) with ${i}`);
  const r = checkIndex("index", i, x.shape[0], 0, x.shape);
  const rest = x.shape.slice(1);
  const n = sizeOf(rest);
  return new NDArray(x.data.slice(r * n, (r + 1) * n), rest, x.dtype, x.weakType);
}

/** Adjoint of `index(·, i)` on arrays of `shape`: zeros of `shape` with `g` at row i (in g's float dtype). */
export function indexTranspose(g: ArrayLike, shape: readonly number[], i: number): NDArray {
  const gx = asArray(g, "indexTranspose");
  if (shape.length === 0) throw new TypeError(`indexTranspose: cannot index a 0-d array (shape ()) with ${i}`);
  const r = checkIndex("indexTranspose", i, shape[0], 0, shape);
  const rest = shape.slice(1);
  if (!sameShape(gx.shape, rest))
    throw new TypeError(
      `indexTranspose: cotangent of shape ${fmtShape(gx.shape)} does not match index ${i} of shape ${fmtShape(shape)} (expected ${fmtShape(rest)})`,
    );
  const dt = toInexact(gx.dtype);
  const out = alloc(dt, sizeOf(shape));
  out.set(gx.data, r * gx.size);
  return new NDArray(out, shape, dt);
}

// ---- slice ----------------------------------------------------------------------------------

/** A resolved slice: for each input axis its start and step, the output length (or -1 if the axis is dropped). */
interface SlicePlan {
  start: number[];
  step: number[];
  len: number[];
  outShape: number[];
}

/** Python's slice.indices(n) followed by the length, for one axis. */
function resolveRange(
  spec: readonly [number | null, (number | null)?, (number | null)?],
  n: number,
  axis: number,
  shape: readonly number[],
): [number, number, number] {
  const [s0, e0, st0] = spec;
  const step = st0 ?? 1;
  for (const v of [s0, e0, st0])
    if (v !== null && v !== undefined && !Number.isInteger(v))
      throw new TypeError(`slice: slice bounds must be integers or null, got [${spec.join(", ")}] on axis ${axis} of shape ${fmtShape(shape)}`);
  if (step === 0) throw new TypeError(`slice: slice step cannot be zero (axis ${axis} of shape ${fmtShape(shape)})`);
  const lo = step < 0 ? -1 : 0;
  const hi = step < 0 ? n - 1 : n;
  const clamp = (v: number) => {
    if (v < 0) {
      v += n;
      return v < lo ? lo : v;
    }
    return v > hi ? hi : v;
  };
  const start = s0 === null || s0 === undefined ? (step < 0 ? hi : lo) : clamp(s0);
  const stop = e0 === null || e0 === undefined ? (step < 0 ? lo : hi) : clamp(e0);
  let len: number;
  if (step > 0) len = stop > start ? Math.floor((stop - start - 1) / step) + 1 : 0;
  else len = start > stop ? Math.floor((start - stop - 1) / -step) + 1 : 0;
  return [start, step, len];
}

function planSlice(op: string, shape: readonly number[], specs: readonly SliceSpec[]): SlicePlan {
  const nd = shape.length;
  if (specs.length > nd)
    throw new TypeError(`${op}: too many indices for array: array of shape ${fmtShape(shape)} is ${nd}-dimensional, but ${specs.length} were given`);
  const start: number[] = [];
  const step: number[] = [];
  const len: number[] = [];
  const outShape: number[] = [];
  for (let d = 0; d < nd; d++) {
    const s = d < specs.length ? specs[d] : null;
    if (typeof s === "number") {
      start.push(checkIndex(op, s, shape[d], d, shape));
      step.push(1);
      len.push(-1);
    } else if (s === null || s === undefined) {
      start.push(0);
      step.push(1);
      len.push(shape[d]);
      outShape.push(shape[d]);
    } else if (Array.isArray(s)) {
      const [st, sp, ln] = resolveRange(s as unknown as readonly [number | null, (number | null)?, (number | null)?], shape[d], d, shape);
      start.push(st);
      step.push(sp);
      len.push(ln);
      outShape.push(ln);
    } else {
      throw new TypeError(`${op}: invalid slice spec ${JSON.stringify(s)} on axis ${d} of shape ${fmtShape(shape)}`);
    }
  }
  return { start, step, len, outShape };
}

/** Storage offset of the slice's first element and the input stride of each output axis. */
function sliceGeometry(shape: readonly number[], p: SlicePlan): { base: number; str: number[] } {
  const strides = stridesOf(shape);
  let base = 0;
  const str: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    base += p.start[d] * strides[d];
    if (p.len[d] >= 0) str.push(p.step[d] * strides[d]);
  }
  return { base, str };
}

/**
 * NumPy basic slicing, one spec per leading axis (missing trailing axes are taken whole): a
 * number picks one index and drops the axis; `null` takes the axis whole; `[start, stop, step]`
 * is Python's `start:stop:step` (null/omitted for defaults, negative values from the end,
 * negative steps walk backwards). `slice(a, 0, [1, null], null)` is `a[0, 1:, :]`.
 */
export function slice(a: ArrayLike, ...specs: SliceSpec[]): NDArray {
  const x = asArray(a, "slice");
  const g = gatherSpec("slice", x.shape, specs);
  if (g) {
    // the other specs first (the array's axis whole), then a take along the axis it became
    const y = take(slice(x, ...specs.map((s, i) => (i === g.at ? null : s))), g.indices, g.axis);
    return g.front ? moveaxis(y, range(g.axis, g.axis + g.indices.ndim), range(0, g.indices.ndim)) : y;
  }
  const p = planSlice("slice", x.shape, specs as readonly BasicSpec[]);
  const out = alloc(x.dtype, sizeOf(p.outShape));
  if (out.length > 0) {
    const { base, str } = sliceGeometry(x.shape, p);
    copyStrided(x.data, base, p.outShape, str, out);
  }
  return new NDArray(out, p.outShape, x.dtype, x.weakType);
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
type BasicSpec = Exclude<SliceSpec, NDArray>;

/**
 * An integer-Array spec among a slice's specs: its position, the axis it gathers along once the
 * other specs are applied (the axes kept before it), and whether NumPy puts the gathered axes in
 * front (integer indices and the array not side by side, with an axis kept before them); null
 * when every spec is basic. Several arrays (which NumPy broadcasts together) are an error.
 */
function gatherSpec(op: string, shape: readonly number[] | null, specs: readonly unknown[]): { at: number; axis: number; front: boolean; indices: NDArray } | null {
  const plan = gatherPlan(specs.map((s) => (s instanceof NDArray ? "array" : typeof s === "number" ? "int" : "range")));
  if (!plan) return null;
  const { at, arrays } = plan;
  if (arrays.length > 1) throw new TypeError(`${op}: one integer-Array index per slice (got ${arrays.length}, at positions ${arrays.join(", ")}); NumPy broadcasts several together, tsjax does not yet: index in two steps`);
  const indices = specs[at] as NDArray;
  // (a boolean Array is NumPy's mask indexing, whose result's shape depends on the values: refused)
  if (indices.dtype !== "int32" && indices.dtype !== "uint32")
    throw new TypeError(`${op}: the index Array at position ${at} must hold integers (int32 or uint32), got ${indices.dtype}${indices.dtype === "bool" ? " (a boolean mask: use jnp.where instead)" : ""}${shape ? ` (indexing shape ${fmtShape(shape)})` : ""}`);
  return { at, axis: plan.axis, front: plan.front, indices };
}

/**
 * Where an integer-Array spec gathers, from the kinds of a slice's specs (the transformer's
 * lowering asks the same): its position, the axis it becomes once the other specs are applied
 * (the axes kept before it), and whether NumPy puts the gathered axes in front (integer indices
 * apart from the array, with an axis kept before them), and every array spec's position (more
 * than one is the caller's error); null when every spec is basic.
 */
export function gatherPlan(kinds: readonly ("int" | "array" | "range")[]): { at: number; axis: number; front: boolean; arrays: number[] } | null {
  const arrays = kinds.flatMap((k, i) => (k === "array" ? [i] : []));
  if (!arrays.length) return null;
  const at = arrays[0];
  const ints = kinds.flatMap((k, i) => (k !== "range" ? [i] : []));
  const axis = kinds.slice(0, at).filter((k) => k === "range").length;
  const adjacent = ints[ints.length - 1] - ints[0] === ints.length - 1;
  return { at, axis, front: !adjacent && axis > 0, arrays };
}

/** Adjoint of `slice(·, ...specs)` on arrays of `shape`: zeros with `g` written into the region (in g's float dtype). */
export function sliceTranspose(g: ArrayLike, shape: readonly number[], specs: readonly SliceSpec[]): NDArray {
  const gx = asArray(g, "sliceTranspose");
  const p = planSlice("sliceTranspose", shape, specs);
  if (!sameShape(gx.shape, p.outShape))
    throw new TypeError(
      `sliceTranspose: cotangent of shape ${fmtShape(gx.shape)} does not match the slice of shape ${fmtShape(shape)} (expected ${fmtShape(p.outShape)})`,
    );
  const dt = toInexact(gx.dtype);
  const out = alloc(dt, sizeOf(shape));
  if (gx.size === 0) return new NDArray(out, shape, dt);
  const { base, str } = sliceGeometry(shape, p);
  // Scatter: walk the region in row-major order of the slice (distinct positions: plain writes).
  const src = gx.data;
  const nd = p.outShape.length;
  if (nd === 0) {
    out[base] = src[0];
    return new NDArray(out, shape, dt);
  }
  const os = p.outShape;
  const inner = os[nd - 1];
  const is = str[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let off = base;
  for (let o = 0; o < src.length; o += inner) {
    for (let j = 0, q = off; j < inner; j++, q += is) out[q] = src[o + j];
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < os[d]) {
        off += str[d];
        break;
      }
      off -= (os[d] - 1) * str[d];
      idx[d] = 0;
    }
  }
  return new NDArray(out, shape, dt);
}

// ---- take -----------------------------------------------------------------------------------

/** Normalised int indices (negative from the end), checked against `size`. */
function takeIndices(op: string, indices: ArrayLike, size: number, axis: number, shape: readonly number[]): { idx: Int32Array; ishape: number[] } {
  const ix = asArray(indices, op);
  const fromJS = !(indices instanceof NDArray);
  if (!fromJS && ix.dtype !== "int32" && ix.dtype !== "uint32")
    throw new TypeError(`${op}: indices must be an integer array, got dtype ${ix.dtype} (shape ${fmtShape(ix.shape)})`);
  const src = ix.data;
  const idx = new Int32Array(src.length);
  for (let k = 0; k < src.length; k++) {
    const v = src[k];
    if (fromJS && !Number.isInteger(v)) throw new TypeError(`${op}: indices must be integers, got ${v}`);
    idx[k] = checkIndex(op, v, size, axis, shape);
  }
  return { idx, ishape: ix.shape };
}

/** Split of `shape` around `axis`: (outer, n, inner) element counts. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/**
 * NumPy's take: elements of `a` at `indices` along `axis` (flattened `a` when no axis), result
 * shape a.shape[:axis] + indices.shape + a.shape[axis+1:]. Indices are integers (an int32/uint32
 * array, or JS integers); out-of-bounds is a TypeError (JAX would fill/clamp silently).
 */
export function take(a: ArrayLike, indices: ArrayLike, axis?: number | null): NDArray {
  // (x on the GPU: a gather kernel, the indices checked here first)
  if (a instanceof NDArray && a.device !== "cpu") {
    const r = deviceHooks()!.take(a, indices, axis);
    if (r) return r;
  }
  const x0 = asArray(a, "take");
  const flat = axis === undefined || axis === null;
  const x = flat ? new NDArray(x0.data, [x0.size], x0.dtype) : x0;
  if (!flat && x.ndim === 0) throw new TypeError(`take: axis ${axis} is out of bounds for array of shape ()`);
  const ax = flat ? 0 : normAxis("take", axis, x.ndim, x.shape);
  const [outer, n, inner] = around(x.shape, ax);
  const { idx, ishape } = takeIndices("take", indices, n, ax, x.shape);
  const outShape = [...x.shape.slice(0, ax), ...ishape, ...x.shape.slice(ax + 1)];
  const m = idx.length;
  const out = alloc(x.dtype, outer * m * inner);
  const src = x.data;
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < m; k++) {
      const s = (o * n + idx[k]) * inner;
      const t = (o * m + k) * inner;
      if (inner === 1) out[t] = src[s];
      else out.set(src.subarray(s, s + inner), t);
    }
  return new NDArray(out, outShape, x.dtype, x.weakType);
}

/**
 * Adjoint of `take(·, indices, axis)` on arrays of `shape`: scatter-add of `g` into zeros of
 * `shape` (repeated indices accumulate, in float64, rounded once), float32.
 */
export function takeTranspose(g: ArrayLike, indices: ArrayLike, axis: number | null | undefined, shape: readonly number[]): NDArray {
  const gx = asArray(g, "takeTranspose");
  const flat = axis === undefined || axis === null;
  const xs = flat ? [sizeOf(shape)] : shape;
  if (!flat && xs.length === 0) throw new TypeError(`takeTranspose: axis ${axis} is out of bounds for array of shape ()`);
  const ax = flat ? 0 : normAxis("takeTranspose", axis, xs.length, shape);
  const [outer, n, inner] = around(xs, ax);
  const { idx, ishape } = takeIndices("takeTranspose", indices, n, ax, xs);
  const expect = [...xs.slice(0, ax), ...ishape, ...xs.slice(ax + 1)];
  if (!sameShape(gx.shape, expect))
    throw new TypeError(
      `takeTranspose: cotangent of shape ${fmtShape(gx.shape)} does not match take from shape ${fmtShape(shape)} ` +
        `with indices of shape ${fmtShape(ishape)} (expected ${fmtShape(expect)})`,
    );
  const m = idx.length;
  const acc = new Float64Array(outer * n * inner);
  const src: TypedArray = gx.data;
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < m; k++) {
      const s = (o * m + k) * inner;
      const t = (o * n + idx[k]) * inner;
      for (let j = 0; j < inner; j++) acc[t + j] += src[s + j];
    }
  // (the cotangent's float dtype: float64 gradients stay float64)
  const dt = toInexact(gx.dtype);
  return new NDArray(dt === "float64" ? acc : Float32Array.from(acc), shape, dt);
}
