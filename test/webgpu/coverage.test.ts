// What else runs on the GPU: joins (concatenate, stack) and the parts their adjoints take, flip,
// matrix products of any rank (batched, broadcast, vmap's per-example products) and dot's
// adjoints; eagerly on Arrays on the GPU and in `jit(f, { device: "webgpu" })`, gradients
// included, against the CPU. Bounds: copies are bit-equal; a product's element is within
// (K + 1)·2⁻²⁴·Σ|a·b| of the exact one on each device, so the two differ by at most twice that
// (Σ|a·b|: the same function of the inputs' absolute values, the functions here being multilinear).
import { expect, it } from "vitest";
import { grad, jit, vmap, numpy as jnp, Array as TArray, initDevice, devicePut } from "../../runtime/index.js";
import type { Array } from "../../runtime/index.js";
import * as rt from "../../runtime/rt.js";
import { gpuRuntime, readTree } from "../../runtime/webgpu/jit-rt.js";
import { gpu, gpuSuite, randoms, ulp32 } from "./gpu.js";

const list = (d: ArrayLike<number | bigint>) => globalThis.Array.from(d as ArrayLike<number>);
const tensor = (shape: number[], seed: number, lo = -1, hi = 1) => new TArray(randoms(shape.reduce((a, c) => a * c, 1), lo, hi, seed), shape, "float32");
const onGpu = <T,>(x: T): T => devicePut(x, "webgpu");

/** Bit-equal values and shapes (the GPU's read back first). */
async function same(got: Array, want: Array): Promise<void> {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  expect(list(await got.dataAsync())).toEqual(list(want.data));
}

/** |got − want| ≤ 2·(K + 1)·2⁻²⁴·abs elementwise (abs: Σ|terms| per element, computed on the CPU from |inputs|). */
async function products(got: Array, want: Array, abs: Array, K: number): Promise<void> {
  expect(got.shape).toEqual(want.shape);
  const x = await got.dataAsync();
  for (let i = 0; i < want.size; i++) {
    const bound = 2 * (K + 1) * 2 ** -24 * (abs.data[i] as number) * (1 + 2 ** -20);
    expect(Math.abs((x[i] as number) - (want.data[i] as number))).toBeLessThanOrEqual(bound);
  }
}

// ---- joins ----------------------------------------------------------------------------------------

const cat = (a: Array, b: Array) => jnp.concatenate([a, jnp.multiply(b, 2)], 1);
const stk = (a: Array, b: Array) => jnp.stack([a, jnp.negative(b)], 2);
const catLoss = (a: Array, b: Array, w: Array) => jnp.sum(jnp.multiply(jnp.concatenate([a, b], 1), w));
const stkLoss = (a: Array, b: Array, w: Array) => jnp.sum(jnp.multiply(jnp.stack([a, b], 0), w));
const catG = jit(cat, { device: "webgpu" }), catC = jit(cat, { device: "cpu" });
const stkG = jit(stk, { device: "webgpu" }), stkC = jit(stk, { device: "cpu" });
const catLossG = jit(grad(catLoss, { argnums: [0, 1] }), { device: "webgpu" }), catLossC = jit(grad(catLoss, { argnums: [0, 1] }), { device: "cpu" });
const vcat = (x: Array, y: Array) => vmap((r: Array, q: Array) => jnp.stack([jnp.concatenate([r, q]), jnp.concatenate([q, r])], 1))(x, y);
const vcatG = jit(vcat, { device: "webgpu" }), vcatC = jit(vcat, { device: "cpu" });
const stkLossG = jit(grad(stkLoss, { argnums: [0, 1] }), { device: "webgpu" }), stkLossC = jit(grad(stkLoss, { argnums: [0, 1] }), { device: "cpu" });

