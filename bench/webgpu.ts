// WebGPU: tsjax's GPU kernels against @jax-js/jax's webgpu backend, in one process on one GPU
// (both drive the same adapter through Dawn, the `webgpu` package). Two measurements:
//   matmul: jit(matmul) on n×n float32 matrices already on the GPU; a sample queues `calls`
//     products, then reads the last one back (GPU queues are ordered, so that waits for all):
//     GFLOP/s = 2·n³·calls / s. The products are checked against float64 dot products on 64
//     sampled entries, to the float32 bound (K + 1)·2⁻²⁴·Σ|a·b|.
//   MLP step: bench/mlp-model.ts's model (784-256-256-10, tanh, softmax cross-entropy, batch 128,
//     SGD), the whole step jit'd for the GPU; parameters stay on the GPU. Timed two ways: reading
//     the loss back every step (as bench/mlp.ts does on the CPU), and reading it once per K steps.
//     Before timing, the first steps' losses are checked against tsjax's CPU jit (1e-4 relative).
// Built through the tsjax rollup plugin like the other benches, then run:
//   node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs && node bench/dist/webgpu.mjs [--quick] [--json FILE] [--no-peers] [--sizes 1024,2048,4096] [--k 20]
// On the device machine: bench/webgpu-device.sh. On a software adapter (Mesa's lavapipe, "llvmpipe")
// the figures are CPU speed, not GPU speed, and the output says so.

import { jit, valueAndGrad, initDevice, devicePut, numpy as jnp, Array as TArray } from "../runtime/index.js";
import type { Array } from "../runtime/index.js";
import { B, LR, X, Y, initial, jaxStep, loss, sgd, step as stepCpu, type Params } from "./mlp-model.js";
import { writeFileSync } from "node:fs";
import { type Any, load, median, ratio, versionOf, xorshift, skipReason } from "./harness.js";

const argv = process.argv;
const QUICK = argv.includes("--quick");
const NO_PEERS = argv.includes("--no-peers");
const arg = (name: string) => (argv.indexOf(name) > 0 ? argv[argv.indexOf(name) + 1] : undefined);
const JSON_OUT = arg("--json");
const SIZES = (arg("--sizes") ?? (QUICK ? "256,512" : "1024,2048,4096")).split(",").map(Number);
const K = Number(arg("--k") ?? (QUICK ? 5 : 20));
const ROUNDS = QUICK ? 3 : 7;
const SAMPLE_MS = QUICK ? 100 : 300; // (long enough that one read-back is a small part of a sample)
const WARMUP_MS = QUICK ? 200 : 1000;
const LOSS_CHECK_STEPS = 10;

// ---- the GPU in Node: the `webgpu` package (Dawn). @jax-js/jax looks for navigator.gpu,
// navigator.userAgent and the GPUBufferUsage/GPUMapMode/GPUShaderStage globals (a browser's);
// tsjax takes navigator.gpu too when it is there, so both use the same GPU object.
const dawn: Any = await load("webgpu");
Object.assign(globalThis, dawn.globals);
// counts of GPU work (queue submissions, compute dispatches, buffer reads), for "where the time goes"
const count = { submit: 0, dispatch: 0, map: 0, buffers: 0 };
const counted = (cls: Any, method: string, key: keyof typeof count) => {
  const f = cls?.prototype?.[method];
  if (typeof f === "function") cls.prototype[method] = function (this: unknown, ...a: unknown[]) { count[key]++; return f.apply(this, a); };
};
counted(dawn.globals.GPUQueue, "submit", "submit");
counted(dawn.globals.GPUComputePassEncoder, "dispatchWorkgroups", "dispatch");
counted(dawn.globals.GPUBuffer, "mapAsync", "map");
counted(dawn.globals.GPUDevice, "createBuffer", "buffers");
/** The GPU work `f` queues: submissions, dispatches, mapAsync reads, buffers created. */
async function gpuWork(f: () => Promise<unknown>): Promise<string> {
  const c0 = { ...count };
  await f();
  return `${count.submit - c0.submit} submits, ${count.dispatch - c0.dispatch} dispatches, ${count.map - c0.map} reads, ${count.buffers - c0.buffers} buffers created`;
}
const gpuObject = dawn.create([]);
Object.defineProperty(globalThis, "navigator", { value: { gpu: gpuObject, userAgent: `Node.js ${process.version}` }, configurable: true, writable: true });
const adapter = await gpuObject.requestAdapter({ powerPreference: "high-performance" });
if (!adapter) throw new Error("webgpu bench: no WebGPU adapter (the `webgpu` package found no Vulkan driver)");
const info = adapter.info ?? {};
const ADAPTER = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" / ") || "unknown adapter";
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software/i.test(ADAPTER);
await initDevice("webgpu");

