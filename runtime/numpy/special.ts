// The special functions of jax.scipy.special / jax.lax: erf, erfc, erfinv, gammaln (lgamma),
// digamma, polygamma, and the formulas logit and expit. Each elementwise function is evaluated
// in float64 and rounded once to float32 (correctly rounded wherever the float64 evaluation is
// within a fraction of a float32 ulp: checked against Python's math and SciPy in
// test/transformer/special.test.ts). Declared under runtime/numpy/ so that the transformer lowers
// them by name (transformer/rules/special.ts); exported as `scipySpecial` (runtime/scipy-special.ts)
// and lax.erf / lax.erfc, not from jnp (@jax-js/jax's numpy has none of them).

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { erfInvF32 } from "../random/erfinv.js";
import type { Formula } from "../nn/formulas.js";
import { FORMULAS } from "../nn/formulas.js";
import { runFormula } from "./formula-ops.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const EULER_GAMMA = 0.5772156649015329;
const HALF_LOG_2PI = 0.9189385332046728; // log(2π)/2

// ---- float64 scalar functions ----------------------------------------------------------------

/**
 * erf(x) = 2x/√π·exp(−x²)·Σ (2x²)ⁿ / (1·3·…·(2n+1)) (Abramowitz & Stegun 7.1.6): every term
 * positive, so a few float64 ulps at every x; ±1 beyond |x| = 6 (erfc(6) < 2⁻⁵³).
 */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) >= 6) return Math.sign(x);
  const t = 2 * x * x;
  let term = 1, sum = 1;
  for (let n = 1; n < 200; n++) {
    term *= t / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x * x) * sum;
}

/**
 * erfc(x): 1 − erf(x) below x = 2 (erfc(2) ≈ 4.7e-3, so a few ulps of erf stay far below a float32
 * ulp of erfc), and above it the continued fraction
 * erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom up.
 */
export function erfc64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 2) return 1 - erf64(x);
  if (x >= 27) return 0; // (below the smallest float64)
  let f = x;
  for (let k = 120; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/**
 * erfinv(y) for |y| ≤ 1: XLA's float32 erf_inv as the first guess, then Halley steps on
 * erf(x) − y (on (1 − |y|) − erfc(|x|) above |y| = 0.5, where 1 − |y| is exact), to float64 accuracy.
 */
export function erfinv64(y: number): number {
  if (Number.isNaN(y) || Math.abs(y) > 1) return NaN;
  if (Math.abs(y) === 1) return y * Infinity;
  if (y === 0) return y;
  const a = Math.abs(y);
  let x = Math.abs(erfInvF32(a));
  for (let i = 0; i < 4; i++) {
    const f = a <= 0.5 ? erf64(x) - a : 1 - a - erfc64(x);
    const d = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    const step = f / (d + x * f);
    x -= step;
    if (Math.abs(step) <= 1e-17 * x) break;
  }
  return y < 0 ? -x : x;
}

/** sin(πx) with the argument reduced exactly first (so it is accurate near the integers). */
function sinpi(x: number): number {
  let r = x % 2; // exact
  if (r > 1) r -= 2;
  else if (r <= -1) r += 2;
  if (r > 0.5) r = 1 - r;
  else if (r < -0.5) r = -1 - r;
  return Math.sin(Math.PI * r);
}
/** cos(πx) = sin(π(x + 1/2)) (x + 1/2 is exact for a float32 x). */
function cospi(x: number): number {
  return sinpi(x + 0.5);
}

/** The Hurwitz zeta function ζ(s, x) = Σₖ (x + k)^−s for integer s ≥ 2 (x not a pole). */
function hurwitz(s: number, x: number): number {
  let acc = 0;
  let y = x;
  const lim = 15 + s;
  while (y < lim) {
    acc += Math.pow(y, -s);
    y += 1;
  }
  // Euler–Maclaurin tail at y: y^(1−s)/(s−1) + y^−s/2 + Σ B₂ₖ/(2k)!·s(s+1)…(s+2k−2)·y^(−s−2k+1)
  let tail = Math.pow(y, 1 - s) / (s - 1) + Math.pow(y, -s) / 2;
  let rise = s; // s(s+1)…(s+2k−2)
  let pw = Math.pow(y, -s - 1);
  let fact = 2; // (2k)!
  for (let k = 1; k <= BERNOULLI.length; k++) {
    tail += (BERNOULLI[k - 1] / fact) * rise * pw;
    rise *= (s + 2 * k - 1) * (s + 2 * k);
    pw /= y * y;
    fact *= (2 * k + 1) * (2 * k + 2);
  }
  return acc + tail;
}
/** B₂, B₄, …, B₁₆. */
const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510];

/** ζ(k) for k = 2…60 (ZETA[k]), for the series of log Γ(1 + z). */
const ZETA: number[] = [NaN, NaN, ...Array.from({ length: 59 }, (_, i) => hurwitz(i + 2, 1))];

/** log Γ(1 + z) = −γz + Σₖ₌₂ (−1)ᵏ ζ(k) zᵏ / k for |z| ≤ 1/2. */
function lgamma1p(z: number): number {
  let acc = 0;
  let p = -z;
  for (let k = 2; k <= 60; k++) {
    p *= -z;
    const t = (ZETA[k] * p) / k;
    acc += t;
    if (Math.abs(t) < 1e-18 * Math.abs(acc)) break;
  }
  return -EULER_GAMMA * z + acc;
}

