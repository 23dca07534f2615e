// (c) float32 matrix products, GFLOP/s: tsjax's jnp.matmul (the WebAssembly SIMD kernel of
// runtime/jit/, on every core) against @jax-js/jax (jit(matmul), wasm backend) and TensorFlow.js
// (wasm backend), all in this one process, n×n · n×n for n = 256, 512, 1024.
//
// Built through the tsjax rollup plugin like the others, then run:
//   npm run build && (cd bench && npm ci) && node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs
//   node bench/dist/kernels.mjs [--quick] [--json FILE]
// or simply `bash bench/run.sh`. Every call reads its result back (a checksum of a few elements,
// checked against tsjax's own product within 1e-3).

import { numpy as jnp, Array as TArray } from "../runtime/index.js";
import { writeFileSync } from "node:fs";
import { type Any, type Case, calibrate, load, median, ratio, sample, versionOf as versionOfPkg, benchArgs } from "./harness.js";

const { JSON_OUT, SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 15, quick: 5 });
const versionOf = (pkg: string) => versionOfPkg(pkg, import.meta.url);

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

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
for (const n of SIZES) {
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

let jaxVersion = "not loaded";
try {
  const jax: Any = await load("@jax-js/jax");
  await jax.init("wasm");
  jaxVersion = `${versionOf("@jax-js/jax")} (${jax.defaultDevice()})`;
  const np = jax.numpy;
  const mm = jax.jit((x: Any, y: Any) => np.matmul(x, y));
  for (const n of SIZES) {
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
} catch (e) {
  skipped.push({ name: "@jax-js/jax", why: String((e as Error)?.message ?? e).split("\n")[0] });
}

let tfVersion = "not loaded";
try {
  const tf: Any = await load("@tensorflow/tfjs");
  await load("@tensorflow/tfjs-backend-wasm");
  if (!(await tf.setBackend("wasm"))) throw new Error("setBackend('wasm') returned false");
  tfVersion = `${versionOf("@tensorflow/tfjs")} (wasm)`;
  for (const n of SIZES) {
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
} catch (e) {
  skipped.push({ name: "@tensorflow/tfjs wasm", why: String((e as Error)?.message ?? e).split("\n")[0] });
}

console.log(`node ${process.version}; @jax-js/jax ${jaxVersion}; @tensorflow/tfjs ${tfVersion}; tsjax threads: ${process.env.TSJAX_THREADS ?? "all cores (at most 4)"}`);
console.log(`median of ${ROUNDS} samples (each ≥ ${SAMPLE_MS} ms of calls) taken round-robin after warm-up`);
for (const s of skipped) console.log(`skipped ${s.name}: ${s.why}`);
for (const c of cases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(cases, ROUNDS);

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
if (f) console.log(`  ${t >= 1.5 * f ? "MET   " : "MISSED"} (c) matmul 1024²: ${ratio(t / f)}x TF.js-wasm's GFLOP/s (target >= 1.5)`);
if (j) console.log(`  ${t >= 2 * j ? "MET   " : "MISSED"} (c) matmul 1024²: ${ratio(t / j)}x @jax-js/jax's GFLOP/s (target >= 2)`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, jax: jaxVersion, tf: tfVersion, results }, null, 2));
