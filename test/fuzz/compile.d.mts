import type ts from "typescript";
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
