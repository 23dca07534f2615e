// Reverse mode on the IR: the forward sweep is the primal program, the adjoint sweep walks it
// backwards applying each primitive's rule (prims/). Straight-line code needs no tape: every primal value is a
// named variable the adjoint sweep reads directly, and an `if` is undone by an `if` on the same
// condition. Only loops keep a tape: each iteration pushes the values its adjoint reads, the
// adjoint loop pops them in reverse. One tape serves every loop of a function (the adjoint
// visits them in exactly the reverse order, so one stack is enough). Only active statements (those
// that depend on a differentiated input) get adjoints; cotangents are symbolic zeros until
// first written.

import type { Block, IfStmt, PrimStmt, Stmt, Value, Var, WhileStmt } from "../ir.js";
import { Builder, allDefs, forEachUse, freshVar, num, someStmt } from "../ir.js";
import { PRIMS, primTy, vjpRule, type Ops } from "../prims/index.js";
import { type Locals } from "./activity.js";
import { substBlock } from "../subst.js";
import { simplifyBlock } from "../simplify.js";

export interface VjpOptions {
  /** Which parameters to differentiate; a number gives a bare gradient, an array a tuple. */
  argnums: number | readonly number[];
  hasAux: boolean;
  /** valueAndGrad: return [value, grad]. */
  withValue: boolean;
  /** The user-facing name for messages ("grad", "valueAndGrad"). */
  api: string;
  /**
   * vjp's pullback: the output may be any pytree, and its cotangent is a trailing parameter
   * (after the function's own parameters) instead of the seed 1.
   */
  cotangent?: boolean;
}

/** A primitive has no derivative rule: the lowering reports it as a diagnostic at its source. */
export class NoRuleError extends Error {
  constructor(
    readonly prim: string,
    readonly stmt: Stmt,
    /** Why the rule is missing, when the registry says. */
    readonly reason?: string,
  ) {
    super(`no derivative rule for primitive '${prim}'`);
  }
}

const LIST_ADJOINTS = new Set(["listGet", "listCtGet", "listSetAt", "listAddAt", "listFrom", "listMerge", "listNew"]);

/** A transform that cannot apply to this function (bad argnums, hasAux shape): a build diagnostic. */
export class TransformError extends Error {}

export function opsFor(b: Builder): Ops {
  return new Proxy({} as Ops, {
    get: (_, prim: string) => (...args: Value[]) => b.apply(prim, args),
  });
}

export type Ct = Map<number, Value>;

/**
 * Free variables of a block: read inside it and defined outside it. Definitions at any depth
 * count as inside (a value made in a branch may be read after the branch: the code is emitted
 * with hoisted variables).
 */
export function freeVars(blk: Block): Var[] {
  const inner = allDefs(blk.body);
  const seen = new Set<number>();
  const out: Var[] = [];
  const use = (v: Value) => {
    if (v.tag === "var" && !inner.has(v.id) && !seen.has(v.id)) (seen.add(v.id), out.push(v));
  };
  forEachUse(blk.body, use);
  blk.results.forEach(use);
  return out;
}

export class Reverse {
  readonly b = new Builder(primTy);
  readonly o = opsFor(this.b);
  /** Whether a loop used the tape (the caller then creates it). */
  usedTape = false;
  constructor(
    readonly active: Set<number>,
    /** The function's tape, shared by all its loops. */
    readonly tape: Var,
    readonly lc: Locals<"fwd" | "bwd">,
  ) {}

  /** Active and able to carry a cotangent (tapes and flags are active only as channels). */
  isActive(v: Value): v is Var {
    return v.tag === "var" && v.ty !== "other" && this.active.has(v.id);
  }

  /** Whether a block pushes or pops on an active tape (whose adjoint must run to keep it aligned). */
  hasActiveTapeOps(body: readonly Stmt[]): boolean {
    return someStmt(body, (s) => s.kind === undefined && (s.prim === "tapePush" || s.prim === "tapePop") && this.active.has(s.out.id));
  }

