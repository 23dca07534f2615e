// Vector math in float64 lanes (f64x2) for fused kernels: exp, tanh, sin and cos, accurate to a few float64
// ulps, so that their values rounded to float32 are Math.exp … rounded to float32: on every
// float32 input (all 2³² checked by scripts/vmath-exhaustive.mjs; a change here must pass it
// again). Eager code on Arrays of FUSED_MIN_SIZE elements or more runs these same kernels, so
// jit'd and eager results stay equal bit for bit at every size (below it, both use Math.*).
//
// exp: x clamped to [−104, 89] (beyond, the float32 result is 0 or ∞ anyway), n = round(x·log₂e),
// r = x − n·ln2 in two parts (Cody–Waite, fdlibm's constants; |r| ≤ 0.35), e^r as e^{r/4}
// squared twice, e^{r/4} by its Taylor series to (r/4)⁹ (remainder < 7e-18), times 2ⁿ built
// from its bits. (The series for e^r itself needs r¹³: 1.2x as long, for the same bits.)
// tanh: expm1(2|x|) from the same reduction (2ⁿ·expm1(r) + (2ⁿ − 1): no cancellation), expm1(r)
// from expm1(r/4) by expm1(2t) = expm1(t)·(expm1(t) + 2) twice, then e/(e + 2), the sign of x
// put back (tanh(−0) = −0).
// Each function adds its instructions to a graph of values (vdag.ts): a kernel step computes
// four elements as two f64x2 halves whose chains the graph interleaves (these functions are long
// dependency chains, which alone leave the FP units waiting).

import { VDag, type VNode } from "./vdag.js";

/** f64x2 opcodes (after the 0xfd prefix). */
export const F64X2 = {
  extract: 0x21,
  replace: 0x22,
  gt: 0x4a,
  and: 0x4e,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  anyTrue: 0x53,
  i64x2Shl: 0xcb,
  nearest: 0x94,
  abs: 0xec,
  add: 0xf0,
  sub: 0xf1,
  mul: 0xf2,
  div: 0xf3,
  pmin: 0xf6,
  pmax: 0xf7,
} as const;
const S = F64X2;
const SIGN_HI = 0x80000000;

const INV_FACT = Array.from({ length: 24 }, (_, n) => {
  let p = 1;
  for (let k = 2; k <= n; k++) p *= k;
  return 1 / p;
});

const add = (d: VDag, a: VNode, b: VNode) => d.simd(S.add, a, b);
const sub = (d: VDag, a: VNode, b: VNode) => d.simd(S.sub, a, b);
const mul = (d: VDag, a: VNode, b: VNode) => d.simd(S.mul, a, b);

/**
 * Σ_k c[k]·z^k by Estrin's scheme (pairs c + c'·z, then pairs of those with z², z⁴, …): a short
 * dependency chain, where Horner's is as long as the degree.
 */
function poly(d: VDag, z: VNode, c: readonly number[]): VNode {
  let terms: VNode[] = [];
  for (let k = 0; k < c.length; k += 2) terms.push(c[k + 1] === undefined ? d.f64(c[k]) : add(d, mul(d, d.f64(c[k + 1]), z), d.f64(c[k])));
  let pw = z;
  while (terms.length > 1) {
    pw = mul(d, pw, pw);
    const next: VNode[] = [];
    for (let j = 0; j < terms.length; j += 2) next.push(terms[j + 1] ? add(d, mul(d, terms[j + 1], pw), terms[j]) : terms[j]);
    terms = next;
  }
  return terms[0];
}

/**
 * sin(x) (or cos(x)) for |x| ≤ TRIG_LIMIT, with one polynomial and no quadrant select: sin,
 * x = jπ + r, sin x = (−1)^j·sin r; cos, x = (j + ½)π + r, cos x = (−1)^(j+1)·sin r. r = x − q·π/2
 * (q = 2j, or 2j + 1) in three parts (fdlibm's π/2, exact products for |q| < 2²⁰), |r| ≤ π/2,
 * and sin r by its Taylor series to r²¹. (The π/2 reduction with sin r and cos r on |r| ≤ π/4,
 * chosen and signed by q mod 4, took 1.3–1.5x as long, for the same bits.) Larger |x| is the
 * caller's (Math.sin per lane).
 */
