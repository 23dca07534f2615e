// examples/browser end to end: the page built with vite (through its own vite.config.ts, so
// through the tsjax plugin), served with cross-origin isolation by a small static server, opened
// in headless Chromium, where it trains its MLP on MNIST digits and plots the loss with uPlot.
// Skips where Chromium is not installed (.ci/run installs it).

import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, makeTmp, NPX, removeTmp, ROOT, run } from "./helpers.js";
import { CHROMIUM, SKIP, serve } from "./browser-helpers.js";
import type { Progress } from "../../examples/browser/src/progress.js";

if (!CHROMIUM) console.warn(`test/integration/browser.test.ts: skipped, ${SKIP}`);

// The page's defaults (6 epochs of 8,500 digits, 402 steps, seeded) measured here: loss 2.37 at the
// first step, 0.133 over the last 20 steps; 93.3% of the 1,500 held-out digits right.
const LOSS_BELOW = 0.2;
const ACCURACY_ABOVE = 0.9;

const PAGE = path.join(ROOT, "examples/browser");


/**
 * The page's globals the callbacks run there read (this file is compiled without the DOM library;
 * the callbacks are sent to the page as source, so they can reference no helper of this file).
 */
interface PageGlobals {
  __tsjax?: Progress;
  crossOriginIsolated: boolean;
  document: { querySelector(selector: string): Canvas | null };
}
interface Canvas {
  width: number;
  height: number;
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}


// The repository's typecheck leaves the page out (it needs the DOM): check it with its own tsconfig.
it("the page's sources typecheck with examples/browser/tsconfig.json", async () => {
  const r = await run(NPX, ["tsc", "-p", path.join(PAGE, "tsconfig.json")], { timeout: 60_000 });
  expect(r.stdout + r.stderr).toBe("");
  expect(r.code).toBe(0);
});

let tmp = "", server: http.Server | undefined, url = "";

/** The page built once with vite (its own vite.config.ts: through the tsjax plugin) and served. */
async function served(): Promise<string> {
  if (url) return url;
  await ensureBuilt();
  tmp = makeTmp("browser");
  const { build } = await import("vite");
  await build({ root: PAGE, configFile: path.join(PAGE, "vite.config.ts"), logLevel: "silent", build: { outDir: path.join(tmp, "out"), emptyOutDir: true } });
  server = await serve(path.join(tmp, "out"));
  return (url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  if (tmp) removeTmp(tmp);
});

/** Opens the page with `query` and waits until it has trained (or failed). */
async function trainPage(page: Page, query: string, errors: string[]): Promise<Progress> {
  page.on("console", (m) => void (m.type() === "error" && errors.push(`${m.text()} (${m.location().url})`)));
  page.on("pageerror", (e) => void errors.push(String(e)));
  await page.goto(`${await served()}${query}`);
  await page
    .waitForFunction(() => {
      const p = (globalThis as unknown as PageGlobals).__tsjax;
      return p?.done || p?.error;
    }, undefined, { timeout: 150_000, polling: 250 })
    .catch(async (e: Error) => {
      throw new Error(`the page did not finish training: ${e.message}\nstatus: ${await page.textContent("#status")}\npage errors: ${errors.join("\n") || "none"}`);
    });
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__tsjax!);
}

