// (d) one training step of an MLP 784-256-256-10 (tanh, softmax cross-entropy, batch 128, SGD):
// tsjax (the whole step, valueAndGrad and the SGD update, jit'd: compiled at build time) against
// @jax-js/jax (the whole step jit'd) and TensorFlow.js (wasm backend, tf.variableGrads + SGD), in one process.
//
// Built through the tsjax rollup plugin like the others, then run:
//   node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs && node bench/dist/mlp.mjs [--quick] [--json FILE] [--no-peers]
// or `bash bench/run.sh`. Every step reads its loss back; each case trains its own copy of the
// same initial parameters, so checksums are losses (checked to be finite and decreasing).

import { Array as TArray } from "../runtime/index.js";
import { B, INIT, LR, SIZES, X, Y, initial, jaxStep, step, type Params } from "./mlp-model.js";
import { writeFileSync } from "node:fs";
import { type Any, type Case, calibrate, median, ratio, sample, benchArgs, loadTfWasm, skipReason, loadJaxWasm, inOwnProcesses } from "./harness.js";

const { JSON_OUT, SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 15, quick: 5 });
const NO_PEERS = process.argv.includes("--no-peers");
// (--skip-jax / --skip-tf: one peer only, to see what each one's presence costs the others;
// --only=tsjax|jax|tf: one library alone, which --isolated runs in a process of its own each)
const ONLY = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
const SKIP_JAX = process.argv.includes("--skip-jax") || (!!ONLY && ONLY !== "jax"), SKIP_TF = process.argv.includes("--skip-tf") || (!!ONLY && ONLY !== "tf");
if (process.argv.includes("--isolated")) await isolated();

const cases: Case[] = [];
const skipped: { name: string; why: string }[] = [];
// A case's run(n) does n steps and returns the sum of the losses; the harness checks the mean
// loss per step: finite, and between 0 and the first loss (≈ log 10) as training lowers it.
const FIRST = Math.log(10) / 2;
/** A library's case: `stepOnce` trains one step on its own parameters and returns the loss. */
const trainCase = (name: string, stepOnce: () => number) =>
  cases.push({ name, expect: FIRST, tol: 1.1, samples: [], run: (n) => { let s = 0; for (let i = 0; i < n; i++) s += stepOnce(); return s; } });

if (!ONLY || ONLY === "tsjax") {
  const xs = new TArray(X, [B, 784], "float32"), ys = new TArray(Y, [B, 10], "float32");
  let p: Params = initial((d, shape) => new TArray(d, shape, "float32"));
  trainCase("tsjax jit(step)", () => {
    const [l, next] = step(p, xs, ys);
    p = next;
    return l.item() as number;
  });
}

let jaxVersion = "not loaded";
try {
  if (NO_PEERS || SKIP_JAX) throw new Error(NO_PEERS ? "--no-peers" : "--skip-jax");
  const peer = await loadJaxWasm(import.meta.url);
  const jax: Any = peer.jax;
  jaxVersion = peer.version;
  const np = jax.numpy;
  const step = jaxStep(jax);
  const xs = np.array(X, { shape: [B, 784] }), ys = np.array(Y, { shape: [B, 10] });
  let p: Any = initial((d, shape) => np.array(d, { shape }));
  trainCase("@jax-js/jax jit(step)", () => {
    const [l, np2] = step(p, xs.ref, ys.ref);
    p = np2;
    return l.item();
  });
} catch (e) {
  skipped.push({ name: "@jax-js/jax", why: skipReason(e) });
}

