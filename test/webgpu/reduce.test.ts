// Reductions on the GPU. Programs ending in a whole-array sum or mean: a workgroup tree of
// double-float32 partial sums (wgsl.ts), tested against the exact (float64) sum of the chain's
// values. The bound: |result − S| ≤ ½ ulp(S) + 2⁻⁴⁰·Σ|v| (one float32 rounding of the exact sum,
// plus the double-float32 tree's error), no larger than the CPU kernel's n·2⁻⁵³·Σ|v| + one
// rounding from n ≥ 2¹³ on; a float32 tree would be off by up to log₂(n)·2⁻²⁴·Σ|v|. Sums to a
// shape (unbroadcast) and axis sums/means: ½ ulp + R·2⁻⁴⁴·Σ|v| for R terms an element; axis
// max/min equal the CPU's.
import { expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import { fused } from "../../runtime/jit/fused.js";
import { max, min, sum, sumToShape } from "../../runtime/numpy/reduce.js";
import { fusedGpu, reduceGpu, sumToShapeGpu } from "../../runtime/webgpu/run.js";
import { gpu, gpuSuite, randoms, ulp32 } from "./gpu.js";

const arr = (d: Float32Array, shape: number[] = [d.length]) => new NDArray(d, shape, "float32");

/** The float64 sum of v and of |v|. */
function exact(v: ArrayLike<number>): [number, number] {
  let s = 0, a = 0;
  for (let i = 0; i < v.length; i++) (s += v[i]), (a += Math.abs(v[i]));
  return [s, a];
}

const within = (r: number, S: number, abs: number) => Math.abs(r - S) <= ulp32(S) / 2 + 2 ** -40 * abs;

gpuSuite("WebGPU fused reductions", () => {
  for (const n of [1, 7, 2048, 2049, 300_000, 4_200_000])
    it(`sum(square(x − y)) of ${n} elements is within the bound of the float64 sum`, async () => {
      const x = arr(randoms(n, -3, 3, 1)), y = arr(randoms(n, -1, 1, 2));
      const src = JSON.stringify({ in: 2, ops: [["subtract", 0, 1], ["square", 2]], reduce: "sum" });
      const r = await fusedGpu(gpu(), src, x, y).read();
      expect(r.shape).toEqual([]);
      // the chain's float32 values (bit-equal on both devices), summed exactly
      const v = new Float32Array(n).map((_, i) => Math.fround(Math.fround(x.data[i] - y.data[i]) ** 2));
      const [S, A] = exact(v);
      expect(within(r.data[0], S, A)).toBe(true);
      // and the CPU kernel's sum, within the same distance of S
      if (n >= 2048) expect(within(fused(src, x, y).data[0] as number, S, A)).toBe(true);
    });

  it("keeps the digits a float32 tree loses: large terms that cancel, small ones that stay", async () => {
    const n = 1 << 20;
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = i % 2 === 0 ? 4096 + (i % 7) : -(4096 + ((i - 1) % 7)) + 2 ** -10;
    const r = await fusedGpu(gpu(), JSON.stringify({ in: 1, ops: [["multiply", 0, { c: 1 }]], reduce: "sum" }), arr(d)).read();
    const [S] = exact(d);
    expect(S).toBe((n / 2) * 2 ** -10);
    expect(r.data[0]).toBe(Math.fround(S));
  });

  it("mean divides the double-float32 sum by n, rounded once", async () => {
    for (const n of [3, 5000, 123_457]) {
      const x = arr(randoms(n, -1, 2, 3 + n));
      const r = await fusedGpu(gpu(), JSON.stringify({ in: 1, ops: [["abs", 0]], reduce: "mean" }), x).read();
      const [S, A] = exact(Array.from(x.data, Math.abs));
      expect(Math.abs(r.data[0] - S / n)).toBeLessThanOrEqual(ulp32(S / n) / 2 + (2 ** -40 * A) / n + ulp32(S / n) * 2 ** -20);
    }
  });

  it("a chain with transcendental ops and a broadcast bias, reduced", async () => {
    const x = arr(randoms(4096 * 8, -2, 2, 4), [4096, 8]);
    const b = arr(randoms(8, -1, 1, 5), [8]);
    const src = JSON.stringify({ in: 2, ops: [["add", 0, 1], ["tanh", 2]], reduce: "sum" });
    const [r, c] = [(await fusedGpu(gpu(), src, x, b).read()).data[0], fused(src, x, b).data[0] as number];
    // (tanh within 1 ulp of the CPU's on each element: |Δ| ≤ Σ ulp(tanh) ≤ n·2⁻²³ plus the sums' bounds)
    expect(Math.abs(r - c)).toBeLessThanOrEqual(4096 * 8 * 2 ** -23 + ulp32(c));
  });
});

gpuSuite("WebGPU sums to a shape (unbroadcast: a bias's gradient)", () => {
  for (const [from, to] of [
    [[4096, 8], [8]],
    [[4096, 8], [1, 8]],
    [[300, 7], [300, 1]],
    [[5, 6, 7], [6, 1]],
    [[3, 1, 9], [1, 9]],
    [[2500], []],
  ] as [number[], number[]][])
    it(`(${from.join(", ")}) → (${to.join(", ")}) is within ½ ulp + R·2⁻⁴⁴·Σ|v| of the float64 sums, as the CPU's sumToShape`, async () => {
      const n = from.reduce((a, b) => a * b, 1);
      const x = arr(randoms(n, -1, 1, n), from);
      const r = await sumToShapeGpu(gpu(), x, to).read();
      const c = sumToShape(x, to);
      expect(r.shape).toEqual(c.shape);
      // float64 sums by output element (the CPU's sumToShape gives the output order)
      const lead = from.length - to.length;
      const S = new Float64Array(r.size), A = new Float64Array(r.size);
      const idx = new Array(from.length).fill(0);
      for (let i = 0; i < n; i++) {
        let o = 0;
        for (let d = lead; d < from.length; d++) o = o * to[d - lead] + (to[d - lead] === 1 ? 0 : idx[d]);
        (S[o] += x.data[i]), (A[o] += Math.abs(x.data[i]));
        for (let d = from.length - 1; d >= 0 && ++idx[d] === from[d]; d--) idx[d] = 0;
      }
      const R = n / Math.max(1, r.size);
      for (let o = 0; o < r.size; o++) expect(Math.abs(r.data[o] - S[o])).toBeLessThanOrEqual(ulp32(S[o]) / 2 + R * 2 ** -44 * A[o]);
    });

  it("the same shape is the Array itself; a shape that does not broadcast is refused, naming both", async () => {
    const x = arr(randoms(6, -1, 1, 1), [2, 3]);
    expect(Array.from((await sumToShapeGpu(gpu(), x, [2, 3]).read()).data)).toEqual(Array.from(x.data));
    expect(() => sumToShapeGpu(gpu(), x, [4])).toThrow("shape (4) does not broadcast to the array's shape (2, 3)");
  });
});

gpuSuite("WebGPU axis reductions (a workgroup tree an output element)", () => {
  const CASES: [number[], number | number[] | null, boolean][] = [
    [[64, 300], 1, false],
    [[64, 300], 0, true],
    [[6, 7, 500], [0, 2], false],
    [[6, 7, 500], -1, true],
    [[3, 4, 5], null, false],
    [[1000, 3], [1], false],
  ];
  for (const [shape, axis, keepdims] of CASES) {
    const name = `(${shape.join(", ")}) over ${JSON.stringify(axis)}${keepdims ? ", keepdims" : ""}`;
    it(`max and min ${name} equal the CPU's`, async () => {
      const x = arr(randoms(shape.reduce((a, b) => a * b, 1), -5, 5, shape.length), shape);
      for (const [op, cpu] of [["max", max], ["min", min]] as const) {
        const r = await reduceGpu(gpu(), x, op, axis, keepdims).read();
        expect(r).toEqual(cpu(x, axis, { keepdims }));
      }
    });
    it(`sum and mean ${name} are within ½ ulp + R·2⁻⁴⁴·Σ|v| of the float64 results`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = arr(randoms(n, -1, 3, n + 1), shape);
      const c = sum(x, axis, { keepdims });
      // float64 sums over the same axes: the CPU's sum of |x| and of x computed in float64
      const x64 = new NDArray(Float64Array.from(x.data), shape, "float64");
      const S = sum(x64, axis, { keepdims }), A = sum(new NDArray(Float64Array.from(x.data, Math.abs), shape, "float64"), axis, { keepdims });
      const R = n / Math.max(1, c.size);
      const r = await reduceGpu(gpu(), x, "sum", axis, keepdims).read();
      const m = await reduceGpu(gpu(), x, "mean", axis, keepdims).read();
      expect([r.shape, m.shape]).toEqual([c.shape, c.shape]);
      for (let o = 0; o < r.size; o++) {
        const s = S.data[o] as number, a = A.data[o] as number;
        expect(Math.abs(r.data[o] - s)).toBeLessThanOrEqual(ulp32(s) / 2 + R * 2 ** -44 * a);
        expect(Math.abs(m.data[o] - s / R)).toBeLessThanOrEqual(ulp32(s / R) / 2 + (R * 2 ** -44 * a) / R + ulp32(s / R) * 2 ** -20);
      }
    });
  }

  it("refuses axes out of range and empty max, naming them", () => {
    const x = arr(new Float32Array(6), [2, 3]);
    expect(() => reduceGpu(gpu(), x, "sum", 2)).toThrow("axis 2 is out of bounds for an array of 2 dimension(s) (shape (2, 3))");
    expect(() => reduceGpu(gpu(), arr(new Float32Array(0), [0, 3]), "max", 0)).toThrow("zero-size reduction over shape (0, 3) has no identity");
  });
});
