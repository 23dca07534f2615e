// Printing arrays the way NumPy 2.x and JAX do, character for character.
//
//   str(a)   is NumPy's `str(np_array)` with the default print options (precision 8,
//            threshold 1000, edgeitems 3, linewidth 75, floatmode 'maxprec', sign '-').
//   repr(a)  is JAX's `Array.__repr__`: `Array([1., 2.], dtype=float32)`.
//   formatFloat32(x) is NumPy's `str(np.float32(x))`: the shortest decimal that round-trips
//            through float32.
//
// The file mirrors numpy/_core/arrayprint.py and numpy's dragon4.c, in three parts:
//   1. digits:  Dragon4 (exact, BigInt) and its positional / scientific renderers;
//   2. values:  the per-dtype element formatters (FloatingFormat, IntegerFormat, BoolFormat),
//               picked as numpy's _get_format_function does;
//   3. layout:  array2string / _formatArray (nesting, wrapping, summarisation) and the
//               str / repr entry points.
//
// It depends on nothing but the shape of an array ({ data, shape, dtype }), so array.ts can
// import it without a cycle.

import type { DType } from "./dtype.js";
import { roundF16 } from "./dtype.js";

/** What the printer needs of an array: row-major storage, a shape and a dtype. */
export interface Printable {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** JAX's repr adds `weak_type=True`. */
  readonly weakType?: boolean;
}

// NumPy's default print options (np.get_printoptions()).
const PRECISION = 8;
const THRESHOLD = 1000;
const EDGEITEMS = 3;
const LINEWIDTH = 75;

// ---------------------------------------------------------------------------------------------
// 1. Digits: a port of numpy's Dragon4 (dragon4.c) for IEEE binary32.
// ---------------------------------------------------------------------------------------------

/**
 * Trailing-zero handling, as numpy's `trim` argument:
 * 'k' keep everything, '.' trim zeros but keep the point, '0' trim all but one zero after the
 * point, '-' trim zeros and the point.
 */
type Trim = "k" | "." | "0" | "-";

const LOG10_2 = 0.30102999566398119521373889472449;
/** Dragon4's output buffer bound (numpy's 16384-byte scratch, less the terminator). */
const BUFFER_SIZE = 16383;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new Uint32Array(f64.buffer);

/** The float dtypes, by which the printer picks digits and cutoffs. */
export type FloatKind = "float16" | "float32" | "float64";

/** A float value taken apart: value = mantissa * 2^exponent (mantissa < 2^53, exact as a number). */
interface FloatParts {
  negative: boolean;
  /** Exponent field is all ones: infinity (mantissa 0) or NaN. */
  special: boolean;
  mantissa: number;
  exponent: number;
  mantissaBit: number;
  hasUnequalMargins: boolean;
}

const SPECIAL = (negative: boolean, nan: boolean): FloatParts => ({ negative, special: true, mantissa: nan ? 1 : 0, exponent: 0, mantissaBit: 0, hasUnequalMargins: false });

function float32Parts(x: number): FloatParts {
  f32[0] = x;
  const bits = u32[0];
  const floatMantissa = bits & 0x7fffff;
  const floatExponent = (bits >>> 23) & 0xff;
  const negative = bits >>> 31 !== 0;
  if (floatExponent === 0xff) {
    return { negative, special: true, mantissa: floatMantissa, exponent: 0, mantissaBit: 0, hasUnequalMargins: false };
  }
  if (floatExponent !== 0) {
    return {
      negative,
      special: false,
      mantissa: (1 << 23) | floatMantissa,
      exponent: floatExponent - 127 - 23,
      mantissaBit: 23,
      hasUnequalMargins: floatExponent !== 1 && floatMantissa === 0,
    };
  }
  // Subnormal (or zero).
  return {
    negative,
    special: false,
    mantissa: floatMantissa,
    exponent: 1 - 127 - 23,
    mantissaBit: floatMantissa === 0 ? 0 : 31 - Math.clz32(floatMantissa),
    hasUnequalMargins: false,
  };
}

