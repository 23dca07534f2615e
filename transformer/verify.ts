// The IR verifier: run after every transform in the test suite (TSJAX_VERIFY=1), it checks that
// a function is well formed and well typed, and that its abstract values agree:
// - every variable is defined once, before its uses (variables are function-scoped); local
//   functions exist and are called with as many values as they take and give back;
// - each use has the type its definition gave (or one side is `other`, a value of any kind); each primitive exists, takes its operand count,
//   and its result has the type the registry says (an `if`/loop joins types as lowering does);
// - abstract evaluation (avals.ts, the registry's rules) succeeds: no two known sizes that
//   fail to broadcast; and the pairs a transform promises are equal (a gradient has its
//   parameter's dtype and shape, a tangent its primal's).
// A failure is an internal error naming the function, the stage and the variable.

import type { Block, Fn, LocalFn, Stmt, Value, Var } from "./ir.js";
import { leaves } from "./ir.js";
import { PRIMS, primTy } from "./prims/index.js";
import { AvalError, avalOfTy, broadcast, LIST, NUM, OTHER, sameAval, sameShape, shapeKey, type Aval } from "./avals.js";

export class VerifyError extends Error {}

/** Two values a transform promises have equal avals, and what they are. */
export type Pair = readonly [Value, Value, string];

/** Whether the suite asked for verification. */
export const verifying = (): boolean => !!process.env.TSJAX_VERIFY;

const constAval = (v: Value & { tag: "const" }): Aval => (typeof v.value === "number" ? NUM : v.ty === "arr" ? { dtype: "f32", shape: `const` } : OTHER);

/** A result's type as its definition allows: a join (if/loop) holds an Array or a number. */
const fits = (val: Var["ty"], slot: Var["ty"]) => val === slot || (slot === "arr" && val === "num") || val === "other";

class Verifier {
  avals = new Map<number, Aval>();
  tys = new Map<number, Var["ty"]>();
  private defined = new Set<number>();
  constructor(
    private readonly where: string,
    private readonly locals: ReadonlyMap<string, LocalFn>,
  ) {}

  fail(msg: string): never {
    throw new VerifyError(`IR verifier (${this.where}): ${msg}`);
  }

  private name = (v: Var) => `${v.name}#${v.id}`;

  aval(v: Value, scope: ReadonlySet<number>): Aval {
    if (v.tag === "const") return constAval(v as Value & { tag: "const" });
    if (v.tag === "ext") return avalOfTy(v.ty, `ext:${v.name}${(v.path ?? []).map((p) => `.${p}`).join("")}`);
    // (variables are function-scoped: the adjoint reads values a branch of the forward sweep set
    // under the same condition, so a definition only has to come first, not to enclose the use)
    if (!this.defined.has(v.id)) this.fail(`${this.name(v)} is used before it is defined`);
    const dty = this.tys.get(v.id);
    if (dty !== v.ty && dty !== "other" && v.ty !== "other") this.fail(`${this.name(v)} is used as ${v.ty} but defined as ${dty}`);
    return this.avals.get(v.id)!;
  }

  def(v: Var, a: Aval, scope: Set<number>): void {
    if (this.defined.has(v.id)) this.fail(`${this.name(v)} is defined twice`);
    this.defined.add(v.id);
    scope.add(v.id);
    this.tys.set(v.id, v.ty);
    this.avals.set(v.id, v.ty === "num" ? NUM : v.ty === "other" ? OTHER : v.ty === "list" ? LIST : a.dtype === "f64" || a.dtype === "other" || a.dtype === "list" ? { dtype: "f32", shape: a.shape } : a);
  }

  /** A parameter: its own shape symbol, or that of the parameter it is the tangent of. */
  param(v: Var, scope: Set<number>, like?: Var): void {
    this.def(v, avalOfTy(v.ty, this.name(like ?? v)), scope);
  }

  block(b: Block, scope: Set<number>): Aval[] {
    for (const s of b.body) this.stmt(s, scope);
    return b.results.map((v) => this.aval(v, scope));
  }

