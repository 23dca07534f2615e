import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import type { ArrayLike } from "../../runtime/array.js";
import type { DType } from "../../runtime/dtype.js";
import { castScalar, DTYPES } from "../../runtime/dtype.js";
import {
  arange,
  array,
  asArray,
  astype,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  zeros,
  zerosLike,
} from "../../runtime/numpy/creation.js";

const vals = (a: NDArray) => Array.from(a.data);
const f = (xs: readonly number[]) => new NDArray(Float32Array.from(xs), [xs.length], "float32");
const i32 = (xs: readonly number[]) => new NDArray(Int32Array.from(xs), [xs.length], "int32");
const u32 = (xs: readonly number[]) => new NDArray(Uint32Array.from(xs), [xs.length], "uint32");
const b = (xs: readonly boolean[]) => new NDArray(Uint8Array.from(xs, Number), [xs.length], "bool");
const summary = (a: NDArray) => [a.dtype, a.shape, vals(a)];

// ---------------------------------------------------------------------------------------------
// asArray / array

describe("asArray", () => {
  it("returns an NDArray itself (no copy)", () => {
    const a = f([1, 2]);
    expect(asArray(a) === a).toBe(true);
  });
  it("numbers are float32 0-d, booleans bool 0-d", () => {
    expect(summary(asArray(2.5))).toEqual(["float32", [], [2.5]]);
    expect(summary(asArray(0.1))).toEqual(["float32", [], [Math.fround(0.1)]]);
    expect(summary(asArray(true))).toEqual(["bool", [], [1]]);
    expect(asArray(NaN).item()).toBeNaN();
    expect(asArray(-Infinity).item()).toBe(-Infinity);
  });
  it("nested lists: float32 with any number, bool when all booleans", () => {
    expect(summary(asArray([[1, 2, 3], [4, 5, 6]]))).toEqual(["float32", [2, 3], [1, 2, 3, 4, 5, 6]]);
    expect(summary(asArray([[true], [false]]))).toEqual(["bool", [2, 1], [1, 0]]);
    expect(summary(asArray([true, 2]))).toEqual(["float32", [2], [1, 2]]);
    expect(summary(asArray([]))).toEqual(["float32", [0], []]);
    expect(summary(asArray([[], []]))).toEqual(["float32", [2, 0], []]);
  });
  it("lists of NDArrays stack them and promote their dtypes", () => {
    expect(summary(asArray([f([1, 2]), f([3, 4])]))).toEqual(["float32", [2, 2], [1, 2, 3, 4]]);
    expect(summary(asArray([i32([1, 2]), i32([3, 4])]))).toEqual(["int32", [2, 2], [1, 2, 3, 4]]);
    expect(summary(asArray([i32([1, 2]), [3, 4]]))).toEqual(["int32", [2, 2], [1, 2, 3, 4]]);
    expect(summary(asArray([i32([1, 2]), [3.5, 4]]))).toEqual(["float32", [2, 2], [1, 2, 3.5, 4]]);
    expect(summary(asArray([b([true]), b([false])]))).toEqual(["bool", [2, 1], [1, 0]]);
    expect(summary(asArray([b([true]), i32([7])]))).toEqual(["int32", [2, 1], [1, 7]]);
    const zero_d = asArray(3);
    expect(summary(asArray([zero_d, 4]))).toEqual(["float32", [2], [3, 4]]);
  });
  it("ragged lists throw naming the op and the lengths", () => {
    expect(() => asArray([[1, 2], [3]])).toThrow(TypeError);
    expect(() => asArray([[1, 2], [3]])).toThrow(
      "array: ragged nested list: element 0 has shape (2,) but element 1 has shape (1,) (lengths 2 and 1)",
    );
    expect(() => asArray([[1, 2], 3], "jnp.sum")).toThrow(/^jnp\.sum: ragged nested list: .*\(lengths 2 and scalar\)$/);
    expect(() => asArray([f([1, 2]), f([1, 2, 3])])).toThrow("(lengths 2 and 3)");
  });
  it("non-array values throw naming the op", () => {
    expect(() => asArray("1" as unknown as ArrayLike)).toThrow(new TypeError("array: cannot convert string to an array"));
    expect(() => asArray(null as unknown as ArrayLike, "exp")).toThrow("exp: cannot convert null to an array");
    expect(() => asArray([1, {}] as unknown as ArrayLike)).toThrow("array: cannot convert Object to an array");
  });
});

