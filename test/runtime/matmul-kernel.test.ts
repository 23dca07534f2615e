// The WebAssembly SIMD matmul kernel (runtime/jit/): against float64 within its stated bound,
// around the tile edges (4-row strips, 8-column panels, blocks of 256 steps of k), with one and
// with two threads (identical results), through jnp.matmul above the size threshold, a kernel that
// traps on a worker (an error, not a deadlock), flat memory over many calls, and a runtime with no
// SharedArrayBuffer (one thread, unshared memory).
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gemmWasm, gemvWasm, WASM_MIN_WORK } from "../../runtime/jit/matmul.js";
import { residentBytes } from "../../runtime/jit/resident.js";
import { machine } from "../../runtime/jit/machine.js";
import { Pool } from "../../runtime/jit/pool.js";
import { NDArray } from "../../runtime/array.js";
import * as la from "../../runtime/numpy/linalg.js";
import * as rt from "../../runtime/rt.js";

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** max over C of |C − C64| / (Σ_k |a||b|): the float32 summation bound is (K + 1)·2⁻²⁴ of it. */
function relErr(A: Float32Array, B: Float32Array, C: Float32Array, M: number, K: number, N: number): number {
  let worst = 0;
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0, m = 0;
      for (let k = 0; k < K; k++) {
        s += A[i * K + k] * B[k * N + j];
        m += Math.abs(A[i * K + k] * B[k * N + j]);
      }
      if (m > 0) worst = Math.max(worst, Math.abs(C[i * N + j] - s) / m);
    }
  return worst;
}

