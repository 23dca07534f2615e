// float64 and float16 through compiled code: grad, valueAndGrad, jit (whose kernels are float32:
// other dtypes run the eager functions), vmap and jacobians give results in the inputs' dtype,
// with float64 derivatives exact to float64 (checked against the analytic derivative).
import { describe, expect, it } from "vitest";
import { grad, jacfwd, jacrev, jit, lax, valueAndGrad, vmap, numpy as jnp } from "../../runtime/index.js";
import { convRef } from "./fixtures/conv-ref.js";
import type { Array } from "../../runtime/index.js";
import { roundF16 } from "../../runtime/dtype.js";

const v = [0.1, 0.2, 0.3, 1.7];
const x64 = jnp.array(v, { dtype: "float64" });
const x16 = jnp.array(v, { dtype: "float16" });
const f = (a: Array) => jnp.sum(jnp.multiply(jnp.sin(a), a)) as Array;
// d/da Σ sin(a)·a = cos(a)·a + sin(a)
const df = (a: number) => Math.cos(a) * a + Math.sin(a);

describe("float64 in compiled code", () => {
  it("grad is float64 and equals the analytic derivative to a few float64 ulps", () => {
    const g = grad(f)(x64);
    expect(g.dtype).toBe("float64");
    (g.tolist() as number[]).forEach((gi, i) => expect(Math.abs(gi - df(v[i]))).toBeLessThan(4e-16));
  });
  it("valueAndGrad of a matmul loss: float64 value and gradient", () => {
    const W = jnp.reshape(jnp.arange(0, 6, 1, { dtype: "float64" }), [2, 3]);
    const loss = (w: Array) => jnp.sum(jnp.square(jnp.matmul(w, jnp.transpose(w)))) as Array;
    const [val, g] = valueAndGrad(loss)(jnp.multiply(W, 0.1));
    expect([val.dtype, g.dtype]).toEqual(["float64", "float64"]);
    // W Wᵀ = 0.01·[[5, 14], [14, 50]]: Σ squares = 1e-4·(25 + 2·196 + 2500)
    expect(Math.abs((val.item() as number) - 1e-4 * 2917)).toBeLessThan(1e-15);
    // d/dW Σ (W Wᵀ)² = 4 (W Wᵀ) W
    const w = [[0, 0.1, 0.2], [0.3, 0.4, 0.5]];
    const m = [[0.05, 0.14], [0.14, 0.5]];
    const want = w.map((_, i) => w[0].map((_, j) => 4 * (m[i][0] * w[0][j] + m[i][1] * w[1][j])));
    (g.tolist() as number[][]).forEach((row, i) => row.forEach((gij, j) => expect(Math.abs(gij - want[i][j])).toBeLessThan(1e-15)));
  });
  it("jit runs float64 through the eager functions: the same float64 result, large arrays included", () => {
    const h = (a: Array) => jnp.add(jnp.exp(jnp.tanh(a)), jnp.multiply(a, 0.5));
    const big = jnp.linspace(-2, 2, 5000, { dtype: "float64" });
    const j = jit(h)(big);
    expect(j.dtype).toBe("float64");
    expect(j.tolist()).toEqual(h(big).tolist());
    const d = big.data as Float64Array;
    expect(j.data[1234]).toBe(Math.exp(Math.tanh(d[1234])) + d[1234] * 0.5);
    expect(jit(grad(f))(x64).tolist()).toEqual(grad(f)(x64).tolist());
  });
  it("vmap and jacobians keep float64", () => {
    const r = vmap((a: Array) => jnp.sum(jnp.multiply(a, a)))(jnp.reshape(x64, [2, 2]));
    expect([r.dtype, r.tolist()]).toEqual(["float64", [0.1 * 0.1 + 0.2 * 0.2, 0.3 * 0.3 + 1.7 * 1.7]]);
    const s = (a: Array) => jnp.sin(a);
    const J = jacfwd(s)(x64);
    expect(J.dtype).toBe("float64");
    expect((J.tolist() as number[][])[3][3]).toBe(Math.cos(1.7));
    expect(Math.abs((J.tolist() as number[][])[3][2])).toBe(0);
    const R = jacrev((a: Array) => jnp.sum(jnp.sin(a)))(x64);
    expect([R.dtype, (R.tolist() as number[])[3]]).toEqual(["float64", Math.cos(1.7)]);
  });
});

