// jacfwd / jacrev / hessian nested in other transforms: jacfwd(jacrev(f)) and the other orders,
// grad of a function that builds a Jacobian or a Hessian, jvp of a Jacobian, third order. The
// nested passes are IR (transformer/ad/jacobian.ts); checked against hand derivations, against
// the top-level run-time assembly (hessian), and against each other.
import { describe, expect, it } from "vitest";
import { grad, hessian, jacfwd, jacrev, jit, jvp, linearize, numpy as jnp, vjp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, fd1, toVec } from "./fixtures/fd.js";

const F32 = { rtol: 2e-5, atol: 2e-5 };

/** f(x) = Σ x³ + x0·x1 + sin(x2): H = diag(6x) + [[0,1,0],[1,0,0],[0,0,-sin x2 - 6x2 + 6x2]]. */
const cubic = (x: Array) => jnp.add(jnp.add(jnp.sum(jnp.power(x, 3)), jnp.multiply(x.slice(0), x.slice(1))), jnp.sin(x.slice(2)));
const handH = (x: number[]) => [
  [6 * x[0], 1, 0],
  [1, 6 * x[1], 0],
  [0, 0, 6 * x[2] - Math.sin(x[2])],
];

/** A map with a loop and a branch, R³ → R. */
const wiggly = (x: Array) => {
  let s = jnp.multiply(x, 0.5);
  for (let i = 0; i < 3; i++) s = jnp.tanh(jnp.add(s, jnp.multiply(x, i + 1)));
  return (jnp.max(s).item() as number) > 0.5 ? jnp.sum(jnp.multiply(s, s)) : jnp.sum(jnp.multiply(s, x));
};

describe("Jacobians of Jacobians", () => {
  const x = jnp.array([0.3, -0.7, 1.1]);
  it("jacfwd(jacrev(f)) is the hand-derived Hessian, and hessian(f)", () => {
    const H = jacfwd(jacrev(cubic))(x);
    expect(H.shape).toEqual([3, 3]);
    expectVecClose(toVec(H), handH(x.tolist() as number[]).flat(), F32);
    expectVecClose(toVec(H), toVec(hessian(cubic)(x)), F32);
  });
  it("all four orders of composition agree, through a loop and a branch", () => {
    const ref = toVec(hessian(wiggly)(x));
    for (const H of [jacfwd(jacrev(wiggly))(x), jacrev(jacrev(wiggly))(x), jacfwd(jacfwd(wiggly))(x), jacrev(jacfwd(wiggly))(x)]) {
      expect(H.shape).toEqual([3, 3]);
      expectVecClose(toVec(H), ref, F32);
    }
    // and against finite differences of the gradient
    const g = (v: number[]) => toVec(grad(wiggly)(jnp.array(v)));
    const xs = x.tolist() as number[];
    for (let j = 0; j < 3; j++)
      for (let i = 0; i < 3; i++) {
        const d = fd1((h) => g(xs.map((v, k) => (k === j ? h : v)))[i], xs[j]);
        expect(Math.abs(ref[i * 3 + j] - d)).toBeLessThan(2e-2 * (1 + Math.abs(d)));
      }
  });
  it("numbers: jacfwd(jacrev(f)) of number → number is a number", () => {
    const f = (t: number) => Math.sin(t) * t;
    expect(jacfwd(jacrev(f))(0.8)).toBeCloseTo(2 * Math.cos(0.8) - 0.8 * Math.sin(0.8), 12);
    expect(jacrev(jacrev(jacrev(f)))(0.8)).toBeCloseTo(-3 * Math.sin(0.8) - 0.8 * Math.cos(0.8), 12);
  });
  it("third order: jacfwd(jacfwd(jacrev(f))) has shape [3, 3, 3] and the hand-derived entries", () => {
    const T = jacfwd(jacfwd(jacrev(cubic)))(x);
    expect(T.shape).toEqual([3, 3, 3]);
    const v = toVec(T);
    const want = [...globalThis.Array(27).keys()].map((k) => {
      const i = Math.floor(k / 9), j = Math.floor(k / 3) % 3, l = k % 3;
      if (i !== j || j !== l) return 0;
      return i === 2 ? 6 - Math.cos(1.1) : 6;
    });
    expectVecClose(v, want, F32);
  });
  it("jit around and inside: jit(hessian(f)), hessian(jit(f)), jit(jacfwd(jacrev(f)))", () => {
    const ref = toVec(hessian(cubic)(x));
    expectVecClose(toVec(jit(hessian(cubic))(x)), ref, F32);
    expectVecClose(toVec(hessian(jit(cubic))(x)), ref, F32);
    expectVecClose(toVec(jit(jacfwd(jacrev(cubic)))(x)), ref, F32);
  });
  it("a pytree input: jacfwd(jacrev(f)) has hessian's nested layout", () => {
    const f = (p: { a: Array; b: number }) => jnp.sum(jnp.multiply(jnp.square(p.a), p.b));
    const p = { a: jnp.array([1, 2]), b: 3 };
    const H1 = jacfwd(jacrev(f))(p), H2 = hessian(f)(p);
    expect(toVec(H1.a.a)).toEqual(toVec(H2.a.a));
    expect(toVec(H1.a.b)).toEqual([2, 4]);
    expect(toVec(H1.b.a)).toEqual([2, 4]);
    // (an Array output: a 0-d Array block, as hessian gives)
    expect(toVec(H1.b.b)).toEqual([0]);
    expect(toVec(H2.b.b)).toEqual([0]);
    expect(toVec(H1.a.b)).toEqual(toVec(H2.a.b));
    expect(toVec(H1.a.a)).toEqual([6, 0, 0, 6]);
  });
});

