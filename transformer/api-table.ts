// The README's API table, generated from the registry: for each public jnp / jnp.linalg / nn
// function, the primitives its lowering emits and from them whether it is differentiable (both
// modes, reverse only, or no derivative), batched by vmap, and fused by jit. `npm run api-table`
// rewrites the README between its markers; test/integration/api-table.test.ts keeps it current.

import type { Tree, Ty, Value, Var } from "./ir.js";
import { freshVar, leaf, lit } from "./ir.js";
import { JNP } from "./rules/lowering.js";
import { PRIMS } from "./prims/index.js";
import { BATCH } from "./prims/batching.js";
import type { BatchCx } from "./prims/batching.js";
import type { Ops } from "./prims/def.js";
import { FUSABLE } from "./jit/fuse.js";

/** A probe call's statements, and which variables stand for the Array arguments. */
interface Probe {
  stmts: { prim: string; args: readonly Value[]; out: Var }[];
  inputs: Set<number>;
}

/** The statements a lowering rule emits, from a probe call (null: it needs arguments a probe cannot guess). */
function primsOf(name: string): Probe | null {
  // (a first argument that is an Array, a list of Arrays, or a ComplexPair { real, imag })
  for (const first of ["arr", "list", "pair"] as const)
    for (let nargs = 1; nargs <= 3; nargs++) {
      const seen = probe(name, nargs, first);
      if (seen) return seen;
    }
  return null;
}
/** An argument a probe passes on purpose: an Array, a constant, a jnp function passed by name, or a list. */
type ProbeArg = "arr" | "num" | { const: unknown } | { fn: string } | { list: readonly ProbeArg[] };
/**
 * Functions the generic probe cannot call (a function argument, a dtype written literally): the
 * calls to make, one per form the transformer compiles, and what the row says of those forms.
 */
const PROBES: Readonly<Record<string, { note?: string; calls: readonly (readonly ProbeArg[])[] }>> = {
  "lax.reduceWindow": { note: "(computation `jnp.max`, `jnp.min`, `jnp.sum` or `jnp.mean`; other functions run eagerly)", calls: ["max", "min", "sum", "mean"].map((fn) => ["arr", { fn }, { const: [2, 2] }]) },
  "lax.bitcastConvertType": { calls: [["arr", { const: "int32" }]] },
  // (counts, widths, axes and subscripts written literally)
  ...Object.fromEntries(["split", "arraySplit", "hsplit", "vsplit", "dsplit", "pad", "tile", "repeat", "matrixPower", "oneHot"].map((n) => [n, { calls: [["arr", { const: 2 }]] }])),
  ...Object.fromEntries(["moveaxis", "swapaxes"].map((n) => [n, { calls: [["arr", { const: 0 }, { const: 1 }]] }])),
  einsum: { calls: [[{ const: "ij,jk->ik" }, "arr", "arr"]] },
  polygamma: { calls: [[{ const: 1 }, "arr"]] },
  // (differentiable in the fill value, a traced number)
  fullLike: { calls: [["arr", "num"]] },
  select: { calls: [[{ list: ["arr", "arr"] }, { list: ["arr", "arr"] }]] },
};
function probe(name: string, nargs: number, first: "arr" | "list" | "pair", given?: readonly ProbeArg[]): Probe | null {
  const rule = JNP[name];
  const seen: Probe = { stmts: [], inputs: new Set() };
  const input = (n: string, ty: "arr" | "num" = "arr") => {
    const v = freshVar(n, ty);
    seen.inputs.add(v.id);
    return v;
  };
  /** The generic probe's arguments: two Arrays, then 1s. */
  const generic = (i: number): Value => (i === 0 ? input("x") : i === 1 ? input("y") : lit(1));
  const probeValue = (a: Exclude<ProbeArg, { list: unknown }>): Value => (a === "arr" ? input("x") : a === "num" ? input("v", "num") : "const" in a ? lit(a.const) : { tag: "ext", name: "jnp", path: [a.fn], ty: "other" });
  const probeTree = (a: ProbeArg): Tree<Value> => (typeof a === "object" && "list" in a ? { kind: "tup", kids: a.list.map(probeTree) } : leaf(probeValue(a)));
  const args = given?.map(probeTree);
  try {
    rule(
      {
        prim: (p: string, pargs: Value[], ty?: Ty) => {
          // (an argument the probe did not pass, taken as data: too few arguments, try more)
          if (p === "array" && pargs[0]?.tag === "const" && pargs[0].value === undefined) throw new Error("missing argument");
          const out = freshVar("t", ty ?? "arr");
          seen.stmts.push({ prim: p, args: pargs, out });
          return out;
        },
        leaf: (i: number) => {
          if (!args) return generic(i);
          const t = args[i];
          return t === undefined ? lit(undefined) : t.kind === "leaf" ? t.v : (() => { throw new Error("a list where a value goes"); })();
        },
        // (rules that read their arguments as trees, as the formulas do, see what leaf gives)
        tree: (i: number): Tree<Value> | undefined =>
          args
            ? args[i]
            : first === "arr"
              ? i < nargs
                ? leaf(generic(i))
                : undefined
              : i === 0
                ? first === "pair"
                  ? { kind: "obj", keys: ["imag", "real"], kids: [leaf(input("b")), leaf(input("a"))] }
                  : { kind: "tup", kids: [leaf(input("a")), leaf(input("b"))] }
                : undefined,
        nargs: args ? args.length : nargs,
        fail: (msg: string) => {
          throw new Error(msg);
        },
      },
      "arr",
    );
  } catch {
    return null;
  }
  return seen;
}

