// The gradient of an MLP layer's loss with its jit'd kernels on the GPU: the very programs the
// jit's fusion pass emitted for `jit(grad(loss))` (read from the compiled function), run in the
// compiled code's order on GPU buffers (intermediates never leave the device), the weight
// gradient's Xᵀ·G as the transposed-operand matmul, the bias's as a sum to its shape; against
// the CPU jit's result.
import { expect, it } from "vitest";
import { grad, jit, numpy as jnp, Array as TArray } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import type { Program } from "../../runtime/jit/fused-kernel.js";
import { fusedGpu, matmulGpu, sumToShapeGpu, upload } from "../../runtime/webgpu/run.js";
import { gpu, gpuSuite, randoms } from "./gpu.js";

const loss = (W: Array, b: Array, x: Array, y: Array) => jnp.mean(jnp.square(jnp.subtract(jnp.tanh(jnp.add(jnp.matmul(x, W), b)), y)));
const step = jit(grad(loss, { argnums: [0, 1] }));

/** The fused programs of the compiled function, in the order its code runs them. */
const programs = (f: unknown): Program[] => [...String(f).matchAll(/fused\("((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(JSON.parse(`"${m[1]}"`)) as Program);

gpuSuite("WebGPU: an MLP layer's jit'd gradient (weights and bias), kernel by kernel on the device", () => {
  it("runs the jit's own programs on GPU buffers and matches the CPU jit", async () => {
    const ps = programs(step);
    // tanh(x·W + b) with the matmul epilogue, tanh − y, its square, the mean's cotangent, tanh's VJP
    expect(ps.map((p) => [p.epilogue ?? "", p.ops.map((o) => o[0]).join(" ")])).toEqual([
      ["matmul", "add tanh"],
      ["", "subtract"],
      ["", "square"],
      ["", "divide multiply multiply"],
      ["", "subtract multiply fma"],
    ]);
    const [M, K, N] = [512, 16, 8];
    const tensor = (shape: number[], seed: number, lo = -1, hi = 1) => new TArray(randoms(shape.reduce((a, c) => a * c, 1), lo, hi, seed), shape, "float32");
    const W = tensor([K, N], 1, -0.5, 0.5), b = tensor([N], 2), x = tensor([M, K], 3), y = tensor([M, N], 4);
    const g = gpu();
    const [X, Y] = [upload(g, x), upload(g, y)];
    const tanh = fusedGpu(g, ps[0], X, upload(g, W), upload(g, b));
    const sub = fusedGpu(g, ps[1], tanh, Y);
    const square = fusedGpu(g, ps[2], sub);
    const gSub = fusedGpu(g, ps[3], new TArray(Float32Array.of(1), [], "float32"), square.size, sub);
    const gAdd = fusedGpu(g, ps[4], tanh, gSub);
    const gW = await matmulGpu(g, X, gAdd, true, false).read();
    const gb = await sumToShapeGpu(g, gAdd, [N]).read();
    const [cW, cb] = step(W, b, x, y);
    expect([gW.shape, gb.shape]).toEqual([cW.shape, cb.shape]);
    // each element: the sum's bound over M terms, plus the GPU's tanh (1 ulp) carried through
    // the chain (a few ulps of each term)
    const gA = (await gAdd.read()).data;
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < K; k++) {
        let abs = 0;
        for (let i = 0; i < M; i++) abs += Math.abs(x.data[i * K + k] * gA[i * N + j]);
        expect(Math.abs(gW.data[k * N + j] - (cW.data[k * N + j] as number))).toBeLessThanOrEqual((2 * (M + 1) * 2 ** -24 + 2 ** -20) * abs);
      }
      let abs = 0;
      for (let i = 0; i < M; i++) abs += Math.abs(gA[i * N + j]);
      expect(Math.abs(gb.data[j] - (cb.data[j] as number))).toBeLessThanOrEqual((2 * (M + 1) * 2 ** -24 + 2 ** -20) * abs);
    }
  });
});
