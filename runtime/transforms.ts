// The run-time faces of grad, valueAndGrad and jit. The tsjax transformer replaces every
// grad/valueAndGrad call at build time, so reaching these bodies means it did not run. The
// types say what the transformed code returns: gradients mirror the parameters' types.

import type { NDArray } from "./array.js";

export interface GradOptions {
  /** Which positional argument(s) to differentiate (default 0); an array gives a tuple. */
  readonly argnums?: number | readonly number[];
  /** The function returns [output, aux]; aux is passed through undifferentiated. */
  readonly hasAux?: boolean;
}

/** The gradient type of a parameter type: number → number, Array/ArrayLike → Array, pytrees mapped. */
export type Cotangent<T> = [T] extends [number]
  ? number
  : [T] extends [NDArray]
    ? NDArray
    : [NDArray] extends [T]
      ? NDArray
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Cotangent<T[K]> }
        : T extends object
          ? { -readonly [K in keyof T]: Cotangent<T[K]> }
          : never;

type AnyFn = (...args: any[]) => any;
type ArgnumsOf<O> = O extends { readonly argnums: infer N } ? N : 0;
// (an optional parameter's gradient is that of its type without undefined)
type GradOf<A extends readonly unknown[], N> = N extends number
  ? Cotangent<NonNullable<A[N]>>
  : N extends readonly number[]
    ? { -readonly [K in keyof N]: Cotangent<NonNullable<A[N[K] & number]>> }
    : never;
type AuxOf<F extends AnyFn> = ReturnType<F> extends readonly [unknown, infer X] ? X : never;
type HasAux<O> = O extends { readonly hasAux: true } ? true : false;

/** The valid argument positions of a parameter list (any number for a rest parameter). */
type ArgIndex<A extends readonly unknown[]> = number extends A["length"] ? number : Exclude<Partial<Required<A>>["length"], Required<A>["length"]>;
/**
 * Options whose argnums are in range: `unknown` (no constraint) when they are, else the type they
 * should have, so that `grad(f, { argnums: 5 })` on a two-parameter `f` is a type error at the 5.
 */
export type CheckArgnums<F extends AnyFn, O> = O extends { readonly argnums: infer N }
  ? [N] extends [ArgIndex<Parameters<F>> | readonly ArgIndex<Parameters<F>>[]]
    ? unknown
    : { readonly argnums: ArgIndex<Parameters<F>> | readonly ArgIndex<Parameters<F>>[] }
  : unknown;

export type GradResult<F extends AnyFn, O> = HasAux<O> extends true
  ? [GradOf<Parameters<F>, ArgnumsOf<O>>, AuxOf<F>]
  : GradOf<Parameters<F>, ArgnumsOf<O>>;
export type ValueAndGradResult<F extends AnyFn, O> = [ReturnType<F>, GradOf<Parameters<F>, ArgnumsOf<O>>];

const MISSING = (api: string) =>
  `${api}() ran without the tsjax transformer: gradients are compiled at build time. ` +
  `Add the plugin: rollup/vite/vitest \`plugins: [tsjax()]\` with \`import tsjax from "tsjax/rollup"\`, ` +
  `or for tsc (ts-patch) \`"plugins": [{ "transform": "tsjax/transformer" }]\` in tsconfig compilerOptions.`;

/** The gradient of a scalar function (JAX's jax.grad). Compiled by the tsjax transformer. */
export function grad<F extends AnyFn, const O extends GradOptions = {}>(f: F, opts?: O & CheckArgnums<F, O>): (...args: Parameters<F>) => GradResult<F, O> {
  void f, opts;
  throw new Error(MISSING("grad"));
}

/** The value and the gradient in one pass (JAX's jax.value_and_grad). Compiled by the tsjax transformer. */
export function valueAndGrad<F extends AnyFn, const O extends GradOptions = {}>(f: F, opts?: O & CheckArgnums<F, O>): (...args: Parameters<F>) => ValueAndGradResult<F, O> {
  void f, opts;
  throw new Error(MISSING("valueAndGrad"));
}

/** Marks a function for compilation. For now it runs eagerly; grad(jit(f)) differentiates f. */
export function jit<F extends AnyFn>(f: F): F {
  if (typeof f !== "function") throw new TypeError(`jit: expected a function, got ${typeof f}`);
  return f;
}
