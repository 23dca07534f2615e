// The oracle: an interpreter of the fuzzer's AST over hyper-dual numbers (hd.ts). It follows the
// branches JS takes at the given point and records how close any data-dependent decision came to
// switching (a comparison, a truthiness test, a floor, an abs or min/max kink), so that callers
// can skip points where the transformer's forward pass, rounding differently, might branch the
// other way (and where derivatives are not defined).
import type { Expr, Fn, Prog, Stmt } from "./ast.js";
import { type HD, active, add, div, hd, konst, math1, math2, mul, neg, powi, sub } from "./hd.js";

type Val = HD | boolean | undefined;
type Completion = { t: "normal" } | { t: "break" | "continue"; label?: string } | { t: "return"; v: HD };
const NORMAL: Completion = { t: "normal" };

export interface OracleResult {
  out: HD;
  /** Whether any value or derivative computed along the way was NaN or infinite (used or not). */
  nonFinite: boolean;
  /** Smallest relative distance of a data-dependent decision from switching (Infinity if none). */
  margin: number;
  steps: number;
}

export class OracleError extends Error {}

const rel = (a: number, b: number) => Math.abs(a - b) / (1 + Math.abs(a) + Math.abs(b));

export function truthy(v: Val): boolean {
  if (typeof v === "boolean") return v;
  if (v === undefined) return false;
  return v.v !== 0 && !Number.isNaN(v.v);
}

const finite = (h: HD) => Number.isFinite(h.v) && Number.isFinite(h.x) && Number.isFinite(h.y) && Number.isFinite(h.xx) && Number.isFinite(h.xy) && Number.isFinite(h.yy);

class Interp {
  nonFinite = false;
  margin = Infinity;
  steps = 0;
  depth = 0;
  constructor(private fns: Map<string, Fn>) {}

  near(m: number) {
    if (m < this.margin) this.margin = m;
  }
  /**
   * How close a comparison (or min/max) of a and b is to switching. Where a − b does not move with
   * x, y (e.g. `s >= s`, `max(y, y)`) the outcome is the same in any evaluation, unless the values
   * differ by rounding only (then the transformer's forward pass might order operations otherwise).
   */
  tie(a: HD, b: HD) {
    if (a.x !== b.x || a.y !== b.y) this.near(rel(a.v, b.v));
    else if (a.v !== b.v && rel(a.v, b.v) < 1e-12) this.near(0);
  }
  /** A truthiness test on a number: switching means crossing 0. */
  test(v: Val): boolean {
    if (v !== undefined && typeof v !== "boolean" && active(v)) this.near(Math.abs(v.v) / (1 + Math.abs(v.v)));
    return truthy(v);
  }
  num(e: Expr, env: Map<string, unknown>): HD {
    const v = this.expr(e, env);
    if (typeof v === "boolean" || v === undefined) throw new OracleError(`expected a number from ${e.k}`);
    return v;
  }
  expr(e: Expr, env: Map<string, unknown>): Val {
    const r = this.expr1(e, env);
    if (r !== undefined && typeof r !== "boolean" && !finite(r)) this.nonFinite = true;
    return r;
  }
  expr1(e: Expr, env: Map<string, unknown>): Val {
    if (++this.steps > 2e6) throw new OracleError("step limit");
    switch (e.k) {
      case "num":
      case "wide":
        return konst(e.v);
      case "var": {
        const v = env.get(e.n);
        if (v === undefined) throw new OracleError(`unbound ${e.n}`);
        return v as HD;
      }
      case "bin": {
        const a = this.num(e.a, env), b = this.num(e.b, env);
        return e.op === "+" ? add(a, b) : e.op === "-" ? sub(a, b) : e.op === "*" ? mul(a, b) : div(a, b);
      }
      case "neg":
        return neg(this.num(e.a, env));
      case "m1": {
        const a = this.num(e.a, env);
        if (active(a)) {
          if (e.f === "floor") {
            const frac = a.v - Math.floor(a.v);
            this.near(Math.min(frac, 1 - frac) / (1 + Math.abs(a.v)));
          }
          if (e.f === "abs") this.near(Math.abs(a.v) / (1 + Math.abs(a.v)));
        }
        return math1(e.f, a);
      }
      case "m2": {
        const a = this.num(e.a, env), b = this.num(e.b, env);
        this.tie(a, b);
        return math2(e.f, a, b);
      }
      case "pow":
        return powi(this.num(e.a, env), e.n);
      case "cmp": {
        const a = this.num(e.a, env), b = this.num(e.b, env);
        this.tie(a, b);
        switch (e.op) {
          case "<":
            return a.v < b.v;
          case "<=":
            return a.v <= b.v;
          case ">":
            return a.v > b.v;
          case ">=":
            return a.v >= b.v;
          case "===":
            return a.v === b.v;
          case "!==":
            return a.v !== b.v;
        }
        break;
      }
      case "not":
        return !this.test(this.expr(e.a, env));
      case "cond":
        return this.test(this.expr(e.c, env)) ? this.expr(e.a, env) : this.expr(e.b, env);
      case "log": {
        const a = this.expr(e.a, env);
        if (e.op === "??") return a === undefined ? this.expr(e.b, env) : a;
        if (e.op === "&&") return this.test(a) ? this.expr(e.b, env) : a;
        return this.test(a) ? a : this.expr(e.b, env);
      }
      case "nullish":
        return this.test(this.expr(e.c, env)) ? this.expr(e.a, env) : this.expr(e.b, env);
      case "call": {
        const f = this.fns.get(e.f);
        if (!f) throw new OracleError(`unknown function ${e.f}`);
        return this.call(f, e.args.map((a) => this.num(a, env)));
      }
      case "idx": {
        const arr = env.get(e.arr) as HD[];
        const i = this.num(e.i, env).v;
        if (!Number.isInteger(i) || i < 0 || i >= arr.length) throw new OracleError(`index ${i} out of range`);
        return arr[i];
      }
      case "len":
        return konst((env.get(e.arr) as HD[]).length);
    }
    throw new OracleError(`bad expression ${(e as Expr).k}`);
  }

