// Finds functions that lose a float dtype: each jnp / linalg / fft / nn / scipySpecial function is called
// on a 3x3 float32 matrix and on the same matrix in float64 (or float16) as f(x), f(x, x) or f(x, 0),
// whichever the float32 call takes; a float32 result where the wider input should give its dtype,
// or values that differ beyond the dtype's precision, is listed. After `npm run build`:
//   node scripts/dtype-sweep.mjs float64   (or float16)
import * as jnp from "../dist/runtime/numpy/index.js";
import { NDArray } from "../dist/runtime/array.js";
import * as nn from "../dist/runtime/nn/activations.js";
import * as sp from "../dist/runtime/scipy-special.js";
const A = [[2, 0.5, 0.1], [0.5, 3, 0.2], [0.1, 0.2, 4]];
const dtypeWanted = process.argv[2] ?? "float64";
const mk = (dt) => jnp.array(A, { dtype: dt });
const leaves = (r) => (r instanceof NDArray ? [r] : Array.isArray(r) ? r.flatMap(leaves) : r && typeof r === "object" ? Object.values(r).flatMap(leaves) : []);
const out = { ok: [], bad: [], throws: [] };
const spaces = { jnp, "jnp.linalg": jnp.linalg, "jnp.fft": jnp.fft, nn, scipySpecial: sp };
for (const [ns, m] of Object.entries(spaces)) {
  for (const k of Object.keys(m)) {
    const f = m[k];
    if (typeof f !== "function" || /^[A-Z]/.test(k)) continue;
    for (const argsOf of [(x) => [x], (x) => [x, x], (x) => [x, 0]]) {
      let r32;
      try { r32 = f(...argsOf(mk("float32"))); } catch { continue; }
      const l32 = leaves(r32);
      if (!l32.length || !l32.some((a) => a.dtype === "float32")) break;
      let r64;
      try { r64 = f(...argsOf(mk(dtypeWanted))); } catch (e) { out.throws.push(`${ns}.${k}: ${String(e.message).slice(0, 100)}`); break; }
      const l64 = leaves(r64);
      const wrong = l64.map((a, i) => (l32[i]?.dtype === "float32" && a.dtype !== dtypeWanted ? `${a.dtype}` : null)).filter(Boolean);
      let diff = 0;
      l64.forEach((a, i) => { if (!l32[i]) return; for (let j = 0; j < a.size; j++) { const u = Number(a.data[j]), v = Number(l32[i].data[j]); if (Number.isFinite(u) && Number.isFinite(v)) diff = Math.max(diff, Math.abs(u - v) / (1e-3 + Math.abs(v))); } });
      (wrong.length || diff > (dtypeWanted === "float16" ? 2e-2 : 1e-4) ? out.bad : out.ok).push(`${ns}.${k}${wrong.length ? " dtype " + wrong.join(",") : ""}${diff > 1e-4 ? " diff " + diff.toExponential(1) : ""}`);
      break;
    }
  }
}
console.log("ok", out.ok.length); console.log("BAD", out.bad.length, out.bad.join("\n  ")); console.log("THROWS", out.throws.length, "\n  " + out.throws.join("\n  "));
