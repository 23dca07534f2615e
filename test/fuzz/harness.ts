// Builds generated programs through the tsjax transformer (many programs per file, one
// ts.Program per file, emitFile as the plugin does), imports the emitted JS and compares every
// derivative with the hyper-dual oracle. A transformer crash or a module that will not load is
// bisected down to the program responsible.
import ts from "typescript";
import { Worker } from "node:worker_threads";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { type CompileJob, type CompileResult, RUNTIME, compileBatch } from "./compile.mjs";
import { type Prog, names, order2, printProg } from "./ast.js";
import { type OracleResult, OracleError, evaluate } from "./oracle.js";
import { inputs } from "./gen.js";
import type { HD } from "./hd.js";

export const HEADER = `import { grad, valueAndGrad } from ${JSON.stringify(RUNTIME)};\n`;

/** Relative and absolute tolerance (float64 on both sides; only the order of operations differs). */
export const RTOL = 1e-9;
export const ATOL = 1e-9;
/** Points where a data-dependent decision is within this (relative) distance of switching are skipped. */
export const MARGIN = 1e-6;
/** Points where the oracle's value or a derivative exceeds this are skipped (tolerances lose meaning). */
export const HUGE = 1e6;

export type Kind = "invalid" | "oracle" | "refused" | "crash" | "wrong";
export interface Failure {
  id: number;
  kind: Kind;
  /** what differs or the message */
  detail: string;
  /** kind + normalized detail: failures with the same signature are one class */
  sig: string;
  x?: number;
  y?: number;
  expected?: Record<string, number>;
  got?: Record<string, number>;
}
export interface Stats {
  programs: number;
  checked: number;
  skipped: number;
  invalid: number;
  failures: Failure[];
  compileMs: number;
  runMs: number;
}

// ---- compilation ------------------------------------------------------------------------------

let tmp: string | undefined;
let fileNo = 0;
function tmpDir() {
  if (!tmp) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tsjax-fuzz-"));
    process.on("exit", () => fs.rmSync(tmp!, { recursive: true, force: true }));
  }
  return tmp;
}

export interface Built {
  /** program index → TypeScript errors (a generator bug) */
  invalid: Map<number, string>;
  /** program index → tsjax diagnostics */
  refused: Map<number, string>;
  mod?: Record<string, unknown>;
  /** set when the whole batch failed (transformer threw, emitted JS did not load) */
  fatal?: string;
}

/** Source of a batch and the character range each program occupies. */
export function batchSource(progs: Prog[], opts: { order2?: (p: Prog) => boolean } = {}) {
  let text = HEADER;
  const ranges: [number, number][] = [];
  for (const p of progs) {
    const start = text.length;
    text += printProg(p, { order2: opts.order2?.(p) ?? true }) + "\n";
    ranges.push([start, text.length]);
  }
  return { text, ranges };
}

export const timing = { typecheck: 0, emit: 0 };

/** Worker threads running compile.mjs (one per spare core), started on first use. */
class Pool {
  private workers: { w: Worker; busy: boolean }[] = [];
  private queue: { job: CompileJob; resolve: (r: CompileResult) => void }[] = [];
  private pending = new Map<number, (r: CompileResult) => void>();
  private next = 0;
  constructor(private size: number) {}
  run(job: CompileJob): Promise<CompileResult> {
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
    });
  }
  private pump() {
    while (this.queue.length) {
      let slot = this.workers.find((w) => !w.busy);
      if (!slot && this.workers.length < this.size) {
        const w = new Worker(new URL("./compile.mjs", import.meta.url));
        w.unref();
        w.on("message", ({ id, res }: { id: number; res: CompileResult }) => {
          const done = this.pending.get(id)!;
          this.pending.delete(id);
          const s = this.workers.find((x) => x.w === w)!;
          s.busy = false;
          done(res);
          this.pump();
        });
        slot = { w, busy: false };
        this.workers.push(slot);
      }
      if (!slot) return;
      const { job, resolve } = this.queue.shift()!;
      const id = this.next++;
      this.pending.set(id, resolve);
      slot.busy = true;
      slot.w.postMessage({ id, job });
    }
  }
  close() {
    for (const { w } of this.workers) void w.terminate();
    this.workers = [];
  }
}
let pool: Pool | undefined;
export function closePool() {
  pool?.close();
  pool = undefined;
}

