// More of jax.numpy (runtime/numpy/more.ts): values against NumPy (test/fixtures/gen_more.py),
// compiled code (jit) equal to eager code, gradients through the transformer against central
// differences, vmap against a per-example loop, and the errors.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, jit, jvp, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/more.json", import.meta.url), "utf8"));
type Enc = { shape: number[]; data: (number | string | boolean)[]; dtype?: string };
const num = (v: number | string | boolean) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));
const A = (e: Enc) => jnp.reshape(jnp.array(e.data.map(num)), e.shape);
const I = Object.fromEntries(Object.entries(F.inputs as Record<string, Enc>).map(([k, v]) => [k, A(v)])) as Record<string, Array>;
const { M, N, V, W, P, Q, X3, Y3, C3a, C3b, NANV, NANM, ROUND, PHASE } = I;

/** Equal to NumPy's float64 result within `tol` relative to the result's scale (NaN where NaN). */
function near(got: Array, want: Enc, tol = 4e-6) {
  expect(got.shape).toEqual(want.shape);
  const w = want.data.map(num);
  const scale = Math.max(1, ...w.filter(Number.isFinite).map(Math.abs));
  globalThis.Array.from(got.data as Float32Array, Number).forEach((v, i) => {
    if (!Number.isFinite(w[i])) return void expect(Object.is(v, w[i]) || (Number.isNaN(v) && Number.isNaN(w[i])), `element ${i}: ${v} vs ${w[i]}`).toBe(true);
    expect(Math.abs(v - w[i]), `element ${i}: ${v} vs ${w[i]}`).toBeLessThanOrEqual(tol * scale);
  });
}

