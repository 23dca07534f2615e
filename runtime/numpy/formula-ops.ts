// The operations formulas run on at run time (nn/formulas.ts, numpy/composites.ts): the jnp
// functions themselves, constants as plain (weakly typed) numbers as in compiled code.

import type { NDArray } from "../array.js";
import type { Axis } from "../array.js";
import type { FormulaOps } from "../nn/formulas.js";
import * as ew from "./elementwise.js";
import * as red from "./reduce.js";
import * as la from "./linalg.js";
import * as sh from "./shape.js";
import * as ar from "./arrange.js";
import { asArray, arange } from "./creation.js";
import { take } from "./indexing.js";
import * as special from "./special.js";
import { svdS } from "./decomp-kernels.js";
import { formulaAstype } from "../dtype-cast.js";
import { fmtShape, normAxes } from "../shape.js";

export const EAGER_OPS: FormulaOps<NDArray> = {
  c: (x) => x as unknown as NDArray,
  add: ew.add,
  sub: ew.subtract,
  mul: ew.multiply,
  div: ew.divide,
  neg: ew.negative,
  exp: ew.exp,
  log: ew.log,
  log1p: ew.log1p,
  expm1: ew.expm1,
  tanh: ew.tanh,
  abs: ew.abs,
  sqrt: ew.sqrt,
  maximum: ew.maximum,
  minimum: ew.minimum,
  greater: ew.greater,
  less: ew.less,
  where: ew.where,
  equal: ew.equal,
  notEqual: ew.notEqual,
  lessEqual: ew.lessEqual,
  logicalAnd: ew.logicalAnd,
  logicalOr: ew.logicalOr,
  logicalNot: ew.logicalNot,
  floor: ew.floor,
  fmod: ew.fmod,
  sign: ew.sign,
  pow: ew.power,
  sin: ew.sin,
  astype: (a, d, ref) => formulaAstype(a, d, ref),
  sum: (a, axis, keepdims) => red.sum(a, axis as Axis, { keepdims }),
  max: (a, axis, keepdims) => red.max(a, axis as Axis, { keepdims }),
  min: (a, axis, keepdims) => red.min(a, axis as Axis, { keepdims }),
  matmul: la.matmul,
  expandDims: (a, axis) => sh.expandDims(a, axis),
  squeeze: (a, axis) => sh.squeeze(a, axis),
  moveaxis: (a, from, to) => ar.moveaxis(a, from, to),
  dim: (a, axis) => asArray(a).shape.at(axis) as unknown as NDArray,
  lowerMask: (a) => ar.triMask(a, 0, false),
  logsumexp: (a, axis, keepdims) => red.logsumexp(a, axis as Axis, { keepdims }),
  mean: (a, axis, keepdims) => red.mean(a, axis as Axis, { keepdims }),
  var: (a, axis, keepdims) => red.var(a, axis as Axis, { keepdims }),
  erfc: (a) => special.erfc(a),
  svdvals: (a) => svdS(a),
  count: (a, axis) => {
    const s = asArray(a).shape;
    return asArray(normAxes("logmeanexp", axis as Axis, s).reduce((n, d) => n * s[d], 1));
  },
  split2: (a, axis) => {
    const x = asArray(a);
    const d = normAxes("glu", axis, x.shape)[0];
    const n = x.shape[d];
    if (n % 2 !== 0) throw new TypeError(`nn.glu: axis ${axis} of shape ${fmtShape(x.shape)} has odd size ${n}; it must split into two halves`);
    return [take(x, arange(0, n / 2, 1, { dtype: "int32" }), d), take(x, arange(n / 2, n, 1, { dtype: "int32" }), d)];
  },
};

/** A formula run on Arrays: the input as an Array, the further arguments as given. */
export const runFormula = (f: (o: FormulaOps<NDArray>, x: NDArray, ...args: unknown[]) => NDArray, x: unknown, ...args: unknown[]): NDArray =>
  asArray(f(EAGER_OPS, asArray(x as NDArray), ...args));
