// Reverse-mode rules: for each primitive, the cotangents of its operands given the cotangent `g`
// of its result. Rules are written with IR ops (`o.mul(g, y)`), so their output is again a
// program of primitives that this same table can differentiate: that is all higher order needs.
// `null` marks an operand that gets no cotangent (static arguments, shapes, masks).

import type { Value, Var } from "../ir.js";
import { lit, num } from "../ir.js";

export type Ops = Record<string, (...args: Value[]) => Var>;
export type VjpRule = (o: Ops, g: Value, y: Var, args: readonly Value[]) => (Value | null)[];

const one = num(1);
const zero = num(0);

/** For elementwise binary ops: each cotangent is summed back to its operand's shape. */
const ew2 =
  (fx: (o: Ops, g: Value, y: Var, x: Value, z: Value) => Value, fz: (o: Ops, g: Value, y: Var, x: Value, z: Value) => Value): VjpRule =>
  (o, g, y, [x, z]) => [o.unbroadcast(fx(o, g, y, x, z), x), o.unbroadcast(fz(o, g, y, x, z), z)];

const un = (f: (o: Ops, g: Value, y: Var, x: Value) => Value): VjpRule => (o, g, y, [x]) => [f(o, g, y, x)];

/** Derivative of maximum/minimum: JAX's balanced tie-breaking (each side gets half at a tie). */
const chooser: VjpRule = (o, g, y, [x, z]) => [
  o.unbroadcast(o.mul(g, o.balancedEq(x, y, z)), x),
  o.unbroadcast(o.mul(g, o.balancedEq(z, y, x)), z),
];

