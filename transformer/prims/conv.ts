// lax's convolutions, general dot, window reductions and top-k (runtime/lax/). Convolution and
// dot are bilinear, B(l, r), and each comes with its two adjoints: TL(g, r, l) (the transpose of
// l ↦ B(l, r), the lhs cotangent) and TR(g, l, r) (of r ↦ B(l, r)); the third operand of an
// adjoint only gives its result's shape. The family is closed under differentiation, as JAX's
// conv rules are (its lhs cotangent is a convolution of the cotangent with the flipped,
// transposed kernel, its rhs cotangent a convolution of lhs with the cotangent):
//   <TL(g, r), h> = <g, B(h, r)>, so TL's cotangents are B(gg, r) for g and TR(g, gg, r) for r;
//   <TR(g, l), h> = <g, B(l, h)>, so TR's cotangents are B(l, gg) for g and TL(g, gg, l) for l.
// A window sum's transpose spreads each window's cotangent over it (windowSumT); max and min send
// it to the element selected (windowScatter, JAX's select-and-scatter), whose transpose reads the
// selected element (windowGather). vmap puts a size-1 leading axis on unbatched operands and
// counts one more leading axis (`k`); the runtime broadcasts it, each batch element its own
// convolution.

import type { Ops, PrimDef, JvpRule, VjpRule } from "./def.js";
import { addAll, linear0 } from "./def.js";
import type { Value } from "../ir.js";
import { lit, num } from "../ir.js";
import type { AvalRule, Shape } from "../avals.js";
import { likeArg } from "../avals.js";
import type { BatchEntry, BatchRule } from "./batching.js";
import { convGeometry, type ConvOpts } from "../../runtime/lax/conv.js";

/** A bilinear primitive `fwd(l, r, ...statics)` and its adjoints `tl(g, r, l, ...statics)`, `tr(g, l, r, ...statics)`. */
function bilinear(fwd: string, tl: string, tr: string, statics: number, rt: [string, string, string], aval: AvalRule): Record<string, PrimDef> {
  const nul = Array<null>(statics).fill(null);
  const vB: VjpRule = (o, g, y, [l, r, ...s]) => [o[tl](g, r, l, ...s), o[tr](g, l, r, ...s), ...nul];
  const vTL: VjpRule = (o, gg, y, [g, r, , ...s]) => [o[fwd](gg, r, ...s), o[tr](g, gg, r, ...s), null, ...nul];
  const vTR: VjpRule = (o, gg, y, [g, l, , ...s]) => [o[fwd](l, gg, ...s), o[tl](g, gg, l, ...s), null, ...nul];
  const jB: JvpRule = (o, [tl0, tr0], y, [l, r, ...s]) => addAll(o, [tl0 && o[fwd](tl0, r, ...s), tr0 && o[fwd](l, tr0, ...s)]);
  const jT =
    (name: string): JvpRule =>
    (o, [tg, tx], y, [g, x, like, ...s]) =>
      addAll(o, [tg && o[name](tg, x, like, ...s), tx && o[name](g, tx, like, ...s)]);
  return {
    [fwd]: { ty: "arr", arity: 2 + statics, kernel: "opaque", rt: rt[0], aval, vjp: vB, jvp: jB },
    [tl]: { ty: "arr", arity: 3 + statics, kernel: "opaque", rt: rt[1], aval: likeArg(2, "f32"), vjp: vTL, jvp: jT(tl) },
    [tr]: { ty: "arr", arity: 3 + statics, kernel: "opaque", rt: rt[2], aval: likeArg(2, "f32"), vjp: vTR, jvp: jT(tr) },
  };
}

const known = (s: Shape): s is readonly number[] => typeof s !== "string" && s.every((d) => typeof d === "number");

/** conv(lhs, rhs, strides, padding, opts, k): the output shape when the shapes and options are known. */
const convAval: AvalRule = ({ args: [l, r], consts: [, , strides, padding, opts, k], fresh }) => {
  if (!known(l.shape) || !known(r.shape) || strides === undefined || padding === undefined || typeof k !== "number") return { dtype: "f32", shape: fresh };
  try {
    return { dtype: "f32", shape: convGeometry(l.shape, r.shape, strides, padding, (opts ?? {}) as ConvOpts, k, undefined, false).out };
  } catch {
    return { dtype: "f32", shape: fresh };
  }
};