// ---- timing: async cases (a GPU sample ends with an awaited read), round-robin samples
interface GCase {
  name: string;
  /** Runs n calls and resolves when their results are computed (one read-back at the end). */
  run: (n: number) => Promise<void>;
  calls: number;
  /** Calls come in multiples of this (the MLP's K steps a read). */
  unit?: number;
  firstMs: number;
  samples: number[]; // ms per call, one per round
}
async function calibrate(c: GCase): Promise<void> {
  const unit = c.unit ?? 1;
  let t = performance.now();
  await c.run(unit);
  c.firstMs = performance.now() - t;
  let n = unit;
  const t0 = performance.now();
  for (;;) {
    t = performance.now();
    await c.run(n);
    const dt = performance.now() - t;
    if (dt >= SAMPLE_MS && performance.now() - t0 >= WARMUP_MS) break;
    if (dt < SAMPLE_MS) n = unit * Math.ceil((n * Math.max(1.2, Math.min(8, (1.2 * SAMPLE_MS) / Math.max(dt, 0.01)))) / unit);
  }
  c.calls = n;
}
async function sample(cases: GCase[]): Promise<void> {
  for (let r = 0; r < ROUNDS; r++)
    for (const c of cases) {
      const t = performance.now();
      await c.run(c.calls);
      c.samples.push((performance.now() - t) / c.calls);
    }
}
const ms = (c: GCase) => median(c.samples);

// ---- @jax-js/jax on its webgpu backend
let jax: Any = null;
let jaxVersion = "not loaded";
const skipped: string[] = [];
if (!NO_PEERS) {
  try {
    jax = await load("@jax-js/jax");
    const got: string[] = await jax.init("webgpu");
    if (!got.includes("webgpu")) throw new Error(`init("webgpu") gave [${got}]: no webgpu backend`);
    jax.defaultDevice("webgpu");
    jaxVersion = `${versionOf("@jax-js/jax", import.meta.url)} (${jax.defaultDevice()})`;
  } catch (e) {
    jax = null;
    skipped.push(`@jax-js/jax: ${skipReason(e)}`);
  }
}

const out: Record<string, Any> = { node: process.version, adapter: ADAPTER, software: SOFTWARE, jax: jaxVersion, quick: QUICK, matmul: {}, mlp: {}, checks: [] as string[] };
const checks: string[] = out.checks;
const fail = (msg: string): never => {
  throw new Error(`webgpu bench: ${msg}`);
};

// ---- matmul
/** Checks 64 sampled entries of the n×n product c = a·b against float64 dot products. */
function checkProduct(label: string, n: number, a: Float32Array, b: Float32Array, c: ArrayLike<number>): void {
  let worst = 0;
  for (let s = 0; s < 64; s++) {
    const i = (s * 2654435761) % n, j = (s * 40503 + 7) % n;
    let dot = 0, abs = 0;
    for (let k = 0; k < n; k++) {
      const p = a[i * n + k] * b[k * n + j];
      dot += p;
      abs += Math.abs(p);
    }
    const err = Math.abs(c[i * n + j] - dot), bound = (n + 1) * 2 ** -24 * abs;
    if (!(err <= bound)) fail(`${label}: C[${i}, ${j}] = ${c[i * n + j]}, float64 product ${dot} (error ${err} > bound ${bound})`);
    worst = Math.max(worst, err / bound);
  }
  checks.push(`${label}: 64 sampled entries within the float32 bound (largest error ${(worst * 100).toFixed(1)}% of it)`);
}

