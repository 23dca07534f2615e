// The composite jnp functions (runtime/numpy/composites.ts): values against NumPy
// (test/fixtures/gen_composites.py, special values included), compiled code equal to eager code,
// and gradients against hand derivations (logaddexp's ties split evenly, as JAX's).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { grad, jit, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const F = JSON.parse(readFileSync(new URL("../fixtures/composites.json", import.meta.url), "utf8"));
const num = (v: number | string) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number));
const arr = (l: (number | string)[], shape?: number[]) => {
  const a = jnp.array(l.map(num));
  return shape ? jnp.reshape(a, shape) : a;
};
const a = arr(F.a), b = arr(F.b), pos = arr(F.pos), m = arr(F.m.data, F.m.shape);
/** Equal to NumPy's float64 result within `ulps` float32 ulps (NaN where NaN, infinities exact; booleans exact). */
function near(got: Array, want: (number | string)[], ulps = 4, floor = 1e-30) {
  const g = globalThis.Array.from(got.data as ArrayLike<number>, Number);
  expect(g.length).toBe(want.length);
  want.map(num).forEach((w, i) => {
    if (Number.isNaN(w) || !Number.isFinite(w)) return void expect(Object.is(g[i], w) || (Number.isNaN(w) && Number.isNaN(g[i])), `element ${i}: got ${g[i]}, want ${w}`).toBe(true);
    expect(Math.abs(g[i] - w), `element ${i}: got ${g[i]}, want ${w}`).toBeLessThanOrEqual(ulps * 2 ** -23 * Math.max(Math.abs(w), floor));
  });
}

describe("composite jnp functions against NumPy", () => {
  it("isnan isinf isfinite isposinf isneginf nanToNum", () => {
    near(jnp.isnan(a), F.isnan);
    near(jnp.isinf(a), F.isinf);
    near(jnp.isfinite(a), F.isfinite);
    near(jnp.isposinf(a), F.isposinf);
    near(jnp.isneginf(a), F.isneginf);
    expect(jnp.isnan(a).dtype).toBe("bool");
    near(jnp.nanToNum(a), F.nanToNum);
  });
  it("logaddexp logaddexp2 exp2 log2 log10 cbrt deg2rad rad2deg", () => {
    near(jnp.logaddexp(a, b), F.logaddexp);
    near(jnp.logaddexp2(a, b), F.logaddexp2);
    near(jnp.exp2(jnp.clip(a, -60, 60)), F.exp2);
    near(jnp.log2(pos), F.log2);
    near(jnp.log10(pos), F.log10);
    near(jnp.cbrt(a), F.cbrt);
    near(jnp.deg2rad(a), F.deg2rad);
    near(jnp.rad2deg(a), F.rad2deg);
  });
  it("remainder (the divisor's sign) heaviside sinc isclose", () => {
    near(jnp.remainder(a, b), F.remainder, 64);
    // (JAX's heaviside gives h0 for NaN where NumPy gives NaN: element 0 is NaN)
    near(jnp.heaviside(a, 0.5), [0.5, ...F.heaviside.slice(1)]);
    // (sin(πx) at integers x is float32 π's rounding error: absolute, relative to 1)
    near(jnp.sinc(a), F.sinc, 16, 1);
    near(jnp.isclose(a, b), F.isclose);
  });
  it("floorDivide fmax fmin signbit copysign", () => {
    near(jnp.floorDivide(a, b), F.floorDivide);
    near(jnp.fmax(a, b), F.fmax);
    near(jnp.fmin(a, b), F.fmin);
    near(jnp.signbit(a), F.signbit);
    near(jnp.copysign(a, b), F.copysign);
  });
  it("ptp and the NaN-ignoring reductions", () => {
    const mn = arr(F.mn, [3, 3]);
    near(jnp.ptp(jnp.nanToNum(mn), 0), [1 - 0, 4 - -2, 5 - 0]);
    near(jnp.nansum(mn, 0), F.nansum0);
    near(jnp.nanmean(mn, 1), F.nanmean1);
    near(jnp.nanmax(mn), F.nanmax);
    near(jnp.nanmin(mn, 1), F.nanmin1);
  });
  it("matvec vecmat vecdot", () => {
    const mat = arr(F.mat, [3, 4]), vec = arr(F.vec);
    near(jnp.matvec(mat, vec), F.matvec, 8);
    near(jnp.vecmat(jnp.slice(vec, [0, 3]), mat), F.vecmat, 8);
    near(jnp.vecdot(mat, mat), F.vecdot, 8);
  });
  it("any all countNonzero, whole and along an axis", () => {
    near(jnp.any(m, 0), F.any0);
    near(jnp.all(m, 1), F.all1);
    expect(jnp.countNonzero(m).item()).toBe(F.countNonzero[0]);
    near(jnp.countNonzero(m, 0), F.countNonzero0);
    expect(jnp.any(m, 0).dtype).toBe("bool");
  });
});

const lae = (x: Array, y: Array) => jnp.sum(jnp.logaddexp(x, y)).item() as number;
const safeRem = (x: Array) => jnp.sum(jnp.where(jnp.isfinite(x), jnp.remainder(x, 3), 0)).item() as number;
describe("compiled composites", () => {
  it("logaddexp's gradient is the softmax weights; a tie splits evenly", () => {
    const x = jnp.array([0, 1, -2, 3]), y = jnp.array([0, -1, 1, 3]);
    const [gx, gy] = grad(lae, { argnums: [0, 1] })(x, y);
    const wx = jnp.divide(jnp.exp(x), jnp.add(jnp.exp(x), jnp.exp(y)));
    expect(jnp.max(jnp.abs(jnp.subtract(gx, wx))).item()).toBeLessThan(1e-6);
    expect(jnp.max(jnp.abs(jnp.subtract(gy, jnp.subtract(1, wx)))).item()).toBeLessThan(1e-6);
    expect((gx.tolist() as number[])[0]).toBe(0.5);
  });
  it("a where that masks non-finite values: gradient 1 where finite, 0 elsewhere", () => {
    const x = jnp.array([1.5, Infinity, -4, NaN]);
    expect(grad(safeRem)(x).tolist()).toEqual([1, 0, 1, 0]);
  });
  it("jit and vmap give eager code's values", () => {
    const f = (x: Array) => jnp.add(jnp.logaddexp(x, 1), jnp.cbrt(x));
    expect(jit(f)(b)).toEqual(f(b));
    expect(vmap(f)(jnp.reshape(b, [4, 6]))).toEqual(jnp.reshape(f(b), [4, 6]));
  });
});

describe("compiled NaN-ignoring reductions", () => {
  it("nanmax's gradient picks the largest non-NaN element; nansum's is 1 except at NaNs", () => {
    const v = jnp.array([1, NaN, 3, -2]);
    expect(grad((x: Array) => jnp.nanmax(x).item() as number)(v).tolist()).toEqual([0, 0, 1, 0]);
    expect(grad((x: Array) => jnp.nansum(x).item() as number)(v).tolist()).toEqual([1, 0, 1, 1]);
    expect(jit((x: Array) => jnp.nanmean(x))(v).item()).toBeCloseTo(2 / 3, 6);
  });
});
