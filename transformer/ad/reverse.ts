// Reverse mode on the IR: the forward sweep is the primal program, the adjoint sweep walks it
// backwards applying each primitive's rule (prims/). Straight-line code needs no tape: every primal value is a
// named variable the adjoint sweep reads directly, and an `if` is undone by an `if` on the same
// condition. Only loops keep a tape: each iteration pushes the values its adjoint reads, the
// adjoint loop pops them in reverse. One tape serves every loop of a function (the adjoint
// visits them in exactly the reverse order, so one stack is enough). Only active statements (those
// that depend on a differentiated input) get adjoints; cotangents are symbolic zeros until
// first written.

import type { Block, Fn, IfStmt, LocalFn, Param, PrimStmt, Stmt, Tree, Value, Var, WhileStmt } from "../ir.js";
import { Builder, allDefs, blocks, forEachUse, freshVar, leaf, leaves, lit, mapTree, num, tup } from "../ir.js";
import { PRIMS, primTy, vjpRule, type Ops } from "../prims/index.js";
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

type Ct = Map<number, Value>;

/**
 * Local functions of a Fn as reverse mode sees them: the names of their two halves, and which of
 * them touch a tape (the halves of an earlier reverse pass push and pop the tape of calls).
 */
interface Locals {
  readonly halves: ReadonlyMap<string, { fwd: string; bwd: string }>;
  /** Functions that push or pop a tape, directly or through a call: always active (see below). */
  readonly tapeUsers: ReadonlySet<string>;
}

function localsOf(fn: Fn): Locals {
  const lfs = fn.locals ?? [];
  const taken = new Set(lfs.map((l) => l.name));
  const uniq = (n: string) => {
    let name = n;
    for (let k = 2; taken.has(name); k++) name = `${n}${k}`;
    taken.add(name);
    return name;
  };
  const halves = new Map(lfs.map((l) => [l.name, { fwd: uniq(`${l.name}_fwd`), bwd: uniq(`${l.name}_bwd`) }] as const));
  const direct = (body: readonly Stmt[]): boolean =>
    body.some((s) => (s.kind === undefined ? s.prim === "tapePush" || s.prim === "tapePop" : blocks(s).some((b) => direct(b.body))));
  const calls = (body: readonly Stmt[], out: string[] = []): string[] => {
    for (const s of body) {
      if (s.kind === "call") out.push(s.fn);
      for (const b of blocks(s)) calls(b.body, out);
    }
    return out;
  };
  const tapeUsers = new Set(lfs.filter((l) => direct(l.body)).map((l) => l.name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const l of lfs) if (!tapeUsers.has(l.name) && calls(l.body).some((c) => tapeUsers.has(c))) (tapeUsers.add(l.name), (grew = true));
  }
  return { halves, tapeUsers };
}

/**
 * Tapes the local functions share with the enclosing function (the tape of calls of an earlier
 * reverse pass): taken as active everywhere, so that every push and pop on them gets its adjoint
 * and the tape's next channel stays balanced across the halves (higher order through recursion).
 */
function sharedTapes(fn: Fn): Set<number> {
  const out = new Set<number>();
  for (const l of fn.locals ?? []) {
    const inner = allDefs(l.body);
    const walk = (body: readonly Stmt[]): void => {
      for (const s of body) {
        if (s.kind === undefined && (s.prim === "tapePush" || s.prim === "tapePop")) {
          const t = s.args[0];
          if (t.tag === "var" && !inner.has(t.id)) out.add(t.id);
        }
        for (const b of blocks(s)) walk(b.body);
      }
    };
    walk(l.body);
  }
  return out;
}

