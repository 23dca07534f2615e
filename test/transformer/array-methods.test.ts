// map, reduce and forEach with inline callbacks: unrolled over tuples, loops over local arrays
// (run-time length), callbacks that assign the caller's variables; first and second order, and
// forward mode.
import { describe, expect, it } from "vitest";
import { grad, jvp, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const sumSquares = (x: number, y: number) => {
  const t = [x, y, x * y] as const;
  return t.map((v) => v * v).reduce((a, b) => a + b, 0);
};
const weighted = (x: number, n: number) => {
  const v: number[] = [];
  for (let i = 0; i < n; i++) v.push(x * (i + 1));
  const w = v.map((a) => a * a);
  return w.reduce((s, a, i) => s + a * i, 0);
};
const visit = (x: number) => {
  const v: number[] = [x, 2 * x, 3];
  let s = 0;
  v.forEach((a, i) => {
    s += a * a * (i + 1);
  });
  return s;
};

describe("array methods with callbacks", () => {
  it("over a tuple (unrolled): x² + y² + x²y²", () => {
    expect(valueAndGrad(sumSquares, { argnums: [0, 1] })(2, 3)).toEqual([49, [4 + 2 * 2 * 9, 6 + 2 * 3 * 4]]);
  });
  it("over a local array of run-time length: Σ i (x (i+1))²", () => {
    // n = 3: x²(0·1 + 1·4 + 2·9) = 22x²; d/dx = 44x; d² = 44
    expect(valueAndGrad(weighted)(1.5, 3)).toEqual([22 * 2.25, 44 * 1.5]);
    expect(grad(grad(weighted))(1.5, 3)).toBe(44);
    expect(jvp(weighted, [1.5, 3], [1, 0])).toEqual([22 * 2.25, 44 * 1.5]);
  });
  it("forEach whose callback assigns the caller's variable", () => {
    // x² + 8x² + 27; d/dx = 18x
    expect(valueAndGrad(visit)(1.5)).toEqual([47.25, 27]);
  });
  it("with Arrays: the sum of tanh over a tuple of layers", () => {
    const f = (ws: [Array, Array], x: Array) => ws.map((w) => jnp.sum(jnp.tanh(jnp.multiply(w, x)))).reduce((a, b) => jnp.add(a, b));
    const [g0, g1] = grad(f)([jnp.array([0.5]), jnp.array([-1])], jnp.array([2]));
    const sech2 = (z: number) => 1 - Math.tanh(z) ** 2;
    expect(g0.item()).toBeCloseTo(2 * sech2(1), 6);
    expect(g1.item()).toBeCloseTo(2 * sech2(-2), 6);
  });
});
