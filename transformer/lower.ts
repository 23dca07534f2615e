// TS AST → IR. Types decide meaning: `number` arithmetic and Math.* become number primitives,
// jnp.* calls and Array methods become Array primitives; pytree parameters are flattened;
// calls to user functions (any file of the project) are inlined; nested grad/jit calls are
// transformed and inlined. Anything else is a LowerError at the offending node, which the
// plugins report as a ts.Diagnostic.

import ts from "./typescript.cjs";
import type { Ext, Fn, LocalFn, Param, Tree, Ty, Value, Var } from "./ir.js";
import { Builder, freshVar, leaf, leaves, lit, mapTree, num, tup } from "./ir.js";
import { primTy } from "./prims/index.js";
import { renameStmts, replaced } from "./subst.js";
import { nextLocal } from "./context.js";
import { CustomRules } from "./custom.js";
import { Flow, assignedSymbols, type Target } from "./flow.js";
import { arrayTypeKind, classify, resolveAlias } from "./find.js";
import { JNP, MATH, MATH_CONSTS, METHODS, type CallLowering } from "./rules/lowering.js";


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

export class Lowerer {
  readonly b = new Builder(primTy);
  private stack: ts.Node[] = [];
  /** Closed-over locals of the enclosing function: the param trees standing for them, and their values. */
  private captures = new Map<ts.Symbol, { tree: Tree<Var>; value: Tree<Value> }>();
  private readonly flow = new Flow(this);
  constructor(
    readonly host: LowerHost,
    private readonly outer?: OuterScope,
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
    const c = this.checker;
    let arrayLike = false;
    const walk = (t: ts.Type, base: string, depth: number): Tree<Var> => {
      if (depth > 20) this.fail(at, `parameter '${name}' has a recursive type`);
      if (isNumberType(t)) return leaf(freshVar(base, "num"));
      const ak = arrayTypeKind(c, t);
      if (ak) {
        if (ak === "arraylike") arrayLike = true;
        return leaf(freshVar(base, "arr"));
      }
      if (t.flags & (ts.TypeFlags.BooleanLike | ts.TypeFlags.StringLike)) return leaf(freshVar(base, "other"));
      if (t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void))
        return { kind: "none", v: t.flags & ts.TypeFlags.Null ? null : undefined };
      if (c.isTupleType(t)) {
        const els = c.getTypeArguments(t as ts.TypeReference);
        return tup(els.map((e, i) => walk(e, `${base}_${i}`, depth + 1)));
      }
      // number[] / Array[]: a run-time list (its gradient a list of the same length)
      if (c.isArrayType(t) && this.listElementTy(t)) return leaf(freshVar(base, "list"));
      if (c.isArrayType(t))
        this.fail(at, `parameter '${name}' has an array type of unknown length (${c.typeToString(t)}) whose elements are not numbers or Arrays; use a tuple type such as [{ w: Array }, { w: Array }]`);
      if (t.flags & ts.TypeFlags.Object && t.getCallSignatures().length === 0) {
        // Record<string, number | Array>: a run-time map (a list with string keys)
        if (c.getIndexInfosOfType(t).length && this.recordElementTy(t) && c.getPropertiesOfType(t).length === 0) return leaf(freshVar(base, "list"));
        if (c.getIndexInfosOfType(t).length)
          this.fail(at, `parameter '${name}' has an index signature (${c.typeToString(t)}) with values that are not numbers or Arrays, or named fields beside it; give its fields names, e.g. { W: Array; b: Array }`);
        const props = c.getPropertiesOfType(t).map((p) => p.getName()).sort();
        return {
          kind: "obj",
          keys: props,
          kids: props.map((k) => walk(c.getTypeOfSymbolAtLocation(c.getPropertyOfType(t, k)!, at), `${base}_${k}`, depth + 1)),
        };
      }
      this.fail(at, `parameter '${name}' has type ${c.typeToString(t)}, which tsjax cannot differentiate (expected number, Array, or objects/tuples of them)`);
    };
    return { tree: walk(t, name, 0), arrayLike };
  }

  /**
   * The type of an expression. Where TypeScript narrows a name to `never` (a constant read in
   * code it knows cannot run: `K || K / x` with a truthy `K`), the declared type: the code is
   * still lowered (both sides of a select are), and the run-time guard keeps it from mattering.
   */
  typeAt(node: ts.Node): ts.Type {
    const t = this.checker.getTypeAtLocation(node);
    if (!(t.flags & ts.TypeFlags.Never)) return t;
    const e = ts.isExpression(node) ? skipParens(node) : node;
    const sym = ts.isIdentifier(e) ? this.checker.getSymbolAtLocation(e) : undefined;
    return sym ? this.checker.getTypeOfSymbol(sym) : t;
  }

  tyOfType(t: ts.Type): Ty {
    if (isNumberType(t)) return "num";
    return arrayTypeKind(this.checker, t) ? "arr" : "other";
  }

  // ---- functions ----------------------------------------------------------------------
  /** Lower a function as the top-level target of a transform: parameters from their types. */
  lowerTop(decl: FnLike, name: string): Fn {
    this.host.dependsOn(decl.getSourceFile().fileName);
    const env: Env = new Map();
    const params: Param[] = decl.parameters.map((p) => {
      if (!ts.isIdentifier(p.name)) this.fail(p, "destructured parameters are not supported in a differentiated function; take the object and read its fields");
      if (p.dotDotDotToken) this.fail(p, "rest parameters are not supported in a differentiated function");
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
  inlineCall(decl: FnLike, args: Tree<Value>[], call: ts.Node, callerEnv?: Env): Tree<Value> {
    if (decl.body && this.isRecursive(decl)) return this.callLocal(decl, args, call);
    if (this.stack.includes(decl)) this.fail(call, `recursive call to '${fnName(decl)}' is not supported in a differentiated function yet`);
    if (!decl.body) this.fail(call, `cannot differentiate through '${fnName(decl)}': it has no body (a declaration only)`);
    this.host.dependsOn(decl.getSourceFile().fileName);
    const local = callerEnv && isNested(decl);
    const env: Env = local ? new Map([...callerEnv].filter(([k]) => typeof k !== "string")) : new Map();
    decl.parameters.forEach((p, i) => {
      if (p.dotDotDotToken) this.fail(p, "rest parameters are not supported in a differentiated function");
      let v = args[i];
      if (!v) v = p.initializer ? this.expr(p.initializer, env) : { kind: "none", v: undefined };
      this.bindPattern(p.name, v, env);
    });
    this.stack.push(decl);
    try {
      const r = this.lowerBody(decl, env);
      if (local) for (const k of assignedSymbols(decl.body, this.checker)) if (callerEnv.has(k) && env.has(k)) callerEnv.set(k, env.get(k)!);
      return r;
    } finally {
      this.stack.pop();
    }
  }

  private lowerBody(decl: FnLike, env: Env): Tree<Value> {
    if (decl.asteriskToken) this.fail(decl, `'${fnName(decl)}' is a generator: generators cannot be differentiated`);
    if (decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword))
      this.fail(decl, `'${fnName(decl)}' is async: async functions cannot be differentiated (await the data first, then differentiate a synchronous function)`);
    const body = decl.body!;
    if (!ts.isBlock(body)) return this.expr(body, env);
    env.set("$returned", leaf(lit(false)));
    this.flow.stmts(body.statements, env, []);
    const r = env.get("$ret");
    if (!r) this.fail(decl, `'${fnName(decl)}' does not return a value`);
    return r;
  }

  // ---- recursion ------------------------------------------------------------------------

  private recursive = new Map<ts.Node, boolean>();
  private localInfo = new Map<ts.Node, { name: string; params: Tree<Var>[]; result: Tree<Var> }>();
  /** Local functions of the Fn being lowered (recursive user functions, lowered once each). */
  readonly locals: LocalFn[] = [];
  /** Functions with the user's derivative rules (customVjp, customJvp). */
  private readonly customs = new CustomRules(this);

  /** Whether a function can reach itself through calls (directly or mutually). */
  isRecursive(decl: FnLike): boolean {
    const known = this.recursive.get(decl);
    if (known !== undefined) return known;
    const seen = new Set<ts.Node>();
    const reaches = (fn: ts.Node): boolean => {
      let hit = false;
      const walk = (n: ts.Node): void => {
        if (hit) return;
        if (ts.isCallExpression(n)) {
          const d = this.calleeDecl(n.expression);
          if (d === decl) hit = true;
          else if (d && !seen.has(d)) {
            seen.add(d);
            if (reaches(d)) hit = true;
          }
        }
        ts.forEachChild(n, walk);
      };
      walk(fn);
      return hit;
    };
    const r = decl.body ? reaches(decl.body) : false;
    this.recursive.set(decl, r);
    return r;
  }

  /** The user function a callee expression denotes, if it is one with source (no failure). */
  private calleeDecl(e0: ts.Expression): FnLike | undefined {
    const e = skipParens(e0);
    const sym = resolveAlias(this.checker, this.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(e) ? e.name : e));
    const d = sym?.valueDeclaration;
    if (!d || d.getSourceFile().isDeclarationFile) return undefined;
    if (ts.isFunctionDeclaration(d) && d.body) return d;
    if (ts.isVariableDeclaration(d) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) return d.initializer;
    return undefined;
  }

  /**
   * A call of a recursive function: lowered once as a local function of the Fn (reverse mode
   * splits it into a forward and a backward half), called here with flattened arguments.
   */
  private callLocal(decl: FnLike, args: Tree<Value>[], call: ts.Node): Tree<Value> {
    const info = this.localFor(decl);
    const flat: Value[] = [];
    info.params.forEach((pt, i) => {
      const a = args[i];
      if (!a) this.fail(call, `a recursive function's arguments must all be given (missing '${decl.parameters[i]?.name.getText()}')`);
      const al = a.kind === "leaf" ? [a.v] : leaves(a);
      if (al.length !== leaves(pt).length) this.fail(call, `argument ${i + 1} does not have the structure '${fnName(decl)}' declares`);
      flat.push(...al);
    });
    const outs = leaves(info.result).map((v) => freshVar(v.name, v.ty));
    this.b.body.push({ kind: "call", fn: info.name, args: flat, outs, src: call });
    let k = 0;
    return mapTree(info.result, () => outs[k++]);
  }

  private localFor(decl: FnLike): { name: string; params: Tree<Var>[]; result: Tree<Var> } {
    const known = this.localInfo.get(decl);
    if (known) return known;
    this.host.dependsOn(decl.getSourceFile().fileName);
    const env: Env = new Map();
    const params = decl.parameters.map((p) => {
      if (!ts.isIdentifier(p.name) || p.dotDotDotToken) this.fail(p, "a recursive function's parameters must be plain names");
      const { tree } = this.paramTree(this.typeAt(p), p.name.text, p);
      env.set(this.checker.getSymbolAtLocation(p.name)!, tree);
      return tree;
    });
    const sig = this.checker.getSignatureFromDeclaration(decl);
    const { tree: result } = this.paramTree(this.checker.getReturnTypeOfSignature(sig!), "ret", decl);
    const info = { name: `${fnName(decl).replace(/\W/g, "_")}_${nextLocal()}`, params, result };
    this.localInfo.set(decl, info);
    this.stack.push(decl);
    const blk = this.b.block(() => {
      const r = this.lowerBody(decl, env);
      if (leaves(r).length !== leaves(result).length) this.fail(decl, `'${fnName(decl)}' returns a value whose structure differs from its declared return type`);
      return leaves(r);
    });
    this.stack.pop();
    this.locals.push({ name: info.name, params: params.flatMap((t) => leaves(t)), body: blk.body, results: blk.results });
    return info;
  }

  /**
   * Lower a (non-recursive) function as a local function of the Fn: parameters from their
   * declared types, flattened; the results are the leaves of what its body returns.
   */
  lowerLocal(decl: FnLike, base: string): { lf: LocalFn; params: Tree<Var>[]; result: Tree<Value> } {
    if (!decl.body) this.fail(decl, `'${fnName(decl)}' has no body`);
    this.host.dependsOn(decl.getSourceFile().fileName);
    const env: Env = new Map();
    const params = decl.parameters.map((p) => {
      if (p.dotDotDotToken) this.fail(p, "rest parameters are not supported in a differentiated function");
      const { tree } = this.paramTree(this.typeAt(p), ts.isIdentifier(p.name) ? p.name.text : "arg", p);
      this.bindPattern(p.name, tree, env);
      return tree;
    });
    let result: Tree<Value> = { kind: "none", v: undefined };
    this.stack.push(decl);
    const blk = this.b.block(() => leaves((result = this.lowerBody(decl, env))));
    this.stack.pop();
    const lf: LocalFn = { name: `${base.replace(/\W/g, "_")}_${nextLocal()}`, params: params.flatMap((t) => leaves(t)), body: blk.body, results: blk.results };
    this.locals.push(lf);
    return { lf, params, result };
  }

  /** Zeros/undefined shaped like the enclosing function's return type (for loops that return). */
  retPlaceholder(node: ts.Node): Tree<Value> {
    let f: ts.Node | undefined = node;
    while (f && !ts.isFunctionLike(f)) f = f.parent;
    const sig = f ? this.checker.getSignatureFromDeclaration(f as ts.SignatureDeclaration) : undefined;
    if (!sig) this.fail(node, "cannot tell the return type of the enclosing function");
    const { tree } = this.paramTree(this.checker.getReturnTypeOfSignature(sig), "return value", node);
    return mapTree(tree, (v) => (v.ty === "other" ? lit(undefined) : num(0)));
  }

  /** Element i of a destructured value: a tuple's kid, or a read of a run-time JS array or list. */
  private element(v: Tree<Value>, i: number, at: ts.Node): Tree<Value> {
    if (v.kind === "tup") return v.kids[i] ?? { kind: "none", v: undefined };
    if (v.kind === "leaf" && v.v.ty === "list") return leaf(this.prim("listGet", [v.v, num(i)], at, this.tyOfType(this.typeAt(at))));
    if (v.kind === "leaf" && v.v.ty === "other") return leaf(this.prim("prop", [v.v, num(i)], at, this.tyOfType(this.typeAt(at))));
    this.fail(at, "array destructuring needs a tuple or an array value");
  }

  private bindPattern(name: ts.BindingName, v: Tree<Value>, env: Env) {
    if (ts.isIdentifier(name)) {
      env.set(this.checker.getSymbolAtLocation(name)!, v);
      return;
    }
    if (ts.isArrayBindingPattern(name)) {
      name.elements.forEach((e, i) => {
        if (ts.isOmittedExpression(e)) return;
        if (e.dotDotDotToken) this.fail(e, "rest elements are not supported in a differentiated function");
        this.bindPattern(e.name, this.element(v, i, e), env);
      });
      return;
    }
    if (v.kind !== "obj") this.fail(name, "object destructuring needs an object value");
    for (const e of name.elements) {
      if (e.dotDotDotToken) this.fail(e, "rest elements are not supported in a differentiated function");
      const key = e.propertyName ? propKey(e.propertyName) : (e.name as ts.Identifier).text;
      if (key === null) this.fail(e, "computed property names are not supported in a differentiated function");
      const i = v.keys.indexOf(key);
      this.bindPattern(e.name, i >= 0 ? v.kids[i] : { kind: "none", v: undefined }, env);
    }
  }

  // ---- statements ---------------------------------------------------------------------
  stmt(st: ts.Statement, env: Env, targets: Target[] = [], label?: string): void {
    // Local functions are inlined where they are called (closures over the current variables).
    if (ts.isFunctionDeclaration(st)) return;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (d.initializer && (ts.isArrowFunction(skipParens(d.initializer)) || ts.isFunctionExpression(skipParens(d.initializer)))) {
          if (!(st.declarationList.flags & ts.NodeFlags.Const)) this.fail(d, "a local function must be bound with const");
          continue;
        }
        if (!d.initializer) this.fail(d, "a variable in a differentiated function needs an initial value");
        this.bindPattern(d.name, this.declInit(d, env), env);
      }
      return;
    }
    if (ts.isExpressionStatement(st)) {
      const e = skipParens(st.expression);
      if (ts.isBinaryExpression(e) && isAssignOp(e.operatorToken.kind)) return this.assign(e, env);
      if (isIncDec(e)) return void this.incDec(e, env);
      // A call for its effects on local variables (a closure, list.push); its value is dropped.
      if (ts.isCallExpression(e)) return void this.expr(e, env);
      this.fail(st, "an expression statement in a differentiated function has effects tsjax cannot differentiate (only assignments and calls are allowed)");
    }
    if (ts.isBlock(st)) return this.flow.stmts(st.statements, env, targets);
    if (ts.isIfStatement(st)) return this.flow.ifStmt(st, env, targets);
    if (ts.isLabeledStatement(st)) return this.stmt(st.statement, env, targets, st.label.text);
    if (ts.isSwitchStatement(st)) return this.flow.switchStmt(st, env, targets, label);
    const body = (s: ts.Statement) => (e: Env, t: Target[]) => this.flow.stmts(ts.isBlock(s) ? s.statements : [s], e, t);
    if (ts.isWhileStatement(st)) return this.flow.loop(st, env, targets, label, { test: (e) => this.flow.cond(st.expression, e), body: body(st.statement) });
    if (ts.isDoStatement(st)) return this.flow.loop(st, env, targets, label, { test: (e) => this.flow.cond(st.expression, e), body: body(st.statement), doWhile: true });
    if (ts.isForStatement(st)) {
      if (st.initializer) {
        if (ts.isVariableDeclarationList(st.initializer))
          for (const d of st.initializer.declarations) {
            if (!d.initializer) this.fail(d, "a loop variable needs an initial value");
            this.bindPattern(d.name, this.expr(d.initializer, env), env);
          }
        else this.expr(st.initializer, env);
      }
      const inc = st.incrementor;
      return this.flow.loop(st, env, targets, label, {
        test: st.condition ? (e) => this.flow.cond(st.condition!, e) : undefined,
        body: body(st.statement),
        update: inc ? (e) => this.effectExpr(inc, e) : undefined,
      });
    }
    if (ts.isForOfStatement(st)) return this.forOf(st, env, targets, label);
    if (ts.isEmptyStatement(st) || ts.isTypeAliasDeclaration(st) || ts.isInterfaceDeclaration(st)) return;
    const what = CONTROL[st.kind];
    if (what) this.fail(st, `\`${what}\` inside a differentiated function is not supported`);
    this.fail(st, `unsupported statement (${ts.SyntaxKind[st.kind]}) in a differentiated function`);
  }

  /**
   * A declaration's value. A local JS array of numbers or Arrays (`const v: number[] = []`, a
   * non-tuple array type) is a run-time list: element reads and writes at run-time indices, push,
   * length. Tuples and other literals stay trees known at build time.
   */
  private declInit(d: ts.VariableDeclaration, env: Env): Tree<Value> {
    const init = d.initializer!;
    const e = skipParens(init);
    if (ts.isIdentifier(d.name) && ts.isArrayLiteralExpression(e) && this.listElementTy(this.typeAt(d.name))) {
      const els = e.elements.map((x) => {
        if (ts.isSpreadElement(x) || ts.isOmittedExpression(x)) this.fail(x, "spreads and holes in array literals are not supported in a differentiated function");
        return this.leafOf(this.expr(x, env), x);
      });
      return leaf(this.prim("listFrom", els, init, "list"));
    }
    return this.expr(init, env);
  }

  /** For a JS array type (not a tuple) of numbers or Arrays, the element's type. */
  /** The value type of a string index signature (Record<string, T>), if numbers or Arrays. */
  recordElementTy(t: ts.Type): Ty | null {
    const info = this.checker.getIndexInfoOfType(t, ts.IndexKind.String);
    const ty = info ? this.tyOfType(info.type) : null;
    return ty === "num" || ty === "arr" ? ty : null;
  }

  listElementTy(t: ts.Type): Ty | null {
    if (!this.checker.isArrayType(t) || this.checker.isTupleType(t)) return null;
    const el = this.checker.getTypeArguments(t as ts.TypeReference)[0];
    const ty = el ? this.tyOfType(el) : "other";
    return ty === "num" || ty === "arr" ? ty : null;
  }

  /** An expression evaluated for its effect (a for-loop update: i++, i += 2, a comma list). */
  private effectExpr(e0: ts.Expression, env: Env): void {
    const e = skipParens(e0);
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) return (this.effectExpr(e.left, env), this.effectExpr(e.right, env));
    if (ts.isBinaryExpression(e) && isAssignOp(e.operatorToken.kind)) return this.assign(e, env);
    if (isIncDec(e)) return void this.incDec(e, env);
    this.expr(e, env);
  }

  /** x++, ++x, x--, --x on a local number: assigns, and yields the old or new value. */
  private incDec(e: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, env: Env): Value {
    if (!ts.isIdentifier(e.operand)) this.fail(e, "++ and -- apply to local variables only");
    const sym = this.checker.getSymbolAtLocation(e.operand);
    if (!sym || !env.has(sym)) this.fail(e.operand, `'${e.operand.text}' is not a local of the differentiated function (mutation of captured state)`);
    const old = this.leafOf(env.get(sym)!, e.operand);
    const nv = this.prim(e.operator === ts.SyntaxKind.PlusPlusToken ? "add" : "sub", [old, num(1)], e);
    env.set(sym, leaf(nv));
    return ts.isPrefixUnaryExpression(e) ? nv : old;
  }

  private forOf(st: ts.ForOfStatement, env: Env, targets: Target[], label?: string): void {
    const decl = st.initializer;
    if (!ts.isVariableDeclarationList(decl) || decl.declarations.length !== 1) this.fail(st.initializer, "for...of needs one `const`/`let` binding");
    const name = decl.declarations[0].name;
    const seq = this.expr(st.expression, env);
    const body = (e: Env, t: Target[]) => this.flow.stmts(ts.isBlock(st.statement) ? st.statement.statements : [st.statement], e, t);
    if (seq.kind === "tup")
      // A tuple known at build time: unrolled, one guarded copy of the body per element.
      return this.flow.unrolled(st, env, targets, label, seq.kids.length, (e, t, k) => {
        this.bindPattern(name, seq.kids[k], e);
        body(e, t);
      });
    const v = this.leafOf(seq, st.expression);
    if (v.ty === "num") this.fail(st.expression, "for...of over a number");
    const key = `$i${st.pos}`;
    const len =
      v.ty === "arr"
        ? this.prim("prop", [this.prim("prop", [v, lit("shape")], st, "other"), num(0)], st, "num")
        : v.ty === "list"
          ? this.prim("listLen", [v], st, "num")
          : this.prim("prop", [v, lit("length")], st, "num");
    return this.flow.loop(st, env, targets, label, {
      test: (e) => this.prim("less", [this.leafOf(e.get(key)!, st), len], st, "other"),
      body: (e, t) => {
        const i = this.leafOf(e.get(key)!, st);
        const el =
          v.ty === "arr"
            ? this.prim("index", [v, i], st, "arr")
            : this.prim(v.ty === "list" ? "listGet" : "prop", [v, i], st, this.elementTy(st.expression));
        this.bindPattern(name, leaf(el), e);
        body(e, t);
      },
      update: (e) => e.set(key, leaf(this.prim("add", [this.leafOf(e.get(key)!, st), num(1)], st))),
      extra: new Map([[key, leaf(num(0))]]),
    });
  }

  /** The element type of a JS array expression (number[] → num, Array[] → arr). */
  private elementTy(e: ts.Expression): Ty {
    const t = this.typeAt(e);
    const el = this.checker.isArrayType(t) ? this.checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
    return el ? this.tyOfType(el) : "other";
  }

  private assign(e: ts.BinaryExpression, env: Env) {
    if (ts.isElementAccessExpression(e.left) && ts.isIdentifier(e.left.expression)) return this.assignElement(e, e.left, env);
    if (ts.isArrayLiteralExpression(e.left) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      // [a, b] = [b, a + b]: the right side is evaluated first, then each name is assigned
      const rhs = this.expr(e.right, env);
      e.left.elements.forEach((el, i) => {
        if (ts.isOmittedExpression(el)) return;
        if (!ts.isIdentifier(el)) this.fail(el, "only local variables can be assigned by destructuring in a differentiated function");
        const sym = this.checker.getSymbolAtLocation(el);
        if (!sym || !env.has(sym)) this.fail(el, `assignment to '${el.text}', which is not a local of the differentiated function (mutation of captured state)`);
        env.set(sym, this.element(rhs, i, el));
      });
      return;
    }
    if (!ts.isIdentifier(e.left)) this.fail(e.left, "only local variables can be assigned in a differentiated function");
    const sym = this.checker.getSymbolAtLocation(e.left);
    if (!sym || !env.has(sym)) this.fail(e.left, `assignment to '${e.left.text}', which is not a local of the differentiated function (mutation of captured state)`);
    const rhs = this.expr(e.right, env);
    const op = COMPOUND[e.operatorToken.kind];
    if (e.operatorToken.kind === ts.SyntaxKind.EqualsToken) env.set(sym, rhs);
    else if (op) env.set(sym, leaf(this.prim(op, [this.leafOf(env.get(sym)!, e.left), this.leafOf(rhs, e.right)], e)));
    else this.fail(e.operatorToken, `operator ${ts.tokenToString(e.operatorToken.kind)} is not supported in a differentiated function`);
  }

  /** v[i] = e, v[i] += e on a local list. */
  private assignElement(e: ts.BinaryExpression, left: ts.ElementAccessExpression, env: Env) {
    const id = left.expression as ts.Identifier;
    const sym = this.checker.getSymbolAtLocation(id);
    const cur = sym && env.get(sym);
    if (!sym || !cur) this.fail(id, `assignment into '${id.text}', which is not a local of the differentiated function (mutation of captured state)`);
    if (cur.kind !== "leaf" || cur.v.ty !== "list") this.fail(left, `element writes need a local array of numbers or Arrays (declared with an array type such as number[]), not a tuple or object`);
    const l = cur.v;
    const i = this.leafOf(this.expr(left.argumentExpression, env), left.argumentExpression);
    let v = this.leafOf(this.expr(e.right, env), e.right);
    const op = COMPOUND[e.operatorToken.kind];
    if (op) v = this.prim(op, [this.prim("listGet", [l, i], left, this.listElementTy(this.typeAt(id)) ?? "num"), v], e);
    else if (e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) this.fail(e.operatorToken, `operator ${ts.tokenToString(e.operatorToken.kind)} is not supported in a differentiated function`);
    env.set(sym, leaf(this.prim("listSetAt", [l, i, v], e, "list")));
  }

  // ---- expressions --------------------------------------------------------------------
  leafOf(t: Tree<Value>, node: ts.Node): Value {
    if (t.kind === "leaf") return t.v;
    if (t.kind === "none") return lit(t.v);
    this.fail(node, "expected a number or an Array here, not an object or tuple");
  }

  /** An argument as one value: a leaf, or a tree of constants (shapes, axes, options) as one constant. */
  valueOf(t: Tree<Value>, node: ts.Node): Value {
    if (t.kind === "leaf") return t.v;
    if (t.kind === "none") return lit(t.v);
    const js = (n: Tree<Value>): unknown => {
      if (n.kind === "none") return n.v;
      if (n.kind === "leaf") {
        if (n.v.tag !== "const") this.fail(node, "a list or object of run-time values is not supported here (only constants); for Arrays use jnp.stack");
        return n.v.value;
      }
      if (n.kind === "tup") return n.kids.map(js);
      return Object.fromEntries(n.keys.map((k, i) => [k, js(n.kids[i])]));
    };
    return lit(js(t));
  }

  prim(prim: string, args: Value[], node: ts.Node, ty?: Ty): Var {
    this.b.src = node;
    return this.b.apply(prim, args, nameHint(node), ty);
  }

  expr(node: ts.Expression, env: Env): Tree<Value> {
    const c = this.checker;
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node))
      return this.expr(node.expression, env);
    if (ts.isNumericLiteral(node)) return leaf(num(Number(node.text)));
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return leaf(lit(node.text));
    if (node.kind === ts.SyntaxKind.TrueKeyword) return leaf(lit(true));
    if (node.kind === ts.SyntaxKind.FalseKeyword) return leaf(lit(false));
    if (node.kind === ts.SyntaxKind.NullKeyword) return { kind: "none", v: null };
    if (ts.isIdentifier(node)) return this.ident(node, env);
    if (isIncDec(node)) return leaf(this.incDec(node, env));
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken)
      return leaf(this.flow.not(this.leafOf(this.expr(node.operand, env), node.operand), node));
    if (ts.isPrefixUnaryExpression(node)) {
      const x = this.leafOf(this.expr(node.operand, env), node.operand);
      if (node.operator === ts.SyntaxKind.MinusToken) return leaf(x.tag === "const" && typeof x.value === "number" ? num(-x.value) : this.prim("neg", [x], node));
      if (node.operator === ts.SyntaxKind.PlusToken) return leaf(x);
      this.fail(node, `operator ${ts.tokenToString(node.operator)} is not supported in a differentiated function`);
    }
    if (ts.isBinaryExpression(node) && LOGICAL.has(node.operatorToken.kind)) {
      // a && b is `a ? b : a`, a || b is `a ? a : b`, a ?? b is `a == null ? b : a`, lazily.
      const a = this.expr(node.left, env);
      const av = this.leafOf(a, node.left);
      if (av.ty === "arr") this.fail(node.left, "an Array used as a condition: compare a number instead");
      const k = node.operatorToken.kind;
      const c = k === ts.SyntaxKind.QuestionQuestionToken ? this.prim("isNullish", [av], node, "other") : av;
      const right = () => this.expr(node.right, env);
      if (k === ts.SyntaxKind.AmpersandAmpersandToken) return this.flow.select(c, right, () => a, env, node);
      if (k === ts.SyntaxKind.BarBarToken) return this.flow.select(c, () => a, right, env, node);
      return this.flow.select(c, right, () => a, env, node);
    }
    if (ts.isBinaryExpression(node)) {
      const op = BINARY[node.operatorToken.kind];
      if (!op) {
        if (isAssignOp(node.operatorToken.kind)) this.fail(node, "assignments inside expressions are not supported; write them as statements");
        if (node.operatorToken.kind === ts.SyntaxKind.CommaToken) this.fail(node, "the comma operator is not supported in a differentiated function");
        this.fail(node, `operator \`${node.operatorToken.getText()}\` is not supported in a differentiated function`);
      }
      const a = this.leafOf(this.expr(node.left, env), node.left);
      const b = this.leafOf(this.expr(node.right, env), node.right);
      for (const [v, n] of [[a, node.left], [b, node.right]] as const)
        if (v.ty === "arr") this.fail(n, `operator ${node.operatorToken.getText()} on an Array: use jnp functions or Array methods (a.add(b), a.mul(b))`);
      const lt = this.typeAt(node.left), rt = this.typeAt(node.right);
      if (!isNumberType(lt) || !isNumberType(rt))
        if (!["less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual"].includes(op))
          this.fail(node, `operator ${node.operatorToken.getText()} on ${c.typeToString(lt)} and ${c.typeToString(rt)}: only number arithmetic is differentiable`);
      return leaf(this.prim(op, [a, b], node));
    }
    if (ts.isObjectLiteralExpression(node)) {
      const entries: [string, Tree<Value>][] = [];
      for (const p of node.properties) {
        if (ts.isPropertyAssignment(p)) {
          const k = propKey(p.name);
          if (k === null) this.fail(p.name, "computed property names are not supported in a differentiated function");
          entries.push([k, this.expr(p.initializer, env)]);
        } else if (ts.isShorthandPropertyAssignment(p)) entries.push([p.name.text, this.ident(p.name, env, this.checker.getShorthandAssignmentValueSymbol(p))]);
        else this.fail(p, "spreads, methods and accessors in object literals are not supported in a differentiated function");
      }
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return { kind: "obj", keys: entries.map((e) => e[0]), kids: entries.map((e) => e[1]) };
    }
    if (ts.isArrayLiteralExpression(node)) {
      return tup(node.elements.map((e) => {
        if (ts.isSpreadElement(e) || ts.isOmittedExpression(e)) this.fail(e, "spreads and holes in array literals are not supported in a differentiated function");
        return this.expr(e, env);
      }));
    }
    if (ts.isPropertyAccessExpression(node)) return this.member(node, node.expression, node.name.text, env);
    if (ts.isElementAccessExpression(node)) {
      const a = skipParens(node.argumentExpression);
      const k = ts.isNumericLiteral(a) ? Number(a.text) : ts.isStringLiteralLike(a) ? a.text : undefined;
      if (k === undefined) {
        const kv = this.leafOf(this.expr(a, env), a);
        if (kv.tag === "const" && (typeof kv.value === "number" || typeof kv.value === "string")) return this.member(node, node.expression, kv.value, env);
        const obj = this.expr(node.expression, env);
        if (obj.kind === "leaf" && obj.v.ty === "list") return leaf(this.prim("listGet", [obj.v, kv], node, this.tyOfType(this.typeAt(node))));
        // A run-time index into a captured JS array (constants for AD): read it as it is.
        if (obj.kind === "leaf" && obj.v.ty === "other") return leaf(this.prim("prop", [obj.v, kv], node, this.tyOfType(this.typeAt(node))));
        this.fail(a, "indexing a tuple or object with a value computed at run time is not supported; use a literal index, or jnp.take for Arrays");
      }
      return this.member(node, node.expression, k, env);
    }
    if (ts.isCallExpression(node)) return this.call(node, env);
    if (ts.isConditionalExpression(node)) {
      const c = this.flow.cond(node.condition, env);
      return this.flow.select(c, () => this.expr(node.whenTrue, env), () => this.expr(node.whenFalse, env), env, node);
    }
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) this.fail(node, "functions as values inside a differentiated function are not supported yet");
    if (ts.isTemplateExpression(node)) this.fail(node, "template strings are not differentiable");
    if (ts.isAwaitExpression(node)) this.fail(node, "`await` inside a differentiated function is not supported");
    if (ts.isYieldExpression(node)) this.fail(node, "`yield` inside a differentiated function is not supported");
    this.fail(node, `unsupported expression (${ts.SyntaxKind[node.kind]}) in a differentiated function`);
  }

  private ident(node: ts.Identifier, env: Env, symbol?: ts.Symbol): Tree<Value> {
    if (node.text === "undefined") return { kind: "none", v: undefined };
    const sym = symbol ?? this.checker.getSymbolAtLocation(node);
    if (!sym) this.fail(node, `cannot resolve '${node.text}'`);
    const v = env.get(sym);
    if (v) return v;
    const ov = this.outer?.lookup(sym);
    if (ov) {
      let c = this.captures.get(sym);
      if (!c) this.captures.set(sym, (c = { tree: mapTree(ov, (x) => freshVar(sym.getName(), x.ty)), value: ov }));
      return c.tree;
    }
    if (node.text === "NaN" || node.text === "Infinity") return leaf(num(node.text === "NaN" ? NaN : Infinity));
    return leaf(this.host.captured(sym, node, this.tyOfType(this.typeAt(node))));
  }

  private member(node: ts.Expression, objExpr: ts.Expression, key: string | number, env: Env): Tree<Value> {
    // enum members are constants (a const enum has no object at run time to read them from)
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const cv = this.checker.getConstantValue(node);
      if (cv !== undefined) return leaf(lit(cv));
    }
    if (ts.isIdentifier(objExpr) && objExpr.text === "Math" && typeof key === "string" && key in MATH_CONSTS && this.isGlobalMath(objExpr))
      return leaf(num(MATH_CONSTS[key]));
    const obj = this.expr(objExpr, env);
    if (obj.kind === "obj") {
      const i = obj.keys.indexOf(String(key));
      if (i < 0) this.fail(node, `no field '${key}' here (fields: ${obj.keys.join(", ") || "none"})`);
      return obj.kids[i];
    }
    if (obj.kind === "tup") {
      if (key === "length") return leaf(num(obj.kids.length));
      if (typeof key !== "number" || !obj.kids[key]) this.fail(node, `index ${String(key)} is out of range for a tuple of length ${obj.kids.length}`);
      return obj.kids[key];
    }
    if (obj.kind === "none") this.fail(node, `reading '${key}' of ${String(obj.v)}`);
    const v = obj.v;
    if (v.ty === "list") {
      const rec = this.recordElementTy(this.typeAt(objExpr));
      if (key === "length" && !rec) return leaf(this.prim("listLen", [v], node, "num"));
      if (typeof key !== "number" && !rec) this.fail(node, `cannot read '${key}' of a local array here`);
      return leaf(this.prim("listGet", [v, typeof key === "number" ? num(key) : lit(key)], node, this.tyOfType(this.typeAt(node))));
    }
    if (v.tag === "ext") return leaf({ ...v, path: [...(v.path ?? []), key], ty: this.tyOfType(this.typeAt(node)) });
    if (v.ty === "arr" && key === "T") return leaf(this.prim("transpose", [v, lit(undefined)], node));
    if (v.ty === "arr" && (key === "shape" || key === "ndim" || key === "size" || key === "dtype"))
      return leaf(this.prim("prop", [v, lit(key)], node, key === "ndim" || key === "size" ? "num" : "other"));
    if (v.ty === "other" && v.tag === "var") return leaf(this.prim("prop", [v, lit(key)], node, this.tyOfType(this.typeAt(node))));
    this.fail(node, `cannot read '${key}' of a ${v.ty === "num" ? "number" : "value"} in a differentiated function`);
  }

  private isGlobalMath(id: ts.Identifier): boolean {
    const d = this.checker.getSymbolAtLocation(id)?.declarations?.[0];
    return !!d && d.getSourceFile().isDeclarationFile;
  }

  private call(node: ts.CallExpression, env: Env): Tree<Value> {
    const c = this.checker;
    const callee = skipParens(node.expression);
    const argTrees = () =>
      node.arguments.map((a) => {
        if (ts.isSpreadElement(a)) this.fail(a, "spread arguments are not supported in a differentiated function");
        return this.expr(a, env);
      });

    // Math.*
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "Math" && this.isGlobalMath(callee.expression)) {
      const rule = MATH[callee.name.text];
      if (!rule) this.fail(callee, `Math.${callee.name.text} is not differentiable`);
      return this.applyLowering(rule, argTrees(), node, "num");
    }
    // push onto a local list (returns the new length, as JS does)
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === "push" && ts.isIdentifier(callee.expression)) {
      const sym = c.getSymbolAtLocation(callee.expression);
      const cur = sym && env.get(sym);
      if (sym && cur?.kind === "leaf" && cur.v.ty === "list") {
        let l: Value = cur.v;
        let n: Value = num(0);
        for (const a of node.arguments) {
          n = this.prim("listLen", [l], node, "num");
          l = this.prim("listSetAt", [l, n, this.leafOf(this.expr(a as ts.Expression, env), a)], node, "list");
        }
        env.set(sym, leaf(l));
        return leaf(this.prim("add", [n, num(1)], node));
      }
      if (sym && cur) this.fail(callee, "push needs a local array of numbers or Arrays (declared with an array type such as number[])");
    }
    // tsjax: transforms, numpy functions, Array methods
    const sym = c.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
    const kind = classify(c, sym);
    if (kind?.kind === "transform" && kind.name === "jvp") {
      // jvp(f, primals, tangents) inside differentiated code: its derivative, inlined
      const fn = this.host.transformCall(node, { lookup: (s) => env.get(s) });
      const tuple = (e: ts.Expression | undefined) => {
        const t = e && this.expr(e, env);
        if (!t || t.kind !== "tup") this.fail(e ?? node, "jvp's primals and tangents must be tuples ([x, y])");
        return t.kids;
      };
      return this.inlineFn(fn, [...tuple(node.arguments[1]), ...tuple(node.arguments[2])], node);
    }
    if (kind?.kind === "transform")
      this.fail(node, `${kind.name}(...) as a value inside a differentiated function is not supported; call the function it returns, or bind it to a const outside`);
    if (kind?.kind === "other" && kind.name === "stopGradient") {
      if (node.arguments.length !== 1) this.fail(node, "stopGradient takes one argument");
      return mapTree(this.expr(node.arguments[0], env), (v) => {
        if (v.ty === "list") this.fail(node.arguments[0], "stopGradient of a local array: apply it to the elements (or to a tuple)");
        return v.ty === "num" || v.ty === "arr" ? this.prim("stopGradient", [v], node, v.ty) : v;
      });
    }
    if (kind?.kind === "numpy") {
      const rule = JNP[kind.name];
      if (!rule) this.fail(callee, `jnp.${kind.name} is not differentiable by tsjax yet`);
      return this.applyLowering(rule, argTrees(), node, "arr");
    }
    if (kind?.kind === "method" && ts.isPropertyAccessExpression(callee)) {
      const rule = METHODS[kind.name];
      if (!rule) this.fail(callee.name, `Array.${kind.name}() is not differentiable by tsjax`);
      const self = this.expr(callee.expression, env);
      return this.applyLowering(rule, [self, ...argTrees()], node, "arr");
    }
    return this.callValue(callee, argTrees(), node, env);
  }

  /** Call of a user function, a const-bound function, or a grad/jit result. */
  private callValue(target: ts.Expression, args: Tree<Value>[], node: ts.CallExpression, env: Env): Tree<Value> {
    const t = skipParens(target);
    if (ts.isCallExpression(t)) {
      const k = classify(this.checker, this.checker.getSymbolAtLocation(skipParens(t.expression)));
      if (k?.kind === "transform") {
        if (k.name === "jit") return this.callValue(t.arguments[0], args, node, env);
        return this.inlineFn(this.host.transformCall(t, { lookup: (sym) => env.get(sym) }), args, node);
      }
      const custom = classify(this.checker, this.checker.getSymbolAtLocation(skipParens(t.expression)));
      if (custom?.kind === "other" && (custom.name === "customVjp" || custom.name === "customJvp" || custom.name === "checkpoint")) return this.customs.call(custom.name, t, args, node);
      return this.callReturned(t, args, node, env);
    }
    if (ts.isArrowFunction(t) || ts.isFunctionExpression(t)) return this.inlineCall(t, args, node, env);
    const decl = this.functionOf(t);
    if (decl === "jnp") this.fail(t, "cannot call this jnp function value here");
    if (ts.isCallExpression(decl)) return this.callValue(decl, args, node, env);
    return this.inlineCall(decl, args, node, env);
  }

  /**
   * Call the function a call returns (a closure factory: `const double = scaleBy(2)` with
   * `scaleBy = (k) => (x) => x * k`): the factory's parameters are bound to its arguments, and
   * the returned function is inlined with them in scope.
   */
  private callReturned(factory: ts.CallExpression, args: Tree<Value>[], node: ts.CallExpression, env: Env): Tree<Value> {
    const f = this.functionOf(factory.expression);
    const inner = f === "jnp" || ts.isCallExpression(f) ? undefined : returnedFunction(f);
    if (!inner || f === "jnp" || ts.isCallExpression(f))
      this.fail(
        factory,
        `cannot see at build time which function \`${factory.getText()}\` returns: a factory must return an arrow or function expression directly (\`const scaleBy = (k: number) => (x: Array) => ...\`)`,
      );
    if (this.stack.includes(f)) this.fail(factory, `recursive call to '${fnName(f)}' is not supported here`);
    const fenv: Env = new Map([...env].filter(([k]) => typeof k !== "string"));
    f.parameters.forEach((p, i) => {
      if (p.dotDotDotToken) this.fail(p, "rest parameters are not supported in a differentiated function");
      const a = factory.arguments[i];
      const v = a ? this.expr(a, env) : p.initializer ? this.expr(p.initializer, fenv) : { kind: "none" as const, v: undefined };
      this.bindPattern(p.name, v, fenv);
    });
    this.stack.push(f);
    try {
      return this.inlineCall(inner, args, node, fenv);
    } finally {
      this.stack.pop();
    }
  }

  /** Resolve an identifier or property to the function it denotes (through const bindings). */
  functionOf(t: ts.Expression): FnLike | ts.CallExpression | "jnp" {
    const c = this.checker;
    const e = skipParens(t);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
    if (ts.isCallExpression(e)) return e;
    const sym = resolveAlias(c, c.getSymbolAtLocation(ts.isPropertyAccessExpression(e) ? e.name : e));
    const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
    if (!sym || !decl) this.fail(e, `cannot resolve the function '${e.getText()}'`);
    if (classify(c, sym)?.kind === "numpy") return "jnp";
    if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) {
      const impl = sym.declarations?.find((d) => (ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && d.body) as FnLike | undefined;
      if (!impl) this.fail(e, `cannot differentiate through '${sym.getName()}': no source is available (declared in ${decl.getSourceFile().fileName})`);
      return impl;
    }
    if (ts.isVariableDeclaration(decl)) {
      const list = decl.parent;
      if (!(list.flags & ts.NodeFlags.Const)) this.fail(e, `'${sym.getName()}' is not a const binding: tsjax needs to know which function it is at build time`);
      if (!decl.initializer) this.fail(e, `'${sym.getName()}' has no initializer`);
      return this.functionOf(decl.initializer);
    }
    this.fail(e, `cannot differentiate through '${sym.getName()}': it is not a function tsjax can see the source of`);
  }

  /** Substitute an already-lowered function (a nested transform) at a call site. */
  inlineFn(fn: Fn, args0: Tree<Value>[], node: ts.Node): Tree<Value> {
    const m = new Map<number, Value>();
    const args = [...args0.slice(0, fn.params.length - (fn.captured?.length ?? 0)), ...(fn.captured ?? [])];
    fn.params.forEach((p, i) => {
      const a = args[i];
      if (!a) this.fail(node, `missing argument '${p.name}'`);
      const pl = leaves(p.tree);
      const al = a.kind === "leaf" ? [a.v] : leaves(a);
      if (pl.length !== al.length) this.fail(node, `argument '${p.name}' does not have the structure the function expects`);
      pl.forEach((v, j) => m.set(v.id, al[j]));
    });
    const sub = (v: Value): Value => replaced(v, m);
    // Its local functions are copied with it: they read its tape of calls, renamed here.
    const fns = new Map((fn.locals ?? []).map((lf) => [lf.name, `${lf.name.replace(/_\d+$/, "")}_${nextLocal()}`] as const));
    this.b.body.push(...renameStmts(fn.body, m, fns));
    for (const lf of fn.locals ?? []) {
      const lm = new Map(m);
      const params = lf.params.map((p) => {
        const n = freshVar(p.name, p.ty);
        lm.set(p.id, n);
        return n;
      });
      const body = renameStmts(lf.body, lm, fns);
      const c = lf.custom;
      const custom = !c || c.kind === "remat" ? c : c.kind === "vjp" ? { ...c, fwd: fns.get(c.fwd)!, bwd: fns.get(c.bwd)! } : { ...c, rule: fns.get(c.rule)! };
      this.locals.push({ name: fns.get(lf.name)!, params, body, results: lf.results.map((v) => replaced(v, lm)), custom });
    }
    return mapTree(fn.result, sub);
  }

  private applyLowering(rule: CallLowering, args: Tree<Value>[], node: ts.CallExpression, mode: Ty): Tree<Value> {
    return rule(
      {
        prim: (p, a, ty) => this.prim(p, a, node, ty),
        leaf: (i) => (args[i] ? this.valueOf(args[i], node.arguments[i] ?? node) : lit(undefined)),
        tree: (i) => args[i],
        nargs: args.length,
        fail: (msg) => this.fail(node, msg),
      },
      mode,
    );
  }
}

