// stopGradient (JAX's lax.stop_gradient): the value, with a zero derivative, for numbers, Arrays
// and pytrees, at any order and through control flow.
import { describe, expect, it } from "vitest";
import { grad, numpy as jnp, stopGradient, valueAndGrad } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

describe("stopGradient", () => {
  it("x · sg(x): value x², derivative x (not 2x)", () => {
    expect(valueAndGrad((x: number) => x * stopGradient(x))(3)).toEqual([9, 3]);
  });
  it("on Arrays: the straight-through estimator x + sg(round(x) − x) has derivative 1", () => {
    const f = (x: Array) => jnp.sum(jnp.add(x, stopGradient(jnp.subtract(jnp.floor(jnp.add(x, 0.5)), x))));
    const [v, g] = valueAndGrad(f)(jnp.array([0.2, 1.7, -0.6]));
    expect(v.item()).toBe(0 + 2 - 1);
    expect(g.tolist()).toEqual([1, 1, 1]);
  });
  it("on a pytree: each leaf stops", () => {
    const f = (p: { a: number; b: number }) => {
      const q = stopGradient({ a: p.a * p.b, b: p.b });
      return q.a * p.a + q.b * p.b;
    };
    // ∂/∂a = q.a = ab; ∂/∂b = q.b = b
    expect(grad(f)({ a: 2, b: 5 })).toEqual({ a: 10, b: 5 });
  });
  it("second order, and inside a loop", () => {
    // f = x² · sg(x): f′ = 2x·x (sg(x) = x as a value), f″ = 2x
    const f = (x: number) => x * x * stopGradient(x);
    expect(grad(f)(3)).toBe(18);
    expect(grad(grad(f))(3)).toBe(6);
    const g = (x: number) => {
      let s = 1;
      for (let i = 0; i < 3; i++) s = stopGradient(s) * x;
      return s;
    };
    // s₃ = sg(s₂)·x: derivative s₂ = x² = 4 at x = 2
    expect(valueAndGrad(g)(2)).toEqual([8, 4]);
  });
  it("outside a differentiated function it is the identity", () => {
    expect(stopGradient(3)).toBe(3);
    const a = jnp.array([1, 2]);
    expect(stopGradient(a)).toBe(a);
  });
});
