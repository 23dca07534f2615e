// Control-flow performance: reverse-mode gradients of scalar (`number`) loops of 1000 steps,
// tsjax (compiled at build time: a forward loop that pushes onto a tape, a backward loop that
// pops) against the plain primal function, a hand-written adjoint, @jax-js/jax (its grad and jit
// trace the JS loop, i.e. unroll it) and TensorFlow.js (tf.grad over the JS loop, cpu backend),
// all in this one process.
//
//   (i)   logistic map x ← r·x·(1−x), 1000 steps from x0 (r = 2.8, a contracting regime, so
//         d/dr converges to 1/r² and d/dx0 to 0): gradient wrt x0 and r.
//   (ii)  Horner evaluation of a degree-1000 polynomial (1001 iterations) over a captured
//         Float64Array of coefficients c_i = 1/(i+1), at x = 0.5: gradient wrt x.
//   (iii) 1000 explicit Euler steps (dt = 0.01) of the damped oscillator p' = v,
//         v' = −k·p − c·v from (p, v) = (1, 0), k = 1, c = 0.1: gradient of the final p wrt (k, c).
//
// Built through the tsjax rollup plugin (grad is compiled, not traced), then run:
//   npm run build && node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs
//   node --stack-size=4000 bench/dist/loops.mjs [--quick] [--no-peers] [--verbose] [--json FILE]
// or simply `bash bench/run.sh`. `--stack-size=4000` (KB; the main thread's stack is 8 MB here,
// `ulimit -s`) is for @jax-js/jax: on V8's default ~1 MB stack its tracing of 1000 unrolled steps
// overflows (eager grad of (i): a recursive dispose of its tracer graph, 400 steps pass; jit(grad)
// of (i) in PartialEvalTracer.dispose, in some processes; jit(grad) of (ii) in AluExp.simplify of
// the fused kernel's expression, 300 steps pass, 500 fail). A case that throws is dropped and
// listed as skipped.
// Every peer runs the full trip count (at most ~0.6 s per call here, so none needed reducing);
// figures are also printed per step.
//
// Method (as bench/grad.ts): each case is warmed up, then calibrated so one timed sample runs
// ≥ SAMPLE_MS of calls (at least one call); samples of all cases are taken round-robin (drift hits
// every case alike) and the median per-call time is reported. Every call's result is read back
// (numbers added into a checksum; jax-js through .item(), TF.js through dataSync()) and checked
// against the expected value, so no call can be dead code. "first call" is the first call's time
// (jax-js: tracing and compiling).
//
// Tape memory: the number of values pushed per iteration is read from this bundle's own text (the
// stores the transformer emitted in each forward loop) and printed; one push site per loop
// iteration, so the tape holds (values per iteration) × (trip count) numbers.

import { grad } from "../runtime/index.js";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Any, type Case as BaseCase, calibrate, fmt, load, median, ratio, sample, versionOf as versionOfPkg, benchArgs, skipReason, loadJaxWasm } from "./harness.js";

const { QUICK, JSON_OUT, SAMPLE_MS, ROUNDS, WARMUP_MS } = benchArgs({ full: 15, quick: 5 });
const VERBOSE = process.argv.includes("--verbose"); // progress on stderr
const NO_PEERS = process.argv.includes("--no-peers"); // tsjax, primal and hand-written only

const STEPS = 1000;
const DEGREE = 1000;
const DT = 0.01;

// ---------------------------------------------------------------------------------------------
// The three programs, plain TypeScript. The trip count is an argument (known only at run time).

function logistic(x0: number, r: number, steps: number): number {
  let x = x0;
  for (let i = 0; i < steps; i++) x = r * x * (1 - x);
  return x;
}

const COEF = new Float64Array(DEGREE + 1).map((_, i) => 1 / (i + 1));
function horner(x: number): number {
  let y = 0;
  for (let i = COEF.length - 1; i >= 0; i--) y = y * x + COEF[i];
  return y;
}

