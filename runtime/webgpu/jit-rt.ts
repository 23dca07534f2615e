// The run-time helpers a jit'd function's code calls (runtime/rt.ts's names: fused, matmul's
// adjoints, unbroadcast, unreduce, axis reductions, logsumexp, reshapes, every elementwise op …),
// on the GPU: the table the transformer's code for
// `jit(f, { device: "webgpu" })` calls in place of the CPU's (helpers.ts names them for the
// build-time check; jit-more.ts holds the products of any rank, joins, gathers and more). Values stay in GPU buffers from kernel to kernel; Arrays a call is given are
// uploaded once (Arrays are values, so the copy stays right while the Array lives) and every
// fused program runs as a GPU kernel whatever its size. Dispatches queue without waiting:
// `readTree` reads the results back. A helper not on the GPU yet is an error naming it.

import { NDArray } from "../array.js";
import type { Axis } from "../array.js";
import { normAxes } from "../shape.js";
import { ones } from "../numpy/creation.js";
import * as rt from "../rt.js";
import type { WebGpu } from "./device.js";
import { broadcastGpu, fusedGpu, GpuArray, reduceGpu, reshapeGpu, sumToShapeGpu, upload } from "./run.js";
import { OnGpu } from "./resident.js";
import { pin } from "./pool.js";
import { WGSL_OPS } from "./wgsl.js";
import { GPU_BRIDGED, GPU_HOST } from "./helpers.js";
// (bridged: the CPU's helper run on GPU values as Arrays on the GPU, for helpers written only with
// jnp functions that have GPU kernels, eager.ts, and shapes: helpers.ts GPU_BRIDGED)
import { bridged, moreHelpers, shapeOf } from "./jit-more.js";

type Value = GpuArray | NDArray | number;

/** GPU copies of the Arrays jit'd code read, per GPU (collected with their Arrays). */
const copies = new WeakMap<WebGpu, WeakMap<NDArray, GpuArray>>();

/** x on the GPU: an Array already there as it is, another uploaded once (per GPU and Array). */
export function onGpu(g: WebGpu, x: Value): GpuArray | number {
  if (!(x instanceof NDArray)) return x;
  if (x instanceof OnGpu) {
    if (x.gpu.gpu !== g) throw new Error("tsjax: WebGPU: an Array from another GPU device");
    return x.gpu;
  }
  let m = copies.get(g);
  if (!m) copies.set(g, (m = new WeakMap()));
  let c = m.get(x);
  if (!c) {
    m.set(x, (c = upload(g, x)));
    // (the copy lives as long as the Array: never reused for other values)
    pin(c.buffer);
  }
  return c;
}

function array(g: WebGpu, x: Value, what: string): GpuArray {
  const v = onGpu(g, x);
  if (typeof v === "number") throw new TypeError(`tsjax: WebGPU: ${what} takes Arrays on the GPU, got the number ${v}`);
  return v;
}


/** A cotangent summed to `shape` (the same shape: itself). */
function unbroadcastTo(g: WebGpu, x: Value, shape: readonly number[]): GpuArray {
  return sumToShapeGpu(g, array(g, x, "unbroadcast"), shape);
}



/** `shape` with one -1 resolved from the size (NumPy's reshape). */
function resolved(size: number, shape: readonly number[]): number[] {
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  return shape.map((d) => (d === -1 ? size / known : d));
}

/** log Σ exp over `axis`: the maximum taken out first (as jnp's), each step a GPU kernel. */
function logsumexp(g: WebGpu, x: GpuArray, axis: Axis, keepdims: boolean): GpuArray {
  const m = reduceGpu(g, x, "max", axis, true);
  const e = fusedGpu(g, { in: 2, ops: [["subtract", 0, 1], ["exp", 2]] }, x, m);
  const s = reduceGpu(g, e, "sum", axis, true);
  const r = fusedGpu(g, { in: 2, ops: [["log", 0], ["add", 2, 1]] }, s, m);
  const axes = normAxes("logsumexp", axis, x.shape);
  return keepdims ? r : reshapeGpu(r, x.shape.filter((_, i) => !axes.includes(i)));
}


const ONES = new WeakMap<WebGpu, GpuArray>(), ZEROS = new WeakMap<WebGpu, GpuArray>();
/** A float32 scalar `v` on the GPU `g`, uploaded once (`cache` per value). */
function constant(g: WebGpu, cache: WeakMap<WebGpu, GpuArray>, v: number): GpuArray {
  let o = cache.get(g);
  if (!o) {
    cache.set(g, (o = upload(g, new NDArray(Float32Array.of(v), [], "float32"))));
    pin(o.buffer);
  }
  return o;
}
/** A float32 1 on the GPU `g`. */
const one = (g: WebGpu) => constant(g, ONES, 1);

/** A helper that makes an Array from numbers and shapes, on the CPU (its result is uploaded where a kernel reads it). */
function host(name: string, f: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
  return (...args) => {
    if (args.some((a) => a instanceof GpuArray || a instanceof OnGpu))
      throw new TypeError(`tsjax: WebGPU: '${name}' of a value computed on the GPU is not on the GPU yet`);
    return f(...args);
  };
}

