// How numpy.linalg's decompositions (and lax.linalg's) lower onto the primitives of
// transformer/prims/decomp.ts: a function with several results is a tuple of primitives, one
// per result; the input symmetrization eigh and lax's cholesky do is written here in IR, as the
// runtime computes it (runtime/numpy/decomp.ts, runtime/lax/linalg.ts), so the derivative goes
// through it as JAX's does.

import type { Tree, Value } from "../ir.js";
import { leaf, lit, num } from "../ir.js";
import type { LoweringCtx } from "../lower.js";
import type { CallLowering } from "./lowering.js";
import { powerChain } from "../../runtime/numpy/decomp.js";

/** Argument i, an options object written literally (undefined when absent). */
function optsOf<T>(x: LoweringCtx, i: number, fn: string): T {
  if (i >= x.nargs) return {} as T;
  const v = x.leaf(i);
  if (v.tag === "const" && (v.value === undefined || (typeof v.value === "object" && v.value !== null))) return (v.value ?? {}) as T;
  return x.fail(`${fn}: the options must be an object written literally (known at build time)`);
}
const arr = (x: LoweringCtx, i: number): Value => {
  const v = x.leaf(i);
  return v.ty === "arr" ? v : x.prim("toArray", [v], "arr");
};
const mT = (x: LoweringCtx, a: Value) => x.prim("transpose", [a, x.prim("axesPerm", [a, lit({ kind: "swap", a: -1, b: -2 })], "other")], "arr");
const sym = (x: LoweringCtx, a: Value) => x.prim("mul", [x.prim("add", [a, mT(x, a)], "arr"), num(0.5)], "arr");
const tri = (x: LoweringCtx, a: Value, k: number, upper: boolean) => x.prim("where", [x.prim("triMask", [a, num(k), lit(upper)], "arr"), a, num(0)], "arr");
const tup = (...vs: Value[]): Tree<Value> => ({ kind: "tup", kids: vs.map(leaf) });
const matmul = (x: LoweringCtx) => (a: Value, b: Value) => x.prim("matmul", [a, b], "arr");
/** The identity shaped like a's matrices (matrixPower(a, 0); the runtime builds it the same way). */
const eyeLike = (x: LoweringCtx, a: Value) =>
  x.prim("add", [x.prim("where", [x.prim("triMask", [a, num(0), lit(false)], "arr"), x.prim("where", [x.prim("triMask", [a, num(0), lit(true)], "arr"), num(1), num(0)], "arr"), num(0)], "arr"), x.prim("zerosLike", [a], "arr")], "arr");

/** eigh's input: (a + aᵀ)/2 unless symmetrizeInput is false. */
const eighIn = (x: LoweringCtx, fn: string) => {
  const a = arr(x, 0);
  return optsOf<{ symmetrizeInput?: boolean }>(x, 1, fn).symmetrizeInput === false ? a : sym(x, a);
};
function svdLowering(x: LoweringCtx, fn: string): Tree<Value> {
  const a = arr(x, 0);
  const o = optsOf<{ fullMatrices?: boolean; computeUv?: boolean }>(x, 1, fn);
  if (o.computeUv === false) return leaf(x.prim("svdS", [a], "arr"));
  const full = lit(o.fullMatrices ?? true);
  return tup(x.prim("svdU", [a, full], "arr"), x.prim("svdS", [a], "arr"), x.prim("svdVt", [a, full], "arr"));
}

