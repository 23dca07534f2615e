// numpy.linalg.multiDot's primitives (runtime/numpy/multidot.ts): mchain multiplies a chain of
// matrices in NumPy's best order, chosen at run time from the sizes, so compiled code multiplies
// in the order eager code and NumPy do. Its derivative is mchain again: the cotangent of operand i
// is the chain (Ai-1ᵀ ⋯ A1ᵀ) · G · (Anᵀ ⋯ Ai+1ᵀ), which picks its own best order, and the tangent
// the sum of chains with one operand replaced by its tangent; so it differentiates to any order.
// mdotEnd / mdotDrop make a 1-D first or last array a row or a column and drop that axis from
// the product again (reshapes: their adjoints reshape back). Batch levels are flags per operand
// (vMatmul's convention): a batching rule adds a level in front.

import { lit } from "../ir.js";
import type { Value } from "../ir.js";
import type { AvalRule } from "../avals.js";
import type { Ops, PrimDef } from "./def.js";
import { addAll, linear0 } from "./def.js";
import type { BatchCx, BatchEntry } from "./batching.js";
import type { ChainMeta } from "../../runtime/numpy/multidot.js";

const cst = (v: Value): unknown => (v.tag === "const" ? v.value : undefined);
/** The meta of a chain of n matrices (a placeholder operand: no batch levels). */
const metaOf = (v: Value, n: number): ChainMeta => (cst(v) as ChainMeta | undefined) ?? { f: Array.from({ length: n }, () => []) };
const count = (f: readonly number[]) => f.reduce((s, x) => s + x, 0);
/** The levels any operand has. */
const anyOf = (m: ChainMeta): number[] => m.f.reduce<number[]>((a, f) => a.map((v, l) => v | f[l]), new Array<number>(m.f[0]?.length ?? 0).fill(0));
/** The last two axes swapped. */
const mT = (o: Ops, a: Value) => o.transpose(a, o.axesPerm(a, lit({ kind: "swap", a: -1, b: -2 })));

/** The cotangent of operand i: the transposed neighbours around g, the result with operand i's levels. */
function chainCotangent(o: Ops, g: Value, ops: readonly Value[], m: ChainMeta, i: number): Value {
  const n = ops.length;
  const left = ops.slice(0, i).map((a) => mT(o, a)).reverse();
  const right = ops.slice(i + 1).map((a) => mT(o, a)).reverse();
  const f = [...m.f.slice(0, i).reverse(), m.o ?? anyOf(m), ...m.f.slice(i + 1).reverse()];
  return o.mchain(...left, g, ...right, lit({ f, o: m.f[i] }));
}

const chainAval: AvalRule = ({ args, consts, fresh }) => {
  const m = consts[consts.length - 1] as ChainMeta | undefined;
  const n = args.length - 1;
  if (!m) return { dtype: args[0].dtype, shape: fresh };
  const dim = (i: number, at: number, name: string) => {
    const s = args[i].shape;
    return typeof s !== "string" && s.length === 2 + count(m.f[i]) ? s[s.length - 2 + at] : `${fresh}.${name}`;
  };
  const L = count(m.o ?? anyOf(m));
  return { dtype: args[0].dtype, shape: [...Array.from({ length: L }, (_, l) => `${fresh}.b${l}`), dim(0, 0, "r"), dim(n - 1, 1, "c")] };
};

const endAval: AvalRule = ({ args: [x], consts: [, m], fresh }) => {
  const { side, k } = (m ?? {}) as { side?: string; k?: number };
  if (typeof x.shape === "string" || k === undefined) return { dtype: x.dtype, shape: fresh };
  const lead = x.shape.slice(0, k), s = x.shape.slice(k);
  if (s.length === 2) return x;
  if (s.length !== 1) return { dtype: x.dtype, shape: fresh };
  return { dtype: x.dtype, shape: [...lead, ...(side === "first" ? [1, s[0]] : [s[0], 1])] };
};

const dropAval: AvalRule = ({ args: [y, a1, an], consts: [, , , m], fresh }) => {
  const { k1, kn } = (m ?? {}) as { k1?: number; kn?: number };
  if (typeof y.shape === "string" || typeof a1.shape === "string" || typeof an.shape === "string" || k1 === undefined || kn === undefined) return { dtype: y.dtype, shape: fresh };
  const n = y.shape.length;
  const [v1, vn] = [a1.shape.length - k1 === 1, an.shape.length - kn === 1];
  return { dtype: y.dtype, shape: y.shape.filter((_, i) => !((i === n - 2 && v1) || (i === n - 1 && vn))) };
};

export const MULTIDOT: Readonly<Record<string, PrimDef>> = {
  // (a1, ..., an, meta): multilinear in the matrices, the meta static
  mchain: {
    ty: "arr",
    arity: { min: 3 },
    kernel: "opaque",
    aval: chainAval,
    vjp: (o, g, y, args) => {
      const ops = args.slice(0, -1);
      const m = metaOf(args[args.length - 1], ops.length);
      return [...ops.map((_, i) => chainCotangent(o, g, ops, m, i)), null];
    },
    jvp: (o, t, y, args) => {
      const ops = args.slice(0, -1);
      const meta = args[args.length - 1];
      return addAll(o, ops.map((_, i) => (t[i] ? o.mchain(...ops.map((a, j) => (j === i ? t[i]! : a)), meta) : null)));
    },
  },
  // (a, { side, k }): a 1-D first array a row, a last one a column
  mdotEnd: { ty: "arr", arity: 2, kernel: "movement", aval: endAval, vjp: (o, g, y, [a]) => [o.reshapeLike(g, a), null], jvp: linear0("mdotEnd") },
  // (y, first, last, { k1, kn }): y's row / column axis dropped where first / last was 1-D
  mdotDrop: { ty: "arr", arity: 4, kernel: "movement", aval: dropAval, vjp: (o, g, y, [p]) => [o.reshapeLike(g, p), null, null, null], jvp: linear0("mdotDrop") },
};

/** An unbatched operand given the batch axis. */
const bc = (c: BatchCx, v: Value, b: boolean): Value => (b ? v : c.o.vBcast(v, c.size));

export const MULTIDOT_BATCH: Readonly<Record<string, BatchEntry>> = {
  // (each operand's flags get the new level in front; a result with levels of its own gets it too:
  // the rule runs per example)
  mchain: {
    rule: (c, args, bd) => {
      const n = args.length - 1;
      const m = metaOf(args[n], n);
      const f = m.f.map((fl, i) => [bd[i] ? 1 : 0, ...fl]);
      return c.o.mchain(...args.slice(0, n), lit(m.o ? { f, o: [1, ...m.o] } : { f }));
    },
  },
  mdotEnd: {
    rule: (c, [a, m]) => {
      const mm = cst(m) as { side: string; k: number };
      return c.o.mdotEnd(a, lit({ ...mm, k: mm.k + 1 }));
    },
  },
  mdotDrop: {
    rule: (c, [y, a1, an, m], bd) => {
      const mm = cst(m) as { k1: number; kn: number };
      return c.o.mdotDrop(bc(c, y, bd[0]), a1, an, lit({ k1: mm.k1 + (bd[1] ? 1 : 0), kn: mm.kn + (bd[2] ? 1 : 0) }));
    },
  },
};
