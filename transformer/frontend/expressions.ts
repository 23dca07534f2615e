// Expressions: literals, names, operators, selects, property and element reads, object and
// array literals, and the primitive applications they become.

import ts from "../typescript.cjs";
import type { Tree, Ty, Value, Var } from "../ir.js";
import { freshVar, leaf, lit, mapTree, num, tup, srcOf } from "../ir.js";
import { MATH_CONSTS } from "../rules/lowering.js";
import type { Lowerer } from "../lower.js";
import * as flow from "./flow.js";
import type { Env } from "./context.js";
import { BINARY, LOGICAL, constructName, isAssignOp, isIncDec, isNumberType, nameHint, propKey, skipParens } from "./syntax.js";
import { getterRead, thisValue } from "./methods.js";

// ---- expressions --------------------------------------------------------------------
export function leafOf(lw: Lowerer, t: Tree<Value>, node: ts.Node): Value {
  if (t.kind === "leaf") return t.v;
  if (t.kind === "none") return lit(t.v);
  lw.fail(node, "expected a number or an Array here, not an object or tuple");
}

/** An argument as one value: a leaf, or a tree of constants (shapes, axes, options) as one constant. */
export function valueOf(lw: Lowerer, t: Tree<Value>, node: ts.Node): Value {
  if (t.kind === "leaf") return t.v;
  if (t.kind === "none") return lit(t.v);
  const js = (n: Tree<Value>): unknown => {
    if (n.kind === "none") return n.v;
    if (n.kind === "leaf") {
      if (n.v.tag !== "const") lw.fail(node, "a list or object of run-time values is not supported here (only constants); for Arrays use jnp.stack");
      return n.v.value;
    }
    if (n.kind === "tup") return n.kids.map(js);
    return Object.fromEntries(n.keys.map((k, i) => [k, js(n.kids[i])]));
  };
  return lit(js(t));
}

export function prim(lw: Lowerer, prim: string, args: Value[], node: ts.Node, ty?: Ty): Var {
  lw.b.src = srcOf(node);
  return lw.b.apply(prim, args, nameHint(node), ty);
}

