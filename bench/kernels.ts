// (c) float32 matrix products, GFLOP/s: tsjax's jnp.matmul (the WebAssembly SIMD kernel of
// runtime/jit/, on every core) against @jax-js/jax (jit(matmul), wasm backend) and TensorFlow.js
// (wasm backend), all in this one process, n×n · n×n for n = 256, 512, 1024.
// (e) y = tanh(x·1.1 + 0.3)·exp(−x²) + sin(x) on 1M float32: tsjax eager and jit (one fused
// kernel), @jax-js/jax jit, TF.js wasm; and the gradient of Σy the same ways.
//
// Built through the tsjax rollup plugin like the others, then run:
//   npm run build && (cd bench && npm ci) && node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs
//   node bench/dist/kernels.mjs [--quick] [--json FILE]
//   node bench/dist/kernels.mjs --isolated [--quick]   ((e) only: each case in a process of its own)
// or simply `bash bench/run.sh`. Every call reads its result back (a checksum of a few elements,
// checked against tsjax's own product within 1e-3).

import { grad, jit, numpy as jnp, Array as TArray } from "../runtime/index.js";
import type { Array } from "../runtime/index.js";
import { writeFileSync } from "node:fs";
import { type Any, type Case, calibrate, median, ratio, sample, benchArgs, xorshift, loadTfWasm, skipReason, loadJaxWasm, inOwnProcesses } from "./harness.js";

const { JSON_OUT, SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 15, quick: 5 });
// --e-case=NAME[,NAME…]: those (e) cases alone (no products, no other library loaded unless it is
// one case's; e.g. "tsjax jit fastMath,@jax-js/jax jit" to see two cases with nothing between them);
// --isolated runs each (e) case of tsjax's jit and @jax-js/jax's that way, in processes of their own
// (in one process, the other cases' garbage and GC threads land in whichever case runs next)
const E_CASE = process.argv.find((a) => a.startsWith("--e-case="))?.slice(9);
// (several cases: names separated by commas)
const E_CASES = E_CASE?.split(",");
if (process.argv.includes("--isolated")) await isolated();

const rand = xorshift;

interface MCase extends Case {
  n: number;
}
const SIZES = [256, 512, 1024];
const cases: MCase[] = [];
const skipped: { name: string; why: string }[] = [];
/** The checksum of a product: a few elements spread over it. */
const probe = (d: ArrayLike<number>, n: number) => d[0] + d[n * n - 1] + d[(n >> 1) * n + (n >> 2)];

const inputs = new Map(SIZES.map((n) => [n, { a: rand(n * n, n), b: rand(n * n, n + 1) }] as const));
const expectOf = new Map<number, number>();
for (const n of E_CASE ? [] : SIZES) {
  const { a, b } = inputs.get(n)!;
  const A = new TArray(a, [n, n], "float32"), B = new TArray(b, [n, n], "float32");
  expectOf.set(n, probe(jnp.matmul(A, B).data, n));
  cases.push({
    name: `tsjax jnp.matmul ${n}²`,
    n,
    expect: expectOf.get(n)!,
    tol: 1e-3,
    samples: [],
    run(k) {
      let s = 0;
      for (let i = 0; i < k; i++) s += probe(jnp.matmul(A, B).data, n);
      return s;
    },
  });
}

// ---- (e) the elementwise chain
const E_N = 1 << 20;
const chain = (x: Array) => jnp.add(jnp.multiply(jnp.tanh(jnp.add(jnp.multiply(x, 1.1), 0.3)), jnp.exp(jnp.negative(jnp.multiply(x, x)))), jnp.sin(x));
const chainJ = jit(chain);
const chainGrad = grad((x: Array) => jnp.sum(chain(x)));
const chainGradJ = jit(grad((x: Array) => jnp.sum(chain(x))));
// (jit's fastMath: float32 exp/tanh/sin/cos in f32x4 lanes, a few ulps from the exact kernels)
const chainF = jit(chain, { fastMath: true });
const chainGradF = jit(grad((x: Array) => jnp.sum(chain(x))), { fastMath: true });
const XE_DATA = rand(E_N, 99);
const XE = new TArray(XE_DATA, [E_N], "float32");
const eProbe = (d: ArrayLike<number>) => d[0] + d[E_N >> 1] + d[E_N - 1];
const E_Y = eProbe(chain(XE).data), E_G = eProbe(chainGrad(XE).data);
const eCases: (Case & { kind: "y" | "grad" })[] = [];
const eCase = (name: string, kind: "y" | "grad", run: () => ArrayLike<number>) =>
  (!E_CASES || E_CASES.includes(name)) &&
  eCases.push({ name, kind, expect: kind === "y" ? E_Y : E_G, tol: 1e-4, samples: [], run: (k) => { let s = 0; for (let i = 0; i < k; i++) s += eProbe(run()); return s; } });
