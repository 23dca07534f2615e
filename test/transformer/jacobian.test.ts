// vjp, jacfwd, jacrev and hessian: JAX's output layout (out.shape + in.shape, pytrees of
// Jacobians for pytree inputs and outputs, numbers for number by number), against hand
// derivations, finite differences, and each other (forward and reverse Jacobians agree).
import { describe, expect, it } from "vitest";
import { grad, hessian, jacfwd, jacrev, jvp, linearize, numpy as jnp, vjp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, fd1, toVec } from "./fixtures/fd.js";

const F32 = { rtol: 2e-6, atol: 1e-6 };
const EXACT = { rtol: 1e-13, atol: 1e-13 };

/** A map R³ → R² with a loop and a branch. */
const field = (x: Array) => {
  let s = jnp.multiply(x, 0.5);
  for (let i = 0; i < 3; i++) s = jnp.tanh(jnp.add(s, jnp.multiply(x, i + 1)));
  const a = jnp.sum(jnp.multiply(s, x));
  const b = (jnp.max(s).item() as number) > 0.5 ? jnp.prod(x) : jnp.sum(jnp.square(s));
  return jnp.stack([a, b]);
};

describe("vjp", () => {
  it("a pytree output: the pullback takes its cotangent and returns one cotangent per primal", () => {
    const f = (x: number, y: number) => ({ p: x * y, q: [Math.sin(x), y * y] as const });
    const [out, pullback] = vjp(f, 1.5, 2);
    expect(out).toEqual({ p: 3, q: [Math.sin(1.5), 4] });
    expect(pullback({ p: 1, q: [0, 0] })).toEqual([2, 1.5]);
    expect(pullback({ p: 0, q: [1, 1] })).toEqual([Math.cos(1.5), 4]);
    // called again (a loop's tape is rebuilt each call)
    expect(pullback({ p: 2, q: [0, 1] })).toEqual([4, 3 + 4]);
  });
  it("Arrays through a loop: ⟨ct, J·t⟩ = ⟨Jᵀ·ct, t⟩ against jvp", () => {
    const x = jnp.array([0.2, -0.4, 0.7]);
    const [out, pb] = vjp(field, x);
    expect(out.tolist()).toEqual(field(x).tolist());
    const ct = jnp.array([0.3, -1.1]);
    const t = jnp.array([1, 0.5, -2]);
    const [xb] = pb(ct);
    const [, jt] = jvp(field, [x], [t]);
    const lhs = toVec(ct).reduce((a, c, i) => a + c * toVec(jt)[i], 0);
    const rhs = toVec(xb).reduce((a, c, i) => a + c * toVec(t)[i], 0);
    expectVecClose([lhs], [rhs], F32, "⟨ct, Jt⟩ = ⟨Jᵀct, t⟩");
  });
});

describe("jacfwd and jacrev", () => {
  it("R³ → R²: shape [2, 3], forward and reverse agree, columns match finite differences", () => {
    const x = jnp.array([0.2, -0.4, 0.7]);
    const jf = jacfwd(field)(x), jr = jacrev(field)(x);
    expect(jf.shape).toEqual([2, 3]);
    expect(jr.shape).toEqual([2, 3]);
    expectVecClose(toVec(jf), toVec(jr), F32, "jacfwd vs jacrev");
    // column 1 by central differences in float64 of a float32 program: loose
    const h = 1e-2;
    const xp = jnp.array([0.2, -0.4 + h, 0.7]), xm = jnp.array([0.2, -0.4 - h, 0.7]);
    const col = toVec(jnp.divide(jnp.subtract(field(xp), field(xm)), 2 * h));
    expectVecClose([toVec(jf)[1], toVec(jf)[4]], col, { rtol: 2e-3, atol: 2e-3 }, "column 1");
  });
  it("number by number is a number; argnums picks the inputs; a tuple of argnums gives a tuple", () => {
    const f = (x: number, y: number) => x * x * y + Math.exp(y);
    expect(jacfwd(f)(2, 0.5)).toBe(2 * 2 * 0.5);
    expect(jacrev(f, { argnums: 1 })(2, 0.5)).toBeCloseTo(4 + Math.exp(0.5), 14);
    expect(jacfwd(f, { argnums: [0, 1] })(2, 0.5)).toEqual([2, 4 + Math.exp(0.5)]);
  });
  it("pytrees: an output pair of a number and an Array, an input dict", () => {
    const f = (p: { a: number; w: Array }) => [p.a * (jnp.sum(p.w).item() as number), jnp.multiply(p.w, p.a)] as const;
    const p = { a: 2, w: jnp.array([1, 3]) };
    for (const J of [jacfwd(f)(p), jacrev(f)(p)]) {
      // ∂(a Σw)/∂a = Σw = 4, ∂/∂w = [a, a]; ∂(a w)/∂a = w (shape [2]), ∂/∂w = a I (shape [2, 2])
      expect(J[0].a).toBe(4);
      expect(J[0].w.tolist()).toEqual([2, 2]);
      expect(J[1].a.tolist()).toEqual([1, 3]);
      expect(J[1].w.tolist()).toEqual([[2, 0], [0, 2]]);
    }
  });
});

