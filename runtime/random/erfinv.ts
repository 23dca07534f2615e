// float32 erf_inv exactly as XLA evaluates it (StableHLO's `erfInv32`, Giles 2010), one float32
// operation at a time, for jax.random.normal. SPEC §5a.

const fr = Math.fround;

// Giles' single-precision erf_inv coefficients (XLA/StableHLO erfInv32), highest degree first.
export const ERFINV_SMALL = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164,
  0.246640727, 1.50140941,
].map(fr);
export const ERFINV_LARGE = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
  1.00167406, 2.83297682,
].map(fr);
export const SQRT2_F32 = fr(Math.SQRT2); // 0x3FB504F3
export const NORMAL_LO = -0.99999994039535522; // nextafter(-1, 0) in float32, bits 0xBF7FFFFF

/** float32 erf_inv as XLA lowers it (SPEC §5a): every step is one float32 operation, no FMA. */
export function erfInvF32(x: number): number {
  x = fr(x);
  let w = -fr(Math.log1p(fr(x * -x)));
  let c: number[];
  if (w < 5) {
    w = fr(w - 2.5);
    c = ERFINV_SMALL;
  } else {
    w = fr(fr(Math.sqrt(w)) - 3);
    c = ERFINV_LARGE;
  }
  let p = c[0];
  for (let i = 1; i < 9; i++) p = fr(c[i] + fr(p * w));
  return Math.abs(x) === 1 ? x * Infinity : fr(p * x);
}

/**
 * erf in float64 (a few ulps): its Taylor series below |x| = 3, 1 − erfc by its continued
 * fraction above (erfc(x) < 2.3e-5 there). For truncatedNormal's bounds.
 */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  if (a < 3) {
    // 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = a, sum = a;
    for (let n = 1; n < 80; n++) {
      term *= (-a * a) / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * sum * (2 / Math.sqrt(Math.PI));
  }
  // erfc(a) = exp(−a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …)))), evaluated bottom up
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f);
}
