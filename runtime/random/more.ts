// More of jax.random, as @jax-js/jax spells it: ball, doubleSidedMaxwell, geometric, lognormal,
// maxwell, pareto, rayleigh, triangular, weibullMin. Each is JAX's algorithm (jax/_src/random.py)
// over this module's draws, one float32 operation at a time in JAX's order:
//   * lognormal, rayleigh, pareto, geometric, triangular, weibullMin and maxwell read the
//     bit-exact uniform / normal / exponential draws, so their bits are JAX's wherever XLA's
//     exp, log, log1p, sqrt and pow round as Math.* rounded to float32 does (sqrt always; the
//     others to the last bit almost always), and wherever XLA sums maxwell's three squares in order;
//   * doubleSidedMaxwell splits its key and draws the sign as JAX does (rademacher is bit-exact);
//   * ball draws its generalized normal through gamma, which is not JAX's stream
//     (distributions.ts): it is tested on its moments.
// Sampling has no derivative.

import { NDArray } from "../array.js";
import { fmtShape, sizeOf } from "../shape.js";
import { asArray } from "../numpy/creation.js";
import { exponential, foldIn, isKey, normal, rademacher, uniform, type KeyLike, type ShapeArg } from "./index.js";
import { gamma } from "./distributions.js";

const fr = Math.fround;
const INT32_MAX = 2147483647;

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (x instanceof NDArray) return `a ${x.dtype} array of shape ${fmtShape(x.shape)}`;
  if (Array.isArray(x)) return `a JS array of length ${x.length}`;
  return typeof x === "object" ? "an object" : `${typeof x} ${String(x)}`;
}

/** A single PRNG key (typed, or raw uint32 data of shape (2,)); else a TypeError naming the sampler. */
function checkKey(op: string, key: unknown): KeyLike {
  if (isKey(key) && key.shape.length === 0) return key;
  if (key instanceof NDArray && key.dtype === "uint32" && key.shape.length === 1 && key.shape[0] === 2) return key;
  throw new TypeError(`${op}: key must be a single PRNG key from random.key(), got ${isKey(key) ? `a key array of shape ${fmtShape(key.shape)}` : describe(key)}`);
}

/** A shape argument as a list (undefined: `dflt`). */
function checkShape(op: string, shape: unknown, dflt: readonly number[]): number[] {
  if (shape === undefined || shape === null) return [...dflt];
  const ok = (d: unknown) => typeof d === "number" && Number.isInteger(d) && d >= 0;
  if (ok(shape)) return [shape as number];
  if (Array.isArray(shape) && shape.every(ok)) return [...shape];
  throw new TypeError(`${op}: shape must be a non-negative integer or an array of them, got ${describe(shape)}`);
}

/** A float parameter: its float32 values and shape (a number is a scalar). */
interface Param {
  data: Float32Array;
  shape: number[];
}
function param(op: string, name: string, v: unknown): Param {
  if (typeof v === "number") return { data: Float32Array.of(v), shape: [] };
  if (v instanceof NDArray || Array.isArray(v)) {
    const a = asArray(v as never, op);
    if (a.dtype === "bool") throw new TypeError(`${op}: ${name} must be a float array, got ${describe(a)}`);
    return { data: Float32Array.from(a.data as ArrayLike<number>, Number), shape: a.shape };
  }
  throw new TypeError(`${op}: ${name} must be a number or an array, got ${describe(v)}`);
}

/** The broadcast of parameter shapes (numpy's rule), or a TypeError naming the sampler. */
function broadcastShapes(op: string, ps: readonly Param[], names: readonly string[]): number[] {
  const rank = Math.max(0, ...ps.map((p) => p.shape.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    ps.forEach((p) => {
      const s = p.shape[p.shape.length - rank + i] ?? 1;
      if (s !== 1 && d !== 1 && s !== d) throw new TypeError(`${op}: the shapes of ${names.join(", ")} (${ps.map((q) => fmtShape(q.shape)).join(", ")}) do not broadcast`);
      if (s !== 1) d = s;
    });
    out.push(d);
  }
  return out;
}

/** Element i (of `shape`, row-major) of a parameter broadcast to `shape`; JAX's _check_shape first. */
function reader(op: string, name: string, p: Param, shape: readonly number[]): (i: number) => number {
  const r = p.shape.length;
  const ok = r <= shape.length && p.shape.every((d, k) => d === 1 || d === shape[shape.length - r + k]);
  if (!ok) throw new TypeError(`${op}: ${name} of shape ${fmtShape(p.shape)} cannot be broadcast to the requested shape ${fmtShape(shape)}`);
  if (p.data.length === 1) {
    const v = p.data[0];
    return () => v;
  }
  // strides of the parameter seen from the output's axes (0 where it broadcasts)
  const st = shape.map(() => 0);
  let acc = 1;
  for (let k = r - 1; k >= 0; k--) {
    st[shape.length - r + k] = p.shape[k] === 1 ? 0 : acc;
    acc *= p.shape[k];
  }
  return (i) => {
    let src = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const n = shape[d];
      src += (i % n) * st[d];
      i = Math.floor(i / n);
    }
    return p.data[src];
  };
}

