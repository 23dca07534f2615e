// Integer-Array indices in `.slice` / `jnp.slice` (NumPy's advanced indexing, one index Array per
// slice): values against NumPy (the literals below are what NumPy 1.24 prints for
// x = np.arange(60, dtype=np.float32).reshape(3, 4, 5)), the gradient (a scatter-add: repeated
// indices accumulate), vmap with a shared and with a per-example index, and the errors.
import { describe, expect, it } from "vitest";
import { grad, jit, vmap, numpy as jnp } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";

const x = jnp.reshape(jnp.arange(60), [3, 4, 5]);
const ix = (v: number[] | number[][]) => jnp.array(v, { dtype: "int32" });

describe("slice with an integer Array: NumPy's values and shapes", () => {
  it("rows, a 2-D index on the second axis, an integer beside it, a range and negative indices", () => {
    expect(x.slice(ix([2, 0, 2])).tolist()).toEqual([2, 0, 2].map((r) => [0, 1, 2, 3].map((c) => [0, 1, 2, 3, 4].map((k) => 20 * r + 5 * c + k))));
    expect(x.slice(null, ix([[1, 3], [0, 0]])).shape).toEqual([3, 2, 2, 5]);
    expect((x.slice(null, ix([[1, 3], [0, 0]])).tolist() as number[][][][])[1][0]).toEqual([[25, 26, 27, 28, 29], [35, 36, 37, 38, 39]]);
    expect(x.slice(0, ix([2, 0])).tolist()).toEqual([[10, 11, 12, 13, 14], [0, 1, 2, 3, 4]]);
    expect(x.slice([1, null], null, ix([4, -1, 0])).tolist()).toEqual([
      [[24, 24, 20], [29, 29, 25], [34, 34, 30], [39, 39, 35]],
      [[44, 44, 40], [49, 49, 45], [54, 54, 50], [59, 59, 55]],
    ]);
  });
  it("an integer apart from the index Array: NumPy puts the gathered axis in front", () => {
    const y = x.slice(0, null, ix([1, 2]));
    expect(y.shape).toEqual([2, 4]);
    expect(y.tolist()).toEqual([[1, 6, 11, 16], [2, 7, 12, 17]]);
    // (apart, but nothing kept before the index: in place is in front)
    expect(x.slice(ix([1, 2]), null, 0).tolist()).toEqual([[20, 25, 30, 35], [40, 45, 50, 55]]);
  });
  it("bad input: two index Arrays, float indices, out of bounds", () => {
    expect(() => x.slice(ix([0]), ix([1]))).toThrow(/one integer-Array index per slice \(got 2, at positions 0, 1\)/);
    expect(() => x.slice(jnp.array([0.5]))).toThrow(/index Array at position 0 must hold integers \(int32 or uint32\), got float32 \(indexing shape \(3, 4, 5\)\)/);
    expect(() => x.slice(jnp.array([true, false, true]))).toThrow(/got bool \(a boolean mask: use jnp.where instead\)/);
    expect(() => x.slice(ix([3]))).toThrow(/out of bounds/);
  });
});

describe("slice with an integer Array in compiled code", () => {
  const idx = ix([2, 0, 2, 2]);
  const w = jnp.reshape(jnp.arange(20), [4, 5]);
  const f = (a: Array) => jnp.sum(jnp.multiply(a.slice(null, null, ix([1, 3])), 2)) as Array;
  const h = (a: Array) => jnp.sum(jnp.multiply(a.slice(idx, 1), w)) as Array;
  it("the value equals eager code's, under jit too", () => {
    expect(jit(f)(x).item()).toBe(f(x).item());
    expect(jit(h)(x).item()).toBe(h(x).item());
  });
  it("the gradient scatters into the gathered positions, repeated indices accumulated", () => {
    const g = grad(h)(x);
    // row 2 gathered three times, row 0 once, each at column 1, weighted by w's rows
    const want = globalThis.Array.from({ length: 60 }, (_, f) => {
      const [r, c, k] = [Math.floor(f / 20), Math.floor(f / 5) % 4, f % 5];
      if (c !== 1) return 0;
      return [2, 0, 2, 2].reduce((s, ri, j) => s + (ri === r ? 5 * j + k : 0), 0);
    });
    expect([...(g.data as Float32Array)]).toEqual(want);
    const gf = grad(f)(x);
    expect([...(gf.data as Float32Array)]).toEqual(globalThis.Array.from({ length: 60 }, (_, f) => (f % 5 === 1 || f % 5 === 3 ? 2 : 0)));
  });
  it("vmap: a shared index, and an index per example", () => {
    const pick = (a: Array, i: Array) => a.slice(i);
    const shared = vmap((a: Array) => pick(a, ix([3, 1])))(x);
    expect(shared.tolist()).toEqual([0, 1, 2].map((b) => [3, 1].map((c) => [0, 1, 2, 3, 4].map((k) => 20 * b + 5 * c + k))));
    const per = vmap(pick)(x, ix([[0], [2], [3]]));
    expect(per.tolist()).toEqual([0, 1, 2].map((b) => [[0, 2, 3][b]].map((c) => [0, 1, 2, 3, 4].map((k) => 20 * b + 5 * c + k))));
  });
});
