// jax.random for tsjax: typed threefry2x32 keys and JAX's samplers, float32, x64 off.
//
// Algorithms follow JAX >= 0.5 with its default `jax_threefry_partitionable=True`
// (reference/prng/SPEC.md; test/fixtures/prng_vectors.json holds the known answers):
//   * key / split / foldIn / bits / uniform are bit-exact with JAX;
//   * normal is sqrt(2)·erf_inv(u) with XLA's float32 erf_inv evaluated one float32 operation at a
//     time; it equals the spec reference bit for bit (JAX's own CPU kernels may differ by an ulp);
//   * bernoulli, randint, permutation, choice, categorical and gumbel transcribe the algorithms of
//     jax/_src/random.py (two-word randint, sort-based shuffles, cumsum/searchsorted choice,
//     Gumbel-max categorical); see each function for what is exact and what rests on libm.
//
// Every array loop here works on typed arrays in place; threefry itself is in ./threefry.ts.

import { NDArray } from "../array.js";
import type { TypedArray } from "../dtype.js";
import { alloc } from "../dtype.js";
import { fmtShape, sizeOf } from "../shape.js";
import * as tf from "./threefry.js";
import { erf64, erfInvF32, NORMAL_LO, SQRT2_F32 } from "./erfinv.js";
import { distinctCategories } from "./categorical-distinct.js";

/** A shape argument: one dimension or a list of them. */
export type ShapeArg = number | readonly number[];
/** What the samplers take as a key: a typed key, or raw uint32 key data of shape (..., 2). */
export type KeyLike = PRNGKeyArray | NDArray;

const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const fr = Math.fround;

// ---------------------------------------------------------------------------------------------
// The key type
// ---------------------------------------------------------------------------------------------

/**
 * An array of threefry2x32 PRNG keys, JAX's typed key array (`dtype=key<fry>`).
 *
 * `shape` is the batch shape: `random.key(0)` has shape `[]`, `random.split(k, 3)` has `[3]`.
 * Key arrays destructure along their first axis (`const [a, b] = random.split(k)`), index with
 * `.at(i)`, and print like JAX: `Array((), dtype=key<fry>) overlaying:\n[   0 1701]`.
 * `random.keyData(k)` gives the uint32 words, of shape `[...k.shape, 2]`.
 */
export class PRNGKeyArray {
  /** @internal The uint32 key data, row-major, shape `[...shape, 2]`. Never mutated. */
  readonly _data: Uint32Array;
  /** The batch shape (without the trailing 2 words of each key). */
  readonly shape: number[];

  /** Internal: users make keys with `random.key(seed)` or `random.wrapKeyData(data)`. */
  constructor(data: Uint32Array, shape: readonly number[]) {
    if (data.length !== 2 * sizeOf(shape))
      throw new Error(`internal: key data of ${data.length} words for key shape ${fmtShape(shape)}`);
    this._data = data;
    this.shape = [...shape];
  }

  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return this._data.length >> 1;
  }
  /** JAX's name for the threefry2x32 key dtype. */
  get dtype(): "key<fry>" {
    return "key<fry>";
  }

  /** Key (or sub-array of keys) `i` along the first axis; negative `i` counts from the end. */
  at(i: number): PRNGKeyArray {
    if (this.ndim === 0) throw new TypeError("PRNGKeyArray.at: cannot index a single key (shape ())");
    const n = this.shape[0];
    if (!Number.isInteger(i) || i < -n || i >= n)
      throw new RangeError(`PRNGKeyArray.at: index ${i} is out of bounds for axis 0 with size ${n}`);
    if (i < 0) i += n;
    const rest = this.shape.slice(1);
    const w = 2 * sizeOf(rest);
    return new PRNGKeyArray(this._data.subarray(i * w, (i + 1) * w), rest);
  }

  /** Iterates over the first axis, so `const [k1, k2, k3] = random.split(key, 3)` works. */
  *[Symbol.iterator](): Iterator<PRNGKeyArray> {
    if (this.ndim === 0) throw new TypeError("iteration over a single PRNG key (shape ()); split it first");
    for (let i = 0; i < this.shape[0]; i++) yield this.at(i);
  }

  /** JAX's repr: `Array((3,), dtype=key<fry>) overlaying:` and the key data below it. */
  toString(): string {
    return `Array(${fmtShape(this.shape)}, dtype=key<fry>) overlaying:\n${fmtIntArray(this._data, [...this.shape, 2])}`;
  }
  [INSPECT](): string {
    return this.toString();
  }
  get [Symbol.toStringTag](): string {
    return "PRNGKeyArray";
  }
}

/** True for a typed key array made by this module. */
export function isKey(x: unknown): x is PRNGKeyArray {
  return x instanceof PRNGKeyArray;
}

// ---------------------------------------------------------------------------------------------
// Argument checking
// ---------------------------------------------------------------------------------------------

/** Names a value in an error message: `number 3`, `undefined`, `a float32 array of shape (2,)`. */
function describe(x: unknown): string {
  if (x === undefined) return "undefined";
  if (x === null) return "null";
  if (x instanceof NDArray) return `a ${x.dtype} array of shape ${fmtShape(x.shape)}`;
  if (x instanceof PRNGKeyArray) return `a key array of shape ${fmtShape(x.shape)}`;
  switch (typeof x) {
    case "number":
    case "boolean":
      return `${typeof x} ${String(x)}`;
    case "bigint":
      return `bigint ${String(x)}n`;
    case "string":
      return `string ${JSON.stringify(x)}`;
    case "function":
      return "a function";
    case "symbol":
      return `symbol ${String(x)}`;
  }
  if (Array.isArray(x)) return `a JS array of length ${x.length}`;
  const proto = Object.getPrototypeOf(x);
  const name = proto?.constructor?.name;
  return proto === Object.prototype || proto === null || !name ? "a plain object" : `an instance of ${name}`;
}

interface Keys {
  data: Uint32Array;
  shape: number[];
  /** The caller passed raw uint32 key data (JAX's legacy keys): results are returned raw too. */
  raw: boolean;
}

