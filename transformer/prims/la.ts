// numpy.linalg's primitives (runtime/numpy/la.ts), with JAX's derivative rules written in IR:
// mT swaps the last two axes (a transpose by the run-time permutation of swapaxes).

import type { Ops, PrimDef } from "./def.js";
import type { Value } from "../ir.js";
import { lit, num } from "../ir.js";

const mT = (o: Ops, x: Value) => o.transpose(x, o.axesPerm(x, lit({ kind: "swap", a: -1, b: -2 })));
/** A per-matrix scalar spread over its matrix's two axes. */
const spread = (o: Ops, s: Value) => o.expandDims(s, lit([-2, -1]));
const lastTwo = lit([-2, -1]);

/** (X + Xᵀ) / 2. */
const sym = (o: Ops, x: Value) => o.mul(o.add(x, mT(o, x)), num(0.5));
/** The lower triangle with the diagonal halved. */
const phi = (o: Ops, x: Value) => o.where(o.triMask(x, num(-1), lit(false)), x, o.where(o.triMask(x, num(0), lit(false)), o.mul(x, num(0.5)), num(0)));

export const LA: Readonly<Record<string, PrimDef>> = {
  // d(A⁻¹) = -A⁻¹ dA A⁻¹
  inv: {
    ty: "arr",
    arity: 1,
    kernel: "opaque",
    shape: { arg: 0 },
    vjp: (o, g, y) => [o.neg(o.matmul(o.matmul(mT(o, y), g), mT(o, y)))],
    jvp: (o, [t], y) => (t ? o.neg(o.matmul(o.matmul(y, t), y)) : null),
  },
  // d det = det · tr(A⁻¹ dA)
  det: {
    ty: "arr",
    arity: 1,
    kernel: "opaque",
    vjp: (o, g, y, [a]) => [o.mul(spread(o, o.mul(g, y)), mT(o, o.inv(a)))],
    jvp: (o, [t], y, [a]) => (t ? o.mul(y, o.sum(o.mul(mT(o, o.inv(a)), t), lastTwo, lit(undefined))) : null),
  },
  logAbsDet: {
    ty: "arr",
    arity: 1,
    kernel: "opaque",
    vjp: (o, g, y, [a]) => [o.mul(spread(o, g), mT(o, o.inv(a)))],
    jvp: (o, [t], y, [a]) => (t ? o.sum(o.mul(mT(o, o.inv(a)), t), lastTwo, lit(undefined)) : null),
  },
  slogdetSign: { ty: "arr", arity: 1, nondiff: true, kernel: "opaque" },
  // solve(a, b, k), k: vmap's leading axes of b. In the IR b is a matrix per example (the lowering
  // makes a vector a column), so x = a⁻¹b and the rules are JAX's in matrix products, which
  // differentiate again: b's cotangent gb = a⁻ᵀg, a's -gb·xᵀ (each summed back over a batch the
  // operand was broadcast along); the tangent a⁻¹(db - da·x)
  solve: {
    ty: "arr",
    arity: 3,
    kernel: "opaque",
    vjp: (o, g, y, [a, b, k]) => {
      const gb = o.solve(mT(o, a), g, k);
      return [o.unbroadcast(o.neg(o.matmul(gb, mT(o, y))), a), o.unbroadcast(gb, b), null];
    },
    jvp: (o, [ta, tb], y, [a, , k]) => {
      const dax = ta ? o.matmul(ta, y) : null;
      if (!tb && !dax) return null;
      return o.solve(a, tb && dax ? o.sub(tb, dax) : (tb ?? o.neg(dax!)), k);
    },
  },
  // JAX's rule: dL = L·Φ(L⁻¹ sym(dA) L⁻ᵀ), Φ the lower triangle with its diagonal halved; the
  // adjoint is that map transposed: sym(L⁻ᵀ Φ(Lᵀ g) L⁻¹)
  cholesky: {
    ty: "arr",
    arity: 1,
    rt: "choleskyLower",
    kernel: "opaque",
    shape: { arg: 0 },
    vjp: (o, g, L) => {
      const lt = mT(o, L);
      const z = o.solve(lt, phi(o, o.matmul(lt, g)), num(0));
      return [sym(o, mT(o, o.solve(lt, mT(o, z), num(0))))];
    },
    jvp: (o, [t], L) => {
      if (!t) return null;
      const tmp = mT(o, o.solve(L, mT(o, sym(o, t)), num(0)));
      return o.matmul(L, phi(o, o.solve(L, tmp, num(0))));
    },
  },
};
