// Builds generated programs through the tsjax transformer (many programs per file, one
// ts.Program per file, emitFile as the plugin does), imports the emitted JS and compares every
// derivative with the hyper-dual oracle. A transformer crash or a module that will not load is
// bisected down to the program responsible.
import ts from "typescript";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { emitFile } from "../../dist/transformer/program.js";
import { type Prog, names, order2, printProg } from "./ast.js";
import { type OracleResult, OracleError, evaluate } from "./oracle.js";
import { inputs } from "./gen.js";
import type { HD } from "./hd.js";

export const RUNTIME = fileURLToPath(new URL("../../dist/runtime/index.js", import.meta.url));
export const HEADER = `import { grad, valueAndGrad } from ${JSON.stringify(RUNTIME)};\n`;

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  types: [],
  lib: ["lib.es2023.d.ts"],
};

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

const cache = new Map<string, ts.SourceFile>();
const baseHost = ts.createCompilerHost(OPTIONS);
function hostFor(files: Map<string, string>): ts.CompilerHost {
  return {
    ...baseHost,
    getSourceFile(name, lang) {
      const text = files.get(name);
      if (text !== undefined) return ts.createSourceFile(name, text, lang, true);
      let sf = cache.get(name);
      if (!sf) {
        sf = baseHost.getSourceFile(name, lang);
        if (sf) cache.set(name, sf);
      }
      return sf;
    },
    fileExists: (n) => files.has(n) || baseHost.fileExists(n),
    readFile: (n) => files.get(n) ?? baseHost.readFile(n),
    writeFile: () => {},
  };
}

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
const msg = (d: ts.Diagnostic) => ts.flattenDiagnosticMessageText(d.messageText, "\n");

export async function build(progs: Prog[], opts: { order2?: (p: Prog) => boolean; typecheck?: boolean } = {}): Promise<Built> {
  const { text, ranges } = batchSource(progs, opts);
  const file = path.join(tmpDir(), `b${fileNo++}.ts`);
  const files = new Map([[file, text]]);
  const program = ts.createProgram([file], OPTIONS, hostFor(files));
  const sf = program.getSourceFile(file)!;
  const owner = (pos: number | undefined) => {
    const i = ranges.findIndex(([a, b]) => pos !== undefined && pos >= a && pos < b);
    return i;
  };
  const out: Built = { invalid: new Map(), refused: new Map() };
  const tc0 = Date.now();
  if (opts.typecheck !== false) {
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const i = owner(d.start);
      const line = sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
      out.invalid.set(i, (out.invalid.get(i) ?? "") + `TS${d.code} line ${line}: ${msg(d)}\n`);
    }
  }
  timing.typecheck += Date.now() - tc0;
  const te0 = Date.now();
  let js: string;
  try {
    const res = emitFile(program, file);
    for (const d of res.diagnostics) {
      const i = owner(d.start);
      out.refused.set(i, (out.refused.get(i) ? out.refused.get(i) + "\n" : "") + msg(d));
    }
    js = res.js;
  } catch (e) {
    out.fatal = `transformer threw: ${(e as Error).stack ?? e}`;
    return out;
  }
  timing.emit += Date.now() - te0;
  const jsFile = file.replace(/\.ts$/, ".mjs");
  fs.writeFileSync(jsFile, js);
  try {
    out.mod = (await import(/* @vite-ignore */ pathToFileURL(jsFile).href)) as Record<string, unknown>;
  } catch (e) {
    out.fatal = `emitted module did not load: ${(e as Error).message}`;
  }
  return out;
}

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
      return { ...base, kind: "wrong", detail: `${what}: ${bad.join(", ")} differ`, sig: `wrong ${order}`, expected, got };
    }
  }
  return undefined;
}

/** Second order everywhere except through recursion (documented as first order only: DESIGN.md). */
export const defaultOrder2 = (p: Prog) => !p.helpers.some((h) => h.rec);

export interface RunOptions {
  seed: number;
  /** programs with second-order exports (default: all) */
  order2?: (p: Prog) => boolean;
}

/** Builds `progs` as one file (bisecting when the whole batch fails) and checks each. */
export async function runBatch(progs: Prog[], opts: RunOptions, stats: Stats): Promise<void> {
  const t0 = Date.now();
  const b = await build(progs, { order2: opts.order2 ?? defaultOrder2 });
  stats.compileMs += Date.now() - t0;
  if (b.fatal) {
    if (progs.length === 1) {
      stats.programs++;
      stats.failures.push({ id: progs[0].id, kind: "crash", detail: b.fatal, sig: `crash build: ${normalize(b.fatal.replace(/^[^:]*: /, ""))}` });
      return;
    }
    const h = progs.length >> 1;
    await runBatch(progs.slice(0, h), opts, stats);
    await runBatch(progs.slice(h), opts, stats);
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
