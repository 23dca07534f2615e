// What the frontend's pieces share: the error a construct that cannot be lowered throws, the
// scope (Env), what the transform driver provides (LowerHost), and what call-lowering rules see
// (LoweringCtx). No behaviour: the pieces (types, statements, expressions, calls) are functions
// over the Lowerer (lower.ts), which holds the state of one lowering.

import type ts from "../typescript.cjs";
import type { Ext, Fn, Tree, Ty, Value, Var } from "../ir.js";

export class LowerError extends Error {
  constructor(
    readonly node: ts.Node,
    message: string,
  ) {
    super(message);
  }
}

export type FnLike = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration;

export interface LowerHost {
  checker: ts.TypeChecker;
  /** The grad(...) call being transformed: captured names must be visible from here. */
  site: ts.Node;
  /**
   * Transforms a nested grad/valueAndGrad/jit call expression into an IR function; `outer` looks
   * up locals of the enclosing differentiated function, which the nested one may close over.
   */
  transformCall(call: ts.CallExpression, outer?: OuterScope): Fn;
  /** The function a transform call transforms, lowered as it is (vjp and linearize need its value). */
  targetOf(call: ts.CallExpression, outer?: OuterScope): Fn;
  /** Classes deriving from `cls` that declare their own `name` (virtual calls: frontend/methods.ts). */
  overriders(cls: ts.ClassLikeDeclaration, name: string): string[];
  /** Resolves an ext from another file (import it) or reports why it cannot be reached. */
  captured(sym: ts.Symbol, node: ts.Node, ty: Ty): Ext;
  dependsOn(file: string): void;
}

/** Variables in scope: user symbols, and `$`-named flow state (return value, exit flags). */
export type Env = Map<ts.Symbol | string, Tree<Value>>;

/** The locals of an enclosing differentiated function, seen from a nested transform. */
export interface OuterScope {
  lookup(sym: ts.Symbol): Tree<Value> | undefined;
}

export interface LoweringCtx {
  prim(prim: string, args: Value[], ty?: Ty): Var;
  /** Argument i as a single value (undefined when absent). */
  leaf(i: number): Value;
  tree(i: number): Tree<Value> | undefined;
  nargs: number;
  fail(msg: string): never;
}
