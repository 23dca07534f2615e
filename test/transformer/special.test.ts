// The special functions (scipySpecial, lax.erf/erfc): values against Python's math.erf / erfc /
// lgamma and SciPy's erfinv / digamma / polygamma (test/fixtures/gen_special.py), bit for bit after
// the float32 rounding; gradients (reverse and forward, first and second order) against float64
// central differences of the float64 evaluations; jit gives eager code's bits; vmap against a
// per-example loop; logit/expit against their definitions; the errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, jit, jvp, vmap, lax, scipySpecial as sp, numpy as jnp, nn } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { erf64, erfc64, erfinv64, lgamma64, digamma64, polygamma64 } from "../../runtime/numpy/special.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/special.json", import.meta.url), "utf8"));
type Pts = { x: number[]; y: number[] };
const vec = (a: Array) => globalThis.Array.from(a.data as Float32Array, Number);
const fr = Math.fround;

/** Every value the float32 rounding of the reference (NaN and ±0 included). */
function exact(name: string, got: Array, want: number[]) {
  const g = vec(got);
  expect(g.length).toBe(want.length);
  const bad = g.map((v, i) => [i, v, fr(want[i])] as const).filter(([, v, w]) => !Object.is(v, w));
  expect(bad.slice(0, 5), `${name}: ${bad.length} of ${g.length} values differ from the float32 rounding of the reference`).toEqual([]);
}

describe("values against Python's math and SciPy", () => {
  const cases: [string, (x: Array) => Array, Pts | undefined][] = [
    ["erf", sp.erf, F.erf],
    ["erfc", sp.erfc, F.erfc],
    ["erfinv", sp.erfinv, F.erfinv],
    ["gammaln", sp.gammaln, F.gammaln],
    ["digamma", sp.digamma, F.digamma],
    ["polygamma(1)", (x) => sp.polygamma(1, x), F.polygamma?.["1"]],
    ["polygamma(2)", (x) => sp.polygamma(2, x), F.polygamma?.["2"]],
    ["polygamma(3)", (x) => sp.polygamma(3, x), F.polygamma?.["3"]],
  ];
  for (const [name, f, pts] of cases)
    it.skipIf(!pts)(`${name}: correctly rounded at ${pts?.x.length ?? 0} points`, () => {
      exact(name, f(jnp.array(pts!.x)), pts!.y);
    });
  it("lax.erf and lax.erfc are the same functions", () => {
    const x = jnp.array(F.erf.x);
    expect(lax.erf(x)).toEqual(sp.erf(x));
    expect(lax.erfc(x)).toEqual(sp.erfc(x));
  });
  it("special values", () => {
    expect(vec(sp.erf([0, -0, Infinity, -Infinity, NaN]))).toEqual([0, -0, 1, -1, NaN]);
    expect(vec(sp.erfc([Infinity, -Infinity, 0, 30]))).toEqual([0, 2, 1, 0]);
    expect(vec(sp.erfinv([1, -1, 0, 1.5, -2]))).toEqual([Infinity, -Infinity, 0, NaN, NaN]);
    // JAX: lgamma has +inf poles, digamma NaN there
    expect(vec(sp.gammaln([0, -1, -2, 1, 2, Infinity]))).toEqual([Infinity, Infinity, Infinity, 0, 0, Infinity]);
    expect(vec(sp.digamma([0, -1, -3]))).toEqual([NaN, NaN, NaN]);
    expect(vec(sp.digamma([1]))[0]).toBe(fr(-0.5772156649015329));
    expect(vec(sp.polygamma(0, [2.5]))).toEqual(vec(sp.digamma([2.5])));
  });
  it("integers and booleans are promoted to float32; numbers and nested lists are taken", () => {
    expect(sp.erf(jnp.array([1, 2], { dtype: "int32" }))).toEqual(sp.erf(jnp.array([1, 2])));
    expect(sp.gammaln(jnp.array([true, false])).dtype).toBe("float32");
    expect(sp.erf(0.5).shape).toEqual([]);
    expect(sp.erf([[0.5], [1]]).shape).toEqual([2, 1]);
  });
  it("logit and expit: JAX's formulas, inverse to each other", () => {
    const p = jnp.array([0.01, 0.25, 0.5, 0.9, 0.999]);
    const want = vec(p).map((v) => fr(Math.log(fr(v / fr(1 - v)))));
    expect(vec(sp.logit(p))).toEqual(want);
    expect(vec(sp.logit([0, 1]))).toEqual([-Infinity, Infinity]);
    const x = jnp.array([-30, -2, 0, 1.5, 40]);
    expect(sp.expit(x)).toEqual(nn.sigmoid(x));
    vec(sp.expit(sp.logit(p))).forEach((v, i) => expect(v).toBeCloseTo(vec(p)[i], 6));
  });
  it("scipySpecial's softmax, logSoftmax and logsumexp are nn's and numpy's", () => {
    const x = jnp.array([[1, 2, 3], [-1, 0, 4]]);
    expect(sp.softmax(x)).toEqual(nn.softmax(x));
    expect(sp.logSoftmax(x, 0)).toEqual(nn.logSoftmax(x, 0));
    expect(sp.logsumexp(x, 1)).toEqual(jnp.logsumexp(x, 1));
  });
  it("bad input names the function and the argument", () => {
    expect(() => sp.erf("a" as never)).toThrow(/^erf: x must be an Array/);
    expect(() => sp.gammaln({} as never)).toThrow(/^gammaln: x must be/);
    expect(() => sp.polygamma(1.5, [1])).toThrow(/^polygamma: n must be a non-negative integer/);
    expect(() => sp.polygamma(-1, [1])).toThrow(/polygamma: n must be/);
    expect(() => sp.logit(null as never)).toThrow(/^logit: x must be/);
  });
});

