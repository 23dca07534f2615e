// How each jnp function, Array method and Math function maps onto primitives. One entry per
// name; composite functions (clip, hypot, n-ary Math.max) are expanded here into primitives so
// they need no rules of their own.

import type { Tree, Ty, Value } from "../ir.js";
import { lit, leaf, num } from "../ir.js";
import type { LoweringCtx } from "../lower.js";
import { COMPOSITE_RULES, NN } from "./nn.js";
import { parseEinsum, repeatedLabel } from "../../runtime/numpy/einsum.js";
import { gatherPlan } from "../../runtime/numpy/indexing.js";
import { DECOMP_LOWERING } from "./decomp.js";
import { FFT_LOWERING } from "./fft.js";
import { SPECIAL_LOWERING } from "./special.js";
import { MORE_RULES } from "./more.js";
import { CONV_LOWERING } from "./conv.js";
import { MULTIDOT_LOWERING } from "./multidot.js";
import { BITCAST_LOWERING } from "./bitcast.js";
import { FULL_LIKE_LOWERING } from "./full-like.js";

export type CallLowering = (x: LoweringCtx, mode: Ty) => Tree<Value>;

const arrTy = (mode: Ty): Ty | undefined => (mode === "arr" ? "arr" : undefined);

/** A primitive whose operands are the call's first `n` arguments (absent ones are `undefined`). */
const direct = (prim: string, n: number): CallLowering => (x, mode) => {
  if (x.nargs > n) x.fail(`${prim} takes at most ${n} argument(s), got ${x.nargs}`);
  return leaf(x.prim(prim, Array.from({ length: n }, (_, i) => x.leaf(i)), arrTy(mode)));
};

/** Reductions: (x, axis, opts). */
const reduce = (prim: string) => direct(prim, 3);

const variadic = (prim: string): CallLowering => (x, mode) =>
  leaf(x.prim(prim, Array.from({ length: Math.max(x.nargs, 1) }, (_, i) => x.leaf(i)), arrTy(mode)));

/**
 * x.slice(...specs) / jnp.slice(x, ...specs): basic slicing, and an integer Array among the specs
 * (NumPy's advanced indexing, one per slice): the other specs first, then a take along the axis
 * it became (the runtime's gatherSpec says the same). NumPy's gathered axes in front (integer
 * indices apart from the array, an axis kept before them) need the index's rank: not compiled yet.
 */
const slice: CallLowering = (x, mode) => {
  const specs = Array.from({ length: x.nargs - 1 }, (_, i) => x.leaf(i + 1));
  const kind = (s: Value) => (s.ty === "arr" ? "array" : s.ty === "num" || (s.tag === "const" && typeof s.value === "number") ? "int" : "range");
  const plan = gatherPlan(specs.map(kind));
  if (!plan) return variadic("slice")(x, mode);
  if (plan.arrays.length > 1) x.fail(`slice: one integer-Array index per slice (got ${plan.arrays.length}); NumPy broadcasts several together, tsjax does not yet: index in two steps`);
  if (plan.front) x.fail("slice: integer indices apart from the index Array put NumPy's gathered axes in front; inside compiled code write the integer indices next to it, or use jnp.take and jnp.moveaxis");
  const base = x.prim("slice", [x.leaf(0), ...specs.map((s, i) => (i === plan.at ? lit(null) : s))], "arr");
  return leaf(x.prim("take", [base, specs[plan.at], num(plan.axis)], arrTy(mode)));
};

const clip: CallLowering = (x, mode) => {
  let v: Value = x.leaf(0);
  const lo = x.leaf(1), hi = x.leaf(2);
  if (!(lo.tag === "const" && lo.value === undefined)) v = x.prim("maximum", [v, lo], arrTy(mode));
  if (!(hi.tag === "const" && hi.value === undefined)) v = x.prim("minimum", [v, hi], arrTy(mode));
  return leaf(v);
};

/** jnp.array / asarray: an Array from a value; a differentiated input passes through. */
const array: CallLowering = (x) => {
  const v = x.leaf(0);
  const opts = x.leaf(1);
  const dtype = opts.tag === "const" && opts.value && typeof opts.value === "object" ? (opts.value as { dtype?: string }).dtype : undefined;
  if (opts.tag !== "const") x.fail("the options of jnp.array must be a literal object");
  if (v.tag === "var") {
    const a = x.prim("toArray", [v], "arr");
    return leaf(dtype ? x.prim("astype", [a, lit(dtype)], "arr") : a);
  }
  return leaf(x.prim("array", [v, opts], "arr"));
};

