// The primitive table: for each primitive, its result type, how it is emitted for JS numbers
// (operators and Math.*, no runtime call) and for Arrays (a runtime function), and how it folds.
// Derivative rules are in rules/vjp.ts; this table only says what a primitive *is*.

import type { Ty, Value } from "./ir.js";

/** How the result type is found: `ew` elementwise (arr if any operand is arr), or fixed, or "like argument i". */
type TyRule = "ew" | "arr" | "num" | "list" | "other" | { like: number };

export interface PrimDef {
  readonly ty: TyRule;
  /** Number-mode emission: a binary/unary operator, or a Math function. */
  readonly js?: { bin: string } | { un: string } | { fn: string } | { fma: true } | { id: true };
  /** Array-mode emission: the runtime function (defaults to the primitive's name). */
  readonly rt?: string;
  /** Constant folding for number operands. */
  readonly fold?: (...xs: number[]) => number;
  /** Zero derivative everywhere (comparisons, rounding, shape queries...). */
  readonly nondiff?: boolean;
  /** Has a run-time check or effect that must survive dead-code elimination. */
  readonly effect?: boolean;
  /** Each application is distinct (never merged by CSE): tapes and their pushes and pops. */
  readonly fresh?: boolean;
}

const ew = (fn: string, fold?: (...xs: number[]) => number): PrimDef => ({ ty: "ew", js: { fn }, fold });
const arr = (extra: Partial<PrimDef> = {}): PrimDef => ({ ty: "arr", ...extra });
const cmp = (bin: string, fold: (a: number, b: number) => boolean): PrimDef => ({
  ty: "other",
  js: { bin },
  fold: (a, b) => (fold(a, b) ? 1 : 0),
  nondiff: true,
});

