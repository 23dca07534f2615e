// Indexing and its transposes (scatter-adds into zeros shaped like the indexed operand).

import type { PrimDef } from "./def.js";

const X = { ty: "arr", kernel: "movement" } as const;

export const INDEXING: Readonly<Record<string, PrimDef>> = {
  index: { ...X, arity: 2, vjp: (o, g, y, [x, i]) => [o.indexTranspose(g, x, i), null] },
  indexTranspose: { ...X, arity: 3, shape: { arg: 1 }, vjp: (o, g, y, [, , i]) => [o.index(g, i), null, null] },
  take: { ...X, arity: 3, vjp: (o, g, y, [x, idx, ax]) => [o.takeTranspose(g, x, idx, ax), null, null] },
  takeTranspose: { ...X, arity: 4, shape: { arg: 1 }, vjp: (o, g, y, [, , idx, ax]) => [o.take(g, idx, ax), null, null, null] },
  slice: { ...X, arity: { min: 1 }, vjp: (o, g, y, [x, ...specs]) => [o.sliceTranspose(g, x, ...specs), ...specs.map(() => null)] },
  sliceTranspose: { ...X, arity: { min: 2 }, shape: { arg: 1 }, vjp: (o, g, y, [, , ...specs]) => [o.slice(g, ...specs), null, ...specs.map(() => null)] },
};
