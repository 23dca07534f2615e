// Eager elementwise ops on 1M float32 versus a hand-written loop over Float32Array.
//
// Node 20 cannot run TypeScript directly (no --experimental-strip-types), so compile first:
//
//   npx tsc -p tsconfig.json --outDir /tmp/tsjax-bench ; node /tmp/tsjax-bench/bench/elementwise.js
//
// (tsc emits even when files outside this bench have type errors; the `;` keeps going.)
// Prints the median time of each op over repeated runs, the hand-written loop's median, and
// their ratio. Both sides allocate their output, as an eager op must. Target: ratio ≤ 1.5.

import { add, exp, multiply, tanh } from "../runtime/numpy/elementwise.js";
import { NDArray } from "../runtime/array.js";
import { xorshift } from "./harness.js";

const N = 1_000_000;
const WARMUP = 30;
const REPEATS = 60;

/** Deterministic inputs in [lo, hi) (xorshift32). */
function rand(n: number, lo: number, hi: number, seed: number): Float32Array {
  return xorshift(n, seed).map((v) => lo + ((hi - lo) * (v + 1)) / 2);
}

// Hand-written baselines: the same math, one rounding per element, output allocated per call.
function handAdd(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}
function handMul(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
  return out;
}
function handAddScalar(a: Float32Array, s: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + s;
  return out;
}
function handAddRow(a: Float32Array, row: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  const m = row.length;
  for (let i = 0; i < a.length; i += m) for (let j = 0; j < m; j++) out[i + j] = a[i + j] + row[j];
  return out;
}
function handExp(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]);
  return out;
}
function handTanh(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.tanh(a[i]);
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function same(x: Float32Array | ArrayLike<number>, y: Float32Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < y.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

interface Case {
  name: string;
  op: () => NDArray;
  hand: () => Float32Array;
}

const a = rand(N, -3, 3, 1);
const b = rand(N, -3, 3, 2);
const row = rand(1000, -3, 3, 3);
const A = new NDArray(a, [N], "float32");
const B = new NDArray(b, [N], "float32");
const A2 = new NDArray(a, [N / 1000, 1000], "float32");
const ROW = new NDArray(row, [1000], "float32");

const cases: Case[] = [
  { name: "add", op: () => add(A, B), hand: () => handAdd(a, b) },
  { name: "multiply", op: () => multiply(A, B), hand: () => handMul(a, b) },
  { name: "exp", op: () => exp(A), hand: () => handExp(a) },
  { name: "tanh", op: () => tanh(A), hand: () => handTanh(a) },
  { name: "add scalar", op: () => add(A, 0.5), hand: () => handAddScalar(a, 0.5) },
  { name: "add (1000,1000)+(1000,)", op: () => add(A2, ROW), hand: () => handAddRow(a, row) },
];

console.log(`node ${process.version}, N = ${N}, median of ${REPEATS} runs after ${WARMUP} warm-up runs`);
console.log("op".padEnd(26) + "tsjax ms".padStart(10) + "hand ms".padStart(10) + "ratio".padStart(8));
for (const c of cases) {
  if (!same(c.op().data, c.hand())) throw new Error(`${c.name}: results differ from the hand-written loop`);
  for (let i = 0; i < WARMUP; i++) {
    c.op();
    c.hand();
  }
  const tOp: number[] = [];
  const tHand: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    // alternate, so drift (GC, turbo) hits both sides alike
    let t0 = performance.now();
    c.op();
    tOp.push(performance.now() - t0);
    t0 = performance.now();
    c.hand();
    tHand.push(performance.now() - t0);
  }
  const mo = median(tOp);
  const mh = median(tHand);
  console.log(c.name.padEnd(26) + mo.toFixed(3).padStart(10) + mh.toFixed(3).padStart(10) + (mo / mh).toFixed(2).padStart(8));
}
