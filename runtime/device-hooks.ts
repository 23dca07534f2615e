// Where Arrays are computed: the default device, and the slot through which eager ops hand
// Arrays that live on the GPU to its kernels. The GPU's code (runtime/webgpu/) is loaded only
// when a GPU is asked for (`setDefaultDevice("webgpu")`, `devices()`, `devicePut`), so bundles
// that never use it carry none of it; until then the slot is empty and every check here is one
// comparison with null.

import { NDArray } from "./array.js";
import type { Axis } from "./array.js";
import type { DeviceName } from "./webgpu/device.js";

/** What the GPU's runtime (runtime/webgpu/eager.ts) offers eager code and jit'd functions. */
export interface DeviceHooks {
  /** An elementwise op of the GPU's table on operands one of which is on the GPU; null: no GPU kernel for it. */
  elementwise(name: string, args: readonly unknown[]): NDArray | null;
  /** sum, mean, max or min; null: not on the GPU. */
  reduce(op: "sum" | "mean" | "max" | "min", x: NDArray, axis: Axis, keepdims: boolean): NDArray | null;
  /** NumPy's matmul of float32 operands, any ranks ≥ 1 (batched, broadcast); null: not on the GPU (other dtypes). */
  matmul(a: unknown, b: unknown): NDArray | null;
  /** Arrays joined along an existing axis (shapes checked by the caller), promoted to `dtype`; null: a dtype not on the GPU. */
  concatenate(xs: readonly NDArray[], axis: number, dtype: string): NDArray | null;
  /** var (std: `root`) of a float32 Array, NumPy's ddof and keepdims; null: not on the GPU. */
  variance(x: NDArray, axis: Axis, ddof: number, keepdims: boolean, root: boolean): NDArray | null;
  /** cumsum of a float32 Array along `axis` (flattened when none); null: not on the GPU. */
  cumsum(x: NDArray, axis: number | null | undefined): NDArray | null;
  /** numpy.diagonal (axes checked by the caller). */
  diagonal(x: NDArray, offset: number, axis1: number, axis2: number): NDArray;
  /** astype between float32 and bool, or to its own dtype (the Array made strong); null: a dtype not on the GPU. */
  astype(x: NDArray, dtype: string): NDArray | null;
  /** jnp.dot of float32 operands; null: not on the GPU. */
  dot(a: unknown, b: unknown): NDArray | null;
  /** jnp.take along an axis (flattened when none), indices from the host; null: not on the GPU. */
  take(x: NDArray, indices: unknown, axis: number | null | undefined): NDArray | null;
  /** argmax/argmin of a float32 Array (one axis, or the flat index); null: not on the GPU. */
  arg(op: "argmax" | "argmin", x: NDArray, axis: number | null | undefined, keepdims: boolean): NDArray | null;
  /** numpy.flip over the (normalised) axes. */
  flip(x: NDArray, axes: readonly number[]): NDArray;
  /** Summed to a shape it broadcasts from (checked by the caller): the adjoint of broadcasting. */
  sumToShape(x: NDArray, shape: readonly number[]): NDArray | null;
  /** A reshape (a view of the same buffer). */
  reshape(x: NDArray, shape: readonly number[]): NDArray;
  /** Axes permuted (a normalised, non-identity permutation). */
  transpose(x: NDArray, perm: readonly number[]): NDArray;
  /** Broadcast to a shape it broadcasts to (checked). */
  broadcastTo(x: NDArray, shape: readonly number[]): NDArray;
  /** A jit'd function's code run with the GPU's run-time helpers (runtime/jit/site.ts). */
  jit<F extends (...a: never[]) => unknown>(make: (rt: object) => F, uses: readonly string[]): F;
  /** A pytree with its Arrays copied to the GPU. */
  put(x: unknown): unknown;
}

let hooks: DeviceHooks | null = null;
let current: DeviceName = "cpu";

/** The GPU's hooks, once its runtime is loaded (null before). */
export function deviceHooks(): DeviceHooks | null {
  return hooks;
}
export function installDeviceHooks(h: DeviceHooks): void {
  hooks = h;
}

/** The device jit'd functions without a `device` option run on ("cpu" unless `setDefaultDevice` changed it). */
export function defaultDevice(): DeviceName {
  return current;
}
export function setDefault(d: DeviceName): void {
  current = d;
}

/** Whether one of `args` is an Array on the GPU (always false until the GPU's runtime is loaded). */
export function anyOnGpu(args: readonly unknown[]): boolean {
  if (!hooks) return false;
  for (const a of args) if (a instanceof NDArray && a.device !== "cpu") return true;
  return false;
}
