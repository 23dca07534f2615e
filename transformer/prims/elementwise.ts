// Elementwise primitives: arithmetic, unary math, rounding, comparisons, logic, selection.
// Each maps to JS operators/Math for numbers and to a runtime function for Arrays.

import { num } from "../ir.js";
import type { Ops, PrimDef, VjpRule } from "./def.js";
import { one, zero } from "./def.js";
import type { Value, Var } from "../ir.js";

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

const E = { ty: "ew", shape: "operands", kernel: "elementwise" } as const;
const unary = (fn: string, fold: (x: number) => number, vjp: VjpRule, rt?: string): PrimDef => ({ ...E, arity: 1, js: { fn }, fold, vjp, rt });
const binary = (js: PrimDef["js"], fold: (a: number, b: number) => number, vjp: VjpRule, rt?: string): PrimDef => ({ ...E, arity: 2, js, fold, vjp, rt });
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
  add: binary({ bin: "+" }, (a, b) => a + b, ew2((o, g) => g, (o, g) => g)),
  sub: binary({ bin: "-" }, (a, b) => a - b, ew2((o, g) => g, (o, g) => o.neg(g)), "subtract"),
  mul: binary({ bin: "*" }, (a, b) => a * b, ew2((o, g, y, x, z) => o.mul(g, z), (o, g, y, x) => o.mul(x, g)), "multiply"),
  div: binary(
    { bin: "/" },
    (a, b) => a / b,
    ew2(
      (o, g, y, x, z) => o.div(g, z),
      (o, g, y, x, z) => o.mul(o.mul(o.neg(g), x), o.pow(z, num(-2))),
    ),
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
    "power",
  ),
  // JS `%` (C's fmod: the sign of the dividend)
  mod: binary({ bin: "%" }, (a, b) => a % b, ew2((o, g) => g, (o, g, y, x, z) => o.mul(o.neg(g), o.trunc(o.div(x, z)))), "fmod"),
  maximum: binary({ fn: "Math.max" }, Math.max, chooser),
  minimum: binary({ fn: "Math.min" }, Math.min, chooser),
  arctan2: binary(
    { fn: "Math.atan2" },
    Math.atan2,
    ew2(
      (o, g, y, x, z) => o.div(o.mul(g, z), o.add(o.square(x), o.square(z))),
      (o, g, y, x, z) => o.div(o.mul(o.neg(g), x), o.add(o.square(x), o.square(z))),
    ),
  ),
  hypot: binary({ fn: "Math.hypot" }, Math.hypot, ew2((o, g, y, x) => o.mul(g, o.div(x, y)), (o, g, y, x, z) => o.mul(g, o.div(z, y)))),
  fma: {
    ...E,
    arity: 3,
    js: { fma: true },
    fold: (a, b, c) => a * b + c,
    vjp: (o, g, y, [a, b, c]) => [o.unbroadcast(o.mul(g, b), a), o.unbroadcast(o.mul(a, g), b), o.unbroadcast(g, c)],
  },
  where: {
    ...E,
    arity: 3,
    js: { inline: true },
    vjp: (o, g, y, [c, x, z]) => [null, o.unbroadcast(o.where(c, g, zero), x), o.unbroadcast(o.where(c, zero, g), z)],
  },

  neg: { ...E, arity: 1, js: { un: "-" }, fold: (a) => -a, rt: "negative", vjp: un((o, g) => o.neg(g)) },
  square: { ...E, arity: 1, js: { inline: true }, fold: (a) => a * a, vjp: un((o, g, y, x) => o.mul(g, o.mul(num(2), x))) },
  reciprocal: { ...E, arity: 1, js: { inline: true }, fold: (a) => 1 / a, vjp: un((o, g, y) => o.mul(g, o.neg(o.square(y)))) },
  exp: unary("Math.exp", Math.exp, un((o, g, y) => o.mul(g, y))),
  log: unary("Math.log", Math.log, un((o, g, y, x) => o.div(g, x))),
  log1p: unary("Math.log1p", Math.log1p, un((o, g, y, x) => o.div(g, o.add(one, x)))),
  expm1: unary("Math.expm1", Math.expm1, un((o, g, y) => o.mul(g, o.add(y, one)))),
  // XLA fuses the transposed JVP into one multiply-add; DESIGN.md: this is what gives JAX's digits.
  tanh: unary(
    "Math.tanh",
    Math.tanh,
    un((o, g, y) => {
      const u = o.mul(g, o.sub(one, y));
      return o.fma(u, y, u);
    }),
  ),
  sin: unary("Math.sin", Math.sin, un((o, g, y, x) => o.mul(g, o.cos(x)))),
  cos: unary("Math.cos", Math.cos, un((o, g, y, x) => o.neg(o.mul(g, o.sin(x))))),
  tan: unary("Math.tan", Math.tan, un((o, g, y) => o.mul(g, o.add(one, o.square(y))))),
  arcsin: unary("Math.asin", Math.asin, un((o, g, y, x) => o.div(g, o.sqrt(o.sub(one, o.square(x)))))),
  arccos: unary("Math.acos", Math.acos, un((o, g, y, x) => o.neg(o.div(g, o.sqrt(o.sub(one, o.square(x))))))),
  arctan: unary("Math.atan", Math.atan, un((o, g, y, x) => o.div(g, o.add(one, o.square(x))))),
  sinh: unary("Math.sinh", Math.sinh, un((o, g, y, x) => o.mul(g, o.cosh(x)))),
  cosh: unary("Math.cosh", Math.cosh, un((o, g, y, x) => o.mul(g, o.sinh(x)))),
  sqrt: unary("Math.sqrt", Math.sqrt, un((o, g, y) => o.mul(g, o.div(num(0.5), y)))),
  // JAX: select(x >= 0, g, -g), so the derivative at 0 is 1.
  abs: unary("Math.abs", Math.abs, un((o, g, y, x) => o.where(o.greaterEqual(x, zero), g, o.neg(g)))),
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
  astype: { ty: "arr", arity: 2, vjp: (o, g) => [g, null], shape: "operands", kernel: "elementwise" },
};
