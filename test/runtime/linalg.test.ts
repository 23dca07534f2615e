// Products (dot, matmul, vdot, outer) against NumPy (test/fixtures/arrays.json, made by
// test/fixtures/gen_arrays.py), plus the blocked kernel against a plain float64 loop.

import { xorshift } from "../float32.js";
import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import * as la from "../../runtime/numpy/linalg.js";
import { type Enc, fixture, decode, ulp, mismatch } from "./arrays-fixture.js";


interface LinCase {
  op: "dot" | "matmul" | "vdot" | "outer";
  name: string;
  a: Enc;
  b: Enc;
  error?: true;
  expected?: Enc;
  exact?: Enc;
  atol?: number;
}
const cases = fixture.linalg as LinCase[];

function check(c: LinCase): string | null {
  const a = decode(c.a);
  const b = decode(c.b);
  let got: NDArray;
  try {
    got = la[c.op](a, b);
  } catch (e) {
    if (c.error && e instanceof TypeError && e.message.startsWith(`${c.op}:`)) return null;
    return `threw ${e}`;
  }
  if (c.error) return `returned ${got.dtype}(${got.shape}) where NumPy raises`;
  const want = decode(c.expected!);
  if (want.dtype !== "float32") return mismatch(got, want);
  // float64 accumulation rounded once: within 1 ulp of the float64 product (NumPy's dgemm may
  // sum in another order), and close to NumPy's float32 sgemm: 2 ulp, 1e-6 relative, or the
  // fixture's atol (4 eps·Σ|a·b|, for cancellation in NumPy's float32 sums).
  const e1 = mismatch(got, decode(c.exact ?? c.expected!), (w) => ulp(w));
  if (e1) return `vs float64 result: ${e1}`;
  const e2 = mismatch(got, want, (w) => Math.max(2 * ulp(w), 1e-6 * Math.abs(w), c.atol ?? 0));
  return e2 && `vs NumPy float32: ${e2}`;
}

describe("products match NumPy", () => {
  for (const op of ["dot", "matmul", "vdot", "outer"] as const) {
    const mine = cases.filter((c) => c.op === op);
    it(`${op} (${mine.length} cases)`, () => {
      expect(mine.length).toBeGreaterThan(3);
      const failures = mine.flatMap((c) => {
        const why = check(c);
        return why ? [`${op}${c.name ? ` [${c.name}]` : ""} ${c.a.dtype}(${c.a.shape}) · ${c.b.dtype}(${c.b.shape}): ${why}`] : [];
      });
      expect(failures).toEqual([]);
    });
  }
});

/** xorshift32 floats in [-1, 1) (deterministic). */
function rand(shape: number[], seed: number): NDArray {
  return new NDArray(xorshift(shape.reduce((a, d) => a * d, 1), seed), shape, "float32");
}

/** Reference: Σ_k in ascending order, in float64, rounded once (what every kernel path must give bit for bit). */
function naive(a: NDArray, b: NDArray, M: number, K: number, N: number, ao = 0, bo = 0): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a.data[ao + i * K + k] * b.data[bo + k * N + j];
      c[i * N + j] = s;
    }
  return c;
}