  call(f: Fn, args: HD[]): HD {
    if (++this.depth > 200) throw new OracleError("recursion too deep");
    const env = new Map<string, unknown>();
    f.params.forEach((p, i) => env.set(p, args[i]));
    const c = this.stmts(f.body, env);
    this.depth--;
    if (c.t !== "return") throw new OracleError(`${f.name} ended without return`);
    return c.v;
  }

  stmts(ss: Stmt[], env: Map<string, unknown>): Completion {
    for (const s of ss) {
      const c = this.stmt(s, env);
      if (c.t !== "normal") return c;
    }
    return NORMAL;
  }

  /** Runs a loop body; returns the completion that ends the loop, or undefined to go on. */
  private body(s: { label?: string; body: Stmt[] }, env: Map<string, unknown>): Completion | undefined {
    const c = this.stmts(s.body, env);
    if (c.t === "break" && (c.label === undefined || c.label === s.label)) return NORMAL;
    if (c.t === "continue" && (c.label === undefined || c.label === s.label)) return undefined;
    if (c.t !== "normal") return c;
    return undefined;
  }
  private loopCond(s: { i: string; n: number; extra?: Expr }, env: Map<string, unknown>): boolean {
    const i = env.get(s.i) as HD;
    if (!(i.v < s.n)) return false;
    return s.extra ? this.test(this.expr(s.extra, env)) : true;
  }

  stmt(s: Stmt, env: Map<string, unknown>): Completion {
    if (++this.steps > 2e6) throw new OracleError("step limit");
    switch (s.k) {
      case "let":
      case "set":
        env.set(s.n, this.num(s.e, env));
        return NORMAL;
      case "arr":
        env.set(s.n, s.es.map((e) => this.num(e, env)));
        return NORMAL;
      case "op": {
        const a = env.get(s.n) as HD, b = this.num(s.e, env);
        env.set(s.n, s.op === "+=" ? add(a, b) : s.op === "-=" ? sub(a, b) : mul(a, b));
        return NORMAL;
      }
      case "inc": {
        const a = env.get(s.n) as HD;
        env.set(s.n, { ...a, v: s.op === "++" ? a.v + 1 : a.v - 1 });
        return NORMAL;
      }
      case "aset": {
        const arr = env.get(s.n) as HD[];
        const i = this.num(s.i, env).v;
        const v = this.num(s.e, env);
        if (!Number.isInteger(i) || i < 0 || i >= arr.length) throw new OracleError(`index ${i} out of range`);
        arr[i] = v;
        return NORMAL;
      }
      case "push":
        (env.get(s.n) as HD[]).push(this.num(s.e, env));
        return NORMAL;
      case "if":
        if (this.test(this.expr(s.c, env))) return this.stmts(s.t, env);
        return s.f ? this.stmts(s.f, env) : NORMAL;
      case "ret":
        return { t: "return", v: this.num(s.e, env) };
      case "brk":
        return { t: "break", label: s.label };
      case "cont":
        return { t: "continue", label: s.label };
      case "for": {
        env.set(s.i, konst(0));
        while (this.loopCond(s, env)) {
          const c = this.body(s, env);
          if (c) return c;
          const i = env.get(s.i) as HD;
          env.set(s.i, konst(i.v + 1));
        }
        return NORMAL;
      }
      case "while": {
        env.set(s.i, konst(0));
        while (this.loopCond(s, env)) {
          env.set(s.i, konst((env.get(s.i) as HD).v + 1));
          const c = this.body(s, env);
          if (c) return c;
        }
        return NORMAL;
      }
      case "do": {
        env.set(s.i, konst(0));
        do {
          env.set(s.i, konst((env.get(s.i) as HD).v + 1));
          const c = this.body(s, env);
          if (c) return c;
        } while (this.loopCond(s, env));
        return NORMAL;
      }
      case "switch": {
        const d = this.num(s.d, env);
        if (active(d)) for (const c of s.cases) if (c.t !== null) this.near(rel(d.v, c.t));
        let start = s.cases.findIndex((c) => c.t !== null && c.t === d.v);
        if (start < 0) start = s.cases.findIndex((c) => c.t === null);
        if (start < 0) return NORMAL;
        for (let j = start; j < s.cases.length; j++) {
          const c = this.stmts(s.cases[j].body, env);
          if (c.t === "break" && c.label === undefined) return NORMAL;
          if (c.t !== "normal") return c;
        }
        return NORMAL;
      }
    }
  }
}

/** Evaluates `p.main` at (x, y) seeded as the two independent variables. */
export function evaluate(p: Prog, x: number, y: number): OracleResult {
  const fns = new Map<string, Fn>(p.helpers.map((h) => [h.name, h]));
  const it = new Interp(fns);
  const out = it.call(p.main, [hd(x, 1, 0), hd(y, 0, 1)]);
  return { out, margin: it.margin, steps: it.steps, nonFinite: it.nonFinite };
}

/** Plain float64 evaluation of main (for finite differences). */
export function value(p: Prog, x: number, y: number): number {
  const fns = new Map<string, Fn>(p.helpers.map((h) => [h.name, h]));
  return new Interp(fns).call(p.main, [konst(x), konst(y)]).v;
}
