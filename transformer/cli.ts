#!/usr/bin/env node
// `tsjax inspect FILE [--tsconfig PATH] [--ir]`: print the code generated for every transform
// (grad, jvp, …) call in FILE (with --ir, the IR it was emitted from), and any diagnostics.

import ts from "./typescript.cjs";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { emitFile, formatDiagnostics, loadOptions } from "./program.js";

const USAGE = `usage: tsjax inspect FILE [--tsconfig PATH] [--ir]

  inspect FILE      print the code generated for each grad/valueAndGrad/jvp/vjp/jacfwd/jacrev/hessian
                    call in FILE, under a file:line:col header, and any build diagnostics
  --tsconfig PATH   the tsconfig.json to compile with (default: the nearest one above FILE)
  --ir              print the IR of each call as well (the program the code is emitted from)
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
      options: { tsconfig: { type: "string" }, ir: { type: "boolean" }, help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
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
  }
  if (res.diagnostics.length) {
    console.error(formatDiagnostics(res.diagnostics));
    return 1;
  }
  if (res.sites.length === 0) console.log("// no grad/valueAndGrad/jvp/vjp/jacfwd/jacrev/hessian calls in this file");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
