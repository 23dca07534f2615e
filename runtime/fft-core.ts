// The numbers behind jnp.fft (runtime/numpy/fft.ts). Every transform runs in float64 (radix-2 Cooley-Tukey for powers of
// two, Bluestein's chirp-z through a power-of-two FFT for other lengths) and rounds once to the
// parts' dtype: float64 for float64 input (JAX's complex128), float32 for the rest (complex64;
// JAX has no half-precision complex, so float16 input gives float32 parts).
//
// The transformer sees three linear primitives over a packed complex Array (real and imaginary
// parts stacked on a last axis of 2: `cpack`): `dft` (complex ↔ complex, over some axes), `rdft`
// (real → the non-negative frequencies) and `irdft` (those frequencies → real). rdft and irdft
// with the same spec are each other's adjoint, and dft's adjoint is dft the other way; the
// public functions are these with a spec each (transformer/rules/fft.ts lowers them the same way).
// (Kept out of runtime/numpy/ so that jnp.fft holds numpy's names only.)

import { NDArray } from "./array.js";
import type { ArrayLike } from "./array.js";
import { fmtShape, sizeOf } from "./shape.js";
import { asArray, astype } from "./numpy/creation.js";
import { roll } from "./numpy/arrange.js";
import type { DType } from "./dtype.js";

/** A complex array as two float Arrays of one shape and dtype (float32 or float64), `real + i·imag`. */
export type ComplexPair = {
  real: NDArray;
  imag: NDArray;
};

// ---- one-dimensional transforms, in place, unscaled (sign −1 forward, +1 inverse) -------------

/** cos and sin of 2πk/n for k < n/2 (n a power of two). */
const twiddles = new Map<number, { c: Float64Array; s: Float64Array }>();
function twiddle(n: number): { c: Float64Array; s: Float64Array } {
  let t = twiddles.get(n);
  if (!t) {
    const h = n >> 1;
    t = { c: new Float64Array(h), s: new Float64Array(h) };
    for (let k = 0; k < h; k++) {
      t.c[k] = Math.cos((2 * Math.PI * k) / n);
      t.s[k] = Math.sin((2 * Math.PI * k) / n);
    }
    twiddles.set(n, t);
  }
  return t;
}

/** Iterative radix-2 Cooley-Tukey (n a power of two). */
function fftPow2(re: Float64Array, im: Float64Array, n: number, inverse: boolean): void {
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  const { c, s } = twiddle(n);
  const sg = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1, step = n / len;
    for (let i = 0; i < n; i += len)
      for (let k = 0; k < half; k++) {
        const wr = c[k * step], wi = sg * s[k * step];
        const a = i + k, b = a + half;
        const xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
  }
}

/** Bluestein's chirp (w_k = e^{∓iπk²/n}) and the transform of its conjugate, per length and direction. */
const chirps = new Map<string, { m: number; wr: Float64Array; wi: Float64Array; br: Float64Array; bi: Float64Array }>();
function chirp(n: number, inverse: boolean) {
  const key = `${n}${inverse ? "i" : "f"}`;
  let ch = chirps.get(key);
  if (!ch) {
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    const wr = new Float64Array(n), wi = new Float64Array(n);
    const sg = inverse ? 1 : -1;
    for (let k = 0; k < n; k++) {
      // (k² mod 2n keeps the angle small, so it stays exact for large k)
      const a = (Math.PI * ((k * k) % (2 * n))) / n;
      wr[k] = Math.cos(a);
      wi[k] = sg * Math.sin(a);
    }
    const br = new Float64Array(m), bi = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      br[k] = wr[k];
      bi[k] = -wi[k];
      if (k > 0) {
        br[m - k] = wr[k];
        bi[m - k] = -wi[k];
      }
    }
    fftPow2(br, bi, m, false);
    ch = { m, wr, wi, br, bi };
    chirps.set(key, ch);
  }
  return ch;
}

