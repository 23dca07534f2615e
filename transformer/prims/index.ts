// The primitive registry: every family's definitions in one table, by name. The IR names a
// primitive by its key here; nothing else defines one (test/transformer/prims-coverage.test.ts).

import type { Ty, Value } from "../ir.js";
import type { PrimDef, VjpRule } from "./def.js";
import { ELEMENTWISE } from "./elementwise.js";
import { REDUCE } from "./reduce.js";
import { LINALG } from "./linalg.js";
import { MOVEMENT } from "./movement.js";
import { INDEXING } from "./indexing.js";
import { PLUMBING } from "./plumbing.js";
import { LISTS } from "./lists.js";
import { JACOBIAN } from "./jacobian.js";
import { JIT } from "./jit.js";
import { VMAP } from "./vmap.js";
import { ARRANGE } from "./arrange.js";
import { LA } from "./la.js";
import { EINSUM } from "./einsum.js";
import { BITWISE } from "./bitwise.js";
import { DECOMP } from "./decomp.js";
import { FFT } from "./fft.js";
import { SPECIAL } from "./special.js";
import { MORE } from "./more.js";
import { CONV } from "./conv.js";
import { MULTIDOT } from "./multidot.js";
import { DIFF_STEP } from "./diff-step.js";
import { BITCAST } from "./bitcast.js";
import { CUMPROD2 } from "./cumprod2.js";
import { LU_PARTS } from "./lu-parts.js";
import { RANK_CHECK } from "./rank-check.js";
import { FULL_LIKE } from "./full-like.js";
import { DTYPE_CAST } from "./dtype-cast.js";

export type { KernelClass, Ops, PrimDef, VjpRule } from "./def.js";

const FAMILIES = { ELEMENTWISE, REDUCE, LINALG, MOVEMENT, INDEXING, PLUMBING, LISTS, JACOBIAN, JIT, VMAP, ARRANGE, LA, EINSUM, DECOMP, FFT, SPECIAL, MORE, CONV, BITWISE, MULTIDOT, DIFF_STEP, BITCAST, DTYPE_CAST, CUMPROD2, LU_PARTS, RANK_CHECK, FULL_LIKE };

function join(): Readonly<Record<string, PrimDef>> {
  const out: Record<string, PrimDef> = {};
  for (const [family, defs] of Object.entries(FAMILIES))
    for (const [name, def] of Object.entries(defs)) {
      if (name in out) throw new Error(`internal: primitive '${name}' is defined twice (again in ${family})`);
      out[name] = def;
    }
  return out;
}

export const PRIMS: Readonly<Record<string, PrimDef>> = join();

/** The primitive's definition; an unknown name is an internal error. */
export function prim(name: string): PrimDef {
  const d = PRIMS[name];
  if (!d) throw new Error(`internal: unknown primitive ${name}`);
  return d;
}

/** The reverse-mode rule of a primitive, if it has one. */
export function vjpRule(name: string): VjpRule | undefined {
  return prim(name).vjp;
}

/** The result type of a primitive applied to `args` (an operand count it does not take is an internal error). */
export function primTy(name: string, args: readonly Value[]): Ty {
  const d = prim(name);
  const ok = typeof d.arity === "number" ? args.length === d.arity : args.length >= d.arity.min;
  if (!ok) throw new Error(`internal: primitive ${name} applied to ${args.length} operand(s), takes ${typeof d.arity === "number" ? d.arity : `at least ${d.arity.min}`}`);
  const r = d.ty;
  if (r === "ew") return args.some((a) => a.ty === "arr") ? "arr" : "num";
  if (typeof r === "object") return args[r.like].ty;
  return r;
}
