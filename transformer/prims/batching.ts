// vmap's batching rules, one per primitive (JAX's `batching.primitive_batchers`): given a
// statement's operands in the batched program and which of them carry the batch axis (always
// axis 0 there), the batched result. A rule never loops over examples: it moves or adds the
// batch axis (elementwise operands aligned, reduction axes shifted past it, matrix products
// batched). Where the answer depends on a rank the IR does not know, it calls the rank-aware
// primitives of prims/vmap.ts. `none` says why a primitive cannot be batched: vmap of it is a
// build error naming it. test/transformer/prims-coverage.test.ts checks every primitive has one.

import type { Value } from "../ir.js";
import { lit, num } from "../ir.js";
import type { Ops } from "./def.js";
import { einsumLabels } from "./einsum.js";
import { DECOMP_BATCH } from "./decomp.js";
import { FFT_BATCH } from "./fft.js";
import { SPECIAL_BATCH } from "./special.js";
import { MORE_BATCH } from "./more.js";
import { CONV_BATCH } from "./conv.js";
import { MULTIDOT_BATCH } from "./multidot.js";
import { DIFF_STEP_BATCH } from "./diff-step.js";
import { BITCAST_BATCH } from "./bitcast.js";
import { CUMPROD2_BATCH } from "./cumprod2.js";
import { LU_PARTS_BATCH } from "./lu-parts.js";
import { RANK_CHECK_BATCH } from "./rank-check.js";
import { FULL_LIKE_BATCH } from "./full-like.js";
import { DTYPE_CAST_BATCH } from "./dtype-cast.js";

export interface BatchCx {
  readonly o: Ops;
  /** The batch size (a number at run time). */
  readonly size: Value;
  /** One example's rank of operand i, when the IR knows it. */
  rank(i: number): number | undefined;
  /** A build error at the statement. */
  fail(msg: string): never;
}

/** The batched result, or `{ same }`: a value every example shares (a count, a shape fact). */
export type BatchResult = Value | { readonly same: Value };
export type BatchRule = (c: BatchCx, args: readonly Value[], bd: readonly boolean[], prim: string) => BatchResult;
export type BatchEntry = { readonly rule: BatchRule } | { readonly none: string };

const cst = (v: Value): unknown => (v.tag === "const" ? v.value : undefined);
const isConst = (v: Value) => v.tag === "const";
/** An operand that holds data (an Array, a number, a mask), not an option or a dtype. */
const isData = (v: Value) => v.ty === "num" || v.ty === "arr" || (v.ty === "other" && v.tag === "var");

/** An unbatched operand given the batch axis. */
const bc = (c: BatchCx, v: Value, b: boolean): Value => (b ? v : c.o.vBcast(v, c.size));

/**
 * Operand i (batched) with size-1 axes after the batch axis so that it has at least the
 * per-example rank of every other data operand in `among` (skipped where the ranks are known
 * and it already has).
 */
function align(c: BatchCx, args: readonly Value[], bd: readonly boolean[], i: number, among: readonly number[]): Value {
  const others = among.filter((j) => j !== i && isData(args[j]) && !(args[j].tag === "const" && args[j].ty === "num"));
  if (!others.length) return args[i];
  const ri = c.rank(i);
  if (ri !== undefined && others.every((j) => c.rank(j) !== undefined && c.rank(j)! <= ri)) return args[i];
  return c.o.vAlign(args[i], lit({ k: 1, o: others.map((j) => (bd[j] ? 1 : 0)) }), ...others.map((j) => args[j]));
}

/** Every data operand aligned (the batched ones) so that examples broadcast with examples. */
const alignAll = (c: BatchCx, args: readonly Value[], bd: readonly boolean[], among = args.map((_, i) => i)): Value[] =>
  args.map((a, i) => (bd[i] && among.includes(i) ? align(c, args, bd, i, among) : a));

/** Elementwise: operands aligned, the same primitive. */
const elementwise: BatchRule = (c, args, bd, prim) => c.o[prim](...alignAll(c, args, bd));

