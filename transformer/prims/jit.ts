// Primitives the jit introduces after differentiation (transformer/jit/): they never meet AD.

import type { PrimDef } from "./def.js";

const AFTER_AD = "the jit fuses kernels after differentiation: a fused kernel is never differentiated";

export const JIT: Readonly<Record<string, PrimDef>> = {
  // fused(program, ...inputs): a chain of elementwise ops as one kernel (runtime/jit/fused.ts)
  fused: { ty: "arr", arity: { min: 1 }, kernel: "elementwise", noVjp: AFTER_AD, noJvp: AFTER_AD },
};
