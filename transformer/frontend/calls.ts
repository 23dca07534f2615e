// Calls: jnp functions, Array methods and Math (by the tables in rules/lowering.ts), user
// functions (inlined, or local functions when recursive), closure factories, nested transforms
// (inlined with their local functions), and the user's rules (custom.ts).

import ts from "../typescript.cjs";
import { treeMapCall } from "./tree-calls.js";
import type { Fn, LocalFn, Tree, Ty, Value, Var } from "../ir.js";
import { freshVar, leaf, leaves, lit, mapTree, num, srcOf, tup } from "../ir.js";
import { replaced, inlineBody } from "../subst.js";
import { nextLocal } from "../counters.js";
import { assignedSymbols } from "./flow.js";
import { classify, resolveAlias } from "../find.js";
import { JNP, MATH, METHODS, type CallLowering } from "../rules/lowering.js";
import type { Lowerer } from "../lower.js";
import * as flow from "./flow.js";
import type { Env, FnLike } from "./context.js";
import { fnName, isNested, returnedFunction, skipParens } from "./syntax.js";
import { methodCall } from "./methods.js";

/**
 * Inline a call: bind the callee's parameters to the argument trees and lower its body. A
 * function declared inside the differentiated code is a closure: it sees the caller's current
 * variables, and what it assigns to them is written back.
 */
export function inlineCall(
  lw: Lowerer,
  decl: FnLike,
  args: Tree<Value>[],
  call: ts.Node,
  callerEnv?: Env,
  self?: Tree<Value>,
  argExprs?: readonly ts.Expression[],
): Tree<Value> {
  if (decl.body && lw.isRecursive(decl)) return lw.callLocal(decl, args, call);
  if (lw.stack.includes(decl)) lw.fail(call, `recursive call to '${fnName(decl)}' is not supported in a differentiated function yet`);
  if (!decl.body) lw.fail(call, `cannot differentiate through '${fnName(decl)}': it has no body (a declaration only)`);
  lw.host.dependsOn(decl.getSourceFile().fileName);
  const local = callerEnv && isNested(decl);
  // (an arrow function keeps its caller's `this`; a method gets its receiver)
  const env: Env = local ? new Map([...callerEnv].filter(([k]) => typeof k !== "string" || (k === "$this" && ts.isArrowFunction(decl)))) : new Map();
  if (self) env.set("$this", self);
  // function arguments (`apply((y) => y * y, x)`): the parameter stands for that function
  const callArgs = argExprs && !argExprs.some(ts.isSpreadElement) ? argExprs : undefined;
  const bound: [ts.Symbol, { target: ts.Expression; env: Env } | undefined][] = [];
  decl.parameters.forEach((p, i) => {
    if (p.dotDotDotToken) lw.fail(p, "rest parameters are not supported in a differentiated function");
    const a = callArgs?.[i];
    const sym = ts.isIdentifier(p.name) ? lw.checker.getSymbolAtLocation(p.name) : undefined;
    if (a && sym && isFunctionArg(lw, a)) {
      bound.push([sym, lw.fnArgs.get(sym)]);
      lw.fnArgs.set(sym, { target: a, env: callerEnv ?? new Map() });
      return;
    }
    let v = args[i];
    if (!v) v = p.initializer ? lw.expr(p.initializer, env) : { kind: "none", v: undefined };
    lw.bindPattern(p.name, v, env);
  });
  lw.stack.push(decl);
  try {
    const r = lw.lowerBody(decl, env);
    if (local) for (const k of assignedSymbols(decl.body, lw.checker)) if (callerEnv.has(k) && env.has(k)) callerEnv.set(k, env.get(k)!);
    return r;
  } finally {
    lw.stack.pop();
    for (const [sym, prev] of bound) prev ? lw.fnArgs.set(sym, prev) : lw.fnArgs.delete(sym);
  }
}

/** An argument that is a function (an arrow, a function expression, or a name of one). */
function isFunctionArg(lw: Lowerer, a: ts.Expression): boolean {
  const e = skipParens(a);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return false;
  const t = lw.checker.getTypeAtLocation(e);
  return t.getCallSignatures().length > 0 && !classify(lw.checker, lw.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(e) ? e.name : e));
}