describe.skipIf(!CHROMIUM)(`examples/browser in headless Chromium${CHROMIUM ? "" : ` (skipped: ${SKIP})`}`, () => {
  let browser: Browser, page: Page;
  const errors: string[] = [];
  let progress: Progress, isolated: boolean, statusText: string, wall: number;

  beforeAll(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    const t0 = Date.now();
    progress = await trainPage(page, "", errors);
    wall = (Date.now() - t0) / 1000;
    isolated = await page.evaluate(() => (globalThis as unknown as PageGlobals).crossOriginIsolated);
    statusText = (await page.textContent("#status")) ?? "";
    console.log(`browser example: ${progress.step} steps in ${progress.seconds.toFixed(1)} s of training (${wall.toFixed(1)} s with loading), final loss ${progress.loss.toFixed(4)}, test accuracy ${((progress.accuracy ?? 0) * 100).toFixed(2)}%`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("trains to completion with no errors on the page, cross-origin isolated", async () => {
    expect(progress.error).toBeNull();
    expect(errors).toEqual([]);
    expect(progress.device).toBe("cpu");
    expect(isolated).toBe(true);
    expect(progress.done).toBe(true);
    expect(await page.getAttribute("#status", "data-state")).toBe("done");
    expect(progress.step).toBe(progress.steps);
    expect(progress.losses).toHaveLength(progress.steps);
  });

  it("the loss falls and the held-out digits are recognised", () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = progress.losses[0], last = mean(progress.losses.slice(-20));
    expect(first).toBeGreaterThan(1.5); // about ln 10 = 2.3 for ten classes at initialization
    expect(last).toBeLessThan(LOSS_BELOW);
    expect(last).toBeLessThan(first / 2);
    expect(progress.losses.every(Number.isFinite)).toBe(true);
    expect(progress.accuracy).toBeGreaterThan(ACCURACY_ABOVE);
    expect(statusText).toContain(`test accuracy ${(progress.accuracy! * 100).toFixed(2)}%`);
  });

  it("the uPlot chart is drawn: a canvas of nonzero size with the loss line on it", async () => {
    const drawn = await page.evaluate(() => {
      const canvas = (globalThis as unknown as PageGlobals).document.querySelector("#chart .uplot canvas");
      if (!canvas) return null;
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      // the series' stroke is steelblue (70, 130, 180): count the pixels of that hue
      let line = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 3] > 0 && Math.abs(data[i] - 70) < 40 && Math.abs(data[i + 1] - 130) < 40 && Math.abs(data[i + 2] - 180) < 40) line++;
      return { width: canvas.width, height: canvas.height, line };
    });
    expect(drawn).not.toBeNull();
    expect(drawn!.width).toBeGreaterThan(300);
    expect(drawn!.height).toBeGreaterThan(200);
    expect(drawn!.line).toBeGreaterThan(drawn!.width / 2); // a line across the plot, not a few stray pixels
  });
});

// ?device=webgpu: the same page training on the GPU (Chromium's WebGPU; its SwiftShader adapter
// where there is no GPU), against the same short run on the CPU: the losses step for step.
const GPU_RUN = "?epochs=2&train=2560&test=500";
describe.skipIf(!CHROMIUM)(`examples/browser on WebGPU in headless Chromium${CHROMIUM ? "" : ` (skipped: ${SKIP})`}`, () => {
  let browser: Browser;
  const errors: string[] = [];
  let gpu: Progress, cpu: Progress;

  beforeAll(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--enable-unsafe-webgpu"] });
    gpu = await trainPage(await browser.newPage(), `${GPU_RUN}&device=webgpu`, errors);
    cpu = await trainPage(await browser.newPage(), GPU_RUN, errors);
    const worst = Math.max(...gpu.losses.map((l, i) => Math.abs(l - cpu.losses[i]) / cpu.losses[i]));
    console.log(`browser example on WebGPU: ${gpu.step} steps in ${gpu.seconds.toFixed(1)} s (CPU ${cpu.seconds.toFixed(1)} s), final loss ${gpu.loss.toFixed(4)}, test accuracy ${((gpu.accuracy ?? 0) * 100).toFixed(2)}%, largest relative loss difference from the CPU ${worst.toExponential(2)}`);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("trains to completion on the GPU with no errors on the page", () => {
    expect(gpu.error).toBeNull();
    expect(errors).toEqual([]);
    expect(gpu.device).toBe("webgpu");
    expect(gpu.done).toBe(true);
    expect(gpu.losses).toHaveLength(gpu.steps);
  });

  it("its losses are the CPU's step for step (float32 sums in another order), and it learns", () => {
    expect(cpu.device).toBe("cpu");
    expect(gpu.losses).toHaveLength(cpu.losses.length);
    for (let i = 0; i < cpu.losses.length; i++) expect(Math.abs(gpu.losses[i] - cpu.losses[i]), `step ${i}`).toBeLessThanOrEqual(1e-5 * cpu.losses[i]);
    expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0] / 2);
    expect(Math.abs(gpu.accuracy! - cpu.accuracy!)).toBeLessThanOrEqual(0.01);
  });
});