/** Frees an Array's GPU buffer now (`delete()` of tsjax's GPU Arrays; not on the Array type). */
const free = (a: Array) => (a as unknown as { delete?: () => void }).delete?.();
const mm = jit((a: Array, b: Array) => jnp.matmul(a, b), { device: "webgpu" });
const mmJ = jax ? jax.jit((p: Any, q: Any) => jax.numpy.matmul(p, q)) : null;
const target = { matmul: null as null | { n: number; ratio: number }, mlp: null as null | number };

console.log(`node ${process.version}; adapter: ${ADAPTER}${SOFTWARE ? "  [SOFTWARE ADAPTER: CPU speed, not GPU speed]" : ""}; @jax-js/jax ${jaxVersion}`);
for (const s of skipped) console.log(`skipped ${s}`);
console.log(`matmul n×n float32 on the GPU: a sample queues \`calls\` products, then reads the last back; median of ${ROUNDS} samples (each ≥ ${SAMPLE_MS} ms) round-robin`);
for (const n of SIZES) {
  const a = xorshift(n * n, 1 + n), b = xorshift(n * n, 2 + n);
  const ag = devicePut(new TArray(a, [n, n], "float32"), "webgpu"), bg = devicePut(new TArray(b, [n, n], "float32"), "webgpu");
  /** The last product of each case's latest sample, checked after the timing (buffers are reused). */
  const timedOut: ArrayLike<number>[] = [];
  const first = mm(ag, bg);
  if (first.device !== "webgpu") fail(`jit(matmul, { device: "webgpu" }) gave an Array on ${first.device}`);
  checkProduct(`tsjax matmul ${n}`, n, a, b, await first.dataAsync());
  const cases: GCase[] = [
    {
      name: "tsjax jit(matmul) webgpu",
      calls: 0, firstMs: 0, samples: [],
      run: async (k) => {
        // (each product's buffer freed once the next is queued, as @jax-js/jax's are below:
        // kernels are submitted as they are called, and WebGPU frees a buffer after the queued
        // work that uses it)
        let r = mm(ag, bg);
        for (let i = 1; i < k; i++) {
          const next = mm(ag, bg);
          free(r);
          r = next;
        }
        timedOut[0] = (await r.block()).data as Float32Array;
        free(r);
      },
    },
  ];
  if (jax) {
    const np = jax.numpy;
    const aj = np.array(a, { shape: [n, n] }), bj = np.array(b, { shape: [n, n] });
    checkProduct(`@jax-js/jax matmul ${n}`, n, a, b, await mmJ(aj.ref, bj.ref).data());
    cases.push({
      name: "@jax-js/jax jit(matmul) webgpu",
      calls: 0, firstMs: 0, samples: [],
      run: async (k) => {
        // (its results are lazy: one disposed before it is submitted is never computed;
        // gpuBufferSync() submits the product's kernel and disposes the Array, so each is queued)
        for (let i = 0; i < k - 1; i++) mmJ(aj.ref, bj.ref).gpuBufferSync();
        timedOut[1] = await mmJ(aj.ref, bj.ref).data();
      },
    });
  }
  for (const c of cases) await calibrate(c);
  await sample(cases);
  cases.forEach((c, i) => checkProduct(`${c.name.split(" ")[0]} matmul ${n}, a timed sample's last product`, n, a, b, timedOut[i]));
  const gflops = (c: GCase) => (2 * n ** 3) / (ms(c) * 1e6);
  const row: Record<string, Any> = {};
  for (const c of cases) {
    row[c.name] = { ms: ms(c), gflops: gflops(c), calls: c.calls, firstMs: c.firstMs };
    console.log(`  n=${String(n).padEnd(5)} ${c.name.padEnd(32)} ${ms(c).toFixed(3).padStart(9)} ms/product ${gflops(c).toFixed(1).padStart(8)} GFLOP/s  (${c.calls} a sample; first call ${c.firstMs.toFixed(0)} ms)${c === cases[0] || !cases[0].samples.length ? "" : `   tsjax = ${ratio(gflops(cases[0]) / gflops(c))}x its GFLOP/s`}`);
  }
  out.matmul[n] = row;
  if (cases[1]) target.matmul = { n, ratio: gflops(cases[0]) / gflops(cases[1]) };
}

