// Array creation: conversion from JS values (asArray / array), dtype conversion (astype), and
// NumPy's constructors (zeros, ones, full, *Like, arange, linspace, eye).
//
// A lone JS number is a weakly typed float32 (JS has one number type; JAX's jnp.array(2.0) is
// weak too); booleans are bool. Nested lists take float32 when any number appears, bool when
// all leaves are booleans, and promote with the dtypes of any NDArrays nested inside them
// (numbers are weakly typed against those). A typed array gives a 1-D Array of its dtype.

import { NDArray } from "../array.js";
import type { ArrayLike } from "../array.js";
import type { DType, TypedArray } from "../dtype.js";
import { alloc, castScalar, checkDType, isFloat, promoteTypes, promoteWeak, roundF16, STORAGE } from "../dtype.js";
import { fmtShape, sizeOf } from "../shape.js";
import { deviceHooks } from "../device-hooks.js";

export interface DTypeOpts {
  dtype?: DType;
}

// ---------------------------------------------------------------------------------------------
// Conversion

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "list";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

/** The shape of a nested list (validated: throws on ragged lists and non-array leaves). */
function nestedShape(x: ArrayLike, op: string): number[] {
  if (typeof x === "number" || typeof x === "boolean") return [];
  if (x instanceof NDArray) return x.shape;
  if (!Array.isArray(x)) throw new TypeError(`${op}: cannot convert ${describe(x)} to an array`);
  const list = x as readonly ArrayLike[];
  if (list.length === 0) return [0];
  const first = nestedShape(list[0], op);
  for (let i = 1; i < list.length; i++) {
    const s = nestedShape(list[i], op);
    if (s.length !== first.length || s.some((d, j) => d !== first[j])) {
      throw new TypeError(
        `${op}: ragged nested list: element 0 has shape ${fmtShape(first)} but element ${i} has shape ${fmtShape(s)} ` +
          `(lengths ${first.length ? first[0] : "scalar"} and ${s.length ? s[0] : "scalar"})`,
      );
    }
  }
  return [list.length, ...first];
}

/** Strong dtype of the NDArrays in a nested list, and whether any number / boolean leaf appears. */
function scanLeaves(x: ArrayLike, acc: { strong: DType | null; num: boolean; frac: boolean; bool: boolean }): void {
  if (typeof x === "number") {
    acc.num = true;
    if (!Number.isInteger(x)) acc.frac = true;
  } else if (typeof x === "boolean") acc.bool = true;
  else if (x instanceof NDArray) acc.strong = acc.strong === null ? x.dtype : promoteTypes(acc.strong, x.dtype);
  else for (const e of x as readonly ArrayLike[]) scanLeaves(e, acc);
}

function inferDtype(x: ArrayLike): DType {
  const acc = { strong: null as DType | null, num: false, frac: false, bool: false };
  scanLeaves(x, acc);
  if (acc.strong === null) return acc.bool && !acc.num ? "bool" : "float32"; // [] is float32
  let d = acc.strong;
  if (acc.num) d = promoteWeak(d, acc.frac ? 0.5 : 1);
  return d;
}

/** Writes the leaves of a (validated) nested list into `out` as `dtype`, from position `pos`. */
function fill(x: ArrayLike, out: TypedArray, dtype: DType, pos: number): number {
  if (typeof x === "number") {
    out[pos] = castScalar(x, dtype);
    return pos + 1;
  }
  if (typeof x === "boolean") {
    out[pos] = x ? 1 : 0;
    return pos + 1;
  }
  if (x instanceof NDArray) {
    out.set(astype(x, dtype).data, pos);
    return pos + x.size;
  }
  for (const e of x as readonly ArrayLike[]) pos = fill(e, out, dtype, pos);
  return pos;
}

function fromNested(x: ArrayLike, op: string, dtype: DType | undefined): NDArray {
  const shape = nestedShape(x, op);
  const dt = dtype ?? inferDtype(x);
  const data = alloc(dt, sizeOf(shape));
  fill(x, data, dt, 0);
  return new NDArray(data, shape, dt);
}

/**
 * Converts any ArrayLike to an NDArray: an NDArray comes back as is (no copy), a number is a
 * float32 0-d array, a boolean a bool one, and nested lists become arrays (ragged ones throw).
 */
