import type ts from "typescript";
/** dist/runtime/index.js of the build under test */
export declare const RUNTIME: string;
export declare const OPTIONS: ts.CompilerOptions;
export interface CompileJob {
  file: string;
  text: string;
  ranges: [number, number][];
  typecheck: boolean;
}
export interface CompileResult {
  invalid: [number, string][];
  refused: [number, string][];
  js?: string;
  fatal?: string;
  typecheckMs: number;
  emitMs: number;
}
export declare function compileBatch(job: CompileJob): CompileResult;
