// MNIST training, one epoch at a time: an MLP 784-256-256-10 (relu, softmax cross-entropy, batch
// 128, adam 1e-3) on the `mnist` package's digits, the same model, initial parameters and data
// order in tsjax, @jax-js/jax and TensorFlow.js (wasm backend):
//   - tsjax: jit(valueAndGrad(loss)) with optim.adam (as examples/mnist/train.ts trains), and for
//     information the whole step (gradient and adam update) in one jit;
//   - @jax-js/jax: the whole step jit'd; adam written here with optax's formulas (the library has
//     no optimizer package to install);
//   - TF.js: tf.train.adam's optimizer.minimize under tf.tidy.
// Epochs are timed round-robin in one process (after one warm-up epoch each), so load changes hit
// every library alike; then, unless --no-memory, each library trains again alone in a child
// process (`--only NAME`) whose resident set and library-reported memory are its own.
//
// Built through the tsjax rollup plugin like the others, then run:
//   node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs && node bench/dist/mnist.mjs [--epochs N] [--quick] [--no-memory] [--no-peers] [--json FILE]

import { jit, valueAndGrad, numpy as jnp, random, nn, optim, Array as TArray } from "../runtime/index.js";
import type { Array } from "../runtime/index.js";
import { machine } from "../runtime/jit/machine.js";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Any, median, ratio, loadJaxWasm, loadTfWasm, skipReason } from "./harness.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const QUICK = process.argv.includes("--quick");
const EPOCHS = Number(arg("--epochs") ?? (QUICK ? 2 : 5));
const ONLY = arg("--only"); // child mode: one library alone, for its memory
const JSON_OUT = arg("--json");
const NO_PEERS = process.argv.includes("--no-peers");

const BATCH = 128, LR = 1e-3, B1 = 0.9, B2 = 0.999, EPS = 1e-8;

// ---- data: the package's 10 000 digits in [0, 1], one fixed permutation, 78 full batches --------
// (10 000 = 78·128 + 16: the last 16 are dropped so every batch has one shape and no jit retraces)
const require = createRequire(import.meta.url);
const { XB, YB, N } = (() => {
  // (parsed, not require()d: require's cache would hold the 60 MB of number arrays for the whole run)
  const digits = globalThis.Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), "utf8")) as { data: number[] }).data);
  const total = digits.reduce((n, d) => n + d.length / 784, 0);
  const X = new Float32Array(total * 784), labels = new Int32Array(total);
  let at = 0;
  digits.forEach((d, label) => {
    X.set(d, at * 784);
    labels.fill(label, at, at + d.length / 784);
    at += d.length / 784;
  });
  const order = random.permutation(random.key(0), total).data as Int32Array;
  const steps = Math.floor(total / BATCH);
  const XB: Float32Array[] = [], YB: Float32Array[] = [];
  for (let s = 0; s < steps; s++) {
    const x = new Float32Array(BATCH * 784), y = new Float32Array(BATCH * 10);
    for (let i = 0; i < BATCH; i++) {
      const r = order[s * BATCH + i];
      x.set(X.subarray(r * 784, r * 784 + 784), i * 784);
      y[i * 10 + labels[r]] = 1;
    }
    XB.push(x);
    YB.push(y);
  }
  return { XB, YB, N: steps * BATCH };
})();
const STEPS = XB.length;

// initial parameters: heNormal weights (tsjax's, JAX's algorithm), zero biases; copied into each library
const SIZES = [784, 256, 256, 10];
const INIT = (() => {
  const init = nn.initializers.heNormal();
  const keys = [...random.split(random.key(1), 3)];
  return SIZES.slice(1).map((n, k) => ({ W: init(keys[k], [SIZES[k], n]).data as Float32Array, b: new Float32Array(n), shape: [SIZES[k], n] }));
})();

// ---- each library: build() makes its arrays and returns one step (returns the step's loss) --------
interface Lib {
  name: string;
  build: () => Promise<() => number>;
  /** What the library itself reports about its memory, one line. */
  memory: () => string;
  /** The same, in MiB, for the JSON. */
  memoryMiB: () => number | undefined;
  version: () => string;
}
const MiB = (b: number) => b / 2 ** 20;

