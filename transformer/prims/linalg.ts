// Products. <g, dot(a, b)> is trilinear, so each adjoint's adjoint is again one of these: the
// set is closed under transposition, which is all higher order needs.

import type { PrimDef } from "./def.js";

const L = { ty: "arr", arity: 2, kernel: "opaque" } as const;
const G = { ty: "arr", arity: 3, kernel: "opaque" } as const;

export const LINALG: Readonly<Record<string, PrimDef>> = {
  dot: { ...L, vjp: (o, g, y, [a, b]) => [o.dotGradA(g, a, b), o.dotGradB(g, a, b)] },
  dotGradA: { ...G, shape: { arg: 1 }, vjp: (o, ga, y, [g, a, b]) => [o.dot(ga, b), null, o.dotGradB(g, ga, b)] },
  dotGradB: { ...G, shape: { arg: 2 }, vjp: (o, gb, y, [g, a, b]) => [o.dot(a, gb), o.dotGradA(g, a, gb), null] },
  matmul: { ...L, vjp: (o, g, y, [a, b]) => [o.matmulGradA(g, a, b), o.matmulGradB(g, a, b)] },
  matmulGradA: { ...G, shape: { arg: 1 }, vjp: (o, ga, y, [g, a, b]) => [o.matmul(ga, b), null, o.matmulGradB(g, ga, b)] },
  matmulGradB: { ...G, shape: { arg: 2 }, vjp: (o, gb, y, [g, a, b]) => [o.matmul(a, gb), o.matmulGradA(g, a, gb), null] },
  vdot: { ...L, vjp: (o, g, y, [a, b]) => [o.mul(g, o.reshapeLike(b, a)), o.mul(g, o.reshapeLike(a, b))] },
  outer: { ...L, vjp: (o, g, y, [a, b]) => [o.reshapeLike(o.dot(g, o.ravel(b)), a), o.reshapeLike(o.dot(o.ravel(a), g), b)] },
};
