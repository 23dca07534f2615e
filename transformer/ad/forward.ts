// Forward mode on the IR: each statement is followed by the statement(s) computing its tangent,
// from each primitive's jvp rule (prims/). No tape: an `if` carries its outputs' tangents as
// extra outputs, a loop carries its parameters' tangents as extra parameters, a recursive
// function gets a tangent version taking and returning tangents beside its values, a local
// array's tangent is a list beside it. Tangents are symbolic zeros until an active value
// (one that depends on an input with a tangent) makes them real.
//
// Tapes of an earlier reverse pass (jvp of a gradient: forward-over-reverse) carry their values'
// tangents on a channel of their own, TANGENT_CHANNEL above the value's.

import type { Block, Fn, LocalFn, Param, PrimStmt, Stmt, Value, Var } from "../ir.js";
import { Builder, freshVar, leaves, lit, mapTree, num, tup } from "../ir.js";
import { PRIMS, primTy } from "../prims/index.js";
import { localsOf, markActive, sharedTapes, type Locals } from "./activity.js";
import { NoRuleError, TransformError, opsFor } from "./adjoint.js";

/** Tangents ride on the tape channel this far above their values' channel. */
const TANGENT_CHANNEL = 64;

type Tan = Map<number, Value>;

class Forward {
  readonly b = new Builder(primTy);
  readonly o = opsFor(this.b);
  constructor(
    readonly active: Set<number>,
    readonly lc: Locals<"jvp">,
    /** Local functions whose tangent version a call needs (built afterwards). */
    readonly needed: Set<string>,
  ) {}

  private isActive(v: Value): v is Var {
    return v.tag === "var" && this.active.has(v.id);
  }

  /** The tangent of `v`, or null for a (symbolic) zero. */
  tan(t: Tan, v: Value): Value | null {
    return v.tag === "var" ? t.get(v.id) ?? null : null;
  }

  /** A concrete zero tangent like `v`. */
  zero(v: Value): Value {
    if (v.ty === "list") return this.b.apply("listNew", [], "dzero", "list");
    if (v.ty === "arr") return this.b.apply("zerosLike", [v], "dzero");
    return num(0);
  }

  /** The tangent of `v`, made concrete. */
  tanOrZero(t: Tan, v: Value): Value {
    return this.tan(t, v) ?? this.zero(v);
  }

  /** Whether a value can carry a tangent (flags and options cannot; tapes carry theirs on a channel). */
  private carries(v: Value): boolean {
    return v.ty === "num" || v.ty === "arr" || v.ty === "list";
  }

  block(body: readonly Stmt[], t: Tan): void {
    for (const s of body) this.stmt(s, t);
  }

  stmt(s: Stmt, t: Tan): void {
    if (s.kind === undefined) return this.prim(s, t);
    if (s.kind === "if") return this.ifStmt(s, t);
    if (s.kind === "while") return this.whileStmt(s, t);
    // a call of a local function: its tangent version, unless nothing active goes in or out
    const d = this.lc.derived.get(s.fn);
    if (!d || (!s.args.some((a) => this.isActive(a)) && !this.lc.tapeUsers.has(s.fn))) {
      this.b.body.push(s);
      return;
    }
    this.needed.add(s.fn);
    const targs = s.args.filter((a) => this.carries(a)).map((a) => this.tanOrZero(t, a));
    const touts = s.outs.filter((o) => this.carries(o)).map((o) => freshVar(`d${o.name}`, o.ty));
    this.b.body.push({ kind: "call", fn: d.jvp, args: [...s.args, ...targs], outs: [...s.outs, ...touts], src: s.src });
    let k = 0;
    for (const o of s.outs) if (this.carries(o)) t.set(o.id, touts[k++]);
  }

