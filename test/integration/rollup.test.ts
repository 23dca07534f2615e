// rollup + the built tsjax/rollup plugin: a two-file fixture (model.ts exports a loss and a
// constant the loss reads; main.ts calls grad on it), bundled, written to a temp dir and run.

import * as fs from "node:fs";
import * as path from "node:path";
import type { RollupError } from "rollup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, FIXTURES, lineOf, makeTmp, originalLines, removeTmp, runNode, type RawSourceMap, type RunResult } from "./helpers.js";

type Plugin = typeof import("../../transformer/plugins/rollup.js").default;
let tsjax: Plugin;
let rollup: typeof import("rollup").rollup;
let tmp: string;
let code: string, map: RawSourceMap, ran: RunResult;

const MAIN = path.join(FIXTURES, "bundle/main.ts");
const MODEL = path.join(FIXTURES, "bundle/model.ts");

const warnings: string[] = [];
const onwarn = (w: { code?: string; message?: string }) => {
  warnings.push(`${w.code}: ${w.message}`);
};

beforeAll(async () => {
  await ensureBuilt();
  ({ default: tsjax } = await import("tsjax/rollup"));
  ({ rollup } = await import("rollup"));
  tmp = makeTmp("rollup");
  const bundle = await rollup({ input: MAIN, external: (id: string) => id === "tsjax" || id.startsWith("tsjax/"), plugins: [tsjax()], onwarn });
  await bundle.write({ file: path.join(tmp, "main.js"), format: "es", sourcemap: true });
  await bundle.close();
  code = fs.readFileSync(path.join(tmp, "main.js"), "utf8");
  map = JSON.parse(fs.readFileSync(path.join(tmp, "main.js.map"), "utf8"));
  ran = await runNode(path.join(tmp, "main.js"));
}, 120_000);

afterAll(() => removeTmp(tmp));

