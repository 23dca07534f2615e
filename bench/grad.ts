// Per-call cost of gradients: tsjax (compiled at build time) against a hand-written derivative
// and against the peers, @jax-js/jax (jit'd, wasm backend) and TensorFlow.js (tf.grad on its cpu
// and wasm backends), all in this one process.
//
//   (a) d/dx of x³ + 2x² − 3x + 1 at 1.0 (= 4):
//       tsjax grad of the `number` function, the hand-written 3x² + 4x − 3, the tsjax float32
//       Array version (the tutorial's f), jax-js jit(grad(f)), TF.js tf.grad(f).
//   (b) the autodiff tutorial's logistic regression: valueAndGrad(loss, { argnums: [0, 1] }) on
//       the 4x3 inputs: tsjax (eager), a hand-written JS forward+backward, jax-js
//       jit(valueAndGrad), TF.js tf.valueAndGrads.
//
// Built through the tsjax rollup plugin (grad is compiled, not traced), then run:
//   npm run build && (cd bench && npm ci) && node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs
//   node bench/dist/grad.mjs [--quick] [--json FILE]
// or simply `bash bench/run.sh`.
//
// Method: each case is warmed up, then calibrated so that one timed sample runs many calls
// (SAMPLE_MS each); samples of all cases are taken round-robin (so drift hits every case alike)
// and the median of the per-call times is reported. Every call's result is read back (a number
// added into a checksum, Arrays read through .data / .item() / dataSync()), and each checksum is
// checked against the expected value, so no call can be dropped as dead code.
//
// The peers are loaded with a computed dynamic import, so this file type-checks (the root
// tsconfig includes bench/*.ts) without bench/node_modules installed.

import { grad, valueAndGrad, jit, numpy as jnp, random } from "../runtime/index.js";
import type { Array, ArrayLike } from "../runtime/index.js";
import { writeFileSync } from "node:fs";
import { type Any, type Case as BaseCase, calibrate, fmt, load, median, ratio, sample, versionOf as versionOfPkg, benchArgs, skipReason, loadJaxWasm } from "./harness.js";

const { QUICK, JSON_OUT, SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 21, quick: 7 });

// ---------------------------------------------------------------------------------------------
// (a) the cubic

const cubic = (x: number) => x ** 3 + 2 * x ** 2 - 3 * x + 1;
const dcubic = grad(cubic);
const dcubicHand = (x: number) => 3 * x * x + 4 * x - 3;

// The tutorial's float32 version.
const f = (x: ArrayLike) => jnp.add(jnp.subtract(jnp.add(jnp.power(x, 3), jnp.multiply(2, jnp.power(x, 2))), jnp.multiply(3, x)), 1);
const dfdx = grad(f);

// Inputs come from memory (all 1.0), so the compiler cannot fold the call to a constant.
const XS = new Float64Array(1024).fill(1.0);

// ---------------------------------------------------------------------------------------------
// (b) the tutorial's logistic regression, verbatim

function sigmoid(x: ArrayLike): Array {
  return jnp.multiply(0.5, jnp.add(jnp.tanh(jnp.divide(x, 2)), 1));
}
const predict = jit((W: Array, b: Array, inputs: Array) => sigmoid(jnp.add(jnp.dot(inputs, W), b)));
const INPUTS = [
  [0.52, 1.12, 0.77],
  [0.88, -1.08, 0.15],
  [0.52, 0.06, -1.3],
  [0.74, -2.49, 1.39],
];
const TARGETS = [true, true, false, true];
const inputs = jnp.array(INPUTS);
const targets = jnp.array(TARGETS);
const loss = jit((W: Array, b: Array) => {
  const preds = predict(W, b, inputs);
  const label_preds = jnp.add(jnp.multiply(preds, targets), jnp.multiply(jnp.subtract(1, preds), jnp.subtract(1, targets)));
  return jnp.sum(jnp.negative(jnp.log(label_preds)));
});
const [key] = random.split(random.key(1701), 3);
const W = random.normal(key, [3]);
const b = random.normal(key, []);
const lossAndGrads = valueAndGrad(loss, { argnums: [0, 1] });

