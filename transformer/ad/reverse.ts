// Reverse mode, the driver: vjpFn turns a function into its gradient (or pullback) by running
// the adjoint sweep of ad/adjoint.ts over its body, and splits its local functions (recursion,
// the user's rules, checkpoint) into forward and backward halves over a tape of calls.

import type { Fn, LocalFn, Param, Stmt, Tree, Value, Var } from "../ir.js";
import { allDefs, freshVar, leaf, leaves, lit, mapTree, num, tup } from "../ir.js";
import { renameStmts, replaced, substBlock } from "../subst.js";
import { simplify, simplifyBlock } from "../simplify.js";
import { localsOf, markActive, sharedTapes, type Locals } from "./activity.js";
import { freeVars, Reverse, TransformError, type Ct, type VjpOptions } from "./adjoint.js";

export { NoRuleError, TransformError, opsFor, type VjpOptions } from "./adjoint.js";

export function vjpFn(fn: Fn, opt: VjpOptions): Fn {
  const nums = typeof opt.argnums === "number" ? [opt.argnums] : [...opt.argnums];
  for (const i of nums)
    if (!Number.isInteger(i) || i < 0 || i >= fn.params.length)
      throw new TransformError(`${opt.api}: argnums ${i} is out of range for '${fn.name}' with ${fn.params.length} parameter(s)`);

  // Output and aux
  let out: Value;
  let aux: Tree<Value> | null = null;
  let ctParam: Param | null = null;
  if (opt.cotangent) {
    out = lit(null); // (every output leaf is seeded by its cotangent below)
    ctParam = { name: "ct", tree: mapTree(fn.result, (v) => freshVar(v.tag === "var" ? `ct_${v.name}` : "ct", v.ty)) };
  } else if (opt.hasAux) {
    if (fn.result.kind !== "tup" || fn.result.kids.length !== 2)
      throw new TransformError(`${opt.api}: hasAux requires '${fn.name}' to return a pair [output, aux]`);
    aux = fn.result.kids[1];
    const o = fn.result.kids[0];
    if (o.kind !== "leaf") throw new TransformError(`${opt.api}: the output of '${fn.name}' must be a scalar, not a structure`);
    out = o.v;
  } else {
    if (fn.result.kind !== "leaf") throw new TransformError(`${opt.api}: the output of '${fn.name}' must be a scalar, not a structure`);
    out = fn.result.v;
  }

  const lc = localsOf(fn, ["fwd", "bwd"] as const);
  const shared = sharedTapes(fn);
  const active = new Set<number>(shared);
  const wrt: Var[] = [];
  for (const i of nums) {
    const ls = leaves(fn.params[i].tree).filter((v) => v.ty !== "other");
    if (ls.length === 0)
      throw new TransformError(`${opt.api}: parameter '${fn.params[i].name}' (argnums ${i}) holds no number or Array: there is nothing to differentiate with respect to`);
    for (const v of ls) (active.add(v.id), wrt.push(v));
  }
  markActive(fn.body, active, lc.tapeUsers);

  const r = new Reverse(active, freshVar("tape", "other"), lc);
  const { fwd, adjoint } = r.forward(fn.body);
  const b = r.b;
  if (r.usedTape) b.body.push({ out: r.tape, prim: "tapeNew", args: [] });
  // Recursive functions: a forward and a backward half each, sharing one tape of calls.
  const calls = freshVar("calls", "other");
  const locals: LocalFn[] = [];
  // (the primal functions stay for calls with constant arguments; the simplifier drops unused ones)
  const byName = new Map((fn.locals ?? []).map((l) => [l.name, l] as const));
  for (const lf of fn.locals ?? [])
    locals.push(
      lf,
      ...(lf.custom?.kind === "remat" ? splitRemat(lf, calls, lc, shared) : lf.custom ? splitCustom(lf, calls, lc, byName) : splitLocal(lf, calls, lc, shared)),
    );
  if (locals.length) b.body.unshift({ out: calls, prim: "tapeNew", args: [] });
  b.body.push(...fwd);
  // Input checks (JAX refuses integer and boolean inputs at differentiated positions).
  for (const v of wrt) if (v.ty === "arr") b.apply("checkGradInput", [v, lit(opt.api)], "chk");
  const ct: Ct = new Map();
  if (ctParam) {
    const cts = leaves(ctParam.tree);
    leaves(fn.result).forEach((v, i) => r.addCt(ct, v, cts[i]));
  } else {
    // The seed also checks that the output is a float scalar.
    const seed = b.apply("seed", [out, lit(opt.api)], "g");
    if (r.isActive(out)) ct.set(out.id, seed);
  }
  adjoint(ct);
  b.src = undefined;

  const gradOf = (p: Param): Tree<Value> =>
    mapTree<Var, Value>(p.tree, (v) => {
      const g = ct.get(v.id);
      // a list parameter's cotangent is sparse (and may be the list it came from): dense and fresh
      if (v.ty === "list") return b.apply("listDense", [g ?? b.apply("listNew", [], "zero", "list"), v], `g_${v.name}`, "list");
      return g ?? (v.ty === "other" ? lit(null) : b.apply("zerosLike", [v], "zero"));
    });
  const grads = typeof opt.argnums === "number" ? gradOf(fn.params[opt.argnums]) : tup(nums.map((i) => gradOf(fn.params[i])));
  const value: Tree<Value> = aux ? tup([leaf(out), aux]) : leaf(out);
  let result: Tree<Value>;
  if (opt.withValue) result = tup([value, grads]);
  else result = aux ? tup([grads, aux]) : grads;

  const prefix = opt.cotangent ? "vjp" : opt.withValue ? "valueAndGrad" : "grad";
  // the cotangent parameter goes after the function's own (before closed-over values)
  const nOwn = fn.params.length - (fn.captured?.length ?? 0);
  const params = ctParam ? [...fn.params.slice(0, nOwn), ctParam, ...fn.params.slice(nOwn)] : fn.params;
  return { name: `${prefix}_${fn.name}`, params, body: b.body, result, captured: fn.captured, locals: locals.length ? locals : undefined };
}

