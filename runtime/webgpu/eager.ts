// The GPU's side of device-hooks.ts, installed when a GPU is set up: eager ops on Arrays on the
// GPU as GPU kernels (every op of the renderer's table; sum, mean, max, min, var/std, cumsum,
// argmax/argmin; matmul and dot of any rank; concatenate, take, flip, diagonal, astype between
// float32 and bool; reshape-like views, transpose, broadcastTo), jit'd functions' code run with
// the GPU's run-time helpers (jit-rt.ts) in a pool frame, their results left on the GPU, and
// devicePut's uploads. A hook that returns null (a dtype the GPU has no kernel for) leaves the op
// to the CPU, which reads the values back (resident.ts).

import { NDArray } from "../array.js";
import type { Axis } from "../array.js";
import { installDeviceHooks, type DeviceHooks } from "../device-hooks.js";
import * as tree from "../tree.js";
import type { WebGpu } from "./device.js";
import { gpuHelpers } from "./helpers.js";
import { gpuRuntime, onGpu } from "./jit-rt.js";
import { OnGpu } from "./resident.js";
import { broadcastGpu, dotGpu, fusedGpu, GpuArray, matmulNdGpu, reduceGpu, reshapeGpu, sumToShapeGpu, transposeGpu, upload } from "./run.js";
import { concatGpu, diagonalGpu, flipGpu } from "./layout.js";
import { argGpu, takeGpu } from "./gather.js";
import { cumsumGpu, varianceGpu } from "./stats.js";
import { WGSL_OPS } from "./wgsl.js";
import { frameClose, frameOpen } from "./pool.js";
import { flush } from "./queue.js";
import type { GpuBuffer } from "./types.js";

/** Weak (JAX's weak_type) when every operand is: a JS number or a weak Array. */
const allWeak = (args: readonly unknown[]) => args.every((a) => typeof a === "number" || (a instanceof NDArray && a.weakType));

/** A value jit'd code returned, with every Array on the GPU (its buffers as they are; a CPU Array uploaded). */
const resident = (g: WebGpu, x: unknown): unknown =>
  tree.map((v: unknown) => (v instanceof GpuArray ? new OnGpu(v) : v instanceof NDArray && !(v instanceof OnGpu) && gpuDType(v) ? new OnGpu(upload(g, v), v.weakType) : v), x);

/** Whether the GPU holds this dtype. */
const gpuDType = (v: NDArray) => v.dtype === "float32" || v.dtype === "bool" || v.dtype === "int32";

/** The GPU buffers a result holds (views share their array's). */
const buffersOf = (x: unknown): Set<GpuBuffer> =>
  new Set(tree.leaves(x).flatMap((v: unknown) => (v instanceof GpuArray ? [v.buffer] : v instanceof OnGpu ? [v.gpu.buffer] : [])));

/** A pytree with its CPU Arrays copied to the GPU. */
const put = (g: WebGpu, x: unknown): unknown => tree.map((v: unknown) => (v instanceof NDArray && !(v instanceof OnGpu) ? new OnGpu(upload(g, v), v.weakType) : v), x);

