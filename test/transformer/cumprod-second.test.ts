// cumprod's second derivative (runtime/numpy/cumprod-grad2.ts): grad of a gradient, forward over
// reverse, reverse over forward and vmap of a second derivative, on inputs with zeros, against
// central differences of the compiled first derivatives (cumprod is a polynomial: the differences
// are exact up to rounding), and float64 sums written out by hand.
import { describe, expect, it } from "vitest";
import { grad, jvp, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, fdGrad } from "./fixtures/fd.js";

const flat = (x: Array) => globalThis.Array.from(x.data as Float32Array, Number);
const X = jnp.array([[1.5, -0.5, 2], [0, 1.25, -1], [0.75, 0, 0.5], [2, -1.5, 0]]);
const W = jnp.array([[1, -2, 0.5], [0.25, 1, -1], [2, 0.5, 1], [-1, 1.5, 0.75]]);
const V = jnp.array([[0.5, 1, -1], [1, -0.25, 2], [-1.5, 0.5, 1], [0.25, 2, -0.5]]);
const f0 = (x: Array) => jnp.sum(jnp.multiply(jnp.cumprod(x, 0), W)).item() as number;
const f1 = (x: Array) => jnp.sum(jnp.multiply(jnp.cumprod(x, 1), W)).item() as number;
const fFlat = (x: Array) => jnp.sum(jnp.multiply(jnp.reshape(jnp.cumprod(x), [4, 3]), W)).item() as number;
const tol = { rtol: 1e-3, atol: 1e-3 };

describe("cumprod's second derivative", () => {
  it("grad of a gradient, along each axis and flattened, through zeros", () => {
    const h0 = (x: Array) => jnp.sum(jnp.multiply(grad(f0)(x), V)).item() as number;
    expectVecClose(flat(grad(h0)(X)), fdGrad(h0, X, { fourPoint: true }), tol);
    const h1 = (x: Array) => jnp.sum(jnp.multiply(grad(f1)(x), V)).item() as number;
    expectVecClose(flat(grad(h1)(X)), fdGrad(h1, X, { fourPoint: true }), tol);
    const hf = (x: Array) => jnp.sum(jnp.multiply(grad(fFlat)(x), V)).item() as number;
    expectVecClose(flat(grad(hf)(X)), fdGrad(hf, X, { fourPoint: true }), tol);
  });
  it("a Hessian entry written out: ∂²/∂x0∂x2 of Σ_i w_i·x0⋯x_i on a line with a zero", () => {
    // x = [2, 0, 3, 5], w = [1, 1, 1, 1]: ∂²y/∂x0∂x2 = Σ_{i≥2} Π_{m≤i, m∉{0,2}} x_m = x1 + x1·x3 = 0
    // ∂²/∂x0∂x1 = Σ_{i≥1} Π_{m≤i, m∉{0,1}} x_m = 1 + 3 + 15 = 19
    const x = jnp.array([2, 0, 3, 5]);
    const g = (v: Array) => jnp.sum(jnp.cumprod(v, 0)).item() as number;
    const row0 = grad((v: Array) => (jnp.take(grad(g)(v), 0, 0).item() as number))(x);
    expect(row0.tolist()).toEqual([0, 19, 0, 0]);
  });
  it("forward over reverse and reverse over forward", () => {
    const [, t] = jvp((x: Array) => grad(f0)(x), [X], [V]);
    const h0 = (x: Array) => jnp.sum(jnp.multiply(grad(f0)(x), V)).item() as number;
    // (the Hessian is symmetric: Hv = ∇(v·∇f))
    expectVecClose(flat(t as Array), flat(grad(h0)(X)), { rtol: 1e-5, atol: 1e-5 });
    const d = (x: Array) => (jvp(f1, [x], [V])[1] as number);
    const h1 = (x: Array) => jnp.sum(jnp.multiply(grad(f1)(x), V)).item() as number;
    expectVecClose(flat(grad(d)(X)), flat(grad(h1)(X)), { rtol: 1e-5, atol: 1e-5 });
  });
  it("vmap of a second derivative equals the loop", () => {
    const h = (x: Array) => jnp.sum(jnp.multiply(grad((v: Array) => jnp.sum(jnp.multiply(jnp.cumprod(v, 0), jnp.array([1, -1, 2]))).item() as number)(x), jnp.array([0.5, 1, -2]))).item() as number;
    const hv = vmap(grad(h));
    const got = hv(X);
    [0, 1, 2, 3].forEach((i) => expect(jnp.take(got, i, 0)).toEqual(grad(h)(jnp.take(X, i, 0))));
  });
});
