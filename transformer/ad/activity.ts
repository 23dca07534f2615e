// What both AD transforms need to know about a function before they rewrite it: which values
// depend on the differentiated inputs (activity), which tapes its local functions share with it,
// which local functions touch a tape, and fresh names for the local functions they derive.

import type { Fn, Stmt, Value } from "../ir.js";
import { allDefs, someStmt, walk } from "../ir.js";
import { PRIMS } from "../prims/index.js";

/**
 * Local functions of a Fn as a transform sees them: the names of the functions derived from each
 * (reverse mode: forward and backward halves; forward mode: the tangent version), and which of
 * them touch a tape (the halves of an earlier reverse pass push and pop the tape of calls).
 */
export interface Locals<K extends string> {
  readonly derived: ReadonlyMap<string, Readonly<Record<K, string>>>;
  /** Functions that push or pop a tape, directly or through a call: always active (see below). */
  readonly tapeUsers: ReadonlySet<string>;
}

export function localsOf<K extends string>(fn: Fn, suffixes: readonly K[]): Locals<K> {
  const lfs = fn.locals ?? [];
  const taken = new Set(lfs.map((l) => l.name));
  const uniq = (n: string) => {
    let name = n;
    for (let k = 2; taken.has(name); k++) name = `${n}${k}`;
    taken.add(name);
    return name;
  };
  const derived = new Map(lfs.map((l) => [l.name, Object.fromEntries(suffixes.map((x) => [x, uniq(`${l.name}_${x}`)])) as Record<K, string>] as const));
  const direct = (body: readonly Stmt[]) => someStmt(body, (s) => s.kind === undefined && (s.prim === "tapePush" || s.prim === "tapePop"));
  const calls = (body: readonly Stmt[]) => {
    const out: string[] = [];
    walk(body, (s) => s.kind === "call" && out.push(s.fn));
    return out;
  };
  const tapeUsers = new Set(lfs.filter((l) => direct(l.body)).map((l) => l.name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const l of lfs) if (!tapeUsers.has(l.name) && calls(l.body).some((c) => tapeUsers.has(c))) (tapeUsers.add(l.name), (grew = true));
  }
  return { derived, tapeUsers };
}

/**
 * Tapes the local functions share with the enclosing function (the tape of calls of an earlier
 * reverse pass): taken as active everywhere, so that every push and pop on them gets its adjoint
 * (or tangent) and the tape's channels stay balanced across functions (higher order through
 * recursion).
 */
export function sharedTapes(fn: Fn): Set<number> {
  const out = new Set<number>();
  for (const l of fn.locals ?? []) {
    const inner = allDefs(l.body);
    walk(l.body, (s) => {
      if (s.kind !== undefined || (s.prim !== "tapePush" && s.prim !== "tapePop")) return;
      const t = s.args[0];
      if (t.tag === "var" && !inner.has(t.id)) out.add(t.id);
    });
  }
  return out;
}

/** Activity: forward dependence on the differentiated leaves, through branches and loops. */
export function markActive(body: readonly Stmt[], active: Set<number>, tapeUsers: ReadonlySet<string>): void {
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
      if (s.args.some(isA) || tapeUsers.has(s.fn)) s.outs.forEach((o) => active.add(o.id));
    } else if (s.kind === "if") {
      markActive(s.then.body, active, tapeUsers);
      markActive(s.else.body, active, tapeUsers);
      s.outs.forEach((o, i) => (isA(s.then.results[i]) || isA(s.else.results[i])) && active.add(o.id));
    } else {
      // A loop parameter is active if its initial value or its next value is: iterate to a fixed point.
      for (let guard = 0; guard < 1000; guard++) {
        const before = active.size;
        s.params.forEach((p, i) => (isA(s.init[i]) || isA(s.body.results[i])) && active.add(p.id));
        markActive(s.cond.body, active, tapeUsers);
        markActive(s.body.body, active, tapeUsers);
        if (active.size === before) break;
      }
      s.outs.forEach((o, i) => active.has(s.params[i].id) && active.add(o.id));
    }
  }
}
