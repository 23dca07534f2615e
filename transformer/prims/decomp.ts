// The decompositions' primitives (runtime/numpy/decomp.ts): one primitive per result (eigh's w
// and v, svd's s, u and vt, qr's q and r, lu's three), each rule recomputing the others it reads
// (the same kernel on the same operand). Their derivatives are JAX's, written in IR:
// - eigh (the operand already symmetric): dw = diag(Vᵀ dA V), dV = V (F ∘ Vᵀ dA V), F_ij = 1/(w_j - w_i)
// - svd: JAX's svd_jvp_rule with dS = Uᵀ dA V, F_ij = 1/(s_j² - s_i²), and the terms that
//   vanish for square matrices added always ((I - UUᵀ) dA V S⁻¹, (I - VVᵀ) dAᵀ U S⁻¹)
// - qr (reduced, m >= n): C = Qᵀ dA R⁻¹, Ω = tril(C, -1) - tril(C, -1)ᵀ, dQ = Q(Ω - C) + dA R⁻¹, dR = (C - Ω) R
// - triangularSolve: like solve, with the cotangent of a kept to the triangle that is read
// - pinv: the Golub–Pereyra formula JAX's custom rule uses
// The reverse rules are the transposes of these maps.

import type { Ops, PrimDef } from "./def.js";
import { addAll } from "./def.js";
import type { Value } from "../ir.js";
import { lit, num } from "../ir.js";
import type { AvalRule } from "../avals.js";
import { likeArg } from "../avals.js";
import { luCotangent, luTangent } from "./lu-parts.js";

const cst = (v: Value): unknown => (v.tag === "const" ? v.value : undefined);
const mT = (o: Ops, x: Value) => o.transpose(x, o.axesPerm(x, lit({ kind: "swap", a: -1, b: -2 })));
const mm = (o: Ops, ...xs: Value[]) => xs.slice(1).reduce((a, b) => o.matmul(a, b), xs[0]);
/** A vector as a row (scales columns) or a column (scales rows) of its matrix. */
const row = (o: Ops, v: Value) => o.expandDims(v, num(-2));
const col = (o: Ops, v: Value) => o.expandDims(v, num(-1));
const tril = (o: Ops, x: Value, k: number) => o.where(o.triMask(x, num(k), lit(false)), x, num(0));
const triu = (o: Ops, x: Value, k: number) => o.where(o.triMask(x, num(k), lit(true)), x, num(0));
/** The identity shaped like the square matrices of d (1 on the diagonal). */
const eyeLike = (o: Ops, d: Value) => o.where(o.triMask(d, num(0), lit(false)), o.where(o.triMask(d, num(0), lit(true)), num(1), num(0)), num(0));
/** F_ij = 1/(v_j - v_i) off the diagonal, 0 on it (JAX's: 1/(D + I) - I, so nothing is infinite). */
function fmat(o: Ops, v: Value): Value {
  const d = o.sub(row(o, v), col(o, v));
  const eye = eyeLike(o, d);
  return o.sub(o.reciprocal(o.add(d, eye)), eye);
}

// ---- eigh ----
const eighF = (o: Ops, a: Value) => fmat(o, o.eighW(a));
// ---- svd (the reduced factors) ----
const sv = (o: Ops, a: Value) => ({ s: o.svdS(a), u: o.svdU(a, lit(false)), vt: o.svdVt(a, lit(false)) });
const svdF = (o: Ops, s: Value) => fmat(o, o.mul(s, s));
/** u or vt with fullMatrices: its derivative exists for square matrices only (a run-time check). */
const fullCheck = (o: Ops, g: Value, a: Value, full: Value) => (cst(full) === false ? g : o.gradShapeCheck(g, a, lit("svd")));
// ---- qr ----
const qrParts = (o: Ops, a: Value) => ({ q: o.qrQ(a, lit(false)), r: o.qrR(a, lit(false)) });
const qrCheck = (o: Ops, g: Value, a: Value, full: Value) => o.gradShapeCheck(g, a, lit(cst(full) === true ? "qrComplete" : "qr"));
/** X R⁻¹ and X R⁻ᵀ, R upper triangular. */
const rightInv = (o: Ops, r: Value, x: Value, transposeA: boolean) => o.triSolve(r, x, lit({ leftSide: false, lower: false, transposeA }));

// ---- triangularSolve(a, b, opts) ----
type Tri = { leftSide?: boolean; lower?: boolean; transposeA?: boolean; unitDiagonal?: boolean };
/** The part of a that the solve reads. */
const triPart = (o: Ops, x: Value, t: Tri) => (t.lower ? tril(o, x, t.unitDiagonal ? -1 : 0) : triu(o, x, t.unitDiagonal ? 1 : 0));

/** Shapes: a's with the last axis dropped, or with the last two replaced. */
const dropLast: AvalRule = ({ args: [x], fresh }) => ({ dtype: "f32", shape: typeof x.shape === "string" ? fresh : x.shape.slice(0, -1) });
const fresh = (dtype: "f32" | "i32"): AvalRule => ({ fresh }) => ({ dtype, shape: fresh });

