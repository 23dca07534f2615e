// jit(f, { fastMath: true }): the fused kernels of the call may use float32 exp/tanh/sin/cos
// (runtime/jit/vmath32.ts). Below the kernel threshold the chain is still eager code (same bits);
// above it results stay within the stated few-ulp bounds of eager code's, on one thread and split
// across threads, forward and through grad, and without the option nothing changes.
import { describe, expect, it } from "vitest";
import { grad, jit, numpy as jnp, Array as TArray } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { FUSED_MIN_SIZE } from "../../runtime/jit/fused.js";

function rand(n: number, seed: number, lo = -3, hi = 3): Array {
  let s = seed >>> 0 || 1;
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    d[i] = lo + ((hi - lo) * s) / 2 ** 32;
  }
  return new TArray(d, [n], "float32");
}

const chain = (x: Array) => jnp.add(jnp.multiply(jnp.tanh(jnp.add(jnp.multiply(x, 1.1), 0.3)), jnp.exp(jnp.negative(jnp.multiply(x, x)))), jnp.sin(x));
const fast = jit(chain, { fastMath: true });
const exact = jit(chain, { fastMath: false });
const gradFast = jit(grad((x: Array) => jnp.sum(chain(x))), { fastMath: true });
const gradFastInner = grad((x: Array) => jnp.sum(jit(chain, { fastMath: true })(x)));
const gradEager = grad((x: Array) => jnp.sum(chain(x)));

/** The largest |a − b|. */
function maxDiff(a: Array, b: Array): number {
  const x = a.data as Float32Array, y = b.data as Float32Array;
  expect(x.length).toBe(y.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}
const same = (a: Array, b: Array) => expect([...(a.data as Float32Array)]).toEqual([...(b.data as Float32Array)]);

describe("jit's fastMath option", () => {
  it("marks the call's kernels fast; without it (or with false) they are exact", () => {
    expect(String(fast)).toContain('\\"fast\\":true');
    expect(String(gradFast)).toContain('\\"fast\\":true');
    expect(String(exact)).not.toContain("fast");
  });
  it.each([5, FUSED_MIN_SIZE - 1])("below the kernel threshold (%i elements) the chain is eager code, bit for bit", (n) => {
    const x = rand(n, n);
    same(fast(x), chain(x));
  });
  it.each([FUSED_MIN_SIZE, FUSED_MIN_SIZE + 3, 10007, 300_001])("on %i elements: within 1e-6 of eager code (a few float32 ulps of the terms), exact without the option", (n) => {
    const x = rand(n, n + 1);
    const d = maxDiff(fast(x), chain(x));
    expect(d).toBeLessThan(1e-6);
    same(exact(x), chain(x));
  });
  it("differs from the exact kernels somewhere (the float32 polynomials do run)", () => {
    const x = rand(100_003, 9);
    expect(maxDiff(fast(x), chain(x))).toBeGreaterThan(0);
  });
  it("a bias row read in place and a kernel ending in a sum: within float32 rounding of the exact kernels", () => {
    const f = (x: Array, b: Array) => jnp.sum(jnp.tanh(jnp.add(x, b)));
    const xs = jnp.reshape(rand(64 * 256, 3), [64, 256]), b = jnp.reshape(rand(256, 4), [256]);
    const got = jit(f, { fastMath: true })(xs, b).item() as number, want = jit(f)(xs, b).item() as number;
    // 16384 terms of |tanh| ≤ 1, each within 1.5 ulp: the sums differ by at most that
    expect(Math.abs(got - want)).toBeLessThan(16384 * 1.5 * 2 ** -24 + 1e-3 * 2 ** -10);
    expect(String(jit(f, { fastMath: true }))).toContain('\\"reduce\\":\\"sum\\"');
  });
  it("through grad: jit(grad(f), { fastMath }) and grad of a fast jit'd f, within 2e-6 of the eager gradient", () => {
    for (const n of [10007, 200_003]) {
      const x = rand(n, n + 2);
      const g = gradEager(x);
      expect(maxDiff(gradFast(x), g)).toBeLessThan(2e-6);
      expect(maxDiff(gradFastInner(x), g)).toBeLessThan(2e-6);
    }
  });
});