describe("against NumPy", () => {
  const O = F.out as Record<string, Enc>;
  const cases: Record<string, () => Array> = {
    diff: () => jnp.diff(M),
    diff2_ax0: () => jnp.diff(M, 2, 0),
    diff_prepend: () => jnp.diff(M, 1, 1, { prepend: 0.5, append: jnp.slice(N, null, [0, 1]) }),
    ediff1d: () => jnp.ediff1d(M, { toBegin: [7], toEnd: [8, 9] }),
    trapezoid: () => jnp.trapezoid(M),
    trapezoid_x: () => jnp.trapezoid(M, W, { axis: 1 }),
    trapezoid_dx_ax0: () => jnp.trapezoid(M, null, { dx: 0.5, axis: 0 }),
    diag_v: () => jnp.diag(V, 1),
    diag_m: () => jnp.diag(M, -1),
    diagflat: () => jnp.diagflat(jnp.slice(M, [0, 2], [0, 2]), -1),
    append: () => jnp.append(M, V),
    append_ax0: () => jnp.append(M, N, 0),
    rot90: () => jnp.rot90(X3, 1, [1, 2]),
    rot90_k2: () => jnp.rot90(M, 2),
    rot90_k3: () => jnp.rot90(M, 3),
    inner: () => jnp.inner(M, N),
    tensordot: () => jnp.tensordot(X3, Y3, 1),
    tensordot_axes: () => jnp.tensordot(X3, Y3, [[1, 2], [1, 0]]),
    cov: () => jnp.cov(M),
    cov_xy: () => jnp.cov(jnp.index(M, 0), jnp.index(N, 1)),
    cov_cols: () => jnp.cov(M, null, { rowvar: false }),
    corrcoef: () => jnp.corrcoef(M),
    polyval: () => jnp.polyval(P, V),
    polyadd: () => jnp.polyadd(P, Q),
    polysub: () => jnp.polysub(Q, P),
    polymul: () => jnp.polymul(P, Q),
    polyder: () => jnp.polyder(P),
    polyder2: () => jnp.polyder(P, 2),
    vander: () => jnp.vander(V),
    vander_n_inc: () => jnp.vander(V, { n: 3, increasing: true }),
    average_w: () => jnp.average(M, 1, { weights: W }),
    average_w0: () => jnp.average(M, 0, { weights: jnp.slice(W, [0, 3]) }),
    average_full: () => jnp.average(M, undefined, { weights: jnp.add(jnp.abs(N), 0.1) }),
    nancumsum: () => jnp.nancumsum(NANV),
    nancumprod: () => jnp.nancumprod(NANV),
    nanprod: () => jnp.nanprod(NANM, 1),
    nanvar: () => jnp.nanvar(NANV),
    nanstd_ddof: () => jnp.nanstd(NANV, undefined, { correction: 1 }),
    nanvar_ax0: () => jnp.nanvar(jnp.array([[1, NaN], [3, 5], [NaN, 2]]), 0),
    floor_divide: () => jnp.divmod(M, 0.7)[0],
    remainder: () => jnp.divmod(M, 0.7)[1],
    modf_frac: () => jnp.modf(jnp.multiply(M, 3))[0],
    modf_int: () => jnp.modf(jnp.multiply(M, 3))[1],
    frexp_m: () => jnp.frexp(M)[0],
    frexp_e: () => jnp.frexp(M)[1],
    ldexp: () => jnp.ldexp(M, jnp.array([[1, -2, 3, 0], [1, -2, 3, 0], [1, -2, 3, 0]], { dtype: "int32" })),
    float_power: () => jnp.floatPower(jnp.abs(M), N),
    unwrap: () => jnp.unwrap(PHASE),
    unwrap_period: () => jnp.unwrap(PHASE, null, -1, 4),
    round: () => jnp.round(ROUND),
    round2: () => jnp.around(M, 2),
    arcsinh: () => jnp.asinh(jnp.multiply(M, 5)),
    arccosh: () => jnp.acosh(jnp.add(jnp.multiply(jnp.abs(M), 5), 1)),
    arctanh: () => jnp.atanh(jnp.tanh(M)),
    cross: () => jnp.cross(C3a, C3b),
    cross_ax0: () => jnp.cross(jnp.transpose(C3a), jnp.transpose(C3b), { axis: 0 }),
    cross_2_3: () => jnp.cross(jnp.slice(C3a, null, [0, 2]), C3b),
    cross_2_2: () => jnp.cross(jnp.slice(C3a, null, [0, 2]), jnp.slice(C3b, null, [1, 3])),
    cumsum_init: () => jnp.cumulativeSum(M, { axis: 1, includeInitial: true }),
    cumprod_init: () => jnp.cumulativeProd(M, { axis: 0, includeInitial: true }),
    bartlett: () => jnp.bartlett(7),
    hann: () => jnp.hann(7),
    blackman: () => jnp.blackman(7),
    logspace: () => jnp.logspace(-1, 2, 7),
    logspace_b2: () => jnp.logspace(0, 4, 4, false, 2),
    geomspace: () => jnp.geomspace(2, 300, 6),
    geomspace_neg: () => jnp.geomspace(-1, -1000, 4),
    tri: () => jnp.tri(3, 5, 1),
    var_c1: () => jnp.var_(M, 1, { correction: 1 }),
  };
  // (float32 inputs, float64 references: a few ulps of the result's scale; the scans and
  // products of longer chains, a few more)
  const loose: Record<string, number> = { polyval: 2e-5, tensordot: 1e-5, tensordot_axes: 1e-5, unwrap: 1e-5, unwrap_period: 1e-5, float_power: 1e-5, arccosh: 1e-5, nancumprod: 1e-5, cumprod_init: 1e-5 };
  it("every fixture has a case", () => expect(Object.keys(cases).sort()).toEqual(Object.keys(O).sort()));
  for (const [name, f] of Object.entries(cases)) it(name, () => near(f(), O[name], loose[name]));
  it("round-half-even at the ties, and NumPy's dtypes", () => {
    expect(jnp.rint(jnp.array([0.5, 1.5, 2.5, -2.5, 3.5])).tolist()).toEqual([0, 2, 2, -2, 4]);
    expect([jnp.round(jnp.array([3, -7], { dtype: "int32" })).dtype, jnp.round(jnp.array([3, -7], { dtype: "int32" })).tolist()]).toEqual(["int32", [3, -7]]);
    expect(jit((x: Array) => jnp.rint(x))(jnp.array([3, -7], { dtype: "int32" })).dtype).toBe("int32");
    expect(jnp.frexp(M)[1].dtype).toBe("int32");
    expect(jnp.isin(jnp.array([1, 2, 3]), jnp.array([3, 1])).tolist()).toEqual([true, false, true]);
    expect(jnp.isin(jnp.array([1, 2, 3]), [3, 1], { invert: true }).tolist()).toEqual([false, true, false]);
    expect(jnp.logicalXor(jnp.array([true, false, true]), jnp.array([true, true, false])).tolist()).toEqual([false, true, true]);
    expect(jnp.nanargmax(NANM, 1).tolist()).toEqual([2, -1, 0]);
    expect(jnp.nanargmin(NANM, 1).tolist()).toEqual([0, -1, 1]);
    expect(jnp.modf(jnp.array([Infinity, -Infinity])).map((a) => a.tolist())).toEqual([[0, 0], [Infinity, -Infinity]]);
  });
  it("splits, grids, selections and broadcasts", () => {
    const x = jnp.reshape(jnp.arange(24), [2, 3, 4]);
    expect(jnp.hsplit(x, 3).map((a) => a.shape)).toEqual([[2, 1, 4], [2, 1, 4], [2, 1, 4]]);
    expect(jnp.hsplit(jnp.arange(6), [1, 4]).map((a) => a.tolist())).toEqual([[0], [1, 2, 3], [4, 5]]);
    expect(jnp.vsplit(x, [1]).map((a) => a.shape)).toEqual([[1, 3, 4], [1, 3, 4]]);
    expect(jnp.dsplit(x, [3]).map((a) => a.tolist())).toEqual([jnp.slice(x, null, null, [0, 3]).tolist(), jnp.slice(x, null, null, [3, 4]).tolist()]);
    const [gx, gy] = jnp.meshgrid([jnp.array([1, 2, 3]), jnp.array([4, 5])]);
    expect([gx.tolist(), gy.tolist()]).toEqual([[[1, 2, 3], [1, 2, 3]], [[4, 4, 4], [5, 5, 5]]]);
    const [ix, iy] = jnp.meshgrid([jnp.array([1, 2, 3]), jnp.array([4, 5])], { indexing: "ij" });
    expect([ix.shape, iy.tolist()]).toEqual([[3, 2], [[4, 5], [4, 5], [4, 5]]]);
    const s = jnp.select([jnp.less(M, -0.5), jnp.greater(M, 0.5)], [jnp.negative(M), M], 9);
    const want = (M.tolist() as number[][]).map((r) => r.map((v) => (Math.fround(v) < -0.5 ? -v : v > 0.5 ? v : 9)));
    expect(s.tolist()).toEqual(want);
    const [b1, b2] = jnp.broadcastArrays(jnp.array([1, 2, 3], { dtype: "int32" }), jnp.array([[0.5], [1.5]]));
    expect([b1.dtype, b1.shape, b2.shape, b2.tolist()]).toEqual(["int32", [2, 3], [2, 3], [[0.5, 0.5, 0.5], [1.5, 1.5, 1.5]]]);
    expect(jnp.matrixTranspose(X3).shape).toEqual([2, 4, 3]);
    expect(jnp.permuteDims(X3, [2, 0, 1]).shape).toEqual([4, 2, 3]);
  });
});

