// Jacobians as IR, for jacfwd / jacrev / hessian nested in another transform (jacfwd(jacrev(f)),
// a hessian inside a loss, grad of a function that calls jacfwd). At the top level the run time
// assembles them (runtime/jacobian.ts); nested, the passes must be IR too so that the outer
// transform differentiates through them. One pass per basis element: a number input (or output)
// is one inlined pass, an Array a loop over its elements whose results go into a local list,
// stacked into JAX's layout (out.shape + in.shape) by jacStack.

import type { Fn, LocalFn, Stmt, Tree, Value } from "../ir.js";
import { Builder, freshVar, leaves, lit, mapTree, num, tup } from "../ir.js";
import { primTy } from "../prims/index.js";
import { replaced, inlineBody } from "../subst.js";
import { TransformError, type VjpOptions } from "./adjoint.js";

export type JacMode = "fwd" | "rev";

/** Emits a Jacobian's passes: inlined copies of a derived function, loops over basis elements. */
class JacBuilder {
  readonly b = new Builder(primTy);
  readonly locals: LocalFn[] = [];

  /** `g` applied to `args` (one per parameter, captured ones included): its body copied in. */
  inline(g: Fn, args: readonly Tree<Value>[]): Tree<Value> {
    const m = new Map<number, Value>();
    g.params.forEach((p, i) => {
      const pl = leaves(p.tree), al = leaves(args[i]);
      pl.forEach((v, j) => m.set(v.id, al[j]));
    });
    // its local functions are copied with it (their bodies may read its parameters)
    const copy = inlineBody(g, m);
    this.b.body.push(...copy.body);
    this.locals.push(...copy.locals);
    return mapTree(g.result, (v) => replaced(v, m));
  }

  /**
   * A loop over the elements of `over` (a number: one pass, no loop): `pass(basis)` emits one pass
   * and returns the values to collect; each is collected in a list, stacked by `stack`.
   */
  perElement(over: Value, pass: (basis: Value) => readonly Value[], count: number): Value[][] | { lists: Value[] } {
    if (over.ty === "num") return [pass(num(1)) as Value[]];
    const b = this.b;
    const n = b.apply("jacSize", [over], "n", "num");
    const q = freshVar("q", "num");
    const ls = Array.from({ length: count }, () => freshVar("rows", "list"));
    const init = [num(0), ...ls.map(() => b.apply("listNew", [], "rows", "list"))];
    const cond = b.block(() => [b.apply("less", [q, n], "more", "other")]);
    const body = b.block(() => {
      const vals = pass(b.apply("jacBasis", [over, q], "e", "arr"));
      return [b.apply("add", [q, num(1)], "q", "num"), ...vals.map((v, k) => b.apply("listSetAt", [ls[k], q, v], "rows", "list"))];
    });
    const outs = [freshVar("q", "num"), ...ls.map(() => freshVar("rows", "list"))];
    b.body.push({ kind: "while", params: [q, ...ls], init, cond, body, outs });
    return { lists: outs.slice(1) };
  }
}

/** Zeros shaped like each leaf of a tree (null for the leaves with no derivative). */
function zerosTree(b: Builder, t: Tree<Value>): Tree<Value> {
  return mapTree(t, (v) => (v.ty === "num" ? num(0) : v.ty === "arr" ? b.apply("zerosLike", [v], "z", "arr") : lit(null)));
}

/** A tree like `t` with leaf `i` replaced by `by`. */
function withLeaf(t: Tree<Value>, i: number, by: Value): Tree<Value> {
  let k = 0;
  return mapTree(t, (v) => (k++ === i ? by : v));
}

/** The differentiated arguments: one tree (argnums a number) or a tuple of them. */
const pick = <T>(ts: readonly Tree<T>[], argnums: number | readonly number[]): Tree<T> =>
  typeof argnums === "number" ? ts[argnums] : tup(argnums.map((i) => ts[i]));

/**
 * The Jacobian of `fn` with respect to the parameters `argnums`, as a function of fn's parameters
 * (its captured ones included): for each output leaf a tree like the differentiated parameters,
 * whose leaves are blocks of shape out.shape + in.shape (null where either has no derivative).
 */
/** The derivative passes, as the pipeline builds them (checked and simplified). */
export interface Passes {
  forward(fn: Fn): Fn;
  reverse(fn: Fn, opt: VjpOptions): Fn;
}

