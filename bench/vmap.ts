// Per-example gradients of the (d) MLP (784-256-256-10, tanh, softmax cross-entropy, batch 128):
// tsjax's jit(vmap(grad(lossOne))) against one batched grad of the summed loss (the lower bound:
// the same arithmetic without keeping each example's gradient), a JS loop calling the compiled
// per-example gradient 128 times, and @jax-js/jax's jit(vmap(grad)) in the same process.
// Built through the tsjax rollup plugin (bench/rollup.config.mjs); run: node bench/dist/vmap.mjs
import { Array as TArray, grad, jit, vmap, numpy as jnp } from "../runtime/index.js";
import type { Array } from "../runtime/index.js";
import { B, X, Y, initial, type Params } from "./mlp-model.js";
import { type Any, type Case, calibrate, median, ratio, sample, benchArgs, skipReason, loadJaxWasm } from "./harness.js";

const { SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 9, quick: 3 });

/** One example's loss: x of shape (784,), y one-hot (10,). */
const lossOne = (p: Params, x: Array, y: Array): number => {
  const h1 = jnp.tanh(jnp.add(jnp.matmul(x, p.W1), p.b1));
  const h2 = jnp.tanh(jnp.add(jnp.matmul(h1, p.W2), p.b2));
  const logits = jnp.add(jnp.matmul(h2, p.W3), p.b3);
  return jnp.subtract(jnp.logsumexp(logits), jnp.sum(jnp.multiply(logits, y))).item() as number;
};
/** The batch's summed loss (its gradient is the sum of the per-example ones). */
const lossSum = (p: Params, x: Array, y: Array): number => {
  const h1 = jnp.tanh(jnp.add(jnp.matmul(x, p.W1), p.b1));
  const h2 = jnp.tanh(jnp.add(jnp.matmul(h1, p.W2), p.b2));
  const logits = jnp.add(jnp.matmul(h2, p.W3), p.b3);
  return jnp.sum(jnp.subtract(jnp.logsumexp(logits, 1), jnp.sum(jnp.multiply(logits, y), 1))).item() as number;
};
const perExample = jit(vmap(grad(lossOne), [null, 0, 0]));
const batched = jit(grad(lossSum));
const one = jit(grad(lossOne));

const xs = new TArray(X, [B, 784], "float32"), ys = new TArray(Y, [B, 10], "float32");
const p: Params = initial((d, shape) => new TArray(d, shape, "float32"));
// checksum: the b1 gradient summed over examples and units (equal for all cases)
const check = (g: Params) => jnp.sum(g.b1).item() as number;
const expectSum = check(batched(p, xs, ys));
const cases: Case[] = [];
const add = (name: string, f: () => number) => cases.push({ name, expect: expectSum, tol: 1e-3, samples: [], run: (n) => { let s = 0; for (let i = 0; i < n; i++) s += f(); return s; } });
add("tsjax jit(vmap(grad(loss)))", () => {
  const g = perExample(p, xs, ys);
  if (g.W1.shape[0] !== B) throw new Error("per-example gradients expected");
  return check(g);
});
add("tsjax jit(grad(summed loss))", () => check(batched(p, xs, ys)));
add("tsjax loop of jit(grad(loss))", () => {
  let s = 0;
  for (let i = 0; i < B; i++) s += check(one(p, jnp.take(xs, i, 0), jnp.take(ys, i, 0)));
  return s;
});

let jaxVersion = "not loaded";
try {
  if (process.argv.includes("--no-peers")) throw new Error("--no-peers");
  const peer = await loadJaxWasm(import.meta.url);
  const jax: Any = peer.jax;
  jaxVersion = peer.version;
  const np = jax.numpy;
  const lossJ = (q: Any, x: Any, y: Any) => {
    const h1 = np.tanh(np.add(np.matmul(x, q.W1), q.b1));
    const h2 = np.tanh(np.add(np.matmul(h1, q.W2), q.b2));
    const logits = np.add(np.matmul(h2, q.W3), q.b3);
    return np.subtract(jax.nn.logsumexp(logits.ref), np.sum(np.multiply(logits, y)));
  };
  const pe = jax.jit((q: Any, x: Any, y: Any) => jax.vmap(jax.grad(lossJ), [null, 0, 0])(q, x, y));
  const xj = np.array(X, { shape: [B, 784] }), yj = np.array(Y, { shape: [B, 10] });
  const pj: Any = initial((d, shape) => np.array(d, { shape }));
  add("@jax-js/jax jit(vmap(grad(loss)))", () => {
    const g = pe(jax.tree.map((w: Any) => w.ref, pj), xj.ref, yj.ref);
    const s = np.sum(g.b1.ref).item();
    jax.tree.map((w: Any) => w.dispose?.(), g);
    return s;
  });
} catch (e) {
  console.log(`skipped @jax-js/jax: ${skipReason(e)}`);
}

console.log(`node ${process.version}; @jax-js/jax ${jaxVersion}`);
console.log(`per-example gradients of the MLP 784-256-256-10, batch ${B}; median of ${ROUNDS} samples (each >= ${SAMPLE_MS} ms)`);
for (const c of cases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(cases, ROUNDS);
const ms = (c: Case) => median(c.samples) / 1e6;
const mine = cases[0];
for (const c of cases) console.log(`  ${c.name.padEnd(36)} ${ms(c).toFixed(2).padStart(8)} ms/call${c === mine ? "" : `   vmap = ${ratio(ms(mine) / ms(c))}x this`}`);
const ref = cases[1];
console.log(`  ${ms(mine) <= 3 * ms(ref) ? "MET   " : "MISSED"} per-example gradients within 3x of one batched grad: ${ratio(ms(mine) / ms(ref))}x`);