/** Accepts a typed key array or raw uint32 key data of shape (..., 2); throws a TypeError otherwise. */
function checkKeys(op: string, key: unknown): Keys {
  if (key instanceof PRNGKeyArray) return { data: key._data, shape: key.shape, raw: false };
  if (key instanceof NDArray) {
    const s = key.shape;
    if (key.dtype === "uint32" && s.length >= 1 && s[s.length - 1] === 2)
      return { data: key.data as Uint32Array, shape: s.slice(0, -1), raw: true };
    throw new TypeError(
      `${op}: expected a PRNG key from random.key(), got ${describe(key)} ` +
        `(raw key data must be a uint32 array whose last axis has size 2)`,
    );
  }
  throw new TypeError(`${op}: expected a PRNG key from random.key(), got ${describe(key)}`);
}

/** A single key (shape ()), as its two words. */
function checkKey(op: string, key: unknown): { k0: number; k1: number; raw: boolean } {
  const k = checkKeys(op, key);
  if (k.shape.length !== 0)
    throw new TypeError(
      `${op}: expected a single key, got a key array of shape ${fmtShape(k.shape)}; ` +
        `pick one with keys.at(i), or destructure: const [k1, k2] = keys`,
    );
  return { k0: k.data[0], k1: k.data[1], raw: k.raw };
}

/** Normalises a shape argument (a dimension or a list of them) to a fresh number[]. */
function checkShape(op: string, shape: unknown, what = "shape"): number[] {
  const ok = (d: unknown): d is number => typeof d === "number" && Number.isInteger(d) && d >= 0;
  let out: number[];
  if (typeof shape === "number" && ok(shape)) out = [shape];
  else if (Array.isArray(shape) && shape.every(ok)) out = [...shape];
  else {
    const shown = Array.isArray(shape)
      ? `[${shape.map((d) => (typeof d === "number" ? String(d) : describe(d))).join(", ")}]`
      : describe(shape);
    throw new TypeError(`${op}: ${what} must be a non-negative integer or an array of them, got ${shown}`);
  }
  if (sizeOf(out) > tf.MAX_COUNT)
    throw new TypeError(`${op}: shape ${fmtShape(out)} has more than 2^32 - 1 elements`);
  return out;
}

function checkOpts(op: string, opts: unknown): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts) || opts instanceof NDArray)
    throw new TypeError(`${op}: options must be an object, got ${describe(opts)}`);
  return opts as Record<string, unknown>;
}

function checkFloatDType(op: string, dtype: unknown): void {
  if (dtype !== undefined && dtype !== "float32")
    throw new TypeError(`${op}: dtype must be a float dtype ("float32"), got ${describe(dtype)}`);
}

function checkAxis(op: string, axis: unknown, ndim: number, shape: readonly number[]): number {
  if (typeof axis !== "number" || !Number.isInteger(axis) || axis < -ndim || axis >= ndim)
    throw new TypeError(`${op}: axis ${describe(axis)} is out of bounds for an array of shape ${fmtShape(shape)}`);
  return axis < 0 ? axis + ndim : axis;
}

/** An integer argument taken modulo 2^32 (fold_in data, seeds): a JS integer or a 0-d int array. */
function uint32Arg(op: string, what: string, x: unknown): number {
  if (typeof x === "number") {
    if (!Number.isInteger(x)) throw new TypeError(`${op}: ${what} must be an integer, got ${describe(x)}`);
    return x >>> 0; // ToUint32 is exact modular reduction for every finite integer
  }
  if (typeof x === "bigint") return Number(BigInt.asUintN(32, x));
  if (x instanceof NDArray && x.ndim === 0 && (x.dtype === "int32" || x.dtype === "uint32")) return x.data[0] >>> 0;
  throw new TypeError(`${op}: ${what} must be an integer (a number or a 0-d int32/uint32 array), got ${describe(x)}`);
}

/** A float parameter (minval, p, ...) broadcast against `shape`: a scalar or per-element values. */
interface Param {
  scalar: number;
  /** When not null: the value for output element i is data[idx ? idx[i] : i]. */
  data: ArrayLike<number> | null;
  idx: Int32Array | null;
  shape: number[];
}

/** Value of `x` (a number or an NDArray) broadcast to `shape`, as JAX's `_check_shape` requires. */
function broadcastParam(op: string, name: string, x: unknown, shape: readonly number[]): Param {
  if (typeof x === "number") return { scalar: x, data: null, idx: null, shape: [] };
  if (typeof x === "boolean") return { scalar: x ? 1 : 0, data: null, idx: null, shape: [] };
  if (!(x instanceof NDArray))
    throw new TypeError(`${op}: ${name} must be a number or an array, got ${describe(x)}`);
  const ps = x.shape;
  let ok = ps.length <= shape.length;
  for (let i = 0; ok && i < ps.length; i++) {
    const d = ps[ps.length - 1 - i];
    if (d !== 1 && d !== shape[shape.length - 1 - i]) ok = false;
  }
  if (!ok)
    throw new TypeError(
      `${op}: ${name} of shape ${fmtShape(ps)} cannot be broadcast to the requested shape ${fmtShape(shape)}`,
    );
  if (x.size === 1) return { scalar: x.data[0], data: null, idx: null, shape: ps };
  const same = ps.length === shape.length && ps.every((d, i) => d === shape[i]);
  return { scalar: NaN, data: x.data, idx: same ? null : broadcastIndex(ps, shape), shape: ps };
}

/** For each row-major index of `out`, the row-major index of the broadcast source of shape `src`. */
function broadcastIndex(src: readonly number[], out: readonly number[]): Int32Array {
  const nd = out.length;
  const off = nd - src.length;
  const st = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let d = src.length - 1; d >= 0; d--) {
    st[d + off] = src[d] === 1 ? 0 : acc;
    acc *= src[d];
  }
  const n = sizeOf(out);
  const idx = new Int32Array(n);
  const ctr = new Array<number>(nd).fill(0);
  let cur = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = cur;
    for (let d = nd - 1; d >= 0; d--) {
      cur += st[d];
      if (++ctr[d] < out[d]) break;
      cur -= st[d] * out[d];
      ctr[d] = 0;
    }
  }
  return idx;
}

function paramAt(p: Param, i: number): number {
  return p.data === null ? p.scalar : p.data[p.idx === null ? i : p.idx[i]];
}

