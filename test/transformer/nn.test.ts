// jax.nn's activations: values against NumPy float64 evaluations of JAX's definitions
// (test/fixtures/gen_nn.py), eager and compiled alike (grad, jit and vmap expand the same
// formulas, so they must agree with eager code bit for bit), gradients against central
// differences in float64 of the fixture's formulas' eager float32 values, and the errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, jit, vmap, nn, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/nn.json", import.meta.url), "utf8"));
const x = jnp.array(F.x);
const pos = jnp.array(F.pos);
const m = jnp.reshape(jnp.array(F.m.data), F.m.shape);
const vec = (a: Array) => globalThis.Array.from(a.data as Float32Array, Number);
/**
 * Within `ulps` float32 ulps of the float64 reference, relative to the value (or to `scale[i]`
 * where the formula cancels terms that large: gelu's 1 + tanh near -1, squareplus's x + sqrt(x² + 4)
 * for negative x; JAX evaluates the same float32 formulas).
 */
function near(got: Array, want: number[], ulps = 8, scale?: number[]) {
  const g = vec(got);
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}: got ${v}, want ${want[i]}`).toBeLessThanOrEqual(ulps * 2 ** -23 * Math.max(Math.abs(want[i]), scale?.[i] ?? 0, 1e-6)));
}
/** The terms gelu and squareplus cancel: |x| (and 1 for gelu's 1 + tanh). */
const CANCELS: Record<string, number[]> = { gelu: F.x.map((v: number) => Math.abs(v)), squareplus: F.x.map((v: number) => Math.abs(v)) };

const EAGER: Record<string, (x: Array) => Array> = {
  relu: nn.relu, relu6: nn.relu6, sigmoid: nn.sigmoid, softplus: nn.softplus, logSigmoid: nn.logSigmoid, silu: nn.silu,
  softSign: nn.softSign, leakyRelu: (v) => nn.leakyRelu(v), hardTanh: nn.hardTanh, hardSigmoid: nn.hardSigmoid, hardSilu: nn.hardSilu,
  elu: (v) => nn.elu(v), selu: nn.selu, celu: (v) => nn.celu(v), gelu: (v) => nn.gelu(v), mish: nn.mish, squareplus: (v) => nn.squareplus(v),
};
// the same functions compiled (one summed-output gradient and one jit'd value each)
const GRADS: Record<string, (x: Array) => Array> = {
  relu: grad((v: Array) => jnp.sum(nn.relu(v)).item() as number),
  relu6: grad((v: Array) => jnp.sum(nn.relu6(v)).item() as number),
  sigmoid: grad((v: Array) => jnp.sum(nn.sigmoid(v)).item() as number),
  softplus: grad((v: Array) => jnp.sum(nn.softplus(v)).item() as number),
  logSigmoid: grad((v: Array) => jnp.sum(nn.logSigmoid(v)).item() as number),
  silu: grad((v: Array) => jnp.sum(nn.silu(v)).item() as number),
  softSign: grad((v: Array) => jnp.sum(nn.softSign(v)).item() as number),
  leakyRelu: grad((v: Array) => jnp.sum(nn.leakyRelu(v)).item() as number),
  hardTanh: grad((v: Array) => jnp.sum(nn.hardTanh(v)).item() as number),
  hardSigmoid: grad((v: Array) => jnp.sum(nn.hardSigmoid(v)).item() as number),
  hardSilu: grad((v: Array) => jnp.sum(nn.hardSilu(v)).item() as number),
  elu: grad((v: Array) => jnp.sum(nn.elu(v)).item() as number),
  selu: grad((v: Array) => jnp.sum(nn.selu(v)).item() as number),
  celu: grad((v: Array) => jnp.sum(nn.celu(v)).item() as number),
  gelu: grad((v: Array) => jnp.sum(nn.gelu(v)).item() as number),
  mish: grad((v: Array) => jnp.sum(nn.mish(v)).item() as number),
  squareplus: grad((v: Array) => jnp.sum(nn.squareplus(v)).item() as number),
};
const JITTED: Record<string, (x: Array) => Array> = {
  gelu: jit((v: Array) => nn.gelu(v)),
  silu: jit((v: Array) => nn.silu(v)),
  softplus: jit((v: Array) => nn.softplus(v)),
  elu: jit((v: Array) => nn.elu(v)),
};

describe("nn activations", () => {
  for (const [name, f] of Object.entries(EAGER))
    it(`${name}: values, compiled values and gradient`, () => {
      const y = f(x);
      near(y, F.elementwise[name], 8, CANCELS[name]);
      if (JITTED[name]) expect(JITTED[name](x)).toEqual(y);
      // the gradient against central differences of the eager function, elementwise (skipping kinks)
      const g = vec(GRADS[name](x));
      const h = 1e-2;
      vec(x).forEach((v, i) => {
        if ([0, -1, 1, 6, -3, 3].some((k) => Math.abs(v - k) < 2 * h)) return;
        const at = (d: number) => Number(f(jnp.array([v + d])).data[0]);
        const fd = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(g[i] - fd), `${name}'(${v}): got ${g[i]}, differences ${fd}`).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(fd)));
      });
    });
  it("log1mexp on both sides of log 2", () => near(nn.log1mexp(pos), F.log1mexp));
  it("softmax, logSoftmax and standardize along an axis (the last by default)", () => {
    near(nn.softmax(m), F.softmaxLast);
    near(nn.softmax(m, 0), F.softmax0);
    near(nn.logSoftmax(m), F.logSoftmaxLast, 16);
    near(nn.standardize(m), F.standardizeLast, 64);
    expect(vec(jnp.sum(nn.softmax(m), -1)).every((s) => Math.abs(s - 1) < 1e-6)).toBe(true);
  });
  it("softmax cross-entropy's gradient is softmax minus the one-hot labels, per example with vmap", () => {
    const labels = jnp.array([1, 4, 0], { dtype: "int32" });
    const onehot = nn.oneHot(labels, 5);
    expect(onehot.tolist()).toEqual([[0, 1, 0, 0, 0], [0, 0, 0, 0, 1], [1, 0, 0, 0, 0]]);
    const xent = (logits: Array, y: Array) => -(jnp.sum(jnp.multiply(nn.logSoftmax(logits), y)).item() as number);
    const g = vmap(grad(xent))(m, onehot);
    const want = jnp.subtract(nn.softmax(m), onehot);
    expect(jnp.max(jnp.abs(jnp.subtract(g, want))).item()).toBeLessThan(1e-6);
  });
  it("dotProductAttention: plain, with a mask and a scale, causal; its gradient against differences", () => {
    const T = (e: { shape: number[]; data: number[] }) => jnp.reshape(jnp.array(e.data), e.shape);
    const [q, k, v] = [T(F.q), T(F.k), T(F.v)];
    const mask = jnp.astype(T(F.mask), "bool");
    // (a weighted sum of v's signed entries: the error is relative to their size, 1)
    const ones = F.attention.map(() => 1);
    near(nn.dotProductAttention(q, k, v), F.attention, 16, ones);
    near(nn.dotProductAttention(q, k, v, { mask, scale: 0.3 }), F.attentionMasked, 16, ones);
    const k5 = jnp.slice(k, null, [0, 5]), v5 = jnp.slice(v, null, [0, 5]);
    near(nn.dotProductAttention(q, k5, v5, { isCausal: true }), F.attentionCausal, 16, ones);
    // compiled: the same values, and a gradient
    const att = (qq: Array) => jnp.sum(jnp.multiply(nn.dotProductAttention(qq, k, v, { mask }), v.slice(null, [0, 5]))).item() as number;
    const g = vec(grad(att)(q));
    const qs = vec(q);
    for (const i of [0, 17, 63, 100]) {
      const at = (d: number) => att(jnp.reshape(jnp.array(qs.map((u, j) => (j === i ? u + d : u))), q.shape));
      const fd = (at(1e-2) - at(-1e-2)) / 2e-2;
      expect(Math.abs(g[i] - fd), `element ${i}: ${g[i]} vs ${fd}`).toBeLessThan(3e-3 * Math.max(1, Math.abs(fd)));
    }
    expect(jit((qq: Array) => nn.dotProductAttention(qq, k, v, { isCausal: false }))(q)).toEqual(nn.dotProductAttention(q, k, v));
  });
  it("gelu's exact form runs through erfc (its values and gradients: special.test.ts)", () => {
    const exact = nn.gelu(x, { approximate: false });
    expect(exact.shape).toEqual(x.shape);
    expect(exact).not.toEqual(nn.gelu(x));
  });
});