/** A float16 value (held in a number) taken apart as numpy's Dragon4_PrintFloat_IEEE_binary16 does. */
function float16Parts(x: number): FloatParts {
  f32[0] = x;
  const bits = u32[0];
  const negative = bits >>> 31 !== 0;
  const e32 = (bits >>> 23) & 0xff;
  if (e32 === 0xff) return SPECIAL(negative, (bits & 0x7fffff) !== 0);
  const e = e32 - 127;
  if (e >= -14) {
    const frac = (bits >>> 13) & 0x3ff;
    return { negative, special: false, mantissa: (1 << 10) | frac, exponent: e - 10, mantissaBit: 10, hasUnequalMargins: e !== -14 && frac === 0 };
  }
  const m = Math.round(Math.abs(x) * 16777216); // subnormal: a multiple of 2^-24
  return { negative, special: false, mantissa: m, exponent: -24, mantissaBit: m === 0 ? 0 : 31 - Math.clz32(m), hasUnequalMargins: false };
}

function float64Parts(x: number): FloatParts {
  f64[0] = x;
  const lo = u64[0], hi = u64[1];
  const negative = hi >>> 31 !== 0;
  const fe = (hi >>> 20) & 0x7ff;
  const fm = (hi & 0xfffff) * 4294967296 + lo;
  if (fe === 0x7ff) return SPECIAL(negative, fm !== 0);
  if (fe !== 0) return { negative, special: false, mantissa: 4503599627370496 + fm, exponent: fe - 1075, mantissaBit: 52, hasUnequalMargins: fe !== 1 && fm === 0 };
  return { negative, special: false, mantissa: fm, exponent: -1074, mantissaBit: fm === 0 ? 0 : Math.floor(Math.log2(fm)), hasUnequalMargins: false };
}

const PARTS: Record<FloatKind, (x: number) => FloatParts> = { float16: float16Parts, float32: float32Parts, float64: float64Parts };

/**
 * numpy's Dragon4(): the decimal digits of mantissa * 2^exponent and the base-10 exponent of
 * the first digit. `unique` selects the shortest digits that identify the value among float32s
 * (DigitMode_Unique) instead of the exact expansion; `fractional` makes the cutoffs count
 * digits after the decimal point (CutoffMode_FractionLength) rather than significant digits.
 * cutoffMax / cutoffMin are -1 when absent.
 */
