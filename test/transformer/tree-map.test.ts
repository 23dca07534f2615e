// tree.map inside compiled code (frontend/tree-calls.ts): f inlined per leaf of a structure known
// at build time, in jit'd steps, under grad and vmap, with several trees and a named function;
// against the same code written leaf by leaf and against hand derivatives.
import { describe, expect, it } from "vitest";
import { grad, jit, valueAndGrad, vmap, numpy as jnp, tree, Array as TArray } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

interface Params {
  W: Array;
  b: Array;
  layers: [Array, Array];
}
const arr = (xs: number[], shape = [xs.length]) => new TArray(Float32Array.from(xs), shape, "float32");
const P: Params = { W: arr([0.5, -1, 2, 0.25], [2, 2]), b: arr([0.1, -0.2]), layers: [arr([1, 2]), arr([3])] };
const G: Params = { W: arr([1, 1, -1, 2], [2, 2]), b: arr([0.5, 0.5]), layers: [arr([-1, 1]), arr([2])] };
const list = (a: Array) => globalThis.Array.from(a.data as Float32Array);

const sgd = (p: Array, g: Array) => jnp.subtract(p, jnp.multiply(0.1, g));
// (a named function given to tree.map, and an inline arrow with three trees)
const stepNamed = jit((p: Params, g: Params) => tree.map(sgd, p, g));
const momentum = jit((p: Params, g: Params, v: Params) => tree.map((pi: Array, gi: Array, vi: Array) => jnp.add(pi, jnp.add(jnp.multiply(0.9, vi), gi)), p, g, v));

describe("tree.map in compiled code", () => {
  it("a jit'd update over a nested pytree equals the run-time tree.map's, leaf by leaf, in the first tree's structure", () => {
    // compiled (not the eager fallback a jit that cannot compile takes): no tree.map in its code
    for (const f of [stepNamed, momentum]) expect(String(f)).toMatch(/__tsjax_rt\.subtract|__tsjax_rt\.add|__tsjax_rt\.fused/);
    for (const f of [stepNamed, momentum]) expect(String(f)).not.toContain("tree.map");
    const got = stepNamed(P, G);
    const want = tree.map(sgd, P, G);
    expect(Object.keys(got)).toEqual(["W", "b", "layers"]);
    expect(got.W.shape).toEqual([2, 2]);
    for (const [g, w] of [[got.W, want.W], [got.b, want.b], [got.layers[0], want.layers[0]], [got.layers[1], want.layers[1]]] as const) expect(list(g)).toEqual(list(w));
    expect(list(got.b)).toEqual([Math.fround(0.1 - Math.fround(0.1 * 0.5)), Math.fround(-0.2 - Math.fround(0.1 * 0.5))]);
  });

  it("three trees through an inline arrow", () => {
    const got = momentum(P, G, G);
    expect(list(got.layers[1])).toEqual([Math.fround(3 + Math.fround(Math.fround(0.9 * 2) + 2))]);
    expect(list(got.W)).toEqual(list(tree.map((p: Array, g: Array) => jnp.add(p, jnp.add(jnp.multiply(0.9, g), g)), P, G).W));
  });

  it("differentiated through: the gradient of Σ over leaves of Σ tanh(p)² is 2·tanh·(1 − tanh²) per leaf", () => {
    const loss = (p: Params) => {
      const sq = tree.map((x: Array) => jnp.square(jnp.tanh(x)), p);
      return jnp.add(jnp.add(jnp.sum(sq.W), jnp.sum(sq.b)), jnp.add(jnp.sum(sq.layers[0]), jnp.sum(sq.layers[1])));
    };
    const g = grad(loss)(P);
    for (const k of ["W", "b"] as const)
      list(g[k]).forEach((v, i) => {
        const t = Math.tanh(list(P[k])[i]);
        expect(v).toBeCloseTo(2 * t * (1 - t * t), 6);
      });
    const t = Math.tanh(3);
    expect(list(g.layers[1])[0]).toBeCloseTo(2 * t * (1 - t * t), 6);
  });

  it("a jit'd training step: valueAndGrad, then tree.map of the update", () => {
    const loss = (p: Params, x: Array) => jnp.sum(jnp.square(jnp.add(jnp.matmul(x, p.W), p.b)));
    const step = jit((p: Params, x: Array) => {
      const [l, g] = valueAndGrad(loss)(p, x);
      return [l, tree.map(sgd, p, g)] as const;
    });
    const x = arr([1, -2, 0.5, 3], [2, 2]);
    expect(String(step)).not.toContain("tree.map");
    const [l, next] = step(P, x);
    const [l2, g2] = valueAndGrad(loss)(P, x);
    expect(l.item()).toBe(l2.item());
    expect(list(next.W)).toEqual(list(sgd(P.W, g2.W)));
    expect(list(next.layers[0])).toEqual(list(sgd(P.layers[0], g2.layers[0])));
  });

  it("under vmap: per-example trees", () => {
    const f = vmap((a: Array, b: Array) => tree.map((u: Array, v: Array) => jnp.multiply(u, v), { a, b }, { a: b, b: a }).a);
    const a = arr([1, 2, 3, 4], [2, 2]), b = arr([5, 6, 7, 8], [2, 2]);
    expect(list(f(a, b))).toEqual([5, 12, 21, 32]);
  });
});
