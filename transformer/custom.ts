// The user's own derivative rules: `customVjp(f, fwd, bwd)` and `customJvp(f, rule)` (JAX's
// custom_vjp and custom_jvp), and `checkpoint(f)` (recompute f in the adjoint instead of taping). A call of such a function becomes a call of a local function whose
// body is f (the primal, for calls nothing differentiates) and which names the local functions
// holding the rule: reverse mode and forward mode use the rule instead of f's own derivative
// (ad/reverse.ts splitLocal, ad/forward.ts jvpLocal), in every order.

import ts from "./typescript.cjs";
import type { LocalFn, Tree, Value, Var } from "./ir.js";
import { freshVar, leaves, mapTree, srcOf } from "./ir.js";
import type { FnLike, Lowerer } from "./lower.js";

type Kind = "customVjp" | "customJvp" | "checkpoint";

const count = (ts_: readonly Tree<unknown>[]) => ts_.reduce((n, t) => n + leaves(t).length, 0);

export class CustomRules {
  /** One local function per customVjp/customJvp definition (the call that made it). */
  private readonly known = new Map<ts.Node, { name: string; params: Tree<Var>[]; result: Tree<Value> }>();

  constructor(private readonly lw: Lowerer) {}

  /** A call `g(args)` of `g = customVjp(f, fwd, bwd)` (or customJvp(f, rule)), `def` the defining call. */
  call(kind: Kind, def: ts.CallExpression, args: Tree<Value>[], node: ts.CallExpression): Tree<Value> {
    const info = this.known.get(def) ?? this.define(kind, def);
    const flat: Value[] = [];
    info.params.forEach((pt, i) => {
      const a = args[i];
      if (!a) this.lw.fail(node, `missing argument ${i + 1} of a ${kind} function`);
      const al = a.kind === "leaf" ? [a.v] : leaves(a);
      if (al.length !== leaves(pt).length) this.lw.fail(node, `argument ${i + 1} does not have the structure the ${kind} function declares`);
      flat.push(...al);
    });
    const outs = leaves(info.result).map((v) => freshVar(v.tag === "var" ? v.name : "out", v.ty));
    this.lw.b.body.push({ kind: "call", fn: info.name, args: flat, outs, src: srcOf(node) });
    let k = 0;
    return mapTree(info.result, () => outs[k++]);
  }

  private fnArg(def: ts.CallExpression, i: number, what: string): FnLike {
    const a = def.arguments[i];
    if (!a) this.lw.fail(def, `${what} is missing`);
    const f = this.lw.functionOf(a);
    if (f === "jnp" || ts.isCallExpression(f)) this.lw.fail(a, `${what} must be a function whose source tsjax can see`);
    return f;
  }

  private define(kind: Kind, def: ts.CallExpression) {
    const lw: Lowerer = this.lw;
    const f = this.fnArg(def, 0, "the function");
    const saved = lw.b.body;
    lw.b.body = [];
    try {
      const F = lw.lowerLocal(f, kind === "customVjp" ? "cvjp" : kind === "customJvp" ? "cjvp" : "remat");
      const nOut = leaves(F.result).length;
      const nIn = count(F.params);
      const diff = F.lf.params.filter((p) => p.ty === "num" || p.ty === "arr");
      if (diff.length !== F.lf.params.length && kind !== "checkpoint") lw.fail(def.arguments[0], `a ${kind} function's parameters must be numbers, Arrays or pytrees of them`);
      let custom: LocalFn["custom"];
      if (kind === "checkpoint") custom = { kind: "remat" };
      else if (kind === "customVjp") {
        const fwdDecl = this.fnArg(def, 1, "customVjp's fwd");
        const bwdDecl = this.fnArg(def, 2, "customVjp's bwd");
        const fwd = lw.lowerLocal(fwdDecl, "cvjp_fwd");
        if (fwd.result.kind !== "tup" || fwd.result.kids.length !== 2) lw.fail(fwdDecl, "customVjp's fwd must return a pair [output, residuals]");
        if (leaves(fwd.result.kids[0]).length !== nOut) lw.fail(fwdDecl, "customVjp's fwd returns an output whose structure differs from the function's");
        if (count(fwd.params) !== nIn) lw.fail(fwdDecl, "customVjp's fwd must take the function's parameters");
        const nRes = leaves(fwd.result.kids[1]).length;
        const bwd = lw.lowerLocal(bwdDecl, "cvjp_bwd");
        if (bwd.params.length !== 2 || leaves(bwd.params[0]).length !== nRes || leaves(bwd.params[1]).length !== nOut)
          lw.fail(bwdDecl, "customVjp's bwd must take (residuals, output cotangent) shaped like fwd's residuals and the output");
        if (bwd.result.kind !== "tup" || bwd.result.kids.length !== F.params.length || count(bwd.result.kids) !== nIn)
          lw.fail(bwdDecl, `customVjp's bwd must return a tuple with one cotangent per parameter (${F.params.length}), each shaped like it`);
        custom = { kind: "vjp", fwd: fwd.lf.name, bwd: bwd.lf.name };
      } else {
        const ruleDecl = this.fnArg(def, 1, "customJvp's rule");
        const rule = lw.lowerLocal(ruleDecl, "cjvp_rule");
        if (rule.params.length !== 2 || count([rule.params[0]]) !== nIn || count([rule.params[1]]) !== nIn)
          lw.fail(ruleDecl, "customJvp's rule must take (primals, tangents), two tuples shaped like the function's parameters");
        if (rule.result.kind !== "tup" || rule.result.kids.length !== 2 || leaves(rule.result.kids[0]).length !== nOut || leaves(rule.result.kids[1]).length !== nOut)
          lw.fail(ruleDecl, "customJvp's rule must return a pair [output, output tangent], each shaped like the function's output");
        custom = { kind: "jvp", rule: rule.lf.name };
      }
      // the function itself is the last local lowered: attach the rule to it
      const i = lw.locals.indexOf(F.lf);
      lw.locals[i] = { ...F.lf, custom };
      const info = { name: F.lf.name, params: F.params, result: F.result };
      this.known.set(def, info);
      return info;
    } finally {
      lw.b.body = saved;
    }
  }
}
