// The names of the run-time helpers jit'd code can call on the GPU (jit-rt.ts's table): the
// transformer checks a `jit(f, { device: "webgpu" })` against them at build time, and the
// run time before a jit'd function first runs on the GPU. Only names here (no GPU code), so the
// transformer can read them.

import { WGSL_OPS } from "./wgsl.js";

/** jit-rt.ts's helpers besides the renderer's elementwise ops (a test checks the table has exactly these). */
export const GPU_TABLE = [
  "FUSED_MIN_SIZE", "fused", "matmul", "dot", "matmulGradA", "matmulGradB", "unbroadcast", "unbroadcastProduct",
  "sum", "mean", "max", "min", "logsumexp", "reshape", "broadcastTo", "unreduce", "reduceCount", "ones", "checkGradInput",
  "onesLike", "zerosLike", "reshapeLike", "zeros",
  // jit-more.ts
  "concatN", "stackN", "concatPart", "concatPartT", "stackPart", "stackPartT", "flip", "seed",
  "vMatmul", "vMatmulGradA", "vMatmulGradB", "dotGradA", "dotGradB", "var", "ddofOf", "cumsum", "diagonal", "diagonalTranspose", "einsum",
  "take", "takeTranspose", "argmax", "argmin",
] as const;

/**
 * rt.ts's helpers that run on the GPU as they are: written only with jnp functions that have GPU
 * kernels (eager.ts: elementwise ops, reductions, 2-D matmul, reshape-like views, transpose,
 * broadcastTo) and shapes, so given Arrays on the GPU they stay there (jit-rt.ts `bridged`).
 */
export const GPU_BRIDGED = ["vmapSize", "vAxes", "vIn", "vOut", "vAlign", "vBcast", "vReshape", "transpose", "untranspose", "expandDims", "squeeze", "ravel"] as const;

let all: ReadonlySet<string> | null = null;

/**
 * rt.ts's helpers that make an Array from numbers and shapes alone (no Array in): run on the CPU,
 * their result uploaded where a kernel reads it (jit-rt.ts `host`).
 */
export const GPU_HOST = ["arange", "eye", "linspace", "full"] as const;

/** Every helper name jit'd code may call on the GPU (made on first use: bundles without the GPU drop the tables). */
export function gpuHelpers(): ReadonlySet<string> {
  return (all ??= new Set([...Object.keys(WGSL_OPS), ...GPU_TABLE, ...GPU_BRIDGED, ...GPU_HOST]));
}
