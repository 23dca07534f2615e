// Emitting files through the tsjax transformer, shared by the CLI, the rollup plugin and tests.

import ts from "./typescript.cjs";
import * as path from "node:path";
import { createTransformer } from "./transform.js";
import { printFn } from "./print.js";
import type { Fn } from "./ir.js";

export interface EmitResult {
  js: string;
  map?: string;
  diagnostics: ts.Diagnostic[];
  sites: { line: number; column: number; text: string; name: string; code: string; ir: string }[];
  /** Files whose functions were inlined into this one (watch dependencies). */
  dependencies: Set<string>;
  /** Whether any call was transformed (otherwise the file needs no rewriting). */
  transformed: boolean;
  /** jit calls left to run eagerly, and why. */
  eager: { line: number; column: number; text: string; reason: string }[];
}

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });

/** Emit one source file of `program` with the transformer; collects diagnostics and the generated code. */
export function emitFile(program: ts.Program, fileName: string): EmitResult {
  const sf = program.getSourceFile(fileName);
  if (!sf) throw new Error(`tsjax: ${fileName} is not part of the program`);
  const res: EmitResult = { js: "", diagnostics: [], sites: [], dependencies: new Set(), transformed: false, eager: [] };
  const factory = createTransformer(program, {
    report: (d) => res.diagnostics.push(d),
    dependsOn: (f) => res.dependencies.add(f),
    rewritten: () => (res.transformed = true),
    eager: (site, reason) => {
      const { line, character } = sf.getLineAndCharacterOfPosition(site.getStart(sf));
      res.eager.push({ line: line + 1, column: character + 1, text: site.getText(sf), reason });
    },
    inspect: (site, fn: Fn, code) => {
      res.transformed = true;
      const { line, character } = sf.getLineAndCharacterOfPosition(site.getStart(sf));
      const text = printer.printNode(ts.EmitHint.Expression, code, sf);
      res.sites.push({ line: line + 1, column: character + 1, text: site.getText(sf), name: fn.name, code: text, ir: printFn(fn) });
    },
  });
  program.emit(
    sf,
    (name, text) => {
      if (name.endsWith(".map")) res.map = text;
      else if (/\.[cm]?js$/.test(name)) res.js = text;
    },
    undefined,
    false,
    { before: [factory] },
  );
  return res;
}

/**
 * The source around a diagnostic, the way compilers show it: the line before, the line, and a
 * row of `~` under the offending code (no colors: it reads the same in a log).
 */
export function codeFrame(d: ts.Diagnostic): string {
  if (!d.file || d.start === undefined) return "";
  const sf = d.file;
  const { line, character } = sf.getLineAndCharacterOfPosition(d.start);
  const lines = sf.text.split(/\r?\n/);
  const width = String(line + 1).length;
  const row = (n: number) => `${String(n + 1).padStart(width)} | ${lines[n]}`;
  const len = Math.max(1, Math.min(d.length ?? 1, lines[line].length - character));
  const out = [];
  if (line > 0) out.push(row(line - 1));
  out.push(row(line), `${" ".repeat(width)} | ${" ".repeat(character)}${"~".repeat(len)}`);
  return out.join("\n");
}

/** Diagnostics as tsc prints them, each followed by its code frame. */
export function formatDiagnosticsWithFrames(ds: readonly ts.Diagnostic[]): string {
  return ds.map((d) => `${formatDiagnostics([d]).trimEnd()}\n${codeFrame(d)}\n`).join("\n");
}

export function formatDiagnostics(ds: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(ds, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  });
}

/** Compiler options from the nearest tsconfig.json (or defaults fit for ESM TypeScript). */
export function loadOptions(start: string, tsconfig?: string): ts.CompilerOptions {
  const cfgPath = tsconfig ?? ts.findConfigFile(path.dirname(path.resolve(start)), ts.sys.fileExists);
  const base: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, skipLibCheck: true };
  if (!cfgPath) return base;
  const cfg = ts.readConfigFile(cfgPath, ts.sys.readFile);
  if (cfg.error) throw new Error(formatDiagnostics([cfg.error]));
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, path.dirname(cfgPath));
  return { ...parsed.options, noEmit: false, declaration: false, emitDeclarationOnly: false, sourceMap: true, inlineSources: true, outDir: undefined, rootDir: undefined, plugins: undefined };
}
