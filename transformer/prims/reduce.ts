// Reductions over `axis` (operands: x, axis, opts) and the helpers their adjoints use.

import { lit, num } from "../ir.js";
import type { JvpRule, Ops, PrimDef } from "./def.js";
import { linear0 } from "./def.js";
import type { Value } from "../ir.js";
import { reduceAval } from "../avals.js";

/** Forward mode of a reduction whose local derivative is `d`: the reduction (sum) of t · d. */
const weighted =
  (d: (o: Ops, x: Value, y: Value, ax: Value, opts: Value) => Value): JvpRule =>
  (o, [t], y, [x, ax, opts]) =>
    t ? o.sum(o.mul(t, d(o, x, y, ax, opts)), ax, opts) : null;

const R = { ty: "arr", arity: 3, kernel: "reduce", aval: reduceAval() } as const;

export const REDUCE: Readonly<Record<string, PrimDef>> = {
  sum: { ...R, vjp: (o, g, y, [x, ax, opts]) => [o.unreduce(g, x, ax, opts), null, null], jvp: (o, [t], y, [, ax, opts]) => (t ? o.sum(t, ax, opts) : null) },
  mean: { ...R, vjp: (o, g, y, [x, ax, opts]) => [o.div(o.unreduce(g, x, ax, opts), o.reduceCount(x, ax)), null, null], jvp: (o, [t], y, [, ax, opts]) => (t ? o.mean(t, ax, opts) : null) },
  max: { ...R, vjp: (o, g, y, [x, ax, opts]) => [o.mul(o.unreduce(g, x, ax, opts), o.maxMask(x, y, ax, opts)), null, null], jvp: weighted((o, x, y, ax, opts) => o.maxMask(x, y, ax, opts)) },
  min: { ...R, vjp: (o, g, y, [x, ax, opts]) => [o.mul(o.unreduce(g, x, ax, opts), o.maxMask(x, y, ax, opts)), null, null], jvp: weighted((o, x, y, ax, opts) => o.maxMask(x, y, ax, opts)) },
  // the product of the other elements (exact where x has zeros, unlike prod/x)
  prod: {
    ...R,
    vjp: (o, g, y, [x, ax, opts]) => [o.mul(o.unreduce(g, x, ax, opts), o.prodOthers(x, ax)), null, null],
    jvp: weighted((o, x, y, ax) => o.prodOthers(x, ax)),
  },
  logsumexp: {
    ...R,
    vjp: (o, g, y, [x, ax, opts]) => [o.mul(o.unreduce(g, x, ax, opts), o.exp(o.sub(x, o.unreduce(y, x, ax, opts)))), null, null],
    jvp: weighted((o, x, y, ax, opts) => o.exp(o.sub(x, o.unreduce(y, x, ax, opts)))),
  },
  // d var / dx = 2 (x − mean) / (n − ddof)
  var: {
    ...R,
    vjp: (o, g, y, [x, ax, opts]) => [
      o.mul(o.unreduce(g, x, ax, opts), o.div(o.mul(num(2), o.sub(x, o.mean(x, ax, lit({ keepdims: true })))), o.sub(o.reduceCount(x, ax), o.ddofOf(opts)))),
      null,
      null,
    ],
    jvp: weighted((o, x, y, ax, opts) => o.div(o.mul(num(2), o.sub(x, o.mean(x, ax, lit({ keepdims: true })))), o.sub(o.reduceCount(x, ax), o.ddofOf(opts)))),
  },
  argmax: { ...R, nondiff: true, aval: reduceAval("i32") },
  argmin: { ...R, nondiff: true, aval: reduceAval("i32") },

  // the adjoint of a reduction: g re-expanded over x's shape (linear in g; its adjoint is the sum)
  unreduce: { ty: "arr", arity: 4, shape: { arg: 1 }, kernel: "movement", vjp: (o, g, y, [, , ax, opts]) => [o.sum(g, ax, opts), null, null, null], jvp: linear0("unreduce") },
  // prod's local derivative: ∏_{j≠i} x_j along the axis. Its own derivative (∂/∂x_k of ∏_{j≠i,k} x_j,
  // contracted with g) is prodOthersVjp, prod's second derivative.
  prodOthers: { ty: "arr", arity: 2, shape: { arg: 0 }, kernel: "opaque", vjp: (o, g, y, [x, ax]) => [o.prodOthersVjp(g, x, ax), null], jvp: (o, [t], y, [x, ax]) => (t ? o.prodOthersVjp(t, x, ax) : null) },
  prodOthersVjp: {
    ty: "arr",
    arity: 3,
    shape: { arg: 1 },
    kernel: "opaque",
    noVjp: "third and higher derivatives of prod are not written yet (its fourth-order tensor contracted twice)",
    noJvp: "third and higher derivatives of prod are not written yet",
  },
  reduceCount: { ty: "num", arity: 2, nondiff: true, kernel: "opaque" },
  ddofOf: { ty: "num", arity: 1, nondiff: true, kernel: "opaque" },
  maxMask: { ty: "arr", arity: 4, shape: { arg: 0 }, nondiff: true, kernel: "opaque" },
};
