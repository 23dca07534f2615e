#!/usr/bin/env node
// `tsjax inspect FILE [--tsconfig PATH]`: print the code generated for every transform (grad, jvp, …)
// call in FILE, and any diagnostics.

import ts from "./typescript.cjs";
import * as path from "node:path";
import { emitFile, formatDiagnostics, loadOptions } from "./program.js";

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  if (cmd !== "inspect" || rest.length === 0) {
    console.error("usage: tsjax inspect FILE [--tsconfig PATH]");
    return 2;
  }
  const ti = rest.indexOf("--tsconfig");
  const tsconfig = ti >= 0 ? rest.splice(ti, 2)[1] : undefined;
  const file = path.resolve(rest[0]);
  if (!ts.sys.fileExists(file)) {
    console.error(`tsjax inspect: no such file ${rest[0]}`);
    return 2;
  }
  const program = ts.createProgram([file], loadOptions(file, tsconfig));
  const res = emitFile(program, file);
  for (const s of res.sites) console.log(`// ${path.relative(process.cwd(), file)}:${s.line}:${s.column}  ${s.text.replace(/\s+/g, " ")}\nconst ${s.name} = ${s.code};\n`);
  if (res.diagnostics.length) {
    console.error(formatDiagnostics(res.diagnostics));
    return 1;
  }
  if (res.sites.length === 0) console.log("// no grad/valueAndGrad/jvp/vjp/jacfwd/jacrev/hessian calls in this file");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
