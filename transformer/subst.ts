// Renaming and substitution over structured IR (inlining, loop templates, fresh copies).

import type { Block, Fn, LocalFn, Stmt, Value, Var } from "./ir.js";
import { freshVar, mapTree } from "./ir.js";
import { nextLocal } from "./counters.js";

/**
 * The replacement of a variable reference. A reference may read its variable as another kind
 * (a boolean read as a number, after the simplifier joined them): the replacement keeps the
 * reference's kind, which is what a tape push of it was typed by.
 */
export function replaced(v: Value, m: ReadonlyMap<number, Value>): Value {
  if (v.tag !== "var") return v;
  const r = m.get(v.id);
  if (!r) return v;
  return r.ty !== v.ty && (r.ty === "other" || v.ty === "other") ? ({ ...r, ty: v.ty } as Value) : r;
}

/** Replace free occurrences of variables by values (definitions inside keep their ids). */
export function substBlock(b: Block, m: ReadonlyMap<number, Value>): Block {
  const sv = (v: Value): Value => replaced(v, m);
  return { body: b.body.map((s) => substStmt(s, sv)), results: b.results.map(sv) };
}

function substStmt(s: Stmt, sv: (v: Value) => Value): Stmt {
  if (s.kind === undefined || s.kind === "call") return { ...s, args: s.args.map(sv) };
  const blk = (b: Block): Block => ({ body: b.body.map((t) => substStmt(t, sv)), results: b.results.map(sv) });
  if (s.kind === "if") return { ...s, cond: sv(s.cond), then: blk(s.then), else: blk(s.else) };
  return { ...s, init: s.init.map(sv), cond: blk(s.cond), body: blk(s.body) };
}

/**
 * A copy of statements with every defined variable renamed fresh (for inlining twice), and calls
 * of local functions renamed by `fns` (their copies).
 */
export function renameStmts(body: readonly Stmt[], m: Map<number, Value>, fns?: ReadonlyMap<string, string>): Stmt[] {
  const def = (v: Var): Var => {
    const n = freshVar(v.name, v.ty);
    m.set(v.id, n);
    return n;
  };
  const sv = (v: Value): Value => replaced(v, m);
  const blk = (b: Block): Block => ({ body: renameStmts(b.body, m, fns), results: b.results.map(sv) });
  return body.map((s): Stmt => {
    if (s.kind === undefined) {
      const args = s.args.map(sv);
      return { ...s, args, out: def(s.out) };
    }
    if (s.kind === "call") {
      const args = s.args.map(sv);
      return { ...s, fn: fns?.get(s.fn) ?? s.fn, args, outs: s.outs.map(def) };
    }
    if (s.kind === "if") {
      const cond = sv(s.cond);
      const then = blk(s.then), els = blk(s.else);
      return { ...s, cond, then, else: els, outs: s.outs.map(def) };
    }
    const init = s.init.map(sv);
    const params = s.params.map(def);
    const cond = blk(s.cond), body = blk(s.body);
    return { ...s, init, params, cond, body, outs: s.outs.map(def) };
  });
}

/** A copy of a function with fresh variables throughout. */
export function renameFn(fn: Fn): Fn {
  const m = new Map<number, Value>();
  const params = fn.params.map((p) => ({ ...p, tree: mapTree(p.tree, (v) => { const n = freshVar(v.name, v.ty); m.set(v.id, n); return n; }) }));
  const body = renameStmts(fn.body, m);
  return { ...fn, params, body, result: mapTree(fn.result, (v) => replaced(v, m)) };
}

/**
 * A function's body and local functions, copied for one application of it (an inlined call):
 * `m` maps its parameters to the arguments; its local functions get fresh names (they may read
 * its parameters, so each copy has its own). Returns the statements and the copied locals.
 */
export function inlineBody(fn: Fn, m: Map<number, Value>): { body: Stmt[]; locals: LocalFn[] } {
  const fns = new Map((fn.locals ?? []).map((lf) => [lf.name, `${lf.name.replace(/_\d+$/, "")}_${nextLocal()}`] as const));
  const body = renameStmts(fn.body, m, fns);
  const locals = (fn.locals ?? []).map((lf): LocalFn => {
    const lm = new Map(m);
    const params = lf.params.map((p) => {
      const n = freshVar(p.name, p.ty);
      lm.set(p.id, n);
      return n;
    });
    const c = lf.custom;
    const custom = !c || c.kind === "remat" ? c : c.kind === "vjp" ? { ...c, fwd: fns.get(c.fwd)!, bwd: fns.get(c.bwd)! } : { ...c, rule: fns.get(c.rule)! };
    return { name: fns.get(lf.name)!, params, body: renameStmts(lf.body, lm, fns), results: lf.results.map((v) => replaced(v, lm)), custom };
  });
  return { body, locals };
}
