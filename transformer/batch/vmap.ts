// vmap as an IR transform: the program of one example becomes the program of a batch. Every
// value either carries the batch axis (in front: axis 0) or is shared by all examples; each
// statement with a batched operand is rewritten by its primitive's batching rule
// (prims/batching.ts), so no per-example loop runs. The mapped arguments' in-axes are moved to
// the front on entry (their sizes checked against each other), the results' batch axes to their
// out-axes on exit.
//
// Control flow: a branch on a batched condition runs both branches and selects per example; a
// loop whose condition is batched runs until no example continues, each example's values held
// fixed once its own condition fails (JAX rejects both). A batched number is a float32 Array of
// the batch size, as a Python scalar mapped by JAX is.

import type { Block, Fn, IfStmt, Param, PrimStmt, Stmt, Tree, Value, Var, WhileStmt } from "../ir.js";
import { Builder, freshVar, leaves, lit, mapTree, someStmt } from "../ir.js";
import { PRIMS, primTy } from "../prims/index.js";
import type { Ops } from "../prims/def.js";
import { BATCH, type BatchCx, type BatchRule } from "../prims/batching.js";
import { TransformError } from "../ad/adjoint.js";
import { avalsOf } from "../verify.js";
import { printFn } from "../print.js";
import { rankOf } from "../avals.js";

/** in_axes / out_axes as written: a number, null, or a pytree prefix of them. */
export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [k: string]: AxisSpec };

/** A build error in a batched program (at the statement when it has a source). */
export class BatchError extends TransformError {
  constructor(
    message: string,
    readonly stmt?: Stmt,
  ) {
    super(message);
  }
}

/** The axes a spec gives each leaf of a tree (a number or null applies to the whole subtree). */
function axesOver<T>(spec: AxisSpec, t: Tree<T>, what: string): (number | null)[] {
  if (spec === null || typeof spec === "number") return leaves(t).map(() => spec);
  if (Array.isArray(spec)) {
    if (t.kind !== "tup" || t.kids.length !== spec.length) throw new BatchError(`vmap: ${what} is a list of ${spec.length} entries, but the value it describes ${t.kind === "tup" ? `has ${t.kids.length}` : "is not a list"}`);
    return t.kids.flatMap((k, i) => axesOver(spec[i], k, `${what}[${i}]`));
  }
  const o = spec as { readonly [k: string]: AxisSpec };
  if (t.kind !== "obj") throw new BatchError(`vmap: ${what} is an object, but the value it describes is not`);
  for (const k of Object.keys(o)) if (!t.keys.includes(k)) throw new BatchError(`vmap: ${what} names '${k}', which the value does not have`);
  return t.keys.flatMap((k, i) => axesOver(k in o ? o[k] : null, t.kids[i], `${what}.${k}`));
}

/**
 * vmap(fn, inAxes, outAxes): the batched function (same parameters; mapped leaves are Arrays).
 * `exact`: refuse (a BatchError) where float64 number code would become float32 Arrays (a
 * Jacobian's basis batched must give the digits the per-vector passes give).
 */
export function vmapFn(fn: Fn, inAxes: AxisSpec, outAxes: AxisSpec, exact = false): Fn {
  if (process.env.TSJAX_DEBUG_VMAP) console.error(printFn(fn));
  // (a tape channel found to need one stack per example after plain pushes were emitted: again)
  let lanes = new Set<string>();
  for (let pass = 0; ; pass++) {
    const out = vmapOnce(fn, inAxes, outAxes, exact, lanes);
    if ([...out.want].every((k) => lanes.has(k)) || pass > 4) return out.fn;
    lanes = new Set([...lanes, ...out.want]);
  }
}

