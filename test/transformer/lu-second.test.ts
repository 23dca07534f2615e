// lax.linalg.lu's second derivative: its rule is JAX's lu_jvp_rule written in differentiable
// primitives (transformer/prims/lu-parts.ts), so grad of a gradient, forward over reverse and
// vmap of it work; checked against central differences of the compiled first derivative for
// square, wide and tall matrices (pivots fixed near the point: lu is smooth there).
import { describe, expect, it } from "vitest";
import { grad, jvp, vmap, lax, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, fdGrad } from "./fixtures/fd.js";

const flat = (x: Array) => globalThis.Array.from(x.data as Float32Array, Number);
const seq = (shape: number[], k: number) => jnp.reshape(jnp.sin(jnp.add(jnp.multiply(jnp.arange(shape.reduce((a, b) => a * b, 1)), 1.3), k)), shape);
const tol = { rtol: 3e-3, atol: 3e-3 };

describe("lu: second order", () => {
  for (const [name, shape] of [["square", [3, 3]], ["wide", [3, 4]], ["tall", [4, 3]]] as const) {
    const a = jnp.add(seq([...shape], 1), jnp.multiply(jnp.eye(shape[0], shape[1]), 2));
    const W = seq([...shape], 2), V = seq([...shape], 3);
    const f = (m: Array) => jnp.sum(jnp.multiply(lax.linalg.lu(m)[0], W)).item() as number;
    it(`${name}: grad of a gradient against central differences of the gradient`, () => {
      const h = (m: Array) => jnp.sum(jnp.multiply(grad(f)(m), V)).item() as number;
      expectVecClose(flat(grad(h)(a)), fdGrad(h, a, { fourPoint: true, eps: 1e-2 }), tol);
    });
    it(`${name}: forward over reverse equals reverse over reverse (the Hessian is symmetric)`, () => {
      const [, t] = jvp((m: Array) => grad(f)(m), [a], [V]);
      const h = (m: Array) => jnp.sum(jnp.multiply(grad(f)(m), V)).item() as number;
      expectVecClose(flat(t as Array), flat(grad(h)(a)), { rtol: 1e-4, atol: 1e-4 });
    });
  }
  it("vmap of a second derivative equals the loop", () => {
    const W = seq([3, 3], 4), V = seq([3, 3], 5);
    const h = (m: Array) => jnp.sum(jnp.multiply(grad((x: Array) => jnp.sum(jnp.multiply(lax.linalg.lu(x)[0], W)).item() as number)(m), V)).item() as number;
    const as = jnp.stack([jnp.add(seq([3, 3], 6), jnp.multiply(jnp.eye(3), 2)), jnp.add(seq([3, 3], 7), jnp.multiply(jnp.eye(3), 2))]);
    const got = vmap(grad(h))(as);
    [0, 1].forEach((i) => expectVecClose(flat(jnp.take(got, i, 0)), flat(grad(h)(jnp.take(as, i, 0))), { rtol: 1e-5, atol: 1e-5 }));
  });
  it("the first derivative is unchanged: the kernels' values (JAX's rule) for a batch", () => {
    const W = seq([2, 3, 3], 8);
    const as = jnp.add(seq([2, 3, 3], 9), jnp.multiply(jnp.eye(3), 2));
    const f = (m: Array) => jnp.sum(jnp.multiply(lax.linalg.lu(m)[0], W)).item() as number;
    expectVecClose(flat(grad(f)(as)), fdGrad(f, as, { fourPoint: true, eps: 1e-2 }), tol);
    expect(grad(f)(as).shape).toEqual([2, 3, 3]);
  });
});