// tsjax
interface Params {
  W1: Array; b1: Array; W2: Array; b2: Array; W3: Array; b3: Array;
}
function logits(p: Params, x: Array): Array {
  const h1 = jnp.maximum(jnp.add(jnp.matmul(x, p.W1), p.b1), 0);
  const h2 = jnp.maximum(jnp.add(jnp.matmul(h1, p.W2), p.b2), 0);
  return jnp.add(jnp.matmul(h2, p.W3), p.b3);
}
function loss(p: Params, x: Array, y: Array): Array {
  const z = logits(p, x);
  return jnp.mean(jnp.subtract(jnp.logsumexp(z, 1), jnp.sum(jnp.multiply(z, y), 1)));
}
const lossAndGrad = jit(valueAndGrad(loss));
// the whole step in one jit, adam with optax's formulas (c1, c2: 1 − β^t, computed outside)
const adamLeaf = (w: Array, g: Array, m: Array, v: Array, c1: number, c2: number): [Array, Array, Array] => {
  const m2 = jnp.add(jnp.multiply(g, 1 - B1), jnp.multiply(m, B1));
  const v2 = jnp.add(jnp.multiply(jnp.square(g), 1 - B2), jnp.multiply(v, B2));
  const u = jnp.divide(jnp.divide(m2, c1), jnp.add(jnp.sqrt(jnp.divide(v2, c2)), EPS));
  return [jnp.subtract(w, jnp.multiply(u, LR)), m2, v2];
};
const fullStep = jit((p: Params, m: Params, v: Params, x: Array, y: Array, c1: number, c2: number): [Array, Params, Params, Params] => {
  const [l, g] = valueAndGrad(loss)(p, x, y);
  const [W1, mW1, vW1] = adamLeaf(p.W1, g.W1, m.W1, v.W1, c1, c2);
  const [b1, mb1, vb1] = adamLeaf(p.b1, g.b1, m.b1, v.b1, c1, c2);
  const [W2, mW2, vW2] = adamLeaf(p.W2, g.W2, m.W2, v.W2, c1, c2);
  const [b2, mb2, vb2] = adamLeaf(p.b2, g.b2, m.b2, v.b2, c1, c2);
  const [W3, mW3, vW3] = adamLeaf(p.W3, g.W3, m.W3, v.W3, c1, c2);
  const [b3, mb3, vb3] = adamLeaf(p.b3, g.b3, m.b3, v.b3, c1, c2);
  return [l, { W1, b1, W2, b2, W3, b3 }, { W1: mW1, b1: mb1, W2: mW2, b2: mb2, W3: mW3, b3: mb3 }, { W1: vW1, b1: vb1, W2: vW2, b2: vb2, W3: vW3, b3: vb3 }];
});
const tsParams = (make: (l: (typeof INIT)[number], which: "W" | "b") => TArray): Params => {
  const [l1, l2, l3] = INIT;
  return { W1: make(l1, "W"), b1: make(l1, "b"), W2: make(l2, "W"), b2: make(l2, "b"), W3: make(l3, "W"), b3: make(l3, "b") };
};
const tsInit = () => tsParams((l, w) => (w === "W" ? new TArray(l.W.slice(), l.shape, "float32") : new TArray(l.b.slice(), [l.b.length], "float32")));
const tsZeros = () => tsParams((l, w) => jnp.zeros(w === "W" ? l.shape : [l.b.length]));
const tsData = () => XB.map((x, s) => [new TArray(x, [BATCH, 784], "float32"), new TArray(YB[s], [BATCH, 10], "float32")] as const);
const kernelMiB = () => MiB(machine()?.memory.buffer.byteLength ?? 0);
const tsMemory = () => `kernel memory ${kernelMiB().toFixed(0)} MiB`;

const libs: Lib[] = [
  {
    name: "tsjax jit(valueAndGrad) + optim.adam",
    version: () => "this tree",
    memory: tsMemory,
    memoryMiB: kernelMiB,
    build: async () => {
      const data = tsData();
      const tx = optim.adam(LR, { b1: B1, b2: B2, eps: EPS });
      let p = tsInit(), state = tx.init(p), s = 0;
      return () => {
        const [x, y] = data[s++ % STEPS];
        const [l, g] = lossAndGrad(p, x, y);
        const [updates, next] = tx.update(g, state, p);
        p = optim.applyUpdates(p, updates);
        state = next;
        return l.item() as number;
      };
    },
  },
  {
    name: "tsjax jit(whole step, adam inside)",
    version: () => "this tree",
    memory: tsMemory,
    memoryMiB: kernelMiB,
    build: async () => {
      const data = tsData();
      let p = tsInit(), m = tsZeros(), v = tsZeros(), s = 0, t = 0;
      return () => {
        const [x, y] = data[s++ % STEPS];
        t++;
        const [l, p2, m2, v2] = fullStep(p, m, v, x, y, 1 - B1 ** t, 1 - B2 ** t);
        p = p2;
        m = m2;
        v = v2;
        return l.item() as number;
      };
    },
  },
];

