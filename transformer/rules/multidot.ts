// How numpy.linalg.multiDot lowers (runtime/numpy/multidot.ts, prims/multidot.ts): the ends made
// matrices, one mchain primitive that picks NumPy's order at run time from the sizes, and the
// axes of 1-D ends dropped again; the same expression eager multiDot evaluates.

import type { Value } from "../ir.js";
import { leaf, lit } from "../ir.js";
import type { CallLowering } from "./lowering.js";

export const MULTIDOT_LOWERING: Readonly<Record<string, CallLowering>> = {
  multiDot: (x) => {
    const t = x.tree(0);
    if (!t || t.kind !== "tup" || t.kids.length < 2) return x.fail("multiDot: the arrays must be a list literal of at least two ([a, b, ...])");
    const vs = t.kids.map((k, i): Value => {
      if (k.kind !== "leaf") return x.fail(`multiDot: arrays[${i}] must be an Array`);
      return k.v.ty === "arr" ? k.v : x.prim("toArray", [k.v], "arr");
    });
    const n = vs.length;
    const ops = vs.map((v, i) => (i === 0 || i === n - 1 ? x.prim("mdotEnd", [v, lit({ side: i === 0 ? "first" : "last", k: 0 })], "arr") : v));
    const y = x.prim("mchain", [...ops, lit({ f: ops.map(() => []) })], "arr");
    return leaf(x.prim("mdotDrop", [y, vs[0], vs[n - 1], lit({ k1: 0, kn: 0 })], "arr"));
  },
};