// ---------------------------------------------------------------------------------------------
// Keys: key, PRNGKey, keyData, wrapKeyData, split, foldIn
// ---------------------------------------------------------------------------------------------

function seedWord(op: string, seed: unknown): number {
  if (typeof seed === "number") {
    if (!Number.isInteger(seed)) throw new TypeError(`${op}: seed must be an integer, got ${describe(seed)}`);
    return seed >>> 0; // x64 off: the seed is an int32, the key is [0, seed mod 2^32] (SPEC §2)
  }
  if (typeof seed === "bigint") return Number(BigInt.asUintN(32, seed));
  if (seed instanceof NDArray) {
    if (seed.ndim !== 0)
      throw new TypeError(`${op}: seed must be a scalar, got ${describe(seed)}; use split for many keys`);
    if (seed.dtype === "int32" || seed.dtype === "uint32") return seed.data[0] >>> 0;
  }
  throw new TypeError(`${op}: seed must be an integer, got ${describe(seed)}`);
}

/**
 * A new-style typed PRNG key from an integer seed: `key(1701)` has key data `[0, 1701]`.
 * As in JAX with x64 disabled, the seed is an int32: it wraps modulo 2^32 (`key(-1)` is
 * `[0, 4294967295]`). Non-integers throw a TypeError.
 */
export function key(seed: number | bigint | NDArray): PRNGKeyArray {
  return new PRNGKeyArray(Uint32Array.of(0, seedWord("key", seed)), []);
}

/** JAX's legacy `PRNGKey(seed)`: raw uint32 key data of shape (2,). The samplers accept it too. */
export function PRNGKey(seed: number | bigint | NDArray): NDArray {
  return new NDArray(Uint32Array.of(0, seedWord("PRNGKey", seed)), [2], "uint32");
}

/** The uint32 words of a key array: shape `[...keys.shape, 2]`. */
export function keyData(keys: KeyLike): NDArray {
  const k = checkKeys("keyData", keys);
  if (k.raw) return keys as NDArray;
  return new NDArray(k.data, [...k.shape, 2], "uint32");
}

/**
 * Wraps uint32 key data of shape `(..., 2)` as a typed key array of shape `(...)`. Takes a
 * uint32 NDArray or nested JS lists of integers in [0, 2^32).
 */
export function wrapKeyData(data: NDArray | readonly unknown[]): PRNGKeyArray {
  const op = "wrapKeyData";
  if (data instanceof NDArray) {
    const s = data.shape;
    if (data.dtype !== "uint32" || s.length === 0 || s[s.length - 1] !== 2)
      throw new TypeError(
        `${op}: key data must be a uint32 array whose last axis has size 2, got ${describe(data)}` +
          (data.dtype === "int32" ? ' (convert it with .astype("uint32"))' : ""),
      );
    return new PRNGKeyArray(data.data as Uint32Array, s.slice(0, -1));
  }
  if (!Array.isArray(data))
    throw new TypeError(`${op}: key data must be a uint32 array of shape (..., 2), got ${describe(data)}`);
  const { flat, shape } = nestedToFlat(op, "key data", data);
  if (shape.length === 0 || shape[shape.length - 1] !== 2)
    throw new TypeError(`${op}: key data must have a last axis of size 2, got shape ${fmtShape(shape)}`);
  const out = new Uint32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new TypeError(`${op}: key words must be integers in [0, 2^32), got ${v}`);
    out[i] = v;
  }
  return new PRNGKeyArray(out, shape.slice(0, -1));
}

/**
 * Splits a key into `num` new keys (a key array of shape `[num]`); `num` may also be a shape.
 * Partitionable scheme: new key i = threefry(key, (0, i)), so `split(k, n).at(i)` equals
 * `foldIn(k, i)`. Raw uint32 key data in gives raw key data out, as in JAX.
 */
export function split(key: PRNGKeyArray, num?: ShapeArg): PRNGKeyArray;
export function split(key: NDArray, num?: ShapeArg): NDArray;
export function split(key: KeyLike, num?: ShapeArg): PRNGKeyArray | NDArray;
export function split(key: KeyLike, num: ShapeArg = 2): PRNGKeyArray | NDArray {
  const { k0, k1, raw } = checkKey("split", key);
  const shape = checkShape("split", num, "num");
  const data = tf.splitPartitionable(k0, k1, sizeOf(shape));
  return raw ? new NDArray(data, [...shape, 2], "uint32") : new PRNGKeyArray(data, shape);
}

/** Folds an integer (taken modulo 2^32) into a key: threefry(key, (0, data)). */
export function foldIn(key: PRNGKeyArray, data: number | bigint | NDArray): PRNGKeyArray;
export function foldIn(key: NDArray, data: number | bigint | NDArray): NDArray;
export function foldIn(key: KeyLike, data: number | bigint | NDArray): PRNGKeyArray | NDArray;
export function foldIn(key: KeyLike, data: number | bigint | NDArray): PRNGKeyArray | NDArray {
  const { k0, k1, raw } = checkKey("foldIn", key);
  const [y0, y1] = tf.foldIn(k0, k1, uint32Arg("foldIn", "data", data));
  const out = Uint32Array.of(y0, y1);
  return raw ? new NDArray(out, [2], "uint32") : new PRNGKeyArray(out, []);
}

// ---------------------------------------------------------------------------------------------
// bits, uniform, normal
// ---------------------------------------------------------------------------------------------

/** Uniform random uint32 words: element i is y0 ^ y1 of threefry(key, (0, i)) (bit-exact with JAX). */
export function bits(key: KeyLike, shape: ShapeArg = [], opts?: { dtype?: "uint32" }): NDArray {
  const { k0, k1 } = checkKey("bits", key);
  const s = checkShape("bits", shape);
  const o = checkOpts("bits", opts);
  if (o.dtype !== undefined && o.dtype !== "uint32")
    throw new TypeError(`bits: only dtype "uint32" is supported, got ${describe(o.dtype)}`);
  return new NDArray(rawBits(k0, k1, sizeOf(s)), s, "uint32");
}

function rawBits(k0: number, k1: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  tf.bitsPartitionable(k0, k1, out);
  return out;
}

const TWO_M23 = 2 ** -23;

