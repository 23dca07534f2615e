// The GPU as users reach it: jit(f, { device: "webgpu" }), setDefaultDevice, devicePut and
// deviceGet, Arrays that stay on the GPU between calls, `await x.block()`, synchronous reads
// (an error in Node until the values are read), and eager ops on Arrays on the GPU as single
// kernels; against the same code on the CPU.
import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { grad, jit, valueAndGrad, vmap, numpy as jnp, optim, Array as TArray, initDevice, setDefaultDevice, defaultDevice, devicePut, deviceGet, blockUntilReady, tree } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import { gpuSuite, randoms } from "./gpu.js";
import { GPU_BRIDGED, GPU_HOST, gpuHelpers, GPU_TABLE } from "../../runtime/webgpu/helpers.js";
import { gpuRuntime } from "../../runtime/webgpu/jit-rt.js";
import { poolStats } from "../../runtime/webgpu/pool.js";
import { WGSL_OPS } from "../../runtime/webgpu/wgsl.js";
import { gpu } from "./gpu.js";

const list = (d: ArrayLike<number | bigint>) => globalThis.Array.from(d as ArrayLike<number>);
const tensor = (shape: number[], seed: number, lo = -1, hi = 1) => new TArray(randoms(shape.reduce((a, c) => a * c, 1), lo, hi, seed), shape, "float32");

/** |a − b| ≤ tol·max|b| elementwise (a's values read from the GPU first). */
async function close(a: Array, b: Array, tol: number): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  const x = await a.dataAsync();
  let scale = 0;
  for (let i = 0; i < b.size; i++) scale = Math.max(scale, Math.abs(b.data[i] as number));
  for (let i = 0; i < b.size; i++) expect(Math.abs((x[i] as number) - (b.data[i] as number))).toBeLessThanOrEqual(tol * scale);
}

interface Params {
  W1: Array; b1: Array; W2: Array; b2: Array;
}
const mlp = (p: Params, x: Array) => jnp.add(jnp.matmul(jnp.maximum(jnp.add(jnp.matmul(x, p.W1), p.b1), 0), p.W2), p.b2);
const loss = (p: Params, x: Array, y: Array) => jnp.mean(jnp.square(jnp.subtract(mlp(p, x), y)));
const LR = 0.05;
/** One SGD step: the loss, and the parameters moved against the gradient (the whole step on one device). */
const sgd = (p: Params, x: Array, y: Array): [Array, Params] => {
  const [l, g] = valueAndGrad(loss)(p, x, y);
  return [l, { W1: jnp.subtract(p.W1, jnp.multiply(LR, g.W1)), b1: jnp.subtract(p.b1, jnp.multiply(LR, g.b1)), W2: jnp.subtract(p.W2, jnp.multiply(LR, g.W2)), b2: jnp.subtract(p.b2, jnp.multiply(LR, g.b2)) }];
};
const loss1 = (p: Params, xi: Array, yi: Array) => loss(p, jnp.expandDims(xi, 0), jnp.expandDims(yi, 0));
const stepGpu = jit(sgd, { device: "webgpu" });
const stepCpu = jit(sgd, { device: "cpu" });
const stepDefault = jit(sgd);
const gradGpu = jit(grad(loss), { device: "webgpu" });

const [M, K, H, N] = [256, 16, 32, 4];
const x = tensor([M, K], 1), y = tensor([M, N], 2);
const init = (): Params => ({ W1: tensor([K, H], 3, -0.4, 0.4), b1: tensor([H], 4, -0.1, 0.1), W2: tensor([H, N], 5, -0.4, 0.4), b2: tensor([N], 6, -0.1, 0.1) });

