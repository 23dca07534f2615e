// The special functions of jax.scipy.special / jax.lax: erf, erfc, erfinv, gammaln (lgamma),
// digamma, polygamma, and the formulas logit and expit. Each elementwise function is evaluated
// in float64 to a few float64 ulps and kept (float64 input) or rounded once to float32 (float32
// input, and integers) or to float32 then float16 (float16 input). Checked against Python's math
// and SciPy in test/transformer/special.test.ts, and against mpmath at float64 tolerances in
// test/runtime/dtypes-families.test.ts. Declared under runtime/numpy/ so that the transformer lowers
// them by name (transformer/rules/special.ts); exported as `scipySpecial` (runtime/scipy-special.ts)
// and lax.erf / lax.erfc, not from jnp (@jax-js/jax's numpy has none of them).

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import { fmtShape } from "../shape.js";
import { asArray, astype } from "./creation.js";
import { isFloat, toInexact } from "../dtype.js";
import { erfInvF32 } from "../random/erfinv.js";
import type { Formula } from "../nn/formulas.js";
import { FORMULAS } from "../nn/formulas.js";
import { runFormula } from "./formula-ops.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const EULER_GAMMA = 0.5772156649015329;
const HALF_LOG_2PI = 0.9189385332046728; // log(2π)/2
const SQRT_PI = 1.7724538509055159;

// ---- float64 scalar functions ----------------------------------------------------------------
// Each is accurate to a few float64 ulps wherever the function is well conditioned (measured
// against mpmath at 40 digits in test/runtime/dtypes-families.test.ts), so float64 Arrays get
// float64 values; float32 and float16 results are these rounded.

/** exp(−x²) with x² taken exactly (Dekker's split): the rounding of x² would cost x²·2⁻⁵³ relatively. */
function expNegSq(x: number): number {
  const c = 134217729 * x; // 2^27 + 1
  const hi = c - (c - x), lo = x - hi;
  const p = x * x;
  const err = hi * hi - p + 2 * hi * lo + lo * lo; // x² = p + err exactly
  return Math.exp(-p) * (1 - err);
}

/** erf by its Maclaurin series 2x/√π·Σ (−x²)ⁿ/(n!(2n+1)), for |x| < 0.75 (terms fall by x² < 0.57). */
function erfSeries(x: number): number {
  const t = -x * x;
  let term = 1, sum = 1;
  for (let n = 1; n < 60; n++) {
    term *= t / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * x * sum;
}

/**
 * erfc(x) for x ≥ 0.75 by Laplace's continued fraction
 * erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom up. Its
 * error after K terms falls like exp(−c·x·√K): (17/x)² + 10 terms reach 2⁻⁵³ (checked against
 * mpmath from x = 0.5 to 6). Used from x = 2 (83 terms at most), and once for each anchor of erfcNear.
 */
function erfcFrac(x: number): number {
  if (x >= 27) return 0; // (below the smallest float64)
  const K = Math.ceil((17 / x) ** 2) + 10;
  let f = x;
  for (let k = K; k >= 1; k--) f = x + k / 2 / f;
  return expNegSq(x) / SQRT_PI / f;
}

/** erfcNear's anchors x₀ = 0.5 + k/16 up to 2: erfc(x₀) (the continued fraction, once) and 2/√π·exp(−x₀²). */
const ANCHORS = Array.from({ length: 25 }, (_, k) => {
  const x0 = 0.5 + k / 16;
  return { x0, e: erfcFrac(x0), d: TWO_OVER_SQRT_PI * expNegSq(x0) };
});

/**
 * erfc on [0.5, 2), where the continued fraction needs hundreds of terms: Taylor's series about
 * the nearest anchor x₀ (|h| ≤ 1/32), erfc(x₀ + h) = erfc(x₀) − 2/√π·e^(−x₀²)·Σₙ (−1)ⁿ⁻¹ Hₙ₋₁(x₀)·hⁿ/n!
 * (Hermite's polynomials by their recurrence); 18 terms leave under 2⁻⁷⁰ of the first.
 */
function erfcNear(x: number): number {
  const { x0, e, d } = ANCHORS[Math.round((x - 0.5) * 16)];
  const h = x - x0; // (exact: x is within 7% of x₀)
  let hPrev = 0, hCur = 1; // H(n−2), H(n−1)
  let pw = h; // hⁿ/n!
  let s = 0;
  for (let n = 1; n <= 18; n++) {
    s += (n % 2 === 1 ? hCur : -hCur) * pw;
    const next = 2 * x0 * hCur - 2 * (n - 1) * hPrev;
    hPrev = hCur;
    hCur = next;
    pw *= h / (n + 1);
  }
  return e - d * s;
}

/** erfc for x ≥ 0.5: about an anchor below 2, the continued fraction (at most 83 terms) above. */
const erfcPos = (x: number): number => (x < 2 ? erfcNear(x) : erfcFrac(x));

/** erf(x): the series below |x| = 0.75, else ±(1 − erfc(|x|)) (erfc ≤ 0.29 there, so no cancellation). */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 0.75) return erfSeries(x);
  const r = 1 - erfcPos(a);
  return x < 0 ? -r : r;
}

