// Watch mode: main.ts calls grad(loss) and loss lives in loss.ts. The derivative of loss is
// inlined into main.ts's output, so editing loss.ts must re-transform main.ts (the plugin registers
// the callee with this.addWatchFile). The fixture is copied into a temp dir, which is edited.

import * as fs from "node:fs";
import * as path from "node:path";
import type { RollupWatcher, RollupWatcherEvent } from "rollup";
import type { ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLog, copyFixture, ensureBuilt, makeTmp, removeTmp, runNode, waitFor } from "./helpers.js";

type Plugin = typeof import("../../transformer/plugins/rollup.js").default;
let tsjax: Plugin;
let tmp: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// loss = k·x² with k = 2 → d/dx at 3 = 12;  k·x³ → 54;  k·x⁴ → 216
const EDITS = [
  ["k * x ** 2", 12],
  ["k * x ** 3", 54],
  ["k * x ** 4", 216],
] as const;

function setLoss(dir: string, formula: string) {
  const file = path.join(dir, "loss.ts");
  const src = fs.readFileSync(file, "utf8").replace(/return k \* x \*\* \d;/, `return ${formula};`);
  fs.writeFileSync(file, src);
}

beforeAll(async () => {
  await ensureBuilt();
  ({ default: tsjax } = await import("tsjax/rollup"));
  tmp = makeTmp("watch");
}, 120_000);

afterAll(() => removeTmp(tmp));

describe("rollup.watch", () => {
  let watcher: RollupWatcher | undefined;
  afterAll(async () => {
    await watcher?.close();
  });

  it("rebuilds the caller when the callee file changes, with the new gradient", async () => {
    const { watch } = await import("rollup");
    const dir = copyFixture("watch", path.join(tmp, "rollup"));
    const out = path.join(dir, "out/main.js");
    const events: RollupWatcherEvent[] = [];
    watcher = watch({
      input: path.join(dir, "main.ts"),
      external: (id: string) => id === "tsjax" || id.startsWith("tsjax/"),
      plugins: [tsjax()],
      onwarn: () => {},
      output: { file: out, format: "es" },
      watch: { buildDelay: 0, clearScreen: false },
    });
    watcher.on("event", (e) => {
      events.push(e);
      if (e.code === "BUNDLE_END") void e.result.close();
    });
    const ends = () => events.filter((e) => e.code === "END").length;
    const errors = () => events.filter((e) => e.code === "ERROR").map((e) => (e as { error: Error }).error.message);

    await waitFor(() => ends() >= 1 || errors().length, "the first rollup build", 30_000);
    expect(errors()).toEqual([]);
    expect((await runNode(out)).stdout).toBe(`slope=${EDITS[0][1]}\n`);

    for (const [formula, slope] of EDITS.slice(1)) {
      const before = ends();
      await sleep(200); // let the watcher settle after the build
      setLoss(dir, formula);
      await waitFor(() => ends() > before || errors().length, `a rebuild after loss.ts → ${formula}`, 20_000);
      expect(errors()).toEqual([]);
      expect((await runNode(out)).stdout).toBe(`slope=${slope}\n`);
    }
  }, 90_000);
});

describe("vite dev server: editing the callee", () => {
  let server: ViteDevServer | undefined;
  let dir: string;
  afterAll(async () => {
    await server?.close();
  });

  beforeAll(async () => {
    const vite = await import("vite");
    dir = copyFixture("watch", path.join(tmp, "vite"));
    server = await vite.createServer({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins: [tsjax()],
      appType: "custom",
      // the file watcher stays on (it feeds the plugin's watchChange); no HMR socket, no port
      server: { middlewareMode: true, hmr: false },
      ssr: { external: ["tsjax"] },
      optimizeDeps: { noDiscovery: true, include: [] },
    });
    await captureLog(() => server!.ssrLoadModule("/main.ts")); // warm
  }, 60_000);

  const slope = async () => {
    let mod: Record<string, unknown> = {};
    await captureLog(async () => (mod = await server!.ssrLoadModule("/main.ts")));
    return mod.slope;
  };

  /** Edit loss.ts and wait until vite's watcher has seen the change. */
  const edit = async (formula: string) => {
    const file = path.join(dir, "loss.ts");
    const seen = new Promise<void>((resolve) => {
      const on = (f: string) => {
        if (path.resolve(f) !== file) return;
        server!.watcher.off("change", on);
        resolve();
      };
      server!.watcher.on("change", on);
    });
    await sleep(200);
    setLoss(dir, formula);
    await Promise.race([seen, sleep(10_000).then(() => Promise.reject(new Error("vite's watcher did not report the edit of loss.ts")))]);
    await sleep(100);
  };

  it("after an edit and an explicit invalidation of the caller, ssrLoadModule gives the new gradient", async () => {
    expect(await slope()).toBe(EDITS[0][1]);
    await edit(EDITS[1][0]);
    const g = server!.environments.ssr.moduleGraph;
    for (const m of g.getModulesByFile(path.join(dir, "main.ts")) ?? []) g.invalidateModule(m);
    expect(await slope()).toBe(EDITS[1][1]);
  });

  it("after editing the callee, a plain re-ssrLoadModule of the entry gives the new gradient", async () => {
    await edit(EDITS[2][0]);
    await waitFor(async () => (await slope()) === EDITS[2][1], `slope ${EDITS[2][1]} after loss.ts → ${EDITS[2][0]}`, 5_000);
  });
});