describe("rollup + tsjax/rollup", () => {
  it("warns of nothing (the imports of compiled-away transforms are dropped)", () => {
    expect(warnings).toEqual([]);
  });
  it("resolves the package's own exports (tsjax/rollup → dist/transformer/plugins/rollup.js)", async () => {
    expect(import.meta.resolve?.("tsjax/rollup") ?? "").toMatch(/dist\/transformer\/plugins\/rollup\.js$/);
    expect(typeof tsjax).toBe("function");
  });

  it("bundles the derivative inline, importing the captured constant's module", () => {
    expect(code).toMatch(/^import \* as __tsjax_rt from 'tsjax\/internal';/m);
    expect(code).not.toMatch(/\bgrad\(loss\)/);
    expect(code).toMatch(/const weight = 2\.5;/); // model.ts's constant, bundled once
    expect(code).toMatch(/__tsjax_rt\.multiply\(weight, /); // read by the generated code
  });

  it("the bundle runs and prints the gradients", () => {
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    // loss = 2.5·Σ(w·x − y)², w=[1,−2,.5], x=[2,1,4], y=1: ∂/∂w = 5·(w·x − y)·x = [10, −15, 20]
    // cube = 2.5·x³ at 2: 20, derivative 7.5·x² = 30
    expect(ran.stdout).toBe("dloss/dw [ 10. -15.  20.]\ncube 20 30\nsquare 9\n");
  });

  it("emits a source map whose sources are the .ts files", () => {
    expect(map.version).toBe(3);
    expect(map.mappings.length).toBeGreaterThan(0);
    const sources = map.sources.map((s) => path.resolve(tmp, map.sourceRoot ?? "", s!));
    expect(sources).toEqual(expect.arrayContaining([MAIN, MODEL]));
  });

  it("maps the generated derivative back to the grad call in main.ts", () => {
    const gen = lineOf(code, "const dloss = ((w, x, y) => {");
    const src = lineOf(fs.readFileSync(MAIN, "utf8"), "const dloss = grad(loss);");
    expect(originalLines(map, tmp, gen)).toContainEqual({ source: MAIN, line: src });
    // and the untouched code around it still maps line for line
    expect(originalLines(map, tmp, lineOf(code, 'console.log("cube"'))).toEqual([
      { source: MAIN, line: lineOf(fs.readFileSync(MAIN, "utf8"), 'console.log("cube"') },
    ]);
  });

  it("maps a statement of the derivative body to the model.ts line it differentiates", () => {
    const gen = lineOf(code, "const r = __tsjax_rt.subtract(multiply, y);");
    const src = lineOf(fs.readFileSync(MODEL, "utf8"), "const r = jnp.subtract(");
    expect(originalLines(map, tmp, gen)).toContainEqual({ source: MODEL, line: src });
  });
});

describe("rollup: tsjax diagnostics reject the build", () => {
  const build = async (entry: string): Promise<RollupError> => {
    const err = await rollup({ input: path.join(FIXTURES, "bundle-diag", entry), external: (id: string) => id === "tsjax" || id.startsWith("tsjax/"), plugins: [tsjax()], onwarn }).then(
      () => null,
      (e: RollupError) => e,
    );
    if (!err) throw new Error(`rollup built ${entry}, expected a tsjax diagnostic`);
    return err;
  };

  it("a non-differentiable call (Math.random): message with file(line,col), and loc", async () => {
    const e = await build("noisy.ts");
    const file = path.join(FIXTURES, "bundle-diag/noisy.ts");
    expect(e.plugin).toBe("tsjax");
    expect(e.loc).toEqual({ file, line: 6, column: 13 });
    expect(e.message).toMatch(/bundle-diag\/noisy\.ts\(6,14\): error TS99001: tsjax: Math\.random is not differentiable/);
  });

  it("a non-exported capture in another file: reported where it is, in lib.ts", async () => {
    const e = await build("capture.ts");
    // loc, when given, must be lib.ts's (rollup would print it against the importer)
    if (e.loc) expect(e.loc).toEqual({ file: path.join(FIXTURES, "bundle-diag/lib.ts"), line: 5, column: 14 });
    expect(e.message).toMatch(/bundle-diag\/lib\.ts\(5,15\): error TS99001: tsjax: 'offset' \(declared in lib\.ts\) is captured .* not exported/);
  });

  it("the location rollup prints for a cross-file diagnostic names that file", async () => {
    const e = await build("capture.ts");
    expect(e.message).not.toMatch(/capture\.ts \(5:14\)/);
  });
});

describe("plain rollup compiles files without tsjax calls as the project's tsconfig says", () => {
  let dir: string;
  let out: RunResult;
  beforeAll(async () => {
    dir = makeTmp("rollup-tsconfig");
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "es2019", module: "esnext", moduleResolution: "bundler", experimentalDecorators: true, jsx: "react", jsxFactory: "h", strict: true } }),
    );
    // a legacy (experimentalDecorators) decorator: as new-style decorators it would throw
    fs.writeFileSync(
      path.join(dir, "deco.ts"),
      `function twice(_t: object, _k: string, d: PropertyDescriptor) {\n  const f = d.value;\n  d.value = function (this: unknown, x: number) { return 2 * f.call(this, x); };\n}\nexport class K {\n  @twice\n  f(x: number) { return x + 1; }\n}\n`,
    );
    // JSX with the project's factory: the bundle would not parse if it stayed JSX
    fs.writeFileSync(path.join(dir, "view.tsx"), `export function h(tag: string, _p: unknown, ...kids: unknown[]) { return \`<\${tag}>\${kids.join("")}</\${tag}>\`; }\nexport const view = (n: number) => <b>{n}</b>;\n`);
    fs.writeFileSync(
      path.join(dir, "main.ts"),
      `import { grad } from "tsjax";\nimport { K } from "./deco.js";\nimport { view } from "./view.js";\nconst d = grad((x: number) => x * x);\nconsole.log(new K().f(1), view(d(3)));\n`,
    );
    const bundle = await rollup({ input: path.join(dir, "main.ts"), external: (id: string) => id === "tsjax" || id.startsWith("tsjax/"), plugins: [tsjax({ tsconfig: path.join(dir, "tsconfig.json") })], onwarn });
    await bundle.write({ file: path.join(dir, "out.js"), format: "es" });
    await bundle.close();
    out = await runNode(path.join(dir, "out.js"));
  }, 120_000);
  afterAll(() => removeTmp(dir));
  it("legacy decorators stay legacy, JSX goes through the configured factory", () => {
    expect(out.stderr).toBe("");
    expect(out.stdout.trim()).toBe("4 <b>6</b>");
  });
});