/** Let the worker threads start (they come up asynchronously; until then the caller works alone). */
async function workersReady(): Promise<void> {
  const m = machine();
  for (let i = 0; i < 100 && m?.pool && m.pool.ready().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
}

describe("the WebAssembly matmul kernel", () => {
  const SIZES: [number, number, number][] = [
    [1, 1, 1], [6, 8, 8], [7, 9, 5], [13, 17, 12], [5, 300, 3], [12, 256, 16], [11, 257, 17], [25, 513, 31], [70, 40, 130], [0, 5, 3], [4, 0, 6], [3, 5, 0],
  ];
  it.each(SIZES)("%i×%i · %i×… is within (K+1)·2⁻²⁴ of float64, the same on one and on two threads", async (M, K, N) => {
    await workersReady();
    const A = rand(M * K, M + 7 * K), B = rand(K * N, N + 3);
    const C1 = new Float32Array(M * N).fill(NaN), C2 = new Float32Array(M * N).fill(NaN);
    expect(gemmWasm(A, 0, B, 0, M, K, N, C1, 0, 1)).toBe(true);
    expect(gemmWasm(A, 0, B, 0, M, K, N, C2, 0)).toBe(true);
    expect(relErr(A, B, C1, M, K, N)).toBeLessThanOrEqual((K + 1) * 2 ** -24);
    expect(C2).toEqual(C1);
    if (K === 0) expect([...C1].every((v) => v === 0)).toBe(true);
  });

  it.each([
    [false, true],
    [true, false],
    [true, true],
  ])("operands read transposed in place (transA %s, transB %s): within the bound", async (ta, tb) => {
    await workersReady();
    const M = 37, K = 300, N = 29;
    const A = rand(M * K, 21), B = rand(K * N, 22);
    // store the transposes where asked: logical A(i, k) = At[k·M + i], B(k, j) = Bt[j·K + k]
    const At = new Float32Array(M * K), Bt = new Float32Array(K * N);
    for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) At[k * M + i] = A[i * K + k];
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Bt[j * K + k] = B[k * N + j];
    const C = new Float32Array(M * N), C0 = new Float32Array(M * N);
    gemmWasm(ta ? At : A, 0, tb ? Bt : B, 0, M, K, N, C, 0, Infinity, ta, tb);
    gemmWasm(A, 0, B, 0, M, K, N, C0, 0);
    expect(relErr(A, B, C, M, K, N)).toBeLessThanOrEqual((K + 1) * 2 ** -24);
    expect(C).toEqual(C0); // the same sums in the same order
  });

  it.each([8, 64, 256, 264])("B read where it is stored (row-major, N = %i) gives the packed B's bits", async (N) => {
    // (N a multiple of 8 up to 256 is read in place, B kept in kernel memory from its second use;
    // a transposed B is always packed: the same sums in the same order either way)
    await workersReady();
    const M = 45, K = 520;
    const A = rand(M * K, 31), B = rand(K * N, 32), Bt = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Bt[j * K + k] = B[k * N + j];
    const packed = new Float32Array(M * N);
    gemmWasm(A, 0, Bt, 0, M, K, N, packed, 0, Infinity, false, true);
    for (let use = 0; use < 3; use++) {
      const C = new Float32Array(M * N).fill(NaN);
      gemmWasm(A, 0, B, 0, M, K, N, C, 0);
      expect(C).toEqual(packed);
    }
    expect(relErr(A, B, packed, M, K, N)).toBeLessThanOrEqual((K + 1) * 2 ** -24);
  });

  it.each([
    [20, 301, 24],
    [9, 6, 9],
    [30, 33, 16],
    [7, 1, 8],
  ])("a transposed B of %i×%i·…×%i (full panels with a tail of k, partial panels) packs like the stored one", (M, K, N) => {
    const A = rand(M * K, 31), B = rand(K * N, 32);
    const Bt = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Bt[j * K + k] = B[k * N + j];
    const C = new Float32Array(M * N), C0 = new Float32Array(M * N);
    gemmWasm(A, 0, Bt, 0, M, K, N, C, 0, Infinity, false, true);
    gemmWasm(A, 0, B, 0, M, K, N, C0, 0);
    expect(C).toEqual(C0);
    expect(relErr(A, B, C, M, K, N)).toBeLessThanOrEqual((K + 1) * 2 ** -24);
  });

  it("the matmul adjoints of large 2-D operands (G·Bᵀ, Aᵀ·G read in place) against float64", () => {
    const M = 70, K = 64, N = 90;
    const A = new NDArray(rand(M * K, 31), [M, K], "float32"), B = new NDArray(rand(K * N, 32), [K, N], "float32"), G = new NDArray(rand(M * N, 33), [M, N], "float32");
    const gA = rt.matmulGradA(G, A, B), gB = rt.matmulGradB(G, A, B);
    expect(gA.shape).toEqual([M, K]);
    expect(gB.shape).toEqual([K, N]);
    const Bt = new Float32Array(N * K), At = new Float32Array(K * M);
    for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Bt[j * K + k] = (B.data as Float32Array)[k * N + j];
    for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) At[k * M + i] = (A.data as Float32Array)[i * K + k];
    expect(relErr(G.data as Float32Array, Bt, gA.data as Float32Array, M, N, K)).toBeLessThanOrEqual((N + 1) * 2 ** -24);
    expect(relErr(At, G.data as Float32Array, gB.data as Float32Array, K, M, N)).toBeLessThanOrEqual((M + 1) * 2 ** -24);
  });

  it("offsets into larger buffers are honoured", () => {
    const M = 9, K = 10, N = 11;
    const A = rand(M * K + 5, 1), B = rand(K * N + 3, 2), C = new Float32Array(M * N + 4).fill(7);
    gemmWasm(A, 5, B, 3, M, K, N, C, 4);
    expect([...C.subarray(0, 4)]).toEqual([7, 7, 7, 7]);
    expect(relErr(A.subarray(5), B.subarray(3), C.subarray(4), M, K, N)).toBeLessThanOrEqual((K + 1) * 2 ** -24);
  });

  it("jnp.matmul uses it above the threshold: a 96×128 · 128×100 product within the bound", async () => {
    await workersReady();
    const M = 96, K = 128, N = 100;
    expect(M * K * N).toBeGreaterThanOrEqual(WASM_MIN_WORK);
    const A = rand(M * K, 5), B = rand(K * N, 6);
    const C = la.matmul(new NDArray(A, [M, K], "float32"), new NDArray(B, [K, N], "float32"));
    expect(C.shape).toEqual([M, N]);
    expect(relErr(A, B, C.data as Float32Array, M, K, N)).toBeLessThanOrEqual((K + 1) * 2 ** -24);
  });

  it("a kernel that traps on a worker is an error on the caller, and the worker serves the next job", async () => {
    await workersReady();
    const m = machine()!;
    if (!m.pool || m.pool.ready().length === 0) return; // one core: nothing to test here
    const w = m.pool.ready()[0];
    m.pool.post(w, "gemmRows", [0x7ffffff0, 0x7ffffff0, 0x7ffffff0, 64, 64, 0, 6, 0x7ffffff0, 256, 4, 2048, 32]);
    expect(() => m.pool!.wait(w)).toThrow(/a kernel failed on a worker thread/);
    const A = rand(600 * 30, 1), B = rand(30 * 40, 2), C = new Float32Array(600 * 40);
    gemmWasm(A, 0, B, 0, 600, 30, 40, C, 0);
    expect(relErr(A, B, C, 600, 30, 40)).toBeLessThanOrEqual(31 * 2 ** -24);
  });

  it("settle takes back a job its worker has not taken (it never runs); wait waits for one", async () => {
    const m = machine()!;
    if (!m.shared) return; // no threads here
    // a pool of its own, used before its worker has started: the job cannot have been taken
    const pool = Pool.start(1, m.module, m.memory)!;
    const trap = [0x7ffffff0, 0x7ffffff0, 0x7ffffff0, 64, 64, 0, 6, 0x7ffffff0, 256, 4, 2048, 32];
    try {
      expect(pool.ready()).toEqual([]);
      pool.post(0, "gemmRows", trap);
      expect(() => pool.settle(0)).not.toThrow();
      for (let i = 0; i < 250 && pool.ready().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(pool.ready()).toEqual([0]);
      // (had the started worker run the job taken back, it would have trapped: the next error
      // would be that one; a plain wait runs a job to its end and reports its trap)
      pool.post(0, "gemmRows", trap);
      expect(() => pool.wait(0)).toThrow(/a kernel failed on a worker thread/);
      pool.post(0, "gemmRows", [0, 0, 0, 0, 8, 0, 0, 0, 4, 4, 0, 32]);
      expect(() => pool.wait(0)).not.toThrow();
    } finally {
      await pool.close();
    }
  });

  it("memory stays flat over many calls of one size", () => {
    const M = 64, K = 64, N = 64;
    const A = rand(M * K, 1), B = rand(K * N, 2), C = new Float32Array(M * N);
    gemmWasm(A, 0, B, 0, M, K, N, C, 0);
    const size = machine()!.memory.buffer.byteLength;
    for (let r = 0; r < 500; r++) gemmWasm(A, 0, B, 0, M, K, N, C, 0);
    expect(machine()!.memory.buffer.byteLength).toBe(size);
  });

  it("runs without SharedArrayBuffer: one thread on unshared memory", () => {
    const url = new URL("../../dist/runtime/jit/matmul.js", import.meta.url).href;
    const script = `
      const { gemmWasm } = await import(${JSON.stringify(url)});
      const A = new Float32Array(40 * 30).fill(0.5), B = new Float32Array(30 * 20).fill(2), C = new Float32Array(40 * 20);
      const ok = gemmWasm(A, 0, B, 0, 40, 30, 20, C, 0);
      console.log(JSON.stringify({ sab: typeof SharedArrayBuffer, ok, c: C[17] }));`;
    const out = execFileSync(process.execPath, ["--no-harmony-sharedarraybuffer", "--input-type=module", "-e", script], { encoding: "utf8", cwd: fileURLToPath(new URL("../..", import.meta.url)) });
    expect(JSON.parse(out.trim())).toEqual({ sab: "undefined", ok: true, c: 30 });
  });
});