/**
 * JAX's float32 uniform kernel, in place: f = bitcast((b >>> 9) | 0x3F800000) - 1 (which is
 * exactly (b >>> 9)·2^-23), r = max(lo, f·(hi − lo) + lo), each operation rounded to float32.
 */
function uniformFromBits(op: string, b: Uint32Array, shape: number[], minval: unknown, maxval: unknown): Float32Array {
  const out = new Float32Array(b.length);
  const lo = broadcastParam(op, "minval", minval, shape);
  const hi = broadcastParam(op, "maxval", maxval, shape);
  if (lo.data === null && hi.data === null) {
    const l = fr(lo.scalar);
    const span = fr(fr(hi.scalar) - l);
    for (let i = 0; i < b.length; i++) {
      const r = fr(fr((b[i] >>> 9) * TWO_M23 * span) + l);
      out[i] = Math.max(l, r);
    }
  } else {
    for (let i = 0; i < b.length; i++) {
      const l = fr(paramAt(lo, i));
      const span = fr(fr(paramAt(hi, i)) - l);
      const r = fr(fr((b[i] >>> 9) * TWO_M23 * span) + l);
      out[i] = Math.max(l, r);
    }
  }
  return out;
}

export interface UniformOpts {
  /** Inclusive lower bound (default 0): a number or an array broadcastable to `shape`. */
  minval?: number | NDArray;
  /** Exclusive upper bound (default 1): a number or an array broadcastable to `shape`. */
  maxval?: number | NDArray;
  dtype?: "float32";
}

/**
 * Uniform float32 samples in [minval, maxval). Bit-exact with `jax.random.uniform`, and the
 * scalar draw equals element 0 of any array draw from the same key.
 */
export function uniform(key: KeyLike, shape: ShapeArg = [], opts?: UniformOpts): NDArray {
  const op = "uniform";
  const { k0, k1 } = checkKey(op, key);
  const s = checkShape(op, shape);
  const o = checkOpts(op, opts);
  checkFloatDType(op, o.dtype);
  const b = rawBits(k0, k1, sizeOf(s));
  return new NDArray(uniformFromBits(op, b, s, o.minval ?? 0, o.maxval ?? 1), s, "float32");
}

/**
 * Standard normal float32 samples: sqrt(2)·erf_inv(u), u uniform in [nextafter(-1, 0), 1).
 * Equals the spec reference bit for bit (correctly rounded log1p, no FMA); JAX on a given
 * backend may differ in the last bit of a few percent of draws (SPEC §5b).
 */
export function normal(key: KeyLike, shape: ShapeArg = [], opts?: { dtype?: "float32" }): NDArray {
  const op = "normal";
  const { k0, k1 } = checkKey(op, key);
  const s = checkShape(op, shape);
  checkFloatDType(op, checkOpts(op, opts).dtype);
  const out = uniformFromBits(op, rawBits(k0, k1, sizeOf(s)), s, NORMAL_LO, 1);
  for (let i = 0; i < out.length; i++) out[i] = fr(SQRT2_F32 * erfInvF32(out[i]));
  return new NDArray(out, s, "float32");
}

/** The float32 next to x towards `to` (x a float32 value). */
function nextAfterF32(x: number, to: number): number {
  if (Number.isNaN(x) || x === to) return x;
  if (x === 0) return to > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0] += (x < to) === (x > 0) ? 1 : -1;
  return f[0];
}

/**
 * Normal float32 samples truncated to [lower, upper], JAX's algorithm: u uniform between
 * erf(lower/√2) and erf(upper/√2) (the same draws as `uniform` with those bounds), √2·erf_inv(u)
 * (XLA's float32 erf_inv, as `normal`), clipped strictly inside the bounds. The two erf values
 * are float64 rounded to float32, where XLA evaluates a float32 polynomial: they may differ in
 * the last bit, and then so may the samples.
 */
export function truncatedNormal(key: KeyLike, lower: number, upper: number, shape: ShapeArg = [], opts?: { dtype?: "float32" }): NDArray {
  const op = "truncatedNormal";
  const { k0, k1 } = checkKey(op, key);
  const s = checkShape(op, shape);
  checkFloatDType(op, checkOpts(op, opts).dtype);
  if (typeof lower !== "number" || typeof upper !== "number") throw new TypeError(`${op}: lower and upper must be numbers, got ${describe(lower)} and ${describe(upper)}`);
  if (!(lower < upper)) throw new RangeError(`${op}: lower (${lower}) must be below upper (${upper})`);
  const lo = fr(lower), hi = fr(upper);
  const a = fr(erf64(fr(lo / SQRT2_F32))), b = fr(erf64(fr(hi / SQRT2_F32)));
  const out = uniformFromBits(op, rawBits(k0, k1, sizeOf(s)), s, a, b);
  const min = nextAfterF32(lo, Infinity), max = nextAfterF32(hi, -Infinity);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(max, Math.max(min, fr(SQRT2_F32 * erfInvF32(out[i]))));
  return new NDArray(out, s, "float32");
}

const F32_TINY = 1.1754943508222875e-38; // finfo(float32).tiny = 2^-126

/**
 * Standard Gumbel float32 samples, JAX's default (low) mode: -log(-log(u)) with u uniform in
 * [tiny, 1). The logs are float32-rounded Math.log, which may differ from XLA's log kernel in
 * the last bit.
 */
export function gumbel(key: KeyLike, shape: ShapeArg = [], opts?: { dtype?: "float32" }): NDArray {
  const op = "gumbel";
  const { k0, k1 } = checkKey(op, key);
  const s = checkShape(op, shape);
  checkFloatDType(op, checkOpts(op, opts).dtype);
  return new NDArray(gumbelData(op, k0, k1, s), s, "float32");
}

function gumbelData(op: string, k0: number, k1: number, shape: number[]): Float32Array {
  const u = uniformFromBits(op, rawBits(k0, k1, sizeOf(shape)), shape, F32_TINY, 1);
  for (let i = 0; i < u.length; i++) u[i] = -fr(Math.log(-fr(Math.log(u[i]))));
  return u;
}