export function asArray(x: ArrayLike | TypedArrayInput, op = "array"): NDArray {
  if (x instanceof NDArray) return x;
  if (typeof x === "number") {
    const d = new Float32Array(1);
    d[0] = x;
    return new NDArray(d, [], "float32", true);
  }
  if (typeof x === "boolean") return new NDArray(new Uint8Array([x ? 1 : 0]), [], "bool");
  if (ArrayBuffer.isView(x)) return fromTyped(x, op, undefined);
  return fromNested(x, op, undefined);
}

/** The typed arrays `jnp.array` takes, and the dtype each gives (narrow integers widen to int32). */
export type TypedArrayInput = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray;
const TYPED: [new (...a: never[]) => unknown, DType][] = [
  [Float32Array, "float32"],
  [Float64Array, "float64"],
  [Int32Array, "int32"],
  [Uint32Array, "uint32"],
  [Int16Array, "int32"],
  [Uint16Array, "int32"],
  [Int8Array, "int32"],
  [Uint8Array, "int32"],
  [Uint8ClampedArray, "int32"],
];

/** A 1-D Array copied from a typed array (its dtype, or `dtype` converted as astype does). */
function fromTyped(x: ArrayBufferView, op: string, dtype: DType | undefined): NDArray {
  const row = TYPED.find(([C]) => x instanceof C);
  if (!row) throw new TypeError(`${op}: cannot convert ${describe(x)} to an array (typed arrays: ${TYPED.map(([C]) => C.name).join(", ")})`);
  const own = row[1];
  const src = x as unknown as globalThis.ArrayLike<number> & { length: number };
  const copy = new STORAGE[own](src.length);
  copy.set(src as never);
  const a = new NDArray(copy, [src.length], own);
  return dtype === undefined ? a : astype(a, dtype);
}

/**
 * `jnp.array(x, { dtype })`: always a fresh array. x is an Array, a number or boolean, a nested
 * list, or a typed array (Float32Array, Float64Array, Int32Array, Uint32Array; narrower integer
 * arrays give int32). A number without a dtype gives a weakly typed float32, as JAX's does.
 */
export function array(x: ArrayLike | TypedArrayInput, opts?: DTypeOpts): NDArray {
  const dtype = opts?.dtype === undefined ? undefined : checkDType(opts.dtype, "array");
  if (x instanceof NDArray) {
    const out = astype(x, dtype ?? x.dtype);
    return out === x ? new NDArray(x.data.slice(), x.shape, x.dtype, x.weakType && dtype === undefined) : out;
  }
  if (ArrayBuffer.isView(x)) return fromTyped(x, "array", dtype);
  if (typeof x === "number" && dtype === undefined) return asArray(x, "array");
  return fromNested(x, "array", dtype);
}

// ---------------------------------------------------------------------------------------------
// astype: one tight loop per (source kind, target) pair.

function floatToInt(src: TypedArray, out: Int32Array | Uint32Array, lo: number, hi: number): void {
  // Truncate toward zero, saturate at the target range, NaN gives 0 (JAX / XLA on CPU).
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    out[i] = x !== x ? 0 : x <= lo ? lo : x >= hi ? hi : Math.trunc(x);
  }
}

/**
 * Converts to `dtype` as `castScalar` describes: floats truncate toward zero and saturate at the
 * integer range (NaN gives 0); integers wrap between int32 and uint32; bool is `x != 0` (NaN is
 * true); to float32 rounds to nearest. The same dtype returns `a` itself (arrays are immutable).
 */
