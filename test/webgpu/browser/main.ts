// The WebGPU kernels in a browser (test/webgpu/browser.test.ts builds this page and opens it in
// headless Chromium): the device found through navigator.gpu, then fused elementwise chains, a
// fused reduction, axis reductions and the tiled matmul (plain and transposed) on the GPU, each
// against the CPU kernels on the same inputs in the same page. The page reports the largest
// errors; the test holds them to the bounds the Node tests use.
import { NDArray } from "../../../runtime/array.js";
import { fused } from "../../../runtime/jit/fused.js";
import { matmul } from "../../../runtime/numpy/linalg.js";
import { max, sum } from "../../../runtime/numpy/reduce.js";
import { transpose } from "../../../runtime/numpy/shape.js";
import { webgpu } from "../../../runtime/webgpu/device.js";
import { fusedGpu, matmulGpu, reduceGpu, upload } from "../../../runtime/webgpu/run.js";
import { randoms, ulp32 } from "../../float32.js";
import { devicePut, initDevice } from "../../../runtime/placement.js";
import * as jnp from "../../../runtime/numpy/index.js";

export interface Report {
  adapter: string;
  /** Largest |gpu − cpu| in float32 ulps of the CPU value, per exact elementwise chain. */
  exactUlps: Record<string, number>;
  /** Largest error in ulps of the transcendental chain. */
  tanhExpUlps: number;
  /** Largest |gpu − cpu| / (Σ|terms| bound) of the reductions and products (≤ 1 passes). */
  bounded: Record<string, number>;
  /** An Array on the GPU in the page: the synchronous read's error before block(), and its values after. */
  resident: { before: string; after: number[]; device: string } | null;
  error: string | null;
}
// (the repository's typecheck has no DOM library: the page's one element through globalThis)
const w = globalThis as unknown as { __gpu?: Report; document: { getElementById(id: string): { textContent: string } | null } };

const arr = (d: Float32Array, shape: number[]) => new NDArray(d, shape, "float32");
const ulps = (g: ArrayLike<number>, c: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < c.length; i++) m = Math.max(m, Math.abs(g[i] - c[i]) / ulp32(c[i]));
  return m;
};
/** max |g − c| / bound, the bound per element rel·Σ|terms| (here scale·rel with Σ|terms| ≤ scale). */
const within = (g: ArrayLike<number>, c: ArrayLike<number>, bound: (i: number) => number) => {
  let m = 0;
  for (let i = 0; i < c.length; i++) m = Math.max(m, Math.abs(g[i] - c[i]) / bound(i));
  return m;
};

/** An eager op on an Array on the GPU, read synchronously (an error) and after `await block()`. */
async function resident(): Promise<Report["resident"]> {
  await initDevice("webgpu");
  const x = jnp.multiply(devicePut(arr(Float32Array.of(1.5, -2, 0.25), [3]), "webgpu"), 2);
  let before = "";
  try {
    x.tolist();
  } catch (e) {
    before = (e as Error).message;
  }
  await x.block();
  return { before, after: x.tolist() as number[], device: x.device };
}

async function main(): Promise<Report> {
  const g = await webgpu();
  const n = 4099; // not a multiple of the workgroup size
  const a = arr(randoms(n, -3, 3, 1), [n]), b = arr(randoms(n, 0.5, 2, 2), [n]);
  const exactUlps: Record<string, number> = {};
  const chains: Record<string, string> = {
    "add multiply subtract": JSON.stringify({ in: 2, ops: [["add", 0, 1], ["multiply", 2, 0], ["subtract", 3, 1]] }),
    "divide sqrt maximum": JSON.stringify({ in: 2, ops: [["divide", 0, 1], ["abs", 2], ["sqrt", 3], ["maximum", 4, { c: 0.5 }]] }),
    "fma of a tanh cotangent": JSON.stringify({ in: 2, ops: [["subtract", { c: 1 }, 0], ["multiply", 1, 2], ["fma", 3, 0, 3]] }),
  };
  for (const [name, src] of Object.entries(chains)) {
    const got = await fusedGpu(g, src, upload(g, a), upload(g, b)).read();
    exactUlps[name] = ulps(got.data as Float32Array, fused(src, a, b).data as Float32Array);
  }
  const tx = JSON.stringify({ in: 1, ops: [["tanh", 0], ["exp", 1]] });
  const tanhExpUlps = ulps((await fusedGpu(g, tx, upload(g, a)).read()).data as Float32Array, fused(tx, a).data as Float32Array);

  const bounded: Record<string, number> = {};
  // a fused sum of squares of differences: within ½ ulp + 2⁻⁴⁰·Σ|v| of the CPU's (float64-summed) value
  const ss = JSON.stringify({ in: 2, ops: [["subtract", 0, 1], ["square", 2]], reduce: "sum" });
  const sg = (await fusedGpu(g, ss, upload(g, a), upload(g, b)).read()).data[0] as number, sc = fused(ss, a, b).data[0] as number;
  bounded["fused sum"] = Math.abs(sg - sc) / (ulp32(sc) + 2 ** -40 * Math.abs(sc));
  // axis sums and maxima of a 300 × 37 matrix
  const m = arr(randoms(300 * 37, -1, 1, 3), [300, 37]);
  const s0 = (await reduceGpu(g, upload(g, m), "sum", 0).read()).data, c0 = sum(m, 0).data;
  bounded["axis sum"] = within(s0, c0, (i) => ulp32(c0[i]) + 300 * 2 ** -24 * 300);
  const x1 = (await reduceGpu(g, upload(g, m), "max", 1).read()).data, cx = max(m, 1).data;
  bounded["axis max (exact)"] = within(x1, cx, () => Infinity) + ulps(x1, cx);
  // matmul 67 × 129 · 129 × 71 and Aᵀ·B: each element within (K + 1)·2⁻²⁴·Σ|ab| (Σ|ab| ≤ K here: |a|, |b| < 1)
  const A = arr(randoms(67 * 129, -1, 1, 4), [67, 129]), B = arr(randoms(129 * 71, -1, 1, 5), [129, 71]);
  const K = 129, bound = () => (K + 1) * 2 ** -24 * K;
  bounded["matmul"] = within((await matmulGpu(g, upload(g, A), upload(g, B)).read()).data, matmul(A, B).data, bound);
  const At = transpose(A);
  bounded["matmul Aᵀ·B"] = within((await matmulGpu(g, upload(g, At), upload(g, B), true, false).read()).data, matmul(A, B).data, bound);
  return { adapter: g.adapterName, exactUlps, tanhExpUlps, bounded, resident: await resident(), error: null };
}

main()
  .catch((e: unknown) => ({ adapter: "", exactUlps: {}, tanhExpUlps: NaN, bounded: {}, resident: null, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }))
  .then((r) => {
    w.__gpu = r;
    w.document.getElementById("out")!.textContent = JSON.stringify(r, null, 2);
  });
