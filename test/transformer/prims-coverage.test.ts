// The primitive registry is complete: every primitive has what each consumer needs, or says why
// not. Reverse mode needs a rule (or a stated reason, or nondiff), and every primitive a rule
// emits must itself be differentiable again (higher order); array mode needs a runtime function;
// number mode's emitted JS and array mode's runtime function agree with the constant folder.
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { PRIMS, primTy, type PrimDef } from "../../dist/transformer/prims/index.js";
import { BATCH } from "../../dist/transformer/prims/batching.js";
import { Builder, freshVar, leaf, type Fn, type Value, type Var } from "../../dist/transformer/ir.js";
import { opsFor } from "../../dist/transformer/ad/adjoint.js";
import { emitFn } from "../../dist/transformer/emit.js";
import * as rt from "../../runtime/rt.js";
import { NDArray } from "../../runtime/array.js";

const names = Object.keys(PRIMS);
const arityOf = (d: PrimDef) => (typeof d.arity === "number" ? d.arity : d.arity.min + 1);
/** Differentiable again, or honest about it. */
const covered = (d: PrimDef) => !!(d.nondiff || d.vjp || d.adjoint || d.noVjp);

describe("the primitive registry", () => {
  it("has about the primitives the runtime and the rules use", () => {
    expect(names.length).toBeGreaterThan(100);
  });

  it.each(names)("%s: reverse mode has a rule, a reason, or nothing to differentiate", (name) => {
    expect(covered(PRIMS[name]), `${name} has no vjp rule, no reason (noVjp/adjoint) and is not nondiff`).toBe(true);
  });

  it.each(names)("%s: vmap has a batching rule or says why not", (name) => {
    const e = BATCH[name];
    expect(e, `${name} has no entry in prims/batching.ts`).toBeDefined();
    if ("none" in e) expect(e.none.length).toBeGreaterThan(10);
  });
  it("the batching table names only primitives", () => {
    for (const n of Object.keys(BATCH)) expect(PRIMS[n], `batching.ts has a rule for '${n}', which is not a primitive`).toBeDefined();
  });

  // Run each rule on placeholder operands: the primitives it emits must exist, take the operand
  // counts they are given, and be differentiable again (closure under transposition).
  const withRules = names.filter((n) => PRIMS[n].vjp);
  it.each(withRules)("%s: its rule emits only registered primitives that are themselves covered", (name) => {
    const d = PRIMS[name];
    const b = new Builder(primTy);
    const o = opsFor(b);
    for (const ty of ["arr", "num"] as const) {
      if (ty === "num" && d.ty !== "ew") continue;
      b.body = [];
      const args: Value[] = Array.from({ length: arityOf(d) }, (_, i) => freshVar(`x${i}`, ty));
      const y = freshVar("y", primTy(name, args));
      const g = freshVar("g", y.ty);
      const cts = d.vjp!(o, g, y, args);
      expect(cts.length).toBe(args.length);
      for (const s of b.body) {
        if (s.kind !== undefined) continue;
        expect(covered(PRIMS[s.prim]), `${name}'s rule emits ${s.prim}, which reverse mode cannot differentiate again`).toBe(true);
      }
    }
  });

  it.each(names)("%s: forward mode has a rule, a reason, or nothing to differentiate", (name) => {
    const d = PRIMS[name];
    expect(!!(d.nondiff || d.jvp || d.adjoint || d.noJvp), `${name} has no jvp rule, no reason (noJvp/adjoint) and is not nondiff`).toBe(true);
  });

  // Forward-mode rules emit only registered primitives that are themselves covered, in both modes.
  it.each(names.filter((n) => PRIMS[n].jvp))("%s: its jvp rule emits only covered primitives", (name) => {
    const d = PRIMS[name];
    const b = new Builder(primTy);
    const o = opsFor(b);
    const args: Value[] = Array.from({ length: arityOf(d) }, (_, i) => freshVar(`x${i}`, "arr"));
    const y = freshVar("y", primTy(name, args));
    // all tangents present, then each alone
    const sets = [args.map((a) => freshVar(`t_${a.tag === "var" ? a.name : "c"}`, "arr") as Value | null), ...args.map((_, k) => args.map((a, i) => (i === k ? (freshVar("t", "arr") as Value) : null)))];
    for (const ts of sets) d.jvp!(o, ts, y, args);
    for (const s of b.body) if (s.kind === undefined) expect(covered(PRIMS[s.prim]), `${name}'s jvp rule emits ${s.prim}`).toBe(true);
  });

  // Abstract evaluation: a rule of its own, or derived from the result type and shape fact; a
  // rule gives an aval for operands of known and of unknown rank
  it.each(names.filter((n) => PRIMS[n].aval))("%s: its aval rule gives a dtype and a shape", (name) => {
    const d = PRIMS[name];
    for (const shape of [[2, 3], "x#1"] as const) {
      const args = Array.from({ length: arityOf(d) }, () => ({ dtype: "f32" as const, shape }));
      const a = d.aval!({ args, consts: args.map(() => undefined), fresh: "?t" });
      expect(["f32", "i32", "bool", "f64"]).toContain(a.dtype);
      expect(typeof a.shape === "string" || Array.isArray(a.shape)).toBe(true);
    }
  });

  it.each(names.filter((n) => !PRIMS[n].host && !PRIMS[n].numberOnly))("%s: array mode has a runtime function", (name) => {
    const fn = PRIMS[name].rt ?? name;
    expect(typeof (rt as Record<string, unknown>)[fn], `runtime/rt.ts has no '${fn}' for primitive ${name}`).toBe("function");
  });
});

