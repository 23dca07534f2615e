// einsum: values against numpy.einsum (test/fixtures/gen_einsum.py: batched matmul, matrix-vector,
// transposes, full and partial sums, outer and inner products, implicit mode, size-1 broadcast),
// gradients against the hand rules they reduce to, vmap, and the errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/einsum.json", import.meta.url), "utf8"));
type Enc = { shape: number[]; data: number[] };
const A = (e: Enc) => jnp.reshape(jnp.array(e.data), e.shape);
const near = (got: Array, want: Enc) => {
  expect(got.shape).toEqual(want.shape);
  const g = globalThis.Array.from(got.data as Float32Array, Number);
  g.forEach((v, i) => expect(Math.abs(v - want.data[i]), `element ${i}`).toBeLessThanOrEqual(4e-6 * Math.max(1, Math.abs(want.data[i]))));
};

describe("einsum against numpy", () => {
  for (const c of F.cases as { spec: string; ops: Enc[]; out: Enc }[])
    it(c.spec, () => {
      near(jnp.einsum(c.spec, ...c.ops.map(A)), c.out);
    });
  it("says what it does not support", () => {
    const m = jnp.ones([2, 2]);
    expect(() => jnp.einsum("ii->i", m)).toThrow(/repeated within one operand/);
    expect(() => jnp.einsum("...i->i", m)).toThrow(/ellipses/);
    expect(() => jnp.einsum("ij,jk->ik", m, jnp.ones([3, 2]))).toThrow(/label 'j' has size 2 and 3/);
  });
});

const m = jnp.array([[1, 2, 3], [4, 5, 6]]);
const v = jnp.array([0.5, -1, 2]);
describe("compiled einsum", () => {
  it("gradients: of a matrix-vector product, a trace-free sum, an outer product", () => {
    const mv = (a: Array, b: Array) => jnp.sum(jnp.multiply(jnp.einsum("ij,j->i", a, b), jnp.array([1, 10]))).item() as number;
    const [ga, gb] = grad(mv, { argnums: [0, 1] })(m, v);
    expect(ga.tolist()).toEqual([[0.5, -1, 2], [5, -10, 20]]);
    expect(gb.tolist()).toEqual([41, 52, 63]);
    // a label summed away in one operand comes back as a broadcast
    expect(grad((a: Array) => jnp.einsum("ij->", a).item() as number)(m).tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    const op = (a: Array) => jnp.sum(jnp.multiply(jnp.einsum("i,j->ij", a, a), jnp.reshape(jnp.arange(9), [3, 3]))).item() as number;
    // d/da_k sum_ij a_i a_j W_ij = sum_j a_j (W_kj + W_jk)
    const W = [[0, 1, 2], [3, 4, 5], [6, 7, 8]];
    const want = [0, 1, 2].map((k) => [0, 1, 2].reduce((s, j) => s + (v.tolist() as number[])[j] * (W[k][j] + W[j][k]), 0));
    expect(grad(op)(v).tolist()).toEqual(want);
  });
  it("vmap adds a label of its own", () => {
    const f = (a: Array, b: Array) => jnp.einsum("ij,j->i", a, b);
    const ms = jnp.stack([m, jnp.multiply(m, 2)]);
    expect(vmap(f, [0, null])(ms, v)).toEqual(jnp.stack([f(m, v), f(jnp.multiply(m, 2), v)]));
    const imp = (a: Array) => jnp.einsum("ij,jk", a, jnp.transpose(a));
    expect(vmap(imp)(ms)).toEqual(jnp.stack([imp(m), imp(jnp.multiply(m, 2))]));
  });
});