// ---- the MLP step
const stepGpu = jit((p: Params, x: Array, y: Array): [Array, Params] => {
  const [l, g] = valueAndGrad(loss)(p, x, y);
  return [l, { W1: sgd(p.W1, g.W1), b1: sgd(p.b1, g.b1), W2: sgd(p.W2, g.W2), b2: sgd(p.b2, g.b2), W3: sgd(p.W3, g.W3), b3: sgd(p.b3, g.b3) }];
}, { device: "webgpu" });
const xs = new TArray(X, [B, 784], "float32"), ys = new TArray(Y, [B, 10], "float32");
const xg = devicePut(xs, "webgpu"), yg = devicePut(ys, "webgpu");
const mk = (d: Float32Array, shape: number[]) => new TArray(d, shape, "float32");

let stepJ: Any = null, xj: Any = null, yj: Any = null;
if (jax) {
  const np = jax.numpy;
  stepJ = jaxStep(jax);
  xj = np.array(X, { shape: [B, 784] });
  yj = np.array(Y, { shape: [B, 10] });
}
const initialJ = () => initial((d, shape) => jax.numpy.array(d, { shape }));

// the first steps' losses: tsjax on the GPU and @jax-js/jax against tsjax's CPU jit
let L0 = NaN; // the initial loss (the CPU jit's first)
{
  let pc = initial(mk), pg: Params = devicePut(initial(mk), "webgpu"), pj: Any = jax ? initialJ() : null;
  const lc: number[] = [], lg: number[] = [], lj: number[] = [];
  for (let s = 0; s < LOSS_CHECK_STEPS; s++) {
    const [c, nc] = stepCpu(pc, xs, ys);
    const [g, ng] = stepGpu(pg, xg, yg);
    lc.push(c.item() as number);
    lg.push((await g.block()).item() as number);
    [pc, pg] = [nc, ng];
    if (jax) {
      const [l, nj] = stepJ(pj, xj.ref, yj.ref);
      pj = nj;
      lj.push((await l.data())[0]);
    }
  }
  L0 = lc[0];
  // one more step each, its loss read back: the GPU work it takes
  out.mlpWork = { tsjax: await gpuWork(async () => { const [l, n] = stepGpu(pg, xg, yg); pg = n; await l.block(); }) };
  if (jax) out.mlpWork.jax = await gpuWork(async () => { const [l, n] = stepJ(pj, xj.ref, yj.ref); pj = n; await l.data(); });
  checks.push(`MLP: one step with its loss read back queues: tsjax ${out.mlpWork.tsjax}${jax ? `; @jax-js/jax ${out.mlpWork.jax}` : ""}`);
  const rel = (u: number[]) => Math.max(...u.map((v, i) => Math.abs(v - lc[i]) / Math.abs(lc[i])));
  if (!lc.every(Number.isFinite) || !(lc[LOSS_CHECK_STEPS - 1] < lc[0])) fail(`the CPU losses are not finite and falling: ${lc}`);
  if (!(rel(lg) <= 1e-4)) fail(`tsjax's GPU losses ${lg} differ from the CPU jit's ${lc} by ${rel(lg)} relative (> 1e-4)`);
  checks.push(`MLP: tsjax webgpu's first ${LOSS_CHECK_STEPS} losses (${lg[0].toFixed(6)} → ${lg.at(-1)!.toFixed(6)}) equal tsjax's CPU jit's within ${rel(lg).toExponential(2)} relative (limit 1e-4)`);
  if (jax) {
    if (!(rel(lj) <= 1e-3)) fail(`@jax-js/jax's GPU losses ${lj} differ from tsjax's CPU jit's ${lc} by ${rel(lj)} relative (> 1e-3)`);
    checks.push(`MLP: @jax-js/jax webgpu's first ${LOSS_CHECK_STEPS} losses equal tsjax's CPU jit's within ${rel(lj).toExponential(2)} relative (limit 1e-3)`);
    jax.tree.map((w: Any) => w.dispose(), pj);
  }
}