function dragon4(
  p: FloatParts,
  unique: boolean,
  fractional: boolean,
  cutoffMax: number,
  cutoffMin: number,
  bufferSize: number,
): { digits: string; exp10: number } {
  const { mantissa, exponent, mantissaBit, hasUnequalMargins } = p;
  if (mantissa === 0) return { digits: "0", exp10: 0 };
  const isEven = mantissa % 2 === 0;
  const m = BigInt(mantissa);

  // value = scaledValue / scale; the margins are half the distance to the neighbours.
  let scaledValue: bigint;
  let scale: bigint;
  let marginLow: bigint;
  if (hasUnequalMargins) {
    if (exponent > 0) {
      scaledValue = m << BigInt(exponent + 2);
      scale = 4n;
      marginLow = 1n << BigInt(exponent);
    } else {
      scaledValue = m << 2n;
      scale = 1n << BigInt(-exponent + 2);
      marginLow = 1n;
    }
  } else if (exponent > 0) {
    scaledValue = m << BigInt(exponent + 1);
    scale = 2n;
    marginLow = 1n << BigInt(exponent);
  } else {
    scaledValue = m << 1n;
    scale = 1n << BigInt(-exponent + 1);
    marginLow = 1n;
  }
  const marginHigh = (): bigint => (hasUnequalMargins ? marginLow * 2n : marginLow);

  // Estimate of floor(log10(v)) + 1, correct or one too low (as numpy computes it).
  let digitExponent = Math.ceil((mantissaBit + exponent) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && fractional && digitExponent <= -cutoffMax) digitExponent = -cutoffMax + 1;

  if (digitExponent > 0) {
    scale *= 10n ** BigInt(digitExponent);
  } else if (digitExponent < 0) {
    const pow10 = 10n ** BigInt(-digitExponent);
    scaledValue *= pow10;
    marginLow *= pow10;
  }
  if (scaledValue >= scale) {
    digitExponent += 1;
  } else {
    scaledValue *= 10n;
    marginLow *= 10n;
  }

  let cutoffMaxExponent = digitExponent - bufferSize;
  if (cutoffMax >= 0) {
    const desired = fractional ? -cutoffMax : digitExponent - cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = fractional ? -cutoffMin : digitExponent - cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  let exp10 = digitExponent - 1;

  const out: number[] = [];
  let outputDigit: number;
  let low: boolean;
  let high: boolean;
  if (unique) {
    for (;;) {
      digitExponent -= 1;
      const q = scaledValue / scale;
      outputDigit = Number(q);
      scaledValue -= q * scale;
      const cmpLow = scaledValue < marginLow ? -1 : scaledValue > marginLow ? 1 : 0;
      low = isEven ? cmpLow <= 0 : cmpLow < 0;
      const valueHigh = scaledValue + marginHigh();
      const cmpHigh = valueHigh < scale ? -1 : valueHigh > scale ? 1 : 0;
      high = isEven ? cmpHigh >= 0 : cmpHigh > 0;
      if (((low || high) && digitExponent <= cutoffMinExponent) || digitExponent === cutoffMaxExponent) break;
      out.push(outputDigit);
      scaledValue *= 10n;
      marginLow *= 10n;
    }
  } else {
    low = false;
    high = false;
    for (;;) {
      digitExponent -= 1;
      const q = scaledValue / scale;
      outputDigit = Number(q);
      scaledValue -= q * scale;
      if (scaledValue === 0n || digitExponent === cutoffMaxExponent) break;
      out.push(outputDigit);
      scaledValue *= 10n;
    }
  }

  // Round the final digit: down if the value got too close to 0, else to nearest (ties even).
  let roundDown = low;
  if (low === high) {
    const twice = scaledValue * 2n;
    roundDown = twice < scale;
    if (twice === scale) roundDown = (outputDigit & 1) === 0;
  }
  if (roundDown) {
    out.push(outputDigit);
  } else if (outputDigit === 9) {
    // Carry: drop trailing nines and bump the first digit that is not a nine.
    for (;;) {
      if (out.length === 0) {
        out.push(1);
        exp10 += 1;
        break;
      }
      const d = out.pop()!;
      if (d !== 9) {
        out.push(d + 1);
        break;
      }
    }
  } else {
    out.push(outputDigit + 1);
  }
  return { digits: out.join(""), exp10 };
}

interface PositionalOpts {
  /** The float dtype whose shortest round-tripping digits `unique` gives (float32 by default). */
  kind?: FloatKind;
  precision?: number;
  minDigits?: number;
  unique?: boolean;
  fractional?: boolean;
  trim?: Trim;
  sign?: boolean;
  padLeft?: number;
  padRight?: number;
}

/** numpy's dragon4_positional (format_float_positional) for a float16/32/64 value (opts.kind). */
export function formatPositional(x: number, opts: PositionalOpts = {}): string {
  const {
    precision = -1,
    minDigits = -1,
    unique = true,
    fractional = false,
    trim = "k",
    sign = false,
    padLeft = -1,
    padRight = -1,
  } = opts;
  const p = PARTS[opts.kind ?? "float32"](x);
  const signStr = p.negative ? "-" : sign ? "+" : "";
  if (p.special) return infNan(p, signStr);
  const hasSign = signStr.length;

  const { digits, exp10 } = dragon4(p, unique, fractional, precision, minDigits, BUFFER_SIZE - hasSign);
  let body: string;
  let numWholeDigits: number;
  let numFractionDigits = 0;
  if (exp10 >= 0) {
    numWholeDigits = exp10 + 1;
    if (digits.length <= numWholeDigits) {
      body = digits + "0".repeat(numWholeDigits - digits.length);
    } else {
      numFractionDigits = digits.length - numWholeDigits;
      body = digits.slice(0, numWholeDigits) + "." + digits.slice(numWholeDigits);
    }
  } else {
    const numFractionZeros = -(exp10 + 1);
    body = "0." + "0".repeat(numFractionZeros) + digits;
    numFractionDigits = digits.length + numFractionZeros;
    numWholeDigits = 1;
  }

  // Always add the decimal point, except in DptZeros mode.
  if (trim !== "-" && numFractionDigits === 0) body += ".";

  const addDigits = unique ? minDigits : precision;
  let desiredFractionalDigits = addDigits < 0 ? 0 : addDigits;
  if (!fractional) desiredFractionalDigits = addDigits - numWholeDigits;

  if (trim === "0") {
    if (numFractionDigits === 0) {
      body += "0";
      numFractionDigits++;
    }
  } else if (trim === "k" && desiredFractionalDigits > numFractionDigits) {
    const count = desiredFractionalDigits - numFractionDigits;
    body += "0".repeat(count);
    numFractionDigits += count;
  }

  // Rounding may still leave trailing zeros: trim them as asked.
  if (trim !== "k" && numFractionDigits > 0) {
    let end = body.length;
    while (body[end - 1] === "0") {
      end--;
      numFractionDigits--;
    }
    body = body.slice(0, end);
    if (body.endsWith(".")) {
      if (trim === "0") {
        body += "0";
        numFractionDigits++;
      } else if (trim === "-") {
        body = body.slice(0, -1);
      }
    }
  }

  let s = signStr + body;
  if (padRight >= numFractionDigits) {
    if (trim === "-" && numFractionDigits === 0) s += " ";
    s += " ".repeat(padRight - numFractionDigits);
  }
  if (padLeft > numWholeDigits + hasSign) s = " ".repeat(padLeft - (numWholeDigits + hasSign)) + s;
  return s;
}

interface ScientificOpts {
  kind?: FloatKind;
  precision?: number;
  minDigits?: number;
  unique?: boolean;
  trim?: Trim;
  sign?: boolean;
  padLeft?: number;
  expDigits?: number;
}

/** numpy's dragon4_scientific (format_float_scientific) for a float16/32/64 value (opts.kind). */
export function formatScientific(x: number, opts: ScientificOpts = {}): string {
  const { precision = -1, minDigits = -1, unique = true, trim = "k", sign = false, padLeft = -1 } = opts;
  let { expDigits = -1 } = opts;
  const p = PARTS[opts.kind ?? "float32"](x);
  const signStr = p.negative ? "-" : sign ? "+" : "";
  if (p.special) return infNan(p, signStr);

  const leftChars = 1 + signStr.length;
  let s = padLeft > leftChars ? " ".repeat(padLeft - leftChars) : "";
  s += signStr;

  const { digits, exp10 } = dragon4(
    p,
    unique,
    false,
    precision < 0 ? -1 : precision + 1,
    minDigits < 0 ? -1 : minDigits + 1,
    BUFFER_SIZE - signStr.length,
  );
  let body = digits[0];
  let numFractionDigits = digits.length - 1;
  if (numFractionDigits > 0) body += "." + digits.slice(1);
  if (trim !== "-" && numFractionDigits === 0) body += ".";

  const addDigits = Math.max(unique ? minDigits : precision, 0);
  if (trim === "0") {
    if (numFractionDigits === 0) {
      body += "0";
      numFractionDigits++;
    }
  } else if (trim === "k" && addDigits > numFractionDigits) {
    body += "0".repeat(addDigits - numFractionDigits);
    numFractionDigits = addDigits;
  }

  if (trim !== "k" && numFractionDigits > 0) {
    let end = body.length;
    while (body[end - 1] === "0") {
      end--;
      numFractionDigits--;
    }
    body = body.slice(0, end);
    if (trim === "0" && body.endsWith(".")) {
      body += "0";
      numFractionDigits++;
    }
  }

  if (expDigits > 5) expDigits = 5;
  if (expDigits < 0) expDigits = 2;
  const e = Math.abs(exp10);
  const expStr = String(e).padStart(expDigits, "0");
  return s + body + "e" + (exp10 >= 0 ? "+" : "-") + expStr;
}

function infNan(p: FloatParts, signStr: string): string {
  // Only infinities carry a sign (a NaN's sign bit is ignored).
  return p.mantissa === 0 ? signStr + "inf" : "nan";
}

/**
 * NumPy's `str(np.float32(x))`: the shortest decimal that round-trips through float32,
 * positional for 1e-4 <= |x| < 1e6 (and 0) as `0.1` / `1.0`, scientific otherwise as
 * `1e-07` / `1.5e+20`; `nan`, `inf`, `-inf`.
 */
export function formatFloat32(x: number): string {
  return formatFloat(x, "float32");
}

/** Rounds a number to the float dtype (the printer's comparisons are made in it, as NumPy's are). */
const ROUND: Record<FloatKind, (x: number) => number> = { float16: roundF16, float32: Math.fround, float64: (x) => x };

/**
 * Scalars print positionally below this magnitude (NumPy 2's scalar repr: 1e3 for float16, 1e6
 * for float32, 1e16 for float64), arrays below 10 ** min(8, finfo(dtype).precision).
 */
const SCALAR_CUTOFF: Record<FloatKind, number> = { float16: 1e3, float32: 1e6, float64: 1e16 };
const ARRAY_CUTOFF: Record<FloatKind, number> = { float16: 1e3, float32: 1e6, float64: 1e8 };

/** NumPy's `str(np.float16(x))` / `str(np.float32(x))` / `str(np.float64(x))`. */
export function formatFloat(x: number, kind: FloatKind): string {
  const v = ROUND[kind](x);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v < 0 ? "-inf" : "inf";
  const abs = Math.abs(v);
  // numpy compares in extended precision: the float32 nearest 1e-4 is below 1e-4.
  if (v === 0 || (abs < SCALAR_CUTOFF[kind] && abs >= 1e-4)) return formatPositional(v, { trim: "0", kind });
  return formatScientific(v, { trim: "-", kind });
}

// ---------------------------------------------------------------------------------------------
// 2. Values: the element formatters, chosen by dtype (numpy's _get_format_function).
// ---------------------------------------------------------------------------------------------

type Formatter = (x: number) => string;


/** numpy's FloatingFormat in 'maxprec' mode with sign '-' and suppress_small False. */
function floatingFormat(data: readonly number[], kind: FloatKind): Formatter {
  const round = ROUND[kind];
  const finite = data.filter((v) => Number.isFinite(v));

  // Scientific notation is decided on the non-zero finite magnitudes.
  let expFormat = false;
  let maxVal = -Infinity;
  let minVal = Infinity;
  for (const v of finite) {
    if (v === 0) continue;
    const a = Math.abs(v);
    if (a > maxVal) maxVal = a;
    if (a < minVal) minVal = a;
  }
  if (maxVal !== -Infinity) {
    // NumPy 2 compares `min_val < 0.0001` in the dtype (the float32 nearest 1e-4 is below 1e-4),
    // and max / min is a division in the dtype (it may overflow to inf).
    expFormat = maxVal >= ARRAY_CUTOFF[kind] || minVal < round(1e-4) || round(maxVal / minVal) > 1000;
  }

  let precision = PRECISION;
  let minDigits = 0;
  let trim: Trim = ".";
  let padLeft = 0;
  let padRight = 0;
  let expSize = -1;
  if (finite.length === 0) {
    // Only non-finite values: nothing to measure.
  } else if (expFormat) {
    let maxFrac = 0;
    let maxInt = 0;
    let maxExp = 0;
    for (const v of finite) {
      const s = formatScientific(v, { precision: PRECISION, unique: true, trim: ".", kind });
      const e = s.indexOf("e");
      const mant = s.slice(0, e);
      const dot = mant.indexOf(".");
      maxInt = Math.max(maxInt, dot);
      maxFrac = Math.max(maxFrac, mant.length - dot - 1);
      maxExp = Math.max(maxExp, s.length - e - 1);
    }
    expSize = maxExp - 1;
    trim = "k";
    precision = maxFrac;
    minDigits = maxFrac;
    padLeft = maxInt;
    padRight = expSize + 2 + precision;
  } else {
    for (const v of finite) {
      const s = formatPositional(v, { precision: PRECISION, unique: true, fractional: true, trim: ".", kind });
      const dot = s.indexOf(".");
      padLeft = Math.max(padLeft, dot);
      padRight = Math.max(padRight, s.length - dot - 1);
    }
    trim = ".";
    minDigits = 0;
  }

  // Non-finite values may need a wider integer part.
  if (data.length !== finite.length) {
    const neginf = data.some((v) => v === -Infinity) ? 1 : 0;
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + neginf - offset);
  }

  return (x: number): string => {
    if (!Number.isFinite(x)) {
      const ret = Number.isNaN(x) ? "nan" : x < 0 ? "-inf" : "inf";
      return " ".repeat(Math.max(0, padLeft + padRight + 1 - ret.length)) + ret;
    }
    if (expFormat) {
      return formatScientific(x, { precision, minDigits, unique: true, trim, padLeft, expDigits: expSize, kind });
    }
    return formatPositional(x, { precision, minDigits, unique: true, fractional: true, trim, padLeft, padRight, kind });
  };
}