export interface LoweringCtx {
  prim(prim: string, args: Value[], ty?: Ty): Var;
  /** Argument i as a single value (undefined when absent). */
  leaf(i: number): Value;
  tree(i: number): Tree<Value> | undefined;
  nargs: number;
  fail(msg: string): never;
}

// ---- tables ------------------------------------------------------------------------------
const BINARY: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.LessThanToken]: "less",
  [ts.SyntaxKind.LessThanEqualsToken]: "lessEqual",
  [ts.SyntaxKind.GreaterThanToken]: "greater",
  [ts.SyntaxKind.GreaterThanEqualsToken]: "greaterEqual",
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "equal",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "notEqual",
  [ts.SyntaxKind.EqualsEqualsToken]: "equal",
  [ts.SyntaxKind.ExclamationEqualsToken]: "notEqual",
  [ts.SyntaxKind.PlusToken]: "add",
  [ts.SyntaxKind.MinusToken]: "sub",
  [ts.SyntaxKind.AsteriskToken]: "mul",
  [ts.SyntaxKind.SlashToken]: "div",
  [ts.SyntaxKind.AsteriskAsteriskToken]: "pow",
  [ts.SyntaxKind.PercentToken]: "mod",
};
/** number, a number literal, or a union of them (`1 | 2 | 3`). */
function isNumberType(t: ts.Type): boolean {
  return !!(t.flags & ts.TypeFlags.NumberLike) || (t.isUnion() && t.types.every((x) => x.flags & ts.TypeFlags.NumberLike));
}

