// einsum(spec, ...xs) (runtime/numpy/einsum.ts). Multilinear: its tangent is the sum of einsums
// with one operand replaced by its tangent; an operand's cotangent is the einsum of the output's
// cotangent with the other operands into that operand's labels (labels it alone had, summed away,
// come back as a broadcast; size-1 labels it broadcast are summed back by unbroadcast).

import type { Ops, PrimDef } from "./def.js";
import { addAll } from "./def.js";
import type { Value } from "../ir.js";
import { lit } from "../ir.js";
import { parseEinsum } from "../../runtime/numpy/einsum.js";

const specOf = (v: Value): string => (v.tag === "const" && typeof v.value === "string" ? v.value : "");
/** The labels of each operand and of the output (the runtime's parser: implicit mode included). */
export const einsumLabels = (spec: string): { ins: string[]; out: string } => parseEinsum(spec, spec.split("->")[0].split(",").length);

/** The cotangent of operand i. */
function cotangent(o: Ops, g: Value, spec: string, xs: readonly Value[], i: number): Value {
  const { ins: ins0, out } = einsumLabels(spec);
  // (an unknown spec, in the registry's own checks: no labels)
  const ins = xs.map((_, j) => ins0[j] ?? "");
  const others = xs.map((x, j) => [x, ins[j]] as const).filter((_, j) => j !== i);
  const have = new Set([...out, ...others.flatMap(([, t]) => [...t])]);
  const kept = [...ins[i]].filter((c) => have.has(c)).join("");
  const sub = `${[out, ...others.map(([, t]) => t)].join(",")}->${kept}`;
  let gi: Value = o.einsum(lit(sub), g, ...others.map(([x]) => x));
  const missing = [...ins[i]].map((c, d) => (have.has(c) ? -1 : d)).filter((d) => d >= 0);
  if (missing.length) gi = o.broadcastLike(o.expandDims(gi, lit(missing)), xs[i]);
  return o.unbroadcast(gi, xs[i]);
}

export const EINSUM: Readonly<Record<string, PrimDef>> = {
  einsum: {
    ty: "arr",
    arity: { min: 2 },
    kernel: "opaque",
    vjp: (o, g, y, [spec, ...xs]) => [null, ...xs.map((_, i) => cotangent(o, g, specOf(spec), xs, i))],
    jvp: (o, [, ...ts], y, [spec, ...xs]) => addAll(o, ts.map((t, i) => (t ? o.einsum(spec, ...xs.map((x, j) => (j === i ? t : x))) : null))),
  },
};
