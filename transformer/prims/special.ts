// The special functions (runtime/numpy/special.ts): erf, erfc, erfinv, lgamma, digamma and
// polygamma, elementwise on Arrays (the lowering makes a number operand an Array first, as JAX
// returns Arrays). Their derivatives are JAX's: 2/√π·exp(−x²) for erf (minus that for erfc),
// √π/2·exp(erfinv(x)²) for erfinv, digamma for lgamma, polygamma(n + 1) for polygamma(n), each
// written in IR ops so that derivatives of any order follow. Not fused by the jit (not in
// jit/fuse.ts FUSABLE): a jit'd function calls the eager function, so it gives eager code's bits.

import { num } from "../ir.js";
import type { Value, Var } from "../ir.js";
import type { JvpRule, Ops, PrimDef, VjpRule } from "./def.js";
import { one } from "./def.js";
import type { AvalRule } from "../avals.js";
import type { BatchEntry } from "./batching.js";

/** A float32 result shaped like operand i. */
const f32Like =
  (i: number): AvalRule =>
  ({ args }) => ({ dtype: "f32", shape: args[i].shape });

/** A unary special function with local derivative d(o, x, y). */
function unary(d: (o: Ops, x: Value, y: Var) => Value, rt?: string): PrimDef {
  const vjp: VjpRule = (o, g, y, [x]) => [o.mul(g, d(o, x, y))];
  const jvp: JvpRule = (o, [t], y, [x]) => (t ? o.mul(t, d(o, x, y)) : null);
  return { ty: "arr", arity: 1, shape: "operands", aval: f32Like(0), kernel: "elementwise", vjp, jvp, rt };
}

/** 2/√π·exp(−x²), erf's derivative (JAX's erf JVP, in its order of operations). */
const dErf = (o: Ops, x: Value): Value => o.mul(num(2 / Math.sqrt(Math.PI)), o.exp(o.neg(o.square(x))));

export const SPECIAL: Readonly<Record<string, PrimDef>> = {
  erf: unary((o, x) => dErf(o, x)),
  erfc: unary((o, x) => o.neg(dErf(o, x))),
  // √π/2·exp(y²), y = erfinv(x)
  erfinv: unary((o, x, y) => o.mul(num(Math.sqrt(Math.PI) / 2), o.exp(o.square(y)))),
  lgamma: unary((o, x) => o.digamma(x), "gammaln"),
  digamma: unary((o, x) => o.polygamma(one, x)),
  // polygamma(n, x): n a number (no derivative), x the Array
  polygamma: {
    ty: "arr",
    arity: 2,
    shape: { arg: 1 },
    aval: f32Like(1),
    kernel: "elementwise",
    vjp: (o, g, y, [n, x]) => [null, o.mul(g, o.polygamma(o.add(n, one), x))],
    jvp: (o, [, t], y, [n, x]) => (t ? o.mul(t, o.polygamma(o.add(n, one), x)) : null),
  },
};

/** vmap: each is elementwise in its one Array operand, so the batch axis passes through. */
const unaryBatch: BatchEntry = { rule: (c, [x], bd, prim) => c.o[prim](x) };
export const SPECIAL_BATCH: Readonly<Record<string, BatchEntry>> = {
  erf: unaryBatch,
  erfc: unaryBatch,
  erfinv: unaryBatch,
  lgamma: unaryBatch,
  digamma: unaryBatch,
  polygamma: { rule: (c, [n, x], bd) => (bd[0] ? c.fail("vmap of polygamma with an order n that differs per example") : c.o.polygamma(n, x)) },
};
