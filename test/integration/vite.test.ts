// vite 8 + the built tsjax/rollup plugin: an SSR build of the two-file fixture (run with node),
// and the dev server in middleware mode (no ports) loading the entry with ssrLoadModule.

import * as fs from "node:fs";
import * as path from "node:path";
import type { ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLog, ensureBuilt, FIXTURES, lineOf, makeTmp, originalLines, removeTmp, runNode, type RawSourceMap, type RunResult } from "./helpers.js";

type Plugin = typeof import("../../transformer/plugins/rollup.js").default;
let tsjax: Plugin;
let vite: typeof import("vite");
let tmp: string;

const ROOT = path.join(FIXTURES, "bundle");
const MAIN = path.join(ROOT, "main.ts");
const MODEL = path.join(ROOT, "model.ts");
const EXPECTED = ["dloss/dw [ 10. -15.  20.]", "cube 20 30", "square 9"];

beforeAll(async () => {
  await ensureBuilt();
  ({ default: tsjax } = await import("tsjax/rollup"));
  vite = await import("vite");
  tmp = makeTmp("vite");
}, 120_000);

afterAll(() => removeTmp(tmp));

describe("vite build (SSR) with plugins: [tsjax()]", () => {
  let code: string, map: RawSourceMap, ran: RunResult;
  beforeAll(async () => {
    await vite.build({
      root: ROOT,
      configFile: false,
      logLevel: "silent",
      plugins: [tsjax()],
      build: { ssr: MAIN, outDir: path.join(tmp, "out"), emptyOutDir: false, sourcemap: true, minify: false },
      ssr: { external: ["tsjax"] },
    });
    code = fs.readFileSync(path.join(tmp, "out/main.js"), "utf8");
    map = JSON.parse(fs.readFileSync(path.join(tmp, "out/main.js.map"), "utf8"));
    ran = await runNode(path.join(tmp, "out/main.js"));
  }, 90_000);

  it("the built entry contains the derivative and prints the gradients", () => {
    expect(code).toMatch(/__tsjax_rt\.subtract\(/);
    expect(code).not.toMatch(/\bgrad\(loss\)/);
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe(EXPECTED.join("\n") + "\n");
  });

  it("emits a source map with mappings into the .ts sources", () => {
    expect(map.mappings.length).toBeGreaterThan(0);
    const mapDir = path.join(tmp, "out");
    // model.ts is compiled by vite itself (no grad call in it): its lines map home
    expect(originalLines(map, mapDir, lineOf(code, "var weight = 2.5"))).toContainEqual({ source: MODEL, line: lineOf(fs.readFileSync(MODEL, "utf8"), "export const weight = 2.5") });
  });

  it("every source in the map is a real file, and the derivative maps to main.ts / model.ts", () => {
    const mapDir = path.join(tmp, "out");
    for (const s of map.sources) expect(fs.existsSync(path.resolve(mapDir, map.sourceRoot ?? "", s!)), s!).toBe(true);
    expect(originalLines(map, mapDir, lineOf(code, "var dloss = ((w, x, y) => {"))).toContainEqual({ source: MAIN, line: lineOf(fs.readFileSync(MAIN, "utf8"), "const dloss = grad(loss);") });
    expect(originalLines(map, mapDir, lineOf(code, "const r = __tsjax_rt.subtract(multiply, y);"))).toContainEqual({ source: MODEL, line: lineOf(fs.readFileSync(MODEL, "utf8"), "const r = jnp.subtract(") });
  });
});

describe("vite build with a tsjax diagnostic", () => {
  it("the header names the file the diagnostic is in (not its caller), and no bundler internals follow", async () => {
    const root = path.join(FIXTURES, "bundle-diag");
    const err = await vite
      .build({
        root,
        configFile: false,
        logLevel: "silent",
        plugins: [tsjax()],
        build: { ssr: path.join(root, "capture.ts"), outDir: path.join(tmp, "diag-out"), write: false },
        ssr: { external: ["tsjax"] },
      })
      .then(
        () => null,
        (e: Error) => e,
      );
    const lib = path.join(root, "lib.ts");
    expect(err?.message).toContain(`[plugin tsjax] ${lib}:5:14\n`);
    expect(err?.message).toMatch(/lib\.ts\(5,15\): error TS99001: tsjax: 'offset' \(declared in lib\.ts\) is captured/);
    expect(err?.message).toContain("5 |   return (x - offset) ** 2;");
    expect(err?.message).not.toMatch(/capture\.ts:\d|rolldown|node_modules|\n\s+at /);
  }, 60_000);
});

describe("vite dev server (middleware mode) + ssrLoadModule", () => {
  let server: ViteDevServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it("loads the entry through the plugin and computes the gradients", async () => {
    server = await vite.createServer({
      root: ROOT,
      configFile: false,
      logLevel: "silent",
      plugins: [tsjax()],
      appType: "custom",
      server: { middlewareMode: true, hmr: false, watch: null },
      ssr: { external: ["tsjax"] },
      optimizeDeps: { noDiscovery: true, include: [] },
    });
    const lines = await captureLog(() => server!.ssrLoadModule("/main.ts"));
    expect(lines).toEqual(EXPECTED);
    const mod = await server.moduleGraph.getModuleByUrl("/main.ts", true);
    expect(mod?.ssrTransformResult?.code).toMatch(/__vite_ssr_import_\d+__\.subtract\(/);
  });

  it("a tsjax diagnostic fails the module load with the message and location", async () => {
    const dev = await vite.createServer({
      root: path.join(FIXTURES, "bundle-diag"),
      configFile: false,
      logLevel: "silent",
      plugins: [tsjax()],
      appType: "custom",
      server: { middlewareMode: true, hmr: false, watch: null },
      ssr: { external: ["tsjax"] },
      optimizeDeps: { noDiscovery: true, include: [] },
    });
    try {
      const err = await dev.ssrLoadModule("/noisy.ts").then(
        () => null,
        (e: { message: string; loc?: unknown; plugin?: string }) => e,
      );
      expect(err?.message).toMatch(/bundle-diag\/noisy\.ts\(6,14\): error TS99001: tsjax: Math\.random is not differentiable/);
      expect(err?.loc).toMatchObject({ file: path.join(FIXTURES, "bundle-diag/noisy.ts"), line: 6, column: 13 });
      // a diagnostic in another file than the one transformed: vite follows loc.file
      const err2 = await dev.ssrLoadModule("/capture.ts").then(
        () => null,
        (e: { message: string; loc?: unknown; id?: string }) => e,
      );
      expect(err2?.message).toMatch(/bundle-diag\/lib\.ts\(5,15\): error TS99001: tsjax: 'offset' \(declared in lib\.ts\) is captured/);
      expect(err2?.loc).toMatchObject({ file: path.join(FIXTURES, "bundle-diag/lib.ts"), line: 5, column: 14 });
      expect(err2?.id).toBe(path.join(FIXTURES, "bundle-diag/lib.ts"));
    } finally {
      await dev.close();
    }
  });
});
