// TS AST → IR. Types decide meaning: `number` arithmetic and Math.* become number primitives,
// jnp.* calls and Array methods become Array primitives; pytree parameters are flattened;
// calls to user functions (any file of the project) are inlined; nested grad/jit calls are
// transformed and inlined. Anything else is a LowerError at the offending node, which the
// plugins report as a ts.Diagnostic.
//
// The Lowerer holds the state of one lowering (the builder, the call stack, captured names,
// local functions); its methods are the frontend's pieces in frontend/ (types, statements,
// expressions, calls, flow), each a function of it.

import ts from "./typescript.cjs";
import type { Fn, LocalFn, Param, Tree, Ty, Value, Var } from "./ir.js";
import { Builder } from "./ir.js";
import { primTy } from "./prims/index.js";
import { CustomRules } from "./custom.js";
import type { Target } from "./frontend/flow.js";
import type { CallLowering } from "./rules/lowering.js";
import { LowerError, type Env, type FnLike, type LowerHost, type OuterScope } from "./frontend/context.js";
import * as types from "./frontend/types.js";
import * as statements from "./frontend/statements.js";
import * as expressions from "./frontend/expressions.js";
import * as calls from "./frontend/calls.js";

export { LowerError } from "./frontend/context.js";
export type { Env, FnLike, LowerHost, LoweringCtx, OuterScope } from "./frontend/context.js";
export { fnName, skipParens } from "./frontend/syntax.js";

export class Lowerer {
  readonly b = new Builder(primTy);
  stack: ts.Node[] = [];
  /** Closed-over locals of the enclosing function: the param trees standing for them, and their values. */
  captures = new Map<ts.Symbol, { tree: Tree<Var>; value: Tree<Value> }>();
  /**
   * Parameters of inlined functions bound to function arguments (`apply((y) => y * y, x)`): the
   * function expression and the environment it was written in (its closure).
   */
  fnArgs = new Map<ts.Symbol, { target: ts.Expression; env: Env }>();
  /** vjp/linearize calls lowered so far: the derivative pass their returned function runs, at their primals. */
  pairs = new Map<ts.CallExpression, { api: string; fn: Fn; primals: Tree<Value>[] }>();
  constructor(
    readonly host: LowerHost,
    readonly outer?: OuterScope,
  ) {}

  get checker() {
    return this.host.checker;
  }

  fail(node: ts.Node, msg: string): never {
    throw new LowerError(node, msg);
  }

  // ---- types --------------------------------------------------------------------------
  /** The pytree of leaf types a parameter of type `t` flattens to. */
  paramTree(t: ts.Type, name: string, at: ts.Node): { tree: Tree<Var>; arrayLike: boolean } {
    return types.paramTree(this, t, name, at);
  }

  /**
   * The type of an expression. Where TypeScript narrows a name to `never` (a constant read in
   * code it knows cannot run: `K || K / x` with a truthy `K`), the declared type: the code is
   * still lowered (both sides of a select are), and the run-time guard keeps it from mattering.
   */
  typeAt(node: ts.Node): ts.Type {
    return types.typeAt(this, node);
  }

  tyOfType(t: ts.Type): Ty {
    return types.tyOfType(this, t);
  }

  // ---- functions ----------------------------------------------------------------------
  /** Lower a function as the top-level target of a transform: parameters from their types. */
  lowerTop(decl: FnLike, name: string, self?: Tree<Value>): Fn {
    this.host.dependsOn(decl.getSourceFile().fileName);
    const env: Env = new Map();
    if (self) env.set("$this", self);
    const params: Param[] = decl.parameters.map((p, i) => {
      if (p.dotDotDotToken) this.fail(p, "rest parameters are not supported in a differentiated function");
      // a destructured parameter (`({ W, b }: Params) => …`) is the whole pytree, its names bound to its parts
      if (!ts.isIdentifier(p.name)) {
        if (p.initializer) this.fail(p.initializer, "a destructured parameter of a differentiated function cannot have a default value");
        const { tree, arrayLike } = this.paramTree(this.typeAt(p), `arg${i}`, p);
        this.bindPattern(p.name, tree, env);
        return { name: `arg${i}`, tree, arrayLike };
      }
      const sym = this.checker.getSymbolAtLocation(p.name)!;
      const { tree, arrayLike } = this.paramTree(this.typeAt(p), p.name.text, p);
      env.set(sym, tree);
      if (!p.initializer) return { name: p.name.text, tree, arrayLike };
      const d = this.valueOf(this.expr(p.initializer, new Map()), p.initializer);
      if (d.tag !== "const") this.fail(p.initializer, "the default value of a differentiated function's parameter must be a constant");
      return { name: p.name.text, tree, arrayLike, init: d.value };
    });
    const result = this.lowerBody(decl, env);
    const caps = [...this.captures.entries()];
    for (const [sym, c] of caps) params.push({ name: `${sym.getName()}_outer`, tree: c.tree });
    return {
      name,
      params,
      body: this.b.body,
      result,
      captured: caps.length ? caps.map(([, c]) => c.value) : undefined,
      locals: this.locals.length ? [...this.locals] : undefined,
    };
  }

