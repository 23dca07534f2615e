// random.ball, doubleSidedMaxwell, geometric, lognormal, maxwell, pareto, rayleigh, triangular,
// weibullMin: each one is JAX's algorithm over the bit-exact uniform / normal / exponential draws
// (checked here element by element, one float32 operation at a time), has its distribution's
// mean and variance over many draws (tolerances: five standard errors, estimated from the same
// sample's second and fourth moments), and names itself and the argument on bad input.
import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import * as random from "../../runtime/random/index.js";
import { numpy as jnp } from "../../runtime/index.js";
import { lgamma64 } from "../../runtime/numpy/special.js";

const fr = Math.fround;
const N = 200_000;
const vec = (a: NDArray) => Array.from(a.data as ArrayLike<number>, Number);
const min = (xs: number[]) => xs.reduce((a, b) => Math.min(a, b), Infinity);
const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), -Infinity);

/** The sample mean and variance, and their standard errors (from the sample's moments). */
function moments(xs: ArrayLike<number>) {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i];
  m /= n;
  let m2 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m4 /= n;
  return { mean: m, var: m2, seMean: Math.sqrt(m2 / n), seVar: Math.sqrt(Math.max(m4 - m2 * m2, 0) / n) };
}
/** Mean and variance within five standard errors of the analytic values. */
function hasMoments(xs: ArrayLike<number>, mean: number, variance: number) {
  const m = moments(xs);
  expect(Math.abs(m.mean - mean), `mean ${m.mean}, want ${mean} (se ${m.seMean})`).toBeLessThan(5 * m.seMean);
  expect(Math.abs(m.var - variance), `variance ${m.var}, want ${variance} (se ${m.seVar})`).toBeLessThan(5 * m.seVar);
}
const gammaFn = (x: number) => Math.exp(lgamma64(x));

describe("JAX's algorithms over the bit-exact draws", () => {
  const k = random.key(7);
  const u = vec(random.uniform(k, [64]));
  const z = vec(random.normal(k, [64]));
  const e = vec(random.exponential(k, [64]));
  it("lognormal = exp(sigma · normal)", () => {
    expect(vec(random.lognormal(k, 0.7, [64]))).toEqual(z.map((v) => fr(Math.exp(fr(v * fr(0.7))))));
    expect(vec(random.lognormal(k, undefined, [64]))).toEqual(z.map((v) => fr(Math.exp(v))));
  });
  it("rayleigh = scale · sqrt(−2 · log u)", () => {
    expect(vec(random.rayleigh(k, 2, [64]))).toEqual(u.map((v) => fr(2 * fr(Math.sqrt(fr(fr(Math.log(v)) * -2))))));
  });
  it("pareto = exp(exponential / b)", () => {
    expect(vec(random.pareto(k, 3, [64]))).toEqual(e.map((v) => fr(Math.exp(fr(v / 3)))));
  });
  it("geometric = floor(log u / log1p(−p)) + 1, int32", () => {
    const g = random.geometric(k, 0.3, { shape: [64] });
    expect(g.dtype).toBe("int32");
    expect(vec(g)).toEqual(u.map((v) => Math.floor(fr(fr(Math.log(v)) / fr(Math.log1p(-fr(0.3))))) + 1));
  });
  it("weibullMin = exponential^(1/k) · scale", () => {
    expect(vec(random.weibullMin(k, 2, 1.5, [64]))).toEqual(e.map((v) => fr(fr(Math.pow(v, fr(1 / 1.5))) * 2)));
  });
  it("triangular: JAX's inverse CDF", () => {
    const [l, m, r] = [-1, 0.5, 3];
    const fc = fr(1.5 / 4);
    expect(vec(random.triangular(k, l, m, r, [64]))).toEqual(u.map((v) => (v < fc ? fr(l + fr(Math.sqrt(fr(fr(v * 4) * 1.5)))) : fr(r - fr(Math.sqrt(fr(fr(fr(1 - v) * 4) * 2.5)))))));
  });
  it("maxwell = the norm of normal(key, [...shape, 3]); doubleSidedMaxwell splits the key as JAX", () => {
    const z3 = vec(random.normal(k, [8, 3]));
    const mx = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => fr(Math.sqrt(fr(fr(fr(z3[3 * i] ** 2) + fr(z3[3 * i + 1] ** 2)) + fr(z3[3 * i + 2] ** 2)))));
    expect(vec(random.maxwell(k, [8]))).toEqual(mx);
    const [k1, k2] = random.split(k);
    const sign = vec(random.rademacher(k2, [8]));
    expect(vec(random.doubleSidedMaxwell(k, 1, 2, [8]))).toEqual(vec(random.maxwell(k1, [8])).map((v, i) => fr(fr(fr(sign[i] * v) * 2) + 1)));
  });
  it("raw key data gives the same draws as the typed key", () => {
    const raw = random.PRNGKey(7);
    expect(random.lognormal(raw, 1, [5])).toEqual(random.lognormal(k, 1, [5]));
    expect(random.doubleSidedMaxwell(raw, 0, 1, [5])).toEqual(random.doubleSidedMaxwell(k, 0, 1, [5]));
    expect(random.ball(raw, 3, { shape: [4] })).toEqual(random.ball(k, 3, { shape: [4] }));
  });
});

