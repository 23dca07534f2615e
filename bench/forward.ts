// Forward mode and Jacobians, tsjax against itself (the targets are ratios within tsjax):
//   (i)  jvp of the logistic map over 1000 steps (x ← r·x·(1−x), tangent on x0) against the
//        plain primal function and against reverse mode (grad): target, jvp within 3x the primal,
//        and no tape (the compiled jvp holds no Tape: checked on this bundle's text).
//   (ii) jacfwd against jacrev on a 100 → 1 function (Σ sin(x)·x over a 100-vector: jacrev does
//        one cotangent pass, jacfwd one tangent pass per input) and a 1 → 100 function
//        (sin(s·k) for k = 1..100: jacfwd does one pass, jacrev one per output). Target: each
//        wins where it should.
//   (iii) checkpoint: the gradient of 200 calls of a 50-step loop, with and without checkpoint
//        around the inner function: the time it costs to recompute, and the tape it saves
//        (bytes of the tape's number buffer, read after a first call of each in a fresh process
//        would be cleaner; here the checkpointed one runs first, before the buffer pool grows).
//
// Built through the tsjax rollup plugin, then run (or simply `bash bench/run.sh`):
//   npm run build && node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs
//   node bench/dist/forward.mjs [--quick] [--json FILE]
// Method as bench/harness.ts: warm-up, calibration to SAMPLE_MS per sample, round-robin samples,
// medians; every call's result is read back into a checked checksum.

import { checkpoint, grad, jacfwd, jacrev, jvp, numpy as jnp } from "../runtime/index.js";
import * as __rt from "../runtime/rt.js";
import type { Array } from "../runtime/index.js";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Case, calibrate, fmt, median, ratio, sample, benchArgs } from "./harness.js";

const { QUICK, JSON_OUT, SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 15, quick: 5 });
const STEPS = 1000;

function logistic(x0: number, r: number, steps: number): number {
  let x = x0;
  for (let i = 0; i < steps; i++) x = r * x * (1 - x);
  return x;
}
const dLogistic = grad(logistic);
const tLogistic = (x0: number, r: number, steps: number) => jvp(logistic, [x0, r, steps], [1, 0, 0])[1];

const heavy = (x: number) => {
  let s = x;
  for (let i = 0; i < 50; i++) s = Math.sin(s) * 0.9 + 0.1 * x;
  return s;
};
const light = checkpoint(heavy);
const chainPlain = grad((x: number) => {
  let s = x;
  for (let i = 0; i < 200; i++) s = heavy(s) + 0.1 * Math.cos(x);
  return s;
});
const chainRemat = grad((x: number) => {
  let s = x;
  for (let i = 0; i < 200; i++) s = light(s) + 0.1 * Math.cos(x);
  return s;
});
const chainRef = chainRemat(0.3);
const rematTape = __rt.tapeStats.capacity;
chainPlain(0.3);
const plainTape = __rt.tapeStats.capacity;

const K = jnp.arange(1, 101);
const manyToOne = (x: Array) => jnp.sum(jnp.multiply(jnp.sin(x), x));
const oneToMany = (s: number) => jnp.sin(jnp.multiply(K, s));
const X = jnp.linspace(-1, 1, 100);
const fwdMany = jacfwd(manyToOne), revMany = jacrev(manyToOne);
const fwdOne = jacfwd(oneToMany), revOne = jacrev(oneToMany);

// expected checksums (float64 references for the number code; the Jacobians' sums in float64)
const X0 = 0.3, R = 2.8;
const primalRef = logistic(X0, R, STEPS);
const tanRef = dLogistic(X0, R, STEPS);
const xs = X.tolist() as number[];
const manyRef = xs.reduce((a, x) => a + Math.sin(x) + x * Math.cos(x), 0);
let oneRef = 0;
for (let k = 1; k <= 100; k++) oneRef += k * Math.cos(k * 0.7);

const sumOf = (a: Array) => (a.tolist() as number[]).flat(2).reduce((p: number, q) => p + (q as number), 0);
const loop = (f: () => number) => (n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += f();
  return s;
};

const cases: Case[] = [
  { name: "logistic primal", run: loop(() => logistic(X0, R, STEPS)), expect: primalRef, tol: 1e-12, samples: [] },
  { name: "logistic jvp (∂/∂x0)", run: loop(() => tLogistic(X0, R, STEPS)), expect: tanRef, tol: 1e-9, samples: [] },
  { name: "logistic grad", run: loop(() => dLogistic(X0, R, STEPS)), expect: tanRef, tol: 1e-12, samples: [] },
  { name: "100→1 jacfwd", run: loop(() => sumOf(fwdMany(X))), expect: manyRef, tol: 1e-4, samples: [] },
  { name: "100→1 jacrev", run: loop(() => sumOf(revMany(X))), expect: manyRef, tol: 1e-4, samples: [] },
  { name: "1→100 jacfwd", run: loop(() => sumOf(fwdOne(0.7))), expect: oneRef, tol: 1e-4, samples: [] },
  { name: "1→100 jacrev", run: loop(() => sumOf(revOne(0.7))), expect: oneRef, tol: 1e-4, samples: [] },
  { name: "chain grad", run: loop(() => chainPlain(0.3)), expect: chainRef, tol: 1e-12, samples: [] },
  { name: "chain grad, checkpoint", run: loop(() => chainRemat(0.3)), expect: chainRef, tol: 1e-12, samples: [] },
];

for (const c of cases) await calibrate(c, WARMUP_MS, SAMPLE_MS);
await sample(cases, ROUNDS);
const med = Object.fromEntries(cases.map((c) => [c.name, median(c.samples)]));
for (const c of cases) console.log(`${c.name.padEnd(24)} ${fmt(med[c.name]).padStart(10)}`);

// the compiled jvp keeps no tape: no Tape in the function that replaced the jvp call
const bundle = readFileSync(fileURLToPath(import.meta.url), "utf8");
const from = bundle.indexOf("const tLogistic");
const site = bundle.slice(from, bundle.indexOf("\nconst ", from + 1));
const tapeFree = !/Tape|tapePush/.test(site) && site.length > 0;

const jvpRatio = med["logistic jvp (∂/∂x0)"] / med["logistic primal"];
const manyWin = med["100→1 jacfwd"] / med["100→1 jacrev"];
const oneWin = med["1→100 jacrev"] / med["1→100 jacfwd"];
console.log(`\njvp / primal: ${ratio(jvpRatio)}x; grad / primal: ${ratio(med["logistic grad"] / med["logistic primal"])}x; tape in the jvp: ${tapeFree ? "none" : "FOUND"}`);
console.log(`100→1: jacfwd / jacrev ${ratio(manyWin)}x; 1→100: jacrev / jacfwd ${ratio(oneWin)}x`);
console.log(`checkpoint: ${ratio(med["chain grad, checkpoint"] / med["chain grad"])}x the time; tape buffer ${rematTape * 8} bytes vs ${plainTape * 8} without`);
const verdict = (ok: boolean) => (ok ? "MET   " : "MISSED");
console.log(`  ${verdict(jvpRatio <= 3 && tapeFree)} forward: jvp of a 1000-step loop ${ratio(jvpRatio)}x the primal, no tape (target <= 3)`);
console.log(`  ${verdict(manyWin > 1 && oneWin > 1)} forward: jacrev wins on 100→1 (${ratio(manyWin)}x), jacfwd on 1→100 (${ratio(oneWin)}x)`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ medians: med, jvpRatio, manyWin, oneWin, tapeFree, rematTape, plainTape }, null, 2));