gpuSuite("WebGPU coverage: concatenate, stack and their adjoints", () => {
  it("eager concatenate and stack of Arrays on the GPU, any axis, are the CPU's bit for bit", async () => {
    await initDevice("webgpu");
    const a = tensor([3, 4, 5], 1), b = tensor([3, 2, 5], 2), c = tensor([3, 4, 5], 3);
    const [ag, bg, cg] = onGpu([a, b, c]);
    const cases: [Array, Array][] = [
      [jnp.concatenate([ag, b], 1), jnp.concatenate([a, b], 1)],
      [jnp.concatenate([ag, cg, ag], 0), jnp.concatenate([a, c, a], 0)],
      [jnp.concatenate([ag, c], -1), jnp.concatenate([a, c], -1)],
      [jnp.stack([ag, cg]), jnp.stack([a, c])],
      [jnp.stack([ag, c, ag], 1), jnp.stack([a, c, a], 1)],
      [jnp.stack([ag, cg], -1), jnp.stack([a, c], -1)],
      [jnp.concatenate([jnp.greater(ag, 0), jnp.less(cg, 0)], 2), jnp.concatenate([jnp.greater(a, 0), jnp.less(c, 0)], 2)],
      [jnp.concatenate([jnp.greater(ag, 0), cg], 0), jnp.concatenate([jnp.greater(a, 0), c], 0)],
    ];
    for (const [g, c0] of cases) {
      expect(g.device).toBe("webgpu");
      await same(g, c0);
    }
    expect(bg.device).toBe("webgpu");
    expect(() => jnp.concatenate([ag, bg], 0)).toThrow(/all input array dimensions except for the concatenation axis 0 must match exactly/);
    expect(() => jnp.stack([ag, bg])).toThrow(/all input arrays must have the same shape/);
  });

  it("jit'd concatenate and stack on the GPU, and their gradients (concatPart, stackPart, seed), are the CPU's bit for bit", async () => {
    await initDevice("webgpu");
    const a = tensor([6, 4], 4), b = tensor([6, 3], 5), c = tensor([6, 4], 6);
    await same(catG(a, b), catC(a, b));
    await same(stkG(a, c), stkC(a, c));
    const w = tensor([6, 7], 7), w2 = tensor([2, 6, 4], 8);
    const [ga, gb] = catLossG(a, b, w), [ca, cb] = catLossC(a, b, w);
    await same(ga, ca);
    await same(gb, cb);
    const [sa, sc] = stkLossG(a, c, w2), [ta, tc] = stkLossC(a, c, w2);
    await same(sa, ta);
    await same(sc, tc);
    // vmap'd joins (vAxes, then concatN/stackN on the batched axes)
    await same(vcatG(a, c), vcatC(a, c));
  });

  it("the parts' transposes and flip, as the GPU's run-time helpers, equal rt.ts's", async () => {
    const t = gpuRuntime(gpu()) as Record<string, (...a: unknown[]) => unknown>;
    const g = tensor([4, 9, 3], 9), xs = [tensor([4, 2, 3], 10), tensor([4, 7, 3], 11)];
    const rd = async (x: unknown) => (await readTree(x)) as TArray;
    for (const i of [0, 1]) {
      expect(await rd(t.concatPart(g, 1, i, ...xs))).toEqual(rt.concatPart(g, 1, i, ...xs));
      expect(await rd(t.concatPartT(xs[i], g, 1, i, ...xs))).toEqual(rt.concatPartT(xs[i], g, 1, i, ...xs));
    }
    const s = tensor([4, 3, 5], 12), p = tensor([4, 5], 13);
    for (const i of [0, 2]) {
      expect(await rd(t.stackPart(s, -2, i))).toEqual(rt.stackPart(s, -2, i));
      expect(await rd(t.stackPartT(p, s, 1, i))).toEqual(rt.stackPartT(p, s, 1, i));
    }
    for (const axis of [undefined, 0, [0, 2], -1]) expect(await rd(t.flip(s, axis))).toEqual(jnp.flip(s, axis as number));
  });
});

// ---- products of any rank ----------------------------------------------------------------------------

/** The float64 batched product of float32 operands (numpy's matmul, batch axes broadcast), and Σ|a·b|. */
function product64(a: TArray, b: TArray): [TArray, TArray] {
  const abs = (x: TArray) => jnp.abs(x);
  // (float64 Arrays: the CPU's float64 matmul sums in float64, exact enough to be the reference)
  const a64 = a.astype("float64"), b64 = b.astype("float64");
  return [jnp.matmul(a64, b64).astype("float32"), jnp.matmul(abs(a64), abs(b64)).astype("float32")];
}