function oscillator(k: number, c: number, steps: number): number {
  let p = 1;
  let v = 0;
  for (let i = 0; i < steps; i++) {
    const a = -k * p - c * v;
    p = p + DT * v;
    v = v + DT * a;
  }
  return p;
}

const dLogistic = grad(logistic, { argnums: [0, 1] });
const dHorner = grad(horner);
const dOscillator = grad(oscillator, { argnums: [0, 1] });

// ---------------------------------------------------------------------------------------------
// Hand-written adjoints, for scale: the minimum tape (1, 1 and 2 values per iteration) on a
// module-level Float64Array scratch, grown when too small and reused by every call (no allocation
// when warm; tsjax's tapes also reuse pooled buffers).

let scratch = new Float64Array(1 << 12);
const scratchOf = (n: number): Float64Array => (scratch.length >= n ? scratch : (scratch = new Float64Array(Math.max(n, 2 * scratch.length))));

function dLogisticHand(x0: number, r: number, steps: number): [number, number] {
  const xs = scratchOf(steps);
  let x = x0;
  for (let i = 0; i < steps; i++) {
    xs[i] = x;
    x = r * x * (1 - x);
  }
  let gx = 1,
    gr = 0;
  for (let i = steps - 1; i >= 0; i--) {
    const xi = xs[i];
    gr += gx * xi * (1 - xi);
    gx *= r * (1 - 2 * xi);
  }
  return [gx, gr];
}

function dHornerHand(x: number): number {
  const n = COEF.length;
  const ys = scratchOf(n);
  let y = 0;
  for (let i = n - 1; i >= 0; i--) {
    ys[i] = y;
    y = y * x + COEF[i];
  }
  let gy = 1,
    gx = 0;
  for (let i = 0; i < n; i++) {
    gx += gy * ys[i];
    gy *= x;
  }
  return gx;
}

function dOscillatorHand(k: number, c: number, steps: number): [number, number] {
  const pv = scratchOf(2 * steps);
  let p = 1,
    v = 0;
  for (let i = 0; i < steps; i++) {
    pv[2 * i] = p;
    pv[2 * i + 1] = v;
    const a = -k * p - c * v;
    p = p + DT * v;
    v = v + DT * a;
  }
  let gp = 1,
    gv = 0,
    gk = 0,
    gc = 0;
  for (let i = steps - 1; i >= 0; i--) {
    const ga = DT * gv; // from v ← v + dt·a
    const gpNew = gp - k * ga; // p ← p + dt·v and a = −k·p − c·v
    const gvNew = gv + DT * gp - c * ga;
    gk -= ga * pv[2 * i];
    gc -= ga * pv[2 * i + 1];
    gp = gpNew;
    gv = gvNew;
  }
  return [gk, gc];
}

// ---------------------------------------------------------------------------------------------
// Inputs come from memory, so the compiler cannot fold a call to a constant.

const X0 = 0.3,
  R = 2.8,
  XH = 0.5,
  K = 1,
  C = 0.1;
const IN = { x0: new Float64Array(64).fill(X0), r: new Float64Array(64).fill(R), xh: new Float64Array(64).fill(XH), k: new Float64Array(64).fill(K), c: new Float64Array(64).fill(C), steps: new Int32Array(64).fill(STEPS) };

