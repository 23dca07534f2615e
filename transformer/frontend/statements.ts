// Statements: declarations, assignments (also into local arrays and by destructuring), ++/--,
// for...of, and the dispatch of control flow to flow.ts.

import ts from "../typescript.cjs";
import type { Tree, Ty, Value } from "../ir.js";
import { leaf, lit, mapTree, num } from "../ir.js";
import type { Target } from "./flow.js";
import type { Lowerer } from "../lower.js";
import * as flow from "./flow.js";
import type { Env } from "./context.js";
import { COMPOUND, CONTROL, constructName, isAssignOp, isIncDec, propKey, skipParens } from "./syntax.js";

/** Zeros/undefined shaped like the enclosing function's return type (for loops that return). */
export function retPlaceholder(lw: Lowerer, node: ts.Node): Tree<Value> {
  let f: ts.Node | undefined = node;
  while (f && !ts.isFunctionLike(f)) f = f.parent;
  const sig = f ? lw.checker.getSignatureFromDeclaration(f as ts.SignatureDeclaration) : undefined;
  if (!sig) lw.fail(node, "cannot tell the return type of the enclosing function");
  const { tree } = lw.paramTree(lw.checker.getReturnTypeOfSignature(sig), "return value", node);
  return mapTree(tree, (v) => (v.ty === "other" ? lit(undefined) : num(0)));
}

/** Element i of a destructured value: a tuple's kid, or a read of a run-time JS array or list. */
export function element(lw: Lowerer, v: Tree<Value>, i: number, at: ts.Node): Tree<Value> {
  if (v.kind === "tup") return v.kids[i] ?? { kind: "none", v: undefined };
  if (v.kind === "leaf" && v.v.ty === "list") return leaf(lw.prim("listGet", [v.v, num(i)], at, lw.tyOfType(lw.typeAt(at))));
  if (v.kind === "leaf" && v.v.ty === "other") return leaf(lw.prim("prop", [v.v, num(i)], at, lw.tyOfType(lw.typeAt(at))));
  lw.fail(at, "array destructuring needs a tuple or an array value");
}

export function bindPattern(lw: Lowerer, name: ts.BindingName, v: Tree<Value>, env: Env) {
  if (ts.isIdentifier(name)) {
    env.set(lw.checker.getSymbolAtLocation(name)!, v);
    return;
  }
  if (ts.isArrayBindingPattern(name)) {
    name.elements.forEach((e, i) => {
      if (ts.isOmittedExpression(e)) return;
      if (e.dotDotDotToken) lw.fail(e, "rest elements are not supported in a differentiated function");
      lw.bindPattern(e.name, lw.element(v, i, e), env);
    });
    return;
  }
  if (v.kind !== "obj") lw.fail(name, "object destructuring needs an object value");
  for (const e of name.elements) {
    if (e.dotDotDotToken) lw.fail(e, "rest elements are not supported in a differentiated function");
    const key = e.propertyName ? propKey(e.propertyName) : (e.name as ts.Identifier).text;
    if (key === null) lw.fail(e, "computed property names are not supported in a differentiated function");
    const i = v.keys.indexOf(key);
    lw.bindPattern(e.name, i >= 0 ? v.kids[i] : { kind: "none", v: undefined }, env);
  }
}