function vmapOnce(fn: Fn, inAxes: AxisSpec, outAxes: AxisSpec, exact: boolean, lanes: Set<string>): { fn: Fn; want: Set<string> } {
  const own = fn.params.length - (fn.captured?.length ?? 0);
  const ownTree: Tree<Var> = { kind: "tup", kids: fn.params.slice(0, own).map((p) => p.tree) };
  // a single number or null maps every argument; a list has one entry per argument
  const spec: AxisSpec = Array.isArray(inAxes) && own !== inAxes.length ? fail(`vmap(${fn.name}): in_axes has ${inAxes.length} entries but '${fn.name}' takes ${own} argument(s)`) : inAxes;
  const axes = axesOver(spec, ownTree, "in_axes");
  const bt = new Batcher(fn);
  bt.laneChans = lanes;
  const mapped: { orig: Var; v: Var; ax: number; name: string }[] = [];
  let k = 0;
  const params: Param[] = fn.params.map((p, i) => {
    if (i >= own) {
      p.tree && leaves(p.tree).forEach((v) => bt.env.set(v.id, v));
      return p;
    }
    const tree = mapTree(p.tree, (v) => {
      const ax = axes[k++];
      if (ax === null) {
        bt.env.set(v.id, v);
        return v;
      }
      if (v.ty !== "num" && v.ty !== "arr") fail(`vmap(${fn.name}): in_axes maps '${p.name}', which is not a number or an Array`);
      const nv = freshVar(v.name, "arr");
      mapped.push({ orig: v, v: nv, ax, name: leaves(p.tree).length > 1 ? `${p.name}…` : p.name });
      return nv;
    });
    return { ...p, tree, init: undefined, arrayLike: p.arrayLike };
  });
  if (!mapped.length) fail(`vmap(${fn.name}): in_axes maps no argument (at least one must have an axis)`);
  const b = bt.b;
  bt.size = b.apply("vmapSize", [lit({ fn: fn.name, names: mapped.map((m) => m.name), axes: mapped.map((m) => m.ax) }), ...mapped.map((m) => m.v)], "batch", "num");
  // (the parameters' original variables stand for the moved values)
  for (const m of mapped) {
    const x = b.apply("vIn", [m.v, lit(m.ax), lit(0)], m.orig.name, "arr");
    bt.env.set(m.orig.id, x);
    bt.batched.add(x.id);
  }
  if (exact && mapped.some((m) => m.orig.ty === "num")) fail(`vmap(${fn.name}): a mapped number would become float32`);
  bt.block(fn.body);
  if (exact && bt.numbers) fail(`vmap(${fn.name}): number code would become float32`);
  const res = mapTree(fn.result, (v) => bt.val(v));
  const outs = axesOver(outAxes, res, "out_axes");
  let j = 0;
  const result = mapTree(res, (v) => {
    const ax = outs[j++];
    if (ax === null) {
      if (bt.isB(v)) fail(`vmap(${fn.name}): out_axes is null for an output that differs per example`);
      return v;
    }
    if (v.ty !== "num" && v.ty !== "arr") return v;
    const vb = bt.isB(v) ? v : b.apply("vBcast", [v, bt.size!], "bcast", "arr");
    return ax === 0 ? vb : b.apply("vOut", [vb, lit(ax), lit(0)], "out", "arr");
  });
  return { fn: { ...fn, params, body: b.body, result }, want: bt.wantLane };
}

/** A boolean (a flag of early exits, a comparison): selectable per example. */
const isFlag = (v: Value) => v.ty === "other" && (v.tag === "var" || (v.tag === "const" && typeof v.value === "boolean"));

function fail(msg: string, stmt?: Stmt): never {
  throw new BatchError(msg, stmt);
}

class Batcher {
  b = new Builder(primTy);
  /** Original variable id → its value in the batched program. */
  readonly env = new Map<number, Value>();
  /** Batched program's variables that carry the batch axis. */
  readonly batched = new Set<number>();
  /** Tape channels (original tape variable and channel) kept per example, and those found to need it. */
  laneChans = new Set<string>();
  readonly wantLane = new Set<string>();
  /** Variables holding tapes (a tape pushed on a tape: a nested loop's). */
  private readonly tapeVars = new Set<number>();
  size: Value | undefined;
  /** Whether number (float64) code became batched (float32 Arrays). */
  numbers = false;
  private readonly ranks: ReadonlyMap<number, { shape: unknown }> | null;

  constructor(readonly fn: Fn) {
    this.ranks = avalsOf(fn);
  }

  val(v: Value): Value {
    return v.tag === "var" ? this.env.get(v.id) ?? v : v;
  }
  isB(v: Value): boolean {
    return v.tag === "var" && this.batched.has(v.id);
  }