export const DECOMP: Readonly<Record<string, PrimDef>> = {
  eighW: {
    ty: "arr",
    arity: 1,
    kernel: "opaque",
    aval: dropLast,
    vjp: (o, g, y, [a]) => {
      const v = o.eighV(a);
      return [mm(o, o.mul(v, row(o, g)), mT(o, v))];
    },
    jvp: (o, [t], y, [a]) => (t ? o.sum(o.mul(o.eighV(a), o.matmul(t, o.eighV(a))), num(-2), lit(undefined)) : null),
  },
  eighV: {
    ty: "arr",
    arity: 1,
    kernel: "opaque",
    aval: likeArg(0),
    vjp: (o, g, v, [a]) => [mm(o, v, o.mul(eighF(o, a), o.matmul(mT(o, v), g)), mT(o, v))],
    jvp: (o, [t], v, [a]) => (t ? o.matmul(v, o.mul(eighF(o, a), mm(o, mT(o, v), t, v))) : null),
  },

  svdS: {
    ty: "arr",
    arity: 1,
    kernel: "opaque",
    vjp: (o, g, y, [a]) => {
      const { u, vt } = sv(o, a);
      return [mm(o, o.mul(u, row(o, g)), vt)];
    },
    jvp: (o, [t], y, [a]) => {
      if (!t) return null;
      const { u, vt } = sv(o, a);
      return o.sum(o.mul(u, mm(o, t, mT(o, vt))), num(-2), lit(undefined));
    },
  },
  svdU: {
    ty: "arr",
    arity: 2,
    kernel: "opaque",
    vjp: (o, g0, y, [a, full]) => {
      const g = fullCheck(o, g0, a, full);
      const { s, u, vt } = sv(o, a);
      const utg = o.matmul(mT(o, u), g);
      const j = o.mul(svdF(o, s), utg);
      const gds = o.mul(o.add(j, mT(o, j)), row(o, s));
      const rest = o.div(o.sub(g, o.matmul(u, utg)), row(o, s));
      return [o.matmul(o.add(o.matmul(u, gds), rest), vt), null];
    },
    jvp: (o, [t0], y, [a, full]) => {
      if (!t0) return null;
      const t = fullCheck(o, t0, a, full);
      const { s, u, vt } = sv(o, a);
      const dav = o.matmul(t, mT(o, vt));
      const dss = o.mul(o.matmul(mT(o, u), dav), row(o, s));
      const du = o.matmul(u, o.mul(svdF(o, s), o.add(dss, mT(o, dss))));
      return o.add(du, o.div(o.sub(dav, o.matmul(u, o.matmul(mT(o, u), dav))), row(o, s)));
    },
  },
  svdVt: {
    ty: "arr",
    arity: 2,
    kernel: "opaque",
    vjp: (o, g0, y, [a, full]) => {
      const g = fullCheck(o, g0, a, full);
      const { s, u, vt } = sv(o, a);
      const k = o.mul(svdF(o, s), o.matmul(vt, mT(o, g)));
      const gds = o.mul(col(o, s), o.add(k, mT(o, k)));
      const rest = o.matmul(o.div(u, row(o, s)), o.sub(g, mm(o, g, mT(o, vt), vt)));
      return [o.add(mm(o, u, gds, vt), rest), null];
    },
    jvp: (o, [t0], y, [a, full]) => {
      if (!t0) return null;
      const t = fullCheck(o, t0, a, full);
      const { s, u, vt } = sv(o, a);
      const v = mT(o, vt);
      const dS = mm(o, mT(o, u), t, v);
      const sds = o.mul(col(o, s), dS);
      const datu = o.matmul(mT(o, t), u);
      const dv = o.add(o.matmul(v, o.mul(svdF(o, s), o.add(sds, mT(o, sds)))), o.div(o.sub(datu, o.matmul(v, o.matmul(vt, datu))), row(o, s)));
      return mT(o, dv);
    },
  },

  qrQ: {
    ty: "arr",
    arity: 2,
    kernel: "opaque",
    vjp: (o, g0, y, [a, full]) => {
      const g = qrCheck(o, g0, a, full);
      const { q, r } = qrParts(o, a);
      const n = o.matmul(mT(o, q), g);
      const gc = o.sub(tril(o, o.sub(n, mT(o, n)), -1), n);
      return [rightInv(o, r, o.add(o.matmul(q, gc), g), true), null];
    },
    jvp: (o, [t0], y, [a, full]) => {
      if (!t0) return null;
      const t = qrCheck(o, t0, a, full);
      const { q, r } = qrParts(o, a);
      const dxr = rightInv(o, r, t, false);
      const c = o.matmul(mT(o, q), dxr);
      const l = tril(o, c, -1);
      return o.add(o.matmul(q, o.sub(o.sub(l, mT(o, l)), c)), dxr);
    },
  },
  qrR: {
    ty: "arr",
    arity: 2,
    kernel: "opaque",
    vjp: (o, g0, y, [a, full]) => {
      const g = qrCheck(o, g0, a, full);
      const { q, r } = qrParts(o, a);
      const m = o.matmul(g, mT(o, r));
      const gc = o.sub(m, tril(o, o.sub(m, mT(o, m)), -1));
      return [rightInv(o, r, o.matmul(q, gc), true), null];
    },
    jvp: (o, [t0], y, [a, full]) => {
      if (!t0) return null;
      const t = qrCheck(o, t0, a, full);
      const { q, r } = qrParts(o, a);
      const c = mm(o, mT(o, q), rightInv(o, r, t, false));
      const l = tril(o, c, -1);
      return o.matmul(o.sub(c, o.sub(l, mT(o, l))), r);
    },
  },
  // the identity of g where the derivative exists for a's shape, else a run-time error (gradShapeCheck)
  gradShapeCheck: {
    ty: "arr",
    arity: 3,
    kernel: "opaque",
    aval: likeArg(0),
    vjp: (o, g, y, [, a, what]) => [o.gradShapeCheck(g, a, what), null, null],
    jvp: (o, [t], y, [, a, what]) => (t ? o.gradShapeCheck(t, a, what) : null),
  },

  // op(a)·x = b (leftSide) or x·op(a) = b
  triSolve: {
    ty: "arr",
    arity: 3,
    kernel: "opaque",
    aval: likeArg(1),
    vjp: (o, g, x, [a, b, opts]) => {
      const t = (cst(opts) ?? {}) as Tri;
      const gb = o.triSolve(a, g, lit({ ...t, transposeA: !t.transposeA }));
      const ga = t.leftSide ? (t.transposeA ? o.matmul(x, mT(o, gb)) : o.matmul(gb, mT(o, x))) : t.transposeA ? o.matmul(mT(o, gb), x) : o.matmul(mT(o, x), gb);
      return [o.neg(triPart(o, ga, t)), gb, null];
    },
    jvp: (o, [ta, tb], x, [a, , opts]) => {
      const t = (cst(opts) ?? {}) as Tri;
      let rhs: Value | null = tb;
      if (ta) {
        const d = triPart(o, ta, t);
        const op = t.transposeA ? mT(o, d) : d;
        const term = t.leftSide ? o.matmul(op, x) : o.matmul(x, op);
        rhs = rhs ? o.sub(rhs, term) : o.neg(term);
      }
      return rhs ? o.triSolve(a, rhs, opts) : null;
    },
  },

  // pinvOf(a, cut): P = a⁺. dP = -P dA P + P Pᵀ dAᵀ (I - A P) + (I - P A) dAᵀ Pᵀ P
  pinvOf: {
    ty: "arr",
    arity: 2,
    kernel: "opaque",
    vjp: (o, g, p, [a]) => {
      const pt = mT(o, p), gt = mT(o, g);
      const z = mm(o, gt, p, pt);
      const w = mm(o, pt, p, gt);
      return [addAll(o, [o.neg(mm(o, pt, g, pt)), o.sub(z, mm(o, a, p, z)), o.sub(w, mm(o, w, p, a))]), null];
    },
    jvp: (o, [t], p, [a]) => {
      if (!t) return null;
      const tt = mT(o, t);
      const z = mm(o, p, mT(o, p), tt);
      const w = mm(o, tt, mT(o, p), p);
      return addAll(o, [o.neg(mm(o, p, t, p)), o.sub(z, mm(o, z, a, p)), o.sub(w, mm(o, p, a, w))]);
    },
  },
  matrixRank: { ty: "arr", arity: 2, nondiff: true, kernel: "opaque", aval: fresh("i32") },

  // lax.linalg.lu: the packed factors are differentiable (any shape, as JAX's: its rule, written
  // in IR by prims/lu-parts.ts, so to any order)
  luFactors: {
    ty: "arr",
    arity: 1,
    kernel: "opaque",
    aval: likeArg(0),
    vjp: (o, g, y, [a]) => [luCotangent(o, g, y, o.luPermutation(a))],
    jvp: (o, [t], y, [a]) => (t ? luTangent(o, t, y, o.luPermutation(a)) : null),
  },
  luPivots: { ty: "arr", arity: 1, nondiff: true, kernel: "opaque", aval: fresh("i32") },
  luPermutation: { ty: "arr", arity: 1, nondiff: true, kernel: "opaque", aval: fresh("i32") },
};

const same = { rule: (c: { o: Ops }, args: readonly Value[], bd: readonly boolean[], prim: string) => c.o[prim](...args) };
/** Every operand given the batch axis (the kernels batch over leading axes, but need equal ones). */
const all = {
  rule: (c: { o: Ops; size: Value }, args: readonly Value[], bd: readonly boolean[], prim: string) =>
    c.o[prim](...args.map((a, i) => (a.ty === "arr" && !bd[i] ? c.o.vBcast(a, c.size) : a))),
};

/** vmap: the leading axes are a batch already. */
export const DECOMP_BATCH = {
  eighW: same,
  eighV: same,
  svdS: same,
  svdU: same,
  svdVt: same,
  qrQ: same,
  qrR: same,
  pinvOf: same,
  matrixRank: same,
  luFactors: same,
  luPivots: same,
  luPermutation: same,
  gradShapeCheck: same,
  triSolve: all,
};
