// Threefry-2x32 (20 rounds), the block cipher behind JAX's default PRNG, and the counter-mode
// kernels built on it. Pure uint32 arithmetic on typed arrays; no NDArray here.
//
// Spec: reference/prng/SPEC.md §1 and §3 (JAX >= 0.5 "partitionable" scheme, plus the legacy
// scheme for comparison). Integers are kept in int32 form inside the loops (`| 0`), which is
// the same 32-bit pattern; stores into Uint32Array reinterpret them as unsigned.

const PARITY = 0x1bd11bda;

/**
 * One Threefry-2x32/20 block: key (k0, k1), counter (x0, x1) -> [y0, y1] as uint32 numbers.
 * The bulk kernels below inline the same rounds; this one is for single blocks and tests.
 */
export function threefry2x32(k0: number, k1: number, x0: number, x1: number): [number, number] {
  threefryInto(k0 | 0, k1 | 0, (k0 ^ k1 ^ PARITY) | 0, x0 | 0, x1 | 0, SCRATCH, 0);
  return [SCRATCH[0], SCRATCH[1]];
}

const SCRATCH = new Uint32Array(2);

/** One block written to out[o], out[o+1]. `ks2` is k0 ^ k1 ^ 0x1BD11BDA. */
function threefryInto(k0: number, k1: number, ks2: number, x0: number, x1: number, out: Uint32Array, o: number): void {
  x0 = (x0 + k0) | 0;
  x1 = (x1 + k1) | 0;
  // group 1: rotations 13 15 26 6; inject ks1, ks2 + 1
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + ks2 + 1) | 0;
  // group 2: rotations 17 29 16 24; inject ks2, ks0 + 2
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) | 0; x1 = (x1 + k0 + 2) | 0;
  // group 3: inject ks0, ks1 + 3
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + k0) | 0; x1 = (x1 + k1 + 3) | 0;
  // group 4: inject ks1, ks2 + 4
  x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + ks2 + 4) | 0;
  // group 5: inject ks2, ks0 + 5
  x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks2) | 0; x1 = (x1 + k0 + 5) | 0;
  out[o] = x0;
  out[o + 1] = x1;
}

const TWO32 = 4294967296;

/** The largest element count the counter kernels take (typed arrays cannot be larger anyway). */
export const MAX_COUNT = TWO32 - 1;

/**
 * Partitionable `random_bits` (32-bit): out[i] = y0 ^ y1 of threefry(key, (hi32(i), lo32(i))),
 * i the row-major flat index. Since out.length < 2^32, hi32(i) is always 0.
 */
export function bitsPartitionable(k0: number, k1: number, out: Uint32Array): void {
  const n = out.length;
  k0 |= 0;
  k1 |= 0;
  const ks2 = (k0 ^ k1 ^ PARITY) | 0;
  // The rounds of threefryInto, inlined: about 3x faster than a call per element (~7 ms per 1M).
  for (let i = 0; i < n; i++) {
    let x0 = k0; // hi32(i) + ks0
    let x1 = (i + k1) | 0; // lo32(i) + ks1
    x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
    x0 = (x0 + k1) | 0; x1 = (x1 + ks2 + 1) | 0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
    x0 = (x0 + ks2) | 0; x1 = (x1 + k0 + 2) | 0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
    x0 = (x0 + k0) | 0; x1 = (x1 + k1 + 3) | 0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
    x0 = (x0 + k1) | 0; x1 = (x1 + ks2 + 4) | 0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
    x0 = (x0 + x1) | 0; x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
    x0 = (x0 + ks2) | 0; x1 = (x1 + k0 + 5) | 0;
    out[i] = x0 ^ x1;
  }
}

/**
 * Partitionable `split` into `num` keys: key i = threefry(key, (hi32(i), lo32(i))).
 * Returns the (num, 2) key data, row-major.
 */
export function splitPartitionable(k0: number, k1: number, num: number): Uint32Array {
  const out = new Uint32Array(2 * num);
  k0 |= 0;
  k1 |= 0;
  const ks2 = (k0 ^ k1 ^ PARITY) | 0;
  for (let i = 0; i < num; i++) threefryInto(k0, k1, ks2, 0, i | 0, out, 2 * i);
  return out;
}

/** `fold_in` (both schemes): threefry(key, (0, data mod 2^32)). */
export function foldIn(k0: number, k1: number, data: number): [number, number] {
  return threefry2x32(k0, k1, 0, data >>> 0);
}

/**
 * JAX's flat helper `threefry_2x32(key, count)` (legacy paths; SPEC §1a): pad the counts to even
 * length, hash first half against second half, concatenate (y0, y1), drop the pad.
 */
export function hashFlat(k0: number, k1: number, counts: Uint32Array): Uint32Array {
  const n = counts.length;
  const h = (n + 1) >> 1;
  const out = new Uint32Array(2 * h);
  const ks2 = (k0 ^ k1 ^ PARITY) | 0;
  const s = SCRATCH;
  for (let i = 0; i < h; i++) {
    const x1 = i + h < n ? counts[i + h] : 0;
    threefryInto(k0 | 0, k1 | 0, ks2, counts[i] | 0, x1 | 0, s, 0);
    out[i] = s[0];
    out[i + h] = s[1];
  }
  return n === 2 * h ? out : out.subarray(0, n);
}

/** Legacy (JAX < 0.5) `split`: hash_flat(key, 0..2·num−1) reshaped to (num, 2). */
export function splitLegacy(k0: number, k1: number, num: number): Uint32Array {
  const counts = new Uint32Array(2 * num);
  for (let i = 0; i < counts.length; i++) counts[i] = i;
  return hashFlat(k0, k1, counts).slice();
}

/** Legacy (JAX < 0.5) 32-bit `random_bits` of `size` elements: hash_flat(key, 0..size−1). */
export function bitsLegacy(k0: number, k1: number, size: number): Uint32Array {
  const counts = new Uint32Array(size);
  for (let i = 0; i < size; i++) counts[i] = i;
  return hashFlat(k0, k1, counts).slice();
}