/** erfc(x): 1 − erf(x) on (−0.5, 0.5) (erfc ≥ 0.47 there), erfcPos above, 2 − erfc(−x) below. */
export function erfc64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0.5) return erfcPos(x);
  if (x > -0.5) return 1 - erfSeries(x);
  return 2 - erfcPos(-x);
}

/**
 * erfinv(y) for |y| ≤ 1: XLA's float32 erf_inv as the first guess (the asymptote of erfc near
 * |y| = 1, where that one saturates), then Halley steps on erf(x) − y (on (1 − |y|) − erfc(|x|)
 * above |y| = 0.5, where 1 − |y| is exact), to float64 accuracy.
 */
export function erfinv64(y: number): number {
  if (Number.isNaN(y) || Math.abs(y) > 1) return NaN;
  if (Math.abs(y) === 1) return y * Infinity;
  if (y === 0) return y;
  const a = Math.abs(y);
  let x = Math.abs(erfInvF32(a));
  if (!(x < 3.5)) {
    // erfc(x) ≈ exp(−x²)/(x√π): x² = −log(q·x·√π), iterated from x = √(−log q)
    const q = 1 - a;
    x = Math.sqrt(-Math.log(q));
    for (let i = 0; i < 3; i++) x = Math.sqrt(-Math.log(q * x * SQRT_PI));
  }
  for (let i = 0; i < 8; i++) {
    const f = a <= 0.5 ? erf64(x) - a : 1 - a - erfc64(x);
    const d = TWO_OVER_SQRT_PI * expNegSq(x);
    const step = f / (d + x * f);
    x -= step;
    // (Halley converges cubically: after a step of 1e−6 relative the error is far below 2⁻⁵³)
    if (Math.abs(step) <= 1e-6 * x) break;
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
/** cos(πx), reduced exactly to r = |x| mod 2 in [0, 1] (then 1/2 − r is exact from r = 1/4 on). */
function cospi(x: number): number {
  let r = Math.abs(x) % 2;
  if (r > 1) r = 2 - r;
  return r < 0.25 ? Math.cos(Math.PI * r) : Math.sin(Math.PI * (0.5 - r));
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
 * relative accuracy) and below; on (2.5, 13) the recurrence down into (1.5, 2.5] (log of an
 * exact-factored product plus that, all positive); Stirling's series from 13; the reflection
 * formula below 0 (which, like SciPy's, loses relative accuracy next to the zeros of log |Γ| on
 * the negative axis); +∞ at the poles (0 and the negative integers), as JAX's lgamma.
 */
export function lgamma64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0) return Math.log(Math.PI / Math.abs(sinpi(x))) - lgamma64(1 - x);
  if (x < 0.5) return lgamma1p(x) - Math.log(x);
  if (x < 1.25) return lgamma1p(x - 1);
  if (x <= 1.8) return lgammaNearMin(x);
  if (x <= 2.5) return lgamma1p(x - 2) + Math.log1p(x - 2);
  if (x < 13) {
    // Γ(x) = (x−1)(x−2)…(x−k)·Γ(x−k): each x − j is exact (x ≥ 2.5, j an integer below it)
    let y = x, p = 1;
    while (y > 2.5) {
      y -= 1;
      p *= y;
    }
    return Math.log(p) + lgamma1p(y - 2) + Math.log1p(y - 2);
  }
  let s = 0;
  const r2 = 1 / (x * x);
  for (let k = STIRLING.length - 1; k >= 0; k--) s = s * r2 + STIRLING[k];
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + s / x;
}

/**
 * log Γ about its minimum x₀ (ψ's zero): log Γ(x₀) + Σₖ₌₂ (−1)ᵏ ζ(k, x₀)/k · hᵏ, h = x − x₀; on
 * [1.25, 1.8] its terms are small next to log Γ(x₀), where the other forms cancel (15 ulps).
 */
function lgammaNearMin(x: number): number {
  const h = x - PSI_ROOT_HI - PSI_ROOT_LO;
  let s = 0;
  for (let k = LGAMMA_MIN_TAYLOR.length - 1; k >= 0; k--) s = s * h + LGAMMA_MIN_TAYLOR[k];
  return LGAMMA_MIN + s * h * h;
}

