// Convolutions, GFLOP/s: tsjax's lax.convGeneralDilated, eager and jit'd (the float32 products of
// runtime/lax/conv-gemm.ts on the WebAssembly SIMD matmul kernel, every core) and its gradient
// with respect to both operands, against @jax-js/jax (jit, wasm backend) and TensorFlow.js
// (tf.conv2d, wasm backend, in its NHWC layout), all in this one process: batch 32, a 3x3
// kernel, SAME padding, 3 → 32 channels on 32x32 images and 32 → 64 channels on 16x16.
// FLOPs: 2·N·O·P·C·K for the convolution, three times that for the gradient (the forward pass
// and both cotangents, whatever each library keeps of the forward).
//
// Built through the tsjax rollup plugin like the others, then run:
//   npm run build && (cd bench && npm ci) && node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs
//   node bench/dist/conv.mjs [--quick] [--json FILE] [--no-peers]
// Every call reads its result back: the first and last elements of each result (the same
// elements in NCHW and NHWC), checked against tsjax's within 1e-3.

import { grad, jit, lax, numpy as jnp, Array as TArray } from "../runtime/index.js";
import type { Array } from "../runtime/index.js";
import { writeFileSync } from "node:fs";
import { type Any, type Case, calibrate, median, ratio, sample, benchArgs, xorshift, loadTfWasm, skipReason, loadJaxWasm } from "./harness.js";

const { JSON_OUT, SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 9, quick: 3 });
const NO_PEERS = process.argv.includes("--no-peers");

interface Shape {
  label: string;
  N: number;
  C: number;
  O: number;
  H: number;
}
const SHAPES: Shape[] = [
  { label: "32x3x32x32 * 32x3x3x3", N: 32, C: 3, O: 32, H: 32 },
  { label: "32x32x16x16 * 64x32x3x3", N: 32, C: 32, O: 64, H: 16 },
];
const flopsOf = (s: Shape) => 2 * s.N * s.O * s.H * s.H * s.C * 9;

interface CCase extends Case {
  shape: Shape;
  kind: "forward" | "grad";
  lib: string;
}
const cases: CCase[] = [];
const skipped: { name: string; why: string }[] = [];
const ends = (d: ArrayLike<number>) => d[0] + d[d.length - 1];

const inputs = SHAPES.map((s) => ({ x: xorshift(s.N * s.C * s.H * s.H, s.C), w: xorshift(s.O * s.C * 9, s.O) }));
/** NCHW → NHWC and OIHW → HWIO for TF.js. */
function toLast(d: Float32Array, A: number, B: number, S: number): Float32Array {
  const out = new Float32Array(d.length);
  for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) for (let s = 0; s < S; s++) out[(a * S + s) * B + b] = d[(a * B + b) * S + s];
  return out;
}
function toHWIO(d: Float32Array, O: number, I: number): Float32Array {
  const out = new Float32Array(d.length);
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) for (let k = 0; k < 9; k++) out[(k * I + i) * O + o] = d[(o * I + i) * 9 + k];
  return out;
}

const conv = (x: Array, w: Array) => lax.convGeneralDilated(x, w, [1, 1], "SAME");
const convGrad = grad((x: Array, w: Array) => jnp.sum(conv(x, w)), { argnums: [0, 1] });
// (jit: the intermediates, the convolutions' results among them, live in kernel memory)
const convJ = jit(conv);
const convGradJ = jit(grad((x: Array, w: Array) => jnp.sum(conv(x, w)), { argnums: [0, 1] }));
const expected = SHAPES.map((s, i) => {
  const x = new TArray(inputs[i].x, [s.N, s.C, s.H, s.H], "float32"), w = new TArray(inputs[i].w, [s.O, s.C, 3, 3], "float32");
  const [gx, gw] = convGrad(x, w);
  return { x, w, fwd: ends(conv(x, w).data), grad: ends(gx.data) + ends(gw.data) };
});
const add = (shape: Shape, kind: CCase["kind"], lib: string, call: () => number) => {
  const e = expected[SHAPES.indexOf(shape)];
  cases.push({ name: `${lib} ${kind} ${shape.label}`, shape, kind, lib, expect: kind === "forward" ? e.fwd : e.grad, tol: 1e-3, samples: [], run: (n) => { let s = 0; for (let i = 0; i < n; i++) s += call(); return s; } });
};
SHAPES.forEach((s, i) => {
  const { x, w } = expected[i];
  add(s, "forward", "tsjax", () => ends(conv(x, w).data));
  add(s, "grad", "tsjax", () => {
    const [gx, gw] = convGrad(x, w);
    return ends(gx.data) + ends(gw.data);
  });
  add(s, "forward", "tsjax jit", () => ends(convJ(x, w).data));
  add(s, "grad", "tsjax jit", () => {
    const [gx, gw] = convGradJ(x, w);
    return ends(gx.data) + ends(gw.data);
  });
});

