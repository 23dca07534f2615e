// The GPU the WebGPU tests run on: found once; without an adapter the suites skip, saying why
// in their names, unless TSJAX_REQUIRE_WEBGPU=1 (then they run and fail with what is missing).
import { describe } from "vitest";
import { webgpu, type WebGpu } from "../../runtime/webgpu/device.js";

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

/** One float32 ulp at v (normal range; the smallest denormal below it). */
export function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  const e = Math.floor(Math.log2(a));
  return 2 ** (Math.fround(a) >= 2 ** (e + 1) ? e - 22 : e - 23);
}

/** n float32 values uniform in [lo, hi) (a fixed LCG: the same values every run). */
export function randoms(n: number, lo: number, hi: number, seed: number): Float32Array {
  const d = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    d[i] = Math.fround(lo + ((hi - lo) * s) / 2 ** 32);
  }
  return d;
}
