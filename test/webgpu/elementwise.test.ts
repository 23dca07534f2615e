// Fused elementwise programs on the GPU (runtime/webgpu/wgsl.ts, run.ts) against the CPU jit's
// kernels (runtime/jit/fused.ts) on the same programs and inputs: bit-equal for the ops WGSL
// computes exactly, within the measured ulp bounds of DESIGN.md "WebGPU" for the transcendental
// functions (the kernels' own float32 polynomials: WGSL's builtins are not correctly rounded).
import { expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import { fused } from "../../runtime/jit/fused.js";
import { elementwiseOp } from "../../runtime/numpy/elementwise.js";
import { broadcastGpu, fusedGpu, pipelineCount, reshapeGpu, upload } from "../../runtime/webgpu/run.js";
import { broadcastTo } from "../../runtime/numpy/shape.js";
import { WGSL_OPS } from "../../runtime/webgpu/wgsl.js";
import { FUSABLE } from "../../transformer/jit/fuse.js";
import { PRIMS } from "../../transformer/prims/index.js";
import { gpu, gpuSuite, randoms, ulp32 } from "./gpu.js";

const N = 1 << 16;
const arr = (d: Float32Array | Uint8Array, shape: number[] = [d.length], dtype: "float32" | "bool" = "float32") => new NDArray(d, shape, dtype);
const one = (op: string, arity: number) => JSON.stringify({ in: arity, ops: [[op, ...Array.from({ length: arity }, (_, k) => k)]] });

async function both(src: string, ...xs: (NDArray | number)[]): Promise<[NDArray, NDArray]> {
  const g = await fusedGpu(gpu(), src, ...xs).read();
  return [g, fused(src, ...xs)];
}

/** Elements where the GPU and the CPU differ, as a few examples (empty: bit-equal). */
function diffs(g: NDArray, c: NDArray, ins: readonly NDArray[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < c.size && out.length < 3; i++)
    if (!Object.is(g.data[i], c.data[i]) && g.data[i] !== c.data[i]) out.push(`at (${ins.map((x) => x.data[i % x.size]).join(", ")}): gpu ${g.data[i]} cpu ${c.data[i]}`);
  return out;
}

/** Ops bit-equal to the CPU kernels, with their operands' ranges. */
const EXACT: [string, [number, number][]][] = [
  ["add", [[-10, 10], [-10, 10]]],
  ["subtract", [[-1e4, 1e4], [-1, 1]]],
  ["multiply", [[-10, 10], [-1e3, 1e3]]],
  ["negative", [[-10, 10]]],
  ["square", [[-100, 100]]],
  ["abs", [[-10, 10]]],
  ["sign", [[-1, 1]]],
  ["minimum", [[-1, 1], [-1, 1]]],
  ["maximum", [[-1, 1], [-1, 1]]],
  ["floor", [[-100, 100]]],
  ["ceil", [[-100, 100]]],
  ["trunc", [[-100, 100]]],
  ["fmod", [[-100, 100], [0.5, 7]]],
  // (WGSL allows ÷ 2.5 ulp and √ more; lavapipe's are exact, as the CPU's)
  ["divide", [[-100, 100], [0.01, 100]]],
  ["reciprocal", [[0.01, 100]]],
  ["sqrt", [[0, 1e6]]],
  ["equal", [[-2, 2], [-2, 2]]],
  ["less", [[-1, 1], [-1, 1]]],
  ["greaterEqual", [[-1, 1], [-1, 1]]],
  ["notEqual", [[-2, 2], [-2, 2]]],
];

/**
 * Transcendental ops: the largest error in float32 ulps of the CPU result measured on lavapipe
 * over 2^16 values of each range (the tests' bound; DESIGN.md "WebGPU" lists them).
 */
const ULPS: [string, [number, number][], number, number?][] = [
  ["exp", [[-80, 80]], 1],
  ["exp", [[-5, 5]], 1],
  ["log", [[1e-3, 1e3]], 1],
  ["log", [[0.5, 2]], 1],
  ["log1p", [[-0.9, 10]], 2],
  ["log1p", [[-1e-3, 1e-3]], 1],
  ["expm1", [[-10, 10]], 2],
  ["expm1", [[-1e-3, 1e-3]], 2],
  ["tanh", [[-10, 10]], 1],
  ["tanh", [[-0.7, 0.7]], 1],
  ["sin", [[-Math.PI, Math.PI]], 1, 2 ** -30],
  ["cos", [[-Math.PI, Math.PI]], 2, 2 ** -30],
  ["sin", [[-8192, 8192]], 1, 2 ** -30],
  ["cos", [[-8192, 8192]], 2, 2 ** -30],
  ["tan", [[-1.5, 1.5]], 2],
  ["tan", [[-8192, 8192]], 3, 2 ** -30],
  ["arcsin", [[-1, 1]], 2],
  ["arccos", [[-1, 1]], 1],
  ["arctan", [[-100, 100]], 2],
  ["sinh", [[-10, 10]], 2],
  ["cosh", [[-10, 10]], 1],
  // (exponents that are not integers: exp of y·log x in double-float32)
  ["power", [[0.1, 10], [-5, 5]], 1],
  ["power", [[1e-3, 1e3], [-10, 10]], 2],
  ["power", [[0.5, 2], [-100, 100]], 2],
  ["arctan2", [[-10, 10], [-10, 10]], 3],
  ["hypot", [[-100, 100], [-100, 100]], 2],
  ["fma", [[-10, 10], [-10, 10], [-10, 10]], 1],
];

it("the WGSL renderer table has a rule for every op the fusion pass puts in a program", () => {
  const ops = [...FUSABLE].map((p) => PRIMS[p].rt ?? p);
  expect(ops.filter((op) => !WGSL_OPS[op])).toEqual([]);
  // (operand counts as the primitives declare them)
  for (const p of FUSABLE) expect([p, WGSL_OPS[PRIMS[p].rt ?? p].arity]).toEqual([p, PRIMS[p].arity]);
});

gpuSuite("WebGPU fused elementwise kernels", () => {
  for (const [op, ranges] of EXACT)
    it(`${op} is bit-equal to the CPU kernel`, async () => {
      const ins = ranges.map(([lo, hi], k) => arr(randoms(N, lo, hi, 7 + k)));
      // (equality ops need equal operands: both drawn from a few values)
      if (op === "equal" || op === "notEqual") for (const x of ins) for (let i = 0; i < N; i++) x.data[i] = Math.round(x.data[i]);
      // (comparisons are not CPU kernel ops, whose values are float32: eager code's bool Arrays)
      const cmp = ["equal", "less", "greaterEqual", "notEqual"].includes(op);
      const g = await fusedGpu(gpu(), one(op, ins.length), ...ins).read();
      const c = cmp ? elementwiseOp(op, ...ins) : fused(one(op, ins.length), ...ins);
      expect([g.dtype, g.shape]).toEqual([c.dtype, c.shape]);
      expect(diffs(g, c, ins)).toEqual([]);
    });

  // (sin and cos: ulps where |result| ≥ 1/64, an absolute bound nearer their zeros, as the CPU's fastMath states)
  for (const [op, ranges, bound, near] of ULPS)
    it(`${op} on ${JSON.stringify(ranges)} is within ${bound} ulp of the CPU kernel${near ? ` where |result| ≥ 1/64, ${near} absolutely elsewhere` : ""}`, async () => {
      const ins = ranges.map(([lo, hi], k) => arr(randoms(N, lo, hi, 11 + k)));
      const [g, c] = await both(one(op, ins.length), ...ins);
      let worst = 0, worstAbs = 0;
      for (let i = 0; i < N; i++) {
        const e = Math.abs(g.data[i] - c.data[i]);
        if (near && Math.abs(c.data[i]) < 1 / 64) worstAbs = Math.max(worstAbs, e);
        else worst = Math.max(worst, e / ulp32(c.data[i]));
      }
      expect(worst).toBeLessThanOrEqual(bound);
      expect(worstAbs).toBeLessThanOrEqual(near ?? 0);
    });

  it("power of negative bases: integer exponents signed by parity, others NaN; pow(1, y) = 1", async () => {
    const x = arr(Float32Array.of(-2, -2, -3, -2, 1, 1, 0, 0, -0.5));
    const y = arr(Float32Array.of(3, 2, 0.5, -1, Infinity, NaN, 2, 0, 4));
    const [g] = await both(one("power", 2), x, y);
    expect(Array.from(g.data)).toEqual([-8, 4, NaN, -0.5, 1, 1, 0, 1, 0.0625]);
  });

  it("power with integer exponents (squaring in double-float32) is bit-equal to the CPU kernel", async () => {
    for (const [[lo, hi], [elo, ehi]] of [[[-10, 10], [-8, 8]], [[0.5, 2], [-30, 30]], [[0.1, 10], [-5, 5]]]) {
      const x = arr(randoms(N, lo, hi, 21)), y = arr(randoms(N, elo, ehi, 22).map(Math.round));
      const [g, c] = await both(one("power", 2), x, y);
      expect(diffs(g, c, [x, y])).toEqual([]);
    }
  });

  it("balancedEq (max/min's derivative) is bit-equal, ties included", async () => {
    const ins = [0, 1, 2].map((k) => arr(randoms(N, 0, 3, 3 + k).map(Math.floor)));
    const [g, c] = await both(one("balancedEq", 3), ...ins);
    expect(diffs(g, c, ins)).toEqual([]);
    expect(new Set(g.data)).toEqual(new Set([0, 0.5, 1]));
  });

  it("the tanh VJP chain (fuse.ts's program: a constant, fma) and an arithmetic chain are bit-equal", async () => {
    const t = arr(randoms(N, -1, 1, 5)), g1 = arr(randoms(N, -2, 2, 6));
    const vjp = JSON.stringify({ in: 2, ops: [["subtract", { c: 1 }, 0], ["multiply", 1, 2], ["fma", 3, 0, 3]] });
    const [g, c] = await both(vjp, t, g1);
    expect(diffs(g, c, [t, g1])).toEqual([]);
    const arith = JSON.stringify({ in: 3, ops: [["divide", 0, 1], ["multiply", { c: 2 }, 2], ["multiply", 3, 4]] });
    const [ga, ca] = await both(arith, arr(Float32Array.of(1)), 4096, arr(randoms(N, -3, 3, 8)));
    expect(diffs(ga, ca, [])).toEqual([]);
  });

  it("broadcasts rows, columns, one-element Arrays and JS numbers as the CPU does", async () => {
    const x = arr(randoms(512 * 24, -3, 3, 1), [512, 24]);
    const row = arr(randoms(24, -1, 1, 2), [24]);
    const col = arr(randoms(512, -1, 1, 3), [512, 1]);
    const s = arr(Float32Array.of(0.75), [1, 1]);
    const src = JSON.stringify({ in: 5, ops: [["add", 0, 1], ["multiply", 5, 2], ["subtract", 6, 3], ["maximum", 7, 4], ["minimum", 8, { c: Infinity }]] });
    const [g, c] = await both(src, x, row, col, s, -0.5);
    expect(g.shape).toEqual([512, 24]);
    expect(diffs(g, c, [x])).toEqual([]);
    // a 3-D broadcast of a middle axis
    const a = arr(randoms(8 * 16 * 32, -1, 1, 4), [8, 16, 32]);
    const mid = arr(randoms(16, -1, 1, 5), [16, 1]);
    const [g3, c3] = await both(one("multiply", 2), a, mid);
    expect(diffs(g3, c3, [a])).toEqual([]);
  });

  it("reads bool Arrays and makes bool Arrays: logical ops and where", async () => {
    const c = arr(randoms(N, 0, 2, 9).map(Math.floor) as unknown as Uint8Array, [N]);
    const cond = new NDArray(Uint8Array.from(c.data), [N], "bool");
    const a = arr(randoms(N, -1, 1, 10)), b = arr(randoms(N, -1, 1, 11));
    const [gw, cw] = await both(JSON.stringify({ in: 3, ops: [["where", 0, 1, 2]] }), cond, a, b);
    expect(diffs(gw, cw, [])).toEqual([]);
    const logic = JSON.stringify({ in: 3, ops: [["less", 1, 2], ["logicalAnd", 0, 3], ["logicalNot", 4], ["logicalOr", 5, 0]] });
    const [gl, cl] = await both(logic, cond, a, b);
    expect(gl.dtype).toBe("bool");
    expect(diffs(gl, cl, [])).toEqual([]);
    // bool add is or, multiply is and (jnp's)
    const [go, co] = await both(one("add", 2), cond, new NDArray(Uint8Array.from(cl.data), [N], "bool"));
    expect([go.dtype, diffs(go, co, [])]).toEqual(["bool", []]);
  });

  it("broadcastTo makes the broadcast full (float32 and bool); reshape is a view", async () => {
    const x = arr(randoms(3, -1, 1, 30), [3, 1]);
    expect(await broadcastGpu(gpu(), x, [2, 3, 4]).read()).toEqual(broadcastTo(x, [2, 3, 4]));
    const b = new NDArray(Uint8Array.of(1, 0, 1, 1), [4], "bool");
    expect(await broadcastGpu(gpu(), b, [3, 4]).read()).toEqual(broadcastTo(b, [3, 4]));
    const u = upload(gpu(), arr(randoms(12, -1, 1, 31), [3, 4]));
    const v = reshapeGpu(u, [2, 6]);
    expect([v.buffer === u.buffer, (await v.read()).shape]).toEqual([true, [2, 6]]);
    expect(() => reshapeGpu(u, [5])).toThrow("cannot reshape an array of shape (3, 4) into shape (5)");
    expect(() => broadcastGpu(gpu(), x, [2, 4])).toThrow("shape (3, 1) does not broadcast to (2, 4)");
  });

  it("compiles a program once per shape signature", async () => {
    const src = JSON.stringify({ in: 1, ops: [["exp", 0], ["add", 1, { c: 0.125 }]] });
    const x = upload(gpu(), arr(randoms(3000, -1, 1, 12)));
    await fusedGpu(gpu(), src, x).read();
    const n = pipelineCount(gpu());
    await fusedGpu(gpu(), src, x).read();
    await fusedGpu(gpu(), src, upload(gpu(), arr(randoms(3000, -2, 2, 13)))).read();
    expect(pipelineCount(gpu())).toBe(n);
    await fusedGpu(gpu(), src, arr(randoms(3001, -1, 1, 12))).read();
    expect(pipelineCount(gpu())).toBe(n + 1);
  });

  it("refuses what it does not render, naming it", async () => {
    const i32 = new NDArray(Int32Array.of(1, 2, 3), [3], "int32");
    expect(() => fusedGpu(gpu(), one("add", 2), i32, 1)).toThrow(/dtype int32 are not supported on the GPU yet/);
    const b = new NDArray(Uint8Array.of(1, 0), [2], "bool");
    expect(() => fusedGpu(gpu(), JSON.stringify({ in: 1, ops: [["add", 0, { c: 2 }]] }), b)).toThrow(/'add' of bool operands and a number makes an int32/);
    expect(() => fusedGpu(gpu(), JSON.stringify({ in: 1, ops: [["erf", 0]] }), arr(Float32Array.of(1)))).toThrow(/no WGSL rule for op 'erf'/);
    expect(() => fusedGpu(gpu(), one("add", 2), arr(new Float32Array(3)), arr(new Float32Array(4)))).toThrow(/shapes \(3\) \(4\) do not broadcast/);
    // (a broadcast output larger than a storage binding: refused before anything is allocated)
    const max = gpu().device.limits.maxStorageBufferBindingSize;
    const wide = Math.ceil(max / 4 / 1024) + 1;
    expect(() => fusedGpu(gpu(), one("add", 2), arr(new Float32Array(1024), [1024, 1]), arr(new Float32Array(wide), [wide]))).toThrow(/larger than this GPU binds \(maxStorageBufferBindingSize/);
  });
});
