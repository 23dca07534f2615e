// Functions written once as formulas over a few operations (jax.nn's activations here, the
// composite jnp functions in numpy/composites.ts). jax.nn's activations, each one formula: the runtime runs
// them on Arrays (nn/activations.ts, the jnp functions as the operations), and the transformer
// expands the same formulas into IR primitives (transformer/rules/nn.ts), so differentiated,
// jit'd and vmapped code computes exactly what eager code does and needs no rules of its own.
// Numerically stable forms as JAX writes them (softplus by log1p(exp(-|x|)), softmax through
// logsumexp, log1mexp switching at log 2).

/** The operations a formula uses; `V` is an Array (or number) at run time, an IR value at build time. */
export interface FormulaOps<V> {
  c(x: number): V;
  add(a: V, b: V): V;
  sub(a: V, b: V): V;
  mul(a: V, b: V): V;
  div(a: V, b: V): V;
  neg(a: V): V;
  exp(a: V): V;
  log(a: V): V;
  log1p(a: V): V;
  expm1(a: V): V;
  tanh(a: V): V;
  abs(a: V): V;
  sqrt(a: V): V;
  maximum(a: V, b: V): V;
  minimum(a: V, b: V): V;
  greater(a: V, b: V): V;
  less(a: V, b: V): V;
  where(c: V, a: V, b: V): V;
  equal(a: V, b: V): V;
  notEqual(a: V, b: V): V;
  lessEqual(a: V, b: V): V;
  logicalAnd(a: V, b: V): V;
  logicalOr(a: V, b: V): V;
  logicalNot(a: V): V;
  floor(a: V): V;
  fmod(a: V, b: V): V;
  sign(a: V): V;
  pow(a: V, b: V): V;
  sin(a: V): V;
  /** a as `dtype`, or cast by a run-time kind (runtime/dtype-cast.ts: "inexact", "compute", or "like" ref's float dtype). */
  astype(a: V, dtype: string, ref?: V): V;
  sum(a: V, axis: unknown, keepdims: boolean): V;
  max(a: V, axis: unknown, keepdims: boolean): V;
  min(a: V, axis: unknown, keepdims: boolean): V;
  matmul(a: V, b: V): V;
  /** Axis `from` moved to `to` (numpy.moveaxis). */
  moveaxis(a: V, from: number, to: number): V;
  /** The size of axis `axis` (a number). */
  dim(a: V, axis: number): V;
  /** True on and below the diagonal of the last two axes (a causal mask). */
  lowerMask(a: V): V;
  expandDims(a: V, axis: number): V;
  squeeze(a: V, axis: number): V;
  logsumexp(a: V, axis: unknown, keepdims: boolean): V;
  mean(a: V, axis: unknown, keepdims: boolean): V;
  var(a: V, axis: unknown, keepdims: boolean): V;
  /** The complementary error function (scipySpecial.erfc). */
  erfc(a: V): V;
  /** The singular values of the matrices of the last two axes (numpy.linalg.svdvals). */
  svdvals(a: V): V;
  /** How many elements a reduction over `axis` combines (a float32 scalar). */
  count(a: V, axis: unknown): V;
  /** The two halves of axis `axis` (numpy.split(a, 2, axis)). */
  split2(a: V, axis: number): [V, V];
}

/** A formula: the input, then the function's further arguments as given (values or constants). */
export type Formula = <V>(o: FormulaOps<V>, x: V, ...args: unknown[]) => V;

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const LN2 = Math.log(2);
const SQRT_HALF = Math.fround(Math.sqrt(0.5)); // (JAX: np.sqrt(0.5) in the input's dtype)

const sigmoid: Formula = (o, x) => o.div(o.c(1), o.add(o.c(1), o.exp(o.neg(x))));
// log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)): no overflow for large x
const softplus: Formula = (o, x) => o.add(o.maximum(x, o.c(0)), o.log1p(o.exp(o.neg(o.abs(x)))));
const relu6: Formula = (o, x) => o.minimum(o.maximum(x, o.c(0)), o.c(6));
/** An optional numeric argument: its value when given, else the default. */
const arg = <V>(o: FormulaOps<V>, v: unknown, dflt: number): V => (v === undefined || v === null ? o.c(dflt) : typeof v === "number" ? o.c(v) : (v as V));
const elu: Formula = (o, x, alpha) => o.where(o.greater(x, o.c(0)), x, o.mul(arg(o, alpha, 1), o.expm1(x)));
/** The axis option of softmax & co.: the last axis unless given. */
const lastAxis = (axis: unknown) => (axis === undefined ? -1 : axis);