/** Any length: X_k = w_k · Σ_j (x_j w_j) conj(w_{k−j}), the convolution by power-of-two FFTs. */
function bluestein(re: Float64Array, im: Float64Array, n: number, inverse: boolean): void {
  const { m, wr, wi, br, bi } = chirp(n, inverse);
  const ar = new Float64Array(m), ai = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    ar[k] = re[k] * wr[k] - im[k] * wi[k];
    ai[k] = re[k] * wi[k] + im[k] * wr[k];
  }
  fftPow2(ar, ai, m, false);
  for (let k = 0; k < m; k++) {
    const r = ar[k] * br[k] - ai[k] * bi[k];
    ai[k] = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = r;
  }
  fftPow2(ar, ai, m, true);
  for (let k = 0; k < n; k++) {
    const r = ar[k] / m, i = ai[k] / m;
    re[k] = r * wr[k] - i * wi[k];
    im[k] = r * wi[k] + i * wr[k];
  }
}

function dft1(re: Float64Array, im: Float64Array, n: number, inverse: boolean): void {
  if (n <= 1) return;
  if ((n & (n - 1)) === 0) fftPow2(re, im, n, inverse);
  else bluestein(re, im, n, inverse);
}

// ---- complex values of any shape, in float64 ------------------------------------------------

/** A complex array being transformed: float64 parts, row-major, of `shape`; `dt` the dtype of the parts it rounds to. */
export interface C64 {
  re: Float64Array;
  im: Float64Array;
  shape: number[];
  dt: DType;
}

/** The lines along `axis`: outer count, length, inner stride. */
const lines = (shape: readonly number[], axis: number) => ({ outer: sizeOf(shape.slice(0, axis)), n: shape[axis], inner: sizeOf(shape.slice(axis + 1)) });

/** z transformed along one axis, in place. */
function alongAxis(z: C64, axis: number, inverse: boolean, scale: number): void {
  const { outer, n, inner } = lines(z.shape, axis);
  const lr = new Float64Array(n), li = new Float64Array(n);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let k = 0; k < n; k++) {
        lr[k] = z.re[base + k * inner];
        li[k] = z.im[base + k * inner];
      }
      dft1(lr, li, n, inverse);
      for (let k = 0; k < n; k++) {
        z.re[base + k * inner] = lr[k] * scale;
        z.im[base + k * inner] = li[k] * scale;
      }
    }
}

/** The weight of frequency k of m (real length n) in a Hermitian sum: the edges once, the rest twice. */
const herm = (k: number, n: number) => (k === 0 || 2 * k === n ? 1 : 2);

/**
 * How a transform runs. `fn` names the public function (for errors). dft: `axes` (null: every axis
 * from `lead` on but the last `trail`), `inverse`; rdft/irdft: `axis`, `conj` (the complex side
 * conjugated), `doubled` (non-edge frequencies weighted 2: irfft's Hermitian sum); both:
 * `scaled` (divided by the transformed length).
 */
export interface FftSpec {
  readonly fn: string;
  readonly axes?: readonly number[] | null;
  readonly axis?: number;
  readonly lead?: number;
  readonly trail?: number;
  readonly inverse?: boolean;
  readonly scaled?: boolean;
  readonly doubled?: boolean;
  readonly conj?: boolean;
}

export const fail = (fn: string, msg: string): never => {
  throw new TypeError(`jnp.fft.${fn}: ${msg}`);
};
export function normAxisOf(fn: string, axis: number, shape: readonly number[], what: string): number {
  const nd = shape.length;
  if (!Number.isInteger(axis) || axis < -nd || axis >= nd) fail(fn, `axis ${axis} is out of bounds for ${what} of shape ${fmtShape(shape)}`);
  return axis < 0 ? axis + nd : axis;
}
/** The axes a dft spec names, normalised, in order. */
export function axesOf(spec: FftSpec, shape: readonly number[], what: string): number[] {
  if (spec.axes === null || spec.axes === undefined) {
    const lead = spec.lead ?? 0, trail = spec.trail ?? 0;
    return Array.from({ length: Math.max(0, shape.length - lead - trail) }, (_, i) => lead + i);
  }
  const out = spec.axes.map((a) => normAxisOf(spec.fn, a, shape, what));
  if (new Set(out).size !== out.length) fail(spec.fn, `repeated axis in axes ${JSON.stringify(spec.axes)}`);
  return out;
}

