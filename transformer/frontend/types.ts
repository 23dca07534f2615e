// Types: what a TypeScript type means to the IR (number, Array, list, pytree of them), and the
// declared type where TypeScript narrowed a name to never.

import ts from "../typescript.cjs";
import type { Tree, Ty, Var } from "../ir.js";
import { freshVar, leaf, tup } from "../ir.js";
import { arrayTypeKind } from "../find.js";
import type { Lowerer } from "../lower.js";
import { isNumberType, skipParens } from "./syntax.js";
import { isBehaviour } from "./methods.js";

// ---- types --------------------------------------------------------------------------
/** The pytree of leaf types a parameter of type `t` flattens to. */
export function paramTree(lw: Lowerer, t: ts.Type, name: string, at: ts.Node): { tree: Tree<Var>; arrayLike: boolean } {
  const c = lw.checker;
  let arrayLike = false;
  const walk = (t: ts.Type, base: string, depth: number): Tree<Var> => {
    if (depth > 20) lw.fail(at, `parameter '${name}' has a recursive type`);
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
    if (c.isArrayType(t) && lw.listElementTy(t)) return leaf(freshVar(base, "list"));
    if (c.isArrayType(t))
      lw.fail(at, `parameter '${name}' has an array type of unknown length (${c.typeToString(t)}) whose elements are not numbers or Arrays; use a tuple type such as [{ w: Array }, { w: Array }]`);
    if (t.flags & ts.TypeFlags.Object && t.getCallSignatures().length === 0) {
      // Record<string, number | Array>: a run-time map (a list with string keys)
      if (c.getIndexInfosOfType(t).length && lw.recordElementTy(t) && c.getPropertiesOfType(t).length === 0) return leaf(freshVar(base, "list"));
      if (c.getIndexInfosOfType(t).length)
        lw.fail(at, `parameter '${name}' has an index signature (${c.typeToString(t)}) with values that are not numbers or Arrays, or named fields beside it; give its fields names, e.g. { W: Array; b: Array }`);
      // (methods and accessors are behaviour, not data: a class instance's pytree is its fields)
      const data = c.getPropertiesOfType(t).filter((p) => !isBehaviour(p));
      for (const p of data)
        if (p.flags & ts.SymbolFlags.Optional)
          lw.fail(
            p.valueDeclaration && p.valueDeclaration.getSourceFile() === at.getSourceFile() ? p.valueDeclaration : at,
            `field '${p.getName()}' of parameter '${name}' is optional (${c.typeToString(c.getTypeOfSymbolAtLocation(p, at))}): tsjax differentiates every field of a parameter, so each must be present; make it required, or pass it as an argument of its own`,
          );
      const props = data.map((p) => p.getName()).sort();
      return {
        kind: "obj",
        keys: props,
        kids: props.map((k) => walk(c.getTypeOfSymbolAtLocation(c.getPropertyOfType(t, k)!, at), `${base}_${k}`, depth + 1)),
      };
    }
    lw.fail(at, `parameter '${name}' has type ${c.typeToString(t)}, which tsjax cannot differentiate (expected number, Array, or objects/tuples of them)`);
  };
  return { tree: walk(t, name, 0), arrayLike };
}

/**
 * The type of an expression. Where TypeScript narrows a name to `never` (a constant read in
 * code it knows cannot run: `K || K / x` with a truthy `K`), the declared type: the code is
 * still lowered (both sides of a select are), and the run-time guard keeps it from mattering.
 */
export function typeAt(lw: Lowerer, node: ts.Node): ts.Type {
  const t = lw.checker.getTypeAtLocation(node);
  if (!(t.flags & ts.TypeFlags.Never)) return t;
  const e = ts.isExpression(node) ? skipParens(node) : node;
  const sym = ts.isIdentifier(e) ? lw.checker.getSymbolAtLocation(e) : undefined;
  return sym ? lw.checker.getTypeOfSymbol(sym) : t;
}

export function tyOfType(lw: Lowerer, t: ts.Type): Ty {
  if (isNumberType(t)) return "num";
  return arrayTypeKind(lw.checker, t) ? "arr" : "other";
}

/** For a JS array type (not a tuple) of numbers or Arrays, the element's type. */
/** The value type of a string index signature (Record<string, T>), if numbers or Arrays. */
export function recordElementTy(lw: Lowerer, t: ts.Type): Ty | null {
  const info = lw.checker.getIndexInfoOfType(t, ts.IndexKind.String);
  const ty = info ? lw.tyOfType(info.type) : null;
  return ty === "num" || ty === "arr" ? ty : null;
}

export function listElementTy(lw: Lowerer, t: ts.Type): Ty | null {
  if (!lw.checker.isArrayType(t) || lw.checker.isTupleType(t)) return null;
  const el = lw.checker.getTypeArguments(t as ts.TypeReference)[0];
  const ty = el ? lw.tyOfType(el) : "other";
  return ty === "num" || ty === "arr" ? ty : null;
}