const mmSum = (a: Array, b: Array) => jnp.sum(jnp.multiply(jnp.matmul(a, b), 0.5));
const mmG = jit((a: Array, b: Array) => jnp.matmul(a, b), { device: "webgpu" });
const mmGradG = jit(grad(mmSum, { argnums: [0, 1] }), { device: "webgpu" }), mmGradC = jit(grad(mmSum, { argnums: [0, 1] }), { device: "cpu" });
const rows = (x: Array, w: Array) => vmap((r: Array) => jnp.matmul(r, w))(x);
const rowsG = jit(rows, { device: "webgpu" }), rowsC = jit(rows, { device: "cpu" });
const rowsLoss = (x: Array, w: Array) => jnp.sum(jnp.multiply(rows(x, w), 0.25));
const rowsGradG = jit(grad(rowsLoss, { argnums: [0, 1] }), { device: "webgpu" }), rowsGradC = jit(grad(rowsLoss, { argnums: [0, 1] }), { device: "cpu" });
const dotLoss = (a: Array, b: Array) => jnp.sum(jnp.multiply(jnp.dot(a, b), 0.5));
const dotGradG = jit(grad(dotLoss, { argnums: [0, 1] }), { device: "webgpu" }), dotGradC = jit(grad(dotLoss, { argnums: [0, 1] }), { device: "cpu" });

gpuSuite("WebGPU coverage: batched and broadcast matrix products, vmap'd products, dot's adjoints", () => {
  const shapes: [number[], number[]][] = [
    [[5, 70, 33], [5, 33, 90]],
    [[2, 1, 17, 9], [3, 9, 6]],
    [[4, 20, 30], [30, 8]],
    [[30], [4, 30, 8]],
    [[4, 20, 30], [30]],
    [[1, 64, 64], [3, 64, 64]],
  ];
  for (const [sa, sb] of shapes)
    it(`eager and jit'd matmul of (${sa.join(", ")}) and (${sb.join(", ")}) within (K+1)·2⁻²⁴·Σ|ab| of the exact product`, async () => {
      await initDevice("webgpu");
      const a = tensor(sa, sa.length * 7 + sa[0]), b = tensor(sb, sb.length * 11 + sb[0]);
      const [want, abs] = product64(a, b);
      const K = sa[sa.length - 1];
      const eager = jnp.matmul(onGpu(a), b);
      expect(eager.device).toBe("webgpu");
      await products(eager, want, abs, K / 2); // (one device against the exact product: half the two-device bound)
      await products(mmG(a, b), want, abs, K / 2);
    });

  it("matmul gradients of batched, broadcast, 2-d and 1-d operands (matmulGradA/B of any rank) in jit on the GPU", async () => {
    await initDevice("webgpu");
    for (const [sa, sb] of [[[3, 12, 10], [10, 5]], [[2, 1, 6, 10], [4, 10, 5]], [[10], [3, 10, 5]], [[12, 10], [10, 5]], [[10], [10, 5]], [[12, 10], [10]], [[10], [10]]] as [number[], number[]][]) {
      const a = tensor(sa, 20), b = tensor(sb, 21);
      const [ga, gb] = mmGradG(a, b), [ca, cb] = mmGradC(a, b);
      const [aa, ab] = mmGradC(jnp.abs(a), jnp.abs(b));
      // (a's gradient element sums N terms; b's the product's batch times M)
      await products(ga, ca, aa, sb[sb.length - 1]);
      await products(gb, cb, ab, a.size / sa[sa.length - 1]);
      expect(ga.device).toBe("webgpu");
    }
  });

  it("vmap of a per-example product (vMatmul) and its adjoints (vMatmulGradA/B) in jit on the GPU", async () => {
    await initDevice("webgpu");
    for (const sx of [[40, 12], [6, 5, 12]]) {
      const x = tensor(sx, 30), w = tensor([12, 7], 31);
      const [want, abs] = [rowsC(x, w), rowsC(jnp.abs(x), jnp.abs(w))];
      const got = rowsG(x, w);
      expect(got.device).toBe("webgpu");
      await products(got, want, abs, 12);
      const [gx, gw] = rowsGradG(x, w), [cx, cw] = rowsGradC(x, w);
      const [ax, aw] = rowsGradC(jnp.abs(x), jnp.abs(w));
      await products(gx, cx, ax, 7);
      await products(gw, cw, aw, x.size / 12);
    }
  });

  it("dot's gradients (dotGradA, dotGradB: matrix·vector, batched b, vector·matrix) in jit on the GPU", async () => {
    await initDevice("webgpu");
    for (const [sa, sb] of [[[30, 20], [20]], [[6, 20], [3, 20, 5]], [[20], [20, 9]], [[5, 4, 20], [20, 3]]] as [number[], number[]][]) {
      const a = tensor(sa, 40), b = tensor(sb, 41);
      const [ga, gb] = dotGradG(a, b), [ca, cb] = dotGradC(a, b);
      const [aa, ab] = dotGradC(jnp.abs(a), jnp.abs(b));
      // (a's gradient element sums b's other elements' terms, b's a's)
      const K = sa[sa.length - 1];
      await products(ga, ca, aa, b.size / K);
      await products(gb, cb, ab, a.size / K);
    }
  });
});

