// Products. <g, dot(a, b)> is trilinear, so each adjoint's adjoint is again one of these: the
// set is closed under transposition, which is all higher order needs.

import type { JvpRule, PrimDef } from "./def.js";
import { addAll } from "./def.js";
import { matmulAval, outerAval } from "../avals.js";

/** Forward mode of a product bilinear in operands i and j (the others static): p(ti, xj) + p(xi, tj). */
const bilinear =
  (name: string, i: number, j: number): JvpRule =>
  (o, t, y, args) => {
    const with_ = (k: number) => (t[k] ? o[name](...args.map((a, m) => (m === k ? t[k]! : a))) : null);
    return addAll(o, [with_(i), with_(j)]);
  };

const L = { ty: "arr", arity: 2, kernel: "opaque" } as const;
const G = { ty: "arr", arity: 3, kernel: "opaque" } as const;

export const LINALG: Readonly<Record<string, PrimDef>> = {
  dot: { ...L, aval: matmulAval("dot"), vjp: (o, g, y, [a, b]) => [o.dotGradA(g, a, b), o.dotGradB(g, a, b)], jvp: bilinear("dot", 0, 1) },
  dotGradA: { ...G, shape: { arg: 1 }, vjp: (o, ga, y, [g, a, b]) => [o.dot(ga, b), null, o.dotGradB(g, ga, b)], jvp: bilinear("dotGradA", 0, 2) },
  dotGradB: { ...G, shape: { arg: 2 }, vjp: (o, gb, y, [g, a, b]) => [o.dot(a, gb), o.dotGradA(g, a, gb), null], jvp: bilinear("dotGradB", 0, 1) },
  matmul: { ...L, aval: matmulAval("matmul"), vjp: (o, g, y, [a, b]) => [o.matmulGradA(g, a, b), o.matmulGradB(g, a, b)], jvp: bilinear("matmul", 0, 1) },
  matmulGradA: { ...G, shape: { arg: 1 }, vjp: (o, ga, y, [g, a, b]) => [o.matmul(ga, b), null, o.matmulGradB(g, ga, b)], jvp: bilinear("matmulGradA", 0, 2) },
  matmulGradB: { ...G, shape: { arg: 2 }, vjp: (o, gb, y, [g, a, b]) => [o.matmul(a, gb), o.matmulGradA(g, a, gb), null], jvp: bilinear("matmulGradB", 0, 1) },
  vdot: { ...L, aval: () => ({ dtype: "f32", shape: [] }), vjp: (o, g, y, [a, b]) => [o.mul(g, o.reshapeLike(b, a)), o.mul(g, o.reshapeLike(a, b))], jvp: bilinear("vdot", 0, 1) },
  outer: { ...L, aval: outerAval, vjp: (o, g, y, [a, b]) => [o.reshapeLike(o.dot(g, o.ravel(b)), a), o.reshapeLike(o.dot(o.ravel(a), g), b)], jvp: bilinear("outer", 0, 1) },
};