  stmt(s: Stmt, scope: Set<number>): void {
    if (s.kind === undefined) {
      const d = PRIMS[s.prim];
      if (!d) this.fail(`unknown primitive '${s.prim}'`);
      let ty: Var["ty"];
      try {
        ty = primTy(s.prim, s.args);
      } catch (e) {
        this.fail((e as Error).message);
      }
      const args = s.args.map((a) => this.aval(a, scope));
      // a fixed result type must be kept; "other" results (element reads, pops) may be typed by their use
      if (d.ty !== "other" && !(typeof d.ty === "object") && ty !== s.out.ty && !(d.ty === "ew" && s.out.ty === "arr"))
        this.fail(`${s.prim} gives ${ty}, but ${this.name(s.out)} is typed ${s.out.ty}`);
      let a: Aval;
      try {
        a = this.derive(s.prim, args, s.args, s.out);
      } catch (e) {
        if (e instanceof AvalError) this.fail(`${s.prim} → ${this.name(s.out)}: ${e.message}`);
        throw e;
      }
      this.def(s.out, a, scope);
    } else if (s.kind === "call") {
      const lf = this.locals.get(s.fn);
      if (!lf) this.fail(`call of an unknown local function '${s.fn}'`);
      if (s.args.length !== lf.params.length) this.fail(`'${s.fn}' takes ${lf.params.length} values, called with ${s.args.length}`);
      if (s.outs.length !== lf.results.length) this.fail(`'${s.fn}' gives ${lf.results.length} values, ${s.outs.length} taken`);
      s.args.forEach((a, i) => {
        this.aval(a, scope);
        if (a.tag === "var" && !fits(a.ty, lf.params[i].ty) && !fits(lf.params[i].ty, a.ty)) this.fail(`'${s.fn}' parameter ${i} is ${lf.params[i].ty}, given ${a.ty}`);
      });
      s.outs.forEach((o) => this.def(o, avalOfTy(o.ty, `?call:${this.name(o)}`), scope));
    } else if (s.kind === "if") {
      this.aval(s.cond, scope);
      const t = this.block(s.then, new Set(scope)), e = this.block(s.else, new Set(scope));
      if (t.length !== s.outs.length || e.length !== s.outs.length) this.fail(`an if gives ${s.outs.length} values, its branches ${t.length} and ${e.length}`);
      s.outs.forEach((o, i) => {
        for (const r of [s.then.results[i], s.else.results[i]]) if (!fits(r.ty, o.ty)) this.fail(`${this.name(o)} (${o.ty}) joins a ${r.ty}`);
        this.def(o, sameAval(t[i], e[i]) ? t[i] : joinAval(t[i], e[i], `if:${this.name(o)}`), scope);
      });
    } else {
      if (s.init.length !== s.params.length || s.outs.length !== s.params.length) this.fail(`a loop carries ${s.params.length} values, starts with ${s.init.length} and gives ${s.outs.length}`);
      const init = s.init.map((v) => this.aval(v, scope));
      // the loop's values: the initial avals, widened where the body changes them (then checked again)
      let guess = init;
      for (let round = 0; ; round++) {
        const snap = this.snapshot();
        const inner = new Set(scope);
        s.params.forEach((p, i) => this.def(p, guess[i], inner));
        const c = this.block(s.cond, new Set(inner));
        if (c.length !== 1) this.fail(`a loop condition gives ${c.length} values`);
        const body = this.block(s.body, new Set(inner));
        if (body.length !== s.params.length) this.fail(`a loop body gives ${body.length} values for ${s.params.length} carried`);
        s.body.results.forEach((r, i) => {
          if (!fits(r.ty, s.params[i].ty)) this.fail(`${this.name(s.params[i])} (${s.params[i].ty}) is carried a ${r.ty}`);
        });
        const next = guess.map((g, i) => (sameAval(g, body[i]) ? g : joinAval(g, body[i], `loop:${this.name(s.params[i])}`)));
        if (next.every((n, i) => sameAval(n, guess[i])) || round === 2) {
          s.outs.forEach((o, i) => this.def(o, next[i], scope));
          break;
        }
        this.restore(snap);
        guess = next;
      }
    }
  }

  private derive(prim: string, args: readonly Aval[], vals: readonly Value[], out: Var): Aval {
    const d = PRIMS[prim];
    const fresh = `?${out.name}#${out.id}`;
    if (out.ty === "num") return NUM;
    if (out.ty === "list") return LIST;
    if (out.ty === "other") return OTHER;
    if (d.aval) return d.aval({ args, consts: vals.map((v) => (v.tag === "const" ? v.value : undefined)), fresh });
    const arrays = args.filter((a) => a.dtype !== "other" && a.dtype !== "list");
    if (d.shape === "operands") return { dtype: "f32", shape: broadcast(arrays.map((a) => a.shape)) };
    if (d.shape) return { dtype: "f32", shape: args[d.shape.arg]?.shape ?? fresh };
    if (typeof d.ty === "object") return { dtype: "f32", shape: args[d.ty.like]?.shape ?? fresh };
    return { dtype: "f32", shape: fresh };
  }