export function expr(lw: Lowerer, node: ts.Expression, env: Env): Tree<Value> {
  const c = lw.checker;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node))
    return lw.expr(node.expression, env);
  if (ts.isNumericLiteral(node)) return leaf(num(Number(node.text)));
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return leaf(lit(node.text));
  if (node.kind === ts.SyntaxKind.TrueKeyword) return leaf(lit(true));
  if (node.kind === ts.SyntaxKind.FalseKeyword) return leaf(lit(false));
  if (node.kind === ts.SyntaxKind.NullKeyword) return { kind: "none", v: null };
  if (ts.isIdentifier(node)) return lw.ident(node, env);
  if (isIncDec(node)) return leaf(lw.incDec(node, env));
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken)
    return leaf(flow.not(lw, lw.leafOf(lw.expr(node.operand, env), node.operand), node));
  if (ts.isPrefixUnaryExpression(node)) {
    const x = lw.leafOf(lw.expr(node.operand, env), node.operand);
    if (node.operator === ts.SyntaxKind.MinusToken) return leaf(x.tag === "const" && typeof x.value === "number" ? num(-x.value) : lw.prim("neg", [x], node));
    if (node.operator === ts.SyntaxKind.PlusToken) return leaf(x);
    lw.fail(node, `operator ${ts.tokenToString(node.operator)} is not supported in a differentiated function`);
  }
  if (ts.isBinaryExpression(node) && LOGICAL.has(node.operatorToken.kind)) {
    // a && b is `a ? b : a`, a || b is `a ? a : b`, a ?? b is `a == null ? b : a`, lazily.
    const a = lw.expr(node.left, env);
    const av = lw.leafOf(a, node.left);
    if (av.ty === "arr") lw.fail(node.left, "an Array used as a condition: compare a number instead");
    const k = node.operatorToken.kind;
    const c = k === ts.SyntaxKind.QuestionQuestionToken ? lw.prim("isNullish", [av], node, "other") : av;
    const right = () => lw.expr(node.right, env);
    if (k === ts.SyntaxKind.AmpersandAmpersandToken) return flow.select(lw, c, right, () => a, env, node);
    if (k === ts.SyntaxKind.BarBarToken) return flow.select(lw, c, () => a, right, env, node);
    return flow.select(lw, c, right, () => a, env, node);
  }
  if (ts.isBinaryExpression(node)) {
    const op = BINARY[node.operatorToken.kind];
    if (!op) {
      if (isAssignOp(node.operatorToken.kind)) lw.fail(node, "assignments inside expressions are not supported; write them as statements");
      if (node.operatorToken.kind === ts.SyntaxKind.CommaToken) lw.fail(node, "the comma operator is not supported in a differentiated function");
      lw.fail(node, `operator \`${node.operatorToken.getText()}\` is not supported in a differentiated function`);
    }
    const a = lw.leafOf(lw.expr(node.left, env), node.left);
    const b = lw.leafOf(lw.expr(node.right, env), node.right);
    for (const [v, n] of [[a, node.left], [b, node.right]] as const)
      if (v.ty === "arr") lw.fail(n, `operator ${node.operatorToken.getText()} on an Array: use jnp functions or Array methods (a.add(b), a.mul(b))`);
    const lt = lw.typeAt(node.left), rt = lw.typeAt(node.right);
    if (!isNumberType(lt) || !isNumberType(rt))
      if (!["less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual"].includes(op))
        lw.fail(node, `operator ${node.operatorToken.getText()} on ${c.typeToString(lt)} and ${c.typeToString(rt)}: only number arithmetic is differentiable`);
    // comparing constants that are not numbers (`typeof x === "number"`, string tags): decided
    // here, so a branch on it is lowered only where it runs
    if ((op === "equal" || op === "notEqual") && a.tag === "const" && b.tag === "const" && (typeof a.value !== "number" || typeof b.value !== "number"))
      return leaf(lit(op === "equal" ? a.value === b.value : a.value !== b.value));
    return leaf(lw.prim(op, [a, b], node));
  }
  if (ts.isObjectLiteralExpression(node)) {
    const entries: [string, Tree<Value>][] = [];
    for (const p of node.properties) {
      if (ts.isPropertyAssignment(p)) {
        const k = propKey(p.name);
        if (k === null) lw.fail(p.name, "computed property names are not supported in a differentiated function");
        entries.push([k, lw.expr(p.initializer, env)]);
      } else if (ts.isShorthandPropertyAssignment(p)) entries.push([p.name.text, lw.ident(p.name, env, lw.checker.getShorthandAssignmentValueSymbol(p))]);
      else if (ts.isSpreadAssignment(p)) {
        // `{ ...params, W }`: the fields of a structure known at build time, later ones winning
        const t = lw.expr(p.expression, env);
        if (t.kind === "none") continue;
        if (t.kind !== "obj") lw.fail(p, "a spread in an object literal needs an object whose fields tsjax knows at build time (a pytree parameter or an object literal)");
        t.keys.forEach((k, i) => entries.push([k, t.kids[i]]));
      } else lw.fail(p, "methods and accessors in object literals are not supported in a differentiated function");
    }
    // (a later entry of a key replaces an earlier one, as in JavaScript)
    const byKey = new Map(entries);
    const keys = [...byKey.keys()].sort();
    return { kind: "obj", keys, kids: keys.map((k) => byKey.get(k)!) };
  }
  if (ts.isArrayLiteralExpression(node)) {
    return tup(
      node.elements.flatMap((e) => {
        if (ts.isOmittedExpression(e)) lw.fail(e, "holes in array literals are not supported in a differentiated function");
        if (!ts.isSpreadElement(e)) return [lw.expr(e, env)];
        // `[...xs, y]`: the elements of a tuple known at build time
        const t = lw.expr(e.expression, env);
        if (t.kind !== "tup") lw.fail(e, "a spread in an array literal needs a tuple whose length tsjax knows at build time (a local array of run-time length cannot be spread here)");
        return t.kids;
      }),
    );
  }
  if (ts.isPropertyAccessExpression(node)) return lw.member(node, node.expression, node.name.text, env);
  if (ts.isElementAccessExpression(node)) {
    const a = skipParens(node.argumentExpression);
    const k = ts.isNumericLiteral(a) ? Number(a.text) : ts.isStringLiteralLike(a) ? a.text : undefined;
    if (k === undefined) {
      const kv = lw.leafOf(lw.expr(a, env), a);
      if (kv.tag === "const" && (typeof kv.value === "number" || typeof kv.value === "string")) return lw.member(node, node.expression, kv.value, env);
      const obj = lw.expr(node.expression, env);
      if (obj.kind === "leaf" && obj.v.ty === "list") return leaf(lw.prim("listGet", [obj.v, kv], node, lw.tyOfType(lw.typeAt(node))));
      // A run-time index into a captured JS array (constants for AD): read it as it is.
      if (obj.kind === "leaf" && obj.v.ty === "other") return leaf(lw.prim("prop", [obj.v, kv], node, lw.tyOfType(lw.typeAt(node))));
      lw.fail(a, "indexing a tuple or object with a value computed at run time is not supported; use a literal index, or jnp.take for Arrays");
    }
    return lw.member(node, node.expression, k, env);
  }
  if (ts.isCallExpression(node)) return lw.call(node, env);
  if (ts.isConditionalExpression(node)) {
    const c = flow.cond(lw, node.condition, env);
    return flow.select(lw, c, () => lw.expr(node.whenTrue, env), () => lw.expr(node.whenFalse, env), env, node);
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) lw.fail(node, "functions as values inside a differentiated function are not supported yet");
  if (ts.isTemplateExpression(node)) {
    // a string for a message: its pieces in order (no derivative)
    const parts: Value[] = [lit(node.head.text)];
    for (const span of node.templateSpans) parts.push(lw.leafOf(lw.expr(span.expression, env), span.expression), lit(span.literal.text));
    return leaf(lw.prim("concat", parts, node, "other"));
  }
  if (ts.isAwaitExpression(node)) lw.fail(node, "`await` inside a differentiated function is not supported");
  if (ts.isYieldExpression(node)) lw.fail(node, "`yield` inside a differentiated function is not supported");
  if (node.kind === ts.SyntaxKind.ThisKeyword) return thisValue(lw, node, env);
  // typeof: known at build time for numbers, Arrays and structures (a polymorphic helper's branch
  // folds away); asked at run time for other values
  if (ts.isTypeOfExpression(node)) {
    const t = lw.expr(node.expression, env);
    if (t.kind === "none") return leaf(lit(t.v === null ? "object" : "undefined"));
    if (t.kind !== "leaf") return leaf(lit("object"));
    if (t.v.ty === "num") return leaf(lit("number"));
    if (t.v.ty === "arr" || t.v.ty === "list") return leaf(lit("object"));
    return leaf(lw.prim("typeOf", [t.v], node, "other"));
  }
  lw.fail(node, `${constructName(node)} is not supported inside a differentiated function`);
}

