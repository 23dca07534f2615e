// Devices for users: initDevice, setDefaultDevice, devicePut, deviceGet (JAX's device_put and
// device_get). The GPU's runtime (webgpu/eager.ts) is imported statically, so one-file bundles
// work; a bundle that never calls initDevice or setDefaultDevice drops it (tree-shaking: the GPU's
// modules do nothing when loaded).

import { NDArray } from "./array.js";
import * as tree from "./tree.js";
import { defaultDevice as current, deviceHooks, setDefault } from "./device-hooks.js";
import { webgpu, type DeviceName } from "./webgpu/device.js";
import { installGpu } from "./webgpu/eager.js";

export type { DeviceName };

/**
 * Finds the device and sets up its runtime: needed once before a GPU is used (a WebGPU device is
 * acquired asynchronously). Rejects with what is missing where there is no GPU.
 */
export async function initDevice(device: DeviceName): Promise<void> {
  if (device === "cpu") return;
  if (device !== "webgpu") throw new TypeError(`initDevice: unknown device '${String(device)}' (expected "cpu" or "webgpu")`);
  const g = await webgpu();
  if (!deviceHooks()) installGpu(g);
}

/**
 * The device jit'd functions without a `device` option run on from now on (and devicePut's
 * default): "cpu" (the default) or "webgpu", which is set up first. Eager ops run where their
 * operands are.
 */
export async function setDefaultDevice(device: DeviceName): Promise<void> {
  await initDevice(device);
  setDefault(device);
}

/** The device jit'd functions without a `device` option run on. */
export function defaultDevice(): DeviceName {
  return current();
}

/**
 * `x` (an Array or a pytree of them) with its Arrays on `device` (default: the default device):
 * Arrays on the GPU stay there between jit'd calls. To the GPU: after `initDevice("webgpu")`. To
 * the CPU: Arrays on the GPU must have been read (`await x.block()`; or use `await deviceGet(x)`).
 */
export function devicePut<T>(x: T, device: DeviceName = current()): T {
  if (device === "webgpu") {
    const h = deviceHooks();
    if (!h) throw new Error('devicePut: the GPU is not set up yet: `await initDevice("webgpu")` first');
    return h.put(x) as T;
  }
  if (device !== "cpu") throw new TypeError(`devicePut: unknown device '${String(device)}' (expected "cpu" or "webgpu")`);
  return mapArrays(x, (a) => (a.device === "cpu" ? a : new NDArray(a.data, a.shape, a.dtype, a.weakType))) as T;
}

/** `x` (an Array or a pytree of them) with every Array's values on the CPU, read back without blocking. */
export async function deviceGet<T>(x: T): Promise<T> {
  return devicePut(await blockUntilReady(x), "cpu");
}

/**
 * `x` itself once every Array in it is computed and its values are on the host (JAX's
 * `block_until_ready`): Arrays on the GPU stay there, and their synchronous reads work after it.
 */
export async function blockUntilReady<T>(x: T): Promise<T> {
  const pending: Promise<unknown>[] = [];
  mapArrays(x, (a) => (pending.push(a.block()), a));
  await Promise.all(pending);
  return x;
}

const mapArrays = (x: unknown, f: (a: NDArray) => NDArray): unknown => tree.map((v: unknown) => (v instanceof NDArray ? f(v) : v), x);
