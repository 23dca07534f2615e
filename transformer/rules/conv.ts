// How lax's convolutions, lax.reduceWindow, lax.topK, lax.dot and numpy.convolve/correlate lower
// onto the primitives of transformer/prims/conv.ts. Strides, padding and options are static, as in
// JAX: written literally (or captured constants, read at run time); the computation of
// reduceWindow must be jnp.max, jnp.min, jnp.sum or jnp.mean passed by name.

import type { Tree, Value } from "../ir.js";
import { leaf, lit, num } from "../ir.js";
import type { LoweringCtx } from "../lower.js";
import type { CallLowering } from "./lowering.js";

class NotConst extends Error {}
/** A tree of constants as the JSON-like value it stands for. */
function json(t: Tree<Value> | undefined): unknown {
  if (!t || t.kind === "none") return undefined;
  if (t.kind === "leaf") {
    if (t.v.tag !== "const") throw new NotConst();
    return t.v.value;
  }
  if (t.kind === "tup") return t.kids.map(json);
  if (t.kind === "obj") return Object.fromEntries(t.keys.map((k, i) => [k, json(t.kids[i])]));
  throw new NotConst();
}

/** Argument i as a static operand: a constant, or a run-time value that is not data (a captured list). */
function stat(x: LoweringCtx, i: number, fn: string, what: string): Value {
  const t = x.tree(i);
  try {
    return lit(json(t));
  } catch (e) {
    if (!(e instanceof NotConst)) throw e;
  }
  if (t?.kind === "leaf" && t.v.ty !== "num" && t.v.ty !== "arr") return t.v;
  return x.fail(`${fn}: ${what} must be known at build time (written literally, or a constant)`);
}
/** Argument i as a constant (an options object, a mode). */
function constArg(x: LoweringCtx, i: number, fn: string, what: string): unknown {
  try {
    return json(x.tree(i));
  } catch (e) {
    if (!(e instanceof NotConst)) throw e;
    return x.fail(`${fn}: ${what} must be written literally (known at build time)`);
  }
}

/** Build-time checks of what is known: the names of the padding and the strides' form. */
function checkStatic(x: LoweringCtx, fn: string, strides: Value, padding: Value): void {
  const s = strides.tag === "const" ? strides.value : undefined;
  if (s !== undefined && !(Array.isArray(s) && s.every((d) => Number.isInteger(d) && d > 0)))
    x.fail(`${fn}: windowStrides must be a list of positive integers (one per spatial dimension), got ${JSON.stringify(s)}`);
  const p = padding.tag === "const" ? padding.value : undefined;
  if (typeof p === "string" && !["VALID", "SAME", "SAME_LOWER"].includes(p)) x.fail(`${fn}: padding must be "VALID", "SAME", "SAME_LOWER" or a list of [lo, hi] pairs, got "${p}"`);
}

/** The options operand: what the function adds (its name, convTranspose's flag) over the user's options (argument i), at build or at run time. */
function options(x: LoweringCtx, fn: string, i: number | undefined, meta: Record<string, unknown>, pick: readonly string[]): Value {
  const t = i === undefined ? undefined : x.tree(i);
  let user: unknown;
  try {
    user = json(t);
  } catch (e) {
    if (!(e instanceof NotConst)) throw e;
    // (an options object captured whole: merged at run time)
    if (t?.kind === "leaf" && t.v.ty !== "num" && t.v.ty !== "arr") return x.prim("convOpts", [t.v, lit({ fn, ...meta })], "other");
    return x.fail(`${fn}: the options must be known at build time (written literally, or a constant)`);
  }
  const o = (user ?? {}) as Record<string, unknown>;
  return lit(Object.fromEntries(Object.entries({ fn, ...Object.fromEntries(pick.map((k) => [k, o[k]])), ...meta }).filter(([, v]) => v !== undefined)));
}

const convOp = (x: LoweringCtx, fn: string, opts: Value, strides = stat(x, 2, fn, "windowStrides")) => {
  const padding = stat(x, 3, fn, "padding");
  checkStatic(x, fn, strides, padding);
  return leaf(x.prim("conv", [x.leaf(0), x.leaf(1), strides, padding, opts, num(0)], "arr"));
};

const REDUCERS: Readonly<Record<string, string>> = { max: "max", min: "min", sum: "sum", mean: "mean", amax: "max", amin: "min" };

