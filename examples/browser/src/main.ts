// MNIST in the browser: examples/mnist/train.ts's model and training, smaller (784-64-10, a few
// hundred steps) so it trains in seconds on one thread, with the loss plotted live.
//
// Training runs on the page's thread, in slices of about 50 ms between which the page redraws.
// Progress is on `window.__tsjax` and on #status's data-state (loading → training → done, or
// error) for test/integration/browser.test.ts. Options in the URL: ?epochs=N&train=N&test=N, and
// ?device=webgpu to train on the GPU: the same code, with WebGPU as the default device, so the
// jit'd loss and gradient run as WebGPU kernels, the parameters and adam's state stay on the GPU
// (its update runs there as eager kernels), and only each step's loss is read back.

import { jit, valueAndGrad, numpy as jnp, random, nn, optim, tree, setDefaultDevice, devicePut, deviceGet } from "tsjax";
import type { Array } from "tsjax";
import { loadDigits, type Rows } from "./data.js";
import { lossChart } from "./chart.js";
import type { Progress } from "./progress.js";

const q = new URLSearchParams(location.search);
const EPOCHS = Number(q.get("epochs") ?? 6);
const N_TRAIN = Number(q.get("train") ?? 8500);
const N_TEST = Number(q.get("test") ?? 1500);
const DEVICE = q.get("device") === "webgpu" ? "webgpu" : "cpu";
const BATCH = 128;
const STEPS_PER_EPOCH = Math.ceil(N_TRAIN / BATCH);
const STEPS = EPOCHS * STEPS_PER_EPOCH;

const progress: Progress = { device: DEVICE, step: 0, steps: STEPS, loss: NaN, losses: [], accuracy: null, seconds: 0, done: false, error: null };
(window as unknown as { __tsjax: Progress }).__tsjax = progress;

const status = document.getElementById("status")!;
const show = (state: string, text: string) => {
  status.dataset.state = state;
  status.textContent = text;
};

// ---- the model --------------------------------------------------------------------------------
interface Params {
  W1: Array; b1: Array; W2: Array; b2: Array;
}
function logits(p: Params, x: Array): Array {
  const h = jnp.maximum(jnp.add(jnp.matmul(x, p.W1), p.b1), 0);
  return jnp.add(jnp.matmul(h, p.W2), p.b2);
}
/** Mean softmax cross-entropy. */
function loss(p: Params, x: Array, y: Array): Array {
  const z = logits(p, x);
  return jnp.mean(jnp.subtract(jnp.logsumexp(z, 1), jnp.sum(jnp.multiply(z, y), 1)));
}
const lossAndGrad = jit(valueAndGrad(loss));
const predict = jit(logits);
// (the logits read back to the CPU without blocking the page, then the rest there)
const accuracy = async (p: Params, d: Rows) => {
  const z = await deviceGet(predict(p, d.x));
  return jnp.mean(jnp.equal(jnp.argmax(z, 1), d.labels).astype("float32")).item() as number;
};

// ---- training ---------------------------------------------------------------------------------
const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function main() {
  // (on the GPU: rejects, saying what is missing, where the browser has no WebGPU adapter)
  if (DEVICE === "webgpu") await setDefaultDevice("webgpu");
  const [kData, kInit, kTrain] = random.split(random.key(0), 3);
  const { train, test } = await loadDigits(kData, N_TRAIN, N_TEST);
  const [k1, k2] = random.split(kInit, 2);
  const init = nn.initializers.heNormal();
  // (on the default device: the GPU with ?device=webgpu)
  let params: Params = devicePut({ W1: init(k1, [784, 64]), b1: jnp.zeros([64]), W2: init(k2, [64, 10]), b2: jnp.zeros([10]) });
  const nParams = tree.reduce((n: number, p: Array) => n + p.size, params, 0);
  const tx = optim.adam(optim.cosineDecaySchedule(3e-3, STEPS, { alpha: 0.05 }));
  let state = tx.init(params);
  const chart = lossChart(document.getElementById("chart")!, STEPS);
  const line = () =>
    `step ${progress.step}/${STEPS} · loss ${progress.loss.toFixed(4)}` +
    (progress.accuracy === null ? "" : ` · test accuracy ${(progress.accuracy * 100).toFixed(2)}%`) +
    ` · ${progress.seconds.toFixed(1)} s on ${DEVICE} · ${nParams} parameters, ${N_TRAIN} digits to train, ${N_TEST} held out`;
  show("training", `training on ${N_TRAIN} digits (${DEVICE})…`);

  const t0 = performance.now();
  let kEpoch = kTrain, slice = t0;
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const [kNext, kPerm] = random.split(kEpoch, 2);
    kEpoch = kNext;
    const perm = random.permutation(kPerm, N_TRAIN);
    for (let s = 0; s < STEPS_PER_EPOCH; s++) {
      const idx = jnp.take(perm, jnp.arange(s * BATCH, Math.min(N_TRAIN, (s + 1) * BATCH)).astype("int32"));
      const [l, g] = lossAndGrad(params, jnp.take(train.x, idx, 0), jnp.take(train.y, idx, 0));
      const [updates, next] = tx.update(g, state, params);
      params = optim.applyUpdates(params, updates);
      state = next;
      progress.loss = (await l.dataAsync())[0] as number;
      progress.losses.push(progress.loss);
      progress.step++;
      // hand the thread back to the page now and then, so the chart and the text redraw
      if (performance.now() - slice > 50) {
        progress.seconds = (performance.now() - t0) / 1000;
        chart.update(progress.losses);
        show("training", line());
        await nextFrame();
        slice = performance.now();
      }
    }
    progress.accuracy = await accuracy(params, test);
  }
  progress.seconds = (performance.now() - t0) / 1000;
  chart.update(progress.losses);
  progress.done = true;
  show("done", `done: ${line()}`);
}

main().catch((e: unknown) => {
  progress.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  show("error", `error: ${progress.error}`);
  console.error(e);
});
