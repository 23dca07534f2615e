// What a primitive is, in one definition: its result type (number, Array, list or other), its
// abstract evaluation (dtype and shape: avals.ts), how it is
// emitted for JS numbers and for Arrays, how it folds, its reverse-mode rule, and its kernel class
// for the jit. The families (elementwise.ts, reduce.ts, ...) hold the definitions; index.ts joins
// them into the registry, and test/transformer/prims-coverage.test.ts checks it is complete.

import type { Ty, Value, Var } from "../ir.js";
import type { AvalRule } from "../avals.js";

/** How the result type is found: `ew` elementwise (arr if any operand is arr), or fixed, or "like argument i". */
export type TyRule = "ew" | "arr" | "num" | "list" | "other" | { like: number };

/** IR operations by primitive name, for writing rules as calls (`o.mul(g, x)`). */
export type Ops = Record<string, (...args: Value[]) => Var>;
/**
 * A reverse-mode rule: the cotangents of the operands given the cotangent `g` of the result `y`,
 * written in IR ops so that its output is again differentiable. `null`: no cotangent (static
 * operands, shapes, masks).
 */
export type VjpRule = (o: Ops, g: Value, y: Var, args: readonly Value[]) => (Value | null)[];

/**
 * A forward-mode rule: the tangent of the result given the operands' tangents (`null`: a zero
 * tangent), written in IR ops; `null` when the result's tangent is zero.
 */
export type JvpRule = (o: Ops, t: readonly (Value | null)[], y: Var, args: readonly Value[]) => Value | null;

/** The jit's view: a scalar function applied elementwise, a reduction, an index map, or opaque. */
export type KernelClass = "elementwise" | "reduce" | "movement" | "opaque";

export interface PrimDef {
  readonly ty: TyRule;
  /** Operand count: exact, or `{ min }` for variadic primitives. */
  readonly arity: number | { readonly min: number };
  /** Number-mode emission: a binary/unary operator, a Math function, or a form emit.ts writes out. */
  readonly js?: { bin: string } | { un: string } | { fn: string } | { fma: true } | { id: true } | { inline: true };
  /** Array-mode emission: the runtime function (defaults to the primitive's name). */
  readonly rt?: string;
  /** Emitted inline by emit.ts in every mode (no runtime function). */
  readonly host?: true;
  /** Constant folding for number operands. */
  readonly fold?: (...xs: number[]) => number;
  /** Zero derivative everywhere (comparisons, rounding, shape queries...). */
  readonly nondiff?: true;
  /** The reverse-mode rule (required unless nondiff, or handled by reverse mode itself: `adjoint`). */
  readonly vjp?: VjpRule;
  /** Why reverse mode differentiates it without a rule here (tapes, lists: ad/reverse.ts). */
  readonly adjoint?: string;
  /** Why it has no rule yet: differentiating it is a build error that says so. */
  readonly noVjp?: string;
  /** The forward-mode rule (required unless nondiff, or handled by ad/forward.ts itself). */
  readonly jvp?: JvpRule;
  readonly noJvp?: string;
  /** Only ever applied to numbers and booleans (conditions): no Array implementation. */
  readonly numberOnly?: true;
  /** Has a run-time check or effect that must survive dead-code elimination. */
  readonly effect?: true;
  /** Each application is distinct (never merged by CSE): tapes and their pushes and pops. */
  readonly fresh?: true;
  /**
   * Shape facts for the simplifier: the result has the (common) shape of its non-number
   * operands (`operands`), or the shape of operand i.
   */
  readonly shape?: "operands" | { readonly arg: number };
  /**
   * Abstract evaluation (dtype and shape from the operands' and the constant operands'): where
   * absent, derived from `ty` and `shape` (avals.ts derivedAval).
   */
  readonly aval?: AvalRule;
  readonly kernel: KernelClass;
}

/** A sum of tangent terms, `null` ones left out (all null: a zero tangent). */
export function addAll(o: Ops, terms: readonly (Value | null)[]): Value | null {
  let acc: Value | null = null;
  for (const t of terms) if (t) acc = acc ? o.add(acc, t) : t;
  return acc;
}

/** A rule for a primitive linear in its first operand (the others static): the same primitive of the tangent. */
export const linear0 =
  (name: string): JvpRule =>
  (o, [t0], y, [, ...rest]) =>
    t0 ? o[name](t0, ...rest) : null;

export const one: Value = { tag: "const", value: 1, ty: "num" };
export const zero: Value = { tag: "const", value: 0, ty: "num" };
