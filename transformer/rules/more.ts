// How runtime/numpy/more.ts's functions lower: each formula of MORE_FORMULAS run with operations
// that emit IR primitives (the composites' operations plus joins, gathers, tensordot, diag and
// run-time index lists: prims/more.ts), so the compiled function is the expression eager code
// evaluates; aliases map onto the primitive they name; functions whose results are constants
// (windows, grids) or have no derivative (frexp) call the eager function (moreEager).

import type { Tree, Value } from "../ir.js";
import { leaf, lit, num } from "../ir.js";
import type { LoweringCtx } from "../lower.js";
import type { CallLowering } from "./lowering.js";
import { opsFor } from "./formulas.js";
import { MORE_FORMULAS } from "../../runtime/numpy/more.js";
import type { MoreFormula, MoreOps } from "../../runtime/numpy/more.js";

const isValue = (v: unknown): v is Value => !!v && typeof v === "object" && "tag" in (v as object) && "ty" in (v as object);

function moreOpsFor(x: LoweringCtx): MoreOps<Value> {
  const p = (prim: string, ...args: Value[]) => x.prim(prim, args, "arr");
  /** An axis given as a number or an IR value (hstack's run-time axis). */
  const ax = (a: unknown): Value => (isValue(a) ? a : a === undefined || a === null ? lit(a) : num(a as number));
  const arr = (v: unknown): Value => {
    if (isValue(v)) return v.ty === "arr" ? v : p("toArray", v);
    if (typeof v === "number") return p("toArray", num(v));
    if (typeof v === "boolean") return p("toArray", lit(v));
    // (a list holding run-time values is a stack of them, as jnp.array of traced values)
    const traced = (t: unknown): boolean => isValue(t) || (Array.isArray(t) && t.some(traced));
    if (Array.isArray(v) && v.length > 0 && v.some(traced)) return v.length === 1 ? p("expandDims", arr(v[0]), num(0)) : p("stackN", num(0), ...v.map(arr));
    return p("array", lit(v), lit(undefined));
  };
  const red = (prim: string) => (a: Value, axis: unknown, keepdims: boolean) => p(prim, a, lit(axis), lit({ keepdims }));
  return {
    ...opsFor(x),
    arr,
    concat: (xs, axis) => (xs.length === 1 ? xs[0] : p("concatN", ax(axis), ...xs)),
    stack: (xs, axis) => p("stackN", num(axis), ...xs),
    take: (a, idx, axis) => p("take", a, idx, ax(axis)),
    idx: (spec, ...refs) => p("moreIdx", lit(spec), ...refs),
    flip: (a, axis) => p("flip", a, ax(axis)),
    cumsum: (a, axis) => p("cumsum", a, num(axis)),
    cumprod: (a, axis) => p("cumprod", a, num(axis)),
    prod: red("prod"),
    argmax: red("argmax"),
    argmin: red("argmin"),
    ravel: (a) => p("ravel", a),
    swapaxes: (a, i, j) => p("transpose", a, x.prim("axesPerm", [a, lit({ kind: "swap", a: i, b: j })], "other")),
    transpose: (a, perm) => p("transpose", a, lit(perm ?? undefined)),
    tdot: (a, b, spec) => p("tdot", a, b, lit(spec)),
    diag: (v, k) => p("diagOp", v, num(k), num(0)),
    zerosLike: (a) => p("zerosLike", a),
    trunc: (a) => p("trunc", a),
    cos: (a) => p("cos", a),
    atleast: (a, mode) => p("atleast", a, lit(mode), num(0)),
    hAxis: (a) => x.prim("hstackAxis", [a, num(0)], "num"),
    alongAxis: (w, a, axis, fn) => p("alongAxis", w, a, num(axis), num(0), num(0), lit(fn)),
    diffStep: (hi, lo) => p("diffStep", hi, lo),
    rankAtMost: (v, max, fn, what) => p("rankAtMost", v, lit({ fn, what, max })),
  };
}

