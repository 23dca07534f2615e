// The rollup plugin (also vite's and vitest's): `plugins: [tsjax({ tsconfig? })]`.
// Types come from one long-lived LanguageService fed the code rollup hands us, so a warm edit
// costs one incremental re-check, not a new Program. Each transformed file registers the files
// whose functions it inlined as watch dependencies: editing a callee re-transforms its callers.

import ts from "../typescript.cjs";
import * as path from "node:path";
import { Gate } from "./gate.js";
import { codeFrame, emitFile, formatDiagnostics, loadOptions } from "../program.js";

export interface TsjaxPluginOptions {
  /** tsconfig.json to take compiler options from (default: the nearest one to each file). */
  tsconfig?: string;
}

interface PluginContext {
  error(e: { message: string; id?: string; loc?: { file?: string; line: number; column: number }; frame?: string } | string): never;
  addWatchFile(id: string): void;
}

/** The part of vite's dev server the plugin uses (vite ≥ 6: one module graph per environment). */
interface DevServer {
  environments?: Record<string, { moduleGraph: { getModulesByFile(file: string): Set<unknown> | undefined; invalidateModule(mod: unknown): void } }>;
}

const TS_FILE = /\.[cm]?tsx?$/;

export default function tsjax(opts: TsjaxPluginOptions = {}) {
  const texts = new Map<string, { version: number; text: string }>();
  const diskVersions = new Map<string, number>();
  let service: ts.LanguageService | null = null;
  let options: ts.CompilerOptions | null = null;
  const roots = new Set<string>();
  // Under vite (and vitest) TypeScript is compiled by vite itself; under plain rollup we compile
  // the TypeScript files that need no transform too, and resolve `./x.js` to `./x.ts`.
  let underVite = false;
  let server: DevServer | null = null;
  // dependency file → the files whose transform inlined code from it
  const dependents = new Map<string, Set<string>>();
  // ids already transformed by our `load` (plain rollup)
  const loaded = new Set<string>();
  const gate = new Gate(
    (f) => texts.get(f)?.text ?? ts.sys.readFile(f),
    (f) => ts.sys.fileExists(f),
  );

  /** The project's compiler options (its tsconfig.json), for every file: transformed or not. */
  const projectOptions = (file: string) => (options ??= loadOptions(file, opts.tsconfig));

  const getService = (file: string) => {
    if (service) return service;
    projectOptions(file);
    const host: ts.LanguageServiceHost = {
      getScriptFileNames: () => [...roots],
      getScriptVersion: (f) => String(texts.get(f)?.version ?? diskVersions.get(f) ?? 0),
      getScriptSnapshot: (f) => {
        const t = texts.get(f)?.text ?? ts.sys.readFile(f);
        return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
      },
      getCurrentDirectory: () => process.cwd(),
      getCompilationSettings: () => options!,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => texts.has(f) || ts.sys.fileExists(f),
      readFile: (f) => texts.get(f)?.text ?? ts.sys.readFile(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
    };
    service = ts.createLanguageService(host, ts.createDocumentRegistry());
    return service;
  };

  function run(this: PluginContext, code: string, id: string) {
    const file = id.split("?")[0];
    if (!TS_FILE.test(file) || file.includes(`${path.sep}node_modules${path.sep}`) || file.endsWith(".d.ts")) return null;
    // a cheap test before the LanguageService: the file, or a module it imports, calls a transform
    if (!gate.needs(file, code)) return underVite ? null : transpile(code, file, projectOptions(file));
    const prev = texts.get(file);
    if (!prev || prev.text !== code) texts.set(file, { version: (prev?.version ?? 0) + 1, text: code });
    roots.add(file);
    const program = getService(file).getProgram();
    if (!program) return null;
    const res = emitFile(program, file);
    if (res.diagnostics.length) {
      const d = res.diagnostics[0];
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      // vite follows loc.file (its code frame, its error id); rollup prints `${id} (${line}:${column})`
      // with id forced to this module, so there a location in another file is left to the message
      const here = underVite || d.file!.fileName === file;
      const err = {
        message: formatDiagnostics(res.diagnostics).trim(),
        id: d.file?.fileName ?? file,
        loc: pos && here ? { file: d.file!.fileName, line: pos.line + 1, column: pos.character } : undefined,
        frame: codeFrame(d),
      };
      if (underVite) throw viteError(err);
      this.error(err);
    }
    for (const dep of res.dependencies) {
      if (dep === file) continue;
      this.addWatchFile(dep);
      let s = dependents.get(dep);
      if (!s) dependents.set(dep, (s = new Set()));
      s.add(file);
    }
    if (!res.transformed) return underVite ? null : transpile(code, file, projectOptions(file));
    return { code: res.js, map: res.map ? absoluteSources(JSON.parse(res.map), file) : null };
  }

  return {
    name: "tsjax",
    enforce: "pre" as const,

    configResolved() {
      underVite = true;
    },

    resolveId(source: string, importer?: string) {
      if (underVite || !importer || !source.startsWith(".") || !TS_FILE.test(importer.split("?")[0])) return null;
      const base = path.resolve(path.dirname(importer.split("?")[0]), source);
      for (const cand of [base.replace(/\.([cm]?)js$/, ".$1ts"), base.replace(/\.js$/, ".tsx"), base + ".ts", base + ".tsx", path.join(base, "index.ts")])
        if (cand !== base && ts.sys.fileExists(cand)) return cand;
      return null;
    },

    configureServer(s: DevServer) {
      server = s;
    },

    // Under plain rollup the work happens in `load`: rollup keeps every source of a load hook's
    // source map, while a transform hook's map may only point into the module's own code (so the
    // derivative's statements, mapped to the callee's file, would be dropped).
    load(this: PluginContext, id: string) {
      if (underVite || id.includes("?") || !TS_FILE.test(id) || id.includes(`${path.sep}node_modules${path.sep}`) || id.endsWith(".d.ts")) return null;
      const code = ts.sys.readFile(id);
      if (code === undefined) return null;
      loaded.add(id);
      return run.call(this, code, id) ?? transpile(code, id, projectOptions(id));
    },

    transform(this: PluginContext, code: string, id: string) {
      if (!underVite && loaded.has(id)) return null;
      return run.call(this, code, id);
    },

    watchChange(id: string) {
      const file = id.split("?")[0];
      texts.delete(file);
      gate.changed(file);
      diskVersions.set(file, (diskVersions.get(file) ?? 0) + 1);
      // vite dev only soft-invalidates the importers of a changed module (their transform result is
      // kept), but a caller's transform inlined this file's code: invalidate those outright.
      for (const caller of dependents.get(file) ?? [])
        for (const env of Object.values(server?.environments ?? {}))
          for (const mod of env.moduleGraph.getModulesByFile(caller) ?? []) env.moduleGraph.invalidateModule(mod);
    },
  };
}

/**
 * The error vite shows as it is: `vite build` (rolldown) sets the error's id to the module being
 * transformed and prints a stack trace of its own internals, so a diagnostic in model.ts found
 * while transforming its caller would be headed with the caller. The id is fixed (rolldown's
 * assignment is guarded, vite's dev server only sets a missing one) and the stack is the message.
 */
function viteError(e: { message: string; id: string; loc?: object; frame: string }): Error {
  const err = Object.assign(new Error(e.message), { loc: e.loc, frame: e.frame });
  Object.defineProperty(err, "id", { value: e.id, enumerable: true, writable: false });
  err.stack = `Error: ${e.message}`;
  return err;
}

/** TypeScript writes `sources` relative to the map's own location; bundlers want them absolute. */
/** A source map as bundlers take it (rollup's ExistingRawSourceMap). */
interface RawSourceMap {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: string[];
  sourceRoot?: string;
  names: string[];
  mappings: string;
}

function absoluteSources(map: RawSourceMap, file: string): RawSourceMap {
  map.sources = map.sources.map((s) => path.resolve(path.dirname(file), map.sourceRoot ?? "", s));
  delete map.sourceRoot;
  return map;
}

/**
 * A file with nothing to transform, compiled as the project's tsconfig says (its target, JSX,
 * decorators, tslib helpers), as ES modules for the bundler.
 */
function transpile(code: string, file: string, project: ts.CompilerOptions) {
  const out = ts.transpileModule(code, {
    fileName: file,
    compilerOptions: { ...project, module: ts.ModuleKind.ESNext, sourceMap: true, inlineSources: true, inlineSourceMap: false, declaration: false },
  });
  return { code: out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ""), map: out.sourceMapText ? absoluteSources(JSON.parse(out.sourceMapText), file) : null };
}
