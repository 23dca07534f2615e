// What the plugin hands back to a bundler: source maps with absolute sources, files with nothing
// to transform compiled as the project says (plain rollup only), and vite's error.

import ts from "../typescript.cjs";
import * as path from "node:path";

/** A source map as bundlers take it (rollup's ExistingRawSourceMap). */
export interface RawSourceMap {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: string[];
  sourceRoot?: string;
  names: string[];
  mappings: string;
}

/** TypeScript writes `sources` relative to the map's own location; bundlers want them absolute. */
export function absoluteSources(map: RawSourceMap, file: string): RawSourceMap {
  map.sources = map.sources.map((s) => path.resolve(path.dirname(file), map.sourceRoot ?? "", s));
  delete map.sourceRoot;
  return map;
}

/**
 * A file with nothing to transform, compiled as the project's tsconfig says (its target, JSX,
 * decorators, tslib helpers), as ES modules for the bundler.
 */
export function transpile(code: string, file: string, project: ts.CompilerOptions): { code: string; map: RawSourceMap | null } {
  const out = ts.transpileModule(code, {
    fileName: file,
    compilerOptions: { ...project, module: ts.ModuleKind.ESNext, sourceMap: true, inlineSources: true, inlineSourceMap: false, declaration: false },
  });
  return { code: out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ""), map: out.sourceMapText ? absoluteSources(JSON.parse(out.sourceMapText), file) : null };
}

/**
 * The error vite shows as it is: `vite build` (rolldown) sets the error's id to the module being
 * transformed and prints a stack trace of its own internals, so a diagnostic in model.ts found
 * while transforming its caller would be headed with the caller. The id is fixed (rolldown's
 * assignment is guarded, vite's dev server only sets a missing one) and the stack is the message.
 */
export function viteError(e: { message: string; id: string; loc?: object; frame: string }): Error {
  const err = Object.assign(new Error(e.message), { loc: e.loc, frame: e.frame });
  Object.defineProperty(err, "id", { value: e.id, enumerable: true, writable: false });
  err.stack = `Error: ${e.message}`;
  return err;
}