// The same in plain JS, by hand (float64, outputs allocated per call as the eager version does).
const X64 = Float64Array.from(INPUTS.flat());
const Y64 = Float64Array.from(TARGETS, Number);
const W64 = Float64Array.from(W.data);
const b64 = b.data[0];
function lossAndGradsHand(w: Float64Array, bias: number): [number, Float64Array, number] {
  let l = 0,
    gb = 0;
  const gw = new Float64Array(3);
  for (let i = 0; i < 4; i++) {
    const z = X64[3 * i] * w[0] + X64[3 * i + 1] * w[1] + X64[3 * i + 2] * w[2] + bias;
    const p = 0.5 * (Math.tanh(z / 2) + 1);
    const y = Y64[i];
    l -= Math.log(p * y + (1 - p) * (1 - y));
    const dz = p - y; // d(−log p_label)/dz for the sigmoid
    gw[0] += dz * X64[3 * i];
    gw[1] += dz * X64[3 * i + 1];
    gw[2] += dz * X64[3 * i + 2];
    gb += dz;
  }
  return [l, gw, gb];
}

// Reference values (tsjax's, which reproduce JAX digit for digit); the checksum of each call is
// loss + W_grad[0] + W_grad[1] + W_grad[2] + b_grad.
const [L0, [GW0, GB0]] = lossAndGrads(W, b);
const REF_B = (L0.item() as number) + GW0.data[0] + GW0.data[1] + GW0.data[2] + (GB0.item() as number);

// ---------------------------------------------------------------------------------------------
// The harness

interface Case extends BaseCase {
  group: "a" | "b";
  note?: string;
}

const cases: Case[] = [];
const skipped: { name: string; why: string }[] = [];
const add = (c: Omit<Case, "samples">) => cases.push({ ...c, samples: [] });

add({
  group: "a",
  name: "tsjax grad, number",
  expect: 4,
  tol: 0,
  run(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += dcubic(XS[i & 1023]);
    return s;
  },
});
add({
  group: "a",
  name: "hand-written 3x²+4x−3",
  expect: 4,
  tol: 0,
  run(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += dcubicHand(XS[i & 1023]);
    return s;
  },
});
add({
  group: "a",
  name: "tsjax grad, float32 Array",
  expect: 4,
  tol: 0,
  run(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += dfdx(XS[i & 1023]).data[0];
    return s;
  },
});
add({
  group: "b",
  name: "tsjax valueAndGrad (eager)",
  expect: REF_B,
  tol: 0,
  run(n) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const [l, [gW, gb]] = lossAndGrads(W, b);
      s += (l.item() as number) + gW.data[0] + gW.data[1] + gW.data[2] + (gb.item() as number);
    }
    return s;
  },
});
add({
  group: "b",
  name: "hand-written JS (float64)",
  expect: REF_B,
  tol: 1e-5,
  run(n) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const [l, gw, gb] = lossAndGradsHand(W64, b64);
      s += l + gw[0] + gw[1] + gw[2] + gb;
    }
    return s;
  },
});

// ---------------------------------------------------------------------------------------------
// Peers

// (@jax-js/jax does not export its package.json; bench/dist/grad.mjs sits beside bench/node_modules.)
const versionOf = (pkg: string) => versionOfPkg(pkg, import.meta.url);

const W_LIST = [...W.data];
const B_VAL = b.data[0];
const Y_F32 = TARGETS.map(Number); // float targets: jax-js gives `1 - boolArray` as uint32 wrap-around

