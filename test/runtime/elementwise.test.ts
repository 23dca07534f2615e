import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NDArray } from "../../runtime/array.js";
import type { ArrayLike } from "../../runtime/array.js";
import type { DType } from "../../runtime/dtype.js";
import { STORAGE } from "../../runtime/dtype.js";
import { array, zeros } from "../../runtime/numpy/creation.js";
import * as ew from "../../runtime/numpy/elementwise.js";

// ---------------------------------------------------------------------------------------------
// Helpers

type Enc = number | "nan" | "inf" | "-inf";
interface EncArray {
  dtype: DType;
  shape: number[];
  data: Enc[];
}
type EncArg = EncArray | { scalar: number | boolean };
interface Case {
  op: string;
  args: EncArg[];
  out: EncArray;
  cmp: "exact" | "ulp";
  signed_zero?: boolean;
  note?: string;
}

const dec = (v: Enc): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);

function decode(e: EncArray): NDArray {
  return new NDArray(STORAGE[e.dtype].from(e.data.map(dec)), e.shape, e.dtype);
}
function decodeArg(e: EncArg): ArrayLike {
  return "scalar" in e ? e.scalar : decode(e);
}

const f32 = new Float32Array(1);
const u32 = new Int32Array(f32.buffer);
/** float32 values on an integer line where adjacent floats differ by 1 (and −0 = +0). */
function ordered(x: number): number {
  f32[0] = x;
  const i = u32[0];
  return i < 0 ? -(i & 0x7fffffff) : i;
}
/** Distance in float32 ulps; both NaN is 0, one NaN is Infinity. */
function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(ordered(a) - ordered(b));
}

type Numbers = { readonly length: number; readonly [i: number]: number };

function mismatches(got: Numbers, want: Numbers, cmp: "exact" | "ulp", signedZero: boolean): string[] {
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    const ok =
      cmp === "ulp" ? ulpDistance(g, w) <= 4 : signedZero ? Object.is(g, w) : g === w || (Number.isNaN(g) && Number.isNaN(w));
    if (!ok) bad.push(`[${i}] got ${g} want ${w}`);
  }
  return bad;
}

const vals = (a: NDArray) => Array.from(a.data);
const f = (xs: readonly number[]) => new NDArray(Float32Array.from(xs), [xs.length], "float32");
const i32 = (xs: readonly number[]) => new NDArray(Int32Array.from(xs), [xs.length], "int32");
const u32a = (xs: readonly number[]) => new NDArray(Uint32Array.from(xs), [xs.length], "uint32");
const b = (xs: readonly boolean[]) => new NDArray(Uint8Array.from(xs, Number), [xs.length], "bool");

const OPS = ew as unknown as Record<string, (...args: ArrayLike[]) => NDArray>;

// ---------------------------------------------------------------------------------------------
// NumPy fixtures (test/fixtures/gen_elementwise.py)

const fixture = JSON.parse(readFileSync(new URL("../fixtures/elementwise.json", import.meta.url), "utf8")) as {
  cases: Case[];
};

describe("ulpDistance", () => {
  it("counts float32 steps", () => {
    expect(ulpDistance(1, 1)).toBe(0);
    expect(ulpDistance(1, 1 + 2 ** -23)).toBe(1);
    expect(ulpDistance(1, 1 - 2 ** -24)).toBe(1);
    expect(ulpDistance(-0, 0)).toBe(0);
    expect(ulpDistance(2 ** -149, -(2 ** -149))).toBe(2);
    expect(ulpDistance(NaN, NaN)).toBe(0);
    expect(ulpDistance(NaN, 1)).toBe(Infinity);
    expect(ulpDistance(3.4028234663852886e38, Infinity)).toBe(1);
  });
});