  /**
   * Whether a block's adjoint must run even with no cotangent to carry: it pushes or pops an
   * active tape, or calls a forward half (whose backward half must pop what it taped).
   */
  needsAdjoint(body: readonly Stmt[]): boolean {
    return (
      this.hasActiveTapeOps(body) ||
      someStmt(body, (s) => s.kind === "call" && (this.lc.tapeUsers.has(s.fn) || s.args.some((a) => a.tag === "var" && this.active.has(a.id))))
    );
  }

  /** Add a cotangent contribution to `v` (numbers get numbers even when Arrays met them). */
  addCt(ct: Ct, v: Value, c: Value | null): void {
    if (!c || !this.isActive(v)) return;
    const cc = v.ty === "num" && c.ty === "arr" ? this.o.unbroadcast(c, v) : c;
    const prev = ct.get(v.id);
    const sum = !prev ? cc : v.ty === "list" ? this.b.apply("listMerge", [prev, cc], "g", "list") : this.o.add(prev, cc);
    ct.set(v.id, this.named(sum, `g_${v.name}`));
  }

  /** Give the statement that just made `v` a readable name (the cotangent of `name`). */
  named(v: Value, name: string): Value {
    const body = this.b.body;
    const last = body[body.length - 1];
    if (v.tag !== "var" || !last || last.kind !== undefined || last.out.id !== v.id || (/^g_/.test(v.name) && v.name !== "g")) return v;
    const out: Var = { ...v, name };
    body[body.length - 1] = { ...last, out };
    return out;
  }

  zero(like: Value): Value {
    if (like.ty === "list") return this.b.apply("listNew", [], "zero", "list");
    return like.ty === "arr" ? this.b.apply("zerosLike", [like], "zero") : num(0);
  }

  /**
   * Forward sweep of a block: returns the statements to run forward, and a function that emits
   * the block's adjoint (into the current builder) given the cotangent environment.
   */
  forward(body: readonly Stmt[]): { fwd: Stmt[]; adjoint: (ct: Ct) => void } {
    const fwd: Stmt[] = [];
    const adjoints: ((ct: Ct) => void)[] = [];
    for (const s of body) {
      if (s.kind === undefined) {
        fwd.push(s);
        if (s.prim === "tapePush" && this.active.has(s.out.id))
          adjoints.push((ct) => {
            this.pushAdjoint(s);
            for (const [v, c] of this.pendingCts.splice(0)) this.addCt(ct, v, c);
          });
        else if (s.prim === "tapePop" && this.active.has(s.out.id)) adjoints.push((ct) => this.popAdjoint(s, ct));
        else if (LIST_ADJOINTS.has(s.prim) && this.active.has(s.out.id)) adjoints.push((ct) => this.listAdjoint(s, ct));
        else if (this.active.has(s.out.id) && s.prim !== "tapeNew") adjoints.push((ct) => this.primAdjoint(s, ct));
      } else if (s.kind === "call") {
        // A call with no active argument runs the primal function: its forward half would tape
        // values that no backward half ever pops (cube(1, 1) in a loop condition).
        if (!s.args.some((a) => a.tag === "var" && this.active.has(a.id)) && !this.lc.tapeUsers.has(s.fn)) {
          fwd.push(s);
          continue;
        }
        // A local (recursive) function runs its forward half, which tapes what its backward half reads.
        const half = this.lc.derived.get(s.fn)!;
        fwd.push({ ...s, fn: half.fwd });
        adjoints.push((ct) => {
          const cts = s.args.map((a) => freshVar(`g_${a.tag === "var" ? a.name : "arg"}`, a.ty === "other" ? "num" : a.ty));
          this.b.body.push({ kind: "call", fn: half.bwd, args: s.outs.map((o) => ct.get(o.id) ?? this.zero(o)), outs: cts, src: s.src });
          s.args.forEach((a, i) => this.addCt(ct, a, cts[i]));
        });
      } else if (s.kind === "if") {
        const t = this.forward(s.then.body);
        const e = this.forward(s.else.body);
        fwd.push({ ...s, then: { body: t.fwd, results: s.then.results }, else: { body: e.fwd, results: s.else.results } });
        adjoints.push((ct) => this.ifAdjoint(s, t.adjoint, e.adjoint, ct));
      } else {
        const r = this.loop(s);
        fwd.push(...r.fwd);
        if (r.adjoint) adjoints.push(r.adjoint);
      }
    }
    return {
      fwd,
      adjoint: (ct) => {
        for (let k = adjoints.length - 1; k >= 0; k--) adjoints[k](ct);
      },
    };
  }