const LOGICAL = new Set([ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken]);

function isIncDec(e: ts.Node): e is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression {
  return (
    (ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) &&
    (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken)
  );
}

const COMPOUND: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.PlusEqualsToken]: "add",
  [ts.SyntaxKind.MinusEqualsToken]: "sub",
  [ts.SyntaxKind.AsteriskEqualsToken]: "mul",
  [ts.SyntaxKind.SlashEqualsToken]: "div",
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: "pow",
  [ts.SyntaxKind.PercentEqualsToken]: "mod",
};
const CONTROL: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.IfStatement]: "if",
  [ts.SyntaxKind.ForStatement]: "for",
  [ts.SyntaxKind.ForOfStatement]: "for...of",
  [ts.SyntaxKind.ForInStatement]: "for...in",
  [ts.SyntaxKind.WhileStatement]: "while",
  [ts.SyntaxKind.DoStatement]: "do...while",
  [ts.SyntaxKind.SwitchStatement]: "switch",
  [ts.SyntaxKind.TryStatement]: "try",
  [ts.SyntaxKind.ThrowStatement]: "throw",
  [ts.SyntaxKind.ClassDeclaration]: "class",
  [ts.SyntaxKind.LabeledStatement]: "labelled statements",
  [ts.SyntaxKind.BreakStatement]: "break",
  [ts.SyntaxKind.ContinueStatement]: "continue",
};

