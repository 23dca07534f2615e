// The (d) model: an MLP 784-256-256-10 (tanh, softmax cross-entropy, batch 128) and its SGD step,
// the whole step jit'd (compiled at build time). Shared by bench/mlp.ts (speed against the peers)
// and bench/mlp-memory.ts (memory over a long run). The data and initial weights are
// deterministic, so every library starts from the same parameters.

import { jit, valueAndGrad, numpy as jnp } from "../runtime/index.js";
import type { Array } from "../runtime/index.js";
import type { Any } from "./harness.js";

export const B = 128, SIZES = [784, 256, 256, 10];
export const LR = 0.01;

function rand(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}
// data: inputs in [-1, 1], one-hot labels
export const X = rand(B * 784, 1, 1);
export const LABELS = globalThis.Array.from({ length: B }, (_, i) => (i * 7) % 10);
export const Y = new Float32Array(B * 10);
LABELS.forEach((l, i) => (Y[i * 10 + l] = 1));
// Glorot-uniform-like initial weights, zero biases
export const INIT = SIZES.slice(1).map((n, k) => ({ W: rand(SIZES[k] * n, 10 + k, Math.sqrt(6 / (SIZES[k] + n))), b: new Float32Array(n) }));

/** The initial parameters, made by each library's constructor from fresh copies of INIT. */
export function initial<T>(make: (data: Float32Array, shape: number[]) => T): { W1: T; b1: T; W2: T; b2: T; W3: T; b3: T } {
  const [l1, l2, l3] = INIT.map((l, k) => ({ W: make(l.W.slice(), [SIZES[k], SIZES[k + 1]]), b: make(l.b.slice(), [SIZES[k + 1]]) }));
  return { W1: l1.W, b1: l1.b, W2: l2.W, b2: l2.b, W3: l3.W, b3: l3.b };
}

export interface Params {
  W1: Array; b1: Array; W2: Array; b2: Array; W3: Array; b3: Array;
}
export const loss = (p: Params, x: Array, y: Array) => {
  const h1 = jnp.tanh(jnp.add(jnp.matmul(x, p.W1), p.b1));
  const h2 = jnp.tanh(jnp.add(jnp.matmul(h1, p.W2), p.b2));
  const logits = jnp.add(jnp.matmul(h2, p.W3), p.b3);
  return jnp.mean(jnp.subtract(jnp.logsumexp(logits, 1), jnp.sum(jnp.multiply(logits, y), 1)));
};
export const sgd = (w: Array, g: Array) => jnp.subtract(w, jnp.multiply(g, LR));
// the whole step compiled at build time: the gradient and the update
export const step = jit((p: Params, x: Array, y: Array): [Array, Params] => {
  const [l, g] = valueAndGrad(loss)(p, x, y);
  return [l, { W1: sgd(p.W1, g.W1), b1: sgd(p.b1, g.b1), W2: sgd(p.W2, g.W2), b2: sgd(p.b2, g.b2), W3: sgd(p.W3, g.W3), b3: sgd(p.b3, g.b3) }];
});

/** The same step in @jax-js/jax (its loaded module), jit'd: (p, x, y) → [loss, p'] (p is consumed). */
export function jaxStep(jax: Any): (p: Any, x: Any, y: Any) => [Any, Any] {
  const np = jax.numpy, nn = jax.nn;
  const lossJ = (p: Any, x: Any, y: Any) => {
    const h1 = np.tanh(np.add(np.matmul(x, p.W1), p.b1));
    const h2 = np.tanh(np.add(np.matmul(h1, p.W2), p.b2));
    const logits = np.add(np.matmul(h2, p.W3), p.b3);
    return np.mean(np.subtract(nn.logsumexp(logits.ref, 1), np.sum(np.multiply(logits, y), 1)));
  };
  return jax.jit((p: Any, x: Any, y: Any) => {
    // (every op consumes its arguments: the loss gets references, the update the parameters)
    const [l, g] = jax.valueAndGrad(lossJ)(jax.tree.map((w: Any) => w.ref, p), x, y);
    return [l, jax.tree.map((w: Any, gw: Any) => np.subtract(w, np.multiply(gw, LR)), p, g)];
  });
}

