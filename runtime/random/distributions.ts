// Distributions built on the uniform and normal draws: gamma (Marsaglia–Tsang), beta, dirichlet,
// t, poisson (Knuth's product of uniforms below 10, Hörmann's transformed rejection above, as
// JAX picks), multivariateNormal (mean + L·z with L the Cholesky factor). These are not JAX's
// bit streams (JAX's rejection loops split keys per element in its own order): they are tested
// on their moments. Sampling has no derivative.

import { NDArray } from "../array.js";
import { fmtShape, sizeOf } from "../shape.js";
import { asArray } from "../numpy/creation.js";
import { cholesky } from "../numpy/la.js";
import { foldIn, normal, uniform, type KeyLike, type ShapeArg } from "./index.js";

const shapeOf = (s: ShapeArg | undefined, dflt: readonly number[]): number[] => (s === undefined ? [...dflt] : typeof s === "number" ? [s] : [...s]);
/** A parameter (number or Array broadcastable to the shape) at flat element i. */
function param(p: number | NDArray, shape: readonly number[], i: number, op: string): number {
  if (typeof p === "number") return p;
  if (p.size === 1) return Number(p.data[0]);
  if (p.size !== sizeOf(shape)) throw new TypeError(`${op}: a parameter of shape ${fmtShape(p.shape)} does not match the sample shape ${fmtShape(shape)}`);
  return Number(p.data[i]);
}

/**
 * Draws for n elements by rejection: each round gives every pending element `per` normal and
 * uniform draws from keys folded from `key` (round r), until `step` accepts one for every element.
 */
function rejection(key: KeyLike, n: number, per: number, step: (i: number, z: number, u: number, u2: number) => number | null): Float64Array {
  const out = new Float64Array(n);
  let pending = Array.from({ length: n }, (_, i) => i);
  for (let r = 0; pending.length; r++) {
    if (r > 1000) throw new Error("random: a rejection sampler did not finish (parameters out of range?)");
    const k = foldIn(key as never, r);
    const z = normal(k, [pending.length, per]).data, u = uniform(foldIn(k as never, 1), [pending.length, per]).data, u2 = uniform(foldIn(k as never, 2), [pending.length, per]).data;
    pending = pending.filter((i, p) => {
      for (let j = 0; j < per; j++) {
        const v = step(i, z[p * per + j], u[p * per + j], u2[p * per + j]);
        if (v !== null) return ((out[i] = v), false);
      }
      return true;
    });
  }
  return out;
}

/** Gamma(a, 1) by Marsaglia–Tsang; a < 1 through Gamma(a + 1)·u^(1/a). */
function gammaDraws(key: KeyLike, a: (i: number) => number, n: number): Float64Array {
  const boost = uniform(foldIn(key as never, 0x6a3), [n]).data;
  const g = rejection(key, n, 4, (i, z, u) => {
    const ai = a(i) < 1 ? a(i) + 1 : a(i);
    const d = ai - 1 / 3, c = 1 / Math.sqrt(9 * d);
    const v0 = 1 + c * z;
    if (v0 <= 0) return null;
    const v = v0 * v0 * v0;
    return Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v) ? d * v : null;
  });
  for (let i = 0; i < n; i++) if (a(i) < 1) g[i] *= Math.pow(boost[i], 1 / a(i));
  return g;
}

/** Gamma(a, 1) samples (float32), shape `shape` (a's shape by default). */
export function gamma(key: KeyLike, a: number | NDArray, shape?: ShapeArg): NDArray {
  const s = shapeOf(shape, typeof a === "number" ? [] : a.shape);
  const g = gammaDraws(key, (i) => {
    const v = param(a, s, i, "gamma");
    if (!(v > 0)) throw new RangeError(`gamma: a must be positive, got ${v}`);
    return v;
  }, sizeOf(s));
  return new NDArray(Float32Array.from(g), s, "float32");
}

