// How the special functions (runtime/numpy/special.ts; scipySpecial.*, lax.erf, lax.erfc) lower:
// erf, erfc, erfinv, gammaln, digamma, polygamma onto their primitives (prims/special.ts), with a
// number operand made an Array first (JAX returns Arrays); logit and expit are formulas.

import { leaf } from "../ir.js";
import type { Value } from "../ir.js";
import type { LoweringCtx } from "../lower.js";
import type { CallLowering } from "./lowering.js";
import { formulaLowering } from "./formulas.js";
import { SPECIAL_FORMULAS } from "../../runtime/numpy/special.js";

/** The call's argument i as an Array value. */
const arrayArg = (x: LoweringCtx, i: number): Value => {
  const v = x.leaf(i);
  return v.ty === "arr" ? v : x.prim("toArray", [v], "arr");
};

const unary =
  (name: string, prim: string): CallLowering =>
  (x) => {
    if (x.nargs !== 1) x.fail(`${name} takes one argument (x), got ${x.nargs}`);
    return leaf(x.prim(prim, [arrayArg(x, 0)], "arr"));
  };

export const SPECIAL_LOWERING: Readonly<Record<string, CallLowering>> = {
  erf: unary("erf", "erf"),
  erfc: unary("erfc", "erfc"),
  erfinv: unary("erfinv", "erfinv"),
  gammaln: unary("gammaln", "lgamma"),
  digamma: unary("digamma", "digamma"),
  polygamma: (x) => {
    if (x.nargs !== 2) x.fail(`polygamma takes two arguments (n, x), got ${x.nargs}`);
    const n = x.leaf(0);
    if (n.ty !== "num") x.fail("polygamma: the order n must be a number");
    return leaf(x.prim("polygamma", [n, arrayArg(x, 1)], "arr"));
  },
  ...Object.fromEntries(Object.entries(SPECIAL_FORMULAS).map(([name, f]) => [name, formulaLowering(f)])),
};