// ---- derivatives -----------------------------------------------------------------------------------

/** Central difference of a float64 function (step scaled to x). */
const fd = (f: (x: number) => number, x: number) => {
  const h = 1e-5 * Math.max(1, Math.abs(x));
  return (f(x + h) - f(x - h)) / (2 * h);
};
function near(got: number[], want: number[], rtol = 2e-5) {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}: got ${v}, want ${want[i]}`).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(want[i]))));
}
const X = jnp.array([-2.5, -1.2, -0.3, 0, 0.4, 1.1, 2.2]);
const P = jnp.array([-0.99, -0.7, -0.2, 0, 0.3, 0.8, 0.995]);
const G = jnp.array([0.2, 0.9, 1.5, 2.7, 4.2, 7.5, 12]);
const GN = jnp.array([-2.6, -1.3, -0.45]);
const fdOf = (f: (x: number) => number, xs: Array) => vec(xs).map((v) => fd(f, v));

const gErf = grad((v: Array) => jnp.sum(sp.erf(v)).item() as number);
const gErfc = grad((v: Array) => jnp.sum(sp.erfc(v)).item() as number);
const gErfinv = grad((v: Array) => jnp.sum(sp.erfinv(v)).item() as number);
const gGammaln = grad((v: Array) => jnp.sum(sp.gammaln(v)).item() as number);
const gDigamma = grad((v: Array) => jnp.sum(sp.digamma(v)).item() as number);
const gPoly2 = grad((v: Array) => jnp.sum(sp.polygamma(2, v)).item() as number);
const gLaxErf = grad((v: Array) => jnp.sum(lax.erf(v)).item() as number);
const gLogit = grad((v: Array) => jnp.sum(sp.logit(v)).item() as number);
const gExpit = grad((v: Array) => jnp.sum(sp.expit(v)).item() as number);
// second order: the gradient of the summed first derivatives is the elementwise second derivative
const ggErf = grad((v: Array) => jnp.sum(grad((w: Array) => jnp.sum(sp.erf(w)).item() as number)(v)).item() as number);
const ggErfc = grad((v: Array) => jnp.sum(grad((w: Array) => jnp.sum(sp.erfc(w)).item() as number)(v)).item() as number);
const ggErfinv = grad((v: Array) => jnp.sum(grad((w: Array) => jnp.sum(sp.erfinv(w)).item() as number)(v)).item() as number);
const ggGammaln = grad((v: Array) => jnp.sum(grad((w: Array) => jnp.sum(sp.gammaln(w)).item() as number)(v)).item() as number);
// on numbers: grad of grad of a scalar function
const erfScalar = (x: number) => sp.erf(x).item() as number;
const d1Scalar = grad(erfScalar);
const d2Scalar = grad(grad(erfScalar));
const d3Scalar = grad(grad(grad(erfScalar)));

describe("derivatives against float64 central differences", () => {
  it("first order (reverse mode)", () => {
    near(vec(gErf(X)), fdOf(erf64, X));
    near(vec(gLaxErf(X)), fdOf(erf64, X));
    near(vec(gErfc(X)), fdOf(erfc64, X));
    near(vec(gErfinv(P)), fdOf(erfinv64, P), 1e-4);
    near(vec(gGammaln(G)), fdOf(lgamma64, G));
    near(vec(gGammaln(GN)), fdOf(lgamma64, GN));
    near(vec(gDigamma(G)), fdOf(digamma64, G));
    near(vec(gDigamma(GN)), fdOf(digamma64, GN), 1e-4);
    near(vec(gPoly2(G)), fdOf((x) => polygamma64(2, x), G), 1e-4);
    const pr = jnp.array([0.05, 0.3, 0.5, 0.7, 0.95]);
    near(vec(gLogit(pr)), fdOf((p) => Math.log(p / (1 - p)), pr));
    near(vec(gExpit(X)), fdOf((x) => 1 / (1 + Math.exp(-x)), X));
  });
  it("second order through the rules (erf, erfc, erfinv, gammaln)", () => {
    const d = (f: (x: number) => number) => (x: number) => fd(f, x);
    near(vec(ggErf(X)), fdOf(d(erf64), X), 1e-4);
    near(vec(ggErfc(X)), fdOf(d(erfc64), X), 1e-4);
    near(vec(ggErfinv(P)), fdOf(d(erfinv64), P), 2e-3);
    near(vec(ggGammaln(G)), fdOf(d(lgamma64), G), 1e-4);
  });
  it("on numbers, to the third order", () => {
    for (const x of [-1.3, 0.2, 0.9]) {
      expect(d1Scalar(x)).toBeCloseTo(fd(erf64, x), 5);
      expect(d2Scalar(x)).toBeCloseTo(fd((v) => fd(erf64, v), x), 4);
      // erf''' = (4x² − 2)·2/√π·exp(−x²)
      expect(d3Scalar(x)).toBeCloseTo((4 * x * x - 2) * (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x), 4);
    }
  });
  it("forward mode equals reverse mode", () => {
    const t = jnp.onesLike(X);
    const [y, dy] = jvp((v: Array) => sp.erf(v), [X], [t]);
    expect(y).toEqual(sp.erf(X));
    expect(dy).toEqual(gErf(X));
    const [, dg] = jvp((v: Array) => sp.gammaln(v), [G], [jnp.onesLike(G)]);
    expect(dg).toEqual(gGammaln(G));
    const [, di] = jvp((v: Array) => sp.erfinv(v), [P], [jnp.onesLike(P)]);
    expect(di).toEqual(gErfinv(P));
    const [, dc] = jvp((v: Array) => sp.erfc(v), [X], [jnp.onesLike(X)]);
    expect(dc).toEqual(gErfc(X));
    const [, dd] = jvp((v: Array) => sp.digamma(v), [G], [jnp.onesLike(G)]);
    expect(dd).toEqual(gDigamma(G));
    const [, dp] = jvp((v: Array) => sp.polygamma(2, v), [G], [jnp.onesLike(G)]);
    expect(dp).toEqual(gPoly2(G));
  });
});

// ---- jit and vmap --------------------------------------------------------------------------------

const jErf = jit((v: Array) => sp.erf(jnp.multiply(v, 0.5)));
const jChain = jit((v: Array) => jnp.sum(jnp.multiply(sp.erfc(jnp.tanh(v)), sp.gammaln(jnp.add(jnp.abs(v), 1)))));
const jGelu = jit((v: Array) => nn.gelu(v, { approximate: false }));
const vErfinv = vmap((v: Array) => jnp.sum(sp.erfinv(jnp.multiply(v, 0.9))));
const vPoly = vmap((v: Array) => sp.polygamma(1, jnp.add(v, 3)));
const vGrad = vmap(grad((v: Array) => jnp.sum(sp.erf(v)).item() as number));
const vLogit = vmap((v: Array) => jnp.add(sp.logit(v), sp.expit(v)));
const jLogit = jit((v: Array) => jnp.multiply(sp.logit(v), sp.expit(v)));
// (the order n a run-time number)
const gPolyN = grad((v: Array, n: number) => jnp.sum(sp.polygamma(n, v)).item() as number);

describe("jit and vmap", () => {
  it("jit of erf, erfc and gammaln gives eager code's bits (small and kernel-sized inputs)", () => {
    for (const n of [7, 5000]) {
      const x = jnp.linspace(-3, 3, n);
      expect(jErf(x)).toEqual(sp.erf(jnp.multiply(x, 0.5)));
      expect(jChain(x)).toEqual(jnp.sum(jnp.multiply(sp.erfc(jnp.tanh(x)), sp.gammaln(jnp.add(jnp.abs(x), 1)))));
      expect(jGelu(x)).toEqual(nn.gelu(x, { approximate: false }));
    }
  });
  it("vmap equals a loop over examples", () => {
    const xs = jnp.reshape(jnp.linspace(-1, 1, 12), [3, 4]);
    const loop = (f: (v: Array) => Array) => jnp.stack([0, 1, 2].map((i) => f(xs.at(i))));
    expect(vErfinv(xs)).toEqual(loop((v) => jnp.sum(sp.erfinv(jnp.multiply(v, 0.9)))));
    expect(vPoly(xs)).toEqual(loop((v) => sp.polygamma(1, jnp.add(v, 3))));
    expect(vGrad(xs)).toEqual(loop((v) => gErf(v)));
    const ps = jnp.reshape(jnp.linspace(0.05, 0.95, 12), [3, 4]);
    expect(vLogit(ps)).toEqual(jnp.stack([0, 1, 2].map((i) => jnp.add(sp.logit(ps.at(i)), sp.expit(ps.at(i))))));
  });
  it("jit of logit and expit (fused formulas) gives eager code's bits", () => {
    for (const n of [5, 5000]) {
      const p = jnp.linspace(0.001, 0.999, n);
      expect(jLogit(p)).toEqual(jnp.multiply(sp.logit(p), sp.expit(p)));
    }
  });
  it("polygamma's order may be a run-time number", () => {
    expect(gPolyN(G, 1)).toEqual(sp.polygamma(2, G));
    expect(gPolyN(G, 0)).toEqual(sp.polygamma(1, G));
  });
});

// ---- nn: gelu's exact form and the names jax-js has (formulas: eager, grad, jit, vmap agree) ----

const N = F.nn;
const nx = jnp.array(N.x);
const mat = (e: { shape: number[]; data: number[] }) => jnp.reshape(jnp.array(e.data), e.shape);
/** Within `ulps` float32 ulps of the float64 value (relative to max(|want|, floor)). */
function ulpNear(got: Array | number[], want: number[], ulps = 8, floor = 1e-6) {
  const g = globalThis.Array.isArray(got) ? got : vec(got);
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}: got ${v}, want ${want[i]}`).toBeLessThanOrEqual(ulps * 2 ** -23 * Math.max(Math.abs(want[i]), floor)));
}
const geluExact = (v: number) => 0.5 * v * erfc64(-v / Math.SQRT2);
const sparsePlus64 = (v: number) => (v <= -1 ? 0 : v >= 1 ? v : ((v + 1) * (v + 1)) / 4);
const sparseSigmoid64 = (v: number) => 0.5 * Math.min(Math.max(v + 1, 0), 2);
const gGelu = grad((v: Array) => jnp.sum(nn.gelu(v, { approximate: false })).item() as number);
const ggGelu = grad((v: Array) => jnp.sum(grad((w: Array) => jnp.sum(nn.gelu(w, { approximate: false })).item() as number)(v)).item() as number);
const gSparsePlus = grad((v: Array) => jnp.sum(nn.sparsePlus(v)).item() as number);
const gSparseSigmoid = grad((v: Array) => jnp.sum(nn.sparseSigmoid(v)).item() as number);
const gIdentity = grad((v: Array) => jnp.sum(jnp.multiply(nn.identity(v), nn.identity(v))).item() as number);
const W = jnp.array([[1, -2], [0.5, 3], [2, 1]]);
const gGlu = grad((v: Array) => jnp.sum(jnp.multiply(nn.glu(v), W)).item() as number);
const gGlu0 = grad((v: Array) => jnp.sum(nn.glu(v, 0)).item() as number);
const gLme = grad((v: Array) => nn.logmeanexp(v).item() as number);
const gLme1 = grad((v: Array) => jnp.sum(jnp.multiply(nn.logmeanexp(v, 1), jnp.array([1, 2, -1]))).item() as number);
const jNn = jit((v: Array) => jnp.add(nn.sparsePlus(v), nn.sparseSigmoid(v)));
const jGlu = jit((v: Array) => nn.glu(v));
const jLme = jit((v: Array) => nn.logmeanexp(v, 0, { keepdims: true }));
const vGlu = vmap((v: Array) => nn.glu(v));
const vLme = vmap((v: Array) => nn.logmeanexp(v));