const f32 = (data: Float32Array, shape: number[]) => new NDArray(data, shape, "float32");

/** Log-normal samples `exp(sigma · normal(key, shape))` (sigma 1 by default; shape: sigma's). */
export function lognormal(key: KeyLike, sigma: number | NDArray = 1, shape?: ShapeArg): NDArray {
  const op = "lognormal";
  const k = checkKey(op, key);
  const p = param(op, "sigma", sigma);
  const s = checkShape(op, shape, p.shape);
  const at = reader(op, "sigma", p, s);
  const z = normal(k, s).data as Float32Array;
  for (let i = 0; i < z.length; i++) z[i] = fr(Math.exp(fr(z[i] * at(i))));
  return f32(z, s);
}

/** Rayleigh samples, JAX's form `scale · sqrt(−2 · log(u))`, u uniform in [0, 1) (scale 1 by default; shape: scale's). */
export function rayleigh(key: KeyLike, scale: number | NDArray = 1, shape?: ShapeArg): NDArray {
  const op = "rayleigh";
  const k = checkKey(op, key);
  const p = param(op, "scale", scale);
  const s = checkShape(op, shape, p.shape);
  const at = reader(op, "scale", p, s);
  const u = uniform(k, s).data as Float32Array;
  for (let i = 0; i < u.length; i++) u[i] = fr(at(i) * fr(Math.sqrt(fr(fr(Math.log(u[i])) * -2))));
  return f32(u, s);
}

/** Maxwell samples: the norm of three standard normals (normal(key, [...shape, 3]) along the last axis). */
export function maxwell(key: KeyLike, shape: ShapeArg = []): NDArray {
  const op = "maxwell";
  const k = checkKey(op, key);
  const s = checkShape(op, shape, []);
  return f32(maxwellData(k, s), s);
}
function maxwellData(key: KeyLike, s: number[]): Float32Array {
  const z = normal(key, [...s, 3]).data as Float32Array;
  const out = new Float32Array(sizeOf(s));
  for (let i = 0; i < out.length; i++) {
    const [a, b, c] = [z[3 * i], z[3 * i + 1], z[3 * i + 2]];
    out[i] = fr(Math.sqrt(fr(fr(fr(a * a) + fr(b * b)) + fr(c * c))));
  }
  return out;
}

/**
 * Double-sided Maxwell samples `sign · maxwell · scale + loc`, JAX's algorithm: the key split in
 * two (maxwell's, then rademacher's); shape defaults to the broadcast shape of loc and scale, and
 * (as in JAX) a given shape has that shape appended.
 */
export function doubleSidedMaxwell(key: KeyLike, loc: number | NDArray, scale: number | NDArray, shape?: ShapeArg): NDArray {
  const op = "doubleSidedMaxwell";
  const k = checkKey(op, key);
  const pl = param(op, "loc", loc), ps = param(op, "scale", scale);
  const params = broadcastShapes(op, [pl, ps], ["loc", "scale"]);
  const given = checkShape(op, shape, []);
  const s = given.length ? [...given, ...params] : params;
  const atL = reader(op, "loc", pl, s), atS = reader(op, "scale", ps, s);
  // (split(key).at(i) is foldIn(key, i), for typed and raw keys alike)
  const m = maxwellData(foldIn(k, 0), s);
  const sign = rademacher(foldIn(k, 1), s).data;
  for (let i = 0; i < m.length; i++) m[i] = fr(fr(fr(sign[i] * m[i]) * atS(i)) + atL(i));
  return f32(m, s);
}

/**
 * Geometric samples (trials until the first success, ≥ 1), JAX's algorithm:
 * floor(log(u) / log1p(−p)) + 1 with u uniform in [0, 1), int32 (a draw past 2³¹ − 1 saturates there).
 * Shape: p's by default.
 */
export function geometric(key: KeyLike, p: number | NDArray, opts?: { shape?: ShapeArg; dtype?: "int32" }): NDArray {
  const op = "geometric";
  const k = checkKey(op, key);
  if (opts !== undefined && (opts === null || typeof opts !== "object" || opts instanceof NDArray)) throw new TypeError(`${op}: options must be an object, got ${describe(opts)}`);
  if (opts?.dtype !== undefined && opts.dtype !== "int32") throw new TypeError(`${op}: dtype must be "int32", got ${describe(opts.dtype)}`);
  const pp = param(op, "p", p);
  const s = checkShape(op, opts?.shape, pp.shape);
  const at = reader(op, "p", pp, s);
  const u = uniform(k, s).data as Float32Array;
  const out = new Int32Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const g = Math.floor(fr(fr(Math.log(u[i])) / fr(Math.log1p(-at(i))))) + 1;
    out[i] = g >= INT32_MAX ? INT32_MAX : g;
  }
  return new NDArray(out, s, "int32");
}

