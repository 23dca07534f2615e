// Vector math in float32 lanes (f32x4) for the kernels of `jit(f, { fastMath: true })`: exp,
// tanh, sin and cos with Cephes' single-precision polynomials, four elements an instruction
// (twice the exact path's f64x2 lanes, and shorter polynomials). Not correctly rounded: within a
// few float32 ulps of the exact result (the bound is measured in test/runtime/vmath32.test.ts
// and stated in DESIGN.md "Numerics"); results below the smallest normal float32 flush to 0.
//
// exp: x clamped to [−126·ln2, ln(FLT_MAX)], n = round(x·log₂e), r = x − n·ln2 in two parts
// (Cephes' C1 + C2), e^r ≈ 1 + r + r²·P(r) (degree 5), times 2ⁿ by adding n to the exponent bits.
// tanh: |x| < 0.625: x + x³·P(x²); otherwise 1 − 2/(e^{2|x|} + 1) with x's sign.
// sin/cos: n = round(x·2/π), r = x − n·π/2 in three parts (exact products for |n| < 2¹³), the
// sin and cos polynomials on |r| ≤ π/4, chosen and signed by n mod 4; |x| > TRIG32_LIMIT is the
// caller's (the exact scalar function per lane).

import type { Code } from "./wasm.js";
import { V128 } from "./wasm.js";

/** f32x4 / i32x4 / v128 opcodes (after the 0xfd prefix). */
const S = {
  extract: 0x1f,
  replace: 0x20,
  eq: 0x41,
  lt: 0x43,
  gt: 0x44,
  ge: 0x46,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  floor: 0x68,
  nearest: 0x6a,
  i32x4Shl: 0xab,
  i32x4ShrS: 0xac,
  i32x4Add: 0xae,
  abs: 0xe0,
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  min: 0xe8,
  max: 0xe9,
  // pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a: one instruction each (minps/maxps),
  // where min/max's NaN and ±0 rules cost seven; with the argument first, NaN stays NaN
  pmin: 0xea,
  pmax: 0xeb,
  truncSat: 0xf8,
} as const;

/** v128.const of four equal 32-bit lanes with these bits. */
function bits32(f: Code, u: number): void {
  f.simd(0x0c);
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  for (let k = 0; k < 4; k++) dv.setUint32(4 * k, u >>> 0, true);
  f.op(...b);
}
const SIGN = 0x80000000;

/** |v| for the f32x4 on the stack: an and with a constant (V8 builds f32x4.abs's mask anew each time). */
export function emitAbs32(f: Code): void {
  bits32(f, ~SIGN);
  f.simd(S.and);
}
const c = (f: Code, x: number) => f.f32x4Const(x);

/** Σ coef[k]·z^k for z in local `z` (Horner: the polynomials are short), on the stack. */
function horner(f: Code, z: number, coef: readonly number[]): void {
  c(f, coef[coef.length - 1]);
  for (let k = coef.length - 2; k >= 0; k--) f.get(z).simd(S.mul), c(f, coef[k]).simd(S.add);
}

/**
 * 1.5·2²³: v + ROUND is v rounded to an integer (ties to even) for |v| < 2²², with that integer
 * in its low mantissa bits (the exponent is fixed; 2²² is a multiple of 4, so the low bits are the
 * integer's two's complement); (v + ROUND) − ROUND is the integer as a float. One add instead of
 * nearest + trunc_sat (one instruction and five in V8's x64 code).
 */
const ROUND = 12582912;

/**
 * The same sum by Estrin's scheme for six coefficients: (c₀ + c₁r) + r²(c₂ + c₃r) + r⁴(c₄ + c₅r),
 * r in local `r`, r² in local `z`. Five dependent steps instead of Horner's ten: the kernels are
 * bound by how long these chains keep the FP scheduler's entries waiting, not by the FP units.
 */