const nondiff = (prim: string, n: number) => direct(prim, n);

/** jnp.stack / jnp.concatenate of a list literal: one operand per element, so each gets its cotangent. */
const join = (prim: string): CallLowering => (x) => {
  const t = x.tree(0);
  if (!t || t.kind !== "tup") return x.fail(`${prim === "stackN" ? "jnp.stack" : "jnp.concatenate"} of traced values needs a list literal ([a, b, ...])`);
  const els = t.kids.map((k) => (k.kind === "leaf" ? k.v : x.fail("the elements to join must be Arrays or numbers, not structures")));
  return leaf(x.prim(prim, [x.leaf(1), ...els], "arr"));
};

/** moveaxis / swapaxes: a transpose by the permutation worked out at run time. */
const permuted =
  (kind: "move" | "swap"): CallLowering =>
  (x) => {
    const [a, b] = [x.leaf(1), x.leaf(2)];
    if (a.tag !== "const" || b.tag !== "const") x.fail(`${kind === "move" ? "moveaxis" : "swapaxes"}: the axes must be known at build time`);
    const perm = x.prim("axesPerm", [x.leaf(0), lit({ kind, a: (a as { value: unknown }).value, b: (b as { value: unknown }).value })], "other");
    return leaf(x.prim("transpose", [x.leaf(0), perm], "arr"));
  };
/** cumsum / cumprod: a flattened scan when no axis is given. */
const scanned =
  (prim: string): CallLowering =>
  (x) => {
    const ax = x.leaf(1);
    const none = ax.tag === "const" && (ax.value === undefined || ax.value === null);
    return leaf(none ? x.prim(prim, [x.prim("ravel", [x.leaf(0)], "arr"), num(0)], "arr") : x.prim(prim, [x.leaf(0), ax], "arr"));
  };
const sortLike =
  (prim: string): CallLowering =>
  (x) => {
    const ax = x.leaf(1);
    if (ax.tag === "const" && ax.value === null) return leaf(x.prim(prim, [x.prim("ravel", [x.leaf(0)], "arr"), num(0)], "arr"));
    return leaf(x.prim(prim, [x.leaf(0), ax.tag === "const" && ax.value === undefined ? num(-1) : ax], "arr"));
  };
/** diagonal/trace's (x, offset = 0, axis1 = 0, axis2 = 1), the defaults filled in. */
const diagArgs = (x: LoweringCtx): Value[] => [x.leaf(0), ...[0, 0, 1].map((d, i) => {
  const v = x.leaf(i + 1);
  return v.tag === "const" && v.value === undefined ? num(d) : v;
})];
/** Argument i as a number written literally (a count or an axis the build must know). */
const constNum = (x: LoweringCtx, i: number, fn: string, what: string, dflt?: number): number => {
  const v = x.leaf(i);
  if (v.tag === "const" && v.value === undefined && dflt !== undefined) return dflt;
  if (v.tag !== "const" || typeof v.value !== "number") return x.fail(`${fn}: ${what} must be a number written literally (known at build time)`);
  return v.value;
};
/** vstack / dstack / columnStack / hstack of a list literal: each operand made at least n-d, then one join. */
const stacker =
  (mode: string, axis: number | "h"): CallLowering =>
  (x) => {
    const t = x.tree(0);
    if (!t || t.kind !== "tup") return x.fail("the arrays to stack must be a list literal ([a, b, ...])");
    const els = t.kids.map((k) => x.prim("atleast", [k.kind === "leaf" ? k.v : x.fail("the elements to stack must be Arrays"), lit(mode), num(0)], "arr"));
    const ax = axis === "h" ? x.prim("hstackAxis", [els[0], num(0)], "num") : num(axis);
    return leaf(x.prim("concatN", [ax, ...els], "arr"));
  };
/** split / arraySplit with a count: one take per piece (a tuple of Arrays). */
const splitter =
  (even: boolean): CallLowering =>
  (x) => {
    const n = constNum(x, 1, even ? "split" : "arraySplit", "the number of pieces");
    if (!Number.isInteger(n) || n < 1) return x.fail(`${even ? "split" : "arraySplit"}: the number of pieces must be a positive integer, got ${n}`);
    const axis = constNum(x, 2, even ? "split" : "arraySplit", "axis", 0);
    return { kind: "tup", kids: Array.from({ length: n }, (_, i) => leaf(x.prim("take", [x.leaf(0), x.prim("indexRange", [x.leaf(0), lit({ kind: "split", n, i, axis, even })], "arr"), num(axis)], "arr"))) };
  };