/** numpy's IntegerFormat: right-aligned to the widest of str(max), str(min). */
function integerFormat(data: readonly number[]): Formatter {
  let width = 0;
  if (data.length > 0) {
    let max = -Infinity;
    let min = Infinity;
    for (const v of data) {
      if (v > max) max = v;
      if (v < min) min = v;
    }
    width = Math.max(String(max).length, String(min).length);
  }
  return (x: number): string => String(x).padStart(width, " ");
}

/** numpy's BoolFormat: ' True' lines up with 'False', except in a 0-d array. */
function boolFormat(is0d: boolean): Formatter {
  const trueStr = is0d ? "True" : " True";
  return (x: number): string => (x ? trueStr : "False");
}

function getFormatFunction(dtype: DType, data: readonly number[], is0d: boolean): Formatter {
  switch (dtype) {
    case "bool":
      return boolFormat(is0d);
    case "int32":
    case "uint32":
      return integerFormat(data);
    case "float16":
    case "float32":
    case "float64":
      return floatingFormat(data, dtype);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Layout: array2string and _formatArray.
// ---------------------------------------------------------------------------------------------

function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** The elements numpy's _leading_trailing keeps: edgeitems from each end of every long axis. */
function leadingTrailing(a: Printable, strides: readonly number[], edgeitems: number): number[] {
  const out: number[] = [];
  const { shape, data } = a;
  const walk = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      out.push(data[offset]);
      return;
    }
    const n = shape[axis];
    if (n > 2 * edgeitems) {
      for (let i = 0; i < edgeitems; i++) walk(axis + 1, offset + i * strides[axis]);
      for (let i = n - edgeitems; i < n; i++) walk(axis + 1, offset + i * strides[axis]);
    } else {
      for (let i = 0; i < n; i++) walk(axis + 1, offset + i * strides[axis]);
    }
  };
  walk(0, 0);
  return out;
}

