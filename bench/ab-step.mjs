// The (d) MLP step of several tsjax checkouts side by side in one process: each checkout's
// bench/mlp-model.ts is bundled through its own rollup plugin, and the bundles' steps run in
// interleaved rounds (the order reversed every other round); the figure to trust is the median
// of the per-round ratios to the first checkout. This machine's speed drifts by ±20% within
// minutes, so separate runs cannot show a 5% change; interleaved rounds can.
//   node bench/ab-step.mjs ROOT_A ROOT_B [...] [--jax] [--rounds N] [--steps N]
// ROOT: a checkout with `npm run build` done (dist/) and node_modules (a git worktree with
// node_modules linked to this one's will do). --jax: @jax-js/jax's step runs in every round too
// (from bench/node_modules), as in bench/mlp.ts, whose garbage and GC the tsjax steps then share.
import * as path from "node:path";
import * as fs from "node:fs";
import * as os from "node:os";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : dflt;
};
const ROUNDS = opt("--rounds", 40), STEPS = opt("--steps", 6);
const JAX = args.includes("--jax");
const roots = args.filter((a) => !a.startsWith("--")).map((r) => path.resolve(r));
if (roots.length === 0) throw new Error("usage: node bench/ab-step.mjs ROOT_A ROOT_B [...] [--jax] [--rounds N] [--steps N]");

const here = path.dirname(new URL(import.meta.url).pathname);
const { rollup } = await import(pathToFileURL(path.join(here, "..", "node_modules", "rollup", "dist", "es", "rollup.js")).href);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ab-step-"));
const mods = [];
for (const [k, root] of roots.entries()) {
  const tsjax = (await import(pathToFileURL(path.join(root, "dist", "transformer", "plugins", "rollup.js")).href)).default;
  // (the entry adds tsjax's Array, for checkouts whose mlp-model.ts does not export `array`)
  const entry = path.join(dir, `entry-${k}.ts`);
  fs.writeFileSync(entry, `export * from ${JSON.stringify(path.join(root, "bench", "mlp-model.ts"))};\nexport { Array as TsjaxArray } from ${JSON.stringify(path.join(root, "runtime", "index.ts"))};\n`);
  const bundle = await rollup({ input: entry, external: (id) => /^(node:|@jax-js\/|@tensorflow\/)/.test(id), plugins: [tsjax()], onwarn() {} });
  const file = path.join(dir, `model-${k}.mjs`);
  await bundle.write({ file, format: "es" });
  mods.push(await import(pathToFileURL(file).href));
}
fs.rmSync(dir, { recursive: true, force: true });

let jaxOne = null;
if (JAX) {
  const jax = await import(pathToFileURL(path.join(here, "node_modules", "@jax-js", "jax", "dist", "index.js")).href);
  await jax.init("wasm");
  const np = jax.numpy, M = mods[0];
  const step = M.jaxStep(jax);
  let p = M.initial((d, shape) => np.array(d, { shape }));
  const x = np.array(M.X, { shape: [M.B, 784] }), y = np.array(M.Y, { shape: [M.B, 10] });
  jaxOne = () => {
    const [l, n] = step(p, x.ref, y.ref);
    p = n;
    return l.item();
  };
}
// (the workers come up asynchronously)
await new Promise((r) => setTimeout(r, 500));
const runs = mods.map((M) => {
  const array = (d, shape) => new M.TsjaxArray(d, shape, "float32");
  return { M, p: M.initial(array), x: array(M.X, [M.B, 784]), y: array(M.Y, [M.B, 10]), t: [] };
});
const one = (s) => {
  const [l, n] = s.M.step(s.p, s.x, s.y);
  s.p = n;
  return l.item();
};
for (const s of runs) for (let i = 0; i < 50; i++) one(s);
const jt = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const s of r % 2 ? [...runs].reverse() : runs) {
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) one(s);
    s.t.push((performance.now() - t0) / STEPS);
  }
  if (jaxOne) {
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) jaxOne();
    jt.push((performance.now() - t0) / 3);
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`MLP step, ${ROUNDS} interleaved rounds of ${STEPS} steps${JAX ? ", @jax-js/jax's step in every round" : ""}`);
for (const [k, s] of runs.entries())
  console.log(`  ${roots[k].padEnd(28)} median ${med(s.t).toFixed(3)} ms   ratio to the first (median of rounds) ${med(s.t.map((t, r) => t / runs[0].t[r])).toFixed(3)}`);
if (jt.length) console.log(`  @jax-js/jax                  median ${med(jt).toFixed(3)} ms`);
process.exit(0);