export function ident(lw: Lowerer, node: ts.Identifier, env: Env, symbol?: ts.Symbol): Tree<Value> {
  if (node.text === "undefined") return { kind: "none", v: undefined };
  const sym = symbol ?? lw.checker.getSymbolAtLocation(node);
  if (!sym) lw.fail(node, `cannot resolve '${node.text}'`);
  const v = env.get(sym);
  if (v) return v;
  const ov = lw.outer?.lookup(sym);
  if (ov) {
    let c = lw.captures.get(sym);
    if (!c) lw.captures.set(sym, (c = { tree: mapTree(ov, (x) => freshVar(sym.getName(), x.ty)), value: ov }));
    return c.tree;
  }
  if (node.text === "NaN" || node.text === "Infinity") return leaf(num(node.text === "NaN" ? NaN : Infinity));
  return leaf(lw.host.captured(sym, node, lw.tyOfType(lw.typeAt(node))));
}

export function member(lw: Lowerer, node: ts.Expression, objExpr: ts.Expression, key: string | number, env: Env): Tree<Value> {
  // enum members are constants (a const enum has no object at run time to read them from)
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
    const cv = lw.checker.getConstantValue(node);
    if (cv !== undefined) return leaf(lit(cv));
  }
  if (ts.isIdentifier(objExpr) && objExpr.text === "Math" && typeof key === "string" && key in MATH_CONSTS && lw.isGlobalMath(objExpr))
    return leaf(num(MATH_CONSTS[key]));
  const obj = lw.expr(objExpr, env);
  if (obj.kind === "obj" && !obj.keys.includes(String(key)) && ts.isPropertyAccessExpression(node)) {
    const g = getterRead(lw, node, obj, env);
    if (g) return g;
  }
  if (obj.kind === "obj") {
    const i = obj.keys.indexOf(String(key));
    if (i < 0) lw.fail(node, `no field '${key}' here (fields: ${obj.keys.join(", ") || "none"})`);
    return obj.kids[i];
  }
  if (obj.kind === "tup") {
    if (key === "length") return leaf(num(obj.kids.length));
    if (typeof key !== "number" || !obj.kids[key]) lw.fail(node, `index ${String(key)} is out of range for a tuple of length ${obj.kids.length}`);
    return obj.kids[key];
  }
  if (obj.kind === "none") lw.fail(node, `reading '${key}' of ${String(obj.v)}`);
  const v = obj.v;
  if (v.ty === "list") {
    const rec = lw.recordElementTy(lw.typeAt(objExpr));
    if (key === "length" && !rec) return leaf(lw.prim("listLen", [v], node, "num"));
    if (typeof key !== "number" && !rec) lw.fail(node, `cannot read '${key}' of a local array here`);
    return leaf(lw.prim("listGet", [v, typeof key === "number" ? num(key) : lit(key)], node, lw.tyOfType(lw.typeAt(node))));
  }
  // `cfg?.k`: in an optional chain a nullish object gives undefined (JS short-circuits the chain)
  if (ts.isOptionalChain(node) && (v.tag === "ext" || v.ty === "other")) return leaf(lw.prim("propOpt", [v, lit(key)], node, lw.tyOfType(lw.typeAt(node))));
  if (v.tag === "ext") return leaf({ ...v, path: [...(v.path ?? []), key], ty: lw.tyOfType(lw.typeAt(node)) });
  if (v.ty === "arr" && key === "T") return leaf(lw.prim("transpose", [v, lit(undefined)], node));
  if (v.ty === "arr" && (key === "shape" || key === "ndim" || key === "size" || key === "dtype"))
    return leaf(lw.prim("prop", [v, lit(key)], node, key === "ndim" || key === "size" ? "num" : "other"));
  if (v.ty === "other" && v.tag === "var") return leaf(lw.prim("prop", [v, lit(key)], node, lw.tyOfType(lw.typeAt(node))));
  lw.fail(node, `cannot read '${key}' of a ${v.ty === "num" ? "number" : "value"} in a differentiated function`);
}

export function isGlobalMath(lw: Lowerer, id: ts.Identifier): boolean {
  const d = lw.checker.getSymbolAtLocation(id)?.declarations?.[0];
  return !!d && d.getSourceFile().isDeclarationFile;
}
