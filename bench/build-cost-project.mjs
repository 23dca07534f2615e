// What the tsjax plugin adds to the build of a 21-file project under vite (the issue's case: a
// small app whose model and training step use tsjax, the rest plain TypeScript). From the
// repository root, after `npm run build`:
//
//   node bench/build-cost-project.mjs [--quick] [--json FILE]
//
// The project is generated into a temporary folder (src/: main, model, train and metrics use
// tsjax; 17 plain modules — classes, generics, interfaces, a parser, an event bus — import each
// other), with tsjax linked in as a dependency.
// cold: a fresh Node process per build, `vite.build()` (SSR, no write) of src/main.ts, with and
//   without `plugins: [tsjax()]`, alternating, RUNS each; the plugin's overhead is the difference
//   of the medians.
// warm: one plugin instance that has transformed all 21 files once (as vite's dev server does);
//   then an edit of model.ts (inside the differentiated loss: every caller's derivative changes)
//   or of a plain module, re-transformed EDITS times each, alternating.
// Targets (issue 8): overhead ≤ 2 s cold, ≤ 100 ms per edited file warm. Medians reported.

import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const QUICK = process.argv.includes("--quick");
const jsonIdx = process.argv.indexOf("--json");
const JSON_OUT = jsonIdx > 0 ? process.argv[jsonIdx + 1] : undefined;
const RUNS = QUICK ? 3 : 7;
const EDITS = QUICK ? 5 : 15;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The project's files: name → source. */
function project() {
  const files = {};
  files["model.ts"] = `import { numpy as jnp } from "tsjax";
import type { Array } from "tsjax";
import { clamp } from "./util0.js";

export interface Params {
  W1: Array;
  b1: Array;
  W2: Array;
  b2: Array;
}

export function predict(p: Params, x: Array): Array {
  const h = jnp.tanh(jnp.add(jnp.matmul(x, p.W1), p.b1));
  return jnp.add(jnp.matmul(h, p.W2), p.b2);
}

export function loss(p: Params, x: Array, y: Array): Array {
  const d = jnp.subtract(predict(p, x), y);
  return jnp.mean(jnp.multiply(d, d));
}

export const LIMIT = clamp(3, 0, 10);
`;
  files["train.ts"] = `import { jit, valueAndGrad, numpy as jnp } from "tsjax";
import type { Array } from "tsjax";
import { loss, type Params } from "./model.js";
import { Schedule } from "./util1.js";

const sgd = (w: Array, g: Array, lr: number) => jnp.subtract(w, jnp.multiply(g, lr));

export const step = jit((p: Params, x: Array, y: Array, lr: number): [Array, Params] => {
  const [l, g] = valueAndGrad(loss)(p, x, y);
  return [l, { W1: sgd(p.W1, g.W1, lr), b1: sgd(p.b1, g.b1, lr), W2: sgd(p.W2, g.W2, lr), b2: sgd(p.b2, g.b2, lr) }];
});

export const schedule = new Schedule(0.1, 0.9);
`;
  files["metrics.ts"] = `import { grad } from "tsjax";
import { mean } from "./util2.js";

/** A smooth penalty and its slope. */
export const penalty = (x: number) => Math.log(1 + Math.exp(x)) - 0.5 * x;
export const slope = grad(penalty);
export function report(xs: number[]): string {
  return \`mean \${mean(xs).toFixed(3)}, slope at 1 \${slope(1).toFixed(4)}\`;
}
`;
  files["main.ts"] = `import { numpy as jnp, random } from "tsjax";
import { step, schedule } from "./train.js";
import { report } from "./metrics.js";
import { Bus } from "./util3.js";
import { parseConfig } from "./util4.js";
${Array.from({ length: 12 }, (_, k) => `import { tag${k + 5} } from "./util${k + 5}.js";`).join("\n")}

const cfg = parseConfig("steps=3;lr=0.05");
const bus = new Bus<number>();
const losses: number[] = [];
bus.on((l) => losses.push(l));
const key = random.key(0);
const [k1, k2, k3] = random.split(key, 3);
let p = { W1: random.normal(k1, [8, 16]), b1: jnp.zeros([16]), W2: random.normal(k2, [16, 1]), b2: jnp.zeros([1]) };
const x = random.normal(k3, [32, 8]);
const y = jnp.sum(x, 1, { keepdims: true });
for (let i = 0; i < (cfg.steps ?? 1); i++) {
  const [l, next] = step(p, x, y, schedule.at(i) * (cfg.lr ?? 0.1));
  p = next;
  bus.emit(l.item() as number);
}
console.log(report(losses), [${Array.from({ length: 12 }, (_, k) => `tag${k + 5}`).join(", ")}].join(""));
`;
  // plain modules
  files["util0.ts"] = `export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
`;
  files["util1.ts"] = `import { clamp } from "./util0.js";
export class Schedule {
  constructor(private readonly base: number, private readonly decay: number) {}
  at(step: number): number {
    return clamp(this.base * this.decay ** step, 1e-6, 1);
  }
}
`;
  files["util2.ts"] = `export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}
export function groupBy<T, K extends string>(xs: readonly T[], key: (x: T) => K): Record<K, T[]> {
  const out = {} as Record<K, T[]>;
  for (const x of xs) (out[key(x)] ??= []).push(x);
  return out;
}
`;
  files["util3.ts"] = `export type Listener<T> = (value: T) => void;
export class Bus<T> {
  private listeners = new Set<Listener<T>>();
  on(l: Listener<T>): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(value: T): void {
    for (const l of this.listeners) l(value);
  }
}
`;
  files["util4.ts"] = `export interface Config {
  steps?: number;
  lr?: number;
  name?: string;
}
export function parseConfig(text: string): Config {
  const out: Record<string, string | number> = {};
  for (const part of text.split(";")) {
    const [k, v] = part.split("=");
    if (!k) continue;
    const n = Number(v);
    out[k.trim()] = Number.isFinite(n) ? n : (v ?? "").trim();
  }
  return out as Config;
}
`;
  for (let k = 5; k < 21 - 4; k++) {
    const dep = k > 5 ? `import { Store${k - 1} } from "./util${k - 1}.js";\n` : "";
    files[`util${k}.ts`] = `${dep}export interface Item${k} {
  id: number;
  label: string;
  tags: readonly string[];
  meta?: { created: Date; score: number };
}
export class Store${k}<T extends Item${k} = Item${k}> {
  private items = new Map<number, T>();
  add(item: T): this {
    this.items.set(item.id, item);
    return this;
  }
  find(pred: (t: T) => boolean): T | undefined {
    for (const t of this.items.values()) if (pred(t)) return t;
    return undefined;
  }
  get size(): number {
    return this.items.size;
  }
  scores(): number[] {
    return [...this.items.values()].map((t) => t.meta?.score ?? 0).sort((a, b) => a - b);
  }
}
export function summarize${k}(items: readonly Item${k}[]): string {
  const byTag = new Map<string, number>();
  for (const it of items) for (const t of it.tags) byTag.set(t, (byTag.get(t) ?? 0) + 1);
  return [...byTag.entries()].map(([t, n]) => \`\${t}:\${n}\`).join(",");
}
${k > 5 ? `export const shared${k} = new Store${k - 1}().size;\n` : ""}export const tag${k} = summarize${k}([{ id: ${k}, label: "u${k}", tags: ["a", "b${k % 3}"] }]).length > 0 ? "" : "?";
`;
  }
  return files;
}

