// The simplifier: algebraic identities with zero/one propagation, constant folding, common
// subexpression elimination and dead-code elimination, repeated to a fixed point. It is what
// turns grad(grad(grad(grad(cubic)))) into `return 0`.

import type { Block, Fn, PrimStmt, Stmt, Value, Var } from "./ir.js";
import { allDefs, forEachDef, isConst, leaves, mapTree, num, someStmt, uses, walk } from "./ir.js";
import { PRIMS } from "./prims/index.js";
import { deadElements } from "./dead-elements.js";
import { replaced } from "./subst.js";

type Def = Map<number, PrimStmt>;

// Symbolic shapes: which Array values provably share a shape (each primitive's `shape` fact in
// the registry). Enough to drop the broadcasting adjoints (unbroadcast/broadcastLike) of
// elementwise code, which is most of them.
function shapeRep(s: PrimStmt, rep: Map<number, number>): number | null {
  const r = (v: Value) => (v.tag === "var" ? rep.get(v.id) ?? v.id : null);
  const fact = PRIMS[s.prim].shape;
  if (fact && fact !== "operands") {
    const a = s.args[fact.arg];
    return a && a.ty === "arr" ? r(a) : null;
  }
  if (fact !== "operands") return null;
  // An operand of unknown shape (a constant list, a captured non-Array) may broadcast; boolean
  // Arrays from comparisons carry the shape of their operands.
  if (s.args.some((a) => a.ty === "other" && !(a.tag === "var" && rep.has(a.id)))) return null;
  const reps = s.args.filter((a) => a.ty !== "num").map(r);
  if (reps.length === 0 || reps.some((x) => x === null || x !== reps[0])) return null;
  return reps[0];
}

/** Rewrite one statement to a simpler value, or return null to keep it. */
function rewrite(s: PrimStmt, def: Def, rep: Map<number, number>): Value | PrimStmt | null {
  const { prim, args, out } = s;
  const p = PRIMS[prim];
  const isNum = out.ty === "num";
  const allConst = args.every((a) => a.tag === "const" && typeof a.value === "number");

  if (isNum && p.fold && allConst && args.every((a) => a.ty === "num"))
    return num(p.fold(...args.map((a) => (a as { value: number }).value)));

  const [a, b] = args;
  const zero = (v: Value) => isConst(v, 0) || (v.tag === "var" && def.get(v.id)?.prim === "zerosLike");
  const same = (v: Value) => v.ty === out.ty; // identity rewrites must not change num/arr-ness
  const zerosOf = (like: Value): Value | PrimStmt =>
    like.ty === "num" && out.ty === "num" ? num(0) : { out, prim: "zerosLike", args: [like], src: s.src };

  switch (prim) {
    case "add":
      if (isConst(b, 0) && same(a)) return a;
      if (isConst(a, 0) && same(b)) return b;
      break;
    case "sub":
      if (isConst(b, 0) && same(a)) return a;
      if (isConst(a, 0) && same(b)) return { out, prim: "neg", args: [b], src: s.src };
      break;
    case "mul":
      if (isConst(b, 1) && same(a)) return a;
      if (isConst(a, 1) && same(b)) return b;
      if (isConst(b, -1) && same(a)) return { out, prim: "neg", args: [a], src: s.src };
      if (isConst(a, -1) && same(b)) return { out, prim: "neg", args: [b], src: s.src };
      if (isConst(a, 0)) return zerosOf(b);
      if (isConst(b, 0)) return zerosOf(a);
      // A zero array times a number (or itself) keeps the zero's shape.
      if (zero(a) && same(a) && (b.ty === "num" || (b.tag === "var" && a.tag === "var" && a.id === b.id))) return a;
      if (zero(b) && same(b) && a.ty === "num") return b;
      break;
    case "div":
      if (isConst(b, 1) && same(a)) return a;
      break;
    case "pow":
      if (isConst(b, 1) && same(a)) return a;
      if (isConst(b, 0)) return isNum ? num(1) : { out, prim: "onesLike", args: [a], src: s.src };
      if (isConst(b, 2)) return { out, prim: "square", args: [a], src: s.src };
      break;
    case "neg":
      if (a.tag === "var" && def.get(a.id)?.prim === "neg" && same(def.get(a.id)!.args[0])) return def.get(a.id)!.args[0];
      break;
    case "fma":
      if (isConst(b, 1)) return { out, prim: "add", args: [a, args[2]], src: s.src };
      if (isConst(args[2], 0)) return { out, prim: "mul", args: [a, b], src: s.src };
      break;
    case "unbroadcast":
    case "broadcastLike":
      if (a.ty === "arr" && b.ty === "arr" && a.tag === "var" && b.tag === "var" && (rep.get(a.id) ?? a.id) === (rep.get(b.id) ?? b.id))
        return a;
    // falls through
    case "toArray":
      if (a.ty === "num" && (b ?? a).ty === "num") return a;
      if (prim === "toArray" && a.ty === "arr") return a;
      break;
    case "zerosLike":
      if (isNum) return num(0);
      break;
    case "onesLike":
    case "seed":
      if (isNum) return num(1);
      break;
    case "square":
    case "sqrt":
    case "abs":
      if (isConst(a, 0) && isNum) return num(0);
      break;
  }
  return null;
}