const triangle =
  (upper: boolean): CallLowering =>
  (x) => {
    const k = x.leaf(1);
    const kk = k.tag === "const" && k.value === undefined ? num(0) : k;
    return leaf(x.prim("where", [x.prim("triMask", [x.leaf(0), kk, lit(upper)], "arr"), x.leaf(0), num(0)], "arr"));
  };

export const JNP: Readonly<Record<string, CallLowering>> = {
  flip: direct("flip", 2),
  fliplr: (x) => leaf(x.prim("flip", [x.leaf(0), num(1)], "arr")),
  flipud: (x) => leaf(x.prim("flip", [x.leaf(0), num(0)], "arr")),
  moveaxis: permuted("move"),
  swapaxes: permuted("swap"),
  cumsum: scanned("cumsum"),
  cumprod: scanned("cumprod"),
  // sort/argsort: the last axis by default, flattened for null
  sort: sortLike("sort"),
  argsort: sortLike("argsort"),
  takeAlongAxis: direct("takeAlongAxis", 3),
  roll: (x) => {
    const ax = x.leaf(2);
    const none = ax.tag === "const" && (ax.value === undefined || ax.value === null);
    return leaf(none ? x.prim("reshapeLike", [x.prim("roll", [x.prim("ravel", [x.leaf(0)], "arr"), x.leaf(1), num(0)], "arr"), x.leaf(0)], "arr") : x.prim("roll", [x.leaf(0), x.leaf(1), ax], "arr"));
  },
  pad: (x) => {
    const w = x.leaf(1);
    if (w.tag !== "const") x.fail("pad: pad_width must be written literally (known at build time)");
    return leaf(x.prim("pad", [x.leaf(0), w, x.leaf(2), num(0)], "arr"));
  },
  atleast1d: (x) => leaf(x.prim("atleast", [x.leaf(0), lit("1d"), num(0)], "arr")),
  atleast2d: (x) => leaf(x.prim("atleast", [x.leaf(0), lit("2d"), num(0)], "arr")),
  atleast3d: (x) => leaf(x.prim("atleast", [x.leaf(0), lit("3d"), num(0)], "arr")),
  vstack: stacker("2d", 0),
  dstack: stacker("3d", 2),
  columnStack: stacker("col", 1),
  hstack: stacker("1d", "h"),
  split: splitter(true),
  arraySplit: splitter(false),
  repeat: (x) => {
    const r = constNum(x, 1, "repeat", "repeats");
    const ax = x.leaf(2);
    const flat = ax.tag === "const" && (ax.value === undefined || ax.value === null);
    const v = flat ? x.prim("ravel", [x.leaf(0)], "arr") : x.leaf(0);
    const axis = flat ? 0 : constNum(x, 2, "repeat", "axis");
    return leaf(x.prim("take", [v, x.prim("indexRange", [v, lit({ kind: "repeat", r, axis })], "arr"), num(axis)], "arr"));
  },
  tile: (x) => {
    const reps = constNum(x, 1, "tile", "reps");
    return leaf(x.prim("take", [x.leaf(0), x.prim("indexRange", [x.leaf(0), lit({ kind: "tile", reps, axis: -1 })], "arr"), num(-1)], "arr"));
  },
  diagonal: (x) => leaf(x.prim("diagonal", diagArgs(x), "arr")),
  trace: (x) => leaf(x.prim("sum", [x.prim("diagonal", diagArgs(x), "arr"), num(-1), lit(undefined)], "arr")),
  einsum: (x) => {
    const spec = x.leaf(0);
    if (spec.tag !== "const" || typeof spec.value !== "string") return x.fail("einsum: the subscripts must be a string written literally (known at build time)");
    // (the subscripts checked at build time: a bad one is a diagnostic here)
    let parsed: { ins: string[]; out: string };
    try {
      parsed = parseEinsum(spec.value, x.nargs - 1);
    } catch (e) {
      return x.fail((e as Error).message);
    }
    // a label repeated in an operand: its diagonal first (the diagonal primitive, differentiable
    // and batched), labelled at the end; the einsum primitive sees distinct labels only
    const ins: string[] = [];
    const xs = parsed.ins.map((t0, i) => {
      let v = x.leaf(i + 1), t = t0;
      for (let r = repeatedLabel(t); r; r = repeatedLabel(t)) {
        // (an axis after "..." counts from the end)
        const e = t.indexOf("."), axis = (p: number) => (e >= 0 && p > e ? p - t.length : p);
        v = x.prim("diagonal", [v, num(0), num(axis(r.p1)), num(axis(r.p2))], "arr");
        t = r.rest;
      }
      ins.push(t);
      return v;
    });
    const s = ins.join(",") === parsed.ins.join(",") ? spec : lit(`${ins.join(",")}->${parsed.out}`);
    return leaf(x.prim("einsum", [s, ...xs], "arr"));
  },
  // jnp.linalg
  ...DECOMP_LOWERING,
  ...MULTIDOT_LOWERING,
  inv: direct("inv", 1),
  det: direct("det", 1),
  slogdet: (x) => ({ kind: "tup", kids: [leaf(x.prim("slogdetSign", [x.leaf(0)], "arr")), leaf(x.prim("logAbsDet", [x.leaf(0)], "arr"))] }),
  // (a vector b as a column and its axis dropped again: the IR's solves are of matrices)
  solve: (x) => leaf(x.prim("mdotDrop", [x.prim("solve", [x.leaf(0), x.prim("atleast", [x.leaf(1), lit("col"), num(0)], "arr"), num(0)], "arr"), x.leaf(0), x.leaf(1), lit({ k1: 0, kn: 0 })], "arr")),
  tril: triangle(false),
  triu: triangle(true),
  // nn.* (jax.nn) and the composite jnp functions: formulas (rules/nn.ts)
  ...NN,
  ...COMPOSITE_RULES,
  ...FFT_LOWERING,
  ...SPECIAL_LOWERING,
  ...MORE_RULES,
  ...CONV_LOWERING,
  ...BITCAST_LOWERING,
  ...FULL_LIKE_LOWERING,
  // bit operations on integers and booleans (constants to differentiation)
  // (and the logical ones, whose results are bool)
  logicalAnd: direct("logicalAnd", 2),
  logicalOr: direct("logicalOr", 2),
  logicalNot: direct("logicalNot", 1),
  bitwiseAnd: direct("bitwiseAnd", 2),
  bitwiseOr: direct("bitwiseOr", 2),
  bitwiseXor: direct("bitwiseXor", 2),
  bitwiseNot: direct("bitwiseNot", 1),
  leftShift: direct("leftShift", 2),
  rightShift: direct("rightShift", 2),
  bitwiseCount: direct("bitwiseCount", 1),
  add: direct("add", 2),
  subtract: direct("sub", 2),
  multiply: direct("mul", 2),
  divide: direct("div", 2),
  power: direct("pow", 2),
  negative: direct("neg", 1),
  ...Object.fromEntries(
    ["square", "sqrt", "exp", "log", "log1p", "expm1", "tanh", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "abs", "sign", "reciprocal", "floor", "ceil", "trunc"].map(
      (n) => [n, direct(n, 1)],
    ),
  ),
  arctan2: direct("arctan2", 2),
  hypot: direct("hypot", 2),
  fmod: direct("mod", 2),
  maximum: direct("maximum", 2),
  minimum: direct("minimum", 2),
  fma: direct("fma", 3),
  where: direct("where", 3),
  clip,
  equal: direct("equal", 2),
  notEqual: direct("notEqual", 2),
  less: direct("less", 2),
  lessEqual: direct("lessEqual", 2),
  greater: direct("greater", 2),
  greaterEqual: direct("greaterEqual", 2),
  sum: reduce("sum"),
  mean: reduce("mean"),
  max: reduce("max"),
  min: reduce("min"),
  prod: reduce("prod"),
  logsumexp: reduce("logsumexp"),
  var: reduce("var"),
  std: (x) => leaf(x.prim("sqrt", [x.prim("var", [x.leaf(0), x.leaf(1), x.leaf(2)], "arr")], "arr")),
  argmax: reduce("argmax"),
  argmin: reduce("argmin"),
  dot: direct("dot", 2),
  matmul: direct("matmul", 2),
  vdot: direct("vdot", 2),
  outer: direct("outer", 2),
  reshape: direct("reshape", 2),
  transpose: direct("transpose", 2),
  expandDims: direct("expandDims", 2),
  squeeze: direct("squeeze", 2),
  broadcastTo: direct("broadcastTo", 2),
  ravel: direct("ravel", 1),
  stack: join("stackN"),
  concatenate: join("concatN"),
  index: direct("index", 2),
  take: direct("take", 3),
  slice,
  array,
  asArray: array,
  astype: direct("astype", 2),
  zeros: nondiff("zeros", 2),
  ones: nondiff("ones", 2),
  full: nondiff("full", 3),
  arange: nondiff("arange", 4),
  linspace: nondiff("linspace", 4),
  eye: nondiff("eye", 3),
  zerosLike: nondiff("zerosLike", 1),
  onesLike: nondiff("onesLike", 1),
};

