// Functions written once as formulas (runtime/nn/formulas.ts, runtime/numpy/composites.ts),
// lowered by running the formula with operations that emit IR primitives: the same expression
// the runtime evaluates, so no derivative, batching or kernel rule of its own is needed.

import type { Tree, Value } from "../ir.js";
import { leaf, lit, num } from "../ir.js";
import type { Formula, FormulaOps } from "../../runtime/nn/formulas.js";
import { isCastKind } from "../../runtime/dtype-cast.js";
import type { CallLowering } from "./lowering.js";
import type { LoweringCtx } from "../lower.js";

export function opsFor(x: LoweringCtx): FormulaOps<Value> {
  const p = (prim: string) => (...args: Value[]) => x.prim(prim, args);
  // (comparisons of Arrays are boolean Arrays)
  const cmp = (prim: string) => (...args: Value[]) => x.prim(prim, args, args.some((a) => a.ty === "arr") ? "arr" : undefined);
  const red = (prim: string) => (a: Value, axis: unknown, keepdims: boolean) => x.prim(prim, [a, lit(axis), lit({ keepdims })], "arr");
  return {
    c: (v) => num(v),
    add: p("add"),
    sub: p("sub"),
    mul: p("mul"),
    div: p("div"),
    neg: p("neg"),
    exp: p("exp"),
    log: p("log"),
    log1p: p("log1p"),
    expm1: p("expm1"),
    tanh: p("tanh"),
    abs: p("abs"),
    sqrt: p("sqrt"),
    maximum: p("maximum"),
    minimum: p("minimum"),
    greater: cmp("greater"),
    less: cmp("less"),
    where: p("where"),
    equal: cmp("equal"),
    notEqual: cmp("notEqual"),
    lessEqual: cmp("lessEqual"),
    logicalAnd: cmp("logicalAnd"),
    logicalOr: cmp("logicalOr"),
    logicalNot: cmp("logicalNot"),
    floor: p("floor"),
    fmod: p("mod"),
    sign: p("sign"),
    pow: p("pow"),
    sin: p("sin"),
    astype: (a, d, ref) => (isCastKind(d) ? x.prim("castAs", [a, ref ?? lit(null), lit(d)], "arr") : x.prim("astype", [a, lit(d)], "arr")),
    sum: red("sum"),
    max: red("max"),
    min: red("min"),
    matmul: p("matmul"),
    expandDims: (a, axis) => x.prim("expandDims", [a, num(axis)], "arr"),
    squeeze: (a, axis) => x.prim("squeeze", [a, num(axis)], "arr"),
    moveaxis: (a, from, to) => x.prim("transpose", [a, x.prim("axesPerm", [a, lit({ kind: "move", a: from, b: to })], "other")], "arr"),
    dim: (a, axis) => x.prim("reduceCount", [a, num(axis)], "num"),
    lowerMask: (a) => x.prim("triMask", [a, num(0), lit(false)], "arr"),
    logsumexp: red("logsumexp"),
    mean: red("mean"),
    var: red("var"),
    erfc: (a) => x.prim("erfc", [a.ty === "arr" ? a : x.prim("toArray", [a], "arr")], "arr"),
    svdvals: (a) => x.prim("svdS", [a], "arr"),
    count: (a, axis) => x.prim("toArray", [x.prim("reduceCount", [a, lit(axis)], "num")], "arr"),
    split2: (a, axis) => {
      const n = x.prim("reduceCount", [a, num(axis)], "num");
      const h = x.prim("div", [n, num(2)], "num");
      const idx = (from: Value, to: Value) => x.prim("arange", [from, to, num(1), lit({ dtype: "int32" })], "arr");
      return [x.prim("take", [a, idx(num(0), h), num(axis)], "arr"), x.prim("take", [a, idx(h, n), num(axis)], "arr")];
    },
  };
}

/** A formula applied to the call: the input as an Array, constant arguments as their values. */
export const formulaLowering =
  (f: Formula): CallLowering =>
  (x) => {
    let v = x.leaf(0);
    if (v.ty !== "arr") v = x.prim("toArray", [v], "arr");
    // (constants as their values; run-time values as IR values, inside option objects too)
    const plain = (t: Tree<Value> | undefined): unknown => {
      if (!t) return undefined;
      if (t.kind === "leaf") return t.v.tag === "const" ? t.v.value : t.v;
      if (t.kind === "none") return t.v;
      if (t.kind === "tup") return t.kids.map(plain);
      return Object.fromEntries(t.keys.map((k, i) => [k, plain(t.kids[i])]));
    };
    const args = Array.from({ length: x.nargs - 1 }, (_, i) => plain(x.tree(i + 1)));
    let out: Value;
    try {
      out = f(opsFor(x), v, ...args);
    } catch (e) {
      return x.fail((e as Error).message);
    }
    return leaf(out.ty === "arr" ? out : x.prim("toArray", [out], "arr"));
  };
