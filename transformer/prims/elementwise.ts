// Elementwise primitives: arithmetic, unary math, rounding, comparisons, logic, selection.
// Each maps to JS operators/Math for numbers and to a runtime function for Arrays.

import { dtypeConst } from "../avals.js";
import { num } from "../ir.js";
import type { JvpRule, Ops, PrimDef, VjpRule } from "./def.js";
import { addAll, one, zero } from "./def.js";
import type { Value, Var } from "../ir.js";

/** For elementwise binary ops: each cotangent is summed back to its operand's shape. */
const ew2 =
  (fx: (o: Ops, g: Value, y: Var, x: Value, z: Value) => Value, fz: (o: Ops, g: Value, y: Var, x: Value, z: Value) => Value): VjpRule =>
  (o, g, y, [x, z]) => [o.unbroadcast(fx(o, g, y, x, z), x), o.unbroadcast(fz(o, g, y, x, z), z)];

/** Tangent of maximum/minimum with JAX's balanced tie-breaking. */
const chooserTan: JvpRule = (o, [tx, tz], y, [x, z]) =>
  addAll(o, [tx ? o.mul(tx, o.balancedEq(x, y, z)) : null, tz ? o.mul(tz, o.balancedEq(z, y, x)) : null]);

const un = (f: (o: Ops, g: Value, y: Var, x: Value) => Value): VjpRule => (o, g, y, [x]) => [f(o, g, y, x)];

/** Derivative of maximum/minimum: JAX's balanced tie-breaking (each side gets half at a tie). */
const chooser: VjpRule = (o, g, y, [x, z]) => [
  o.unbroadcast(o.mul(g, o.balancedEq(x, y, z)), x),
  o.unbroadcast(o.mul(g, o.balancedEq(z, y, x)), z),
];

/** Forward mode of a unary op: the tangent times the local derivative f′(x, y). */
const tan1 = (f: (o: Ops, t: Value, y: Var, x: Value) => Value): JvpRule => (o, [t], y, [x]) => (t ? f(o, t, y, x) : null);
/** A tangent that reaches the result unchanged, spread to the result's shape (its operand may broadcast). */
const spread = (o: Ops, t: Value | null, y: Var): Value | null => (t ? o.broadcastLike(t, y) : null);
/** Forward mode of a binary op: the sum of each present tangent's term. */
const tan2 =
  (fx: (o: Ops, t: Value, y: Var, x: Value, z: Value) => Value | null, fz: (o: Ops, t: Value, y: Var, x: Value, z: Value) => Value | null): JvpRule =>
  (o, [tx, tz], y, [x, z]) =>
    addAll(o, [tx ? fx(o, tx, y, x, z) : null, tz ? fz(o, tz, y, x, z) : null]);

const E = { ty: "ew", shape: "operands", kernel: "elementwise" } as const;
const unary = (fn: string, fold: (x: number) => number, vjp: VjpRule, jvp: JvpRule, rt?: string): PrimDef => ({ ...E, arity: 1, js: { fn }, fold, vjp, jvp, rt });
const binary = (js: PrimDef["js"], fold: (a: number, b: number) => number, vjp: VjpRule, jvp: JvpRule, rt?: string): PrimDef => ({ ...E, arity: 2, js, fold, vjp, jvp, rt });
/** Piecewise constant: zero derivative (JAX's floor/round/sign). */
const flat = (fn: string, fold: (x: number) => number, rt?: string): PrimDef => ({ ...E, arity: 1, js: { fn }, fold, nondiff: true, rt });
const cmp = (bin: string, fold: (a: number, b: number) => boolean, rt?: string): PrimDef => ({
  ty: "other",
  arity: 2,
  js: { bin },
  fold: (a, b) => (fold(a, b) ? 1 : 0),
  nondiff: true,
  shape: "operands",
  kernel: "elementwise",
  rt,
});

