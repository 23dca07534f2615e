// The plugin's view of the project: one long-lived LanguageService fed the code the bundler
// hands us, so a warm edit costs one incremental re-check, not a new Program. Files the bundler
// has not handed us are read from disk, at a version bumped by `changed` (the bundler's watch
// event) or, for bundlers without one (esbuild), by `staleOnDisk` comparing modification times.

import ts from "../typescript.cjs";
import * as path from "node:path";
import { Gate } from "./gate.js";
import { loadOptions } from "../program.js";

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

export class Project {
  private texts = new Map<string, { version: number; text: string }>();
  private diskVersions = new Map<string, number>();
  // project files read from disk → their modification time then (node_modules and libs left out)
  private readAt = new Map<string, number>();
  private service: ts.LanguageService | null = null;
  private options: ts.CompilerOptions | null = null;
  private roots = new Set<string>();
  readonly gate = new Gate(
    (f) => this.texts.get(f)?.text ?? this.readDisk(f),
    (f) => ts.sys.fileExists(f),
  );

  constructor(private readonly tsconfig?: string) {}

  /** The project's compiler options (its tsconfig.json), for every file: transformed or not. */
  compilerOptions(file: string): ts.CompilerOptions {
    return (this.options ??= loadOptions(file, this.tsconfig));
  }

  /** The bundler handed us `file` at `code`: a text we hold of it is replaced (gated out or not). */
  saw(file: string, code: string): void {
    const prev = this.texts.get(file);
    if (prev && prev.text !== code) this.texts.set(file, { version: prev.version + 1, text: code });
  }

  /** The program with `file` at `code` (a root from now on); undefined when the service has none. */
  program(file: string, code: string): ts.Program | undefined {
    const prev = this.texts.get(file);
    if (!prev || prev.text !== code) this.texts.set(file, { version: (prev?.version ?? 0) + 1, text: code });
    this.roots.add(file);
    return this.getService(file).getProgram();
  }

  /** `file` changed on disk: the next program reads it again. */
  changed(file: string): void {
    this.texts.delete(file);
    this.gate.changed(file);
    this.readAt.delete(file);
    this.diskVersions.set(file, (this.diskVersions.get(file) ?? 0) + 1);
  }

  /** Marks as changed the files read from disk that have been modified since (no watch events). */
  staleOnDisk(): void {
    for (const [file, mtime] of this.readAt) if (ts.sys.getModifiedTime?.(file)?.getTime() !== mtime) this.changed(file);
  }

  private readDisk(file: string): string | undefined {
    const text = ts.sys.readFile(file);
    if (text !== undefined && !file.includes(NODE_MODULES) && !this.readAt.has(file)) {
      const mtime = ts.sys.getModifiedTime?.(file)?.getTime();
      if (mtime !== undefined) this.readAt.set(file, mtime);
    }
    return text;
  }

  private getService(file: string): ts.LanguageService {
    if (this.service) return this.service;
    const options = this.compilerOptions(file);
    const read = (f: string) => this.texts.get(f)?.text ?? this.readDisk(f);
    const host: ts.LanguageServiceHost = {
      getScriptFileNames: () => [...this.roots],
      getScriptVersion: (f) => String(this.texts.get(f)?.version ?? this.diskVersions.get(f) ?? 0),
      getScriptSnapshot: (f) => {
        const t = read(f);
        return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
      },
      getCurrentDirectory: () => process.cwd(),
      getCompilationSettings: () => options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.texts.has(f) || ts.sys.fileExists(f),
      readFile: read,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
    return this.service;
  }
}