// ---- compiled code computes what eager code does --------------------------------------------------

describe("compiled (jit) equals eager", () => {
  it("differences, sums, products, polynomials", () => {
    expect(jit((m: Array) => jnp.diff(m, 2, 0))(M)).toEqual(jnp.diff(M, 2, 0));
    expect(jit((m: Array, n: Array) => jnp.diff(m, 1, 1, { prepend: 0.5, append: n }))(M, jnp.slice(N, null, [0, 1]))).toEqual(jnp.diff(M, 1, 1, { prepend: 0.5, append: jnp.slice(N, null, [0, 1]) }));
    expect(jit((m: Array) => jnp.ediff1d(m, { toBegin: [7] }))(M)).toEqual(jnp.ediff1d(M, { toBegin: [7] }));
    expect(jit((m: Array, w: Array) => jnp.trapezoid(m, w, { axis: 1 }))(M, W)).toEqual(jnp.trapezoid(M, W, { axis: 1 }));
    expect(jit((x: Array, y: Array) => jnp.tensordot(x, y, [[1, 2], [1, 0]]))(X3, Y3)).toEqual(jnp.tensordot(X3, Y3, [[1, 2], [1, 0]]));
    expect(jit((x: Array, y: Array) => jnp.inner(x, y))(M, N)).toEqual(jnp.inner(M, N));
    expect(jit((p: Array, x: Array) => jnp.polyval(p, x))(P, V)).toEqual(jnp.polyval(P, V));
    expect(jit((p: Array, q: Array) => jnp.polymul(p, q))(P, Q)).toEqual(jnp.polymul(P, Q));
    expect(jit((p: Array, q: Array) => jnp.polysub(p, q))(P, Q)).toEqual(jnp.polysub(P, Q));
    expect(jit((p: Array) => jnp.polyder(p, 2))(P)).toEqual(jnp.polyder(P, 2));
    expect(jit((v: Array) => jnp.vander(v, { n: 3 }))(V)).toEqual(jnp.vander(V, { n: 3 }));
    expect(jit((m: Array) => jnp.cov(m))(M)).toEqual(jnp.cov(M));
    expect(jit((m: Array) => jnp.corrcoef(m))(M)).toEqual(jnp.corrcoef(M));
    expect(jit((m: Array, w: Array) => jnp.average(m, 1, { weights: w }))(M, W)).toEqual(jnp.average(M, 1, { weights: W }));
    expect(jit((p: Array) => jnp.unwrap(p))(PHASE)).toEqual(jnp.unwrap(PHASE));
  });
  it("rearrangements, splits, several results, NaN-aware reductions, elementwise", () => {
    expect(jit((v: Array) => jnp.diag(v, 1))(V)).toEqual(jnp.diag(V, 1));
    expect(jit((m: Array) => jnp.diag(m, -1))(M)).toEqual(jnp.diag(M, -1));
    expect(jit((x: Array) => jnp.rot90(x, 3, [1, 2]))(X3)).toEqual(jnp.rot90(X3, 3, [1, 2]));
    expect(jit((m: Array) => jnp.hsplit(m, [1, 3]))(M)).toEqual(jnp.hsplit(M, [1, 3]));
    expect(jit((x: Array) => jnp.hsplit(x, 2))(V.reshape([5]).slice([0, 4]))).toEqual(jnp.hsplit(V.slice([0, 4]), 2));
    expect(jit((a: Array, b: Array) => jnp.meshgrid([a, b]))(V, W)).toEqual(jnp.meshgrid([V, W]));
    expect(jit((a: Array, b: Array) => jnp.broadcastArrays(a, b))(M, W)).toEqual(jnp.broadcastArrays(M, W));
    expect(jit((m: Array) => jnp.select([jnp.less(m, 0)], [jnp.negative(m)], m))(M)).toEqual(jnp.select([jnp.less(M, 0)], [jnp.negative(M)], M));
    expect(jit((m: Array) => jnp.divmod(m, 0.7))(M)).toEqual(jnp.divmod(M, 0.7));
    expect(jit((m: Array) => jnp.modf(m))(M)).toEqual(jnp.modf(M));
    expect(jit((m: Array) => jnp.frexp(m))(M)).toEqual(jnp.frexp(M));
    expect(jit((x: Array) => [jnp.nanvar(x), jnp.nanstd(x, 0, { correction: 1 }), jnp.nanprod(x), jnp.nancumsum(x), jnp.nanargmax(x)])(NANV)).toEqual([
      jnp.nanvar(NANV), jnp.nanstd(NANV, 0, { correction: 1 }), jnp.nanprod(NANV), jnp.nancumsum(NANV), jnp.nanargmax(NANV),
    ]);
    expect(jit((x: Array) => [jnp.round(x), jnp.rint(x), jnp.asinh(x), jnp.acos(jnp.tanh(x)), jnp.atan2(x, 2), jnp.pow(x, 2), jnp.ldexp(x, 3), jnp.floatPower(jnp.abs(x), 0.5)])(ROUND)).toEqual([
      jnp.round(ROUND), jnp.rint(ROUND), jnp.asinh(ROUND), jnp.acos(jnp.tanh(ROUND)), jnp.atan2(ROUND, 2), jnp.pow(ROUND, 2), jnp.ldexp(ROUND, 3), jnp.floatPower(jnp.abs(ROUND), 0.5),
    ]);
    expect(jit((a: Array, b: Array) => jnp.cross(a, b))(C3a, C3b)).toEqual(jnp.cross(C3a, C3b));
    expect(jit((a: Array, b: Array) => jnp.cross(a, b))(jnp.slice(C3a, null, [0, 2]), jnp.slice(C3b, null, [0, 2]))).toEqual(jnp.cross(jnp.slice(C3a, null, [0, 2]), jnp.slice(C3b, null, [0, 2])));
    expect(jit((m: Array) => jnp.cumulativeSum(m, { axis: 0, includeInitial: true }))(M)).toEqual(jnp.cumulativeSum(M, { axis: 0, includeInitial: true }));
    expect(jit((m: Array) => jnp.append(m, [1, 2]))(M)).toEqual(jnp.append(M, [1, 2]));
    expect(jit((m: Array) => jnp.add(m, jnp.sum(jnp.hann(4))))(M)).toEqual(jnp.add(M, jnp.sum(jnp.hann(4))));
    expect(jit((m: Array) => jnp.isin(m, jnp.index(M, 0)))(M)).toEqual(jnp.isin(M, jnp.index(M, 0)));
    expect(jit((m: Array) => jnp.var_(m, 1, { correction: 1 }))(M)).toEqual(jnp.var_(M, 1, { correction: 1 }));
  });
});