function estrin6(f: Code, r: number, z: number, k: readonly number[]): void {
  const pair = (lo: number, hi: number) => (c(f, hi), f.get(r).simd(S.mul), c(f, lo).simd(S.add));
  pair(k[0], k[1]);
  pair(k[2], k[3]);
  f.get(z).simd(S.mul).simd(S.add);
  pair(k[4], k[5]);
  f.get(z).get(z).simd(S.mul).simd(S.mul).simd(S.add);
}

/** The scratch locals the float32 functions use. */
export function vmath32Locals(f: Code) {
  return { n: f.local(V128), k: f.local(V128), r: f.local(V128), z: f.local(V128), a: f.local(V128), s: f.local(V128), q: f.local(V128) };
}
type Tmp = ReturnType<typeof vmath32Locals>;

// -126·ln2 rounded up to float32 (below it e^x is not a normal float32) and ln(FLT_MAX) rounded down
const EXP_LO = -87.33654022216797;
const EXP_HI = 88.72283172607422;

/**
 * For t in local `t` (within [EXP_LO, EXP_HI], or NaN): e^t = 2ⁿ·(1 + p), |r| ≤ ln2/2, p = e^r − 1
 * on the stack and n in local `k`'s low bits (k = t·log₂e + ROUND).
 */
function expParts(f: Code, t: number, tmp: Tmp): void {
  f.get(t);
  c(f, 1.44269504088896341).simd(S.mul);
  c(f, ROUND).simd(S.add).tee(tmp.k);
  c(f, ROUND).simd(S.sub).set(tmp.n);
  // r = t − n·ln2 in two parts (Cephes' C1 + C2)
  f.get(t).get(tmp.n);
  c(f, 0.693359375).simd(S.mul).simd(S.sub).get(tmp.n);
  c(f, -2.12194440e-4).simd(S.mul).simd(S.sub).set(tmp.r);
  f.get(tmp.r).get(tmp.r).simd(S.mul).set(tmp.z);
  // p = r + r²·P(r)
  estrin6(f, tmp.r, tmp.z, [5.0000001201e-1, 1.6666665459e-1, 4.1665795894e-2, 8.3334519073e-3, 1.3981999507e-3, 1.98756915e-4]);
  f.get(tmp.z).simd(S.mul).get(tmp.r).simd(S.add);
}

/** e^t for t in local `t`, t already within [EXP_LO, EXP_HI] (or NaN); the result on the stack. */
function expCore(f: Code, t: number, tmp: Tmp): void {
  expParts(f, t, tmp);
  c(f, 1).simd(S.add);
  // · 2ⁿ: n added to the exponent field (k's bits shifted: ROUND's own bits leave nothing there;
  // the result is a normal float32 on the clamped range; NaN's bits add 0)
  f.get(tmp.k).i32(23).simd(S.i32x4Shl).simd(S.i32x4Add);
}

/** e^x for x in local `x` (f32x4); the result on the stack. */
export function emitExp32(f: Code, x: number, tmp: Tmp): void {
  f.get(x);
  c(f, EXP_HI).simd(S.pmin);
  c(f, EXP_LO).simd(S.pmax).set(tmp.a);
  expCore(f, tmp.a, tmp);
  f.set(tmp.s);
  // beyond the range: ∞ above, 0 below (NaN compares false and stays NaN); bitselect(a, b, m)
  // takes a where m is set, andnot(a, m) = a & ~m
  c(f, Infinity).get(tmp.s).get(x);
  c(f, EXP_HI).simd(S.gt).simd(S.bitselect);
  f.get(x);
  c(f, EXP_LO).simd(S.lt).simd(S.andnot);
}

/** Beyond this, tanh(x) is 1 in float32 (1 − tanh(20) ≈ 8·10⁻¹⁸). */
const TANH_HI = 20;

/**
 * tanh(x) for x in local `x`; the result on the stack. On a = |x| (x's sign put back at the end,
 * so tanh(−0) = −0): tanh a = m/(m + 2) with m = e^{2a} − 1 = 2ⁿ·p + (2ⁿ − 1) from exp's parts,
 * which keeps m's relative accuracy near 0 (no 1 − 2/(e^{2a} + 1) cancellation, so no second
 * polynomial for small a, and no select).
 */
