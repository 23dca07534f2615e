// Memory over a long run of the (d) MLP training step (784-256-256-10, tanh, batch 128, SGD, the
// whole step jit'd): STEPS steps in one synchronous loop (no event-loop turn, so no finalizer
// runs), the process's resident set, the JavaScript heap and the kernel memory sampled every
// STEPS/20 steps. Flat means the last samples are no larger than the ones after warm-up.
//
// Built through the tsjax rollup plugin like the others, then run:
//   node node_modules/rollup/dist/bin/rollup -c bench/rollup.config.mjs && node bench/dist/mlp-memory.mjs [--steps N] [--json FILE]

import { Array as TArray } from "../runtime/index.js";
import { machine } from "../runtime/jit/machine.js";
import { writeFileSync } from "node:fs";
import { B, X, Y, initial, step, type Params } from "./mlp-model.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const STEPS = Number(arg("--steps") ?? 200_000);
const JSON_OUT = arg("--json");
const xs = new TArray(X, [B, 784], "float32"), ys = new TArray(Y, [B, 10], "float32");
let p: Params = initial((d, shape) => new TArray(d, shape, "float32"));

const MB = (b: number) => b / 2 ** 20;
const samples: { step: number; rss: number; heap: number; ab: number; ext: number; kernel: number; loss: number; s: number }[] = [];
const t0 = performance.now();
const every = Math.max(1, Math.floor(STEPS / 20));
for (let i = 1; i <= STEPS; i++) {
  const [l, next] = step(p, xs, ys);
  p = next;
  if (i % every === 0 || i === 1) {
    const m = process.memoryUsage();
    samples.push({ step: i, rss: MB(m.rss), heap: MB(m.heapUsed), ab: MB(m.arrayBuffers), ext: MB(m.external), kernel: MB(machine()?.memory.buffer.byteLength ?? 0), loss: l.item() as number, s: (performance.now() - t0) / 1e3 });
    const last = samples[samples.length - 1];
    console.log(`step ${String(i).padStart(7)}  ${last.s.toFixed(0).padStart(5)} s  rss ${last.rss.toFixed(0).padStart(5)} MiB  heap ${last.heap.toFixed(0).padStart(4)} MiB  buffers ${last.ab.toFixed(0).padStart(4)} MiB  kernel memory ${last.kernel.toFixed(0).padStart(4)} MiB  loss ${last.loss.toFixed(4)}`);
  }
}
const warm = samples.slice(2, 5), end = samples.slice(-3);
const peak = (xs: typeof samples, k: "rss" | "kernel") => Math.max(...xs.map((s) => s[k]));
const flat = peak(end, "rss") <= peak(warm, "rss") * 1.1 + 16 && peak(end, "kernel") <= peak(warm, "kernel");
console.log(`  ${flat ? "MET   " : "MISSED"} memory: ${STEPS} MLP steps, rss ${peak(warm, "rss").toFixed(0)} MiB after warm-up and ${peak(end, "rss").toFixed(0)} MiB at the end; kernel memory ${peak(warm, "kernel").toFixed(0)} → ${peak(end, "kernel").toFixed(0)} MiB`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, steps: STEPS, samples }, null, 2));
