// Eager float32 matmul: 1024x1024 · 1024x1024 in GFLOP/s, and the tutorial's 4x3 · 3 dot per call.
//
// Node 20 cannot run TypeScript directly (no --experimental-strip-types), so compile first:
//
//   npx tsc -p tsconfig.json --outDir /tmp/tsjax-bench ; node /tmp/tsjax-bench/bench/matmul.js
//
// (tsc emits even when files outside this bench have type errors; the `;` keeps going.)
// Optional argument: the square size (default 1024). Target: at least 3 GFLOP/s in plain JS.

import { NDArray } from "../runtime/array.js";
import { dot, matmul } from "../runtime/numpy/linalg.js";
import { xorshift } from "./harness.js";

const rand = xorshift;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const n = Number(process.argv[2] ?? 1024);
const a = new NDArray(rand(n * n, 1), [n, n], "float32");
const b = new NDArray(rand(n * n, 2), [n, n], "float32");
const flop = 2 * n * n * n;

let sink = 0;
matmul(a, b); // warm-up: compile the kernel
const times: number[] = [];
for (let r = 0; r < 7; r++) {
  const t0 = performance.now();
  const c = matmul(a, b);
  times.push(performance.now() - t0);
  sink += c.data[r];
}
const ms = median(times);
console.log(`matmul ${n}x${n} float32: median ${ms.toFixed(1)} ms over ${times.length} runs, ${(flop / ms / 1e6).toFixed(2)} GFLOP/s`);

// The tutorial's inputs: x (4, 3) · w (3,).
const x = new NDArray(new Float32Array([0.52, 1.12, 0.77, 0.88, -1.08, 0.15, 0.52, 0.06, -1.3, 0.74, -2.49, 1.39]), [4, 3], "float32");
const w = new NDArray(new Float32Array([0.1, -0.2, 0.3]), [3], "float32");
const CALLS = 200_000;
const batches: number[] = [];
for (let r = 0; r < 9; r++) {
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) sink += dot(x, w).data[0];
  batches.push(((performance.now() - t0) * 1000) / CALLS);
}
console.log(`dot (4, 3)·(3,) float32: median ${median(batches.slice(2)).toFixed(3)} µs per call`);
if (sink === 42) console.log(""); // keep results live