describe("moments over many draws", () => {
  it("lognormal(σ): mean exp(σ²/2), variance (exp(σ²) − 1)·exp(σ²)", () => {
    const s = 0.5;
    hasMoments(random.lognormal(random.key(1), s, [N]).data, Math.exp(s * s / 2), (Math.exp(s * s) - 1) * Math.exp(s * s));
  });
  it("rayleigh(s): mean s·√(π/2), variance (4 − π)/2·s²", () => {
    hasMoments(random.rayleigh(random.key(2), 1.5, [N]).data, 1.5 * Math.sqrt(Math.PI / 2), ((4 - Math.PI) / 2) * 1.5 * 1.5);
  });
  it("maxwell: mean 2√(2/π), variance 3 − 8/π; doubleSidedMaxwell(loc, scale): mean loc, variance 3·scale²", () => {
    hasMoments(random.maxwell(random.key(3), [N]).data, 2 * Math.sqrt(2 / Math.PI), 3 - 8 / Math.PI);
    hasMoments(random.doubleSidedMaxwell(random.key(4), 1, 0.5, [N]).data, 1, 3 * 0.25);
  });
  it("geometric(p): mean 1/p, variance (1 − p)/p², values ≥ 1", () => {
    const g = random.geometric(random.key(5), 0.25, { shape: [N] });
    expect(min(vec(g))).toBe(1);
    hasMoments(g.data, 4, 0.75 / 0.0625);
  });
  it("pareto(b): support [1, ∞), mean b/(b − 1), variance b/((b − 1)²(b − 2))", () => {
    const b = 6;
    const p = random.pareto(random.key(6), b, [N]);
    expect(min(vec(p))).toBeGreaterThanOrEqual(1);
    hasMoments(p.data, b / (b - 1), b / ((b - 1) ** 2 * (b - 2)));
  });
  it("triangular(a, c, b): mean (a + b + c)/3, variance (a² + b² + c² − ab − ac − bc)/18, within [a, b]", () => {
    const [a, c, b] = [-1, 0.5, 3];
    const t = random.triangular(random.key(7), a, c, b, [N]);
    expect(min(vec(t))).toBeGreaterThanOrEqual(a);
    expect(max(vec(t))).toBeLessThanOrEqual(b);
    hasMoments(t.data, (a + b + c) / 3, (a * a + b * b + c * c - a * b - a * c - b * c) / 18);
  });
  it("weibullMin(λ, k): mean λΓ(1 + 1/k), variance λ²(Γ(1 + 2/k) − Γ(1 + 1/k)²)", () => {
    for (const [lam, kk] of [[2, 1.5], [0.5, 3]]) {
      const g1 = gammaFn(1 + 1 / kk), g2 = gammaFn(1 + 2 / kk);
      hasMoments(random.weibullMin(random.key(8), lam, kk, [N]).data, lam * g1, lam * lam * (g2 - g1 * g1));
    }
  });
  it("ball(d): inside the unit ball, E|x|² = d/(d + 2), coordinates of mean 0 and variance 1/(d + 2)", () => {
    const d = 3;
    const x = random.ball(random.key(9), d, { shape: [N / 4] });
    expect(x.shape).toEqual([N / 4, d]);
    const xs = vec(x);
    const r2 = Array.from({ length: N / 4 }, (_, i) => xs[3 * i] ** 2 + xs[3 * i + 1] ** 2 + xs[3 * i + 2] ** 2);
    expect(max(r2)).toBeLessThanOrEqual(1);
    const m = moments(r2);
    expect(Math.abs(m.mean - d / (d + 2))).toBeLessThan(5 * m.seMean);
    hasMoments(xs.filter((_, i) => i % 3 === 0), 0, 1 / (d + 2));
    // the 1-ball of dimension 2: |x₀| + |x₁| ≤ 1
    const l1 = vec(random.ball(random.key(10), 2, { p: 1, shape: [1000] }));
    for (let i = 0; i < 1000; i++) expect(Math.abs(l1[2 * i]) + Math.abs(l1[2 * i + 1])).toBeLessThanOrEqual(1);
  });
});

