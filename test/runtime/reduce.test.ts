// Reductions against NumPy (test/fixtures/arrays.json, made by test/fixtures/gen_arrays.py).
// Exact for max/min/argmax/argmin and integer results. Float results accumulate in float64 and
// round once, so they must be within 1 ulp of `exact` (NumPy on the float64 values, rounded to
// float32) and close to NumPy's own float32 result (which sums pairwise in float32).

import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import type { Axis } from "../../runtime/array.js";
import * as red from "../../runtime/numpy/reduce.js";
import { type Enc, fixture, decode, ulp, mismatch } from "./arrays-fixture.js";


interface RedCase {
  op: string;
  name: string;
  x: number;
  axis: Axis;
  keepdims: boolean;
  ddof?: number;
  error?: true;
  expected?: Enc;
  exact?: Enc;
  atol?: number;
}
const inputs: NDArray[] = (fixture.inputs as Enc[]).map(decode);
const cases = fixture.reduce as RedCase[];

type Fn = (a: NDArray, axis: Axis, opts: { keepdims?: boolean; ddof?: number }) => NDArray;
const OPS: Record<string, Fn> = {
  sum: red.sum,
  mean: red.mean,
  max: red.max,
  min: red.min,
  prod: red.prod,
  logsumexp: red.logsumexp,
  var: red.var,
  std: red.std,
  argmax: (a, axis, o) => red.argmax(a, axis as number | null | undefined, o),
  argmin: (a, axis, o) => red.argmin(a, axis as number | null | undefined, o),
};

/** Float reductions: 1 ulp from the float64 result; from NumPy's float32 result, per op. */
const NUMPY_RTOL: Record<string, number> = { sum: 1e-6, mean: 1e-6, prod: 2e-6, var: 4e-6, std: 2e-6, logsumexp: 0 };

function describeCase(c: RedCase): string {
  const x = inputs[c.x];
  return `${c.op}${c.name ? ` [${c.name}]` : ""} ${x.dtype}(${x.shape}) axis=${JSON.stringify(c.axis)} keepdims=${c.keepdims}${c.ddof !== undefined ? ` ddof=${c.ddof}` : ""}`;
}

function check(c: RedCase): string | null {
  const x = inputs[c.x];
  const opts = c.ddof === undefined ? { keepdims: c.keepdims } : { keepdims: c.keepdims, ddof: c.ddof };
  let got: NDArray;
  try {
    got = OPS[c.op](x, c.axis, opts);
  } catch (e) {
    if (c.error && e instanceof TypeError && e.message.startsWith(`${c.op}:`)) return null;
    return `threw ${e}`;
  }
  if (c.error) return `returned ${got.dtype}(${got.shape}) where NumPy raises`;
  const want = decode(c.expected!);
  if (want.dtype !== "float32" || c.op === "max" || c.op === "min" || c.op.startsWith("arg")) return mismatch(got, want);
  if ((c.op === "sum" || c.op === "mean") && x.dtype === "float32") {
    // float32 sums add in NumPy's order: bit-exact where NumPy runs its pairwise sum (a
    // reduction over trailing axes), within float32 rounding of it otherwise.
    const axes = c.axis === null || c.axis === undefined ? x.shape.map((_, i) => i) : ([] as number[]).concat(c.axis).map((a) => (a < 0 ? a + x.ndim : a)).sort((p, q) => p - q);
    const trailing = axes.every((a, i) => a === x.ndim - axes.length + i);
    if (trailing && (axes.length <= 1 || x.ndim === axes.length)) return mismatch(got, want);
    return mismatch(got, want, (w) => Math.max(2 * ulp(w), NUMPY_RTOL[c.op] * Math.abs(w), c.atol ?? 0));
  }
  const exact = c.exact ? decode(c.exact) : want;
  const e1 = mismatch(got, exact, (w) => ulp(w));
  if (e1) return `vs float64 result: ${e1}`;
  const rtol = NUMPY_RTOL[c.op];
  const e2 = mismatch(got, want, (w) => Math.max(2 * ulp(w), rtol * Math.abs(w), c.atol ?? 0));
  return e2 && `vs NumPy float32: ${e2}`;
}

