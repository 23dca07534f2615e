// jax.lax's work-alike, as @jax-js/jax spells it: the lower-level operations (convolutions,
// windowed reductions, top-k, the linalg decompositions in their lax forms). Every function
// declared under runtime/lax/ is lowered by the transformer as the primitive named
// `lax.<name>` (transformer/find.ts, transformer/rules/lowering.ts).
/**
 * jax.lax's work-alike: `import { lax } from "tsjax"`.
 * @module tsjax/lax
 */
export { stopGradient } from "../transforms.js";
export { erf, erfc } from "../numpy/special.js";
export * as linalg from "./linalg.js";
export { conv, convGeneralDilated, convWithGeneralPadding, convTranspose } from "./conv.js";
export type { PaddingType, Pair } from "./conv.js";
export { reduceWindow } from "./window.js";
export { topK } from "./topk.js";
export { dot } from "./dot.js";
export type { DotDimensionNumbers } from "./dot.js";
export { bitcastConvertType } from "./bitcast.js";