describe("shapes and parameters", () => {
  const k = random.key(0);
  it("the shape defaults to the parameters' (broadcast) shape; array parameters apply per element", () => {
    expect(random.lognormal(k, jnp.array([0.1, 1, 2])).shape).toEqual([3]);
    expect(random.rayleigh(k).shape).toEqual([]);
    expect(random.geometric(k, jnp.array([[0.5], [0.9]])).shape).toEqual([2, 1]);
    expect(random.triangular(k, jnp.array([0, 1]), 2, 3).shape).toEqual([2]);
    expect(random.doubleSidedMaxwell(k, jnp.array([0, 10]), 1).shape).toEqual([2]);
    // (JAX: a given shape gets the parameters' shape appended)
    expect(random.doubleSidedMaxwell(k, jnp.array([0, 10]), 1, [4]).shape).toEqual([4, 2]);
    const p = vec(random.pareto(k, jnp.array([1, 100]), [5000, 2]));
    const big = p.filter((_, i) => i % 2 === 1);
    expect(max(big)).toBeLessThan(1.2);
    // (weibullMin, as JAX: the draws have `shape`, the result the broadcast with the parameters)
    const w = random.weibullMin(k, jnp.array([1, 2]), 1);
    expect(w.shape).toEqual([2]);
    expect(vec(w)[1]).toBe(fr(vec(w)[0] * 2));
    expect(random.weibullMin(k, jnp.array([1, 2]), 1, [3, 1]).shape).toEqual([3, 2]);
    const g = vec(random.rayleigh(k, jnp.array([1, 0]), [3, 2]));
    expect(g.filter((_, i) => i % 2 === 1)).toEqual([0, 0, 0]);
  });
  it("bad input names the sampler and the argument", () => {
    expect(() => random.lognormal(5 as never)).toThrow(/^lognormal: key must be a single PRNG key/);
    expect(() => random.maxwell(random.split(k, 3) as never)).toThrow(/^maxwell: key must be a single PRNG key from random.key\(\), got a key array of shape \(3,\)/);
    expect(() => random.pareto(k, "2" as never)).toThrow(/^pareto: b must be a number or an array/);
    expect(() => random.rayleigh(k, jnp.array([1, 2, 3]), [2])).toThrow(/^rayleigh: scale of shape \(3,\) cannot be broadcast to the requested shape \(2,\)/);
    expect(() => random.triangular(k, jnp.array([0, 1]), jnp.array([0, 1, 2]), 3)).toThrow(/^triangular: the shapes of left, mode, right .* do not broadcast/);
    expect(() => random.geometric(k, 0.5, { dtype: "float32" as never })).toThrow(/^geometric: dtype must be "int32"/);
    expect(() => random.weibullMin(k, 1, 1, [-1])).toThrow(/^weibullMin: shape must be a non-negative integer/);
    expect(() => random.weibullMin(k, jnp.array([1, 2]), 1, [3])).toThrow(/^weibullMin: the shapes of the draws \(shape\), scale, concentration .* do not broadcast/);
    expect(() => random.ball(k, 0)).toThrow(/^ball: d must be a positive integer/);
    expect(() => random.ball(k, 2, { p: -1 })).toThrow(/^ball: p must be a positive number/);
  });
});
