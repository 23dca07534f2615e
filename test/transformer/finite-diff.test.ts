// Gradients checked against central finite differences: number code (float64) tightly, Array code
// (float32) loosely; second and third derivatives against finite differences of the derivative
// one order below.
import { describe, expect, it } from "vitest";
import { grad, numpy as jnp, valueAndGrad } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { expectVecClose, fd1, fdGrad, toVec } from "./fixtures/fd.js";
import { poly, polyTimes } from "./fixtures/helpers.js";

// float64: 4-point stencil, relative tolerance 1e-6
const NUM = { rtol: 1e-6, atol: 1e-9 };
// float32: 2-point stencil with eps 1e-2, relative tolerance 2e-2
const F32 = { eps: 1e-2 };
const F32_TOL = { rtol: 2e-2, atol: 1e-3, floor: 0.05 };

// ---- number functions ---------------------------------------------------------------------------
const N1 = (x: number) => Math.exp(Math.sin(x)) / (1 + x * x);
const N2 = (x: number, y: number) => Math.atan2(y, x) * Math.hypot(x, y) + Math.log(1 + x * x * y * y);
const N3 = (x: number, y: number, z: number) =>
  Math.tanh(x * y - z) * Math.sqrt(z * z + 1) + Math.pow(Math.abs(x) + 1, y) - Math.cos(x / (1 + z * z));
type P4 = { a: number; b: [number, number] };
const N4 = (p: P4) => p.a ** 3 * Math.sin(p.b[0]) + Math.exp(-p.b[1] * p.a) + (p.a % 2.5) * p.b[1];
function N5(x: number, y: number) {
  let s = x;
  s *= y;
  s += Math.sinh(x);
  s /= 1 + y * y;
  s **= 2;
  return s - Math.max(x, y) * Math.min(x, 0.1) + Math.asin(y / 4) * Math.acos(x / 5);
}
const N6 = (x: number, y: number) => polyTimes(x, y) * Math.cos(x) + poly(y) / (1 + Math.expm1(x * x));

const P1 = [-2.1, -0.7, 0.3, 1.9];
const P2: [number, number][] = [[0.8, -1.3], [-1.1, 0.4], [2.2, 1.7]];
const P3: [number, number, number][] = [[0.5, -0.4, 1.2], [-1.3, 0.9, -0.6]];

describe("number code (float64) against 4-point central differences", () => {
  it("one variable", () => {
    const d = grad(N1);
    for (const x of P1) expectVecClose([d(x)], [fd1(N1, x)], NUM, `N1'(${x})`);
  });
  it("two variables, argnums [0, 1]", () => {
    const d = grad(N2, { argnums: [0, 1] });
    for (const [x, y] of P2) expectVecClose(toVec(d(x, y)), fdGrad((t: [number, number]) => N2(...t), [x, y], { fourPoint: true }), NUM, `∇N2(${x}, ${y})`);
  });
  it("three variables, each argnum separately and together", () => {
    const all = grad(N3, { argnums: [0, 1, 2] });
    const each = [grad(N3, { argnums: 0 }), grad(N3, { argnums: 1 }), grad(N3, { argnums: 2 })];
    for (const p of P3) {
      const want = fdGrad((t: [number, number, number]) => N3(...t), p, { fourPoint: true });
      expectVecClose(toVec(all(...p)), want, NUM, `∇N3(${p})`);
      expectVecClose(each.map((g) => g(...p)), want, NUM, `∂N3(${p})`);
    }
  });
  it("a pytree parameter", () => {
    const d = grad(N4);
    for (const p of [{ a: 1.3, b: [0.2, -0.7] }, { a: -0.6, b: [2.0, 0.5] }] as P4[]) {
      const g = d(p);
      expect(Object.keys(g).sort()).toEqual(["a", "b"]);
      expectVecClose(toVec(g), fdGrad(N4, p, { fourPoint: true }), NUM, "∇N4");
    }
  });
  it("let, compound assignment, Math.max/min (away from ties), asin/acos", () => {
    const d = grad(N5, { argnums: [0, 1] });
    for (const [x, y] of [[0.7, 1.2], [-0.9, 0.3], [2.1, -1.4]] as [number, number][])
      expectVecClose(toVec(d(x, y)), fdGrad((t: [number, number]) => N5(...t), [x, y], { fourPoint: true }), NUM, `∇N5(${x}, ${y})`);
  });
  it("helpers from another file", () => {
    const d = grad(N6, { argnums: [0, 1] });
    for (const [x, y] of P2) expectVecClose(toVec(d(x, y)), fdGrad((t: [number, number]) => N6(...t), [x, y], { fourPoint: true }), NUM, `∇N6(${x}, ${y})`);
  });
  it("valueAndGrad's value is the function's, bit for bit; its gradient is grad's", () => {
    const vg = valueAndGrad(N3, { argnums: [0, 1, 2] });
    for (const p of P3) {
      const [v, g] = vg(...p);
      expect(v).toBe(N3(...p));
      expect(g).toEqual(grad(N3, { argnums: [0, 1, 2] })(...p));
    }
    for (const x of P1) expect(valueAndGrad(N1)(x)).toEqual([N1(x), grad(N1)(x)]);
    expect(valueAndGrad(N5)(0.7, 1.2)[0]).toBe(N5(0.7, 1.2));
  });
});