export const FORMULAS: Readonly<Record<string, Formula>> = {
  relu: (o, x) => o.maximum(x, o.c(0)),
  relu6,
  sigmoid,
  softplus,
  // -softplus(-x)
  logSigmoid: (o, x) => o.neg(softplus(o, o.neg(x))),
  silu: (o, x) => o.mul(x, sigmoid(o, x)),
  swish: (o, x) => o.mul(x, sigmoid(o, x)),
  softSign: (o, x) => o.div(x, o.add(o.abs(x), o.c(1))),
  leakyRelu: (o, x, slope) => o.where(o.less(x, o.c(0)), o.mul(arg(o, slope, 0.01), x), x),
  hardTanh: (o, x) => o.minimum(o.maximum(x, o.c(-1)), o.c(1)),
  hardSigmoid: (o, x) => o.div(relu6(o, o.add(x, o.c(3))), o.c(6)),
  hardSilu: (o, x) => o.mul(x, o.div(relu6(o, o.add(x, o.c(3))), o.c(6))),
  hardSwish: (o, x) => o.mul(x, o.div(relu6(o, o.add(x, o.c(3))), o.c(6))),
  elu,
  selu: (o, x) => o.mul(o.c(SELU_SCALE), elu(o, x, SELU_ALPHA)),
  celu: (o, x, alpha) => o.where(o.greater(x, o.c(0)), x, o.mul(arg(o, alpha, 1), o.expm1(o.div(x, arg(o, alpha, 1))))),
  // JAX's default is the tanh approximation; the exact form is JAX's 0.5·x·erfc(−x·√½)
  gelu: (o, x, opts) => {
    const approximate = (opts as { approximate?: unknown } | undefined)?.approximate ?? true;
    if (typeof approximate !== "boolean") throw new TypeError(`nn.gelu: approximate must be a boolean known at build time, got ${typeof approximate}`);
    if (!approximate) return o.mul(o.mul(o.c(0.5), x), o.erfc(o.mul(o.neg(x), o.c(SQRT_HALF))));
    const inner = o.mul(o.c(Math.sqrt(2 / Math.PI)), o.add(x, o.mul(o.c(0.044715), o.mul(x, o.mul(x, x)))));
    return o.mul(o.mul(o.c(0.5), x), o.add(o.c(1), o.tanh(inner)));
  },
  mish: (o, x) => o.mul(x, o.tanh(softplus(o, x))),
  squareplus: (o, x, b) => o.mul(o.c(0.5), o.add(x, o.sqrt(o.add(o.mul(x, x), arg(o, b, 4))))),
  // nn.identity (declared under this name: jnp.identity is another function)
  nnIdentity: (o, x) => x,
  // JAX: where(x <= -1, 0, where(x >= 1, x, (x + 1)² / 4))
  sparsePlus: (o, x) => {
    const t = o.add(x, o.c(1));
    return o.where(o.lessEqual(x, o.c(-1)), o.c(0), o.where(o.lessEqual(o.c(1), x), x, o.div(o.mul(t, t), o.c(4))));
  },
  // JAX: 0.5·clip(x + 1, 0, 2)
  sparseSigmoid: (o, x) => o.mul(o.c(0.5), o.minimum(o.maximum(o.add(x, o.c(1)), o.c(0)), o.c(2))),
  // JAX: x1·sigmoid(x2), the two halves of `axis` (the last by default)
  glu: (o, x, axis) => {
    const ax = axis === undefined || axis === null ? -1 : axis;
    if (typeof ax !== "number") throw new TypeError("nn.glu: axis must be a number known at build time");
    const [a, b] = o.split2(x, ax);
    return o.mul(a, sigmoid(o, b));
  },
  // logsumexp − log(n), n the number of elements reduced
  logmeanexp: (o, x, axis, opts) => {
    const keepdims = (opts as { keepdims?: boolean } | undefined)?.keepdims ?? false;
    return o.sub(o.logsumexp(x, axis, keepdims), o.log(o.count(x, axis)));
  },
  // log(1 - exp(-x)) for x > 0, by the form accurate on each side of log 2
  log1mexp: (o, x) => o.where(o.less(x, o.c(LN2)), o.log(o.neg(o.expm1(o.neg(x)))), o.log1p(o.neg(o.exp(o.neg(x))))),
  softmax: (o, x, axis) => o.exp(o.sub(x, o.logsumexp(x, lastAxis(axis), true))),
  logSoftmax: (o, x, axis) => o.sub(x, o.logsumexp(x, lastAxis(axis), true)),
  // softmax(q·kᵀ·scale + bias, masked) · v per head, JAX's layout [batch..., seq, heads, head_dim]
  // (scale 1/√head_dim by default; a masked-out logit gets -0.7·float32 max, as JAX's)
  dotProductAttention: (o, q, k0, v0, opts) => {
    const [k, v] = [k0, v0] as (typeof q)[];
    const { bias, mask, scale, isCausal = false } = (opts ?? {}) as { bias?: typeof q; mask?: typeof q; scale?: number; isCausal?: boolean };
    // heads in front of the sequence: [..., heads, seq, dim]
    const [qh, kh, vh] = [q, k, v].map((a) => o.moveaxis(a, -2, -3));
    const sc = scale !== undefined ? o.c(scale) : o.div(o.c(1), o.sqrt(o.dim(q, -1)));
    let logits = o.mul(o.matmul(qh, o.moveaxis(kh, -1, -2)), sc);
    if (bias !== undefined) logits = o.add(logits, bias);
    const NEG = o.c(-0.7 * 3.4028234663852886e38);
    if (mask !== undefined) logits = o.where(mask, logits, NEG);
    if (isCausal) logits = o.where(o.lowerMask(logits), logits, NEG);
    const probs = o.exp(o.sub(logits, o.logsumexp(logits, -1, true)));
    return o.moveaxis(o.matmul(probs, vh), -3, -2);
  },
  // (x - mean) / sqrt(var + eps), over the last axis unless given
  standardize: (o, x, axis, opts) => {
    const eps = (opts as { epsilon?: number } | undefined)?.epsilon ?? 1e-5;
    const ax = lastAxis(axis);
    return o.div(o.sub(x, o.mean(x, ax, true)), o.sqrt(o.add(o.var(x, ax, true), o.c(eps))));
  },
};
