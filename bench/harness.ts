// The measuring loop shared by bench/grad.ts and bench/loops.ts: peer loading, checked calls,
// calibration, round-robin samples, medians. A case runs n calls and returns the sum of their
// read-back checksums, so no call is dead code and every sample is checked.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";

/** What the harness needs of a case (each bench adds its own fields). */
export interface Case {
  name: string;
  /** Runs n calls and returns the sum of their read-back checksums. */
  run: (n: number) => number;
  /** Per-call expected checksum and relative tolerance. */
  expect: number;
  tol: number;
  /** Called before every sample (switches TF.js backends). */
  before?: () => Promise<void> | void;
  calls?: number;
  /** Time of the very first call (jit compilation for jax-js), ms. */
  firstMs?: number;
  /** ns per call, one per round. */
  samples: number[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;
/** A peer, loaded by a computed specifier so tsc does not need bench/node_modules. */
export const load = async (spec: string): Promise<Any> => import(spec);
/** A peer's version (bench/dist/*.mjs sits beside bench/node_modules). */
export const versionOf = (pkg: string, from: string): string => {
  try {
    return (JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, from), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
};

export const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function check(c: Case, sum: number, n: number, label = c.name) {
  const per = sum / n;
  if (!(Math.abs(per - c.expect) <= c.tol * Math.max(1, Math.abs(c.expect))))
    throw new Error(`${label}: checksum ${per} per call, expected ${c.expect}`);
}

/** Warm a case up, then find n calls that take at least `sampleMs` (sets c.calls, c.firstMs). */
export async function calibrate(c: Case, warmupMs: number, sampleMs: number, label = c.name): Promise<void> {
  await c.before?.();
  let t = performance.now();
  check(c, c.run(1), 1, label);
  let dt = performance.now() - t;
  c.firstMs = dt;
  let n = 1;
  const t0 = performance.now();
  while (performance.now() - t0 < warmupMs) {
    t = performance.now();
    check(c, c.run(n), n, label);
    dt = performance.now() - t;
    if (dt < sampleMs) n = Math.min(n * 2, 1 << 30);
  }
  for (;;) {
    t = performance.now();
    check(c, c.run(n), n, label);
    dt = performance.now() - t;
    if (dt >= sampleMs) break;
    n = Math.ceil(n * Math.max(1.2, Math.min(8, (1.2 * sampleMs) / Math.max(dt, 0.01))));
  }
  c.calls = n;
}

/** `rounds` samples of every case, taken round-robin so load changes hit all cases alike. */
export async function sample<C extends Case>(cases: C[], rounds: number, label: (c: C) => string = (c) => c.name): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      await c.before?.();
      const n = c.calls!;
      const t = performance.now();
      const sum = c.run(n);
      const dt = performance.now() - t;
      check(c, sum, n, label(c));
      c.samples.push((dt * 1e6) / n); // ns per call
    }
  }
}

export const fmt = (ns: number) =>
  ns < 1000 ? `${ns.toFixed(ns < 10 ? 2 : 1)} ns` : ns < 1e6 ? `${(ns / 1000).toFixed(ns < 1e4 ? 2 : 1)} µs` : `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
export const ratio = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** The command line every bench takes: `--quick` (fewer, shorter samples) and `--json FILE`. */
export function benchArgs(rounds: { full: number; quick: number }) {
  const quick = process.argv.includes("--quick");
  const jsonIdx = process.argv.indexOf("--json");
  return {
    QUICK: quick,
    JSON_OUT: jsonIdx > 0 ? process.argv[jsonIdx + 1] : undefined,
    SAMPLE_MS: quick ? 15 : 40,
    ROUNDS: quick ? rounds.quick : rounds.full,
    WARMUP_MS: quick ? 150 : 600,
  };
}

/** Deterministic float32 inputs in [-1, 1): xorshift32 from `seed`. */
export function xorshift(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

/** Why a peer could not run, in one line (its error's first line). */
export const skipReason = (e: unknown): string => String((e as Error)?.message ?? e).split("\n")[0];

/** TensorFlow.js on its wasm backend, and its version for the report (`from`: the bench's import.meta.url). */
/** @jax-js/jax on its wasm device (plain init() crashes on Node 20), and its version for the report. */
export async function loadJaxWasm(from: string): Promise<{ jax: Any; version: string }> {
  const jax: Any = await load("@jax-js/jax");
  await jax.init("wasm");
  return { jax, version: `${versionOf("@jax-js/jax", from)} (${jax.defaultDevice()})` };
}

export async function loadTfWasm(from: string): Promise<{ tf: Any; version: string }> {
  const tf: Any = await load("@tensorflow/tfjs");
  await load("@tensorflow/tfjs-backend-wasm");
  if (!(await tf.setBackend("wasm"))) throw new Error("setBackend('wasm') returned false");
  return { tf, version: `${versionOf("@tensorflow/tfjs", from)} (wasm)` };
}

/**
 * This bench's own script run in processes of their own: `rounds` rounds over `variants` (each an
 * extra argument list; --quick passed on), the variants alternating within a round. For each
 * variant, the `results` object of each run's --json output, in round order.
 */
export function inOwnProcesses<R>(variants: readonly (readonly string[])[], rounds: number): R[][] {
  const dir = mkdtempSync(join(tmpdir(), "bench-isolated-"));
  const out = join(dir, "results.json");
  const pass = process.argv.filter((a) => a === "--quick");
  const got: R[][] = variants.map(() => []);
  try {
    for (let r = 0; r < rounds; r++)
      for (const [k, args] of variants.entries()) {
        const p = spawnSync(process.execPath, [process.argv[1], ...args, "--json", out, ...pass], { encoding: "utf8" });
        if (p.status !== 0) throw new Error(`${args.join(" ")} failed: ${p.stderr || p.stdout}`);
        got[k].push(JSON.parse(readFileSync(out, "utf8")).results as R);
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return got;
}
