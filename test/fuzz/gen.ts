// Seeded, deterministic generator of `(x: number, y: number) => number` programs over the
// constructs the README lists as differentiable: arithmetic and Math.*, locals and (compound)
// assignment, if/else, ?:, && || ??, switch (fall-through, nested), for/while/do loops with
// break/continue (labelled too) and early returns, module-level helpers (plain, looping,
// recursive), local arrays, constants TypeScript narrows, and dead values whose local derivative
// is infinite. Every loop is capped by a counter; values are kept moderate (squashing functions,
// divisions by 1 + z², square roots of z² + 1), and the harness skips points where the oracle
// reports a non-finite or huge value anyway.
import { type CmpOp, type Expr, type Fn, type M1, type Prog, type Stmt, hasSame } from "./ast.js";

/** mulberry32 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** The seed of program `id` of a run seeded `seed` (each program reproducible on its own). */
export const progSeed = (seed: number, id: number) => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(id + 1, 0xc2b2ae35)) >>> 0;

const CONSTS = [0.5, 1, 2, -1.5, 0.25, 3, 0.1, -0.7, 1.25, -2];
const num = (v: number): Expr => ({ k: "num", v });
const v = (n: string): Expr => ({ k: "var", n });
const bin = (op: "+" | "-" | "*" | "/", a: Expr, b: Expr): Expr => ({ k: "bin", op, a, b });
const m1 = (f: M1, a: Expr): Expr => ({ k: "m1", f, a });
/** TypeScript rejects a literal (also one behind ?: or ||) as the left operand of && || (always truthy/falsy). */
const noLit = (e: Expr): Expr => (e.k === "num" ? { k: "m2", f: "min", a: e, b: e } : e.k === "cond" || e.k === "nullish" || e.k === "log" ? { k: "bin", op: "*", a: e, b: { k: "num", v: 1 } } : e);
const cmp = (op: CmpOp, a: Expr, b: Expr): Expr => ({ k: "cmp", op, a, b });

interface Arr {
  n: string;
  len: number;
  /** an element only ever written with dead values (never read): index 0 */
  dead0?: boolean;
}
interface Scope {
  /** readable number variables (parameters, locals, loop counters) */
  nums: string[];
  /** assignable ones */
  muts: string[];
  arrs: Arr[];
  /** narrowed constants: const K = v */
  ks: { n: string; v: number }[];
  /** dead scalars: assigned, never read */
  deads: string[];
  deadArrs: Arr[];
}
interface Loop {
  label?: string;
}
interface Ctx {
  sc: Scope;
  loops: Loop[];
  /** enclosing loops + switches (targets of an unlabelled break) */
  breakables: number;
  /** loop counters in scope (bounded integers, for recursion depths) */
  counters: string[];
  depth: number;
  budget: { n: number };
  /** helpers callable from here */
  helpers: Fn[];
}

/** Features that can be turned off (TSJAX_FUZZ_OFF=same,narrow,...). */
export const FEATURES = ["same", "narrow", "dead", "rec", "switch", "array", "loop", "helper", "logic", "early"] as const;
export type Feature = (typeof FEATURES)[number];

type Choice<T> = [number, () => T];

export class Gen {
  private n = 0;
  helpers: Fn[] = [];
  constructor(
    private r: () => number,
    private id: number,
    /** features turned off (FEATURES), to look past a bug that would mask others */
    private off: ReadonlySet<string> = new Set(),
  ) {}
  /** `weight`, or 0 where the feature is off. */
  w(feature: Feature, weight: number) {
    return this.off.has(feature) ? 0 : weight;
  }