  /** A customVjp/customJvp function as the target of a transform: a call of its local function. */
  lowerCustomTop(def: ts.CallExpression, kind: "customVjp" | "customJvp" | "checkpoint", name: string): Fn {
    const f = def.arguments[0] ? this.functionOf(def.arguments[0]) : undefined;
    if (!f || f === "jnp" || ts.isCallExpression(f)) this.fail(def, `${kind}'s function must be one whose source tsjax can see`);
    const params: Param[] = f.parameters.map((p, i) => ({ name: ts.isIdentifier(p.name) ? p.name.text : `arg${i}`, tree: this.paramTree(this.typeAt(p), `arg${i}`, p).tree }));
    const result = this.customs.call(kind, def, params.map((p) => p.tree), def);
    return { name, params, body: this.b.body, result, locals: this.locals.length ? [...this.locals] : undefined };
  }

  /**
   * Inline a call: bind the callee's parameters to the argument trees and lower its body. A
   * function declared inside the differentiated code is a closure: it sees the caller's current
   * variables, and what it assigns to them is written back.
   */
  inlineCall(decl: FnLike, args: Tree<Value>[], call: ts.Node, callerEnv?: Env, self?: Tree<Value>, argExprs?: readonly ts.Expression[]): Tree<Value> {
    return calls.inlineCall(this, decl, args, call, callerEnv, self, argExprs);
  }

  lowerBody(decl: FnLike, env: Env): Tree<Value> {
    return calls.lowerBody(this, decl, env);
  }

  // ---- recursion ------------------------------------------------------------------------

  recursive = new Map<ts.Node, boolean>();
  localInfo = new Map<ts.Node, { name: string; params: Tree<Var>[]; result: Tree<Var> }>();
  /** Local functions of the Fn being lowered (recursive user functions, lowered once each). */
  readonly locals: LocalFn[] = [];
  /** A forEach callback being inlined: it may return nothing. */
  voidCallback: FnLike | undefined;
  /** Functions with the user's derivative rules (customVjp, customJvp). */
  readonly customs = new CustomRules(this);

  /** Whether a function can reach itself through calls (directly or mutually). */
  isRecursive(decl: FnLike): boolean {
    return calls.isRecursive(this, decl);
  }

  /** The user function a callee expression denotes, if it is one with source (no failure). */
  calleeDecl(e0: ts.Expression): FnLike | undefined {
    return calls.calleeDecl(this, e0);
  }

  /**
   * A call of a recursive function: lowered once as a local function of the Fn (reverse mode
   * splits it into a forward and a backward half), called here with flattened arguments.
   */
  callLocal(decl: FnLike, args: Tree<Value>[], call: ts.Node): Tree<Value> {
    return calls.callLocal(this, decl, args, call);
  }

  localFor(decl: FnLike): { name: string; params: Tree<Var>[]; result: Tree<Var> } {
    return calls.localFor(this, decl);
  }

  /**
   * Lower a (non-recursive) function as a local function of the Fn: parameters from their
   * declared types, flattened; the results are the leaves of what its body returns.
   */
  lowerLocal(decl: FnLike, base: string): { lf: LocalFn; params: Tree<Var>[]; result: Tree<Value> } {
    return calls.lowerLocal(this, decl, base);
  }

  /** Zeros/undefined shaped like the enclosing function's return type (for loops that return). */
  retPlaceholder(node: ts.Node): Tree<Value> {
    return statements.retPlaceholder(this, node);
  }

  /** Element i of a destructured value: a tuple's kid, or a read of a run-time JS array or list. */
  element(v: Tree<Value>, i: number, at: ts.Node): Tree<Value> {
    return statements.element(this, v, i, at);
  }

  bindPattern(name: ts.BindingName, v: Tree<Value>, env: Env) {
    return statements.bindPattern(this, name, v, env);
  }

