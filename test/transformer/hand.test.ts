// Hand-derived gradients: every expected value below is worked out on paper (closed forms), and
// the code under test is compiled by the tsjax plugin exactly as a user's would be.
import { describe, expect, it } from "vitest";
import { grad, jit, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import type { Array, ArrayLike } from "../../runtime/index.js";
import { expectArr, expectNum } from "./fixtures/check.js";
import { poly, polyTimes, SCALE, weightedTanh, WEIGHTS } from "./fixtures/helpers.js";

const c = 1.5; // a captured constant

describe("number code (float64): polynomials and Math.*", () => {
  it("polynomial", () => {
    const f = (x: number) => 3 * x ** 4 - 2 * x ** 3 + x - 7;
    const df = grad(f);
    expect(df(2)).toBe(12 * 8 - 6 * 4 + 1);
    expect(df(-1)).toBe(-12 - 6 + 1);
    expect(df(0)).toBe(1);
  });

  it("exp, log, sqrt", () => {
    expectNum(grad((x: number) => Math.exp(2 * x))(0.3), 2 * Math.exp(0.6));
    expectNum(grad((x: number) => Math.log(x * x + 1))(1.7), (2 * 1.7) / (1.7 * 1.7 + 1));
    expectNum(grad((x: number) => Math.sqrt(x))(6.25), 1 / (2 * 2.5));
    expectNum(grad((x: number) => Math.log1p(x) + Math.expm1(x))(0.4), 1 / 1.4 + Math.exp(0.4));
  });

  it("sin, cos, tan, tanh", () => {
    const x = 0.7;
    expectNum(grad((x: number) => Math.sin(x))(x), Math.cos(x));
    expectNum(grad((x: number) => Math.cos(x))(x), -Math.sin(x));
    expectNum(grad((x: number) => Math.tan(x))(x), 1 / Math.cos(x) ** 2, 1e-14);
    expectNum(grad((x: number) => Math.tanh(x))(x), 1 - Math.tanh(x) ** 2, 1e-14);
    expectNum(grad((x: number) => Math.sin(x) * Math.cos(x))(x), Math.cos(2 * x), 1e-14);
  });

  it("inverse and hyperbolic functions", () => {
    const x = 0.3;
    expectNum(grad((x: number) => Math.asin(x))(x), 1 / Math.sqrt(1 - x * x));
    expectNum(grad((x: number) => Math.acos(x))(x), -1 / Math.sqrt(1 - x * x));
    expectNum(grad((x: number) => Math.atan(x))(x), 1 / (1 + x * x));
    expectNum(grad((x: number) => Math.sinh(x))(x), Math.cosh(x));
    expectNum(grad((x: number) => Math.cosh(x))(x), Math.sinh(x));
  });

  it("atan2 in both arguments", () => {
    const [y, x] = [1.2, -0.5];
    const r2 = x * x + y * y;
    const [gy, gx] = grad((y: number, x: number) => Math.atan2(y, x), { argnums: [0, 1] })(y, x);
    expectNum(gy, x / r2);
    expectNum(gx, -y / r2);
  });

  it("Math.pow and ** in both arguments", () => {
    const [x, y] = [1.8, 2.3];
    const [gx, gy] = grad((x: number, y: number) => Math.pow(x, y), { argnums: [0, 1] })(x, y);
    expectNum(gx, y * x ** (y - 1), 1e-14);
    expectNum(gy, Math.log(x) * x ** y, 1e-14);
    const [hx, hy] = grad((x: number, y: number) => x ** y, { argnums: [0, 1] })(x, y);
    expectNum(hx, y * x ** (y - 1), 1e-14);
    expectNum(hy, Math.log(x) * x ** y, 1e-14);
    // constant exponents: x**3 → 3x²; x**-1 → -1/x²; x**0.5 → 0.5/√x
    expect(grad((x: number) => x ** 3)(2)).toBe(12);
    expectNum(grad((x: number) => x ** -1)(4), -1 / 16);
    expectNum(grad((x: number) => x ** 0.5)(4), 0.25);
  });

  it("hypot", () => {
    const [gx, gy, gz] = grad((x: number, y: number, z: number) => Math.hypot(x, y, z), { argnums: [0, 1, 2] })(2, 3, 6);
    expectNum(gx, 2 / 7);
    expectNum(gy, 3 / 7);
    expectNum(gz, 6 / 7);
  });

  it("Math.max / Math.min, with JAX's tie rule (each side gets half)", () => {
    const mx = grad((x: number, y: number) => Math.max(x, y), { argnums: [0, 1] });
    const mn = grad((x: number, y: number) => Math.min(x, y), { argnums: [0, 1] });
    expect(mx(3, 1)).toEqual([1, 0]);
    expect(mx(1, 3)).toEqual([0, 1]);
    expect(mx(2, 2)).toEqual([0.5, 0.5]);
    expect(mn(3, 1)).toEqual([0, 1]);
    expect(mn(1, 3)).toEqual([1, 0]);
    expect(mn(2, 2)).toEqual([0.5, 0.5]);
    // against a constant
    expect(grad((x: number) => Math.max(x, 0))(0)).toBe(0.5);
    expect(grad((x: number) => Math.max(x, 0))(1)).toBe(1);
    expect(grad((x: number) => Math.min(x, 0))(1)).toBe(0);
    // n-ary: max(max(x, 1), 3)
    expect(grad((x: number) => Math.max(x, 1, 3))(5)).toBe(1);
    expect(grad((x: number) => Math.max(x, 1, 3))(2)).toBe(0);
    // ReLU scaled
    expect(grad((x: number) => 4 * Math.max(x, 0))(-1)).toBe(0);
  });

  it("abs, with abs'(0) = 1 as in JAX", () => {
    const d = grad((x: number) => Math.abs(x));
    expect(d(2)).toBe(1);
    expect(d(-2)).toBe(-1);
    expect(d(0)).toBe(1);
    expect(grad((x: number) => Math.abs(x * x - 4))(1)).toBe(-2);
  });

  it("non-differentiable Math functions have zero derivative", () => {
    expect(grad((x: number) => Math.floor(x) + Math.ceil(x) + Math.round(x) + Math.trunc(x) + Math.sign(x) + x)(2.3)).toBe(1);
  });

  it("division", () => {
    const [gx, gy] = grad((x: number, y: number) => x / y, { argnums: [0, 1] })(3, 4);
    expectNum(gx, 1 / 4);
    expectNum(gy, -3 / 16);
    expectNum(grad((x: number) => 1 / (1 + x * x))(2), -4 / 25);
  });

  it("% (remainder): ∂/∂x = 1, ∂/∂y = −trunc(x/y)", () => {
    const d = grad((x: number, y: number) => x % y, { argnums: [0, 1] });
    expect(d(7.5, 2)).toEqual([1, -3]);
    expect(d(-7.5, 2)).toEqual([1, 3]);
    expect(d(7.5, -2)).toEqual([1, 3]);
  });

  it("Math constants, unary minus and plus, captured constants", () => {
    expectNum(grad((x: number) => -Math.PI * x + +x * Math.E)(1), Math.E - Math.PI);
    expect(grad((x: number) => c * x * x)(2)).toBe(2 * c * 2);
  });

  it("let, reassignment and compound assignment", () => {
    const f = (x: number) => {
      let y = x;
      y = y * x; // x²
      y += x; // x² + x
      y *= 2; // 2x² + 2x
      y -= 1;
      y /= x; // 2x + 2 − 1/x
      y **= 2; // (2x + 2 − 1/x)²
      const z = y;
      return z;
    };
    const x = 1.5;
    const inner = 2 * x + 2 - 1 / x;
    expectNum(grad(f)(x), 2 * inner * (2 + 1 / (x * x)), 1e-14);
    expectNum(grad((x: number) => {
      let y = 10;
      y %= x; // 10 % x
      return y;
    })(3), -3);
  });

  it("object and array literals, destructuring, and local helper functions", () => {
    const sq = (v: number) => v * v;
    function cube(v: number) {
      return v * sq(v);
    }
    const f = (x: number) => {
      const o = { a: x, b: [x, 2 * x] };
      const [, second] = o.b;
      const { a } = o;
      return sq(a) + cube(second); // x² + 8x³
    };
    expect(grad(f)(1)).toBe(2 + 24);
  });
});

describe("argnums, hasAux, valueAndGrad", () => {
  const f = (x: number, y: number, z: number) => x * y * y + Math.sin(z) * x;
  const [x, y, z] = [2, 3, 0.5];
  const dx = y * y + Math.sin(z), dy = 2 * x * y, dz = Math.cos(z) * x;

  it("argnums as a number, [0], [1, 0], [0, 1], [2]", () => {
    expectNum(grad(f)(x, y, z), dx);
    expectNum(grad(f, { argnums: 1 })(x, y, z), dy);
    const one = grad(f, { argnums: [0] })(x, y, z);
    expect(globalThis.Array.isArray(one) && one.length === 1).toBe(true);
    expectNum(one[0], dx);
    const [a, b] = grad(f, { argnums: [1, 0] })(x, y, z);
    expectNum(a, dy);
    expectNum(b, dx);
    const both = grad(f, { argnums: [0, 1] })(x, y, z);
    expect(both.length).toBe(2);
    expectNum(both[0], dx);
    expectNum(both[1], dy);
    const [cz] = grad(f, { argnums: [2] })(x, y, z);
    expectNum(cz, dz);
  });

  it("a parameter the output does not depend on gets a zero gradient", () => {
    expect(grad((x: number, y: number) => x * 2, { argnums: [0, 1] })(1, 5)).toEqual([2, 0]);
    const g = grad((x: number, a: Array) => x * 2, { argnums: 1 })(1, jnp.array([1, 2]));
    expectArr(g, [2], [0, 0]);
  });

  it("hasAux: grad returns [grad, aux]; aux is passed through", () => {
    const g = grad((x: number) => [x * x * x, { sq: x * x, tag: "t" }] as [number, { sq: number; tag: string }], { hasAux: true });
    const [d, aux] = g(3);
    expect(d).toBe(27);
    expect(aux).toEqual({ sq: 9, tag: "t" });
    const [[da, db], aux2] = grad((a: number, b: number) => [a * b, a + b] as [number, number], { hasAux: true, argnums: [0, 1] })(2, 5);
    expect([da, db, aux2]).toEqual([5, 2, 7]);
  });

  it("valueAndGrad returns [value, grad]; with hasAux [[value, aux], grad]", () => {
    const [v, g] = valueAndGrad(f)(x, y, z);
    expectNum(v, f(x, y, z));
    expectNum(g, dx);
    const [v2, [g1, g2]] = valueAndGrad(f, { argnums: [2, 0] })(x, y, z);
    expectNum(v2, f(x, y, z));
    expectNum(g1, dz);
    expectNum(g2, dx);
    const [[val, aux], gr] = valueAndGrad((x: number) => [Math.exp(x), [x, 2 * x]] as [number, [number, number]], { hasAux: true })(0);
    expect(val).toBe(1);
    expect(aux).toEqual([0, 0]);
    expect(gr).toBe(1);
  });

  it("valueAndGrad of Array code", () => {
    const [v, g] = valueAndGrad((w: Array) => jnp.sum(w.mul(w)))(jnp.array([1, 2, 3]));
    expectArr(v, [], 14);
    expectArr(g, [3], [2, 4, 6]);
  });
});

describe("pytree parameters: the gradient mirrors the structure", () => {
  type P = { W: Array; b: { s: number; t: [Array, number] } };
  const loss = (p: P, x: Array) => {
    const h = p.W.dot(x).add(p.b.t[0]); // (2,)
    return jnp.sum(h.mul(p.b.s)).mul(p.b.t[1]);
  };
  const p: P = { W: jnp.array([[1, 2], [3, 4]]), b: { s: 2, t: [jnp.array([0.5, -0.5]), 3] } };
  const x = jnp.array([1, -1]);
  // h = W x + t0 = [-1 + 0.5, -1 - 0.5] = [-0.5, -1.5]; loss = s * t1 * sum(h) = 6 * -2 = -12

  it("objects with nested objects and tuples", () => {
    const g = grad(loss)(p, x);
    expect(Object.keys(g).sort()).toEqual(["W", "b"]);
    expect(Object.keys(g.b).sort()).toEqual(["s", "t"]);
    expect(globalThis.Array.isArray(g.b.t) && g.b.t.length === 2).toBe(true);
    // ∂/∂W = s·t1 · 1 ⊗ x ; ∂/∂t0 = s·t1 ; ∂/∂s = t1·sum(h) ; ∂/∂t1 = s·sum(h)
    expectArr(g.W, [2, 2], [[6, -6], [6, -6]]);
    expectArr(g.b.t[0], [2], [6, 6]);
    expectNum(g.b.s, 3 * -2);
    expectNum(g.b.t[1], 2 * -2);
    const [v, [gp, gx]] = valueAndGrad(loss, { argnums: [0, 1] })(p, x);
    expectArr(v, [], -12);
    expectArr(gp.W, [2, 2], [[6, -6], [6, -6]]);
    expectArr(gx, [2], [6 * (1 + 3), 6 * (2 + 4)]); // s·t1 · Wᵀ1
  });

  it("params['b'] and t[0] index syntax, tuple parameters", () => {
    const f = (q: { a: number; "b": [number, number] }, t: [number, Array]) => q["b"][1] * q.a * t[0] + (jnp.sum(t[1]).item() as number) * q["b"][0];
    const [gq, gt] = grad(f, { argnums: [0, 1] })({ a: 2, b: [3, 4] }, [5, jnp.array([1, 2])]);
    expect(gq).toEqual({ a: 20, b: [3, 10] });
    expectNum(gt[0], 8);
    expectArr(gt[1], [2], [3, 3]);
  });

  it("non-numeric leaves (strings, booleans) get null", () => {
    const g = grad((p: { x: number; name: string }) => p.x * p.x)({ x: 3, name: "n" });
    expect(g).toEqual({ x: 6, name: null });
  });
});

describe("functions from other files, jit, nested grad", () => {
  it("an imported helper (which calls an unexported one and captures an exported constant)", () => {
    expectNum(grad(poly)(2), 2 * SCALE * 2 + 1);
    expectNum(grad((x: number) => poly(x) * 3)(1), 3 * (2 * SCALE + 1));
    const [gx, gy] = grad(polyTimes, { argnums: [0, 1] })(2, 5);
    expectNum(gx, (2 * SCALE * 2 + 1) * 5);
    expectNum(gy, SCALE * 4 + 2);
  });

  it("an imported helper capturing an exported constant Array", () => {
    const x = jnp.array([0.1, -0.2, 0.3]);
    const g = grad(weightedTanh)(x);
    const w = globalThis.Array.from(WEIGHTS.data);
    expectArr(g, [3], [0.1, -0.2, 0.3].map((v, i) => w[i] * (1 - Math.tanh(v) ** 2)), 1e-6);
  });

  it("grad of jit-wrapped functions", () => {
    const f = (x: number) => x * x * x;
    const jf = jit(f);
    expect(grad(jit(f))(2)).toBe(12);
    expect(grad(jf)(2)).toBe(12);
    expect(grad(jit((x: number) => Math.sin(x)))(0)).toBe(1);
    expect(grad((x: number) => jf(x) + 1)(1)).toBe(3);
  });

  it("grad of grad through const bindings, and inline nesting", () => {
    const f = (x: number) => x ** 4 + Math.sin(x);
    const d1 = grad(f);
    const d2 = grad(d1);
    const d3 = grad(d2);
    const x = 0.9;
    expectNum(d1(x), 4 * x ** 3 + Math.cos(x), 1e-14);
    expectNum(d2(x), 12 * x ** 2 - Math.sin(x), 1e-14);
    expectNum(d3(x), 24 * x - Math.cos(x), 1e-14);
    expectNum(grad(grad(grad(grad(f))))(x), 24 + Math.sin(x), 1e-14);
    // mixed partial: ∂²/∂y∂x of x²y³ = 6xy²
    const dx = grad((x: number, y: number) => x * x * y ** 3);
    expectNum(grad((x: number, y: number) => dx(x, y), { argnums: 1 })(2, 3), 6 * 2 * 9);
  });

  it("grad of a grad of Array code", () => {
    const f = (x: Array) => jnp.sum(jnp.sin(x));
    const df = grad(f); // cos(x)
    const ddiag = grad((x: Array) => jnp.sum(df(x))); // −sin(x)
    expectArr(ddiag(jnp.array([0.5, 1])), [2], [-Math.sin(0.5), -Math.sin(1)], 1e-6);
  });

  it("grad of a jnp primitive (ArrayLike parameters)", () => {
    expectArr(grad(jnp.tanh)(0.5), [], 1 - Math.tanh(0.5) ** 2, 1e-6);
    expectArr(grad(jnp.exp)(1), [], Math.E, 1e-6);
    expectArr(grad(jnp.sin)(0), [], 1);
  });

  it("an ArrayLike parameter accepts plain numbers", () => {
    const g = grad((x: ArrayLike) => jnp.sum(jnp.multiply(x, x)));
    expectArr(g(3), [], 6);
    expectArr(g(jnp.array([1, 2])), [2], [2, 4]);
  });
});

describe("Array code (float32)", () => {
  const a23 = jnp.array([[1, 2, 3], [4, 5, 6]]);

  it("elementwise methods and functions", () => {
    const x = jnp.array([0.5, 1, 2]);
    const g = grad((x: Array) => jnp.sum(x.mul(x).add(x.div(2)).sub(x.neg()).add(x.pow(3))))(x);
    expectArr(g, [3], [0.5, 1, 2].map((v) => 2 * v + 0.5 + 1 + 3 * v * v));
    const h = grad((x: Array) => jnp.sum(jnp.add(jnp.log(x), jnp.sqrt(x))))(x);
    expectArr(h, [3], [0.5, 1, 2].map((v) => 1 / v + 0.5 / Math.sqrt(v)), 1e-6);
  });

  it("sum with axis and keepdims", () => {
    const w = jnp.array([[2], [-1]]);
    const g = grad((x: Array) => jnp.sum(jnp.sum(x, 1, { keepdims: true }).mul(w)))(a23);
    expectArr(g, [2, 3], [[2, 2, 2], [-1, -1, -1]]);
    const v = jnp.array([1, 2, 3]);
    const g0 = grad((x: Array) => x.sum(0).mul(v).sum())(a23);
    expectArr(g0, [2, 3], [[1, 2, 3], [1, 2, 3]]);
    const gall = grad((x: Array) => x.sum([0, 1]))(a23);
    expectArr(gall, [2, 3], 1);
  });

  it("mean with axis", () => {
    const v = jnp.array([1, 2, 3]);
    expectArr(grad((x: Array) => jnp.sum(jnp.mean(x, 0).mul(v)))(a23), [2, 3], [[0.5, 1, 1.5], [0.5, 1, 1.5]]);
    expectArr(grad((x: Array) => x.mean())(a23), [2, 3], 1 / 6);
    expectArr(grad((x: Array) => jnp.sum(x.mean(1, { keepdims: true })))(a23), [2, 3], 1 / 3);
  });

  it("max / min with axis; ties share the gradient", () => {
    const x = jnp.array([[1, 5, 2], [7, 7, 0]]);
    expectArr(grad((x: Array) => jnp.sum(jnp.max(x, 1)))(x), [2, 3], [[0, 1, 0], [0.5, 0.5, 0]]);
    expectArr(grad((x: Array) => jnp.sum(x.min(0)))(x), [2, 3], [[1, 1, 0], [0, 0, 1]]);
    expectArr(grad((x: Array) => x.max())(x), [2, 3], [[0, 0, 0], [0.5, 0.5, 0]]);
    expectArr(grad((x: Array) => jnp.sum(jnp.max(x, 0, { keepdims: true })))(x), [2, 3], [[0, 0, 1], [1, 1, 0]]);
  });

  it("prod", () => {
    expectArr(grad((x: Array) => x.prod())(jnp.array([2, 3, 4])), [3], [12, 8, 6]);
  });

  it("logsumexp with axis and keepdims is a softmax", () => {
    const x = jnp.array([[0, 1, 2], [1, 1, 1]]);
    const sm = (r: number[]) => {
      const e = r.map(Math.exp), s = e.reduce((a, b) => a + b);
      return e.map((v) => v / s);
    };
    const want = [sm([0, 1, 2]), sm([1, 1, 1])];
    expectArr(grad((x: Array) => jnp.sum(jnp.logsumexp(x, 1)))(x), [2, 3], want, 1e-6);
    expectArr(grad((x: Array) => jnp.sum(jnp.logsumexp(x, 1, { keepdims: true })))(x), [2, 3], want, 1e-6);
    const all = sm([0, 1, 2, 1, 1, 1]);
    expectArr(grad((x: Array) => jnp.logsumexp(x))(x), [2, 3], [all.slice(0, 3), all.slice(3)], 1e-6);
  });

  it("dot: 1-d·1-d, 2-d·1-d, 1-d·2-d, 2-d·2-d", () => {
    const u = jnp.array([1, 2, 3]), v = jnp.array([4, 5, 6]);
    const [gu, gv] = grad((a: Array, b: Array) => jnp.dot(a, b), { argnums: [0, 1] })(u, v);
    expectArr(gu, [3], [4, 5, 6]);
    expectArr(gv, [3], [1, 2, 3]);
    // 2-d·1-d: sum(w ⊙ (A v)) → ∂A = w ⊗ v, ∂v = Aᵀ w
    const w2 = jnp.array([1, -1]);
    const [gA, gv2] = grad((A: Array, x: Array) => jnp.sum(A.dot(x).mul(w2)), { argnums: [0, 1] })(a23, v);
    expectArr(gA, [2, 3], [[4, 5, 6], [-4, -5, -6]]);
    expectArr(gv2, [3], [1 - 4, 2 - 5, 3 - 6]);
    // 1-d·2-d: sum(w ⊙ (x A)) with x (2,), A (2,3), w (3,) → ∂x = A w, ∂A = x ⊗ w
    const w3 = jnp.array([1, 0, -1]);
    const [gx, gA2] = grad((x: Array, A: Array) => jnp.sum(jnp.dot(x, A).mul(w3)), { argnums: [0, 1] })(w2, a23);
    expectArr(gx, [2], [1 - 3, 4 - 6]);
    expectArr(gA2, [2, 3], [[1, 0, -1], [-1, 0, 1]]);
    // 2-d·2-d: sum(W ⊙ (A B)) → ∂A = W Bᵀ, ∂B = Aᵀ W
    const B = jnp.array([[1, 0], [0, 1], [1, 1]]);
    const W = jnp.array([[1, 2], [3, 4]]);
    const [gA3, gB] = grad((A: Array, B: Array) => jnp.sum(A.dot(B).mul(W)), { argnums: [0, 1] })(a23, B);
    expectArr(gA3, [2, 3], [[1, 2, 3], [3, 4, 7]]);
    expectArr(gB, [3, 2], [[1 + 12, 2 + 16], [2 + 15, 4 + 20], [3 + 18, 6 + 24]]);
  });

  it("matmul: 2-d, 1-d operands, batched, and broadcast batch", () => {
    const A = jnp.array([[1, 2], [3, 4]]), B = jnp.array([[5, 6], [7, 8]]), W = jnp.array([[1, 0], [2, -1]]);
    const [gA, gB] = grad((a: Array, b: Array) => jnp.sum(jnp.matmul(a, b).mul(W)), { argnums: [0, 1] })(A, B);
    // W Bᵀ = [[5, 7], [10 - 6, 14 - 8]]; Aᵀ W = [[1 + 6, -3], [2 + 8, -4]]
    expectArr(gA, [2, 2], [[5, 7], [4, 6]]);
    expectArr(gB, [2, 2], [[7, -3], [10, -4]]);
    const v = jnp.array([1, -1]);
    expectArr(grad((b: Array) => jnp.sum(jnp.matmul(v, b)))(B), [2, 2], [[1, 1], [-1, -1]]);
    expectArr(grad((a: Array) => jnp.sum(a.matmul(v)))(A), [2, 2], [[1, -1], [1, -1]]);
    // batched (2,2,2) @ (2,2,2): each batch independent
    const Ab = jnp.array([[[1, 2], [3, 4]], [[0, 1], [1, 0]]]);
    const Bb = jnp.array([[[5, 6], [7, 8]], [[1, 1], [2, 2]]]);
    const [gAb, gBb] = grad((a: Array, b: Array) => jnp.sum(jnp.matmul(a, b)), { argnums: [0, 1] })(Ab, Bb);
    // ∂A_b = 1 B_bᵀ (row sums of B_b), ∂B_b = A_bᵀ 1 (column sums of A_b, repeated along columns)
    expectArr(gAb, [2, 2, 2], [[[11, 15], [11, 15]], [[2, 4], [2, 4]]]);
    expectArr(gBb, [2, 2, 2], [[[4, 4], [6, 6]], [[1, 1], [1, 1]]]);
    // broadcast batch: (2,2,2) @ (2,2) — the gradient of B sums over the batch
    const gB2 = grad((b: Array) => jnp.sum(jnp.matmul(Ab, b)))(B);
    expectArr(gB2, [2, 2], [[4 + 1, 4 + 1], [6 + 1, 6 + 1]]);
  });

  it("outer and vdot", () => {
    const a = jnp.array([1, 2]), b = jnp.array([3, 4, 5]);
    const W = jnp.array([[1, 0, 2], [0, 1, 0]]);
    const [ga, gb] = grad((a: Array, b: Array) => jnp.sum(jnp.outer(a, b).mul(W)), { argnums: [0, 1] })(a, b);
    expectArr(ga, [2], [3 + 10, 4]); // W b
    expectArr(gb, [3], [1, 2, 2]); // Wᵀ a
    const [gx, gy] = grad((x: Array, y: Array) => jnp.vdot(x, y), { argnums: [0, 1] })(a23, W.add(1));
    expectArr(gx, [2, 3], [[2, 1, 3], [1, 2, 1]]);
    expectArr(gy, [2, 3], [[1, 2, 3], [4, 5, 6]]);
  });

  it("reshape, ravel, transpose and .T", () => {
    const W = jnp.array([[1, 2], [3, 4], [5, 6]]);
    expectArr(grad((x: Array) => jnp.sum(jnp.reshape(x, [3, 2]).mul(W)))(a23), [2, 3], [[1, 2, 3], [4, 5, 6]]);
    expectArr(grad((x: Array) => jnp.sum(x.reshape(3, 2).mul(W)))(a23), [2, 3], [[1, 2, 3], [4, 5, 6]]);
    expectArr(grad((x: Array) => jnp.sum(x.reshape([6]).mul(jnp.arange(6))))(a23), [2, 3], [[0, 1, 2], [3, 4, 5]]);
    expectArr(grad((x: Array) => jnp.sum(x.ravel().mul(jnp.arange(6))))(a23), [2, 3], [[0, 1, 2], [3, 4, 5]]);
    expectArr(grad((x: Array) => jnp.sum(x.T.mul(W)))(a23), [2, 3], [[1, 3, 5], [2, 4, 6]]);
    expectArr(grad((x: Array) => jnp.sum(jnp.transpose(x).mul(W)))(a23), [2, 3], [[1, 3, 5], [2, 4, 6]]);
    const x3 = jnp.arange(24).reshape(2, 3, 4).astype("float32");
    const W3 = jnp.arange(24).reshape(4, 2, 3).astype("float32");
    const g3 = grad((x: Array) => jnp.sum(x.transpose([2, 0, 1]).mul(W3)))(x3);
    // g3[i,j,k] = W3[k,i,j]
    const want = [0, 1].map((i) => [0, 1, 2].map((j) => [0, 1, 2, 3].map((k) => k * 6 + i * 3 + j)));
    expectArr(g3, [2, 3, 4], want);
  });

  it("expandDims, squeeze, broadcastTo", () => {
    const v = jnp.array([1, 2, 3]);
    const W = jnp.array([[2, 3, 4]]);
    expectArr(grad((x: Array) => jnp.sum(jnp.expandDims(x, 0).mul(W)))(v), [3], [2, 3, 4]);
    expectArr(grad((x: Array) => jnp.sum(jnp.squeeze(x).mul(v)))(W), [1, 3], [[1, 2, 3]]);
    expectArr(grad((x: Array) => jnp.sum(x.squeeze(0).mul(v)))(W), [1, 3], [[1, 2, 3]]);
    expectArr(grad((x: Array) => jnp.sum(jnp.broadcastTo(x, [2, 3]).mul(a23)))(v), [3], [5, 7, 9]);
  });

  it("index (.at), slice, take", () => {
    const w = jnp.array([1, 2, 3]);
    expectArr(grad((x: Array) => jnp.sum(x.at(1).mul(w)))(a23), [2, 3], [[0, 0, 0], [1, 2, 3]]);
    expectArr(grad((x: Array) => jnp.sum(jnp.index(x, -2).mul(w)))(a23), [2, 3], [[1, 2, 3], [0, 0, 0]]);
    expectArr(grad((x: Array) => jnp.sum(x.slice(null, [1, 3])))(a23), [2, 3], [[0, 1, 1], [0, 1, 1]]);
    expectArr(grad((x: Array) => jnp.sum(jnp.slice(x, 1, [null, null, 2]).mul(jnp.array([5, 7]))))(a23), [2, 3], [[0, 0, 0], [5, 0, 7]]);
    // take flattens without an axis; repeated indices accumulate
    expectArr(grad((x: Array) => jnp.sum(jnp.take(x, [0, 5, 0])))(a23), [2, 3], [[2, 0, 0], [0, 0, 1]]);
    expectArr(grad((x: Array) => jnp.sum(x.take([2, 2, 1], 1)))(a23), [2, 3], [[0, 1, 2], [0, 1, 2]]);
    // scalar results of .at → .item() as a JS number
    expectArr(grad((x: Array) => (x.at(0).at(2).item() as number) * 3)(a23), [2, 3], [[0, 0, 3], [0, 0, 0]]);
  });

  it("where, clip, maximum, minimum (ties: half each)", () => {
    const x = jnp.array([-2, -1, 0, 1, 2]);
    const y = jnp.array([1, 1, 1, 1, 1]);
    const cond = jnp.greater(x, 0);
    const [gx, gy] = grad((x: Array, y: Array) => jnp.sum(jnp.where(cond, x.mul(x), y.mul(3))), { argnums: [0, 1] })(x, y);
    expectArr(gx, [5], [0, 0, 0, 2, 4]);
    expectArr(gy, [5], [3, 3, 3, 0, 0]);
    expectArr(grad((x: Array) => jnp.sum(jnp.clip(x, -1, 1)))(x), [5], [0, 0.5, 1, 0.5, 0]);
    const [ga, gb] = grad((a: Array, b: Array) => jnp.sum(jnp.maximum(a, b)), { argnums: [0, 1] })(x, y);
    expectArr(ga, [5], [0, 0, 0, 0.5, 1]);
    expectArr(gb, [5], [1, 1, 1, 0.5, 0]);
    const [ma, mb] = grad((a: Array, b: Array) => jnp.sum(jnp.minimum(a, b)), { argnums: [0, 1] })(x, y);
    expectArr(ma, [5], [1, 1, 1, 0.5, 0]);
    expectArr(mb, [5], [0, 0, 0, 0.5, 1]);
    expectArr(grad((x: Array) => jnp.sum(jnp.abs(x)))(x), [5], [-1, -1, 1, 1, 1]);
  });

  it("broadcasting (3,1) with (4,): each gradient is summed back to its operand's shape", () => {
    const a = jnp.array([[1], [2], [3]]), b = jnp.array([10, 20, 30, 40]);
    const [ga, gb] = grad((a: Array, b: Array) => jnp.sum(a.mul(b)), { argnums: [0, 1] })(a, b);
    expectArr(ga, [3, 1], [[100], [100], [100]]);
    expectArr(gb, [4], [6, 6, 6, 6]);
    const [ha, hb] = grad((a: Array, b: Array) => jnp.sum(jnp.add(a, b).mul(jnp.add(a, b))), { argnums: [0, 1] })(a, b);
    // ∂a_i = Σ_j 2(a_i + b_j) = 2(4a_i + 100); ∂b_j = Σ_i 2(a_i + b_j) = 2(6 + 3b_j)
    expectArr(ha, [3, 1], [[208], [216], [224]]);
    expectArr(hb, [4], [72, 132, 192, 252]);
    const [da, db] = grad((a: Array, b: Array) => jnp.sum(a.sub(b).div(b)), { argnums: [0, 1] })(a, b);
    const inv = 1 / 10 + 1 / 20 + 1 / 30 + 1 / 40; // ∂a_i = Σ_j 1/b_j
    expectArr(da, [3, 1], [[inv], [inv], [inv]], 1e-6);
    // ∂b_j = Σ_i −a_i/b_j² = −6/b_j²
    expectArr(db, [4], [10, 20, 30, 40].map((v) => -6 / (v * v)), 1e-6);
  });

  it("number parameters mixed with Arrays: the number's gradient is a JS number", () => {
    const x = jnp.array([1, 2, 3]);
    const f = (x: Array, s: number) => jnp.sum(x.mul(s)).add(s * s);
    const [gx, gs] = grad(f, { argnums: [0, 1] })(x, 4);
    expectArr(gx, [3], [4, 4, 4]);
    expectNum(gs, 6 + 8);
    const gs2 = grad((s: number, x: Array) => jnp.sum(jnp.exp(x.mul(s))).item())(0, x);
    expectNum(gs2, 6);
    // a number output computed from Arrays via .item()
    const gi = grad((x: Array) => (x.mul(x).sum().item() as number) * 0.5)(x);
    expectArr(gi, [3], [1, 2, 3]);
    // a number scaled by an Array reduction
    expectNum(grad((s: number) => jnp.sum(x.mul(s * s)).item())(3), 2 * 3 * 6);
  });
});

describe("cross-file constants and known bugs", () => {
  it("a helper's captured constant is imported even when the call site shadows its name", () => {
    const SCALE = 1000; // not the SCALE poly() reads
    expectNum(grad(poly)(2) + SCALE * 0, 2 * 2.5 * 2 + 1);
    expect(SCALE).toBe(1000);
  });

  it("a constant list operand that broadcasts: gradient summed back to the operand's shape", () => {
    expectArr(grad((x: Array) => jnp.sum(x.mul([[1], [2]])))(jnp.array([1, 2, 3])), [3], [3, 3, 3]);
    expectArr(grad((x: Array) => jnp.sum(jnp.add(x, [[1], [2]])))(jnp.array([1, 2, 3])), [3], [2, 2, 2]);
  });


  it("prod with a zero element", () => {
    expectArr(grad((x: Array) => x.prod())(jnp.array([2, 0, 4])), [3], [0, 8, 0]);
  });

  it("∂/∂y x**y at x = 0 is 0, as in JAX", () => {
    expect(grad((x: number, y: number) => x ** y, { argnums: 1 })(0, 2)).toBe(0);
    expectArr(grad((y: Array) => jnp.sum(jnp.power(jnp.array([0, 2]), y)))(jnp.array([2, 2])), [2], [0, Math.log(2) * 4], 1e-6);
  });

  it("a default parameter of the differentiated function", () => {
    function withDefault(x: number, k = 2) {
      return x * k;
    }
    expect(grad(withDefault)(3)).toBe(2);
  });

  it("captured objects read with non-identifier keys", () => {
    const cfg = { "a-b": 2, "c.d": 3 };
    expect(grad((x: number) => x * cfg["a-b"])(1)).toBe(2);
    expect(grad((x: number) => x * cfg["c.d"])(1)).toBe(3);
  });

  it("Math.hypot keeps its range (no overflow of the squares) and its value", () => {
    const vg = valueAndGrad((x: number, y: number) => Math.hypot(x, y));
    const [v, g] = vg(1e200, 1e200);
    expect(v).toBe(Math.hypot(1e200, 1e200));
    expectNum(g, Math.SQRT1_2, 1e-12);
    const [v2, g2] = vg(1e-200, 1e-200);
    expect(v2).toBe(Math.hypot(1e-200, 1e-200));
    expectNum(g2, Math.SQRT1_2, 1e-12);
    expect(vg(0.8, -1.3)[0]).toBe(Math.hypot(0.8, -1.3));
  });
});
