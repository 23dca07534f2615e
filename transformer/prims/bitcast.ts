// lax.bitcastConvertType as a primitive (runtime/lax/bitcast.ts): the same 32-bit words read as
// another dtype, elementwise. Its derivative is zero, as JAX's (ad.defjvp_zero): the bits of a
// float are not a differentiable function of it. vmap applies it to the whole batch.

import { dtypeConst } from "../avals.js";
import type { PrimDef } from "./def.js";
import type { BatchEntry } from "./batching.js";

export const BITCAST: Readonly<Record<string, PrimDef>> = {
  // (x, newDtype)
  bitcastConvertType: { ty: "arr", arity: 2, nondiff: true, kernel: "elementwise", aval: ({ args: [x], consts: [, d] }) => ({ dtype: dtypeConst(d), shape: x.shape }) },
};

export const BITCAST_BATCH: Readonly<Record<string, BatchEntry>> = {
  bitcastConvertType: { rule: (c, [x, d]) => c.o.bitcastConvertType(x, d) },
};