/** The dtype of complex parts from an input of dtype d: float64 stays, the rest float32 (complex64). */
const partDType = (d: DType): DType => (d === "float64" ? "float64" : "float32");
const f32 = (a: ArrayLike, fn: string, arg: string): NDArray => {
  const x = asArray(a, `jnp.fft.${fn}`);
  if (!(x instanceof NDArray)) fail(fn, `${arg} must be an Array`);
  return astype(x, partDType(x.dtype));
};
const store = (v: Float64Array, dt: DType): Float32Array | Float64Array => (dt === "float64" ? v : Float32Array.from(v));

/** A ComplexPair as float64 parts (checked: two Arrays of one shape). */
export function fromPair(fn: string, a: ComplexPair): C64 {
  if (!a || typeof a !== "object" || a.real === undefined || a.imag === undefined) fail(fn, "a must be a ComplexPair { real, imag }");
  const re = f32(a.real, fn, "a.real"), im = f32(a.imag, fn, "a.imag");
  if (re.shape.length !== im.shape.length || re.shape.some((d, i) => d !== im.shape[i]))
    fail(fn, `a.real has shape ${fmtShape(re.shape)} but a.imag has shape ${fmtShape(im.shape)}; they must be the same`);
  const dt = re.dtype === "float64" || im.dtype === "float64" ? "float64" : "float32";
  return { re: Float64Array.from(re.data as Float32Array), im: Float64Array.from(im.data as Float32Array), shape: [...re.shape], dt };
}
export const toPair = (z: C64): ComplexPair => ({ real: new NDArray(store(z.re, z.dt), z.shape, z.dt), imag: new NDArray(store(z.im, z.dt), z.shape, z.dt) });

/** A packed complex Array (last axis: real, imaginary) as float64 parts. */
function unpack(p: NDArray, fn: string): C64 {
  const x = f32(p, fn, "a");
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== 2) fail(fn, `a packed complex value has a last axis of 2, got shape ${fmtShape(x.shape)}`);
  const n = x.size / 2;
  const re = new Float64Array(n), im = new Float64Array(n);
  const d = x.data as Float32Array;
  for (let i = 0; i < n; i++) {
    re[i] = d[2 * i];
    im[i] = d[2 * i + 1];
  }
  return { re, im, shape: x.shape.slice(0, -1), dt: x.dtype };
}
function pack(z: C64): NDArray {
  const n = z.re.length;
  const out = z.dt === "float64" ? new Float64Array(2 * n) : new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = z.re[i];
    out[2 * i + 1] = z.im[i];
  }
  return new NDArray(out, [...z.shape, 2], z.dt);
}

// ---- the three transforms, on float64 values ------------------------------------------------

export function dftC(z: C64, spec: FftSpec, what: string): C64 {
  const axes = axesOf(spec, z.shape, what);
  for (const ax of axes) alongAxis(z, ax, !!spec.inverse, spec.scaled ? 1 / z.shape[ax] : 1);
  return z;
}

/** Real x (length n on the axis) → frequencies 0..n/2: s·w_k·Σ_j x_j e^{−2πijk/n}, conjugated if asked. */
export function rdftC(x: C64, spec: FftSpec, what: string): C64 {
  const ax = normAxisOf(spec.fn, spec.axis ?? -1, x.shape, what);
  const { outer, n, inner } = lines(x.shape, ax);
  if (n < 1) fail(spec.fn, `the transformed axis of ${what} is empty (shape ${fmtShape(x.shape)})`);
  const m = (n >> 1) + 1;
  const shape = x.shape.map((d, i) => (i === ax ? m : d));
  const re = new Float64Array(sizeOf(shape)), im = new Float64Array(re.length);
  const lr = new Float64Array(n), li = new Float64Array(n);
  const s = spec.scaled ? 1 / n : 1, sg = spec.conj ? -1 : 1;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      for (let k = 0; k < n; k++) {
        lr[k] = x.re[(o * n + k) * inner + i];
        li[k] = 0;
      }
      dft1(lr, li, n, false);
      for (let k = 0; k < m; k++) {
        const w = s * (spec.doubled ? herm(k, n) : 1);
        re[(o * m + k) * inner + i] = w * lr[k];
        im[(o * m + k) * inner + i] = sg * w * li[k];
      }
    }
  return { re, im, shape, dt: x.dt };
}

