// numpy.fft (jnp.fft): complex values as ComplexPair { real, imag } (float Arrays of one shape:
// float32 parts, or float64 for float64 input, JAX's complex64 and complex128), as @jax-js/jax has
// them, with NumPy's semantics (norm "backward": the inverse transforms divide by the length). The
// numbers are runtime/fft-core.ts's (float64, O(n log n) for any length, rounded once); compiled
// code lowers each function onto its primitives (transformer/rules/fft.ts).

import { NDArray } from "../array.js";
import type { ComplexPair, FftSpec } from "../fft-core.js";
import { axesOf, dftC, fail, fftRoll, fromPair, hermLength, irdftC, normAxisOf, rdftC, realC64, realOf, toPair } from "../fft-core.js";

export type { ComplexPair } from "../fft-core.js";

// ---- numpy.fft ---------------------------------------------------------------------------------

const one = (fn: string, axis: number): FftSpec => ({ fn, axes: [axis] });
const list = (axes: readonly number[] | null | undefined): readonly number[] | null => (axes === undefined ? null : axes);

/** The one-dimensional discrete Fourier transform along `axis`. */
export function fft(a: ComplexPair, axis = -1): ComplexPair {
  return toPair(dftC(fromPair("fft", a), one("fft", axis), "a"));
}
/** The inverse of fft (divided by the length). */
export function ifft(a: ComplexPair, axis = -1): ComplexPair {
  return toPair(dftC(fromPair("ifft", a), { ...one("ifft", axis), inverse: true, scaled: true }, "a"));
}
/** The N-dimensional transform over `axes` (null: every axis). */
export function fftn(a: ComplexPair, axes: number[] | null = null): ComplexPair {
  return toPair(dftC(fromPair("fftn", a), { fn: "fftn", axes: list(axes) }, "a"));
}
export function ifftn(a: ComplexPair, axes: number[] | null = null): ComplexPair {
  return toPair(dftC(fromPair("ifftn", a), { fn: "ifftn", axes: list(axes), inverse: true, scaled: true }, "a"));
}
/** The two-dimensional transform (the last two axes by default). */
export function fft2(a: ComplexPair, axes: number[] = [-2, -1]): ComplexPair {
  return toPair(dftC(fromPair("fft2", a), { fn: "fft2", axes }, "a"));
}
export function ifft2(a: ComplexPair, axes: number[] = [-2, -1]): ComplexPair {
  return toPair(dftC(fromPair("ifft2", a), { fn: "ifft2", axes, inverse: true, scaled: true }, "a"));
}