/** CSE key. Checks are idempotent for equal operands, so they merge too; tape operations never. */
function key(s: PrimStmt): string | null {
  if (PRIMS[s.prim].fresh) return null;
  const k = (v: Value) => (v.tag === "var" ? `v${v.id}` : v.tag === "ext" ? `e${v.name}` : `c${JSON.stringify(v.value)}:${v.ty}`);
  return `${s.prim}|${s.out.ty}|${s.args.map(k).join(",")}`;
}

interface Scope {
  subst: Map<number, Value>;
  def: Def;
  seen: Map<string, Var>;
  rep: Map<number, number>;
  changed: boolean;
}

/** Forward pass over a block: substitution, rewrites, constant branches, CSE (scoped to the block). */
function forwardBlock(body: readonly Stmt[], sc: Scope): Stmt[] {
  const out: Stmt[] = [];
  const sub = (v: Value): Value => replaced(v, sc.subst);
  const inner = (b: Block): Block => {
    const child: Scope = { ...sc, seen: new Map(sc.seen) };
    const res = forwardBlock(b.body, child);
    if (child.changed) sc.changed = true;
    return { body: res, results: b.results.map(sub) };
  };
  for (const s0 of body) {
    if (s0.kind === "if") {
      const cond = sub(s0.cond);
      if (cond.tag === "const") {
        // A branch known at build time (flags from early returns often are): inline it.
        sc.changed = true;
        const taken = cond.value ? s0.then : s0.else;
        // Values of the branch that never runs may still be read after it (a tape push of the
        // forward pass reads a branch's hoisted locals): at run time they would be undefined.
        forEachDef((cond.value ? s0.else : s0.then).body, (v) => sc.subst.set(v.id, { tag: "const", value: undefined, ty: v.ty }));
        const blk = forwardBlock(taken.body, sc);
        out.push(...blk);
        s0.outs.forEach((o, i) => sc.subst.set(o.id, asTy(o, sub(taken.results[i]))));
        continue;
      }
      const then = inner(s0.then), els = inner(s0.else);
      // Outs that are the same value on both paths, or the boolean condition itself, need no phi.
      const keep: number[] = [];
      s0.outs.forEach((o, i) => {
        const a = then.results[i], b = els.results[i];
        if (sameVal(a, b) && (a.tag !== "var" || !definedIn(then.body, a.id))) sc.subst.set(o.id, asTy(o, a));
        else if (cond.ty === "other" && isConst(a, true) && isConst(b, false)) sc.subst.set(o.id, asTy(o, cond));
        else return void keep.push(i);
        sc.changed = true;
      });
      out.push({
        ...s0,
        cond,
        then: { body: then.body, results: keep.map((i) => then.results[i]) },
        else: { body: els.body, results: keep.map((i) => els.results[i]) },
        outs: keep.map((i) => s0.outs[i]),
      });
      continue;
    }
    if (s0.kind === "while") {
      out.push({ ...s0, init: s0.init.map(sub), cond: inner(s0.cond), body: inner(s0.body) });
      continue;
    }
    if (s0.kind === "call") {
      out.push({ ...s0, args: s0.args.map(sub) });
      continue;
    }
    let s: PrimStmt = { ...s0, args: s0.args.map(sub) };
    if (s.args.some((a, i) => a !== s0.args[i])) sc.changed = true;
    let gone = false;
    // Rewrite until stable (a rewrite may produce another rewritable statement).
    for (let guard = 0; guard < 8; guard++) {
      const r = rewrite(s, sc.def, sc.rep);
      if (r === null) break;
      sc.changed = true;
      if ("tag" in r) {
        sc.subst.set(s.out.id, r);
        gone = true;
        break;
      }
      s = r;
    }
    if (gone) continue;
    const k = key(s);
    const hit = k ? sc.seen.get(k) : undefined;
    if (hit) {
      sc.subst.set(s.out.id, hit);
      sc.changed = true;
      continue;
    }
    if (k) sc.seen.set(k, s.out);
    sc.def.set(s.out.id, s);
    if (s.out.ty !== "num") {
      const r = shapeRep(s, sc.rep);
      if (r !== null) sc.rep.set(s.out.id, r);
    }
    out.push(s);
  }
  return out;
}