/** The helpers on the GPU, by rt.ts's names. */
function table(g: WebGpu): Record<string, unknown> {
  // every elementwise op the renderer has, as a one-op kernel (those jit'd code calls outside a fused group)
  const elementwise = Object.fromEntries(
    Object.keys(WGSL_OPS).map((op) => [op, (...xs: Value[]) => fusedGpu(g, { in: xs.length, ops: [[op, ...xs.map((_, k) => k)]] }, ...xs.map((x) => onGpu(g, x)))]),
  );
  return {
    ...elementwise,
    // (every program a kernel: the GPU has no small-size path)
    FUSED_MIN_SIZE: 0,
    fused: (src: string, ...xs: Value[]) => fusedGpu(g, src, ...xs.map((x) => onGpu(g, x))),
    unbroadcast: (gr: Value, like: Value) => unbroadcastTo(g, gr, shapeOf(like)),
    sum: (x: Value, axis?: number | number[] | null, o?: { keepdims?: boolean }) => reduceGpu(g, array(g, x, "sum"), "sum", axis, !!o?.keepdims),
    mean: (x: Value, axis?: number | number[] | null, o?: { keepdims?: boolean }) => reduceGpu(g, array(g, x, "mean"), "mean", axis, !!o?.keepdims),
    max: (x: Value, axis?: number | number[] | null, o?: { keepdims?: boolean }) => reduceGpu(g, array(g, x, "max"), "max", axis, !!o?.keepdims),
    min: (x: Value, axis?: number | number[] | null, o?: { keepdims?: boolean }) => reduceGpu(g, array(g, x, "min"), "min", axis, !!o?.keepdims),
    logsumexp: (x: Value, axis?: Axis, o?: { keepdims?: boolean }) => logsumexp(g, array(g, x, "logsumexp"), axis, !!o?.keepdims),
    reshape: (x: Value, shape: readonly number[]) => {
      const a = array(g, x, "reshape");
      return reshapeGpu(a, resolved(a.size, shape));
    },
    broadcastTo: (x: Value, shape: readonly number[]) => broadcastGpu(g, array(g, x, "broadcastTo"), shape),
    // a reduction's cotangent spread back over x: its reduced axes restored, then broadcast
    unreduce: (gr: Value, x: Value, axis?: Axis, o?: { keepdims?: boolean }) => {
      const shape = shapeOf(x);
      const a = array(g, gr, "unreduce");
      const axes = normAxes("unreduce", axis, shape);
      const kept = o?.keepdims ? a : reshapeGpu(a, shape.map((d, i) => (axes.includes(i) ? 1 : d)));
      return broadcastGpu(g, kept, shape);
    },
    reduceCount: (x: Value, axis?: Axis) => {
      const s = shapeOf(x);
      return normAxes("reduceCount", axis, s).reduce((n, a) => n * s[a], 1);
    },
    // float32 ones (a gradient's seed) broadcast from a 1 kept on the GPU: no upload per call
    ones: (shape: number | readonly number[], o?: { dtype?: string }) =>
      o?.dtype && o.dtype !== "float32" ? ones(shape, o as Parameters<typeof ones>[1]) : broadcastGpu(g, one(g), typeof shape === "number" ? [shape] : shape),
    // ones and zeros of a value's shape (its float dtype: float32 on the GPU), broadcast from a
    // constant kept there; a number's are numbers, as rt.ts's
    zeros: (shape: number | readonly number[], o?: { dtype?: string }) =>
      o?.dtype && o.dtype !== "float32" ? rt.zeros(shape, o as Parameters<typeof rt.zeros>[1]) : broadcastGpu(g, constant(g, ZEROS, 0), typeof shape === "number" ? [shape] : shape),
    onesLike: (x: Value) => (typeof x === "number" ? 1 : broadcastGpu(g, one(g), x.shape)),
    zerosLike: (x: Value) => (typeof x === "number" ? 0 : broadcastGpu(g, constant(g, ZEROS, 0), x.shape)),
    // x reshaped like `like`: a view; a number's derivative would have to be read back
    reshapeLike: (x: Value, like: Value) => {
      if (typeof like === "number")
        throw new TypeError("tsjax: WebGPU: a derivative with respect to a JS number is read back as a number, which the GPU cannot do synchronously: pass an Array (jnp.array(x))");
      return reshapeGpu(array(g, x, "reshapeLike"), like.shape);
    },
    checkGradInput: rt.checkGradInput,
    ...Object.fromEntries(GPU_BRIDGED.map((n) => [n, bridged(rt[n] as (...a: unknown[]) => unknown, (x) => array(g, x, n))])),
    ...Object.fromEntries(GPU_HOST.map((n) => [n, host(n, rt[n] as (...a: unknown[]) => unknown)])),
    // (products of any rank and their adjoints, joins, flip, seed, var, cumsum, einsum, gathers: jit-more.ts)
    ...moreHelpers(g, (x, what) => array(g, x, what), () => one(g)),
  };
}

/**
 * rt.ts's helpers on the GPU `g`, for a jit'd function's code: what is not on the GPU yet throws,
 * naming the helper.
 */
export function gpuRuntime(g: WebGpu): Record<string, unknown> {
  const t = table(g);
  return new Proxy(t, {
    get(target, name) {
      if (typeof name !== "string" || name in target) return target[name as string];
      throw new Error(`tsjax: WebGPU: '${name}' is not on the GPU yet (jit'd code on the GPU covers ${Object.keys(target).join(", ")})`);
    },
  });
}

/** A result (GpuArrays in arrays and objects, numbers, Arrays) with every GpuArray read back. */
export async function readTree(x: unknown): Promise<unknown> {
  if (x instanceof GpuArray) return x.read();
  if (Array.isArray(x)) return Promise.all(x.map(readTree));
  if (x && typeof x === "object" && !(x instanceof NDArray)) {
    const entries = await Promise.all(Object.entries(x).map(async ([k, v]) => [k, await readTree(v)] as const));
    return Object.fromEntries(entries);
  }
  return x;
}
