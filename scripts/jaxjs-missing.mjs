// Lists the names @jax-js/jax exports in each namespace that tsjax's runtime lacks (needs
// `npm ci --prefix bench` for the peer's d.ts and `npm run build` for dist/):
//   node scripts/jaxjs-missing.mjs
import fs from "node:fs";
import { fileURLToPath } from "node:url";

const dts = fs.readFileSync(fileURLToPath(new URL("../bench/node_modules/@jax-js/jax/dist/index.d.ts", import.meta.url)), "utf8");
const names = (ns) => {
  const m = dts.match(new RegExp(`declare namespace ${ns} \\{\\s*export \\{([^}]*)\\}`));
  return m ? m[1].split(",").map((s) => s.trim().split(/\s+as\s+/).pop()).filter(Boolean) : [];
};
const t = await import(new URL("../dist/runtime/index.js", import.meta.url).href);
const NS = { numpy: t.numpy, "numpy.linalg": t.numpy.linalg, "numpy.fft": t.numpy.fft, nn: t.nn, random: t.random, lax: t.lax, "lax.linalg": t.lax?.linalg, scipySpecial: t.scipySpecial };
const DTS = { numpy: "numpy_d_exports", "numpy.linalg": "numpy_linalg_d_exports", "numpy.fft": "numpy_fft_d_exports", nn: "nn_d_exports", random: "random_d_exports", lax: "lax_d_exports", "lax.linalg": "lax_linalg_d_exports", scipySpecial: "scipy_special_d_exports" };
for (const [label, ours] of Object.entries(NS)) {
  const theirs = names(DTS[label]);
  const missing = theirs.filter((n) => !(n in (ours ?? {})));
  console.log(`${label}: ${theirs.length} names, ${missing.length} missing${missing.length ? `: ${missing.join(" ")}` : ""}`);
}
