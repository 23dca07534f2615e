// float64 and float16 inputs to numpy.linalg / lax.linalg, numpy.fft, the special functions and
// the numpy/more.ts family (test/fixtures/gen_dtypes_families.py): float64 results are float64
// and float64-accurate (a few ulps, or the algorithm's bound), float16 ones NumPy's float16
// (computed in float32, rounded), LAPACK-based functions refuse float16 as JAX does, and
// gradients of float64 inputs are float64 (compiled through the transformer).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, jit, vmap, numpy as jnp, lax, scipySpecial as sp } from "../../runtime/index.js";
import type { Array, DType } from "../../runtime/index.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/dtypes-families.json", import.meta.url), "utf8"));
type Enc = { shape: number[]; data: (number | null)[] };
const mk = (e: Enc, dtype: DType = "float64"): Array => jnp.reshape(jnp.array(e.data.map((v) => (v === null ? NaN : v)), { dtype }), e.shape);
const vals = (a: Array): number[] => globalThis.Array.from(a.data as Float64Array, Number);

/** float64 results: the dtype, the shape, and |got − want| ≤ tol·max(1, max|want|). */
function near64(got: Array, want: Enc, tol = 1e-13) {
  expect(got.dtype).toBe("float64");
  expect(got.shape).toEqual(want.shape);
  const w = want.data as number[];
  const scale = Math.max(1, ...w.map(Math.abs));
  vals(got).forEach((v, i) => expect(Math.abs(v - w[i]), `element ${i}: ${v} vs ${w[i]}`).toBeLessThanOrEqual(tol * scale));
}
/** Exactly NumPy's values in `dtype` (NaN where NumPy has NaN). */
function same(got: Array, want: Enc, dtype: DType) {
  expect(got.dtype).toBe(dtype);
  expect(got.shape).toEqual(want.shape);
  vals(got).forEach((v, i) => expect(v, `element ${i}`).toBe(want.data[i] === null ? NaN : want.data[i]));
}
/** A float64 ulp of v (the smallest normal's below it). */
const ulp = (v: number) => 2 ** (Math.max(Math.floor(Math.log2(Math.abs(v) || 2 ** -1022)), -1022) - 52);

const L = F.linalg;
const a = mk(L.a), ab = mk(L.ab), spd = mk(L.spd), rect = mk(L.rect);
const a16 = mk(L.a16, "float16");
const F16_REFUSED = /float16 input is not supported .*convert it with astype\("float32"\)/;