describe("reductions match NumPy", () => {
  const ops = [...new Set(cases.map((c) => c.op))];
  it("covers every reduction", () => {
    expect(ops.sort()).toEqual(Object.keys(OPS).sort());
  });
  for (const op of ops) {
    const mine = cases.filter((c) => c.op === op);
    it(`${op} (${mine.length} cases)`, () => {
      const failures = mine.flatMap((c) => {
        const why = check(c);
        return why ? [`${describeCase(c)}: ${why}`] : [];
      });
      expect(failures).toEqual([]);
    });
  }
});

describe("sumToShape", () => {
  interface StsCase {
    x: Enc;
    shape: number[];
    error?: true;
    expected?: Enc;
    exact?: Enc;
  }
  it("sums a broadcast result back down, as NumPy's sum over the broadcast axes", () => {
    const failures: string[] = [];
    for (const c of fixture.sumToShape as StsCase[]) {
      const x = decode(c.x);
      const label = `(${x.shape}) -> (${c.shape})`;
      if (c.error) {
        expect(() => red.sumToShape(x, c.shape), label).toThrow(TypeError);
        continue;
      }
      const got = red.sumToShape(x, c.shape);
      const why = mismatch(got, decode(c.expected!), (w) => Math.max(2 * ulp(w), 1e-6 * Math.abs(w)));
      if (why) failures.push(`${label}: ${why}`);
    }
    expect(failures).toEqual([]);
  });
  it("is the adjoint of broadcasting: <broadcast(x), g> == <x, sumToShape(g)>", () => {
    // Integer-valued data so both sides are exact.
    const g = new NDArray(Float32Array.from({ length: 24 }, (_, i) => (i * 7) % 5 - 2), [4, 2, 3], "float32");
    const x = new NDArray(new Float32Array([3, -1, 2]), [1, 3], "float32");
    let lhs = 0;
    for (let i = 0; i < 24; i++) lhs += x.data[i % 3] * g.data[i];
    const s = red.sumToShape(g, [1, 3]);
    let rhs = 0;
    for (let i = 0; i < 3; i++) rhs += x.data[i] * s.data[i];
    expect(s.shape).toEqual([1, 3]);
    expect(rhs).toBe(lhs);
  });
  it("errors name the op and both shapes", () => {
    const x = new NDArray(new Float32Array(6), [2, 3], "float32");
    expect(() => red.sumToShape(x, [4])).toThrow("sumToShape: shape (4,) does not broadcast to the array's shape (2, 3)");
    expect(() => red.sumToShape(x, [1, 2, 3])).toThrow(/sumToShape: shape \(1, 2, 3\).*\(2, 3\)/);
  });
  it("bool sums to int32 counts; the same shape returns the array", () => {
    const b = new NDArray(new Uint8Array([1, 0, 1, 1]), [2, 2], "bool");
    const s = red.sumToShape(b, [2]);
    expect([s.dtype, [...s.data]]).toEqual(["int32", [2, 1]]);
    const f = new NDArray(new Float32Array(4), [2, 2], "float32");
    expect(red.sumToShape(f, [2, 2])).toBe(f);
  });
});