/** B₂ₖ / (2k(2k − 1)), Stirling's series of log Γ. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/**
 * log |Γ(x)|: the series of log Γ(1 + z) on [0.5, 2.5] (so the zeros at 1 and 2 keep their
 * relative accuracy) and below, Stirling's series above 10 (smaller x shifted up), the reflection
 * formula below 0; +∞ at the poles (0 and the negative integers), as JAX's lgamma.
 */
export function lgamma64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0) return Math.log(Math.PI / Math.abs(sinpi(x))) - lgamma64(1 - x);
  if (x < 0.5) return lgamma1p(x) - Math.log(x);
  if (x <= 1.5) return lgamma1p(x - 1);
  if (x <= 2.5) return lgamma1p(x - 2) + Math.log1p(x - 2);
  let y = x, p = 1;
  while (y < 10) {
    p *= y;
    y += 1;
  }
  let s = 0;
  const r2 = 1 / (y * y);
  for (let k = STIRLING.length - 1; k >= 0; k--) s = s * r2 + STIRLING[k];
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_2PI + s / y - Math.log(p);
}

/** B₂ₖ / 2k, the asymptotic series of ψ. */
const PSI = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/**
 * ψ(x) = d/dx log Γ(x): shifted above 10 by ψ(x) = ψ(x + 1) − 1/x, then its asymptotic series;
 * the reflection ψ(x) = ψ(1 − x) − π·cot(πx) below 0. NaN at the poles (0 and the negative
 * integers), as JAX's digamma.
 */
export function digamma64(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return NaN;
  if (x < 0) return digamma64(1 - x) - (Math.PI * cospi(x)) / sinpi(x);
  let acc = 0, y = x;
  while (y < 10) {
    acc -= 1 / y;
    y += 1;
  }
  const r2 = 1 / (y * y);
  let s = 0;
  for (let k = PSI.length - 1; k >= 0; k--) s = s * r2 + PSI[k];
  return acc + Math.log(y) - 0.5 / y - s * r2;
}

/** ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹ n! ζ(n + 1, x) for n ≥ 1; ψ for n = 0. */
export function polygamma64(n: number, x: number): number {
  if (n === 0) return digamma64(x);
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return 0;
  if (x <= 0 && Number.isInteger(x)) return n % 2 === 1 ? Infinity : NaN;
  let fact = 1;
  for (let k = 2; k <= n; k++) fact *= k;
  return (n % 2 === 1 ? 1 : -1) * fact * hurwitz(n + 1, x);
}

// ---- Array functions ------------------------------------------------------------------------

/** The argument as a float32 Array (JAX promotes integers and booleans to float); else a TypeError naming the function. */
function input(name: string, x: unknown, what = "x"): NDArray {
  const ok = typeof x === "number" || typeof x === "boolean" || x instanceof NDArray || Array.isArray(x);
  if (!ok) throw new TypeError(`${name}: ${what} must be an Array, a number or a nested list of numbers, got ${x === null ? "null" : typeof x}`);
  const a = asArray(x as ArrayLike, name);
  return a.dtype === "float32" ? a : astype(a, "float32");
}

function map1(name: string, x: ArrayLike, f: (v: number) => number): NDArray {
  const a = input(name, x);
  const src = a.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return new NDArray(out, a.shape, "float32");
}

/** The error function `erf(x) = 2/√π ∫₀ˣ exp(−t²) dt`, elementwise. */
export function erf(x: ArrayLike): NDArray {
  return map1("erf", x, erf64);
}
/** The complementary error function `erfc(x) = 1 − erf(x)`, accurate where erf(x) is near 1. */
export function erfc(x: ArrayLike): NDArray {
  return map1("erfc", x, erfc64);
}
/** The inverse of erf on [−1, 1] (±∞ at ±1, NaN outside). */
export function erfinv(x: ArrayLike): NDArray {
  return map1("erfinv", x, erfinv64);
}
/** `log |Γ(x)|` (+∞ at 0 and the negative integers). */
export function gammaln(x: ArrayLike): NDArray {
  return map1("gammaln", x, lgamma64);
}
/** The digamma function `ψ(x) = Γ′(x)/Γ(x)` (NaN at 0 and the negative integers, as JAX). */
export function digamma(x: ArrayLike): NDArray {
  return map1("digamma", x, digamma64);
}
/** The polygamma function `ψ⁽ⁿ⁾(x)`, the n-th derivative of ψ, for an integer order n ≥ 0. */
export function polygamma(n: number, x: ArrayLike): NDArray {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
    throw new TypeError(`polygamma: n must be a non-negative integer (a number), got ${(n as unknown) instanceof NDArray ? `an Array of shape ${fmtShape((n as unknown as NDArray).shape)}` : String(n)}`);
  return map1("polygamma", x, (v) => polygamma64(n, v));
}

/** logit and expit, written once as formulas (the transformer expands the same expressions). */
export const SPECIAL_FORMULAS: Readonly<Record<string, Formula>> = {
  // JAX: log(x / (1 - x))
  logit: (o, x) => o.log(o.div(x, o.sub(o.c(1), x))),
  // JAX: lax.logistic, the same expression as nn.sigmoid
  expit: FORMULAS.sigmoid,
};

/** `log(p / (1 − p))`, the inverse of expit. */
export function logit(x: ArrayLike): NDArray {
  return runFormula(SPECIAL_FORMULAS.logit, input("logit", x));
}
/** The logistic sigmoid `1 / (1 + exp(−x))` (nn.sigmoid). */
export function expit(x: ArrayLike): NDArray {
  return runFormula(SPECIAL_FORMULAS.expit, input("expit", x));
}