/**
 * checkpoint(f)'s halves: the forward half runs f and tapes only its arguments; the backward half
 * pops them and runs f's ordinary halves back to back (the forward one tapes what the backward
 * one reads, right before it reads it), so the tape holds the arguments per call, not f's
 * intermediates, between the two sweeps.
 */
function splitRemat(lf: LocalFn, calls: Var, lc: Locals<"fwd" | "bwd">, shared: ReadonlySet<number>): LocalFn[] {
  const names = lc.derived.get(lf.name)!;
  const inner = { fwd: `${names.fwd}_again`, bwd: `${names.bwd}_again` };
  const [fwdAgain, bwdAgain] = splitLocal(lf, calls, { ...lc, derived: new Map([...lc.derived, [lf.name, inner]]) }, shared);
  const { push, pops, popped } = roundTrip(calls, lf.params);
  const ctOut = bwdAgain.params.map((p) => freshVar(p.name, p.ty));
  const cts = bwdAgain.results.map((r) => freshVar(r.tag === "var" ? r.name : "g", r.ty === "other" ? "num" : r.ty));
  return [
    fwdAgain,
    bwdAgain,
    { name: names.fwd, params: lf.params, body: [...lf.body, ...push], results: lf.results },
    {
      name: names.bwd,
      params: ctOut,
      body: [
        ...pops,
        { kind: "call", fn: inner.fwd, args: popped, outs: lf.results.map((r) => freshVar("again", r.ty)) },
        { kind: "call", fn: inner.bwd, args: ctOut, outs: cts },
      ],
      results: cts,
    },
  ];
}

/**
 * The two halves of a function with the user's rule. customVjp: the forward half runs fwd and
 * tapes its residuals, the backward half pops them and runs bwd. customJvp: the forward half runs
 * the function and tapes its arguments; the backward half pops them and runs the transpose of the
 * rule's tangent map (reverse mode of `t ↦ rule(x, t)[1]`, which is linear in t, at t = 0).
 */