// the timed cases: each trains its own parameters from the initial ones; every loss read back is
// checked finite and no higher than the initial loss; the last read loss is kept for the report
const checkLoss = (name: string, v: number) => {
  if (!(Number.isFinite(v) && v >= 0 && v <= L0 * (1 + 1e-4))) fail(`${name}: loss ${v} is not finite, or above the initial loss`);
  return v;
};
const mlpCases: GCase[] = [];
const last: Record<string, number> = {};
for (const every of [1, K]) {
  const mode = every === 1 ? "loss read every step" : `loss read every ${K} steps`;
  {
    let p: Params = devicePut(initial(mk), "webgpu");
    const name = `tsjax jit(step) webgpu, ${mode}`;
    mlpCases.push({
      name, calls: 0, unit: every, firstMs: 0, samples: [],
      run: async (n) => {
        for (let i = 0; i < n; i++) {
          const [l, next] = stepGpu(p, xg, yg);
          p = next;
          if ((i + 1) % every === 0) last[name] = checkLoss(name, (await l.block()).item() as number);
        }
      },
    });
  }
  if (jax) {
    let p: Any = initialJ();
    const name = `@jax-js/jax jit(step) webgpu, ${mode}`;
    mlpCases.push({
      name, calls: 0, unit: every, firstMs: 0, samples: [],
      run: async (n) => {
        for (let i = 0; i < n; i++) {
          const [l, next] = stepJ(p, xj.ref, yj.ref);
          p = next;
          // (a loss not read is disposed: the step's kernels still run, as its parameters are used)
          if ((i + 1) % every === 0) last[name] = checkLoss(name, (await l.data())[0]);
          else l.dispose();
        }
      },
    });
  }
}
console.log(`MLP 784-256-256-10, tanh, batch ${B}, softmax cross-entropy, SGD lr ${LR}; whole step jit'd for the GPU; median of ${ROUNDS} samples (each ≥ ${SAMPLE_MS} ms of steps) round-robin`);
for (const c of mlpCases) await calibrate(c);
await sample(mlpCases);
for (const c of mlpCases) {
  const peer = c.name.startsWith("@jax-js") ? mlpCases.find((m) => m.name === c.name.replace("@jax-js/jax", "tsjax")) : undefined;
  out.mlp[c.name] = { ms: ms(c), calls: c.calls, firstMs: c.firstMs, lastLoss: last[c.name] };
  console.log(`  ${c.name.padEnd(52)} ${ms(c).toFixed(3).padStart(8)} ms/step  (${c.calls} steps a sample; the first ${c.unit} took ${c.firstMs.toFixed(0)} ms; last loss ${last[c.name].toFixed(5)})${peer ? `   tsjax = ${ratio(ms(peer) / ms(c))}x its time` : ""}`);
}
const [t1, j1] = [mlpCases.find((c) => c.name.startsWith("tsjax")), mlpCases.find((c) => c.name.startsWith("@jax-js"))];
if (t1 && j1) target.mlp = ms(t1) / ms(j1);

for (const c of checks) console.log(`checked: ${c}`);
const label = SOFTWARE ? " [software adapter: not a GPU target measurement]" : "";
if (target.matmul) console.log(`  ${target.matmul.ratio >= 2 ? "MET   " : "MISSED"} matmul ${target.matmul.n}²: tsjax = ${ratio(target.matmul.ratio)}x @jax-js/jax's webgpu GFLOP/s (target >= 2 at 4096²)${label}`);
if (target.mlp !== null) console.log(`  ${target.mlp <= 0.5 ? "MET   " : "MISSED"} MLP step (loss read every step): tsjax = ${ratio(target.mlp)}x @jax-js/jax's webgpu time (target <= 0.5)${label}`);
out.targets = target;
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(out, null, 2));
// (Dawn's instance keeps the event loop alive)
process.exit(0);
