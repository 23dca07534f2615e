// Generic trainers: `function fit<P>(loss: (p: P) => Array, p: P) { … valueAndGrad(loss)(p) … }`.
// Inside fit, `loss` is a parameter: which function it is depends on the call of fit. Each call
// site of fit whose argument is a function tsjax can see compiles the derivative there (as a C++
// or Rust compiler instantiates a generic per use) and attaches it to the function value it
// passes (`__rt.attach(myLoss, key, compiled)`); the site inside fit becomes
// `__rt.specialized(loss, key)`, which finds it. A function that reaches fit without having
// been compiled at its call site is a run-time error naming the site.

import ts from "./typescript.cjs";
import { classify, resolveAlias } from "./find.js";
import { skipParens } from "./frontend/syntax.js";
import type { FnLike } from "./frontend/context.js";

/** The transforms a generic function may apply to one of its parameters. */
const GENERIC_APIS = new Set(["grad", "valueAndGrad"]);

export interface GenericSite {
  /** The transform call inside the generic function (`valueAndGrad(loss)`). */
  readonly call: ts.CallExpression;
  /** Which parameter of the generic function it transforms. */
  readonly index: number;
  /** Identifies the site in the run time's table of compiled functions. */
  readonly key: string;
  /** For messages: `valueAndGrad(loss) in fit`. */
  readonly what: string;
}

/** The parameter of an enclosing function that a transform call's target names, if it is one. */
export function genericTarget(checker: ts.TypeChecker, call: ts.CallExpression): { fn: FnLike; index: number } | undefined {
  const k = classify(checker, checker.getSymbolAtLocation(skipParens(call.expression)));
  if (k?.kind !== "transform" || !GENERIC_APIS.has(k.name)) return undefined;
  const t = call.arguments[0] && skipParens(call.arguments[0]);
  if (!t || !ts.isIdentifier(t)) return undefined;
  const d = checker.getSymbolAtLocation(t)?.valueDeclaration;
  if (!d || !ts.isParameter(d) || !ts.isIdentifier(d.name)) return undefined;
  const fn = d.parent;
  if (!(ts.isFunctionDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn))) return undefined;
  return { fn, index: fn.parameters.indexOf(d) };
}

/** FNV-1a of a string, as 8 hex digits (a key that does not spell out file paths). */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

export function siteKey(call: ts.CallExpression): string {
  const sf = call.getSourceFile();
  return `${hash(`${sf.fileName}:${call.getStart(sf)}`)}`;
}

const cache = new WeakMap<ts.Node, readonly GenericSite[]>();

/**
 * The transform calls that take a derivative of one of `fn`'s parameters: in its body, or in a
 * generic function it passes the parameter on to (`pass(g) { return slope(g, 1) }`: slope's site,
 * for pass's parameter g). The derivative is compiled at fn's callers and travels with the
 * function value to wherever the site is.
 */
export function genericSites(checker: ts.TypeChecker, fn: FnLike, seen: Set<ts.Node> = new Set()): readonly GenericSite[] {
  const hit = cache.get(fn);
  if (hit) return hit;
  if (seen.has(fn)) return []; // (a cycle of generic functions: each one's own sites suffice)
  seen.add(fn);
  const out: GenericSite[] = [];
  const paramIndex = (e: ts.Expression): number => {
    const d = ts.isIdentifier(skipParens(e)) ? checker.getSymbolAtLocation(skipParens(e))?.valueDeclaration : undefined;
    return d && ts.isParameter(d) && d.parent === fn ? fn.parameters.indexOf(d) : -1;
  };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const g = genericTarget(checker, n);
      if (g && g.fn === fn) {
        const name = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name) ? fn.parent.name.text : "(anonymous)";
        out.push({ call: n, index: g.index, key: siteKey(n), what: `${n.getText().replace(/\s+/g, " ").slice(0, 60)} in ${name}` });
      } else if (!g) {
        // a parameter passed on to another generic function: its sites are this function's too
        const callee = calledFunction(checker, n);
        if (callee && callee !== fn)
          for (const site of genericSites(checker, callee, seen)) {
            const a = n.arguments[site.index];
            const i = a && !ts.isSpreadElement(a) ? paramIndex(a) : -1;
            if (i >= 0) out.push({ ...site, index: i });
          }
      }
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  cache.set(fn, out);
  return out;
}

/** The function a call calls, when its source is visible (for its generic sites). */
export function calledFunction(checker: ts.TypeChecker, call: ts.CallExpression): FnLike | undefined {
  const sym = resolveAlias(checker, checker.getSymbolAtLocation(skipParens(call.expression)));
  const d = sym?.valueDeclaration;
  if (!d) return undefined;
  if ((ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && d.body) return d;
  if (ts.isVariableDeclaration(d) && d.initializer) {
    const init = skipParens(d.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}