describe("matrix-vector products (gemv): the matrix read once, float64 sums", () => {
  /** Σ in float64 in order, and Σ|·|: the reference and the bound's scale. */
  const ref = (n: number, term: (k: number) => number) => {
    let s = 0, m = 0;
    for (let k = 0; k < n; k++) (s += term(k)), (m += Math.abs(term(k)));
    return [s, m];
  };
  const SHAPES: [number, number][] = [[1, 1], [3, 5], [777, 13], [1000, 100], [20000, 7], [5, 30000], [0, 4], [4, 0]];
  it.each(SHAPES)("S %i×%i: S·v and Sᵀ·g within half an ulp of float32 plus n·2⁻⁵² of Σ|ab|, the same on one and two threads", async (R, C) => {
    await workersReady();
    const S = rand(R * C, R + C), v = rand(C, 3), g = rand(R, 4);
    const y = new Float32Array(R).fill(NaN), y1 = new Float32Array(R).fill(NaN), yt = new Float32Array(C).fill(NaN), yt1 = new Float32Array(C).fill(NaN);
    expect(gemvWasm(S, 0, v, 0, R, C, y, 0, false)).toBe(true);
    expect(gemvWasm(S, 0, g, 0, R, C, yt, 0, true)).toBe(true);
    gemvWasm(S, 0, v, 0, R, C, y1, 0, false, 1);
    gemvWasm(S, 0, g, 0, R, C, yt1, 0, true, 1);
    for (let r = 0; r < R; r++) {
      const [s, m] = ref(C, (k) => S[r * C + k] * v[k]);
      expect(Math.abs(y[r] - s)).toBeLessThanOrEqual(Math.abs(s) * 2 ** -24 + C * 2 ** -52 * m);
    }
    for (let k = 0; k < C; k++) {
      const [s, m] = ref(R, (r) => S[r * C + k] * g[r]);
      expect(Math.abs(yt[k] - s)).toBeLessThanOrEqual(Math.abs(s) * 2 ** -24 + R * 2 ** -52 * m);
    }
    expect(y1).toEqual(y);
    expect(yt1).toEqual(yt);
  });
  it("jnp.matmul of a large matrix and a vector, and its gradient, use it (against float64)", () => {
    const R = 3000, C = 100;
    const S = rand(R * C, 9), v = rand(C, 10), g = rand(R, 11);
    const X = new NDArray(S, [R, C], "float32"), w = new NDArray(v, [C], "float32"), G = new NDArray(g, [R], "float32");
    const y = la.matmul(X, w).data, yt = la.matmul(G, X).data;
    const gw = rt.matmulGradB(G, X, w);
    expect(gw.shape).toEqual([C]);
    for (const r of [0, 1234, R - 1]) expect(y[r]).toBe(Math.fround(ref(C, (k) => S[r * C + k] * v[k])[0]));
    for (const k of [0, 57, C - 1]) {
      const s = Math.fround(ref(R, (r) => S[r * C + k] * g[r])[0]);
      expect(yt[k]).toBe(s);
      expect(gw.data[k]).toBe(s);
    }
  });
  it("a matrix used again is copied into kernel memory once (at its second use), and the copies stay within their budget", () => {
    const R = 4000, C = 50;
    const S = rand(R * C, 12), v = rand(C, 13), y = new Float32Array(R);
    const before = residentBytes();
    gemvWasm(S, 0, v, 0, R, C, y, 0, false);
    expect(residentBytes()).toBe(before);
    gemvWasm(S, 0, v, 0, R, C, y, 0, false);
    const kept = residentBytes(), size = machine()!.memory.buffer.byteLength;
    expect(kept).toBeGreaterThanOrEqual(R * C * 4);
    for (let i = 0; i < 50; i++) gemvWasm(S, 0, v, 0, R, C, y, 0, false);
    expect(residentBytes()).toBe(kept);
    // many different large matrices: older copies are given back, memory stops growing
    for (let i = 0; i < 400; i++) {
      const S2 = rand(R * C, 100 + i);
      gemvWasm(S2, 0, v, 0, R, C, y, 0, false);
      gemvWasm(S2, 0, v, 0, R, C, y, 0, false);
    }
    const grown = machine()!.memory.buffer.byteLength;
    for (let i = 0; i < 200; i++) {
      const S2 = rand(R * C, 600 + i);
      gemvWasm(S2, 0, v, 0, R, C, y, 0, false);
      gemvWasm(S2, 0, v, 0, R, C, y, 0, false);
    }
    expect(machine()!.memory.buffer.byteLength).toBe(grown);
    expect(residentBytes()).toBeLessThanOrEqual(128 * 2 ** 20);
    expect(grown).toBeGreaterThanOrEqual(size);
  });
});