  /** Operations that mark results batched: comparisons of batched Arrays are (boolean) Arrays. */
  private ops(): Ops {
    return new Proxy({} as Ops, {
      get: (_, prim: string) => (...args: Value[]) => {
        const ty = primTy(prim, args);
        const data = ty === "other" && PRIMS[prim].kernel === "elementwise" && args.some((a) => a.ty === "arr" || (a.tag === "var" && this.batched.has(a.id)));
        return this.b.apply(prim, args, "t", data ? "arr" : undefined);
      },
    });
  }

  block(body: readonly Stmt[]): void {
    for (const s of body) this.stmt(s);
  }

  stmt(s: Stmt): void {
    this.b.src = s.src;
    if (s.kind === undefined) return this.prim(s);
    if (s.kind === "if") return this.ifStmt(s);
    if (s.kind === "while") return this.whileStmt(s);
    const args = s.args.map((a) => this.val(a));
    if (args.some((a) => this.isB(a))) fail(`vmap of a call of the recursive function '${s.fn}' with batched arguments is not supported (its recursion depth could differ per example)`, s);
    const outs = s.outs.map((o) => freshVar(o.name, o.ty));
    s.outs.forEach((o, i) => this.env.set(o.id, outs[i]));
    this.b.body.push({ ...s, args, outs });
  }

  private prim(s: PrimStmt): void {
    const args = s.args.map((a) => this.val(a));
    const bd = args.map((a) => this.isB(a));
    if ((s.prim === "tapePush" || s.prim === "tapePop") && this.tapeOp(s, args)) return;
    if (!bd.some(Boolean)) {
      const out = freshVar(s.out.name, s.out.ty);
      if (s.prim === "tapeNew") this.tapeVars.add(out.id);
      this.env.set(s.out.id, out);
      this.b.body.push({ ...s, out, args });
      return;
    }
    const entry = BATCH[s.prim];
    if (!entry) throw new Error(`internal: no batching entry for primitive ${s.prim}`);
    if ("none" in entry) fail(`'${s.prim}' cannot be batched by vmap: ${entry.none}`, s);
    const cx: BatchCx = {
      o: this.ops(),
      size: this.size!,
      rank: (i) => this.rankOf(s.args[i]),
      fail: (msg) => fail(msg, s),
    };
    const r = entry.rule(cx, args, bd, s.prim);
    const name = (v: Value) => {
      const last = this.b.body[this.b.body.length - 1];
      if (v.tag === "var" && last && last.kind === undefined && last.out.id === v.id) {
        const out: Var = { ...v, name: s.out.name };
        this.b.body[this.b.body.length - 1] = { ...last, out };
        return out;
      }
      return v;
    };
    if ("same" in r) {
      this.env.set(s.out.id, name(r.same));
      return;
    }
    // a value of type list keeps its type (its entries are batched)
    const v = name(r);
    this.env.set(s.out.id, v);
    if (v.tag === "var") this.batched.add(v.id);
    if (s.out.ty === "num") this.numbers = true;
  }

  /**
   * A tape push or pop under vmap. A channel some example uses on its own (pushed under a mask,
   * or with batched values) keeps one stack per example (vTapePush/vTapePop): the examples of a
   * loop whose trip count, or a branch whose condition, differs per example pop their own
   * entries. Other channels stay plain stacks. Returns false when the plain statement is right.
   */
  private tapeOp(s: PrimStmt, args: Value[]): boolean {
    const key = `${(s.args[0] as Var).id}:${JSON.stringify((s.args[1] as { value?: unknown }).value)}`;
    if (s.prim === "tapePush") {
      const vals = args.slice(2);
      const nested = vals.some((v) => v.tag === "var" && this.tapeVars.has(v.id));
      if (nested) {
        if (this.mask) fail("vmap: a nested loop's tape inside a loop or branch that differs per example is not supported yet", s);
        return false;
      }
      if (this.mask || vals.some((v) => this.isB(v))) this.wantLane.add(key);
      if (!this.laneChans.has(key)) return false;
      // (an unbatched Array is given the batch axis: each example's stack takes its row)
      const pushed = vals.map((v) => (v.ty === "arr" && !this.isB(v) ? this.bcast(v) : v));
      this.b.apply("vTapePush", [args[0], args[1], this.mask ?? lit(null), this.size!, ...pushed], "push", "other");
      return true;
    }
    if (!this.laneChans.has(key)) return false;
    const out = this.b.apply("vTapePop", [args[0], args[1], this.mask ?? lit(null), this.size!], s.out.name, "arr");
    this.env.set(s.out.id, out);
    this.batched.add(out.id);
    if (s.out.ty === "num") this.numbers = true;
    return true;
  }