/** Array methods: argument 0 is the receiver. */
export const METHODS: Readonly<Record<string, CallLowering>> = {
  add: direct("add", 2),
  sub: direct("sub", 2),
  mul: direct("mul", 2),
  div: direct("div", 2),
  pow: direct("pow", 2),
  neg: direct("neg", 1),
  dot: direct("dot", 2),
  matmul: direct("matmul", 2),
  sum: reduce("sum"),
  mean: reduce("mean"),
  max: reduce("max"),
  min: reduce("min"),
  prod: reduce("prod"),
  argmax: direct("argmax", 2),
  argmin: direct("argmin", 2),
  reshape: (x) => {
    if (x.nargs === 2 && x.tree(1)?.kind !== "leaf") return leaf(x.prim("reshape", [x.leaf(0), x.leaf(1)], "arr"));
    const dims = Array.from({ length: x.nargs - 1 }, (_, i) => x.leaf(i + 1));
    if (!dims.every((d) => d.tag === "const")) x.fail("reshape dimensions must be known at build time");
    return leaf(x.prim("reshape", [x.leaf(0), lit(dims.map((d) => (d as { value: unknown }).value))], "arr"));
  },
  transpose: direct("transpose", 2),
  ravel: direct("ravel", 1),
  flatten: direct("ravel", 1),
  squeeze: direct("squeeze", 2),
  astype: direct("astype", 2),
  at: direct("index", 2),
  slice,
  take: direct("take", 3),
  item: (x) => leaf(x.prim("item", [x.leaf(0)], "num")),
  // (runtime/array-methods.ts: the jnp function of the name, the receiver first)
  ...Object.fromEntries(["all", "any", "sort", "argsort", "diagonal", "mod"].map((m) => [m, JNP[m]])),
};

