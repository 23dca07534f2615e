// Dtypes, their storage, and JAX's promotion lattice (with JS numbers weakly typed).
//
// float16 has no typed array in every engine this runs on (Node 20 lacks Float16Array), so a
// float16 Array keeps its values in a Float32Array, each rounded to the nearest float16
// (roundF16). Ops compute float16 in float32 and round once more on store, which is how XLA's
// CPU backend evaluates half precision; for + − × ÷ and sqrt that double rounding is exact
// (float32's 24 bits are at least 2·11 + 2). float64 is a Float64Array and JS arithmetic.

export type DType = "float16" | "float32" | "float64" | "int32" | "uint32" | "bool";
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "int32", "uint32", "bool", "float16", "float64"];

/** Storage constructor per dtype: bool is one byte per element holding 0 or 1; float16 see above. */
export const STORAGE = {
  float16: Float32Array,
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint32: Uint32Array,
  bool: Uint8Array,
} as const;

/** Bytes per element as NumPy counts them (float16 is 2 though stored in 4 here). */
export const ITEMSIZE: Record<DType, number> = { float16: 2, float32: 4, float64: 8, int32: 4, uint32: 4, bool: 1 };

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function checkDType(x: unknown, op: string): DType {
  if (!isDType(x)) throw new TypeError(`${op}: unknown dtype ${JSON.stringify(x)} (expected one of ${DTYPES.join(", ")})`);
  return x;
}

export function alloc(dtype: DType, size: number): TypedArray {
  try {
    return new STORAGE[dtype](size);
  } catch (e) {
    // (the engine says only "Invalid typed array length")
    if (e instanceof RangeError) throw new RangeError(`cannot allocate an Array of ${size} ${dtype} elements (${size * ITEMSIZE[dtype]} bytes): too large, or not a whole number of elements`);
    throw e;
  }
}

export const isFloat = (d: DType) => d === "float32" || d === "float64" || d === "float16";
export const isInt = (d: DType) => d === "int32" || d === "uint32";

/** The float dtype an inexact op (divide, exp, mean, …) computes in: floats keep theirs, the rest float32. */
export function toInexact(d: DType): DType {
  return isFloat(d) ? d : "float32";
}

// ---- float16 rounding ----------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 nearest x (ties to even), as a number: overflow gives ±inf, NaN stays NaN. */
export function roundF16(x: number): number {
  const a = Math.abs(x);
  if (!(a < 65520)) return x !== x ? x : x < 0 ? -Infinity : Infinity; // ≥ 65520 rounds past 65504
  if (a < 6.103515625e-5) {
    // below 2^-14: float16 subnormals, multiples of 2^-24 (Math.round is ties-up: fix ties to even)
    const v = a * 16777216;
    let r = Math.round(v);
    if (r - v === 0.5 && r % 2 !== 0) r -= 1;
    const m = r / 16777216;
    return x < 0 || Object.is(x, -0) ? -m : m;
  }
  // normal: keep 10 of float32's 23 mantissa bits, ties to even
  f32[0] = x;
  let b = u32[0];
  if ((b & 0x1fff) === 0x1000 && f32[0] !== x) {
    // float32 rounding landed x on a float16 tie: x itself was on one side of it
    b = a > Math.abs(f32[0]) ? (b + 0x1000) & ~0x1fff : b & ~0x1fff;
  } else b = (b + 0xfff + ((b >>> 13) & 1)) & ~0x1fff;
  u32[0] = b;
  return f32[0];
}

/** Rounds a float16 Array's float32 storage in place. */
export function roundF16InPlace(d: Float32Array | Float64Array): void {
  for (let i = 0; i < d.length; i++) d[i] = roundF16(d[i]);
}

/** The IEEE binary16 bits of a float16 value (safetensors' F16). */
export function f16Bits(x: number): number {
  const v = roundF16(x);
  f32[0] = v;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const e = ((b >>> 23) & 0xff) - 127;
  if (e === 128) return sign | 0x7c00 | ((b & 0x7fffff) !== 0 ? 0x200 : 0);
  if (e >= -14) return sign | ((e + 15) << 10) | ((b >>> 13) & 0x3ff);
  return sign | Math.round(Math.abs(v) * 16777216); // subnormal (or zero)
}

/** The value of IEEE binary16 bits. */
export function f16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  if (e === 0) return sign * m * 2 ** -24;
  return sign * (1024 + m) * 2 ** (e - 25);
}

// ---- promotion -------------------------------------------------------------------------------

/**
 * JAX's lattice restricted to our dtypes: bool < {int32, uint32} < float16 < float32 < float64.
 * JAX promotes int32 with uint32 to int64, which without x64 is truncated to int32; we do the same.
 */
