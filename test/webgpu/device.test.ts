// Finding the GPU: devices(), the cached device, the adapter's name, and the error that names
// what is missing.
import { expect, it } from "vitest";
import { devices, noAdapterMessage, NODE_PACKAGE, webgpu } from "../../runtime/webgpu/device.js";
import { gpu, gpuSuite } from "./gpu.js";
import * as tsjax from "../../runtime/index.js";

it("devices() lists cpu always; tsjax exports it", async () => {
  expect((await devices())[0]).toBe("cpu");
  expect(tsjax.devices).toBe(devices);
});

it("a missing adapter names the Node package and the Vulkan driver it needs", () => {
  const m = noAdapterMessage(true);
  expect(m).toContain(`'${NODE_PACKAGE}' package`);
  expect(m).toContain("lavapipe >= 25");
  expect(m).toContain("mesa-vulkan-drivers");
  expect(noAdapterMessage(false)).toContain("navigator.gpu found no GPU adapter");
});

gpuSuite("WebGPU device", () => {
  it("devices() lists webgpu where an adapter is found", async () => {
    gpu();
    expect(await devices()).toEqual(["cpu", "webgpu"]);
  });
  it("is acquired once and cached, with its adapter's name", async () => {
    const g = gpu();
    expect(await webgpu()).toBe(g);
    expect(g.adapterName.length).toBeGreaterThan(0);
    expect(g.adapterName).not.toBe("unknown adapter");
  });
});
