// Jacobians: jacfwd/jacrev compiled as one batched pass (the derivative code vmapped over the
// stacked basis: what tsjax now builds for a top-level jacfwd/jacrev/hessian of Array code)
// against one pass per basis vector (a JS loop of the compiled jvp / vjp pullback: what the run
// time did before), and @jax-js/jax's jacfwd/jacrev (jit'd) in the same process.
// Built through the tsjax rollup plugin (bench/rollup.config.mjs); run: node bench/dist/jacobian.mjs
import { Array as TArray, jacfwd, jacrev, jvp, vjp, numpy as jnp } from "../runtime/index.js";
import type { Array } from "../runtime/index.js";
import { type Any, type Case, calibrate, median, ratio, sample, benchArgs, skipReason, xorshift, loadJaxWasm } from "./harness.js";

const { SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 9, quick: 3 });
const N = 64, M = 48;
const W = new TArray(xorshift(M * N, 3).map((v) => v * 0.2), [M, N], "float32");
const b = new TArray(xorshift(M, 4), [M], "float32");
const x0 = new TArray(xorshift(N, 5), [N], "float32");
/** R^64 → R^48: a layer and a second nonlinearity. */
const f = (x: Array): Array => jnp.sin(jnp.tanh(jnp.add(jnp.matmul(W, x), b)));

const fwdB = jacfwd(f), revB = jacrev(f);
const eye = jnp.eye(N), eyeM = jnp.eye(M);
const fwdLoop = (x: Array) => jnp.stack(globalThis.Array.from({ length: N }, (_, q) => jvp(f, [x], [jnp.take(eye, q, 0)])[1]), 1);
const revLoop = (x: Array) => {
  const [, pull] = vjp(f, x);
  return jnp.stack(globalThis.Array.from({ length: M }, (_, p) => pull(jnp.take(eyeM, p, 0))[0]), 0);
};
const check = (J: Array) => jnp.sum(J).item() as number;
const want = check(fwdLoop(x0));
const cases: Case[] = [];
const add = (name: string, g: () => Array) => cases.push({ name, expect: want, tol: 1e-4, samples: [], run: (n) => { let s = 0; for (let i = 0; i < n; i++) s += check(g()); return s; } });
add("tsjax jacfwd (one batched pass)", () => fwdB(x0));
add("tsjax jvp per basis vector (64 passes)", () => fwdLoop(x0));
add("tsjax jacrev (one batched pass)", () => revB(x0));
add("tsjax vjp pullback per row (48 passes)", () => revLoop(x0));
let jaxVersion = "not loaded";
try {
  if (process.argv.includes("--no-peers")) throw new Error("--no-peers");
  const peer = await loadJaxWasm(import.meta.url);
  const jax: Any = peer.jax;
  jaxVersion = peer.version;
  const np = jax.numpy;
  const Wj = np.array(W.data, { shape: [M, N] }), bj = np.array(b.data, { shape: [M] }), xj = np.array(x0.data, { shape: [N] });
  const fj = (x: Any) => np.sin(np.tanh(np.add(np.matmul(Wj.ref, x), bj.ref)));
  const jf = jax.jit(jax.jacfwd(fj)), jr = jax.jit(jax.jacrev(fj));
  const run = (g: Any) => () => { const J = g(xj.ref); return np.sum(J).item(); };
  const wrap = (name: string, g: () => number) => cases.push({ name, expect: want, tol: 1e-4, samples: [], run: (n) => { let s = 0; for (let i = 0; i < n; i++) s += g(); return s; } });
  // (each tried once first: a peer that fails on this function is reported and left out)
  for (const [name, g] of [["@jax-js/jax jit(jacfwd)", run(jf)], ["@jax-js/jax jit(jacrev)", run(jr)]] as const) {
    try {
      g();
      wrap(name, g);
    } catch (e) {
      console.log(`skipped ${name}: ${String((e as Error).message ?? e).split("\n")[0]}`);
    }
  }
} catch (e) {
  console.log(`skipped @jax-js/jax: ${skipReason(e)}`);
}
console.log(`node ${process.version}; @jax-js/jax ${jaxVersion}`);
console.log(`Jacobian of sin(tanh(W x + b)), W ${M}x${N}; median of ${ROUNDS} samples (each >= ${SAMPLE_MS} ms)`);
for (const c of cases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(cases, ROUNDS);
const ms = (c: Case) => median(c.samples) / 1e6;
for (const c of cases) console.log(`  ${c.name.padEnd(40)} ${(ms(c) * 1000).toFixed(1).padStart(9)} µs/call   tsjax batched jacfwd = ${ratio(ms(cases[0]) / ms(c))}x this`);
