// numpy.linalg.multiDot: the order (chainParens) against NumPy's own (test/fixtures/gen_multidot.py
// calls numpy.linalg's _multi_dot_matrix_chain_order and _multi_dot_three), values against
// numpy.linalg.multi_dot, the product equal bit for bit to the explicit products in that order
// (eager and compiled), gradients and a second derivative against central differences, vmap
// against the loop (nested too, and under grad), and the errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, jit, jvp, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { chainParens } from "../../runtime/numpy/multidot.js";
import { expectVecClose, fdGrad } from "./fixtures/fd.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/multidot.json", import.meta.url), "utf8"));
type Enc = { shape: number[]; data: number[] };
const A = (e: Enc) => jnp.reshape(jnp.array(e.data), e.shape);
const flat = (x: Array) => globalThis.Array.from(x.data as Float32Array, Number);
const near = (got: Array, want: Enc) => {
  expect(got.shape).toEqual(want.shape);
  expectVecClose(flat(got), want.data, { rtol: 2e-6, atol: 2e-6 });
};
const chain = (name: string): Array[] => F.chains.find((c: { name: string }) => c.name === name).ops.map(A);
const seq = (shape: number[], k: number) => jnp.reshape(jnp.sin(jnp.add(jnp.multiply(jnp.arange(shape.reduce((a, b) => a * b, 1)), 0.7), k)), shape);

describe("the order is NumPy's", () => {
  for (const o of F.orders as { dims: number[]; parens: string }[])
    it(`dims ${o.dims.join("×")}: ${o.parens}`, () => {
      expect(chainParens(o.dims)).toBe(o.parens);
    });
});

describe("values against numpy.linalg.multi_dot", () => {
  for (const c of F.chains as { name: string; ops: Enc[]; out: Enc }[])
    it(c.name, () => {
      near(jnp.linalg.multiDot(c.ops.map(A)), c.out);
    });
  it("multiplies in the chosen order (eager and jit: the explicit products' bits)", () => {
    const [a, b, c] = chain("matrices (A(BC) best)");
    const [p, q, r] = chain("matrices ((AB)C best)");
    const abc = jnp.matmul(a, jnp.matmul(b, c)), pqr = jnp.matmul(jnp.matmul(p, q), r);
    expect(jnp.linalg.multiDot([a, b, c])).toEqual(abc);
    expect(jnp.linalg.multiDot([p, q, r])).toEqual(pqr);
    const j = jit((x: Array, y: Array, z: Array) => jnp.linalg.multiDot([x, y, z]));
    expect(j(a, b, c)).toEqual(abc);
    expect(j(p, q, r)).toEqual(pqr);
    // five matrices: (A0(A1A2))(A3A4) for shapes 4×3 3×6 6×2 2×5 5×3
    const m = chain("five matrices");
    expect(chainParens([4, 3, 6, 2, 5, 3])).toBe("((A0(A1A2))(A3A4))");
    const want = jnp.matmul(jnp.matmul(m[0], jnp.matmul(m[1], m[2])), jnp.matmul(m[3], m[4]));
    expect(jnp.linalg.multiDot(m)).toEqual(want);
    expect(jit((x0: Array, x1: Array, x2: Array, x3: Array, x4: Array) => jnp.linalg.multiDot([x0, x1, x2, x3, x4]))(m[0], m[1], m[2], m[3], m[4])).toEqual(want);
  });
  it("compiled code gives eager code's values with 1-D ends", () => {
    const [v, b, c] = chain("1-D first");
    expect(jit((x: Array, y: Array, z: Array) => jnp.linalg.multiDot([x, y, z]))(v, b, c)).toEqual(jnp.linalg.multiDot([v, b, c]));
    const [u, p, q, w] = chain("1-D both");
    const both = jit((x0: Array, x1: Array, x2: Array, x3: Array) => jnp.linalg.multiDot([x0, x1, x2, x3]))(u, p, q, w);
    expect(both.shape).toEqual([]);
    expect(both).toEqual(jnp.linalg.multiDot([u, p, q, w]));
  });
});

describe("derivatives", () => {
  const W = seq([4, 3], 9);
  const [a, b, c, d] = [seq([4, 2], 1), seq([2, 6], 2), seq([6, 1], 3), seq([1, 3], 4)];
  const loss = (x0: Array, x1: Array, x2: Array, x3: Array) => jnp.sum(jnp.multiply(jnp.linalg.multiDot([x0, x1, x2, x3]), W)).item() as number;
  it("grad of every operand against central differences", () => {
    const g = grad(loss, { argnums: [0, 1, 2, 3] })(a, b, c, d);
    const want = fdGrad((t: Array[]) => loss(t[0], t[1], t[2], t[3]), [a, b, c, d], { fourPoint: true });
    expectVecClose(g.flatMap(flat), want, { rtol: 1e-3, atol: 1e-4 });
  });
  it("grad with 1-D first and last arrays", () => {
    const [u, p, q, w] = chain("1-D both");
    const f = (x0: Array, x1: Array, x2: Array, x3: Array) => jnp.linalg.multiDot([x0, x1, x2, x3]).item() as number;
    const g = grad(f, { argnums: [0, 1, 2, 3] })(u, p, q, w);
    g.forEach((gi, i) => expect(gi.shape).toEqual([u, p, q, w][i].shape));
    const want = fdGrad((t: Array[]) => f(t[0], t[1], t[2], t[3]), [u, p, q, w], { fourPoint: true });
    expectVecClose(g.flatMap(flat), want, { rtol: 1e-3, atol: 1e-4 });
  });
  it("second order: grad of a gradient, and jvp, against central differences", () => {
    const V = seq([4, 2], 5);
    const quad = (x: Array) => jnp.sum(jnp.multiply(jnp.linalg.multiDot([x, b, jnp.transpose(b), jnp.transpose(x)]), seq([4, 4], 6))).item() as number;
    const h = (x: Array) => jnp.sum(jnp.multiply(grad(quad)(x), V)).item() as number;
    expectVecClose(flat(grad(h)(a)), fdGrad(h, a, { fourPoint: true }), { rtol: 2e-3, atol: 2e-3 });
    const [, t] = jvp((x: Array) => jnp.linalg.multiDot([x, b, c]), [a], [V]);
    const step = 1e-2;
    const fdT = jnp.divide(jnp.subtract(jnp.linalg.multiDot([jnp.add(a, jnp.multiply(V, step)), b, c]), jnp.linalg.multiDot([jnp.subtract(a, jnp.multiply(V, step)), b, c])), 2 * step);
    expectVecClose(flat(t as Array), flat(fdT), { rtol: 1e-3, atol: 1e-4 });
  });
  it("jit of grad equals grad", () => {
    expect(jit(grad(loss, { argnums: [1, 2] }))(a, b, c, d)).toEqual(grad(loss, { argnums: [1, 2] })(a, b, c, d));
  });
});