let jaxVersion = "not loaded";
try {
  const peer = await loadJaxWasm(import.meta.url);
  const jax: Any = peer.jax;
  jaxVersion = peer.version;
  const np = jax.numpy;
  // Every op consumes its array arguments: `.ref` keeps one alive.
  const fj = (x: Any) => np.add(np.subtract(np.add(np.power(x.ref, 3), np.multiply(2, np.power(x.ref, 2))), np.multiply(3, x)), 1);
  const gj = jax.jit(jax.grad(fj));
  const gjEager = jax.grad(fj);
  const x1 = np.array(1.0);
  add({
    group: "a",
    name: "@jax-js/jax jit(grad(f))",
    expect: 4,
    tol: 0,
    run(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += gj(x1.ref).item(); // item() reads back and frees the result
      return s;
    },
  });
  add({
    group: "a",
    name: "@jax-js/jax grad(f), eager",
    expect: 4,
    tol: 0,
    note: "info",
    run(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += gjEager(x1.ref).item();
      return s;
    },
  });

  const Xj = np.array(INPUTS);
  const Yj = np.array(Y_F32);
  const sigmoidJ = (x: Any) => np.multiply(0.5, np.add(np.tanh(np.divide(x, 2)), 1));
  const lossJ = (w: Any, bias: Any) => {
    const preds = sigmoidJ(np.add(np.dot(Xj.ref, w), bias));
    const labelPreds = np.add(np.multiply(preds.ref, Yj.ref), np.multiply(np.subtract(1, preds), np.subtract(1, Yj.ref)));
    return np.sum(np.negative(np.log(labelPreds)));
  };
  const vgJ = jax.jit(jax.valueAndGrad(lossJ, { argnums: [0, 1] }));
  const Wj = np.array(W_LIST);
  const bj = np.array(B_VAL);
  add({
    group: "b",
    name: "@jax-js/jax jit(valueAndGrad)",
    expect: REF_B,
    tol: 1e-4,
    run(n) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const [l, [gw, gb]] = vgJ(Wj.ref, bj.ref);
        const d = gw.dataSync();
        s += l.item() + d[0] + d[1] + d[2] + gb.item();
      }
      return s;
    },
  });
} catch (e) {
  skipped.push({ name: "@jax-js/jax", why: skipReason(e) });
}

let tfVersion = "not loaded";
try {
  const tf: Any = await load("@tensorflow/tfjs");
  tfVersion = versionOf("@tensorflow/tfjs");
  const backends = ["cpu"];
  try {
    await load("@tensorflow/tfjs-backend-wasm");
    if (await tf.setBackend("wasm")) backends.push("wasm");
    else skipped.push({ name: "TF.js wasm", why: "setBackend('wasm') returned false" });
  } catch (e) {
    skipped.push({ name: "TF.js wasm", why: skipReason(e) });
  }
  const ft = (x: Any) => x.pow(3).add(x.square().mul(2)).sub(x.mul(3)).add(1);
  const gt = tf.grad(ft);
  const lossT = (X: Any, Y: Any) => (w: Any, bias: Any) => {
    const preds = X.matMul(w.expandDims(1)).squeeze([1]).add(bias).div(2).tanh().add(1).mul(0.5);
    const labelPreds = preds.mul(Y).add(tf.sub(1, preds).mul(tf.sub(1, Y)));
    return labelPreds.log().neg().sum();
  };
  for (const be of backends) {
    const before = () => tf.setBackend(be);
    await before();
    add({
      group: "a",
      name: `TF.js tf.grad, ${be}`,
      expect: 4,
      tol: 0,
      before,
      run(n) {
        const x = tf.scalar(1.0);
        let s = 0;
        for (let i = 0; i < n; i++) {
          const g = gt(x);
          s += g.dataSync()[0];
          g.dispose();
        }
        x.dispose();
        return s;
      },
    });
    add({
      group: "b",
      name: `TF.js tf.valueAndGrads, ${be}`,
      expect: REF_B,
      tol: 1e-4,
      before,
      run(n) {
        const X = tf.tensor2d(INPUTS);
        const Y = tf.tensor1d(Y_F32);
        const w = tf.tensor1d(W_LIST);
        const bias = tf.scalar(B_VAL);
        const vg = tf.valueAndGrads(lossT(X, Y));
        let s = 0;
        for (let i = 0; i < n; i++) {
          const { value, grads } = vg([w, bias]);
          const d = grads[0].dataSync();
          s += value.dataSync()[0] + d[0] + d[1] + d[2] + grads[1].dataSync()[0];
          tf.dispose([value, grads[0], grads[1]]);
        }
        tf.dispose([X, Y, w, bias]);
        return s;
      },
    });
  }
} catch (e) {
  skipped.push({ name: "@tensorflow/tfjs", why: skipReason(e) });
}

