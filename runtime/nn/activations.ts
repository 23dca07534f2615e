// jax.nn's activation functions on Arrays: the formulas of nn/formulas.ts run with the jnp
// functions as their operations (the transformer expands the same formulas at build time, so
// these bodies only run in code that is not differentiated or compiled). `nn.logsumexp` is
// jnp's. Names and signatures as @jax-js/jax's `nn`.

import type { NDArray } from "../array.js";
import type { ArrayLike, Axis } from "../array.js";
import * as jnp from "../numpy/index.js";
import { FORMULAS } from "./formulas.js";
import { runFormula } from "../numpy/formula-ops.js";
import { fmtShape } from "../shape.js";
import { asPublic } from "../numpy/public-errors.js";

const run = (name: string, x: ArrayLike, ...args: unknown[]): NDArray => asPublic(`nn.${name}`, () => runFormula(FORMULAS[name], x, ...args));

/** `max(x, 0)`. */
export function relu(x: ArrayLike): NDArray {
  return run("relu", x);
}
/** `min(max(x, 0), 6)`. */
export function relu6(x: ArrayLike): NDArray {
  return run("relu6", x);
}
/** `1 / (1 + exp(-x))`. */
export function sigmoid(x: ArrayLike): NDArray {
  return run("sigmoid", x);
}
/** `log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(-|x|))`. */
export function softplus(x: ArrayLike): NDArray {
  return run("softplus", x);
}
/** `log(sigmoid(x)) = -softplus(-x)`. */
export function logSigmoid(x: ArrayLike): NDArray {
  return run("logSigmoid", x);
}
/** `x * sigmoid(x)` (also `swish`). */
export function silu(x: ArrayLike): NDArray {
  return run("silu", x);
}
/** `x * sigmoid(x)` (also `silu`). */
export function swish(x: ArrayLike): NDArray {
  return run("swish", x);
}
/** `x / (|x| + 1)`. */
export function softSign(x: ArrayLike): NDArray {
  return run("softSign", x);
}
/** `x < 0 ? negativeSlope * x : x` (slope 0.01 by default). */
export function leakyRelu(x: ArrayLike, negativeSlope?: ArrayLike): NDArray {
  return run("leakyRelu", x, negativeSlope);
}
/** `clip(x, -1, 1)`. */
export function hardTanh(x: ArrayLike): NDArray {
  return run("hardTanh", x);
}
/** `relu6(x + 3) / 6`. */
export function hardSigmoid(x: ArrayLike): NDArray {
  return run("hardSigmoid", x);
}
/** `x * hardSigmoid(x)` (also `hardSwish`). */
export function hardSilu(x: ArrayLike): NDArray {
  return run("hardSilu", x);
}
/** `x * hardSigmoid(x)` (also `hardSilu`). */
export function hardSwish(x: ArrayLike): NDArray {
  return run("hardSwish", x);
}
/** `x > 0 ? x : alpha * (exp(x) - 1)` (alpha 1 by default). */
export function elu(x: ArrayLike, alpha?: ArrayLike): NDArray {
  return run("elu", x, alpha);
}
/** `lambda * elu(x, alpha)` with JAX's constants (alpha 1.6732632423543772, lambda 1.0507009873554805). */
export function selu(x: ArrayLike): NDArray {
  return run("selu", x);
}
/** `x > 0 ? x : alpha * (exp(x / alpha) - 1)` (alpha 1 by default). */
export function celu(x: ArrayLike, alpha?: ArrayLike): NDArray {
  return run("celu", x, alpha);
}
/**
 * GELU, JAX's default tanh approximation `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`, or with
 * `{ approximate: false }` the exact `0.5 x erfc(−x/√2)`.
 */
export function gelu(x: ArrayLike, opts?: { approximate?: boolean }): NDArray {
  return run("gelu", x, opts);
}
/** `x * tanh(softplus(x))`. */
export function mish(x: ArrayLike): NDArray {
  return run("mish", x);
}
/** `0.5 (x + sqrt(x² + b))` (b 4 by default). */
export function squareplus(x: ArrayLike, b?: ArrayLike): NDArray {
  return run("squareplus", x, b);
}
/** `x`, unchanged. (Declared as nnIdentity: the transformer lowers by declared name, and jnp.identity is the identity matrix.) */
function nnIdentity(x: ArrayLike): NDArray {
  return run("nnIdentity", x);
}
export { nnIdentity as identity };
/** `0` for x ≤ −1, `(x + 1)² / 4` between, `x` for x ≥ 1. */
export function sparsePlus(x: ArrayLike): NDArray {
  return run("sparsePlus", x);
}
/** `clip(x + 1, 0, 2) / 2`: 0 for x ≤ −1, `(x + 1) / 2` between, 1 for x ≥ 1. */
export function sparseSigmoid(x: ArrayLike): NDArray {
  return run("sparseSigmoid", x);
}
/** The gated linear unit: `a * sigmoid(b)`, a and b the two halves of `axis` (the last by default; its size must be even). */
export function glu(x: ArrayLike, axis?: number): NDArray {
  return run("glu", x, axis);
}
/** `logsumexp(x, axis) − log(n)`, n the number of elements reduced (all by default). */
export function logmeanexp(x: ArrayLike, axis?: Axis, opts?: { keepdims?: boolean }): NDArray {
  return run("logmeanexp", x, axis, opts);
}
/** `log(1 - exp(-x))` for x > 0, accurate on both sides of log 2. */
export function log1mexp(x: ArrayLike): NDArray {
  return run("log1mexp", x);
}
/** `exp(x - logsumexp(x, axis))`: sums to 1 along `axis` (the last by default). */
export function softmax(x: ArrayLike, axis?: Axis): NDArray {
  return run("softmax", x, axis);
}
/** `x - logsumexp(x, axis)` (the last axis by default). */
export function logSoftmax(x: ArrayLike, axis?: Axis): NDArray {
  return run("logSoftmax", x, axis);
}
/** `(x - mean) / sqrt(var + epsilon)` along `axis` (the last by default; epsilon 1e-5). */
export function standardize(x: ArrayLike, axis?: Axis, opts?: { epsilon?: number }): NDArray {
  return run("standardize", x, axis, opts);
}

/**
 * Scaled dot-product attention, JAX's layout: query [..., T, N, H], key and value [..., S, N, H]
 * (batch, sequence, heads, head dimension): softmax(q·kᵀ·scale + bias) · v per head, where
 * `mask` (true: keep) and `isCausal` hide logits; scale is 1/√H unless given.
 */
export function dotProductAttention(query: ArrayLike, key: ArrayLike, value: ArrayLike, opts?: { bias?: ArrayLike; mask?: ArrayLike; scale?: number; isCausal?: boolean }): NDArray {
  return run("dotProductAttention", query, jnp.array(key), jnp.array(value), opts);
}

/** One-hot encoding: `x[..., None] == arange(numClasses)` as float32 (no derivative). */
export function oneHot(x: ArrayLike, numClasses: number): NDArray {
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new TypeError(`nn.oneHot: numClasses must be a non-negative integer, got ${numClasses} (x of shape ${fmtShape(jnp.array(x).shape)})`);
  return jnp.astype(jnp.equal(jnp.expandDims(jnp.array(x), -1), jnp.arange(numClasses)), "float32");
}
export { logsumexp } from "../numpy/reduce.js";