export const VJP: Readonly<Record<string, VjpRule>> = {
  add: ew2((o, g) => g, (o, g) => g),
  sub: ew2((o, g) => g, (o, g) => o.neg(g)),
  mul: ew2((o, g, y, x, z) => o.mul(g, z), (o, g, y, x) => o.mul(x, g)),
  div: ew2(
    (o, g, y, x, z) => o.div(g, z),
    (o, g, y, x, z) => o.mul(o.mul(o.neg(g), x), o.pow(z, num(-2))),
  ),
  pow: ew2(
    (o, g, y, x, z) => o.mul(g, o.mul(z, o.pow(x, o.sub(z, one)))),
    // JAX: log(_replace_zero(x)), so d/dy x**y is 0 at x = 0
    (o, g, y, x) => o.mul(g, o.mul(o.log(o.where(o.equal(x, zero), one, x)), y)),
  ),
  mod: ew2((o, g) => g, (o, g, y, x, z) => o.mul(o.neg(g), o.trunc(o.div(x, z)))),
  maximum: chooser,
  minimum: chooser,
  arctan2: ew2(
    (o, g, y, x, z) => o.div(o.mul(g, z), o.add(o.square(x), o.square(z))),
    (o, g, y, x, z) => o.div(o.mul(o.neg(g), x), o.add(o.square(x), o.square(z))),
  ),
  hypot: ew2((o, g, y, x) => o.mul(g, o.div(x, y)), (o, g, y, x, z) => o.mul(g, o.div(z, y))),
  fma: (o, g, y, [a, b, c]) => [o.unbroadcast(o.mul(g, b), a), o.unbroadcast(o.mul(a, g), b), o.unbroadcast(g, c)],
  where: (o, g, y, [c, x, z]) => [null, o.unbroadcast(o.where(c, g, zero), x), o.unbroadcast(o.where(c, zero, g), z)],

  neg: un((o, g) => o.neg(g)),
  square: un((o, g, y, x) => o.mul(g, o.mul(num(2), x))),
  reciprocal: un((o, g, y) => o.mul(g, o.neg(o.square(y)))),
  exp: un((o, g, y) => o.mul(g, y)),
  log: un((o, g, y, x) => o.div(g, x)),
  log1p: un((o, g, y, x) => o.div(g, o.add(one, x))),
  expm1: un((o, g, y) => o.mul(g, o.add(y, one))),
  // XLA fuses the transposed JVP into one multiply-add; DESIGN.md: this is what gives JAX's digits.
  tanh: un((o, g, y) => {
    const u = o.mul(g, o.sub(one, y));
    return o.fma(u, y, u);
  }),
  sin: un((o, g, y, x) => o.mul(g, o.cos(x))),
  cos: un((o, g, y, x) => o.neg(o.mul(g, o.sin(x)))),
  tan: un((o, g, y) => o.mul(g, o.add(one, o.square(y)))),
  arcsin: un((o, g, y, x) => o.div(g, o.sqrt(o.sub(one, o.square(x))))),
  arccos: un((o, g, y, x) => o.neg(o.div(g, o.sqrt(o.sub(one, o.square(x)))))),
  arctan: un((o, g, y, x) => o.div(g, o.add(one, o.square(x)))),
  sinh: un((o, g, y, x) => o.mul(g, o.cosh(x))),
  cosh: un((o, g, y, x) => o.mul(g, o.sinh(x))),
  sqrt: un((o, g, y) => o.mul(g, o.div(num(0.5), y))),
  // JAX: select(x >= 0, g, -g), so the derivative at 0 is 1.
  abs: un((o, g, y, x) => o.where(o.greaterEqual(x, zero), g, o.neg(g))),
  astype: (o, g) => [g, null],
  toArray: (o, g, y, [x]) => [o.unbroadcast(g, x)],
  item: (o, g, y, [x]) => [o.broadcastLike(g, x)],

  // reductions: (x, axis, opts)
  sum: (o, g, y, [x, ax, opts]) => [o.unreduce(g, x, ax, opts)],
  mean: (o, g, y, [x, ax, opts]) => [o.div(o.unreduce(g, x, ax, opts), o.reduceCount(x, ax))],
  max: (o, g, y, [x, ax, opts]) => [o.mul(o.unreduce(g, x, ax, opts), o.maxMask(x, y, ax, opts))],
  min: (o, g, y, [x, ax, opts]) => [o.mul(o.unreduce(g, x, ax, opts), o.maxMask(x, y, ax, opts))],
  // the product of the other elements (exact where x has zeros, unlike prod/x)
  prod: (o, g, y, [x, ax, opts]) => [o.mul(o.unreduce(g, x, ax, opts), o.prodOthers(x, ax))],
  logsumexp: (o, g, y, [x, ax, opts]) => [o.mul(o.unreduce(g, x, ax, opts), o.exp(o.sub(x, o.unreduce(y, x, ax, opts))))],
  unreduce: (o, g, y, [g0, x, ax, opts]) => [o.sum(g, ax, opts), null, null, null],
  // d var / dx = 2 (x − mean) / (n − ddof)
  var: (o, g, y, [x, ax, opts]) => [
    o.mul(o.unreduce(g, x, ax, opts), o.div(o.mul(num(2), o.sub(x, o.mean(x, ax, lit({ keepdims: true })))), o.sub(o.reduceCount(x, ax), o.ddofOf(opts)))),
    null,
    null,
  ],
  prodOthers: (o, g, y, [x, ax]) => [o.prodOthersVjp(g, x, ax), null],

  // bilinear products: <g, dot(a, b)> is trilinear, so each adjoint's adjoint is again one of these
  dot: (o, g, y, [a, b]) => [o.dotGradA(g, a, b), o.dotGradB(g, a, b)],
  dotGradA: (o, ga, y, [g, a, b]) => [o.dot(ga, b), null, o.dotGradB(g, ga, b)],
  dotGradB: (o, gb, y, [g, a, b]) => [o.dot(a, gb), o.dotGradA(g, a, gb), null],
  matmul: (o, g, y, [a, b]) => [o.matmulGradA(g, a, b), o.matmulGradB(g, a, b)],
  matmulGradA: (o, ga, y, [g, a, b]) => [o.matmul(ga, b), null, o.matmulGradB(g, ga, b)],
  matmulGradB: (o, gb, y, [g, a, b]) => [o.matmul(a, gb), o.matmulGradA(g, a, gb), null],
  vdot: (o, g, y, [a, b]) => [o.mul(g, o.reshapeLike(b, a)), o.mul(g, o.reshapeLike(a, b))],
  outer: (o, g, y, [a, b]) => [o.reshapeLike(o.dot(g, o.ravel(b)), a), o.reshapeLike(o.dot(o.ravel(a), g), b)],

  // shapes: all linear, each the other's transpose
  reshape: (o, g, y, [x]) => [o.reshapeLike(g, x), null],
  reshapeLike: (o, g, y, [x]) => [o.reshapeLike(g, x), null],
  ravel: (o, g, y, [x]) => [o.reshapeLike(g, x)],
  squeeze: (o, g, y, [x]) => [o.reshapeLike(g, x), null],
  expandDims: (o, g, y, [x]) => [o.reshapeLike(g, x), null],
  transpose: (o, g, y, [x, axes]) => [o.untranspose(g, axes), null],
  untranspose: (o, g, y, [x, axes]) => [o.transpose(g, axes), null],
  broadcastTo: (o, g, y, [x]) => [o.unbroadcast(g, x), null],
  unbroadcast: (o, g, y, [g0]) => [o.broadcastLike(g, g0), null],
  broadcastLike: (o, g, y, [g0]) => [o.unbroadcast(g, g0), null],

  // joining traced values: each operand's cotangent is its slice of g (and back)
  stackN: (o, g, y, [ax, ...xs]) => [null, ...xs.map((_, i) => o.stackPart(g, ax, num(i)))],
  stackPart: (o, g, y, [g0, ax, i]) => [o.stackPartT(g, g0, ax, i), null, null],
  stackPartT: (o, g, y, [gi, g0, ax, i]) => [o.stackPart(g, ax, i), null, null, null],
  concatN: (o, g, y, [ax, ...xs]) => [null, ...xs.map((_, i) => o.concatPart(g, ax, num(i), ...xs))],
  concatPart: (o, g, y, [g0, ax, i, ...xs]) => [o.concatPartT(g, g0, ax, i, ...xs), null, null, ...xs.map(() => null)],
  concatPartT: (o, g, y, [gi, g0, ax, i, ...xs]) => [o.concatPart(g, ax, i, ...xs), null, null, null, ...xs.map(() => null)],

  // indexing and its transposes (scatter into zeros)
  index: (o, g, y, [x, i]) => [o.indexTranspose(g, x, i), null],
  indexTranspose: (o, g, y, [g0, x, i]) => [o.index(g, i), null, null],
  take: (o, g, y, [x, idx, ax]) => [o.takeTranspose(g, x, idx, ax), null, null],
  takeTranspose: (o, g, y, [g0, x, idx, ax]) => [o.take(g, idx, ax), null, null, null],
  slice: (o, g, y, [x, ...specs]) => [o.sliceTranspose(g, x, ...specs), ...specs.map(() => null)],
  sliceTranspose: (o, g, y, [g0, x, ...specs]) => [o.slice(g, ...specs), null, ...specs.map(() => null)],
};
