// Movement: reshapes, transposes, broadcasts and joins. All linear; each one's adjoint is
// another (or itself), so the set is closed under transposition.

import type { PrimDef } from "./def.js";

const M = { ty: "arr", kernel: "movement" } as const;

export const MOVEMENT: Readonly<Record<string, PrimDef>> = {
  reshape: { ...M, arity: 2, vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null] },
  reshapeLike: { ...M, arity: 2, shape: { arg: 1 }, vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null] },
  ravel: { ...M, arity: 1, vjp: (o, g, y, [x]) => [o.reshapeLike(g, x)] },
  squeeze: { ...M, arity: 2, vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null] },
  expandDims: { ...M, arity: 2, vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null] },
  transpose: { ...M, arity: 2, vjp: (o, g, y, [, axes]) => [o.untranspose(g, axes), null] },
  untranspose: { ...M, arity: 2, vjp: (o, g, y, [, axes]) => [o.transpose(g, axes), null] },
  broadcastTo: { ...M, arity: 2, vjp: (o, g, y, [x]) => [o.unbroadcast(g, x), null] },
  // a cotangent summed down to (unbroadcast) or spread up to (broadcastLike) an operand's shape;
  // for numbers both are the identity
  unbroadcast: { ty: { like: 1 }, arity: 2, js: { id: true }, shape: { arg: 1 }, kernel: "reduce", vjp: (o, g, y, [g0]) => [o.broadcastLike(g, g0), null] },
  broadcastLike: { ty: { like: 1 }, arity: 2, js: { id: true }, shape: { arg: 1 }, kernel: "movement", vjp: (o, g, y, [g0]) => [o.unbroadcast(g, g0), null] },

  // joining traced values (axis first): each operand's cotangent is its slice of g (and back)
  stackN: { ...M, arity: { min: 2 }, vjp: (o, g, y, [ax, ...xs]) => [null, ...xs.map((_, i) => o.stackPart(g, ax, { tag: "const", value: i, ty: "num" }))] },
  stackPart: { ...M, arity: 3, vjp: (o, g, y, [g0, ax, i]) => [o.stackPartT(g, g0, ax, i), null, null] },
  stackPartT: { ...M, arity: 4, vjp: (o, g, y, [, , ax, i]) => [o.stackPart(g, ax, i), null, null, null] },
  concatN: { ...M, arity: { min: 2 }, vjp: (o, g, y, [ax, ...xs]) => [null, ...xs.map((_, i) => o.concatPart(g, ax, { tag: "const", value: i, ty: "num" }, ...xs))] },
  concatPart: { ...M, arity: { min: 3 }, vjp: (o, g, y, [g0, ax, i, ...xs]) => [o.concatPartT(g, g0, ax, i, ...xs), null, null, ...xs.map(() => null)] },
  concatPartT: { ...M, arity: { min: 4 }, vjp: (o, g, y, [, g0, ax, i, ...xs]) => [o.concatPart(g, ax, i, ...xs), null, null, null, ...xs.map(() => null)] },
};