// ---- statements ---------------------------------------------------------------------
export function stmt(lw: Lowerer, st: ts.Statement, env: Env, targets: Target[] = [], label?: string): void {
  // Local functions are inlined where they are called (closures over the current variables).
  if (ts.isFunctionDeclaration(st)) return;
  if (ts.isVariableStatement(st)) {
    for (const d of st.declarationList.declarations) {
      if (d.initializer && (ts.isArrowFunction(skipParens(d.initializer)) || ts.isFunctionExpression(skipParens(d.initializer)))) {
        if (!(st.declarationList.flags & ts.NodeFlags.Const)) lw.fail(d, "a local function must be bound with const");
        continue;
      }
      if (!d.initializer) lw.fail(d, "a variable in a differentiated function needs an initial value");
      lw.bindPattern(d.name, lw.declInit(d, env), env);
    }
    return;
  }
  if (ts.isExpressionStatement(st)) {
    const e = skipParens(st.expression);
    if (ts.isBinaryExpression(e) && isAssignOp(e.operatorToken.kind)) return lw.assign(e, env);
    if (isIncDec(e)) return void lw.incDec(e, env);
    // A call for its effects on local variables (a closure, list.push); its value is dropped.
    if (ts.isCallExpression(e)) return void lw.expr(e, env);
    lw.fail(st, "an expression statement in a differentiated function has effects tsjax cannot differentiate (only assignments and calls are allowed)");
  }
  if (ts.isBlock(st)) return flow.stmts(lw, st.statements, env, targets);
  if (ts.isIfStatement(st)) return flow.ifStmt(lw, st, env, targets);
  if (ts.isLabeledStatement(st)) return lw.stmt(st.statement, env, targets, st.label.text);
  if (ts.isSwitchStatement(st)) return flow.switchStmt(lw, st, env, targets, label);
  const body = (s: ts.Statement) => (e: Env, t: Target[]) => flow.stmts(lw, ts.isBlock(s) ? s.statements : [s], e, t);
  if (ts.isWhileStatement(st)) return flow.loop(lw, st, env, targets, label, { test: (e) => flow.cond(lw, st.expression, e), body: body(st.statement) });
  if (ts.isDoStatement(st)) return flow.loop(lw, st, env, targets, label, { test: (e) => flow.cond(lw, st.expression, e), body: body(st.statement), doWhile: true });
  if (ts.isForStatement(st)) {
    if (st.initializer) {
      if (ts.isVariableDeclarationList(st.initializer))
        for (const d of st.initializer.declarations) {
          if (!d.initializer) lw.fail(d, "a loop variable needs an initial value");
          lw.bindPattern(d.name, lw.expr(d.initializer, env), env);
        }
      else lw.expr(st.initializer, env);
    }
    const inc = st.incrementor;
    return flow.loop(lw, st, env, targets, label, {
      test: st.condition ? (e) => flow.cond(lw, st.condition!, e) : undefined,
      body: body(st.statement),
      update: inc ? (e) => lw.effectExpr(inc, e) : undefined,
    });
  }
  if (ts.isForOfStatement(st)) return lw.forOf(st, env, targets, label);
  if (ts.isEmptyStatement(st) || ts.isTypeAliasDeclaration(st) || ts.isInterfaceDeclaration(st)) return;
  const what = CONTROL[st.kind];
  if (what) lw.fail(st, `\`${what}\` inside a differentiated function is not supported`);
  lw.fail(st, `${constructName(st)} is not supported inside a differentiated function`);
}

/**
 * A declaration's value. A local JS array of numbers or Arrays (`const v: number[] = []`, a
 * non-tuple array type) is a run-time list: element reads and writes at run-time indices, push,
 * length. Tuples and other literals stay trees known at build time.
 */
export function declInit(lw: Lowerer, d: ts.VariableDeclaration, env: Env): Tree<Value> {
  const init = d.initializer!;
  const e = skipParens(init);
  if (ts.isIdentifier(d.name) && ts.isArrayLiteralExpression(e) && lw.listElementTy(lw.typeAt(d.name))) {
    const els = e.elements.map((x) => {
      if (ts.isSpreadElement(x) || ts.isOmittedExpression(x)) lw.fail(x, "a spread or a hole in a local array's initial value is not supported; push the elements in a loop instead");
      return lw.leafOf(lw.expr(x, env), x);
    });
    return leaf(lw.prim("listFrom", els, init, "list"));
  }
  return lw.expr(init, env);
}

/** An expression evaluated for its effect (a for-loop update: i++, i += 2, a comma list). */
export function effectExpr(lw: Lowerer, e0: ts.Expression, env: Env): void {
  const e = skipParens(e0);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) return (lw.effectExpr(e.left, env), lw.effectExpr(e.right, env));
  if (ts.isBinaryExpression(e) && isAssignOp(e.operatorToken.kind)) return lw.assign(e, env);
  if (isIncDec(e)) return void lw.incDec(e, env);
  lw.expr(e, env);
}

/** x++, ++x, x--, --x on a local number: assigns, and yields the old or new value. */
export function incDec(lw: Lowerer, e: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, env: Env): Value {
  if (!ts.isIdentifier(e.operand)) lw.fail(e, "++ and -- apply to local variables only");
  const sym = lw.checker.getSymbolAtLocation(e.operand);
  if (!sym || !env.has(sym)) lw.fail(e.operand, `'${e.operand.text}' is not a local of the differentiated function (mutation of captured state)`);
  const old = lw.leafOf(env.get(sym)!, e.operand);
  const nv = lw.prim(e.operator === ts.SyntaxKind.PlusPlusToken ? "add" : "sub", [old, num(1)], e);
  env.set(sym, leaf(nv));
  return ts.isPrefixUnaryExpression(e) ? nv : old;
}

