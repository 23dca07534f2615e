// jnp.linalg: inv, det, slogdet, solve against numpy.linalg (test/fixtures/gen_la.py), their
// gradients against JAX's rules by hand and against central differences, and vmap of each
// against the per-matrix loop.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/la.json", import.meta.url), "utf8"));
type Enc = { shape: number[]; data: number[] };
const A = (e: Enc) => jnp.reshape(jnp.array(e.data), e.shape);
const a = A(F.a), ab = A(F.ab), bv = A(F.bv), bm = A(F.bm), bb = A(F.bb);
function near(got: Array, want: Enc, tol = 2e-6) {
  expect(got.shape).toEqual(want.shape);
  const scale = Math.max(1, ...want.data.map(Math.abs));
  globalThis.Array.from(got.data as Float32Array, Number).forEach((v, i) => expect(Math.abs(v - want.data[i]), `element ${i}: ${v} vs ${want.data[i]}`).toBeLessThanOrEqual(tol * scale));
}

describe("jnp.linalg against numpy.linalg", () => {
  it("inv det slogdet, one matrix and a batch", () => {
    near(jnp.linalg.inv(a), F.inv);
    near(jnp.linalg.inv(ab), F.invBatch);
    near(jnp.linalg.det(a), F.det);
    near(jnp.linalg.det(ab), F.detBatch);
    const [s, l] = jnp.linalg.slogdet(ab);
    near(s, F.slogdetSign);
    near(l, F.slogdetLog);
  });
  it("solve with a vector, with columns, and a batch of systems", () => {
    near(jnp.linalg.solve(a, bv), F.solveVec);
    near(jnp.linalg.solve(a, bm), F.solveMat);
    near(vmap(jnp.linalg.solve)(ab, bb), F.solveBatch);
  });
});

const w = jnp.reshape(jnp.arange(16), [4, 4]);
const invLoss = (m: Array) => jnp.sum(jnp.multiply(jnp.linalg.inv(m), w)).item() as number;
const detLoss = (m: Array) => jnp.linalg.det(m).item() as number;
const logdetLoss = (m: Array) => jnp.linalg.slogdet(m)[1].item() as number;
const solveLoss = (m: Array, b: Array) => jnp.sum(jnp.multiply(jnp.linalg.solve(m, b), jnp.array([1, -2, 3, 0.5]))).item() as number;
/** Central differences of f at x, element by element (float32 code: a coarse step). */
function fd(f: (m: Array) => number, x: Array, h = 1e-2): number[] {
  const base = globalThis.Array.from(x.data as Float32Array, Number);
  return base.map((_, i) => {
    const at = (d: number) => f(jnp.reshape(jnp.array(base.map((v, j) => (j === i ? v + d : v))), x.shape));
    return (at(h) - at(-h)) / (2 * h);
  });
}
const closeTo = (got: Array, want: number[], tol: number) => globalThis.Array.from(got.data as Float32Array, Number).forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));