  /**
   * A pop hands its value's cotangent back through the tape's next channel; the push it came
   * from takes it off again (in reverse, so the two sweeps meet in stack order).
   */
  private popAdjoint(s: PrimStmt, ct: Ct): void {
    const [tape, ch] = s.args;
    const g = ct.get(s.out.id) ?? this.zero(s.out);
    this.b.apply("tapePush", [tape, num((ch as { value: number }).value + 1), g], "push", "other");
  }

  private pushAdjoint(s: PrimStmt): void {
    const [tape, ch, ...vals] = s.args;
    const next = num((ch as { value: number }).value + 1);
    const cts: Value[] = [];
    for (let i = vals.length - 1; i >= 0; i--) cts[i] = this.b.apply("tapePop", [tape, next], `g_${vals[i].tag === "var" ? (vals[i] as Var).name : "v"}`, vals[i].ty);
    this.pendingCts.push(...vals.map((v, i) => [v, cts[i]] as const));
  }

  /**
   * Local arrays: the cotangent of a list is a list of cotangents (missing entries are zeros),
   * accumulated in place like the list itself.
   */
  private listAdjoint(s: PrimStmt, ct: Ct): void {
    const g = ct.get(s.out.id);
    if (!g) return;
    this.b.src = s.src;
    const b = this.b;
    if (s.prim === "listGet" || s.prim === "listCtGet") {
      const [l, i] = s.args;
      if (!this.isActive(l)) return;
      const prev = ct.get(l.id) ?? b.apply("listNew", [], "zero", "list");
      ct.set(l.id, b.apply("listAddAt", [prev, i, g], `g_${l.name}`, "list"));
    } else if (s.prim === "listSetAt" || s.prim === "listAddAt") {
      const [l, i, v] = s.args;
      this.addCt(ct, v, b.apply("listCtGet", [g, i], `g_${v.tag === "var" ? v.name : "v"}`, v.ty));
      if (this.isActive(l)) ct.set(l.id, s.prim === "listSetAt" ? b.apply("listSetAt", [g, i, num(0)], `g_${l.name}`, "list") : g);
    } else if (s.prim === "listFrom") {
      s.args.forEach((v, k) => this.addCt(ct, v, b.apply("listCtGet", [g, num(k)], `g_${v.tag === "var" ? v.name : "v"}`, v.ty)));
    } else if (s.prim === "listMerge") {
      s.args.forEach((v) => this.addCt(ct, v, g));
    }
  }

  /** Cotangents popped by pushAdjoint, added by the caller that holds the environment. */
  private pendingCts: (readonly [Value, Value])[] = [];

  private primAdjoint(s: PrimStmt, ct: Ct): void {
    const g = ct.get(s.out.id);
    if (!g) return;
    const rule = vjpRule(s.prim);
    if (!rule) throw new NoRuleError(s.prim, s, PRIMS[s.prim].noVjp);
    this.b.src = s.src;
    const cts = rule(this.o, g, s.out, s.args);
    s.args.forEach((a, i) => this.addCt(ct, a, cts[i]));
  }