let jax: Any, jaxVersion = "not loaded", tf: Any, tfVersion = "not loaded";
if (!NO_PEERS) {
  libs.push({
    name: "@jax-js/jax jit(step), adam by hand",
    version: () => jaxVersion,
    memory: () => "none public (its wasm memory is private)",
    memoryMiB: () => undefined,
    build: async () => {
      ({ jax, version: jaxVersion } = await loadJaxWasm(import.meta.url));
      const np = jax.numpy, nnj = jax.nn;
      // (every op consumes its arguments: .ref keeps one for a later use)
      const lossJ = (p: Any, x: Any, y: Any) => {
        const h1 = nnj.relu(np.add(np.matmul(x, p.W1), p.b1));
        const h2 = nnj.relu(np.add(np.matmul(h1, p.W2), p.b2));
        const z = np.add(np.matmul(h2, p.W3), p.b3);
        return np.mean(np.subtract(nnj.logsumexp(z.ref, 1), np.sum(np.multiply(z, y), 1)));
      };
      // optax's adam (scale_by_adam, then −lr): m̂/(√v̂ + eps), bias corrections c1 = 1 − β1^t, c2 = 1 − β2^t
      const step = jax.jit((p: Any, m: Any, v: Any, x: Any, y: Any, c1: Any, c2: Any) => {
        const [l, g] = jax.valueAndGrad(lossJ)(jax.tree.map((w: Any) => w.ref, p), x, y);
        const m2 = jax.tree.map((gw: Any, mw: Any) => np.add(np.multiply(gw.ref, 1 - B1), np.multiply(mw, B1)), g, m);
        const v2 = jax.tree.map((gw: Any, vw: Any) => np.add(np.multiply(np.square(gw), 1 - B2), np.multiply(vw, B2)), g, v);
        const p2 = jax.tree.map(
          (w: Any, mw: Any, vw: Any) => np.subtract(w, np.multiply(np.divide(np.divide(mw.ref, c1.ref), np.add(np.sqrt(np.divide(vw.ref, c2.ref)), EPS)), LR)),
          p, m2, v2,
        );
        c1.dispose();
        c2.dispose();
        return [l, p2, m2, v2];
      });
      const data = XB.map((x, s) => [np.array(x, { shape: [BATCH, 784] }), np.array(YB[s], { shape: [BATCH, 10] })]);
      const fromInit = (zero: boolean) => {
        const [l1, l2, l3] = INIT.map((l) => ({
          W: np.array(zero ? new Float32Array(l.W.length) : l.W.slice(), { shape: l.shape }),
          b: np.array(l.b.slice(), { shape: [l.b.length] }),
        }));
        return { W1: l1.W, b1: l1.b, W2: l2.W, b2: l2.b, W3: l3.W, b3: l3.b };
      };
      let p: Any = fromInit(false), m: Any = fromInit(true), v: Any = fromInit(true), s = 0, t = 0;
      return () => {
        const [x, y] = data[s++ % STEPS];
        t++;
        const [l, p2, m2, v2] = step(p, m, v, x.ref, y.ref, np.array(1 - B1 ** t), np.array(1 - B2 ** t));
        p = p2;
        m = m2;
        v = v2;
        return l.item();
      };
    },
  });
  libs.push({
    name: "TF.js wasm adam minimize",
    version: () => tfVersion,
    memory: () => {
      const mem = tf.memory(), heap = tf.backend().wasm?.HEAPU8?.buffer.byteLength;
      return `tf.memory() ${MiB(mem.numBytes).toFixed(0)} MiB in ${mem.numTensors} tensors; wasm heap ${heap ? MiB(heap).toFixed(0) : "?"} MiB`;
    },
    memoryMiB: () => MiB(tf.memory().numBytes),
    build: async () => {
      ({ tf, version: tfVersion } = await loadTfWasm(import.meta.url));
      const w = INIT.map((l) => ({ W: tf.variable(tf.tensor2d(l.W, l.shape)), b: tf.variable(tf.tensor1d(l.b)) }));
      const data = XB.map((x, s) => [tf.tensor2d(x, [BATCH, 784]), tf.tensor2d(YB[s], [BATCH, 10])]);
      // tf.train.adam: m̂/(√v̂ + eps) as optax (ε outside the root); β^t kept as float32 variables multiplied each step
      const opt = tf.train.adam(LR, B1, B2, EPS);
      let s = 0;
      return () => {
        const [x, y] = data[s++ % STEPS];
        const l = tf.tidy(() =>
          opt.minimize(() => {
            const h1 = tf.relu(tf.add(tf.matMul(x, w[0].W), w[0].b));
            const h2 = tf.relu(tf.add(tf.matMul(h1, w[1].W), w[1].b));
            const z = tf.add(tf.matMul(h2, w[2].W), w[2].b);
            return tf.mean(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(z, y), 1)));
          }, true),
        );
        const v = l.dataSync()[0];
        l.dispose();
        return v;
      };
    },
  });
}