describe("hessian", () => {
  it("of a number function with control flow, symmetric, against differences of the gradient", () => {
    const f = (x: number, y: number) => {
      let s = x * y;
      for (let i = 0; i < 3; i++) s = s > 1 ? Math.sqrt(s) + x : s * y + Math.sin(x);
      return s;
    };
    const H = hessian(f, { argnums: [0, 1] })(0.8, 1.3);
    expectVecClose([H[0][1]], [H[1][0]], EXACT, "symmetric");
    const g = grad(f, { argnums: [0, 1] });
    expectVecClose([H[0][0], H[1][0]], [fd1((u) => g(u, 1.3)[0], 0.8, 1e-5), fd1((u) => g(u, 1.3)[1], 0.8, 1e-5)], { rtol: 1e-7, atol: 1e-8 }, "∂x column");
  });
  it("of Σ x³ over an Array is diag(6x); of a dict parameter it is a nested dict", () => {
    expect(hessian((x: Array) => jnp.sum(jnp.multiply(jnp.square(x), x)))(jnp.array([1, 2])).tolist()).toEqual([[6, 0], [0, 12]]);
    const q = (p: { a: number; b: number }) => p.a * p.a * p.b;
    // [[2b, 2a], [2a, 0]]
    expect(hessian(q)({ a: 3, b: 5 })).toEqual({ a: { a: 10, b: 6 }, b: { a: 6, b: 0 } });
  });
});

describe("linearize", () => {
  it("the linear map at a point, called many times, is linear and equals jvp", () => {
    const f = (x: number, a: Array) => jnp.multiply(jnp.sin(jnp.multiply(a, x)), x);
    const a = jnp.array([0.5, -1.5]);
    const [out, lin] = linearize(f, 1.2, a);
    expect(out.tolist()).toEqual(f(1.2, a).tolist());
    const t1 = lin(1, jnp.zeros([2]));
    const t2 = lin(0, jnp.array([1, 1]));
    const t3 = lin(2, jnp.array([3, 3]));
    expect(t1.tolist()).toEqual(jvp(f, [1.2, a], [1, jnp.zeros([2])])[1].tolist());
    expectVecClose(toVec(t3), toVec(t1).map((v, i) => 2 * v + 3 * toVec(t2)[i]), F32, "linear");
  });
});

describe("a reverse Jacobian of an elementwise output (the IR verifier knows the cotangent's shape)", () => {
  // the suite verifies every transform (TSJAX_VERIFY): the cotangent parameter takes its output's
  // shape, so a gradient shaped like the cotangent times the input checks against the input
  it("jacrev(sin) is diag(cos); vjp(exp)'s pullback of ones is exp", () => {
    const J = jacrev((a: Array) => jnp.sin(a))(jnp.array([1, 2]));
    expect((J.tolist() as number[][]).map((r) => r.map((v) => v + 0))).toEqual([[Math.fround(Math.cos(1)), 0], [0, Math.fround(Math.cos(2))]]);
    const [y, pullback] = vjp((a: Array) => jnp.exp(a), jnp.array([0, 1]));
    expect(pullback(jnp.array([1, 1]))[0].tolist()).toEqual(y.tolist());
  });
});
