// Gathers and arg-reductions on the GPU: jnp.take along an axis (and its adjoint, a sum into
// zeros at the indices), argmax/argmin (int32 results). Indices from the host (Arrays on the CPU,
// JS numbers) are checked as the CPU's take checks them (integers, in range, or an error naming
// them) before they go to the GPU; indices made on the GPU (an argmax's) cannot be checked, since
// a kernel cannot raise an error: out-of-range ones give NaN in a take and add nothing in its
// adjoint (JAX's fill mode), where the CPU raises.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { normAxes, normAxis, sizeOf } from "../shape.js";
import { asArray } from "../numpy/creation.js";
import { scanLines } from "../numpy/arrange.js";
import type { WebGpu } from "./device.js";
import { dispatch, GpuArray, maxX, pipeline, storage, upload } from "./run.js";
import { give } from "./pool.js";
import { write } from "./queue.js";
import { OnGpu } from "./resident.js";
import { argKernel, grid, takeKernel, takeTransposeKernel, WG } from "./wgsl.js";

/** Indices made on the GPU (int32): used as they are, unchecked. */
function deviceIndices(op: string, indices: unknown, xdtype: string): GpuArray | null {
  const d = indices instanceof GpuArray ? indices : indices instanceof OnGpu ? indices.gpu : null;
  if (!d) return null;
  if (d.dtype !== "int32") throw new TypeError(`${op}: indices must be an integer array, got dtype ${d.dtype} (shape (${d.shape.join(", ")}))`);
  // (an index out of range reads as NaN: only float32 has one)
  if (op === "take" && xdtype !== "float32") throw new TypeError(`tsjax: WebGPU take: indices made on the GPU gather float32 Arrays only (got ${xdtype}): out-of-range ones give NaN`);
  return d;
}

/** Indices checked as the CPU's take checks them, as an int32 Array on the host. */
function hostIndices(op: string, indices: unknown, n: number, axis: number, shape: readonly number[]): NDArray {
  const ix = asArray(indices as ArrayLike, op);
  const fromJS = !(indices instanceof NDArray);
  if (!fromJS && ix.dtype !== "int32" && ix.dtype !== "uint32") throw new TypeError(`${op}: indices must be an integer array, got dtype ${ix.dtype} (shape (${ix.shape.join(", ")}))`);
  const src = ix.data;
  for (let k = 0; k < src.length; k++) {
    const v = Number(src[k]);
    if (!Number.isInteger(v)) throw new TypeError(`${op}: index ${v} is not an integer (axis ${axis} of shape (${shape.join(", ")}))`);
    if (v < -n || v >= n) throw new TypeError(`${op}: index ${v} is out of bounds for axis ${axis} with size ${n} (shape (${shape.join(", ")}))`);
  }
  return ix.dtype === "int32" ? ix : new NDArray(Int32Array.from(src as unknown as Iterable<number>), ix.shape, "int32");
}

/** NumPy's take: x's elements at `indices` along `axis` (flattened x when none); any dtype the GPU holds. */
/** (`up`: how the indices go to the GPU, a cache that keeps them; none: uploaded for the call.) */
export function takeGpu(g: WebGpu, x: GpuArray, indices: unknown, axis?: number | null, up?: (a: NDArray) => GpuArray): GpuArray {
  const { shape: xs, ax, outer, n, inner } = scanLines("take", x, axis);
  const dev = deviceIndices("take", indices, x.dtype);
  const ix = dev ?? hostIndices("take", indices, n, ax, xs);
  const m = sizeOf(ix.shape);
  const shape = [...xs.slice(0, ax), ...ix.shape, ...xs.slice(ax + 1)];
  const I = dev ?? (up ? up(ix as NDArray) : upload(g, ix as NDArray));
  const out = storage(g.device, outer * m * inner * 4);
  try {
    if (outer * m * inner > 0) {
      const [gx, gy] = grid(Math.ceil((outer * m * inner) / WG), maxX(g));
      dispatch(g.device, pipeline(g.device, takeKernel(outer, n, inner, m, gx)), [x.buffer, I.buffer, out], gx, gy, false);
    }
    return new GpuArray(g, out, shape, x.dtype);
  } finally {
    if (!up && !dev) give(I.buffer);
  }
}

/** take's adjoint: zeros of `shape` with g added at the indices (float32; repeated indices summed). */
export function takeTransposeGpu(g: WebGpu, gr: GpuArray, indices: unknown, axis: number | null | undefined, shape: readonly number[], up?: (a: NDArray) => GpuArray): GpuArray {
  if (gr.dtype !== "float32") throw new TypeError(`tsjax: WebGPU takeTranspose: a float32 cotangent, got ${gr.dtype}`);
  const { shape: xs, ax, outer, n, inner } = scanLines("takeTranspose", { shape }, axis);
  const dev = deviceIndices("takeTranspose", indices, "float32");
  const ix = dev ?? hostIndices("takeTranspose", indices, n, ax, xs);
  const m = sizeOf(ix.shape);
  const expect = [...xs.slice(0, ax), ...ix.shape, ...xs.slice(ax + 1)];
  if (gr.shape.length !== expect.length || gr.shape.some((d, i) => d !== expect[i]))
    throw new TypeError(`takeTranspose: cotangent of shape (${gr.shape.join(", ")}) does not match take from shape (${shape.join(", ")}) with indices of shape (${ix.shape.join(", ")}) (expected (${expect.join(", ")}))`);
  const I = dev ?? (up ? up(ix as NDArray) : upload(g, ix as NDArray));
  const total = outer * n * inner;
  const out = storage(g.device, total * 4);
  try {
    if (total > 0 && m === 0) write(g.device, out, 0, new Float32Array(total));
    else if (total > 0) {
      const [gx, gy] = grid(Math.ceil(total / WG), maxX(g));
      dispatch(g.device, pipeline(g.device, takeTransposeKernel(outer, n, inner, m, gx)), [gr.buffer, I.buffer, out], gx, gy);
    }
    return new GpuArray(g, out, shape.slice(), "float32");
  } finally {
    if (!up && !dev) give(I.buffer);
  }
}

/** argmax/argmin over one axis or all (the flat index), keepdims as jnp's: int32. */
export function argGpu(g: WebGpu, x: GpuArray, op: "argmax" | "argmin", axis?: number | null, keepdims = false): GpuArray {
  if (x.dtype !== "float32") throw new TypeError(`tsjax: WebGPU ${op}: float32 only, got ${x.dtype}`);
  if (axis !== undefined && axis !== null && typeof axis !== "number") throw new TypeError(`${op}: axis must be a single integer or null, got ${JSON.stringify(axis)}`);
  const axes = axis === undefined || axis === null ? normAxes(op, null, x.shape) : [normAxis(op, axis, x.shape.length, x.shape)];
  const R = axes.reduce((a, d) => a * x.shape[d], 1);
  if (R === 0) throw new TypeError(`${op}: attempt to get ${op} of an empty sequence (shape (${x.shape.join(", ")}), axis ${axis ?? "None"})`);
  const shape = keepdims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const n = sizeOf(shape);
  const out = storage(g.device, n * 4);
  if (n > 0) {
    const [gx, gy] = grid(n, maxX(g));
    dispatch(g.device, pipeline(g.device, argKernel(op, x.shape, axes, gx)), [x.buffer, out], gx, gy, false);
  }
  return new GpuArray(g, out, shape, "int32");
}
