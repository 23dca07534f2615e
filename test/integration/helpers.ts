// Shared helpers of the end-to-end tests: a fresh dist/, temp dirs that can run built output,
// child processes with bounded waits, and a small source-map decoder.
//
// Everything the tests write goes under os.tmpdir(); nothing is written inside the repository
// except dist/ (by `npm run build`, when it is older than the sources).

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = path.join(ROOT, "test/integration/fixtures");
export const NPX = process.platform === "win32" ? "npx.cmd" : "npx";

// ---------------------------------------------------------------------------------------------
// dist/ freshness: build once (across vitest's worker processes, with a lock) when any source
// under runtime/ or transformer/ is newer than its compiled output.

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Sources whose dist/ output is missing or older than them (empty when dist/ is fresh). */
export function staleSources(): string[] {
  const stale: string[] = [];
  const buildCfg = fs.statSync(path.join(ROOT, "tsconfig.build.json")).mtimeMs;
  for (const top of ["runtime", "transformer"])
    for (const src of walk(path.join(ROOT, top))) {
      const out = path.join(ROOT, "dist", path.relative(ROOT, src)).replace(/\.ts$/, ".js");
      const o = fs.statSync(out, { throwIfNoEntry: false });
      if (!o || o.mtimeMs < Math.max(fs.statSync(src).mtimeMs, buildCfg)) stale.push(path.relative(ROOT, src));
    }
  return stale;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run `npm run build` if dist/ is older than the sources; one build at a time across workers. */
export async function ensureBuilt(): Promise<void> {
  if (staleSources().length === 0) return;
  const lock = path.join(os.tmpdir(), `tsjax-integration-build-${Buffer.from(ROOT).toString("hex").slice(-24)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // another worker is building: wait for it, then re-check
      const st = fs.statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 180_000) fs.rmSync(lock, { recursive: true, force: true }); // stale lock
      if (Date.now() > deadline) throw new Error(`tsjax integration: timed out waiting for the build lock ${lock}`);
      await sleep(250);
      if (staleSources().length === 0) return;
    }
  }
  try {
    if (staleSources().length === 0) return;
    const r = spawnSync(NPX, ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8", timeout: 170_000 });
    const stale = staleSources();
    if (stale.length)
      throw new Error(
        `tsjax integration tests need a fresh dist/, but \`npm run build\` did not produce it (exit ${r.status}).\n` +
          `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ?? ""}\nstill stale: ${stale.slice(0, 5).join(", ")}`,
      );
    // tsc emits despite type errors: those are the typecheck's business, the behaviour is ours
    if (r.status !== 0) console.warn(`tsjax integration: \`npm run build\` reported errors (dist/ was emitted anyway):\n${r.stdout}${r.stderr}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** import() a file of dist/ (after ensureBuilt), by absolute URL. */
export function importDist<T = Record<string, unknown>>(rel: string): Promise<T> {
  return import(/* @vite-ignore */ pathToFileURL(path.join(ROOT, "dist", rel)).href) as Promise<T>;
}

// ---------------------------------------------------------------------------------------------
// Temp dirs laid out like an installed project: package.json {"type": "module"} and
// node_modules/tsjax → this repository, so built output that imports "tsjax" runs there.

export function makeTmp(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsjax-it-${name}-`));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `tsjax-it-${name}`, private: true, type: "module" }));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(ROOT, path.join(dir, "node_modules", "tsjax"), "dir");
  return dir;
}

export function removeTmp(dir: string | undefined): void {
  if (!dir || !dir.startsWith(os.tmpdir())) return;
  // unlink the link to the repository first: never recurse through it
  fs.rmSync(path.join(dir, "node_modules", "tsjax"), { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Copy a fixture directory (files only, one level) into `dest`. */
export function copyFixture(name: string, dest: string): string {
  fs.mkdirSync(dest, { recursive: true });
  for (const f of fs.readdirSync(path.join(FIXTURES, name))) fs.copyFileSync(path.join(FIXTURES, name, f), path.join(dest, f));
  return dest;
}

// ---------------------------------------------------------------------------------------------
// Child processes

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} timed out after ${opts.timeout ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, opts.timeout ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const runNode = (file: string, opts: { cwd?: string; timeout?: number } = {}) =>
  run(process.execPath, [file], { cwd: opts.cwd ?? path.dirname(file), timeout: opts.timeout });

/** Wait until `cond()` is truthy, polling; throws with `what` after `timeout` ms. */
export async function waitFor<T>(cond: () => T | Promise<T>, what: string, timeout = 20_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Capture console.log while `fn` runs (for modules that print on import). */
export async function captureLog(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.map((x) => (typeof x === "string" ? x : String(x))).join(" "));
  try {
    await fn();
  } finally {
    console.log = orig;
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Source maps (v3): decode `mappings` ourselves.

export interface RawSourceMap {
  version: number;
  file?: string;
  sourceRoot?: string;
  sources: (string | null)[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

/** One decoded segment, all fields absolute and 0-based. */
export interface Segment {
  genCol: number;
  source?: number;
  line?: number;
  col?: number;
  name?: number;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0, line = 0, col = 0, name = 0;
  for (const l of mappings.split(";")) {
    const segs: Segment[] = [];
    let genCol = 0;
    for (const s of l.split(",")) {
      if (!s) continue;
      const vals: number[] = [];
      let v = 0, shift = 0;
      for (const ch of s) {
        const d = B64.indexOf(ch);
        if (d < 0) throw new Error(`bad VLQ character ${ch} in ${s}`);
        v += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(v & 1 ? -(v >>> 1) : v >>> 1);
          v = 0;
          shift = 0;
        }
      }
      genCol += vals[0];
      const seg: Segment = { genCol };
      if (vals.length >= 4) {
        source += vals[1];
        line += vals[2];
        col += vals[3];
        Object.assign(seg, { source, line, col });
      }
      if (vals.length === 5) seg.name = name += vals[4];
      segs.push(seg);
    }
    lines.push(segs);
  }
  return lines;
}

/** The original positions (absolute source path, 1-based line) that generated line `genLine` (1-based) maps to. */
export function originalLines(map: RawSourceMap, mapDir: string, genLine: number): { source: string; line: number }[] {
  const segs = decodeMappings(map.mappings)[genLine - 1] ?? [];
  const out: { source: string; line: number }[] = [];
  for (const s of segs) {
    if (s.source === undefined) continue;
    const src = map.sources[s.source];
    if (src == null) continue;
    const abs = path.resolve(mapDir, map.sourceRoot ?? "", src);
    if (!out.some((o) => o.source === abs && o.line === s.line! + 1)) out.push({ source: abs, line: s.line! + 1 });
  }
  return out;
}

/** 1-based number of the first line of `text` containing `needle` (throws when absent). */
export function lineOf(text: string, needle: string | RegExp): number {
  const i = text.split("\n").findIndex((l) => (typeof needle === "string" ? l.includes(needle) : needle.test(l)));
  if (i < 0) throw new Error(`no line matching ${needle} in:\n${text}`);
  return i + 1;
}