describe("kept copies do not keep their Arrays alive", () => {
  it("Arrays copied into kernel memory are still collected inside one long synchronous loop", () => {
    // (a WeakRef would keep each of them alive until the loop's job ends: 400 MiB here)
    const R = 1024, C = 256, v = rand(C, 1), y = new Float32Array(R);
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 400; i++) {
      const S = new Float32Array(R * C).fill(i % 3);
      gemvWasm(S, 0, v, 0, R, C, y, 0, false);
      gemvWasm(S, 0, v, 0, R, C, y, 0, false);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(200 * 2 ** 20);
  });
});

describe("a product's shape without the product (the jit's unbroadcastProduct)", () => {
  const arr = (shape: number[], seed: number) => new NDArray(rand(shape.reduce((a, b) => a * b, 1), seed), shape, "float32");
  it.each([
    ["matmul", [4, 3], [3, 5]],
    ["matmul", [3], [3, 5]],
    ["matmul", [4, 3], [3]],
    ["matmul", [2, 1, 4, 3], [5, 3, 6]],
    ["dot", [4, 3], [3, 5]],
    ["dot", [2, 4, 3], [5, 3, 6]],
    ["dot", [], [3, 5]],
    ["dot", [3], [3]],
  ] as const)("%s of %j and %j: the shape, and unbroadcast to it", (kind, sa, sb) => {
    const a = arr([...sa], 1), b = arr([...sb], 2);
    const p = kind === "dot" ? la.dot(a, b) : la.matmul(a, b);
    expect(la.productShape(kind, a, b)).toEqual(p.shape);
    const g = arr([3, ...p.shape], 3);
    expect((rt.unbroadcastProduct(g, a, b, kind) as NDArray).data).toEqual((rt.unbroadcast(g, p) as NDArray).data);
    const same = arr(p.shape, 4);
    expect(rt.unbroadcastProduct(same, a, b, kind)).toBe(same);
  });
});