  /** The examples still running here: null (all), or a batched boolean (a masked loop, a branch). */
  mask: Value | null = null;
  private within<T>(m: Value | null, f: () => T): T {
    const saved = this.mask;
    this.mask = m === null ? saved : saved === null ? m : this.b.apply("logicalAnd", [saved, m], "mask", "arr");
    if (this.mask) this.batched.add((this.mask as Var).id);
    try {
      return f();
    } finally {
      this.mask = saved;
    }
  }

  /** One example's rank of an original value, when abstract evaluation knows it. */
  private rankOf(v: Value): number | undefined {
    if (v.ty === "num") return 0;
    if (v.tag !== "var" || !this.ranks) return undefined;
    const a = this.ranks.get(v.id) as { shape: string | readonly unknown[] } | undefined;
    return a ? rankOf(a.shape as never) : undefined;
  }

  /** `cond ? a : b` per example (where, its operands aligned). */
  private select(c: Value, a: Value, b: Value): Value {
    if (a.tag === "var" && b.tag === "var" && a.id === b.id) return a;
    const entry = BATCH.where as { rule: BatchRule };
    const cx: BatchCx = { o: this.ops(), size: this.size!, rank: () => undefined, fail: (m) => fail(m) };
    const r = entry.rule(cx, [c, a, b], [true, this.isB(a), this.isB(b)], "where") as Value;
    if (r.tag === "var") this.batched.add(r.id);
    return r;
  }

  private bcast(v: Value): Value {
    if (this.isB(v) || (v.ty !== "num" && v.ty !== "arr" && !isFlag(v))) return v;
    const r = this.b.apply("vBcast", [v, this.size!], "bcast", "arr");
    this.batched.add(r.id);
    return r;
  }

  private ifStmt(s: IfStmt): void {
    const cond = this.val(s.cond);
    if (this.isB(cond)) {
      // both branches run, each with its examples' mask (a tape keeps each example's entries);
      // each output chosen per example
      for (const blk of [s.then, s.else])
        if (someStmt(blk.body, (t) => t.kind === "call" || (t.kind === undefined && (t.prim === "raise" || t.prim === "consoleCall"))))
          fail("vmap: a branch on a condition that differs per example has a side effect or a call inside (both branches run under vmap)", s);
      this.within(cond, () => this.block(s.then.body));
      const a = s.then.results.map((v) => this.val(v));
      this.within(this.b.apply("logicalNot", [cond], "not", "arr"), () => this.block(s.else.body));
      const b = s.else.results.map((v) => this.val(v));
      s.outs.forEach((o, i) => {
        const [x, y] = [a[i], b[i]];
        if (x === y || (x.tag === "const" && y.tag === "const" && (x as { value: unknown }).value === (y as { value: unknown }).value)) return void this.env.set(o.id, x);
        const data = (v: Value) => v.ty === "num" || v.ty === "arr" || isFlag(v);
        if (!data(x) || !data(y))
          fail(`vmap: '${o.name}' is set in a branch on a condition that differs per example, and it is not a number, a boolean or an Array`, s);
        this.env.set(o.id, this.select(cond, x, y));
        if (o.ty === "num") this.numbers = true;
      });
      return;
    }
    // an unbatched branch: outputs batched where either side's is
    const then = this.b.block(() => { this.block(s.then.body); return s.then.results.map((v) => this.val(v)); });
    const els = this.b.block(() => { this.block(s.else.body); return s.else.results.map((v) => this.val(v)); });
    const outB = s.outs.map((_, i) => this.isB(then.results[i]) || this.isB(els.results[i]));
    const fix = (blk: Block): Block => {
      if (!outB.some((x, i) => x && !this.isB(blk.results[i]))) return blk;
      const extra = this.b.block(() => blk.results.map((v, i) => (outB[i] ? this.bcast(v) : v)));
      return { body: [...blk.body, ...extra.body], results: extra.results };
    };
    const outs = s.outs.map((o, i) => freshVar(o.name, outB[i] && o.ty !== "list" ? "arr" : o.ty));
    s.outs.forEach((o, i) => {
      this.env.set(o.id, outs[i]);
      if (outB[i]) this.batched.add(outs[i].id);
      if (outB[i] && o.ty === "num") this.numbers = true;
    });
    this.b.body.push({ ...s, cond, then: fix(then), else: fix(els), outs });
  }