let jaxVersion = "not loaded";
try {
  if (NO_PEERS) throw new Error("--no-peers");
  const peer = await loadJaxWasm(import.meta.url);
  const jax: Any = peer.jax;
  jaxVersion = peer.version;
  const np = jax.numpy;
  const f = jax.jit((x: Any, w: Any) => jax.lax.convGeneralDilated(x, w, [1, 1], "SAME"));
  const g = jax.jit(jax.grad((x: Any, w: Any) => np.sum(jax.lax.convGeneralDilated(x, w, [1, 1], "SAME")), { argnums: [0, 1] }));
  SHAPES.forEach((s, i) => {
    const x = np.array(inputs[i].x, { shape: [s.N, s.C, s.H, s.H] }), w = np.array(inputs[i].w, { shape: [s.O, s.C, 3, 3] });
    add(s, "forward", "@jax-js/jax", () => ends(f(x.ref, w.ref).dataSync()));
    add(s, "grad", "@jax-js/jax", () => {
      const [gx, gw] = g(x.ref, w.ref);
      return ends(gx.dataSync()) + ends(gw.dataSync());
    });
  });
} catch (e) {
  skipped.push({ name: "@jax-js/jax", why: skipReason(e) });
}

let tfVersion = "not loaded";
try {
  if (NO_PEERS) throw new Error("--no-peers");
  const { tf, version } = await loadTfWasm(import.meta.url);
  tfVersion = version;
  const gT = tf.grads((x: Any, w: Any) => tf.sum(tf.conv2d(x, w, 1, "same")));
  SHAPES.forEach((s, i) => {
    const x = tf.tensor4d(toLast(inputs[i].x, s.N, s.C, s.H * s.H), [s.N, s.H, s.H, s.C]);
    const w = tf.tensor4d(toHWIO(inputs[i].w, s.O, s.C), [3, 3, s.C, s.O]);
    add(s, "forward", "TF.js", () => {
      const y = tf.conv2d(x, w, 1, "same");
      const v = ends(y.dataSync());
      y.dispose();
      return v;
    });
    const gradT = () => {
      const [gx, gw] = gT([x, w]);
      const v = ends(gx.dataSync()) + ends(gw.dataSync());
      gx.dispose();
      gw.dispose();
      return v;
    };
    // (the wasm backend lacks some gradient kernels: then the gradient is left out, with why)
    try {
      gradT();
      add(s, "grad", "TF.js", gradT);
    } catch (e) {
      if (i === 0) skipped.push({ name: "TF.js wasm gradient", why: skipReason(e) });
    }
  });
} catch (e) {
  skipped.push({ name: "TF.js wasm", why: skipReason(e) });
}

for (const c of cases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(cases, ROUNDS);

const gflops = (c: CCase) => ((c.kind === "grad" ? 3 : 1) * flopsOf(c.shape)) / median(c.samples);
console.log(`node ${process.version}; @jax-js/jax ${jaxVersion}; TF.js ${tfVersion}; ${ROUNDS} samples each ≥ ${SAMPLE_MS} ms, medians`);
for (const s of skipped) console.log(`skipped ${s.name}: ${s.why}`);
console.log("| convolution (NCHW * OIHW, 3x3, SAME) | pass | tsjax | tsjax jit | @jax-js/jax jit | TF.js conv2d | tsjax / jax-js | tsjax / TF.js |");
console.log("|---|---|---|---|---|---|---|---|");
const rows: Record<string, unknown>[] = [];
for (const s of SHAPES)
  for (const kind of ["forward", "grad"] as const) {
    const of = (lib: string) => cases.find((c) => c.shape === s && c.kind === kind && c.lib === lib);
    const [t, tj, j, f] = [of("tsjax")!, of("tsjax jit"), of("@jax-js/jax"), of("TF.js")];
    const cell = (c: CCase | undefined) => (c ? `${(median(c.samples) / 1e6).toFixed(2)} ms, ${gflops(c).toFixed(1)} GFLOP/s` : "—");
    const r = (c: CCase | undefined) => (c ? `${ratio(median(c.samples) / median(t.samples))}x` : "—");
    console.log(`| ${s.label} | ${kind} | ${cell(t)} | ${cell(tj)} | ${cell(j)} | ${cell(f)} | ${r(j)} | ${r(f)} |`);
    rows.push({ shape: s.label, kind, ...Object.fromEntries([t, tj, j, f].filter((c) => c).map((c) => [c!.lib, { ms: median(c!.samples) / 1e6, gflops: gflops(c!), samples: c!.samples }])) });
  }
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, jaxVersion, tfVersion, rows, skipped }, null, 2));
