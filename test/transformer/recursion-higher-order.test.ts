// Higher-order derivatives through recursion: the halves of a recursive function (forward half
// taping per call, backward half popping) are themselves split again by the next reverse pass,
// over the same tape of calls (its next channel carries the popped values' cotangents back).
// Every expected value is an analytic derivative.
import { describe, expect, it } from "vitest";
import { grad, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import * as __rt from "../../runtime/rt.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, fd1 } from "./fixtures/fd.js";

/** x^n by recursion (n a trip count known only at run time). */
function rpow(x: number, n: number): number {
  return n <= 0 ? 1 : x * rpow(x, n - 1);
}
/** Mutual recursion: even steps multiply by x, odd steps add sin x. */
function ev(x: number, n: number): number {
  return n <= 0 ? x : od(x, n - 1) * x;
}
function od(x: number, n: number): number {
  return n <= 0 ? 1 : ev(x, n - 1) + Math.sin(x);
}
/** Tree recursion: two calls per level (fib-like), weighted. */
function tree(x: number, n: number): number {
  if (n < 2) return n === 0 ? x : x * x;
  return tree(x, n - 1) * 0.5 + Math.sin(tree(x, n - 2));
}
/** A data-dependent base case and a loop inside the recursive function. */
function halve(x: number, depth: number): number {
  let s = 0;
  for (let i = 0; i < 2; i++) s += x * (i + 1);
  if (x < 0.1 || depth > 6) return s;
  return halve(x * 0.5, depth + 1) + Math.tanh(s);
}

/** An Array recursion: x^n elementwise. */
function apow(x: Array, n: number): Array {
  return n <= 0 ? jnp.onesLike(x) : jnp.multiply(x, apow(x, n - 1));
}

const T = { rtol: 1e-12, atol: 1e-12 };

describe("higher order through recursion", () => {
  it("x^n: second and third derivatives exact", () => {
    const d1 = grad(rpow), d2 = grad(d1), d3 = grad(d2);
    for (const n of [0, 1, 2, 5])
      for (const x of [-1.3, 0.7, 2]) {
        expectVecClose([d1(x, n)], [n === 0 ? 0 : n * x ** (n - 1)], T, `d x^${n} at ${x}`);
        expectVecClose([d2(x, n)], [n < 2 ? 0 : n * (n - 1) * x ** (n - 2)], T, `d² x^${n} at ${x}`);
        expectVecClose([d3(x, n)], [n < 3 ? 0 : n * (n - 1) * (n - 2) * x ** (n - 3)], T, `d³ x^${n} at ${x}`);
      }
  });

  it("mutual recursion: ev(x, 3) = x² + x sin x, to second order", () => {
    // ev(x,3) = od(x,2)·x = (ev(x,1) + sin x)·x = ((od(x,0))·x + sin x)·x = x² + x sin x
    // d/dx = 2x + sin x + x cos x; d² = 2 + 2 cos x − x sin x
    const d1 = grad(ev), d2 = grad(d1);
    for (const x of [-0.8, 0.3, 1.7]) {
      expectVecClose([d1(x, 3)], [2 * x + Math.sin(x) + x * Math.cos(x)], T, `ev′(${x})`);
      expectVecClose([d2(x, 3)], [2 + 2 * Math.cos(x) - x * Math.sin(x)], T, `ev″(${x})`);
    }
  });

  it("tree recursion: second order against differences of the (AD) first order", () => {
    const d1 = grad(tree), d2 = grad(d1);
    for (const x of [0.4, 1.1])
      for (const n of [2, 4]) expectVecClose([d2(x, n)], [fd1((v) => d1(v, n), x)], { rtol: 1e-7, atol: 1e-9 }, `tree″(${x}, ${n})`);
    // n = 2: tree = x²/2 + sin x; tree″ = 1 − sin x
    expectVecClose([d2(0.4, 2)], [1 - Math.sin(0.4)], T, "tree″ n=2");
  });

  it("a loop and a data-dependent base case inside the recursion", () => {
    const d1 = grad(halve), d2 = grad(d1);
    for (const x of [0.05, 0.3, 0.9]) {
      expectVecClose([d1(x, 0)], [fd1((v) => halve(v, 0), x)], { rtol: 1e-8, atol: 1e-10 }, `halve′(${x})`);
      expectVecClose([d2(x, 0)], [fd1((v) => d1(v, 0), x)], { rtol: 1e-7, atol: 1e-9 }, `halve″(${x})`);
    }
  });

  it("valueAndGrad of a gradient through recursion, and a mixed partial", () => {
    const f = (x: number, y: number) => rpow(x, 3) * y + rpow(y, 2) * x;
    // ∂x f = 3x² y + y², ∂y∂x f = 3x² + 2y
    const dx = grad(f, { argnums: 0 });
    expect(valueAndGrad(dx, { argnums: 1 })(2, 3)).toEqual([3 * 4 * 3 + 9, 3 * 4 + 6]);
  });

  it("Array recursion (float32): the gradient of Σ ∂(Σ x⁴) is 12 x²", () => {
    const d1 = grad((x: Array) => jnp.sum(apow(x, 4)));
    const d2 = grad((x: Array) => jnp.sum(d1(x)));
    expect(d1(jnp.array([0.5, -2])).tolist()).toEqual([4 * 0.125, 4 * -8]);
    expect(d2(jnp.array([0.5, -2])).tolist()).toEqual([12 * 0.25, 12 * 4]);
  });

  it("a gradient through recursion inlined twice, and the tape of calls ends empty", () => {
    const d1 = grad(rpow);
    // g(x) = d1(x, 3) · d1(2x, 2) = 3x² · 4x = 12x³; g′ = 36x²
    const g = (x: number) => d1(x, 3) * d1(2 * x, 2);
    const dg = grad(g);
    expectVecClose([g(0.7)], [12 * 0.7 ** 3], T, "g");
    expectVecClose([dg(0.7)], [36 * 0.49], T, "g′");
    expect(__rt.tapeStats.left).toBe(0);
  });
});