describe("numpy.linalg and lax.linalg in float64", () => {
  it("inv, det, slogdet, solve (LU) keep float64 to LAPACK's accuracy", () => {
    near64(jnp.linalg.inv(a), L.inv);
    near64(jnp.linalg.inv(ab), L.invBatch);
    near64(jnp.linalg.det(a), L.det);
    near64(jnp.linalg.det(ab), L.detBatch);
    const [s, l] = jnp.linalg.slogdet(ab);
    near64(s, L.slogdetSign);
    near64(l, L.slogdetLog);
    near64(jnp.linalg.slogdetSign(ab), L.slogdetSign);
    near64(jnp.linalg.logAbsDet(ab), L.slogdetLog);
    near64(jnp.linalg.solve(a, mk(L.bv)), L.solveVec);
    near64(jnp.linalg.solve(a, mk(L.bm)), L.solveMat);
  });
  it("cholesky, eigh, svd, qr and what is built on them", () => {
    near64(jnp.linalg.cholesky(spd), L.chol);
    near64(jnp.linalg.choleskyLower(spd), L.chol);
    near64(lax.linalg.cholesky(spd), L.chol);
    const [w, v] = jnp.linalg.eigh(spd);
    near64(w, L.eighW);
    near64(v, L.eighV);
    near64(jnp.linalg.eigvalsh(spd), L.eighW);
    const [lv, lw] = lax.linalg.eigh(spd);
    near64(lv, L.eighV);
    near64(lw, L.eighW);
    const [u, s, vt] = jnp.linalg.svd(rect, { fullMatrices: false });
    near64(u, L.svdU);
    near64(s, L.svdS);
    near64(vt, L.svdVt);
    near64(jnp.linalg.svdvals(rect), L.svdS);
    const [q, r] = jnp.linalg.qr(rect);
    near64(q, L.qrQ);
    near64(r, L.qrR);
    near64(jnp.linalg.pinv(rect), L.pinv);
    near64(jnp.linalg.lstsq(rect, mk(L.brect)), L.lstsq);
    near64(jnp.linalg.cond(a), L.cond, 1e-12);
  });
  it("matrixPower (products, and inv for negative powers), trace", () => {
    near64(jnp.linalg.matrixPower(a, 3), L.power3);
    near64(jnp.linalg.matrixPower(a, -2), L.powerM2);
    same(jnp.linalg.matrixPower(a, 0), { shape: [4, 4], data: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, "float64");
    near64(jnp.trace(a), L.trace, 1e-15);
    near64(jnp.linalg.trace(a), L.trace, 1e-15);
  });
  it("lax.linalg.lu and triangularSolve keep float64", () => {
    const [lu, piv, perm] = lax.linalg.lu(a);
    expect([lu.dtype, piv.dtype, perm.dtype]).toEqual(["float64", "int32", "int32"]);
    const x = lax.linalg.triangularSolve(jnp.linalg.cholesky(spd), mk(L.bm).T, { lower: true });
    expect(x.dtype).toBe("float64");
  });
});

describe("numpy.linalg refuses float16 as JAX's LAPACK kernels do; sums and products take it", () => {
  it("each LAPACK-based function throws a TypeError naming itself and astype", () => {
    const cases: [string, () => unknown][] = [
      ["inv", () => jnp.linalg.inv(a16)],
      ["det", () => jnp.linalg.det(a16)],
      ["slogdet", () => jnp.linalg.slogdet(a16)],
      ["solve", () => jnp.linalg.solve(a16, jnp.ones([4], { dtype: "float16" }))],
      ["cholesky", () => jnp.linalg.cholesky(a16)],
      ["eigh", () => jnp.linalg.eigh(a16)],
      ["eigvalsh", () => jnp.linalg.eigvalsh(a16)],
      ["svd", () => jnp.linalg.svd(a16)],
      ["svdvals", () => jnp.linalg.svdvals(a16)],
      ["qr", () => jnp.linalg.qr(a16)],
      ["pinv", () => jnp.linalg.pinv(a16)],
      ["lstsq", () => jnp.linalg.lstsq(a16, jnp.ones([4], { dtype: "float16" }))],
      ["cond", () => jnp.linalg.cond(a16)],
      ["matrixPower", () => jnp.linalg.matrixPower(a16, -1)],
      ["matrixRank", () => jnp.linalg.matrixRank(a16)],
      ["cholesky", () => lax.linalg.cholesky(a16)],
      ["eigh", () => lax.linalg.eigh(a16)],
      ["lu", () => lax.linalg.lu(a16)],
    ];
    for (const [name, f] of cases) {
      expect(f, name).toThrow(TypeError);
      expect(f, name).toThrow(new RegExp(`^${name}: ${F16_REFUSED.source}`));
    }
  });
  it("trace, non-negative matrix powers and triangular solves of float16 are float16", () => {
    same(jnp.trace(a16), L.trace16, "float16");
    const p2 = jnp.linalg.matrixPower(a16, 2);
    expect(p2.dtype).toBe("float16");
    same(p2, { shape: [4, 4], data: vals(jnp.matmul(a16, a16)) }, "float16");
    expect(jnp.linalg.matrixPower(a16, 0).dtype).toBe("float16");
    const t = lax.linalg.triangularSolve(jnp.tril(a16), jnp.ones([4, 2], { dtype: "float16" }), { leftSide: true, lower: true });
    expect(t.dtype).toBe("float16");
  });
  it("integer input still computes in float32; solve promotes a and b together first", () => {
    expect(jnp.linalg.inv(jnp.array([[2, 1], [1, 3]], { dtype: "int32" })).dtype).toBe("float32");
    expect(jnp.linalg.det(jnp.array([[2, 1], [1, 3]], { dtype: "int32" })).dtype).toBe("float32");
    const b16 = jnp.ones([4], { dtype: "float16" });
    expect(jnp.linalg.solve(jnp.astype(a, "float32"), b16).dtype).toBe("float32");
    const x = jnp.linalg.solve(a16, mk(L.bv));
    expect(x.dtype).toBe("float64");
    near64(jnp.matmul(a16.astype("float64"), x), L.bv);
  });
});

describe("numpy.fft: float64 input gives float64 parts (complex128), float16 float32 (complex64)", () => {
  const FF = F.fft;
  const pair = (p: { real: Enc; imag: Enc }) => ({ real: p.real, imag: p.imag });
  const nearPair = (got: { real: Array; imag: Array }, want: { real: Enc; imag: Enc }, tol = 1e-14) => {
    near64(got.real, pair(want).real, tol);
    near64(got.imag, pair(want).imag, tol);
  };
  it("rfft (radix-2 and Bluestein), rfft2, rfftn, ihfft, fft, ifft, irfft", () => {
    nearPair(jnp.fft.rfft(mk(FF.x7)), FF.rfft7);
    nearPair(jnp.fft.rfft(mk(FF.x8)), FF.rfft8);
    nearPair(jnp.fft.rfft2(mk(FF.x2)), FF.rfft2);
    nearPair(jnp.fft.rfftn(mk(FF.x2)), FF.rfftn);
    nearPair(jnp.fft.ihfft(mk(FF.x7)), FF.ihfft7);
    const z = { real: mk(FF.re5), imag: mk(FF.im5) };
    nearPair(jnp.fft.fft(z), FF.fft5);
    nearPair(jnp.fft.ifft(z), FF.ifft5);
    near64(jnp.fft.irfft(z), FF.irfft);
  });
  it("fftshift and ifftshift keep the dtype (float64, float16, int32)", () => {
    same(jnp.fft.fftshift(mk(FF.x2)), FF.fftshift, "float64");
    same(jnp.fft.ifftshift(mk(FF.x7)), FF.ifftshift, "float64");
    expect(jnp.fft.fftshift(mk(FF.x16, "float16")).dtype).toBe("float16");
    expect(jnp.fft.fftshift(jnp.arange(5, undefined, undefined, { dtype: "int32" })).dtype).toBe("int32");
  });
  it("float16 input: float32 parts, the float64 transform of the float16 values rounded once", () => {
    const r = jnp.fft.rfft(mk(FF.x16, "float16"));
    for (const part of ["real", "imag"] as const) {
      expect(r[part].dtype).toBe("float32");
      // (to a float32 rounding of the largest: pocketfft's exact zeros are roundoff here)
      const want = FF.rfft16[part].data as number[];
      const tol = 2 ** -23 * Math.max(...(FF.rfft16.real.data as number[]).map(Math.abs));
      vals(r[part]).forEach((v, i) => expect(Math.abs(v - want[i]), `${part} ${i}`).toBeLessThanOrEqual(tol));
    }
    expect(jnp.fft.irfft(r).dtype).toBe("float32");
  });
});

describe("special functions in float64: accurate to a few float64 ulps (mpmath at 40 digits)", () => {
  const S = F.special;
  /** max ulps of f over rows [..args, want]. */
  const maxUlps = (f: (x: Array) => Array, rows: number[][]) => {
    const got = vals(f(jnp.array(rows.map((r) => r[0]), { dtype: "float64" })));
    return Math.max(...rows.map((r, i) => Math.abs(got[i] - r[1]) / ulp(r[1])));
  };
  it("erf, erfc, erfinv: at most 4 ulps (erfc on the normal range: above it subnormal)", () => {
    expect(maxUlps(sp.erf, S.erf)).toBeLessThanOrEqual(4);
    expect(maxUlps(sp.erfc, S.erfc)).toBeLessThanOrEqual(4);
    expect(maxUlps(sp.erfinv, S.erfinv)).toBeLessThanOrEqual(4);
    expect(sp.erf(jnp.array([0.5], { dtype: "float64" })).dtype).toBe("float64");
  });
  it("gammaln and digamma for x > 0 (through their zeros at 1, 2 and 1.4616…): at most 4 ulps", () => {
    expect(maxUlps(sp.gammaln, S.gammaln)).toBeLessThanOrEqual(4);
    expect(maxUlps(sp.digamma, S.digamma)).toBeLessThanOrEqual(4);
  });
  it("for x < 0 the reflection's bound: 4·eps times the terms that cancel", () => {
    for (const [f, rows] of [[sp.gammaln, S.gammalnNeg], [sp.digamma, S.digammaNeg]] as const) {
      const got = vals(f(jnp.array(rows.map((r: number[]) => r[0]), { dtype: "float64" })));
      rows.forEach((r: number[], i: number) => expect(Math.abs(got[i] - r[1]), `x = ${r[0]}`).toBeLessThanOrEqual(4 * 2 ** -52 * r[2]));
    }
  });
  it("polygamma (n = 1, 2, 3): at most 8 ulps", () => {
    for (const n of [1, 2, 3]) {
      const rows = S.polygamma.filter((r: number[]) => r[0] === n).map((r: number[]) => [r[1], r[2]]);
      expect(maxUlps((x) => sp.polygamma(n, x), rows), `n = ${n}`).toBeLessThanOrEqual(8);
    }
  });
  it("logit and expit (formulas, float64 ops): at most 4 ulps", () => {
    expect(maxUlps(sp.logit, S.logit)).toBeLessThanOrEqual(4);
    expect(maxUlps(sp.expit, S.expit)).toBeLessThanOrEqual(4);
  });
});

describe("special functions in float16: SciPy's float32 values of the float16 inputs, rounded", () => {
  const H = F.special.f16;
  const x = mk(H.x, "float16"), xp = mk(H.xp, "float16"), y = mk(H.y, "float16"), p = mk(H.p, "float16");
  it("erf, erfc, erfinv, gammaln, digamma, polygamma: exactly", () => {
    same(sp.erf(x), H.erf, "float16");
    same(sp.erfc(x), H.erfc, "float16");
    same(sp.erfinv(y), H.erfinv, "float16");
    same(sp.gammaln(xp), H.gammaln, "float16");
    same(sp.digamma(xp), H.digamma, "float16");
    same(sp.polygamma(1, xp), H.polygamma1, "float16");
  });
  it("logit (three float16 ops, as JAX's) and expit (one op in JAX: computed in float32, rounded once): exactly", () => {
    same(sp.logit(p), H.logit, "float16");
    same(sp.expit(x), H.expit, "float16");
    const f = jit((v: Array) => sp.expit(v));
    same(f(x), H.expit, "float16");
  });
});

describe("numpy/more.ts and composites: float64 kept, float16 kept", () => {
  const M = F.more;
  const m = mk(M.m), pos = mk(M.pos), ints = mk(M.ints, "int32"), pc = mk(M.pc), nanx = mk(M.nanx);
  it("float64: NumPy's float64 values", () => {
    near64(jnp.floatPower(pos, m), M.floatPower, 1e-15);
    const [mant, ex] = jnp.frexp(m);
    same(mant, M.frexpM, "float64");
    same(ex, M.frexpE, "int32");
    same(jnp.heaviside(m, 0.25), M.heaviside, "float64");
    const [fr, it] = jnp.modf(m);
    same(fr, M.modfF, "float64");
    same(it, M.modfI, "float64");
    near64(jnp.polyder(pc), M.polyder, 1e-15);
    near64(jnp.polyder(pc, 2), M.polyder2, 1e-15);
    near64(jnp.unwrap(mk(M.ph)), M.unwrap, 1e-15);
    near64(jnp.vander(jnp.take(m, jnp.arange(4, undefined, undefined, { dtype: "int32" }))), M.vander, 1e-15);
    near64(jnp.polyval(pc, m), M.polyval, 1e-14);
    same(jnp.ldexp(m, ints), M.ldexp, "float64");
    near64(jnp.nanmean(nanx, 1), M.nanmean, 1e-15);
    near64(jnp.nanvar(nanx, 0), M.nanvar, 1e-15);
    near64(jnp.nanstd(nanx), M.nanstd, 1e-15);
    // (computed in float64 and rounded once to the dtype asked for)
    near64(jnp.logspace(0, 1, 7, true, 10, { dtype: "float64" }), M.logspace, 1e-15);
    near64(jnp.logspace(-3, 5, 6, true, 2, { dtype: "float64" }), M.logspace2, 1e-15);
    near64(jnp.geomspace(0.1, 1000, 9, true, { dtype: "float64" }), M.geomspace, 1e-15);
  });
  it("float16: NumPy's float16 values (float32 inside where JAX upcasts)", () => {
    const m16 = mk(M.m16, "float16"), pos16 = mk(M.pos16, "float16"), pc16 = mk(M.pc16, "float16");
    same(jnp.floatPower(pos16, m16), M.floatPower16, "float16");
    same(jnp.heaviside(m16, 0.25), M.heaviside16, "float16");
    same(jnp.polyder(pc16), M.polyder16, "float16");
    same(jnp.ldexp(m16, ints), M.ldexp16, "float16");
    const n16 = mk(M.nanx16, "float16");
    same(jnp.nanvar(n16, 0), M.nanvar16, "float16");
    same(jnp.nanmean(n16, 1), M.nanmean16, "float16");
    expect(jnp.nanstd(n16).dtype).toBe("float16");
    expect(jnp.frexp(m16)[0].dtype).toBe("float16");
    expect(jnp.modf(m16)[0].dtype).toBe("float16");
    expect(jnp.unwrap(m16).dtype).toBe("float16");
    expect(jnp.vander(m16).dtype).toBe("float16");
    expect(jnp.polyval(pc16, m16).dtype).toBe("float16");
  });
  it("integers still give float32", () => {
    expect(jnp.modf(ints)[0].dtype).toBe("float32");
    expect(jnp.floatPower(ints, 2).dtype).toBe("float32");
    expect(jnp.frexp(ints)[0].dtype).toBe("float32");
  });
});

/** Central differences in float64 of f at x (h = 1e-6: error about 1e-9 relative). */
function fd64(f: (x: Array) => number, x: Array, h = 1e-6): number[] {
  const base = vals(x);
  return base.map((_, i) => {
    const at = (d: number) => f(jnp.reshape(jnp.array(base.map((v, j) => (j === i ? v + d : v)), { dtype: "float64" }), x.shape));
    return (at(h) - at(-h)) / (2 * h);
  });
}
function gradNear(g: Array, want: number[], tol = 1e-7) {
  expect(g.dtype).toBe("float64");
  vals(g).forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));
}

