// The AD pipeline: each transform a call site asks for, as its stages (dead code out, the
// transform, the simplifier), each stage checked by the IR verifier when the suite asks for it
// (verify.ts): a gradient must have its parameter's dtype and shape, a tangent its primal's.

import type { Fn, Tree, Value, Var } from "./ir.js";
import { leaves } from "./ir.js";
import { vjpFn, type VjpOptions } from "./ad/reverse.js";
import { jvpFn } from "./ad/forward.js";
import { jacobianFn, type JacMode } from "./ad/jacobian.js";
import { dce, simplify } from "./simplify.js";
import { verifyFn, verifying, VerifyError, type Pair } from "./verify.js";
import type { Aval } from "./avals.js";

export function checked(
  fn: Fn,
  stage: string,
  same: (f: Fn) => Pair[] = () => [],
  alias: (f: Fn) => (readonly [Var, Var])[] = () => [],
  given: (f: Fn) => ReadonlyMap<number, Aval> = () => new Map(),
): Fn {
  if (verifying()) verifyFn(fn, stage, same(fn), alias(fn), given(fn));
  return fn;
}

/** Reverse mode: each gradient (cotangent) has its parameter's dtype and shape. */
export function reverse(fn: Fn, opt: VjpOptions): Fn {
  const pairs = (g: Fn): Pair[] => {
    const nOwn = fn.params.length - (fn.captured?.length ?? 0);
    const kid = (t: Tree<Value>, i: number) => (t.kind === "tup" ? t.kids[i] : t);
    const grads = opt.cotangent ? g.result : opt.withValue ? kid(g.result, 1) : opt.hasAux ? kid(g.result, 0) : g.result;
    const nums = opt.cotangent ? [...Array(nOwn).keys()] : typeof opt.argnums === "number" ? [opt.argnums] : opt.argnums;
    const ps = nums.flatMap((i) => leaves(fn.params[i].tree));
    const gs = leaves(grads);
    if (gs.length !== ps.length) throw new VerifyError(`IR verifier (${g.name}): ${gs.length} gradient leaves for ${ps.length} parameter leaves`);
    return gs.map((x, i) => [x, ps[i], "a gradient and its parameter"] as const);
  };
  // a cotangent parameter (vjp, jacrev) has the shape of the output it belongs to: the avals of
  // the primal's result leaves, which share the primal parameters' shape symbols
  const primal = checked(dce(fn), "dce");
  const given = (g: Fn): ReadonlyMap<number, Aval> => {
    const ct = opt.cotangent ? g.params.find((p) => p.name === "ct") : undefined;
    if (!ct) return new Map();
    const avals = verifyFn(primal, "dce");
    const outs = leaves(primal.result), cts = leaves(ct.tree);
    const m = new Map<number, Aval>();
    cts.forEach((c, i) => {
      const o = outs[i];
      const a = o?.tag === "var" ? avals.get(o.id) : undefined;
      if (a && c.ty === o.ty) m.set(c.id, a);
    });
    return m;
  };
  return checked(simplify(checked(vjpFn(primal, opt), opt.api, pairs, undefined, given)), `${opt.api}, simplify`, pairs, undefined, given);
}

/** Forward mode: each output tangent has its output's dtype and shape. */
export function forward(fn: Fn): Fn {
  const pairs = (j: Fn): Pair[] => {
    if (j.result.kind !== "tup") throw new VerifyError(`IR verifier (${j.name}): forward mode returned no pair`);
    const [out, tan] = j.result.kids.map((k) => leaves(k));
    return out.map((x, i) => [tan[i], x, "a tangent and its primal"] as const);
  };
  // a tangent parameter has its primal's shape
  const nOwn = fn.params.length - (fn.captured?.length ?? 0);
  const alias = (j: Fn) => j.params.slice(0, nOwn).flatMap((p, i) => {
    const ts = leaves(j.params[nOwn + i].tree);
    return leaves(p.tree).map((x, k) => [ts[k], x] as const);
  });
  return checked(simplify(checked(jvpFn(checked(dce(fn), "dce")), "jvp", pairs, alias)), "jvp, simplify", pairs, alias);
}

/** A Jacobian nested in another transform (ad/jacobian.ts). */
export function jacobian(fn: Fn, mode: JacMode, argnums: number | readonly number[], api: string): Fn {
  return checked(simplify(checked(jacobianFn(fn, mode, argnums, api, { forward, reverse }), api)), `${api}, simplify`);
}
