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
    expect(() => jnp.einsum("ij->i", jnp.ones([2, 3, 4]))).toThrow(/operand 0 has shape \(2, 3, 4\) but "ij" names 2 axes/);
    expect(() => jnp.einsum("...i->i", m)).toThrow(/the output of "...i->i" must name "..." as its operands do/);
    expect(() => jnp.einsum("i->...i", jnp.ones([2]))).toThrow(/names "...", but no operand does/);
    expect(() => jnp.einsum("ij...k->...i", jnp.ones([2]))).toThrow(/names 3 axes besides "..."/);
    expect(() => jnp.einsum("ii->i", jnp.ones([2, 3]))).toThrow(/label 'i' of operand 0 is repeated on axes of sizes 2 and 3/);
    expect(() => jnp.einsum("i.j..->i", m)).toThrow(/at most one "..."/);
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

describe("compiled einsum: ellipses, diagonals, three and more operands", () => {
  const seq = (shape: number[], k: number) => jnp.reshape(jnp.multiply(jnp.sin(jnp.add(jnp.arange(shape.reduce((a, b) => a * b, 1)), k)), 1.5), shape);
  /** Central differences of a scalar function of one Array (float32 steps of 1e-2). */
  const fd = (f: (a: Array) => number, a: Array) =>
    (a.data as Float32Array).reduce((out: number[], _, i) => {
      const at = (h: number) => {
        const d = new Float32Array(a.data as Float32Array);
        d[i] += h;
        return f(jnp.reshape(jnp.array(globalThis.Array.from(d)), a.shape));
      };
      out.push((at(1e-2) - at(-1e-2)) / 2e-2);
      return out;
    }, []);
  const close = (got: Array, want: number[]) => (got.data as Float32Array).forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(want[i]))));
  const a = seq([2, 3, 3], 1), b = seq([3, 4], 2), c = seq([4, 2], 3);
  const w = seq([2, 3], 4);
  it("gradients by finite differences: '...ij,jk->...ik', 'bii,bi->b', 'ij,jk,kl->il', 'ii'", () => {
    const f1 = (x: Array) => jnp.sum(jnp.multiply(jnp.einsum("...ij,jk->...ik", x, b), seq([2, 3, 4], 5))).item() as number;
    close(grad(f1)(a), fd(f1, a));
    const f2 = (x: Array) => jnp.sum(jnp.multiply(jnp.einsum("bii,bi->b", x, w), jnp.array([1, -2]))).item() as number;
    close(grad(f2)(a), fd(f2, a));
    const f3 = (x: Array) => jnp.sum(jnp.multiply(jnp.einsum("ij,jk,kl->il", jnp.reshape(x, [6, 3]), b, c), seq([6, 2], 6))).item() as number;
    close(grad(f3)(a), fd(f3, a));
    const f4 = (x: Array) => (jnp.einsum("ii", x.slice(1)).item() as number) ** 2;
    close(grad(f4)(a), fd(f4, a));
  });
  it("compiled values equal eager ones; vmap of a three-operand einsum and of a diagonal", () => {
    const g3 = (x: Array, y: Array) => jnp.einsum("ij,jk,k->i", x, y, jnp.array([1, 2, 3, 4]));
    const xs = seq([5, 2, 3], 7);
    const loop = jnp.stack([0, 1, 2, 3, 4].map((i) => g3(xs.slice(i), b)));
    expect(vmap(g3, [0, null])(xs, b)).toEqual(loop);
    const d = (x: Array) => jnp.einsum("...ii->...i", x);
    expect(vmap(d)(a)).toEqual(jnp.stack([d(a.slice(0)), d(a.slice(1))]));
    expect(d(a).tolist()).toEqual([0, 1].map((k) => [0, 1, 2].map((i) => (a.tolist() as number[][][])[k][i][i])));
  });
});
