// Compiling one batch file through the tsjax transformer: type-check (a TypeScript error means the
// generator produced an invalid program), then emitFile as the plugin does. Plain JavaScript so
// that it also runs as a worker thread (test/fuzz/harness.ts keeps two busy on two cores).
import ts from "typescript";
import { isMainThread, parentPort } from "node:worker_threads";
// TSJAX_FUZZ_DIST: fuzz another build of tsjax (a dist/ directory); default this checkout's
const DIST = process.env.TSJAX_FUZZ_DIST ? new URL(`file://${process.env.TSJAX_FUZZ_DIST.replace(/\/?$/, "/")}`) : new URL("../../dist/", import.meta.url);
const { emitFile } = await import(new URL("transformer/program.js", DIST).href);
export const RUNTIME = new URL("runtime/index.js", DIST).pathname;

export const OPTIONS = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  types: [],
  lib: ["lib.es2023.d.ts"],
};

const cache = new Map();
const baseHost = ts.createCompilerHost(OPTIONS);
function hostFor(files) {
  return {
    ...baseHost,
    getSourceFile(name, lang) {
      const text = files.get(name);
      if (text !== undefined) return ts.createSourceFile(name, text, lang, true);
      let sf = cache.get(name);
      if (!sf) {
        sf = baseHost.getSourceFile(name, lang);
        if (sf) cache.set(name, sf);
      }
      return sf;
    },
    fileExists: (n) => files.has(n) || baseHost.fileExists(n),
    readFile: (n) => files.get(n) ?? baseHost.readFile(n),
    writeFile: () => {},
  };
}

const msg = (d) => ts.flattenDiagnosticMessageText(d.messageText, "\n");

/**
 * @param {{ file: string; text: string; ranges: [number, number][]; typecheck: boolean }} job
 * @returns {{ invalid: [number, string][]; refused: [number, string][]; js?: string; fatal?: string; typecheckMs: number; emitMs: number }}
 */
export function compileBatch({ file, text, ranges, typecheck }) {
  const t0 = Date.now();
  const program = ts.createProgram([file], OPTIONS, hostFor(new Map([[file, text]])));
  const sf = program.getSourceFile(file);
  const owner = (pos) => ranges.findIndex(([a, b]) => pos !== undefined && pos >= a && pos < b);
  const invalid = new Map();
  const refused = new Map();
  if (typecheck) {
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const i = owner(d.start);
      const line = sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
      invalid.set(i, (invalid.get(i) ?? "") + `TS${d.code} line ${line}: ${msg(d)}\n`);
    }
  }
  const t1 = Date.now();
  const out = { invalid: [], refused: [], typecheckMs: t1 - t0, emitMs: 0 };
  try {
    const res = emitFile(program, file);
    for (const d of res.diagnostics) {
      const i = owner(d.start);
      refused.set(i, (refused.has(i) ? refused.get(i) + "\n" : "") + msg(d));
    }
    out.js = res.js;
  } catch (e) {
    out.fatal = `transformer threw: ${e?.stack ?? e}`;
  }
  out.emitMs = Date.now() - t1;
  out.invalid = [...invalid];
  out.refused = [...refused];
  return out;
}

if (!isMainThread && parentPort) {
  parentPort.on("message", ({ id, job }) => {
    let res;
    try {
      res = compileBatch(job);
    } catch (e) {
      res = { invalid: [], refused: [], fatal: `compile failed: ${e?.stack ?? e}`, typecheckMs: 0, emitMs: 0 };
    }
    parentPort.postMessage({ id, res });
  });
}
