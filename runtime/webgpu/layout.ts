// Moving elements on the GPU: one strided-copy kernel (each element of a box read at an offset
// plus signed strides, written at another offset plus strides) serves concatenation, stacking,
// the slices and parts their adjoints take, the parts' transposes (a copy into zeros) and flip.
// Elements are copied as 32-bit words, so float32 and bool buffers alike are moved exactly.

import { NDArray } from "../array.js";
import { normAxis, sizeOf } from "../shape.js";
import type { WebGpu } from "./device.js";
import { dispatch, fusedGpu, GpuArray, maxX, pipeline, reshapeGpu, storage, upload } from "./run.js";
import { give } from "./pool.js";
import { write } from "./queue.js";
import { copyKernel, grid, WG, type Place } from "./wgsl.js";
import type { GpuBuffer } from "./types.js";


const contiguous = (shape: readonly number[]) => {
  const s: number[] = Array(shape.length).fill(0);
  for (let i = shape.length - 1, k = 1; i >= 0; k *= shape[i], i--) s[i] = k;
  return s;
};

/** One strided copy of a box of `shape` from x's buffer into `out`. */
function copyBox(g: WebGpu, x: GpuBuffer, out: GpuBuffer, shape: readonly number[], src: Place, dst: Place): void {
  const n = sizeOf(shape);
  if (n === 0) return;
  const [gx, gy] = grid(Math.ceil(n / WG), maxX(g));
  dispatch(g.device, pipeline(g.device, copyKernel(shape, src, dst, gx)), [x, out], gx, gy, false);
}

type Value = GpuArray | NDArray | number;

/** A value on the GPU (a number as a float32 scalar); what was uploaded goes in `made`. */
function onDevice(g: WebGpu, x: Value, made: GpuArray[]): GpuArray {
  if (x instanceof GpuArray) return x;
  const u = upload(g, typeof x === "number" ? new NDArray(Float32Array.of(x), [], "float32", true) : x);
  made.push(u);
  return u;
}

/** bool as float32 (0/1) where pieces of both dtypes are joined (JAX promotes bool with float32 to float32). */
function asF32(g: WebGpu, x: GpuArray, made: GpuArray[]): GpuArray {
  if (x.dtype === "float32") return x;
  const f = fusedGpu(g, { in: 1, ops: [["where", 0, { c: 1 }, { c: 0 }]] }, x);
  made.push(f);
  return f;
}

/** A fresh buffer of n zero words. */
function zeroed(g: WebGpu, n: number): GpuBuffer {
  const b = storage(g.device, n * 4);
  if (n > 0) write(g.device, b, 0, new Uint32Array(n));
  return b;
}

/** NumPy's concatenate along `axis` (checked as the CPU's join checks: same rank, other axes equal). */
export function concatGpu(g: WebGpu, xs0: readonly Value[], axis = 0, op = "concatenate"): GpuArray {
  const made: GpuArray[] = [];
  try {
    let xs = xs0.map((x) => onDevice(g, x, made));
    if (xs.length === 0) throw new TypeError(`${op}: need at least one array to concatenate`);
    const s0 = xs[0].shape;
    const shapes = () => xs.map((t) => `(${t.shape.join(", ")})`).join(", ");
    if (s0.length === 0) throw new TypeError(`${op}: zero-dimensional arrays cannot be concatenated (shapes ${shapes()})`);
    const ax = normAxis(op, axis, s0.length, s0);
    for (const x of xs)
      if (x.shape.length !== s0.length || x.shape.some((d, i) => i !== ax && d !== s0[i]))
        throw new TypeError(`${op}: all input array dimensions except for the concatenation axis ${ax} must match exactly, got shapes ${shapes()}`);
    // (all bool, or all int32: as they are; float32 with bool: bool as 0/1; int32 with others: not on the GPU)
    const dtype = xs.every((x) => x.dtype === "bool") ? "bool" : xs.every((x) => x.dtype === "int32") ? "int32" : "float32";
    if (dtype === "float32" && xs.some((x) => x.dtype === "int32")) throw new TypeError(`tsjax: WebGPU ${op}: int32 pieces joined with float32 or bool ones are not supported on the GPU yet`);
    if (dtype === "float32") xs = xs.map((x) => asF32(g, x, made));
    const shape = [...s0];
    shape[ax] = xs.reduce((n, x) => n + x.shape[ax], 0);
    const outStr = contiguous(shape);
    const out = storage(g.device, sizeOf(shape) * 4);
    let at = 0;
    for (const x of xs) {
      copyBox(g, x.buffer, out, x.shape, { off: 0, strides: contiguous(x.shape) }, { off: at * outStr[ax], strides: outStr });
      at += x.shape[ax];
    }
    return new GpuArray(g, out, shape, dtype);
  } finally {
    for (const m of made) give(m.buffer);
  }
}

/** NumPy's stack: same-shaped arrays joined along a new axis. */
export function stackGpu(g: WebGpu, xs0: readonly Value[], axis = 0): GpuArray {
  const made: GpuArray[] = [];
  try {
    const xs = xs0.map((x) => onDevice(g, x, made));
    if (xs.length === 0) throw new TypeError("stack: need at least one array to stack");
    const s0 = xs[0].shape;
    if (xs.some((x) => x.shape.length !== s0.length || x.shape.some((d, i) => d !== s0[i])))
      throw new TypeError(`stack: all input arrays must have the same shape, got ${xs.map((t) => `(${t.shape.join(", ")})`).join(", ")}`);
    const ax = normAxis("stack", axis, s0.length + 1, s0);
    const shape = [...s0.slice(0, ax), 1, ...s0.slice(ax)];
    return concatGpu(g, xs.map((x) => reshapeGpu(x, shape)), ax, "stack");
  } finally {
    for (const m of made) give(m.buffer);
  }
}

