// jnp.stack and jnp.concatenate of traced values: each operand gets its slice of the cotangent,
// to second order.
import { describe, expect, it } from "vitest";
import { grad, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const w = jnp.array([[1, 2, 3], [4, 5, 6]]);

describe("stack and concatenate", () => {
  it("stack: the gradient of sum(w * stack([x, 2x, x²])) along axis 1", () => {
    const f = (x: Array) => jnp.sum(jnp.multiply(jnp.stack([x, jnp.multiply(2, x), jnp.square(x)], 1), w));
    const x = jnp.array([0.5, -1.5]);
    // d/dx_i = w[i,0] + 2 w[i,1] + 2 x_i w[i,2]
    expect(grad(f)(x).tolist()).toEqual([1 + 4 + 2 * 0.5 * 3, 4 + 10 + 2 * -1.5 * 6]);
  });
  it("concatenate: pieces of different lengths get their own slices", () => {
    const f = (a: Array, b: Array) => jnp.sum(jnp.multiply(jnp.concatenate([a, jnp.square(b), a]), jnp.array([1, 2, 3, 4, 5, 6])));
    const [ga, gb] = grad(f, { argnums: [0, 1] })(jnp.array([1, 1]), jnp.array([3, -2]));
    expect(ga.tolist()).toEqual([1 + 5, 2 + 6]); // a appears twice
    expect(gb.tolist()).toEqual([2 * 3 * 3, 2 * -2 * 4]);
  });
  it("second order through stack", () => {
    const d1 = grad((x: Array) => jnp.sum(jnp.square(jnp.stack([x, jnp.multiply(x, x)]))));
    const h = grad((x: Array) => jnp.sum(d1(x)));
    // f = Σ x² + x⁴; f' = 2x + 4x³; (Σ f')' = 2 + 12x²
    expect(h(jnp.array([0.5, 2])).tolist()).toEqual([2 + 12 * 0.25, 2 + 12 * 4]);
  });
});