const RANK: Record<DType, number> = { bool: 0, uint32: 1, int32: 1, float16: 2, float32: 3, float64: 4 };

export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ra = RANK[a], rb = RANK[b];
  if (ra === 1 && rb === 1) return "int32";
  return ra > rb ? a : b;
}

/**
 * A weakly typed value: a JS number, or an Array with weakType set (JAX's i* and f*). In the
 * lattice a weak int sits just above bool and a weak float just below float16, so a weak value
 * never widens a strong one: `f16 + 2.5` is float16, `int32 + 2` is int32, `int32 + 2.5` is a
 * weak float32, `bool + 2` a weak int32.
 */
export type WeakKind = "int" | "float";

/** The join of a strong dtype with a weak int or float: the dtype, and whether it stays weak. */
export function joinWeak(strong: DType, weak: WeakKind): { dtype: DType; weak: boolean } {
  if (weak === "int") return strong === "bool" ? { dtype: "int32", weak: true } : { dtype: strong, weak: false };
  return isFloat(strong) ? { dtype: strong, weak: false } : { dtype: "float32", weak: true };
}

/** The weak kind of a weakly typed Array's dtype (weak bool does not exist: it reads as int). */
export function weakKindOf(d: DType): WeakKind {
  return isFloat(d) ? "float" : "int";
}

/** One operand of a promotion: its dtype (null for a JS number) and its weak kind (null: strong). */
export interface Promoted {
  readonly dtype: DType | null;
  readonly weak: WeakKind | null;
}

/**
 * JAX's promotion of several operands: strong dtypes join, then weak values (JS numbers and
 * weakly typed Arrays) adjust; the result is weak when no operand was strong (then a weak float32,
 * or the weak Arrays' own dtype). The one rule elementwise ops, products and resultType use.
 */
export function promoteAll(ops: readonly Promoted[]): { dtype: DType; weak: boolean } {
  let strong: DType | null = null;
  let weak: WeakKind | null = null;
  let weakDtype: DType | null = null; // the join of weak Arrays' own dtypes, for an all-weak result
  for (const o of ops) {
    if (o.weak === null) {
      const d = o.dtype ?? "bool";
      strong = strong === null ? d : promoteTypes(strong, d);
    } else {
      if (weak !== "float") weak = o.weak;
      if (o.dtype !== null) weakDtype = weakDtype === null ? o.dtype : promoteTypes(weakDtype, o.dtype);
    }
  }
  if (strong === null) {
    const d = weak === "float" ? (weakDtype !== null && isFloat(weakDtype) ? weakDtype : "float32") : (weakDtype ?? "float32");
    return { dtype: d, weak: true };
  }
  return weak === null ? { dtype: strong, weak: false } : joinWeak(strong, weak);
}

/** The weak kind of a JS value (a boolean is a strong bool). */
export function weakKindOfValue(x: number | boolean): WeakKind | null {
  return typeof x === "boolean" ? null : Number.isInteger(x) ? "int" : "float";
}

/**
 * A JS number is weakly typed, like a Python scalar in JAX: it takes the other operand's dtype,
 * except that it lifts bool to int32 (an integral number) or float32 (a fractional one), and
 * an int dtype to float32 when the number is fractional (`intArray * 1.5` is float32).
 */
export function promoteWeak(strong: DType, weak: number | boolean): DType {
  if (typeof weak === "boolean") return strong;
  return joinWeak(strong, Number.isInteger(weak) ? "int" : "float").dtype;
}

/** The dtype a lone JS value takes (jnp.array(2) is float32: JS has one number type). */
export function dtypeOfScalar(x: number | boolean): DType {
  return typeof x === "boolean" ? "bool" : "float32";
}

/**
 * Convert one value to what storing it in `dtype` gives (JAX's astype): floats truncate toward
 * zero and saturate at the integer range (NaN gives 0); integers wrap between int32 and uint32.
 */
export function castScalar(x: number, dtype: DType): number {
  switch (dtype) {
    case "float32":
      return Math.fround(x);
    case "float64":
      return x;
    case "float16":
      return roundF16(x);
    case "int32":
    case "uint32": {
      if (Number.isNaN(x)) return 0;
      const t = Math.trunc(x);
      if (t === x && t >= -2147483648 && t <= 4294967295) return dtype === "int32" ? t | 0 : t >>> 0;
      const [lo, hi] = dtype === "int32" ? [-2147483648, 2147483647] : [0, 4294967295];
      return Math.min(hi, Math.max(lo, t));
    }
    case "bool":
      return x !== 0 ? 1 : 0; // NaN is true, as in NumPy and JAX
  }
}
