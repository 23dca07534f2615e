// The tutorial's numbers, computed by code this suite's vitest compiles through the tsjax plugin.
import { describe, expect, it } from "vitest";
import { grad, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import type { ArrayLike } from "../../runtime/index.js";

const cubic = (x: number) => x ** 3 + 2 * x ** 2 - 3 * x + 1;
const cubicA = (x: ArrayLike) => jnp.add(jnp.subtract(jnp.add(jnp.power(x, 3), jnp.multiply(2, jnp.power(x, 2))), jnp.multiply(3, x)), 1);

describe("tutorial: taking gradients", () => {
  it("grad of tanh to third order, float32 digits", () => {
    expect(String(grad(jnp.tanh)(2.0))).toBe("0.070650816");
    expect(String(grad(grad(jnp.tanh))(2.0))).toBe("-0.13621868");
    expect(String(grad(grad(grad(jnp.tanh)))(2.0))).toBe("0.25265405");
  });
  it("the cubic's four derivatives, on numbers (float64) and on Arrays (float32)", () => {
    const d1 = grad(cubic), d2 = grad(d1), d3 = grad(d2), d4 = grad(d3);
    expect([d1(1.0), d2(1.0), d3(1.0), d4(1.0)]).toEqual([4, 10, 6, 0]);
    expect([d1(-2.5), d2(-2.5), d3(-2.5)]).toEqual([3 * 6.25 - 10 - 3, 6 * -2.5 + 4, 6]);
    const a1 = grad(cubicA), a2 = grad(a1), a3 = grad(a2), a4 = grad(a3);
    expect([a1, a2, a3, a4].map((g) => String(g(1.0)))).toEqual(["4.0", "10.0", "6.0", "0.0"]);
  });
  it("valueAndGrad of a number function", () => {
    expect(valueAndGrad(cubic)(2)).toEqual([8 + 8 - 6 + 1, 12 + 8 - 3]);
  });
});
