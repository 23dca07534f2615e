// How `nn.*` (jax.nn's activations) lowers: each function's formula (runtime/nn/formulas.ts, the
// one definition the runtime also runs) expanded into IR primitives, so an activation needs no
// derivative, batching or kernel rule of its own: its primitives have them.

import type { Value } from "../ir.js";
import { leaf, lit, num } from "../ir.js";
import { FORMULAS, type FormulaOps } from "../../runtime/nn/formulas.js";
import type { CallLowering } from "./lowering.js";
import type { LoweringCtx } from "../lower.js";

function opsFor(x: LoweringCtx): FormulaOps<Value> {
  const p = (prim: string) => (...args: Value[]) => x.prim(prim, args);
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
    greater: p("greater"),
    less: p("less"),
    where: p("where"),
    logsumexp: red("logsumexp"),
    mean: red("mean"),
    var: red("var"),
  };
}

/** A formula applied to the call: the input as an Array, constant arguments as their values. */
const formula =
  (name: string): CallLowering =>
  (x) => {
    let v = x.leaf(0);
    if (v.ty !== "arr") v = x.prim("toArray", [v], "arr");
    const args = Array.from({ length: x.nargs - 1 }, (_, i) => {
      const a = x.leaf(i + 1);
      return a.tag === "const" ? a.value : a;
    });
    try {
      return leaf(FORMULAS[name](opsFor(x), v, ...args));
    } catch (e) {
      return x.fail((e as Error).message);
    }
  };

/** oneHot(x, n): x[..., None] == arange(n), float32 (no derivative). */
const oneHot: CallLowering = (x) => {
  const n = x.leaf(1);
  if (n.tag !== "const" || typeof n.value !== "number") x.fail("nn.oneHot: numClasses must be a number known at build time");
  const eq = x.prim("equal", [x.prim("expandDims", [x.leaf(0), num(-1)], "arr"), x.prim("arange", [n], "arr")], "arr");
  return leaf(x.prim("astype", [eq, lit("float32")], "arr"));
};

export const NN: Readonly<Record<string, CallLowering>> = {
  ...Object.fromEntries(Object.keys(FORMULAS).map((name) => [name, formula(name)])),
  oneHot,
};