/** Activity: forward dependence on the differentiated leaves, through branches and loops. */
function markActive(body: readonly Stmt[], active: Set<number>, lc: Locals): void {
  const isA = (v: Value) => v.tag === "var" && active.has(v.id);
  for (const s of body) {
    if (s.kind === undefined) {
      // Tapes are channels: what is pushed comes back at the pop. A tape is active once an active
      // value is pushed on it; then its pushes and pops take part in AD (higher order).
      if (s.prim === "tapePush") {
        const t = s.args[0];
        if (s.args.slice(2).some(isA) && t.tag === "var") active.add(t.id);
        if (isA(t)) active.add(s.out.id);
      } else if (s.prim === "tapePop") {
        if (isA(s.args[0])) active.add(s.out.id);
      } else if (!PRIMS[s.prim].nondiff && s.args.some(isA)) active.add(s.out.id);
    } else if (s.kind === "call") {
      // (inside a local function every parameter is taken as active; a function that reads a
      // tape may return active values whatever its arguments)
      if (s.args.some(isA) || lc.tapeUsers.has(s.fn)) s.outs.forEach((o) => active.add(o.id));
    } else if (s.kind === "if") {
      markActive(s.then.body, active, lc);
      markActive(s.else.body, active, lc);
      s.outs.forEach((o, i) => (isA(s.then.results[i]) || isA(s.else.results[i])) && active.add(o.id));
    } else {
      // A loop parameter is active if its initial value or its next value is: iterate to a fixed point.
      for (let guard = 0; guard < 1000; guard++) {
        const before = active.size;
        s.params.forEach((p, i) => (isA(s.init[i]) || isA(s.body.results[i])) && active.add(p.id));
        markActive(s.cond.body, active, lc);
        markActive(s.body.body, active, lc);
        if (active.size === before) break;
      }
      s.outs.forEach((o, i) => active.has(s.params[i].id) && active.add(o.id));
    }
  }
}

/**
 * Free variables of a block: read inside it and defined outside it. Definitions at any depth
 * count as inside (a value made in a branch may be read after the branch: the code is emitted
 * with hoisted variables).
 */