/** Samples of `f(u)`, u uniform in [lo, 1) from the key's bits (JAX's transformations of uniform). */
function fromUniform(op: string, key: KeyLike, shape: ShapeArg, opts: { dtype?: "float32" } | undefined, lo: number, f: (u: number) => number): NDArray {
  const { k0, k1 } = checkKey(op, key);
  const s = checkShape(op, shape);
  checkFloatDType(op, checkOpts(op, opts).dtype);
  const u = uniformFromBits(op, rawBits(k0, k1, sizeOf(s)), s, lo, 1);
  for (let i = 0; i < u.length; i++) u[i] = f(u[i]);
  return new NDArray(u, s, "float32");
}

/** Standard exponential samples, JAX's algorithm: -log1p(-u), u uniform in [0, 1). */
export function exponential(key: KeyLike, shape: ShapeArg = [], opts?: { dtype?: "float32" }): NDArray {
  return fromUniform("exponential", key, shape, opts, 0, (u) => -fr(Math.log1p(-u)));
}

/** Standard Laplace samples, JAX's algorithm: sign(u)·log1p(-|u|), u uniform in [-1 + 2^-24, 1). */
export function laplace(key: KeyLike, shape: ShapeArg = [], opts?: { dtype?: "float32" }): NDArray {
  return fromUniform("laplace", key, shape, opts, fr(-1 + 2 ** -24), (u) => fr(Math.sign(u) * fr(Math.log1p(-Math.abs(u)))));
}

/** Standard logistic samples, JAX's algorithm: log(u / (1 - u)), u uniform in [tiny, 1). */
export function logistic(key: KeyLike, shape: ShapeArg = [], opts?: { dtype?: "float32" }): NDArray {
  return fromUniform("logistic", key, shape, opts, F32_TINY, (u) => fr(Math.log(fr(u / fr(1 - u)))));
}

/** Standard Cauchy samples, JAX's algorithm: tan(π·(u - 0.5)), u uniform in [2^-23, 1). */
export function cauchy(key: KeyLike, shape: ShapeArg = [], opts?: { dtype?: "float32" }): NDArray {
  return fromUniform("cauchy", key, shape, opts, 2 ** -23, (u) => fr(Math.tan(fr(PI_F32 * fr(u - 0.5)))));
}
const PI_F32 = Math.fround(Math.PI);

/** Random signs ±1 with equal probability (int32), JAX's algorithm: 2·bernoulli(key, 0.5) - 1. */
export function rademacher(key: KeyLike, shape: ShapeArg = []): NDArray {
  const b = bernoulli(key, 0.5, shape);
  const out = new Int32Array(b.size);
  for (let i = 0; i < out.length; i++) out[i] = b.data[i] ? 1 : -1;
  return new NDArray(out, b.shape, "int32");
}

// ---------------------------------------------------------------------------------------------
// bernoulli, randint
// ---------------------------------------------------------------------------------------------

/**
 * Boolean samples that are true with probability `p`: `uniform(key, shape) < p`, with p rounded
 * to float32 (JAX's rule, bit-exact). `shape` defaults to p's shape.
 */
export function bernoulli(key: KeyLike, p: number | NDArray = 0.5, shape?: ShapeArg): NDArray {
  const op = "bernoulli";
  const { k0, k1 } = checkKey(op, key);
  if (p instanceof NDArray) {
    if (p.dtype !== "float32")
      throw new TypeError(`${op}: probability p must have a floating dtype, got ${describe(p)}`);
  } else if (typeof p !== "number") throw new TypeError(`${op}: p must be a number or an array, got ${describe(p)}`);
  const s = shape === undefined ? (p instanceof NDArray ? [...p.shape] : []) : checkShape(op, shape);
  const pp = broadcastParam(op, "p", p, s);
  const u = uniformFromBits(op, rawBits(k0, k1, sizeOf(s)), s, 0, 1);
  const out = new Uint8Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = u[i] < fr(paramAt(pp, i)) ? 1 : 0;
  return new NDArray(out, s, "bool");
}

/** An integer bound for randint as an exact double: arrays of any dtype, floats truncated. */
function intParam(op: string, name: string, x: unknown, shape: number[]): Param {
  if (typeof x === "number" && !Number.isFinite(x))
    throw new TypeError(`${op}: ${name} must be a finite number, got ${describe(x)}`);
  if (typeof x !== "number" && !(x instanceof NDArray))
    throw new TypeError(`${op}: ${name} must be an integer or an integer array, got ${describe(x)}`);
  const p = broadcastParam(op, name, x, shape);
  // float bounds: astype(int) truncates toward zero, saturating (NaN gives 0). JS numbers are
  // kept exact beyond int32 (JAX would reject them), so the clipping below can apply.
  const toInt = (v: number, sat: boolean) =>
    Number.isNaN(v) ? 0 : sat ? Math.min(2147483647, Math.max(-2147483648, Math.trunc(v))) : Math.trunc(v);
  const isArr = x instanceof NDArray;
  p.scalar = toInt(p.scalar, isArr && x.dtype === "float32");
  if (isArr && x.dtype === "float32" && p.data !== null) p.data = Float64Array.from(p.data, (v) => toInt(v, true));
  return p;
}

/**
 * Uniform integers in [minval, maxval), int32 by default. JAX's `_randint`: two 32-bit draws
 * from `split(key)` combined as (hi mod span)·(2^32 mod span) + (lo mod span), mod span, with
 * JAX's uint32 wrap-around reproduced; `maxval <= minval` gives minval. Bounds are numbers or
 * arrays broadcastable to `shape`; numbers beyond the dtype's range are clipped as JAX clips them
 * (so `randint(k, s, -2**31, 2**31)` covers all of int32).
 */