/** x[..., a:b, ...] along `axis` (a copy). */
export function sliceAxisGpu(g: WebGpu, x: GpuArray, axis: number, a: number, b: number): GpuArray {
  const str = contiguous(x.shape);
  const shape = x.shape.map((d, i) => (i === axis ? b - a : d));
  const out = storage(g.device, sizeOf(shape) * 4);
  copyBox(g, x.buffer, out, shape, { off: a * (str[axis] ?? 0), strides: str }, { off: 0, strides: contiguous(shape) });
  return new GpuArray(g, out, shape, x.dtype);
}

/** x[..., i, ...] along `axis` (the axis dropped). */
export function indexAxisGpu(g: WebGpu, x: GpuArray, axis: number, i: number): GpuArray {
  const s = sliceAxisGpu(g, x, axis, i, i + 1);
  return reshapeGpu(s, x.shape.filter((_, d) => d !== axis));
}

/** Zeros of `shape` with `part` (of shape `box`, `part`'s elements) at offset `at` along `axis`: a slice's transpose. */
export function placeAxisGpu(g: WebGpu, part: Value, shape: readonly number[], axis: number, at: number): GpuArray {
  const made: GpuArray[] = [];
  try {
    const p = asF32(g, onDevice(g, part, made), made);
    const box = shape.map((d, i) => (i === axis ? p.size / Math.max(1, sizeOf(shape.filter((_, j) => j !== axis))) : d));
    if (sizeOf(box) !== p.size) throw new TypeError(`tsjax: WebGPU: a part of shape (${p.shape.join(", ")}) does not fit shape (${shape.join(", ")}) along axis ${axis}`);
    const str = contiguous(shape);
    const out = zeroed(g, sizeOf(shape));
    copyBox(g, p.buffer, out, box, { off: 0, strides: contiguous(box) }, { off: at * str[axis], strides: str });
    return new GpuArray(g, out, shape.slice(), "float32");
  } finally {
    for (const m of made) give(m.buffer);
  }
}

/** NumPy's flip over `axes` (normalised): the flipped axes read backwards. */
export function flipGpu(g: WebGpu, x: GpuArray, axes: readonly number[]): GpuArray {
  const str = contiguous(x.shape);
  const off = axes.reduce((o, a) => o + Math.max(0, x.shape[a] - 1) * str[a], 0);
  const out = storage(g.device, x.size * 4);
  copyBox(g, x.buffer, out, x.shape, { off, strides: str.map((s, i) => (axes.includes(i) ? -s : s)) }, { off: 0, strides: str });
  return new GpuArray(g, out, x.shape.slice(), x.dtype);
}

/** The box and strides of x's diagonal `offset` on axes (axis1, axis2): the other axes, then the diagonal (numpy.diagonal's layout). */
function diagonalPlace(shape: readonly number[], offset: number, axis1: number, axis2: number): { box: number[]; place: Place } {
  const nd = shape.length;
  const a1 = normAxis("diagonal", axis1, nd, shape), a2 = normAxis("diagonal", axis2, nd, shape);
  if (a1 === a2) throw new TypeError(`diagonal: axis1 and axis2 are the same axis (${a1}) of shape (${shape.join(", ")})`);
  const str = contiguous(shape);
  const rest = shape.map((_, d) => d).filter((d) => d !== a1 && d !== a2);
  const len = Math.max(0, Math.min(shape[a1] - Math.max(0, -offset), shape[a2] - Math.max(0, offset)));
  const box = [...rest.map((d) => shape[d]), len];
  const off = len === 0 ? 0 : Math.max(0, -offset) * str[a1] + Math.max(0, offset) * str[a2];
  return { box, place: { off, strides: [...rest.map((d) => str[d]), str[a1] + str[a2]] } };
}

/** numpy.diagonal: a strided copy. */
export function diagonalGpu(g: WebGpu, x: GpuArray, offset = 0, axis1 = 0, axis2 = 1): GpuArray {
  const { box, place } = diagonalPlace(x.shape, offset, axis1, axis2);
  const out = storage(g.device, sizeOf(box) * 4);
  copyBox(g, x.buffer, out, box, place, { off: 0, strides: contiguous(box) });
  return new GpuArray(g, out, box, x.dtype);
}

/** diagonal's adjoint: gi written on the diagonal of zeros of `shape` (float32). */
export function diagonalTGpu(g: WebGpu, gi: Value, shape: readonly number[], offset = 0, axis1 = 0, axis2 = 1): GpuArray {
  const made: GpuArray[] = [];
  try {
    const p = asF32(g, onDevice(g, gi, made), made);
    const { box, place } = diagonalPlace(shape, offset, axis1, axis2);
    if (p.shape.length !== box.length || p.shape.some((d, i) => d !== box[i])) throw new TypeError(`diagonalTranspose: cotangent of shape (${p.shape.join(", ")}) for a diagonal of shape (${box.join(", ")})`);
    const out = zeroed(g, sizeOf(shape));
    copyBox(g, p.buffer, out, box, { off: 0, strides: contiguous(box) }, place);
    return new GpuArray(g, out, shape.slice(), "float32");
  } finally {
    for (const m of made) give(m.buffer);
  }
}