/** Frequencies 0..m−1 → real length n: s·Σ_k w_k·Re(c_k e^{+2πijk/n}) (irfft's sum when doubled). */
export function irdftC(c: C64, n: number, spec: FftSpec, ax: number): C64 {
  const { outer, n: m, inner } = lines(c.shape, ax);
  const shape = c.shape.map((d, i) => (i === ax ? n : d));
  const re = new Float64Array(sizeOf(shape));
  const lr = new Float64Array(n), li = new Float64Array(n);
  const s = spec.scaled ? 1 / n : 1, sg = spec.conj ? -1 : 1;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      lr.fill(0);
      li.fill(0);
      for (let k = 0; k < Math.min(m, n); k++) {
        const w = spec.doubled ? herm(k, n) : 1;
        lr[k] = w * c.re[(o * m + k) * inner + i];
        li[k] = sg * w * c.im[(o * m + k) * inner + i];
      }
      dft1(lr, li, n, true);
      for (let j = 0; j < n; j++) re[(o * n + j) * inner + i] = s * lr[j];
    }
  return { re, im: new Float64Array(re.length), shape, dt: c.dt };
}

/** irfft's output length along the axis: 2(m − 1) for m packed frequencies. */
export function hermLength(fn: string, c: C64, ax: number): number {
  const m = c.shape[ax];
  if (m < 2) fail(fn, `the packed spectrum needs at least 2 frequencies along axis ${ax}, got shape ${fmtShape(c.shape)}`);
  return 2 * (m - 1);
}

export const realOf = (z: C64): NDArray => new NDArray(store(z.re, z.dt), z.shape, z.dt);
export const realC64 = (fn: string, a: ArrayLike): C64 => {
  const x = f32(a, fn, "a");
  return { re: Float64Array.from(x.data as Float32Array), im: new Float64Array(x.size), shape: [...x.shape], dt: x.dtype };
};

// ---- the primitives generated code calls (transformer/prims/fft.ts) --------------------------

/** real and imag stacked on a last axis of 2 (checked to have one shape). */
export function cpack(re: ArrayLike, im: ArrayLike, fn: string): NDArray {
  return pack(fromPair(fn, { real: asArray(re), imag: asArray(im) }));
}
/** dft of a packed complex Array. */
export function dft(p: NDArray, spec: FftSpec): NDArray {
  return pack(dftC(unpack(p, spec.fn), spec, "a"));
}
/** rdft of a real Array: the packed non-negative frequencies. */
export function rdft(x: NDArray, spec: FftSpec): NDArray {
  return pack(rdftC(realC64(spec.fn, x), spec, "a"));
}
/** irdft of packed frequencies: real, of `like`'s length on the axis (null: 2(m − 1)). */
export function irdft(p: NDArray, like: ArrayLike | null | undefined, spec: FftSpec): NDArray {
  const c = unpack(p, spec.fn);
  const ax = normAxisOf(spec.fn, spec.axis ?? -1, c.shape, "a");
  let n: number;
  if (like === null || like === undefined) n = hermLength(spec.fn, c, ax);
  else {
    const l = asArray(like);
    n = l.shape[ax];
    if (l.ndim !== c.shape.length || c.shape[ax] !== (n >> 1) + 1) fail(spec.fn, `frequencies of shape ${fmtShape(c.shape)} do not belong to a real array of shape ${fmtShape(l.shape)}`);
  }
  return realOf(irdftC(c, n, spec, ax));
}
/** fftshift (or ifftshift when inverse) over spec.axes (null: every axis from `lead` on). */
export function fftRoll(a: ArrayLike, spec: FftSpec): NDArray {
  let x = asArray(a, `jnp.fft.${spec.fn}`);
  if (!(x instanceof NDArray)) fail(spec.fn, "a must be an Array");
  // (a roll keeps the dtype, as numpy's and JAX's; the rolls are numpy's own definition: half the length, rounded down, forward or back)
  for (const ax of axesOf(spec, x.shape, "a")) x = roll(x, (spec.inverse ? -1 : 1) * Math.floor(x.shape[ax] / 2), ax);
  return x;
}

