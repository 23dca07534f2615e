// Files that do not use tsjax come out of the transformer byte-identical to TypeScript's own
// emit, over real code bases: the TypeScript sources that rxjs, mobx, @tanstack/query-core and
// effect ship on npm (bench/package.json pins them; `npm ci --prefix bench` installs them).
// From the repository root, after `npm run build`:
//
//   node bench/faithful.mjs [--json FILE]
//
// Per package: one ts.Program over its src/ (the package's own compiler settings where they
// matter: decorators for mobx), then for every source file three emits compared byte for byte:
// TypeScript alone (`program.emit`), the tsc path (`program.emit` with the ts-patch transformer
// tsjax/transformer in `before`), and the rollup/CLI path (`emitFile`). Any difference is printed
// with its first differing line, and the exit status is 1.

import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const require = createRequire(import.meta.url);
const ts = require(path.join(root, "dist/transformer/typescript.cjs"));
const { emitFile } = await import(pathToFileURL(path.join(root, "dist/transformer/program.js")).href);
const { default: tsjaxTransformer } = await import(pathToFileURL(path.join(root, "dist/transformer/plugins/tspatch.js")).href);
const jsonIdx = process.argv.indexOf("--json");
const JSON_OUT = jsonIdx > 0 ? process.argv[jsonIdx + 1] : undefined;

const PACKAGES = [
  { name: "rxjs", src: "src" },
  { name: "mobx", src: "src", options: { experimentalDecorators: true } },
  { name: "@tanstack/query-core", src: "src" },
  { name: "effect", src: "src" },
];

function sources(dir) {
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.tsx?$/.test(e) && !e.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const firstDiff = (a, b) => {
  const la = a.split("\n"), lb = b.split("\n");
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return `line ${i + 1}:\n    ts:    ${la[i]}\n    tsjax: ${lb[i]}`;
  return "(same lines, different bytes)";
};

const results = [];
let failed = 0;
for (const pkg of PACKAGES) {
  const dir = path.join(here, "node_modules", pkg.name, pkg.src);
  if (!existsSync(dir)) {
    console.log(`skipped ${pkg.name}: not installed (npm ci --prefix bench)`);
    continue;
  }
  const version = require(path.join(here, "node_modules", pkg.name, "package.json")).version;
  const files = sources(dir);
  const t0 = performance.now();
  const options = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, strict: true, sourceMap: false, declaration: false, noEmitOnError: false, ...pkg.options };
  const program = ts.createProgram(files, options);
  let same = 0;
  const diffs = [];
  const patched = tsjaxTransformer(program, undefined, { addDiagnostic: (d) => diffs.push({ file: d.file?.fileName, why: `diagnostic: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}` }) });
  for (const file of files) {
    const sf = program.getSourceFile(file);
    let plain = "", viaTsc = "";
    program.emit(sf, (name, text) => name.endsWith(".js") && (plain = text));
    program.emit(sf, (name, text) => name.endsWith(".js") && (viaTsc = text), undefined, false, { before: [patched] });
    const viaEmit = emitFile(program, file);
    const rel = path.relative(dir, file);
    if (viaTsc !== plain) diffs.push({ file: rel, why: `tsc + tsjax/transformer differs, ${firstDiff(plain, viaTsc)}` });
    else if (viaEmit.js !== plain) diffs.push({ file: rel, why: `emitFile differs, ${firstDiff(plain, viaEmit.js)}` });
    else same++;
  }
  const ms = performance.now() - t0;
  failed += diffs.length;
  results.push({ package: pkg.name, version, files: files.length, identical: same, ms: Math.round(ms), diffs });
  console.log(`${pkg.name}@${version}: ${same} of ${files.length} source files byte-identical through both paths (${(ms / 1000).toFixed(1)} s)`);
  for (const d of diffs.slice(0, 5)) console.log(`  ${d.file}: ${d.why}`);
}
console.log(failed ? `  MISSED faithful emit: ${failed} file(s) differ` : "  MET    faithful emit: every file byte-identical to TypeScript's own emit");
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
process.exitCode = failed ? 1 : 0;
