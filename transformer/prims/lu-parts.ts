// lax.linalg.lu's derivative in IR (runtime/numpy/lu-parts.ts): JAX's lu_jvp_rule, with the
// packed factors split into L and U (luL, luU), the tangent's rows in the pivots' order
// (rowsPerm), two triangular solves and two products; its transpose for reverse mode. Written in
// differentiable primitives, so lu differentiates again (to any order, as JAX's).

import { lit, num } from "../ir.js";
import type { Value } from "../ir.js";
import type { Ops, PrimDef } from "./def.js";
import { linear0 } from "./def.js";
import type { BatchCx, BatchEntry } from "./batching.js";

const mT = (o: Ops, x: Value) => o.transpose(x, o.axesPerm(x, lit({ kind: "swap", a: -1, b: -2 })));
const tril = (o: Ops, x: Value, k: number) => o.where(o.triMask(x, num(k), lit(false)), x, num(0));
const triu = (o: Ops, x: Value, k: number) => o.where(o.triMask(x, num(k), lit(true)), x, num(0));
const lower = lit({ leftSide: true, lower: true, unitDiagonal: true });
const upperRight = lit({ leftSide: false, lower: false });

/** The tangent of the packed factors y = lu(a) along t: L·tril(Y, -1) + triu(Y)·U, Y = L⁻¹·P·t·U⁻¹. */
export function luTangent(o: Ops, t: Value, y: Value, perm: Value): Value {
  const L = o.luL(y, lit(true)), U = o.luU(y, lit(true));
  const Y = o.triSolve(U, o.triSolve(L, o.rowsPerm(t, perm), lower), upperRight);
  return o.add(o.matmul(L, tril(o, Y, -1)), o.matmul(triu(o, Y, 0), U));
}
/** Its transpose: a's cotangent from the factors' g: Pᵀ·L⁻ᵀ·(tril(Lᵀg, -1) + triu(g·Uᵀ))·U⁻ᵀ. */
export function luCotangent(o: Ops, g: Value, y: Value, perm: Value): Value {
  const L = o.luL(y, lit(true)), U = o.luU(y, lit(true));
  const Yb = o.add(tril(o, o.matmul(mT(o, L), g), -1), triu(o, o.matmul(g, mT(o, U)), 0));
  const Z = o.triSolve(U, o.triSolve(L, Yb, lit({ leftSide: true, lower: true, unitDiagonal: true, transposeA: true })), lit({ leftSide: false, lower: false, transposeA: true }));
  return o.rowsPermT(Z, perm);
}

const A = { ty: "arr", kernel: "movement" } as const;

export const LU_PARTS: Readonly<Record<string, PrimDef>> = {
  // (lu, eye): affine in lu; the transposes luLT / luUT put a cotangent back in the packed layout
  luL: { ...A, arity: 2, vjp: (o, g, y, [lu]) => [o.luLT(g, lu), null], jvp: (o, [t]) => (t ? o.luL(t, lit(false)) : null) },
  luU: { ...A, arity: 2, vjp: (o, g, y, [lu]) => [o.luUT(g, lu), null], jvp: (o, [t]) => (t ? o.luU(t, lit(false)) : null) },
  // (g, lu): linear in g; lu gives the packed shape only
  luLT: { ...A, arity: 2, shape: { arg: 1 }, vjp: (o, g) => [o.luL(g, lit(false)), null], jvp: linear0("luLT") },
  luUT: { ...A, arity: 2, shape: { arg: 1 }, vjp: (o, g) => [o.luU(g, lit(false)), null], jvp: linear0("luUT") },
  // (t, perm): rows in the pivots' order, and back
  rowsPerm: { ...A, arity: 2, shape: { arg: 0 }, vjp: (o, g, y, [, perm]) => [o.rowsPermT(g, perm), null], jvp: linear0("rowsPerm") },
  rowsPermT: { ...A, arity: 2, shape: { arg: 0 }, vjp: (o, g, y, [, perm]) => [o.rowsPerm(g, perm), null], jvp: linear0("rowsPermT") },
};

const bc = (c: BatchCx, v: Value, b: boolean): Value => (b || v.ty !== "arr" ? v : c.o.vBcast(v, c.size));
/** Leading axes are a batch: every Array operand given the batch axis. */
const all: BatchEntry = { rule: (c, args, bd, prim) => c.o[prim](...args.map((a, i) => bc(c, a, bd[i]))) };

export const LU_PARTS_BATCH: Readonly<Record<string, BatchEntry>> = Object.fromEntries(Object.keys(LU_PARTS).map((p) => [p, all]));