export function astype(a: NDArray, dtype: DType): NDArray {
  checkDType(dtype, "astype");
  if (a.dtype === dtype && !a.weakType) return a;
  // (on the GPU: a kernel, or a strong view of the same buffer)
  if (a.device !== "cpu") {
    const r = deviceHooks()!.astype(a, dtype);
    if (r) return r;
  }
  if (a.dtype === dtype) return new NDArray(a.data, a.shape, dtype); // (an explicit dtype is strong)
  const src = a.data;
  const n = src.length;
  let out: TypedArray;
  if (dtype === "bool") {
    const o = new Uint8Array(n);
    // castScalar's rule: nonzero (NaN is true, as in NumPy and JAX).
    for (let i = 0; i < n; i++) o[i] = src[i] !== 0 ? 1 : 0;
    out = o;
  } else if (isFloat(a.dtype) && !isFloat(dtype)) {
    const o = dtype === "int32" ? new Int32Array(n) : new Uint32Array(n);
    if (dtype === "int32") floatToInt(src, o, -2147483648, 2147483647);
    else floatToInt(src, o, 0, 4294967295);
    out = o;
  } else {
    // → float32 rounds (typed-array conversion stores with Math.fround), → float16 rounds on
    // construction, → float64 is exact; int ↔ uint and bool → int are ToInt32 / ToUint32, i.e.
    // wrap-around, done natively by the constructor.
    if (dtype === "float16") out = Float32Array.from(src as globalThis.ArrayLike<number>, roundF16);
    else out = new STORAGE[dtype](src as globalThis.ArrayLike<number>);
  }
  return new NDArray(out, a.shape, dtype);
}

// ---------------------------------------------------------------------------------------------
// Constructors

function checkShape(shape: number | readonly number[], op: string): number[] {
  const list = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(list)) throw new TypeError(`${op}: shape must be a number or a list of numbers, got ${describe(shape)}`);
  for (const d of list) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      const shown = Array.isArray(shape) ? `[${list.map(String).join(", ")}]` : String(shape);
      throw new TypeError(`${op}: invalid dimension ${String(d)} in shape ${shown}: dimensions must be non-negative integers`);
    }
  }
  return [...list];
}

function optDtype(opts: DTypeOpts | undefined, op: string, dflt: DType): DType {
  return opts?.dtype === undefined ? dflt : checkDType(opts.dtype, op);
}

function filled(shape: number[], value: number | boolean, dtype: DType, op: string): NDArray {
  if (typeof value !== "number" && typeof value !== "boolean")
    throw new TypeError(`${op}: fill value must be a number or boolean, got ${describe(value)}`);
  let data: ReturnType<typeof alloc>;
  try {
    data = alloc(dtype, sizeOf(shape));
  } catch (e) {
    throw e instanceof RangeError ? new RangeError(`${op}: shape ${fmtShape(shape)}: ${e.message}`) : e;
  }
  const v = castScalar(typeof value === "boolean" ? +value : value, dtype);
  if (v !== 0) data.fill(v);
  return new NDArray(data, shape, dtype);
}

export function zeros(shape: number | readonly number[], opts?: DTypeOpts): NDArray {
  return filled(checkShape(shape, "zeros"), 0, optDtype(opts, "zeros", "float32"), "zeros");
}

export function ones(shape: number | readonly number[], opts?: DTypeOpts): NDArray {
  return filled(checkShape(shape, "ones"), 1, optDtype(opts, "ones", "float32"), "ones");
}

/** `full(shape, v)`: dtype defaults to float32 for a number and bool for a boolean. */
export function full(shape: number | readonly number[], fillValue: number | boolean, opts?: DTypeOpts): NDArray {
  const s = checkShape(shape, "full");
  const dflt: DType = typeof fillValue === "boolean" ? "bool" : "float32";
  return filled(s, fillValue, optDtype(opts, "full", dflt), "full");
}

export function zerosLike(a: ArrayLike, opts?: DTypeOpts): NDArray {
  const x = asArray(a, "zerosLike");
  return filled(x.shape, 0, optDtype(opts, "zerosLike", x.dtype), "zerosLike");
}

export function onesLike(a: ArrayLike, opts?: DTypeOpts): NDArray {
  const x = asArray(a, "onesLike");
  return filled(x.shape, 1, optDtype(opts, "onesLike", x.dtype), "onesLike");
}

/** `fullLike(a, v)`: the shape and (by default) the dtype of `a`, every element `v` cast to it. */
export function fullLike(a: ArrayLike, fillValue: number | boolean, opts?: DTypeOpts): NDArray {
  const x = asArray(a, "fullLike");
  return filled(x.shape, fillValue, optDtype(opts, "fullLike", x.dtype), "fullLike");
}

function checkFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/**
 * NumPy's arange: `arange(stop)`, `arange(start, stop, step = 1)`; length ceil((stop - start) / step).
 * Default dtype float32. As NumPy does (and so JAX, which calls np.arange for concrete bounds),
 * the first two values are `start` and `start + step` converted to the dtype, and the rest are
 * `v0 + i * delta` with `delta = v1 - v0`, all in the dtype's own arithmetic (NumPy's C fill loop
 * in float32: i converted to float32, each operation rounded), so float32 ranges come out bit
 * for bit like `np.arange(..., dtype=np.float32)`.
 */
export function arange(start: number, stop?: number, step?: number, opts?: DTypeOpts): NDArray {
  const op = "arange";
  if (stop === undefined || stop === null) {
    stop = start;
    start = 0;
  }
  if (step === undefined || step === null) step = 1;
  checkFinite(op, "start", start);
  checkFinite(op, "stop", stop);
  checkFinite(op, "step", step);
  if (step === 0) throw new TypeError(`${op}: step must be nonzero, got 0`);
  const dtype = optDtype(opts, op, "float32");
  if (dtype === "bool") throw new TypeError(`${op}: dtype bool is not supported (got start=${start}, stop=${stop}, step=${step})`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > 2 ** 31) throw new TypeError(`${op}: ${n} elements is too many (start=${start}, stop=${stop}, step=${step})`);
  const data = alloc(dtype, n);
  if (n > 0) {
    const v0 = castScalar(start, dtype);
    const v1 = castScalar(start + step, dtype);
    data[0] = v0;
    if (n > 1) data[1] = v1;
    if (dtype === "float32") {
      const fr = Math.fround;
      const delta = fr(v1 - v0);
      for (let i = 2; i < n; i++) data[i] = v0 + fr(fr(i) * delta);
    } else {
      const delta = v1 - v0; // exact; storing wraps like C's int arithmetic
      for (let i = 2; i < n; i++) data[i] = v0 + i * delta;
    }
  }
  return new NDArray(data, [n], dtype);
}

export interface LinspaceOpts extends DTypeOpts {
  endpoint?: boolean;
}

/**
 * NumPy's linspace: `num` points from start to stop (stop included unless endpoint: false),
 * computed in float64 as NumPy does (`i * step + start`, last point exactly `stop`) and rounded
 * once to the dtype; integer dtypes take the floor (NumPy 2).
 */
export function linspace(start: number, stop: number, num = 50, opts?: LinspaceOpts): NDArray {
  const op = "linspace";
  checkFinite(op, "start", start);
  checkFinite(op, "stop", stop);
  if (typeof num !== "number" || !Number.isInteger(num) || num < 0)
    throw new TypeError(`${op}: num must be a non-negative integer, got ${String(num)}`);
  const endpoint = opts?.endpoint ?? true;
  const dtype = optDtype(opts, op, "float32");
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const step = div > 0 ? delta / div : NaN;
  const y = new Float64Array(num);
  for (let i = 0; i < num; i++) {
    if (div > 0) y[i] = step === 0 ? (i / div) * delta + start : i * step + start;
    else y[i] = i * delta + start;
  }
  if (endpoint && num > 1) y[num - 1] = stop;
  const data = alloc(dtype, num);
  for (let i = 0; i < num; i++) {
    const v = y[i];
    data[i] = dtype === "int32" || dtype === "uint32" ? castScalar(Math.floor(v), dtype) : castScalar(v, dtype);
  }
  return new NDArray(data, [num], dtype);
}

export interface EyeOpts extends DTypeOpts {
  k?: number;
}

/** `eye(n, m = n, { k = 0 })`: ones on the k-th diagonal. */
export function eye(n: number, m?: number | null, opts?: EyeOpts): NDArray {
  const op = "eye";
  const cols = m === undefined || m === null ? n : m;
  const shape = checkShape([n, cols], op);
  const k = opts?.k ?? 0;
  if (typeof k !== "number" || !Number.isInteger(k)) throw new TypeError(`${op}: k must be an integer, got ${String(k)}`);
  const dtype = optDtype(opts, op, "float32");
  const data = alloc(dtype, n * cols);
  for (let i = Math.max(0, -k); i < n && i + k < cols; i++) data[i * cols + i + k] = 1;
  return new NDArray(data, shape, dtype);
}