  /** A verifier for a closure: it sees every variable defined so far. */
  fork(where: string): Verifier {
    const f = new Verifier(where, this.locals);
    const s = this.snapshot();
    f.restore(s);
    return f;
  }

  private snapshot() {
    return { avals: new Map(this.avals), tys: new Map(this.tys), defined: new Set(this.defined) };
  }
  private restore(s: ReturnType<Verifier["snapshot"]>) {
    ({ avals: this.avals, tys: this.tys, defined: this.defined } = s);
  }
}

/** Two avals that differ at a join: the dtype if shared, and a shape standing for either. */
function joinAval(a: Aval, b: Aval, sym: string): Aval {
  return { dtype: a.dtype === b.dtype ? a.dtype : "f32", shape: sameShape(a.shape, b.shape) ? a.shape : `${sym}(${shapeKey(a.shape)}|${shapeKey(b.shape)})` };
}

/**
 * Verify `fn` after the stage `stage`; `same` lists pairs of its result's values that must have
 * equal avals (gradient and parameter, tangent and primal). Returns the avals by variable id.
 */
export function verifyFn(
  fn: Fn,
  stage: string,
  same: readonly Pair[] = [],
  alias: readonly (readonly [Var, Var])[] = [],
  given: ReadonlyMap<number, Aval> = new Map(),
): ReadonlyMap<number, Aval> {
  const locals = new Map((fn.locals ?? []).map((l) => [l.name, l] as const));
  const where = `${fn.name}, after ${stage}`;
  const like = new Map(alias.map(([t, x]) => [t.id, x] as const));
  // (a parameter with a given aval: a cotangent has its output's, found by verifying the primal)
  const params = (v: Verifier, scope: Set<number>) => {
    for (const p of fn.params)
      for (const x of leaves(p.tree)) {
        const a = given.get(x.id);
        if (a) v.def(x, a, scope);
        else v.param(x, scope, like.get(x.id));
      }
  };
  const v = new Verifier(where, locals);
  const scope = new Set<number>();
  params(v, scope);
  for (const s of fn.body) v.stmt(s, scope);
  // each local function on its own (the halves of one share its parameters); they are closures
  // over the function's variables (the tape of calls)
  for (const lf of fn.locals ?? []) {
    const lv = v.fork(`${where}, local function ${lf.name}`);
    const inner = new Set(scope);
    for (const p of lf.params) lv.param(p, inner);
    lv.block({ body: lf.body, results: lf.results }, inner);
  }
  // (every value the function returns is defined)
  for (const x of leaves(fn.result)) v.aval(x, scope);
  for (const [a, b, what] of same) {
    const [x, y] = [v.aval(a, scope), v.aval(b, scope)];
    if (x.dtype === "other" || y.dtype === "other" || x.dtype === "list" || y.dtype === "list") continue;
    if (a.tag === "const" || b.tag === "const") continue;
    // (a shape built from sizes only known at run time, `?…`, cannot be compared)
    if (x.dtype === y.dtype && (shapeKey(x.shape).includes("?") || shapeKey(y.shape).includes("?"))) continue;
    if (!sameAval(x, y)) v.fail(`${what}: ${fmt(a)} has ${fmtAval(x)}, but ${fmt(b)} has ${fmtAval(y)}`);
  }
  return v.avals;
}

const fmt = (v: Value) => (v.tag === "var" ? `${v.name}#${v.id}` : v.tag === "ext" ? v.name : JSON.stringify(v.value));
export const fmtAval = (a: Aval) => `${a.dtype}${shapeKey(a.shape)}`;

/** The avals of a function's variables, or null where abstract evaluation fails (the jit then keeps to what needs none). */
export function avalsOf(fn: Fn): ReadonlyMap<number, Aval> | null {
  try {
    return verifyFn(fn, "abstract evaluation");
  } catch (e) {
    if (e instanceof VerifyError || e instanceof AvalError) return null;
    throw e;
  }
}
