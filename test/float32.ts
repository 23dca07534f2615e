// Float32 helpers shared by the kernel tests (CPU fast math, products, convolutions, WebGPU): ulps
// and fixed random inputs.

/** One float32 ulp at v (normal range; the smallest denormal below it). */
export function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  const e = Math.floor(Math.log2(a));
  return 2 ** (Math.fround(a) >= 2 ** (e + 1) ? e - 22 : e - 23);
}

/** n float32 values uniform in [lo, hi) (a fixed LCG: the same values every run). */
export function randoms(n: number, lo: number, hi: number, seed: number): Float32Array {
  const d = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    d[i] = Math.fround(lo + ((hi - lo) * s) / 2 ** 32);
  }
  return d;
}

/** Deterministic float32 values in [-1, 1): xorshift32 from `seed` (as bench/harness.ts's). */
export function xorshift(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}
