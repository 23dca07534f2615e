// (b') logistic regression: valueAndGrad of the mean logistic loss over X 100000×100 (float32),
// labels ±1: tsjax (jit(valueAndGrad), compiled at build time) against @jax-js/jax
// (jit(valueAndGrad), wasm backend) and TensorFlow.js (wasm backend, tf.valueAndGrad), in one
// process. X is made once per library and stays where the library keeps it.
//
// Built through the tsjax rollup plugin like the others, then run:
//   node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs && node bench/dist/logreg.mjs [--quick] [--json FILE]
// or `bash bench/run.sh`. Every call reads its loss and a gradient element back (the checksum,
// checked against tsjax's own within 1e-3).

import { jit, valueAndGrad, numpy as jnp, Array as TArray } from "../runtime/index.js";
import type { Array } from "../runtime/index.js";
import { writeFileSync } from "node:fs";
import { type Any, type Case, calibrate, median, ratio, sample, benchArgs, xorshift, loadTfWasm, skipReason, loadJaxWasm } from "./harness.js";

const { JSON_OUT, SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 15, quick: 5 });

const N = 100_000, D = 100;
const X = xorshift(N * D, 5);
const W = xorshift(D, 6).map((v) => v * 0.1);
const Y = xorshift(N, 7).map((v) => (v > 0 ? 1 : -1));

// mean(log(1 + exp(−y·(X·w))))
const loss = (w: Array, x: Array, y: Array) => jnp.mean(jnp.log1p(jnp.exp(jnp.negative(jnp.multiply(y, jnp.matmul(x, w))))));
const vg = jit(valueAndGrad(loss));
const vgEager = valueAndGrad(loss);

const xs = new TArray(X, [N, D], "float32"), ws = new TArray(W, [D], "float32"), ys = new TArray(Y, [N], "float32");
const probe = (l: number, g: ArrayLike<number>) => l + g[0] + g[D - 1];
const [l0, g0] = vgEager(ws, xs, ys);
const EXPECT = probe(l0.item() as number, g0.data);

const cases: Case[] = [];
const skipped: { name: string; why: string }[] = [];
const mk = (name: string, call: () => number) => cases.push({ name, expect: EXPECT, tol: 1e-3, samples: [], run: (k) => { let s = 0; for (let i = 0; i < k; i++) s += call(); return s; } });
mk("tsjax jit(valueAndGrad)", () => {
  const [l, g] = vg(ws, xs, ys);
  return probe(l.item() as number, g.data);
});
mk("tsjax valueAndGrad, eager", () => {
  const [l, g] = vgEager(ws, xs, ys);
  return probe(l.item() as number, g.data);
});

let jaxVersion = "not loaded";
try {
  const peer = await loadJaxWasm(import.meta.url);
  const jax: Any = peer.jax;
  jaxVersion = peer.version;
  const np = jax.numpy;
  const lossJ = (w: Any, x: Any, y: Any) => np.mean(np.log1p(np.exp(np.negative(np.multiply(y, np.matmul(x, w))))));
  const f = jax.jit(jax.valueAndGrad(lossJ));
  const x = np.array(X, { shape: [N, D] }), w = np.array(W, { shape: [D] }), y = np.array(Y, { shape: [N] });
  mk("@jax-js/jax jit(valueAndGrad)", () => {
    const [l, g] = f(w.ref, x.ref, y.ref);
    const gd = g.dataSync();
    return probe(l.item(), gd);
  });
} catch (e) {
  skipped.push({ name: "@jax-js/jax", why: skipReason(e) });
}

let tfVersion = "not loaded";
try {
  const { tf, version } = await loadTfWasm(import.meta.url);
  tfVersion = version;
  const x = tf.tensor2d(X, [N, D]), w = tf.tensor1d(W), y = tf.tensor1d(Y);
  const f = tf.valueAndGrad((w: Any) => tf.mean(tf.log1p(tf.exp(tf.neg(tf.mul(y, tf.squeeze(tf.matMul(x, tf.expandDims(w, 1)), [1])))))));
  mk("TF.js wasm tf.valueAndGrad", () => {
    const { value, grad } = f(w);
    const r = probe(value.dataSync()[0], grad.dataSync());
    value.dispose();
    grad.dispose();
    return r;
  });
} catch (e) {
  skipped.push({ name: "@tensorflow/tfjs wasm", why: skipReason(e) });
}

console.log(`node ${process.version}; @jax-js/jax ${jaxVersion}; @tensorflow/tfjs ${tfVersion}`);
console.log(`(b') logistic regression, X ${N}x${D} float32: valueAndGrad of the mean logistic loss, one call each`);
console.log(`median of ${ROUNDS} samples (each ≥ ${SAMPLE_MS} ms of calls) taken round-robin after warm-up`);
for (const s of skipped) console.log(`skipped ${s.name}: ${s.why}`);
for (const c of cases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(cases, ROUNDS);
const ms = (c: Case) => median(c.samples) / 1e6;
const mine = cases[0];
const results: Record<string, number> = {};
// X is read twice (X·w and Xᵀ·g): the bytes a call must move at least
const GB = (2 * N * D * 4) / 1e9;
for (const c of cases) {
  results[c.name] = ms(c);
  console.log(`  ${c.name.padEnd(34)} ${ms(c).toFixed(2).padStart(7)} ms   ${(GB / (ms(c) / 1e3)).toFixed(1).padStart(5)} GB/s of X${c === mine ? "" : `   tsjax = ${ratio(ms(mine) / ms(c))}x this`}`);
}
for (const peer of ["@jax-js", "TF.js"]) {
  const p = cases.find((c) => c.name.startsWith(peer));
  if (p) console.log(`  ${ms(mine) <= 0.5 * ms(p) ? "MET   " : "MISSED"} (b') logistic regression: ${ratio(ms(mine) / ms(p))}x ${peer}'s time (target <= 0.5)`);
}
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, jax: jaxVersion, tf: tfVersion, results }, null, 2));