/** An axis operand (a number, a list, null) of one example as axes of the batched value. */
function shiftAxes(c: BatchCx, x: Value, ax: Value, mode: "reduce" | "squeeze" | "perm"): Value {
  const a = cst(ax);
  const up = (n: number) => (n < 0 ? n : n + 1);
  if (isConst(ax) && typeof a === "number") return num(up(a));
  if (isConst(ax) && Array.isArray(a) && a.every((n) => typeof n === "number")) return lit(mode === "perm" ? [0, ...a.map(up)] : a.map(up));
  return c.o.vAxes(x, ax, lit({ k: 1, mode }));
}

/** A single constant axis of one example, shifted past the batch axis. */
const oneAxis = (c: BatchCx, ax: Value, prim: string): Value => {
  const a = cst(ax);
  if (typeof a !== "number") c.fail(`vmap of ${prim} needs its axis as a number known at build time`);
  return num(a < 0 ? a : a + 1);
};

/** A join's axis operand, undefined meaning 0. */
const orZero = (ax: Value): Value => (cst(ax) === undefined || cst(ax) === null ? num(0) : ax);

/** Reductions over one example's axes: the axes shifted past the batch axis. */
const reduction: BatchRule = (c, [x, ax, opts], bd, prim) => c.o[prim](x, shiftAxes(c, x, ax, "reduce"), opts);
/** argmax/argmin: a single axis; none means the flat index of one example. */
const argReduction: BatchRule = (c, [x, ax, opts], bd, prim) => {
  if (cst(ax) === null || cst(ax) === undefined) {
    if ((cst(opts) as { keepdims?: boolean } | undefined)?.keepdims) c.fail(`vmap of ${prim} with keepdims and no axis is not supported`);
    return c.o[prim](c.o.vReshape(x, lit([-1]), num(1)), num(1), opts);
  }
  return c.o[prim](x, shiftAxes(c, x, ax, "reduce"), opts);
};
/** A primitive whose operands `data` all take the batch axis (broadcast if unbatched) and whose axis operand `axi` shifts. */
const allBatched =
  (data: readonly number[], axi?: number, of = data[0]): BatchRule =>
  (c, args, bd, prim) => {
    const a = args.map((v, i) => (data.includes(i) ? bc(c, v, bd[i]) : v));
    // (the axes are of operand `of`: the reduced value)
    if (axi !== undefined) a[axi] = shiftAxes(c, a[of], args[axi], "reduce");
    return c.o[prim](...a);
  };

/** index(x, i) / take(x, idx, axis) of one example: a take one axis further in (indices are not batched). */
const noBatchedIndex = (c: BatchCx, bd: readonly boolean[], at: readonly number[], prim: string) => {
  if (at.some((i) => bd[i])) c.fail(`vmap of ${prim} with an index that differs per example is not supported yet (gather by example)`);
};

/** Matrix products: one example times one example (prims/vmap.ts vMatmul), flags per operand. */
const product =
  (api: "matmul" | "dot"): BatchRule =>
  (c, [a, b], bd) =>
    c.o.vMatmul(a, b, lit({ f: [[bd[0] ? 1 : 0], [bd[1] ? 1 : 0]], api }));
const productGrad =
  (api: "matmul" | "dot", which: "A" | "B"): BatchRule =>
  (c, [g, a, b], bd) =>
    c.o[`vMatmulGrad${which}`](g, a, b, lit({ f: [[bd[0] ? 1 : 0], [bd[1] ? 1 : 0], [bd[2] ? 1 : 0]], api }));
/** A rank-aware primitive batched again (nested vmap): its operands' flags get the new level in front. */
const nestedProduct: BatchRule = (c, args, bd, prim) => {
  const m = cst(args[args.length - 1]) as { f: number[][]; api: string };
  const n = args.length - 1;
  // (a cotangent's own levels: the new level where any operand has it, since the rule runs per example)
  const f = m.f.map((fl, i) => [bd[i] ? 1 : 0, ...fl]);
  const o = (m as { o?: number[] }).o;
  return c.o[prim](...args.slice(0, n), lit({ f, api: m.api, ...(o ? { o: [bd.slice(0, n).some(Boolean) ? 1 : 0, ...o] } : {}) }));
};

const E = { rule: elementwise };
const R = { rule: reduction };
const same: BatchRule = (c, args, bd, prim) => c.o[prim](...args);