eCase("tsjax eager", "y", () => chain(XE).data);
eCase("tsjax jit (fused)", "y", () => chainJ(XE).data);
eCase("tsjax grad, eager", "grad", () => chainGrad(XE).data);
eCase("tsjax jit(grad) (fused)", "grad", () => chainGradJ(XE).data);
eCase("tsjax jit fastMath", "y", () => chainF(XE).data);
eCase("tsjax jit(grad) fastMath", "grad", () => chainGradF(XE).data);

let jaxVersion = "not loaded";
try {
  if (E_CASES && !E_CASES.some((c) => c.startsWith("@jax-js"))) throw new Error(`--e-case=${E_CASE}`);
  const peer = await loadJaxWasm(import.meta.url);
  const jax: Any = peer.jax;
  jaxVersion = peer.version;
  const np = jax.numpy;
  const mm = jax.jit((x: Any, y: Any) => np.matmul(x, y));
  for (const n of E_CASE ? [] : SIZES) {
    const { a, b } = inputs.get(n)!;
    const A = np.array(a, { shape: [n, n] }), B = np.array(b, { shape: [n, n] });
    cases.push({
      name: `@jax-js/jax jit(matmul) ${n}²`,
      n,
      expect: expectOf.get(n)!,
      tol: 1e-3,
      samples: [],
      run(k) {
        let s = 0;
        for (let i = 0; i < k; i++) s += probe(mm(A.ref, B.ref).dataSync(), n);
        return s;
      },
    });
  }
  const chainJx = (x: Any) => np.add(np.multiply(np.tanh(np.add(np.multiply(x.ref, 1.1), 0.3)), np.exp(np.negative(np.multiply(x.ref, x.ref)))), np.sin(x));
  const yJ = jax.jit(chainJx);
  const gJ = jax.jit(jax.grad((x: Any) => np.sum(chainJx(x))));
  const XJ = np.array(XE_DATA, { shape: [E_N] });
  eCase("@jax-js/jax jit", "y", () => yJ(XJ.ref).dataSync());
  eCase("@jax-js/jax jit(grad)", "grad", () => gJ(XJ.ref).dataSync());
} catch (e) {
  skipped.push({ name: "@jax-js/jax", why: skipReason(e) });
}

let tfVersion = "not loaded";
try {
  if (E_CASES && !E_CASES.some((c) => c.startsWith("TF.js"))) throw new Error(`--e-case=${E_CASE}`);
  const { tf, version } = await loadTfWasm(import.meta.url);
  tfVersion = version;
  for (const n of E_CASE ? [] : SIZES) {
    const { a, b } = inputs.get(n)!;
    const A = tf.tensor2d(a, [n, n]), B = tf.tensor2d(b, [n, n]);
    cases.push({
      name: `TF.js tf.matMul ${n}²`,
      n,
      expect: expectOf.get(n)!,
      tol: 1e-3,
      samples: [],
      run(k) {
        let s = 0;
        for (let i = 0; i < k; i++) {
          const c = tf.matMul(A, B);
          s += probe(c.dataSync(), n);
          c.dispose();
        }
        return s;
      },
    });
  }
  const XT = tf.tensor1d(XE_DATA);
  const chainT = (x: Any) => tf.add(tf.mul(tf.tanh(tf.add(tf.mul(x, 1.1), 0.3)), tf.exp(tf.neg(tf.mul(x, x)))), tf.sin(x));
  const gT = tf.grad((x: Any) => tf.sum(chainT(x)));
  const tfRun = (f: () => Any) => () => {
    const r = f();
    const d = r.dataSync();
    r.dispose();
    return d;
  };
  eCase("TF.js wasm", "y", tfRun(() => tf.tidy(() => chainT(XT))));
  eCase("TF.js wasm tf.grad", "grad", tfRun(() => tf.tidy(() => gT(XT))));
} catch (e) {
  skipped.push({ name: "@tensorflow/tfjs wasm", why: skipReason(e) });
}

