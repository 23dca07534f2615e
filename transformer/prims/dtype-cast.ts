// castAs (runtime/dtype-cast.ts): a cast whose target dtype is read at run time from its operand
// ("inexact", "compute") or from a reference operand ("like"), for formulas that must keep float64
// and float16 where the dtype is not known at build time. Its derivative is the cotangent cast
// back to the operand's float dtype (astype's rule, dtype-correct); the reference has none.

import { lit } from "../ir.js";
import type { PrimDef } from "./def.js";
import type { BatchEntry } from "./batching.js";

export const DTYPE_CAST: Readonly<Record<string, PrimDef>> = {
  // (x, ref | null, kind)
  castAs: {
    ty: "arr",
    arity: 3,
    // (the IR's dtypes are float32's at build time; the run-time dtype follows the operands)
    aval: ({ args: [x] }) => ({ dtype: "f32", shape: x.shape }),
    vjp: (o, g, y, [x]) => [o.castAs(g, x, lit("like")), null, null],
    jvp: (o, [t], y) => (t ? o.castAs(t, y, lit("like")) : null),
    kernel: "opaque",
  },
};

export const DTYPE_CAST_BATCH: Readonly<Record<string, BatchEntry>> = {
  // (elementwise in x; the reference gives only a dtype, so x's batching is the result's)
  castAs: { rule: (c, [x, ref, kind], bd) => (bd[0] ? c.o.castAs(x, ref, kind) : { same: c.o.castAs(x, ref, kind) }) },
};