function makeProject() {
  const dir = mkdtempSync(path.join(tmpdir(), "tsjax-proj21-"));
  mkdirSync(path.join(dir, "src"));
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(root, path.join(dir, "node_modules", "tsjax"), "dir");
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "bundler", strict: true, skipLibCheck: true, noEmit: true }, include: ["src"] }, null, 2),
  );
  const files = project();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, "src", name), text);
  return { dir, names: Object.keys(files) };
}

// ---------------------------------------------------------------------------------------------
// Child: one cold vite build, with or without the plugin; prints its time as JSON.

async function child(dir, withPlugin) {
  const t0 = performance.now();
  const vite = await import(pathToFileURL(path.join(root, "node_modules/vite/dist/node/index.js")).href);
  const plugins = withPlugin ? [(await import(pathToFileURL(path.join(root, "dist/transformer/plugins/rollup.js")).href)).default()] : [];
  const out = await vite.build({
    root: dir,
    configFile: false,
    logLevel: "silent",
    plugins,
    build: { ssr: path.join(dir, "src/main.ts"), write: false, minify: false },
    ssr: { external: ["tsjax"] },
  });
  const code = (Array.isArray(out) ? out[0] : out).output[0].code;
  if (withPlugin && !/__tsjax_rt\./.test(code)) throw new Error("the plugin did not transform the project");
  console.log(JSON.stringify({ ms: performance.now() - t0, bytes: code.length }));
}