describe("second and third derivatives of number code", () => {
  const d1 = grad(N1), d2 = grad(d1), d3 = grad(d2);
  it("grad(grad(f)) against differences of grad(f); grad³ against differences of grad²", () => {
    for (const x of P1) {
      expectVecClose([d2(x)], [fd1(d1, x)], NUM, `N1''(${x})`);
      expectVecClose([d3(x)], [fd1(d2, x)], { rtol: 1e-6, atol: 1e-8 }, `N1'''(${x})`);
    }
  });
  const dx = grad(N2, { argnums: 0 }), dy = grad(N2, { argnums: 1 });
  const hx = grad(dx, { argnums: [0, 1] }), hy = grad(dy, { argnums: [0, 1] });
  it("the Hessian of a two-variable function, and its symmetry", () => {
    for (const [x, y] of P2) {
      const H = [toVec(hx(x, y)), toVec(hy(x, y))];
      expectVecClose(H[0], fdGrad((t: [number, number]) => dx(...t), [x, y], { fourPoint: true }), NUM, "H row x");
      expectVecClose(H[1], fdGrad((t: [number, number]) => dy(...t), [x, y], { fourPoint: true }), NUM, "H row y");
      expectVecClose([H[0][1]], [H[1][0]], { rtol: 1e-12, atol: 1e-12 }, "symmetry");
    }
  });
  const d3x = grad(N3, { argnums: 0 }), d3y = grad(N3, { argnums: 1 }), d3z = grad(N3, { argnums: 2 });
  const H3 = [grad(d3x, { argnums: [0, 1, 2] }), grad(d3y, { argnums: [0, 1, 2] }), grad(d3z, { argnums: [0, 1, 2] })];
  it("the Hessian of a three-variable function", () => {
    for (const p of P3) {
      [d3x, d3y, d3z].forEach((d, i) =>
        expectVecClose(toVec(H3[i](...p)), fdGrad((t: [number, number, number]) => d(...t), p, { fourPoint: true }), NUM, `H3 row ${i}`),
      );
    }
  });
  it("second derivatives through a pytree parameter", () => {
    const da = grad((p: P4) => grad(N4)(p).a);
    const p: P4 = { a: 1.3, b: [0.2, -0.7] };
    expectVecClose(toVec(da(p)), fdGrad((q: P4) => grad(N4)(q).a, p, { fourPoint: true }), NUM, "∇(∂N4/∂a)");
  });
});

