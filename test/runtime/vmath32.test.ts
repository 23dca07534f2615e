// The float32 exp/tanh/sin/cos of `jit(f, { fastMath: true })` kernels (runtime/jit/vmath32.ts):
// their error against the float64 Math functions, over 2^18 random float32 values per range,
// plus the special values; the bounds are the ones DESIGN.md "Numerics" states.
import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import { fused } from "../../runtime/jit/fused.js";
import { TRIG32_LIMIT } from "../../runtime/jit/vmath32.js";
import { randoms, ulp32 } from "../float32.js";


const fast = (op: string, d: Float32Array) => fused(JSON.stringify({ in: 1, ops: [[op, 0]], fast: true }), new NDArray(d, [d.length], "float32")).data as Float32Array;

/** The largest error in ulps where |exact| ≥ `from`, and the largest absolute error where it is below. */
function errors(op: "exp" | "tanh" | "sin" | "cos", d: Float32Array, from = 0) {
  const y = fast(op, d);
  let ulps = 0, abs = 0;
  for (let i = 0; i < d.length; i++) {
    const want = Math[op](d[i]);
    const e = Math.abs(y[i] - want);
    if (Math.abs(want) >= from) ulps = Math.max(ulps, e / ulp32(want));
    else abs = Math.max(abs, e);
  }
  return { ulps, abs };
}

describe("fast float32 vector math (jit's fastMath)", () => {
  const N = 1 << 18;
  it("exp: within 1 ulp over the normal range", () => {
    expect(errors("exp", randoms(N, -87.3, 88.7, 1)).ulps).toBeLessThanOrEqual(1);
    expect(errors("exp", randoms(N, -2, 2, 2)).ulps).toBeLessThanOrEqual(1);
  });
  it("tanh: within 2.5 ulp", () => {
    expect(errors("tanh", randoms(N, -12, 12, 3)).ulps).toBeLessThanOrEqual(2.5);
    expect(errors("tanh", randoms(N, -0.7, 0.7, 4)).ulps).toBeLessThanOrEqual(2.5);
    expect(errors("tanh", randoms(N, -0.01, 0.01, 8)).ulps).toBeLessThanOrEqual(2.5);
  });
  it.each(["sin", "cos"] as const)("%s: within 2 ulp where |result| ≥ 1/64, within 1e-9 absolute nearer its zeros, up to the limit", (op) => {
    for (const [lo, hi, seed] of [[-4, 4, 5], [-TRIG32_LIMIT, TRIG32_LIMIT, 6]]) {
      const { ulps, abs } = errors(op, randoms(N, lo, hi, seed), 1 / 64);
      expect(ulps).toBeLessThanOrEqual(2);
      expect(abs).toBeLessThanOrEqual(1e-9);
    }
    // next to the zeros: the three-part reduction keeps the absolute error small there
    const zeros = new Float32Array(N).map((_, i) => Math.fround((Math.round((i - N / 2) / 16) + (op === "cos" ? 0.5 : 0)) * Math.PI + ((i % 16) - 8) * 1e-4));
    const near = errors(op, zeros, 1 / 64);
    expect(near.abs).toBeLessThanOrEqual(1e-9);
    expect(near.ulps).toBeLessThanOrEqual(2);
  });
  it("special values: NaN, ±∞, ±0, overflow and flushed underflow, the exact path beyond the trig limit", () => {
    const sp = [NaN, Infinity, -Infinity, 0, -0, 88.7228, 88.72284, 100, -87.3365, -87.34, -200, 1e-30, -1e-30, 9000.5, -1e6, 1e30];
    const d = new Float32Array(4096);
    d.set(sp);
    const [ex, th, si, co] = (["exp", "tanh", "sin", "cos"] as const).map((op) => fast(op, d));
    const r = (a: Float32Array) => Array.from(a.subarray(0, sp.length));
    expect(r(ex).slice(0, 5)).toEqual([NaN, Infinity, 0, 1, 1]);
    // finite just below ln(FLT_MAX)
    expect(Math.abs(ex[5] - Math.exp(d[5])) / ulp32(Math.exp(d[5]))).toBeLessThanOrEqual(1);
    expect(r(ex).slice(6, 11)).toEqual([Infinity, Infinity, ex[8], 0, 0]);
    expect(ex[8]).toBeGreaterThan(0); // e^-87.3365 is still a normal float32
    expect(Object.is(th[4], -0) && Object.is(si[4], -0) && Object.is(si[3], 0)).toBe(true);
    expect(r(th).slice(0, 3)).toEqual([NaN, 1, -1]);
    expect([th[11], th[12], si[11], si[12]]).toEqual([Math.fround(1e-30), Math.fround(-1e-30), Math.fround(1e-30), Math.fround(-1e-30)]);
    expect(Number.isNaN(si[1]) && Number.isNaN(co[2]) && Number.isNaN(si[0])).toBe(true);
    // beyond TRIG32_LIMIT: Math.sin/Math.cos rounded to float32
    for (const i of [13, 14, 15]) {
      expect(si[i]).toBe(Math.fround(Math.sin(d[i])));
      expect(co[i]).toBe(Math.fround(Math.cos(d[i])));
    }
  });
  it("sin of a computed value beyond the limit: the chain computed again with the exact function, the other lanes unchanged", () => {
    // y = sin(3x) + x; a few x with |3x| > TRIG32_LIMIT scattered over the vector loop and the tail
    const n = 40003;
    const d = randoms(n, -5, 5, 9);
    const bigAt = [5, 20000, 40002];
    for (const i of bigAt) d[i] = 3000 + i;
    const prog = JSON.stringify({ in: 1, ops: [["multiply", 0, { c: 3 }], ["sin", 1], ["add", 2, 0]], fast: true });
    const y = fused(prog, new NDArray(d, [n], "float32")).data as Float32Array;
    const alone = fused(prog, new NDArray(d.map((v, i) => (bigAt.includes(i) ? 0 : v)), [n], "float32")).data as Float32Array;
    for (const i of bigAt) expect(y[i]).toBe(Math.fround(Math.fround(Math.sin(Math.fround(3 * d[i]))) + d[i]));
    for (let i = 0; i < n; i++) if (!bigAt.includes(i)) expect(y[i]).toBe(alone[i]);
  });
  it("an element's result does not depend on its position (the tail runs the same vector code)", () => {
    const d = randoms(4099, -20, 20, 7);
    for (const op of ["exp", "tanh", "sin", "cos"]) {
      const all = fast(op, d);
      const shifted = fast(op, d.slice(1));
      expect(Array.from(all.subarray(1))).toEqual(Array.from(shifted));
    }
  });
});