/** The transform of a real array: the non-negative frequencies, n/2 + 1 of them (rounded down). */
export function rfft(a: NDArray, axis = -1): ComplexPair {
  return toPair(rdftC(realC64("rfft", a), { fn: "rfft", axis }, "a"));
}
/** The inverse of rfft: a real array of length 2(m − 1) for m frequencies. */
export function irfft(a: ComplexPair, axis = -1): NDArray {
  const c = fromPair("irfft", a);
  const ax = normAxisOf("irfft", axis, c.shape, "a");
  return realOf(irdftC(c, hermLength("irfft", c, ax), { fn: "irfft", axis, scaled: true, doubled: true }, ax));
}
/** rfft along the last of `axes` (null: every axis), then fft along the others. */
export function rfftn(a: NDArray, axes: number[] | null = null): ComplexPair {
  return rfftnOf("rfftn", a, axes);
}
export function rfft2(a: NDArray, axes: number[] = [-2, -1]): ComplexPair {
  return rfftnOf("rfft2", a, axes);
}
function rfftnOf(fn: string, a: NDArray, axes: readonly number[] | null): ComplexPair {
  const x = realC64(fn, a);
  if (axes !== null && axes.length === 0) return toPair(x);
  const last = axes === null ? -1 : axes[axes.length - 1];
  const rest: FftSpec = axes === null ? { fn, axes: null, trail: 1 } : { fn, axes: axes.slice(0, -1) };
  if (axes !== null) axesOf({ fn, axes }, x.shape, "a");
  return toPair(dftC(rdftC(x, { fn, axis: last }, "a"), rest, "a"));
}
/** The inverse of rfftn: ifft along all but the last of `axes`, then irfft along it. */
export function irfftn(a: ComplexPair, axes: number[] | null = null): NDArray {
  return irfftnOf("irfftn", a, axes);
}
export function irfft2(a: ComplexPair, axes: number[] = [-2, -1]): NDArray {
  return irfftnOf("irfft2", a, axes);
}
function irfftnOf(fn: string, a: ComplexPair, axes: readonly number[] | null): NDArray {
  const c = fromPair(fn, a);
  if (axes !== null && axes.length === 0) return realOf(c);
  if (axes !== null) axesOf({ fn, axes }, c.shape, "a");
  const last = normAxisOf(fn, axes === null ? -1 : axes[axes.length - 1], c.shape, "a");
  const rest: FftSpec = axes === null ? { fn, axes: null, trail: 1, inverse: true, scaled: true } : { fn, axes: axes.slice(0, -1), inverse: true, scaled: true };
  const z = dftC(c, rest, "a");
  return realOf(irdftC(z, hermLength(fn, z, last), { fn, axis: last, scaled: true, doubled: true }, last));
}
/** The transform of a Hermitian-symmetric signal given by its first half: real, length 2(m − 1). */
export function hfft(a: ComplexPair, axis = -1): NDArray {
  const c = fromPair("hfft", a);
  const ax = normAxisOf("hfft", axis, c.shape, "a");
  return realOf(irdftC(c, hermLength("hfft", c, ax), { fn: "hfft", axis, doubled: true, conj: true }, ax));
}
/** The inverse of hfft: conj(rfft(a)) / n. */
export function ihfft(a: NDArray, axis = -1): ComplexPair {
  return toPair(rdftC(realC64("ihfft", a), { fn: "ihfft", axis, scaled: true, conj: true }, "a"));
}

function checkFreq(fn: string, n: number, d: number): void {
  if (!Number.isInteger(n) || n < 1) fail(fn, `n must be a positive integer, got ${n}`);
  if (!Number.isFinite(d) || d === 0) fail(fn, `d must be a finite non-zero number, got ${d}`);
}
/** The sample frequencies of an n-point transform with sample spacing d: [0, 1, …, −1] / (n·d). */
export function fftfreq(n: number, d = 1): NDArray {
  checkFreq("fftfreq", n, d);
  const val = 1 / (n * d);
  const out = new Float32Array(n);
  const pos = Math.floor((n - 1) / 2) + 1;
  for (let i = 0; i < n; i++) out[i] = (i < pos ? i : i - n) * val;
  return new NDArray(out, [n], "float32");
}
/** The non-negative sample frequencies (rfft's): [0, 1, …, n/2] / (n·d). */
export function rfftfreq(n: number, d = 1): NDArray {
  checkFreq("rfftfreq", n, d);
  const val = 1 / (n * d);
  const m = Math.floor(n / 2) + 1;
  const out = new Float32Array(m);
  for (let i = 0; i < m; i++) out[i] = i * val;
  return new NDArray(out, [m], "float32");
}

const shiftAxes = (axes: number | readonly number[] | null | undefined): readonly number[] | null => (axes === null || axes === undefined ? null : typeof axes === "number" ? [axes] : axes);
/** The zero frequency moved to the centre: a roll by half the length along `axes` (null: all). */
export function fftshift(a: NDArray, axes: number | number[] | null = null): NDArray {
  return fftRoll(a, { fn: "fftshift", axes: shiftAxes(axes) });
}
/** The inverse of fftshift (they differ for odd lengths). */
export function ifftshift(a: NDArray, axes: number | number[] | null = null): NDArray {
  return fftRoll(a, { fn: "ifftshift", axes: shiftAxes(axes), inverse: true });
}
