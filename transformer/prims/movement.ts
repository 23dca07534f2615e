// Movement: reshapes, transposes, broadcasts and joins. All linear; each one's adjoint is
// another (or itself), so the set is closed under transposition.

import type { PrimDef } from "./def.js";
import { linear0 } from "./def.js";
import type { Value } from "../ir.js";
import { expandAval, ravelAval, shapeConst, squeezeAval, stackAval, stackPartAval, transposeAval } from "../avals.js";

const M = { ty: "arr", kernel: "movement" } as const;

/** A zero tangent made concrete (an operand of a join whose other operands move). */
const zerosOf = (o: Parameters<NonNullable<PrimDef["jvp"]>>[0], x: Value): Value => (x.ty === "num" ? { tag: "const", value: 0, ty: "num" } : o.zerosLike(x));

export const MOVEMENT: Readonly<Record<string, PrimDef>> = {
  reshape: { ...M, arity: 2, aval: ({ args: [x], consts: [, s], fresh }) => ({ dtype: x.dtype, shape: shapeConst(s, fresh) }), vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null], jvp: linear0("reshape") },
  reshapeLike: { ...M, arity: 2, shape: { arg: 1 }, vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null], jvp: linear0("reshapeLike") },
  ravel: { ...M, arity: 1, aval: ravelAval, vjp: (o, g, y, [x]) => [o.reshapeLike(g, x)], jvp: linear0("ravel") },
  squeeze: { ...M, arity: 2, aval: squeezeAval, vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null], jvp: linear0("squeeze") },
  expandDims: { ...M, arity: 2, aval: expandAval, vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null], jvp: linear0("expandDims") },
  transpose: { ...M, arity: 2, aval: transposeAval(false), vjp: (o, g, y, [, axes]) => [o.untranspose(g, axes), null], jvp: linear0("transpose") },
  untranspose: { ...M, arity: 2, aval: transposeAval(true), vjp: (o, g, y, [, axes]) => [o.transpose(g, axes), null], jvp: linear0("untranspose") },
  broadcastTo: { ...M, arity: 2, aval: ({ args: [x], consts: [, s], fresh }) => ({ dtype: x.dtype === "f64" ? "f32" : x.dtype, shape: shapeConst(s, fresh) }), vjp: (o, g, y, [x]) => [o.unbroadcast(g, x), null], jvp: linear0("broadcastTo") },
  // a cotangent summed down to (unbroadcast) or spread up to (broadcastLike) an operand's shape;
  // for numbers both are the identity
  unbroadcast: { ty: { like: 1 }, arity: 2, js: { id: true }, shape: { arg: 1 }, kernel: "reduce", vjp: (o, g, y, [g0]) => [o.broadcastLike(g, g0), null], jvp: linear0("unbroadcast") },
  broadcastLike: { ty: { like: 1 }, arity: 2, js: { id: true }, shape: { arg: 1 }, kernel: "movement", vjp: (o, g, y, [g0]) => [o.unbroadcast(g, g0), null], jvp: linear0("broadcastLike") },

  // joining traced values (axis first): each operand's cotangent is its slice of g (and back)
  stackN: {
    ...M,
    aval: stackAval,
    arity: { min: 2 },
    vjp: (o, g, y, [ax, ...xs]) => [null, ...xs.map((_, i) => o.stackPart(g, ax, { tag: "const", value: i, ty: "num" }))],
    jvp: (o, [, ...ts], y, [ax, ...xs]) => (ts.some(Boolean) ? o.stackN(ax, ...xs.map((x, i) => ts[i] ?? zerosOf(o, x))) : null),
  },
  stackPart: { ...M, arity: 3, aval: stackPartAval, vjp: (o, g, y, [g0, ax, i]) => [o.stackPartT(g, g0, ax, i), null, null], jvp: linear0("stackPart") },
  stackPartT: { ...M, arity: 4, shape: { arg: 1 }, vjp: (o, g, y, [, , ax, i]) => [o.stackPart(g, ax, i), null, null, null], jvp: linear0("stackPartT") },
  concatN: {
    ...M,
    arity: { min: 2 },
    vjp: (o, g, y, [ax, ...xs]) => [null, ...xs.map((_, i) => o.concatPart(g, ax, { tag: "const", value: i, ty: "num" }, ...xs))],
    jvp: (o, [, ...ts], y, [ax, ...xs]) => (ts.some(Boolean) ? o.concatN(ax, ...xs.map((x, i) => ts[i] ?? zerosOf(o, x))) : null),
  },
  concatPart: { ...M, arity: { min: 3 }, aval: ({ args, consts: [, , i], fresh }) => (typeof i === "number" && args[3 + i] ? { dtype: "f32", shape: args[3 + i].shape } : { dtype: "f32", shape: fresh }), vjp: (o, g, y, [g0, ax, i, ...xs]) => [o.concatPartT(g, g0, ax, i, ...xs), null, null, ...xs.map(() => null)], jvp: linear0("concatPart") },
  concatPartT: { ...M, arity: { min: 4 }, shape: { arg: 1 }, vjp: (o, g, y, [, g0, ax, i, ...xs]) => [o.concatPart(g, ax, i, ...xs), null, null, null, ...xs.map(() => null)], jvp: linear0("concatPartT") },
};