export function jacobianFn(fn: Fn, mode: JacMode, argnums: number | readonly number[], api: string, passes: Passes): Fn {
  const nOwn = fn.params.length - (fn.captured?.length ?? 0);
  const own = fn.params.slice(0, nOwn).map((p) => p.tree as Tree<Value>);
  const captured = fn.params.slice(nOwn).map((p) => p.tree as Tree<Value>);
  for (const i of typeof argnums === "number" ? [argnums] : argnums)
    for (const v of leaves(own[i]))
      if (v.ty === "list")
        throw new TransformError(`${api} inside another transform: parameter '${fn.params[i].name}' holds a local array (number[] or Array[]); pass a tuple or an Array instead`);
  const jb = new JacBuilder();
  const b = jb.b;
  const out = jb.inline(fn, [...own, ...captured]); // the primal output: its structure and shapes
  const outs = leaves(out);
  const wrt = pick(own, argnums);
  const ins = leaves(wrt);
  const diff = (v: Value) => v.ty === "num" || v.ty === "arr";
  // blocks[o][i]: the block of output leaf o and input leaf i
  const blocks: Value[][] = outs.map(() => ins.map(() => lit(null) as Value));

  if (mode === "fwd") {
    const J = passes.forward(fn);
    const zeros = own.map((t) => zerosTree(b, t));
    ins.forEach((x, i) => {
      if (!diff(x)) return;
      const pass = (e: Value): Value[] => {
        const tans = zeros.slice();
        // the basis sits in leaf i of the differentiated parameters
        let k = i;
        const nums = typeof argnums === "number" ? [argnums] : argnums;
        for (const a of nums) {
          const n = leaves(own[a]).length;
          if (k < n) {
            tans[a] = withLeaf(zeros[a], k, e);
            break;
          }
          k -= n;
        }
        const r = jb.inline(J, [...own, ...tans, ...captured]);
        if (r.kind !== "tup") throw new TransformError(`internal: ${api}'s tangent pass returned no pair`);
        return leaves(r.kids[1]);
      };
      const res = jb.perElement(x, pass, outs.length);
      outs.forEach((o, oi) => {
        if (!diff(o)) return;
        if (Array.isArray(res)) blocks[oi][i] = asBlock(b, res[0][oi], o);
        else blocks[oi][i] = b.apply("jacStack", [res.lists[oi], o, x, lit("fwd")], "jac", "arr");
      });
    });
  } else {
    const all = own.map((_, i) => i);
    const V = passes.reverse(fn, { argnums: all, hasAux: false, withValue: false, api, cotangent: true });
    const ctZeros = zerosTree(b, out);
    outs.forEach((o, oi) => {
      if (!diff(o)) return;
      const pass = (e: Value): Value[] => {
        const r = jb.inline(V, [...own, withLeaf(ctZeros, oi, e), ...captured]);
        if (r.kind !== "tup") throw new TransformError(`internal: ${api}'s cotangent pass returned no tuple`);
        return leaves(pick(r.kids, argnums));
      };
      const res = jb.perElement(o, pass, ins.length);
      ins.forEach((x, i) => {
        if (!diff(x)) return;
        if (Array.isArray(res)) blocks[oi][i] = asBlock(b, res[0][i], x);
        else blocks[oi][i] = b.apply("jacStack", [res.lists[i], o, x, lit("rev")], "jac", "arr");
      });
    });
  }
  let oi = 0;
  const result = mapTree(out, () => {
    const row = blocks[oi++];
    let i = 0;
    return mapTree(wrt, () => row[i++]);
  });
  return {
    name: `${api}_${fn.name}`,
    params: fn.params,
    body: b.body as Stmt[],
    result: flattenNested(result),
    captured: fn.captured,
    locals: jb.locals.length ? jb.locals : undefined,
  };
}

/** A number block where the other side is an Array with no derivative: zeros of that Array's shape. */
function asBlock(b: Builder, v: Value, like: Value): Value {
  if (like.ty === "arr" && v.ty === "num") return v.tag === "const" && v.value === 0 ? b.apply("zerosLike", [like], "z", "arr") : b.apply("add", [b.apply("zerosLike", [like], "z", "arr"), v], "jac", "arr");
  return v;
}

/** A tree of trees as one tree. */
function flattenNested(t: Tree<Tree<Value>>): Tree<Value> {
  switch (t.kind) {
    case "leaf":
      return t.v;
    case "obj":
      return { kind: "obj", keys: t.keys, kids: t.kids.map(flattenNested) };
    case "tup":
      return { kind: "tup", kids: t.kids.map(flattenNested) };
    default:
      return t;
  }
}
