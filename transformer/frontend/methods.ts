// Classes: `this`, method calls and getters. A method is inlined like a function, with `this`
// bound to its receiver (a pytree parameter, a value of the differentiated code, or a captured
// object whose fields are constants). Which method runs must be known at build time: the class
// of a receiver bound by `const o = new C(...)` is C; otherwise the receiver's declared class,
// and a subclass in the program that overrides the method makes the call ambiguous, which is a
// build error (never the wrong method's derivative). Decorators change what a method does in ways
// tsjax cannot see at build time: a decorated method is refused.

import ts from "../typescript.cjs";
import type { Tree, Value } from "../ir.js";
import { leaf } from "../ir.js";
import type { Lowerer } from "../lower.js";
import type { Env, FnLike } from "./context.js";
import { skipParens } from "./syntax.js";

/** `this`: the receiver of the method being inlined, or the enclosing method's `this` at the call site (a constant). */
export function thisValue(lw: Lowerer, node: ts.Node, env: Env): Tree<Value> {
  const bound = env.get("$this");
  if (bound) return bound;
  const here = thisContainer(node);
  const site = thisContainer(lw.host.site);
  if (here === site && here.parent && ts.isClassLike(here.parent))
    return leaf({ tag: "ext", name: "this", ty: lw.tyOfType(lw.typeAt(node)) });
  lw.fail(node, "`this` here is not known at build time: call the method on an object (`o.m(x)`), or pass what it needs as arguments");
}

/** What `this` refers to at a node: the nearest enclosing non-arrow function, class member or file. */
function thisContainer(n: ts.Node): ts.Node {
  for (let p = n.parent; p; p = p.parent)
    if ((ts.isFunctionLike(p) && !ts.isArrowFunction(p)) || ts.isPropertyDeclaration(p) || ts.isClassStaticBlockDeclaration(p) || ts.isSourceFile(p)) return p;
  return n.getSourceFile();
}

/** The class a receiver's value certainly has: `const o = new C(...)` (or `new C(...).m()`), else undefined. */
function exactClass(lw: Lowerer, recv: ts.Expression): ts.Type | undefined {
  const e = skipParens(recv);
  if (ts.isNewExpression(e)) return lw.checker.getTypeAtLocation(e);
  if (!ts.isIdentifier(e)) return undefined;
  const d = lw.checker.getSymbolAtLocation(e)?.valueDeclaration;
  if (d && ts.isVariableDeclaration(d) && d.parent.flags & ts.NodeFlags.Const && d.initializer && ts.isNewExpression(skipParens(d.initializer)))
    return lw.checker.getTypeAtLocation(skipParens(d.initializer));
  return undefined;
}

/** The declaration of member `name` that runs for receiver `recv`, refused where a subclass could run its own. */
function resolveMember<T extends ts.Declaration>(lw: Lowerer, recv: ts.Expression, name: string, at: ts.Node, is: (d: ts.Declaration) => d is T): T | undefined {
  const exact = exactClass(lw, recv);
  const t = exact ?? lw.typeAt(recv);
  const sym = lw.checker.getPropertyOfType(t, name);
  const decl = sym?.declarations?.find(is);
  if (!decl) return undefined;
  if (!exact) {
    // the declared class of the receiver (or the member's own class) may be extended
    const cls = t.getSymbol()?.declarations?.find(ts.isClassLike) ?? (ts.isClassLike(decl.parent) ? decl.parent : undefined);
    const over = cls ? lw.host.overriders(cls, name) : [];
    if (over.length)
      lw.fail(
        at,
        `cannot tell at build time which '${name}' this calls: \`${recv.getText()}\` is typed ${lw.checker.typeToString(t)}, and ${over.join(", ")} ${over.length > 1 ? "override" : "overrides"} '${name}'. ` +
          `Bind the object with \`const o = new ${over[0]}(...)\` so its class is known, or call a function instead`,
      );
  }
  const decos = ts.canHaveDecorators(decl) ? ts.getDecorators(decl) : undefined;
  if (decos?.length)
    lw.fail(at, `'${name}' is decorated (${decos.map((d) => d.getText()).join(" ")}): tsjax cannot see at build time what a decorator does to a method; differentiate an undecorated function (the decorator may call it)`);
  return decl;
}

/** `recv.m(...args)` for a method m: its body inlined with `this` bound to the receiver. */
export function methodCall(lw: Lowerer, callee: ts.PropertyAccessExpression, args: Tree<Value>[], node: ts.CallExpression, env: Env): Tree<Value> | undefined {
  const isMethod = (d: ts.Declaration): d is ts.MethodDeclaration => ts.isMethodDeclaration(d);
  const decl = resolveMember(lw, callee.expression, callee.name.text, node, isMethod);
  if (!decl) return undefined;
  if (!decl.body) lw.fail(node, `cannot differentiate through '${callee.name.text}': it has no body (abstract, or a declaration only)`);
  const self = lw.expr(callee.expression, env);
  return lw.inlineCall(decl as FnLike, args, node, env, self, node.arguments);
}

/** `grad(o.m)`: the method o has, and o (captured: a constant) as its `this`. */
export function methodTarget(lw: Lowerer, t: ts.PropertyAccessExpression): { decl: FnLike; self: Tree<Value> } | undefined {
  const isMethod = (d: ts.Declaration): d is ts.MethodDeclaration => ts.isMethodDeclaration(d);
  const decl = resolveMember(lw, t.expression, t.name.text, t, isMethod);
  if (!decl?.body) return undefined;
  return { decl: decl as FnLike, self: lw.expr(t.expression, new Map()) };
}

/** `obj.n` for a getter n of obj's class: the getter's body, `this` bound to obj. */
export function getterRead(lw: Lowerer, node: ts.PropertyAccessExpression, obj: Tree<Value>, env: Env): Tree<Value> | undefined {
  const isGetter = (d: ts.Declaration): d is ts.GetAccessorDeclaration => ts.isGetAccessorDeclaration(d);
  const decl = resolveMember(lw, node.expression, node.name.text, node, isGetter);
  if (!decl?.body) return undefined;
  return lw.inlineCall(decl as unknown as FnLike, [], node, env, obj);
}

/** Whether a property of an object type is behaviour, not data (a method or an accessor): not a pytree leaf. */
export function isBehaviour(sym: ts.Symbol): boolean {
  const ds = sym.declarations ?? [];
  return ds.length > 0 && ds.every((d) => ts.isMethodDeclaration(d) || ts.isGetAccessorDeclaration(d) || ts.isSetAccessorDeclaration(d) || ts.isMethodSignature(d));
}
