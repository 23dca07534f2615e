// Shape manipulation: transpose, reshape, expandDims, squeeze, broadcastTo, concatenate, stack,
// ravel. Arrays are immutable, so reshape/ravel/squeeze/expandDims share the input's storage.

import { NDArray } from "../array.js";
import type { ArrayLike, Axis } from "../array.js";
import { alloc, promoteTypes } from "../dtype.js";
import type { DType, TypedArray } from "../dtype.js";
import { fmtShape, normAxes, normAxis, sizeOf, stridesOf } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { deviceHooks } from "../device-hooks.js";

/** x's elements under another shape of the same size, sharing storage (on the GPU: a view of its buffer). */
const view = (x: NDArray, shape: number[]): NDArray =>
  x.device !== "cpu" ? deviceHooks()!.reshape(x, shape) : new NDArray(x.data, shape, x.dtype, x.weakType);

/** Permute the axes (default: reverse them, so a 2-d transpose is the matrix transpose). */
export function transpose(a: ArrayLike, axes?: readonly number[] | null): NDArray {
  const x = asArray(a, "transpose");
  const nd = x.ndim;
  let perm: number[];
  if (axes === undefined || axes === null) {
    perm = Array.from({ length: nd }, (_, i) => nd - 1 - i);
  } else {
    const bad = () =>
      new TypeError(`transpose: axes ${JSON.stringify(axes)} are not a permutation of the axes of shape ${fmtShape(x.shape)}`);
    if (axes.length !== nd) throw bad();
    perm = axes.map((ax) => normAxis("transpose", ax, nd, x.shape));
    if (new Set(perm).size !== nd) throw bad();
  }
  const outShape = perm.map((p) => x.shape[p]);
  let identity = true;
  for (let i = 0; i < nd; i++) if (perm[i] !== i) identity = false;
  if (identity) return x;
  if (x.device !== "cpu") return deviceHooks()!.transpose(x, perm);
  const src = x.data;
  const out = alloc(x.dtype, src.length);
  if (out.length === 0) return new NDArray(out, outShape, x.dtype, x.weakType);
  const inStr = stridesOf(x.shape);
  const str = perm.map((p) => inStr[p]); // input stride of each output axis
  if (nd === 2) {
    // Blocked 2-d transpose: out[i, j] = in[j, i].
    const R = outShape[0];
    const Cc = outShape[1];
    const B = 32;
    for (let i0 = 0; i0 < R; i0 += B)
      for (let j0 = 0; j0 < Cc; j0 += B) {
        const i1 = Math.min(R, i0 + B);
        const j1 = Math.min(Cc, j0 + B);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[i * Cc + j] = src[j * R + i];
      }
    return new NDArray(out, outShape, x.dtype, x.weakType);
  }
  copyStrided(src, 0, outShape, str, out);
  return new NDArray(out, outShape, x.dtype, x.weakType);
}

/**
 * Writes, in row-major order of `shape`, the elements at `base + Σ idx[d]·str[d]` of `src` into
 * `out` (whose length is sizeOf(shape)). The innermost axis runs as a plain loop.
 */
export function copyStrided(
  src: TypedArray,
  base: number,
  shape: readonly number[],
  str: readonly number[],
  out: TypedArray,
): void {
  const nd = shape.length;
  const total = out.length;
  if (total === 0) return;
  if (nd === 0) {
    out[0] = src[base];
    return;
  }
  const inner = shape[nd - 1];
  const is = str[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let off = base;
  for (let o = 0; o < total; o += inner) {
    for (let j = 0, p = off; j < inner; j++, p += is) out[o + j] = src[p];
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < shape[d]) {
        off += str[d];
        break;
      }
      off -= (shape[d] - 1) * str[d];
      idx[d] = 0;
    }
  }
}

/** New shape for the same elements; one entry may be -1 (inferred). Shares storage. */
export function reshape(a: ArrayLike, shape: number | readonly number[]): NDArray {
  const x = asArray(a, "reshape");
  const req = typeof shape === "number" ? [shape] : [...shape];
  const fail = (why = "") =>
    new TypeError(
      `reshape: cannot reshape array of shape ${fmtShape(x.shape)} (size ${x.size}) into shape ${fmtShape(req)}${why}`,
    );
  let infer = -1;
  let known = 1;
  for (let i = 0; i < req.length; i++) {
    const d = req[i];
    if (d === -1) {
      if (infer >= 0) throw fail(": only one dimension can be -1");
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) throw fail(`: invalid dimension ${d}`);
    else known *= d;
  }
  const out = [...req];
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) throw fail();
    out[infer] = x.size / known;
  } else if (known !== x.size) throw fail();
  return view(x, out);
}

/** The elements as a 1-d array (row-major). Shares storage. */
export function ravel(a: ArrayLike): NDArray {
  const x = asArray(a, "ravel");
  if (x.ndim === 1) return x;
  return view(x, [x.size]);
}

/** Insert size-1 axes; each position counts in the result's dimensions (negative from the end). */
export function expandDims(a: ArrayLike, axis: number | readonly number[]): NDArray {
  const x = asArray(a, "expandDims");
  const list = typeof axis === "number" ? [axis] : axis;
  const nd = x.ndim + list.length;
  const outShape = new Array<number>(nd);
  const isNew = new Array<boolean>(nd).fill(false);
  for (const ax0 of list) {
    if (!Number.isInteger(ax0) || ax0 < -nd || ax0 >= nd)
      throw new TypeError(
        `expandDims: axis ${ax0} is out of bounds for the result of dimension ${nd} (input shape ${fmtShape(x.shape)})`,
      );
    const ax = ax0 < 0 ? ax0 + nd : ax0;
    if (isNew[ax]) throw new TypeError(`expandDims: repeated axis in ${JSON.stringify(list)}`);
    isNew[ax] = true;
  }
  let k = 0;
  for (let d = 0; d < nd; d++) outShape[d] = isNew[d] ? 1 : x.shape[k++];
  return view(x, outShape);
}

