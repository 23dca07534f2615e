// Vector math in float64 lanes (f64x2) for fused kernels: exp, tanh, sin and cos, accurate to a few float64
// ulps, so that their values rounded to float32 are the correctly rounded float32 results except
// where the exact value lies within ~1e-15 (relative) of a float32 rounding boundary. Eager code
// on Arrays of FUSED_MIN_SIZE elements or more runs these same kernels, so jit'd and eager
// results stay equal bit for bit at every size (below it, both use Math.exp / Math.tanh).
//
// exp: x clamped to [−104, 89] (beyond, the float32 result is 0 or ∞ anyway), n = round(x·log₂e),
// r = x − n·ln2 in two parts (Cody–Waite, fdlibm's constants; |r| ≤ 0.35), e^r by its Taylor
// series to r¹³ (remainder < 4e-18), times 2ⁿ built from its bits.
// tanh: expm1(2|x|) from the same reduction (2ⁿ·expm1(r) + (2ⁿ − 1): no cancellation), then
// e/(e + 2), the sign of x put back (tanh(−0) = −0).

import type { Code } from "./wasm.js";
import { V128 } from "./wasm.js";

const S = {
  f64x2Splat: 0x14,
  extract: 0x21,
  replace: 0x22,
  f64x2Lt: 0x49,
  f64x2Ge: 0x4c,
  and: 0x4e,
  or: 0x50,
  bitselect: 0x52,
  i64x2Shl: 0xcb,
  nearest: 0x94,
  abs: 0xec,
  add: 0xf0,
  sub: 0xf1,
  mul: 0xf2,
  div: 0xf3,
  min: 0xf4,
  max: 0xf5,
} as const;

/** v128.const of two equal float64 lanes. */
export function f64x2Const(f: Code, x: number): Code {
  f.simd(0x0c);
  f.op(...new Uint8Array(new Float64Array([x, x]).buffer));
  return f;
}
const constBits = (f: Code, hi: number, lo: number) => {
  f.simd(0x0c);
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, lo, true);
  dv.setUint32(4, hi, true);
  dv.setUint32(8, lo, true);
  dv.setUint32(12, hi, true);
  f.op(...b);
};

const INV_FACT = Array.from({ length: 20 }, (_, n) => {
  let p = 1;
  for (let k = 2; k <= n; k++) p *= k;
  return 1 / p;
});

/**
 * Σ_k c[k]·z^k for z in local `z`, on the stack, by Estrin's scheme (pairs c + c'·z, then pairs
 * of those with z², z⁴, …): a short dependency chain, where Horner's is as long as the degree.
 */
function poly(f: Code, z: number, c: readonly number[]): void {
  const V = 0x7b;
  let terms: (() => void)[] = [];
  for (let k = 0; k < c.length; k += 2) {
    const c0 = c[k], c1 = c[k + 1];
    terms.push(() => {
      if (c1 === undefined) f64x2Const(f, c0);
      else (f64x2Const(f, c1), f.get(z).simd(S.mul), f64x2Const(f, c0).simd(S.add));
    });
  }
  let pw = z;
  while (terms.length > 1) {
    const q = f.local(V);
    f.get(pw).get(pw).simd(S.mul).set(q);
    pw = q;
    const next: (() => void)[] = [];
    for (let j = 0; j < terms.length; j += 2) {
      const a = terms[j], b = terms[j + 1];
      const t = f.local(V);
      if (b) (b(), f.get(pw).simd(S.mul), a(), f.simd(S.add));
      else a();
      f.set(t);
      next.push(() => f.get(t));
    }
    terms = next;
  }
  terms[0]();
}

/** Σ_{k=lo}^{hi} r^k/k! for r in local `r`, on the stack. */
function taylor(f: Code, r: number, lo: number, hi: number): void {
  poly(f, r, INV_FACT.slice(lo, hi + 1));
  for (let k = 0; k < lo; k++) f.get(r).simd(S.mul);
}

/**
 * sin(x) (or cos(x)) for x in local `x` with |x| ≤ TRIG_LIMIT: n = round(x·2/π), r = x − n·π/2
 * in three parts (fdlibm's, exact products for |n| < 2¹⁹), sin r and cos r by their Taylor series
 * to r¹⁵ / r¹⁶ (remainders under 6e-17 relative on |r| ≤ π/4), chosen and signed by n mod 4.
 * Larger |x| is the caller's (Math.sin per lane).
 */