console.log(`node ${process.version}; @jax-js/jax ${jaxVersion}; @tensorflow/tfjs ${tfVersion}; tsjax threads: ${process.env.TSJAX_THREADS ?? "all cores (at most 4)"}`);
console.log(`median of ${ROUNDS} samples (each ≥ ${SAMPLE_MS} ms of calls) taken round-robin after warm-up`);
for (const s of skipped) console.log(`skipped ${s.name}: ${s.why}`);
for (const c of cases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(cases, ROUNDS);

for (const c of eCases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(eCases, ROUNDS);
const eMs = (name: string) => {
  const c = eCases.find((x) => x.name === name);
  return c ? median(c.samples) / 1e6 : NaN;
};
console.log(`\n(e) y = tanh(x*1.1+0.3)*exp(-x*x)+sin(x), ${E_N} float32 (${(E_N * 8) / 1e6} MB read + written per pass)`);
for (const kind of ["y", "grad"] as const)
  for (const c of eCases.filter((x) => x.kind === kind)) {
    const ms = median(c.samples) / 1e6;
    console.log(`  ${(kind === "y" ? "forward  " : "gradient ") + c.name.padEnd(28)} ${ms.toFixed(2).padStart(8)} ms  ${((E_N * 8) / ms / 1e6).toFixed(2).padStart(6)} GB/s`);
  }
const gflops = (c: MCase) => (2 * c.n ** 3) / median(c.samples);
const results: Record<string, { gflops: number; ms: number }> = {};
for (const n of SIZES) {
  const mine = cases.find((c) => c.n === n && c.name.startsWith("tsjax"))!;
  console.log(`\nmatmul ${n}x${n} float32`);
  for (const c of cases.filter((c) => c.n === n)) {
    results[c.name] = { gflops: gflops(c), ms: median(c.samples) / 1e6 };
    const vs = c === mine ? "" : `   tsjax = ${ratio(gflops(mine) / gflops(c))}x this`;
    console.log(`  ${c.name.padEnd(34)} ${gflops(c).toFixed(1).padStart(6)} GFLOP/s  ${(median(c.samples) / 1e6).toFixed(2).padStart(8)} ms${vs}`);
  }
}
const at = (name: string) => results[name]?.gflops;
const t = at("tsjax jnp.matmul 1024²"), j = at("@jax-js/jax jit(matmul) 1024²"), f = at("TF.js tf.matMul 1024²");
console.log("");
if (f && t) console.log(`  ${t >= 1.5 * f ? "MET   " : "MISSED"} (c) matmul 1024²: ${ratio(t / f)}x TF.js-wasm's GFLOP/s (target >= 1.5)`);
if (j && t) console.log(`  ${t >= 2 * j ? "MET   " : "MISSED"} (c) matmul 1024²: ${ratio(t / j)}x @jax-js/jax's GFLOP/s (target >= 2)`);
for (const [mine, peer, what] of [
  ["tsjax jit (fused)", "@jax-js/jax jit", "forward"],
  ["tsjax jit(grad) (fused)", "@jax-js/jax jit(grad)", "gradient"],
  ["tsjax jit fastMath", "@jax-js/jax jit", "forward, fastMath"],
  ["tsjax jit(grad) fastMath", "@jax-js/jax jit(grad)", "gradient, fastMath"],
] as const) {
  const r = eMs(mine) / eMs(peer);
  if (Number.isFinite(r)) console.log(`  ${r <= 0.1 ? "MET   " : "MISSED"} (e) ${what}: tsjax ${eMs(mine).toFixed(2)} ms = ${ratio(r)}x @jax-js/jax's ${eMs(peer).toFixed(2)} ms (target <= 0.1)`);
}
for (const c of eCases) results[`(e) ${c.kind} ${c.name}`] = { gflops: NaN, ms: median(c.samples) / 1e6 };
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, jax: jaxVersion, tf: tfVersion, results }, null, 2));

/** (e) with each case in a process of its own (`--e-case`), rounds alternating between them. */
async function isolated(): Promise<never> {
  const rounds = process.argv.includes("--quick") ? 3 : 5;
  const pairs = [
    ["tsjax jit (fused)", "@jax-js/jax jit", "forward"],
    ["tsjax jit(grad) (fused)", "@jax-js/jax jit(grad)", "gradient"],
    ["tsjax jit fastMath", "@jax-js/jax jit", "forward, fastMath"],
    ["tsjax jit(grad) fastMath", "@jax-js/jax jit(grad)", "gradient, fastMath"],
  ] as const;
  const names = [...new Set(pairs.flatMap(([a, b]) => [a, b]))];
  // (a run of one case: its one result)
  const runs = inOwnProcesses<Record<string, { ms: number }>>(names.map((name) => [`--e-case=${name}`]), rounds);
  const got: Record<string, number[]> = Object.fromEntries(names.map((name, k) => [name, runs[k].flatMap((res) => Object.values(res).map((x) => x.ms))]));
  console.log(`(e), each case in a process of its own, ${rounds} rounds (ms: the median of each process's median; each in brackets)`);
  for (const [name, xs] of Object.entries(got)) console.log(`  ${name.padEnd(28)} ${median(xs).toFixed(2).padStart(7)} ms  (${xs.map((x) => x.toFixed(2)).join(", ")})`);
  for (const [mine, peer, what] of pairs) {
    if (!got[mine].length || !got[peer].length) continue;
    const r = median(got[mine]) / median(got[peer]);
    console.log(`  ${r <= 0.1 ? "MET   " : "MISSED"} (e) ${what}, isolated: ${ratio(r)}x @jax-js/jax's time (target <= 0.1)`);
  }
  process.exit(0);
}