describe("nn: gelu (exact), identity, sparsePlus, sparseSigmoid, glu, logmeanexp", () => {
  it("values against float64 evaluations of JAX's definitions", () => {
    // (0.5·x·erfc: a few float32 roundings of a well-conditioned product)
    ulpNear(nn.gelu(nx, { approximate: false }), N.gelu, 8, 1e-3);
    expect(nn.gelu(nx)).not.toEqual(nn.gelu(nx, { approximate: false }));
    expect(nn.gelu(nx, { approximate: true })).toEqual(nn.gelu(nx));
    ulpNear(nn.sparsePlus(nx), N.sparsePlus, 4);
    ulpNear(nn.sparseSigmoid(nx), N.sparseSigmoid, 2);
    expect(nn.identity(nx)).toEqual(nx);
    ulpNear(nn.glu(mat(N.m)), N.glu_last, 8);
    expect(nn.glu(mat(N.m)).shape).toEqual([3, 2]);
    ulpNear(nn.glu(mat(N.m4), 0), N.glu_0, 8);
    ulpNear([nn.logmeanexp(mat(N.m)).item() as number], [N.lme_all], 8);
    ulpNear(nn.logmeanexp(mat(N.m), 1), N.lme_1, 8);
    expect(nn.logmeanexp(mat(N.m), 0, { keepdims: true }).shape).toEqual([1, 4]);
    ulpNear(nn.logmeanexp(mat(N.m), 0, { keepdims: true }), N.lme_0_keep, 8);
  });
  it("gradients against float64 central differences", () => {
    near(vec(gGelu(nx)), fdOf(geluExact, nx), 3e-5);
    near(vec(ggGelu(nx)), fdOf((v) => fd(geluExact, v), nx), 2e-4);
    // (away from the kinks at ±1)
    const smooth = jnp.array([-2, -0.7, 0, 0.4, 0.9, 1.5, 3]);
    near(vec(gSparsePlus(smooth)), fdOf(sparsePlus64, smooth));
    near(vec(gSparseSigmoid(smooth)), fdOf(sparseSigmoid64, smooth));
    expect(gIdentity(nx)).toEqual(jnp.multiply(nx, 2));
    // glu: d/da = sigmoid(b)·w, d/db = a·sigmoid(b)(1 − sigmoid(b))·w
    const m = mat(N.m);
    const md = vec(m), wd = vec(W);
    const gluSum = (d: number[]) => [0, 1, 2].reduce((s, r) => s + [0, 1].reduce((t, c) => t + d[r * 4 + c] * (1 / (1 + Math.exp(-d[r * 4 + c + 2]))) * wd[r * 2 + c], 0), 0);
    const fdVec = (f: (d: number[]) => number, d: number[]) =>
      d.map((_, i) => {
        const h = 1e-5;
        const p = d.slice(), q = d.slice();
        p[i] += h;
        q[i] -= h;
        return (f(p) - f(q)) / (2 * h);
      });
    near(vec(gGlu(m)), fdVec(gluSum, md));
    const m4 = mat(N.m4), m4d = vec(m4);
    const glu0Sum = (d: number[]) => [0, 1, 2, 3, 4, 5].reduce((s, k) => s + d[k] / (1 + Math.exp(-d[k + 6])), 0);
    near(vec(gGlu0(m4)), fdVec(glu0Sum, m4d));
    const lmeAll = (d: number[]) => Math.log(d.reduce((s, v) => s + Math.exp(v), 0) / d.length);
    near(vec(gLme(m)), fdVec(lmeAll, md));
    const lme1 = (d: number[]) => [0, 1, 2].reduce((s, r) => s + [1, 2, -1][r] * lmeAll(d.slice(r * 4, r * 4 + 4)), 0);
    near(vec(gLme1(m)), fdVec(lme1, md));
  });
  it("jit and vmap agree with eager code", () => {
    for (const n of [9, 4096]) {
      const x = jnp.linspace(-2, 2, n);
      expect(jNn(x)).toEqual(jnp.add(nn.sparsePlus(x), nn.sparseSigmoid(x)));
    }
    const m = mat(N.m);
    expect(jGlu(m)).toEqual(nn.glu(m));
    expect(jLme(m)).toEqual(nn.logmeanexp(m, 0, { keepdims: true }));
    const ms = jnp.stack([m, jnp.multiply(m, -0.5)]);
    expect(vGlu(ms)).toEqual(jnp.stack([nn.glu(m), nn.glu(jnp.multiply(m, -0.5))]));
    expect(vLme(ms)).toEqual(jnp.stack([nn.logmeanexp(m), nn.logmeanexp(jnp.multiply(m, -0.5))]));
  });
  it("bad input: glu of an odd axis, gelu's approximate not a boolean", () => {
    expect(() => nn.glu(jnp.ones([2, 3]))).toThrow(/nn.glu: axis -1 of shape \(2, 3\) has odd size 3/);
    expect(() => nn.gelu(nx, { approximate: "no" as never })).toThrow(/nn.gelu: approximate must be a boolean/);
  });
});
