// The simplifier: algebraic identities with zero/one propagation, constant folding, common
// subexpression elimination and dead-code elimination, repeated to a fixed point. It is what
// turns grad(grad(grad(grad(cubic)))) into `return 0`.

import type { Fn, Stmt, Value, Var } from "./ir.js";
import { freshVar, isConst, leaves, mapTree, num } from "./ir.js";
import { PRIMS } from "./prims.js";

type Def = Map<number, Stmt>;

// Symbolic shapes: which Array values provably share a shape. Enough to drop the broadcasting
// adjoints (unbroadcast/broadcastLike) of elementwise code, which is most of them.
const SAME_AS_OPERANDS = new Set([
  "neg", "exp", "log", "log1p", "expm1", "tanh", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
  "sqrt", "abs", "sign", "square", "reciprocal", "floor", "ceil", "round", "trunc", "astype", "toArray",
  "add", "sub", "mul", "div", "pow", "mod", "maximum", "minimum", "arctan2", "fma", "where", "balancedEq",
  "less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual",
]);
/** Primitives whose result has the shape of operand i. */
const SAME_AS_ARG: Record<string, number> = {
  unbroadcast: 1, broadcastLike: 1, seed: 0, zerosLike: 0, onesLike: 0, unreduce: 1, reshapeLike: 1, maxMask: 0,
  indexTranspose: 1, sliceTranspose: 1, takeTranspose: 1, dotGradA: 1, dotGradB: 2, matmulGradA: 1, matmulGradB: 2,
};

function shapeRep(s: Stmt, rep: Map<number, number>): number | null {
  const r = (v: Value) => (v.tag === "var" ? rep.get(v.id) ?? v.id : null);
  if (s.prim in SAME_AS_ARG) {
    const a = s.args[SAME_AS_ARG[s.prim]];
    return a && a.ty === "arr" ? r(a) : null;
  }
  if (!SAME_AS_OPERANDS.has(s.prim)) return null;
  const reps = s.args.filter((a) => a.ty === "arr").map(r);
  if (reps.length === 0 || reps.some((x) => x === null || x !== reps[0])) return null;
  return reps[0];
}

/** Rewrite one statement to a simpler value, or return null to keep it. */
function rewrite(s: Stmt, def: Def, rep: Map<number, number>): Value | Stmt | null {
  const { prim, args, out } = s;
  const p = PRIMS[prim];
  const isNum = out.ty === "num";
  const allConst = args.every((a) => a.tag === "const" && typeof a.value === "number");

  if (isNum && p.fold && allConst && args.every((a) => a.ty === "num"))
    return num(p.fold(...args.map((a) => (a as { value: number }).value)));

  const [a, b] = args;
  const zero = (v: Value) => isConst(v, 0) || (v.tag === "var" && def.get(v.id)?.prim === "zerosLike");
  const same = (v: Value) => v.ty === out.ty; // identity rewrites must not change num/arr-ness
  const zerosOf = (like: Value): Value | Stmt =>
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

/** CSE key. Effectful primitives are checks, idempotent for equal operands, so they merge too. */
function key(s: Stmt): string | null {
  const k = (v: Value) => (v.tag === "var" ? `v${v.id}` : v.tag === "ext" ? `e${v.name}` : `c${JSON.stringify(v.value)}:${v.ty}`);
  return `${s.prim}|${s.out.ty}|${s.args.map(k).join(",")}`;
}

function onePass(fn: Fn): { fn: Fn; changed: boolean } {
  let changed = false;
  const subst = new Map<number, Value>();
  const def: Def = new Map();
  const seen = new Map<string, Var>();
  const rep = new Map<number, number>();
  const body: Stmt[] = [];
  const sub = (v: Value): Value => (v.tag === "var" ? subst.get(v.id) ?? v : v);
  for (const s0 of fn.body) {
    let s: Stmt = { ...s0, args: s0.args.map(sub) };
    if (s.args.some((a, i) => a !== s0.args[i])) changed = true;
    // Rewrite until stable (a rewrite may produce another rewritable statement).
    for (let guard = 0; guard < 8; guard++) {
      const r = rewrite(s, def, rep);
      if (r === null) break;
      changed = true;
      if ("tag" in r) {
        subst.set(s.out.id, r);
        s = null as unknown as Stmt;
        break;
      }
      s = r;
    }
    if (!s) continue;
    const k = key(s);
    const hit = k ? seen.get(k) : undefined;
    if (hit) {
      subst.set(s.out.id, hit);
      changed = true;
      continue;
    }
    if (k) seen.set(k, s.out);
    def.set(s.out.id, s);
    if (s.out.ty === "arr") {
      const r = shapeRep(s, rep);
      if (r !== null) rep.set(s.out.id, r);
    }
    body.push(s);
  }
  const result = mapTree(fn.result, sub);
  // Dead code: keep what the result or an effectful statement needs.
  const live = new Set<number>();
  for (const v of leaves(result)) if (v.tag === "var") live.add(v.id);
  const kept: Stmt[] = [];
  for (let i = body.length - 1; i >= 0; i--) {
    const s = body[i];
    if (!live.has(s.out.id) && !PRIMS[s.prim].effect) {
      changed = true;
      continue;
    }
    for (const a of s.args) if (a.tag === "var") live.add(a.id);
    kept.push(s);
  }
  kept.reverse();
  return { fn: { ...fn, body: kept, result }, changed };
}

export function simplify(fn: Fn): Fn {
  let cur = fn;
  for (let i = 0; i < 50; i++) {
    const r = onePass(cur);
    cur = r.fn;
    if (!r.changed) break;
  }
  return cur;
}

/** A copy with fresh variables, for inlining the same function more than once. */
export function renameFn(fn: Fn): Fn {
  const m = new Map<number, Var>();
  const rn = (v: Var): Var => {
    let n = m.get(v.id);
    if (!n) m.set(v.id, (n = freshVar(v.name, v.ty)));
    return n;
  };
  const rv = (v: Value): Value => (v.tag === "var" ? rn(v) : v);
  return {
    name: fn.name,
    params: fn.params.map((p) => ({ ...p, tree: mapTree(p.tree, rn) })),
    body: fn.body.map((s) => ({ ...s, out: rn(s.out), args: s.args.map(rv) })),
    result: mapTree(fn.result, rv),
  };
}