export function sinCos64(d: VDag, x: VNode, cos: boolean): VNode {
  // k = x/π (− ½ for cos) + 1.5·2⁵²: the nearest integer j in k's low mantissa bits (ties to
  // even, as f64x2.nearest); q = the multiple of π/2 taken off: 2j for sin, 2j + 1 for cos
  const t = mul(d, x, d.f64(3.18309886183790671538e-1));
  const k = add(d, cos ? sub(d, t, d.f64(0.5)) : t, d.f64(6755399441055744));
  const j = sub(d, k, d.f64(6755399441055744));
  const q = cos ? add(d, add(d, j, j), d.f64(1)) : add(d, j, j);
  const r0 = sub(d, x, mul(d, q, d.f64(1.57079632673412561417e0)));
  const r1 = sub(d, r0, mul(d, q, d.f64(6.07710050630396597660e-11)));
  const r = sub(d, r1, mul(d, q, d.f64(2.02226624871116645580e-21)));
  const z = mul(d, r, r);
  // sin r = r·Σ (−z)^k/(2k+1)! on |r| ≤ π/2 (to r²¹: remainder under 2e-18)
  const s = mul(d, poly(d, z, Array.from({ length: 11 }, (_, i) => (i % 2 ? -1 : 1) * INV_FACT[2 * i + 1])), r);
  // the sign: (−1)^j for sin, (−1)^(j+1) for cos: the low bit of k (or k + 1, exact) shifted
  // into the sign bit (a NaN lane's k is x's NaN, whose low bit is 0: its sign is left as it is,
  // as Math's is)
  const odd = d.shift(S.i64x2Shl, cos ? add(d, k, d.f64(1)) : k, 63);
  return d.simd(S.xor, s, odd);
}

/** Beyond this |x|, sin and cos reduce with Math.sin/Math.cos (per lane). */
export const TRIG_LIMIT = 823549.6;

/**
 * The reduction exp and tanh share, for y: n = nearest(y·log₂e), r = (y − n·ln2hi) − n·ln2lo
 * (Cody–Waite, fdlibm's constants; |r| ≤ 0.35).
 */
function reduceLn2(d: VDag, y: VNode): { n: VNode; r: VNode } {
  const n = d.simd(S.nearest, mul(d, y, d.f64(1.4426950408889634)));
  const r = sub(d, sub(d, y, mul(d, n, d.f64(6.93147180369123816490e-1))), mul(d, n, d.f64(1.90821492927058770002e-10)));
  return { n, r };
}

/** 2ⁿ for integer-valued float64 lanes n: the bits of n + 2⁵² + 1023 shifted left by 52. */
const pow2 = (d: VDag, n: VNode) => d.shift(S.i64x2Shl, add(d, n, d.f64(4503599627370496 + 1023)), 52);

/** e^x: x clamped to [−104, 89], reduced, e^r = ((e^{r/4})²)², times 2ⁿ. */
export function exp64(d: VDag, x: VNode): VNode {
  const t = d.simd(S.pmax, d.simd(S.pmin, x, d.f64(89)), d.f64(-104));
  const { n, r } = reduceLn2(d, t);
  // e^r = ((e^{r/4})²)², e^{r/4} = Σ_{k≤9} r^k/(4^k·k!) (|r/4| ≤ 0.09)
  const h = poly(d, r, INV_FACT.slice(0, 10).map((c, k) => c / 4 ** k));
  const h2 = mul(d, h, h);
  return mul(d, mul(d, h2, h2), pow2(d, n));
}

/**
 * tanh(x). One path for every x: with a = |x| and y = 2a (at most 40, where tanh is 1 in
 * float64), e = expm1(y) = 2ⁿ·p + (2ⁿ − 1) with p = expm1(r) from expm1(r/4) (n = 0 for
 * small a: e = p, no cancellation), then tanh a = e/(e + 2), and the sign of x put back
 * (tanh(−0) = −0).
 */
export function tanh64(d: VDag, x: VNode): VNode {
  const a = d.simd(S.abs, x);
  const { n, r } = reduceLn2(d, d.simd(S.pmin, add(d, a, a), d.f64(40)));
  const s = pow2(d, n);
  // expm1(r) = v·(v + 2), v = expm1(r/2) = u·(u + 2), u = expm1(r/4) = Σ_{1≤k≤9} r^k/(4^k·k!)
  const u = mul(d, poly(d, r, INV_FACT.slice(1, 10).map((c, k) => c / 4 ** (k + 1))), r);
  const v = mul(d, u, add(d, u, d.f64(2)));
  const e = add(d, mul(d, mul(d, v, add(d, v, d.f64(2))), s), sub(d, s, d.f64(1)));
  return d.simd(S.or, d.simd(S.div, e, add(d, e, d.f64(2))), d.simd(S.and, x, d.bits64(SIGN_HI, 0)));
}