describe("transforms of functions that build Jacobians", () => {
  it("grad of the Laplacian (trace of the Hessian): Σ x⁴ → ∇(Σ 12x²) = 24x", () => {
    const f = (x: Array) => jnp.sum(jnp.power(x, 4));
    const lap = (x: Array) => jnp.sum(jnp.multiply(hessian(f)(x), jnp.eye(3)));
    const x = jnp.array([0.5, -1, 2]);
    expect(lap(x).item()).toBeCloseTo(12 * (0.25 + 1 + 4), 4);
    expectVecClose(toVec(grad(lap)(x)), [12, -24, 48], F32);
  });
  it("grad of a loss over a Jacobian (a Jacobian penalty), against finite differences", () => {
    const net = (x: Array) => jnp.tanh(jnp.multiply(x, jnp.array([1, 2, -1])));
    const penalty = (x: Array) => jnp.sum(jnp.square(jacfwd(net)(x)));
    const x = jnp.array([0.1, 0.4, -0.3]);
    const g = toVec(grad(penalty)(x));
    const xs = x.tolist() as number[];
    const num = xs.map((x0, j) => fd1((h) => penalty(jnp.array(xs.map((v, k) => (k === j ? h : v)))).item() as number, x0));
    expectVecClose(g, num, { rtol: 1e-2, atol: 1e-3 });
    // the same through jacrev
    const penalty2 = (x: Array) => jnp.sum(jnp.square(jacrev(net)(x)));
    expectVecClose(toVec(grad(penalty2)(x)), g, F32);
  });
  it("jvp of a gradient's Jacobian: a Hessian-vector product", () => {
    const x = jnp.array([0.3, -0.7, 1.1]);
    const t = jnp.array([1, 2, -1]);
    const g = jacrev(cubic); // (bound first: TypeScript infers a nested generic call's types from the context as any)
    const [, hv] = jvp(g, [x], [t]);
    const H = handH(x.tolist() as number[]);
    expectVecClose(toVec(hv), H.map((r) => r.reduce((a, c, k) => a + c * [1, 2, -1][k], 0)), F32);
  });
});

describe("vjp and linearize inside differentiated code", () => {
  const f = (x: Array) => jnp.multiply(jnp.sin(x), x);
  it("grad of a function that pulls a cotangent back: ∇ₓ ⟨v, J(x)ᵀ c⟩ by hand", () => {
    // g(x) = Σ pullback(c)·w where J = diag(cos x·x + sin x): Σ (x cos x + sin x) c w
    const c = jnp.array([1, -2, 0.5]), w = jnp.array([0.3, 0.1, -1]);
    const g = (x: Array) => {
      const [y, pullback] = vjp(f, x);
      const [xb] = pullback(c);
      return jnp.add(jnp.sum(jnp.multiply(xb, w)), jnp.sum(y));
    };
    const x = jnp.array([0.4, 1.3, -0.8]);
    const xs = x.tolist() as number[], cs = [1, -2, 0.5], ws = [0.3, 0.1, -1];
    // d/dx [(x cos x + sin x) c w + x sin x] = (2 cos x − x sin x) c w + sin x + x cos x
    expectVecClose(toVec(grad(g)(x)), xs.map((v, i) => (2 * Math.cos(v) - v * Math.sin(v)) * cs[i] * ws[i] + Math.sin(v) + v * Math.cos(v)), F32);
    expect(g(x).item()).toBeCloseTo(xs.reduce((a, v, i) => a + (v * Math.cos(v) + Math.sin(v)) * cs[i] * ws[i] + v * Math.sin(v), 0), 5);
  });
  it("a cotangent that depends on the output (⟨y, J⟩: the gradient of ½|f|²), through jvp too", () => {
    const half = (x: Array) => {
      const [y, pullback] = vjp(f, x);
      const [xb] = pullback(y);
      return jnp.sum(xb);
    };
    const x = jnp.array([0.4, 1.3]);
    const xs = x.tolist() as number[];
    // Σ y·y' with y = x sin x: d/dx (y y') = y'² + y y''
    const want = xs.map((v) => {
      const y = v * Math.sin(v), y1 = Math.sin(v) + v * Math.cos(v), y2 = 2 * Math.cos(v) - v * Math.sin(v);
      return y1 * y1 + y * y2;
    });
    expectVecClose(toVec(grad(half)(x)), want, F32);
    const [, t] = jvp(half, [x], [jnp.array([1, 0])]);
    expect(t.item()).toBeCloseTo(want[0], 5);
  });
  it("linearize inside: the returned function called twice, differentiated", () => {
    const g = (x: Array) => {
      const [y, at] = linearize(f, x);
      return jnp.add(jnp.sum(at(jnp.onesLike(x))), jnp.sum(jnp.multiply(at(x), y)));
    };
    const x = jnp.array([0.2, -0.9]);
    const xs = x.tolist() as number[];
    // Σ y' + Σ y'·x·y with y = x sin x
    const val = (v: number) => {
      const y = v * Math.sin(v), y1 = Math.sin(v) + v * Math.cos(v);
      return y1 + y1 * v * y;
    };
    expect(g(x).item()).toBeCloseTo(xs.reduce((a, v) => a + val(v), 0), 5);
    expectVecClose(toVec(grad(g)(x)), xs.map((v) => fd1(val, v)), { rtol: 1e-3, atol: 1e-4 });
  });
});
