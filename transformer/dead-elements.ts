// Elements of local arrays whose derivative nothing needs. A list family (lists connected by
// writes, loop parameters and branch results) that stays inside the function (not returned,
// passed to a call, merged or taped) and is only read at indices known at build time:
// - an index it never reads holds dead values: what is written there becomes 0;
// - an index read only by non-differentiable operations (comparisons, conditions, rounding)
//   holds values whose derivative nothing needs: what is written there goes through
//   stopGradient.
// Both run before reverse mode, so an infinite local derivative there (v[0] = 1 / (x − x))
// cannot turn the gradient into NaN through 0 · ∞ (JAX, which keeps them, does give NaN).
// Lengths are known per list version (a literal, then writes at or one past the end), so
// `v[v.length - 1]` after a push is a known index.

import type { Block, PrimStmt, Stmt, Value } from "./ir.js";
import { freshVar, num, walk } from "./ir.js";
import { PRIMS } from "./prims/index.js";

export function deadElements(body: readonly Stmt[], escaping: readonly Value[]): Stmt[] {
  // union-find over the ids of list variables
  const parent = new Map<number, number>();
  const find = (id: number): number => {
    while (parent.has(id)) id = parent.get(id)!;
    return id;
  };
  const union = (a: Value, b: Value) => {
    if (a.tag !== "var" || b.tag !== "var" || a.ty !== "list" || b.ty !== "list") return;
    const ra = find(a.id), rb = find(b.id);
    if (ra !== rb) parent.set(ra, rb);
  };

  // index arithmetic evaluated at build time, as the set of values an index may take (null: not
  // known): constants, + − ·, and the lengths of list versions (a branch joins its sides' lengths)
  const def = new Map<number, PrimStmt>();
  const phi = new Map<number, [Value, Value]>();
  const carried = new Map<number, [Value, Value]>(); // loop parameter (and out) → [initial, next]
  walk(body, (s) => {
    if (s.kind === undefined) def.set(s.out.id, s);
    else if (s.kind === "if") s.outs.forEach((o, k) => phi.set(o.id, [s.then.results[k], s.else.results[k]]));
    else if (s.kind === "while")
      s.params.forEach((p, k) => {
        carried.set(p.id, [s.init[k], s.body.results[k]]);
        carried.set(s.outs[k].id, [s.init[k], s.body.results[k]]);
      });
  });
  // a loop's list: the lengths it starts with, grown by what one iteration does, to a fixed point
  const assumed = new Map<number, Set<number>>();
  type Vals = Set<number> | null;
  const cap = (xs: Set<number>): Vals => (xs.size > 16 ? null : xs);
  const valuesOf = (v: Value, depth = 0): Vals => {
    if (v.tag === "const") return typeof v.value === "number" ? new Set([v.value]) : null;
    if (v.tag !== "var" || depth > 40) return null;
    const d = def.get(v.id);
    if (!d) return null;
    if (d.prim === "listLen") return lengthsOf(d.args[0], depth + 1);
    const op = d.prim === "add" ? (a: number, b: number) => a + b : d.prim === "sub" ? (a: number, b: number) => a - b : d.prim === "mul" ? (a: number, b: number) => a * b : null;
    if (!op) return null;
    const a = valuesOf(d.args[0], depth + 1), b = valuesOf(d.args[1], depth + 1);
    if (!a || !b) return null;
    const out = new Set<number>();
    for (const x of a) for (const y of b) out.add(op(x, y));
    return cap(out);
  };
  const lengthsOf = (l: Value, depth: number): Vals => {
    if (l.tag !== "var" || depth > 40) return null;
    const p = phi.get(l.id);
    if (p) {
      const a = lengthsOf(p[0], depth + 1), b = lengthsOf(p[1], depth + 1);
      return a && b ? cap(new Set([...a, ...b])) : null;
    }
    const c = carried.get(l.id);
    if (c) {
      const mine = assumed.get(l.id);
      if (mine) return mine; // (inside its own iteration: the current assumption)
      let cur = lengthsOf(c[0], depth + 1);
      for (let round = 0; cur && round < 8; round++) {
        assumed.set(l.id, cur);
        const next = lengthsOf(c[1], depth + 1);
        assumed.delete(l.id);
        if (!next) return null;
        const joined = cap(new Set([...cur, ...next]));
        if (!joined || joined.size === cur.size) return joined;
        cur = joined;
      }
      return null;
    }
    const d = def.get(l.id);
    if (!d) return null;
    if (d.prim === "listFrom") return new Set([d.args.length]);
    if (d.prim === "listNew") return new Set([0]);
    if (d.prim !== "listSetAt" && d.prim !== "listAddAt") return null;
    const ns = lengthsOf(d.args[0], depth + 1), is = valuesOf(d.args[1], depth + 1);
    if (!ns || !is) return null;
    const out = new Set<number>();
    for (const n of ns)
      for (const i of is) {
        if (i > n || !Number.isInteger(i) || i < 0) return null;
        out.add(i < n ? n : n + 1);
      }
    return cap(out);
  };

  // how each value is used: only by non-differentiable operations, or also otherwise
  const diffUse = new Set<number>();
  const markUse = (v: Value, nondiff: boolean) => !nondiff && v.tag === "var" && diffUse.add(v.id);
  const escapes: number[] = [];
  const escape = (v: Value) => v.tag === "var" && v.ty === "list" && escapes.push(v.id);
  const reads: [number, Value, number][] = []; // list id, index, id of the value read
  walk(body, (s) => {
    if (s.kind === undefined) {
      const [l, i] = s.args;
      s.args.forEach((a) => markUse(a, !!PRIMS[s.prim].nondiff));
      if (s.prim === "listSetAt" || s.prim === "listAddAt") {
        union(s.out, l);
        escape(s.args[2]); // (a list stored in a list)
      } else if (s.prim === "listGet" && l.tag === "var") reads.push([l.id, i, s.out.id]);
      // (the length does not escape the elements: a dead write still happens, with 0)
      else if (s.prim !== "listLen") s.args.forEach(escape);
    } else if (s.kind === "while") {
      s.params.forEach((p, k) => (union(p, s.init[k]), union(p, s.body.results[k]), union(p, s.outs[k])));
      s.init.forEach((v) => markUse(v, false));
      s.body.results.forEach((v) => markUse(v, false));
    } else if (s.kind === "if") {
      s.outs.forEach((o, k) => (union(o, s.then.results[k]), union(o, s.else.results[k])));
      [...s.then.results, ...s.else.results].forEach((v) => markUse(v, false));
    } else (s.args.forEach(escape), s.args.forEach((v) => markUse(v, false)));
  });
  escaping.forEach((v) => (escape(v), markUse(v, false)));
  const escaped = new Set(escapes.map(find));

  // per family: the indices read, and those read differentiably; null: a run-time index
  const readAt = new Map<number, { any: Set<number>; diff: Set<number> } | null>();
  for (const [id, i, out] of reads) {
    const r = find(id);
    const cur = readAt.get(r);
    if (cur === null) continue;
    const ks = valuesOf(i);
    if (ks === null) {
      readAt.set(r, null);
      continue;
    }
    const at = cur ?? { any: new Set<number>(), diff: new Set<number>() };
    for (const k of ks) {
      at.any.add(k);
      if (diffUse.has(out)) at.diff.add(k);
    }
    readAt.set(r, at);
  }
  /** "dead": nothing reads it; "value": read, but never differentiably; null: keep. */
  const fate = (l: Value, i: Value): "dead" | "value" | null => {
    const ks = valuesOf(i);
    if (l.tag !== "var" || ks === null) return null;
    const r = find(l.id);
    const at = readAt.get(r);
    if (escaped.has(r) || at === null) return null;
    const all = [...ks];
    return all.every((k) => !at?.any.has(k)) ? "dead" : all.every((k) => !at?.diff.has(k)) ? "value" : null;
  };
  const moving = (v: Value) => v.tag === "var" && v.ty !== "list";
  const rewrite = (b: readonly Stmt[]): Stmt[] =>
    b.flatMap((s): Stmt[] => {
      if (s.kind === undefined) {
        const [l, i, v] = s.args;
        if ((s.prim === "listSetAt" || s.prim === "listAddAt") && moving(v)) {
          const f = fate(s.out, i);
          if (f === "dead") return [{ ...s, args: [l, i, num(0)] }];
          if (f === "value") {
            const sg = freshVar(v.tag === "var" ? v.name : "v", v.ty);
            return [{ out: sg, prim: "stopGradient", args: [v], src: s.src }, { ...s, args: [l, i, sg] }];
          }
        }
        if (s.prim === "listFrom" && s.args.some((a, k) => moving(a) && fate(s.out, num(k)) === "dead"))
          return [{ ...s, args: s.args.map((a, k) => (moving(a) && fate(s.out, num(k)) === "dead" ? num(0) : a)) }];
        return [s];
      }
      const blk = (x: Block): Block => ({ body: rewrite(x.body), results: x.results });
      if (s.kind === "if") return [{ ...s, then: blk(s.then), else: blk(s.else) }];
      if (s.kind === "while") return [{ ...s, cond: blk(s.cond), body: blk(s.body) }];
      return [s];
    });
  return rewrite(body);
}