// ---- one epoch: STEPS steps, each loss read back ---------------------------------------------
interface Run {
  lib: Lib;
  step: () => number;
  firstLoss: number;
  warmupS: number;
  epochS: number[];
  cpu: number[]; // CPU seconds (all threads) ÷ wall seconds, per epoch
  meanLoss: number[];
  lastLoss: number;
}
const yieldToLoop = () => new Promise((r) => setImmediate(r));
function epoch(run: Run): { s: number; cpu: number; mean: number } {
  const c0 = process.cpuUsage(), t0 = performance.now();
  let sum = 0, l = NaN;
  for (let i = 0; i < STEPS; i++) {
    l = run.step();
    if (!Number.isFinite(l)) throw new Error(`${run.lib.name}: loss ${l} at step ${i}`);
    sum += l;
  }
  const s = (performance.now() - t0) / 1e3, c = process.cpuUsage(c0);
  run.lastLoss = l;
  return { s, cpu: (c.user + c.system) / 1e6 / s, mean: sum / STEPS };
}
async function start(lib: Lib): Promise<Run> {
  const step = await lib.build();
  const run: Run = { lib, step, firstLoss: NaN, warmupS: 0, epochS: [], cpu: [], meanLoss: [], lastLoss: NaN };
  // the warm-up epoch (jit compilation, kernel memory growing); its first step's loss is the
  // same initial model on the same batch in every library
  const t0 = performance.now();
  run.firstLoss = step();
  for (let i = 1; i < STEPS; i++) step();
  run.warmupS = (performance.now() - t0) / 1e3;
  return run;
}
const record = (run: Run, e: { s: number; cpu: number; mean: number }) => {
  run.epochS.push(e.s);
  run.cpu.push(e.cpu);
  run.meanLoss.push(e.mean);
};

// ---- child mode: one library alone, memory after each epoch ----------------------------------
if (ONLY !== undefined) {
  const lib = libs.find((l) => l.name === ONLY);
  (globalThis as { gc?: () => void }).gc?.(); // the parsed digits go before the first figure (the parent passes --expose-gc)
  const mem0 = process.memoryUsage();
  const out: Record<string, unknown> = { name: ONLY, rssDataMiB: MiB(mem0.rss) };
  if (!lib) Object.assign(out, { rssMiB: MiB(mem0.rss), heapMiB: MiB(mem0.heapUsed), arrayBuffersMiB: MiB(mem0.arrayBuffers) });
  else {
    const run = await start(lib);
    for (let e = 0; e < EPOCHS; e++) {
      await yieldToLoop();
      record(run, epoch(run));
    }
    const m = process.memoryUsage();
    Object.assign(out, {
      rssMiB: MiB(m.rss), heapMiB: MiB(m.heapUsed), externalMiB: MiB(m.external), arrayBuffersMiB: MiB(m.arrayBuffers),
      libMemory: lib.memory(), libMemoryMiB: lib.memoryMiB(), epochS: median(run.epochS), meanLoss: run.meanLoss.at(-1),
    });
  }
  out.peakRssMiB = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  console.log(JSON.stringify(out));
  process.exit(0);
}