export const ELEMENTWISE: Readonly<Record<string, PrimDef>> = {
  add: binary({ bin: "+" }, (a, b) => a + b, ew2((o, g) => g, (o, g) => g), tan2((o, t, y) => spread(o, t, y), (o, t, y) => spread(o, t, y))),
  sub: binary({ bin: "-" }, (a, b) => a - b, ew2((o, g) => g, (o, g) => o.neg(g)), tan2((o, t, y) => spread(o, t, y), (o, t, y) => o.neg(spread(o, t, y)!)), "subtract"),
  mul: binary({ bin: "*" }, (a, b) => a * b, ew2((o, g, y, x, z) => o.mul(g, z), (o, g, y, x) => o.mul(x, g)), tan2((o, t, y, x, z) => o.mul(t, z), (o, t, y, x) => o.mul(x, t)), "multiply"),
  div: binary(
    { bin: "/" },
    (a, b) => a / b,
    ew2(
      (o, g, y, x, z) => o.div(g, z),
      (o, g, y, x, z) => o.mul(o.mul(o.neg(g), x), o.pow(z, num(-2))),
    ),
    tan2((o, t, y, x, z) => o.div(t, z), (o, t, y, x, z) => o.neg(o.div(o.mul(t, y), z))),
    "divide",
  ),
  pow: binary(
    { bin: "**" },
    (a, b) => a ** b,
    ew2(
      (o, g, y, x, z) => o.mul(g, o.mul(z, o.pow(x, o.sub(z, one)))),
      // JAX: log(_replace_zero(x)), so d/dy x**y is 0 at x = 0
      (o, g, y, x) => o.mul(g, o.mul(o.log(o.where(o.equal(x, zero), one, x)), y)),
    ),
    tan2((o, t, y, x, z) => o.mul(t, o.mul(z, o.pow(x, o.sub(z, one)))), (o, t, y, x) => o.mul(t, o.mul(o.log(o.where(o.equal(x, zero), one, x)), y))),
    "power",
  ),
  // JS `%` (C's fmod: the sign of the dividend)
  mod: binary(
    { bin: "%" },
    (a, b) => a % b,
    ew2((o, g) => g, (o, g, y, x, z) => o.mul(o.neg(g), o.trunc(o.div(x, z)))),
    tan2((o, t, y) => spread(o, t, y), (o, t, y, x, z) => o.neg(o.mul(t, o.trunc(o.div(x, z))))),
    "fmod",
  ),
  maximum: binary({ fn: "Math.max" }, Math.max, chooser, chooserTan),
  minimum: binary({ fn: "Math.min" }, Math.min, chooser, chooserTan),
  arctan2: binary(
    { fn: "Math.atan2" },
    Math.atan2,
    ew2(
      (o, g, y, x, z) => o.div(o.mul(g, z), o.add(o.square(x), o.square(z))),
      (o, g, y, x, z) => o.div(o.mul(o.neg(g), x), o.add(o.square(x), o.square(z))),
    ),
    tan2((o, t, y, x, z) => o.div(o.mul(t, z), o.add(o.square(x), o.square(z))), (o, t, y, x, z) => o.div(o.mul(o.neg(t), x), o.add(o.square(x), o.square(z)))),
  ),
  hypot: binary(
    { fn: "Math.hypot" },
    Math.hypot,
    ew2((o, g, y, x) => o.mul(g, o.div(x, y)), (o, g, y, x, z) => o.mul(g, o.div(z, y))),
    tan2((o, t, y, x) => o.mul(t, o.div(x, y)), (o, t, y, x, z) => o.mul(t, o.div(z, y))),
  ),
  fma: {
    ...E,
    arity: 3,
    js: { fma: true },
    fold: (a, b, c) => a * b + c,
    vjp: (o, g, y, [a, b, c]) => [o.unbroadcast(o.mul(g, b), a), o.unbroadcast(o.mul(a, g), b), o.unbroadcast(g, c)],
    jvp: (o, [ta, tb, tc], y, [a, b]) => addAll(o, [ta ? o.mul(ta, b) : null, tb ? o.mul(a, tb) : null, spread(o, tc, y)]),
  },
  where: {
    ...E,
    arity: 3,
    js: { inline: true },
    vjp: (o, g, y, [c, x, z]) => [null, o.unbroadcast(o.where(c, g, zero), x), o.unbroadcast(o.where(c, zero, g), z)],
    jvp: (o, [, tx, tz], y, [c]) => (tx || tz ? o.broadcastLike(o.where(c, tx ?? zero, tz ?? zero), y) : null),
  },

  neg: { ...E, arity: 1, js: { un: "-" }, fold: (a) => -a, rt: "negative", vjp: un((o, g) => o.neg(g)), jvp: tan1((o, t) => o.neg(t)) },
  square: {
    ...E,
    arity: 1,
    js: { inline: true },
    fold: (a) => a * a,
    vjp: un((o, g, y, x) => o.mul(g, o.mul(num(2), x))),
    jvp: tan1((o, t, y, x) => o.mul(t, o.mul(num(2), x))),
  },
  reciprocal: {
    ...E,
    arity: 1,
    js: { inline: true },
    fold: (a) => 1 / a,
    vjp: un((o, g, y) => o.mul(g, o.neg(o.square(y)))),
    jvp: tan1((o, t, y) => o.mul(t, o.neg(o.square(y)))),
  },
  exp: unary("Math.exp", Math.exp, un((o, g, y) => o.mul(g, y)), tan1((o, t, y) => o.mul(t, y))),
  log: unary("Math.log", Math.log, un((o, g, y, x) => o.div(g, x)), tan1((o, t, y, x) => o.div(t, x))),
  log1p: unary("Math.log1p", Math.log1p, un((o, g, y, x) => o.div(g, o.add(one, x))), tan1((o, t, y, x) => o.div(t, o.add(one, x)))),
  expm1: unary("Math.expm1", Math.expm1, un((o, g, y) => o.mul(g, o.add(y, one))), tan1((o, t, y) => o.mul(t, o.add(y, one)))),
  // XLA fuses the transposed JVP into one multiply-add; DESIGN.md: this is what gives JAX's digits.
  tanh: unary(
    "Math.tanh",
    Math.tanh,
    un((o, g, y) => {
      const u = o.mul(g, o.sub(one, y));
      return o.fma(u, y, u);
    }),
    tan1((o, t, y) => o.mul(t, o.sub(one, o.square(y)))),
  ),
  sin: unary("Math.sin", Math.sin, un((o, g, y, x) => o.mul(g, o.cos(x))), tan1((o, t, y, x) => o.mul(t, o.cos(x)))),
  cos: unary("Math.cos", Math.cos, un((o, g, y, x) => o.neg(o.mul(g, o.sin(x)))), tan1((o, t, y, x) => o.neg(o.mul(t, o.sin(x))))),
  tan: unary("Math.tan", Math.tan, un((o, g, y) => o.mul(g, o.add(one, o.square(y)))), tan1((o, t, y) => o.mul(t, o.add(one, o.square(y))))),
  arcsin: unary("Math.asin", Math.asin, un((o, g, y, x) => o.div(g, o.sqrt(o.sub(one, o.square(x))))), tan1((o, t, y, x) => o.div(t, o.sqrt(o.sub(one, o.square(x)))))),
  arccos: unary(
    "Math.acos",
    Math.acos,
    un((o, g, y, x) => o.neg(o.div(g, o.sqrt(o.sub(one, o.square(x)))))),
    tan1((o, t, y, x) => o.neg(o.div(t, o.sqrt(o.sub(one, o.square(x)))))),
  ),
  arctan: unary("Math.atan", Math.atan, un((o, g, y, x) => o.div(g, o.add(one, o.square(x)))), tan1((o, t, y, x) => o.div(t, o.add(one, o.square(x))))),
  sinh: unary("Math.sinh", Math.sinh, un((o, g, y, x) => o.mul(g, o.cosh(x))), tan1((o, t, y, x) => o.mul(t, o.cosh(x)))),
  cosh: unary("Math.cosh", Math.cosh, un((o, g, y, x) => o.mul(g, o.sinh(x))), tan1((o, t, y, x) => o.mul(t, o.sinh(x)))),
  sqrt: unary("Math.sqrt", Math.sqrt, un((o, g, y) => o.mul(g, o.div(num(0.5), y))), tan1((o, t, y) => o.mul(t, o.div(num(0.5), y)))),
  // JAX: select(x >= 0, g, -g), so the derivative at 0 is 1.
  abs: unary(
    "Math.abs",
    Math.abs,
    un((o, g, y, x) => o.where(o.greaterEqual(x, zero), g, o.neg(g))),
    tan1((o, t, y, x) => o.where(o.greaterEqual(x, zero), t, o.neg(t))),
  ),
  sign: flat("Math.sign", Math.sign),
  floor: flat("Math.floor", Math.floor),
  ceil: flat("Math.ceil", Math.ceil),
  // JS Math.round (halves toward +∞), not NumPy's round-half-to-even
  round: flat("Math.round", Math.round, "jsRound"),
  trunc: flat("Math.trunc", Math.trunc),
  // JAX's tie rule for max/min: x === z ? (y === z ? 0.5 : 1) : 0
  balancedEq: { ...E, arity: 3, js: { inline: true }, nondiff: true },

  // comparisons: booleans, never differentiated
  less: cmp("<", (a, b) => a < b),
  lessEqual: cmp("<=", (a, b) => a <= b),
  greater: cmp(">", (a, b) => a > b),
  greaterEqual: cmp(">=", (a, b) => a >= b),
  equal: cmp("===", (a, b) => a === b),
  notEqual: cmp("!==", (a, b) => a !== b),
  // conditions of control flow (an Array condition is refused when lowering)
  logicalAnd: { ty: "other", arity: 2, js: { bin: "&&" }, nondiff: true, numberOnly: true, kernel: "elementwise" },
  logicalOr: { ty: "other", arity: 2, js: { bin: "||" }, nondiff: true, numberOnly: true, kernel: "elementwise" },
  logicalNot: { ty: "other", arity: 1, js: { un: "!" }, nondiff: true, numberOnly: true, kernel: "elementwise" },
  // dtype conversion (the dtype is a static operand)
  astype: { ty: "arr", arity: 2, aval: ({ args: [x], consts: [, d] }) => ({ dtype: dtypeConst(d), shape: x.shape }), vjp: (o, g) => [g, null], jvp: (o, [t]) => t ?? null, shape: "operands", kernel: "elementwise" },
};
