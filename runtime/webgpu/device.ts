// Finding a GPU: `navigator.gpu` in a browser; in Node the optional `webgpu` package (Dawn),
// loaded on first use by a dynamic import (so bundles and installs without it are unaffected).
// The device is acquired once and cached, the failure too (a missing package or driver does not
// change while the process runs); the error says what is missing.

import type { Gpu, GpuAdapter, GpuDevice } from "./types.js";

/** Where Arrays can be computed: "cpu" always, "webgpu" when a GPU adapter is found. */
export type DeviceName = "cpu" | "webgpu";

/** An acquired GPU: the device, and the adapter's name (e.g. "llvmpipe: Mesa 25.0.7"). */
export interface WebGpu {
  readonly device: GpuDevice;
  readonly adapterName: string;
  /** The GPU object and adapter, kept reachable: Dawn in Node stops delivering events once its instance is collected. */
  readonly owner: { readonly gpu: Gpu; readonly adapter: GpuAdapter };
}

/** Node's package for WebGPU (Dawn), an optional peer dependency of tsjax. */
export const NODE_PACKAGE = "webgpu";

// (through globalThis: the published types must not need Node's)
const inNode = () => !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/** navigator.gpu, or the Node package's GPU object; throws naming what is missing. */
async function findGpu(): Promise<Gpu> {
  const nav = (globalThis as { navigator?: { gpu?: Gpu } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (!inNode()) throw new Error("tsjax: WebGPU is not available: this browser has no navigator.gpu (WebGPU is off or unsupported)");
  let mod: { create?: (opts: string[]) => Gpu };
  try {
    // (a variable specifier: bundlers must not try to resolve the optional package)
    const name = NODE_PACKAGE;
    mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as typeof mod;
  } catch (e) {
    throw new Error(`tsjax: WebGPU is not available in Node: the optional package '${NODE_PACKAGE}' (Dawn) could not be loaded (npm install ${NODE_PACKAGE}): ${(e as Error).message}`);
  }
  if (typeof mod.create !== "function") throw new Error(`tsjax: WebGPU is not available in Node: the package '${NODE_PACKAGE}' has no create()`);
  return mod.create([]);
}

function adapterName(a: GpuAdapter): string {
  const i = a.info ?? {};
  return i.description || [i.vendor, i.architecture, i.device].filter(Boolean).join(" ") || "unknown adapter";
}

/** What a missing adapter means: in Node, which package found nothing and the driver it needs. */
export function noAdapterMessage(node: boolean): string {
  return node
    ? `tsjax: WebGPU is not available: the '${NODE_PACKAGE}' package loaded but found no GPU adapter; it needs a Vulkan driver (Linux: a GPU's Vulkan driver, or without a GPU Mesa's lavapipe >= 25, Debian/Ubuntu package mesa-vulkan-drivers), Metal (macOS) or D3D12 (Windows)`
    : "tsjax: WebGPU is not available: navigator.gpu found no GPU adapter";
}

async function acquire(): Promise<WebGpu> {
  const gpu = await findGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new Error(noAdapterMessage(inNode()));
  // the adapter's own limits (the defaults cap storage buffers at 128 MiB)
  const L = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxStorageBuffersPerShaderStage: L.maxStorageBuffersPerShaderStage },
  });
  return { device, adapterName: adapterName(adapter), owner: { gpu, adapter } };
}

let cached: Promise<WebGpu> | null = null;

/** The GPU (acquired on the first call, then the same one); rejects with what is missing. */
export function webgpu(): Promise<WebGpu> {
  return (cached ??= acquire());
}

/** The devices Arrays can be computed on here: ["cpu"], or ["cpu", "webgpu"] when a GPU adapter is found. */
export async function devices(): Promise<DeviceName[]> {
  try {
    await webgpu();
    return ["cpu", "webgpu"];
  } catch {
    return ["cpu"];
  }
}