// ---- emitted code agrees with the folder, in number mode and array mode -------------------------
const SF = ts.createSourceFile("coverage.ts", "", ts.ScriptTarget.ES2022);
const printer = ts.createPrinter();

/** The JS function `(x0, x1, …) => prim(x0, x1, …)` that tsjax emits, for operands of type `ty`. */
function emitted(name: string, n: number, ty: "num" | "arr"): (...xs: unknown[]) => unknown {
  const params = Array.from({ length: n }, (_, i) => freshVar(`x${i}`, ty));
  const b = new Builder(primTy);
  const out = b.apply(name, params, "y");
  const fn: Fn = { name, params: params.map((p) => ({ name: p.name, tree: leaf(p) })), body: b.body, result: leaf(out as Var) };
  const code = printer.printNode(ts.EmitHint.Expression, emitFn(fn, { rt: "__tsjax_rt", ext: () => ts.factory.createIdentifier("undefined"), file: SF }), SF);
  return new Function("__tsjax_rt", `return ${code};`)(rt) as (...xs: unknown[]) => unknown;
}

const SAMPLES = [-1.75, -0.5, 0, 0.3, 0.5, 1.25, 2.5];
const folding = names.filter((n) => PRIMS[n].fold && typeof PRIMS[n].arity === "number");

describe("emitted code agrees with constant folding", () => {
  it.each(folding)("%s", (name) => {
    const d = PRIMS[name];
    const n = d.arity as number;
    const asNum = emitted(name, n, "num");
    const asArr = d.numberOnly ? null : emitted(name, n, "arr");
    const tuples = SAMPLES.map((s, k) => Array.from({ length: n }, (_, i) => SAMPLES[(k + 3 * i) % SAMPLES.length] * (i ? 1.5 : 1) || s));
    for (const xs of tuples) {
      const want = d.fold!(...xs);
      const got = asNum(...xs);
      expect(Number(got), `${name}(${xs}) in number mode`).toBe(want);
      if (!asArr) continue;
      // float32 operands: one rounding of the float64 result
      const xs32 = xs.map(Math.fround);
      const r = asArr(...xs32.map((x) => new NDArray(Float32Array.of(x), [1], "float32"))) as NDArray;
      const want32 = d.fold!(...xs32);
      expect(Number(r.data[0]), `${name}(${xs32}) in array mode (${r.dtype})`).toBe(r.dtype === "bool" ? want32 : Math.fround(want32));
    }
  });
});

// ---- the rules agree with each other and with finite differences (number mode) ---------------------
/** (x0, …) => [∂y/∂x_k by the jvp rule (tangent 1 on x_k), by the vjp rule (cotangent 1)] for each k. */
function partials(name: string, n: number): (...xs: number[]) => number[][] {
  const d = PRIMS[name];
  const params = Array.from({ length: n }, (_, i) => freshVar(`x${i}`, "num"));
  const b = new Builder(primTy);
  const o = opsFor(b);
  const y = b.apply(name, params, "y");
  const zeroOr = (v: Value | null | undefined): Value => v ?? { tag: "const", value: 0, ty: "num" };
  const rows: Value[] = [];
  for (let k = 0; k < n; k++) {
    rows.push(zeroOr(d.jvp!(o, params.map((_, i) => (i === k ? { tag: "const", value: 1, ty: "num" } : null)), y, params)));
    rows.push(zeroOr(d.vjp!(o, { tag: "const", value: 1, ty: "num" }, y, params)[k]));
  }
  const out = b.apply("listFrom", rows, "out", "list");
  const fn: Fn = { name, params: params.map((p) => ({ name: p.name, tree: leaf(p) })), body: b.body, result: leaf(out as Var) };
  const code = printer.printNode(ts.EmitHint.Expression, emitFn(fn, { rt: "__tsjax_rt", ext: () => ts.factory.createIdentifier("undefined"), file: SF }), SF);
  const run = new Function("__tsjax_rt", `return ${code};`)(rt) as (...xs: number[]) => number[];
  return (...xs) => {
    const r = run(...xs);
    return Array.from({ length: n }, (_, k) => [r[2 * k], r[2 * k + 1]]);
  };
}

const smooth = names.filter((n) => PRIMS[n].ty === "ew" && PRIMS[n].fold && PRIMS[n].jvp && PRIMS[n].vjp && typeof PRIMS[n].arity === "number");
describe("jvp and vjp rules agree with each other and with finite differences", () => {
  it.each(smooth)("%s", (name) => {
    const d = PRIMS[name];
    const n = d.arity as number;
    const p = partials(name, n);
    // points inside every primitive's domain (arcsin/arccos need |x| < 1), away from kinks and ties
    const points = [[0.3, 0.7, -0.4], [-0.55, 0.45, 1.3], [0.8, -0.35, 0.6]];
    for (const xs0 of points) {
      const xs = xs0.slice(0, n);
      if (!Number.isFinite(d.fold!(...xs))) continue; // outside the domain (log, sqrt of a negative)
      const got = p(...xs);
      for (let k = 0; k < n; k++) {
        const h = 1e-6;
        const at = (e: number) => d.fold!(...xs.map((x, i) => (i === k ? x + e : x)));
        const fd = (at(h) - at(-h)) / (2 * h);
        const [fwd, rev] = got[k];
        expect(Math.abs(fwd - rev), `${name} ∂/∂x${k} at ${xs}: jvp ${fwd} vs vjp ${rev}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(fwd)));
        expect(Math.abs(fwd - fd), `${name} ∂/∂x${k} at ${xs}: jvp ${fwd} vs finite differences ${fd}`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(fd)));
      }
    }
  });
});