// ---- var, std, cumsum ----------------------------------------------------------------------------------

const varJ = (x: Array) => [jnp.var(x, 0), jnp.std(x, [0, 2], { ddof: 1 }), jnp.var(x, null, { keepdims: true })];
const varG = jit(varJ, { device: "webgpu" }), varC = jit(varJ, { device: "cpu" });
const stdLoss = (x: Array) => jnp.sum(jnp.std(x, 1));
const stdGradG = jit(grad(stdLoss), { device: "webgpu" }), stdGradC = jit(grad(stdLoss), { device: "cpu" });
const cs = (x: Array) => [jnp.cumsum(x, 1), jnp.cumsum(x), jnp.cumsum(x, -1)];
const csG = jit(cs, { device: "webgpu" }), csC = jit(cs, { device: "cpu" });
const csLoss = (x: Array) => jnp.sum(jnp.square(jnp.cumsum(x, 0)));
const csGradG = jit(grad(csLoss), { device: "webgpu" }), csGradC = jit(grad(csLoss), { device: "cpu" });

/** |got − want| ≤ ulps·ulp(want) elementwise. */
async function ulps(got: Array, want: Array, n: number): Promise<void> {
  expect(got.shape).toEqual(want.shape);
  const x = await got.dataAsync();
  for (let i = 0; i < want.size; i++) {
    const w = want.data[i] as number;
    expect(Math.abs((x[i] as number) - w)).toBeLessThanOrEqual(n * ulp32(w));
  }
}

gpuSuite("WebGPU coverage: var, std and cumsum", () => {
  // var: double-float32 mean and squared deviations, rounded once; the CPU's float64 rounded once:
  // within 1 ulp of each other; std: the GPU's √ of its float32 variance (½ ulp more), within 2
  it("eager and jit'd var/std (axes, ddof, keepdims) within 1 ulp (var) and 2 ulp (std) of the CPU's float64 ones", async () => {
    await initDevice("webgpu");
    const x = tensor([40, 30, 6], 50, 3, 5);
    const xg = onGpu(x);
    await ulps(jnp.var(xg, 1), jnp.var(x, 1), 1);
    await ulps(jnp.var(xg, [0, 2], { keepdims: true, ddof: 1 }), jnp.var(x, [0, 2], { keepdims: true, ddof: 1 }), 1);
    await ulps(jnp.std(xg), jnp.std(x), 2);
    expect(jnp.var(xg, 0).device).toBe("webgpu");
    const [g0, g1, g2] = varG(x), [c0, c1, c2] = varC(x);
    await ulps(g0, c0, 1);
    await ulps(g1, c1, 2);
    await ulps(g2, c2, 1);
    // ddof ≥ n: the CPU's division by 0 (∞; NaN for constant lines)
    const y = new TArray(Float32Array.of(1, 2, 3, 3), [2, 2], "float32");
    expect(list(await jnp.var(onGpu(y), 1, { ddof: 2 }).dataAsync())).toEqual(list(jnp.var(y, 1, { ddof: 2 }).data));
  });

  it("std's gradient in jit on the GPU: within 2⁻¹⁶·max|g| of the CPU's (x − mean cancels; the means differ in their last bits)", async () => {
    await initDevice("webgpu");
    const x = tensor([20, 50], 51, -2, 2);
    const g = stdGradG(x), c = stdGradC(x);
    const got = await g.dataAsync();
    const scale = Math.max(...list(c.data).map(Math.abs));
    for (let i = 0; i < c.size; i++) expect(Math.abs((got[i] as number) - (c.data[i] as number))).toBeLessThanOrEqual(2 ** -16 * scale);
  });

  it("cumsum (eager, jit, and its gradient through flip) is the CPU's bit for bit: float32 running sums in order", async () => {
    await initDevice("webgpu");
    const x = tensor([7, 300, 3], 52);
    const e = jnp.cumsum(onGpu(x), 1);
    expect(e.device).toBe("webgpu");
    await same(e, jnp.cumsum(x, 1));
    const g = csG(x), c = csC(x);
    for (let k = 0; k < 3; k++) await same(g[k], c[k]);
    await same(csGradG(x), csGradC(x));
  });
});