export const PRIMS: Readonly<Record<string, PrimDef>> = {
  // elementwise arithmetic
  add: { ty: "ew", js: { bin: "+" }, fold: (a, b) => a + b },
  sub: { ty: "ew", js: { bin: "-" }, fold: (a, b) => a - b, rt: "subtract" },
  mul: { ty: "ew", js: { bin: "*" }, fold: (a, b) => a * b, rt: "multiply" },
  div: { ty: "ew", js: { bin: "/" }, fold: (a, b) => a / b, rt: "divide" },
  pow: { ty: "ew", js: { bin: "**" }, fold: (a, b) => a ** b, rt: "power" },
  mod: { ty: "ew", js: { bin: "%" }, fold: (a, b) => a % b },
  neg: { ty: "ew", js: { un: "-" }, fold: (a) => -a, rt: "negative" },
  fma: { ty: "ew", js: { fma: true }, fold: (a, b, c) => a * b + c },
  square: { ty: "ew", fold: (a) => a * a },
  reciprocal: { ty: "ew", fold: (a) => 1 / a },
  exp: ew("Math.exp", Math.exp),
  log: ew("Math.log", Math.log),
  log1p: ew("Math.log1p", Math.log1p),
  expm1: ew("Math.expm1", Math.expm1),
  tanh: ew("Math.tanh", Math.tanh),
  sin: ew("Math.sin", Math.sin),
  cos: ew("Math.cos", Math.cos),
  tan: ew("Math.tan", Math.tan),
  arcsin: ew("Math.asin", Math.asin),
  arccos: ew("Math.acos", Math.acos),
  arctan: ew("Math.atan", Math.atan),
  arctan2: ew("Math.atan2", Math.atan2),
  hypot: ew("Math.hypot", Math.hypot),
  sinh: ew("Math.sinh", Math.sinh),
  cosh: ew("Math.cosh", Math.cosh),
  sqrt: ew("Math.sqrt", Math.sqrt),
  abs: ew("Math.abs", Math.abs),
  maximum: ew("Math.max", Math.max),
  minimum: ew("Math.min", Math.min),
  sign: { ...ew("Math.sign", Math.sign), nondiff: true },
  floor: { ...ew("Math.floor", Math.floor), nondiff: true },
  ceil: { ...ew("Math.ceil", Math.ceil), nondiff: true },
  round: { ...ew("Math.round", Math.round), nondiff: true },
  trunc: { ...ew("Math.trunc", Math.trunc), nondiff: true },
  where: { ty: "ew" },
  // comparisons: booleans, never differentiated
  less: cmp("<", (a, b) => a < b),
  lessEqual: cmp("<=", (a, b) => a <= b),
  greater: cmp(">", (a, b) => a > b),
  greaterEqual: cmp(">=", (a, b) => a >= b),
  equal: cmp("===", (a, b) => a === b),
  notEqual: cmp("!==", (a, b) => a !== b),
  // reductions (x, axis, opts)
  sum: arr(),
  mean: arr(),
  max: arr(),
  min: arr(),
  prod: arr(),
  logsumexp: arr(),
  var: arr(),
  ddofOf: { ty: "num", nondiff: true },
  prodOthers: arr(),
  prodOthersVjp: arr(),
  argmax: arr({ nondiff: true }),
  argmin: arr({ nondiff: true }),
  // linear algebra and its adjoints (bilinear: rules/vjp.ts closes the set under transposition)
  dot: arr(),
  matmul: arr(),
  vdot: arr(),
  outer: arr(),
  dotGradA: arr(),
  dotGradB: arr(),
  matmulGradA: arr(),
  matmulGradB: arr(),
  // shapes
  reshape: arr(),
  reshapeLike: arr(),
  transpose: arr(),
  expandDims: arr(),
  squeeze: arr(),
  broadcastTo: arr(),
  ravel: arr(),
  stackN: arr(),
  concatN: arr(),
  stackPart: arr(),
  stackPartT: arr(),
  concatPart: arr(),
  concatPartT: arr(),
  astype: arr(),
  // indexing and the linear transposes
  index: arr(),
  slice: arr(),
  take: arr(),
  indexTranspose: arr(),
  sliceTranspose: arr(),
  takeTranspose: arr(),
  // AD plumbing: broadcasting and reduction adjoints, seeds, zeros
  unbroadcast: { ty: { like: 1 }, js: { id: true } },
  broadcastLike: { ty: { like: 1 }, js: { id: true } },
  unreduce: arr(),
  reduceCount: { ty: "num", nondiff: true },
  maxMask: arr({ nondiff: true }),
  balancedEq: { ty: "ew", nondiff: true },
  seed: { ty: { like: 0 }, nondiff: true, effect: true },
  zerosLike: { ty: { like: 0 }, nondiff: true },
  onesLike: { ty: { like: 0 }, nondiff: true },
  toArray: arr(),
  item: { ty: "num" },
  logicalAnd: { ty: "other", js: { bin: "&&" }, nondiff: true },
  logicalOr: { ty: "other", js: { bin: "||" }, nondiff: true },
  logicalNot: { ty: "other", js: { un: "!" }, nondiff: true },
  // local JS arrays: writes update the array in place (the old version is never read again), so
  // no list operation is ever merged with another (a read after a write differs from one before)
  listNew: { ty: "list", fresh: true },
  listFrom: { ty: "list", fresh: true },
  listGet: { ty: "other", fresh: true },
  listCtGet: { ty: "other", fresh: true },
  listSetAt: { ty: "list", fresh: true },
  listAddAt: { ty: "list", fresh: true },
  listMerge: { ty: "list", fresh: true },
  listLen: { ty: "num", nondiff: true, fresh: true },
  // tapes for loops in reverse mode (JS arrays used as stacks)
  tapeNew: { ty: "other", nondiff: true, fresh: true },
  tapePush: { ty: "other", nondiff: true, effect: true, fresh: true },
  tapePop: { ty: "other", nondiff: true, effect: true, fresh: true },
  untranspose: arr(),
  // non-differentiable array creation and queries (their outputs are constants for AD)
  zeros: arr({ nondiff: true }),
  ones: arr({ nondiff: true }),
  full: arr({ nondiff: true }),
  arange: arr({ nondiff: true }),
  linspace: arr({ nondiff: true }),
  eye: arr({ nondiff: true }),
  array: arr(),
  prop: { ty: "other", nondiff: true },
  isNullish: { ty: "other", nondiff: true },
  checkGradInput: { ty: "other", nondiff: true, effect: true },
};

export function primTy(prim: string, args: readonly Value[]): Ty {
  const def = PRIMS[prim];
  if (!def) throw new Error(`internal: unknown primitive ${prim}`);
  const r = def.ty;
  if (r === "ew") return args.some((a) => a.ty === "arr") ? "arr" : "num";
  if (typeof r === "object") return args[r.like].ty;
  return r;
}