let tfVersion = "not loaded";
try {
  if (NO_PEERS || SKIP_TF) throw new Error(NO_PEERS ? "--no-peers" : "--skip-tf");
  const { tf, version } = await loadTfWasm(import.meta.url);
  tfVersion = version;
  const v = INIT.map((l, k) => ({ W: tf.variable(tf.tensor2d(l.W, [SIZES[k], SIZES[k + 1]])), b: tf.variable(tf.tensor1d(l.b)) }));
  const xs = tf.tensor2d(X, [B, 784]), ys = tf.tensor2d(Y, [B, 10]);
  const opt = tf.train.sgd(LR);
  const lossT = () => {
    const h1 = tf.tanh(tf.add(tf.matMul(xs, v[0].W), v[0].b));
    const h2 = tf.tanh(tf.add(tf.matMul(h1, v[1].W), v[1].b));
    const logits = tf.add(tf.matMul(h2, v[2].W), v[2].b);
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, ys), 1)));
  };
  trainCase("TF.js wasm optimizer.minimize", () => {
    const l = opt.minimize(lossT, true);
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  });
} catch (e) {
  skipped.push({ name: "@tensorflow/tfjs wasm", why: skipReason(e) });
}

console.log(`node ${process.version}; @jax-js/jax ${jaxVersion}; @tensorflow/tfjs ${tfVersion}`);
console.log(`MLP 784-256-256-10, tanh, batch ${B}, softmax cross-entropy, SGD lr ${LR}: one step per call`);
console.log(`median of ${ROUNDS} samples (each ≥ ${SAMPLE_MS} ms of steps) taken round-robin after warm-up`);
for (const s of skipped) console.log(`skipped ${s.name}: ${s.why}`);
for (const c of cases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(cases, ROUNDS);
const ms = (c: Case) => median(c.samples) / 1e6;
const mine = cases[0];
const results: Record<string, number> = {};
for (const c of cases) {
  results[c.name] = ms(c);
  console.log(`  ${c.name.padEnd(34)} ${ms(c).toFixed(2).padStart(7)} ms/step${c === mine ? "" : `   tsjax = ${ratio(ms(mine) / ms(c))}x this`}`);
}
const jx = cases.find((c) => c.name.startsWith("@jax-js"));
if (jx && mine.name.startsWith("tsjax")) console.log(`  ${ms(mine) <= 0.5 * ms(jx) ? "MET   " : "MISSED"} (d) MLP step: ${ratio(ms(mine) / ms(jx))}x @jax-js/jax's time (target <= 0.5)`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, jax: jaxVersion, tf: tfVersion, results }, null, 2));

/**
 * --isolated: each library in a process of its own (this script with --only=…), rounds
 * alternating between them; the median of each process's median. In one process the libraries
 * disturb each other (a peer's garbage keeps V8's collector threads busy during tsjax's samples,
 * on a 2-core machine), which this leaves out.
 */
async function isolated(): Promise<never> {
  const rounds = process.argv.includes("--quick") ? 3 : 5;
  const got: Record<string, number[]> = {};
  for (const runs of inOwnProcesses<Record<string, number>>([["--only=tsjax"], ["--only=jax"], ["--only=tf"]], rounds))
    for (const res of runs) for (const [name, v] of Object.entries(res)) (got[name] ??= []).push(v);
  console.log(`MLP step, each library in a process of its own, ${rounds} rounds (ms/step: the median of each process's median; each in brackets)`);
  const mineName = Object.keys(got).find((n) => n.startsWith("tsjax"))!;
  const jaxName = Object.keys(got).find((n) => n.startsWith("@jax-js"));
  for (const [name, xs] of Object.entries(got))
    console.log(`  ${name.padEnd(34)} ${median(xs).toFixed(2).padStart(7)} ms/step  (${xs.map((x) => x.toFixed(2)).join(", ")})${name === mineName ? "" : `   tsjax = ${ratio(median(got[mineName]) / median(xs))}x this`}`);
  if (jaxName) console.log(`  ${median(got[mineName]) <= 0.5 * median(got[jaxName]) ? "MET   " : "MISSED"} (d) MLP step, isolated: ${ratio(median(got[mineName]) / median(got[jaxName]))}x @jax-js/jax's time (target <= 0.5)`);
  process.exit(0);
}