// ---- einsum, diagonal ------------------------------------------------------------------------------------

const ein2 = (a: Array, b: Array, c: Array) => jnp.einsum("bij,bjk,k->bi", a, b, c);
const einG = jit(ein2, { device: "webgpu" }), einC = jit(ein2, { device: "cpu" });
const einLoss = (a: Array, b: Array, c: Array) => jnp.sum(jnp.multiply(ein2(a, b, c), 0.5));
const einGradG = jit(grad(einLoss, { argnums: [0, 1, 2] }), { device: "webgpu" }), einGradC = jit(grad(einLoss, { argnums: [0, 1, 2] }), { device: "cpu" });
const diagLoss = (a: Array, b: Array) => jnp.sum(jnp.einsum("ii,ij->j", a, b));
const diagGradG = jit(grad(diagLoss, { argnums: [0, 1] }), { device: "webgpu" }), diagGradC = jit(grad(diagLoss, { argnums: [0, 1] }), { device: "cpu" });

gpuSuite("WebGPU coverage: einsum and diagonals", () => {
  // (K below: the terms an element sums over every contraction of the expression, a generous count)
  it("eager einsum of Arrays on the GPU: one and two operands, batches, ellipses, diagonals, within the products' bound", async () => {
    await initDevice("webgpu");
    const a = tensor([6, 9], 60), b = tensor([9, 5], 61), s = tensor([7, 7], 62), t = tensor([3, 6, 9], 63), u = tensor([3, 9, 4], 64);
    const cases: [string, Array[], number][] = [
      ["ij,jk->ik", [a, b], 9],
      ["bij,bjk->bik", [t, u], 9],
      ["...ij,...jk", [t, u], 9],
      ["ii->i", [s], 0],
      ["ij->ji", [a], 0],
      ["i,i->", [a.reshape([54]), a.reshape([54])], 54],
      ["bij->bj", [t], 6],
    ];
    for (const [spec, xs, K] of cases) {
      const got = jnp.einsum(spec, ...onGpu(xs));
      expect(got.device).toBe("webgpu");
      const want = jnp.einsum(spec, ...xs), abs = jnp.einsum(spec, ...xs.map((x) => jnp.abs(x)));
      if (K === 0) await same(got, want);
      else await products(got, want, abs, K);
    }
    const d = jnp.diagonal(onGpu(t), 1, 1, 2);
    expect(d.device).toBe("webgpu");
    await same(d, jnp.diagonal(t, 1, 1, 2));
  });

  it("jit'd einsum of three operands and its gradients (einsum again) on the GPU, within the products' bound", async () => {
    await initDevice("webgpu");
    const a = tensor([4, 6, 8], 65), b = tensor([4, 8, 5], 66), c = tensor([5], 67);
    await products(einG(a, b, c), einC(a, b, c), einC(jnp.abs(a), jnp.abs(b), jnp.abs(c)), 40);
    const g = einGradG(a, b, c), cg = einGradC(a, b, c), ab = einGradC(jnp.abs(a), jnp.abs(b), jnp.abs(c));
    for (let k = 0; k < 3; k++) await products(g[k], cg[k], ab[k], 4 * 6 * 8 * 5);
  });

  it("a repeated label's diagonal and its transpose (diagonal, diagonalTranspose) in jit on the GPU", async () => {
    await initDevice("webgpu");
    const s = tensor([7, 7], 68), b = tensor([7, 3], 69);
    const [gs, gb] = diagGradG(s, b), [cs0, cb] = diagGradC(s, b), [as, ab] = diagGradC(jnp.abs(s), jnp.abs(b));
    await products(gs, cs0, as, 3);
    await products(gb, cb, ab, 1);
  });
});