function freeVars(blk: Block): Var[] {
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

class Reverse {
  readonly b = new Builder(primTy);
  readonly o = opsFor(this.b);
  /** Whether a loop used the tape (the caller then creates it). */
  usedTape = false;
  constructor(
    readonly active: Set<number>,
    /** The function's tape, shared by all its loops. */
    readonly tape: Var,
    readonly lc: Locals,
  ) {}

  /** Active and able to carry a cotangent (tapes and flags are active only as channels). */
  isActive(v: Value): v is Var {
    return v.tag === "var" && v.ty !== "other" && this.active.has(v.id);
  }

  /** Whether a block pushes or pops on an active tape (whose adjoint must run to keep it aligned). */
  hasActiveTapeOps(body: readonly Stmt[]): boolean {
    return body.some((s) =>
      s.kind === undefined
        ? (s.prim === "tapePush" || s.prim === "tapePop") && this.active.has(s.out.id)
        : s.kind === "if"
          ? this.hasActiveTapeOps(s.then.body) || this.hasActiveTapeOps(s.else.body)
          : s.kind === "while"
            ? this.hasActiveTapeOps(s.cond.body) || this.hasActiveTapeOps(s.body.body)
            : false,
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
        const half = this.lc.halves.get(s.fn)!;
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
    if (!activeParams.some(Boolean) && free.length === 0 && !this.hasActiveTapeOps(s.body.body)) {
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

export function vjpFn(fn: Fn, opt: VjpOptions): Fn {
  const nums = typeof opt.argnums === "number" ? [opt.argnums] : [...opt.argnums];
  for (const i of nums)
    if (!Number.isInteger(i) || i < 0 || i >= fn.params.length)
      throw new TransformError(`${opt.api}: argnums ${i} is out of range for '${fn.name}' with ${fn.params.length} parameter(s)`);

  // Output and aux
  let out: Value;
  let aux: Tree<Value> | null = null;
  if (opt.hasAux) {
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

  const lc = localsOf(fn);
  const shared = sharedTapes(fn);
  const active = new Set<number>(shared);
  const wrt: Var[] = [];
  for (const i of nums) {
    const ls = leaves(fn.params[i].tree).filter((v) => v.ty !== "other");
    if (ls.length === 0)
      throw new TransformError(`${opt.api}: parameter '${fn.params[i].name}' (argnums ${i}) holds no number or Array: there is nothing to differentiate with respect to`);
    for (const v of ls) (active.add(v.id), wrt.push(v));
  }
  markActive(fn.body, active, lc);

  const r = new Reverse(active, freshVar("tape", "other"), lc);
  const { fwd, adjoint } = r.forward(fn.body);
  const b = r.b;
  if (r.usedTape) b.body.push({ out: r.tape, prim: "tapeNew", args: [] });
  // Recursive functions: a forward and a backward half each, sharing one tape of calls.
  const calls = freshVar("calls", "other");
  const locals: LocalFn[] = [];
  // (the primal functions stay for calls with constant arguments; the simplifier drops unused ones)
  for (const lf of fn.locals ?? []) locals.push(lf, ...splitLocal(lf, calls, lc, shared));
  if (locals.length) b.body.unshift({ out: calls, prim: "tapeNew", args: [] });
  b.body.push(...fwd);
  // Input checks (JAX refuses integer and boolean inputs at differentiated positions).
  for (const v of wrt) if (v.ty === "arr") b.apply("checkGradInput", [v, lit(opt.api)], "chk");
  // The seed also checks that the output is a float scalar.
  const ct: Ct = new Map();
  const seed = b.apply("seed", [out, lit(opt.api)], "g");
  if (r.isActive(out)) ct.set(out.id, seed);
  adjoint(ct);
  b.src = undefined;

  const gradOf = (p: Param): Tree<Value> =>
    mapTree<Var, Value>(p.tree, (v) => ct.get(v.id) ?? (v.ty === "other" ? lit(null) : b.apply("zerosLike", [v], "zero")));
  const grads = typeof opt.argnums === "number" ? gradOf(fn.params[opt.argnums]) : tup(nums.map((i) => gradOf(fn.params[i])));
  const value: Tree<Value> = aux ? tup([leaf(out), aux]) : leaf(out);
  let result: Tree<Value>;
  if (opt.withValue) result = tup([value, grads]);
  else result = aux ? tup([grads, aux]) : grads;

  const prefix = opt.withValue ? "valueAndGrad" : "grad";
  return { name: `${prefix}_${fn.name}`, params: fn.params, body: b.body, result, captured: fn.captured, locals: locals.length ? locals : undefined };
}

/** Number operations cheap enough to redo in the adjoint loop instead of taping their result. */
const CHEAP = new Set(["add", "sub", "mul", "neg"]);

/**
 * Of the values an adjoint loop reads, those computed by one cheap number operation of the
 * iteration's parameters (or of values from outside the loop) are recomputed after the pops
 * instead of taped: the logistic map's `1 - x` and `r * x` cost less to redo than to store.
 */
function rematerialize(needed: Var[], body: readonly Stmt[], params: readonly Var[], local: Set<number>): { needed: Var[]; remat: PrimStmt[] } {
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

/**
 * A local function's two halves. `f_fwd` computes f and pushes (once per call, at the end)
 * what the backward half reads; `f_bwd` takes the results' cotangents, pops those values
 * (calls unwind in reverse, so the stack order matches) and returns the parameters' cotangents.
 */
function splitLocal(lf: LocalFn, calls: Var, lc: Locals, shared: ReadonlySet<number>): LocalFn[] {
  const active = new Set<number>([...shared, ...lf.params.filter((p) => p.ty !== "other").map((p) => p.id)]);
  markActive(lf.body, active, lc);
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
  const popped = needed.map((v) => freshVar(v.name, v.ty));
  const body = substBlock(adj, new Map(needed.map((v, i) => [v.id, popped[i]] as const)));
  const pops: Stmt[] = [];
  for (let i = needed.length - 1; i >= 0; i--) pops.push({ out: popped[i], prim: "tapePop", args: [calls, num(0)] });
  const push: Stmt[] = needed.length ? [{ out: freshVar("push", "other"), prim: "tapePush", args: [calls, num(0), ...needed] }] : [];
  return [
    { name: lc.halves.get(lf.name)!.fwd, params: lf.params, body: [...r.b.body, ...fwd, ...push], results: lf.results },
    { name: lc.halves.get(lf.name)!.bwd, params: ctOut, body: [...pops, ...body.body], results: body.results },
  ];
}
