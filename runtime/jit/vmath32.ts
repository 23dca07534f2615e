// Vector math in float32 lanes (f32x4) for the kernels of `jit(f, { fastMath: true })`: exp,
// tanh, sin and cos with float32 polynomials, four elements an instruction (twice the exact
// path's f64x2 lanes, and shorter polynomials). Not correctly rounded: within a few float32 ulps
// of the exact result (the bounds are measured in test/runtime/vmath32.test.ts and stated in
// DESIGN.md "Numerics"); results below the smallest normal float32 flush to 0.
//
// exp: x clamped to [−126·ln2, ln(FLT_MAX)], n = round(x·log₂e), r = x − n·ln2 in two parts
// (Cephes' C1 + C2), e^r ≈ 1 + r + r²·P(r) (P of degree 4, fitted for this kernel: Cephes' is
// of degree 5 for the same 1-ulp bound), times 2ⁿ by adding n to the exponent bits.
// tanh: m/(m + 2) with m = e^{2|x|} − 1 from exp's parts, with x's sign.
// sin/cos: r = |x| − q·π/2 (q = 2·round(|x|/π) for sin, 2·round(|x|/π − ½) + 1 for cos) in three
// parts (exact products for q < 2¹³), one odd polynomial for sin r (SLEEF's), signed by q's
// half and x's sign; |x| > TRIG32_LIMIT is the caller's (the exact scalar function per lane).
// Each function adds its instructions to a graph (vdag.ts), which the kernel emits interleaved.

import { OP, VDag, type VNode } from "./vdag.js";

const SIGN = 0x80000000;

/** |v|: an and with a constant (V8 builds f32x4.abs's mask anew each time). */
export const abs32 = (d: VDag, v: VNode) => d.and(v, d.bits(~SIGN));

/** Σ coef[k]·z^k (Horner: the short polynomials). */
function horner(d: VDag, z: VNode, coef: readonly number[]): VNode {
  let h = d.f32(coef[coef.length - 1]);
  for (let k = coef.length - 2; k >= 0; k--) h = d.add(d.mul(h, z), d.f32(coef[k]));
  return h;
}

/**
 * c₀ + c₁r + … + c₄r⁴ by Estrin's scheme: (c₀ + c₁r) + r²(c₂ + c₃r) + r⁴c₄, r² = z. Four dependent
 * steps instead of Horner's eight: the kernels are bound by how long these chains keep the FP
 * scheduler's entries waiting as much as by the FP units.
 */
function estrin5(d: VDag, r: VNode, z: VNode, k: readonly number[]): VNode {
  const pair = (lo: number, hi: number) => d.add(d.mul(d.f32(hi), r), d.f32(lo));
  return d.add(d.add(pair(k[0], k[1]), d.mul(pair(k[2], k[3]), z)), d.mul(d.f32(k[4]), d.mul(z, z)));
}

/**
 * 1.5·2²³: v + ROUND is v rounded to an integer (ties to even) for |v| < 2²², with that integer
 * in its low mantissa bits (the exponent is fixed; 2²² is a multiple of 4, so the low bits are the
 * integer's two's complement); (v + ROUND) − ROUND is the integer as a float. One add instead of
 * nearest + trunc_sat (one instruction and five in V8's x64 code).
 */
const ROUND = 12582912;

// -126·ln2 rounded up to float32 (below it e^x is not a normal float32) and ln(FLT_MAX) rounded down
const EXP_LO = -87.33654022216797;
const EXP_HI = 88.72283172607422;

/**
 * For t within [EXP_LO, EXP_HI] (or NaN): e^t = 2ⁿ·(1 + p), |r| ≤ ln2/2, p = e^r − 1, and k with
 * n in its low bits (k = t·log₂e + ROUND).
 */
function expParts(d: VDag, t: VNode): { p: VNode; k: VNode } {
  const k = d.add(d.mul(t, d.f32(1.44269504088896341)), d.f32(ROUND));
  const n = d.sub(k, d.f32(ROUND));
  // r = t − n·ln2 in two parts (Cephes' C1 + C2)
  const r = d.sub(d.sub(t, d.mul(n, d.f32(0.693359375))), d.mul(n, d.f32(-2.12194440e-4)));
  const z = d.mul(r, r);
  // p = r + r²·P(r)
  const P = estrin5(d, r, z, [0.4999999345435553, 0.16666520777674743, 0.0416683876179816, 0.008368699557626513, 0.0013814539855628155]);
  return { p: d.add(d.mul(P, z), r), k };
}

