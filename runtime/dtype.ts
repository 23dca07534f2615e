// Dtypes, their storage, and JAX's promotion lattice (with JS numbers weakly typed).

export type DType = "float32" | "int32" | "uint32" | "bool";
export type TypedArray = Float32Array | Int32Array | Uint32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "int32", "uint32", "bool"];

/** Storage constructor per dtype: bool is one byte per element holding 0 or 1. */
export const STORAGE = {
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  bool: Uint8Array,
} as const;

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
    if (e instanceof RangeError) throw new RangeError(`cannot allocate an Array of ${size} ${dtype} elements (${size * STORAGE[dtype].BYTES_PER_ELEMENT} bytes): too large, or not a whole number of elements`);
    throw e;
  }
}

export const isFloat = (d: DType) => d === "float32";
export const isInt = (d: DType) => d === "int32" || d === "uint32";

/**
 * Promotion of two strong dtypes, as JAX's lattice restricted to our four:
 * bool < {int32, uint32} < float32. JAX promotes int32 with uint32 to int64, which without
 * x64 is truncated to int32; we do the same.
 */
const STRONG: Record<DType, Record<DType, DType>> = {
  bool: { bool: "bool", int32: "int32", uint32: "uint32", float32: "float32" },
  int32: { bool: "int32", int32: "int32", uint32: "int32", float32: "float32" },
  uint32: { bool: "uint32", int32: "int32", uint32: "uint32", float32: "float32" },
  float32: { bool: "float32", int32: "float32", uint32: "float32", float32: "float32" },
};

export function promoteTypes(a: DType, b: DType): DType {
  return STRONG[a][b];
}

/**
 * A JS number is weakly typed, like a Python scalar in JAX: it takes the other operand's dtype,
 * except that it lifts bool to int32 (an integral number) or float32 (a fractional one), and
 * an int dtype to float32 when the number is fractional (`intArray * 1.5` is float32).
 */
export function promoteWeak(strong: DType, weak: number | boolean): DType {
  if (typeof weak === "boolean") return strong;
  const integral = Number.isInteger(weak);
  if (strong === "bool") return integral ? "int32" : "float32";
  if (isInt(strong)) return integral ? strong : "float32";
  return strong;
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
