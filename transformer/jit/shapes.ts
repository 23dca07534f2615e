// Shape-only reads, resolved at build time before fusion (jit only). Reverse mode reads some
// forward values only for their shape: the seed checks that the output is a float scalar, and
// the cotangent of a whole-array sum is spread over its operand's shape (`unreduce(g, ref)`).
// Left as they are, those reads keep the forward value alive, so `jit(grad(f))` computes f's
// output (and its last kernel) only to learn a shape. XLA's dead-code elimination drops them;
// here the avals (avals.ts) say when:
// - `seed(y)` is the constant 1 when y is a rank-0 Array by its aval and certainly float32 by
//   the primitives that made it (below), which are exactly the seed's run-time checks;
// - the shape operand of `unreduce` and `reduceCount` is replaced by a parameter with the same
//   aval shape (equal canonical shapes are equal at run time);
// - `unbroadcast(g, p)` for a product p = matmul(a, b) (or dot) reads p's shape from a and b
//   (`unbroadcastProduct`), so p can become the prologue of the kernel that reads it.
// Then dead code goes: the forward output no longer computed when nothing else reads it.

import type { Fn, PrimStmt, Stmt, Value, Var } from "../ir.js";
import { leaves, lit } from "../ir.js";
import { dce } from "../simplify.js";
import { avalsOf } from "../verify.js";
import { shapeKey } from "../avals.js";

/** Results float32 whatever the operands (runtime dtypes are float32, int32, uint32, bool). */
const FLOAT_OUT = new Set([
  "div", "exp", "log", "log1p", "expm1", "tanh", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
  "sinh", "cosh", "sqrt", "arctan2", "hypot", "mean", "logsumexp", "var",
]);
/** Float32 when an Array operand is (JAX's promotion: float32 with any integer or weak type). */
const FLOAT_IF_OPERAND = new Set([
  "add", "sub", "mul", "maximum", "minimum", "fma", "neg", "square", "abs", "sum", "max", "min",
  "prod", "mod", "floor", "ceil", "round", "trunc", "sign", "where", "unreduce", "matmul", "dot",
]);

/** Shape-only operands: primitive → operand index. */
const SHAPE_OPERAND: Readonly<Record<string, number>> = { unreduce: 1, reduceCount: 0 };

/** The variables certainly float32 Arrays: by the primitive, or a parameter checked by checkGradInput. */
function floats(fn: Fn): Set<number> {
  const f = new Set<number>();
  const isF = (v: Value) => v.tag === "var" && f.has(v.id);
  // (the checked parameters first: checkGradInput comes after the forward pass that reads them)
  for (const s of fn.body) if (s.kind === undefined && s.prim === "checkGradInput" && s.args[0].tag === "var") f.add(s.args[0].id);
  for (const s of fn.body) {
    if (s.kind !== undefined || s.out.ty !== "arr") continue;
    if (FLOAT_OUT.has(s.prim) || (FLOAT_IF_OPERAND.has(s.prim) && s.args.some(isF))) f.add(s.out.id);
  }
  return f;
}

export function resolveShapes(fn: Fn): Fn {
  const avals = avalsOf(fn);
  if (!avals) return fn;
  const params = fn.params.flatMap((p) => leaves(p.tree)).filter((v) => v.ty === "arr");
  const byShape = new Map<string, Var>();
  for (const p of params) {
    const a = avals.get(p.id);
    if (a && !byShape.has(shapeKey(a.shape))) byShape.set(shapeKey(a.shape), p);
  }
  const isFloat = floats(fn);
  const products = new Map<number, PrimStmt>();
  for (const s of fn.body) if (s.kind === undefined && (s.prim === "matmul" || s.prim === "dot")) products.set(s.out.id, s);
  let changed = false;
  const rewrite = (s: Stmt): Stmt => {
    if (s.kind !== undefined) return s;
    // unbroadcast to a product's shape: from the product's operands (the product itself may then
    // be computed inside the kernel that reads it, fuse.ts)
    const mm = s.prim === "unbroadcast" && s.args[1].tag === "var" ? products.get(s.args[1].id) : undefined;
    if (mm) {
      changed = true;
      return { out: s.out, prim: "unbroadcastProduct", args: [s.args[0], mm.args[0], mm.args[1], lit(mm.prim)], src: s.src } satisfies PrimStmt;
    }
    if (s.prim === "seed" && s.args[0].tag === "var" && s.args[0].ty === "arr") {
      const a = avals.get(s.args[0].id);
      if (a && Array.isArray(a.shape) && a.shape.length === 0 && isFloat.has(s.args[0].id)) {
        changed = true;
        return { out: s.out, prim: "ones", args: [lit([]), lit({ dtype: "float32" })], src: s.src } satisfies PrimStmt;
      }
    }
    const k = SHAPE_OPERAND[s.prim];
    const ref = k === undefined ? undefined : s.args[k];
    if (ref?.tag === "var" && !params.some((p) => p.id === ref.id)) {
      const a = avals.get(ref.id);
      const key = a && shapeKey(a.shape);
      const w = key !== undefined && !key.includes("?") ? byShape.get(key) : undefined;
      if (w) {
        changed = true;
        return { ...s, args: s.args.map((v, i) => (i === k ? w : v)) };
      }
    }
    return s;
  };
  const body = fn.body.map(rewrite);
  return changed ? dce({ ...fn, body }) : fn;
}
