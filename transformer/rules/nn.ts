// How `nn.*` (jax.nn's activations) and the composite jnp functions lower: each function's formula
// (runtime/nn/formulas.ts, runtime/numpy/composites.ts: the one definition the runtime also runs)
// expanded into IR primitives (rules/formulas.ts).

import { leaf, lit, num } from "../ir.js";
import { FORMULAS } from "../../runtime/nn/formulas.js";
import { COMPOSITES } from "../../runtime/numpy/composites.js";
import type { CallLowering } from "./lowering.js";
import { formulaLowering } from "./formulas.js";

/** oneHot(x, n): x[..., None] == arange(n), float32 (no derivative). */
const oneHot: CallLowering = (x) => {
  const n = x.leaf(1);
  if (n.tag !== "const" || typeof n.value !== "number") x.fail("nn.oneHot: numClasses must be a number known at build time");
  const c = n.tag === "const" ? (n.value as number) : NaN;
  if (!Number.isInteger(c) || c < 0) x.fail(`nn.oneHot: numClasses must be a non-negative integer, got ${c}`);
  const eq = x.prim("equal", [x.prim("expandDims", [x.leaf(0), num(-1)], "arr"), x.prim("arange", [n], "arr")], "arr");
  return leaf(x.prim("astype", [eq, lit("float32")], "arr"));
};

export const NN: Readonly<Record<string, CallLowering>> = {
  ...Object.fromEntries(Object.entries(FORMULAS).map(([name, f]) => [name, formulaLowering(f)])),
  oneHot,
};

/** The composite jnp functions (isnan, logaddexp, remainder, any, ...). */
export const COMPOSITE_RULES: Readonly<Record<string, CallLowering>> = Object.fromEntries(Object.entries(COMPOSITES).map(([name, f]) => [name, formulaLowering(f)]));