describe("gradients of float64 inputs are float64 (compiled through the transformer)", () => {
  const w4 = jnp.reshape(jnp.linspace(-1, 2, 16, { dtype: "float64" }), [4, 4]);
  it("inv, det, slogdet, solve, cholesky, eigvalsh, trace", () => {
    const invLoss = (x: Array) => jnp.sum(jnp.multiply(jnp.linalg.inv(x), w4)).item() as number;
    gradNear(grad(invLoss)(a), fd64(invLoss, a));
    const detLoss = (x: Array) => jnp.linalg.det(x).item() as number;
    gradNear(grad(detLoss)(a), fd64(detLoss, a));
    const ldLoss = (x: Array) => jnp.linalg.slogdet(x)[1].item() as number;
    gradNear(grad(ldLoss)(a), fd64(ldLoss, a));
    const bv = mk(L.bv);
    const solveLoss = (x: Array, b: Array) => jnp.sum(jnp.multiply(jnp.linalg.solve(x, b), b)).item() as number;
    const [ga, gb] = grad(solveLoss, { argnums: [0, 1] })(a, bv);
    gradNear(ga, fd64((x) => solveLoss(x, bv), a));
    gradNear(gb, fd64((b) => solveLoss(a, b), bv));
    const eigLoss = (x: Array) => jnp.sum(jnp.multiply(jnp.linalg.eigvalsh(x), jnp.array([1, -2, 3, 0.5], { dtype: "float64" }))).item() as number;
    gradNear(grad(eigLoss)(spd), fd64(eigLoss, spd), 1e-6);
    const trLoss = (x: Array) => jnp.trace(jnp.multiply(x, x)).item() as number;
    gradNear(grad(trLoss)(a), fd64(trLoss, a));
  });
  it("rfft, erf, gammaln, digamma, logit", () => {
    const x7 = mk(F.fft.x7);
    const fftLoss = (x: Array) => {
      const r = jnp.fft.rfft(x);
      return jnp.sum(jnp.add(jnp.multiply(r.real, r.real), jnp.multiply(r.imag, jnp.arange(4, undefined, undefined, { dtype: "float64" })))).item() as number;
    };
    gradNear(grad(fftLoss)(x7), fd64(fftLoss, x7));
    // (a linear chain: the seed's dtype is the output's)
    const reLoss = (x: Array) => jnp.sum(jnp.fft.fft({ real: x, imag: jnp.multiply(x, 0.5) }).imag).item() as number;
    gradNear(grad(reLoss)(x7), fd64(reLoss, x7));
    const xs = jnp.array([0.3, 1.7, 2.9, 0.05], { dtype: "float64" });
    // (each written out: the transformer needs the function called known at build time)
    const erfLoss = (x: Array) => jnp.sum(sp.erf(x)).item() as number;
    const lgLoss = (x: Array) => jnp.sum(sp.gammaln(x)).item() as number;
    const psiLoss = (x: Array) => jnp.sum(sp.digamma(x)).item() as number;
    const logitLoss = (x: Array) => jnp.sum(sp.logit(jnp.multiply(x, 0.3))).item() as number;
    gradNear(grad(erfLoss)(xs), fd64(erfLoss, xs), 1e-6);
    gradNear(grad(lgLoss)(xs), fd64(lgLoss, xs), 1e-6);
    gradNear(grad(psiLoss)(xs), fd64(psiLoss, xs), 1e-6);
    gradNear(grad(logitLoss)(xs), fd64(logitLoss, xs), 1e-6);
  });
  it("the castAs formulas: polyval, unwrap, nanvar, ldexp, heaviside (jit and vmap keep the dtype too)", () => {
    const pc = mk(F.more.pc), m = mk(F.more.m);
    const polyLoss = (x: Array) => jnp.sum(jnp.polyval(pc, x)).item() as number;
    gradNear(grad(polyLoss)(m), fd64(polyLoss, m));
    const ph = mk(F.more.ph);
    const unwrapLoss = (x: Array) => jnp.sum(jnp.multiply(jnp.unwrap(x), x)).item() as number;
    gradNear(grad(unwrapLoss)(ph), fd64(unwrapLoss, ph));
    const nvLoss = (x: Array) => jnp.sum(jnp.nanvar(x, 0)).item() as number;
    const nx = jnp.reshape(jnp.array([0.3, -1.2, 2.5, 0.7, 1.1, -0.4], { dtype: "float64" }), [3, 2]);
    gradNear(grad(nvLoss)(nx), fd64(nvLoss, nx));
    const ints = mk(F.more.ints, "int32");
    const ldLoss = (x: Array) => jnp.sum(jnp.ldexp(x, ints)).item() as number;
    gradNear(grad(ldLoss)(m), fd64(ldLoss, m));
    const f = jit((x: Array) => jnp.add(jnp.heaviside(x, 0.5), jnp.modf(x)[0]));
    expect(f(pc).dtype).toBe("float64");
    expect(f(mk(F.more.pc16, "float16")).dtype).toBe("float16");
    const v = vmap((x: Array) => jnp.polyval(pc, x))(jnp.reshape(m, [2, 3]));
    expect(v.dtype).toBe("float64");
    near64(jnp.ravel(v), F.more.polyval, 1e-14);
    const p0 = jit((x: Array) => jnp.linalg.matrixPower(x, 0));
    expect(p0(a).dtype).toBe("float64");
    // vmap of castAs with the operand batched and the reference not, and the other way round
    const rows = jnp.reshape(jnp.array([0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 2, 0.25], { dtype: "float64" }), [2, 4]);
    const nv = vmap((x: Array) => jnp.nanvar(x))(rows);
    near64(nv, { shape: [2], data: [0, 1].map((i) => jnp.nanvar(jnp.take(rows, i, 0)).item() as number) }, 1e-15);
    const ld = vmap((x: Array) => jnp.ldexp(x, jnp.array([1, -2, 3, 0], { dtype: "int32" })))(rows);
    near64(ld, { shape: [2, 4], data: vals(jnp.multiply(rows, jnp.array([2, 0.25, 8, 1], { dtype: "float64" }))) }, 0);
    const hv = vmap((h: Array) => jnp.heaviside(jnp.array([-1, 0, 2, 0], { dtype: "float16" }), h))(jnp.array([0.5, 0.25], { dtype: "float64" }));
    same(hv, { shape: [2, 4], data: [0, 0.5, 1, 0.5, 0, 0.25, 1, 0.25] }, "float64");
  });
});
