// The bundler plugin, one implementation through unplugin: rollup, vite (and vitest), webpack,
// rspack and esbuild (entries: rollup.ts, vite.ts, webpack.ts, rspack.ts, esbuild.ts).
//
// A file goes through the LanguageService when it, or a module it imports, calls a transform
// (gate.ts). Each transformed file registers the files whose functions it inlined as watch
// dependencies: editing a callee re-transforms its callers.
//
// Who compiles the TypeScript files the plugin leaves alone: plain rollup cannot, so there the
// plugin compiles them too (with the project's tsconfig) and resolves `./x.js` to `./x.ts`. vite,
// esbuild (its ts/tsx loaders) and webpack/rspack (with the project's TypeScript loader:
// ts-loader, swc-loader, rspack's builtin:swc-loader, babel) compile TypeScript themselves: the
// plugin runs first (`enforce: "pre"`) and hands back only the files it transforms, as the
// JavaScript TypeScript emits for them, which those loaders take as it is.

import { createUnplugin, type UnpluginBuildContext, type UnpluginContext, type UnpluginOptions } from "unplugin";
import ts from "../typescript.cjs";
import * as path from "node:path";
import { codeFrame, emitFile, formatDiagnostics, formatDiagnosticsWithFrames } from "../program.js";
import { absoluteSources, transpile, viteError } from "./output.js";
import { Project } from "./service.js";
import type { DevServer, TsjaxPluginOptions } from "./types.js";

type Context = UnpluginBuildContext & UnpluginContext;

const TS_FILE = /\.[cm]?tsx?$/;
/** The ids a webpack/rspack loader or an esbuild onLoad is set up for (a query may follow). */
const TS_ID = /\.[cm]?tsx?(?:$|\?)/;
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const ours = (file: string) => TS_FILE.test(file) && !file.includes(NODE_MODULES) && !file.endsWith(".d.ts");

export const tsjaxUnplugin = createUnplugin<TsjaxPluginOptions | undefined, false>((opts = {}, meta) => {
  const project = new Project(opts.tsconfig);
  const rollupLike = meta.framework === "rollup" || meta.framework === "vite";
  // `tsjax/rollup` serves vite too: vite's configResolved tells
  let underVite = meta.framework === "vite";
  const plainRollup = () => meta.framework === "rollup" && !underVite;
  let server: DevServer | null = null;
  // dependency file → the files whose transform inlined code from it
  const dependents = new Map<string, Set<string>>();
  // ids already transformed by our `load` (plain rollup)
  const loaded = new Set<string>();

  function run(this: Context, code: string, id: string) {
    const file = id.split("?")[0];
    if (!ours(file)) return null;
    project.saw(file, code);
    const untouched = () => (plainRollup() ? transpile(code, file, project.compilerOptions(file)) : null);
    // a cheap test before the LanguageService: the file, or a module it imports, calls a transform
    if (!project.gate.needs(file, code)) return untouched();
    const program = project.program(file, code);
    if (!program) return null;
    const res = emitFile(program, file);
    if (res.diagnostics.length) return fail.call(this, res.diagnostics, file);
    for (const dep of res.dependencies) {
      if (dep === file) continue;
      this.addWatchFile(dep);
      let s = dependents.get(dep);
      if (!s) dependents.set(dep, (s = new Set()));
      s.add(file);
    }
    if (!res.transformed) return untouched();
    // (the map goes with the code: a `sourceMappingURL` comment would name a file never written)
    return { code: res.js.replace(/\n\/\/# sourceMappingURL=.*$/, ""), map: res.map ? absoluteSources(JSON.parse(res.map), file) : null };
  }

  function fail(this: Context, diagnostics: ts.Diagnostic[], file: string): null {
    const at = (d: ts.Diagnostic) => (d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined);
    if (!rollupLike) {
      // one error each (these bundlers collect them): webpack and rspack show the message only, so
      // the code frame goes in it; esbuild also prints loc as file:line:col
      for (const d of diagnostics) {
        const pos = at(d);
        const id = d.file?.fileName ?? file;
        this.error({ message: formatDiagnosticsWithFrames([d]).trim(), id, loc: pos && { file: id, line: pos.line + 1, column: pos.character } });
      }
      return null;
    }
    const d = diagnostics[0];
    const pos = at(d);
    const id = d.file?.fileName ?? file;
    // vite follows loc.file (its code frame, its error id); rollup prints `${id} (${line}:${column})`
    // with id forced to this module, so there a location in another file is left to the message
    const here = underVite || d.file!.fileName === file;
    const err = {
      message: formatDiagnostics(diagnostics).trim(),
      id,
      loc: pos && here ? { file: d.file!.fileName, line: pos.line + 1, column: pos.character } : undefined,
      frame: codeFrame(d),
    };
    if (underVite) throw viteError(err);
    this.error(err); // rollup's throws
    return null;
  }

  function transform(this: Context, code: string, id: string) {
    if (plainRollup() && loaded.has(id)) return null;
    return run.call(this, code, id);
  }

  const plugin: UnpluginOptions = {
    name: "tsjax",
    enforce: "pre",
    // rollup and vite get a plain hook (callers may call it directly); webpack and rspack put a
    // loader on the modules the filter passes, esbuild an onLoad
    transform: rollupLike ? transform : { filter: { id: TS_ID }, handler: transform },

    watchChange(id: string) {
      const file = id.split("?")[0];
      project.changed(file);
      // vite dev only soft-invalidates the importers of a changed module (their transform result is
      // kept), but a caller's transform inlined this file's code: invalidate those outright.
      for (const caller of dependents.get(file) ?? [])
        for (const env of Object.values(server?.environments ?? {}))
          for (const mod of env.moduleGraph.getModulesByFile(caller) ?? []) env.moduleGraph.invalidateModule(mod);
    },
  };

  if (rollupLike)
    Object.assign(plugin, {
      configResolved() {
        underVite = true;
      },
      configureServer(s: DevServer) {
        server = s;
      },
    });

  if (meta.framework === "rollup") {
    plugin.resolveId = (source: string, importer?: string) => {
      if (underVite || !importer || !source.startsWith(".") || !TS_FILE.test(importer.split("?")[0])) return null;
      const base = path.resolve(path.dirname(importer.split("?")[0]), source);
      for (const cand of [base.replace(/\.([cm]?)js$/, ".$1ts"), base.replace(/\.js$/, ".tsx"), base + ".ts", base + ".tsx", path.join(base, "index.ts")])
        if (cand !== base && ts.sys.fileExists(cand)) return cand;
      return null;
    };
    // Under plain rollup the work happens in `load`: rollup keeps every source of a load hook's
    // source map, while a transform hook's map may only point into the module's own code (so the
    // derivative's statements, mapped to the callee's file, would be dropped).
    plugin.load = function (this: Context, id: string) {
      if (underVite || id.includes("?") || !ours(id)) return null;
      const code = ts.sys.readFile(id);
      if (code === undefined) return null;
      loaded.add(id);
      return run.call(this, code, id) ?? transpile(code, id, project.compilerOptions(id));
    };
  }

  if (meta.framework === "esbuild") {
    plugin.esbuild = { onLoadFilter: TS_ID };
    // esbuild reports no changed files: a (re)build first compares what was read from disk
    plugin.buildStart = () => project.staleOnDisk();
  }

  return plugin;
});