// Reference values: tsjax's own (float64; checks allow 1e-9 relative for the rounding of a
// checksum summed over many calls), checked once against the hand-written adjoints and
// central finite differences below; a checksum is the sum of a call's outputs.
const sum2 = ([a, b]: readonly [number, number]) => a + b;
const REF = {
  logistic: logistic(X0, R, STEPS),
  horner: horner(XH),
  oscillator: oscillator(K, C, STEPS),
  dLogistic: dLogistic(X0, R, STEPS),
  dHorner: dHorner(XH),
  dOscillator: dOscillator(K, C, STEPS),
};
{
  const h = 1e-6;
  const fd = (f: (t: number) => number, t: number) => (f(t + h) - f(t - h)) / (2 * h);
  const checks: [string, number, number, number][] = [
    ["logistic d/dx0", REF.dLogistic[0], dLogisticHand(X0, R, STEPS)[0], fd((t) => logistic(t, R, STEPS), X0)],
    ["logistic d/dr", REF.dLogistic[1], dLogisticHand(X0, R, STEPS)[1], fd((t) => logistic(X0, t, STEPS), R)],
    ["horner d/dx", REF.dHorner, dHornerHand(XH), fd(horner, XH)],
    ["oscillator d/dk", REF.dOscillator[0], dOscillatorHand(K, C, STEPS)[0], fd((t) => oscillator(t, C, STEPS), K)],
    ["oscillator d/dc", REF.dOscillator[1], dOscillatorHand(K, C, STEPS)[1], fd((t) => oscillator(K, t, STEPS), C)],
  ];
  for (const [what, ts, hand, num] of checks) {
    const scale = Math.max(1e-6, Math.abs(num));
    if (Math.abs(ts - hand) > 1e-12 * Math.max(1, Math.abs(hand)) || Math.abs(ts - num) > 1e-5 * Math.max(1, scale))
      throw new Error(`${what}: tsjax ${ts}, hand-written ${hand}, finite differences ${num}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The harness

type Prog = "logistic" | "horner" | "oscillator";
type Kind = "primal" | "tsjax" | "hand" | "jax-jit" | "jax-eager" | "tfjs";
interface Case extends BaseCase {
  prog: Prog;
  kind: Kind;
  /** Steps (loop iterations) per call: a peer may run fewer than the program's 1000. */
  steps: number;
}
const cases: Case[] = [];
const skipped: { name: string; why: string }[] = [];
const add = (c: Omit<Case, "samples">) => cases.push({ ...c, samples: [] });
const PROG_STEPS: Record<Prog, number> = { logistic: STEPS, horner: DEGREE + 1, oscillator: STEPS };
const GRAD_EXPECT: Record<Prog, number> = { logistic: sum2(REF.dLogistic), horner: REF.dHorner, oscillator: sum2(REF.dOscillator) };

// (i) logistic map
add({ prog: "logistic", kind: "primal", name: "primal (plain TS)", steps: STEPS, expect: REF.logistic, tol: 1e-9, run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += logistic(IN.x0[i & 63], IN.r[i & 63], IN.steps[i & 63]);
  return s;
} });
add({ prog: "logistic", kind: "tsjax", name: "tsjax grad", steps: STEPS, expect: GRAD_EXPECT.logistic, tol: 1e-9, run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += sum2(dLogistic(IN.x0[i & 63], IN.r[i & 63], IN.steps[i & 63]));
  return s;
} });
add({ prog: "logistic", kind: "hand", name: "hand-written adjoint", steps: STEPS, expect: GRAD_EXPECT.logistic, tol: 1e-9, run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += sum2(dLogisticHand(IN.x0[i & 63], IN.r[i & 63], IN.steps[i & 63]));
  return s;
} });
// (ii) Horner
add({ prog: "horner", kind: "primal", name: "primal (plain TS)", steps: DEGREE + 1, expect: REF.horner, tol: 1e-9, run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += horner(IN.xh[i & 63]);
  return s;
} });
add({ prog: "horner", kind: "tsjax", name: "tsjax grad", steps: DEGREE + 1, expect: GRAD_EXPECT.horner, tol: 1e-9, run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += dHorner(IN.xh[i & 63]);
  return s;
} });
add({ prog: "horner", kind: "hand", name: "hand-written adjoint", steps: DEGREE + 1, expect: GRAD_EXPECT.horner, tol: 1e-9, run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += dHornerHand(IN.xh[i & 63]);
  return s;
} });
// (iii) damped oscillator
add({ prog: "oscillator", kind: "primal", name: "primal (plain TS)", steps: STEPS, expect: REF.oscillator, tol: 1e-9, run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += oscillator(IN.k[i & 63], IN.c[i & 63], IN.steps[i & 63]);
  return s;
} });
add({ prog: "oscillator", kind: "tsjax", name: "tsjax grad", steps: STEPS, expect: GRAD_EXPECT.oscillator, tol: 1e-9, run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += sum2(dOscillator(IN.k[i & 63], IN.c[i & 63], IN.steps[i & 63]));
  return s;
} });
add({ prog: "oscillator", kind: "hand", name: "hand-written adjoint", steps: STEPS, expect: GRAD_EXPECT.oscillator, tol: 1e-9, run(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += sum2(dOscillatorHand(IN.k[i & 63], IN.c[i & 63], IN.steps[i & 63]));
  return s;
} });

// ---------------------------------------------------------------------------------------------
// Peers: the same loops written in JS over their ops, float32. Their grad traces the loop, so
// every step becomes nodes of a graph (jax-js: a jaxpr; TF.js: its tape).

const versionOf = (pkg: string) => versionOfPkg(pkg, import.meta.url);
const PEER_TOL = 1e-3; // float32 over 1000 steps

let jaxVersion = "not loaded";
if (!NO_PEERS) try {
  const peer = await loadJaxWasm(import.meta.url);
  const jax: Any = peer.jax;
  jaxVersion = peer.version;
  const np = jax.numpy;
  // Every op consumes its array arguments: `.ref` keeps one alive for a later use.
  const logisticJ = (steps: number) => (x0: Any, r: Any) => {
    let x = x0;
    for (let i = 0; i < steps; i++) x = np.multiply(np.multiply(r.ref, x.ref), np.subtract(1, x));
    r.dispose();
    return x;
  };
  const COEF_LIST = [...COEF];
  const hornerJ = (x: Any) => {
    let y = np.array(0.0);
    for (let i = COEF_LIST.length - 1; i >= 0; i--) y = np.add(np.multiply(y, x.ref), COEF_LIST[i]);
    x.dispose();
    return y;
  };
  const oscillatorJ = (steps: number) => (k: Any, c: Any) => {
    let p = np.array(1.0),
      v = np.array(0.0);
    for (let i = 0; i < steps; i++) {
      const a = np.subtract(np.multiply(np.negative(k.ref), p.ref), np.multiply(c.ref, v.ref));
      const p2 = np.add(p, np.multiply(DT, v.ref));
      v = np.add(v, np.multiply(DT, a));
      p = p2;
    }
    k.dispose();
    c.dispose();
    v.dispose();
    return p;
  };
  // Each case gets its own input arrays: an array once handed to a jit'd function makes later
  // eager ops on it ~100x slower (30 s instead of 0.3 s per eager grad of (i)).
  const args = () => ({ logistic: [np.array(X0), np.array(R)], horner: [np.array(XH)], oscillator: [np.array(K), np.array(C)] });
  const fns = { logistic: logisticJ(STEPS), horner: hornerJ, oscillator: oscillatorJ(STEPS) };
  for (const prog of ["logistic", "horner", "oscillator"] as const) {
    const two = prog !== "horner";
    const g = () => jax.grad(fns[prog], two ? { argnums: [0, 1] } : undefined);
    for (const [kind, fn, argv] of [["jax-jit", jax.jit(g()), args()[prog]], ["jax-eager", g(), args()[prog]]] as const) {
      add({
        prog,
        kind,
        name: kind === "jax-jit" ? "@jax-js/jax jit(grad)" : "@jax-js/jax grad, eager",
        steps: PROG_STEPS[prog],
        expect: GRAD_EXPECT[prog],
        tol: PEER_TOL,
        run(n) {
          let s = 0;
          for (let i = 0; i < n; i++) {
            const out = fn(...argv.map((a: Any) => a.ref));
            s += two ? out[0].item() + out[1].item() : out.item(); // item() reads back and frees
          }
          return s;
        },
      });
    }
  }
} catch (e) {
  skipped.push({ name: "@jax-js/jax", why: skipReason(e) });
}

let tfVersion = "not loaded";
if (!NO_PEERS) try {
  const tf: Any = await load("@tensorflow/tfjs");
  tfVersion = versionOf("@tensorflow/tfjs");
  const before = () => tf.setBackend("cpu");
  await before();
  const logisticT = (x0: Any, r: Any) => {
    let x = x0;
    for (let i = 0; i < STEPS; i++) x = r.mul(x).mul(tf.sub(1, x));
    return x;
  };
  const hornerT = (x: Any) => {
    let y = tf.scalar(0);
    for (let i = COEF.length - 1; i >= 0; i--) y = y.mul(x).add(COEF[i]);
    return y;
  };
  const oscillatorT = (k: Any, c: Any) => {
    let p = tf.scalar(1),
      v = tf.scalar(0);
    for (let i = 0; i < STEPS; i++) {
      const a = k.neg().mul(p).sub(c.mul(v));
      p = p.add(v.mul(DT));
      v = v.add(a.mul(DT));
    }
    return p;
  };
  const two = (f: Any, a0: number, a1: number) => (n: number) => {
    const g = tf.grads(f);
    const a = tf.scalar(a0),
      b = tf.scalar(a1);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const [ga, gb] = g([a, b]);
      s += ga.dataSync()[0] + gb.dataSync()[0];
      tf.dispose([ga, gb]);
    }
    tf.dispose([a, b]);
    return s;
  };
  const one = (f: Any, a0: number) => (n: number) => {
    const g = tf.grad(f);
    const a = tf.scalar(a0);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const ga = g(a);
      s += ga.dataSync()[0];
      ga.dispose();
    }
    a.dispose();
    return s;
  };
  const name = "TF.js tf.grad, cpu";
  add({ prog: "logistic", kind: "tfjs", name, steps: STEPS, expect: GRAD_EXPECT.logistic, tol: PEER_TOL, before, run: two(logisticT, X0, R) });
  add({ prog: "horner", kind: "tfjs", name, steps: DEGREE + 1, expect: GRAD_EXPECT.horner, tol: PEER_TOL, before, run: one(hornerT, XH) });
  add({ prog: "oscillator", kind: "tfjs", name, steps: STEPS, expect: GRAD_EXPECT.oscillator, tol: PEER_TOL, before, run: two(oscillatorT, K, C) });
  // Leak check after one call of each (tf.grad runs the function in a tidy scope).
  const n0 = tf.memory().numTensors;
  for (const c of cases.filter((k) => k.kind === "tfjs")) c.run(1);
  if (tf.memory().numTensors !== n0) throw new Error(`TF.js leaks tensors: ${n0} → ${tf.memory().numTensors}`);
} catch (e) {
  skipped.push({ name: "@tensorflow/tfjs", why: skipReason(e) });
}

// ---------------------------------------------------------------------------------------------
// Measure

const label = (c: Case) => `${c.prog} ${c.name}`;

console.log(`node ${process.version}; @jax-js/jax ${jaxVersion}; @tensorflow/tfjs ${tfVersion} (cpu backend)`);
console.log(`each sample ≥ ${SAMPLE_MS} ms of calls (at least 1 call); median of ${ROUNDS} samples taken round-robin after warm-up`);

// Warm up and calibrate each case; a case that throws (jax-js eager without --stack-size) is dropped.
for (const c of [...cases]) {
  try {
    await calibrate(c, WARMUP_MS, SAMPLE_MS, label(c));
    if (VERBOSE) console.error(`calibrated ${label(c)}: ${c.calls} calls per sample`);
  } catch (e) {
    cases.splice(cases.indexOf(c), 1);
    const msg = skipReason(e);
    skipped.push({ name: label(c), why: msg + (e instanceof RangeError ? " (run node with --stack-size=4000)" : "") });
  }
}
for (const s of skipped) console.log(`skipped ${s.name}: ${s.why}`);
await sample(cases, ROUNDS, label);

// Tape: what each forward loop pushes, from the code the transformer emitted (this bundle): one
// push site per line, either `tape.push(a, b, c)` (a JS array) or
// `tape_f[tape_n++] = a, tape_f[tape_n++] = b, …` (a Float64Array stack kept in locals).
// The grads appear in source order: logistic, horner, oscillator.
let taped: number[] = [];
try {
  const src = readFileSync(fileURLToPath(import.meta.url), "utf8");
  for (const line of src.split("\n")) {
    if (line.trimStart().startsWith("//")) continue;
    const push = /\btape(?:_\d+)?\.push\(([^)]*)\)/.exec(line);
    const stores = line.match(/\btape(?:_\d+)?_f\[tape(?:_\d+)?_n\+\+\] =/g);
    if (push) taped.push(push[1].split(",").filter((a) => a.trim()).length);
    else if (stores) taped.push(stores.length);
  }
} catch {
  taped = []; // not a bundle
}
const PROGS: Prog[] = ["logistic", "horner", "oscillator"];
const tapedOf = (p: Prog): number | undefined => (taped.length === 3 ? taped[PROGS.indexOf(p)] : undefined);

// Linearity in the trip count: tsjax grad of the logistic map, and the hand-written adjoint, at
// 10x and 100x the steps (the tape grows with the steps: memory is linear in the trip count).
const linear: { steps: number; tsjaxNsPerStep: number; handNsPerStep: number }[] = [];
for (const steps of [STEPS, 10 * STEPS, 100 * STEPS]) {
  const calls = Math.max(3, Math.round((QUICK ? 2e5 : 1e6) / steps));
  const per: Record<"tsjax" | "hand", number[]> = { tsjax: [], hand: [] };
  let s = 0;
  for (let r = 0; r < (QUICK ? 3 : 7); r++) {
    for (const [name, f] of [["tsjax", dLogistic], ["hand", dLogisticHand]] as const) {
      const t = performance.now();
      for (let i = 0; i < calls; i++) s += sum2(f(IN.x0[i & 63], IN.r[i & 63], steps));
      per[name].push(((performance.now() - t) * 1e6) / calls / steps);
    }
  }
  if (!Number.isFinite(s)) throw new Error("non-finite logistic gradient");
  linear.push({ steps, tsjaxNsPerStep: median(per.tsjax), handNsPerStep: median(per.hand) });
}

// ---------------------------------------------------------------------------------------------
// Report

const results: Record<string, { ns: number; nsPerStep: number; steps: number; calls: number; firstMs: number; iqr: [number, number] }> = {};
const key = (c: { prog: Prog; kind: Kind }) => `${c.prog}/${c.kind}`;
for (const c of cases) {
  const s = [...c.samples].sort((p, q) => p - q);
  const ns = median(c.samples);
  results[key(c)] = { ns, nsPerStep: ns / c.steps, steps: c.steps, calls: c.calls!, firstMs: c.firstMs!, iqr: [s[Math.floor(s.length / 4)], s[Math.floor((3 * s.length) / 4)]] };
}
const get = (prog: Prog, kind: Kind) => results[`${prog}/${kind}`];

const TITLES: Record<Prog, string> = {
  logistic: `(i) logistic map x ← r·x·(1−x), ${STEPS} steps, grad wrt (x0, r)`,
  horner: `(ii) Horner, degree ${DEGREE} (${DEGREE + 1} iterations) over a captured Float64Array, grad wrt x`,
  oscillator: `(iii) damped oscillator, ${STEPS} explicit Euler steps, grad of final p wrt (k, c)`,
};
for (const prog of PROGS) {
  console.log(`\n${TITLES[prog]}`);
  console.log("  " + "case".padEnd(28) + "per call".padStart(11) + "   IQR".padEnd(24) + "per step".padStart(10) + "÷ primal".padStart(11) + "÷ tsjax grad".padStart(14) + "first call".padStart(12));
  const p0 = get(prog, "primal")?.ns,
    g0 = get(prog, "tsjax")?.ns;
  for (const c of cases.filter((k) => k.prog === prog)) {
    const r = results[key(c)];
    const perStepRatio = (base: number | undefined) => (base ? ratio(r.nsPerStep / (base / PROG_STEPS[prog])) + "x" : "–");
    console.log("  " + c.name.padEnd(28) + fmt(r.ns).padStart(11) + `   ${fmt(r.iqr[0])}–${fmt(r.iqr[1])}`.padEnd(24) + fmt(r.nsPerStep).padStart(10) + perStepRatio(p0).padStart(11) + perStepRatio(g0).padStart(14) + `${c.firstMs! < 10 ? c.firstMs!.toFixed(2) : c.firstMs!.toFixed(0)} ms`.padStart(12));
  }
  const t = tapedOf(prog);
  console.log(`  tape: ${t ?? "?"} values pushed per iteration (${t !== undefined ? t * PROG_STEPS[prog] : "?"} per call; linear in the trip count)`);
}
console.log(`\n(i) per step as the trip count grows (the tape grows with it), tsjax grad / hand-written adjoint:`);
for (const l of linear) console.log(`  ${String(l.steps).padStart(7)} steps: ${fmt(l.tsjaxNsPerStep).padStart(9)} / ${fmt(l.handNsPerStep).padStart(9)} per step`);

// Targets and the comparison table.
const verdicts: { target: string; value: string; met: boolean }[] = [];
const table: Record<string, Record<string, number | undefined>> = {};
for (const prog of PROGS) {
  const p = get(prog, "primal"),
    g = get(prog, "tsjax");
  if (!p || !g) continue;
  const rr = g.ns / p.ns;
  verdicts.push({ target: `(${prog}) tsjax grad within 3x of the primal`, value: `${ratio(rr)}x`, met: rr <= 3 });
  table[prog] = {
    primalNs: p.ns,
    gradNs: g.ns,
    ratio: rr,
    tapedPerIteration: tapedOf(prog),
    handNs: get(prog, "hand")?.ns,
    jaxJitPerStepRatio: get(prog, "jax-jit") && get(prog, "jax-jit").nsPerStep / g.nsPerStep,
    jaxEagerPerStepRatio: get(prog, "jax-eager") && get(prog, "jax-eager").nsPerStep / g.nsPerStep,
    tfjsPerStepRatio: get(prog, "tfjs") && get(prog, "tfjs").nsPerStep / g.nsPerStep,
  };
}
console.log("\nsummary: tsjax grad ÷ primal, and peers' per-step time ÷ tsjax grad's");
console.log("  " + "program".padEnd(12) + "primal".padStart(11) + "tsjax grad".padStart(12) + "ratio".padStart(8) + "taped/iter".padStart(12) + "jax-js jit".padStart(12) + "TF.js cpu".padStart(12));
for (const prog of PROGS) {
  const t = table[prog];
  if (!t) continue;
  const x = (v: number | undefined) => (v === undefined ? "–" : `${ratio(v)}x`);
  console.log("  " + prog.padEnd(12) + fmt(t.primalNs!).padStart(11) + fmt(t.gradNs!).padStart(12) + x(t.ratio).padStart(8) + String(t.tapedPerIteration ?? "?").padStart(12) + x(t.jaxJitPerStepRatio).padStart(12) + x(t.tfjsPerStepRatio).padStart(12));
}
console.log("\ntargets");
for (const v of verdicts) console.log(`  ${v.met ? "MET   " : "MISSED"} ${v.target}: ${v.value}`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, jax: jaxVersion, tfjs: tfVersion, results, taped, linear, table, verdicts, skipped }, null, 2));
