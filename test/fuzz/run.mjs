#!/usr/bin/env node
// Long fuzzing runs: tens of thousands of generated programs, in chunks (one vitest process per
// chunk, so memory stays bounded and progress shows), failures aggregated into classes with one
// reduced repro per class (reduced in the chunk where the class first appears).
//
//   npm run build && node test/fuzz/run.mjs --count 50000 --seed 7 [--chunk 5000] [--off same,narrow]
//                                          [--start 0] [--out fuzz-report.md] [--reduce-ms 60000]
//
// Equivalent single process: TSJAX_FUZZ_SEED=7 TSJAX_FUZZ_COUNT=50000 npx vitest run test/fuzz.test.ts
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(" ")
    .split(/\s*--/)
    .filter(Boolean)
    .map((a) => {
      const [k, ...v] = a.split(/\s+/);
      return [k, v.join(" ") || "1"];
    }),
);
const seed = Number(args.seed ?? 7);
const count = Number(args.count ?? 50000);
const start = Number(args.start ?? 0);
const chunk = Number(args.chunk ?? 5000);
const off = args.off ?? "";
const reduceMs = Number(args["reduce-ms"] ?? 60000);
const outFile = args.out;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tsjax-fuzz-run-"));
const known = path.join(tmp, "known.json");
fs.writeFileSync(known, "[]");
/** sig → { count, first class report with the reduced repro } */
const classes = new Map();
let programs = 0, checked = 0, skipped = 0, failures = 0;
const t0 = Date.now();
for (let s = start; s < start + count; s += chunk) {
  const n = Math.min(chunk, start + count - s);
  const report = path.join(tmp, `r${s}.json`);
  const r = spawnSync("npx", ["vitest", "run", "test/fuzz.test.ts", "-t", "programs"], {
    cwd: ROOT,
    env: { ...process.env, TSJAX_FUZZ_SEED: String(seed), TSJAX_FUZZ_START: String(s), TSJAX_FUZZ_COUNT: String(n), TSJAX_FUZZ_OFF: off, TSJAX_FUZZ_REPORT: report, TSJAX_FUZZ_KNOWN: known, TSJAX_FUZZ_REDUCE_MS: String(reduceMs) },
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (!fs.existsSync(report)) {
    console.error(`chunk ${s}..${s + n}: no report (exit ${r.status})\n${(r.stdout + r.stderr).slice(-4000)}`);
    continue;
  }
  const rep = JSON.parse(fs.readFileSync(report, "utf8"));
  programs += rep.stats.programs;
  checked += rep.stats.checked;
  skipped += rep.stats.skipped;
  failures += rep.failures.length;
  for (const c of rep.classes) {
    const prev = classes.get(c.sig);
    if (prev) prev.count += c.count;
    else classes.set(c.sig, { ...c });
  }
  fs.writeFileSync(known, JSON.stringify([...classes.keys()]));
  console.log(`chunk ${s}..${s + n}: ${rep.stats.programs} programs, ${rep.failures.length} failures, ${classes.size} classes so far (${Math.round((Date.now() - t0) / 1000)} s)`);
}
const fmt = (r) => (r ? Object.entries(r).map(([k, v]) => `${k}=${v}`).join(" ") : "");
const lines = [`# tsjax fuzz: seed ${seed}, programs ${start}..${start + count}${off ? `, off: ${off}` : ""}`, "", `${programs} programs, ${checked} compared at a point, ${skipped} skipped, ${failures} failures in ${classes.size} classes, ${Math.round((Date.now() - t0) / 1000)} s`];
for (const c of [...classes.values()].sort((a, b) => b.count - a.count)) {
  const f = c.reduced?.failure ?? c.original;
  lines.push("", `## ${c.sig} — ${c.count} program(s); e.g. program ${c.id}`);
  if (f.x !== undefined) lines.push(`inputs: x=${f.x} y=${f.y}`);
  lines.push(`detail: ${f.detail.split("\n")[0].slice(0, 300)}`);
  if (f.expected) lines.push(`expected (oracle): ${fmt(f.expected)}`, `got (tsjax):       ${fmt(f.got)}`);
  if (c.reduced) lines.push("```ts", c.reduced.src.trimEnd(), "```");
  for (const m of c.more ?? []) {
    lines.push(`another program of this class, id ${m.id}${m.failure.x !== undefined ? ` at x=${m.failure.x} y=${m.failure.y}` : ""}: ${m.failure.detail.split("\n")[0].slice(0, 200)}`);
    if (m.failure.expected) lines.push(`expected (oracle): ${fmt(m.failure.expected)}`, `got (tsjax):       ${fmt(m.failure.got)}`);
    lines.push("```ts", m.src.trimEnd(), "```");
  }
}
const text = lines.join("\n");
console.log(text);
if (outFile) fs.writeFileSync(outFile, text + "\n");
fs.rmSync(tmp, { recursive: true, force: true });
process.exitCode = failures ? 1 : 0;