// ---- Array functions ----------------------------------------------------------------------------
type Mlp = { W1: Array; b1: Array; W2: Array; b2: number };
function mlp(p: Mlp, X: Array, y: Array) {
  const h = jnp.tanh(X.matmul(p.W1.T).add(p.b1)); // (4, 3)
  const out = h.dot(p.W2).add(p.b2); // (4,)
  const err = out.sub(y);
  return jnp.mean(err.mul(err));
}
const xent = (W: Array, X: Array, onehot: Array) => {
  const logits = jnp.matmul(X, W); // (4, 3)
  return jnp.mean(jnp.logsumexp(logits, 1).sub(jnp.sum(logits.mul(onehot), 1)));
};
const bcast = (a: Array, b: Array) => jnp.sum(jnp.sin(a.mul(b)).add(a.div(b.mul(b).add(1))));
const shapes = (x: Array) => {
  const t = jnp.transpose(x).reshape(2, 3); // (3,2) → (2,3)
  const e = jnp.expandDims(jnp.cos(x), 0); // (1,2,3)
  const s = jnp.squeeze(e, 0).mul(t); // (2,3)
  const b = jnp.broadcastTo(x.at(1), [2, 3]); // (2,3)
  const k = jnp.take(x, [1, 4, 4, 0]); // flat take
  const sl = x.slice(null, [0, 2]); // (2,2)
  return jnp.sum(s.mul(b)).add(jnp.sum(jnp.exp(k))).add(jnp.sum(sl.mul(sl).mul(sl)));
};
const linalg = (A: Array, B: Array, u: Array) => {
  const C = jnp.matmul(A, B); // (2,2,2)@(2,2) → (2,2,2)
  const v = jnp.vdot(C, A); // scalar
  const o = jnp.outer(u, jnp.sum(C, [0, 1])); // (3,2)
  return v.add(jnp.sum(jnp.tanh(o)));
};
const kinks = (x: Array) => jnp.sum(jnp.where(jnp.greater(x, 0), x.mul(x), jnp.abs(x).mul(3)).add(jnp.clip(x, -1, 1)).add(jnp.maximum(x, 0.5)).add(jnp.minimum(x.mul(2), 1)));
const reductions = (x: Array) =>
  jnp.sum(jnp.max(x, 1).mul(jnp.array([1, 2]))).add(jnp.sum(jnp.min(x, 0))).add(x.prod()).add(jnp.sum(x.mean(0, { keepdims: true }).mul(x)));
const mixed = (x: Array, s: number) => jnp.sum(jnp.exp(x.mul(s))).mul(s).add(Math.sin(s));

const X = jnp.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.2, -0.4]]);
const Y = jnp.array([0.3, -0.2, 0.9, 0.1]);
const MLP: Mlp = { W1: jnp.array([[0.2, -0.5], [0.8, 0.1], [-0.3, 0.7]]), b1: jnp.array([0.1, -0.2, 0.05]), W2: jnp.array([0.6, -0.9, 0.4]), b2: 0.15 };

const checkArr = <T>(f: (t: T) => unknown, g: unknown, t: T, label: string) =>
  expectVecClose(toVec(g), fdGrad(f, t, F32), F32_TOL, label);

describe("Array code (float32) against central differences", () => {
  it("an MLP with pytree parameters (and a number bias)", () => {
    const g = grad(mlp)(MLP, X, Y);
    expect(typeof g.b2).toBe("number");
    checkArr((p: Mlp) => mlp(p, X, Y), g, MLP, "∇mlp");
    // and with respect to the inputs
    checkArr((x: Array) => mlp(MLP, x, Y), grad(mlp, { argnums: 1 })(MLP, X, Y), X, "∂mlp/∂X");
  });
  it("softmax cross-entropy (matmul, logsumexp over an axis)", () => {
    const W = jnp.array([[0.3, -0.2, 0.5], [-0.4, 0.6, 0.1]]);
    const onehot = jnp.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]);
    checkArr((w: Array) => xent(w, X, onehot), grad(xent)(W, X, onehot), W, "∇xent");
  });
  it("broadcasting (3,1) with (4,)", () => {
    const a = jnp.array([[0.4], [-0.8], [1.1]]), b = jnp.array([0.5, -1.2, 0.9, 2.0]);
    const g = grad(bcast, { argnums: [0, 1] })(a, b);
    expect(g[0].shape).toEqual([3, 1]);
    expect(g[1].shape).toEqual([4]);
    checkArr((t: [Array, Array]) => bcast(...t), g, [a, b], "∇bcast");
  });
  it("reshape, transpose, expandDims, squeeze, broadcastTo, index, take, slice", () => {
    const x = jnp.array([[0.3, -0.6, 0.9], [1.2, -0.2, 0.5]]);
    checkArr(shapes, grad(shapes)(x), x, "∇shapes");
  });
  it("batched matmul, vdot, outer, sums over several axes", () => {
    const A = jnp.array([[[0.2, -0.1], [0.4, 0.3]], [[-0.5, 0.6], [0.1, 0.2]]]);
    const B = jnp.array([[0.7, -0.3], [0.2, 0.5]]);
    const u = jnp.array([0.3, -0.6, 0.2]);
    checkArr((t: [Array, Array, Array]) => linalg(...t), grad(linalg, { argnums: [0, 1, 2] })(A, B, u), [A, B, u], "∇linalg");
  });
  it("where, abs, clip, maximum, minimum (away from the kinks)", () => {
    const x = jnp.array([-1.7, -0.6, 0.2, 0.9, 1.4]);
    checkArr(kinks, grad(kinks)(x), x, "∇kinks");
  });
  it("max, min, prod, mean with axes", () => {
    const x = jnp.array([[0.5, 1.3, -0.4], [0.9, -1.1, 0.7]]);
    checkArr(reductions, grad(reductions)(x), x, "∇reductions");
  });
  it("a number parameter mixed with an Array", () => {
    const x = jnp.array([0.2, -0.5, 0.8]);
    const g = grad(mixed, { argnums: [0, 1] })(x, 0.7);
    expect(typeof g[1]).toBe("number");
    checkArr((t: [Array, number]) => mixed(...t), g, [x, 0.7] as [Array, number], "∇mixed");
  });
});

