// numpy.linalg.solve's derivatives in compiled code: forward mode (jvp), second order (grad of a
// gradient, jvp of a gradient), and cotangents summed back over a batch an operand was broadcast
// along (a batch of matrices with one shared vector b, directly and under vmap), all against
// central differences; compiled values equal eager ones.
import { describe, expect, it } from "vitest";
import { grad, jit, jvp, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, fdGrad } from "./fixtures/fd.js";

const flat = (x: Array) => globalThis.Array.from(x.data as Float32Array, Number);
const seq = (shape: number[], k: number) => jnp.reshape(jnp.sin(jnp.add(jnp.multiply(jnp.arange(shape.reduce((a, b) => a * b, 1)), 0.9), k)), shape);
// (well conditioned: the identity plus a small perturbation)
const A = jnp.add(jnp.multiply(seq([3, 3], 1), 0.3), jnp.eye(3));
const As = jnp.add(jnp.multiply(seq([2, 3, 3], 2), 0.3), jnp.eye(3));
const b = jnp.array([0.5, -1, 2]);
const B = seq([3, 2], 3);
const W = seq([3, 2], 4);
const tol = { rtol: 2e-3, atol: 2e-3 };

describe("solve: forward mode", () => {
  it("jvp in a and in b (vector and matrix right-hand sides) against central differences", () => {
    const [ta, tb, tB] = [seq([3, 3], 5), seq([3], 6), seq([3, 2], 7)];
    const h = 1e-2;
    const cd = (f: (s: number) => Array) => jnp.divide(jnp.subtract(f(h), f(-h)), 2 * h);
    const [y, t] = jvp((a: Array, v: Array) => jnp.linalg.solve(a, v), [A, b], [ta, tb]);
    expect(y).toEqual(jnp.linalg.solve(A, b));
    expectVecClose(flat(t as Array), flat(cd((s) => jnp.linalg.solve(jnp.add(A, jnp.multiply(ta, s)), jnp.add(b, jnp.multiply(tb, s))))), tol);
    const [, t2] = jvp((a: Array) => jnp.linalg.solve(a, B), [A], [ta]);
    expectVecClose(flat(t2 as Array), flat(cd((s) => jnp.linalg.solve(jnp.add(A, jnp.multiply(ta, s)), B))), tol);
  });
});

describe("solve: second order", () => {
  const loss = (a: Array, m: Array) => jnp.sum(jnp.multiply(jnp.linalg.solve(a, m), W)).item() as number;
  it("grad of a gradient (in a, and across a and b) against central differences of the gradient", () => {
    const V = seq([3, 3], 8);
    const h1 = (a: Array) => jnp.sum(jnp.multiply(grad(loss)(a, B), V)).item() as number;
    expectVecClose(flat(grad(h1)(A)), fdGrad(h1, A, { fourPoint: true }), tol);
    const h2 = (m: Array) => jnp.sum(jnp.multiply(grad(loss)(A, m), V)).item() as number;
    expectVecClose(flat(grad(h2)(B)), fdGrad(h2, B, { fourPoint: true }), tol);
  });
  it("forward over reverse: jvp of the gradient", () => {
    const ta = seq([3, 3], 9);
    const g = (a: Array) => grad(loss)(a, B);
    const [, t] = jvp(g, [A], [ta]);
    const h = 1e-2;
    const want = jnp.divide(jnp.subtract(g(jnp.add(A, jnp.multiply(ta, h))), g(jnp.subtract(A, jnp.multiply(ta, h)))), 2 * h);
    expectVecClose(flat(t as Array), flat(want), tol);
  });
});

describe("solve: cotangents of broadcast operands", () => {
  it("a batch of matrices and one shared vector: grad in b sums over the batch", () => {
    const f = (v: Array) => jnp.sum(jnp.multiply(jnp.linalg.solve(As, v), jnp.array([[1, 2, 3], [-1, 0.5, 2]]))).item() as number;
    const g = grad(f)(b);
    expect(g.shape).toEqual([3]);
    expectVecClose(flat(g), fdGrad(f, b, { fourPoint: true }), tol);
    const fa = (a: Array) => jnp.sum(jnp.linalg.solve(a, b)).item() as number;
    expectVecClose(flat(grad(fa)(As)), fdGrad(fa, As, { fourPoint: true }), tol);
  });
  it("grad of vmap with the matrices mapped and b shared (in b and in the matrices), against the loop", () => {
    const total = (v: Array) => jnp.sum(vmap((a: Array) => jnp.linalg.solve(a, v))(As)).item() as number;
    const loop = (v: Array) => (jnp.sum(jnp.linalg.solve(jnp.take(As, 0, 0), v)).item() as number) + (jnp.sum(jnp.linalg.solve(jnp.take(As, 1, 0), v)).item() as number);
    expectVecClose(flat(grad(total)(b)), flat(grad(loop)(b)), { rtol: 1e-6, atol: 1e-6 });
    const totalA = (as: Array) => jnp.sum(vmap((a: Array) => jnp.linalg.solve(a, b))(as)).item() as number;
    const gA = grad(totalA)(As);
    [0, 1].forEach((i) => expectVecClose(flat(jnp.take(gA, i, 0)), flat(grad((a: Array) => jnp.sum(jnp.linalg.solve(a, b)).item() as number)(jnp.take(As, i, 0))), { rtol: 1e-6, atol: 1e-6 }));
  });
  it("vmap of grad and of jvp equal the loop", () => {
    const g = vmap(grad((a: Array, v: Array) => jnp.sum(jnp.linalg.solve(a, v)).item() as number, { argnums: [0, 1] }), [0, null]);
    const [ga, gb] = g(As, b);
    [0, 1].forEach((i) => {
      const [wa, wb] = grad((a: Array, v: Array) => jnp.sum(jnp.linalg.solve(a, v)).item() as number, { argnums: [0, 1] })(jnp.take(As, i, 0), b);
      expect(jnp.take(ga, i, 0)).toEqual(wa);
      expect(jnp.take(gb, i, 0)).toEqual(wb);
    });
  });
});

describe("solve: compiled equals eager", () => {
  it("vector and matrix right-hand sides, a batch of matrices", () => {
    const s = jit((a: Array, v: Array) => jnp.linalg.solve(a, v));
    expect(s(A, b)).toEqual(jnp.linalg.solve(A, b));
    expect(s(A, B)).toEqual(jnp.linalg.solve(A, B));
    expect(s(As, b)).toEqual(jnp.linalg.solve(As, b));
    expect(vmap((a: Array, v: Array) => jnp.linalg.solve(a, v))(As, jnp.stack([b, jnp.negative(b)]))).toEqual(jnp.stack([jnp.linalg.solve(jnp.take(As, 0, 0), b), jnp.linalg.solve(jnp.take(As, 1, 0), jnp.negative(b))]));
  });
});
