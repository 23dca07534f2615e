// The rank check of runtime/numpy/rank-check.ts: the identity (its derivative the identity too)
// with a run-time error; the formula that asks for it computes from its result, so it runs.

import { lit } from "../ir.js";
import type { PrimDef } from "./def.js";
import { linear0 } from "./def.js";
import type { BatchEntry } from "./batching.js";
import type { RankSpec } from "../../runtime/numpy/rank-check.js";

export const RANK_CHECK: Readonly<Record<string, PrimDef>> = {
  // (x, spec)
  rankAtMost: { ty: "arr", arity: 2, kernel: "movement", shape: { arg: 0 }, vjp: (o, g, y, [, spec]) => [o.rankAtMost(g, spec), null], jvp: linear0("rankAtMost") },
};

export const RANK_CHECK_BATCH: Readonly<Record<string, BatchEntry>> = {
  rankAtMost: {
    rule: (c, [x, spec]) => {
      const s = (spec.tag === "const" ? spec.value : {}) as RankSpec;
      return c.o.rankAtMost(x, lit({ ...s, k: (s.k ?? 0) + 1 }));
    },
  },
};
