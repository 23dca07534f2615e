// cumprod's second derivative (transformer/prims/arrange.ts, prims/cumprod2.ts): the derivatives
// of its tangent map and of that map's transpose (cumprod-grad.ts) in x, as scans with no
// division, so exact through zeros. Along a line, with E_i = x_0⋯x_(i-1) and A_i the tangent
// along t (A_i = A_(i-1)·x_i + E_i·t_i):
//   cumprodTangent2(t, u, x)_i = Σ_(k≠l≤i) t_k·u_l·Π_(m≤i, m∉{k,l}) x_m   (D_i = D_(i-1)·x_i + A_(i-1)·u_i + B_(i-1)·t_i)
//   cumprodT2(g, t, x)_l = Σ_(i≥l) g_i·Σ_(k≤i, k≠l) t_k·Π_(m≤i, m∉{k,l}) x_m  (its transpose in u)
// float64 along the line, each result rounded once. Not jnp functions: generated code calls them.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { asArray } from "./creation.js";
import { scanLines as lines } from "./arrange.js";

/** The second-order term of cumprod along t and u (both x's shape); cumprod's shape. */
export function cumprodTangent2(t: ArrayLike, u: ArrayLike, x: ArrayLike, axis?: number | null): NDArray {
  const xa = asArray(x, "cumprodTangent2"), ta = asArray(t, "cumprodTangent2"), ua = asArray(u, "cumprodTangent2");
  const L = lines("cumprodTangent2", xa, axis);
  const out = new Float32Array(xa.size);
  for (let o = 0; o < L.outer; o++)
    for (let j = 0; j < L.inner; j++)
      for (let i = 0, e = 1, a = 0, b = 0, d = 0; i < L.n; i++) {
        const p = L.at(o, i, j), xi = Number(xa.data[p]), ti = Number(ta.data[p]), ui = Number(ua.data[p]);
        d = d * xi + a * ui + b * ti;
        a = a * xi + e * ti;
        b = b * xi + e * ui;
        e *= xi;
        out[p] = d;
      }
  return new NDArray(out, axis === undefined || axis === null ? [xa.size] : xa.shape, "float32");
}

/** The transpose of u ↦ cumprodTangent2(t, u, x) applied to g (cumprod's shape); x's shape. */
export function cumprodT2(g: ArrayLike, t: ArrayLike, x: ArrayLike, axis?: number | null): NDArray {
  const xa = asArray(x, "cumprodT2"), ga = asArray(g, "cumprodT2"), ta = asArray(t, "cumprodT2");
  const L = lines("cumprodT2", xa, axis);
  const out = new Float32Array(xa.size);
  const E = new Float64Array(L.n), A = new Float64Array(L.n);
  for (let o = 0; o < L.outer; o++)
    for (let j = 0; j < L.inner; j++) {
      // (forward: the exclusive product E_i and the exclusive tangent A_(i-1))
      for (let i = 0, e = 1, a = 0; i < L.n; i++) {
        const p = L.at(o, i, j), xi = Number(xa.data[p]);
        E[i] = e;
        A[i] = a;
        a = a * xi + e * Number(ta.data[p]);
        e *= xi;
      }
      // (backward: λ_i = g_i + x_(i+1)·λ_(i+1), μ_i = x_(i+1)·μ_(i+1) + t_(i+1)·λ_(i+1))
      for (let i = L.n - 1, lam = 0, mu = 0; i >= 0; i--) {
        if (i + 1 < L.n) {
          const q = L.at(o, i + 1, j);
          mu = Number(xa.data[q]) * mu + Number(ta.data[q]) * lam;
          lam = Number(ga.data[L.at(o, i, j)]) + Number(xa.data[q]) * lam;
        } else lam = Number(ga.data[L.at(o, i, j)]);
        out[L.at(o, i, j)] = lam * A[i] + mu * E[i];
      }
    }
  return new NDArray(out, xa.shape, "float32");
}
