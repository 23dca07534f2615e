// cumprod's second derivative (runtime/numpy/cumprod-grad2.ts): the derivative in x of its tangent
// map cumprodTangent(t, x) is cumprodTangent2(t, u, x), bilinear in the two directions, and of
// the transpose cumprodT(g, x) is cumprodT2(g, u, x), that form's transpose in u; with them
// cumprodT and cumprodTangent have rules (prims/arrange.ts), so cumprod differentiates twice,
// in either mode. A third derivative is a build error.

import { num } from "../ir.js";
import type { Value } from "../ir.js";
import type { PrimDef } from "./def.js";
import type { BatchCx, BatchEntry } from "./batching.js";

const THIRD = "cumprod's third and higher derivatives are not written yet";

export const CUMPROD2: Readonly<Record<string, PrimDef>> = {
  // (t, u, x, axis): cumprod's shape
  cumprodTangent2: { ty: "arr", arity: 4, kernel: "opaque", noVjp: THIRD, noJvp: THIRD },
  // (g, t, x, axis): x's shape
  cumprodT2: { ty: "arr", arity: 4, kernel: "opaque", shape: { arg: 2 }, noVjp: THIRD, noJvp: THIRD },
};

const bc = (c: BatchCx, v: Value, b: boolean): Value => (b ? v : c.o.vBcast(v, c.size));

/** Every data operand given the batch axis; the axis (a number: one example's) one further in. */
const batch: BatchEntry = {
  rule: (c, [a, b, x, ax], bd, prim) => {
    const axis = ax.tag === "const" ? ax.value : undefined;
    if (typeof axis !== "number") return c.fail("vmap of cumprod's second derivative needs its axis as a number (flatten with ravel first)");
    return c.o[prim](bc(c, a, bd[0]), bc(c, b, bd[1]), bc(c, x, bd[2]), num(axis < 0 ? axis : axis + 1));
  },
};

export const CUMPROD2_BATCH: Readonly<Record<string, BatchEntry>> = { cumprodTangent2: batch, cumprodT2: batch };
