// Reverse mode on the IR: the forward sweep is the primal program, the adjoint sweep walks it
// backwards applying rules/vjp.ts. Straight-line code needs no tape: every primal value is a
// named variable the adjoint sweep reads directly. Only active statements (those that depend
// on a differentiated input) get adjoints; cotangents are symbolic zeros until first written.

import type { Fn, Param, Stmt, Tree, Value, Var } from "../ir.js";
import { Builder, leaf, leaves, lit, mapTree, tup } from "../ir.js";
import { PRIMS, primTy } from "../prims.js";
import { VJP, type Ops } from "../rules/vjp.js";

export interface VjpOptions {
  /** Which parameters to differentiate; a number gives a bare gradient, an array a tuple. */
  argnums: number | readonly number[];
  hasAux: boolean;
  /** valueAndGrad: return [value, grad]. */
  withValue: boolean;
  /** The user-facing name for messages ("grad", "valueAndGrad"). */
  api: string;
}

/** A primitive has no derivative rule: the lowering reports it as a diagnostic at its source. */
export class NoRuleError extends Error {
  constructor(
    readonly prim: string,
    readonly stmt: Stmt,
  ) {
    super(`no derivative rule for primitive '${prim}'`);
  }
}

export function opsFor(b: Builder): Ops {
  return new Proxy({} as Ops, {
    get: (_, prim: string) => (...args: Value[]) => b.apply(prim, args),
  });
}

/** Give the statement that just made `v` a readable name (the cotangent of `name`). */
function named(b: Builder, v: Value, name: string): Value {
  const last = b.body[b.body.length - 1];
  if (v.tag !== "var" || !last || last.out.id !== v.id || /^g_/.test(v.name) && v.name !== "g") return v;
  const out: Var = { ...v, name };
  b.body[b.body.length - 1] = { ...last, out };
  return out;
}

export function vjpFn(fn: Fn, opt: VjpOptions): Fn {
  const nums = typeof opt.argnums === "number" ? [opt.argnums] : [...opt.argnums];
  for (const i of nums)
    if (!Number.isInteger(i) || i < 0 || i >= fn.params.length)
      throw new RangeError(`${opt.api}: argnums ${i} is out of range for '${fn.name}' with ${fn.params.length} parameter(s)`);

  // Output and aux
  let out: Value;
  let aux: Tree<Value> | null = null;
  if (opt.hasAux) {
    if (fn.result.kind !== "tup" || fn.result.kids.length !== 2)
      throw new TypeError(`${opt.api}: hasAux requires '${fn.name}' to return a pair [output, aux]`);
    aux = fn.result.kids[1];
    const o = fn.result.kids[0];
    if (o.kind !== "leaf") throw new TypeError(`${opt.api}: the output of '${fn.name}' must be a scalar, not a structure`);
    out = o.v;
  } else {
    if (fn.result.kind !== "leaf") throw new TypeError(`${opt.api}: the output of '${fn.name}' must be a scalar, not a structure`);
    out = fn.result.v;
  }

  // Activity: forward dependence on the differentiated leaves.
  const active = new Set<number>();
  const wrt: Var[] = [];
  for (const i of nums) for (const v of leaves(fn.params[i].tree)) if (v.ty !== "other") (active.add(v.id), wrt.push(v));
  const activeStmts: Stmt[] = [];
  for (const s of fn.body) {
    if (PRIMS[s.prim].nondiff) continue;
    if (s.args.some((a) => a.tag === "var" && active.has(a.id))) {
      active.add(s.out.id);
      activeStmts.push(s);
    }
  }

  const b = new Builder(primTy);
  b.body.push(...fn.body);
  const o = opsFor(b);
  // Input checks (JAX refuses integer and boolean inputs at differentiated positions).
  for (const v of wrt) if (v.ty === "arr") b.apply("checkGradInput", [v, lit(opt.api)], "chk");

  // The seed also checks that the output is a float scalar.
  const ct = new Map<number, Value>();
  const seed = b.apply("seed", [out, lit(opt.api)], "g");
  if (out.tag === "var" && active.has(out.id)) ct.set(out.id, seed);

  for (let k = activeStmts.length - 1; k >= 0; k--) {
    const s = activeStmts[k];
    const g = ct.get(s.out.id);
    if (!g) continue;
    const rule = VJP[s.prim];
    if (!rule) throw new NoRuleError(s.prim, s);
    b.src = s.src;
    const cts = rule(o, g, s.out, s.args);
    s.args.forEach((a, i) => {
      const c = cts[i];
      if (!c || a.tag !== "var" || !active.has(a.id)) return;
      // A number operand gets a number cotangent even when it met Arrays on the way.
      const cc = a.ty === "num" && c.ty === "arr" ? o.unbroadcast(c, a) : c;
      const prev = ct.get(a.id);
      ct.set(a.id, named(b, prev ? o.add(prev, cc) : cc, `g_${a.name}`));
    });
  }
  b.src = undefined;

  const gradOf = (p: Param): Tree<Value> =>
    mapTree<Var, Value>(p.tree, (v) => ct.get(v.id) ?? (v.ty === "other" ? lit(null) : b.apply("zerosLike", [v], "zero")));
  const grads = typeof opt.argnums === "number" ? gradOf(fn.params[opt.argnums]) : tup(nums.map((i) => gradOf(fn.params[i])));
  const value: Tree<Value> = aux ? tup([leaf(out), aux]) : leaf(out);
  let result: Tree<Value>;
  if (opt.withValue) result = tup([value, grads]);
  else result = aux ? tup([grads, aux]) : grads;

  const prefix = opt.withValue ? "valueAndGrad" : "grad";
  return { name: `${prefix}_${fn.name}`, params: fn.params, body: b.body, result };
}