export function randint(
  key: KeyLike,
  shape: ShapeArg,
  minval: number | NDArray,
  maxval: number | NDArray,
  opts?: { dtype?: "int32" | "uint32" },
): NDArray {
  const op = "randint";
  const { k0, k1 } = checkKey(op, key);
  const s = checkShape(op, shape);
  const o = checkOpts(op, opts);
  const dtype = o.dtype ?? "int32";
  if (dtype !== "int32" && dtype !== "uint32")
    throw new TypeError(`${op}: dtype must be an integer dtype ("int32" or "uint32"), got ${describe(dtype)}`);
  const mnP = intParam(op, "minval", minval, s);
  const mxP = intParam(op, "maxval", maxval, s);
  const n = sizeOf(s);
  const keys = tf.splitPartitionable(k0, k1, 2);
  const higher = rawBits(keys[0], keys[1], n);
  const lower = rawBits(keys[2], keys[3], n);
  const [dmin, dmax] = dtype === "int32" ? [-2147483648, 2147483647] : [0, 4294967295];
  const out = dtype === "int32" ? new Int32Array(n) : new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const mx = paramAt(mxP, i);
    const outOfRange = mx > dmax;
    const lo = Math.min(dmax, Math.max(dmin, paramAt(mnP, i)));
    const hi = Math.min(dmax, Math.max(dmin, mx));
    let span = (hi - lo) >>> 0;
    if (hi <= lo) span = 1;
    if (outOfRange && hi > lo) span = (span + 1) >>> 0; // may wrap to 0: then rem is the identity
    let mult = rem(65536, span); // 2^(nbits/2) mod span
    mult = rem(Math.imul(mult, mult) >>> 0, span); // uint32 product: wraps to 0 when span > 2^16, as in JAX
    const off = rem(((Math.imul(rem(higher[i], span), mult) >>> 0) + rem(lower[i], span)) >>> 0, span);
    out[i] = lo + off; // the typed array wraps to the dtype as convert + add do
  }
  return new NDArray(out, s, dtype);
}

/** XLA's unsigned remainder: x mod 0 is x. */
function rem(x: number, m: number): number {
  return m === 0 ? x : x % m;
}

// ---------------------------------------------------------------------------------------------
// permutation, choice, categorical
// ---------------------------------------------------------------------------------------------

/** Stable argsort of uint32 keys (LSD radix sort, 4 passes of 8 bits). */
function argsortU32(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < 64) return idx.sort((a, b) => keys[a] - keys[b] || a - b);
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(257);
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((keys[i] >>> shift) & 255) + 1]++;
    for (let d = 0; d < 256; d++) count[d + 1] += count[d];
    for (let i = 0; i < n; i++) {
      const j = idx[i];
      tmp[count[(keys[j] >>> shift) & 255]++] = j;
    }
    [idx, tmp] = [tmp, idx];
  }
  return idx;
}

/**
 * JAX's `_shuffle`: ceil(3·ln(size)/ln(2^32 − 1)) rounds; each round splits the key into
 * (key, subkey), draws 32-bit sort keys of x's shape from subkey, and stably sorts x along
 * `axis` by them (`lax.sort_key_val`). Every lane along the axis is sorted by its own sort keys.
 */
function shuffle(k0: number, k1: number, data: TypedArray, shape: number[], axis: number): TypedArray {
  const size = data.length;
  const rounds = Math.ceil((3 * Math.log(Math.max(1, size))) / Math.log(4294967295));
  const len = shape[axis];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const outer = len * inner === 0 ? 0 : size / (len * inner);
  let x = data;
  for (let r = 0; r < rounds; r++) {
    const ks = tf.splitPartitionable(k0, k1, 2);
    [k0, k1] = [ks[0], ks[1]];
    const sortKeys = rawBits(ks[2], ks[3], size);
    const next = new (x.constructor as new (n: number) => TypedArray)(size);
    const laneKeys = new Uint32Array(len);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * len * inner + j;
        for (let t = 0; t < len; t++) laneKeys[t] = sortKeys[base + t * inner];
        const order = argsortU32(laneKeys);
        for (let t = 0; t < len; t++) next[base + t * inner] = x[base + order[t] * inner];
      }
    }
    x = next;
  }
  return x === data ? data.slice() : x;
}

/** `x.take(indices, axis)` on raw storage: shape shape[:axis] + [indices.length] + shape[axis+1:]. */
function takeAlong(data: TypedArray, shape: number[], indices: ArrayLike<number>, axis: number): TypedArray {
  const len = shape[axis];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  const m = indices.length;
  const out = new (data.constructor as new (n: number) => TypedArray)(outer * m * inner);
  for (let o = 0; o < outer; o++)
    for (let t = 0; t < m; t++) {
      const src = (o * len + indices[t]) * inner;
      const dst = (o * m + t) * inner;
      for (let j = 0; j < inner; j++) out[dst + j] = data[src + j];
    }
  return out;
}

function arangeI32(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** A non-negative integer count given as a number or a 0-d int array (permutation's and choice's `x`/`a`). */
function countArg(op: string, what: string, x: number | NDArray): number {
  const v = x instanceof NDArray ? x.data[0] : x;
  const integral = x instanceof NDArray ? x.dtype === "int32" || x.dtype === "uint32" : Number.isInteger(x);
  if (!integral) throw new TypeError(`${op}: ${what} must be an integer or at least 1-dimensional, got ${describe(x)}`);
  if (v < 0) throw new TypeError(`${op}: ${what} must be non-negative, got ${v}`);
  return v;
}

/**
 * A random permutation of `arange(x)` (x a number) or of an array's entries along `axis`.
 * JAX's algorithm (sort by fresh random 32-bit keys, repeated ceil(3·ln n / ln(2^32−1)) times,
 * each round with the second half of `split(key)`), so the result should equal
 * `jax.random.permutation` for the same key. `independent: true` shuffles every lane along
 * `axis` separately, as JAX does.
 */
export function permutation(
  key: KeyLike,
  x: number | NDArray,
  opts?: { axis?: number; independent?: boolean },
): NDArray {
  const op = "permutation";
  const { k0, k1 } = checkKey(op, key);
  const o = checkOpts(op, opts);
  if (typeof x !== "number" && !(x instanceof NDArray))
    throw new TypeError(`${op}: x must be an integer or an array, got ${describe(x)}`);
  const ndim = typeof x === "number" ? 0 : x.ndim;
  const shapeForAxis = typeof x === "number" ? [x] : x.shape;
  const axis = checkAxis(op, o.axis ?? 0, ndim || 1, shapeForAxis);
  if (ndim === 0) {
    const n = countArg(op, "x", x);
    return new NDArray(shuffle(k0, k1, arangeI32(n), [n], 0), [n], "int32");
  }
  const arr = x as NDArray;
  if (o.independent || ndim === 1) return new NDArray(shuffle(k0, k1, arr.data, arr.shape, axis), arr.shape, arr.dtype);
  const n = arr.shape[axis];
  const ind = shuffle(k0, k1, arangeI32(n), [n], 0);
  return new NDArray(takeAlong(arr.data, arr.shape, ind, axis), arr.shape, arr.dtype);
}

/** A float32 vector (p, logits) from an NDArray or nested JS lists of numbers. */
function floatArg(op: string, name: string, x: unknown): { data: Float32Array; shape: number[] } {
  if (x instanceof NDArray) {
    const data = x.dtype === "float32" ? (x.data as Float32Array) : Float32Array.from(x.data);
    return { data, shape: [...x.shape] };
  }
  if (typeof x === "number") return { data: Float32Array.of(x), shape: [] };
  if (Array.isArray(x)) {
    const { flat, shape } = nestedToFlat(op, name, x);
    return { data: Float32Array.from(flat), shape };
  }
  throw new TypeError(`${op}: ${name} must be an array or a list of numbers, got ${describe(x)}`);
}

/** Rectangular nested JS lists of numbers -> flat values and shape. */
function nestedToFlat(op: string, name: string, x: readonly unknown[]): { flat: number[]; shape: number[] } {
  const shape: number[] = [];
  for (let cur: unknown = x; Array.isArray(cur); cur = cur[0]) {
    shape.push(cur.length);
    if (cur.length === 0) break;
  }
  const flat: number[] = [];
  const walk = (v: unknown, d: number): void => {
    if (d === shape.length) {
      if (typeof v !== "number" && typeof v !== "boolean")
        throw new TypeError(`${op}: ${name} must contain only numbers, found ${describe(v)}`);
      flat.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d])
      throw new TypeError(`${op}: ${name} is a ragged nested list (expected shape ${fmtShape(shape)})`);
    for (const e of v) walk(e, d + 1);
  };
  walk(x, 0);
  return { flat, shape };
}