// ---- int32: take, argmax/argmin -----------------------------------------------------------------------

const tk = (x: Array, i: Array) => [jnp.take(x, i, 0), jnp.take(x, i, 1), jnp.take(x, i)];
const tkG = jit(tk, { device: "webgpu" }), tkC = jit(tk, { device: "cpu" });
const tkLoss = (x: Array, i: Array) => jnp.sum(jnp.multiply(jnp.take(x, i, 1), jnp.take(x, i, 1)));
const tkGradG = jit(grad(tkLoss), { device: "webgpu" }), tkGradC = jit(grad(tkLoss), { device: "cpu" });
const byArg = (x: Array, y: Array) => jnp.take(x, jnp.argmax(y, 0), 1);
const byArgG = jit(byArg, { device: "webgpu" }), byArgC = jit(byArg, { device: "cpu" });
const byArgLoss = (x: Array, y: Array) => jnp.sum(jnp.multiply(byArg(x, y), 3));
const byArgGradG = jit(grad(byArgLoss), { device: "webgpu" }), byArgGradC = jit(grad(byArgLoss), { device: "cpu" });
const am = (x: Array) => [jnp.argmax(x, 1), jnp.argmin(x, 0, { keepdims: true }), jnp.argmax(x), jnp.argmin(x, -1)];
const amG = jit(am, { device: "webgpu" }), amC = jit(am, { device: "cpu" });

gpuSuite("WebGPU coverage: int32 on the GPU (take with host indices, argmax/argmin)", () => {
  it("int32 Arrays go to the GPU and back unchanged, and move through transposes and joins as words", async () => {
    await initDevice("webgpu");
    const i = new TArray(Int32Array.of(-1, 0, 2147483647, -2147483648, 7, -3), [2, 3], "int32");
    const ig = onGpu(i);
    expect(ig.dtype).toBe("int32");
    await same(ig, i);
    await same(jnp.transpose(ig), jnp.transpose(i));
    await same(jnp.concatenate([ig, ig], 1), jnp.concatenate([i, i], 1));
  });

  it("jit'd take (any axis, flattened, negative indices) is the CPU's bit for bit; out-of-range indices are the CPU's error", async () => {
    await initDevice("webgpu");
    const x = tensor([5, 8], 70), i = new TArray(Int32Array.of(3, -1, 0, 3, 4), [5], "int32");
    const g = tkG(x, i), c = tkC(x, i);
    for (let k = 0; k < 3; k++) await same(g[k], c[k]);
    const bad = new TArray(Int32Array.of(0, 8), [2], "int32");
    expect(() => tkC(x, bad)).toThrow("take: index 8 is out of bounds for axis 0 with size 5 (shape (5, 8))");
    expect(() => tkG(x, bad)).toThrow("take: index 8 is out of bounds for axis 0 with size 5 (shape (5, 8))");
  });

  it("take's gradient (takeTranspose: repeated indices summed) within ½ ulp + 2⁻⁴⁰·Σ|terms| of the CPU's float64 sums", async () => {
    await initDevice("webgpu");
    const x = tensor([5, 8], 71), i = new TArray(Int32Array.of(3, -1, 0, 3, 3, 7), [6], "int32");
    const g = await tkGradG(x, i).dataAsync(), c = tkGradC(x, i);
    for (let k = 0; k < c.size; k++) {
      const w = c.data[k] as number;
      expect(Math.abs((g[k] as number) - w)).toBeLessThanOrEqual(ulp32(w) / 2 + 2 ** -40 * 8);
    }
  });

  it("indices made on the GPU (an argmax's) gather in jit, and their adjoint adds at them, as on the CPU", async () => {
    await initDevice("webgpu");
    const x = tensor([4, 9], 73), y = tensor([9, 20], 74);
    await same(byArgG(x, y), byArgC(x, y));
    // (each gradient element: a sum of 3s, exact in both)
    await same(byArgGradG(x, y), byArgGradC(x, y));
    // out of range (unchecked on the GPU): NaN, JAX's fill mode; in range as the CPU's
    const r = await jnp.take(onGpu(x), onGpu(new TArray(Int32Array.of(0, 9, -10, -1), [4], "int32")), 1).block();
    const want = jnp.take(x, new TArray(Int32Array.of(0, 0, 0, -1), [4], "int32"), 1);
    for (let k = 0; k < 16; k++) expect(r.data[k]).toBe(k % 4 === 1 || k % 4 === 2 ? NaN : want.data[k]);
  });

  it("jit'd argmax/argmin (axes, flat, keepdims, ties to the first, the first NaN) equal the CPU's", async () => {
    await initDevice("webgpu");
    const x = tensor([30, 300], 72);
    const g = amG(x), c = amC(x);
    for (let k = 0; k < 4; k++) {
      expect(g[k].dtype).toBe("int32");
      await same(g[k], c[k]);
    }
    const t = new TArray(Float32Array.of(1, 3, 3, 0, NaN, 2, NaN, -5, 0, -0, 0, 0), [3, 4], "float32");
    const gt = amG(t), ct = amC(t);
    for (let k = 0; k < 4; k++) await same(gt[k], ct[k]);
  });
});

