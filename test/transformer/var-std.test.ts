// var and std in differentiated code: hand-derived gradients (d var/dx = 2(x − mean)/(n − ddof)),
// axes, keepdims, ddof, and second order against finite differences of the first.
import { describe, expect, it } from "vitest";
import { grad, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const x0 = [0.5, -1.25, 2.0, 0.75];
const mean = x0.reduce((a, b) => a + b) / x0.length;

describe("var and std", () => {
  it("grad of var over all elements, with and without ddof", () => {
    const g = grad((x: Array) => jnp.var(x))(jnp.array(x0)).tolist() as number[];
    g.forEach((v, i) => expect(v).toBeCloseTo((2 * (x0[i] - mean)) / 4, 6));
    const g1 = grad((x: Array) => jnp.var(x, null, { ddof: 1 }))(jnp.array(x0)).tolist() as number[];
    g1.forEach((v, i) => expect(v).toBeCloseTo((2 * (x0[i] - mean)) / 3, 6));
  });
  it("grad of std along an axis with keepdims", () => {
    const rows = [[1, 2, 4], [0.5, -1, 3]];
    const g = grad((x: Array) => jnp.sum(jnp.std(x, 1, { keepdims: true })))(jnp.array(rows)).tolist() as number[][];
    rows.forEach((r, i) => {
      const m = r.reduce((a, b) => a + b) / 3;
      const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / 3);
      r.forEach((v, j) => expect(g[i][j]).toBeCloseTo((v - m) / (3 * sd), 5));
    });
  });
  it("second order: the Hessian-vector product of var against finite differences", () => {
    const d = [0.3, -0.2, 0.5, 0.1];
    const hv = grad((x: Array) => jnp.sum(grad((y: Array) => jnp.var(y))(x).mul(jnp.array(d))))(jnp.array(x0)).tolist() as number[];
    // var's Hessian is (2/n)(I − 11ᵀ/n): H·d = (2/n)(d − mean(d))
    const md = d.reduce((a, b) => a + b) / 4;
    hv.forEach((v, i) => expect(v).toBeCloseTo((2 / 4) * (d[i] - md), 5));
  });
});