const kindOf = (v: Value): string => (v.tag === "const" && typeof v.value === "string" ? v.value : "max");

/** windowReduce(x, kind, window, strides): the shape when known. */
const windowAval: AvalRule = ({ args: [x], consts: [, , win, str], fresh }) => {
  if (!known(x.shape) || !Array.isArray(win)) return { dtype: x.dtype, shape: fresh };
  const w = win as number[], n = w.length, r = x.shape.length;
  const s = Array.isArray(str) ? (str as number[]) : w.map(() => 1);
  if (n > r) return { dtype: x.dtype, shape: fresh };
  return { dtype: x.dtype, shape: [...x.shape.slice(0, r - n), ...x.shape.slice(r - n).map((d, i) => Math.floor((d - w[i]) / s[i]) + 1)] };
};

const topKAval: AvalRule = ({ args: [x], consts: [, k, axis], fresh }) => {
  if (typeof x.shape === "string" || typeof k !== "number" || typeof axis !== "number") return { dtype: "i32", shape: fresh };
  const r = x.shape.length, ax = axis < 0 ? axis + r : axis;
  return { dtype: "i32", shape: x.shape.map((d, i) => (i === ax ? k : d)) };
};

const W4 = [null, null, null] as const;

export const CONV: Readonly<Record<string, PrimDef>> = {
  ...bilinear("conv", "convTLhs", "convTRhs", 4, ["convGeneral", "convTLhs", "convTRhs"], convAval),
  ...bilinear("laxDot", "laxDotTL", "laxDotTR", 1, ["dotGeneral", "dotGeneralTL", "dotGeneralTR"], ({ fresh }) => ({ dtype: "f32", shape: fresh })),

  // windowReduce(x, kind, window, strides)
  windowReduce: {
    ty: "arr",
    arity: 4,
    kernel: "opaque",
    aval: windowAval,
    vjp: (o, g, y, [x, kind, w, s]) => [kindOf(kind) === "sum" ? o.windowSumT(g, x, w, s) : o.windowScatter(g, x, kind, w, s), ...W4],
    jvp: (o, [t], y, [x, kind, w, s]) => (t ? (kindOf(kind) === "sum" ? o.windowReduce(t, kind, w, s) : o.windowGather(t, x, kind, w, s)) : null),
  },
  // windowSumT(g, x, window, strides): linear in g (x gives the shape)
  windowSumT: {
    ty: "arr",
    arity: 4,
    kernel: "opaque",
    aval: likeArg(1, "f32"),
    vjp: (o, gg, y, [, , w, s]) => [o.windowReduce(gg, lit("sum"), w, s), ...W4],
    jvp: linear0("windowSumT"),
  },
  // windowScatter(g, x, kind, window, strides) and windowGather(t, x, kind, window, strides):
  // linear in their first operand, each other's transpose (x only selects)
  windowScatter: {
    ty: "arr",
    arity: 5,
    kernel: "opaque",
    aval: likeArg(1, "f32"),
    vjp: (o, gg, y, [, x, kind, w, s]) => [o.windowGather(gg, x, kind, w, s), null, ...W4],
    jvp: linear0("windowScatter"),
  },
  windowGather: {
    ty: "arr",
    arity: 5,
    kernel: "opaque",
    aval: ({ args: [, x], consts: [, , kind, w, s], fresh }) => windowAval({ args: [{ dtype: "f32", shape: x.shape }], consts: [undefined, kind, w, s], fresh }),
    vjp: (o, gg, y, [, x, kind, w, s]) => [o.windowScatter(gg, x, kind, w, s), null, ...W4],
    jvp: linear0("windowGather"),
  },
  // the indices of lax.topK (its values are takeAlongAxis at them)
  topKIndices: { ty: "arr", arity: 3, nondiff: true, kernel: "opaque", aval: topKAval },
  // an options object captured whole, with what the function adds (its name, convTranspose's flag)
  convOpts: { ty: "other", arity: 2, nondiff: true, kernel: "opaque" },
  // numpy.convolve/correlate's padding (the mode's slice) from the lengths at run time
  convolvePads: { ty: "other", arity: 3, nondiff: true, kernel: "opaque" },
};