/** Remove size-1 axes: all of them, or exactly those named (each must have size 1). */
export function squeeze(a: ArrayLike, axis?: Axis): NDArray {
  const x = asArray(a, "squeeze");
  let drop: number[];
  if (axis === undefined || axis === null) {
    drop = [];
    x.shape.forEach((d, i) => d === 1 && drop.push(i));
  } else {
    drop = normAxes("squeeze", axis, x.shape);
    for (const ax of drop)
      if (x.shape[ax] !== 1)
        throw new TypeError(
          `squeeze: cannot select an axis to squeeze out which has size not equal to one ` +
            `(axis ${ax} of shape ${fmtShape(x.shape)} has size ${x.shape[ax]})`,
        );
  }
  if (drop.length === 0) return x;
  return view(
    x,
    x.shape.filter((_, i) => !drop.includes(i)),
  );
}

/** Broadcast to `shape` by NumPy's rules (the array's shape must broadcast to exactly `shape`). */
export function broadcastTo(a: ArrayLike, shape: readonly number[]): NDArray {
  const x = asArray(a, "broadcastTo");
  const nd = shape.length;
  const lead = nd - x.ndim;
  const fail = () =>
    new TypeError(`broadcastTo: cannot broadcast array of shape ${fmtShape(x.shape)} to shape ${fmtShape(shape)}`);
  if (lead < 0) throw fail();
  for (const d of shape) if (!Number.isInteger(d) || d < 0) throw fail();
  const inStr = stridesOf(x.shape);
  const str = new Array<number>(nd).fill(0);
  for (let d = lead; d < nd; d++) {
    const s = x.shape[d - lead];
    if (s === shape[d]) str[d] = s === 1 ? 0 : inStr[d - lead];
    else if (s === 1) str[d] = 0;
    else throw fail();
  }
  if (lead === 0 && x.shape.every((s, i) => s === shape[i])) return x;
  if (x.device !== "cpu") return deviceHooks()!.broadcastTo(x, shape);
  const out = alloc(x.dtype, sizeOf(shape));
  copyStrided(x.data, 0, shape, str, out);
  return new NDArray(out, shape, x.dtype, x.weakType);
}

/** Join arrays along an existing axis; dtypes promote across the inputs. */
export function concatenate(arrays: readonly ArrayLike[], axis = 0): NDArray {
  return join("concatenate", arrays.map((a) => asArray(a, "concatenate")), axis);
}

/** Join same-shaped arrays along a new axis. */
export function stack(arrays: readonly ArrayLike[], axis = 0): NDArray {
  const xs = arrays.map((a) => asArray(a, "stack"));
  if (xs.length === 0) throw new TypeError("stack: need at least one array to stack");
  const s0 = xs[0].shape;
  for (const x of xs)
    if (x.ndim !== s0.length || x.shape.some((d, i) => d !== s0[i]))
      throw new TypeError(`stack: all input arrays must have the same shape, got ${xs.map((t) => fmtShape(t.shape)).join(", ")}`);
  const ax = normAxis("stack", axis, s0.length + 1, s0);
  const shape = [...s0.slice(0, ax), 1, ...s0.slice(ax)];
  return join(
    "stack",
    xs.map((x) => view(x, shape)),
    ax,
  );
}

function join(op: string, xs: NDArray[], axis: number): NDArray {
  if (xs.length === 0) throw new TypeError(`${op}: need at least one array to concatenate`);
  const s0 = xs[0].shape;
  const shapes = () => xs.map((t) => fmtShape(t.shape)).join(", ");
  if (s0.length === 0) throw new TypeError(`${op}: zero-dimensional arrays cannot be concatenated (shapes ${shapes()})`);
  const ax = normAxis(op, axis, s0.length, s0);
  let dtype: DType = xs[0].dtype;
  let total = 0;
  for (const x of xs) {
    if (x.ndim !== s0.length)
      throw new TypeError(`${op}: all input arrays must have the same number of dimensions, got shapes ${shapes()}`);
    for (let d = 0; d < s0.length; d++)
      if (d !== ax && x.shape[d] !== s0[d])
        throw new TypeError(
          `${op}: all input array dimensions except for the concatenation axis ${ax} must match exactly, got shapes ${shapes()}`,
        );
    total += x.shape[ax];
    dtype = promoteTypes(dtype, x.dtype);
  }
  // (an operand on the GPU: one copy kernel a piece there)
  if (xs.some((x) => x.device !== "cpu")) {
    const r = deviceHooks()!.concatenate(xs, ax, dtype);
    if (r) return r;
  }
  const outShape = [...s0];
  outShape[ax] = total;
  const outer = sizeOf(s0.slice(0, ax));
  const inner = sizeOf(s0.slice(ax + 1));
  const out = alloc(dtype, sizeOf(outShape));
  const rowOut = total * inner;
  let col = 0;
  for (const x0 of xs) {
    const x = x0.dtype === dtype ? x0 : astype(x0, dtype);
    const chunk = x.shape[ax] * inner;
    const src = x.data;
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * chunk, (o + 1) * chunk), o * rowOut + col);
    col += chunk;
  }
  return new NDArray(out, outShape, dtype);
}
