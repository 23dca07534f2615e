// The GPU the WebGPU tests run on: found once; without an adapter the suites skip, saying why
// in their names, unless TSJAX_REQUIRE_WEBGPU=1 (then they run and fail with what is missing).
import { describe } from "vitest";
import { webgpu, type WebGpu } from "../../runtime/webgpu/device.js";
export { randoms, ulp32 } from "../float32.js";

const REQUIRE = process.env.TSJAX_REQUIRE_WEBGPU === "1";
const found: WebGpu | Error = await webgpu().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
const missing = found instanceof Error ? found.message : null;

/** A describe that runs where there is a GPU (or where one is required). */
export function gpuSuite(name: string, body: () => void): void {
  const skip = missing !== null && !REQUIRE;
  describe.skipIf(skip)(skip ? `${name} (skipped: no WebGPU adapter: ${missing})` : name, body);
}

/** The GPU; throws what is missing (TSJAX_REQUIRE_WEBGPU=1 without an adapter). */
export function gpu(): WebGpu {
  if (found instanceof Error) throw found;
  return found;
}