export interface ChoiceOpts {
  /** Sample with replacement (default true). */
  replace?: boolean;
  /** Probabilities of each entry of `a` along `axis` (1-D, length a.shape[axis]); default uniform. */
  p?: NDArray | readonly number[];
  /** The axis of `a` to choose along (default 0). */
  axis?: number;
}

/**
 * Random samples from `a` (an array, sampled along `axis`) or from `arange(a)` (a number).
 * JAX's algorithm: uniform with replacement is `randint(key, shape, 0, n)`; without replacement
 * the first draws of `permutation`; with `p` and replacement, `searchsorted(cumsum(p),
 * cumsum(p)[-1]·(1 − uniform))` (float32 sequential cumsum); with `p` and without replacement,
 * the top-k of `gumbel + log(p)` (Math.log, float32-rounded).
 */
export function choice(key: KeyLike, a: number | NDArray, shape: ShapeArg = [], opts?: ChoiceOpts): NDArray {
  const op = "choice";
  const { k0, k1 } = checkKey(op, key);
  const s = checkShape(op, shape);
  const o = checkOpts(op, opts);
  const replace = o.replace ?? true;
  if (typeof replace !== "boolean") throw new TypeError(`${op}: replace must be a boolean, got ${describe(replace)}`);
  if (typeof a !== "number" && !(a instanceof NDArray))
    throw new TypeError(`${op}: a must be an integer or an array, got ${describe(a)}`);
  const arr = typeof a === "number" ? null : a.ndim === 0 ? null : a;
  let axis = 0;
  let nInputs: number;
  if (arr === null) nInputs = countArg(op, "a", a);
  else {
    axis = checkAxis(op, o.axis ?? 0, arr.ndim, arr.shape);
    nInputs = arr.shape[axis];
  }
  const nDraws = sizeOf(s);
  const outDType = arr === null ? (a instanceof NDArray ? a.dtype : "int32") : arr.dtype;
  if (nDraws === 0) return emptyOf(outDType, s); // JAX: jnp.zeros(shape, dtype=arr.dtype)
  if (nInputs <= 0) throw new TypeError(`${op}: a must be greater than 0 unless no samples are taken`);
  if (!replace && nDraws > nInputs)
    throw new TypeError(
      `${op}: cannot take a larger sample (size ${nDraws}) than the population (size ${nInputs}) when replace is false`,
    );

  let ind: ArrayLike<number>;
  if (o.p === undefined) {
    if (replace) {
      ind = randint(key, s, 0, nInputs).data;
    } else {
      // the first nDraws entries of permutation(key, n or arr, axis) along axis
      if (arr === null) ind = shuffle(k0, k1, arangeI32(nInputs), [nInputs], 0).subarray(0, nDraws);
      else {
        const perm = permutation(key, arr, { axis });
        const taken = takeAlong(perm.data, perm.shape, arangeI32(nDraws), axis);
        return new NDArray(taken, [...arr.shape.slice(0, axis), ...s, ...arr.shape.slice(axis + 1)], arr.dtype);
      }
    }
  } else {
    const p = floatArg(op, "p", o.p);
    if (p.shape.length !== 1 || p.shape[0] !== nInputs)
      throw new TypeError(
        `${op}: p must be a 1-D vector with the same size as a.shape[axis] (${nInputs}), got shape ${fmtShape(p.shape)}`,
      );
    const idx = new Int32Array(nDraws);
    if (replace) {
      const cum = new Float32Array(nInputs);
      let acc = 0;
      for (let i = 0; i < nInputs; i++) cum[i] = acc = fr(acc + p.data[i]);
      const total = cum[nInputs - 1];
      const u = uniformFromBits(op, rawBits(k0, k1, nDraws), s, 0, 1);
      for (let i = 0; i < nDraws; i++) {
        const r = fr(total * fr(1 - u[i]));
        // searchsorted, side='left': the first j with cum[j] >= r (NaN-free inputs)
        let lo = 0;
        let hi = nInputs;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cum[mid] < r) lo = mid + 1;
          else hi = mid;
        }
        idx[i] = lo;
      }
    } else {
      const g = gumbelData(op, k0, k1, [nInputs]);
      for (let i = 0; i < nInputs; i++) g[i] = fr(g[i] + fr(Math.log(p.data[i])));
      // lax.top_k: the nDraws largest, in descending order, ties to the lower index
      const order = Array.from({ length: nInputs }, (_, i) => i).sort((x, y) => topKCompare(g[x], g[y]) || x - y);
      for (let i = 0; i < nDraws; i++) idx[i] = order[i];
    }
    ind = idx;
  }
  if (arr === null) return new NDArray(Int32Array.from(ind), s, "int32");
  return new NDArray(
    takeAlong(arr.data, arr.shape, ind, axis),
    [...arr.shape.slice(0, axis), ...s, ...arr.shape.slice(axis + 1)],
    arr.dtype,
  );
}