function isAssignOp(k: ts.SyntaxKind) {
  return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
}

/** The function expression a function returns directly (`(k) => (x) => …`, `{ return (x) => …; }`). */
function returnedFunction(f: FnLike): FnLike | undefined {
  const isFn = (e: ts.Expression | undefined): e is ts.ArrowFunction | ts.FunctionExpression =>
    !!e && (ts.isArrowFunction(skipParens(e)) || ts.isFunctionExpression(skipParens(e)));
  const b = f.body;
  if (!b) return undefined;
  if (!ts.isBlock(b)) return isFn(b) ? (skipParens(b) as FnLike) : undefined;
  const last = b.statements.length === 1 ? b.statements[0] : undefined;
  return last && ts.isReturnStatement(last) && isFn(last.expression) ? (skipParens(last.expression) as FnLike) : undefined;
}

export function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

function propKey(n: ts.PropertyName): string | null {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  return null;
}

/** Declared inside another function (a closure), rather than at module level. */
function isNested(d: ts.Node): boolean {
  for (let p = d.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return true;
  return false;
}

export function fnName(d: ts.Node): string {
  if ((ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d) || ts.isFunctionExpression(d)) && d.name) return d.name.getText();
  if (ts.isVariableDeclaration(d.parent) && ts.isIdentifier(d.parent.name)) return d.parent.name.text;
  return "<anonymous>";
}

/** A readable temporary name from the source: the variable it initialises, else the callee. */
function nameHint(node: ts.Node): string {
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) && p.initializer === node) return p.name.text;
  if (ts.isCallExpression(node)) {
    const e = skipParens(node.expression);
    if (ts.isPropertyAccessExpression(e)) return e.name.text;
    if (ts.isIdentifier(e)) return e.text;
  }
  return "t";
}