export function emitSinCos(f: Code, x: number, cos: boolean, tmp: { n: number; r: number; t: number; a: number; e: number; big: number }): void {
  f.get(x);
  f64x2Const(f, 6.36619772367581382433e-1).simd(S.mul).simd(S.nearest).set(tmp.n);
  f.get(x).get(tmp.n);
  f64x2Const(f, 1.57079632673412561417e0).simd(S.mul).simd(S.sub);
  f.get(tmp.n);
  f64x2Const(f, 6.07710050630396597660e-11).simd(S.mul).simd(S.sub);
  f.get(tmp.n);
  f64x2Const(f, 2.02226624871116645580e-21).simd(S.mul).simd(S.sub).set(tmp.r);
  f.get(tmp.r).get(tmp.r).simd(S.mul).set(tmp.t); // z = r²
  // s = r·Σ (−z)^k/(2k+1)!, c = Σ (−z)^k/(2k)!
  poly(f, tmp.t, Array.from({ length: 8 }, (_, k) => (k % 2 ? -1 : 1) * INV_FACT[2 * k + 1]));
  f.get(tmp.r).simd(S.mul).set(tmp.a);
  poly(f, tmp.t, Array.from({ length: 9 }, (_, k) => (k % 2 ? -1 : 1) * INV_FACT[2 * k]));
  f.set(tmp.e);
  // q = (n + 1 for cos) mod 4: swap sin and cos where q is odd, negate where q ≥ 2
  f.get(tmp.n);
  if (cos) f64x2Const(f, 1).simd(S.add);
  f.set(tmp.big);
  f.get(tmp.big).get(tmp.big);
  f64x2Const(f, 0.25).simd(S.mul).simd(0x75); // floor(q/4)
  f64x2Const(f, 4).simd(S.mul).simd(S.sub).set(tmp.big); // q mod 4
  // bitselect(c, s, odd)
  f.get(tmp.e).get(tmp.a).get(tmp.big);
  f64x2Const(f, 1).simd(0x47); // f64x2.eq
  f.get(tmp.big);
  f64x2Const(f, 3).simd(0x47).simd(S.or).simd(S.bitselect);
  // ^ (sign bit where q ≥ 2)
  f.get(tmp.big);
  f64x2Const(f, 2).simd(S.f64x2Ge);
  constBits(f, 0x80000000, 0);
  f.simd(S.and).simd(0x51); // v128.xor
  // sin(±0) = ±0 (the reduction's x − n·π/2 turns −0 into +0)
  if (!cos) {
    f.set(tmp.t).get(x).get(tmp.t).get(x);
    f64x2Const(f, 0).simd(0x47).simd(S.bitselect);
  }
}

/** Beyond this |x|, sin and cos reduce with Math.sin/Math.cos (per lane). */
export const TRIG_LIMIT = 823549.6;

/**
 * The reduction exp and tanh share, for y in local `t`: n = nearest(y·log₂e) into `n`,
 * r = (y − n·ln2hi) − n·ln2lo (Cody–Waite, fdlibm's constants; |r| ≤ 0.35) into `r`.
 */
function reduceLn2(f: Code, tmp: { n: number; r: number; t: number }): void {
  f.get(tmp.t);
  f64x2Const(f, 1.4426950408889634).simd(S.mul).simd(S.nearest).set(tmp.n);
  f.get(tmp.t).get(tmp.n);
  f64x2Const(f, 6.93147180369123816490e-1).simd(S.mul).simd(S.sub);
  f.get(tmp.n);
  f64x2Const(f, 1.90821492927058770002e-10).simd(S.mul).simd(S.sub).set(tmp.r);
}

/** 2ⁿ for the integer-valued float64 lanes of local `n`, on the stack: the bits of n + 2⁵² + 1023 shifted left by 52. */
function pow2(f: Code, n: number): void {
  f.get(n);
  f64x2Const(f, 4503599627370496 + 1023).simd(S.add);
  f.i32(52).simd(S.i64x2Shl);
}

/** e^x for x in local `x` (f64x2); the result on the stack. Needs 3 scratch v128 locals. */
export function emitExp(f: Code, x: number, tmp: { n: number; r: number; t: number }): void {
  // clamp, reduce, p(r) = Σ_{k≤13} r^k/k!, then · 2ⁿ
  f.get(x);
  f64x2Const(f, 89).simd(S.min);
  f64x2Const(f, -104).simd(S.max).set(tmp.t);
  reduceLn2(f, tmp);
  taylor(f, tmp.r, 0, 13);
  pow2(f, tmp.n);
  f.simd(S.mul);
}

/**
 * tanh(x) for x in local `x`; the result on the stack. One path for every x: with a = |x| and
 * y = 2a (at most 40, where tanh is 1 in float64), e = expm1(y) = 2ⁿ·p + (2ⁿ − 1) with
 * p = expm1(r) by its Taylor series to r¹³ (n = 0 for small a: e = p, no cancellation), then
 * tanh a = e/(e + 2), and the sign of x put back (tanh(−0) = −0).
 */
export function emitTanh(f: Code, x: number, tmp: { a: number; e: number; n: number; r: number; t: number; big: number }): void {
  f.get(x).simd(S.abs).set(tmp.a);
  f.get(tmp.a).get(tmp.a).simd(S.add);
  f64x2Const(f, 40).simd(S.min).set(tmp.t);
  reduceLn2(f, tmp);
  // s = 2ⁿ; e = s·p + (s − 1)
  pow2(f, tmp.n);
  f.set(tmp.big);
  taylor(f, tmp.r, 1, 13);
  f.get(tmp.big).simd(S.mul);
  f.get(tmp.big);
  f64x2Const(f, 1).simd(S.sub).simd(S.add).set(tmp.e);
  // e/(e + 2), with x's sign
  f.get(tmp.e).get(tmp.e);
  f64x2Const(f, 2).simd(S.add).simd(S.div);
  f.get(x);
  constBits(f, 0x80000000, 0);
  f.simd(S.and).simd(S.or);
}

/** The scratch locals emitExp / emitTanh use. */
export function vmathLocals(f: Code) {
  return { a: f.local(V128), e: f.local(V128), n: f.local(V128), r: f.local(V128), t: f.local(V128), big: f.local(V128) };
}

export const F64X2 = S;