  private prim(s: PrimStmt, t: Tan): void {
    this.b.body.push(s);
    if (!this.active.has(s.out.id)) return;
    this.b.src = s.src;
    const b = this.b;
    const named = (v: Value | null) => v && this.named(v, `d${s.out.name}`);
    switch (s.prim) {
      case "tapePush": {
        // every push on an active tape carries its values' tangents (zeros where inactive)
        const [tape, ch, ...vals] = s.args;
        b.apply("tapePush", [tape, num((ch as { value: number }).value + TANGENT_CHANNEL), ...vals.map((v) => (this.carries(v) ? this.tanOrZero(t, v) : lit(null)))], "push", "other");
        return;
      }
      case "tapePop": {
        const [tape, ch] = s.args;
        const d = b.apply("tapePop", [tape, num((ch as { value: number }).value + TANGENT_CHANNEL)], `d${s.out.name}`, s.out.ty);
        if (this.carries(s.out)) t.set(s.out.id, d);
        return;
      }
      // local arrays: the tangent of a list is a list of tangents beside it (missing entries are zeros)
      case "listNew":
        t.set(s.out.id, b.apply("listNew", [], `d${s.out.name}`, "list"));
        return;
      case "listFrom":
        t.set(s.out.id, b.apply("listFrom", s.args.map((v) => this.tanOrZero(t, v)), `d${s.out.name}`, "list"));
        return;
      case "listGet":
      case "listCtGet": {
        const [l, i] = s.args;
        const tl = this.tan(t, l);
        if (tl) t.set(s.out.id, b.apply("listCtGet", [tl, i], `d${s.out.name}`, s.out.ty));
        return;
      }
      case "listSetAt":
      case "listAddAt": {
        const [l, i, v] = s.args;
        const tl = this.tan(t, l) ?? b.apply("listNew", [], "dzero", "list");
        t.set(s.out.id, b.apply(s.prim, [tl, i, this.tanOrZero(t, v)], `d${s.out.name}`, "list"));
        return;
      }
      case "listMerge":
        t.set(s.out.id, b.apply("listMerge", s.args.map((v) => this.tanOrZero(t, v)), `d${s.out.name}`, "list"));
        return;
    }
    const def = PRIMS[s.prim];
    const ts = s.args.map((a) => this.tan(t, a));
    if (!ts.some(Boolean)) return;
    if (!def.jvp) throw new NoRuleError(s.prim, s, def.noJvp);
    const d = named(def.jvp(this.o, ts, s.out, s.args));
    if (d) t.set(s.out.id, d.ty === "arr" && s.out.ty === "num" ? this.o.item(d) : d);
  }

  /** Give the statement that just made `v` a readable name. */
  private named(v: Value, name: string): Value {
    const body = this.b.body;
    const last = body[body.length - 1];
    if (v.tag !== "var" || !last || last.kind !== undefined || last.out.id !== v.id) return v;
    const out: Var = { ...v, name };
    body[body.length - 1] = { ...last, out };
    return out;
  }

  /** The tangents of an `if`'s outputs are more outputs of the same `if`. */
  private ifStmt(s: Extract<Stmt, { kind: "if" }>, t: Tan): void {
    const act = s.outs.map((o, i) => i).filter((i) => this.isActive(s.outs[i]) && this.carries(s.outs[i]));
    const branch = (blk: Block): Block =>
      this.b.block(() => {
        this.block(blk.body, t);
        return [...blk.results, ...act.map((i) => this.tanOrZero(t, blk.results[i]))];
      });
    const then = branch(s.then), els = branch(s.else);
    const touts = act.map((i) => freshVar(`d${s.outs[i].name}`, s.outs[i].ty));
    this.b.body.push({ ...s, then, else: els, outs: [...s.outs, ...touts] });
    act.forEach((i, k) => t.set(s.outs[i].id, touts[k]));
  }

  /** The tangents of a loop's parameters are more parameters; the condition runs as it is. */
  private whileStmt(s: Extract<Stmt, { kind: "while" }>, t: Tan): void {
    const act = s.params.map((p, i) => i).filter((i) => this.isActive(s.params[i]) && this.carries(s.params[i]));
    if (act.length === 0) {
      // nothing active is carried, but the body may still push tangents (an active tape)
      const body = this.b.block(() => (this.block(s.body.body, t), s.body.results));
      this.b.body.push({ ...s, body });
      return;
    }
    const tparams = act.map((i) => freshVar(`d${s.params[i].name}`, s.params[i].ty));
    const init = act.map((i) => this.tanOrZero(t, s.init[i]));
    act.forEach((i, k) => t.set(s.params[i].id, tparams[k]));
    const body = this.b.block(() => {
      this.block(s.body.body, t);
      return [...s.body.results, ...act.map((i) => this.tanOrZero(t, s.body.results[i]))];
    });
    const touts = act.map((i) => freshVar(`d${s.outs[i].name}`, s.outs[i].ty));
    this.b.body.push({ ...s, params: [...s.params, ...tparams], init: [...s.init, ...init], body, outs: [...s.outs, ...touts] });
    act.forEach((i, k) => t.set(s.outs[i].id, touts[k]));
  }
}

