// cumprod's derivative (transformer/prims/arrange.ts): its tangent map and that map's transpose,
// each a pair of scans with no division, so exact through zeros. Not jnp functions: the
// transformer's generated code calls them (runtime/rt.ts).

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { asArray } from "./creation.js";
import { scanLines as lines } from "./arrange.js";

/**
 * cumprod's cotangent: for the output's cotangent g (cumprod's shape), x's is E_i·S_i along the
 * axis, with E the exclusive running product and S_i = g_i + x_{i+1}·S_{i+1}: no division, so
 * exact through zeros (JAX's rule gives the same values). float64, rounded once; x's shape.
 */
export function cumprodT(g: ArrayLike, x: ArrayLike, axis?: number | null): NDArray {
  const xa = asArray(x, "cumprodT"), ga = asArray(g, "cumprodT");
  const L = lines("cumprodT", xa, axis);
  const out = new Float32Array(xa.size), S = new Float64Array(L.n);
  for (let o = 0; o < L.outer; o++)
    for (let j = 0; j < L.inner; j++) {
      for (let i = L.n - 1, s = 0; i >= 0; i--) {
        s = Number(ga.data[L.at(o, i, j)]) + (i + 1 < L.n ? Number(xa.data[L.at(o, i + 1, j)]) * s : 0);
        S[i] = s;
      }
      for (let i = 0, e = 1; i < L.n; i++) {
        out[L.at(o, i, j)] = e * S[i];
        e *= Number(xa.data[L.at(o, i, j)]);
      }
    }
  return new NDArray(out, xa.shape, "float32");
}

/** cumprod's tangent along t (x's shape): dy_i = x_i·dy_(i-1) + t_i·E_i, E the exclusive running product; cumprod's shape. */
export function cumprodTangent(t: ArrayLike, x: ArrayLike, axis?: number | null): NDArray {
  const xa = asArray(x, "cumprodTangent"), ta = asArray(t, "cumprodTangent");
  const L = lines("cumprodTangent", xa, axis);
  const out = new Float32Array(xa.size);
  for (let o = 0; o < L.outer; o++)
    for (let j = 0; j < L.inner; j++)
      for (let i = 0, e = 1, d = 0; i < L.n; i++) {
        const p = L.at(o, i, j), xi = Number(xa.data[p]);
        d = xi * d + Number(ta.data[p]) * e;
        out[p] = d;
        e *= xi;
      }
  return new NDArray(out, axis === undefined || axis === null ? [xa.size] : xa.shape, "float32");
}