describe("cholesky", () => {
  const spd = A(F.spd);
  it("against numpy, and L·Lᵀ gives the matrix back; NaNs where not positive definite", () => {
    near(jnp.linalg.cholesky(spd), F.chol);
    const L = jnp.linalg.cholesky(spd);
    near(jnp.matmul(L, jnp.transpose(L)), F.spd, 1e-5);
    expect(Number.isNaN(jnp.linalg.cholesky(jnp.array([[1, 2], [2, 1]])).data[0])).toBe(true);
  });
  it("its gradient (JAX's rule, symmetric) along symmetric directions against central differences", () => {
    const wc = jnp.reshape(jnp.linspace(-1, 2, 16), [4, 4]);
    const f = (m: Array) => jnp.sum(jnp.multiply(jnp.linalg.cholesky(m), wc)).item() as number;
    const g = grad(f)(spd).tolist() as number[][];
    const base = spd.tolist() as number[][];
    for (const [i, j] of [[0, 0], [2, 1], [3, 0], [3, 3], [1, 2]]) {
      const at = (d: number) => f(jnp.array(base.map((r, p) => r.map((v, q) => v + ((p === i && q === j) || (p === j && q === i) ? d : 0)))));
      const fd = (at(1e-2) - at(-1e-2)) / 2e-2;
      const dir = i === j ? g[i][i] : g[i][j] + g[j][i];
      expect(Math.abs(dir - fd), `(${i}, ${j}): ${dir} vs ${fd}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
      expect(g[i][j]).toBeCloseTo(g[j][i], 6);
    }
  });
  it("vmap of cholesky's gradient equals the loop", () => {
    const batch = jnp.stack([spd, jnp.multiply(spd, 2), jnp.add(spd, jnp.eye(4))]);
    const f = (m: Array) => jnp.sum(jnp.linalg.cholesky(m)).item() as number;
    const got = vmap(grad(f))(batch);
    const want = jnp.stack([0, 1, 2].map((i) => grad(f)(jnp.take(batch, i, 0))));
    expect(jnp.max(jnp.abs(jnp.subtract(got, want))).item()).toBeLessThan(1e-5);
  });
});

describe("norms", () => {
  it("vectorNorm (2, 1, inf, p), matrixNorm (fro, 1, inf), norm", () => {
    near(jnp.linalg.vectorNorm(jnp.take(a, 0, 0)), F.vnorm);
    near(jnp.linalg.vectorNorm(a, { ord: 1, axis: 1 }), F.vnorm1);
    near(jnp.linalg.vectorNorm(jnp.take(a, 1, 0), { ord: Infinity }), F.vnormInf);
    near(jnp.linalg.vectorNorm(jnp.take(a, 2, 0), { ord: 3 }), F.vnorm3, 1e-5);
    near(jnp.linalg.matrixNorm(ab), F.fro);
    near(jnp.linalg.matrixNorm(a, { ord: 1 }), F.mnorm1);
    near(jnp.linalg.matrixNorm(a, { ord: Infinity }), F.mnormInf);
    near(jnp.linalg.norm(jnp.take(a, 0, 0)), F.vnorm);
  });
  it("norm with an ord: a vector norm over one axis, a matrix norm over [-2, -1] or for a matrix ord", () => {
    near(jnp.linalg.norm(a, { ord: 1, axis: 1 }), F.vnorm1);
    near(jnp.linalg.norm(a, { ord: 1, axis: [-2, -1] }), F.mnorm1);
    near(jnp.linalg.norm(a, { ord: Infinity, axis: [-2, -1] }), F.mnormInf);
    near(jnp.linalg.norm(ab, { ord: "fro" }), F.fro);
    near(jnp.linalg.norm(ab, { ord: "f" }), F.fro);
    expect(() => jnp.linalg.norm(a, { ord: 1 })).toThrow(/with ord 1, give the axis \(a number for a vector norm, \[-2, -1\] for a matrix norm\)/);
    expect(() => jnp.linalg.norm(a, { ord: 1, axis: [0, 1] })).toThrow(/only the last two, \[-2, -1\], are supported/);
    expect(() => jnp.linalg.norm(a, { ord: "nuc", axis: 0 })).toThrow(/matrix norm: its axis must be \[-2, -1\]/);
    // compiled: the same choice at build time, differentiable (d‖A‖₁/dA: the sign pattern of the largest column)
    const n1 = (m: Array) => jnp.linalg.norm(m, { ord: 1, axis: [-2, -1] }).item() as number;
    const e = jnp.linalg.matrixNorm(a, { ord: 1 }).item() as number;
    expect(n1(a)).toBe(e);
    const g = grad(n1)(a).tolist() as number[][];
    const cols = [0, 1, 2, 3].map((j) => (a.tolist() as number[][]).reduce((acc, r) => acc + Math.abs(r[j]), 0));
    const jmax = cols.indexOf(Math.max(...cols));
    g.forEach((r, i) => r.forEach((v, j) => expect(v + 0).toBe(j === jmax ? Math.sign((a.tolist() as number[][])[i][j]) : 0)));
  });
  it("the 2-norm's gradient is x / |x|", () => {
    const v = jnp.array([3, -4, 12]);
    (grad((u: Array) => jnp.linalg.norm(u).item() as number)(v).tolist() as number[]).forEach((g, i) => expect(g).toBeCloseTo([3 / 13, -4 / 13, 12 / 13][i], 6));
  });
});

describe("their gradients", () => {
  it("det's is det·A⁻ᵀ; slogdet's log part A⁻ᵀ", () => {
    near(grad(detLoss)(a), F.gradDet, 1e-5);
    near(grad(logdetLoss)(a), { shape: [4, 4], data: globalThis.Array.from(jnp.transpose(jnp.linalg.inv(a)).data as Float32Array, Number) }, 1e-5);
  });
  it("inv's and solve's (both operands) against central differences", () => {
    closeTo(grad(invLoss)(a), fd(invLoss, a), 2e-2);
    const [ga, gb] = grad(solveLoss, { argnums: [0, 1] })(a, bv);
    closeTo(ga, fd((m) => solveLoss(m, bv), a), 2e-2);
    closeTo(gb, fd((b) => solveLoss(a, b), bv), 2e-2);
  });
  it("per-matrix gradients with vmap equal the loop", () => {
    const dl = (m: Array) => jnp.linalg.det(m).item() as number;
    const batched = vmap(grad(dl))(ab);
    const loop = jnp.stack([0, 1, 2].map((i) => grad(dl)(jnp.take(ab, i, 0))));
    expect(jnp.max(jnp.abs(jnp.subtract(batched, loop))).item()).toBeLessThan(1e-6);
  });
});
