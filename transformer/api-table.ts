// The README's API table, generated from the registry: for each public jnp / jnp.linalg / nn
// function, the primitives its lowering emits and from them whether it is differentiable (both
// modes, reverse only, or no derivative), batched by vmap, and fused by jit. `npm run api-table`
// rewrites the README between its markers; test/integration/api-table.test.ts keeps it current.

import type { Tree, Ty, Value } from "./ir.js";
import { freshVar, leaf, lit } from "./ir.js";
import { JNP } from "./rules/lowering.js";
import { PRIMS } from "./prims/index.js";
import { BATCH } from "./prims/batching.js";
import { FUSABLE } from "./jit/fuse.js";

/** The primitives a lowering rule emits, from a probe call (null: it needs arguments a probe cannot guess). */
function primsOf(name: string): string[] | null {
  // (a first argument that is a list of Arrays, or a ComplexPair { real, imag })
  for (const pair of [false, true])
    for (let nargs = 1; nargs <= 3; nargs++) {
      const seen = probe(name, nargs, pair);
      if (seen) return seen;
    }
  return null;
}
/** An argument a probe passes on purpose: an Array, a constant, or a jnp function passed by name. */
type ProbeArg = "arr" | { const: unknown } | { fn: string };
/**
 * Functions the generic probe cannot call (a function argument, a dtype written literally): the
 * calls to make, one per form the transformer compiles, and what the row says of those forms.
 */
const PROBES: Readonly<Record<string, { note?: string; calls: readonly (readonly ProbeArg[])[] }>> = {
  "lax.reduceWindow": { note: "(computation `jnp.max`, `jnp.min`, `jnp.sum` or `jnp.mean`; other functions run eagerly)", calls: ["max", "min", "sum", "mean"].map((fn) => ["arr", { fn }, { const: [2, 2] }]) },
  "lax.bitcastConvertType": { calls: [["arr", { const: "int32" }]] },
};
const probeValue = (a: ProbeArg): Value => (a === "arr" ? freshVar("x", "arr") : "const" in a ? lit(a.const) : { tag: "ext", name: "jnp", path: [a.fn], ty: "other" });

function probe(name: string, nargs: number, pair = false, given?: readonly ProbeArg[]): string[] | null {
  const rule = JNP[name];
  const seen: string[] = [];
  const args = given?.map(probeValue);
  try {
    rule(
      {
        prim: (p: string, _args: Value[], ty?: Ty) => {
          seen.push(p);
          return freshVar("t", ty ?? "arr");
        },
        leaf: (i: number) => (args ? (args[i] ?? lit(undefined)) : i === 0 ? freshVar("x", "arr") : i === 1 ? freshVar("y", "arr") : lit(1)),
        tree: (i: number): Tree<Value> | undefined =>
          args
            ? args[i] && leaf(args[i])
            : i === 0
              ? pair
                ? { kind: "obj", keys: ["imag", "real"], kids: [leaf(freshVar("b", "arr")), leaf(freshVar("a", "arr"))] }
                : { kind: "tup", kids: [leaf(freshVar("a", "arr")), leaf(freshVar("b", "arr"))] }
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

/** Primitives that only compute masks, shapes or options (their zero derivative is by design). */
const cols = (prims: string[]) => {
  // (no primitive at all: the function returns its input, nn.identity)
  if (prims.length === 0) return { diff: "yes", batch: "yes", fused: "yes" };
  const defs = prims.map((p) => PRIMS[p]);
  const real = defs.filter((d) => !d.nondiff && d.ty !== "other");
  // (a result made by a comparison or a nondifferentiable primitive is constant: bool, int, masks)
  const last = defs[defs.length - 1];
  const constant = real.length === 0 || !last || last.nondiff || last.ty === "other" || (prims[prims.length - 1] === "astype" && prims.slice(0, -1).every((p) => PRIMS[p].nondiff || PRIMS[p].ty === "other"));
  const diff = constant ? "no (constant)" : real.some((d) => !d.vjp && !d.adjoint) ? "no" : real.some((d) => !d.jvp) ? "reverse" : "yes";
  const batch = prims.every((p) => BATCH[p] && "rule" in BATCH[p]) ? "yes" : "no";
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
      const found = given ? given.calls.map((args) => probe(lowered, args.length, false, args)) : [primsOf(lowered)];
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