export function emitTanh32(f: Code, x: number, tmp: Tmp): void {
  f.get(x);
  emitAbs32(f);
  f.set(tmp.q);
  f.get(tmp.q).get(tmp.q).simd(S.add);
  c(f, 2 * TANH_HI).simd(S.pmin).set(tmp.a);
  expParts(f, tmp.a, tmp);
  f.set(tmp.r);
  // s = 2ⁿ (n's bits into 1's exponent), m = s·p + (s − 1)
  f.get(tmp.k).i32(23).simd(S.i32x4Shl);
  bits32(f, 0x3f800000);
  f.simd(S.i32x4Add).set(tmp.s);
  f.get(tmp.s).get(tmp.r).simd(S.mul).get(tmp.s);
  c(f, 1).simd(S.sub).simd(S.add).tee(tmp.z);
  f.get(tmp.z);
  c(f, 2).simd(S.add).simd(S.div);
  // x's sign (NaN: the quotient is NaN already)
  f.get(x);
  bits32(f, SIGN);
  f.simd(S.and).simd(S.xor);
}

/** Beyond this |x|, the fast sin and cos lanes take the exact scalar function. */
export const TRIG32_LIMIT = 8192;

/** sin(x) (or cos(x)) for x in local `x`, |x| ≤ TRIG32_LIMIT; the result on the stack. */
export function emitSinCos32(f: Code, x: number, cos: boolean, tmp: Tmp): void {
  // on a = |x| (sin is odd, cos even): sin's sign put back at the end (so sin(−0) = −0)
  f.get(x);
  emitAbs32(f);
  f.set(tmp.a);
  // k = a·2/π + ROUND (n in its low bits), n = k − ROUND, r = a − n·π/2 in three parts
  f.get(tmp.a);
  c(f, 0.636619772367581343).simd(S.mul);
  c(f, ROUND).simd(S.add).tee(tmp.k);
  c(f, ROUND).simd(S.sub).set(tmp.n);
  f.get(tmp.a).get(tmp.n);
  c(f, 1.5703125).simd(S.mul).simd(S.sub).get(tmp.n);
  c(f, 4.837512969970703125e-4).simd(S.mul).simd(S.sub).get(tmp.n);
  c(f, 7.54978995489188216e-8).simd(S.mul).simd(S.sub).set(tmp.r);
  f.get(tmp.r).get(tmp.r).simd(S.mul).set(tmp.z);
  // s = r + r·z·P(z)
  horner(f, tmp.z, [-1.6666654611e-1, 8.3321608736e-3, -1.9515295891e-4]);
  f.get(tmp.z).simd(S.mul).get(tmp.r).simd(S.mul).get(tmp.r).simd(S.add).set(tmp.s);
  // c = 1 − z/2 + z²·Q(z)
  horner(f, tmp.z, [4.166664568298827e-2, -1.388731625493765e-3, 2.443315711809948e-5]);
  f.get(tmp.z).simd(S.mul).get(tmp.z).simd(S.mul);
  c(f, 1).get(tmp.z);
  c(f, 0.5).simd(S.mul).simd(S.sub).simd(S.add).set(tmp.q);
  // q = n (+ 1 for cos) in k's low bits: the cosine polynomial where q is odd, negated where
  // q mod 4 ≥ 2
  if (cos) {
    f.get(tmp.k);
    f.i32(1).simd(0x11); // i32x4.splat
    f.simd(S.i32x4Add).set(tmp.k);
  }
  f.get(tmp.q).get(tmp.s);
  f.get(tmp.k).i32(31).simd(S.i32x4Shl).i32(31).simd(S.i32x4ShrS).simd(S.bitselect);
  f.get(tmp.k).i32(30).simd(S.i32x4Shl);
  bits32(f, SIGN);
  f.simd(S.and);
  if (!cos) f.get(x), bits32(f, SIGN), f.simd(S.and).simd(S.xor);
  f.simd(S.xor);
}

/** The f32x4 opcodes fused-kernel.ts needs beside these functions. */
export const F32X4 = S;