/** reduceWindow(operand, computation, windowDimensions, windowStrides?). */
const reduceWindow: CallLowering = (x) => {
  const f = x.tree(1);
  const v = f?.kind === "leaf" ? f.v : undefined;
  const name = v?.tag === "ext" ? (v.path?.length ? v.path[v.path.length - 1] : (v.from?.exportName ?? v.name)) : undefined;
  const kind = typeof name === "string" ? REDUCERS[name] : undefined;
  if (!kind) return x.fail("lax.reduceWindow: the computation must be jnp.max, jnp.min, jnp.sum or jnp.mean passed by name (`lax.reduceWindow(x, jnp.max, [2, 2], [2, 2])`); other functions run only in eager code");
  const win = stat(x, 2, "lax.reduceWindow", "windowDimensions");
  const str = stat(x, 3, "lax.reduceWindow", "windowStrides");
  const w = win.tag === "const" ? win.value : undefined;
  if (win.tag === "const" && !(Array.isArray(w) && w.every((d) => Number.isInteger(d) && d > 0))) x.fail(`lax.reduceWindow: windowDimensions must be a list of positive integers, got ${JSON.stringify(w)}`);
  if (kind !== "mean") return leaf(x.prim("windowReduce", [x.leaf(0), lit(kind), win, str], "arr"));
  if (!Array.isArray(w)) return x.fail("lax.reduceWindow with jnp.mean needs windowDimensions written literally");
  const s = x.prim("windowReduce", [x.prim("astype", [x.leaf(0), lit("float32")], "arr"), lit("sum"), win, str], "arr");
  return leaf(x.prim("div", [s, num((w as number[]).reduce((a, b) => a * b, 1))], "arr"));
};

/** numpy.convolve / correlate: a 1-D convolution whose padding takes NumPy's slice of the full result. */
const convolve =
  (fn: "convolve" | "correlate"): CallLowering =>
  (x) => {
    const mode = constArg(x, 2, fn, "mode") ?? (fn === "convolve" ? "full" : "valid");
    if (!["full", "same", "valid"].includes(mode as string)) return x.fail(`${fn}: mode must be "full", "same" or "valid", got ${JSON.stringify(mode)}`);
    const [a, v] = [x.leaf(0), x.leaf(1)];
    const pads = x.prim("convolvePads", [a, v, lit({ fn, mode })], "other");
    const kernel = fn === "convolve" ? x.prim("flip", [v, num(0)], "arr") : v;
    const r3 = (t: Value) => x.prim("reshape", [t, lit([1, 1, -1])], "arr");
    const y = x.prim("conv", [r3(a), r3(kernel), lit([1]), pads, lit({ fn }), num(0)], "arr");
    return leaf(x.prim("reshape", [y, lit([-1])], "arr"));
  };

export const CONV_LOWERING: Readonly<Record<string, CallLowering>> = {
  "lax.convGeneralDilated": (x) => convOp(x, "convGeneralDilated", options(x, "convGeneralDilated", 4, {}, ["lhsDilation", "rhsDilation", "featureGroupCount"])),
  "lax.conv": (x) => convOp(x, "conv", options(x, "conv", undefined, {}, [])),
  "lax.convWithGeneralPadding": (x) => {
    const dil = (i: number, what: string) => constArg(x, i, "convWithGeneralPadding", what) as number[] | undefined;
    return convOp(x, "convWithGeneralPadding", options(x, "convWithGeneralPadding", undefined, { lhsDilation: dil(4, "lhsDilation"), rhsDilation: dil(5, "rhsDilation") }, []));
  },
  "lax.convTranspose": (x) => convOp(x, "convTranspose", options(x, "convTranspose", 4, { transpose: true }, ["rhsDilation", "transposeKernel"]), stat(x, 2, "convTranspose", "strides")),
  "lax.reduceWindow": reduceWindow,
  // the indices (no derivative), and the values gathered at them (the gather's derivative)
  "lax.topK": (x) => {
    const k = x.leaf(1);
    const ax = x.leaf(2);
    const axis = ax.tag === "const" && ax.value === undefined ? num(-1) : ax;
    if (axis.tag !== "const" || typeof axis.value !== "number") return x.fail("lax.topK: axis must be a number written literally (known at build time)");
    const idx = x.prim("topKIndices", [x.leaf(0), k, axis], "arr");
    return { kind: "tup", kids: [leaf(x.prim("takeAlongAxis", [x.leaf(0), idx, axis], "arr")), leaf(idx)] };
  },
  "lax.dot": (x) => leaf(x.prim("laxDot", [x.leaf(0), x.leaf(1), lit(constArg(x, 2, "lax.dot", "the dimension numbers"))], "arr")),
  convolve: convolve("convolve"),
  correlate: convolve("correlate"),
};