function splitCustom(lf: LocalFn, calls: Var, lc: Locals<"fwd" | "bwd">, byName: ReadonlyMap<string, LocalFn>): LocalFn[] {
  const c = lf.custom!;
  const names = lc.derived.get(lf.name)!;
  const nOut = lf.results.length;
  const ctOut = lf.results.map((v) => freshVar(`g_${v.tag === "var" ? v.name : "out"}`, v.ty === "other" ? "num" : v.ty));
  if (c.kind === "vjp") {
    const fwdFn = byName.get(c.fwd)!;
    const outs = fwdFn.results.map((v) => freshVar(v.tag === "var" ? v.name : "out", v.ty));
    const { push, pops, popped } = roundTrip(calls, outs.slice(nOut));
    const cts = lf.params.map((p) => freshVar(`g_${p.name}`, p.ty));
    return [
      { name: names.fwd, params: lf.params, body: [{ kind: "call", fn: c.fwd, args: lf.params, outs }, ...push], results: outs.slice(0, nOut) },
      { name: names.bwd, params: ctOut, body: [...pops, { kind: "call", fn: c.bwd, args: [...popped, ...ctOut], outs: cts }], results: cts },
    ];
  }
  if (c.kind !== "jvp") throw new Error("internal: splitCustom of a checkpoint");
  const rule = byName.get(c.rule)!;
  if (rule.body.some((s) => s.kind === "call")) throw new TransformError("a customJvp rule that calls recursive functions cannot be transposed for reverse mode yet");
  const nIn = lf.params.length;
  const ruleFn: Fn = {
    name: rule.name,
    params: rule.params.map((v) => ({ name: v.name, tree: leaf(v) })),
    body: rule.body,
    result: tup(rule.results.slice(nOut).map((v) => leaf(v))),
  };
  const tangents = rule.params.map((_, i) => i).slice(nIn);
  const V = simplify(vjpFn(ruleFn, { argnums: tangents, hasAux: false, withValue: false, api: "customJvp", cotangent: true }));
  if (V.locals?.length) throw new TransformError("a customJvp rule with recursion cannot be transposed for reverse mode yet");
  const { push, pops, popped } = roundTrip(calls, lf.params);
  // V(x..., t..., ct): x the popped arguments, t zeros (the map is linear), ct the output cotangents
  const m = new Map<number, Value>();
  const zeroStmts: Stmt[] = [];
  V.params.forEach((p, i) => {
    const v = leaves(p.tree);
    if (i < nIn) m.set(v[0].id, popped[i]);
    else if (i < 2 * nIn) {
      const like = popped[i - nIn];
      if (like.ty === "arr") {
        const z = freshVar("zero", "arr");
        zeroStmts.push({ out: z, prim: "zerosLike", args: [like] });
        m.set(v[0].id, z);
      } else m.set(v[0].id, num(0));
    } else v.forEach((ctv, k) => m.set(ctv.id, ctOut[k]));
  });
  const body = renameStmts(V.body, m);
  const sub = (v: Value): Value => replaced(v, m);
  return [
    { name: names.fwd, params: lf.params, body: [...lf.body, ...push], results: lf.results },
    { name: names.bwd, params: ctOut, body: [...pops, ...zeroStmts, ...body], results: leaves(V.result).map(sub) },
  ];
}

/**
 * A local function's two halves. `f_fwd` computes f and pushes (once per call, at the end)
 * what the backward half reads; `f_bwd` takes the results' cotangents, pops those values
 * (calls unwind in reverse, so the stack order matches) and returns the parameters' cotangents.
 */
function splitLocal(lf: LocalFn, calls: Var, lc: Locals<"fwd" | "bwd">, shared: ReadonlySet<number>): LocalFn[] {
  const active = new Set<number>([...shared, ...lf.params.filter((p) => p.ty !== "other").map((p) => p.id)]);
  markActive(lf.body, active, lc.tapeUsers);
  // loops inside share the tape of calls: calls and iterations unwind in one reverse order
  const r = new Reverse(active, calls, lc);
  const { fwd, adjoint } = r.forward(lf.body);
  const ctOut = lf.results.map((v) => freshVar(`g_${v.tag === "var" ? v.name : "out"}`, v.ty === "other" ? "num" : v.ty));
  const adj = simplifyBlock(
    r.b.block(() => {
      const m: Ct = new Map();
      lf.results.forEach((v, i) => r.addCt(m, v, ctOut[i]));
      adjoint(m);
      return lf.params.map((p) => m.get(p.id) ?? (p.ty === "other" ? num(0) : r.zero(p)));
    }),
  );
  const local = allDefs(fwd);
  lf.params.forEach((p) => local.add(p.id));
  const needed = freeVars(adj).filter((v) => local.has(v.id));
  const { push, pops, popped } = roundTrip(calls, needed);
  const body = substBlock(adj, new Map(needed.map((v, i) => [v.id, popped[i]] as const)));
  return [
    { name: lc.derived.get(lf.name)!.fwd, params: lf.params, body: [...r.b.body, ...fwd, ...push], results: lf.results },
    { name: lc.derived.get(lf.name)!.bwd, params: ctOut, body: [...pops, ...body.body], results: body.results },
  ];
}

/**
 * Values a forward half keeps for its backward half on the tape of calls: one push at the end of
 * the forward half, and the pops (in reverse order, into fresh variables) that start the backward half.
 */
function roundTrip(calls: Var, vals: readonly Value[]): { push: Stmt[]; pops: Stmt[]; popped: Var[] } {
  const popped = vals.map((v) => freshVar(v.tag === "var" ? v.name : "res", v.ty));
  const push: Stmt[] = vals.length ? [{ out: freshVar("push", "other"), prim: "tapePush", args: [calls, num(0), ...vals] }] : [];
  const pops: Stmt[] = [];
  for (let i = vals.length - 1; i >= 0; i--) pops.push({ out: popped[i], prim: "tapePop", args: [calls, num(0)] });
  return { push, pops, popped };
}
