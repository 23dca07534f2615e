// tsjax installs next to whatever TypeScript a project pins: the transformer brings its own
// TypeScript 6 (a dependency, not a peer), so a project on TypeScript 7 (the native compiler,
// `npm i typescript` today) or 5.x installs the packed tarball without a peer conflict and
// builds through the rollup plugin. Needs the npm registry (as `npm ci` does). Also what the
// tarball holds (what `npm publish` would ship).

import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, makeTmp, removeTmp, ROOT, run, runNode } from "./helpers.js";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
let tmp: string;
let tarball: string;

beforeAll(async () => {
  await ensureBuilt();
  tmp = makeTmp("tsversions");
  const packed = await run(NPM, ["pack", "--ignore-scripts", "--pack-destination", tmp], { cwd: ROOT, timeout: 120_000 });
  expect(packed.code, packed.stderr).toBe(0);
  tarball = path.join(tmp, packed.stdout.trim().split("\n").pop()!);
}, 180_000);

afterAll(() => removeTmp(tmp));

const MAIN = `import { grad, numpy as jnp } from "tsjax";
import type { Array } from "tsjax";
const f = (x: Array) => jnp.sum(jnp.tanh(x));
console.log(String(grad(f)(jnp.array([0, 1]))));
`;
const ROLLUP_CONFIG = `import tsjax from "tsjax/rollup";
export default { input: "src/main.ts", output: { file: "out/main.mjs", format: "es" }, external: [/^tsjax/], plugins: [tsjax()] };
`;
const rollupVersion = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/rollup/package.json"), "utf8")).version;

describe("the packed tarball", () => {
  it("holds the built package, its sources, README and LICENSE, and no examples or tests", async () => {
    const listed = await run("tar", ["tzf", tarball], { cwd: tmp });
    const files = listed.stdout.trim().split("\n");
    expect(files).toContain("package/LICENSE");
    expect(files).toContain("package/README.md");
    expect(files).toContain("package/dist/runtime/index.js");
    expect(files).toContain("package/dist/transformer/plugins/rollup.js");
    expect(files.filter((f) => /\/(examples|test|bench)\//.test(f))).toEqual([]);
  });
});

describe.each(["7.0.2", "5.9.3"])("a project pinned to typescript %s", (version) => {
  let dir: string;
  beforeAll(() => {
    dir = path.join(tmp, `ts${version}`);
    fs.mkdirSync(path.join(dir, "src"), { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "bundler", strict: true } }));
    fs.writeFileSync(path.join(dir, "src/main.ts"), MAIN);
    fs.writeFileSync(path.join(dir, "rollup.config.mjs"), ROLLUP_CONFIG);
  });

  it("installs the tarball with no peer conflict, keeps its TypeScript, and builds through the plugin", async () => {
    const inst = await run(NPM, ["install", "--no-audit", "--no-fund", "--ignore-scripts", `typescript@${version}`, `rollup@${rollupVersion}`, tarball], { cwd: dir, timeout: 240_000 });
    expect(inst.code, inst.stderr).toBe(0);
    expect(inst.stderr).not.toMatch(/ERESOLVE/);
    // the project's own TypeScript is the one it pinned; the transformer's is its own 6.x
    expect(JSON.parse(fs.readFileSync(path.join(dir, "node_modules/typescript/package.json"), "utf8")).version).toBe(version);
    const own = path.join(dir, "node_modules/tsjax/node_modules/typescript/package.json");
    expect(JSON.parse(fs.readFileSync(own, "utf8")).version).toMatch(/^6\.0\./);
    const built = await run(process.execPath, [path.join(dir, "node_modules/rollup/dist/bin/rollup"), "-c", "--silent"], { cwd: dir, timeout: 120_000 });
    expect(built.code, built.stderr).toBe(0);
    const ran = await runNode(path.join(dir, "out/main.mjs"), { cwd: dir });
    expect(ran.stderr).toBe("");
    // d/dx Σ tanh(x) = 1 − tanh²(x): 1 at 0, 0.41997434 at 1 (float32)
    expect(ran.stdout).toBe("[1.        0.4199743]\n");
  }, 300_000);
});
