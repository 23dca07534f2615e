// What the tsjax transformer costs at build time, through its rollup plugin (dist/, so run
// `npm run build` first). From the repository root:
//
//   node bench/build-cost.mjs [--quick] [--json FILE]
//
// cold: a fresh Node process per run (RUNS of them), timed from process start:
//   - "plugin": import the plugin (which loads TypeScript), make a plugin instance, call its
//     transform hook on examples/autodiff-tutorial.ts once;
//   - "rollup": the whole `rollup.rollup()` + `generate()` of the tutorial with the plugin, as
//     `npm run example` does (minus writing the file).
//   - "ts-esm" / "ts-cjs": loading TypeScript alone, by ESM import (as the plugin does) and by
//     require(), to show what the loading costs;
//   the modes alternate run by run. Also the parent's wall time around each child (adds Node's
//   own start-up).
// warm: one plugin instance; after a first transform of the tutorial, re-transform it with an
//   edit (EDITS times, each edit different so the LanguageService sees a new version):
//   - "edit in a differentiated function": the divisor in sigmoid(), which every gradient inlines;
//   - "edit elsewhere": a string printed at the end (the file is still re-transformed whole);
//   the two alternate.
// Targets: cold under 2 s, warm under 200 ms per edited file. Medians reported.

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const PLUGIN = pathToFileURL(path.join(root, "dist/transformer/plugins/rollup.js")).href;
const TUTORIAL = path.join(root, "examples/autodiff-tutorial.ts");

const QUICK = process.argv.includes("--quick");
const jsonIdx = process.argv.indexOf("--json");
const JSON_OUT = jsonIdx > 0 ? process.argv[jsonIdx + 1] : undefined;
const RUNS = QUICK ? 3 : 7;
const EDITS = QUICK ? 5 : 15;