/** A local function's tangent version: its parameters, then theirs tangents; its results, then theirs. */
function jvpLocal(lf: LocalFn, lc: Locals<"jvp">, shared: ReadonlySet<number>, needed: Set<string>): LocalFn {
  const carried = lf.params.filter((p) => p.ty === "num" || p.ty === "arr" || p.ty === "list");
  const tparams = carried.map((p) => freshVar(`d${p.name}`, p.ty));
  const name = lc.derived.get(lf.name)!.jvp;
  if (lf.custom?.kind === "vjp") throw new TransformError("forward mode (jvp) of a customVjp function is not supported, as in JAX: give it a customJvp rule");
  if (lf.custom?.kind === "jvp") {
    // the user's rule: (...params, ...tangents) → [...outs, ...output tangents]
    const outs = lf.results.map((r) => freshVar(r.tag === "var" ? r.name : "out", r.ty));
    const touts = lf.results.map((r) => freshVar(`d${r.tag === "var" ? r.name : "out"}`, r.ty));
    return { name, params: [...lf.params, ...tparams], body: [{ kind: "call", fn: lf.custom.rule, args: [...lf.params, ...tparams], outs: [...outs, ...touts] }], results: [...outs, ...touts] };
  }
  const active = new Set<number>([...shared, ...carried.map((p) => p.id)]);
  activity(lf.body, active, lc);
  const f = new Forward(active, lc, needed);
  const t: Tan = new Map();
  carried.forEach((p, i) => t.set(p.id, tparams[i]));
  f.block(lf.body, t);
  const outs = lf.results.filter((r) => r.ty === "num" || r.ty === "arr" || r.ty === "list").map((r) => f.tanOrZero(t, r));
  return { name, params: [...lf.params, ...tparams], body: f.b.body, results: [...lf.results, ...outs] };
}

/**
 * `jvp(f, primals, tangents)`: a function of the primals and then the tangents (one pytree per
 * parameter, shaped like it) returning `[out, tangentOut]`.
 */
export function jvpFn(fn: Fn): Fn {
  // (closed-over values of an enclosing function come in as trailing parameters: constants here)
  const nOwn = fn.params.length - (fn.captured?.length ?? 0);
  const own = fn.params.slice(0, nOwn);
  const lc = localsOf(fn, ["jvp"] as const);
  const shared = sharedTapes(fn);
  const active = new Set<number>(shared);
  const tparams: Param[] = own.map((p) => ({
    name: `d${p.name}`,
    tree: mapTree(p.tree, (v) => {
      const d = freshVar(`d${v.name}`, v.ty);
      if (v.ty !== "other") active.add(v.id);
      return d;
    }),
  }));
  activity(fn.body, active, lc);
  const needed = new Set<string>();
  const f = new Forward(active, lc, needed);
  const t: Tan = new Map();
  own.forEach((p, i) => {
    const vs = leaves(p.tree), ds = leaves(tparams[i].tree);
    // a list's tangent is copied (dense) before the tangent pass writes into it
    vs.forEach((v, k) => v.ty !== "other" && t.set(v.id, v.ty === "list" ? f.b.apply("listDense", [ds[k], v], `d${v.name}`, "list") : ds[k]));
  });
  f.block(fn.body, t);
  const tout = mapTree<Value, Value>(fn.result, (v) => (v.ty === "other" ? lit(null) : f.tanOrZero(t, v)));
  // tangent versions of the local functions something calls actively (and of those they call)
  const locals: LocalFn[] = [...(fn.locals ?? [])];
  const built = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const lf of fn.locals ?? [])
      if (needed.has(lf.name) && !built.has(lf.name)) {
        built.add(lf.name);
        locals.push(jvpLocal(lf, lc, shared, needed));
        grew = true;
      }
  }
  return {
    name: `jvp_${fn.name}`,
    params: [...own, ...tparams, ...fn.params.slice(nOwn)],
    body: f.b.body,
    result: tup([fn.result, tout]),
    captured: fn.captured,
    locals: locals.length ? locals : undefined,
  };
}

/**
 * Activity to a fixed point: a tape becomes active at its first active push, and every push and
 * pop on it (earlier ones included) must then carry tangents, or its channels would not balance.
 */
function activity(body: readonly Stmt[], active: Set<number>, lc: Locals<"jvp">): void {
  for (let before = -1; before !== active.size; ) {
    before = active.size;
    markActive(body, active, lc.tapeUsers);
  }
}
