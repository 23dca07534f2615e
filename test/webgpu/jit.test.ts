// A jit'd function's own compiled code run on the GPU: the code the transformer emitted for
// `jit(grad(loss))`, with runtime/webgpu/jit-rt.ts's helpers in place of the CPU runtime's (the
// table `jit(f, { device: "webgpu" })` is to call), every kernel on GPU buffers and the results
// read back at the end; against the same function jit'd on the CPU.
import { expect, it } from "vitest";
import { grad, jit, nn, numpy as jnp, Array as TArray } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { gpuRuntime, readTree } from "../../runtime/webgpu/jit-rt.js";
import { gpu, gpuSuite, randoms } from "./gpu.js";

/** The compiled function's code, its runtime module replaced by the GPU's helpers. */
function onGpu<F extends (...a: never[]) => unknown>(f: F): (...a: Parameters<F>) => unknown {
  const src = String(f);
  const mod = /([\w$]+)\.fused\(/.exec(src)?.[1];
  if (!mod) throw new Error("no fused kernel in the compiled code");
  return new Function(mod, `return (${src});`)(gpuRuntime(gpu())) as (...a: Parameters<F>) => unknown;
}

const tensor = (shape: number[], seed: number, lo = -1, hi = 1) => new TArray(randoms(shape.reduce((a, c) => a * c, 1), lo, hi, seed), shape, "float32");

const layer = (W: Array, b: Array, x: Array) => jnp.tanh(jnp.add(jnp.matmul(x, W), b));
const loss = (W: Array, b: Array, x: Array, y: Array) => jnp.mean(jnp.square(jnp.subtract(layer(W, b, x), y)));
const forward = jit(layer);
const step = jit(grad(loss, { argnums: [0, 1] }));

// two layers, relu between them (maximum's derivative: balancedEq; the hidden layer's cotangent G·W2ᵀ)
const loss2 = (W1: Array, b1: Array, W2: Array, b2: Array, x: Array, y: Array) =>
  jnp.mean(jnp.square(jnp.subtract(jnp.add(jnp.matmul(jnp.maximum(jnp.add(jnp.matmul(x, W1), b1), 0), W2), b2), y)));
const step2 = jit(grad(loss2, { argnums: [0, 1, 2, 3] }));

// softmax cross-entropy: logsumexp, and the reductions' cotangents (unreduce) in the backward pass
const ce = (W: Array, b: Array, x: Array, y: Array) => {
  const logits = jnp.add(jnp.matmul(x, W), b);
  return jnp.negative(jnp.mean(jnp.sum(jnp.multiply(y, jnp.subtract(logits, nn.logsumexp(logits, 1, { keepdims: true }))), 1)));
};
const ceStep = jit(grad(ce, { argnums: [0, 1] }));
const ceLoss = jit(ce);

// axis reductions the compiled code calls as run-time functions
const stats = jit((x: Array) => [jnp.sum(jnp.tanh(x), 1), jnp.max(jnp.exp(x), 0), jnp.mean(jnp.square(x), 0, { keepdims: true })]);

/** |gpu − cpu| ≤ rel·Σ|terms| per element, with Σ|terms| bounded by the CPU's |values| times the count. */
function close(g: TArray, c: TArray, tol: number): void {
  expect(g.shape).toEqual(c.shape);
  let scale = 0;
  for (let i = 0; i < c.size; i++) scale = Math.max(scale, Math.abs(c.data[i] as number));
  for (let i = 0; i < c.size; i++) expect(Math.abs((g.data[i] as number) - (c.data[i] as number))).toBeLessThanOrEqual(tol * scale);
}

gpuSuite("WebGPU: jit'd code run on the device", () => {
  const [M, K, H, N] = [512, 16, 32, 8];
  const x = tensor([M, K], 1), y = tensor([M, N], 2);

  it("a layer's forward pass (matmul epilogue) equals the CPU jit's within the product's bound", async () => {
    const W = tensor([K, N], 3, -0.5, 0.5), b = tensor([N], 4);
    const out = (await readTree(onGpu(forward)(W, b, x))) as TArray;
    close(out, forward(W, b, x), 2 ** -18);
  });

  it("an MLP layer's gradient (weights and bias) on the device", async () => {
    const W = tensor([K, N], 3, -0.5, 0.5), b = tensor([N], 4);
    const [gW, gb] = (await readTree(onGpu(step)(W, b, x, y))) as TArray[];
    const [cW, cb] = step(W, b, x, y);
    close(gW, cW, 2 ** -16);
    close(gb, cb, 2 ** -16);
  });

  it("a two-layer ReLU MLP's gradient, all four parameters, on the device", async () => {
    const W1 = tensor([K, H], 5, -0.5, 0.5), b1 = tensor([H], 6, -0.1, 0.1), W2 = tensor([H, N], 7, -0.5, 0.5), b2 = tensor([N], 8);
    const g = (await readTree(onGpu(step2)(W1, b1, W2, b2, x, y))) as TArray[];
    const c = step2(W1, b1, W2, b2, x, y);
    for (let k = 0; k < 4; k++) close(g[k], c[k], 2 ** -16);
  });

  it("a softmax classifier's loss and gradient (logsumexp, unreduce) on the device", async () => {
    const W = tensor([K, 10], 10, -0.5, 0.5), b = tensor([10], 11);
    // one-hot labels
    const lab = new Float32Array(M * 10);
    for (let i = 0; i < M; i++) lab[i * 10 + ((i * 7) % 10)] = 1;
    const Y = new TArray(lab, [M, 10], "float32");
    const [gW, gb] = (await readTree(onGpu(ceStep)(W, b, x, Y))) as TArray[];
    const [cW, cb] = ceStep(W, b, x, Y);
    close(gW, cW, 2 ** -16);
    close(gb, cb, 2 ** -16);
    const l = (await readTree(onGpu(ceLoss)(W, b, x, Y))) as TArray;
    close(l, ceLoss(W, b, x, Y), 2 ** -20);
  });

  it("axis sums, means and maxima in jit'd code", async () => {
    const z = tensor([300, 40], 9, -2, 2);
    expect(String(stats)).toMatch(/\.sum\(/);
    const g = (await readTree(onGpu(stats)(z))) as TArray[];
    const c = stats(z);
    expect(g.map((a) => a.shape)).toEqual([[300], [40], [1, 40]]);
    for (let k = 0; k < 3; k++) close(g[k], c[k], 2 ** -18);
  });

  it("elementwise ops outside fused groups (where, comparisons) are one-op kernels", async () => {
    const rt = gpuRuntime(gpu()) as Record<string, (...a: unknown[]) => unknown>;
    const a = tensor([2500], 12), c = tensor([2500], 13);
    const cond = rt.less(a, c);
    const w = (await readTree(rt.where(cond, a, 0.5))) as TArray;
    expect(w).toEqual(jnp.where(jnp.less(a, c), a, 0.5));
  });

  it("a helper not on the GPU yet is an error naming it", () => {
    expect(() => (gpuRuntime(gpu()) as Record<string, unknown>).eighW).toThrow(/'eighW' is not on the GPU yet/);
  });
});