// ---- gradients through the transformer against central differences -------------------------------

/** Central differences of scalar f at x (each element stepped by h in float32, the step actually taken used). */
function fd(f: (x: Array) => number, x: Array, h = 1e-2): number[] {
  const base = globalThis.Array.from(x.data as Float32Array, Number);
  return base.map((v, i) => {
    const at = (d: number) => {
      const c = Float32Array.from(base);
      c[i] = v + d;
      return [f(jnp.reshape(jnp.array(globalThis.Array.from(c)), x.shape)), c[i] - v] as const;
    };
    const [fp, dp] = at(h), [fm, dm] = at(-h);
    return (fp - fm) / (dp - dm);
  });
}
function gradNear(g: Array, want: number[], tol = 2e-2) {
  const got = globalThis.Array.from(g.data as Float32Array, Number);
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));
}
/** A loss in which every output element matters (and is not linear). */
const dot = (a: Array) => jnp.sum(jnp.multiply(a, jnp.sin(jnp.add(a, 1)))).item() as number;

describe("gradients against central differences", () => {
  it("diff ediff1d trapezoid unwrap append", () => {
    gradNear(grad((m: Array) => dot(jnp.diff(m, 2, 1, { prepend: 0.5 })))(M), fd((m) => dot(jnp.diff(m, 2, 1, { prepend: 0.5 })), M));
    gradNear(grad((m: Array) => jnp.sum(jnp.square(jnp.ediff1d(m, { toEnd: [1] }))).item() as number)(M), fd((m) => jnp.sum(jnp.square(jnp.ediff1d(m, { toEnd: [1] }))).item() as number, M));
    gradNear(grad((m: Array) => jnp.sum(jnp.square(jnp.trapezoid(m, W, { axis: 1 }))).item() as number)(M), fd((m) => jnp.sum(jnp.square(jnp.trapezoid(m, W, { axis: 1 }))).item() as number, M));
    gradNear(grad((w: Array) => jnp.sum(jnp.square(jnp.trapezoid(M, w, { axis: 1 }))).item() as number)(W), fd((w) => jnp.sum(jnp.square(jnp.trapezoid(M, w, { axis: 1 }))).item() as number, W));
    gradNear(grad((p: Array) => jnp.sum(jnp.square(jnp.unwrap(p))).item() as number)(PHASE), fd((p) => jnp.sum(jnp.square(jnp.unwrap(p))).item() as number, PHASE));
    gradNear(grad((m: Array) => jnp.sum(jnp.square(jnp.append(m, jnp.multiply(m, 2), 0))).item() as number)(M), fd((m) => jnp.sum(jnp.square(jnp.append(m, jnp.multiply(m, 2), 0))).item() as number, M));
  });
  it("diag diagflat rot90 splits meshgrid select broadcastArrays", () => {
    gradNear(grad((v: Array) => jnp.sum(jnp.square(jnp.diag(v, 1))).item() as number)(V), fd((v) => jnp.sum(jnp.square(jnp.diag(v, 1))).item() as number, V));
    gradNear(grad((m: Array) => jnp.sum(jnp.exp(jnp.diag(m, -1))).item() as number)(M), fd((m) => jnp.sum(jnp.exp(jnp.diag(m, -1))).item() as number, M));
    gradNear(grad((m: Array) => jnp.sum(jnp.multiply(jnp.diagflat(m), jnp.diagflat(m))).item() as number)(M), fd((m) => jnp.sum(jnp.multiply(jnp.diagflat(m), jnp.diagflat(m))).item() as number, M));
    gradNear(grad((x: Array) => jnp.sum(jnp.multiply(jnp.rot90(x, 1, [1, 2]), jnp.rot90(X3, 3, [1, 2]))).item() as number)(X3), fd((x) => jnp.sum(jnp.multiply(jnp.rot90(x, 1, [1, 2]), jnp.rot90(X3, 3, [1, 2]))).item() as number, X3));
    const hs = (m: Array) => {
      const [a, b] = jnp.hsplit(m, [1]);
      return jnp.sum(jnp.multiply(jnp.square(a), 3)).item() as number + (jnp.sum(jnp.sin(b)).item() as number);
    };
    gradNear(grad(hs)(M), fd(hs, M));
    const mg = (v: Array) => {
      const [a, b] = jnp.meshgrid([v, jnp.multiply(v, v)]);
      return jnp.sum(jnp.multiply(a, jnp.sin(b))).item() as number;
    };
    gradNear(grad(mg)(V), fd(mg, V));
    const se = (m: Array) => jnp.sum(jnp.select([jnp.less(M, 0), jnp.greater(M, 1)], [jnp.square(m), jnp.exp(m)], m)).item() as number;
    gradNear(grad(se)(M), fd(se, M));
    const ba = (w: Array) => {
      const [a, b] = jnp.broadcastArrays(w, M);
      return jnp.sum(jnp.multiply(jnp.square(a), b)).item() as number;
    };
    gradNear(grad(ba)(W), fd(ba, W));
  });
  it("inner tensordot cov corrcoef average cross", () => {
    gradNear(grad((x: Array) => jnp.sum(jnp.square(jnp.tensordot(x, Y3, [[1, 2], [1, 0]]))).item() as number)(X3), fd((x) => jnp.sum(jnp.square(jnp.tensordot(x, Y3, [[1, 2], [1, 0]]))).item() as number, X3));
    gradNear(grad((y: Array) => jnp.sum(jnp.square(jnp.tensordot(X3, y, 1))).item() as number)(Y3), fd((y) => jnp.sum(jnp.square(jnp.tensordot(X3, y, 1))).item() as number, Y3));
    gradNear(grad((m: Array) => jnp.sum(jnp.square(jnp.inner(m, m))).item() as number)(M), fd((m) => jnp.sum(jnp.square(jnp.inner(m, m))).item() as number, M), 3e-2);
    gradNear(grad((m: Array) => jnp.sum(jnp.multiply(jnp.cov(m), jnp.array([[1, 2, 3], [0, 1, -1], [2, 0, 1]]))).item() as number)(M), fd((m) => jnp.sum(jnp.multiply(jnp.cov(m), jnp.array([[1, 2, 3], [0, 1, -1], [2, 0, 1]]))).item() as number, M));
    gradNear(grad((m: Array) => jnp.sum(jnp.multiply(jnp.corrcoef(m), jnp.array([[1, 2, 3], [0, 1, -1], [2, 0, 1]]))).item() as number)(M), fd((m) => jnp.sum(jnp.multiply(jnp.corrcoef(m), jnp.array([[1, 2, 3], [0, 1, -1], [2, 0, 1]]))).item() as number, M));
    gradNear(grad((w: Array) => jnp.sum(jnp.square(jnp.average(M, 1, { weights: w }))).item() as number)(W), fd((w) => jnp.sum(jnp.square(jnp.average(M, 1, { weights: w }))).item() as number, W));
    gradNear(grad((m: Array) => jnp.sum(jnp.square(jnp.average(m, 0, { weights: jnp.array([1, 2, 3]) }))).item() as number)(M), fd((m) => jnp.sum(jnp.square(jnp.average(m, 0, { weights: jnp.array([1, 2, 3]) }))).item() as number, M));
    gradNear(grad((a: Array) => jnp.sum(jnp.square(jnp.cross(a, C3b))).item() as number)(C3a), fd((a) => jnp.sum(jnp.square(jnp.cross(a, C3b))).item() as number, C3a));
    // (2-vectors: a zero z component; two of them give the z component alone)
    const c2 = jnp.slice(C3a, null, [0, 2]);
    gradNear(grad((a: Array) => jnp.sum(jnp.square(jnp.cross(a, C3b))).item() as number)(c2), fd((a) => jnp.sum(jnp.square(jnp.cross(a, C3b))).item() as number, c2));
    gradNear(grad((a: Array) => jnp.sum(jnp.sin(jnp.cross(a, jnp.slice(C3b, null, [1, 3])))).item() as number)(c2), fd((a) => jnp.sum(jnp.sin(jnp.cross(a, jnp.slice(C3b, null, [1, 3])))).item() as number, c2));
  });
  it("polynomials", () => {
    gradNear(grad((p: Array) => jnp.sum(jnp.square(jnp.polyval(p, V))).item() as number)(P), fd((p) => jnp.sum(jnp.square(jnp.polyval(p, V))).item() as number, P));
    // (at x = 0 too: the zero power's derivative is 0, not 0·∞)
    const xs = jnp.array([0, 0.5, -1.5]);
    gradNear(grad((x: Array) => jnp.sum(jnp.polyval(P, x)).item() as number)(xs), fd((x) => jnp.sum(jnp.polyval(P, x)).item() as number, xs));
    gradNear(grad((p: Array) => jnp.sum(jnp.square(jnp.polymul(p, Q))).item() as number)(P), fd((p) => jnp.sum(jnp.square(jnp.polymul(p, Q))).item() as number, P));
    gradNear(grad((q: Array) => jnp.sum(jnp.square(jnp.polymul(P, q))).item() as number)(Q), fd((q) => jnp.sum(jnp.square(jnp.polymul(P, q))).item() as number, Q));
    gradNear(grad((q: Array) => jnp.sum(jnp.square(jnp.polysub(P, q))).item() as number)(Q), fd((q) => jnp.sum(jnp.square(jnp.polysub(P, q))).item() as number, Q));
    gradNear(grad((p: Array) => jnp.sum(jnp.square(jnp.polyder(p, 2))).item() as number)(P), fd((p) => jnp.sum(jnp.square(jnp.polyder(p, 2))).item() as number, P));
    gradNear(grad((v: Array) => jnp.sum(jnp.multiply(jnp.vander(v), jnp.reshape(jnp.arange(25), [5, 5]))).item() as number)(V), fd((v) => jnp.sum(jnp.multiply(jnp.vander(v), jnp.reshape(jnp.arange(25), [5, 5]))).item() as number, V), 3e-2);
  });
  it("NaN-aware reductions, elementwise", () => {
    const x = jnp.array([1.5, NaN, -2, 3.25, NaN, 0.5]);
    const finiteFd = (f: (x: Array) => number) => fd(f, x).map((v) => (Number.isNaN(v) ? 0 : v));
    gradNear(grad((x: Array) => jnp.nanvar(x).item() as number)(x), finiteFd((x) => jnp.nanvar(x).item() as number));
    gradNear(grad((x: Array) => jnp.nanstd(x, 0, { correction: 1 }).item() as number)(x), finiteFd((x) => jnp.nanstd(x, 0, { correction: 1 }).item() as number));
    gradNear(grad((x: Array) => jnp.nanprod(x).item() as number)(x), finiteFd((x) => jnp.nanprod(x).item() as number));
    gradNear(grad((x: Array) => dot(jnp.nancumsum(x)))(x), finiteFd((x) => dot(jnp.nancumsum(x))));
    gradNear(grad((m: Array) => dot(jnp.cumulativeSum(m, { axis: 1, includeInitial: true })))(M), fd((m) => dot(jnp.cumulativeSum(m, { axis: 1, includeInitial: true })), M));
    const y = jnp.multiply(M, 0.4);
    const e1 = (a: Array) => dot(jnp.asinh(jnp.multiply(a, 3)));
    gradNear(grad(e1)(y), fd(e1, y, 1e-3));
    const e2 = (a: Array) => dot(jnp.atanh(a));
    gradNear(grad(e2)(y), fd(e2, y, 1e-3));
    const e3 = (a: Array) => dot(jnp.acosh(jnp.add(jnp.abs(a), 1.5)));
    gradNear(grad(e3)(y), fd(e3, y, 1e-3));
    const e4 = (a: Array) => dot(jnp.modf(jnp.multiply(a, 7))[0]);
    gradNear(grad(e4)(y), fd(e4, y, 1e-3));
    const e5 = (a: Array) => dot(jnp.ldexp(a, 3));
    gradNear(grad(e5)(y), fd(e5, y, 1e-3));
    const e6 = (a: Array) => dot(jnp.floatPower(jnp.abs(a), 1.5));
    gradNear(grad(e6)(y), fd(e6, y, 1e-3));
  });
});

