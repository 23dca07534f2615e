// Bit operations inside compiled code: a mask made with bitwiseAnd/leftShift selects what grad
// differentiates (the bit operations themselves are constants to it), vmap runs them elementwise,
// jit gives eager code's values, and differentiating through one is a build-time zero (no rule).
import { describe, expect, it } from "vitest";
import { grad, jit, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const ints = (v: number[]) => jnp.array(v, { dtype: "int32" });

describe("bit operations in compiled code", () => {
  const x = jnp.array([1, 2, 3, 4, 5, 6]);
  const m = ints([0, 1, 2, 3, 4, 5]);
  it("a mask from bitwiseAnd / leftShift / rightShift under grad: the gradient is the mask", () => {
    // odd positions, and positions whose bit 1 is set (m & (1 << 1))
    const f = (a: Array, k: Array) => jnp.sum(jnp.where(jnp.notEqual(jnp.bitwiseAnd(k, 1), 0), jnp.multiply(a, a), 0)) as Array;
    expect(grad(f)(x, m).tolist()).toEqual([0, 4, 0, 8, 0, 12]);
    const g = (a: Array, k: Array) => jnp.sum(jnp.where(jnp.notEqual(jnp.bitwiseAnd(jnp.rightShift(k, 1), jnp.leftShift(ints([1]), 0)), 0), a, 0)) as Array;
    expect(grad(g)(x, m).tolist()).toEqual([0, 0, 1, 1, 0, 0]);
  });
  it("jit equals eager; or, xor, not and bool operands keep their dtypes", () => {
    const h = (k: Array) => [jnp.bitwiseOr(k, 8), jnp.bitwiseXor(k, 3), jnp.bitwiseNot(k), jnp.invert(jnp.greater(k, 2)), jnp.leftShift(k, 2)] as const;
    const e = h(m), j = jit(h)(m);
    for (let i = 0; i < e.length; i++) {
      expect(j[i].tolist()).toEqual(e[i].tolist());
      expect(j[i].dtype).toBe(e[i].dtype);
    }
    expect(e[0].tolist()).toEqual([8, 9, 10, 11, 12, 13]);
    expect(e[2].tolist()).toEqual([-1, -2, -3, -4, -5, -6]);
    expect(e[3].tolist()).toEqual([true, true, true, false, false, false]);
  });
  it("bitwiseCount (population count) in jit, vmap and as a grad mask: NumPy's bit counts", () => {
    // np.bitwise_count([0, 1, 7, -1, 255, -8]) (int32: the count of |x|): 0 1 3 1 8 1
    const k = ints([0, 1, 7, -1, 255, -8]);
    expect(jnp.bitwiseCount(k).tolist()).toEqual([0, 1, 3, 1, 8, 1]);
    const j = jit((a: Array) => jnp.bitwiseCount(a))(k);
    expect([j.dtype, j.tolist()]).toEqual(["int32", [0, 1, 3, 1, 8, 1]]);
    expect(vmap((a: Array) => jnp.bitwiseCount(a))(jnp.reshape(k, [2, 3])).tolist()).toEqual([[0, 1, 3], [1, 8, 1]]);
    const f = (a: Array, b: Array) => jnp.sum(jnp.multiply(a, jnp.bitwiseCount(b))) as Array;
    expect(grad(f)(x, k).tolist()).toEqual([0, 1, 3, 1, 8, 1]);
  });
  it("vmap: elementwise, a batched shift count against a shared value", () => {
    const sh = (k: Array, s: Array) => jnp.leftShift(k, s);
    const ks = jnp.reshape(ints([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(vmap(sh, [0, null])(ks, ints([1, 2, 3])).tolist()).toEqual([[2, 8, 24], [8, 20, 48]]);
    expect(vmap(sh, [null, 0])(ints([1, 1, 1]), jnp.reshape(ints([0, 1, 2, 3, 4, 5]), [2, 3])).tolist()).toEqual([[1, 2, 4], [8, 16, 32]]);
  });
});