  fresh(p: string) {
    return `${p}${this.n++}`;
  }
  int(a: number, b: number) {
    return a + Math.floor(this.r() * (b - a + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }
  chance(p: number) {
    return this.r() < p;
  }
  choose<T>(cs: Choice<T>[]): T {
    const live = cs.filter(([w]) => w > 0);
    let t = this.r() * live.reduce((s, [w]) => s + w, 0);
    for (const [w, f] of live) if ((t -= w) < 0) return f();
    return live[live.length - 1][1]();
  }
  konst(): Expr {
    return num(this.pick(CONSTS));
  }

  // ---- expressions -------------------------------------------------------------------------

  leaf(c: Ctx): Expr {
    const { nums, arrs } = c.sc;
    return this.choose<Expr>([
      [10, () => v(this.pick(nums))],
      [3, () => this.konst()],
      [arrs.length ? 1.5 : 0, () => this.arrRead(this.pick(arrs))],
      [arrs.length ? 0.4 : 0, () => ({ k: "len", arr: this.pick(arrs).n })],
    ]);
  }
  arrRead(a: Arr): Expr {
    if (this.chance(0.3)) return { k: "idx", arr: a.n, i: bin("-", { k: "len", arr: a.n }, num(1)) };
    return { k: "idx", arr: a.n, i: num(this.int(a.dead0 ? 1 : 0, a.len - 1)) };
  }

  /** A number-valued expression. */
  expr(c: Ctx, d: number): Expr {
    if (d <= 0 || this.chance(0.25)) return this.leaf(c);
    const e = () => this.expr(c, d - 1);
    const { ks, nums } = c.sc;
    return this.choose<Expr>([
      [6, () => bin(this.pick(["+", "-", "*"] as const), e(), e())],
      [1.2, () => {
        const z = e();
        return bin("/", e(), bin("+", num(1), bin("*", z, z)));
      }],
      [0.6, () => bin("/", e(), num(this.pick([2, -4, 0.5])))],
      [0.8, () => ({ k: "neg", a: e() })],
      [3, () => m1(this.pick(["sin", "cos", "tanh"] as const), e())],
      [0.8, () => m1("abs", e())],
      [0.8, () => m1("floor", e())],
      [0.8, () => m1("exp", m1("tanh", e()))],
      [0.8, () => {
        const z = e();
        return m1("sqrt", bin("+", bin("*", z, z), num(1)));
      }],
      [1.2, () => ({ k: "m2", f: this.pick(["min", "max"] as const), a: e(), b: e() })],
      [0.8, () => ({ k: "pow", a: e(), n: this.pick([2, 3]) })],
      [2, () => ({ k: "cond", c: this.cond(c, d - 1), a: e(), b: e() })],
      [this.w("same", 1), () => {
        const w = v(this.pick(nums));
        return { k: "cond", c: this.cond(c, d - 1), a: w, b: w };
      }],
      [this.w("logic", 1.2), () => ({ k: "log", op: this.pick(["&&", "||"] as const), a: noLit(e()), b: e() })],
      [this.w("same", 1), () => {
        const w = v(this.pick(nums));
        return { k: "log", op: this.pick(["&&", "||", "??"] as const), a: w, b: w };
      }],
      [this.w("logic", 0.8), () => ({ k: "nullish", c: this.cond(c, d - 1), a: e(), b: e() })],
      [c.helpers.length ? this.w("helper", 2) : 0, () => this.call(c, d - 1)],
      [ks.length ? 0.8 : 0, () => this.narrowed(c, d - 1)],
      [this.w("dead", 0.4), () => {
        // behind a falsy &&: never evaluated
        const b = v(this.pick(nums));
        return { k: "log", op: "&&", a: m1("floor", num(0.5)), b: this.pick<Expr>([bin("/", num(1), bin("-", b, b)), m1("sqrt", bin("-", b, b))]) };
      }],
    ]);
  }

  /** A use of a narrowed constant K whose other side TypeScript types `never`. */
  narrowed(c: Ctx, d: number): Expr {
    const K = this.pick(c.sc.ks);
    const k = v(K.n);
    const w = v(this.pick(c.sc.nums));
    const e = this.expr(c, d);
    if (K.v === 0) return this.pick<Expr>([{ k: "log", op: "&&", a: k, b: bin("*", k, w) }, { k: "log", op: "||", a: k, b: e }]);
    return this.pick<Expr>([
      { k: "log", op: "||", a: k, b: bin("/", k, w) },
      { k: "cond", c: cmp("===", k, num(K.v)), a: e, b: bin("*", num(1), k) },
      { k: "cond", c: cmp("!==", k, num(K.v)), a: bin("*", num(1), k), b: e },
    ]);
  }

  call(c: Ctx, d: number): Expr {
    const f = this.pick(c.helpers);
    if (f.rec) {
      const depth: Expr = c.counters.length && this.chance(0.4) ? v(this.pick(c.counters)) : num(this.int(0, 3));
      // constant arguments now and then (a call that needs no derivative, e.g. inside a loop)
      return { k: "call", f: f.name, args: [this.chance(0.3) ? this.konst() : this.expr(c, d), depth] };
    }
    return { k: "call", f: f.name, args: f.params.map(() => (this.chance(0.25) ? this.konst() : this.expr(c, d))) };
  }

  /** A condition (boolean or a number tested for truthiness). */
  cond(c: Ctx, d: number): Expr {
    const e = () => this.expr(c, Math.max(d - 1, 0));
    const { ks, nums } = c.sc;
    return this.choose<Expr>([
      [6, () => cmp(this.pick(["<", "<=", ">", ">="] as const), e(), this.chance(0.5) ? this.konst() : e())],
      // against `(2 as number)` or another variable: a literal would narrow the variable's type
      [1, () => cmp(this.pick(["===", "!=="] as const), v(this.pick(nums)), this.chance(0.7) ? { k: "wide", v: this.pick([0, 1, 2, 0.5]) } : v(this.pick(nums)))],
      [1, () => (this.chance(0.5) ? m1("floor", e()) : bin("-", e(), this.konst()))],
      [d > 0 ? 1.5 : 0, () => ({ k: "log", op: this.pick(["&&", "||"] as const), a: this.cond(c, d - 1), b: this.cond(c, d - 1) })],
      [0.5, () => ({ k: "not", a: this.cond(c, d - 1) })],
      [1, () => this.constCond()],
      [c.helpers.length ? 1 : 0, () => cmp(this.pick(["<", ">"] as const), this.call(c, Math.max(d - 1, 0)), this.konst())],
      [ks.some((k) => k.v !== 0) ? 0.5 : 0, () => ({ k: "log", op: "||", a: this.cond(c, d - 1), b: v(this.pick(ks.filter((k) => k.v !== 0)).n) })],
    ]);
  }
  constCond(): Expr {
    return this.pick<Expr>([
      cmp("<", num(0), num(1)),
      cmp(">", num(1), num(2)),
      cmp(">", { k: "m2", f: "min", a: num(1), b: num(1) }, num(0)),
      { k: "m2", f: "min", a: num(1), b: num(1) },
      m1("floor", num(0.5)),
    ]);
  }

  // ---- statements --------------------------------------------------------------------------

  child(c: Ctx, patch: Partial<Ctx> = {}): Ctx {
    const sc = c.sc;
    return {
      ...c,
      sc: { nums: [...sc.nums], muts: [...sc.muts], arrs: [...sc.arrs], ks: [...sc.ks], deads: [...sc.deads], deadArrs: [...sc.deadArrs] },
      depth: c.depth + 1,
      ...patch,
    };
  }

  /** A block of up to `n` statements (stops after one that never completes normally). */
  block(c: Ctx, n: number): Stmt[] {
    const out: Stmt[] = [];
    for (let i = 0; i < n && c.budget.n > 0; i++) {
      const ss = this.stmt(c);
      out.push(...ss);
      const last = ss[ss.length - 1];
      if (last && (last.k === "ret" || last.k === "brk" || last.k === "cont")) break;
      if (last && last.k === "if" && last.f && ends(last.t) && ends(last.f)) break;
    }
    return out;
  }

  rhs(c: Ctx, inLoop: boolean): Expr {
    const e = this.expr(c, 3);
    if (!inLoop || this.chance(0.4)) return e;
    const s = v(this.pick(c.sc.muts.length ? c.sc.muts : c.sc.nums));
    return this.pick<Expr>([m1("tanh", e), m1("sin", e), bin("+", bin("*", s, num(0.5)), m1("tanh", e))]);
  }

  stmt(c: Ctx): Stmt[] {
    c.budget.n--;
    const { sc } = c;
    const inLoop = c.loops.length > 0;
    const nested = c.depth < 3;
    const act = () => v(this.pick(sc.nums));
    return this.choose<Stmt[]>([
      [3, () => {
        const n = this.fresh("s");
        const e = this.expr(c, 3);
        const konst = this.chance(0.3) && ["bin", "m1", "m2", "call", "pow"].includes(e.k);
        sc.nums.push(n);
        if (!konst) sc.muts.push(n);
        return [{ k: "let", n, e, konst }];
      }],
      [sc.muts.length ? 4 : 0, () => [{ k: "set", n: this.pick(sc.muts), e: this.rhs(c, inLoop) }]],
      [sc.muts.length ? 2 : 0, () => {
        const op = this.pick(["+=", "-=", "*="] as const);
        const e = op === "*=" ? this.pick<Expr>([m1("cos", this.expr(c, 2)), m1("tanh", this.expr(c, 2)), num(0.5), num(1.5)]) : this.rhs(c, inLoop);
        return [{ k: "op", n: this.pick(sc.muts), op, e }];
      }],
      [sc.muts.length ? 1 : 0, () => [{ k: "inc", n: this.pick(sc.muts), op: this.pick(["++", "--"] as const) }]],
      [nested ? 3 : 0.5, () => {
        const t = this.block(this.child(c), this.int(1, 3));
        const f = this.chance(0.5) ? this.block(this.child(c), this.int(1, 3)) : undefined;
        return [{ k: "if", c: this.cond(c, 2), t, f }];
      }],
      [this.w("same", 0.6), () => {
        // the same variable returned on both sides
        const w = act();
        return [{ k: "if", c: this.cond(c, 2), t: [{ k: "ret", e: w }], f: [{ k: "ret", e: w }] }];
      }],
      [this.w("early", c.depth > 0 ? 0.7 : 0.3), () => [{ k: "if", c: this.cond(c, 2), t: [{ k: "ret", e: this.expr(c, 2) }] }]],
      [nested && c.loops.length < 2 ? this.w("loop", 3) : 0, () => this.loop(c)],
      [inLoop ? 2 : 0, () => this.jump(c)],
      [nested ? this.w("switch", 1.5) : 0, () => this.switch(c)],
      [this.w("array", 1.2), () => {
        const n = this.fresh("v");
        const es = Array.from({ length: this.int(1, 3) }, () => this.expr(c, 2));
        sc.arrs.push({ n, len: es.length, dead0: es.length >= 2 && !this.off.has("dead") && this.chance(0.3) });
        return [{ k: "arr", n, es }];
      }],
      [sc.arrs.length ? 1.5 : 0, () => {
        const a = this.pick(sc.arrs);
        return [{ k: "aset", n: a.n, i: num(this.int(a.dead0 ? 1 : 0, a.len - 1)), e: this.rhs(c, inLoop) }];
      }],
      [sc.arrs.length ? 1 : 0, () => [{ k: "push", n: this.pick(sc.arrs).n, e: this.expr(c, 2) }]],
      [this.w("dead", 0.8), () => this.dead(c)],
      [sc.ks.length < 2 ? this.w("narrow", 0.5) : 0, () => {
        const n = this.fresh("K");
        const kv = this.pick([-1.5, 2, 0, 1]);
        sc.ks.push({ n, v: kv });
        return [{ k: "let", n, e: num(kv), konst: true }];
      }],
    ]);
  }

  /** Values with an infinite (or NaN) local derivative that nothing reads. */
  dead(c: Ctx): Stmt[] {
    const { sc } = c;
    const b = v(this.pick(sc.nums));
    const bad = () => this.pick<Expr>([bin("/", num(1), bin("-", b, b)), m1("sqrt", bin("-", b, b))]);
    return this.choose<Stmt[]>([
      [sc.deads.length ? 2 : 0, () => [{ k: "set", n: this.pick(sc.deads), e: bad() }]],
      [1, () => {
        const n = this.fresh("u");
        sc.deads.push(n);
        return [{ k: "let", n, e: num(0) }];
      }],
      [sc.arrs.some((a) => a.dead0) ? 1.5 : 0, () => {
        // element 0 of a live array, never read
        const a = this.pick(sc.arrs.filter((a) => a.dead0));
        return [{ k: "aset", n: a.n, i: num(0), e: bad() }];
      }],
      [sc.deadArrs.length ? 1.5 : 0, () => {
        const a = this.pick(sc.deadArrs);
        return [{ k: "aset", n: a.n, i: num(this.int(0, a.len - 1)), e: bad() }];
      }],
      [sc.deadArrs.length ? 0 : 0.7, () => {
        const n = this.fresh("dv");
        sc.deadArrs.push({ n, len: 2 });
        return [{ k: "arr", n, es: [v(sc.nums[0]), v(sc.nums[sc.nums.length > 1 ? 1 : 0])] }];
      }],
      [sc.muts.length ? 1 : 0, () => [{ k: "if", c: this.pick([cmp(">", num(0), num(1)), m1("floor", num(0.5))]), t: [{ k: "set", n: this.pick(sc.muts), e: bad() }] }]],
    ]);
  }

  jump(c: Ctx): Stmt[] {
    const labels = c.loops.filter((l) => l.label).map((l) => l.label!);
    const label = labels.length && this.chance(0.4) ? this.pick(labels) : undefined;
    // an unlabelled break may only leave a loop or switch; continue needs a loop (c.loops non-empty)
    const j: Stmt = this.chance(0.55) ? { k: "brk", label } : { k: "cont", label };
    if (this.chance(0.2)) return [j];
    return [{ k: "if", c: this.cond(c, 2), t: [j] }];
  }

  loop(c: Ctx): Stmt[] {
    const kind = this.pick(["for", "for", "while", "do"] as const);
    const i = this.fresh(kind === "for" ? "i" : "w");
    const label = this.chance(0.25) ? this.fresh("L") : undefined;
    const n = this.int(1, 4);
    const inner = this.child(c, { loops: [...c.loops, { label }], breakables: c.breakables + 1, counters: [...c.counters, i] });
    inner.sc.nums.push(i);
    // a data-dependent exit; often through a helper call (the helper may itself loop or recurse)
    const extra = this.chance(0.35)
      ? inner.helpers.length && this.chance(0.4)
        ? cmp(this.pick(["<", ">"] as const), this.call(inner, 1), this.konst())
        : this.cond(inner, 2)
      : undefined;
    const body = this.block(inner, this.int(1, 4));
    return [{ k: kind, label, i, n, extra, body }];
  }

  switch(c: Ctx): Stmt[] {
    const d: Expr = this.choose<Expr>([
      [4, () => m1("floor", bin("+", bin("*", m1("tanh", this.expr(c, 2)), num(2)), num(1)))],
      [1, () => m1("floor", this.expr(c, 2))],
      [1, () => ({ k: "wide", v: this.int(-1, 3) })],
      [0.5, () => m1("floor", num(this.pick([1.5, 0.5, 2.5])))],
    ]);
    const tests = [-1, 0, 1, 2, 3].filter(() => this.chance(0.5));
    if (!tests.length) tests.push(this.int(0, 2));
    const cases: { t: number | null; body: Stmt[] }[] = tests.map((t) => ({ t, body: [] }));
    if (this.chance(0.6)) cases.splice(this.int(0, cases.length), 0, { t: null, body: [] });
    for (const cs of cases) {
      const inner = this.child(c, { breakables: c.breakables + 1 });
      // a switch nested in a case (then falling through or not, like any case)
      const nestedSwitch = c.depth < 2 && this.chance(0.15) ? this.switch(inner) : [];
      cs.body = [...nestedSwitch, ...this.block(inner, this.int(0, 2))];
      const last = cs.body[cs.body.length - 1];
      if (this.chance(0.55) && !(last && (last.k === "ret" || last.k === "brk" || last.k === "cont"))) cs.body.push({ k: "brk" });
    }
    return [{ k: "switch", d, cases }];
  }

  // ---- functions ---------------------------------------------------------------------------

  rootCtx(params: string[], budget: number): Ctx {
    return {
      sc: { nums: [...params], muts: [], arrs: [], ks: [], deads: [], deadArrs: [] },
      loops: [],
      breakables: 0,
      counters: [],
      depth: 0,
      budget: { n: budget },
      helpers: [...this.helpers],
    };
  }

  finalReturn(c: Ctx): Stmt {
    const vs = c.sc.nums.filter((n) => n !== "x" && n !== "y");
    let e: Expr = this.expr(c, 2);
    for (const n of vs.slice(-3)) e = bin(this.pick(["+", "-", "*"] as const), v(n), e);
    return { k: "ret", e };
  }

  helper(): Fn {
    const name = `p${this.id}_${this.fresh("h")}`;
    return this.choose<Fn>([
      [3, () => {
        const c = this.rootCtx(["a", "b"], this.int(1, 4));
        c.depth = 1; // no deep nesting in helpers
        const body = this.block(c, 4);
        if (!endsFn(body)) body.push(this.finalReturn(c));
        return { name, params: ["a", "b"], body };
      }],
      [this.w("loop", 1.5), () => {
        // a helper that loops (pow4-like, or generated)
        if (this.chance(0.5))
          return {
            name,
            params: ["a", "b"],
            body: [
              { k: "let", n: "r", e: v("a") },
              { k: "for", i: "i", n: this.int(1, 3), body: [{ k: "set", n: "r", e: this.pick<Expr>([bin("*", v("r"), v("r")), bin("+", bin("*", v("r"), num(0.5)), v("b"))]) }] },
              { k: "ret", e: v("r") },
            ],
          };
        const c = this.rootCtx(["a", "b"], this.int(2, 5));
        c.depth = 1;
        const body = this.loop(c);
        body.push(this.finalReturn(c));
        return { name, params: ["a", "b"], body };
      }],
      [this.w("rec", 1.5), () => {
        // recursive, the depth n an integer constant or a loop counter at the call
        const c = this.rootCtx(["a"], 0);
        const self = (a: Expr): Expr => ({ k: "call", f: name, args: [a, bin("-", v("n"), num(1))] });
        const body: Stmt[] = this.pick<() => Stmt[]>([
          () => [{ k: "ret", e: { k: "cond", c: cmp("<=", v("n"), num(0)), a: num(1), b: bin("*", self(v("a")), v("a")) } }],
          () => [
            { k: "if", c: cmp("<=", v("n"), num(0)), t: [{ k: "ret", e: this.expr(c, 2) }] },
            { k: "ret", e: bin("+", self(this.expr(c, 1)), this.expr(c, 2)) },
          ],
          () => [
            { k: "if", c: cmp("<", v("n"), num(1)), t: [{ k: "ret", e: this.expr(c, 1) }] },
            { k: "let", n: "t", e: self(bin("*", v("a"), num(0.5))), konst: true },
            { k: "ret", e: bin("+", bin("*", v("t"), m1("tanh", v("t"))), this.expr(c, 1)) },
          ],
        ])();
        return { name, params: ["a", "n"], body, rec: true };
      }],
    ]);
  }

  program(): Prog {
    const nh = this.off.has("helper")
      ? 0
      : this.choose<number>([
          [3, () => 0],
          [3, () => 1],
          [2, () => 2],
          [1, () => 3],
        ]);
    for (let i = 0; i < nh; i++) this.helpers.push(this.helper());
    const c = this.rootCtx(["x", "y"], this.int(3, 12));
    const body = this.block(c, 8);
    if (!endsFn(body)) body.push(this.finalReturn(c));
    return { id: this.id, helpers: this.helpers, main: { name: `f${this.id}`, params: ["x", "y"], body } };
  }
}

/** Whether a statement list never completes normally (so a function needs no return after it). */
export function ends(ss: Stmt[]): boolean {
  const last = ss[ss.length - 1];
  if (!last) return false;
  if (last.k === "ret" || last.k === "brk" || last.k === "cont") return true;
  if (last.k === "if") return !!last.f && ends(last.t) && ends(last.f);
  return false;
}
function endsFn(ss: Stmt[]): boolean {
  const last = ss[ss.length - 1];
  if (!last) return false;
  if (last.k === "ret") return true;
  if (last.k === "if") return !!last.f && endsFn(last.t) && endsFn(last.f);
  return false;
}

export function generate(seed: number, id: number, off: ReadonlySet<string> = new Set()): Prog {
  // with "same" off, also avoid the equal sides that random choice produces (`c ? y : y`)
  for (let k = 0; ; k++) {
    const p = new Gen(rng(progSeed(seed, id) + k * 0x9e3779b1), id, off).program();
    if (!off.has("same") || !hasSame(p) || k > 50) return p;
  }
}

/** Inputs for program `id`, attempt `k`: x and y uniform in [-2, 2]. */
export function inputs(seed: number, id: number, k: number): [number, number] {
  const r = rng(progSeed(seed ^ 0x51ed27, id * 7 + k));
  return [-2 + 4 * r(), -2 + 4 * r()];
}
