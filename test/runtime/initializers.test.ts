// nn.initializers (jax.nn.initializers' algorithms) and random.truncatedNormal: fans by hand,
// bounds, moments over many draws, and the scaling composed from the draws bit for bit.
import { describe, expect, it } from "vitest";
import { nn, random } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const fr = Math.fround;
const moments = (a: Array) => {
  const d = a.data as Float32Array;
  let m = 0;
  for (const v of d) m += v;
  m /= d.length;
  let v2 = 0;
  for (const v of d) v2 += (v - m) ** 2;
  return { mean: m, variance: v2 / d.length, min: Math.min(...d), max: Math.max(...d) };
};

describe("random.truncatedNormal", () => {
  const key = random.key(0);
  it("stays strictly inside its bounds, with the truncated normal's moments", () => {
    const x = random.truncatedNormal(key, -2, 2, [100_000]);
    const m = moments(x);
    expect(m.min).toBeGreaterThan(-2);
    expect(m.max).toBeLessThan(2);
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(Math.abs(m.variance - 0.87962566103423978 ** 2)).toBeLessThan(0.01);
  });
  it("one-sided bounds: the mean of N(0,1) on [0, 1] is (φ(0) − φ(1))/(Φ(1) − Φ(0)) = 0.45986", () => {
    const m = moments(random.truncatedNormal(key, 0, 1, [100_000]));
    expect(m.min).toBeGreaterThan(0);
    expect(m.max).toBeLessThan(1);
    expect(Math.abs(m.mean - 0.459862)).toBeLessThan(0.005);
  });
  it("is deterministic in its key and refuses bad bounds", () => {
    expect([...random.truncatedNormal(key, -1, 3, [5]).data]).toEqual([...random.truncatedNormal(key, -1, 3, [5]).data]);
    expect(() => random.truncatedNormal(key, 2, -2, [3])).toThrow(/lower \(2\) must be below upper \(-2\)/);
  });
});

describe("nn.initializers", () => {
  const I = nn.initializers;
  const key = random.key(42);
  it("fans: a dense weight, and a convolution kernel's receptive field", () => {
    expect(I.computeFans([784, 256])).toEqual([784, 256]);
    expect(I.computeFans([3, 3, 16, 32])).toEqual([144, 288]);
    expect(() => I.computeFans([10])).toThrow(/can't compute the fans of a 1-dimensional weight of shape \(10,\)/);
  });
  it("glorotUniform: U(−√(6/(in+out)), √(6/(in+out))), JAX's draw scaled in float32", () => {
    const w = I.glorotUniform()(key, [400, 300]);
    const limit = Math.sqrt(6 / 700);
    const m = moments(w);
    expect(m.min).toBeGreaterThanOrEqual(-limit * (1 + 1e-6));
    expect(m.max).toBeLessThanOrEqual(limit * (1 + 1e-6));
    expect(Math.abs(m.variance / (limit * limit / 3) - 1)).toBeLessThan(0.02);
    // the same arithmetic as jax.nn.initializers.variance_scaling: uniform(key, -1, 1)·√(3·variance), float32
    const u = random.uniform(key, [400, 300], { minval: -1 }).data as Float32Array;
    const f = fr(Math.sqrt(fr(3 * fr(1 / 350))));
    expect([...(w.data as Float32Array).slice(0, 50)]).toEqual([...u.slice(0, 50)].map((v) => fr(v * f)));
  });
  it.each([
    ["heNormal", 2, 500],
    ["lecunNormal", 1, 500],
    ["glorotNormal", 1, 350],
  ] as const)("%s: a truncated normal with variance %i/%i, inside ±2 of its scale", (name, scale, fan) => {
    const w = I[name]()(key, [500, 200]);
    const m = moments(w);
    const std = Math.sqrt(scale / fan);
    expect(Math.abs(m.variance / (std * std) - 1)).toBeLessThan(0.03);
    expect(m.max).toBeLessThan((2 * std) / 0.87962566103423978);
  });
  it("heUniform and the normal/uniform/constant initializers", () => {
    const m = moments(I.heUniform()(key, [300, 100]));
    expect(Math.abs(m.variance / (2 / 300) - 1)).toBeLessThan(0.03);
    expect(Math.abs(moments(I.normal(0.5)(key, [20000])).variance / 0.25 - 1)).toBeLessThan(0.03);
    const u = moments(I.uniform(2)(key, [20000]));
    expect(u.min).toBeGreaterThanOrEqual(0);
    expect(u.max).toBeLessThan(2);
    expect([...I.zeros(key, [2, 2]).data]).toEqual([0, 0, 0, 0]);
    expect([...I.ones(key, [3]).data]).toEqual([1, 1, 1]);
    expect([...I.constant(0.5)(key, [2]).data]).toEqual([0.5, 0.5]);
    expect(I.kaimingNormal).toBe(I.heNormal);
  });
  it("a model's parameters as a plain pytree", () => {
    const [k1, k2] = random.split(key, 2);
    const params = { W: I.glorotUniform()(k1, [784, 256]), b: I.zeros(k2, [256]) };
    expect(params.W.shape).toEqual([784, 256]);
    expect(params.b.shape).toEqual([256]);
  });
});