describe("array", () => {
  it("always copies", () => {
    const a = f([1, 2]);
    const c = array(a);
    expect(c === a).toBe(false);
    expect(c.data === a.data).toBe(false);
    expect(summary(c)).toEqual(["float32", [2], [1, 2]]);
  });
  it("takes a dtype", () => {
    expect(summary(array([1, 2], { dtype: "int32" }))).toEqual(["int32", [2], [1, 2]]);
    // numbers go straight to the dtype, not through float32
    expect(vals(array([16777217, -1.7, 1.7], { dtype: "int32" }))).toEqual([16777217, -1, 1]);
    expect(summary(array([0, 2, NaN], { dtype: "bool" }))).toEqual(["bool", [3], [0, 1, 1]]); // NaN is true
    expect(summary(array(f([1.5, -1.5]), { dtype: "int32" }))).toEqual(["int32", [2], [1, -1]]);
    expect(summary(array([true, false], { dtype: "float32" }))).toEqual(["float32", [2], [1, 0]]);
    expect(summary(array(3, { dtype: "uint32" }))).toEqual(["uint32", [], [3]]);
  });
  it("an unknown dtype is a TypeError naming it", () => {
    expect(() => array([1], { dtype: "int8" as DType })).toThrow(
      new TypeError('array: unknown dtype "int8" (expected one of float32, int32, uint32, bool, float16, float64)'),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// astype

describe("astype", () => {
  it("the same dtype returns the array itself", () => {
    const a = i32([1]);
    expect(astype(a, "int32") === a).toBe(true);
  });
  it("float32 → int truncates toward zero, saturates, NaN gives 0 (JAX on CPU)", () => {
    const x = f([1.9, -1.9, 0.5, -0.5, 3e9, -3e9, NaN, Infinity, -Infinity, 2147483520]);
    expect(summary(astype(x, "int32"))).toEqual([
      "int32", [10], [1, -1, 0, 0, 2147483647, -2147483648, 0, 2147483647, -2147483648, 2147483520],
    ]);
    expect(summary(astype(x, "uint32"))).toEqual(["uint32", [10], [1, 0, 0, 0, 3e9, 0, 0, 4294967295, 0, 2147483520]]);
  });
  it("int ↔ uint wraps; int → float32 rounds to nearest", () => {
    expect(vals(astype(i32([-1, -2147483648, 5]), "uint32"))).toEqual([4294967295, 2147483648, 5]);
    expect(vals(astype(u32([4294967295, 2147483648, 5]), "int32"))).toEqual([-1, -2147483648, 5]);
    expect(vals(astype(i32([16777217, 16777219, -2147483647]), "float32"))).toEqual([16777216, 16777220, -2147483648]);
    expect(vals(astype(u32([4294967295]), "float32"))).toEqual([4294967296]);
  });
  it("bool ↔ numbers", () => {
    expect(summary(astype(b([true, false]), "float32"))).toEqual(["float32", [2], [1, 0]]);
    expect(summary(astype(b([true, false]), "uint32"))).toEqual(["uint32", [2], [1, 0]]);
    expect(summary(astype(i32([0, -3, 7]), "bool"))).toEqual(["bool", [3], [0, 1, 1]]);
  });
  it("int and bool sources agree with castScalar element by element", () => {
    const sources = [i32([0, 1, -1, 2147483647, -2147483648, 77]), u32([0, 1, 4294967295, 2147483648]), b([true, false])];
    for (const src of sources) {
      for (const dt of DTYPES) {
        const got = vals(astype(src, dt));
        expect(got, `${src.dtype} → ${dt}`).toEqual(vals(src).map((v) => castScalar(v, dt)));
      }
    }
    // float sources agree with castScalar for bool and float32, and in the int32 range
    const x = f([0, -0, 1.5, -2.5, NaN, Infinity, 1e9, -1e9]);
    for (const dt of ["bool", "int32"] as const) expect(vals(astype(x, dt))).toEqual(vals(x).map((v) => castScalar(v, dt)));
  });
  it("keeps the shape", () => {
    const x = new NDArray(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], "float32");
    expect(astype(x, "int32").shape).toEqual([2, 3]);
  });
  it("an unknown dtype is a TypeError", () => {
    expect(() => astype(f([1]), "int8" as DType)).toThrow('astype: unknown dtype "int8"');
  });
});

// ---------------------------------------------------------------------------------------------
// zeros / ones / full / *Like

describe("filled constructors", () => {
  it("zeros, ones, full with dtypes and shapes", () => {
    expect(summary(zeros(3))).toEqual(["float32", [3], [0, 0, 0]]);
    expect(summary(zeros([2, 2], { dtype: "int32" }))).toEqual(["int32", [2, 2], [0, 0, 0, 0]]);
    expect(summary(zeros([]))).toEqual(["float32", [], [0]]);
    expect(summary(zeros([2, 0]))).toEqual(["float32", [2, 0], []]);
    expect(summary(ones([2, 1], { dtype: "bool" }))).toEqual(["bool", [2, 1], [1, 1]]);
    expect(summary(ones(2, { dtype: "uint32" }))).toEqual(["uint32", [2], [1, 1]]);
    expect(summary(full([3], 0.1))).toEqual(["float32", [3], new Array(3).fill(Math.fround(0.1))]);
    expect(summary(full([2], true))).toEqual(["bool", [2], [1, 1]]);
    expect(summary(full([2], 7.9, { dtype: "int32" }))).toEqual(["int32", [2], [7, 7]]);
    expect(summary(full(2, -1, { dtype: "uint32" }))).toEqual(["uint32", [2], [4294967295, 4294967295]]);
    expect(summary(full([1], NaN))).toEqual(["float32", [1], [NaN]]);
  });
  it("*Like take the shape and dtype of their argument", () => {
    const x = new NDArray(Int32Array.from([1, 2, 3, 4, 5, 6]), [3, 2], "int32");
    expect(summary(zerosLike(x))).toEqual(["int32", [3, 2], [0, 0, 0, 0, 0, 0]]);
    expect(summary(onesLike(x, { dtype: "float32" }))).toEqual(["float32", [3, 2], [1, 1, 1, 1, 1, 1]]);
    expect(summary(fullLike(x, 2.7))).toEqual(["int32", [3, 2], [2, 2, 2, 2, 2, 2]]);
    expect(summary(fullLike([[true, false]], 1))).toEqual(["bool", [1, 2], [1, 1]]);
    expect(summary(zerosLike(3))).toEqual(["float32", [], [0]]);
    expect(summary(onesLike([1, 2]))).toEqual(["float32", [2], [1, 1]]);
  });
  it("bad shapes and dtypes are TypeErrors naming the op and the value", () => {
    expect(() => zeros(-1)).toThrow(
      new TypeError("zeros: invalid dimension -1 in shape -1: dimensions must be non-negative integers"),
    );
    expect(() => ones([2, -3])).toThrow("ones: invalid dimension -3 in shape [2, -3]");
    expect(() => zeros([2.5])).toThrow("zeros: invalid dimension 2.5 in shape [2.5]");
    expect(() => full([NaN], 1)).toThrow("full: invalid dimension NaN in shape [NaN]");
    expect(() => zeros([Infinity])).toThrow("zeros: invalid dimension Infinity");
    expect(() => zeros(["2"] as unknown as number[])).toThrow("zeros: invalid dimension 2 in shape [2]");
    expect(() => zeros(null as unknown as number)).toThrow("zeros: shape must be a number or a list of numbers, got null");
    expect(() => zeros(2, { dtype: "bfloat16" as DType })).toThrow('zeros: unknown dtype "bfloat16"');
    expect(() => onesLike(f([1]), { dtype: "x" as DType })).toThrow('onesLike: unknown dtype "x"');
    expect(() => full(2, "a" as unknown as number)).toThrow("full: fill value must be a number or boolean, got string");
  });
});

// ---------------------------------------------------------------------------------------------
// arange / linspace / eye against NumPy (test/fixtures/gen_elementwise.py)

interface CreationCase {
  fn: "arange" | "linspace" | "eye";
  args: number[];
  opts: Record<string, unknown>;
  out: { dtype: DType; shape: number[]; data: number[] };
}
const creation = JSON.parse(readFileSync(new URL("../fixtures/elementwise_creation.json", import.meta.url), "utf8")) as {
  cases: CreationCase[];
};

describe("arange / linspace / eye against NumPy", () => {
  const named = creation.cases.map((c) => [`${c.fn}(${c.args.join(", ")}) ${JSON.stringify(c.opts)}`, c] as const);
  it.each(named)("%s", (_, c) => {
    let got: NDArray;
    if (c.fn === "arange") {
      const [start, stop, step] = c.args;
      got = arange(start, stop, step, c.opts);
    } else if (c.fn === "linspace") {
      const [start, stop, num] = c.args;
      got = linspace(start, stop, num, c.opts);
    } else {
      const [n, m] = c.args;
      got = eye(n, m, c.opts);
    }
    expect(got.dtype).toBe(c.out.dtype);
    expect(got.shape).toEqual(c.out.shape);
    // bit-exact, sign of zero included
    const want = c.out.data;
    const bad = vals(got).flatMap((v, i) => (Object.is(v, want[i]) ? [] : [`[${i}] got ${v} want ${want[i]}`]));
    expect(bad).toEqual([]);
    expect(got.size).toBe(want.length);
  });
});

describe("arange / linspace / eye specifics", () => {
  it("arange defaults to float32 and takes a dtype", () => {
    expect(summary(arange(3))).toEqual(["float32", [3], [0, 1, 2]]);
    expect(summary(arange(1, 7, 2, { dtype: "int32" }))).toEqual(["int32", [3], [1, 3, 5]]);
    expect(summary(arange(3, undefined, undefined, { dtype: "uint32" }))).toEqual(["uint32", [3], [0, 1, 2]]);
    expect(summary(arange(2, 2))).toEqual(["float32", [0], []]);
  });
  it("arange errors", () => {
    expect(() => arange(0, 5, 0)).toThrow(new TypeError("arange: step must be nonzero, got 0"));
    expect(() => arange(NaN)).toThrow("arange: stop must be a finite number, got NaN"); // arange(stop)
    expect(() => arange(NaN, 1)).toThrow("arange: start must be a finite number, got NaN");
    expect(() => arange(0, 1, -Infinity)).toThrow("arange: step must be a finite number, got -Infinity");
    expect(() => arange(0, Infinity)).toThrow("arange: stop must be a finite number, got Infinity");
    expect(() => arange(0, 3, 1, { dtype: "bool" })).toThrow("arange: dtype bool is not supported");
    expect(() => arange(3, undefined, undefined, { dtype: "int16" as DType })).toThrow('arange: unknown dtype "int16"');
  });
  it("linspace includes stop exactly; endpoint: false leaves it out", () => {
    const l = linspace(0, 0.3, 4);
    expect(l.data[3]).toBe(Math.fround(0.3));
    expect(vals(linspace(0, 1, 4, { endpoint: false }))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(linspace(0, 1).shape).toEqual([50]);
  });
  it("linspace errors", () => {
    expect(() => linspace(0, 1, -1)).toThrow(new TypeError("linspace: num must be a non-negative integer, got -1"));
    expect(() => linspace(0, 1, 2.5)).toThrow("linspace: num must be a non-negative integer, got 2.5");
    expect(() => linspace(0, NaN, 3)).toThrow("linspace: stop must be a finite number, got NaN");
    expect(() => linspace(0, 1, 3, { dtype: "f32" as DType })).toThrow('linspace: unknown dtype "f32"');
  });
  it("eye shapes, diagonals and errors", () => {
    expect(summary(eye(2))).toEqual(["float32", [2, 2], [1, 0, 0, 1]]);
    expect(summary(eye(2, 3, { k: -1, dtype: "int32" }))).toEqual(["int32", [2, 3], [0, 0, 0, 1, 0, 0]]);
    expect(summary(eye(2, null, { k: 1 }))).toEqual(["float32", [2, 2], [0, 1, 0, 0]]);
    expect(() => eye(-2)).toThrow("eye: invalid dimension -2 in shape [-2, -2]");
    expect(() => eye(2, 1.5)).toThrow("eye: invalid dimension 1.5 in shape [2, 1.5]");
    expect(() => eye(2, 2, { k: 0.5 })).toThrow(new TypeError("eye: k must be an integer, got 0.5"));
  });
});