export function lowerBody(lw: Lowerer, decl: FnLike, env: Env): Tree<Value> {
  if (decl.asteriskToken) lw.fail(decl, `'${fnName(decl)}' is a generator: generators cannot be differentiated`);
  if (decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword))
    lw.fail(decl, `'${fnName(decl)}' is async: async functions cannot be differentiated (await the data first, then differentiate a synchronous function)`);
  const body = decl.body!;
  if (!ts.isBlock(body)) return lw.expr(body, env);
  env.set("$returned", leaf(lit(false)));
  flow.stmts(lw, body.statements, env, []);
  const r = env.get("$ret");
  if (!r) {
    // a callback run for its effects (forEach) may return nothing
    if (lw.voidCallback === decl) return { kind: "none", v: undefined };
    lw.fail(decl, `'${fnName(decl)}' does not return a value`);
  }
  return r;
}

/** Whether a function can reach itself through calls (directly or mutually). */
export function isRecursive(lw: Lowerer, decl: FnLike): boolean {
  const known = lw.recursive.get(decl);
  if (known !== undefined) return known;
  const seen = new Set<ts.Node>();
  const reaches = (fn: ts.Node): boolean => {
    let hit = false;
    const walk = (n: ts.Node): void => {
      if (hit) return;
      if (ts.isCallExpression(n)) {
        const d = lw.calleeDecl(n.expression);
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
  lw.recursive.set(decl, r);
  return r;
}

/** The user function a callee expression denotes, if it is one with source (no failure). */
export function calleeDecl(lw: Lowerer, e0: ts.Expression): FnLike | undefined {
  const e = skipParens(e0);
  const sym = resolveAlias(lw.checker, lw.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(e) ? e.name : e));
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
export function callLocal(lw: Lowerer, decl: FnLike, args: Tree<Value>[], call: ts.Node): Tree<Value> {
  const info = lw.localFor(decl);
  const flat: Value[] = [];
  info.params.forEach((pt, i) => {
    const a = args[i];
    if (!a) lw.fail(call, `a recursive function's arguments must all be given (missing '${decl.parameters[i]?.name.getText()}')`);
    const al = a.kind === "leaf" ? [a.v] : leaves(a);
    if (al.length !== leaves(pt).length) lw.fail(call, `argument ${i + 1} does not have the structure '${fnName(decl)}' declares`);
    flat.push(...al);
  });
  const outs = leaves(info.result).map((v) => freshVar(v.name, v.ty));
  lw.b.body.push({ kind: "call", fn: info.name, args: flat, outs, src: srcOf(call) });
  let k = 0;
  return mapTree(info.result, () => outs[k++]);
}

export function localFor(lw: Lowerer, decl: FnLike): { name: string; params: Tree<Var>[]; result: Tree<Var> } {
  const known = lw.localInfo.get(decl);
  if (known) return known;
  lw.host.dependsOn(decl.getSourceFile().fileName);
  const env: Env = new Map();
  const params = decl.parameters.map((p) => {
    if (!ts.isIdentifier(p.name) || p.dotDotDotToken) lw.fail(p, "a recursive function's parameters must be plain names");
    const { tree } = lw.paramTree(lw.typeAt(p), p.name.text, p);
    env.set(lw.checker.getSymbolAtLocation(p.name)!, tree);
    return tree;
  });
  const sig = lw.checker.getSignatureFromDeclaration(decl);
  const { tree: result } = lw.paramTree(lw.checker.getReturnTypeOfSignature(sig!), "ret", decl);
  const info = { name: `${fnName(decl).replace(/\W/g, "_")}_${nextLocal()}`, params, result };
  lw.localInfo.set(decl, info);
  lw.stack.push(decl);
  const blk = lw.b.block(() => {
    const r = lw.lowerBody(decl, env);
    if (leaves(r).length !== leaves(result).length) lw.fail(decl, `'${fnName(decl)}' returns a value whose structure differs from its declared return type`);
    return leaves(r);
  });
  lw.stack.pop();
  lw.locals.push({ name: info.name, params: params.flatMap((t) => leaves(t)), body: blk.body, results: blk.results });
  return info;
}

/**
 * Lower a (non-recursive) function as a local function of the Fn: parameters from their
 * declared types, flattened; the results are the leaves of what its body returns.
 */
export function lowerLocal(lw: Lowerer, decl: FnLike, base: string): { lf: LocalFn; params: Tree<Var>[]; result: Tree<Value> } {
  if (!decl.body) lw.fail(decl, `'${fnName(decl)}' has no body`);
  lw.host.dependsOn(decl.getSourceFile().fileName);
  const env: Env = new Map();
  const params = decl.parameters.map((p) => {
    if (p.dotDotDotToken) lw.fail(p, "rest parameters are not supported in a differentiated function");
    const { tree } = lw.paramTree(lw.typeAt(p), ts.isIdentifier(p.name) ? p.name.text : "arg", p);
    lw.bindPattern(p.name, tree, env);
    return tree;
  });
  let result: Tree<Value> = { kind: "none", v: undefined };
  lw.stack.push(decl);
  const blk = lw.b.block(() => leaves((result = lw.lowerBody(decl, env))));
  lw.stack.pop();
  const lf: LocalFn = { name: `${base.replace(/\W/g, "_")}_${nextLocal()}`, params: params.flatMap((t) => leaves(t)), body: blk.body, results: blk.results };
  lw.locals.push(lf);
  return { lf, params, result };
}

export function call(lw: Lowerer, node: ts.CallExpression, env: Env): Tree<Value> {
  const c = lw.checker;
  const callee = skipParens(node.expression);
  const argTrees = () =>
    node.arguments.flatMap((a): Tree<Value>[] => {
      // (a function passed to a helper is bound by name when the helper is inlined: inlineCall)
      if (ts.isArrowFunction(skipParens(a)) || ts.isFunctionExpression(skipParens(a))) return [{ kind: "none", v: undefined }];
      if (!ts.isSpreadElement(a)) return [lw.expr(a, env)];
      // `h(...t)` with a tuple known at build time: its elements as the arguments
      const t = lw.expr(a.expression, env);
      if (t.kind !== "tup") lw.fail(a, "spread arguments need a tuple whose length tsjax knows at build time");
      return [...t.kids];
    });

  // Math.*
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "Math" && lw.isGlobalMath(callee.expression)) {
    const rule = MATH[callee.name.text];
    if (!rule) lw.fail(callee, `Math.${callee.name.text} is not differentiable`);
    return lw.applyLowering(rule, argTrees(), node, "num");
  }
  // xs.map(f), xs.reduce(f, init), xs.forEach(f) over a tuple or a local array, f a function tsjax sees
  if (ts.isPropertyAccessExpression(callee) && ARRAY_METHODS.has(callee.name.text) && node.arguments[0]) {
    const seq = lw.expr(callee.expression, env);
    if (seq.kind === "tup" || (seq.kind === "leaf" && seq.v.ty === "list")) return arrayMethod(lw, node, callee, seq, env);
  }
  // push onto a local list (returns the new length, as JS does)
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === "push" && ts.isIdentifier(callee.expression)) {
    const sym = c.getSymbolAtLocation(callee.expression);
    const cur = sym && env.get(sym);
    if (sym && cur?.kind === "leaf" && cur.v.ty === "list") {
      let l: Value = cur.v;
      let n: Value = num(0);
      for (const a of node.arguments) {
        n = lw.prim("listLen", [l], node, "num");
        l = lw.prim("listSetAt", [l, n, lw.leafOf(lw.expr(a as ts.Expression, env), a)], node, "list");
      }
      env.set(sym, leaf(l));
      return leaf(lw.prim("add", [n, num(1)], node));
    }
    if (sym && cur) lw.fail(callee, "push needs a local array of numbers or Arrays (declared with an array type such as number[])");
  }
  // changing an array (or map, set) that lives outside the differentiated function
  if (ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text) && ts.isIdentifier(callee.expression)) {
    const sym = c.getSymbolAtLocation(callee.expression);
    const t = sym && !env.has(sym) ? c.getTypeAtLocation(callee.expression) : undefined;
    if (t && (c.isArrayType(t) || /^(Map|Set|WeakMap|WeakSet)</.test(c.typeToString(t))))
      lw.fail(
        callee,
        `'${callee.expression.text}.${callee.name.text}(...)' changes '${callee.expression.text}', which lives outside the differentiated function (mutation of captured state): collect values in a local array and return them, or log them with console.log`,
      );
  }
  // debugging in the forward pass: console.log(...) and String(x) (globals only)
  if (isGlobal(lw, callee, "console") && ts.isPropertyAccessExpression(callee)) {
    const args = node.arguments.map((a) => lw.leafOf(lw.expr(a, env), a));
    lw.prim("consoleCall", [lit(callee.name.text), ...args], node, "other");
    return leaf(lit(undefined));
  }
  if (ts.isIdentifier(callee) && callee.text === "String" && isGlobal(lw, callee, "String") && node.arguments.length === 1)
    return leaf(lw.prim("str", [lw.leafOf(lw.expr(node.arguments[0], env), node.arguments[0])], node, "other"));
  // tsjax: transforms, numpy functions, Array methods
  const sym = c.getSymbolAtLocation(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
  const kind = classify(c, sym);
  if (kind?.kind === "transform" && kind.name === "jvp") {
    // jvp(f, primals, tangents) inside differentiated code: its derivative, inlined
    const fn = lw.host.transformCall(node, { lookup: (s) => env.get(s) });
    const tuple = (e: ts.Expression | undefined) => {
      const t = e && lw.expr(e, env);
      if (!t || t.kind !== "tup") lw.fail(e ?? node, "jvp's primals and tangents must be tuples ([x, y])");
      return t.kids;
    };
    return lw.inlineFn(fn, [...tuple(node.arguments[1]), ...tuple(node.arguments[2])], node);
  }
  if (kind?.kind === "transform" && (kind.name === "vjp" || kind.name === "linearize")) return pairCall(lw, node, kind.name, env);
  if (kind?.kind === "transform")
    lw.fail(node, `${kind.name}(...) as a value inside a differentiated function is not supported; call the function it returns, or bind it to a const outside`);
  if (kind?.kind === "other" && kind.name === "stopGradient") {
    if (node.arguments.length !== 1) lw.fail(node, "stopGradient takes one argument");
    return mapTree(lw.expr(node.arguments[0], env), (v) => {
      if (v.ty === "list") lw.fail(node.arguments[0], "stopGradient of a local array: apply it to the elements (or to a tuple)");
      return v.ty === "num" || v.ty === "arr" ? lw.prim("stopGradient", [v], node, v.ty) : v;
    });
  }
  if (kind?.kind === "numpy") {
    const rule = JNP[kind.name];
    if (!rule) lw.fail(callee, `jnp.${kind.name} is not differentiable by tsjax yet`);
    return lw.applyLowering(rule, argTrees(), node, "arr");
  }
  if (kind?.kind === "tree" && kind.name === "map") return treeMapCall(lw, node, env);
  if (kind?.kind === "method" && ts.isPropertyAccessExpression(callee)) {
    const rule = METHODS[kind.name];
    if (!rule) lw.fail(callee.name, `Array.${kind.name}() is not differentiable by tsjax`);
    const self = lw.expr(callee.expression, env);
    return lw.applyLowering(rule, [self, ...argTrees()], node, "arr");
  }
  return lw.callValue(callee, argTrees(), node, env);
}

/** Call of a user function, a const-bound function, or a grad/jit result. */
export function callValue(lw: Lowerer, target: ts.Expression, args: Tree<Value>[], node: ts.CallExpression, env: Env): Tree<Value> {
  const t = skipParens(target);
  if (ts.isCallExpression(t)) {
    const k = classify(lw.checker, lw.checker.getSymbolAtLocation(skipParens(t.expression)));
    if (k?.kind === "transform") {
      if (k.name === "jit") return lw.callValue(t.arguments[0], args, node, env);
      return lw.inlineFn(lw.host.transformCall(t, { lookup: (sym) => env.get(sym) }), args, node);
    }
    const custom = classify(lw.checker, lw.checker.getSymbolAtLocation(skipParens(t.expression)));
    if (custom?.kind === "other" && (custom.name === "customVjp" || custom.name === "customJvp" || custom.name === "checkpoint")) return lw.customs.call(custom.name, t, args, node);
    return lw.callReturned(t, args, node, env);
  }
  if (ts.isArrowFunction(t) || ts.isFunctionExpression(t)) return lw.inlineCall(t, args, node, env, undefined, node.arguments);
  // a parameter standing for a function argument: that function, in the scope it was written in
  const fa = ts.isIdentifier(t) ? lw.fnArgs.get(lw.checker.getSymbolAtLocation(t)!) : undefined;
  if (fa) {
    const f = skipParens(fa.target);
    return ts.isArrowFunction(f) || ts.isFunctionExpression(f) ? lw.inlineCall(f, args, node, fa.env, undefined, node.arguments) : lw.callValue(f, args, node, fa.env);
  }
  const pair = pairOf(lw, t);
  if (pair) return callPair(lw, pair, args, node);
  if (ts.isPropertyAccessExpression(t)) {
    const m = methodCall(lw, t, args, node, env);
    if (m) return m;
  }
  const decl = lw.functionOf(t);
  if (decl === "jnp") lw.fail(t, "cannot call lw jnp function value here");
  if (ts.isCallExpression(decl)) return lw.callValue(decl, args, node, env);
  return lw.inlineCall(decl, args, node, env, undefined, node.arguments);
}

/**
 * `vjp(f, ...primals)` / `linearize(f, ...primals)` inside differentiated code: the value f has at
 * the primals, and (remembered for the returned function's calls) the cotangent or tangent pass.
 */
function pairCall(lw: Lowerer, node: ts.CallExpression, api: string, env: Env): Tree<Value> {
  const outer = { lookup: (s: ts.Symbol) => env.get(s) };
  const f = lw.host.targetOf(node, outer);
  const fn = lw.host.transformCall(node, outer);
  const primals = node.arguments.slice(1).map((a) => {
    if (ts.isSpreadElement(a)) lw.fail(a, `spread arguments are not supported in ${api}`);
    return lw.expr(a, env);
  });
  lw.pairs.set(node, { api, fn, primals });
  return { kind: "tup", kids: [lw.inlineFn(f, primals, node), { kind: "none", v: undefined }] };
}

/** The vjp/linearize call whose returned function `t` names (`const [y, pullback] = vjp(f, x)`). */
function pairOf(lw: Lowerer, t: ts.Expression): ts.CallExpression | undefined {
  if (!ts.isIdentifier(t)) return undefined;
  const d = lw.checker.getSymbolAtLocation(t)?.valueDeclaration;
  if (!d || !ts.isBindingElement(d) || !ts.isArrayBindingPattern(d.parent) || !ts.isVariableDeclaration(d.parent.parent)) return undefined;
  const init = d.parent.parent.initializer && skipParens(d.parent.parent.initializer);
  if (!init || !ts.isCallExpression(init)) return undefined;
  const k = classify(lw.checker, lw.checker.getSymbolAtLocation(skipParens(init.expression)));
  if (k?.kind !== "transform" || (k.name !== "vjp" && k.name !== "linearize")) return undefined;
  if (d.parent.elements.indexOf(d) !== 1) lw.fail(t, `'${t.text}' is the value ${k.name} returns, not its function`);
  return init;
}

/** A call of the pullback of vjp (the cotangents of the primals) or of linearize's function (the output's tangent). */
function callPair(lw: Lowerer, call: ts.CallExpression, args: Tree<Value>[], node: ts.CallExpression): Tree<Value> {
  const rec = lw.pairs.get(call);
  if (!rec) lw.fail(node, `this function comes from a ${apiOf(lw, call)}(...) that has not run here: call it after that line, in the same function`);
  if (rec.api === "vjp") {
    if (args.length !== 1) lw.fail(node, `the pullback of vjp takes one cotangent (shaped like the output), not ${args.length}`);
    return lw.inlineFn(rec.fn, [...rec.primals, args[0]], node);
  }
  if (args.length !== rec.primals.length) lw.fail(node, `linearize's function takes one tangent per primal (${rec.primals.length}), not ${args.length}`);
  const r = lw.inlineFn(rec.fn, [...rec.primals, ...args], node);
  if (r.kind !== "tup") lw.fail(node, "internal: linearize's tangent pass returned no pair");
  return r.kids[1];
}

const apiOf = (lw: Lowerer, call: ts.CallExpression) => classify(lw.checker, lw.checker.getSymbolAtLocation(skipParens(call.expression)))?.name ?? "?";

/**
 * Call the function a call returns (a closure factory: `const double = scaleBy(2)` with
 * `scaleBy = (k) => (x) => x * k`): the factory's parameters are bound to its arguments, and
 * the returned function is inlined with them in scope.
 */
export function callReturned(lw: Lowerer, factory: ts.CallExpression, args: Tree<Value>[], node: ts.CallExpression, env: Env): Tree<Value> {
  const f = lw.functionOf(factory.expression);
  const inner = f === "jnp" || ts.isCallExpression(f) ? undefined : returnedFunction(f);
  if (!inner || f === "jnp" || ts.isCallExpression(f))
    lw.fail(
      factory,
      `cannot see at build time which function \`${factory.getText()}\` returns: a factory must return an arrow or function expression directly (\`const scaleBy = (k: number) => (x: Array) => ...\`)`,
    );
  if (lw.stack.includes(f)) lw.fail(factory, `recursive call to '${fnName(f)}' is not supported here`);
  const fenv: Env = new Map([...env].filter(([k]) => typeof k !== "string"));
  f.parameters.forEach((p, i) => {
    if (p.dotDotDotToken) lw.fail(p, "rest parameters are not supported in a differentiated function");
    const a = factory.arguments[i];
    const v = a ? lw.expr(a, env) : p.initializer ? lw.expr(p.initializer, fenv) : { kind: "none" as const, v: undefined };
    lw.bindPattern(p.name, v, fenv);
  });
  lw.stack.push(f);
  try {
    return lw.inlineCall(inner, args, node, fenv);
  } finally {
    lw.stack.pop();
  }
}

/** Resolve an identifier or property to the function it denotes (through const bindings). */
export function functionOf(lw: Lowerer, t: ts.Expression): FnLike | ts.CallExpression | "jnp" {
  const c = lw.checker;
  const e = skipParens(t);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  if (ts.isCallExpression(e)) return e;
  const sym = resolveAlias(c, c.getSymbolAtLocation(ts.isPropertyAccessExpression(e) ? e.name : e));
  const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
  if (!sym || !decl) lw.fail(e, `cannot resolve the function '${e.getText()}'`);
  if (classify(c, sym)?.kind === "numpy") return "jnp";
  if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) {
    const impl = sym.declarations?.find((d) => (ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && d.body) as FnLike | undefined;
    if (!impl) lw.fail(e, `cannot differentiate through '${sym.getName()}': no source is available (declared in ${decl.getSourceFile().fileName})`);
    return impl;
  }
  if (ts.isVariableDeclaration(decl)) {
    const list = decl.parent;
    if (!(list.flags & ts.NodeFlags.Const)) lw.fail(e, `'${sym.getName()}' is not a const binding: tsjax needs to know which function it is at build time`);
    if (!decl.initializer) lw.fail(e, `'${sym.getName()}' has no initializer`);
    return lw.functionOf(decl.initializer);
  }
  lw.fail(e, `cannot differentiate through '${sym.getName()}': it is not a function tsjax can see the source of`);
}

/** Substitute an already-lowered function (a nested transform) at a call site. */
export function inlineFn(lw: Lowerer, fn: Fn, args0: Tree<Value>[], node: ts.Node): Tree<Value> {
  const m = new Map<number, Value>();
  const args = [...args0.slice(0, fn.params.length - (fn.captured?.length ?? 0)), ...(fn.captured ?? [])];
  fn.params.forEach((p, i) => {
    const a = args[i];
    if (!a) lw.fail(node, `missing argument '${p.name}'`);
    const pl = leaves(p.tree);
    const al = a.kind === "leaf" ? [a.v] : leaves(a);
    if (pl.length !== al.length) lw.fail(node, `argument '${p.name}' does not have the structure the function expects`);
    pl.forEach((v, j) => m.set(v.id, al[j]));
  });
  const sub = (v: Value): Value => replaced(v, m);
  // Its local functions are copied with it: they read its tape of calls, renamed here.
  const copy = inlineBody(fn, m);
  lw.b.body.push(...copy.body);
  lw.locals.push(...copy.locals);
  return mapTree(fn.result, sub);
}

export function applyLowering(lw: Lowerer, rule: CallLowering, args: Tree<Value>[], node: ts.CallExpression, mode: Ty): Tree<Value> {
  return rule(
    {
      prim: (p, a, ty) => lw.prim(p, a, node, ty),
      leaf: (i) => (args[i] ? lw.valueOf(args[i], node.arguments[i] ?? node) : lit(undefined)),
      tree: (i) => args[i],
      nargs: args.length,
      fail: (msg) => lw.fail(node, msg),
    },
    mode,
  );
}

/** Whether `e` (or the object of `e.x`) is the global `name`, not a binding of the user's. */
function isGlobal(lw: Lowerer, e: ts.Expression, name: string): boolean {
  const id = ts.isPropertyAccessExpression(e) ? e.expression : e;
  if (!ts.isIdentifier(id) || id.text !== name) return false;
  const d = lw.checker.getSymbolAtLocation(id)?.declarations?.[0];
  return !!d && d.getSourceFile().isDeclarationFile;
}

const ARRAY_METHODS = new Set(["map", "reduce", "forEach"]);
/** Methods that change the array (map, set) they are called on. */
const MUTATORS = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin", "set", "add", "delete", "clear"]);

/**
 * map / reduce / forEach with a callback: unrolled over a tuple (its length is known at build
 * time), a loop over a local array (its length is known at run time) with the callback inlined in
 * the body. A callback may assign the caller's variables (a closure): they are carried.
 */
function arrayMethod(lw: Lowerer, node: ts.CallExpression, callee: ts.PropertyAccessExpression, seq: Tree<Value>, env: Env): Tree<Value> {
  const method = callee.name.text;
  const f = lw.functionOf(node.arguments[0]);
  if (f === "jnp" || ts.isCallExpression(f)) lw.fail(node.arguments[0], `${method}'s callback must be a function tsjax can see the source of`);
  const call = (args: Tree<Value>[], e: Env) => {
    const saved = lw.voidCallback;
    lw.voidCallback = method === "forEach" ? f : undefined;
    try {
      return lw.inlineCall(f, args, node, e);
    } finally {
      lw.voidCallback = saved;
    }
  };
  const hasInit = method === "reduce" && node.arguments.length > 1;
  if (seq.kind === "tup") {
    const out: Tree<Value>[] = [];
    let acc: Tree<Value> | undefined = hasInit ? lw.expr(node.arguments[1], env) : undefined;
    seq.kids.forEach((el, i) => {
      if (method === "reduce" && acc === undefined) return void (acc = el);
      if (method === "reduce") acc = call([acc!, el, leaf(num(i)), seq], env);
      else out.push(call([el, leaf(num(i)), seq], env));
    });
    if (method === "reduce") return acc ?? lw.fail(node, "reduce of an empty tuple with no initial value");
    return method === "map" ? tup(out) : { kind: "none", v: undefined };
  }
  const l = (seq as { v: Value }).v;
  if (method === "reduce" && !hasInit) lw.fail(node, "reduce over a local array needs an initial value (reduce(f, init))");
  const k = nextLocal();
  const iKey = `$i_${k}`, outKey = `$out_${k}`;
  const extra = new Map<string, Tree<Value>>([[iKey, leaf(num(0))]]);
  if (method === "reduce") extra.set(outKey, lw.expr(node.arguments[1], env));
  if (method === "map") extra.set(outKey, leaf(lw.prim("listNew", [], node, "list")));
  const len = lw.prim("listLen", [l], node, "num");
  const elTy = lw.elementTy(callee.expression);
  const carry = new Set([...assignedSymbols(f, lw.checker)].filter((s) => env.has(s)));
  flow.loop(lw, node, env, [], undefined, {
    test: (e) => lw.prim("less", [lw.leafOf(e.get(iKey)!, node), len], node, "other"),
    body: (e) => {
      const i = lw.leafOf(e.get(iKey)!, node);
      const el = leaf(lw.prim("listGet", [l, i], node, elTy));
      const r = call(method === "reduce" ? [e.get(outKey)!, el, leaf(i), seq] : [el, leaf(i), seq], e);
      if (method === "reduce") e.set(outKey, r);
      if (method === "map") e.set(outKey, leaf(lw.prim("listSetAt", [lw.leafOf(e.get(outKey)!, node), i, lw.leafOf(r, node)], node, "list")));
    },
    update: (e) => e.set(iKey, leaf(lw.prim("add", [lw.leafOf(e.get(iKey)!, node), num(1)], node))),
    extra,
    keep: [outKey],
    carry,
  });
  const out = env.get(outKey);
  env.delete(outKey);
  return method === "forEach" || !out ? { kind: "none", v: undefined } : out;
}
