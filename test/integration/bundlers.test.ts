// webpack, rspack and esbuild + the built tsjax plugins (tsjax/webpack, tsjax/rspack,
// tsjax/esbuild): the fixtures/bundlers project (main.ts calls grad and valueAndGrad on model.ts's
// functions) bundled through each bundler's JS API, run with node, and compared with the same
// project built by rollup; a non-differentiable call (bad.ts) fails each build with the tsjax
// diagnostic at its file, line and column.

import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixture, ensureBuilt, FIXTURES, lineOf, makeTmp, originalLines, removeTmp, runNode, type RawSourceMap, type RunResult } from "./helpers.js";

const DIR = path.join(FIXTURES, "bundlers");
const MAIN = path.join(DIR, "main.ts");
const MODEL = path.join(DIR, "model.ts");
const BAD = path.join(DIR, "bad.ts");
const isTsjax = /^tsjax(\/|$)/;
// loss = 0.5·Σ(w·x)², w=[1,2,3], x=[2,−1,.5]: ∂/∂w = w·x² = [4, 2, 0.75]
// poly = x³ − 2x at 2: 4, derivative 3x² − 2 = 10
const EXPECTED = "dloss/dw [4.   2.   0.75]\npoly 4 10\n";

let tmp: string;
let rolled: RunResult;

/** What a build left: the bundle (when it built) and the errors as the bundler reports them. */
interface Built {
  file?: string;
  errors: { message: string; file?: string; line?: number; column?: number }[];
  /** The bundler's own rendering of the errors. */
  printed: string;
}

type Build = (entry: string, out: string) => Promise<Built>;

const esbuild: Build = async (entry, out) => {
  const { build } = await import("esbuild");
  const { default: tsjax } = await import("tsjax/esbuild");
  const file = path.join(out, "main.mjs");
  try {
    await build({ entryPoints: [entry], outfile: file, bundle: true, format: "esm", platform: "node", external: ["tsjax", "tsjax/*"], sourcemap: true, logLevel: "silent", plugins: [tsjax()] });
    return { file, errors: [], printed: "" };
  } catch (e) {
    const err = e as Error & { errors: { text: string; location: { file: string; line: number; column: number } | null }[] };
    return { errors: err.errors.map((m) => ({ message: m.text, file: m.location ? path.resolve(m.location.file) : undefined, line: m.location?.line, column: m.location?.column })), printed: err.message };
  }
};

