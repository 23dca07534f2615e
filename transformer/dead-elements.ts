// Elements of local arrays that nothing reads. A list family (lists connected by writes, loop
// parameters and branch results) that stays inside the function (not returned, passed to a call,
// measured, merged or taped) and is only read at constant indices never reads its other indices:
// the values written there are dead, like any value nothing reads. They are replaced by 0 before
// reverse mode, so an infinite local derivative there (v[0] = 1 / (x − x)) cannot turn the
// gradient into NaN through 0 · ∞ (JAX, which keeps them, does give NaN).

import type { Block, PrimStmt, Stmt, Value } from "./ir.js";
import { num, walk } from "./ir.js";

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
  // index arithmetic evaluated at build time: constants, + − ·, and the length of a list whose
  // length never changes (made by a literal, written only below its length)
  const def = new Map<number, PrimStmt>();
  walk(body, (s) => s.kind === undefined && def.set(s.out.id, s));
  const made = new Map<number, number>(); // family → length of the literal that made it
  const grows = new Set<number>(); // families whose length may change
  const constOf = (v: Value, depth = 0): number | null => {
    if (v.tag === "const") return typeof v.value === "number" ? v.value : null;
    const d = v.tag === "var" ? def.get(v.id) : undefined;
    if (!d || depth > 20) return null;
    if (d.prim === "listLen") {
      const r = d.args[0].tag === "var" ? find(d.args[0].id) : -1;
      return made.has(r) && !grows.has(r) ? made.get(r)! : null;
    }
    const [a, b] = d.args.map((x) => (x ? constOf(x, depth + 1) : null));
    if (a === null || b === null) return null;
    return d.prim === "add" ? a + b : d.prim === "sub" ? a - b : d.prim === "mul" ? a * b : null;
  };
  const escapes: number[] = [];
  const escape = (v: Value) => v.tag === "var" && v.ty === "list" && escapes.push(v.id);
  const reads: [number, Value][] = [];
  walk(body, (s) => {
    if (s.kind === undefined) {
      const [l, i] = s.args;
      if (s.prim === "listSetAt" || s.prim === "listAddAt") {
        union(s.out, l);
        escape(s.args[2]); // (a list stored in a list)
      } else if (s.prim === "listGet" && l.tag === "var") reads.push([l.id, i]);
      // (the length does not escape the elements: a dead write still happens, with 0)
      else if (s.prim !== "listLen") s.args.forEach(escape);
    } else if (s.kind === "while") {
      s.params.forEach((p, k) => (union(p, s.init[k]), union(p, s.body.results[k]), union(p, s.outs[k])));
    } else if (s.kind === "if") {
      s.outs.forEach((o, k) => (union(o, s.then.results[k]), union(o, s.else.results[k])));
    } else s.args.forEach(escape);
  });
  escaping.forEach(escape);
  const escaped = new Set(escapes.map(find));
  walk(body, (s) => {
    if (s.kind !== undefined) return;
    if (s.prim === "listFrom") made.set(find(s.out.id), s.args.length);
    if (s.prim === "listNew") made.set(find(s.out.id), 0);
  });
  // a family made twice (a loop's initial list and another) or written at or past its length grows
  const count = new Map<number, number>();
  walk(body, (s) => s.kind === undefined && (s.prim === "listFrom" || s.prim === "listNew") && count.set(find(s.out.id), (count.get(find(s.out.id)) ?? 0) + 1));
  for (const [r, n] of count) if (n > 1) grows.add(r);
  for (let changed = true; changed; ) {
    changed = false;
    walk(body, (s) => {
      if (s.kind !== undefined || (s.prim !== "listSetAt" && s.prim !== "listAddAt")) return;
      const r = find(s.out.id);
      if (grows.has(r)) return;
      const i = constOf(s.args[1]);
      if (i === null || !made.has(r) || i >= made.get(r)!) (grows.add(r), (changed = true));
    });
  }
  // constant indices read per family; null: a run-time index (every element may be read)
  const readAt = new Map<number, Set<number> | null>();
  for (const [id, i] of reads) {
    const r = find(id);
    const cur = readAt.get(r);
    if (cur === null) continue;
    const k = constOf(i);
    readAt.set(r, k !== null ? new Set([...(cur ?? []), k]) : null);
  }
  const dead = (l: Value, i: number): boolean => {
    if (l.tag !== "var") return false;
    const r = find(l.id);
    const at = readAt.get(r);
    return !escaped.has(r) && at !== null && !(at?.has(i) ?? false);
  };
  const idx = (i: Value) => constOf(i) ?? -1;
  const rewrite = (b: readonly Stmt[]): Stmt[] =>
    b.map((s): Stmt => {
      if (s.kind === undefined) {
        const [l, i, v] = s.args;
        if ((s.prim === "listSetAt" || s.prim === "listAddAt") && v.tag === "var" && v.ty !== "list" && dead(s.out, idx(i))) return { ...s, args: [l, i, num(0)] };
        if (s.prim === "listFrom" && s.args.some((a, k) => a.tag === "var" && a.ty !== "list" && dead(s.out, k)))
          return { ...s, args: s.args.map((a, k) => (a.tag === "var" && a.ty !== "list" && dead(s.out, k) ? num(0) : a)) };
        return s;
      }
      const blk = (x: Block): Block => ({ body: rewrite(x.body), results: x.results });
      if (s.kind === "if") return { ...s, then: blk(s.then), else: blk(s.else) };
      if (s.kind === "while") return { ...s, cond: blk(s.cond), body: blk(s.body) };
      return s;
    });
  return rewrite(body);
}