/**
 * A value standing for `o`, read as o's kind where one is a number and the other a boolean
 * (`0 || false` joins as a number): reverse mode has already typed the tape pops that will read
 * o back, and a push must use the same stack.
 */
function asTy(o: Var, v: Value): Value {
  const mixed = (o.ty === "num" && v.ty === "other") || (o.ty === "other" && v.ty === "num");
  return mixed ? ({ ...v, ty: o.ty } as Value) : v;
}

const sameVal = (a: Value, b: Value) =>
  (a.tag === "var" && b.tag === "var" && a.id === b.id) || (a.tag === "const" && b.tag === "const" && Object.is(a.value, b.value) && a.ty === b.ty);

function definedIn(body: readonly Stmt[], id: number): boolean {
  return allDefs(body).has(id);
}

/** Whether a block has a run-time effect (a check, a tape operation, a call) at any depth. */
const hasEffect = (body: readonly Stmt[]): boolean => someStmt(body, (s) => (s.kind === undefined ? !!PRIMS[s.prim].effect : s.kind === "call"));

/** Dead code: keep what `live` (the results after this block) or an effect needs. */
function dceBlock(body: readonly Stmt[], live: Set<number>, sc: { changed: boolean }): Stmt[] {
  const kept: Stmt[] = [];
  const mark = (v: Value) => v.tag === "var" && live.add(v.id);
  for (let i = body.length - 1; i >= 0; i--) {
    const s = body[i];
    if (s.kind === undefined) {
      if (!live.has(s.out.id) && !PRIMS[s.prim].effect) {
        sc.changed = true;
        continue;
      }
      s.args.forEach(mark);
      kept.push(s);
    } else if (s.kind === "call") {
      // calls push onto (and pop from) the tape of calls: always kept
      s.args.forEach(mark);
      kept.push(s);
    } else if (s.kind === "if") {
      // Values defined inside a branch may be read after it (the adjoint reads the forward's).
      const keepOut = s.outs.map((o) => live.has(o.id));
      if (keepOut.some((k) => !k)) sc.changed = true;
      const prune = (b: Block): Block => {
        const results = b.results.filter((_, j) => keepOut[j]);
        const l = new Set(live);
        results.forEach((r) => r.tag === "var" && l.add(r.id));
        const bodyK = dceBlock(b.body, l, sc);
        l.forEach((id) => live.add(id));
        return { body: bodyK, results };
      };
      const then = prune(s.then), els = prune(s.else);
      if (!keepOut.some(Boolean) && then.body.length === 0 && els.body.length === 0) {
        sc.changed = true;
        continue;
      }
      mark(s.cond);
      kept.push({ ...s, then, else: els, outs: s.outs.filter((_, j) => keepOut[j]) });
    } else {
      const innerLive = [...allDefs(s.body.body)].some((id) => live.has(id)) || s.params.some((p) => live.has(p.id));
      if (!s.outs.some((o) => live.has(o.id)) && !innerLive && !hasEffect(s.body.body) && !hasEffect(s.cond.body)) {
        sc.changed = true;
        continue;
      }
      // Loop bodies: everything the results, the condition or an effect needs, iterated since the
      // next iteration reads the parameters. A parameter is live when its out is, or when live
      // code in the loop reads it; the others go (a value nothing reads, even one carried from
      // iteration to iteration, must not reach the adjoint: its local derivative may be inf).
      const liveP = s.params.map((p, i) => live.has(s.outs[i].id) || live.has(p.id));
      let l = new Set(live);
      let cond: Block = s.cond, bodyB: Block = s.body;
      for (let guard = 0; guard < s.params.length + 4; guard++) {
        const before = l.size;
        s.body.results.forEach((r, i) => liveP[i] && r.tag === "var" && l.add(r.id));
        s.cond.results.forEach((r) => r.tag === "var" && l.add(r.id));
        const sink = { changed: false };
        bodyB = { body: dceBlock(s.body.body, l, sink), results: s.body.results };
        cond = { body: dceBlock(s.cond.body, l, sink), results: s.cond.results };
        let grew = false;
        s.params.forEach((p, i) => !liveP[i] && l.has(p.id) && (liveP[i] = grew = true));
        if (grew) l = new Set([...live, ...l]);
        else if (l.size === before) break;
      }
      l.forEach((id) => live.add(id));
      if (liveP.some((k) => !k)) {
        sc.changed = true;
        const pick = <T,>(xs: readonly T[]) => xs.filter((_, i) => liveP[i]);
        s.init.forEach((v, i) => liveP[i] && mark(v));
        kept.push({ ...s, params: pick(s.params), init: pick(s.init), outs: pick(s.outs), cond, body: { body: bodyB.body, results: pick(bodyB.results) } });
        continue;
      }
      s.init.forEach(mark);
      kept.push({ ...s, cond, body: bodyB });
    }
  }
  kept.reverse();
  return kept;
}