export const BATCH: Readonly<Record<string, BatchEntry>> = {
  // ---- elementwise ----
  ...Object.fromEntries(
    ["add", "sub", "mul", "div", "pow", "mod", "maximum", "minimum", "arctan2", "hypot", "fma", "where", "neg", "square", "reciprocal", "exp", "log", "log1p", "expm1", "tanh", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "sqrt", "abs", "sign", "floor", "ceil", "round", "trunc", "balancedEq", "less", "lessEqual", "greater", "greaterEqual", "equal", "notEqual", "logicalAnd", "logicalOr", "logicalNot", "bitwiseAnd", "bitwiseOr", "bitwiseXor", "bitwiseNot", "leftShift", "rightShift", "bitwiseCount", "astype", "stopGradient", "zerosLike", "onesLike", "toArray", "checkGradInput"].map((p) => [p, E]),
  ),

  ...SPECIAL_BATCH,
  ...MORE_BATCH,
  ...CONV_BATCH,
  ...MULTIDOT_BATCH,
  ...DIFF_STEP_BATCH,
  ...BITCAST_BATCH,
  ...CUMPROD2_BATCH,
  ...LU_PARTS_BATCH,
  ...RANK_CHECK_BATCH,
  ...FULL_LIKE_BATCH,
  ...DTYPE_CAST_BATCH,

  ...FFT_BATCH,

  // ---- reductions ----
  sum: R,
  mean: R,
  max: R,
  min: R,
  prod: R,
  logsumexp: R,
  var: R,
  argmax: { rule: argReduction },
  argmin: { rule: argReduction },
  unreduce: { rule: allBatched([0, 1], 2, 1) },
  prodOthers: { rule: allBatched([0], 1) },
  prodOthersVjp: { rule: allBatched([0, 1], 2, 1) },
  maxMask: { rule: allBatched([0, 1], 2) },
  // every example has the same count (its shape): not batched
  reduceCount: { rule: (c, [x, ax]) => ({ same: c.o.reduceCount(x, shiftAxes(c, x, ax, "reduce")) }) },
  ddofOf: { rule: (c, args) => ({ same: c.o.ddofOf(...args) }) },

  // ---- linear algebra ----
  dot: { rule: product("dot") },
  matmul: { rule: product("matmul") },
  dotGradA: { rule: productGrad("dot", "A") },
  dotGradB: { rule: productGrad("dot", "B") },
  matmulGradA: { rule: productGrad("matmul", "A") },
  matmulGradB: { rule: productGrad("matmul", "B") },
  vdot: { rule: (c, [a, b], bd) => c.o.sum(c.o.mul(flat(c, a, bd[0]), flat(c, b, bd[1])), num(-1), lit(undefined)) },
  outer: { rule: (c, [a, b], bd) => c.o.mul(c.o.expandDims(flat(c, a, bd[0]), num(-1)), c.o.expandDims(flat(c, b, bd[1]), num(-2))) },
  unbroadcastProduct: { none: "a jit shape helper (vmap runs before jit's shape pass)" },

  // ---- movement ----
  reshape: { rule: (c, [x, s]) => c.o.vReshape(x, s, num(1)) },
  ravel: { rule: (c, [x]) => c.o.vReshape(x, lit([-1]), num(1)) },
  reshapeLike: { rule: (c, [x, like], bd) => (bd[1] ? c.o.reshapeLike(bc(c, x, bd[0]), like) : c.o.vReshapeLike(x, like, num(1), num(0))) },
  squeeze: { rule: (c, [x, ax]) => c.o.squeeze(x, shiftAxes(c, x, ax, "squeeze")) },
  expandDims: { rule: (c, [x, ax]) => c.o.expandDims(x, shiftAxes(c, x, ax, "reduce")) },
  transpose: { rule: (c, [x, ax]) => c.o.transpose(x, shiftAxes(c, x, ax, "perm")) },
  untranspose: { rule: (c, [x, ax]) => c.o.untranspose(x, shiftAxes(c, x, ax, "perm")) },
  broadcastTo: { rule: (c, [x, s]) => c.o.vBroadcastTo(x, s, num(1)) },
  // g summed to one example of `like`: like aligned to g, unbroadcast, then like's own shape
  unbroadcast: {
    rule: (c, [g, like], bd) => {
      const gb = bc(c, g, bd[0]);
      const lb = bc(c, like, bd[1]);
      return c.o.reshapeLike(c.o.unbroadcast(gb, c.o.vAlign(lb, lit({ k: 1, o: [1] }), gb)), lb);
    },
  },
  broadcastLike: {
    rule: (c, [g, like], bd) => {
      // (a shared `like` is only a shape: g broadcast to it per example, nothing materialised)
      if (bd[0] && !bd[1]) return c.o.vBroadcastTo(g, like, num(1));
      const lb = bc(c, like, bd[1]);
      return bd[0] ? c.o.broadcastLike(c.o.vAlign(g, lit({ k: 1, o: [1] }), lb), lb) : c.o.broadcastLike(g, lb);
    },
  },
  // (their axis operand undefined means axis 0)
  stackN: { rule: (c, [ax, ...xs], bd) => c.o.stackN(shiftAxes(c, xs[0], orZero(ax), "reduce"), ...xs.map((x, i) => bc(c, x, bd[i + 1]))) },
  concatN: { rule: (c, [ax, ...xs], bd) => c.o.concatN(shiftAxes(c, xs[0], orZero(ax), "reduce"), ...xs.map((x, i) => bc(c, x, bd[i + 1]))) },
  stackPart: { rule: (c, [g, ax, i]) => c.o.stackPart(g, shiftAxes(c, g, orZero(ax), "reduce"), i) },
  stackPartT: { rule: (c, [gi, g, ax, i], bd) => c.o.stackPartT(bc(c, gi, bd[0]), bc(c, g, bd[1]), shiftAxes(c, g, orZero(ax), "reduce"), i) },
  concatPart: { rule: (c, [g, ax, i, ...xs], bd) => c.o.concatPart(bc(c, g, bd[0]), shiftAxes(c, g, orZero(ax), "reduce"), i, ...xs.map((x, j) => bc(c, x, bd[j + 3]))) },
  concatPartT: {
    rule: (c, [gi, g, ax, i, ...xs], bd) => c.o.concatPartT(bc(c, gi, bd[0]), bc(c, g, bd[1]), shiftAxes(c, g, orZero(ax), "reduce"), i, ...xs.map((x, j) => bc(c, x, bd[j + 4]))),
  },

  // ---- reordering and running sums (an axis of one example; null: all of them) ----
  flip: { rule: (c, [x, ax]) => c.o.flip(x, shiftAxes(c, x, ax, "reduce")) },
  // one example's permutation (the transpose's own rule puts the batch axis in front)
  axesPerm: {
    rule: (c, [x, spec]) => ({ same: c.o.axesPerm(x, lit({ ...(cst(spec) as object), k: ((cst(spec) as { k?: number }).k ?? 0) + 1 })) }),
  },
  cumsum: { rule: (c, [x, ax]) => (cst(ax) === null || cst(ax) === undefined ? c.fail("vmap of cumsum with no axis (flatten with ravel first)") : c.o.cumsum(x, shiftAxes(c, x, ax, "reduce"))) },
  cumprod: { rule: (c, [x, ax]) => (cst(ax) === null || cst(ax) === undefined ? c.fail("vmap of cumprod with no axis (flatten with ravel first)") : c.o.cumprod(x, shiftAxes(c, x, ax, "reduce"))) },
  // (both operands given the batch axis: the scans walk them together)
  ...Object.fromEntries(
    (["cumprodT", "cumprodTangent"] as const).map((p) => [
      p,
      { rule: (c: BatchCx, [a, x, ax]: Value[], bd: boolean[]) => (cst(ax) === null || cst(ax) === undefined ? c.fail(`vmap of cumprod's derivative with no axis (flatten with ravel first)`) : c.o[p](bc(c, a, bd[0]), bc(c, x, bd[1]), shiftAxes(c, bc(c, x, bd[1]), ax, "reduce"))) },
    ]),
  ),
  sort: { rule: (c, [x, ax]) => c.o.sort(x, oneAxis(c, ax, "sort")) },
  argsort: { rule: (c, [x, ax]) => c.o.argsort(x, oneAxis(c, ax, "argsort")) },
  takeAlongAxis: { rule: (c, [x, idx, ax], bd) => c.o.takeAlongAxis(bc(c, x, bd[0]), bc(c, idx, bd[1]), oneAxis(c, ax, "takeAlongAxis")) },
  takeAlongAxisT: { rule: (c, [g, idx, ax, x], bd) => c.o.takeAlongAxisT(bc(c, g, bd[0]), bc(c, idx, bd[1]), oneAxis(c, ax, "takeAlongAxis"), bc(c, x, bd[3])) },
  diagonal: { rule: (c, [x, off, a1, a2]) => c.o.diagonal(x, off, oneAxis(c, a1, "diagonal"), oneAxis(c, a2, "diagonal")) },
  diagonalT: { rule: (c, [g, x, off, a1, a2], bd) => c.o.diagonalT(bc(c, g, bd[0]), bc(c, x, bd[1]), off, oneAxis(c, a1, "diagonal"), oneAxis(c, a2, "diagonal")) },
  roll: { rule: (c, [x, sh, ax], bd) => (bd[1] ? c.fail("vmap of roll with a shift that differs per example") : c.o.roll(x, sh, oneAxis(c, ax, "roll"))) },
  pad: { rule: (c, [x, w, opts, k]) => c.o.pad(x, w, opts, num((cst(k) as number) + 1)) },
  padT: { rule: (c, [g, x, w, k], bd) => c.o.padT(bc(c, g, bd[0]), bc(c, x, bd[1]), w, num((cst(k) as number) + 1)) },
  atleast: { rule: (c, [x, mode, k]) => c.o.atleast(x, mode, num((cst(k) as number) + 1)) },
  hstackAxis: { rule: (c, [x, k]) => ({ same: c.o.hstackAxis(x, num((cst(k) as number) + 1)) }) },
  // one example's indices (the take's own rule shifts its axis)
  indexRange: { rule: (c, [x, spec]) => ({ same: c.o.indexRange(x, lit({ ...(cst(spec) as object), k: ((cst(spec) as { k?: number }).k ?? 0) + 1 })) }) },
  // (the mask depends on the last two axes only: the batch axis in front changes nothing)
  triMask: { rule: (c, args, bd, prim) => c.o[prim](...args) },

  // ---- numpy.linalg (leading axes are a batch already) ----
  ...DECOMP_BATCH,
  inv: { rule: same },
  det: { rule: same },
  logAbsDet: { rule: same },
  slogdetSign: { rule: same },
  cholesky: { rule: same },
  // (b's leading vmap axes are counted so that a batch of vectors stays vectors)
  solve: { rule: (c, [a, b, k], bd) => c.o.solve(bc(c, a, bd[0] || !bd[1]), b, num((cst(k) as number) + (bd[1] ? 1 : 0))) },

  // every batched operand and the output get a label of their own in front
  einsum: {
    rule: (c, [spec, ...xs], bd) => {
      const s = (cst(spec) as string).replace(/\s+/g, "");
      const used = new Set(s);
      const L = [..."ZYXWVUTSRQPONMLKJIHGFEDCBA"].find((ch) => !used.has(ch)) ?? c.fail("vmap of einsum: no free label left");
      const { ins, out } = einsumLabels(s);
      return c.o.einsum(lit(`${ins.map((t, i) => (bd[i + 1] ? L + t : t)).join(",")}->${L}${out}`), ...xs);
    },
  },

  // ---- indexing (static indices: the batch axis stays in front) ----
  // (an index that differs per example: a gather per example, prims/vmap.ts vTake)
  index: {
    rule: (c, [x, i], bd) => (bd[1] ? c.o.vTake(x, i, num(0), lit({ kx: bd[0] ? 1 : 0, ki: 1 })) : c.o.take(x, i, num(1))),
  },
  indexTranspose: {
    rule: (c, [g, x, i], bd) =>
      bd[2] ? c.o.vTakeTranspose(bc(c, g, bd[0]), x, i, num(0), lit({ kx: bd[1] ? 1 : 0, ki: 1 })) : c.o.takeTranspose(bc(c, g, bd[0]), bc(c, x, bd[1]), i, num(1)),
  },
  take: {
    rule: (c, [x, idx, ax], bd) => {
      if (bd[1]) return c.o.vTake(x, idx, ax, lit({ kx: bd[0] ? 1 : 0, ki: 1 }));
      // (an axis known only at run time is a value, not "no axis")
      if (isConst(ax) && (cst(ax) === null || cst(ax) === undefined)) return c.o.take(c.o.vReshape(x, lit([-1]), num(1)), idx, num(1));
      return c.o.take(x, idx, shiftAxes(c, x, ax, "reduce"));
    },
  },
  takeTranspose: {
    rule: (c, [g, x, idx, ax], bd) => {
      if (bd[2]) return c.o.vTakeTranspose(bc(c, g, bd[0]), x, idx, ax, lit({ kx: bd[1] ? 1 : 0, ki: 1 }));
      const xb = bc(c, x, bd[1]);
      if (isConst(ax) && (cst(ax) === null || cst(ax) === undefined)) return c.o.reshapeLike(c.o.takeTranspose(bc(c, g, bd[0]), c.o.vReshape(xb, lit([-1]), num(1)), idx, num(1)), xb);
      return c.o.takeTranspose(bc(c, g, bd[0]), xb, idx, shiftAxes(c, xb, ax, "reduce"));
    },
  },
  slice: {
    rule: (c, [x, ...specs], bd, p) => {
      noBatchedIndex(c, bd, specs.map((_, i) => i + 1), p);
      return c.o.slice(x, lit(null), ...specs);
    },
  },
  sliceTranspose: {
    rule: (c, [g, x, ...specs], bd, p) => {
      noBatchedIndex(c, bd, specs.map((_, i) => i + 2), p);
      return c.o.sliceTranspose(bc(c, g, bd[0]), bc(c, x, bd[1]), lit(null), ...specs);
    },
  },

  // ---- plumbing ----
  // one example's output is a scalar: its seed is 1 for every example
  seed: { rule: (c, [y]) => c.o.onesLike(y) },
  item: { rule: (c, [x]) => c.o.vReshape(x, lit([]), num(1)) },
  zeros: { none: "its shape differs per example" },
  ones: { none: "its shape differs per example" },
  full: { rule: (c, [s, v], bd) => (bd[0] ? c.fail("vmap of full with a shape that differs per example") : c.o.vBroadcastTo(v, s, num(1))) },
  arange: { none: "its length would differ per example" },
  linspace: { none: "its length would differ per example" },
  eye: { none: "its size would differ per example" },
  array: { none: "a literal of batched numbers: build it from Arrays (jnp.stack)" },
  prop: { none: "a property of a batched value" },
  propOpt: { none: "a property of a batched value" },
  consoleCall: { rule: same },
  str: { rule: same },
  concat: { rule: same },
  raise: { none: "an error thrown for some examples and not others" },
  isNullish: { rule: (c, args) => ({ same: c.o.isNullish(...args) }) },
  typeOf: { rule: (c, args) => ({ same: c.o.typeOf(...args) }) },

  // ---- lists and tapes: batched values stored as they are (the walker keeps lists' batching consistent) ----
  ...Object.fromEntries(["listNew", "listFrom", "listGet", "listCtGet", "listSetAt", "listAddAt", "listMerge", "listDense", "listLen", "tapeNew", "tapePush", "tapePop"].map((p) => [p, { rule: same }])),

  // ---- Jacobians nested inside (their basis loops run per example) ----
  jacSize: { rule: (c, [x]) => ({ same: c.o.jacSize(c.o.vReshape(x, lit([-1]), num(1))) }) },
  jacBasis: { none: "a Jacobian inside vmap (vmap the Jacobian's function instead: jacfwd(vmap(f)))" },
  jacStack: { none: "a Jacobian inside vmap" },
  jacUnstack: { none: "a Jacobian inside vmap" },

  // ---- jit (vmap runs before jit's passes) ----
  fused: { none: "a fused kernel (vmap runs before fusion)" },

  // ---- vmap's own primitives, batched again (nested vmap) ----
  // an inner vmap's sizes: its mapped axes are one further in on the arguments this vmap batched
  vmapSize: {
    rule: (c, [m, ...xs], bd) => {
      const meta = cst(m) as { fn: string; names: string[]; axes: number[] };
      return { same: c.o.vmapSize(lit({ ...meta, axes: meta.axes.map((a, i) => (bd[i + 1] && a >= 0 ? a + 1 : a)) }), ...xs) };
    },
  },
  // an inner vmap's axis moves: one further in, to just after this vmap's batch axis
  vIn: { rule: (c, [x, ax, k]) => c.o.vIn(x, (cst(ax) as number) >= 0 ? num((cst(ax) as number) + 1) : ax, num((cst(k) as number) + 1)) },
  vOut: { rule: (c, [x, ax, k]) => c.o.vOut(x, (cst(ax) as number) >= 0 ? num((cst(ax) as number) + 1) : ax, num((cst(k) as number) + 1)) },
  vBcast: { rule: (c, [x, n], bd) => (bd[1] ? c.fail("vmap: inner batch sizes that differ per example") : c.o.vBcast(x, n)) },
  vAlign: {
    rule: (c, [x, m, ...others], bd) => {
      const meta = cst(m) as { k: number; o: number[] };
      // (the others' outer batch axes are not part of their per-example rank, whether x has one or not)
      const o = meta.o.map((k, j) => k + (bd[j + 2] ? 1 : 0));
      if (!bd[0]) return { same: c.o.vAlign(x, lit({ k: meta.k, o }), ...others) };
      return c.o.vAlign(x, lit({ k: meta.k + 1, o }), ...others);
    },
  },
  // (axes are values of one outer example: computed past the outer batch axis, as that example sees them)
  vAxes: {
    rule: (c, [x, ax, m], bd) => {
      const meta = cst(m) as { k: number; skip?: number };
      return { same: bd[0] ? c.o.vAxes(x, ax, lit({ ...meta, skip: (meta.skip ?? 0) + 1 })) : c.o.vAxes(x, ax, m) };
    },
  },
  vReshape: { rule: (c, [x, s, k]) => c.o.vReshape(x, s, num((cst(k) as number) + 1)) },
  vReshapeLike: { rule: (c, [x, like, k, kl], bd) => c.o.vReshapeLike(bc(c, x, bd[0]), like, num((cst(k) as number) + 1), num((cst(kl) as number) + (bd[1] ? 1 : 0))) },
  vBroadcastTo: { rule: (c, [x, s, k]) => c.o.vBroadcastTo(x, s, num((cst(k) as number) + 1)) },
  vMatmul: { rule: nestedProduct },
  vMatmulGradA: { rule: nestedProduct },
  vMatmulGradB: { rule: nestedProduct },
  // an inner batched loop's condition: any example of any outer example still runs (the inner
  // loop's selects carry the outer axis too)
  vAny: { rule: (c, [x]) => ({ same: c.o.vAny(x) }) },
  vTapePush: { none: "a per-example tape inside another vmap" },
  vTapePop: { none: "a per-example tape inside another vmap" },
  // a gather by example inside another vmap: the outer batch axis goes in front of the indices'
  // (and of x's, where x has batch axes or the outer vmap batches it), one more level in the meta
  vTake: {
    rule: (c, [x, i, ax, meta], bd) => {
      const m = cst(meta) as { kx: number; ki: number };
      const kx = m.kx > 0 || bd[0] ? m.kx + 1 : 0;
      return c.o.vTake(m.kx > 0 ? bc(c, x, bd[0]) : x, bc(c, i, bd[1]), ax, lit({ kx, ki: m.ki + 1 }));
    },
  },
  // (its adjoint is per outer example: every operand given the outer axis)
  vTakeTranspose: {
    rule: (c, [g, x, i, ax, meta], bd) => {
      const m = cst(meta) as { kx: number; ki: number };
      return c.o.vTakeTranspose(bc(c, g, bd[0]), bc(c, x, bd[1]), bc(c, i, bd[2]), ax, lit({ kx: m.kx + 1, ki: m.ki + 1, sum: false }));
    },
  },
};

/** One example's Array flattened, with the batch axis kept (a number stays a number). */
function flat(c: BatchCx, x: Value, b: boolean): Value {
  return b ? c.o.vReshape(x, lit([-1]), num(1)) : c.o.ravel(x);
}