describe("second order on Arrays: Hessian-vector products against differences of the gradient", () => {
  const hvpCheck = (df: (x: Array) => Array, hvp: (x: Array) => Array, x: Array, v: number[], label: string) => {
    // (∇f(x + εv) − ∇f(x − εv)) / 2ε
    const eps = 1e-2;
    const shift = (s: number) => jnp.array(globalThis.Array.from(x.data, (xi, i) => xi + s * v[i])).reshape(x.shape);
    const plus = toVec(df(shift(eps))), minus = toVec(df(shift(-eps)));
    const want = plus.map((p, i) => (p - minus[i]) / (2 * eps));
    expectVecClose(toVec(hvp(x)), want, F32_TOL, label);
  };
  it("tanh-dot network in its weights (dotGradA/dotGradB twice)", () => {
    const Xc = jnp.array([[0.5, -1.0, 0.2], [1.5, 0.3, -0.6], [-0.7, 0.8, 0.4], [0.2, -0.4, 1.1]]);
    const f = (W: Array) => jnp.sum(jnp.square(jnp.tanh(Xc.dot(W))));
    const df = grad(f);
    const v = [0.3, -0.1, 0.5, 0.2, -0.4, 0.6];
    const V = jnp.array(v).reshape(3, 2);
    const hvp = grad((W: Array) => jnp.sum(df(W).mul(V)));
    hvpCheck(df, hvp, jnp.array([[0.2, -0.3], [0.5, 0.1], [-0.4, 0.6]]), v, "HVP dot");
  });
  it("softmax cross-entropy (logsumexp, matmul)", () => {
    const onehot = jnp.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]);
    const f = (W: Array) => xent(W, X, onehot);
    const df = grad(f);
    const v = [1, -0.5, 0.25, 0.75, -1, 0.5];
    const V = jnp.array(v).reshape(2, 3);
    const hvp = grad((W: Array) => jnp.sum(df(W).mul(V)));
    hvpCheck(df, hvp, jnp.array([[0.3, -0.2, 0.5], [-0.4, 0.6, 0.1]]), v, "HVP xent");
  });
  it("shape ops, broadcasting and batched matmul", () => {
    const B = jnp.array([[0.7, -0.3], [0.2, 0.5]]);
    const f = (A: Array) => jnp.sum(jnp.sin(jnp.matmul(A, B).transpose([0, 2, 1]).reshape(2, 4))).add(jnp.sum(jnp.exp(A.mul(jnp.array([[1], [-1]])))));
    const df = grad(f);
    const v = [0.5, -0.2, 0.1, 0.9, -0.7, 0.3, 0.4, -0.6];
    const V = jnp.array(v).reshape(2, 2, 2);
    const hvp = grad((A: Array) => jnp.sum(df(A).mul(V)));
    hvpCheck(df, hvp, jnp.array([[[0.2, -0.1], [0.4, 0.3]], [[-0.5, 0.6], [0.1, 0.2]]]), v, "HVP shapes");
  });
  it("the MLP in its first layer", () => {
    // differentiate mlp in its parameter structure and read W1
    const df = (W1: Array) => grad(mlp)({ ...MLP, W1 }, X, Y).W1;
    const v = [0.3, -0.2, 0.5, 0.1, -0.6, 0.4];
    const V = jnp.array(v).reshape(3, 2);
    const hvp = (W1: Array) => grad((p: Mlp) => jnp.sum(grad(mlp)(p, X, Y).W1.mul(V)))({ ...MLP, W1 }).W1;
    hvpCheck(df, hvp, MLP.W1, v, "HVP mlp");
  });
});
