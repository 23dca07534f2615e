// random.categorical(..., { replace: false }): JAX's algorithm (one Gumbel draw of the logits'
// shape added to them, the indices of the k largest along the axis, the sample dimensions in
// front), distinct categories per batch element, the order of a draw without replacement on its
// frequencies (Plackett–Luce), and the errors.
import { describe, expect, it } from "vitest";
import { random, numpy as jnp, lax } from "../../runtime/index.js";
import { NDArray } from "../../runtime/array.js";

const softmax = (l: number[]) => {
  const e = l.map((x) => Math.exp(x - Math.max(...l)));
  const s = e.reduce((a, b) => a + b);
  return e.map((x) => x / s);
};

describe("categorical without replacement", () => {
  it("is top-k of logits + gumbel(key, logits' shape) along the axis, the k samples in front", () => {
    const k = random.key(5);
    const logits = jnp.array([[0.5, -1, 2, 0, 1], [1, 1, 1, 1, 1]]);
    const c = random.categorical(k, logits, { shape: [3, 2], replace: false });
    expect(c.dtype).toBe("int32");
    expect(c.shape).toEqual([3, 2]);
    const noisy = jnp.add(logits, random.gumbel(k, [2, 5]));
    const [, idx] = lax.topK(noisy, 3);
    expect(c.tolist()).toEqual(jnp.transpose(idx).tolist());
    // along axis 0, with two sample dimensions
    const c0 = random.categorical(k, jnp.transpose(logits), { axis: 0, shape: [2, 2, 2], replace: false });
    const [, idx0] = lax.topK(jnp.transpose(jnp.add(jnp.transpose(logits), random.gumbel(k, [5, 2]))), 4);
    expect(c0.tolist()).toEqual(jnp.reshape(jnp.transpose(idx0), [2, 2, 2]).tolist());
  });
  it("with no sample dimensions it is the draw with replacement (the same noise, its argmax)", () => {
    const k = random.key(11);
    const logits = jnp.reshape(jnp.sin(jnp.arange(12)), [3, 4]);
    expect(random.categorical(k, logits, { replace: false })).toEqual(random.categorical(k, logits));
  });
  it("draws distinct categories, every one when k is their number", () => {
    const c = random.categorical(random.key(2), [0, 1, 2, 3, 4, 5], { shape: [6], replace: false });
    expect([...(c.data as Int32Array)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it("first and second picks have the frequencies of a draw without replacement (4000 keys)", () => {
    const l = [1, 0, -0.5, 0.7];
    const p = softmax(l);
    const n = 4000;
    const keys = [...random.split(random.key(7), n)];
    const first = [0, 0, 0, 0], pair01 = { hit: 0 };
    for (let t = 0; t < n; t++) {
      const c = random.categorical(keys[t], l, { shape: [2], replace: false }).data as Int32Array;
      expect(c[0]).not.toBe(c[1]);
      first[c[0]]++;
      if (c[0] === 0 && c[1] === 3) pair01.hit++;
    }
    // (binomial standard errors: within 4 of them)
    first.forEach((h, i) => expect(Math.abs(h / n - p[i])).toBeLessThan(4 * Math.sqrt((p[i] * (1 - p[i])) / n)));
    const q = (p[0] * p[3]) / (1 - p[0]);
    expect(Math.abs(pair01.hit / n - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / n));
  });
  it("names the function, the shapes and the argument in its errors", () => {
    const k = random.key(0);
    expect(() => random.categorical(k, [0, 1, 2], { shape: [4], replace: false })).toThrow(/categorical: 4 samples without replacement \(shape \(4,\)\) cannot exceed the 3 categories \(axis 0 of logits broadcast to \(3,\)\)/);
    expect(() => random.categorical(k, [0, 1, 2], { replace: "no" as unknown as boolean })).toThrow(/categorical: replace must be a boolean, got/);
    expect(() => random.categorical(k, new NDArray(Float32Array.of(0, 1, 2, 3), [2, 2], "float32"), { shape: [2, 3], replace: false })).toThrow(/categorical: shape \(2, 3\) is not broadcast-compatible with the batch shape \(2,\)/);
  });
});