export function forOf(lw: Lowerer, st: ts.ForOfStatement, env: Env, targets: Target[], label?: string): void {
  const decl = st.initializer;
  if (!ts.isVariableDeclarationList(decl) || decl.declarations.length !== 1) lw.fail(st.initializer, "for...of needs one `const`/`let` binding");
  const name = decl.declarations[0].name;
  const seq = lw.expr(st.expression, env);
  const body = (e: Env, t: Target[]) => flow.stmts(lw, ts.isBlock(st.statement) ? st.statement.statements : [st.statement], e, t);
  if (seq.kind === "tup")
    // A tuple known at build time: unrolled, one guarded copy of the body per element.
    return flow.unrolled(lw, st, env, targets, label, seq.kids.length, (e, t, k) => {
      lw.bindPattern(name, seq.kids[k], e);
      body(e, t);
    });
  const v = lw.leafOf(seq, st.expression);
  if (v.ty === "num") lw.fail(st.expression, "for...of over a number");
  const key = `$i${st.pos}`;
  const len =
    v.ty === "arr"
      ? lw.prim("prop", [lw.prim("prop", [v, lit("shape")], st, "other"), num(0)], st, "num")
      : v.ty === "list"
        ? lw.prim("listLen", [v], st, "num")
        : lw.prim("prop", [v, lit("length")], st, "num");
  return flow.loop(lw, st, env, targets, label, {
    test: (e) => lw.prim("less", [lw.leafOf(e.get(key)!, st), len], st, "other"),
    body: (e, t) => {
      const i = lw.leafOf(e.get(key)!, st);
      const el =
        v.ty === "arr"
          ? lw.prim("index", [v, i], st, "arr")
          : lw.prim(v.ty === "list" ? "listGet" : "prop", [v, i], st, lw.elementTy(st.expression));
      lw.bindPattern(name, leaf(el), e);
      body(e, t);
    },
    update: (e) => e.set(key, leaf(lw.prim("add", [lw.leafOf(e.get(key)!, st), num(1)], st))),
    extra: new Map([[key, leaf(num(0))]]),
  });
}

/** The element type of a JS array expression (number[] → num, Array[] → arr). */
export function elementTy(lw: Lowerer, e: ts.Expression): Ty {
  const t = lw.typeAt(e);
  const el = lw.checker.isArrayType(t) ? lw.checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
  return el ? lw.tyOfType(el) : "other";
}

export function assign(lw: Lowerer, e: ts.BinaryExpression, env: Env) {
  if (ts.isElementAccessExpression(e.left) && ts.isIdentifier(e.left.expression)) return lw.assignElement(e, e.left, env);
  if (ts.isArrayLiteralExpression(e.left) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    // [a, b] = [b, a + b]: the right side is evaluated first, then each name is assigned
    const rhs = lw.expr(e.right, env);
    e.left.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (!ts.isIdentifier(el)) lw.fail(el, "only local variables can be assigned by destructuring in a differentiated function");
      const sym = lw.checker.getSymbolAtLocation(el);
      if (!sym || !env.has(sym)) lw.fail(el, `assignment to '${el.text}', which is not a local of the differentiated function (mutation of captured state)`);
      env.set(sym, lw.element(rhs, i, el));
    });
    return;
  }
  if (!ts.isIdentifier(e.left)) lw.fail(e.left, "only local variables can be assigned in a differentiated function");
  const sym = lw.checker.getSymbolAtLocation(e.left);
  if (!sym || !env.has(sym)) lw.fail(e.left, `assignment to '${e.left.text}', which is not a local of the differentiated function (mutation of captured state)`);
  const rhs = lw.expr(e.right, env);
  const op = COMPOUND[e.operatorToken.kind];
  if (e.operatorToken.kind === ts.SyntaxKind.EqualsToken) env.set(sym, rhs);
  else if (op) env.set(sym, leaf(lw.prim(op, [lw.leafOf(env.get(sym)!, e.left), lw.leafOf(rhs, e.right)], e)));
  else lw.fail(e.operatorToken, `operator ${ts.tokenToString(e.operatorToken.kind)} is not supported in a differentiated function`);
}

/** v[i] = e, v[i] += e on a local list. */
export function assignElement(lw: Lowerer, e: ts.BinaryExpression, left: ts.ElementAccessExpression, env: Env) {
  const id = left.expression as ts.Identifier;
  const sym = lw.checker.getSymbolAtLocation(id);
  const cur = sym && env.get(sym);
  if (!sym || !cur) lw.fail(id, `assignment into '${id.text}', which is not a local of the differentiated function (mutation of captured state)`);
  if (cur.kind !== "leaf" || cur.v.ty !== "list") lw.fail(left, `element writes need a local array of numbers or Arrays (declared with an array type such as number[]), not a tuple or object`);
  const l = cur.v;
  const i = lw.leafOf(lw.expr(left.argumentExpression, env), left.argumentExpression);
  let v = lw.leafOf(lw.expr(e.right, env), e.right);
  const op = COMPOUND[e.operatorToken.kind];
  if (op) v = lw.prim(op, [lw.prim("listGet", [l, i], left, lw.listElementTy(lw.typeAt(id)) ?? "num"), v], e);
  else if (e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) lw.fail(e.operatorToken, `operator ${ts.tokenToString(e.operatorToken.kind)} is not supported in a differentiated function`);
  env.set(sym, leaf(lw.prim("listSetAt", [l, i, v], e, "list")));
}