// ---- vmap ----

const cst = (v: Value): unknown => (v.tag === "const" ? v.value : undefined);
/** An operand given a leading axis: the batch axis, or a size-1 axis the runtime broadcasts. */
const lead = (o: Ops, v: Value, b: boolean): Value => (b ? v : o.expandDims(v, num(0)));

/** conv and its adjoints: every Array operand gets a leading axis, k one more. */
const convBatch: BatchRule = (c, args, bd, prim) => {
  const k = cst(args[args.length - 1]);
  if (typeof k !== "number") return c.fail(`vmap of ${prim}: internal: no batch-axis count`);
  const n = args.length - 4;
  if (bd.slice(n).some(Boolean)) c.fail(`vmap of a convolution whose strides, padding or options differ per example is not supported`);
  return c.o[prim](...args.slice(0, n).map((v, i) => lead(c.o, v, bd[i])), ...args.slice(n, -1), num(k + 1));
};

/** The general dot: the batch axis becomes a new leading batch dimension of both operands (and of the cotangent). */
const dotBatch: BatchRule = (c, args, bd, prim) => {
  const dims = args[args.length - 1];
  const d = cst(dims) as Record<string, number[] | undefined> | undefined;
  if (dims.tag !== "const" || bd[args.length - 1]) c.fail(`vmap of lax.dot needs its dimension numbers known at build time`);
  const up = (v: number[] | undefined) => (v ?? []).map((a) => (a < 0 ? a : a + 1));
  const d2 = {
    lhsContractingDims: up(d?.lhsContractingDims),
    rhsContractingDims: up(d?.rhsContractingDims),
    lhsBatchDims: [0, ...up(d?.lhsBatchDims)],
    rhsBatchDims: [0, ...up(d?.rhsBatchDims)],
  };
  // (every Array operand carries the batch: an unbatched one is broadcast to it)
  const xs = args.slice(0, -1).map((v, i) => (bd[i] ? v : c.o.vBcast(v, c.size)));
  return c.o[prim](...xs, lit(d2));
};

/** Window ops reduce trailing axes: the batch axis in front is one more leading axis (x and the cotangent broadcast to it). */
const windowBatch =
  (data: readonly number[]): BatchRule =>
  (c, args, bd, prim) =>
    c.o[prim](...args.map((v, i) => (data.includes(i) && !bd[i] ? c.o.vBcast(v, c.size) : v)));

export const CONV_BATCH: Readonly<Record<string, BatchEntry>> = {
  conv: { rule: convBatch },
  convTLhs: { rule: convBatch },
  convTRhs: { rule: convBatch },
  laxDot: { rule: dotBatch },
  laxDotTL: { rule: dotBatch },
  laxDotTR: { rule: dotBatch },
  windowReduce: { rule: windowBatch([0]) },
  windowSumT: { rule: windowBatch([0, 1]) },
  windowScatter: { rule: windowBatch([0, 1]) },
  windowGather: { rule: windowBatch([0, 1]) },
  convOpts: { rule: (c, args) => ({ same: c.o.convOpts(...args) }) },
  // (one example's lengths: the batch axis is one more leading axis)
  convolvePads: { rule: (c, [a, v, spec], bd) => ({ same: c.o.convolvePads(lead(c.o, a, bd[0]), lead(c.o, v, bd[1]), lit({ ...(cst(spec) as object), k: ((cst(spec) as { k?: number }).k ?? 0) + 1 })) }) },
  topKIndices: {
    rule: (c, [x, k, ax]) => {
      const a = cst(ax);
      if (typeof a !== "number") return c.fail("vmap of lax.topK needs its axis known at build time");
      return c.o.topKIndices(x, k, num(a < 0 ? a : a + 1));
    },
  },
};