const math1 = (prim: string) => direct(prim, 1);
const nary = (prim: string, empty: number): CallLowering => (x) => {
  if (x.nargs === 0) return leaf(num(empty));
  let v: Value = x.leaf(0);
  for (let i = 1; i < x.nargs; i++) v = x.prim(prim, [v, x.leaf(i)]);
  return leaf(v);
};

export const MATH: Readonly<Record<string, CallLowering>> = {
  exp: math1("exp"),
  log: math1("log"),
  log1p: math1("log1p"),
  expm1: math1("expm1"),
  tanh: math1("tanh"),
  sin: math1("sin"),
  cos: math1("cos"),
  tan: math1("tan"),
  asin: math1("arcsin"),
  acos: math1("arccos"),
  atan: math1("arctan"),
  sinh: math1("sinh"),
  cosh: math1("cosh"),
  sqrt: math1("sqrt"),
  abs: math1("abs"),
  sign: math1("sign"),
  floor: math1("floor"),
  ceil: math1("ceil"),
  round: math1("round"),
  trunc: math1("trunc"),
  atan2: direct("arctan2", 2),
  pow: direct("pow", 2),
  max: nary("maximum", -Infinity),
  min: nary("minimum", Infinity),
  // pairwise Math.hypot keeps its range (no overflow of squares)
  hypot: (x) => {
    if (x.nargs === 0) return leaf(num(0));
    if (x.nargs === 1) return leaf(x.prim("abs", [x.leaf(0)]));
    let v: Value = x.leaf(0);
    for (let i = 1; i < x.nargs; i++) v = x.prim("hypot", [v, x.leaf(i)]);
    return leaf(v);
  },
};

export const MATH_CONSTS: Readonly<Record<string, number>> = {
  PI: Math.PI,
  E: Math.E,
  LN2: Math.LN2,
  LN10: Math.LN10,
  LOG2E: Math.LOG2E,
  LOG10E: Math.LOG10E,
  SQRT2: Math.SQRT2,
  SQRT1_2: Math.SQRT1_2,
};