function hooks(g: WebGpu): DeviceHooks {
  const operand = (x: unknown): GpuArray | number => {
    if (typeof x === "boolean") return x ? 1 : 0;
    return onGpu(g, x as GpuArray | NDArray | number);
  };
  return {
    elementwise(name, args) {
      if (!(name in WGSL_OPS) || args.some((a) => typeof a !== "number" && typeof a !== "boolean" && !(a instanceof NDArray))) return null;
      // (integer operands have no elementwise kernels: the CPU's, on the values read back)
      if (args.some((a) => a instanceof NDArray && a.dtype !== "float32" && a.dtype !== "bool")) return null;
      const out = fusedGpu(g, { in: args.length, ops: [[name, ...args.map((_, k) => k)]] }, ...args.map(operand));
      return new OnGpu(out, allWeak(args));
    },
    reduce(op, x, axis: Axis, keepdims) {
      return new OnGpu(reduceGpu(g, onGpu(g, x) as GpuArray, op, axis, keepdims), x.weakType);
    },
    matmul(a, b) {
      if (!(a instanceof NDArray) || !(b instanceof NDArray) || a.ndim === 0 || b.ndim === 0 || a.dtype !== "float32" || b.dtype !== "float32") return null;
      return new OnGpu(matmulNdGpu(g, onGpu(g, a) as GpuArray, onGpu(g, b) as GpuArray), a.weakType && b.weakType);
    },
    concatenate(xs, axis, dtype) {
      const ok = xs.every((x) => x.dtype === "int32") || ((dtype === "float32" || dtype === "bool") && xs.every((x) => x.dtype === "float32" || x.dtype === "bool"));
      if (!ok) return null;
      return new OnGpu(concatGpu(g, xs.map((x) => onGpu(g, x) as GpuArray), axis), xs.every((x) => x.weakType));
    },
    variance(x, axis, ddof, keepdims, root) {
      if (x.dtype !== "float32") return null;
      const v = varianceGpu(g, onGpu(g, x) as GpuArray, axis, ddof, keepdims);
      return new OnGpu(root ? fusedGpu(g, { in: 1, ops: [["sqrt", 0]] }, v) : v, x.weakType);
    },
    cumsum(x, axis) {
      if (x.dtype !== "float32" && x.dtype !== "int32" && x.dtype !== "bool") return null;
      return new OnGpu(cumsumGpu(g, onGpu(g, x) as GpuArray, axis), x.weakType);
    },
    diagonal(x, offset, axis1, axis2) {
      return new OnGpu(diagonalGpu(g, onGpu(g, x) as GpuArray, offset, axis1, axis2), x.weakType);
    },
    astype(x, dtype) {
      const X = onGpu(g, x) as GpuArray;
      if (dtype === x.dtype) return new OnGpu(X, false);
      // (bool → float32 0/1; float32 → bool: nonzero, NaN included, as the CPU's cast)
      if (x.dtype === "bool" && dtype === "float32") return new OnGpu(fusedGpu(g, { in: 1, ops: [["where", 0, { c: 1 }, { c: 0 }]] }, X));
      if (x.dtype === "float32" && dtype === "bool") return new OnGpu(fusedGpu(g, { in: 1, ops: [["notEqual", 0, { c: 0 }]] }, X));
      return null;
    },
    dot(a, b) {
      const f32 = (x: unknown) => typeof x === "number" || (x instanceof NDArray && x.dtype === "float32");
      if (!f32(a) || !f32(b)) return null;
      // (a number or a 0-d operand: a product by a scalar, the number a kernel constant)
      const [A, B] = [operand(a), operand(b)];
      const scalar = (v: GpuArray | number) => typeof v === "number" || v.shape.length === 0;
      const r = scalar(A) || scalar(B) ? fusedGpu(g, { in: 2, ops: [["multiply", 0, 1]] }, A, B) : dotGpu(g, A as GpuArray, B as GpuArray);
      return new OnGpu(r, allWeak([a, b]));
    },
    take(x, indices, axis) {
      if (x.dtype !== "float32" && x.dtype !== "bool" && x.dtype !== "int32") return null;
      // (indices on the GPU of a take of a non-float32 Array: the CPU's take, on the values read back)
      if (indices instanceof NDArray && indices.device !== "cpu" && x.dtype !== "float32") return null;
      return new OnGpu(takeGpu(g, onGpu(g, x) as GpuArray, indices, axis), x.weakType);
    },
    arg(op, x, axis, keepdims) {
      if (x.dtype !== "float32") return null;
      return new OnGpu(argGpu(g, onGpu(g, x) as GpuArray, op, axis, keepdims));
    },
    flip(x, axes) {
      return new OnGpu(flipGpu(g, onGpu(g, x) as GpuArray, axes), x.weakType);
    },
    sumToShape(x, shape) {
      if (x.dtype !== "float32") return null;
      return new OnGpu(sumToShapeGpu(g, onGpu(g, x) as GpuArray, shape), x.weakType);
    },
    reshape(x, shape) {
      return new OnGpu(reshapeGpu(onGpu(g, x) as GpuArray, shape), x.weakType);
    },
    transpose(x, perm) {
      return new OnGpu(transposeGpu(g, onGpu(g, x) as GpuArray, perm), x.weakType);
    },
    broadcastTo(x, shape) {
      return new OnGpu(broadcastGpu(g, onGpu(g, x) as GpuArray, shape), x.weakType);
    },
    jit(make, uses) {
      const missing = uses.filter((n) => !gpuHelpers().has(n));
      if (missing.length)
        throw new Error(`tsjax: WebGPU: this jit'd function calls ${missing.map((n) => `'${n}'`).join(", ")}, which ${missing.length > 1 ? "are" : "is"} not on the GPU yet; run it on the CPU (jit(f, { device: "cpu" }))`);
      const f = make(gpuRuntime(g)) as unknown as (...a: unknown[]) => unknown;
      // the call's intermediates go back to the pool when it returns (its results' buffers stay)
      const run = (...args: unknown[]) => {
        const token = frameOpen();
        let out: unknown;
        try {
          out = f(...args);
        } finally {
          frameClose(token, buffersOf(out));
          // (the call's kernels go to the GPU now, while the caller goes on)
          flush(g.device);
        }
        return resident(g, out);
      };
      Object.defineProperty(run, "toString", { value: () => String(f) });
      return run as never;
    },
    put: (x) => put(g, x),
  };
}

/** Makes `g` the GPU eager ops and jit'd functions use. */
export function installGpu(g: WebGpu): void {
  installDeviceHooks(hooks(g));
}