/** Descending order for top_k, NaN first (XLA's total order puts NaN above +inf). */
function topKCompare(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  return a > b ? -1 : a < b ? 1 : 0;
}

function emptyOf(dtype: NDArray["dtype"], shape: number[]): NDArray {
  return new NDArray(alloc(dtype, 0), shape, dtype);
}

/**
 * Samples category indices (int32) from unnormalised log-probabilities along `axis` (default
 * -1), by the Gumbel-max trick exactly as JAX arranges it: noise of shape
 * `(*shape_prefix, *logits_shape)` from `gumbel(key, …)`, added to the logits, argmax along the
 * axis. `shape` (default: logits' shape without `axis`) may add leading sample dimensions. With
 * `replace: false` those sample dimensions are draws without replacement: distinct categories
 * per batch element, as JAX draws them (categorical-distinct.ts).
 */
export function categorical(
  key: KeyLike,
  logits: NDArray | readonly unknown[],
  opts?: { axis?: number; shape?: ShapeArg; replace?: boolean },
): NDArray {
  const op = "categorical";
  const { k0, k1 } = checkKey(op, key);
  const o = checkOpts(op, opts);
  const L = floatArg(op, "logits", logits);
  const nd = L.shape.length;
  if (nd === 0) throw new TypeError(`${op}: logits must have at least one dimension, got shape ()`);
  const axis = checkAxis(op, o.axis ?? -1, nd, L.shape);
  const batch = L.shape.filter((_, d) => d !== axis);
  let shape: number[];
  if (o.shape === undefined) shape = batch;
  else {
    shape = checkShape(op, o.shape);
    let ok = batch.length <= shape.length;
    for (let i = 1; ok && i <= batch.length; i++) {
      const b = batch[batch.length - i];
      if (b !== 1 && b !== shape[shape.length - i]) ok = false;
    }
    if (!ok)
      throw new TypeError(
        `${op}: shape ${fmtShape(shape)} is not broadcast-compatible with the batch shape ${fmtShape(batch)} ` +
          `(logits of shape ${fmtShape(L.shape)} without axis ${axis})`,
      );
  }
  const nPrefix = shape.length - batch.length;
  if (o.replace === false) {
    // (JAX: one noise over the broadcast logits, the top k along the axis: distinctCategories)
    const bShape = shape.slice(nPrefix);
    bShape.splice(axis, 0, L.shape[axis]);
    const g = gumbelData(op, k0, k1, bShape);
    const li = broadcastIndex(L.shape, bShape);
    for (let i = 0; i < g.length; i++) g[i] = fr(g[i] + L.data[li[i]]);
    return distinctCategories(g, bShape, axis, shape, nPrefix);
  }
  if (o.replace !== undefined && o.replace !== true) throw new TypeError(`${op}: replace must be a boolean, got ${describe(o.replace)}`);
  const gShape = [...shape];
  gShape.splice(nPrefix + axis, 0, L.shape[axis]);
  const g = gumbelData(op, k0, k1, gShape);
  // logits expanded with nPrefix leading 1s, broadcast to gShape
  const lShape = [...new Array<number>(nPrefix).fill(1), ...L.shape];
  const li = broadcastIndex(lShape, gShape);
  for (let i = 0; i < g.length; i++) g[i] = fr(g[i] + L.data[li[i]]);
  // argmax along the categories axis (first maximum; a NaN wins, as jnp.argmax)
  const ax = nPrefix + axis;
  const len = gShape[ax];
  let inner = 1;
  for (let d = ax + 1; d < gShape.length; d++) inner *= gShape[d];
  const out = new Int32Array(sizeOf(shape));
  for (let o2 = 0; o2 < out.length; o2++) {
    const oo = Math.floor(o2 / inner);
    const j = o2 - oo * inner;
    const base = oo * len * inner + j;
    let best = 0;
    let bv = g[base];
    if (!Number.isNaN(bv))
      for (let t = 1; t < len; t++) {
        const v = g[base + t * inner];
        if (Number.isNaN(v)) {
          best = t;
          break;
        }
        if (v > bv) {
          bv = v;
          best = t;
        }
      }
    out[o2] = best;
  }
  return new NDArray(out, shape, "int32");
}

// ---------------------------------------------------------------------------------------------
// Printing key data the way NumPy prints an integer array
// ---------------------------------------------------------------------------------------------

/** NumPy's `str` of an integer array: one column width, rows on their own lines, `...` past 1000 elements. */
function fmtIntArray(data: ArrayLike<number>, shape: number[]): string {
  const size = sizeOf(shape);
  if (size === 0) return "[]";
  const summarize = size > 1000;
  const shown = shape.map((n) => (summarize && n > 6 ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : [...Array(n).keys()]));
  const strides = shape.map((_, d) => sizeOf(shape.slice(d + 1)));
  let width = 0;
  const visit = (d: number, off: number, f: (off: number) => void): void => {
    if (d === shape.length) return f(off);
    for (const i of shown[d]) if (i >= 0) visit(d + 1, off + i * strides[d], f);
  };
  visit(0, 0, (off) => {
    width = Math.max(width, String(data[off]).length);
  });
  const nd = shape.length;
  const render = (d: number, off: number): string => {
    const parts = shown[d].map((i) =>
      i < 0 ? "..." : d === nd - 1 ? String(data[off + i]).padStart(width) : render(d + 1, off + i * strides[d]),
    );
    const sep = d === nd - 1 ? " " : "\n".repeat(nd - 1 - d) + " ".repeat(d + 1);
    return "[" + parts.join(sep) + "]";
  };
  return render(0, 0);
}
export { gamma, beta, dirichlet, t, poisson, multivariateNormal } from "./distributions.js";
export { ball, doubleSidedMaxwell, geometric, lognormal, maxwell, pareto, rayleigh, triangular, weibullMin } from "./more.js";
