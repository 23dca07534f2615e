// The tiled matrix product on the GPU (wgsl.ts matmulKernel: workgroup shared memory, float32
// sums in order of k) against the float64 product: each element within (K + 1)·2⁻²⁴·Σ|a_ik·b_kj|,
// the bound the CPU's float32 matmul promises (DESIGN.md "Numerics"); with its transposed-operand
// forms (the matmul adjoints' G·Bᵀ and Aᵀ·G) and the matmul epilogue of a fused program.
import { expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import { fused } from "../../runtime/jit/fused.js";
import { fusedGpu, matmulGpu, upload } from "../../runtime/webgpu/run.js";
import { gpu, gpuSuite, randoms, ulp32 } from "./gpu.js";

const arr = (d: Float32Array, shape: number[]) => new NDArray(d, shape, "float32");

/** The largest error of C against the float64 product, as a fraction of its bound (≤ 1 passes). */
function worst(C: NDArray, A: NDArray, B: NDArray, M: number, K: number, N: number, tA: boolean, tB: boolean): number {
  const a = (i: number, k: number) => A.data[tA ? k * M + i : i * K + k];
  const b = (k: number, j: number) => B.data[tB ? j * K + k : k * N + j];
  let w = 0;
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0, abs = 0;
      for (let k = 0; k < K; k++) (s += a(i, k) * b(k, j)), (abs += Math.abs(a(i, k) * b(k, j)));
      const bound = (K + 1) * 2 ** -24 * abs;
      w = Math.max(w, bound === 0 ? (C.data[i * N + j] === 0 ? 0 : Infinity) : Math.abs(C.data[i * N + j] - s) / bound);
    }
  return w;
}

gpuSuite("WebGPU tiled matmul", () => {
  for (const [M, K, N] of [[70, 33, 90], [64, 64, 64], [130, 200, 17], [1, 5, 1], [3, 1000, 2], [129, 7, 65]])
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]])
      it(`${M}×${K} · ${K}×${N}${tA ? " (A stored transposed)" : ""}${tB ? " (B stored transposed)" : ""} within (K+1)·2⁻²⁴·Σ|ab|`, async () => {
        const A = arr(randoms(M * K, -1, 1, M + K), tA ? [K, M] : [M, K]);
        const B = arr(randoms(K * N, -1, 1, K + N + 1), tB ? [N, K] : [K, N]);
        const C = await matmulGpu(gpu(), A, B, tA, tB).read();
        expect(C.shape).toEqual([M, N]);
        expect(worst(C, A, B, M, K, N, tA, tB)).toBeLessThanOrEqual(1);
      });

  it("K = 0 gives zeros; misaligned shapes are refused, naming them", async () => {
    const C = await matmulGpu(gpu(), arr(new Float32Array(0), [3, 0]), arr(new Float32Array(0), [0, 2])).read();
    expect(Array.from(C.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => matmulGpu(gpu(), arr(new Float32Array(6), [2, 3]), arr(new Float32Array(6), [2, 3]))).toThrow("shapes (2, 3) and (2, 3) not aligned: 3 != 2");
    expect(() => matmulGpu(gpu(), arr(new Float32Array(6), [2, 3]), arr(new Float32Array(6), [2, 3]), false, true)).not.toThrow();
  });

  it("a program's matmul epilogue (fuse.ts: tanh(x·W + b)) is the product then the chain, on the device", async () => {
    const [M, K, N] = [256, 48, 40];
    const x = arr(randoms(M * K, -1, 1, 1), [M, K]), W = arr(randoms(K * N, -0.5, 0.5, 2), [K, N]), b = arr(randoms(N, -1, 1, 3), [N]);
    const src = JSON.stringify({ in: 2, ops: [["add", 0, 1], ["tanh", 2]], epilogue: "matmul" });
    const g = gpu();
    const out = await fusedGpu(g, src, x, W, b).read();
    // the same kernels one by one: bit-equal
    const P = matmulGpu(g, upload(g, x), upload(g, W));
    const twoStep = await fusedGpu(g, JSON.stringify({ in: 2, ops: [["add", 0, 1], ["tanh", 2]] }), P, b).read();
    expect(out).toEqual(twoStep);
    // the CPU's fused kernel: the products' bound (tanh' ≤ 1) plus tanh's ulp on each side
    const cpu = fused(src, x, W, b);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let abs = 0;
        for (let k = 0; k < K; k++) abs += Math.abs(x.data[i * K + k] * W.data[k * N + j]);
        const e = cpu.data[i * N + j] as number;
        expect(Math.abs(out.data[i * N + j] - e)).toBeLessThanOrEqual(2 * (K + 1) * 2 ** -24 * abs + 2 * ulp32(e));
      }
  });
});