// ---- vmap against a loop over examples ------------------------------------------------------------

describe("vmap against a per-example loop", () => {
  const loop = (f: (x: Array) => Array, xs: Array) => jnp.stack(globalThis.Array.from({ length: xs.shape[0] }, (_, i) => f(jnp.index(xs, i))));
  it("diff, diag, tensordot, polyval, cov, average, hsplit", () => {
    const f1 = (m: Array) => jnp.diff(m, 1, 0);
    expect(vmap(f1)(X3)).toEqual(loop(f1, X3));
    const f2 = (v: Array) => jnp.diag(v, -1);
    expect(vmap(f2)(M)).toEqual(loop(f2, M));
    const f3 = (m: Array) => jnp.diag(m);
    expect(vmap(f3)(X3)).toEqual(loop(f3, X3));
    const f4 = (m: Array) => jnp.tensordot(m, jnp.index(Y3, 0), [[0], [0]]);
    expect(vmap(f4)(X3)).toEqual(loop(f4, X3));
    const f5 = (v: Array) => jnp.polyval(v, W);
    expect(vmap(f5)(M)).toEqual(loop(f5, M));
    const f6 = (m: Array) => jnp.cov(m);
    expect(vmap(f6)(X3)).toEqual(loop(f6, X3));
    const f7 = (m: Array) => jnp.average(m, 1, { weights: W });
    expect(vmap(f7)(X3)).toEqual(loop(f7, X3));
    const f8 = (m: Array) => jnp.hsplit(m, [2])[1];
    expect(vmap(f8)(X3)).toEqual(loop(f8, X3));
    const f9 = (v: Array) => jnp.polymul(v, Q);
    expect(vmap(f9)(M)).toEqual(loop(f9, M));
    const f10 = (v: Array) => jnp.vander(v, { n: 3 });
    expect(vmap(f10)(M)).toEqual(loop(f10, M));
  });
  it("cov of vectors, meshgrid, select, diff with prepend, broadcastArrays, rot90, polyder", () => {
    const g1 = (v: Array) => jnp.cov(v);
    expect(vmap(g1)(M)).toEqual(loop(g1, M));
    const g2 = (v: Array) => jnp.meshgrid([v, jnp.slice(v, [0, 2])])[0];
    expect(vmap(g2)(M)).toEqual(loop(g2, M));
    const g3 = (v: Array) => jnp.select([jnp.less(v, 0)], [jnp.square(v)], v);
    expect(vmap(g3)(M)).toEqual(loop(g3, M));
    const g4 = (m: Array) => jnp.diff(m, 1, -1, { prepend: 1 });
    expect(vmap(g4)(X3)).toEqual(loop(g4, X3));
    const g5 = (v: Array) => jnp.broadcastArrays(v, jnp.index(M, 0))[0];
    expect(vmap(g5)(W.reshape([1, 4]))).toEqual(loop(g5, W.reshape([1, 4])));
    const g6 = (m: Array) => jnp.rot90(m);
    expect(vmap(g6)(X3)).toEqual(loop(g6, X3));
    const g7 = (v: Array) => jnp.polyder(v, 2);
    expect(vmap(g7)(M)).toEqual(loop(g7, M));
  });
  it("vmap of a gradient: per-example gradients of a tensordot loss", () => {
    const g = grad((x: Array) => jnp.sum(jnp.square(jnp.inner(x, jnp.index(X3, 1)))).item() as number);
    expect(vmap(g)(X3)).toEqual(loop(g, X3));
    // (hsplit's axis is known only at run time: a take along it, and its transpose, under vmap)
    const h = grad((x: Array) => jnp.sum(jnp.sin(jnp.hsplit(x, [1])[1])).item() as number);
    expect(vmap(h)(X3)).toEqual(loop(h, X3));
    const d = grad((m: Array) => jnp.sum(jnp.square(jnp.diag(m, 1))).item() as number);
    expect(vmap(d)(X3)).toEqual(loop(d, X3));
  });
});