export async function build(progs: Prog[], opts: { order2?: (p: Prog) => boolean; typecheck?: boolean; workers?: number } = {}): Promise<Built> {
  const { text, ranges } = batchSource(progs, opts);
  const file = path.join(tmpDir(), `b${fileNo++}.ts`);
  const job: CompileJob = { file, text, ranges, typecheck: opts.typecheck !== false };
  let res: CompileResult;
  if (opts.workers && opts.workers > 0) {
    pool ??= new Pool(opts.workers);
    res = await pool.run(job);
  } else res = compileBatch(job);
  timing.typecheck += res.typecheckMs;
  timing.emit += res.emitMs;
  const out: Built = { invalid: new Map(res.invalid), refused: new Map(res.refused) };
  if (res.fatal !== undefined || res.js === undefined) {
    out.fatal = res.fatal ?? "no output";
    return out;
  }
  const jsFile = file.replace(/\.ts$/, ".mjs");
  fs.writeFileSync(jsFile, res.js);
  try {
    out.mod = (await import(/* @vite-ignore */ pathToFileURL(jsFile).href)) as Record<string, unknown>;
  } catch (e) {
    out.fatal = `emitted module did not load: ${(e as Error).message}`;
  }
  return out;
}

const msg = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, "\n");
void msg;

// ---- checking ---------------------------------------------------------------------------------

const close = (got: number, exp: number) => Number.isFinite(got) && Math.abs(got - exp) <= RTOL * Math.abs(exp) + ATOL;

const COMPONENTS = ["v", "x", "y", "xx", "xy", "yy"] as const;
const finiteAndModerate = (o: HD) => COMPONENTS.every((c) => Number.isFinite(o[c]) && Math.abs(o[c]) <= HUGE);

/** Normalizes a message into a failure class: program-specific names and numbers removed. */
export function normalize(s: string): string {
  return s
    .split("\n")[0]
    .replace(/\bp\d+_h\d+\b/g, "H")
    .replace(/\b[fghk]\d+\b/g, "F")
    .replace(/\b(s|v|u|dv|K|i|w|L)\d+\b/g, "$1#")
    .replace(/-?\d+(\.\d+)?(e-?\d+)?/g, "N")
    .slice(0, 160);
}

/** Picks the first input point where the oracle is finite, moderate and away from every switch. */
export function pickPoint(p: Prog, seed: number, tries = 4): { x: number; y: number; o: OracleResult } | "oracle" | undefined {
  for (let k = 0; k < tries; k++) {
    const [x, y] = inputs(seed, p.id, k);
    let o: OracleResult;
    try {
      o = evaluate(p, x, y);
    } catch (e) {
      if (e instanceof OracleError) return "oracle";
      throw e;
    }
    if (o.margin >= MARGIN && finiteAndModerate(o.out)) return { x, y, o };
  }
  return undefined;
}

/** Checks one built program at (x, y) against the oracle's result; undefined when it agrees. */
export function checkOne(p: Prog, mod: Record<string, unknown>, x: number, y: number, o: HD, withOrder2: boolean): Failure | undefined {
  const n = names(p.id);
  const ord = order2(p.id);
  const base = { id: p.id, x, y };
  const run = (key: "g" | "h" | "k"): unknown => {
    const thunk = mod[n[key]] as () => (a: number, b: number) => unknown;
    const fn = thunk();
    return fn(x, y);
  };
  const d1 = ["x", "y"] as const;
  const checks: [string, () => Record<string, number>, Record<string, number>][] = [
    ["g", () => {
      const r = run("g") as [number, [number, number]];
      return { v: r[0], x: r[1][0], y: r[1][1] };
    }, { v: o.v, x: o.x, y: o.y }],
  ];
  if (withOrder2) {
    const hv = d1[ord.h];
    const hx: Record<string, number> = hv === "x" ? { xx: o.xx, xy: o.xy } : { yx: o.xy, yy: o.yy };
    checks.push([`h (grad of valueAndGrad's ∂${hv}, argnums [0, 1])`, () => {
      const r = run("h") as [number, number];
      const ks = Object.keys(hx);
      return { [ks[0]]: r[0], [ks[1]]: r[1] };
    }, hx]);
    const kv = d1[ord.k];
    const kk = `${kv}${kv}`;
    checks.push([`k (grad(grad(f, ${ord.k}), ${ord.k}))`, () => ({ [kk]: run("k") as number }), { [kk]: o[kk as "xx" | "yy"] }]);
  }
  for (const [what, get, expected] of checks) {
    let got: Record<string, number>;
    try {
      got = get();
    } catch (e) {
      const m = (e as Error).message ?? String(e);
      return { ...base, kind: "crash", detail: `${what}: ${m}`, sig: `crash ${what[0]}: ${normalize(m)}` };
    }
    const bad = Object.keys(expected).filter((c) => !close(got[c], expected[c]));
    if (bad.length) {
      const order = bad.some((c) => c.length === 2) ? "2nd order" : bad.includes("v") ? "value" : "1st order";
      // NaN where the oracle is finite (typically an infinite local derivative leaking) apart from finite wrong numbers
      const how = bad.some((c) => Number.isNaN(got[c])) ? "NaN" : bad.some((c) => !Number.isFinite(got[c])) ? "non-finite" : "finite";
      return { ...base, kind: "wrong", detail: `${what}: ${bad.join(", ")} differ`, sig: `wrong ${order} (${how})`, expected, got };
    }
  }
  return undefined;
}