gpuSuite("WebGPU for users: devices, placement and reads", () => {
  // (first: nothing has set the GPU up yet in this file)
  it("a jit on the GPU called before initDevice says what to do", () => {
    expect(() => stepGpu(init(), x, y)).toThrow(/the GPU is not set up yet: `await initDevice\("webgpu"\)`/);
    expect(() => devicePut(x, "webgpu")).toThrow(/await initDevice\("webgpu"\)/);
  });

  it("the GPU's helper names are exactly its table's", async () => {
    await initDevice("webgpu");
    const t = gpuRuntime(gpu());
    expect(new Set(Object.keys(t))).toEqual(gpuHelpers());
    expect(gpuHelpers().size).toBe(Object.keys(WGSL_OPS).length + GPU_TABLE.length + GPU_BRIDGED.length + GPU_HOST.length);
  });

  it("jit(f, { device: 'webgpu' }) returns Arrays on the GPU, equal to the CPU jit's within the products' bounds", async () => {
    await initDevice("webgpu");
    const p = init();
    const g = gradGpu(p, x, y);
    const c = jit(grad(loss))(p, x, y);
    for (const k of ["W1", "b1", "W2", "b2"] as const) {
      expect(g[k]).toBeInstanceOf(TArray);
      expect(g[k].device).toBe("webgpu");
      expect(c[k].device).toBe("cpu");
      await close(g[k], c[k], 2 ** -16);
    }
  });

  it("a training loop keeps its parameters on the GPU between steps and reads only the losses", async () => {
    await initDevice("webgpu");
    let pg: Params = devicePut(init(), "webgpu");
    let pc = init();
    expect(pg.W1.device).toBe("webgpu");
    const lossesG: Array[] = [], lossesC: number[] = [];
    for (let s = 0; s < 20; s++) {
      const [lg, ng] = stepGpu(pg, x, y);
      const [lc, nc] = stepCpu(pc, x, y);
      lossesG.push(lg);
      lossesC.push(lc.item() as number);
      [pg, pc] = [ng, nc];
    }
    // nothing read back during the loop: the parameters are still only on the GPU
    expect((pg.W1 as unknown as { ready: boolean }).ready).toBe(false);
    const lg = await deviceGet(lossesG);
    expect(lg.every((l) => l.device === "cpu")).toBe(true);
    for (let s = 0; s < 20; s++) expect(Math.abs((lg[s].item() as number) - lossesC[s])).toBeLessThanOrEqual(1e-5 * lossesC[s]);
    expect(lossesC[19]).toBeLessThan(lossesC[0]);
    const final = await deviceGet(pg);
    for (const k of ["W1", "b1", "W2", "b2"] as const) await close(final[k], pc[k], 1e-4);
  });

  it("a jit'd step's intermediates are reused from call to call: new buffers only for its results", async () => {
    await initDevice("webgpu");
    let p: Params = devicePut(init(), "webgpu");
    const d = gpu().device;
    for (let s = 0; s < 3; s++) [, p] = stepGpu(p, x, y); // (warm: pipelines and pool sizes)
    const before = poolStats(d);
    const steps = 10;
    const held: unknown[] = [];
    for (let s = 0; s < steps; s++) {
      const [l, next] = stepGpu(p, x, y);
      held.push(l, next); // (kept alive: no buffer comes back through collection during the loop)
      p = next;
    }
    const after = poolStats(d);
    // each step makes 5 results (the loss and 4 parameters); its other buffers come from the pool
    expect(after.created - before.created).toBeLessThanOrEqual(5 * steps);
    expect(after.reused - before.reused).toBeGreaterThanOrEqual(10 * steps);
    const [lg] = stepGpu(p, x, y);
    const [lc] = stepCpu(await deviceGet(p), x, y);
    expect(Math.abs(((await lg.dataAsync())[0] as number) - (lc.item() as number))).toBeLessThanOrEqual(1e-5 * (lc.item() as number));
    held.length = 0; // (the results are let go only now)
  });

  it("the README's example: tree.map of the update inside the jit, parameters never read back in the loop", async () => {
    await initDevice("webgpu");
    const step = jit((p: Params, x: Array, y: Array) => {
      const [l, g] = valueAndGrad(loss)(p, x, y);
      return [l, tree.map((w: Array, d: Array) => jnp.subtract(w, jnp.multiply(0.05, d)), p, g)] as const;
    }, { device: "webgpu" });
    let params = devicePut(init(), "webgpu");
    let l!: Array;
    for (let i = 0; i < 5; i++) [l, params] = step(params, x, y);
    let pc = init(), lc!: Array;
    for (let i = 0; i < 5; i++) [lc, pc] = stepCpu(pc, x, y);
    expect(params.W1.device).toBe("webgpu");
    expect(Math.abs(((await l.dataAsync())[0] as number) - (lc.item() as number))).toBeLessThanOrEqual(1e-5 * (lc.item() as number));
  });

  it("synchronous reads in Node: an error that says to await block(); then they read the copy", async () => {
    await initDevice("webgpu");
    const a = devicePut(jnp.array([[1.5, -2], [3, 0.25]]), "webgpu");
    expect(a.device).toBe("webgpu");
    expect(a.shape).toEqual([2, 2]);
    expect(a.size).toBe(4);
    expect(() => a.item()).toThrow(TypeError); // (size 4: item's own check, before any read)
    const s = jnp.sum(a);
    expect(() => s.item()).toThrow(/is on the GPU and its values are not on the host yet: `await x\.block\(\)`/);
    expect(() => a.tolist()).toThrow(/await x\.block\(\)/);
    expect(inspect(s)).toBe("Array(<on webgpu, not read yet: await x.block()>, shape=(), dtype=float32)");
    expect(await s.block()).toBe(s);
    expect(s.item()).toBe(2.75);
    expect(inspect(s)).toBe("Array(2.75, dtype=float32)");
    await a.block();
    expect(a.tolist()).toEqual([[1.5, -2], [3, 0.25]]);
    expect(list(await a.dataAsync())).toEqual([1.5, -2, 3, 0.25]);
  });

  it("eager ops on Arrays on the GPU run there, one kernel each, with the CPU's results", async () => {
    await initDevice("webgpu");
    const a = tensor([64, 48], 11), b = tensor([48], 12), w = tensor([48, 8], 13);
    const ag = devicePut(a, "webgpu"), bg = devicePut(b, "webgpu");
    const sum = jnp.add(ag, b); // (a CPU operand is uploaded)
    const prod = jnp.multiply(ag, bg);
    const e = jnp.exp(ag);
    const cmp = jnp.greater(ag, 0.25);
    const rows = jnp.sum(ag, 1);
    const colMax = jnp.max(ag, 0, { keepdims: true });
    const mm = jnp.matmul(ag, w);
    const r = jnp.reshape(ag, [48, 64]);
    const meth = ag.mul(2).add(1);
    for (const v of [sum, prod, e, cmp, rows, colMax, mm, r, meth]) expect(v.device).toBe("webgpu");
    expect(cmp.dtype).toBe("bool");
    expect(list(await sum.dataAsync())).toEqual(list(jnp.add(a, b).data));
    expect(list(await prod.dataAsync())).toEqual(list(jnp.multiply(a, b).data));
    expect(list(await cmp.dataAsync())).toEqual(list(jnp.greater(a, 0.25).data));
    expect(list(await colMax.dataAsync())).toEqual(list(jnp.max(a, 0, { keepdims: true }).data));
    expect(list(await r.dataAsync())).toEqual(list(a.data));
    expect(list(await meth.dataAsync())).toEqual(list(a.mul(2).add(1).data));
    await close(e, jnp.exp(a), 2 ** -23);
    await close(rows, jnp.sum(a, 1), 2 ** -20);
    await close(mm, jnp.matmul(a, w), 2 ** -18);
    const t = jnp.transpose(ag), bc = jnp.broadcastTo(bg, [3, 48]), ex = jnp.expandDims(bg, 0);
    for (const v of [t, bc, ex]) expect(v.device).toBe("webgpu");
    expect(list(await t.dataAsync())).toEqual(list(jnp.transpose(a).data));
    expect(list(await bc.dataAsync())).toEqual(list(jnp.broadcastTo(b, [3, 48]).data));
    expect(ex.shape).toEqual([1, 48]);
    // an op with no GPU kernel reads the values: in Node after block(), then it runs on the CPU copy
    const fresh = jnp.multiply(ag, 3);
    expect(() => jnp.cumprod(fresh, 0)).toThrow(/await x\.block\(\)/);
    await fresh.block();
    const cs = jnp.cumprod(fresh, 0);
    expect(cs.device).toBe("cpu");
    expect(list(cs.data)).toEqual(list(jnp.cumprod(jnp.multiply(a, 3), 0).data));
  });

  it("setDefaultDevice('webgpu') moves plain jit'd functions to the GPU, and back", async () => {
    expect(defaultDevice()).toBe("cpu");
    const p = init();
    expect(stepDefault(p, x, y)[0].device).toBe("cpu");
    await setDefaultDevice("webgpu");
    try {
      expect(defaultDevice()).toBe("webgpu");
      const [l, np] = stepDefault(p, x, y);
      expect(l.device).toBe("webgpu");
      expect(np.W2.device).toBe("webgpu");
      // an explicit device wins over the default
      expect(stepCpu(p, x, y)[0].device).toBe("cpu");
      expect(devicePut(x).device).toBe("webgpu");
      await close(l, stepCpu(p, x, y)[0], 1e-5);
    } finally {
      await setDefaultDevice("cpu");
    }
    expect(stepDefault(p, x, y)[0].device).toBe("cpu");
  });

  it("adam's eager update of parameters on the GPU runs there and matches the CPU's", async () => {
    await initDevice("webgpu");
    const tx = optim.adam(1e-2);
    const p = init();
    let pg: Params = devicePut(p, "webgpu"), pc = p;
    let sg = tx.init(pg), sc = tx.init(pc);
    for (let s = 0; s < 5; s++) {
      const [ug, ng] = tx.update(gradGpu(pg, x, y), sg, pg);
      const [uc, nc] = tx.update(jit(grad(loss))(pc, x, y), sc, pc);
      [pg, sg, pc, sc] = [optim.applyUpdates(pg, ug), ng, optim.applyUpdates(pc, uc), nc];
    }
    expect(tree.leaves(pg).every((l) => (l as Array).device === "webgpu")).toBe(true);
    const back = await deviceGet(pg);
    for (const k of ["W1", "b1", "W2", "b2"] as const) await close(back[k], pc[k], 1e-4);
  });

  it("vmap and grad inside a jit on the GPU", async () => {
    await initDevice("webgpu");
    const rowNorms = jit(vmap((r: Array) => jnp.sqrt(jnp.sum(jnp.square(r)))), { device: "webgpu" });
    const a = tensor([40, 24], 21);
    const got = rowNorms(a);
    expect(got.device).toBe("webgpu");
    expect(got.shape).toEqual([40]);
    const want = jnp.sqrt(jnp.sum(jnp.square(a), 1));
    await close(got, want, 2 ** -20);
    const gsum = jit(grad((r: Array) => jnp.sum(jnp.tanh(r))), { device: "webgpu" });
    await close(gsum(a), jnp.subtract(1, jnp.square(jnp.tanh(a))), 2 ** -22);
  });

  it("grad and valueAndGrad of a function jit'd on the GPU run there", async () => {
    await initDevice("webgpu");
    const fGpu = jit((p: Params, x: Array, y: Array) => loss(p, x, y), { device: "webgpu" });
    const p = init();
    const g = grad(fGpu)(p, x, y);
    const [v, g2] = valueAndGrad(fGpu)(p, x, y);
    expect(g.W1.device).toBe("webgpu");
    expect(v.device).toBe("webgpu");
    const c = jit(grad(loss))(p, x, y);
    for (const k of ["W1", "b1", "W2", "b2"] as const) {
      await close(g[k], c[k], 2 ** -16);
      await close(g2[k], c[k], 2 ** -16);
    }
  });

  it("vmap of a function jit'd on the GPU runs there: per-example gradients of the MLP", async () => {
    await initDevice("webgpu");
    const lossGpu = jit((p: Params, xi: Array, yi: Array) => loss(p, jnp.expandDims(xi, 0), jnp.expandDims(yi, 0)), { device: "webgpu" });
    const perExample = vmap(grad(lossGpu), [null, 0, 0]);
    const p = init();
    const xs = jnp.reshape(x, [M, K]).slice([0, 8]), ys = y.slice([0, 8]);
    const g = perExample(p, xs, ys);
    expect(g.W1.device).toBe("webgpu");
    expect(g.W1.shape).toEqual([8, K, H]);
    const c = vmap(grad(loss1), [null, 0, 0])(p, xs, ys);
    for (const k of ["W1", "b1", "W2", "b2"] as const) await close(g[k], c[k], 2 ** -16);
  });

  it("an argument the loss does not read gets zeros on the GPU (zerosLike), ones where it is summed (onesLike)", async () => {
    await initDevice("webgpu");
    const f = jit(grad((a: Array, b: Array) => jnp.sum(jnp.multiply(a, 3)), { argnums: [0, 1] }), { device: "webgpu" });
    const src = String(f);
    const [ga, gb] = f(tensor([5, 3], 31), tensor([4], 32));
    expect(gb.device).toBe("webgpu");
    expect(list(await gb.dataAsync())).toEqual([0, 0, 0, 0]);
    expect(list(await ga.dataAsync())).toEqual(new globalThis.Array(15).fill(3));
    expect(src).toContain("zerosLike");
  });

  it("creation inside a GPU jit: zeros on the GPU, arange/eye/linspace/full made on the CPU and uploaded; every Array result on the GPU", async () => {
    await initDevice("webgpu");
    const body = (x: Array) => [jnp.add(jnp.add(x, jnp.arange(4)), jnp.add(jnp.zeros([4]), jnp.full([4], 0.5))), jnp.add(jnp.eye(4), jnp.linspace(0, 1, 4)), jnp.arange(3)] as const;
    const f = jit(body, { device: "webgpu" });
    const x = tensor([4], 41);
    const [a, b, c] = f(x);
    const [ca, cb, cc] = jit(body, { device: "cpu" })(x);
    for (const v of [a, b, c]) expect(v.device).toBe("webgpu");
    expect(list(await a.dataAsync())).toEqual(list(ca.data));
    expect(list(await b.dataAsync())).toEqual(list(cb.data));
    expect(list(await c.dataAsync())).toEqual(list(cc.data));
    for (const [v, w] of [[a, ca], [b, cb], [c, cc]] as const) expect(v.dtype).toBe(w.dtype);
  });

  it("pytrees go to the GPU and back whole; tree functions see Arrays", async () => {
    await initDevice("webgpu");
    const p = init();
    const g = devicePut(p, "webgpu");
    const same = await blockUntilReady(g);
    expect(same).toBe(g);
    expect(g.W1.device).toBe("webgpu");
    expect(list(g.W1.data)).toEqual(list(p.W1.data)); // (read by blockUntilReady: synchronous now)
    expect(tree.leaves(g).every((l) => (l as Array).device === "webgpu")).toBe(true);
    const back = await deviceGet(g);
    for (const k of ["W1", "b1", "W2", "b2"] as const) {
      expect(back[k].device).toBe("cpu");
      expect(list(back[k].data)).toEqual(list(p[k].data));
    }
  });
});

describe("devices without a GPU set up", () => {
  it("the default device is the CPU, and devicePut to the CPU keeps CPU Arrays", () => {
    expect(defaultDevice()).toBe("cpu");
    const a = jnp.array([1, 2]);
    expect(devicePut(a, "cpu")).toBe(a);
    expect(a.device).toBe("cpu");
  });
});
