// The primitives behind runtime/numpy/more.ts's formulas that need shapes known only at run time
// (runtime/numpy/more-prims.ts): index lists along an axis (then a `take`), tensordot's
// contraction with its two adjoints (<g, tdot(x, y)> is trilinear, so the three are closed under
// transposition, as dot's are), diag and its adjoint, and eager functions whose results are
// constants (windows, grids) or have no derivative (frexp). Each counts vmap's leading axes
// (`k`), so its batching rule adds one.

import { lit, num } from "../ir.js";
import type { Value } from "../ir.js";
import type { JvpRule, PrimDef } from "./def.js";
import { addAll, linear0 } from "./def.js";
import type { BatchEntry, BatchCx } from "./batching.js";

/** Forward mode of a primitive bilinear in operands i and j (the others static). */
const bilinear =
  (name: string, i: number, j: number): JvpRule =>
  (o, t, y, args) => {
    const with_ = (k: number) => (t[k] ? o[name](...args.map((a, m) => (m === k ? t[k]! : a))) : null);
    return addAll(o, [with_(i), with_(j)]);
  };

const T = { ty: "arr", kernel: "opaque" } as const;

export const MORE: Readonly<Record<string, PrimDef>> = {
  // (spec, ...refs): int32 indices from the refs' shapes (a mask-like value: no derivative)
  moreIdx: { ...T, arity: { min: 2 }, nondiff: true },
  tdot: { ...T, arity: 3, vjp: (o, g, y, [a, b, s]) => [o.tdotGradA(g, a, b, s), o.tdotGradB(g, a, b, s), null], jvp: bilinear("tdot", 0, 1) },
  tdotGradA: { ...T, arity: 4, shape: { arg: 1 }, vjp: (o, ga, y, [g, a, b, s]) => [o.tdot(ga, b, s), null, o.tdotGradB(g, ga, b, s), null], jvp: bilinear("tdotGradA", 0, 2) },
  tdotGradB: { ...T, arity: 4, shape: { arg: 2 }, vjp: (o, gb, y, [g, a, b, s]) => [o.tdot(a, gb, s), o.tdotGradA(g, a, gb, s), null, null], jvp: bilinear("tdotGradB", 0, 1) },
  // (v, k, kb): linear in v, its adjoint the other way round
  diagOp: { ...T, arity: 3, kernel: "movement", vjp: (o, g, y, [v, k, kb]) => [o.diagOpT(g, v, k, kb), null, null], jvp: linear0("diagOp") },
  diagOpT: { ...T, arity: 4, kernel: "movement", shape: { arg: 1 }, vjp: (o, gv, y, [, , k, kb]) => [o.diagOp(gv, k, kb), null, null, null], jvp: linear0("diagOpT") },
  // (w, a, axis, kw, ka, fn): average's 1-D weights reshaped along an axis of a (linear in w)
  alongAxis: { ...T, arity: 6, kernel: "movement", vjp: (o, g, y, [w]) => [o.reshapeLike(g, w), null, null, null, null, null], jvp: linear0("alongAxis") },
  // (name, ...args): an eager function of more-prims.ts's table
  moreEager: { ...T, arity: { min: 1 }, nondiff: true },
};

const cst = (v: Value): unknown => (v.tag === "const" ? v.value : undefined);
/** An unbatched operand given the batch axis. */
const bc = (c: BatchCx, v: Value, b: boolean): Value => (b ? v : c.o.vBcast(v, c.size));
/** tdot and its adjoints: every Array operand batched, one more leading axis in the spec. */
const tdBatch: BatchEntry = {
  rule: (c, args, bd, prim) => {
    const n = args.length - 1;
    const s = cst(args[n]) as { k?: number };
    return c.o[prim](...args.slice(0, n).map((a, i) => bc(c, a, bd[i])), lit({ ...s, k: (s.k ?? 0) + 1 }));
  },
};
/** Eager functions applied elementwise (the rest make constants: no batched arguments). */
const ELEMENTWISE_EAGER = new Set(["frexpMantissa", "frexpExponent"]);

export const MORE_BATCH: Readonly<Record<string, BatchEntry>> = {
  // one example's indices (the take's own rule shifts its axis)
  moreIdx: {
    rule: (c, [spec, ...refs], bd) => {
      const s = cst(spec) as { k?: number[] };
      return { same: c.o.moreIdx(lit({ ...s, k: refs.map((_, i) => (s.k?.[i] ?? 0) + (bd[i + 1] ? 1 : 0)) }), ...refs) };
    },
  },
  tdot: tdBatch,
  tdotGradA: tdBatch,
  tdotGradB: tdBatch,
  diagOp: { rule: (c, [v, k, kb]) => c.o.diagOp(v, k, num((cst(kb) as number) + 1)) },
  diagOpT: { rule: (c, [g, v, k, kb], bd) => c.o.diagOpT(bc(c, g, bd[0]), bc(c, v, bd[1]), k, num((cst(kb) as number) + 1)) },
  alongAxis: { rule: (c, [w, a, ax, kw, ka, fn], bd) => c.o.alongAxis(bc(c, w, bd[0]), bc(c, a, bd[1]), ax, num((cst(kw) as number) + 1), num((cst(ka) as number) + 1), fn) },
  moreEager: {
    rule: (c, [name, ...args]) => {
      const n = cst(name) as string;
      if (!ELEMENTWISE_EAGER.has(n)) return c.fail(`vmap of jnp.${n} with arguments that differ per example (it runs eagerly, as a constant)`);
      return c.o.moreEager(name, ...args);
    },
  },
};