  // ---- statements ---------------------------------------------------------------------
  stmt(st: ts.Statement, env: Env, targets: Target[] = [], label?: string): void {
    statements.stmt(this, st, env, targets, label);
  }

  /**
   * A declaration's value. A local JS array of numbers or Arrays (`const v: number[] = []`, a
   * non-tuple array type) is a run-time list: element reads and writes at run-time indices, push,
   * length. Tuples and other literals stay trees known at build time.
   */
  declInit(d: ts.VariableDeclaration, env: Env): Tree<Value> {
    return statements.declInit(this, d, env);
  }

  /** For a JS array type (not a tuple) of numbers or Arrays, the element's type. */
  /** The value type of a string index signature (Record<string, T>), if numbers or Arrays. */
  recordElementTy(t: ts.Type): Ty | null {
    return types.recordElementTy(this, t);
  }

  listElementTy(t: ts.Type): Ty | null {
    return types.listElementTy(this, t);
  }

  /** An expression evaluated for its effect (a for-loop update: i++, i += 2, a comma list). */
  effectExpr(e0: ts.Expression, env: Env): void {
    statements.effectExpr(this, e0, env);
  }

  /** x++, ++x, x--, --x on a local number: assigns, and yields the old or new value. */
  incDec(e: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, env: Env): Value {
    return statements.incDec(this, e, env);
  }

  forOf(st: ts.ForOfStatement, env: Env, targets: Target[], label?: string): void {
    statements.forOf(this, st, env, targets, label);
  }

  /** The element type of a JS array expression (number[] → num, Array[] → arr). */
  elementTy(e: ts.Expression): Ty {
    return statements.elementTy(this, e);
  }

  assign(e: ts.BinaryExpression, env: Env) {
    return statements.assign(this, e, env);
  }

  /** v[i] = e, v[i] += e on a local list. */
  assignElement(e: ts.BinaryExpression, left: ts.ElementAccessExpression, env: Env) {
    return statements.assignElement(this, e, left, env);
  }

  // ---- expressions --------------------------------------------------------------------
  leafOf(t: Tree<Value>, node: ts.Node): Value {
    return expressions.leafOf(this, t, node);
  }

  /** An argument as one value: a leaf, or a tree of constants (shapes, axes, options) as one constant. */
  valueOf(t: Tree<Value>, node: ts.Node): Value {
    return expressions.valueOf(this, t, node);
  }

  prim(prim: string, args: Value[], node: ts.Node, ty?: Ty): Var {
    return expressions.prim(this, prim, args, node, ty);
  }

  expr(node: ts.Expression, env: Env): Tree<Value> {
    return expressions.expr(this, node, env);
  }

  ident(node: ts.Identifier, env: Env, symbol?: ts.Symbol): Tree<Value> {
    return expressions.ident(this, node, env, symbol);
  }

  member(node: ts.Expression, objExpr: ts.Expression, key: string | number, env: Env): Tree<Value> {
    return expressions.member(this, node, objExpr, key, env);
  }

  isGlobalMath(id: ts.Identifier): boolean {
    return expressions.isGlobalMath(this, id);
  }

  call(node: ts.CallExpression, env: Env): Tree<Value> {
    return calls.call(this, node, env);
  }

  /** Call of a user function, a const-bound function, or a grad/jit result. */
  callValue(target: ts.Expression, args: Tree<Value>[], node: ts.CallExpression, env: Env): Tree<Value> {
    return calls.callValue(this, target, args, node, env);
  }

  /**
   * Call the function a call returns (a closure factory: `const double = scaleBy(2)` with
   * `scaleBy = (k) => (x) => x * k`): the factory's parameters are bound to its arguments, and
   * the returned function is inlined with them in scope.
   */
  callReturned(factory: ts.CallExpression, args: Tree<Value>[], node: ts.CallExpression, env: Env): Tree<Value> {
    return calls.callReturned(this, factory, args, node, env);
  }

  /** Resolve an identifier or property to the function it denotes (through const bindings). */
  functionOf(t: ts.Expression): FnLike | ts.CallExpression | "jnp" {
    return calls.functionOf(this, t);
  }

  /** Substitute an already-lowered function (a nested transform) at a call site. */
  inlineFn(fn: Fn, args0: Tree<Value>[], node: ts.Node): Tree<Value> {
    return calls.inlineFn(this, fn, args0, node);
  }

  applyLowering(rule: CallLowering, args: Tree<Value>[], node: ts.CallExpression, mode: Ty): Tree<Value> {
    return calls.applyLowering(this, rule, args, node, mode);
  }
}
