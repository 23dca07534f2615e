// Float32 helpers shared by the kernel tests (CPU fast math and WebGPU): ulps and fixed random inputs.

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
