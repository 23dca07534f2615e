// Reordering and running sums (runtime/numpy/arrange.ts): flip, the permutation of
// moveaxis/swapaxes (then a transpose), cumsum/cumprod, and the triangle mask of tril/triu
// (then a where).

import type { PrimDef } from "./def.js";
import { addAll, linear0 } from "./def.js";
import { likeArg } from "../avals.js";
import { lit } from "../ir.js";

export const ARRANGE: Readonly<Record<string, PrimDef>> = {
  // its own transpose
  flip: { ty: "arr", arity: 2, kernel: "movement", aval: likeArg(0), vjp: (o, g, y, [, ax]) => [o.flip(g, ax), null], jvp: linear0("flip") },
  // a permutation worked out from the rank at run time (an option-like value: no derivative)
  axesPerm: { ty: "other", arity: 2, nondiff: true, kernel: "opaque" },
  // the adjoint of a running sum is the running sum from the other end
  cumsum: {
    ty: "arr",
    arity: 2,
    kernel: "opaque",
    aval: likeArg(0),
    vjp: (o, g, y, [, ax]) => [o.flip(o.cumsum(o.flip(g, ax), ax), ax), null],
    jvp: linear0("cumsum"),
  },
  // its derivative as two scans with no division (exact through zeros): the tangent map and its
  // transpose, each linear in its first operand
  cumprod: {
    ty: "arr",
    arity: 2,
    kernel: "opaque",
    aval: likeArg(0),
    vjp: (o, g, y, [x, ax]) => [o.cumprodT(g, x, ax), null],
    jvp: (o, [t], y, [x, ax]) => (t ? o.cumprodTangent(t, x, ax) : null),
  },
  // (g, x, axis) and (t, x, axis): linear in g / t (each the other's transpose); in x their
  // derivatives are the second-order scans of prims/cumprod2.ts
  cumprodT: {
    ty: "arr",
    arity: 3,
    kernel: "opaque",
    shape: { arg: 1 },
    vjp: (o, gx, y, [g, x, ax]) => [o.cumprodTangent(gx, x, ax), o.cumprodT2(g, gx, x, ax), null],
    jvp: (o, [tg, tx], y, [g, x, ax]) => addAll(o, [tg ? o.cumprodT(tg, x, ax) : null, tx ? o.cumprodT2(g, tx, x, ax) : null]),
  },
  cumprodTangent: {
    ty: "arr",
    arity: 3,
    kernel: "opaque",
    vjp: (o, gy, y, [t, x, ax]) => [o.cumprodT(gy, x, ax), o.cumprodT2(gy, t, x, ax), null],
    jvp: (o, [tt, tx], y, [t, x, ax]) => addAll(o, [tt ? o.cumprodTangent(tt, x, ax) : null, tx ? o.cumprodTangent2(t, tx, x, ax) : null]),
  },
  // sorting: the gradient goes back through the sorting permutation (argsort, a gather along the axis)
  sort: {
    ty: "arr",
    arity: 2,
    kernel: "opaque",
    aval: likeArg(0),
    vjp: (o, g, y, [x, ax]) => [o.takeAlongAxisT(g, o.argsort(x, ax), ax, x), null],
    jvp: (o, [t], y, [x, ax]) => (t ? o.takeAlongAxis(t, o.argsort(x, ax), ax) : null),
  },
  argsort: { ty: "arr", arity: 2, nondiff: true, kernel: "opaque", aval: likeArg(0, "i32") },
  takeAlongAxis: {
    ty: "arr",
    arity: 3,
    kernel: "movement",
    aval: likeArg(1, "f32"),
    vjp: (o, g, y, [x, idx, ax]) => [o.takeAlongAxisT(g, idx, ax, x), null, null],
    jvp: linear0("takeAlongAxis"),
  },
  takeAlongAxisT: {
    ty: "arr",
    rt: "takeAlongAxisTranspose",
    arity: 4,
    kernel: "movement",
    aval: likeArg(3, "f32"),
    vjp: (o, gx, y, [, idx, ax]) => [o.takeAlongAxis(gx, idx, ax), null, null, null],
    jvp: linear0("takeAlongAxisT"),
  },
  // diagonal(x, offset, axis1, axis2) and its adjoint (a diagonal placed in zeros like x)
  diagonal: {
    ty: "arr",
    arity: 4,
    kernel: "movement",
    vjp: (o, g, y, [x, off, a1, a2]) => [o.diagonalT(g, x, off, a1, a2), null, null, null],
    jvp: linear0("diagonal"),
  },
  diagonalT: {
    ty: "arr",
    rt: "diagonalTranspose",
    arity: 5,
    kernel: "movement",
    shape: { arg: 1 },
    vjp: (o, gx, y, [, , off, a1, a2]) => [o.diagonal(gx, off, a1, a2), null, null, null, null],
    jvp: linear0("diagonalT"),
  },
  roll: {
    ty: "arr",
    arity: 3,
    kernel: "movement",
    aval: likeArg(0),
    vjp: (o, g, y, [, shift, ax]) => [o.roll(g, o.neg(shift), ax), null, null],
    jvp: linear0("roll"),
  },
  // pad(x, widths, opts, k) and its adjoint, the interior (k: vmap's leading axes, not padded)
  pad: { ty: "arr", arity: 4, kernel: "movement", vjp: (o, g, y, [x, w, , k]) => [o.padT(g, x, w, k), null, null, null], jvp: linear0("pad") },
  padT: { ty: "arr", rt: "padTranspose", arity: 4, kernel: "movement", shape: { arg: 1 }, vjp: (o, gx, y, [, , w, k]) => [o.pad(gx, w, lit(undefined), k), null, null, null], jvp: linear0("padT") },
  // atleast(x, mode, k): numpy's atleast_1d/2d/3d (or a column); k: vmap's leading axes
  atleast: { ty: "arr", arity: 3, kernel: "movement", vjp: (o, g, y, [x]) => [o.reshapeLike(g, x), null, null], jvp: linear0("atleast") },
  // hstack's join axis (0 for 1-D arrays, else 1), an option-like number
  hstackAxis: { ty: "num", arity: 2, nondiff: true, kernel: "opaque" },
  // split / repeat / tile: the indices of a take along an axis, from its length at run time
  indexRange: { ty: "arr", arity: 2, nondiff: true, kernel: "opaque" },
  triMask: { ty: "arr", arity: 3, nondiff: true, kernel: "opaque", aval: likeArg(0, "bool") },
};
