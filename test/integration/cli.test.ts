// The CLI: `tsjax inspect FILE` prints the code generated for every transform call (and its IR
// with --ir); --help, --version, and usage errors.

import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, FIXTURES, ROOT, run, type RunResult } from "./helpers.js";

const CLI = path.join(ROOT, "dist/transformer/cli.js");
const TUTORIAL = "examples/autodiff-tutorial.ts";
let ok: RunResult, bad: RunResult, usage: RunResult, help: RunResult, version: RunResult, unknown: RunResult, ir: RunResult, kernels: RunResult, eager: RunResult;

beforeAll(async () => {
  await ensureBuilt();
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: 60_000 });
  [ok, bad, usage, help, version, unknown, ir, kernels, eager] = await Promise.all([
    cli("inspect", TUTORIAL),
    cli("inspect", path.relative(ROOT, path.join(FIXTURES, "bundle-diag/noisy.ts"))),
    cli("inspect"),
    cli("--help"),
    cli("--version"),
    cli("inspect", TUTORIAL, "--bogus"),
    cli("inspect", TUTORIAL, "--ir"),
    cli("inspect", TUTORIAL, "--kernels"),
    cli("inspect", path.relative(ROOT, path.join(FIXTURES, "jit-eager/eager.ts"))),
  ]);
}, 120_000);

/** 1-based line:col of every outermost grad(…)/valueAndGrad(…) call in the file, with its text's start. */
function callSites(file: string): { line: number; col: number; head: string }[] {
  const out: { line: number; col: number; head: string }[] = [];
  fs.readFileSync(path.join(ROOT, file), "utf8")
    .split("\n")
    .forEach((l, i) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(l)) return;
      const m = /\b(valueAndGrad|grad|jit)\(/.exec(l);
      if (m) out.push({ line: i + 1, col: m.index + 1, head: l.slice(m.index) });
    });
  return out;
}

describe("tsjax inspect", () => {
  it("prints generated code for each call under a file:line:col header, exit 0", () => {
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    const headers = ok.stdout.split("\n").filter((l) => l.startsWith("// "));
    const sites = callSites(TUTORIAL);
    expect(sites.length).toBeGreaterThan(5); // the tutorial has a dozen
    expect(headers).toHaveLength(sites.length);
    headers.forEach((h, i) => {
      const m = /^\/\/ (\S+):(\d+):(\d+) {2}(.+)$/.exec(h);
      expect(m, h).not.toBeNull();
      expect([m![1], Number(m![2]), Number(m![3])]).toEqual([TUTORIAL, sites[i].line, sites[i].col]);
      // (a call spanning lines is shown on one line, its first line's text first)
      expect(sites[i].head.startsWith(m![4]) || m![4].startsWith(sites[i].head.trimEnd()), `${h} vs ${sites[i].head}`).toBe(true);
    });
    // each header is followed by `const NAME = (params) => { … };` calling the runtime
    const blocks = ok.stdout.split(/^\/\/ .*\n/m).slice(1);
    expect(blocks).toHaveLength(sites.length);
    for (const b of blocks) {
      expect(b).toMatch(/^const \w+ = (\w+|\([^)]*\)) => \{\n/);
      expect(b).toMatch(/\n};\n/);
    }
    expect(blocks[0]).toMatch(/__tsjax_rt\.fma\(/); // grad(jnp.tanh): tanh's VJP as one fma
    expect(blocks[0]).toMatch(/^const grad_tanh = /);
  });

  it("exits 1 and prints the diagnostic of a non-differentiable function", () => {
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/test\/integration\/fixtures\/bundle-diag\/noisy\.ts\(6,14\): error TS99001: tsjax: Math\.random is not differentiable/);
    // and a code frame under it: the line and a mark under the call
    expect(bad.stderr).toContain("6 |   return y + Math.random() * x;\n  |              ~~~~~~~~~~~");
    expect(bad.stdout).toBe("");
  });

  it("usage error: exit 2", () => {
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: tsjax inspect FILE/);
  });

  it("--help and --version exit 0; an unknown option is a usage error", () => {
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: tsjax inspect FILE/);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--bogus'/);
  });

  it("--kernels prints each fused kernel of the jit'd calls: its ops, lanes and module size", () => {
    expect(kernels.code).toBe(0);
    // the tutorial's sigmoid: one kernel over dot(inputs, W) and b
    expect(kernels.stdout).toContain("//   out = multiply(0.5, add(tanh(divide(add(in0, in1), 2)), 1))");
    expect(kernels.stdout).toMatch(/^\/\/ {3}runs on f32x4 lanes, the float64 ops \(exp, tanh, sin, cos, fma, calls\) on their f64x2 halves, each rounded to float32; WebAssembly module \d+ bytes/m);
    expect(kernels.stdout).toMatch(/log per lane through the runtime's function/);
  });
  it("a jit'd function it cannot compile: says it runs eagerly, and why (exit 0)", () => {
    expect(eager.code).toBe(0);
    expect(eager.stdout).toMatch(/eager\.ts:5:18 {2}jit\(\(x: Array\) => \{/);
    expect(eager.stdout).toContain("// not compiled, runs eagerly: `try` inside a differentiated function is not supported");
  });
  it("--ir prints each call's IR before its code", () => {
    expect(ir.code).toBe(0);
    expect(ir.stdout).toMatch(/^\/\/ fn grad_tanh\(x: x#\d+\)\n\/\/ {3}t#\d+:arr = tanh\(x#\d+\)/m);
    expect(ir.stdout.match(/^\/\/ fn /gm)?.length).toBe(ok.stdout.match(/^const /gm)?.length);
  });
});
