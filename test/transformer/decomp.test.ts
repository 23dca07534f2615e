// numpy.linalg's decompositions and lax.linalg (runtime/numpy/decomp.ts, runtime/lax/linalg.ts):
// values against numpy/SciPy (test/fixtures/gen_decomp.py, float64 on the same float32 inputs),
// gradients against float64 central differences of the same losses (computed by the generator),
// forward mode against reverse mode, vmap against the per-example loop, and the errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import ts from "typescript";
import { compile, HEADER } from "./fixtures/compile.js";
import { grad, hessian, jit, jvp, vmap, lax, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/decomp.json", import.meta.url), "utf8"));
type Enc = { shape: number[]; data: number[] };
const A = (e: Enc) => jnp.reshape(jnp.array(e.data), e.shape);
const vals = (x: Array) => globalThis.Array.from(x.data as Float32Array, Number);
/** got within tol·max(1, |want|_∞) of want, element by element. */
function near(got: Array, want: Enc, tol = 3e-6) {
  expect(got.shape).toEqual(want.shape);
  const scale = Math.max(1, ...want.data.map(Math.abs));
  vals(got).forEach((v, i) => expect(Math.abs(v - want.data[i]), `element ${i}: ${v} vs ${want.data[i]}`).toBeLessThanOrEqual(tol * scale));
}
const enc = (x: Array): Enc => ({ shape: x.shape as number[], data: vals(x) });
const maxDiff = (a: Array, b: Array) => jnp.max(jnp.abs(jnp.subtract(a, b))).item() as number;
const mT = (x: Array) => jnp.swapaxes(x, -1, -2);

const s44 = A(F.s44), a44 = A(F.a44), t53 = A(F.t53), w35 = A(F.w35), sb = A(F.sb), b243 = A(F.b243);
const lt = A(F.lt), ut = A(F.ut), bl = A(F.bl), br = A(F.br);
const W44 = A(F.W44), W4 = A(F.W4), W53 = A(F.W53), W3 = A(F.W3), W35 = A(F.W35), W33 = A(F.W33), W42 = A(F.W42), W24 = A(F.W24);

describe("eigh / eigvalsh", () => {
  it("eigenvalues ascending and eigenvectors (largest component positive) against numpy; V·diag(w)·Vᵀ = a", () => {
    const [w, v] = jnp.linalg.eigh(s44);
    near(w, F.eighW);
    near(v, F.eighV, 1e-5);
    near(jnp.matmul(jnp.multiply(v, w), mT(v)), F.s44, 1e-5);
    near(jnp.linalg.eigvalsh(sb), F.eighWBatch);
    // (the batch: VᵀV = I whatever the signs)
    const vb = jnp.linalg.eigh(sb)[1];
    expect(maxDiff(jnp.matmul(mT(vb), vb), jnp.broadcastTo(jnp.eye(3), [3, 3, 3]))).toBeLessThan(1e-6);
  });
  it("gradients (JAX's rule through the symmetrization) against float64 central differences", () => {
    const loss = (m: Array) => {
      const [w, v] = jnp.linalg.eigh(m);
      return (jnp.sum(jnp.multiply(w, W4)).item() as number) + (jnp.sum(jnp.multiply(v, W44)).item() as number);
    };
    near(grad(loss)(s44), F.g_eigh, 2e-4);
    near(grad((m: Array) => jnp.sum(jnp.multiply(jnp.linalg.eigvalsh(m), W4)).item() as number)(s44), F.g_eigvalsh, 1e-5);
  });
  it("forward mode agrees with reverse mode (⟨∇f, t⟩ = jvp)", () => {
    const f = (m: Array) => {
      const [w, v] = jnp.linalg.eigh(m);
      return jnp.add(jnp.sum(jnp.multiply(w, W4)), jnp.sum(jnp.multiply(v, W44)));
    };
    const g = grad((m: Array) => f(m).item() as number)(s44);
    const [, t] = jvp(f, [s44], [W44]);
    expect(Math.abs((t.item() as number) - (jnp.sum(jnp.multiply(g, W44)).item() as number))).toBeLessThan(1e-4);
  });
  it("second derivatives: forward over reverse (the rules are IR) against float64 central differences of the exact gradient", () => {
    const f = (m: Array) => jnp.sum(jnp.multiply(jnp.linalg.eigvalsh(m), W4)).item() as number;
    const T = jnp.add(W44, mT(W44));
    const df: (m: Array) => Array = grad(f);
    const [, hv] = jvp(df, [s44], [T]);
    near(hv, F.hv_eigvalsh, 1e-4);
    // reverse over reverse: the Hessian along T
    const H = hessian(f)(s44) as Array;
    near(jnp.einsum("ijkl,kl->ij", H, T), F.hv_eigvalsh, 1e-4);
  });
  it("jit gives eager code's values", () => {
    const f = jit((m: Array) => {
      const [w, v] = jnp.linalg.eigh(m);
      return jnp.matmul(jnp.multiply(v, w), jnp.linalg.svdvals(v));
    });
    const [w, v] = jnp.linalg.eigh(s44);
    expect(maxDiff(f(s44), jnp.matmul(jnp.multiply(v, w), jnp.linalg.svdvals(v)))).toBe(0);
  });
  it("vmap of its gradient equals the loop", () => {
    const batch = jnp.stack([s44, jnp.multiply(s44, 2), jnp.add(s44, jnp.eye(4))]);
    const f = (m: Array) => {
      const [w, v] = jnp.linalg.eigh(m);
      return (jnp.sum(jnp.multiply(v, W44)).item() as number) + (jnp.sum(jnp.multiply(w, W4)).item() as number);
    };
    const want = jnp.stack([0, 1, 2].map((i) => grad(f)(jnp.take(batch, i, 0))));
    expect(maxDiff(vmap(grad(f))(batch), want)).toBeLessThan(1e-5);
    expect(maxDiff(vmap((m: Array) => jnp.linalg.eigvalsh(m))(batch), jnp.linalg.eigvalsh(batch))).toBe(0);
  });
});

describe("svd / svdvals", () => {
  for (const name of ["t53", "w35", "a44"]) {
    it(`reduced u, s, vt of ${name} against numpy (vt's rows: largest component positive)`, () => {
      const [u, s, vt] = jnp.linalg.svd(A(F[name]), { fullMatrices: false });
      near(s, F[`svd_${name}`].s);
      near(u, F[`svd_${name}`].u, 1e-5);
      near(vt, F[`svd_${name}`].vt, 1e-5);
    });
  }
  it("fullMatrices (the default): orthogonal u and vt that give a back; computeUv: false; a batch", () => {
    for (const a of [t53, w35]) {
      const [u, s, vt] = jnp.linalg.svd(a);
      const [m, n] = a.shape;
      expect(u.shape).toEqual([m, m]);
      expect(vt.shape).toEqual([n, n]);
      expect(maxDiff(jnp.matmul(mT(u), u), jnp.eye(m))).toBeLessThan(1e-6);
      expect(maxDiff(jnp.matmul(vt, mT(vt)), jnp.eye(n))).toBeLessThan(1e-6);
      const k = Math.min(m, n);
      const us = jnp.multiply(jnp.slice(u, [0, m], [0, k]), s);
      near(jnp.matmul(us, jnp.slice(vt, [0, k])), enc(a), 1e-5);
    }
    near(jnp.linalg.svd(t53, { computeUv: false }), F.svd_t53.s);
    near(jnp.linalg.svdvals(b243), F.svdBatchS);
  });
  it("gradients of u, s and vt (reduced; square with fullMatrices) against float64 central differences", () => {
    const parts = (u: Array, s: Array, vt: Array, Wu: Array, Ws: Array, Wv: Array) =>
      (jnp.sum(jnp.multiply(u, Wu)).item() as number) + (jnp.sum(jnp.multiply(s, Ws)).item() as number) + (jnp.sum(jnp.multiply(vt, Wv)).item() as number);
    const tall = (m: Array) => {
      const [u, s, vt] = jnp.linalg.svd(m, { fullMatrices: false });
      return parts(u, s, vt, W53, W3, W33);
    };
    const wide = (m: Array) => {
      const [u, s, vt] = jnp.linalg.svd(m, { fullMatrices: false });
      return parts(u, s, vt, W33, W3, W35);
    };
    const square = (m: Array) => {
      const [u, s, vt] = jnp.linalg.svd(m);
      return parts(u, s, vt, W44, W4, W44);
    };
    near(grad(tall)(t53), F.g_svd_t53, 3e-4);
    near(grad(wide)(w35), F.g_svd_w35, 3e-4);
    near(grad(square)(a44), F.g_svd_a44, 3e-4);
    near(grad((m: Array) => jnp.sum(jnp.multiply(jnp.linalg.svdvals(m), W3)).item() as number)(w35), F.g_svdvals_w35, 1e-5);
  });
  it("forward mode agrees with reverse mode", () => {
    const f = (m: Array) => {
      const [u, s, vt] = jnp.linalg.svd(m, { fullMatrices: false });
      return jnp.add(jnp.add(jnp.sum(jnp.multiply(u, W53)), jnp.sum(jnp.multiply(s, W3))), jnp.sum(jnp.multiply(vt, W33)));
    };
    const g = grad((m: Array) => f(m).item() as number)(t53);
    const [, t] = jvp(f, [t53], [W53]);
    expect(Math.abs((t.item() as number) - (jnp.sum(jnp.multiply(g, W53)).item() as number))).toBeLessThan(1e-4);
    // a wide matrix (vt's extra term) and a square one with fullMatrices
    const fw = (m: Array) => {
      const [u, s, vt] = jnp.linalg.svd(m, { fullMatrices: false });
      return jnp.add(jnp.add(jnp.sum(jnp.multiply(u, W33)), jnp.sum(jnp.multiply(s, W3))), jnp.sum(jnp.multiply(vt, W35)));
    };
    const gw = grad((m: Array) => fw(m).item() as number)(w35);
    expect(Math.abs((jvp(fw, [w35], [W35])[1].item() as number) - (jnp.sum(jnp.multiply(gw, W35)).item() as number))).toBeLessThan(1e-4);
    const fs = (m: Array) => {
      const [u, s, vt] = jnp.linalg.svd(m);
      return jnp.add(jnp.add(jnp.sum(jnp.multiply(u, W44)), jnp.sum(jnp.multiply(s, W4))), jnp.sum(jnp.multiply(vt, mT(W44))));
    };
    const gs = grad((m: Array) => fs(m).item() as number)(a44);
    expect(Math.abs((jvp(fs, [a44], [W44])[1].item() as number) - (jnp.sum(jnp.multiply(gs, W44)).item() as number))).toBeLessThan(1e-4);
  });
  it("second derivatives (forward over reverse) against float64 central differences", () => {
    const f = (m: Array) => {
      const [u, s, vt] = jnp.linalg.svd(m, { fullMatrices: false });
      return (jnp.sum(jnp.multiply(u, W53)).item() as number) + (jnp.sum(jnp.multiply(s, W3)).item() as number) + (jnp.sum(jnp.multiply(vt, W33)).item() as number);
    };
    const df: (m: Array) => Array = grad(f);
    near(jvp(df, [t53], [W53])[1], F.hv_svd_t53, 2e-3);
  });
  it("the derivative of u with fullMatrices and a non-square matrix is an error naming svd and the shape", () => {
    const f = (m: Array) => jnp.sum(jnp.linalg.svd(m)[0]).item() as number;
    expect(() => grad(f)(t53)).toThrow(/svd: .*fullMatrices.*\(5, 3\)/);
  });
  it("vmap of the singular values' and vectors' gradient equals the loop", () => {
    const batch = jnp.stack([t53, jnp.multiply(t53, -2), jnp.add(t53, 1)]);
    const f = (m: Array) => {
      const [u, s] = jnp.linalg.svd(m, { fullMatrices: false });
      return (jnp.sum(jnp.multiply(u, W53)).item() as number) + (jnp.sum(jnp.multiply(s, W3)).item() as number);
    };
    const want = jnp.stack([0, 1, 2].map((i) => grad(f)(jnp.take(batch, i, 0))));
    expect(maxDiff(vmap(grad(f))(batch), want)).toBeLessThan(1e-5);
  });
});

describe("qr", () => {
  for (const name of ["t53", "w35", "a44"])
    it(`reduced and complete q, r of ${name} against numpy (LAPACK's signs)`, () => {
      const [q, r] = jnp.linalg.qr(A(F[name]));
      near(q, F[`qr_${name}`].q, 1e-5);
      near(r, F[`qr_${name}`].r, 1e-5);
      const [qc, rc] = jnp.linalg.qr(A(F[name]), { mode: "complete" });
      near(qc, F[`qr_${name}`].qc, 1e-5);
      near(rc, F[`qr_${name}`].rc, 1e-5);
      near(jnp.linalg.qr(A(F[name]), { mode: "r" }), F[`qr_${name}`].r, 1e-5);
    });
  it("gradients (JAX's rule, m >= n) against float64 central differences; forward mode agrees", () => {
    const tall = (m: Array) => {
      const [q, r] = jnp.linalg.qr(m);
      return (jnp.sum(jnp.multiply(q, W53)).item() as number) + (jnp.sum(jnp.multiply(r, W33)).item() as number);
    };
    const square = (m: Array) => {
      const [q, r] = jnp.linalg.qr(m);
      return (jnp.sum(jnp.multiply(q, W44)).item() as number) + (jnp.sum(jnp.multiply(r, W44)).item() as number);
    };
    near(grad(tall)(t53), F.g_qr_t53, 2e-4);
    near(grad(square)(a44), F.g_qr_a44, 2e-4);
    const f = (m: Array) => {
      const [q, r] = jnp.linalg.qr(m);
      return jnp.add(jnp.sum(jnp.multiply(q, W53)), jnp.sum(jnp.multiply(r, W33)));
    };
    const [, t] = jvp(f, [t53], [W53]);
    const g = grad((m: Array) => f(m).item() as number)(t53);
    expect(Math.abs((t.item() as number) - (jnp.sum(jnp.multiply(g, W53)).item() as number))).toBeLessThan(1e-4);
  });
  it("second derivatives (forward over reverse) against float64 central differences", () => {
    const f = (m: Array) => {
      const [q, r] = jnp.linalg.qr(m);
      return (jnp.sum(jnp.multiply(q, W53)).item() as number) + (jnp.sum(jnp.multiply(r, W33)).item() as number);
    };
    const df: (m: Array) => Array = grad(f);
    near(jvp(df, [t53], [W53])[1], F.hv_qr_t53, 2e-3);
  });
  it("wide matrices have no derivative (as in JAX): an error naming qr and the shape", () => {
    expect(() => grad((m: Array) => jnp.sum(jnp.linalg.qr(m)[1]).item() as number)(w35)).toThrow(/qr: .*m >= n.*\(3, 5\)/);
    expect(() => grad((m: Array) => jnp.sum(jnp.linalg.qr(m, { mode: "complete" })[0]).item() as number)(t53)).toThrow(/qr: .*"complete" needs square.*\(5, 3\)/);
  });
  it("vmap of its gradient equals the loop", () => {
    const batch = jnp.stack([t53, jnp.multiply(t53, 3), jnp.subtract(t53, 0.5)]);
    const f = (m: Array) => {
      const [q, r] = jnp.linalg.qr(m);
      return (jnp.sum(jnp.multiply(q, W53)).item() as number) + (jnp.sum(jnp.multiply(r, W33)).item() as number);
    };
    const want = jnp.stack([0, 1, 2].map((i) => grad(f)(jnp.take(batch, i, 0))));
    expect(maxDiff(vmap(grad(f))(batch), want)).toBeLessThan(1e-5);
  });
});

describe("lax.linalg.triangularSolve", () => {
  it("every combination of leftSide, lower, transposeA, unitDiagonal against numpy", () => {
    for (const [key, want] of Object.entries(F.tri as Record<string, Enc>)) {
      const [left, lower, transposeA, unitDiagonal] = [...key].map((c) => c === "1");
      const x = lax.linalg.triangularSolve(lower ? lt : ut, left ? bl : br, { leftSide: left, lower, transposeA, unitDiagonal });
      near(x, want, 1e-5);
    }
    near(lax.linalg.triangularSolve(lt, bl, { leftSide: true, lower: true, transposeA: true }), F.triScipy, 1e-5);
  });
  it("gradients for a and b (left and right) against float64 central differences", () => {
    const left = (a: Array, b: Array) => jnp.sum(jnp.multiply(lax.linalg.triangularSolve(a, b, { leftSide: true, lower: true, transposeA: true }), W42)).item() as number;
    const [ga, gb] = grad(left, { argnums: [0, 1] })(lt, bl);
    near(ga, F.g_tri_a, 1e-5);
    near(gb, F.g_tri_b, 1e-5);
    const right = (a: Array, b: Array) => jnp.sum(jnp.multiply(lax.linalg.triangularSolve(a, b), W24)).item() as number;
    const [ra, rb] = grad(right, { argnums: [0, 1] })(ut, br);
    near(ra, F.g_triR_a, 1e-5);
    near(rb, F.g_triR_b, 1e-5);
  });
  it("forward mode agrees with reverse mode; vmap (a shared, b batched) equals the loop", () => {
    const f = (a: Array, b: Array) => jnp.sum(jnp.multiply(lax.linalg.triangularSolve(a, b, { leftSide: true, lower: true }), W42));
    const [ga, gb] = grad((a: Array, b: Array) => f(a, b).item() as number, { argnums: [0, 1] })(lt, bl);
    const [, t] = jvp(f, [lt, bl], [W44, W42]);
    const want = (jnp.sum(jnp.multiply(ga, W44)).item() as number) + (jnp.sum(jnp.multiply(gb, W42)).item() as number);
    expect(Math.abs((t.item() as number) - want)).toBeLessThan(1e-4);
    const bs = jnp.stack([bl, jnp.multiply(bl, 2), jnp.add(bl, 1)]);
    const solveB = (b: Array) => lax.linalg.triangularSolve(lt, b, { leftSide: true, lower: true });
    expect(maxDiff(vmap(solveB)(bs), jnp.stack([0, 1, 2].map((i) => solveB(jnp.take(bs, i, 0)))))).toBe(0);
    const gOf = (a: Array) => grad((m: Array) => f(m, bl).item() as number)(a);
    const as = jnp.stack([lt, jnp.multiply(lt, 2), jnp.add(lt, jnp.eye(4))]);
    expect(maxDiff(vmap(gOf)(as), jnp.stack([0, 1, 2].map((i) => gOf(jnp.take(as, i, 0)))))).toBeLessThan(1e-6);
  });
});

describe("lax.linalg: lu, eigh, svd, cholesky", () => {
  it("lu's factors, pivots and permutation against LAPACK (square and rectangular)", () => {
    for (const name of ["a44", "a34", "a43"]) {
      const [lu, piv, perm] = lax.linalg.lu(A(F[name]));
      near(lu, F[`lu_${name}`].lu, 1e-5);
      expect(globalThis.Array.from(piv.data as Int32Array)).toEqual(F[`lu_${name}`].piv.data);
      expect(globalThis.Array.from(perm.data as Int32Array)).toEqual(F[`lu_${name}`].perm.data);
      expect(piv.dtype).toBe("int32");
    }
  });
  it("lu's gradient (square and rectangular, as JAX's) against float64 central differences; forward mode agrees; vmap equals the loop", () => {
    const f = (m: Array) => jnp.sum(jnp.multiply(lax.linalg.lu(m)[0], W44)).item() as number;
    near(grad(f)(a44), F.g_lu, 1e-4);
    const W34 = jnp.reshape(jnp.square(jnp.linspace(-1, 1.5, 12)), [3, 4]).sub(0.3);
    const W43 = jnp.reshape(jnp.square(jnp.linspace(-1, 1.5, 12)), [4, 3]).sub(0.3);
    const wide = (m: Array) => lax.linalg.lu(m)[0].mul(W34).sum();
    const tall = (m: Array) => lax.linalg.lu(m)[0].mul(W43).sum();
    const gw = grad((m: Array) => wide(m).item() as number)(A(F.a34));
    const gt = grad((m: Array) => tall(m).item() as number)(A(F.a43));
    near(gw, F.g_lu_a34, 1e-4);
    near(gt, F.g_lu_a43, 1e-4);
    expect(Math.abs((jvp(wide, [A(F.a34)], [W34])[1].item() as number) - (gw.mul(W34).sum().item() as number))).toBeLessThan(1e-4);
    expect(Math.abs((jvp(tall, [A(F.a43)], [W43])[1].item() as number) - (gt.mul(W43).sum().item() as number))).toBeLessThan(1e-4);
    const batch = jnp.stack([a44, jnp.multiply(a44, -1), jnp.add(a44, jnp.eye(4))]);
    expect(maxDiff(vmap(grad(f))(batch), jnp.stack([0, 1, 2].map((i) => grad(f)(jnp.take(batch, i, 0)))))).toBeLessThan(1e-6);
  });
  it("eigh gives [v, w] (vectors first); svd; cholesky lower and upper", () => {
    const [v, w] = lax.linalg.eigh(s44);
    near(w, F.eighW);
    near(v, F.eighV, 1e-5);
    // only the lower triangle read when not symmetrizing
    const lowerOnly = jnp.add(jnp.tril(s44), jnp.triu(jnp.full([4, 4], 9), 1));
    near(lax.linalg.eigh(lowerOnly, { symmetrizeInput: false })[1], F.eighW);
    const upperOnly = jnp.add(jnp.triu(s44), jnp.tril(jnp.full([4, 4], -9), -1));
    near(lax.linalg.eigh(upperOnly, { symmetrizeInput: false, lower: false })[1], F.eighW);
    const fromUpper = jit((m: Array) => lax.linalg.eigh(m, { symmetrizeInput: false, lower: false })[0]);
    expect(maxDiff(fromUpper(upperOnly), lax.linalg.eigh(s44)[0])).toBe(0);
    const [u, s, vt] = lax.linalg.svd(a44) as [Array, Array, Array];
    near(s, F.svd_a44.s);
    near(jnp.matmul(jnp.multiply(u, s), vt), F.a44, 1e-5);
    const spd = jnp.add(jnp.matmul(a44, mT(a44)), jnp.eye(4));
    const L = lax.linalg.cholesky(spd);
    near(lax.linalg.cholesky(spd, { upper: true }), enc(mT(L)));
    near(jnp.matmul(L, mT(L)), enc(spd), 1e-5);
    // numpy.linalg.cholesky's options: upper, and symmetrizeInput false reading the lower triangle
    near(jnp.linalg.cholesky(spd, { upper: true }), enc(mT(L)));
    const spdLower = jnp.add(jnp.tril(spd), jnp.triu(jnp.full([4, 4], 100), 1));
    near(jnp.linalg.cholesky(spdLower, { symmetrizeInput: false }), enc(L));
    const up = (m: Array) => jnp.sum(jnp.multiply(jnp.linalg.cholesky(m, { upper: true }), W44)).item() as number;
    const low = (m: Array) => jnp.sum(jnp.multiply(jnp.linalg.cholesky(m), mT(W44))).item() as number;
    expect(maxDiff(grad(up)(spd), grad(low)(spd))).toBeLessThan(1e-6);
    expect(maxDiff(jit((m: Array) => jnp.linalg.cholesky(m, { symmetrizeInput: false, upper: true }))(spdLower), mT(L))).toBe(0);
  });
  it("lax.linalg.eigh's gradient equals numpy.linalg.eigh's", () => {
    const a = (m: Array) => jnp.sum(jnp.multiply(lax.linalg.eigh(m)[0], W44)).item() as number;
    const b = (m: Array) => jnp.sum(jnp.multiply(jnp.linalg.eigh(m)[1], W44)).item() as number;
    expect(maxDiff(grad(a)(s44), grad(b)(s44))).toBe(0);
  });
});

describe("pinv, lstsq, matrixRank, matrixPower, multiDot, cross", () => {
  it("values against numpy", () => {
    near(jnp.linalg.pinv(t53), F.pinv_t53, 1e-5);
    near(jnp.linalg.pinv(w35), F.pinv_w35, 1e-5);
    near(jnp.linalg.pinv(A(F.rankdef)), F.pinv_rankdef, 1e-5);
    near(jnp.linalg.lstsq(t53, A(F.bv5)), F.lstsqVec, 1e-5);
    near(jnp.linalg.lstsq(t53, A(F.bm5)), F.lstsqMat, 1e-5);
    near(jnp.linalg.lstsq(w35, A(F.bv3)), F.lstsqUnder, 1e-5);
    const r = jnp.linalg.matrixRank(jnp.stack([A(F.rankdef), jnp.concatenate([t53, jnp.zeros([5, 1])], 1)]));
    expect(r.dtype).toBe("int32");
    expect(globalThis.Array.from(r.data as Int32Array)).toEqual(F.rank.data);
    near(jnp.linalg.matrixPower(a44, 3), F.pow3, 1e-5);
    near(jnp.linalg.matrixPower(a44, -2), F.powm2, 1e-4);
    near(jnp.linalg.matrixPower(a44, 0), enc(jnp.eye(4)));
    near(jnp.linalg.multiDot([t53, w35, t53]), F.multiDot, 1e-5);
    near(jnp.linalg.cross(A(F.c1), A(F.c2)), F.cross, 1e-6);
    const ords = [2, -2, "nuc", -1, -Infinity] as const;
    near(jnp.stack(ords.map((ord) => jnp.linalg.matrixNorm(b243, { ord }))), F.mnorms, 1e-5);
    expect(jnp.linalg.matrixNorm(b243, { ord: "nuc", keepdims: true }).shape).toEqual([2, 1, 1]);
    near(jnp.stack([jnp.linalg.cond(a44), jnp.linalg.cond(t53), jnp.linalg.cond(a44, -2)]), F.cond, 1e-5);
    near(jnp.linalg.cross(mT(A(F.c1)), mT(A(F.c2)), 0), enc(mT(A(F.cross))), 1e-6);
    near(jnp.linalg.matrixTranspose(b243), enc(jnp.swapaxes(b243, 1, 2)), 0);
  });
  it("gradients against float64 central differences", () => {
    near(grad((m: Array) => jnp.sum(jnp.multiply(jnp.linalg.pinv(m), W35)).item() as number)(t53), F.g_pinv, 1e-4);
    const bv5 = A(F.bv5);
    const [ga, gb] = grad((m: Array, b: Array) => jnp.sum(jnp.multiply(jnp.linalg.lstsq(m, b), W3)).item() as number, { argnums: [0, 1] })(t53, bv5);
    near(ga, F.g_lstsq_a, 1e-4);
    near(gb, F.g_lstsq_b, 1e-4);
    near(grad((m: Array) => jnp.sum(jnp.multiply(jnp.linalg.matrixPower(m, 3), W44)).item() as number)(a44), F.g_pow3, 1e-5);
    near(grad((m: Array) => jnp.linalg.cond(m).item() as number)(a44), F.g_cond, 1e-4);
    near(grad((m: Array) => jnp.linalg.matrixNorm(m, { ord: "nuc" }).item() as number)(t53), F.g_nuc, 1e-5);
    near(grad((m: Array) => jnp.linalg.matrixNorm(m, { ord: 2 }).item() as number)(t53), F.g_norm2, 1e-5);
    near(grad((m: Array) => jnp.sum(jnp.multiply(jnp.linalg.matrixPower(m, -2), W44)).item() as number)(a44), F.g_powm2, 1e-4);
  });
  it("compiled code gives eager code's values (multiDot, cross, matrixPower, matrixTranspose inside vmap)", () => {
    const f = (m: Array) => jnp.linalg.multiDot([m, jnp.linalg.matrixTranspose(m), jnp.linalg.matrixPower(jnp.matmul(m, jnp.linalg.matrixTranspose(m)), 2)]);
    const batch = jnp.stack([t53, jnp.multiply(t53, 0.5)]);
    expect(maxDiff(vmap(f)(batch), jnp.stack([f(t53), f(jnp.multiply(t53, 0.5))]))).toBe(0);
    const c = (x: Array) => jnp.linalg.cross(x, jnp.array([1, 2, 3]));
    const xs = A(F.c1);
    expect(maxDiff(vmap(c)(xs), jnp.stack([c(jnp.take(xs, 0, 0)), c(jnp.take(xs, 1, 0))]))).toBe(0);
    const gc = grad((x: Array) => jnp.sum(jnp.multiply(jnp.linalg.cross(x, jnp.array([1, 2, 3])), jnp.array([0.5, -1, 2]))).item() as number)(jnp.array([0.1, 0.2, 0.3]));
    // d/dx (x × b)·w = b × w
    near(gc, enc(jnp.linalg.cross(jnp.array([1, 2, 3]), jnp.array([0.5, -1, 2]))), 1e-6);
  });
  it("vmap equals the loop: lstsq (a batched, b batched vectors), pinv, matrixRank, lu, svd with fullMatrices", () => {
    const as = jnp.stack([t53, jnp.multiply(t53, 2), jnp.add(t53, 0.25)]);
    const bs = jnp.stack([A(F.bv5), jnp.multiply(A(F.bv5), -1), jnp.add(A(F.bv5), 1)]);
    const loop = (f: (i: number) => Array) => jnp.stack([0, 1, 2].map(f));
    const at = (x: Array, i: number) => jnp.take(x, i, 0);
    expect(maxDiff(vmap((a: Array, b: Array) => jnp.linalg.lstsq(a, b))(as, bs), loop((i) => jnp.linalg.lstsq(at(as, i), at(bs, i))))).toBe(0);
    expect(maxDiff(vmap((a: Array) => jnp.linalg.pinv(a))(as), loop((i) => jnp.linalg.pinv(at(as, i))))).toBe(0);
    expect(globalThis.Array.from(vmap((a: Array) => jnp.linalg.matrixRank(a))(as).data as Int32Array)).toEqual([3, 3, 3]);
    const sq = jnp.stack([a44, jnp.multiply(a44, -1)]);
    const piv = vmap((a: Array) => lax.linalg.lu(a)[1])(sq);
    expect(piv.dtype).toBe("int32");
    expect(piv.tolist()).toEqual([0, 1].map((i) => lax.linalg.lu(at(sq, i))[1].tolist()));
    expect(maxDiff(vmap((a: Array) => jnp.linalg.svd(a)[0])(as), loop((i) => jnp.linalg.svd(at(as, i))[0]))).toBe(0);
  });
  it("the aliases numpy.linalg shares with numpy are numpy's functions", () => {
    for (const k of ["matmul", "outer", "diagonal", "trace", "vecdot", "matrixTranspose", "tensordot"] as const) expect(jnp.linalg[k]).toBe(jnp[k]);
  });
  it("matrixRank is not differentiable (a build-time zero): its result is an int32 count", () => {
    const f = (m: Array) => (jnp.linalg.matrixRank(m).item() as number) * (jnp.sum(m).item() as number);
    near(grad(f)(t53), enc(jnp.full([5, 3], 3)));
  });
});

describe("bad input names the function and the shapes", () => {
  it("non-square where square is needed, rank < 2, mismatched solves", () => {
    expect(() => jnp.linalg.eigh(jnp.ones([2, 3]))).toThrow(/eigh: .*square.*\(2, 3\)/);
    expect(() => jnp.linalg.eigvalsh(jnp.ones([3]))).toThrow(/eigvalsh: .*at least 2 dimensions.*\(3,\)/);
    expect(() => jnp.linalg.svd(jnp.ones([3]))).toThrow(/svd: .*at least 2 dimensions.*\(3,\)/);
    expect(() => jnp.linalg.qr(jnp.ones([4]))).toThrow(/qr: .*\(4,\)/);
    expect(() => jnp.linalg.matrixPower(jnp.ones([2, 3]), 2)).toThrow(/matrixPower: .*square.*\(2, 3\)/);
    expect(() => jnp.linalg.pinv(jnp.ones([3]))).toThrow(/pinv: .*\(3,\)/);
    expect(() => jnp.linalg.lstsq(jnp.ones([3, 2]), jnp.ones([4]))).toThrow(/lstsq: .*\(3, 2\).*\(4,\)/);
    expect(() => lax.linalg.triangularSolve(jnp.ones([3, 3]), jnp.ones([2, 2]), { leftSide: true })).toThrow(/triangularSolve: .*\(3, 3\).*\(2, 2\)/);
    expect(() => lax.linalg.triangularSolve(jnp.ones([3, 2]), jnp.ones([3, 3]))).toThrow(/triangularSolve: .*square.*\(3, 2\)/);
    expect(() => lax.linalg.lu(jnp.ones([3]))).toThrow(/lu: x .*\(3,\)/);
    expect(() => jnp.linalg.cross(jnp.ones([2]), jnp.ones([3]))).toThrow(/cross: .*size 3.*\(2,\) and \(3,\)/);
    expect(() => jnp.linalg.multiDot([jnp.ones([2, 2])])).toThrow(/multiDot: .*two/);
    expect(() => jnp.linalg.cond(jnp.ones([2]))).toThrow(/cond: x .*\(2,\)/);
  });
});

describe("build-time errors name the function", () => {
  const cases: [string, RegExp][] = [
    ["export const d = grad((x: Array, n: number) => jnp.sum(jnp.linalg.matrixPower(x, n)).item() as number);\n", /^matrixPower: the power must be an integer written literally/],
    ["export const d = grad((x: Array) => jnp.sum(jnp.linalg.qr(x, { mode: \"economic\" as never })[0]).item() as number);\n", /^qr: mode must be "reduced", "complete" or "r", got "economic"/],
  ];
  it.each(cases)("%s", (src, msg) => {
    const c = compile({ "main.ts": HEADER + src });
    try {
      const texts = c.emit("main.ts").diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n").replace(/^tsjax: /, ""));
      expect(texts.length).toBe(1);
      expect(texts[0]).toMatch(msg);
    } finally {
      c.cleanup();
    }
  });
});
