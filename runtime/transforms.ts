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

/** The tangent type of a value type: number → number, Array → Array, pytrees mapped. */
export type Tangent<T> = Cotangent<T>;
/** One tangent per primal, each shaped like it. */
export type Tangents<A extends readonly unknown[]> = { -readonly [K in keyof A]: Tangent<NonNullable<A[K]>> };

/**
 * Forward mode (JAX's jax.jvp): `[f(...primals), the derivative of f at primals along tangents]`,
 * in one pass with no tape. `primals` and `tangents` are tuples with one entry per parameter of
 * `f`; each tangent has its primal's structure. Compiled by the tsjax transformer.
 */
export function jvp<F extends AnyFn>(f: F, primals: Parameters<F>, tangents: Tangents<Parameters<F>>): [ReturnType<F>, Tangent<ReturnType<F>>] {
  void f, primals, tangents;
  throw new Error(MISSING("jvp"));
}

/** The Jacobian type: for each output leaf, the inputs' structure of Arrays (numbers for number by number). */
export type Jacobian<Out, In> = [Out] extends [number]
  ? Cotangent<In>
  : [Out] extends [NDArray]
    ? JacobianOfArray<In>
    : Out extends readonly unknown[]
      ? { -readonly [K in keyof Out]: Jacobian<Out[K], In> }
      : Out extends object
        ? { -readonly [K in keyof Out]: Jacobian<Out[K], In> }
        : never;
type JacobianOfArray<In> = [In] extends [number] | [NDArray]
  ? NDArray
  : In extends readonly unknown[]
    ? { -readonly [K in keyof In]: JacobianOfArray<In[K]> }
    : In extends object
      ? { -readonly [K in keyof In]: JacobianOfArray<In[K]> }
      : never;
type ArgsOf<F extends AnyFn, O> = ArgnumsOf<O> extends infer N
  ? N extends number
    ? NonNullable<Parameters<F>[N]>
    : N extends readonly number[]
      ? { -readonly [K in keyof N]: NonNullable<Parameters<F>[N[K] & number]> }
      : never
  : never;
export interface JacOptions {
  /** Which positional argument(s) to differentiate (default 0); an array gives a tuple. */
  readonly argnums?: number | readonly number[];
}

/**
 * Reverse mode with a cotangent (JAX's jax.vjp): `[f(...primals), pullback]`, where
 * `pullback(ct)` (ct shaped like the output) returns one cotangent per primal. Each pullback call
 * runs the compiled forward and adjoint passes again. Compiled by the tsjax transformer.
 */
export function vjp<F extends AnyFn>(f: F, ...primals: Parameters<F>): [ReturnType<F>, (ct: Tangent<ReturnType<F>>) => Tangents<Parameters<F>>] {
  void f, primals;
  throw new Error(MISSING("vjp"));
}

/**
 * `[f(...primals), jvpAt]` (JAX's jax.linearize): `jvpAt(...tangents)` is the tangent of the
 * output along tangents (one per primal), callable many times. Each call runs the compiled
 * tangent pass (primal values included: nothing is stored between calls).
 */
export function linearize<F extends AnyFn>(f: F, ...primals: Parameters<F>): [ReturnType<F>, (...tangents: Tangents<Parameters<F>>) => Tangent<ReturnType<F>>] {
  void f, primals;
  throw new Error(MISSING("linearize"));
}

/** The Jacobian by forward mode, one tangent pass per input element (JAX's jax.jacfwd). */
export function jacfwd<F extends AnyFn, const O extends JacOptions = {}>(f: F, opts?: O & CheckArgnums<F, O>): (...args: Parameters<F>) => Jacobian<ReturnType<F>, ArgsOf<F, O>> {
  void f, opts;
  throw new Error(MISSING("jacfwd"));
}

/** The Jacobian by reverse mode, one cotangent pass per output element (JAX's jax.jacrev). */
export function jacrev<F extends AnyFn, const O extends JacOptions = {}>(f: F, opts?: O & CheckArgnums<F, O>): (...args: Parameters<F>) => Jacobian<ReturnType<F>, ArgsOf<F, O>> {
  void f, opts;
  throw new Error(MISSING("jacrev"));
}

/** The Hessian of a scalar function: jacfwd of its gradient (JAX's jax.hessian). */
export function hessian<F extends AnyFn, const O extends JacOptions = {}>(
  f: F,
  opts?: O & CheckArgnums<F, O>,
): (...args: Parameters<F>) => Jacobian<GradOf<Parameters<F>, ArgnumsOf<O>>, ArgsOf<F, O>> {
  void f, opts;
  throw new Error(MISSING("hessian"));
}