describe("forward mode (jvp) agrees with reverse mode", () => {
  // <∇f(x), t> from grad equals jvp's tangent
  const along = (g: Array, t: Array) => jnp.sum(jnp.multiply(g, t)).item() as number;
  it("tensordot, diag, average, hsplit, polymul", () => {
    const t3 = jnp.cos(X3), tm = jnp.sin(M), tv = jnp.cos(V), tp = jnp.sin(P);
    const f1 = (x: Array) => dot(jnp.tensordot(x, Y3, [[1, 2], [1, 0]]));
    expect(jvp(f1, [X3], [t3])[1]).toBeCloseTo(along(grad(f1)(X3), t3), 3);
    const f2 = (m: Array) => dot(jnp.add(jnp.diag(m, 1), jnp.diag(jnp.diag(m))));
    expect(jvp(f2, [M], [tm])[1]).toBeCloseTo(along(grad(f2)(M), tm), 4);
    const f3 = (m: Array) => dot(jnp.average(m, 1, { weights: W }));
    expect(jvp(f3, [M], [tm])[1]).toBeCloseTo(along(grad(f3)(M), tm), 4);
    const f4 = (v: Array) => dot(jnp.hsplit(v, [2])[1]);
    expect(jvp(f4, [V], [tv])[1]).toBeCloseTo(along(grad(f4)(V), tv), 4);
    const f5 = (p: Array) => dot(jnp.polymul(p, jnp.polyder(p)));
    expect(jvp(f5, [P], [tp])[1]).toBeCloseTo(along(grad(f5)(P), tp), 3);
  });
});