/** Beta(a, b) samples: X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function beta(key: KeyLike, a: number | NDArray, b: number | NDArray, shape?: ShapeArg): NDArray {
  const s = shapeOf(shape, typeof a === "number" ? (typeof b === "number" ? [] : b.shape) : a.shape);
  const n = sizeOf(s);
  const x = gammaDraws(foldIn(key as never, 1), (i) => param(a, s, i, "beta"), n);
  const y = gammaDraws(foldIn(key as never, 2), (i) => param(b, s, i, "beta"), n);
  return new NDArray(Float32Array.from(x, (v, i) => v / (v + y[i])), s, "float32");
}

/** Dirichlet(alpha) samples: normalised Gamma(alpha_k) draws, shape [...shape, K]. */
export function dirichlet(key: KeyLike, alpha: NDArray | readonly number[], shape: ShapeArg = []): NDArray {
  const al = asArray(alpha as never);
  const K = al.shape[al.shape.length - 1];
  const s = [...shapeOf(shape, []), K];
  const n = sizeOf(s);
  const g = gammaDraws(key, (i) => Number(al.data[i % K]), n);
  const out = new Float32Array(n);
  for (let r = 0; r < n / K; r++) {
    let t = 0;
    for (let k = 0; k < K; k++) t += g[r * K + k];
    for (let k = 0; k < K; k++) out[r * K + k] = g[r * K + k] / t;
  }
  return new NDArray(out, s, "float32");
}

/** Student's t samples with `df` degrees of freedom: z / √(V / df), V ~ χ²(df) = 2·Gamma(df/2). */
export function t(key: KeyLike, df: number | NDArray, shape?: ShapeArg): NDArray {
  const s = shapeOf(shape, typeof df === "number" ? [] : df.shape);
  const n = sizeOf(s);
  const z = normal(foldIn(key as never, 1), s).data;
  const v = gammaDraws(foldIn(key as never, 2), (i) => param(df, s, i, "t") / 2, n);
  return new NDArray(Float32Array.from(z, (zi, i) => zi / Math.sqrt((2 * v[i]) / param(df, s, i, "t"))), s, "float32");
}

/** Poisson(lam) counts (int32): Knuth's product of uniforms for lam < 10, Hörmann's PTRS above. */
export function poisson(key: KeyLike, lam: number | NDArray, shape?: ShapeArg): NDArray {
  const s = shapeOf(shape, typeof lam === "number" ? [] : lam.shape);
  const n = sizeOf(s);
  const out = new Int32Array(n);
  const lamAt = (i: number) => {
    const v = param(lam, s, i, "poisson");
    if (!(v >= 0)) throw new RangeError(`poisson: lam must be non-negative, got ${v}`);
    return v;
  };
  // Knuth: count uniforms until their product falls below e^-lam (30 per round)
  const small = Array.from({ length: n }, (_, i) => i).filter((i) => lamAt(i) < 10);
  if (small.length) {
    const u = uniform(foldIn(key as never, 1), [small.length, 64]).data;
    small.forEach((i, p) => {
      const L = Math.exp(-lamAt(i));
      let k = 0, prod = 1;
      for (let j = 0; j < 64; j++) {
        prod *= 1 - u[p * 64 + j];
        if (prod <= L) break;
        k++;
      }
      out[i] = k;
    });
  }
  // PTRS (Hörmann 1993) for lam >= 10
  const large = Array.from({ length: n }, (_, i) => i).filter((i) => lamAt(i) >= 10);
  if (large.length) {
    const got = rejection(foldIn(key as never, 2), large.length, 4, (p, _z, u1, v) => {
      const l = lamAt(large[p]);
      const u = u1 - 0.5;
      const slam = Math.sqrt(l), loglam = Math.log(l);
      const b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b, invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + l + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) return null;
      const lhs = Math.log(v * invalpha / (a / (us * us) + b));
      const rhs = -l + k * loglam - lgamma(k + 1);
      return lhs <= rhs ? k : null;
    });
    large.forEach((i, p) => (out[i] = got[p]));
  }
  return new NDArray(out, s, "int32");
}
/** log Γ(x) for x > 0 (Lanczos, g = 7). */
function lgamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Multivariate normal samples mean + L·z (L the Cholesky factor of cov), shape [...shape, D]. */
export function multivariateNormal(key: KeyLike, mean: NDArray | readonly number[], cov: NDArray | readonly (readonly number[])[], shape: ShapeArg = []): NDArray {
  const m = asArray(mean as never), c = asArray(cov as never);
  const D = m.shape[m.shape.length - 1];
  if (c.shape.join() !== [D, D].join()) throw new TypeError(`multivariateNormal: cov of shape ${fmtShape(c.shape)} does not match mean of shape ${fmtShape(m.shape)}`);
  const L = cholesky(c).data;
  const s = [...shapeOf(shape, []), D];
  const z = normal(key, s).data;
  const out = new Float32Array(sizeOf(s));
  for (let r = 0; r < out.length / D; r++)
    for (let i = 0; i < D; i++) {
      let acc = Number(m.data[i]);
      for (let j = 0; j <= i; j++) acc += L[i * D + j] * z[r * D + j];
      out[r * D + i] = acc;
    }
  return new NDArray(out, s, "float32");
}