const ctx = {
  error(e) {
    throw new Error(typeof e === "string" ? e : e.message);
  },
  addWatchFile() {},
};
const assertTransformed = (res) => {
  if (!res || typeof res.code !== "string" || !/__(tsjax_)?rt\./.test(res.code)) throw new Error("tsjax plugin did not transform the tutorial");
  if (/\bgrad\(|valueAndGrad\(/.test(res.code.replace(/\/\/.*$/gm, ""))) throw new Error("a grad call survived the transform");
};

// ---------------------------------------------------------------------------------------------
// Child modes: one cold measurement, printed as JSON on the last line.

async function childPlugin() {
  const t0 = performance.now();
  const { default: tsjax } = await import(PLUGIN);
  const t1 = performance.now();
  const code = readFileSync(TUTORIAL, "utf8");
  const plugin = tsjax();
  const res = plugin.transform.call(ctx, code, TUTORIAL);
  const t2 = performance.now();
  assertTransformed(res);
  // performance.now() counts from the process's time origin, so t2 is "since process start".
  console.log(JSON.stringify({ sinceStart: t2, load: t1 - t0, transform: t2 - t1 }));
}

async function childRollup() {
  const t0 = performance.now();
  const { rollup } = await import(pathToFileURL(path.join(root, "node_modules/rollup/dist/es/rollup.js")).href);
  const { default: tsjax } = await import(PLUGIN);
  const t1 = performance.now();
  const bundle = await rollup({
    input: TUTORIAL,
    external: ["tsjax"],
    plugins: [tsjax()],
    onwarn() {},
  });
  const { output } = await bundle.generate({ format: "es", sourcemap: true });
  await bundle.close();
  const t2 = performance.now();
  assertTransformed({ code: output[0].code });
  console.log(JSON.stringify({ sinceStart: t2, load: t1 - t0, transform: t2 - t1 }));
}

// How long loading TypeScript itself takes, as the plugin does it (an ESM import of the CommonJS
// package, which makes Node scan typescript.js, ~9 MB, for its module format and named exports)
// and through require() (createRequire), which skips that scan.
async function childTs(how) {
  const t0 = performance.now();
  if (how === "esm") await import(pathToFileURL(path.join(root, "node_modules/typescript/lib/typescript.js")).href);
  else (await import("node:module")).createRequire(import.meta.url)(path.join(root, "node_modules/typescript/lib/typescript.js"));
  const t1 = performance.now();
  console.log(JSON.stringify({ sinceStart: t1, load: t1 - t0, transform: 0 }));
}

// ---------------------------------------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;

async function main() {
  const results = {};
  console.log(`node ${process.version}; transform of examples/autodiff-tutorial.ts through the tsjax rollup plugin`);
  console.log("(running…)");

  // Modes alternate run by run, so drift (other work on the machine) hits them alike.
  const modes = ["plugin", "rollup", "ts-esm", "ts-cjs"];
  const runs = Object.fromEntries(modes.map((m) => [m, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const mode of modes) {
      const t = performance.now();
      const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--child-${mode}`], { cwd: root, encoding: "utf8" });
      const wall = performance.now() - t;
      if (p.status !== 0) throw new Error(`cold ${mode} child failed:\n${p.stderr}`);
      const last = p.stdout.trim().split("\n").pop();
      runs[mode].push({ ...JSON.parse(last), wall });
    }
  }
  for (const mode of modes) {
    const m = (k) => median(runs[mode].map((x) => x[k]));
    results[`cold ${mode}`] = { sinceStart: m("sinceStart"), load: m("load"), transform: m("transform"), wall: m("wall"), runs: RUNS };
  }

  // Warm, in this process.
  const { default: tsjax } = await import(PLUGIN);
  const plugin = tsjax();
  const code = readFileSync(TUTORIAL, "utf8");
  let t = performance.now();
  assertTransformed(plugin.transform.call(ctx, code, TUTORIAL));
  const first = performance.now() - t;
  const SIG = "jnp.divide(x, 2)";
  const END = 'console.log("Loss:", String(loss_val));';
  if (!code.includes(SIG) || !code.includes(END)) throw new Error("the tutorial changed: update the edits in bench/build-cost.mjs");
  const edits = {
    "edit in a differentiated function": (k) => code.replace(SIG, `jnp.divide(x, ${2 + (k + 1) / 1024})`),
    "edit elsewhere": (k) => code.replace(END, `console.log("Loss (${k}):", String(loss_val));`),
  };
  const times = Object.fromEntries(Object.keys(edits).map((name) => [name, []]));
  for (let k = 0; k < EDITS; k++) {
    for (const [name, edit] of Object.entries(edits)) {
      const src = edit(k);
      t = performance.now();
      const res = plugin.transform.call(ctx, src, TUTORIAL);
      times[name].push(performance.now() - t);
      assertTransformed(res);
    }
  }
  for (const [name, ts] of Object.entries(times))
    results[`warm ${name}`] = { median: median(ts), min: Math.min(...ts), max: Math.max(...ts), edits: EDITS };
  results["warm first transform (in-process, TS loaded)"] = { median: first };

  const c1 = results["cold plugin"],
    c2 = results["cold rollup"];
  console.log(`\ncold (fresh process each, median of ${RUNS})       since start   load TS+plugin   transform   child wall`);
  console.log(`  plugin transform hook                        ${ms(c1.sinceStart).padStart(8)}   ${ms(c1.load).padStart(14)}   ${ms(c1.transform).padStart(9)}   ${ms(c1.wall).padStart(10)}`);
  console.log(`  rollup.rollup + generate                     ${ms(c2.sinceStart).padStart(8)}   ${ms(c2.load).padStart(14)}   ${ms(c2.transform).padStart(9)}   ${ms(c2.wall).padStart(10)}`);
  const e = results["cold ts-esm"],
    r = results["cold ts-cjs"];
  console.log(`  (load TypeScript alone: ESM import ${ms(e.load)}, require() ${ms(r.load)}; child wall ${ms(e.wall)} / ${ms(r.wall)})`);
  console.log(`\nwarm (same plugin instance; first transform ${ms(first)})     median   min–max`);
  for (const name of Object.keys(edits)) {
    const w = results[`warm ${name}`];
    console.log(`  ${name.padEnd(40)} ${ms(w.median).padStart(8)}   ${w.min.toFixed(0)}–${w.max.toFixed(0)} ms (${EDITS} edits)`);
  }
  const verdicts = [
    { target: "cold under 2 s (fresh process → tutorial transformed through rollup)", value: ms(c2.wall), met: c2.wall < 2000 },
    { target: "cold under 2 s (fresh process → plugin transform hook)", value: ms(c1.wall), met: c1.wall < 2000 },
    ...Object.keys(edits).map((name) => ({ target: `warm under 200 ms per edited file (${name})`, value: ms(results[`warm ${name}`].median), met: results[`warm ${name}`].median < 200 })),
  ];
  console.log("\ntargets");
  for (const v of verdicts) console.log(`  ${v.met ? "MET   " : "MISSED"} ${v.target}: ${v.value}`);
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, results, verdicts }, null, 2));
}

if (process.argv.includes("--child-plugin")) await childPlugin();
else if (process.argv.includes("--child-rollup")) await childRollup();
else if (process.argv.includes("--child-ts-esm")) await childTs("esm");
else if (process.argv.includes("--child-ts-cjs")) await childTs("cjs");
else await main();
