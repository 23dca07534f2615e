// How jnp.fullLike lowers: the primitive fullLike (prims/full-like.ts), the runtime's function,
// whose dtype (the array's, known at run time, or the options') eager code has.

import { leaf, lit } from "../ir.js";
import type { CallLowering } from "./lowering.js";

export const FULL_LIKE_LOWERING: Readonly<Record<string, CallLowering>> = {
  fullLike: (x) => {
    const a = x.leaf(0);
    const v = x.nargs > 1 ? x.leaf(1) : undefined;
    if (!v) return x.fail("fullLike: needs a fill value (fullLike(a, fillValue))");
    const o = x.nargs > 2 ? x.leaf(2) : lit(undefined);
    if (o.tag !== "const") return x.fail("fullLike: the options must be written literally (known at build time)");
    if (v.ty === "arr") return x.fail("fullLike: the fill value must be a number or a boolean");
    return leaf(x.prim("fullLike", [a, v, o], "arr"));
  },
};
