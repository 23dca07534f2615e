// Variance and running sums on the GPU (wgsl.ts varianceKernel, cumsumKernel): jnp.var/std's
// float64-accurate moments in double-float32, cumsum's float32 running sums in order.

import { NDArray } from "../array.js";
import { scanLines } from "../numpy/arrange.js";
import { normAxes, sizeOf } from "../shape.js";
import type { WebGpu } from "./device.js";
import { dispatch, GpuArray, maxX, pipeline, storage, upload } from "./run.js";
import { give } from "./pool.js";
import { write } from "./queue.js";
import { cumsumKernel, grid, varianceKernel, WG } from "./wgsl.js";

type Axis = number | readonly number[] | null | undefined;

/** NumPy's var over `axis` (all when none) with `ddof`, keepdims as jnp's; float32 only. */
export function varianceGpu(g: WebGpu, x: GpuArray | NDArray, axis: Axis, ddof = 0, keepdims = false): GpuArray {
  if (x.dtype !== "float32") throw new TypeError(`tsjax: WebGPU var: float32 only, got ${x.dtype}`);
  if (!Number.isInteger(ddof)) throw new TypeError(`var: ddof must be an integer, got ${ddof}`);
  const axes = normAxes("var", axis as number | number[] | null | undefined, x.shape).sort((a, b) => a - b);
  const R = axes.reduce((n, a) => n * x.shape[a], 1);
  const shape = keepdims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const n = sizeOf(shape);
  const X = x instanceof NDArray ? upload(g, x) : x;
  const out = storage(g.device, n * 4);
  try {
    // (no elements: NaN, the CPU's 0/0 mean)
    if (n > 0 && R === 0) write(g.device, out, 0, new Float32Array(n).fill(NaN));
    else if (n > 0) {
      const [gx, gy] = grid(n, maxX(g));
      dispatch(g.device, pipeline(g.device, varianceKernel(x.shape, axes, ddof, gx)), [X.buffer, out], gx, gy);
    }
    return new GpuArray(g, out, shape, "float32");
  } finally {
    if (X !== x) give(X.buffer);
  }
}

/** NumPy's cumsum along `axis` (the flattened array when none): float32 in float32, int32 and bool in int32. */
export function cumsumGpu(g: WebGpu, x: GpuArray | NDArray, axis?: number | null): GpuArray {

  const { shape, outer, n, inner } = scanLines("cumsum", x, axis);
  const X = x instanceof NDArray ? upload(g, x) : x;
  const out = storage(g.device, sizeOf(shape) * 4);
  try {
    const lines = outer * inner;
    if (lines > 0 && n > 0) {
      const [gx, gy] = grid(Math.ceil(lines / WG), maxX(g));
      dispatch(g.device, pipeline(g.device, cumsumKernel(outer, n, inner, gx, X.dtype !== "float32")), [X.buffer, out], gx, gy, false);
    }
    return new GpuArray(g, out, shape, X.dtype === "float32" ? "float32" : "int32");
  } finally {
    if (X !== x) give(X.buffer);
  }
}