/** Pareto samples on [1, ∞) with shape parameter b, JAX's algorithm: exp(exponential(key) / b). Shape: b's by default. */
export function pareto(key: KeyLike, b: number | NDArray, shape?: ShapeArg): NDArray {
  const op = "pareto";
  const k = checkKey(op, key);
  const p = param(op, "b", b);
  const s = checkShape(op, shape, p.shape);
  const at = reader(op, "b", p, s);
  const e = exponential(k, s).data as Float32Array;
  for (let i = 0; i < e.length; i++) e[i] = fr(Math.exp(fr(e[i] / at(i))));
  return f32(e, s);
}

/**
 * Triangular samples on [left, right] with the given mode, JAX's inverse CDF: with u uniform and
 * fc = (mode − left)/(right − left), left + sqrt(u·(right − left)·(mode − left)) where u < fc,
 * else right − sqrt((1 − u)·(right − left)·(right − mode)). Shape: the parameters' broadcast shape by default.
 */
export function triangular(key: KeyLike, left: number | NDArray, mode: number | NDArray, right: number | NDArray, shape?: ShapeArg): NDArray {
  const op = "triangular";
  const k = checkKey(op, key);
  const names = ["left", "mode", "right"];
  const ps = [param(op, "left", left), param(op, "mode", mode), param(op, "right", right)];
  const s = checkShape(op, shape, broadcastShapes(op, ps, names));
  const [L, M, R] = ps.map((p, j) => reader(op, names[j], p, s));
  const u = uniform(k, s).data as Float32Array;
  for (let i = 0; i < u.length; i++) {
    const l = L(i), m = M(i), r = R(i);
    const rl = fr(r - l);
    const fc = fr(fr(m - l) / rl);
    u[i] = u[i] < fc ? fr(l + fr(Math.sqrt(fr(fr(u[i] * rl) * fr(m - l))))) : fr(r - fr(Math.sqrt(fr(fr(fr(1 - u[i]) * rl) * fr(r - m)))));
  }
  return f32(u, s);
}

/**
 * Weibull (minimum) samples, JAX's algorithm: (−log1p(−u))^(1/concentration) · scale, i.e.
 * exponential(key, shape)^(1/k) · scale; as in JAX the draws have `shape` (default ()) and the
 * result the broadcast shape of the draws and the parameters.
 */
export function weibullMin(key: KeyLike, scale: number | NDArray, concentration: number | NDArray, shape: ShapeArg = []): NDArray {
  const op = "weibullMin";
  const k = checkKey(op, key);
  const ps = param(op, "scale", scale), pc = param(op, "concentration", concentration);
  const s = checkShape(op, shape, []);
  const e: Param = { data: exponential(k, s).data as Float32Array, shape: s };
  const out = broadcastShapes(op, [e, ps, pc], ["the draws (shape)", "scale", "concentration"]);
  const atE = reader(op, "shape", e, out), atS = reader(op, "scale", ps, out), atC = reader(op, "concentration", pc, out);
  const y = new Float32Array(sizeOf(out));
  for (let i = 0; i < y.length; i++) y[i] = fr(fr(Math.pow(atE(i), fr(1 / atC(i)))) * atS(i));
  return f32(y, out);
}

/**
 * Points uniformly distributed in the unit p-ball of dimension d, shape `[...shape, d]`, JAX's
 * algorithm: g generalized-normal (rademacher · gamma(1/p)^(1/p)), e exponential, and
 * g / (Σ|g|ᵖ + e)^(1/p).
 */
export function ball(key: KeyLike, d: number, opts?: { p?: number; shape?: ShapeArg }): NDArray {
  const op = "ball";
  const k = checkKey(op, key);
  if (typeof d !== "number" || !Number.isInteger(d) || d < 1) throw new TypeError(`${op}: d must be a positive integer, got ${describe(d)}`);
  if (opts !== undefined && (opts === null || typeof opts !== "object" || opts instanceof NDArray)) throw new TypeError(`${op}: options must be an object, got ${describe(opts)}`);
  const p = opts?.p ?? 2;
  if (typeof p !== "number" || !(p > 0)) throw new TypeError(`${op}: p must be a positive number, got ${describe(p)}`);
  const s = checkShape(op, opts?.shape, []);
  const n = sizeOf(s);
  // (JAX: k1, k2 = split(key); generalized_normal splits k1 again into gamma's key and the signs')
  const k1 = foldIn(k, 0), k2 = foldIn(k, 1);
  const g = gamma(foldIn(k1, 0), 1 / p, [...s, d]).data as Float32Array;
  const sign = rademacher(foldIn(k1, 1), [...s, d]).data;
  const inv = fr(1 / p);
  for (let i = 0; i < g.length; i++) g[i] = fr(sign[i] * fr(Math.pow(g[i], inv)));
  const e = exponential(k2, s).data as Float32Array;
  for (let r = 0; r < n; r++) {
    let acc = 0;
    for (let j = 0; j < d; j++) acc = fr(acc + fr(Math.pow(Math.abs(g[r * d + j]), p)));
    const den = fr(Math.pow(fr(acc + e[r]), inv));
    for (let j = 0; j < d; j++) g[r * d + j] = fr(g[r * d + j] / den);
  }
  return f32(g, [...s, d]);
}