/** Argument i as the formula sees it: constants as their values, run-time values as IR values (in lists and option objects too). */
function plain(t: Tree<Value> | undefined): unknown {
  if (!t) return undefined;
  if (t.kind === "leaf") return t.v.tag === "const" ? t.v.value : t.v;
  if (t.kind === "none") return t.v;
  if (t.kind === "tup") return t.kids.map(plain);
  return Object.fromEntries(t.keys.map((k, i) => [k, plain(t.kids[i])]));
}

/** A formula of more.ts applied to the call; several results are a tuple. */
const moreLowering =
  (f: MoreFormula): CallLowering =>
  (x) => {
    const args = Array.from({ length: x.nargs }, (_, i) => plain(x.tree(i)));
    let out: Value | Value[];
    try {
      out = f(moreOpsFor(x), ...args);
    } catch (e) {
      return x.fail((e as Error).message);
    }
    const asArr = (v: Value) => (v.ty === "arr" ? v : x.prim("toArray", [v], "arr"));
    return Array.isArray(out) ? { kind: "tup", kids: out.map((v) => leaf(asArr(v))) } : leaf(asArr(out));
  };

/** Another name of a primitive (the call's arguments its operands). */
const alias =
  (prim: string, n: number): CallLowering =>
  (x) =>
    leaf(x.prim(prim, Array.from({ length: n }, (_, i) => x.leaf(i)), "arr"));
/** An eager function of more-prims.ts's table (constant results). */
const eager =
  (name: string): CallLowering =>
  (x) =>
    leaf(x.prim("moreEager", [lit(name), ...Array.from({ length: x.nargs }, (_, i) => x.leaf(i))], "arr"));

export const MORE_RULES: Readonly<Record<string, CallLowering>> = {
  ...Object.fromEntries(Object.entries(MORE_FORMULAS).map(([name, f]) => [name, moreLowering(f)])),
  around: moreLowering(MORE_FORMULAS.round),
  acosh: moreLowering(MORE_FORMULAS.arccosh),
  asinh: moreLowering(MORE_FORMULAS.arcsinh),
  atanh: moreLowering(MORE_FORMULAS.arctanh),
  acos: alias("arccos", 1),
  asin: alias("arcsin", 1),
  atan: alias("arctan", 1),
  atan2: alias("arctan2", 2),
  pow: alias("pow", 2),
  permuteDims: alias("transpose", 2),
  // (jax-js's var_ takes NumPy's ddof as `correction`)
  var_: (x) => {
    const opts = x.leaf(2);
    if (opts.tag !== "const") return x.fail("var_: the options must be written literally (known at build time)");
    const o = (opts.value ?? {}) as { correction?: number; ddof?: number; mean?: unknown };
    if (o.mean !== undefined) return x.fail("var_: the mean option is not supported yet (the mean is computed)");
    return leaf(x.prim("var", [x.leaf(0), x.leaf(1), lit({ ...o, ddof: o.correction ?? o.ddof })], "arr"));
  },
  ...Object.fromEntries(["tri", "identity", "bartlett", "hann", "blackman", "logspace", "geomspace", "arrayEqual", "arrayEquiv"].map((n) => [n, eager(n)])),
  // (the dense grid: one Array; the sparse one is a list as long as the dimensions)
  indices: (x) => {
    const opts = x.leaf(1);
    if (opts.tag !== "const") return x.fail("indices: the options must be written literally (known at build time)");
    if ((opts.value as { sparse?: boolean } | undefined)?.sparse) return x.fail("indices: the sparse form is not supported inside a transformed function yet (use the dense grid)");
    return eager("indices")(x, "arr");
  },
  frexp: (x) => ({ kind: "tup", kids: [leaf(x.prim("moreEager", [lit("frexpMantissa"), x.leaf(0)], "arr")), leaf(x.prim("moreEager", [lit("frexpExponent"), x.leaf(0)], "arr"))] }),
};