gpuSuite("WebGPU coverage: more eager ops on Arrays on the GPU (dot, take, argmax/argmin, flip, integer cumsum, int32 joins)", () => {
  it("run on the GPU and equal the CPU's (dot within the products' bound, the rest bit for bit)", async () => {
    await initDevice("webgpu");
    const a = tensor([6, 20], 80), b = tensor([3, 20, 5], 81), v = tensor([20], 82);
    const [ag, bg] = onGpu([a, b]);
    for (const [got, x, y] of [[jnp.dot(ag, b), a, b], [jnp.dot(ag, v), a, v], [jnp.dot(v, onGpu(tensor([20, 4], 83))), v, tensor([20, 4], 83)], [jnp.dot(bg, 2), b, 2]] as [Array, Array, Array | number][]) {
      expect(got.device).toBe("webgpu");
      const want = jnp.dot(x, y), abs = jnp.dot(jnp.abs(x), typeof y === "number" ? y : jnp.abs(y));
      await products(got, want, abs, 20);
    }
    const i = new TArray(Int32Array.of(2, -1, 0), [3], "int32");
    const cases: [Array, Array][] = [
      [jnp.take(ag, i, 1), jnp.take(a, i, 1)],
      [jnp.take(ag, [5, 0]), jnp.take(a, [5, 0])],
      [jnp.argmax(ag, 1), jnp.argmax(a, 1)],
      [jnp.argmin(ag), jnp.argmin(a)],
      [jnp.flip(bg, [0, 2]), jnp.flip(b, [0, 2])],
      [jnp.cumsum(jnp.greater(ag, 0), 1), jnp.cumsum(jnp.greater(a, 0), 1)],
      [jnp.cumsum(onGpu(new TArray(Int32Array.of(2147483647, 1, -5, 7), [4], "int32"))), jnp.cumsum(new TArray(Int32Array.of(2147483647, 1, -5, 7), [4], "int32"))],
      [jnp.concatenate([onGpu(i), i]), jnp.concatenate([i, i])],
    ];
    for (const [got, want] of cases) {
      expect(got.device).toBe("webgpu");
      await same(got, want);
    }
    expect(() => jnp.take(ag, [0, 20], 1)).toThrow("take: index 20 is out of bounds for axis 1 with size 20 (shape (6, 20))");
  });
});
