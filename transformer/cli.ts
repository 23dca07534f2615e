#!/usr/bin/env node
// `tsjax inspect FILE [--tsconfig PATH] [--ir] [--kernels]`: print the code generated for every
// transform (grad, jit, jvp, …) call in FILE (with --ir, the IR it was emitted from; with
// --kernels, each fused kernel of a jit'd call), and any diagnostics.

import ts from "./typescript.cjs";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { allSimd, FALLBACK, fastLanes, fusedKernel, importedOps, type Program } from "../runtime/jit/fused-kernel.js";
import { TRIG32_LIMIT } from "../runtime/jit/vmath32.js";
import { F64, moduleBytes } from "../runtime/jit/wasm.js";
import { TRIG_LIMIT } from "../runtime/jit/vmath.js";
import { emitFile, formatDiagnosticsWithFrames, loadOptions } from "./program.js";

const USAGE = `usage: tsjax inspect FILE [--tsconfig PATH] [--ir] [--kernels]

  inspect FILE      print the code generated for each grad/valueAndGrad/jvp/vjp/jacfwd/jacrev/hessian/vmap
                    call in FILE, under a file:line:col header, and any build diagnostics
  --tsconfig PATH   the tsconfig.json to compile with (default: the nearest one above FILE)
  --ir              print the IR of each call as well (the program the code is emitted from)
  --kernels         print each fused kernel of a jit'd call: its inputs, its ops, how it runs
  --help, -h        this text
  --version, -v     tsjax's version`;

function version(): string {
  const pkg = path.join(path.dirname(new URL(import.meta.url).pathname), "../../package.json");
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { tsconfig: { type: "string" }, ir: { type: "boolean" }, kernels: { type: "boolean" }, help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
    });
  } catch (e) {
    console.error(`tsjax: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (console.log(USAGE), 0);
  if (values.version) return (console.log(version()), 0);
  const [cmd, ...rest] = positionals;
  if (cmd !== "inspect" || rest.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const file = path.resolve(rest[0]);
  if (!ts.sys.fileExists(file)) {
    console.error(`tsjax inspect: no such file ${rest[0]}`);
    return 2;
  }
  const program = ts.createProgram([file], loadOptions(file, values.tsconfig));
  const res = emitFile(program, file);
  for (const s of res.sites) {
    console.log(`// ${path.relative(process.cwd(), file)}:${s.line}:${s.column}  ${s.text.replace(/\s+/g, " ")}`);
    if (values.ir) console.log(s.ir.replace(/^/gm, "// "));
    console.log(`const ${s.name} = ${s.code};\n`);
    if (values.kernels) console.log(describeKernels(s.code));
  }
  for (const e of res.eager)
    console.log(`// ${path.relative(process.cwd(), file)}:${e.line}:${e.column}  ${e.text.replace(/\s+/g, " ").slice(0, 80)}\n// not compiled, runs eagerly: ${e.reason}\n`);
  if (res.diagnostics.length) {
    console.error(formatDiagnosticsWithFrames(res.diagnostics));
    return 1;
  }
  if (res.sites.length === 0 && res.eager.length === 0) console.log("// no grad/valueAndGrad/jit/jvp/vjp/jacfwd/jacrev/hessian calls in this file");
  return 0;
}

/** The fused kernels in a call's generated code, one paragraph each (as comments). */
function describeKernels(code: string): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const m of code.matchAll(/fused\("((?:[^"\\]|\\.)*)"/g)) {
    const src = JSON.parse(`"${m[1]}"`) as string;
    if (seen.has(src)) continue;
    seen.add(src);
    const p = JSON.parse(src) as Program;
    // an op read twice is named (t<j>) and listed once
    const reads = new Map<number, number>();
    for (const [, ...args] of p.ops) for (const a of args) if (typeof a === "number") reads.set(a, (reads.get(a) ?? 0) + 1);
    const vals = Array.from({ length: p.in }, (_, i) => `in${i}`);
    const named: string[] = [];
    p.ops.forEach(([op, ...args], j) => {
      const e = `${op}(${args.map((a) => (typeof a === "object" ? String(a.c) : vals[a])).join(", ")})`;
      if ((reads.get(p.in + j) ?? 0) < 2) return void vals.push(e);
      named.push(`//   t${j} = ${e}`);
      vals.push(`t${j}`);
    });
    const calls = importedOps(p);
    const perLane = calls.filter((c) => !FALLBACK.has(c)), far = calls.filter((c) => FALLBACK.has(c));
    const how = allSimd(p)
      ? "f32x4 lanes (float32 instructions)"
      : fastLanes(p)
        ? `f32x4 lanes with float32 polynomials (jit's fastMath: a few ulps from the exact results)${far.map((c) => `; ${c} of |x| > ${TRIG32_LIMIT} through the runtime's function`).join("")}`
        : `f32x4 lanes, the float64 ops (exp, tanh, sin, cos, fma, calls) on their f64x2 halves, each rounded to float32${perLane.map((c) => `; ${c} per lane through the runtime's function`).join("")}${far.map((c) => `; ${c} of |x| > ${TRIG_LIMIT} through the runtime's function`).join("")}`;
    const bytes = moduleBytes([fusedKernel(p, "v".repeat(p.in))], { shared: false, min: 1, max: 1 }, calls.map((c) => ({ name: c, params: [F64], results: [F64] }))).length;
    out.push(`// kernel ${seen.size}: ${p.in} input(s), ${p.ops.length} op(s), one pass over the data`, ...(p.epilogue ? [`//   in0 = ${p.epilogue}(a, b) of the call's first two arguments, made in kernel memory and read there`] : []), ...named, `//   out = ${p.reduce ? `${p.reduce}(${vals[vals.length - 1]}) (accumulated in float64, the chain never stored)` : vals[vals.length - 1]}`, `//   runs on ${how}; WebAssembly module ${bytes} bytes (all inputs full Arrays)`);
  }
  return out.length ? out.join("\n") + "\n" : "// no fused kernels in this call\n";
}

process.exitCode = main(process.argv.slice(2));
