// The fused (e) kernels alone, on one thread: the WebAssembly `kern` of the chain's forward and
// gradient programs (and of exp, tanh, sin, cos alone) run directly over 1M float32, with no copy
// in or out and no worker, for one or more builds side by side in one process (rounds
// interleaved; min and median). The way to A/B a change to runtime/jit/fused-kernel.ts,
// vmath32.ts, vmath.ts (with --exact) or vdag.ts: its numbers move much less than the whole call's.
//   node bench/fast-kernels.mjs [--dist DIR[,DIR2…]] [--exact] [--programs chain,grad,exp,tanh,sin,cos]
// DIR: a build's dist/ (default: this checkout's). Run with `--no-liftoff` to keep V8's tier-up
// timing out of the figures (a kernel that has not tiered up runs about twice as long).
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const dists = arg("--dist", path.join(here, "..", "dist")).split(",");
const names = arg("--programs", "chain,grad").split(",");
const fast = !process.argv.includes("--exact");

const PROGRAMS = {
  chain: { in: 1, ops: [["multiply", 0, { c: 1.1 }], ["add", 1, { c: 0.3 }], ["tanh", 2], ["multiply", 0, 0], ["negative", 4], ["exp", 5], ["multiply", 3, 6], ["sin", 0], ["add", 7, 8]] },
  // (the gradient of Σ chain as jit(grad) fuses it: x, and the scalar cotangent as a vector of ones)
  grad: { in: 2, ops: [["multiply", 0, { c: 1.1 }], ["add", 2, { c: 0.3 }], ["tanh", 3], ["multiply", 0, 0], ["negative", 5], ["exp", 6], ["cos", 0], ["multiply", 1, 8], ["multiply", 1, 7], ["multiply", 4, 1], ["multiply", 11, 7], ["negative", 12], ["multiply", 13, 0], ["multiply", 0, 13], ["add", 9, 14], ["add", 16, 15], ["subtract", { c: 1 }, 4], ["multiply", 10, 18], ["fma", 19, 4, 19], ["multiply", 20, { c: 1.1 }], ["add", 17, 21]] },
  exp: { in: 1, ops: [["negative", 0], ["exp", 1]] },
  tanh: { in: 1, ops: [["tanh", 0]] },
  sin: { in: 1, ops: [["sin", 0]] },
  cos: { in: 1, ops: [["cos", 0]] },
};

const n = 1 << 20;
const memory = new WebAssembly.Memory({ initial: 16 * 8 * 2, maximum: 16384, shared: true });
const mem = new Float32Array(memory.buffer);
let s = 1;
for (let i = 0; i < n; i++) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  mem[i] = (s / 2 ** 32) * 6 - 3;
  mem[n + i] = 1;
}
const OUT = 8 * n + 64;

const kernels = [];
for (const dist of dists) {
  const fk = await import(pathToFileURL(path.join(path.resolve(dist), "runtime/jit/fused-kernel.js")).href);
  const wasm = await import(pathToFileURL(path.join(path.resolve(dist), "runtime/jit/wasm.js")).href);
  for (const name of names) {
    const p = { ...PROGRAMS[name], fast };
    const imports = fk.importedOps(p);
    const modes = "v".repeat(p.in);
    const bytes = wasm.moduleBytes([fk.fusedKernel(p, modes), fk.sharedKernel(p, modes, imports.length)], { shared: true, min: 16, max: 16384 }, imports.map((op) => ({ name: op, params: [wasm.F64], results: [wasm.F64] })));
    const env = { memory };
    for (const op of imports) env[op] = Math[op];
    const kern = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env }).exports.kern;
    const ins = p.in === 1 ? [0] : [0, 4 * n];
    for (let r = 0; r < 300; r++) kern(...ins, OUT, 60, 0);
    kernels.push({ label: `${path.basename(path.dirname(path.resolve(dist)))}/${name}`, run: () => kern(...ins, OUT, n, 0), t: [] });
  }
}
for (let round = 0; round < 15; round++)
  for (const k of kernels)
    for (let j = 0; j < 2; j++) {
      const t0 = performance.now();
      k.run();
      k.t.push(performance.now() - t0);
    }
console.log(`${fast ? "fastMath" : "exact"} kernels on one thread, 1M float32, ${kernels[0].t.length} runs each`);
for (const k of kernels) {
  const t = k.t.sort((a, b) => a - b);
  console.log(`  ${k.label.padEnd(24)} min ${t[0].toFixed(2)} ms   median ${t[t.length >> 1].toFixed(2)} ms`);
}