describe("against NumPy", () => {
  it("covers every elementwise op", () => {
    const covered = new Set(fixture.cases.map((c) => c.op));
    for (const op of [
      "add", "subtract", "multiply", "divide", "negative", "power", "square", "sqrt", "exp", "log",
      "log1p", "expm1", "tanh", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh",
      "cosh", "abs", "sign", "maximum", "minimum", "clip", "reciprocal", "equal", "notEqual", "less",
      "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr", "logicalNot", "where", "fma",
    ]) {
      expect(covered.has(op), op).toBe(true);
      expect(typeof OPS[op], op).toBe("function");
    }
  });

  const named = fixture.cases.map((c, i) => {
    const sig = c.args.map((a) => ("scalar" in a ? `scalar ${a.scalar}` : `${a.dtype}${JSON.stringify(a.shape)}`)).join(", ");
    return [`#${i} ${c.op}(${sig})${c.note ? ` ${c.note}` : ""}`, c] as const;
  });
  it.each(named)("%s", (_, c) => {
    const got = OPS[c.op](...c.args.map(decodeArg));
    expect(got).toBeInstanceOf(NDArray);
    expect(got.dtype).toBe(c.out.dtype);
    expect(got.shape).toEqual(c.out.shape);
    const want = c.out.data.map(dec);
    expect(mismatches(got.data, want, c.cmp, c.signed_zero ?? true)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Promotion

describe("dtype promotion (JAX, with JS numbers weakly typed)", () => {
  it("1 - boolArray is int32 [0, 0, 1, 0]", () => {
    const r = ew.subtract(1, b([true, true, false, true]));
    expect(r.dtype).toBe("int32");
    expect(vals(r)).toEqual([0, 0, 1, 0]);
  });
  it("float32 * bool is float32", () => {
    const r = ew.multiply(f([1.5, -2, 3]), b([true, false, true]));
    expect(r.dtype).toBe("float32");
    expect(vals(r)).toEqual([1.5, -0, 3]);
  });
  it("int32 + 1.5 is float32, int32 + 2 stays int32", () => {
    const r1 = ew.add(i32([1, -2]), 1.5);
    expect(r1.dtype).toBe("float32");
    expect(vals(r1)).toEqual([2.5, -0.5]);
    const r2 = ew.add(i32([1, -2]), 2);
    expect(r2.dtype).toBe("int32");
    expect(vals(r2)).toEqual([3, 0]);
  });
  it("two JS numbers give a float32 0-d array", () => {
    const r = ew.add(1, 2);
    expect(r.dtype).toBe("float32");
    expect(r.shape).toEqual([]);
    expect(r.item()).toBe(3);
    expect(ew.divide(1, 3).item()).toBe(Math.fround(1 / 3));
    const t = ew.tanh(2.0);
    expect([t.dtype, t.shape, t.item()]).toEqual(["float32", [], Math.fround(Math.tanh(2))]);
  });
  it("two JS booleans give bool; a boolean with a number gives a weak int32 or float32 (JAX's b1 + i*, b1 + f*)", () => {
    const r = ew.add(true, false);
    expect([r.dtype, r.item(), r.weakType]).toEqual(["bool", true, false]);
    expect([ew.add(true, 2).dtype, ew.add(true, 2).weakType, ew.add(true, 2).item()]).toEqual(["int32", true, 3]);
    expect([ew.add(true, 2.5).dtype, ew.add(true, 2.5).weakType]).toEqual(["float32", true]);
  });
  it("a weak float is rounded to float32 before the op (one rounding, as JAX)", () => {
    // 1 + (2^-24 + 2^-50): rounding the scalar first gives 1 + 2^-24, a tie that rounds to 1;
    // adding in float64 first would round up to 1 + 2^-23.
    expect(ew.add(f([1]), 2 ** -24 + 2 ** -50).item()).toBe(1);
    expect(ew.multiply(f([3]), 0.1).item()).toBe(Math.fround(3 * Math.fround(0.1)));
  });
  it("ints promote to float32 before the op, not after (int32 → float32 rounds)", () => {
    // 16777217 becomes 16777216 in float32, + 0.5 is a tie that stays 16777216
    expect(ew.add(i32([16777217]), 0.5).item()).toBe(16777216);
    expect(ew.add(i32([16777217]), f([0.5])).item()).toBe(16777216);
  });
  it("bool with bool: add is or, multiply is and, subtract is an error", () => {
    const x = b([true, true, false, false]);
    const y = b([true, false, true, false]);
    expect([ew.add(x, y).dtype, vals(ew.add(x, y))]).toEqual(["bool", [1, 1, 1, 0]]);
    expect([ew.multiply(x, y).dtype, vals(ew.multiply(x, y))]).toEqual(["bool", [1, 0, 0, 0]]);
    expect(() => ew.subtract(x, y)).toThrow(TypeError);
    expect(() => ew.subtract(x, y)).toThrow("subtract: does not accept dtype bool (got shapes (4,) and (4,))");
  });
  it("bool + weak bool stays bool; bool + weak int is int32; bool + weak float is float32", () => {
    const x = b([true, false]);
    expect([ew.add(x, true).dtype, vals(ew.add(x, true))]).toEqual(["bool", [1, 1]]);
    expect([ew.add(x, 1).dtype, vals(ew.add(x, 1))]).toEqual(["int32", [2, 1]]);
    expect([ew.add(x, 0.5).dtype, vals(ew.add(x, 0.5))]).toEqual(["float32", [1.5, 0.5]]);
  });
  it("int32 with uint32 is int32 (wrapping the uint32 operand)", () => {
    const r = ew.add(i32([1, 2]), u32a([4294967295, 3]));
    expect([r.dtype, vals(r)]).toEqual(["int32", [0, 5]]);
    expect(vals(ew.less(i32([0]), u32a([4294967295])))).toEqual([0]); // 4294967295 wraps to -1: 0 < -1 is false
  });
  it("lists convert like jnp.array (numbers: float32, booleans: bool)", () => {
    const r = ew.add([1, 2], [[10], [20]]);
    expect([r.dtype, r.shape, vals(r)]).toEqual(["float32", [2, 2], [11, 12, 21, 22]]);
    const l = ew.logicalOr([true, false], [false, false]);
    expect([l.dtype, vals(l)]).toEqual(["bool", [1, 0]]);
    expect(ew.add([true, false], [true, true]).dtype).toBe("bool");
  });
  it("divide is true division: ints and bools give float32", () => {
    const r = ew.divide(i32([7, -7, 1]), i32([2, 2, 0]));
    expect([r.dtype, vals(r)]).toEqual(["float32", [3.5, -3.5, Infinity]]);
    expect(ew.divide(b([true]), b([true])).dtype).toBe("float32");
  });
  it("transcendental functions and reciprocal promote ints and bools to float32", () => {
    for (const op of ["sqrt", "exp", "log", "tanh", "sin", "arctan", "reciprocal"]) {
      expect(OPS[op](i32([4])).dtype, op).toBe("float32");
      expect(OPS[op](b([true])).dtype, op).toBe("float32");
    }
    expect(ew.sqrt(i32([16, 2])).data).toEqual(Float32Array.from([4, Math.SQRT2]));
    expect(ew.arctan2(i32([1]), i32([1])).dtype).toBe("float32");
  });
  it("abs, sign, square, negative keep int dtypes; square lifts bool to int32", () => {
    expect(ew.abs(i32([-3])).dtype).toBe("int32");
    expect(ew.sign(i32([-3, 0, 5])).data).toEqual(Int32Array.from([-1, 0, 1]));
    expect(ew.square(u32a([70000])).data).toEqual(Uint32Array.from([(70000 * 70000) % 2 ** 32]));
    expect(ew.negative(u32a([1])).data).toEqual(Uint32Array.from([4294967295]));
    expect([ew.square(b([true, false])).dtype, vals(ew.square(b([true, false])))]).toEqual(["int32", [1, 0]]);
    expect([ew.abs(b([true, false])).dtype, vals(ew.abs(b([true, false])))]).toEqual(["bool", [1, 0]]);
  });
  it("comparisons give bool for every dtype", () => {
    expect([ew.less(f([1, 2]), 1.5).dtype, vals(ew.less(f([1, 2]), 1.5))]).toEqual(["bool", [1, 0]]);
    expect(vals(ew.greaterEqual(i32([1, 2]), 2))).toEqual([0, 1]);
    expect(vals(ew.equal(b([true, false]), true))).toEqual([1, 0]);
    expect(vals(ew.notEqual(f([NaN, 1]), f([NaN, 1])))).toEqual([1, 0]);
  });
  it("int32 arithmetic wraps", () => {
    expect(vals(ew.add(i32([2147483647]), 1))).toEqual([-2147483648]);
    expect(vals(ew.subtract(i32([-2147483648]), 1))).toEqual([2147483647]);
    expect(vals(ew.multiply(i32([65536, 123456789]), i32([65536, 1000])))).toEqual([0, Math.imul(123456789, 1000)]);
    expect(vals(ew.negative(i32([-2147483648])))).toEqual([-2147483648]);
    expect(vals(ew.abs(i32([-2147483648])))).toEqual([-2147483648]);
  });
  it("a weak integer out of the int dtype's range is an error (JAX's OverflowError)", () => {
    expect(() => ew.add(i32([1]), 3e9)).toThrow("add: number 3000000000 is out of range for int32");
    expect(() => ew.add(u32a([1]), -1)).toThrow("add: number -1 is out of range for uint32");
    expect(vals(ew.add(u32a([1]), 3e9))).toEqual([3000000001]);
  });
});

// ---------------------------------------------------------------------------------------------
// Individual op semantics

describe("power", () => {
  it("float ** float uses C's pow: pow(1, NaN) = 1, pow(-1, ±inf) = 1, pow(NaN, 0) = 1", () => {
    expect(vals(ew.power(f([1, -1, -1, NaN, 2, -8]), f([NaN, Infinity, -Infinity, 0, 0.5, 1 / 3])))).toEqual([
      1, 1, 1, 1, Math.fround(Math.SQRT2), NaN,
    ]);
  });
  it("int ** int is exact power by squaring, wrapping", () => {
    const r = ew.power(i32([3, -2, 2, 7, 0, 5]), i32([4, 3, 31, 0, 0, 1]));
    expect([r.dtype, vals(r)]).toEqual(["int32", [81, -8, -2147483648, 1, 1, 5]]);
    expect(vals(ew.power(i32([3]), 40))).toEqual([Number(BigInt.asIntN(32, 3n ** 40n))]);
    expect(vals(ew.power(u32a([3]), 21))).toEqual([Number(BigInt.asUintN(32, 3n ** 21n))]);
  });
  it("int ** weak float and float ** int promote to float32", () => {
    expect(ew.power(i32([4]), 0.5).dtype).toBe("float32");
    expect(ew.power(i32([4]), 0.5).item()).toBe(2);
    expect(ew.power(f([2]), i32([3])).item()).toBe(8);
    expect(ew.power(2, i32([3])).dtype).toBe("int32");
  });
  it("a negative integer exponent on ints throws (as NumPy; see power's doc)", () => {
    expect(() => ew.power(i32([2, 3]), i32([1, -1]))).toThrow(TypeError);
    expect(() => ew.power(i32([2]), -1)).toThrow("power: integers to negative integer powers are not allowed (exponent -1)");
    expect(ew.power(f([2]), -1).item()).toBe(0.5);
  });
});

describe("maximum / minimum / clip", () => {
  it("propagate NaN from either side", () => {
    expect(vals(ew.maximum(f([NaN, 1, 2]), f([1, NaN, 1])))).toEqual([NaN, NaN, 2]);
    expect(vals(ew.minimum(f([NaN, 1, 2]), f([1, NaN, 1])))).toEqual([NaN, NaN, 1]);
  });
  it("clip with both, one or no bounds", () => {
    const x = f([-2, -0.5, 0.5, 2, NaN]);
    expect(vals(ew.clip(x, -1, 1))).toEqual([-1, -0.5, 0.5, 1, NaN]);
    expect(vals(ew.clip(x, 0))).toEqual([0, 0, 0.5, 2, NaN]);
    expect(vals(ew.clip(x, null, 0))).toEqual([-2, -0.5, 0, 0, NaN]);
    expect(ew.clip(x)).toBe(x);
    const ci = ew.clip(i32([-5, 5]), 0, 3);
    expect([ci.dtype, vals(ci)]).toEqual(["int32", [0, 3]]);
    expect(ew.clip(i32([-5, 5]), 0.5).dtype).toBe("float32");
    expect(vals(ew.clip(f([5, -5, 0]), f([0, 1, 2]), [[1], [4]]))).toEqual([1, 1, 1, 4, 1, 2]);
  });
});

describe("logical ops", () => {
  it("read operands as nonzero (NaN is true), any dtype, result bool", () => {
    expect(vals(ew.logicalNot(f([0, -0, NaN, 2])))).toEqual([1, 1, 0, 0]);
    expect(vals(ew.logicalAnd(f([NaN, 0, 1]), i32([1, 1, 0])))).toEqual([1, 0, 0]);
    expect(vals(ew.logicalOr(u32a([0, 0, 7]), 0))).toEqual([0, 0, 1]);
    expect(vals(ew.logicalOr(b([false, true]), false))).toEqual([0, 1]);
    expect(ew.logicalAnd(1, 0).dtype).toBe("bool");
    expect(ew.logicalAnd(1, 0).item()).toBe(false);
  });
});

describe("where", () => {
  it("broadcasts condition, x and y three ways", () => {
    const cond = new NDArray(Uint8Array.from([1, 0, 1]), [3, 1], "bool");
    const x = f([1, 2, 3, 4]);
    const y = new NDArray(Float32Array.from([-1, -2]), [2, 1, 1], "float32");
    const r = ew.where(cond, x, y);
    expect(r.shape).toEqual([2, 3, 4]);
    expect(vals(r)).toEqual([1, 2, 3, 4, -1, -1, -1, -1, 1, 2, 3, 4, 1, 2, 3, 4, -2, -2, -2, -2, 1, 2, 3, 4]);
  });
  it("casts the condition to bool as nonzero (NaN true) and promotes x with y", () => {
    const r = ew.where(f([0, 2, NaN, -0]), 1, 0);
    expect([r.dtype, vals(r)]).toEqual(["float32", [0, 1, 1, 0]]);
    expect(ew.where(b([true]), true, false).dtype).toBe("bool");
    const m = ew.where(b([true, false]), i32([1, 2]), 2.5);
    expect([m.dtype, vals(m)]).toEqual(["float32", [1, 2.5]]);
    const n = ew.where(b([true, false]), i32([1, 2]), 7);
    expect([n.dtype, vals(n)]).toEqual(["int32", [1, 7]]);
  });
});

describe("fma", () => {
  it("rounds a*b+c once", () => {
    const e = 1 + 2 ** -12;
    expect(ew.fma(f([e]), f([e]), f([-(1 + 2 ** -11)])).item()).toBe(2 ** -24);
    // separately rounded, the product is 1 + 2^-11 and the result 0
    expect(ew.add(ew.multiply(f([e]), f([e])), f([-(1 + 2 ** -11)])).item()).toBe(0);
  });
  it("broadcasts three ways and takes numbers", () => {
    const r = ew.fma(f([1, 2]), [[3], [4]], 0.5);
    expect([r.dtype, r.shape, vals(r)]).toEqual(["float32", [2, 2], [3.5, 6.5, 4.5, 8.5]]);
    expect(ew.fma(i32([2]), i32([3]), i32([1])).dtype).toBe("float32");
  });
});

// ---------------------------------------------------------------------------------------------
// Broadcasting, against a naive per-element reference

function naiveBinary(a: NDArray, bb: NDArray, fn: (x: number, y: number) => number): { shape: number[]; data: number[] } {
  const nd = Math.max(a.ndim, bb.ndim);
  const pad = (s: number[]) => [...new Array(nd - s.length).fill(1), ...s];
  const sa = pad(a.shape);
  const sb = pad(bb.shape);
  const shape = sa.map((d, i) => Math.max(d, sb[i]));
  const size = shape.reduce((p, d) => p * d, 1);
  const data: number[] = [];
  for (let lin = 0; lin < size; lin++) {
    let rem = lin;
    let ia = 0;
    let ib = 0;
    let mulA = 1;
    let mulB = 1;
    for (let d = nd - 1; d >= 0; d--) {
      const idx = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
      ia += (sa[d] === 1 ? 0 : idx) * mulA;
      ib += (sb[d] === 1 ? 0 : idx) * mulB;
      mulA *= sa[d];
      mulB *= sb[d];
    }
    data.push(Math.fround(fn(a.data[ia], bb.data[ib])));
  }
  return { shape, data };
}

describe("strided broadcasting", () => {
  // xorshift for reproducible shapes
  let s = 12345;
  const rnd = (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
  const randArr = (shape: number[]) => {
    const n = shape.reduce((p, d) => p * d, 1);
    return new NDArray(Float32Array.from({ length: n }, () => rnd(2001) / 100 - 10), shape, "float32");
  };
  const cases: [number[], number[]][] = [];
  for (let t = 0; t < 60; t++) {
    const nd = 1 + rnd(5);
    const out = Array.from({ length: nd }, () => 1 + rnd(4));
    const sa = out.map((d) => (rnd(3) === 0 ? 1 : d)).slice(rnd(2));
    const sb = out.map((d) => (rnd(3) === 0 ? 1 : d)).slice(rnd(3) === 0 ? rnd(nd) : 0);
    cases.push([sa, sb]);
  }
  it.each(cases)("%j with %j", (sa, sb) => {
    const a = randArr(sa);
    const c = randArr(sb);
    for (const [op, fn] of [
      ["add", (x: number, y: number) => x + y],
      ["subtract", (x: number, y: number) => x - y],
      ["arctan2", Math.atan2],
    ] as const) {
      const want = naiveBinary(a, c, fn);
      const got = OPS[op](a, c);
      expect(got.shape).toEqual(want.shape);
      expect(vals(got)).toEqual(want.data);
      const rev = naiveBinary(c, a, fn);
      expect(vals(OPS[op](c, a))).toEqual(rev.data);
    }
  });
  it("zero-size outputs", () => {
    const r = ew.add(zeros([0, 3]), zeros([2, 1, 1]));
    expect(r.shape).toEqual([2, 0, 3]);
    expect(r.size).toBe(0);
    expect(ew.exp(zeros([0])).shape).toEqual([0]);
  });
  it("size-1 arrays act as scalars but keep their rank", () => {
    const r = ew.multiply(new NDArray(Float32Array.from([2]), [1, 1, 1], "float32"), f([1, 2, 3]));
    expect([r.shape, vals(r)]).toEqual([[1, 1, 3], [2, 4, 6]]);
  });
  it("results are fresh arrays: inputs are never written", () => {
    const a = f([1, 2, 3]);
    const r = ew.add(a, 0);
    // (not.toBe would deep-compare on success, iterating the arrays)
    expect(r === a).toBe(false);
    expect(r.data === a.data).toBe(false);
    expect(vals(a)).toEqual([1, 2, 3]);
  });
});

// ---------------------------------------------------------------------------------------------
// Errors

describe("errors name the op and the shapes", () => {
  it("binary shape mismatch", () => {
    expect(() => ew.add(zeros([3]), zeros([4]))).toThrow(new TypeError("add: shapes (3,) and (4,) cannot be broadcast"));
    expect(() => ew.multiply(zeros([2, 3]), zeros([3, 2]))).toThrow("multiply: shapes (2, 3) and (3, 2) cannot be broadcast");
    expect(() => ew.less(zeros([2]), [1, 2, 3])).toThrow("less: shapes (2,) and (3,) cannot be broadcast");
  });
  it("three-way shape mismatch (where, fma) and clip", () => {
    expect(() => ew.where(zeros([3]), zeros([4]), 0)).toThrow("where: shapes (3,) and (4,) and () cannot be broadcast");
    expect(() => ew.fma(zeros([2]), zeros([2]), zeros([5]))).toThrow("fma: shapes (2,) and (2,) and (5,) cannot be broadcast");
    expect(() => ew.clip(zeros([3]), zeros([2]))).toThrow("clip: shapes (2,) and (3,) cannot be broadcast");
  });
  it("dtype errors", () => {
    expect(() => ew.negative(b([true]))).toThrow(new TypeError("negative: does not accept dtype bool (got shape (1,))"));
    expect(() => ew.negative(true)).toThrow("negative: does not accept dtype bool (got shape ())");
    expect(() => ew.sign(b([true, false]))).toThrow("sign: does not accept dtype bool (got shape (2,))");
    expect(() => ew.subtract(true, b([true]))).toThrow("subtract: does not accept dtype bool (got shapes () and (1,))");
  });
  it("operands that are not ArrayLike", () => {
    expect(() => ew.add(zeros([2]), "x" as unknown as ArrayLike)).toThrow(new TypeError("add: cannot convert string to an array"));
    expect(() => ew.exp(undefined as unknown as ArrayLike)).toThrow("exp: cannot convert undefined to an array");
    expect(() => ew.exp({} as unknown as ArrayLike)).toThrow("exp: cannot convert Object to an array");
  });
  it("ragged lists", () => {
    expect(() => ew.add([[1, 2], [3]], 1)).toThrow(TypeError);
    expect(() => ew.add([[1, 2], [3]], 1)).toThrow(/^add: ragged nested list: .*\(lengths 2 and 1\)$/);
  });
});

// ---------------------------------------------------------------------------------------------
// Without eval (a strict Content-Security-Policy): generic loops give the same results

describe("without new Function", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  it("falls back to generic loops with identical results", async () => {
    vi.resetModules();
    const fresh = (await import("../../runtime/numpy/elementwise.js")) as unknown as Record<string, (...a: ArrayLike[]) => NDArray>;
    const freshCreation = await import("../../runtime/numpy/creation.js");
    const A = freshCreation.asArray([[0.5, -1.25, 3], [2, 0, -7]]);
    const B = freshCreation.asArray([[1.5], [-2]]);
    const C = freshCreation.asArray([1, 2, 3]);
    const expected = {
      add: vals(ew.add(array([[0.5, -1.25, 3], [2, 0, -7]]), array([[1.5], [-2]]))),
      tanh: vals(ew.tanh(array([[0.5, -1.25, 3], [2, 0, -7]]))),
      mulScalar: vals(ew.multiply(array([[0.5, -1.25, 3], [2, 0, -7]]), 0.1)),
      where: vals(ew.where(array([[1.5], [-2]]), array([[0.5, -1.25, 3], [2, 0, -7]]), array([1, 2, 3]))),
      fma: vals(ew.fma(array([[0.5, -1.25, 3], [2, 0, -7]]), array([1, 2, 3]), array([[1.5], [-2]]))),
    };
    vi.stubGlobal("Function", function NoEval() {
      throw new EvalError("Refused to evaluate a string as JavaScript (CSP)");
    });
    expect(Array.from(fresh.add(A, B).data)).toEqual(expected.add);
    expect(Array.from(fresh.tanh(A).data)).toEqual(expected.tanh);
    expect(Array.from(fresh.multiply(A, 0.1).data)).toEqual(expected.mulScalar);
    expect(Array.from(fresh.where(B, A, C).data)).toEqual(expected.where);
    expect(Array.from(fresh.fma(A, C, B).data)).toEqual(expected.fma);
  });
});

describe("bitwise ops", () => {
  it("and, or, xor, not on int32, uint32 and bool (values as NumPy's); floats are a TypeError", () => {
    const a = array([12, -7, 255], { dtype: "int32" }), b = array([10, 3, 15], { dtype: "int32" });
    expect(ew.bitwiseAnd(a, b).tolist()).toEqual([8, 1, 15]);
    expect(ew.bitwiseOr(a, b).tolist()).toEqual([14, -5, 255]);
    expect(ew.bitwiseXor(a, b).tolist()).toEqual([6, -6, 240]);
    expect(ew.bitwiseNot(a).tolist()).toEqual([-13, 6, -256]);
    const u = array([4294967295, 1], { dtype: "uint32" });
    expect(ew.bitwiseAnd(u, array([4294901760, 3], { dtype: "uint32" })).tolist()).toEqual([4294901760, 1]);
    expect(ew.invert(u).tolist()).toEqual([0, 4294967294]);
    expect(ew.bitwiseXor(array([true, false, true]), array([true, true, false])).tolist()).toEqual([false, true, true]);
    expect(() => ew.bitwiseAnd(array([1.5]), 1)).toThrow(/bitwiseAnd: does not accept dtype float32/);
  });
});
