// Parameters typed number[] and Array[]: run-time lists, differentiated like local arrays; the
// gradient is a list as long as the argument (zeros where nothing flowed), and so is a tangent.
import { describe, expect, it } from "vitest";
import { grad, jacfwd, jvp, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

function sumSq(v: number[]): number {
  let s = 0;
  for (const x of v) s += x * x;
  return s;
}
/** A weighted running product that writes into a local copy and reads by index. */
function running(v: number[], w: number): number {
  const acc: number[] = [];
  let p = 1;
  for (let i = 0; i < v.length; i++) {
    p = p * v[i] + w;
    acc.push(p);
  }
  return acc[acc.length - 1] + (v.length > 2 ? v[2] * w : 0);
}

describe("number[] parameters", () => {
  it("the gradient is a list of the argument's length", () => {
    expect(valueAndGrad(sumSq)([1, -2, 3])).toEqual([14, [2, -4, 6]]);
    expect(grad(sumSq)([])).toEqual([]);
  });
  it("elements nothing reads get zeros; argnums over a list and a number", () => {
    const firstTwo = (v: number[]) => v[0] * v[1];
    expect(grad(firstTwo)([3, 4, 5, 6])).toEqual([4, 3, 0, 0]);
    // running([a, b, c], w): p1 = a + w, p2 = p1 b + w, p3 = p2 c + w; result p3 + c w
    const [gv, gw] = grad(running, { argnums: [0, 1] })([2, 3, 0.5], 0.25);
    const [a, b, c, w] = [2, 3, 0.5, 0.25];
    expect(gv).toEqual([b * c, (a + w) * c, (a + w) * b + w + w]);
    expect(gw).toBeCloseTo(b * c + c + 1 + c, 14);
  });
  it("second order and jvp with a list tangent (the tangent array is not written to)", () => {
    // Hessian of Σ v² along e₁ is 2e₁
    const h1 = grad((v: number[]) => grad(sumSq)(v)[1]);
    expect(h1([1, 2, 3])).toEqual([0, 2, 0]);
    const t = [1, 0.5, 0];
    const [y, dy] = jvp(running, [[2, 3, 0.5], 0.25], [t, 0]);
    expect(y).toBe(running([2, 3, 0.5], 0.25));
    expect(dy).toBeCloseTo(3 * 0.5 * 1 + 2.25 * 0.5 * 0.5, 14);
    expect(t).toEqual([1, 0.5, 0]);
    expect(jacfwd(sumSq)([1, 2])).toEqual([2, 4]);
  });
});

describe("Array[] parameters and lists inside pytrees", () => {
  it("a list of weight Arrays", () => {
    const f = (ws: Array[], x: Array) => {
      let h = x;
      for (const w of ws) h = jnp.tanh(jnp.multiply(w, h));
      return jnp.sum(h);
    };
    const ws = [jnp.array([0.5, 1]), jnp.array([2, -1])];
    const g = grad(f)(ws, jnp.array([1, 1]));
    expect(g).toHaveLength(2);
    // check one entry against central differences
    const h = 1e-3;
    const bump = (d: number) => f([jnp.array([0.5 + d, 1]), ws[1]], jnp.array([1, 1])).item() as number;
    expect((g[0].tolist() as number[])[0]).toBeCloseTo((bump(h) - bump(-h)) / (2 * h), 3);
  });
  it("{ xs: number[]; k: number }", () => {
    const f = (p: { xs: number[]; k: number }) => p.k * sumSq(p.xs);
    expect(grad(f)({ xs: [1, 2], k: 3 })).toEqual({ xs: [6, 12], k: 5 });
  });
});

describe("Record<string, Array> parameters", () => {
  it("fields read by name and by a run-time key; the gradient has the same keys", () => {
    const layers = ["a", "b"];
    const f = (p: Record<string, Array>, x: Array) => {
      let h = jnp.multiply(p.a, x);
      for (const k of layers) h = jnp.tanh(jnp.add(h, p[k]));
      return jnp.sum(jnp.multiply(h, p["b"]));
    };
    const p = { a: jnp.array([0.5, -1]), b: jnp.array([0.25, 2]) };
    const x = jnp.array([1, 3]);
    const g = grad(f)(p, x);
    expect(Object.keys(g).sort()).toEqual(["a", "b"]);
    const h = 1e-3;
    const bump = (d: number) => f({ a: jnp.array([0.5, -1 + d]), b: p.b }, x).item() as number;
    expect((g.a.tolist() as number[])[1]).toBeCloseTo((bump(h) - bump(-h)) / (2 * h), 3);
    // keys nothing reads get zeros
    const only = grad((q: Record<string, number>) => q.w * q.w)({ w: 3, unused: 1 });
    expect(only).toEqual({ w: 6, unused: 0 });
  });
});