/** numpy's _extendLine (the non-legacy form); returns the new [s, line]. */
function extendLine(
  s: string,
  line: string,
  word: string,
  lineWidth: number,
  nextLinePrefix: string,
): [string, string] {
  let needsWrap = line.length + word.length > lineWidth;
  // Don't wrap lines if it won't help.
  if (line.length <= nextLinePrefix.length) needsWrap = false;
  if (needsWrap) {
    s += line.trimEnd() + "\n";
    line = nextLinePrefix;
  }
  return [s, line + word];
}

/** numpy's _formatArray: nested brackets, row wrapping and `...` summaries. */
function formatArray(
  a: Printable,
  format: Formatter,
  lineWidth: number,
  nextLinePrefix: string,
  separator: string,
  edgeItems: number,
  summaryInsert: string,
): string {
  const { shape, data } = a;
  const ndim = shape.length;
  const strides = stridesOf(shape);
  const sepTrim = separator.trimEnd();

  const recurser = (axis: number, offset: number, hangingIndent: string, currWidth: number): string => {
    const axesLeft = ndim - axis;
    if (axesLeft === 0) return format(data[offset]);

    // When recursing, add a space to align with the [ added, and shrink the line by one.
    const nextHangingIndent = hangingIndent + " ";
    const nextWidth = currWidth - 1;

    const aLen = shape[axis];
    const stride = strides[axis];
    const showSummary = summaryInsert !== "" && 2 * edgeItems < aLen;
    const leadingItems = showSummary ? edgeItems : 0;
    const trailingItems = showSummary ? edgeItems : aLen;
    const child = (i: number): string => recurser(axis + 1, offset + i * stride, nextHangingIndent, nextWidth);

    let s = "";
    if (axesLeft === 1) {
      // The last axis: wrap elements that would not fit on one line.
      const elemWidth = currWidth - Math.max(sepTrim.length, 1);
      let line = hangingIndent;
      for (let i = 0; i < leadingItems; i++) {
        [s, line] = extendLine(s, line, child(i), elemWidth, hangingIndent);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, summaryInsert, elemWidth, hangingIndent);
        line += separator;
      }
      for (let i = trailingItems; i > 1; i--) {
        [s, line] = extendLine(s, line, child(aLen - i), elemWidth, hangingIndent);
        line += separator;
      }
      [s, line] = extendLine(s, line, child(aLen - 1), elemWidth, hangingIndent);
      s += line;
    } else {
      // Other axes: newlines between rows (one blank line per extra axis).
      const lineSep = sepTrim + "\n".repeat(axesLeft - 1);
      for (let i = 0; i < leadingItems; i++) s += hangingIndent + child(i) + lineSep;
      if (showSummary) s += hangingIndent + summaryInsert + lineSep;
      for (let i = trailingItems; i > 1; i--) s += hangingIndent + child(aLen - i) + lineSep;
      s += hangingIndent + child(aLen - 1);
    }
    // Remove the hanging indent and wrap in [].
    return "[" + s.slice(hangingIndent.length) + "]";
  };

  return recurser(0, 0, nextLinePrefix, lineWidth);
}