export const DECOMP_LOWERING: Readonly<Record<string, CallLowering>> = {
  eigh: (x) => {
    const s = eighIn(x, "eigh");
    return tup(x.prim("eighW", [s], "arr"), x.prim("eighV", [s], "arr"));
  },
  eigvalsh: (x) => leaf(x.prim("eighW", [eighIn(x, "eigvalsh")], "arr")),
  svd: (x) => svdLowering(x, "svd"),
  svdvals: (x) => leaf(x.prim("svdS", [arr(x, 0)], "arr")),
  qr: (x) => {
    const mode = optsOf<{ mode?: string }>(x, 1, "qr").mode ?? "reduced";
    if (mode !== "reduced" && mode !== "complete" && mode !== "r") return x.fail(`qr: mode must be "reduced", "complete" or "r", got ${JSON.stringify(mode)}`);
    const a = arr(x, 0);
    if (mode === "r") return leaf(x.prim("qrR", [a, lit(false)], "arr"));
    return tup(x.prim("qrQ", [a, lit(mode === "complete")], "arr"), x.prim("qrR", [a, lit(mode === "complete")], "arr"));
  },
  cond: (x) => {
    const p = x.nargs > 1 ? x.leaf(1) : lit(undefined);
    if (p.tag !== "const" || ![undefined, null, 2, -2].includes(p.value as number)) return x.fail("cond: p must be 2, -2 or null (the 2-norm), written literally");
    const s = x.prim("svdS", [arr(x, 0)], "arr");
    const [hi, lo] = ["max", "min"].map((r) => x.prim(r, [s, num(-1), lit(undefined)], "arr"));
    return leaf(p.value === -2 ? x.prim("div", [lo, hi], "arr") : x.prim("div", [hi, lo], "arr"));
  },
  pinv: (x) => leaf(x.prim("pinvOf", [arr(x, 0), lit({ rtol: optsOf<{ rtol?: number }>(x, 1, "pinv").rtol })], "arr")),
  lstsq: (x) => leaf(x.prim("matmul", [x.prim("pinvOf", [arr(x, 0), lit({ lstsq: true })], "arr"), x.leaf(1)], "arr")),
  matrixRank: (x) => leaf(x.prim("matrixRank", [arr(x, 0), lit(optsOf(x, 1, "matrixRank"))], "arr")),
  matrixPower: (x) => {
    const n = x.leaf(1);
    if (n.tag !== "const" || typeof n.value !== "number" || !Number.isInteger(n.value)) return x.fail("matrixPower: the power must be an integer written literally (known at build time)");
    const a = arr(x, 0);
    if (n.value === 0) return leaf(eyeLike(x, a));
    return leaf(powerChain(n.value < 0 ? x.prim("inv", [a], "arr") : a, Math.abs(n.value), matmul(x)));
  },
  linalgCross: (x) => {
    const ax = x.nargs > 2 ? x.leaf(2) : num(-1);
    const axis = ax.tag === "const" && ax.value === undefined ? num(-1) : ax;
    if (axis.tag !== "const") return x.fail("cross: the axis must be a number written literally (known at build time)");
    const part = (i: number, j: number) => x.prim("take", [x.leaf(i), num(j), axis], "arr");
    const [a0, a1, a2] = [0, 1, 2].map((j) => part(0, j));
    const [b0, b1, b2] = [0, 1, 2].map((j) => part(1, j));
    const d = (p: Value, q: Value, r: Value, s: Value) => x.prim("sub", [x.prim("mul", [p, q], "arr"), x.prim("mul", [r, s], "arr")], "arr");
    return leaf(x.prim("stackN", [axis, d(a1, b2, a2, b1), d(a2, b0, a0, b2), d(a0, b1, a1, b0)], "arr"));
  },

  cholesky: (x) => {
    const o = optsOf<{ upper?: boolean; symmetrizeInput?: boolean }>(x, 1, "cholesky");
    const a = arr(x, 0);
    const L = x.prim("cholesky", [o.symmetrizeInput === false ? a : sym(x, a)], "arr");
    return leaf(o.upper ? mT(x, L) : L);
  },

  // lax.linalg (runtime/lax/linalg.ts)
  "lax.cholesky": (x) => {
    const L = x.prim("cholesky", [sym(x, arr(x, 0))], "arr");
    return leaf(optsOf<{ upper?: boolean }>(x, 1, "lax.linalg.cholesky").upper ? mT(x, L) : L);
  },
  "lax.eigh": (x) => {
    const o = optsOf<{ lower?: boolean; symmetrizeInput?: boolean }>(x, 1, "lax.linalg.eigh");
    const a = arr(x, 0);
    const s = o.symmetrizeInput === false ? (o.lower === false ? x.prim("add", [tri(x, a, 0, true), mT(x, tri(x, a, 1, true))], "arr") : x.prim("add", [tri(x, a, 0, false), mT(x, tri(x, a, -1, false))], "arr")) : sym(x, a);
    return tup(x.prim("eighV", [s], "arr"), x.prim("eighW", [s], "arr"));
  },
  "lax.svd": (x) => svdLowering(x, "lax.linalg.svd"),
  "lax.lu": (x) => {
    const a = arr(x, 0);
    // (the differentiable result emitted last: the API table reads a function's last primitive)
    const [piv, perm] = [x.prim("luPivots", [a], "arr"), x.prim("luPermutation", [a], "arr")];
    return tup(x.prim("luFactors", [a], "arr"), piv, perm);
  },
  "lax.triangularSolve": (x) => leaf(x.prim("triSolve", [arr(x, 0), arr(x, 1), lit(optsOf(x, 2, "lax.linalg.triangularSolve"))], "arr")),
};