/** webpack and rspack take the same configuration; the TypeScript loader is each one's usual. */
function webpackLike(name: "webpack" | "rspack"): Build {
  return async (entry, out) => {
    const tsRule =
      name === "webpack"
        ? { test: /\.ts$/, loader: path.join(DIR, "transpile-loader.cjs") }
        : { test: /\.ts$/, loader: "builtin:swc-loader", options: { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }, type: "javascript/auto" };
    const config = {
      mode: "none" as const,
      target: "node20" as const,
      context: DIR,
      entry,
      devtool: "source-map" as const,
      output: { path: out, filename: "main.mjs", module: true, chunkFormat: "module" as const, library: { type: "module" } },
      externalsType: "module" as const,
      externals: [isTsjax],
      resolve: { extensions: [".ts", ".js"], extensionAlias: { ".js": [".ts", ".js"] } },
      module: { rules: [tsRule] },
    };
    type Stats = { hasErrors(): boolean; toJson(o: object): { errors?: { message: string; moduleName?: string }[] }; toString(o: object): string };
    type Compiler = { run(cb: (err: Error | null, stats?: Stats) => void): void; close(cb: () => void): void };
    let compiler: Compiler;
    if (name === "webpack") {
      const { default: webpack } = await import("webpack");
      const { default: tsjax } = await import("tsjax/webpack");
      // (ES module output is still an experiment in webpack 5, and no longer one in rspack 2)
      compiler = webpack({ ...config, experiments: { outputModule: true }, plugins: [tsjax()] }) as unknown as Compiler;
    } else {
      const { rspack } = await import("@rspack/core");
      const { default: tsjax } = await import("tsjax/rspack");
      compiler = rspack({ ...config, plugins: [tsjax()] }) as unknown as Compiler;
    }
    const stats = await new Promise<Stats>((resolve, reject) => compiler.run((err, s) => (err ? reject(err) : resolve(s!))));
    await new Promise<void>((resolve) => compiler.close(resolve));
    // (rspack renders each message in a gutter, `  × ` then `  │ ` on each line, and colours
    // it where it guesses a colour terminal, as on CI machines: both taken off)
    const unwrap = (m: string) => (name === "rspack" ? m.replace(/\x1b\[[0-9;]*m/g, "").replace(/^ {2}[×│] ?/gm, "") : m);
    const errors = (stats.toJson({ all: false, errors: true }).errors ?? []).map((e) => ({ message: unwrap(e.message), file: e.moduleName && path.resolve(DIR, e.moduleName) }));
    return { file: stats.hasErrors() ? undefined : path.join(out, "main.mjs"), errors, printed: stats.toString({ all: false, errors: true, colors: false }) };
  };
}

/** Per bundler: how it is run, and the bundle's line (a regex) of the derivative's first statement. */
const BUNDLERS = [
  { name: "esbuild", build: esbuild, derivative: /const p\d* = __tsjax_rt\.multiply\(/ },
  // (the stand-in TypeScript loader drops the incoming source map: nothing to follow in webpack's)
  { name: "webpack", build: webpackLike("webpack"), derivative: null },
  { name: "rspack", build: webpackLike("rspack"), derivative: /const p = tsjax_internal__rspack_import_\d+\.multiply\(/ },
] as const;

beforeAll(async () => {
  await ensureBuilt();
  tmp = makeTmp("bundlers");
  // the same project through rollup: what every bundle must print
  const { rollup } = await import("rollup");
  const { default: tsjax } = await import("tsjax/rollup");
  const bundle = await rollup({ input: MAIN, external: (id: string) => isTsjax.test(id), plugins: [tsjax()], onwarn: () => {} });
  await bundle.write({ file: path.join(tmp, "rollup/main.mjs"), format: "es" });
  await bundle.close();
  rolled = await runNode(path.join(tmp, "rollup/main.mjs"));
}, 120_000);

afterAll(() => removeTmp(tmp));

it("rollup's build of the fixture prints the hand-derived gradients", () => {
  expect(rolled.stderr).toBe("");
  expect(rolled.stdout).toBe(EXPECTED);
});

for (const { name, build, derivative } of BUNDLERS) {
  describe(`${name} + tsjax/${name}`, () => {
    let built: Built;
    let code: string;
    beforeAll(async () => {
      built = await build(MAIN, path.join(tmp, name));
      code = built.file ? fs.readFileSync(built.file, "utf8") : "";
    }, 60_000);

    it("builds with no errors, the derivatives inline (no grad call left)", () => {
      expect(built.printed).toBe("");
      expect(built.errors).toEqual([]);
      expect(code).toMatch(/from "tsjax\/internal"|from 'tsjax\/internal'/);
      // (webpack and rspack call imports as `(0, ns.grad)(…)`)
      expect(code).not.toMatch(/\b(grad|valueAndGrad)\)?\(/);
    });

    it("the bundle runs and prints the gradients rollup's build prints", async () => {
      const ran = await runNode(built.file!);
      expect(ran.stderr).toBe("");
      expect(ran.code).toBe(0);
      expect(ran.stdout).toBe(rolled.stdout);
    });

    it.runIf(derivative)("maps the derivative's statements to the model.ts lines they differentiate", () => {
      const map = JSON.parse(fs.readFileSync(`${built.file}.map`, "utf8")) as RawSourceMap;
      // webpack-like maps name sources `webpack:///./model.ts`, relative to the context
      const local = { ...map, sources: map.sources.map((s) => s && s.replace(/^webpack:\/\/\/\.\//, `${DIR}/`)) };
      const gen = lineOf(code, derivative!);
      const src = lineOf(fs.readFileSync(MODEL, "utf8"), "const p = jnp.multiply(w, x);");
      expect(originalLines(local, path.dirname(built.file!), gen)).toContainEqual({ source: MODEL, line: src });
    });

    it("a non-differentiable call fails the build with the tsjax diagnostic at bad.ts(6,14)", async () => {
      const failed = await build(BAD, path.join(tmp, `${name}-bad`));
      expect(failed.file).toBeUndefined();
      expect(failed.errors).toHaveLength(1);
      const [e] = failed.errors;
      expect(e.file).toBe(BAD);
      expect(e.message).toMatch(/bundlers\/bad\.ts\(6,14\): error TS99001: tsjax: Math\.random is not differentiable/);
      // the code frame, in the message: webpack and rspack have no field of their own for it
      expect(e.message).toContain("6 |   return y + Math.random() * x;\n  |              ~~~~~~~~~~~");
      expect(failed.printed).toMatch(/TS99001: tsjax: Math\.random is not differentiable/);
      if (name === "esbuild") {
        // esbuild's own location, printed as file:line:col (column 0-based)
        expect(e).toMatchObject({ line: 6, column: 13 });
        expect(failed.printed).toMatch(/bundlers\/bad\.ts:6:13: ERROR: \[plugin: tsjax\]/);
      } else expect(failed.printed).toMatch(/ERROR in \.\/bad\.ts\n/);
    });
  });
}

describe("esbuild: a rebuild after an edit of the callee's file", () => {
  it("re-reads model.ts (esbuild reports no changed files) and prints the new gradients", async () => {
    const { context } = await import("esbuild");
    const { default: tsjax } = await import("tsjax/esbuild");
    const dir = copyFixture("bundlers", path.join(tmp, "esbuild-rebuild"));
    const out = path.join(dir, "out.mjs");
    const ctx = await context({ entryPoints: [path.join(dir, "main.ts")], outfile: out, bundle: true, format: "esm", platform: "node", external: ["tsjax", "tsjax/*"], logLevel: "silent", plugins: [tsjax()] });
    try {
      await ctx.rebuild();
      expect((await runNode(out)).stdout).toBe(EXPECTED);
      const model = path.join(dir, "model.ts");
      fs.writeFileSync(model, fs.readFileSync(model, "utf8").replace("scale = 0.5", "scale = 1").replace("x ** 3 - 2 * x", "x ** 3"));
      await ctx.rebuild();
      // loss doubles with scale: [8, 4, 1.5]; poly = x³ at 2: 8, derivative 3x² = 12
      expect((await runNode(out)).stdout).toBe("dloss/dw [8.  4.  1.5]\npoly 8 12\n");
    } finally {
      await ctx.dispose();
    }
  }, 60_000);
});

describe("vite + tsjax/vite", () => {
  it("an SSR build of the fixture prints the gradients rollup's build prints", async () => {
    const vite = await import("vite");
    const { default: tsjax } = await import("tsjax/vite");
    const outDir = path.join(tmp, "vite");
    await vite.build({
      root: DIR,
      configFile: false,
      logLevel: "silent",
      plugins: [tsjax()],
      build: { ssr: MAIN, outDir, emptyOutDir: false, minify: false },
      ssr: { external: ["tsjax"] },
    });
    const ran = await runNode(path.join(outDir, "main.js"));
    expect(ran.stderr).toBe("");
    expect(ran.stdout).toBe(rolled.stdout);
  }, 60_000);
});