// ---------------------------------------------------------------------------------------------
// Measure

console.log(`node ${process.version}; @jax-js/jax ${jaxVersion}; @tensorflow/tfjs ${tfVersion}`);
console.log(`each sample ≥ ${SAMPLE_MS} ms of calls; median of ${ROUNDS} samples taken round-robin after warm-up`);
for (const s of skipped) console.log(`skipped ${s.name}: ${s.why}`);

// Warm up and calibrate each case, then sample them all round-robin.
for (const c of cases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(cases, ROUNDS);

const results: Record<string, { ns: number; calls: number; iqr: [number, number] }> = {};
for (const c of cases) {
  const s = [...c.samples].sort((p, q) => p - q);
  results[c.name] = { ns: median(c.samples), calls: c.calls!, iqr: [s[Math.floor(s.length / 4)], s[Math.floor((3 * s.length) / 4)]] };
}

function table(group: "a" | "b", title: string, base: string) {
  console.log(`\n${title}`);
  console.log("  " + "case".padEnd(34) + "per call".padStart(11) + "   IQR".padEnd(24) + `÷ ${base}`.padStart(14));
  const b0 = results[base].ns;
  for (const c of cases.filter((k) => k.group === group)) {
    const r = results[c.name];
    console.log("  " + c.name.padEnd(34) + fmt(r.ns).padStart(11) + `   ${fmt(r.iqr[0])}–${fmt(r.iqr[1])}`.padEnd(24) + ratio(r.ns / b0).padStart(13) + "x");
  }
}
table("a", "(a) d/dx (x³+2x²−3x+1) at 1.0, per call", "tsjax grad, number");
table("b", "(b) tutorial logistic regression, valueAndGrad(loss, argnums [0,1]), 4x3, per call", "tsjax valueAndGrad (eager)");

// Targets.
const verdicts: { target: string; value: string; met: boolean }[] = [];
const ns = (name: string) => results[name]?.ns;
const tA = ns("tsjax grad, number"),
  hA = ns("hand-written 3x²+4x−3");
verdicts.push({ target: "(a) tsjax number grad within 1.5x of hand-written", value: `${ratio(tA / hA)}x`, met: tA / hA <= 1.5 });
for (const c of cases.filter((k) => k.group === "a" && /jax-js.*jit|TF\.js/.test(k.name)))
  verdicts.push({ target: `(a) tsjax number grad >1000x faster than ${c.name}`, value: `${ratio(results[c.name].ns / tA)}x`, met: results[c.name].ns / tA > 1000 });
const tB = ns("tsjax valueAndGrad (eager)");
const jB = ns("@jax-js/jax jit(valueAndGrad)");
if (jB !== undefined) verdicts.push({ target: "(b) tsjax under 1/20 of @jax-js/jax jit(valueAndGrad)", value: `${ratio(jB / tB)}x faster`, met: tB * 20 < jB });
console.log("\ntargets");
for (const v of verdicts) console.log(`  ${v.met ? "MET   " : "MISSED"} ${v.target}: ${v.value}`);

if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, jax: jaxVersion, tfjs: tfVersion, skipped, results, verdicts }, null, 2));
// The timers and wasm modules of the peers can keep the event loop alive.
process.exit(0);