describe("reductions: behaviour", () => {
  const a23 = new NDArray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], "float32");
  it("accepts numbers and nested lists", () => {
    expect(red.sum([[1, 2], [3, 4]], 0).tolist()).toEqual([4, 6]);
    expect(red.max(3).item()).toBe(3);
    expect(red.mean([true, false, true, true]).item()).toBe(0.75);
  });
  it("adds float32 in float32, as NumPy: 2^24 + 1 + 1 stays 2^24", () => {
    const x = new NDArray(new Float32Array([16777216, 1, 1]), [3], "float32");
    expect(red.sum(x).item()).toBe(16777216);
    expect(red.mean(x).item()).toBe(Math.fround(16777216 / 3));
  });
  it("float32 sums over a leading axis add whole rows in turn, on the kernel machine from 4096 elements the same bits", () => {
    // (the row-by-row loop written out here; the kernel runs four columns a vector plus a tail)
    const rowsInTurn = (d: Float32Array, outer: number, n: number, inner: number) => {
      const acc = new Float32Array(outer * inner);
      for (let o = 0; o < outer; o++)
        for (let k = 0; k < n; k++) for (let i = 0; i < inner; i++) acc[o * inner + i] = Math.fround(acc[o * inner + i] + d[(o * n + k) * inner + i]);
      return acc;
    };
    let s = 12345;
    const big = (n: number) =>
      new Float32Array(n).map(() => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return (s / 2 ** 32 - 0.5) * 2 ** ((s >>> 3) % 40 - 20);
      });
    for (const [shape, axis, outer, n, inner] of [
      [[128, 256], 0, 1, 128, 256],
      [[409, 11], 0, 1, 409, 11],
      [[3, 100, 37], 1, 3, 100, 37],
      [[2, 2048, 3], 1, 2, 2048, 3],
    ] as [number[], number, number, number, number][]) {
      const d = big(shape.reduce((p, q) => p * q, 1));
      // -0 + -0 rows, an infinity and a NaN in columns of their own
      for (let k = 0; k < n; k++) d[k * inner] = -0;
      d[inner + 1] = Infinity;
      d[2 * inner + 2] = NaN;
      const got = red.sum(new NDArray(d, shape, "float32"), axis).data as Float32Array;
      const want = rowsInTurn(d, outer, n, inner);
      expect(Object.is(got[0], 0)).toBe(true);
      expect(new Uint32Array(got.buffer, got.byteOffset, got.length)).toEqual(new Uint32Array(want.buffer));
    }
  });
  it("max/min propagate NaN, argmax returns the first NaN, the first maximum", () => {
    const x = new NDArray(new Float32Array([1, NaN, 5, NaN]), [4], "float32");
    expect(red.max(x).item()).toBeNaN();
    expect(red.min(x).item()).toBeNaN();
    expect(red.argmax(x).item()).toBe(1);
    expect(red.argmin(x).item()).toBe(1);
    expect(red.argmax([2, 7, 7, 1]).item()).toBe(1);
  });
  it("keeps dtypes as JAX does", () => {
    const i = new NDArray(new Int32Array([1, 2, 3]), [3], "int32");
    const u = new NDArray(new Uint32Array([1, 2, 3]), [3], "uint32");
    const b = new NDArray(new Uint8Array([1, 0, 1]), [3], "bool");
    expect([red.sum(i).dtype, red.sum(u).dtype, red.sum(b).dtype, red.prod(b).dtype]).toEqual(["int32", "uint32", "int32", "int32"]);
    expect([red.max(b).dtype, red.max(u).dtype, red.mean(i).dtype, red.std(i).dtype]).toEqual(["bool", "uint32", "float32", "float32"]);
    expect([red.argmax(b).dtype, red.logsumexp(i).dtype]).toEqual(["int32", "float32"]);
  });
  it("empty reductions: sum 0, prod 1, mean NaN, logsumexp -inf", () => {
    const e = new NDArray(new Float32Array(0), [0], "float32");
    expect(red.sum(e).item()).toBe(0);
    expect(red.prod(e).item()).toBe(1);
    expect(red.mean(e).item()).toBeNaN();
    expect(red.logsumexp(e).item()).toBe(-Infinity);
  });
  it("errors name the op, the axis and the shape", () => {
    expect(() => red.sum(a23, 2)).toThrow("sum: axis 2 is out of bounds for array of shape (2, 3)");
    expect(() => red.mean(a23, -3)).toThrow("mean: axis -3 is out of bounds for array of shape (2, 3)");
    expect(() => red.var(a23, [0, 5])).toThrow("var: axis 5 is out of bounds for array of shape (2, 3)");
    expect(() => red.prod(a23, [1, -1])).toThrow(/^prod: repeated axis/);
    expect(() => red.logsumexp(a23, 1.5)).toThrow("logsumexp: axis 1.5 is out of bounds for array of shape (2, 3)");
    expect(() => red.argmax(a23, 2)).toThrow("argmax: axis 2 is out of bounds for array of shape (2, 3)");
    expect(() => red.argmin(a23, [0] as unknown as number)).toThrow(/^argmin: axis must be a single integer/);
    expect(() => red.std(a23, 0, { ddof: 0.5 })).toThrow("std: ddof must be an integer, got 0.5");
    const e = new NDArray(new Float32Array(0), [0, 3], "float32");
    expect(() => red.max(e)).toThrow("max: zero-size array to reduction operation maximum which has no identity (shape (0, 3), axis None)");
    expect(() => red.min(e, 0)).toThrow("min: zero-size array to reduction operation minimum which has no identity (shape (0, 3), axis 0)");
    expect(red.max(e, 1).shape).toEqual([0]);
    expect(() => red.argmax(e, 0)).toThrow("argmax: attempt to get argmax of an empty sequence (shape (0, 3), axis 0)");
    expect(() => red.sum(a23, 0)).not.toThrow();
    for (const f of [() => red.sum(a23, 2), () => red.max(e)]) expect(f).toThrow(TypeError);
  });
});