  private whileStmt(s: WhileStmt): void {
    const init0 = s.init.map((v) => this.val(v));
    let flags = init0.map((v) => this.isB(v));
    let masked = false;
    // the fixpoint: a parameter is batched when its initial or next value is (or the loop is masked)
    for (let round = 0; ; round++) {
      const r = this.tryLoop(s, flags, masked);
      const next = flags.map((f, i) => f || this.isB(r.body.results[i]) || (r.condB && !r.unchanged[i]));
      const same = next.every((f, i) => f === flags[i]) && r.condB === masked;
      if (same || round > s.params.length + 2) {
        this.emitLoop(s, init0, flags, masked);
        return;
      }
      flags = next;
      masked = masked || r.condB;
    }
  }

  /** One walk of a loop's condition and body with the parameters batched as `flags` (discarded). */
  private tryLoop(s: WhileStmt, flags: readonly boolean[], masked: boolean): { body: Block; condB: boolean; unchanged: boolean[] } {
    const saved = this.b.body;
    this.b.body = [];
    try {
      const ps = this.bindParams(s, flags);
      this.block(s.cond.body);
      const condB = masked || this.isB(this.val(s.cond.results[0]));
      this.block(s.body.body);
      const results = s.body.results.map((v) => this.val(v));
      return { body: { body: [], results }, condB, unchanged: results.map((v, i) => v.tag === "var" && v.id === ps[i].id) };
    } finally {
      this.b.body = saved;
    }
  }

  private bindParams(s: WhileStmt, flags: readonly boolean[]): Var[] {
    return s.params.map((p, i) => {
      const v = freshVar(p.name, flags[i] && p.ty !== "list" ? "arr" : p.ty);
      this.env.set(p.id, v);
      if (flags[i]) this.batched.add(v.id);
      if (flags[i] && p.ty === "num") this.numbers = true;
      return v;
    });
  }

  private emitLoop(s: WhileStmt, init0: readonly Value[], flags: readonly boolean[], masked: boolean): void {
    if (masked && someStmt(s.body.body, (t) => t.kind === "call" || (t.kind === undefined && t.prim === "raise")))
      fail("vmap: a loop whose number of iterations differs per example has a call or a throw inside", s);
    const init = init0.map((v, i) => (flags[i] ? this.bcast(v) : v));
    const params = this.bindParams(s, flags);
    for (const [i, p] of s.params.entries()) if (flags[i] && p.ty === "list") fail(`vmap: the local array '${p.name}' is carried by a loop whose values differ per example`, s);
    const cond = this.b.block(() => {
      this.block(s.cond.body);
      const c = this.val(s.cond.results[0]);
      return [masked ? this.b.apply("vAny", [c], "any", "other") : c];
    });
    const body = this.b.block(() => {
      let c: Value | undefined;
      if (masked) {
        // the condition again, for the mask: an example whose condition failed keeps its values
        this.block(s.cond.body);
        c = this.val(s.cond.results[0]);
      }
      return this.within(masked ? c! : null, () => {
        this.block(s.body.body);
        return s.body.results.map((v, i) => {
          const r = flags[i] ? this.bcast(this.val(v)) : this.val(v);
          return masked && flags[i] ? this.select(c!, r, params[i]) : r;
        });
      });
    });
    const outs = s.params.map((p, i) => freshVar(p.name, flags[i] && p.ty !== "list" ? "arr" : p.ty));
    s.outs.forEach((o, i) => {
      this.env.set(o.id, outs[i]);
      if (flags[i]) this.batched.add(outs[i].id);
    });
    this.b.body.push({ ...s, params, init, cond, body, outs });
  }
}