/** numpy's np.array2string(a, separator=, prefix=, suffix=) with the default options. */
export function array2string(a: Printable, separator = " ", prefix = "", suffix = ""): string {
  const lineWidth = LINEWIDTH - suffix.length;
  const size = sizeOfShape(a.shape);
  // An array with a zero in its shape prints as a null array.
  if (size === 0) return "[]";

  const strides = stridesOf(a.shape);
  const summarise = size > THRESHOLD;
  const values = summarise ? leadingTrailing(a, strides, EDGEITEMS) : Array.from(a.data);
  const format = getFormatFunction(a.dtype, values, a.shape.length === 0);
  const nextLinePrefix = " " + " ".repeat(prefix.length);
  return formatArray(a, format, lineWidth, nextLinePrefix, separator, EDGEITEMS, summarise ? "..." : "");
}

/** A scalar as NumPy's `str` of the matching numpy scalar. */
function scalarStr(dtype: DType, x: number): string {
  switch (dtype) {
    case "float16":
    case "float32":
    case "float64":
      return formatFloat(x, dtype);
    case "bool":
      return x ? "True" : "False";
    case "int32":
    case "uint32":
      return String(x);
  }
}

/** NumPy's `str(np_array)`: `[-1.64406    1.4412102 -1.8369946]`; a 0-d array prints its scalar. */
export function str(a: Printable): string {
  if (a.shape.length === 0) return scalarStr(a.dtype, a.data[0]);
  return array2string(a, " ", "", "");
}

/** Python's repr of a shape tuple: `(3,)`, `(0, 3)`. */
function shapeTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * JAX's `Array.__repr__` (jax/_src/array.py):
 * `Array([-1.64406  ,  1.4412102, -1.8369946], dtype=float32)`, `Array(-2.307187, dtype=float32)`,
 * `Array([], shape=(0, 3), dtype=float32)`.
 */
export function repr(a: Printable): string {
  const prefix = "Array(";
  const dtypeStr = a.weakType ? `dtype=${a.dtype}, weak_type=True)` : `dtype=${a.dtype})`;
  const s =
    sizeOfShape(a.shape) === 0
      ? `[], shape=${shapeTuple(a.shape)}`
      : array2string(a, ", ", prefix, ",");
  // JAX's own arithmetic (len(s) - s.rfind('\n') + 1), quirks included.
  const lastLineLen = s.length - s.lastIndexOf("\n") + 1;
  const sep = lastLineLen + dtypeStr.length + 1 > LINEWIDTH ? " ".repeat(prefix.length) : " ";
  return `${prefix}${s},${sep}${dtypeStr}`;
}