  /** The adjoint of an `if` is an `if` on the same condition, each branch undoing its own. */
  private ifAdjoint(s: IfStmt, thenAdj: (ct: Ct) => void, elseAdj: (ct: Ct) => void, ct: Ct): void {
    const outCts = s.outs.map((o) => ct.get(o.id) ?? null);
    // Outer variables whose cotangents the branches may change: the active free variables.
    // (even with no cotangent to carry out, a branch may send cotangents back through a tape)
    const free = [...freeVars(s.then), ...freeVars(s.else)].filter((v, i, a) => this.isActive(v) && a.findIndex((w) => w.id === v.id) === i);
    const branch = (blk: Block, adj: (ct: Ct) => void) =>
      this.b.block(() => {
        const inner: Ct = new Map(ct);
        blk.results.forEach((r, i) => this.addCt(inner, r, outCts[i]));
        adj(inner);
        return free.map((v) => inner.get(v.id) ?? ct.get(v.id) ?? this.zero(v));
      });
    const thenB = branch(s.then, thenAdj);
    const elseB = branch(s.else, elseAdj);
    const outs = free.map((v) => freshVar(`g_${v.name}`, v.ty));
    this.b.body.push({ kind: "if", cond: s.cond, then: thenB, else: elseB, outs, src: s.src });
    free.forEach((v, i) => ct.set(v.id, outs[i]));
  }

  /**
   * A loop: the forward loop counts its iterations and pushes, each iteration, the values the
   * body's adjoint reads; the adjoint loop runs as many iterations backwards, popping them.
   */
  private loop(s: WhileStmt): { fwd: Stmt[]; adjoint?: (ct: Ct) => void } {
    const activeParams = s.params.map((p) => this.isActive(p));
    const inner = this.forward(s.body.body);
    // The condition yields a boolean: it has no adjoint, so it runs as the primal code (a loop
    // or call inside it must not tape what nothing will pop).
    if (this.hasActiveTapeOps(s.cond.body)) throw new Error("internal: tape operations in a loop condition");
    const condFwd = { fwd: s.cond.body };
    const free = freeVars({ body: [...s.cond.body, ...s.body.body], results: s.body.results }).filter(
      (v) => this.isActive(v) && !s.params.some((p) => p.id === v.id),
    );
    if (!activeParams.some(Boolean) && free.length === 0 && !this.needsAdjoint(s.body.body)) {
      return { fwd: [{ ...s, cond: { body: condFwd.fwd, results: s.cond.results }, body: { body: inner.fwd, results: s.body.results } }] };
    }

    // The body's adjoint, as a template over fresh cotangent variables (active parameters only).
    const act = s.params.map((_, i) => i).filter((i) => activeParams[i]);
    const ctNext = act.map((i) => freshVar(`g_${s.params[i].name}`, s.params[i].ty));
    const ctFree = free.map((v) => freshVar(`g_${v.name}`, v.ty));
    const adjBody = simplifyBlock(
      this.b.block(() => {
        const m: Ct = new Map();
        free.forEach((v, i) => m.set(v.id, ctFree[i]));
        act.forEach((pi, i) => this.addCt(m, s.body.results[pi], ctNext[i]));
        inner.adjoint(m);
        return [...act.map((pi) => m.get(s.params[pi].id) ?? this.zero(s.params[pi])), ...free.map((v, i) => m.get(v.id) ?? ctFree[i])];
      }),
    );

    // What the adjoint reads from inside the loop must be taped, iteration by iteration.
    // (the transformed body: inner loops' tapes and trip counts are locals too)
    const local = allDefs(inner.fwd);
    s.params.forEach((p) => local.add(p.id));
    const { needed, remat } = rematerialize(freeVars(adjBody).filter((v) => local.has(v.id)), inner.fwd, s.params, local);

    const tape = this.tape;
    this.usedTape = true;
    const count = freshVar("n", "num");
    const next = freshVar("n", "num");
    const fwdBody: Stmt[] = [...inner.fwd];
    if (needed.length) fwdBody.push({ out: freshVar("push", "other"), prim: "tapePush", args: [tape, num(0), ...needed] });
    fwdBody.push({ out: next, prim: "add", args: [count, num(1)] });
    const nOut = freshVar("trips", "num");
    const fwd: Stmt[] = [
      {
        kind: "while",
        params: [...s.params, count],
        init: [...s.init, num(0)],
        cond: { body: condFwd.fwd, results: s.cond.results },
        body: { body: fwdBody, results: [...s.body.results, next] },
        outs: [...s.outs, nOut],
        src: s.src,
      },
    ];

    const adjoint = (ct: Ct) => {
      // Popped values get fresh names inside the adjoint loop (SSA), in reverse push order.
      const popped = needed.map((v) => freshVar(v.name, v.ty));
      const k = freshVar("k", "num");
      const kNext = freshVar("k", "num");
      const ctP = ctNext.map((v) => freshVar(v.name, v.ty));
      const ctF = ctFree.map((v) => freshVar(v.name, v.ty));
      const sub = new Map<number, Value>([
        ...needed.map((v, i) => [v.id, popped[i]] as const),
        ...ctNext.map((v, i) => [v.id, ctP[i]] as const),
        ...ctFree.map((v, i) => [v.id, ctF[i]] as const),
      ]);
      // cheap values are recomputed from what was popped rather than taped
      const again: Stmt[] = remat.map((r) => {
        const out = freshVar(r.out.name, r.out.ty);
        const st: Stmt = { ...r, out, args: r.args.map((a) => (a.tag === "var" ? sub.get(a.id) ?? a : a)) };
        sub.set(r.out.id, out);
        return st;
      });
      const body = substBlock(adjBody, sub);
      const pops: Stmt[] = [];
      for (let i = needed.length - 1; i >= 0; i--) pops.push({ out: popped[i], prim: "tapePop", args: [tape, num(0)] });
      pops.push(...again);
      const condVar = freshVar("more", "other");
      const outsP = ctNext.map((v) => freshVar(v.name, v.ty));
      const outsF = ctFree.map((v) => freshVar(v.name, v.ty));
      const init = [...act.map((pi) => ct.get(s.outs[pi].id) ?? this.zero(s.outs[pi])), ...free.map((v) => ct.get(v.id) ?? this.zero(v)), nOut];
      this.b.body.push({
        kind: "while",
        params: [...ctP, ...ctF, k],
        init,
        cond: { body: [{ out: condVar, prim: "greater", args: [k, num(0)] }], results: [condVar] },
        body: {
          body: [...pops, ...body.body, { out: kNext, prim: "sub", args: [k, num(1)] }],
          results: [...body.results, kNext],
        },
        outs: [...outsP, ...outsF, freshVar("k", "num")],
        src: s.src,
      });
      // free variables first: their loop accumulators started from their cotangents before the
      // loop; then the initial values' cotangents add on top (an initial value may be one of them)
      free.forEach((v, i) => ct.set(v.id, outsF[i]));
      act.forEach((pi, i) => this.addCt(ct, s.init[pi], outsP[i]));
    };
    return { fwd, adjoint };
  }
}

