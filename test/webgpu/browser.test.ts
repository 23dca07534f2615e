// The WebGPU kernels in a browser: test/webgpu/browser/ built with vite, served cross-origin
// isolated, opened in headless Chromium with WebGPU on (its SwiftShader adapter where there is no
// GPU: a second WebGPU implementation beside Node's Dawn on lavapipe). The page runs fused
// elementwise chains, a fused reduction, axis reductions and the matmul on the GPU and on the CPU
// kernels; the bounds are the Node tests'. Skips where Chromium is not installed (.ci/run
// installs it), unless TSJAX_REQUIRE_WEBGPU=1.
import type * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, SKIP, serve } from "../integration/browser-helpers.js";
import { makeTmp, removeTmp, ROOT } from "../integration/helpers.js";
import type { Report } from "./browser/main.js";

const skip = !CHROMIUM && process.env.TSJAX_REQUIRE_WEBGPU !== "1";
describe.skipIf(skip)(`WebGPU kernels in headless Chromium${skip ? ` (skipped: ${SKIP})` : ""}`, () => {
  let tmp: string, server: http.Server, report: Report;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error(SKIP);
    tmp = makeTmp("webgpu-browser");
    const { build } = await import("vite");
    await build({ root: path.join(ROOT, "test/webgpu/browser"), configFile: false, logLevel: "silent", build: { outDir: path.join(tmp, "out"), emptyOutDir: true, target: "es2022" } });
    server = await serve(path.join(tmp, "out"));
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--enable-unsafe-webgpu"] });
    try {
      const page = await browser.newPage();
      page.on("pageerror", (e) => void errors.push(String(e)));
      // (127.0.0.1 is a secure context, where navigator.gpu exists)
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => (globalThis as { __gpu?: unknown }).__gpu !== undefined, undefined, { timeout: 120_000, polling: 250 });
      report = await page.evaluate(() => (globalThis as unknown as { __gpu: Report }).__gpu);
    } finally {
      await browser.close();
    }
    console.log(`WebGPU in Chromium (${report.adapter}): ${JSON.stringify({ ...report.exactUlps, tanhExp: report.tanhExpUlps, ...report.bounded })}`);
  }, 180_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    removeTmp(tmp);
  });

  it("finds a GPU adapter through navigator.gpu and runs every kernel with no error", () => {
    expect(report.error).toBeNull();
    expect(errors).toEqual([]);
    expect(report.adapter).not.toBe("");
  });
  it("elementwise chains of + − × ÷ √ max fma equal the CPU kernels bit for bit", () => {
    expect(Object.keys(report.exactUlps)).toHaveLength(3);
    for (const [chain, u] of Object.entries(report.exactUlps)) expect(u, chain).toBe(0);
  });
  it("tanh then exp within the Node tests' bound (1 ulp each: 3 ulps for the chain)", () => {
    expect(report.tanhExpUlps).toBeLessThanOrEqual(3);
  });
  it("the fused sum, axis sum and max, and the matmul (plain and transposed) within their stated bounds", () => {
    expect(Object.keys(report.bounded)).toEqual(["fused sum", "axis sum", "axis max (exact)", "matmul", "matmul Aᵀ·B"]);
    for (const [what, r] of Object.entries(report.bounded)) expect(r, what).toBeLessThanOrEqual(1);
  });
  it("an Array on the GPU in the page: a synchronous read says to await block(), after which it reads", () => {
    expect(report.resident!.device).toBe("webgpu");
    expect(report.resident!.before).toMatch(/is on the GPU and its values are not on the host yet: `await x\.block\(\)`/);
    expect(report.resident!.after).toEqual([3, -4, 0.5]);
  });
});
