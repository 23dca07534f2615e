// How lax.bitcastConvertType lowers (transformer/prims/bitcast.ts): its dtype is static, as in JAX.

import { leaf } from "../ir.js";
import type { CallLowering } from "./lowering.js";

const WORDS = ["float32", "int32", "uint32"];

export const BITCAST_LOWERING: Readonly<Record<string, CallLowering>> = {
  "lax.bitcastConvertType": (x) => {
    const d = x.nargs > 1 ? x.leaf(1) : undefined;
    if (!d || d.tag !== "const" || !WORDS.includes(d.value as string))
      return x.fail(`lax.bitcastConvertType: newDtype must be ${WORDS.map((w) => JSON.stringify(w)).join(", ")} written literally (known at build time)${d?.tag === "const" ? `, got ${JSON.stringify(d.value)}` : ""}`);
    const a = x.leaf(0);
    return leaf(x.prim("bitcastConvertType", [a.ty === "arr" ? a : x.prim("toArray", [a], "arr"), d], "arr"));
  },
};
