// jnp.fullLike as a primitive (the runtime's fullLike: its dtype rules, the array's dtype or the
// options'); differentiable in a traced fill value (a number), whose cotangent is the sum of the
// result's, as JAX's full_like. The array gives only a shape and a dtype.

import { dtypeConst } from "../avals.js";
import type { PrimDef } from "./def.js";
import type { BatchEntry } from "./batching.js";

export const FULL_LIKE: Readonly<Record<string, PrimDef>> = {
  // (a, fillValue, opts)
  fullLike: {
    ty: "arr",
    arity: 3,
    kernel: "opaque",
    aval: ({ args: [a], consts: [, , o] }) => ({ dtype: (o as { dtype?: unknown } | undefined)?.dtype === undefined ? a.dtype : dtypeConst((o as { dtype: unknown }).dtype), shape: a.shape }),
    vjp: (o, g, y, [, v]) => [null, v.ty === "num" ? o.unbroadcast(g, v) : null, null],
    jvp: (o, [, tv], y) => (tv ? o.broadcastLike(tv, y) : null),
  },
};

export const FULL_LIKE_BATCH: Readonly<Record<string, BatchEntry>> = {
  fullLike: {
    rule: (c, [a, v, opts], bd) => (bd[1] ? c.fail("vmap of fullLike with a fill value that differs per example is not supported (add it to fullLike(a, 0) instead)") : c.o.fullLike(a, v, opts)),
  },
};
