// Primitives the jit introduces after differentiation (transformer/jit/): they never meet AD.

import type { PrimDef } from "./def.js";
import { matmulAval } from "../avals.js";

const AFTER_AD = "the jit fuses kernels after differentiation: a fused kernel is never differentiated";

export const JIT: Readonly<Record<string, PrimDef>> = {
  // fused(program, ...inputs): a chain of elementwise ops as one kernel (runtime/jit/fused.ts)
  fused: { ty: "arr", arity: { min: 1 }, kernel: "elementwise", noVjp: AFTER_AD, noJvp: AFTER_AD },
  // unbroadcastProduct(g, a, b, kind): unbroadcast(g, kind(a, b)) from the product's shape alone,
  // so a product read only for its shape can be a kernel's prologue (jit/shapes.ts)
  unbroadcastProduct: {
    ty: "arr",
    arity: 4,
    kernel: "reduce",
    aval: ({ args: [, a, b], consts: [, , , kind], fresh }) => matmulAval(kind === "dot" ? "dot" : "matmul")({ args: [a, b], consts: [], fresh }),
    noVjp: AFTER_AD,
    noJvp: AFTER_AD,
  },
};