/** B₂ₖ / 2k, the asymptotic series of ψ. */
const PSI = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/** ψ's positive zero x₀ as hi + lo (mpmath), and ψ's Taylor coefficients there: ψ⁽ᵏ⁾(x₀)/k! = (−1)ᵏ⁺¹ ζ(k + 1, x₀). */
const PSI_ROOT_HI = 1.4616321449683622;
const PSI_ROOT_LO = 9.549995429965697e-17;
const PSI_ROOT_TAYLOR = Array.from({ length: 48 }, (_, i) => (i % 2 === 0 ? 1 : -1) * hurwitz(i + 2, PSI_ROOT_HI));
/** log Γ(x₀) (mpmath), and the coefficients (−1)ᵏ ζ(k, x₀)/k of h^(k−2), k ≥ 2. */
const LGAMMA_MIN = -0.12148629053584961;
const LGAMMA_MIN_TAYLOR = Array.from({ length: 32 }, (_, i) => ((i % 2 === 0 ? 1 : -1) * hurwitz(i + 2, PSI_ROOT_HI)) / (i + 2));

/**
 * ψ(x) = d/dx log Γ(x): on [1, 2) the Taylor series about its zero x₀ ≈ 1.4616 (relative
 * accuracy right up to the zero, where a shifted asymptotic series cancels), (0, 1) and [2, 10)
 * moved there by ψ(x + 1) = ψ(x) + 1/x, the asymptotic series from 10; the reflection
 * ψ(x) = ψ(1 − x) − π·cot(πx) below 0 (losing relative accuracy next to the negative zeros, as
 * SciPy's). NaN at the poles (0 and the negative integers), as JAX's digamma.
 */
export function digamma64(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return NaN;
  if (x < 0) return digamma64(1 - x) - (Math.PI * cospi(x)) / sinpi(x);
  if (x < 10) {
    let acc = 0, y = x;
    while (y < 1) {
      acc -= 1 / y;
      y += 1;
    }
    while (y >= 2) {
      y -= 1; // (exact: an integer off a float ≥ 2)
      acc += 1 / y;
    }
    const h = y - PSI_ROOT_HI - PSI_ROOT_LO;
    let s = 0;
    for (let k = PSI_ROOT_TAYLOR.length - 1; k >= 0; k--) s = s * h + PSI_ROOT_TAYLOR[k];
    return s * h + acc;
  }
  const r2 = 1 / (x * x);
  let s = 0;
  for (let k = PSI.length - 1; k >= 0; k--) s = s * r2 + PSI[k];
  return Math.log(x) - 0.5 / x - s * r2;
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

/** The argument as a float Array (its own float dtype; JAX promotes integers and booleans to float32); else a TypeError naming the function. */
function input(name: string, x: unknown, what = "x"): NDArray {
  const ok = typeof x === "number" || typeof x === "boolean" || x instanceof NDArray || Array.isArray(x);
  if (!ok) throw new TypeError(`${name}: ${what} must be an Array, a number or a nested list of numbers, got ${x === null ? "null" : typeof x}`);
  const a = asArray(x as ArrayLike, name);
  return isFloat(a.dtype) ? a : astype(a, toInexact(a.dtype));
}

/**
 * f (a float64 function) elementwise, in the input's float dtype: float64 as computed, float32
 * rounded once, float16 rounded to float32 and then to float16 (XLA computes half precision in
 * float32, and SciPy's float32 loops round the double result: this is both).
 */
function map1(name: string, x: ArrayLike, f: (v: number) => number): NDArray {
  const a = input(name, x);
  const src = a.data;
  const out = a.dtype === "float64" ? new Float64Array(src.length) : new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return new NDArray(out, a.shape, a.dtype);
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
  // JAX: lax.logistic, the same expression as nn.sigmoid; one op there, so float16 is computed
  // in float32 and rounded once (castAs: no-ops for the other dtypes)
  expit: (o, x) => o.astype(FORMULAS.sigmoid(o, o.astype(x, "compute")), "like", x),
};

/** `log(p / (1 − p))`, the inverse of expit. */
export function logit(x: ArrayLike): NDArray {
  return runFormula(SPECIAL_FORMULAS.logit, input("logit", x));
}
/** The logistic sigmoid `1 / (1 + exp(−x))` (nn.sigmoid). */
export function expit(x: ArrayLike): NDArray {
  return runFormula(SPECIAL_FORMULAS.expit, input("expit", x));
}