describe("second derivatives (the adjoints' own rules)", () => {
  it("grad of grad through tensordot, diag and polymul against central differences of the gradient", () => {
    const f = (x: Array) => jnp.sum(jnp.square(jnp.tensordot(x, Y3, 1))).item() as number;
    const g = (x: Array) => jnp.sum(jnp.multiply(grad(f)(x), jnp.cos(X3))).item() as number;
    gradNear(grad(g)(X3), fd(g, X3), 3e-2);
    const f2 = (m: Array) => jnp.sum(jnp.sin(jnp.diag(jnp.diag(m, 1), 1))).item() as number;
    const g2 = (m: Array) => jnp.sum(jnp.multiply(grad(f2)(m), M)).item() as number;
    gradNear(grad(g2)(M), fd(g2, M));
    const f3 = (p: Array) => jnp.sum(jnp.square(jnp.polymul(p, p))).item() as number;
    const g3 = (p: Array) => jnp.sum(jnp.multiply(grad(f3)(p), P)).item() as number;
    gradNear(grad(g3)(P), fd(g3, P), 3e-2);
  });
});

describe("eager functions inside compiled code", () => {
  it("arrayEqual, arrayEquiv and the dense index grid run eagerly as constants", () => {
    expect(jit((m: Array) => jnp.arrayEqual(m, M))(M).item()).toBe(true);
    expect(jit((m: Array) => jnp.arrayEquiv(m, jnp.index(M, 0)))(M).item()).toBe(false);
    expect(jit((m: Array) => jnp.add(m, jnp.index(jnp.indices([3, 4]), 1)))(M)).toEqual(jnp.add(M, jnp.index(jnp.indices([3, 4]) as Array, 1)));
    const fx = (m: Array) => jnp.frexp(m)[1];
    expect(vmap(fx)(M)).toEqual(jnp.frexp(M)[1]);
  });
});

