// tsc + ts-patch: `tspc -p` on fixture projects whose tsconfig says
// `"plugins": [{ "transform": "tsjax/transformer" }]`.
//
// The fixture sources stay in the repository, so their `import … from "tsjax"` resolves through
// the package's self-reference (dist/runtime/index.d.ts). ts-patch, however, resolves the
// `transform` with `require.resolve(spec, { paths: [projectDir] })`, which only searches
// node_modules folders and never applies a self-reference (see the skipped test below). So each
// project is compiled through a small tsconfig in a temp dir that `extends` the fixture's and
// sits next to `node_modules/tsjax` → this repository: the layout of an installed package.

import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, FIXTURES, makeTmp, NPX, removeTmp, ROOT, run, runNode, type RunResult } from "./helpers.js";

let tmp: string;
const res: Record<"tspc" | "diag" | "plain", RunResult> = {} as never;

/** A tsconfig in `tmp` extending fixture `name`'s, emitting to tmp/<outDir>. */
function wrapper(name: string, outDir: string): string {
  const file = path.join(tmp, `tsconfig.${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ extends: path.join(FIXTURES, name, "tsconfig.json"), compilerOptions: { outDir: `./${outDir}` } }));
  return file;
}

beforeAll(async () => {
  await ensureBuilt();
  tmp = makeTmp("tspc");
  const [a, b, c] = await Promise.all([
    run(NPX, ["tspc", "-p", wrapper("tspc", "out")], { timeout: 90_000 }),
    run(NPX, ["tspc", "-p", wrapper("tspc-diag", "out-diag")], { timeout: 90_000 }),
    // the same project through plain tsc (no transformer: `plugins` is ignored)
    run(NPX, ["tsc", "-p", path.join(tmp, "tsconfig.tspc.json"), "--outDir", path.join(tmp, "out-plain")], { timeout: 90_000 }),
  ]);
  Object.assign(res, { tspc: a, diag: b, plain: c });
}, 120_000);

afterAll(() => removeTmp(tmp));

describe("tspc (ts-patch 4.0.1) with tsjax/transformer", () => {
  it("loads the ESM transformer (dist/transformer/plugins/tspatch.js) and compiles cleanly", () => {
    expect(res.tspc.stdout + res.tspc.stderr).toBe("");
    expect(res.tspc.code).toBe(0);
    const main = fs.readFileSync(path.join(tmp, "out/main.js"), "utf8");
    // the calls were rewritten into explicit derivative code
    expect(main).toMatch(/import \* as __tsjax_rt from "tsjax\/internal";/);
    expect(main).toMatch(/import \{ scale as __tsjax_scale_\d+ \} from "\.\/model\.js";/);
    expect(main).not.toMatch(/\bgrad\(cubicLoss\)/);
  });

  it("the compiled program prints the right gradients", async () => {
    const r = await runNode(path.join(tmp, "out/main.js"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    // cubicLoss(x) = 3x² + x³: f'(2) = 12 + 12, f(1) = 4, f'(1) = 9
    expect(lines[0]).toBe("dcubic(2)=24");
    expect(lines[1]).toBe("value,grad(1)=4,9");
    expect(lines[2]).toBe("0.070650816");
    // arrayLoss(w, x) = sum(tanh(w·x)): ∂/∂w = x·(1 − tanh²(w·x)), ∂/∂x = w·(1 − tanh²(w·x))
    const w = [0.5, -1, 2], x = [1, 2, 3];
    const sech2 = w.map((wi, i) => 1 - Math.tanh(wi * x[i]) ** 2);
    const nums = (s: string) => s.replace(/[[\]]/g, " ").trim().split(/\s+/).map(Number);
    const gw = nums(lines[3]);
    gw.forEach((v, i) => expect(v).toBeCloseTo(x[i] * sech2[i], 5));
    expect(gw).toHaveLength(3);
    const [gw2, gx2] = lines[4].split("] [").map(nums);
    expect(gw2).toEqual(gw);
    gx2.forEach((v, i) => expect(v).toBeCloseTo(w[i] * sech2[i], 5));
    expect(lines).toHaveLength(5);
  });

  it("a non-differentiable construct is a tsjax diagnostic: tspc exits non-zero with file(line,col)", () => {
    const out = res.diag.stdout + res.diag.stderr;
    expect(res.diag.code).not.toBe(0);
    // bad.ts line 6 col 14 is the Math.random() call inside noisy, which grad(noisy) differentiates
    expect(out).toMatch(/test\/integration\/fixtures\/tspc-diag\/bad\.ts\(6,14\): error TS99001: tsjax: Math\.random is not differentiable/);
    expect(out.trim().split("\n")).toHaveLength(1);
  });

  it("a file that does not import tsjax comes out byte-identical to plain tsc's output", () => {
    expect(res.plain.stdout + res.plain.stderr).toBe("");
    expect(res.plain.code).toBe(0);
    for (const f of ["plain.js", "plain.js.map"])
      expect(fs.readFileSync(path.join(tmp, "out", f), "utf8"), f).toBe(fs.readFileSync(path.join(tmp, "out-plain", f), "utf8"));
    // and the files that do import tsjax differ (the check above is not vacuous)
    expect(fs.readFileSync(path.join(tmp, "out/main.js"), "utf8")).not.toBe(fs.readFileSync(path.join(tmp, "out-plain/main.js"), "utf8"));
  });

  // LIMITATION (ts-patch, not tsjax): `tspc -p test/integration/fixtures/tspc/tsconfig.json` run in
  // place fails with "Cannot find module 'tsjax/transformer'": ts-patch calls
  // require.resolve("tsjax/transformer", { paths: [projectDir] }) from inside typescript/lib/_tsc.js;
  // with `paths`, Node only searches <dir>/node_modules folders, and a package self-reference is
  // only applied relative to the *calling* module (which belongs to the typescript package).
  // Within this repository use `"transform": "<relative path>/dist/transformer/plugins/tspatch.js"`;
  // installed from npm (node_modules/tsjax), "tsjax/transformer" resolves (tested above).
  it.skip("LIMITATION: in-place `tspc -p` of an in-repo fixture resolves the self-referenced tsjax/transformer", async () => {
    const r = await run(NPX, ["tspc", "-p", path.join(FIXTURES, "tspc/tsconfig.json"), "--noEmit"], { cwd: ROOT });
    expect(r.stdout + r.stderr).not.toMatch(/Cannot find module 'tsjax\/transformer'/);
  });
});