/** A value with a batch axis added: numbers become Arrays, Arrays stay Arrays, pytrees mapped. */
export type Batched<T> = [T] extends [number]
  ? NDArray
  : [T] extends [NDArray]
    ? NDArray
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Batched<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Batched<T[K]> }
        : T;
/** One argument of a vmapped function: batched where mapped (an argument with in-axis null keeps its type). */
type BatchedArgs<A extends readonly unknown[]> = { [K in keyof A]: A[K] | Batched<A[K]> };
/** in_axes / out_axes: an axis, null (not mapped), or a pytree prefix of them. */
export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [k: string]: AxisSpec };

/**
 * Vectorizing map (JAX's jax.vmap): `vmap(f, inAxes, outAxes)(...batched)` runs `f` on every
 * example of a batch at once. `inAxes` (default 0) names each argument's batch axis (null: shared
 * by all examples); `outAxes` (default 0) where the batch axis goes in the results. Compiled by
 * the tsjax transformer into a batched program (no per-example loop); both axes specs must be
 * written literally. A branch or loop whose condition differs per example runs per example
 * (both branches with a select; the loop until every example is done).
 */
export function vmap<F extends AnyFn>(f: F, inAxes?: AxisSpec, outAxes?: AxisSpec): (...args: BatchedArgs<Parameters<F>>) => Batched<ReturnType<F>> {
  void f, inAxes, outAxes;
  throw new Error(MISSING("vmap"));
}

/**
 * A function with its own reverse-mode rule (JAX's custom_vjp): `fwd(...args)` returns
 * `[output, residuals]`, `bwd(residuals, outputCotangent)` returns a tuple with one cotangent per
 * argument. The rule, not f's own math, gives the derivative in reverse mode at every order
 * (forward mode is refused, as in JAX). Outside a differentiated function it is f.
 */
export function customVjp<F extends AnyFn, R>(
  f: F,
  fwd: (...args: Parameters<F>) => readonly [ReturnType<F>, R],
  bwd: (residuals: R, g: Tangent<ReturnType<F>>) => Tangents<Parameters<F>>,
): F {
  void fwd, bwd;
  return f;
}

/**
 * A function with its own forward-mode rule (JAX's custom_jvp): `rule(primals, tangents)`
 * returns `[output, outputTangent]`, linear in the tangents. Forward mode uses the rule; reverse
 * mode transposes its tangent part. Outside a differentiated function it is f.
 */
export function customJvp<F extends AnyFn>(
  f: F,
  rule: (primals: Parameters<F>, tangents: Tangents<Parameters<F>>) => readonly [ReturnType<F>, Tangent<ReturnType<F>>],
): F {
  void rule;
  return f;
}

/**
 * f, differentiated by recomputing its intermediates in the adjoint pass instead of storing them
 * (JAX's jax.checkpoint / remat): the same numbers, with only f's arguments kept per call between
 * the forward and the adjoint sweep. Outside a differentiated function it is f.
 */
export function checkpoint<F extends AnyFn>(f: F): F {
  return f;
}

/**
 * The value itself, with a zero derivative (JAX's lax.stop_gradient): numbers, Arrays and pytrees
 * of them. Inside a differentiated function the transformer compiles it; outside one it is the
 * identity.
 */
export function stopGradient<T>(x: T): T {
  return x;
}

/** jit's options, written as an object literal (the transformer reads them at build time). */
export interface JitOptions {
  /**
   * Allow approximate float32 exp, tanh, sin and cos in the fused kernels (a few float32 ulps
   * from the correctly rounded result, results below the smallest normal float32 flushed to 0)
   * for two to three and a half times the speed on long elementwise chains. Default false: kernels give eager
   * code's results bit for bit.
   */
  fastMath?: boolean;
  /**
   * Where the function runs: "cpu", or "webgpu" (its kernels as WebGPU compute shaders; results
   * are Arrays on the GPU, which later calls read in place: `await x.block()` reads them back).
   * Default: the default device when called (`setDefaultDevice`, "cpu" unless changed). A
   * function on "webgpu" runs after `await initDevice("webgpu")`; code the GPU cannot run yet
   * is a build error.
   */
  device?: "cpu" | "webgpu";
}

/**
 * Compiles f: the transformer fuses its elementwise chains into WebAssembly kernels and runs its
 * products on the kernel threads. A call the transformer did not compile runs f as it is.
 */
export function jit<F extends AnyFn>(f: F, opts?: JitOptions): F {
  if (typeof f !== "function") throw new TypeError(`jit: expected a function, got ${typeof f}`);
  void opts;
  return f;
}