describe("vmap", () => {
  const at = (x: Array, i: number) => jnp.take(x, i, 0);
  const as = seq([3, 4, 2], 1), b = seq([2, 6], 2), vs = seq([3, 6], 3);
  it("equals the loop: a batched first matrix and a batched 1-D last array, a shared middle", () => {
    const f = (x: Array, y: Array, z: Array) => jnp.linalg.multiDot([x, y, z]);
    expect(vmap(f)(as, jnp.stack([b, b, b]), vs)).toEqual(jnp.stack([0, 1, 2].map((i) => f(at(as, i), b, at(vs, i)))));
    expect(vmap(f, [0, null, 0])(as, b, vs)).toEqual(jnp.stack([0, 1, 2].map((i) => f(at(as, i), b, at(vs, i)))));
    expect(vmap(f, [null, null, 0])(at(as, 0), b, vs)).toEqual(jnp.stack([0, 1, 2].map((i) => f(at(as, 0), b, at(vs, i)))));
  });
  it("nested vmap: each operand batched at a different level", () => {
    const f = (x: Array, y: Array) => jnp.linalg.multiDot([x, b, y]);
    const ys = seq([2, 6, 3], 4);
    const got = vmap((x: Array) => vmap((y: Array) => f(x, y))(ys))(as);
    expect(got.shape).toEqual([3, 2, 4, 3]);
    expect(got).toEqual(jnp.stack([0, 1, 2].map((i) => jnp.stack([0, 1].map((j) => f(at(as, i), at(ys, j)))))));
  });
  it("per-example gradients (vmap of grad) and the gradient of a batched chain (grad of vmap)", () => {
    const loss = (x: Array, z: Array) => jnp.sum(jnp.linalg.multiDot([x, b, z])).item() as number;
    const per = vmap(grad(loss, { argnums: [0, 1] }))(as, vs);
    [0, 1, 2].forEach((i) => {
      const g = grad(loss, { argnums: [0, 1] })(at(as, i), at(vs, i));
      expect(at(per[0], i)).toEqual(g[0]);
      expect(at(per[1], i)).toEqual(g[1]);
    });
    const total = (m: Array) => jnp.sum(vmap((x: Array, z: Array) => jnp.linalg.multiDot([x, m, z]))(as, vs)).item() as number;
    expectVecClose(flat(grad(total)(b)), fdGrad(total, b, { fourPoint: true }), { rtol: 1e-3, atol: 1e-4 });
  });
});

describe("bad input names the function, the argument and the shapes", () => {
  it("eager", () => {
    const m = jnp.ones([2, 3]);
    expect(() => jnp.linalg.multiDot([m])).toThrow(/multiDot: needs a list of at least two arrays, got 1/);
    expect(() => jnp.linalg.multiDot([m, jnp.ones([3, 2, 2]), m])).toThrow(/multiDot: arrays\[1\] must be 2-D, got shape \(3, 2, 2\)/);
    expect(() => jnp.linalg.multiDot([jnp.ones([2, 2, 3]), jnp.ones([3, 2])])).toThrow(/multiDot: the first array must be 1-D or 2-D, got shape \(2, 2, 3\)/);
    expect(() => jnp.linalg.multiDot([m, jnp.array(2)])).toThrow(/multiDot: the last array must be 1-D or 2-D, got shape \(\)/);
    expect(() => jnp.linalg.multiDot([m, jnp.ones([2, 4]), jnp.ones([4])])).toThrow(/multiDot: arrays\[0\] of shape \(2, 3\) and arrays\[1\] of shape \(2, 4\) do not chain \(3 ≠ 2/);
  });
  it("compiled", () => {
    const j = jit((x: Array, y: Array, z: Array) => jnp.linalg.multiDot([x, y, z]));
    expect(() => j(jnp.ones([2, 3]), jnp.ones([3]), jnp.ones([3]))).toThrow(/multiDot: arrays\[1\] must be 2-D, got shape \(3,\)/);
    expect(() => j(jnp.ones([2, 3]), jnp.ones([4, 3]), jnp.ones([3]))).toThrow(/multiDot: arrays\[0\] of shape \(2, 3\) and arrays\[1\] of shape \(4, 3\) do not chain/);
  });
});