function onePass(fn: Fn): { fn: Fn; changed: boolean } {
  const sc: Scope = { subst: new Map(), def: new Map(), seen: new Map(), rep: new Map(), changed: false };
  const body = forwardBlock(fn.body, sc);
  const sub = (v: Value): Value => replaced(v, sc.subst);
  const result = mapTree(fn.result, sub);
  const live = new Set<number>();
  for (const v of leaves(result)) if (v.tag === "var") live.add(v.id);
  // what the local functions read from the enclosing function (the tape of calls)
  for (const lf of fn.locals ?? []) for (const s of lf.body) for (const u of uses(s)) if (u.tag === "var") live.add(u.id);
  const kept = dceBlock(body, live, sc);
  return { fn: { ...fn, body: kept, result }, changed: sc.changed };
}

/**
 * Dead code elimination alone (no rewrites), to a fixed point: run before reverse mode, so a value
 * nothing reads never gets an adjoint (whose 0 · ∞ would be NaN inside a loop).
 */
export function dce(fn: Fn): Fn {
  const prune = (body: readonly Stmt[], results: readonly Value[], extra: readonly Value[] = []): Stmt[] => {
    let cur = [...body];
    for (let i = 0; i < 50; i++) {
      const live = new Set<number>();
      for (const v of [...results, ...extra]) if (v.tag === "var") live.add(v.id);
      const sc = { changed: false };
      cur = dceBlock(cur, live, sc);
      if (!sc.changed) break;
    }
    return cur;
  };
  // what the local functions read from the enclosing function stays
  const outer: Value[] = [];
  for (const lf of fn.locals ?? []) for (const s of lf.body) outer.push(...uses(s));
  // (a list parameter is the caller's array: its elements stay)
  const params = fn.params.flatMap((p) => leaves(p.tree));
  const locals = fn.locals?.map((lf) => ({ ...lf, body: prune(deadElements(lf.body, [...lf.results, ...lf.params]), lf.results) }));
  return { ...fn, body: prune(deadElements(fn.body, [...leaves(fn.result), ...outer, ...params]), leaves(fn.result), outer), locals };
}

/** Simplify a nested block on its own (a loop's adjoint before choosing what to tape). */
export function simplifyBlock(b: Block): Block {
  const fn = simplify({ name: "block", params: [], body: b.body, result: { kind: "tup", kids: b.results.map((v) => ({ kind: "leaf", v })) } });
  return { body: fn.body, results: leaves(fn.result) };
}

export function simplify(fn: Fn): Fn {
  let cur = fn;
  for (let i = 0; i < 50; i++) {
    const r = onePass(cur);
    cur = r.fn;
    if (!r.changed) break;
  }
  if (!cur.locals) return cur;
  const locals = cur.locals.map((lf) => {
    const b = simplifyBlock({ body: lf.body, results: lf.results });
    return { ...lf, body: b.body, results: b.results };
  });
  // only the local functions something calls (reverse mode keeps every primal function)
  const called = new Set<string>();
  const visit = (body: readonly Stmt[]): void =>
    walk(body, (s) => {
      if (s.kind !== "call" || called.has(s.fn)) return;
      called.add(s.fn);
      const lf = locals.find((l) => l.name === s.fn);
      if (lf) visit(lf.body);
      // a function with the user's rule uses the local functions holding it
      const c = lf?.custom;
      for (const n of !c || c.kind === "remat" ? [] : c.kind === "vjp" ? [c.fwd, c.bwd] : [c.rule]) {
        const r = locals.find((l) => l.name === n);
        if (r && !called.has(n)) (called.add(n), visit(r.body));
      }
    });
  visit(cur.body);
  const used = locals.filter((lf) => called.has(lf.name));
  return { ...cur, locals: used.length ? used : undefined };
}