describe("matrix kernel", () => {
  it("every path below the WebAssembly kernel (simple, matvec, packed with ragged edges) equals the float64 loop bit for bit", () => {
    // (from 2^18 multiply-adds on, the WebAssembly kernel sums in float32: test/runtime/matmul-kernel.test.ts)
    const sizes: [number, number, number][] = [
      [4, 3, 1], [1, 5, 7], [2, 9, 3], [3, 4, 4], [33, 65, 17], [63, 64, 64], [97, 13, 71], [10, 1000, 9],
      [5, 3, 200], [128, 7, 130], [200, 300, 1], [4, 900, 70],
    ];
    for (const [M, K, N] of sizes) {
      const a = rand([M, K], M * 131 + K);
      const b = rand([K, N], N * 7 + 3);
      const got = la.matmul(a, b);
      expect(got.shape).toEqual([M, N]);
      expect(got.data, `${M}x${K} · ${K}x${N}`).toEqual(naive(a, b, M, K, N));
    }
  });
  it("batched matmul broadcasts batch dims, per-batch and folded", () => {
    const a = rand([3, 1, 40, 50], 11);
    const b = rand([2, 50, 45], 12);
    const got = la.matmul(a, b);
    expect(got.shape).toEqual([3, 2, 40, 45]);
    for (let p = 0; p < 3; p++)
      for (let q = 0; q < 2; q++) {
        const want = naive(a, b, 40, 50, 45, p * 2000, q * 2250);
        expect(got.data.subarray((p * 2 + q) * 1800, (p * 2 + q + 1) * 1800), `batch ${p},${q}`).toEqual(want);
      }
    const folded = la.matmul(a, rand([50, 45], 12));
    expect(folded.shape).toEqual([3, 1, 40, 45]);
  });
  it("rounds once: no float32 rounding of partial sums", () => {
    // 2^24 + 1 + 1 is exact in float64; a float32 accumulator would lose both ones.
    const a = new NDArray(new Float32Array([16777216, 1, 1]), [1, 3], "float32");
    const b = new NDArray(new Float32Array([1, 1, 1]), [3, 1], "float32");
    expect(la.matmul(a, b).item()).toBe(16777218);
    expect(la.dot([16777216, 1, 1], [1, 1, 1]).item()).toBe(16777218);
  });
});

describe("products: behaviour", () => {
  it("the tutorial's 4x3 · 3", () => {
    const x = [[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.3], [0.74, -2.49, 1.39]];
    const w = [1, 2, 3];
    const got = la.dot(x, w);
    expect(got.shape).toEqual([4]);
    const f = Math.fround;
    const want = x.map((r) => f(f(r[0]) * 1 + f(r[1]) * 2 + f(r[2]) * 3));
    expect([...got.data]).toEqual(want);
  });
  it("dtypes: int·int stays int32 (wrapping), bool·bool is bool, a JS number is weakly typed", () => {
    const i = new NDArray(new Int32Array([1, 2, 3]), [3], "int32");
    expect(la.dot(i, i).dtype).toBe("int32");
    expect(la.dot(i, 2).dtype).toBe("int32");
    expect(la.dot(i, 2.5).dtype).toBe("float32");
    expect(la.dot(i, [1, 1, 1]).dtype).toBe("float32");
    const b = new NDArray(new Uint8Array([1, 0, 1]), [3], "bool");
    expect(la.dot(b, b).dtype).toBe("bool");
    expect(la.outer(b, i).dtype).toBe("int32");
  });
  it("errors name the op and the shapes", () => {
    const a23 = rand([2, 3], 1);
    expect(() => la.dot(a23, rand([4], 2))).toThrow("dot: shapes (2, 3) and (4,) not aligned: 3 (dim 1) != 4 (dim 0)");
    expect(() => la.dot(rand([3], 1), rand([2, 4, 5], 2))).toThrow("dot: shapes (3,) and (2, 4, 5) not aligned: 3 (dim 0) != 4 (dim 1)");
    expect(() => la.matmul(a23, rand([4, 5], 2))).toThrow("matmul: shapes (2, 3) and (4, 5) not aligned: 3 (dim 1) != 4 (dim 0)");
    expect(() => la.matmul(rand([2, 3, 4], 1), rand([3, 4, 5], 2))).toThrow(
      "matmul: batch dimensions of shapes (2, 3, 4) and (3, 4, 5) cannot be broadcast ((2,) vs (3,))",
    );
    expect(() => la.matmul(2, a23)).toThrow(/^matmul: operand 0 is 0-d \(shapes \(\) and \(2, 3\)\)/);
    expect(() => la.matmul(a23, 2)).toThrow(/^matmul: operand 1 is 0-d \(shapes \(2, 3\) and \(\)\)/);
    expect(() => la.vdot(a23, rand([4], 2))).toThrow("vdot: arrays of shapes (2, 3) and (4,) have different sizes 6 and 4");
    for (const f of [() => la.dot(a23, a23), () => la.matmul(1, 1), () => la.vdot([1], [1, 2])]) expect(f).toThrow(TypeError);
  });
});