/**
 * Whether vmap batches the probe's statements with its Array arguments mapped: every statement
 * with a mapped operand needs a batching rule. A rule whose result every example shares (`same`:
 * a count, a shape; found by running it on placeholder operations) leaves its result unmapped, so
 * what is computed from it alone, such as an arange of an axis length, needs none. (A rule that
 * throws on the probe's placeholder arguments, an Array where an axis goes, counts as batching.)
 */
function batches(p: Probe): boolean {
  const mapped = new Set(p.inputs);
  const o: Ops = new Proxy({} as Ops, { get: () => () => freshVar("b", "arr") });
  const cx: BatchCx = { o, size: freshVar("n", "num"), rank: () => undefined, fail: (msg: string) => { throw new Error(msg); } };
  for (const s of p.stmts) {
    const bd = s.args.map((a) => a?.tag === "var" && mapped.has(a.id));
    if (!bd.some(Boolean)) continue;
    const e = BATCH[s.prim];
    if (!e || !("rule" in e)) return false;
    let shared = false;
    try {
      const r = e.rule(cx, s.args, bd, s.prim);
      shared = typeof r === "object" && r !== null && "same" in r;
    } catch {
      // (see above)
    }
    if (!shared) mapped.add(s.out.id);
  }
  return true;
}

/** Primitives that only compute masks, shapes or options (their zero derivative is by design). */
const cols = (probe: Probe) => {
  const prims = probe.stmts.map((s) => s.prim);
  // (no primitive at all: the function returns its input, nn.identity)
  if (prims.length === 0) return { diff: "yes", batch: "yes", fused: "yes" };
  // (the statements the derivative goes through: a differentiable primitive of a value that depends
  // on an argument; a result reached by none is constant: a comparison's, an index's, a mask's)
  const active = new Set(probe.inputs);
  const real = probe.stmts.filter((s) => {
    const d = PRIMS[s.prim];
    const on = !d.nondiff && d.ty !== "other" && s.args.some((a) => a?.tag === "var" && active.has(a.id));
    if (on) active.add(s.out.id);
    return on;
  }).map((s) => PRIMS[s.prim]);
  const constant = !active.has(probe.stmts[probe.stmts.length - 1].out.id);
  const diff = constant ? "no (constant)" : real.some((d) => !d.vjp && !d.adjoint) ? "no" : real.some((d) => !d.jvp) ? "reverse" : "yes";
  const batch = batches(probe) ? "yes" : "no";
  const fused = prims.length > 0 && prims.every((p) => FUSABLE.has(p) || PRIMS[p].ty === "other" || PRIMS[p].nondiff) && prims.some((p) => FUSABLE.has(p)) ? "fused" : "yes";
  return { diff, batch, fused };
};

/**
 * The table, one row per function of each namespace (names as the runtime exports them; `declared`
 * maps "ns.name" to the name the transformer lowers it by, where the two differ: nn.identity is
 * declared as nnIdentity).
 */
export function apiTable(namespaces: Record<string, readonly string[]>, declared: Readonly<Record<string, string>> = {}): string {
  const rows: string[] = ["| function | differentiable | vmap of batched inputs | jit |", "|---|---|---|---|"];
  for (const [ns, names] of Object.entries(namespaces))
    for (const name of [...names].sort()) {
      const lowered = declared[`${ns}.${name}`] ?? name;
      if (!JNP[lowered]) continue;
      const given = PROBES[lowered];
      const found = given ? given.calls.map((args) => probe(lowered, args.length, "arr", args)) : [primsOf(lowered)];
      if (found.some((p) => !p)) {
        if (given) throw new Error(`api-table: the probe of ${lowered} (PROBES) failed: its lowering changed`);
        continue;
      }
      // (every form a function compiles must agree: the row speaks for all of them)
      const [c, ...others] = found.map((p) => cols(p!));
      if (others.some((o) => JSON.stringify(o) !== JSON.stringify(c))) throw new Error(`api-table: the forms of ${lowered} in PROBES differ; give them rows of their own`);
      rows.push(`| \`${ns}.${name}\`${given?.note ? ` ${given.note}` : ""} | ${c.diff} | ${c.batch} | ${c.fused} |`);
    }
  return rows.join("\n");
}