describe("errors name the function, the shapes and the argument", () => {
  it("eager", () => {
    expect(() => jnp.tensordot(M, N, [[1], [0]])).toThrow(/tensordot: axis 1 of x \(shape \(3, 4\)\) has size 4 but axis 0 of y \(shape \(3, 4\)\) has size 3/);
    expect(() => jnp.diag(X3)).toThrow(/diag: v must be 1-D or 2-D, got shape \(2, 3, 4\)/);
    expect(() => jnp.vsplit(M, 2)).toThrow(/vsplit: an axis of size 3 \(shape \(3, 4\)\) does not divide into 2 equal parts/);
    expect(() => jnp.dsplit(M, 2)).toThrow(/dsplit: .*shape \(3, 4\)/);
    expect(() => jnp.cross(M, N)).toThrow(/cross: the vectors must have size 2 or 3 along the axis, got shape \(3, 4\)/);
    expect(() => jnp.select([M], [M, N])).toThrow(/select: condlist and choicelist must be lists of the same length, got 1 and 2/);
    expect(() => jnp.average(M, 1, { weights: V })).toThrow(/average: 1-D weights of shape \(5,\) do not match axis 1 of a \(shape \(3, 4\)\)/);
    expect(() => jnp.meshgrid([V], { indexing: "xx" as "xy" })).toThrow(/meshgrid: indexing must be "xy" or "ij"/);
  });
});