async function warm(dir, names) {
  const { default: tsjax } = await import(pathToFileURL(path.join(root, "dist/transformer/plugins/rollup.js")).href);
  const plugin = tsjax();
  // (the hooks vite calls: configResolved marks vite's pipeline, so plain files are left to it)
  plugin.configResolved?.({ root: dir, command: "serve" });
  const ctx = { error: (e) => { throw new Error(typeof e === "string" ? e : e.message); }, addWatchFile() {}, warn() {} };
  const src = (n) => path.join(dir, "src", n);
  const t0 = performance.now();
  for (const n of names) plugin.transform.call(ctx, readFileSync(src(n), "utf8"), src(n));
  const first = performance.now() - t0;
  const model = readFileSync(src("model.ts"), "utf8"), plain = readFileSync(src("util7.ts"), "utf8");
  const times = { model: [], plain: [] };
  for (let i = 0; i < EDITS; i++) {
    for (const kind of ["model", "plain"]) {
      const t = performance.now();
      if (kind === "model") {
        // the edited file and the files that import it are re-transformed (vite's HMR does the same)
        const edited = model.replace("jnp.mean(jnp.multiply(d, d))", `jnp.multiply(jnp.mean(jnp.multiply(d, d)), ${1 + i / 100})`);
        writeFileSync(src("model.ts"), edited);
        plugin.watchChange?.call(ctx, src("model.ts"), { event: "update" });
        plugin.transform.call(ctx, edited, src("model.ts"));
        const res = plugin.transform.call(ctx, readFileSync(src("train.ts"), "utf8"), src("train.ts"));
        if (!res || !res.code.includes(String(1 + i / 100))) throw new Error("the edit did not reach the derivative");
      } else {
        const edited = plain.replace('"a"', `"a${i}"`);
        writeFileSync(src("util7.ts"), edited);
        plugin.watchChange?.call(ctx, src("util7.ts"), { event: "update" });
        plugin.transform.call(ctx, edited, src("util7.ts"));
      }
      times[kind].push(performance.now() - t);
    }
  }
  writeFileSync(src("model.ts"), model);
  writeFileSync(src("util7.ts"), plain);
  return { first, model: median(times.model), plain: median(times.plain), modelAll: times.model, plainAll: times.plain };
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], process.argv[4] === "with");
} else {
  const { dir, names } = makeProject();
  try {
    const cold = { with: [], without: [] };
    for (let r = 0; r < RUNS; r++) {
      for (const mode of ["without", "with"]) {
        const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", dir, mode], { encoding: "utf8" });
        if (res.status !== 0) throw new Error(`cold build (${mode}) failed:\n${res.stderr}`);
        cold[mode].push(JSON.parse(res.stdout.trim().split("\n").pop()).ms);
      }
    }
    const w = await warm(dir, names);
    const over = median(cold.with) - median(cold.without);
    console.log(`node ${process.version}; a ${names.length}-file project (4 files use tsjax), vite build (SSR, no write); ${RUNS} cold runs, ${EDITS} warm edits`);
    console.log(`  cold vite build without the plugin   ${median(cold.without).toFixed(0).padStart(6)} ms   (runs: ${cold.without.map((t) => t.toFixed(0)).join(", ")})`);
    console.log(`  cold vite build with tsjax()          ${median(cold.with).toFixed(0).padStart(6)} ms   (runs: ${cold.with.map((t) => t.toFixed(0)).join(", ")})`);
    console.log(`  warm: all 21 files through the plugin once   ${w.first.toFixed(0).padStart(6)} ms`);
    console.log(`  warm: edit in model.ts (differentiated), model.ts + train.ts re-transformed   ${w.model.toFixed(1).padStart(6)} ms`);
    console.log(`  warm: edit in a plain module                 ${w.plain.toFixed(1).padStart(6)} ms`);
    console.log(`  ${over <= 2000 ? "MET   " : "MISSED"} build cost (21 files): plugin overhead cold ${over.toFixed(0)} ms (target <= 2000)`);
    console.log(`  ${w.model <= 100 ? "MET   " : "MISSED"} build cost (21 files): warm edit ${w.model.toFixed(1)} ms for the edited file and its caller (target <= 100)`);
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, cold, warm: w, overhead: over }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