/**
 * Second order everywhere; TSJAX_FUZZ_REC2=0 leaves it out for programs with recursive helpers
 * (higher order through recursion came later than the rest: main 2673e60).
 */
const REC2 = process.env.TSJAX_FUZZ_REC2 !== "0";
export const defaultOrder2 = (p: Prog) => REC2 || !p.helpers.some((h) => h.rec);

export interface RunOptions {
  seed: number;
  /** worker threads compiling batches (0: in this thread) */
  workers?: number;
  /** programs with second-order exports (default: all) */
  order2?: (p: Prog) => boolean;
}

/** Builds `progs` as one file (bisecting when the whole batch fails) and checks each. */
export async function runBatch(progs: Prog[], opts: RunOptions, stats: Stats): Promise<void> {
  const t0 = Date.now();
  const b = await build(progs, { order2: opts.order2 ?? defaultOrder2, workers: opts.workers });
  stats.compileMs += Date.now() - t0;
  await checkBatch(progs, b, opts, stats);
}

async function checkBatch(progs: Prog[], b: Built, opts: RunOptions, stats: Stats): Promise<void> {
  if (b.fatal) {
    if (progs.length === 1) {
      stats.programs++;
      stats.failures.push({ id: progs[0].id, kind: "crash", detail: b.fatal, sig: `crash build: ${normalize(b.fatal.replace(/^[^:]*: /, ""))}` });
      return;
    }
    const h = progs.length >> 1;
    await runBatch(progs.slice(0, h), { ...opts, workers: 0 }, stats);
    await runBatch(progs.slice(h), { ...opts, workers: 0 }, stats);
    return;
  }
  const t1 = Date.now();
  progs.forEach((p, i) => {
    stats.programs++;
    const r = judge(p, b, i, opts.seed, opts.order2 ?? defaultOrder2);
    if (r === "skipped") stats.skipped++;
    else {
      if (r === undefined || r.kind === "wrong" || r.kind === "crash") stats.checked++;
      if (r?.kind === "invalid") stats.invalid++;
      if (r) stats.failures.push(r);
    }
  });
  stats.runMs += Date.now() - t1;
}

/** Runs many batches, compiling up to `workers` of them at once on worker threads. */
export async function runBatches(batches: Prog[][], opts: RunOptions, stats: Stats): Promise<void> {
  const workers = opts.workers ?? 0;
  if (!workers) {
    for (const b of batches) await runBatch(b, opts, stats);
    return;
  }
  const t0 = Date.now();
  // keep at most workers + 1 builds in flight; check them in order
  const inflight: Promise<Built>[] = [];
  let next = 0;
  const launch = () => {
    if (next < batches.length) inflight.push(build(batches[next++], { order2: opts.order2 ?? defaultOrder2, workers }));
  };
  for (let k = 0; k <= workers; k++) launch();
  for (let i = 0; i < batches.length; i++) {
    const b = await inflight.shift()!;
    launch();
    await checkBatch(batches[i], b, opts, stats);
  }
  stats.compileMs += Date.now() - t0 - stats.runMs;
}

/**
 * The verdict on program `i` of a built batch: undefined when it agrees with the oracle, "skipped"
 * when no input point is usable, else the failure. `at` fixes the point (for the reducer).
 */
export function judge(p: Prog, b: Built, i: number, seed: number, order2: (p: Prog) => boolean, at?: { x: number; y: number }): Failure | "skipped" | undefined {
  if (b.fatal) return { id: p.id, kind: "crash", detail: b.fatal, sig: `crash build: ${normalize(b.fatal.replace(/^[^:]*: /, ""))}` };
  if (b.invalid.has(i)) return { id: p.id, kind: "invalid", detail: b.invalid.get(i)!, sig: `invalid: ${normalize(b.invalid.get(i)!.replace(/^TS\d+ line \d+: /, ""))}` };
  if (b.refused.has(i)) {
    const m = b.refused.get(i)!;
    return { id: p.id, kind: "refused", detail: m, sig: `refused: ${normalize(m)}` };
  }
  let pt: ReturnType<typeof pickPoint>;
  if (at) {
    try {
      const o = evaluate(p, at.x, at.y);
      pt = o.margin >= MARGIN && finiteAndModerate(o.out) ? { ...at, o } : undefined;
    } catch (e) {
      if (!(e instanceof OracleError)) throw e;
      pt = "oracle";
    }
  } else pt = pickPoint(p, seed);
  if (pt === "oracle") return { id: p.id, kind: "oracle", detail: "oracle error", sig: "oracle error" };
  if (!pt) return "skipped";
  return checkOne(p, b.mod!, pt.x, pt.y, pt.o.out, order2(p));
}

export const newStats = (): Stats => ({ programs: 0, checked: 0, skipped: 0, invalid: 0, failures: [], compileMs: 0, runMs: 0 });