// ---- main: round-robin epochs --------------------------------------------------------------
const runs: Run[] = [];
const skipped: { name: string; why: string }[] = [];
for (const lib of libs) {
  try {
    runs.push(await start(lib));
  } catch (e) {
    skipped.push({ name: lib.name, why: skipReason(e) });
  }
}
if (NO_PEERS) skipped.push({ name: "@jax-js/jax, TF.js", why: "--no-peers" });
for (let e = 0; e < EPOCHS; e++) {
  for (const run of runs) {
    await yieldToLoop();
    record(run, epoch(run));
  }
}

console.log(`node ${process.version}; @jax-js/jax ${runs.find((r) => r.lib.name.startsWith("@jax"))?.lib.version() ?? "not loaded"}; @tensorflow/tfjs ${tfVersion}`);
console.log(`MNIST (the mnist package's ${XB.length * BATCH} of 10 000 digits, one fixed permutation), MLP 784-256-256-10 relu, batch ${BATCH}, softmax cross-entropy, adam ${LR} (b1 ${B1}, b2 ${B2}, eps ${EPS})`);
console.log(`one epoch = ${STEPS} steps, every loss read back; median of ${EPOCHS} epochs each, taken round-robin after one warm-up epoch; CPU = process CPU time ÷ wall time`);
for (const s of skipped) console.log(`skipped ${s.name}: ${s.why}`);
const med = (r: Run) => median(r.epochS);
const mine = runs[0];
const results: Record<string, unknown> = {};
console.log(`  ${"".padEnd(38)} ${"epoch".padStart(8)} ${"steps/s".padStart(8)} ${"CPU".padStart(5)} ${"warm-up".padStart(8)}  first loss  last epoch's mean loss  last step's loss`);
for (const r of runs) {
  console.log(
    `  ${r.lib.name.padEnd(38)} ${med(r).toFixed(3).padStart(7)}s ${(STEPS / med(r)).toFixed(1).padStart(8)} ${median(r.cpu).toFixed(2).padStart(5)} ${r.warmupS.toFixed(2).padStart(7)}s  ${r.firstLoss.toFixed(5).padStart(10)}  ${r.meanLoss.at(-1)!.toFixed(5).padStart(22)}  ${r.lastLoss.toFixed(5).padStart(16)}`,
  );
  results[r.lib.name] = { epochS: med(r), epochsS: r.epochS, stepsPerS: STEPS / med(r), cpuPerWall: median(r.cpu), warmupS: r.warmupS, firstLoss: r.firstLoss, meanLoss: r.meanLoss, lastLoss: r.lastLoss };
}
for (const t of runs.filter((r) => r.lib.name.startsWith("tsjax")))
  for (const r of runs.filter((r) => !r.lib.name.startsWith("tsjax")))
    console.log(`  ${t.lib.name} / ${r.lib.name}: ${ratio(med(t) / med(r))}x the epoch time`);

// memory: each library alone in a child process (the same epochs), and the data alone for scale
const memory: Record<string, unknown>[] = [];
if (!process.argv.includes("--no-memory")) {
  console.log(`memory, each alone in a fresh process (warm-up + ${EPOCHS} epochs; "data alone": the process with the digits loaded, nothing trained):`);
  console.log(`  ${"".padEnd(38)} ${"peak RSS".padStart(9)} ${"end RSS".padStart(8)} ${"JS heap".padStart(8)} ${"buffers".padStart(8)}  library's own figure`);
  for (const name of ["data alone", ...runs.map((r) => r.lib.name)]) {
    try {
      const args = ["--expose-gc", fileURLToPath(import.meta.url), "--only", name, "--epochs", String(EPOCHS)];
      const m = JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n").at(-1)!);
      memory.push(m);
      const f = (x: number | undefined) => (x === undefined ? "" : `${x.toFixed(0)} MiB`).padStart(8);
      console.log(`  ${name.padEnd(38)} ${f(m.peakRssMiB).padStart(9)} ${f(m.rssMiB)} ${f(m.heapMiB)} ${f(m.arrayBuffersMiB)}  ${m.libMemory ?? ""}${m.epochS ? `  (alone: ${m.epochS.toFixed(3)} s/epoch)` : ""}`);
    } catch (e) {
      console.log(`  ${name.padEnd(38)} failed: ${skipReason(e)}`);
    }
  }
}
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, tf: tfVersion, steps: STEPS, digits: XB.length * BATCH, epochs: EPOCHS, results, memory }, null, 2));