/** e^x. */
export function exp32(d: VDag, x: VNode): VNode {
  const t = d.simd(OP.pmax, d.simd(OP.pmin, x, d.f32(EXP_HI)), d.f32(EXP_LO));
  const { p, k } = expParts(d, t);
  // (1 + p)·2ⁿ: n added to the exponent field (k's bits shifted: ROUND's own bits leave nothing
  // there; the result is a normal float32 on the clamped range; NaN's bits add 0)
  const e = d.simd(OP.i32x4Add, d.add(p, d.f32(1)), d.shift(OP.i32x4Shl, k, 23));
  // beyond the range: ∞ above, 0 below (NaN compares false and stays NaN); andnot(a, m) = a & ~m
  const hi = d.select(d.f32(Infinity), e, d.simd(OP.gt, x, d.f32(EXP_HI)));
  return d.simd(OP.andnot, hi, d.simd(OP.lt, x, d.f32(EXP_LO)));
}

/** Beyond this, tanh(x) is 1 in float32 (1 − tanh(20) ≈ 8·10⁻¹⁸). */
const TANH_HI = 20;

/**
 * tanh(x), on a = |x| (x's sign put back at the end, so tanh(−0) = −0): tanh a = m/(m + 2) with
 * m = e^{2a} − 1 = 2ⁿ·p + (2ⁿ − 1) from exp's parts, which keeps m's relative accuracy near 0
 * (no 1 − 2/(e^{2a} + 1) cancellation, so no second polynomial for small a, and no select).
 */
export function tanh32(d: VDag, x: VNode): VNode {
  const a = abs32(d, x);
  const { p, k } = expParts(d, d.simd(OP.pmin, d.add(a, a), d.f32(2 * TANH_HI)));
  // s = 2ⁿ (n's bits into 1's exponent), m = s·p + (s − 1)
  const s = d.simd(OP.i32x4Add, d.shift(OP.i32x4Shl, k, 23), d.bits(0x3f800000));
  const m = d.add(d.mul(s, p), d.sub(s, d.f32(1)));
  // x's sign (NaN: the quotient is NaN already)
  return d.xor(d.div(m, d.add(m, d.f32(2))), d.and(x, d.bits(SIGN)));
}

/** Beyond this |x|, the fast sin and cos lanes take the exact scalar function. */
export const TRIG32_LIMIT = 8192;

/**
 * sin(x) (or cos(x)), |x| ≤ TRIG32_LIMIT, on a = |x| (sin is odd, cos even; sin's sign put back at
 * the end, so sin(−0) = −0). sin: a = nπ + r, sin a = (−1)ⁿ sin r. cos: a = (2m + 1)·π/2 + r,
 * cos a = (−1)^{m+1} sin r. r in [−π/2, π/2] (three-part π/2, exact products for odd multiples
 * below 2¹³), and one odd polynomial for sin r (SLEEF's single-precision one).
 */
export function sinCos32(d: VDag, x: VNode, cos: boolean): VNode {
  const a = abs32(d, x);
  // k = a/π (− ½ for cos) + ROUND: n (or m) in its low bits; q = the multiple of π/2 taken off
  const t = d.mul(a, d.f32(0.318309886183790672));
  const k = d.add(cos ? d.sub(t, d.f32(0.5)) : t, d.f32(ROUND));
  const n = d.sub(k, d.f32(ROUND));
  const q = cos ? d.add(d.add(n, n), d.f32(1)) : d.add(n, n);
  const r = d.sub(d.sub(d.sub(a, d.mul(q, d.f32(1.5703125))), d.mul(q, d.f32(4.837512969970703125e-4))), d.mul(q, d.f32(7.54978995489188216e-8)));
  const z = d.mul(r, r);
  // sin r = r + r·z·P(z)
  const P = horner(d, z, [-0.166666597127914428710938, 0.00833307858556509017944336, -0.0001981069071916863322258, 2.6083159809786593541503e-06]);
  const sr = d.add(d.mul(d.mul(P, z), r), r);
  // the sign: n odd for sin, m even for cos; and x's for sin
  const odd = d.shift(OP.i32x4Shl, k, 31);
  return d.xor(sr, cos ? d.xor(odd, d.bits(SIGN)) : d.xor(odd, d.and(x, d.bits(SIGN))));
}