/** Number operations cheap enough to redo in the adjoint loop instead of taping their result. */
const CHEAP = new Set(["add", "sub", "mul", "neg"]);

/**
 * Of the values an adjoint loop reads, those computed by one cheap number operation of the
 * iteration's parameters (or of values from outside the loop) are recomputed after the pops
 * instead of taped: the logistic map's `1 - x` and `r * x` cost less to redo than to store.
 */
export function rematerialize(needed: Var[], body: readonly Stmt[], params: readonly Var[], local: Set<number>): { needed: Var[]; remat: PrimStmt[] } {
  const def = new Map<number, PrimStmt>();
  for (const s of body) if (s.kind === undefined) def.set(s.out.id, s);
  const isParam = (v: Value) => v.tag === "var" && params.some((p) => p.id === v.id);
  const keep: Var[] = [];
  const remat: PrimStmt[] = [];
  const add = (v: Var) => keep.some((k) => k.id === v.id) || keep.push(v);
  for (const v of needed) {
    const d = def.get(v.id);
    const ok =
      d && CHEAP.has(d.prim) && d.out.ty === "num" && d.args.every((a) => a.ty === "num" && (a.tag !== "var" || isParam(a) || !local.has(a.id)));
    if (!ok) {
      add(v);
      continue;
    }
    remat.push(d);
    for (const a of d.args) if (a.tag === "var" && isParam(a)) add(a);
  }
  return { needed: keep, remat };
}