describe("float16 in compiled code", () => {
  it("grad is float16: the float16 rounding of each step (computed in float32)", () => {
    const g = grad(f)(x16);
    expect(g.dtype).toBe("float16");
    // each op rounds to float16: cos(a)·a + sin(a)·1 with a, cos a, sin a, the product, the sum rounded
    const want = (x16.tolist() as number[]).map((a) => roundF16(roundF16(roundF16(Math.cos(a)) * a) + roundF16(Math.sin(a))));
    expect(g.tolist()).toEqual(want);
  });
  it("jit of float16 equals eager float16", () => {
    const h = (a: Array) => jnp.multiply(jnp.exp(a), 3);
    const big = jnp.linspace(-1, 1, 3000, { dtype: "float16" });
    const j = jit(h)(big);
    expect(j.dtype).toBe("float16");
    expect(j.tolist()).toEqual(h(big).tolist());
  });
  it("an integer input is refused by grad with a message naming the float dtypes", () => {
    expect(() => grad(f)(jnp.array([1, 2], { dtype: "int32" }))).toThrow(/grad differentiates with respect to float Arrays \(float32, float64, float16\)/);
  });
});

describe("weak types through jit", () => {
  it("a number passed to a jit'd function is weak: float16 and float64 operands keep their dtype", () => {
    const scale = jit((a: Array, s: number) => jnp.multiply(a, s));
    expect(scale(x16, 3).dtype).toBe("float16");
    expect(scale(x64, 0.1).dtype).toBe("float64");
    const only = jit((s: number) => jnp.multiply(jnp.array(s), 2))(3);
    expect([only.dtype, only.weakType, only.item()]).toEqual(["float32", true, 6]);
  });
});

describe("convolutions in float64 (large enough for the float32 kernel path, which float64 does not take)", () => {
  it("lax.conv and both cotangents are float64, within float64 rounding of the float64 reference sums", () => {
    const xs = [2, 8, 12, 12], ws = [16, 8, 3, 3];
    const x = jnp.reshape(jnp.multiply(jnp.sin(jnp.arange(0, 2 * 8 * 144, 1, { dtype: "float64" })), 0.7), xs);
    const w = jnp.reshape(jnp.cos(jnp.arange(0, 16 * 8 * 9, 1, { dtype: "float64" })), ws);
    const ct = jnp.ones([2, 16, 12, 12], { dtype: "float64" });
    const ref = convRef(x.data, xs, w.data, ws, ct.data, [1, 1], "SAME");
    const y = lax.conv(x, w, [1, 1], "SAME");
    expect(y.dtype).toBe("float64");
    y.data.forEach((v, i) => expect(Math.abs(v - ref.out[i])).toBeLessThanOrEqual(1e-14 * ref.outAbs[i]));
    const loss = (a: Array, b: Array) => jnp.sum(lax.conv(a, b, [1, 1], "SAME")) as Array;
    const [gx, gw] = grad(loss, { argnums: [0, 1] })(x, w);
    expect([gx.dtype, gw.dtype]).toEqual(["float64", "float64"]);
    gx.data.forEach((v, i) => expect(Math.abs(v - ref.dx[i])).toBeLessThanOrEqual(1e-14 * ref.dxAbs[i]));
    gw.data.forEach((v, i) => expect(Math.abs(v - ref.dw[i])).toBeLessThanOrEqual(1e-14 * ref.dwAbs[i]));
    // float16 takes the float32 kernel and rounds once
    expect(lax.conv(x.astype("float16"), w.astype("float16"), [1, 1], "SAME").dtype).toBe("float16");
  });
});
