// What generated code calls for lax's convolutions, general dot, window reductions and top-k
// (re-exported by runtime/rt.ts; the primitives are in transformer/prims/conv.ts).
export { convGeneral, convTLhs, convTRhs, convOpts } from "./conv.js";
export { dotGeneral, dotGeneralTL, dotGeneralTR } from "./dot.js";
export { windowReduce, windowSumT, windowScatter, windowGather } from "./window.js";
export { topKIndices } from "./topk.js";
export { convolvePads } from "../numpy/convolve.js";
