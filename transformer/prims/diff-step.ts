// numpy.diff's step (runtime/numpy/diff-step.ts): hi − lo, or hi ≠ lo for bools, decided at run
// time. Its derivative is subtraction's (a bool operand is never active: it comes from a
// comparison); batched operands are slices of one array, so examples line up.

import type { Value } from "../ir.js";
import { broadcast } from "../avals.js";
import type { PrimDef } from "./def.js";
import type { BatchCx, BatchEntry } from "./batching.js";

export const DIFF_STEP: Readonly<Record<string, PrimDef>> = {
  diffStep: {
    ty: "arr",
    arity: 2,
    kernel: "elementwise",
    shape: "operands",
    aval: ({ args: [a, b] }) => ({ dtype: a.dtype, shape: broadcast([a.shape, b.shape]) }),
    vjp: (o, g) => [g, o.neg(g)],
    jvp: (o, [ta, tb]) => (ta && tb ? o.sub(ta, tb) : ta ? ta : tb ? o.neg(tb) : null),
  },
};

const bc = (c: BatchCx, v: Value, b: boolean): Value => (b ? v : c.o.vBcast(v, c.size));

export const DIFF_STEP_BATCH: Readonly<Record<string, BatchEntry>> = {
  diffStep: { rule: (c, [a, b], bd) => c.o.diffStep(bc(c, a, bd[0]), bc(c, b, bd[1])) },
};
