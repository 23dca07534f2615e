// Indexing (index, slice, take) and its transposes against NumPy (test/fixtures/arrays.json,
// made by test/fixtures/gen_arrays.py), and the transposes checked as true adjoints.

import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import type { SliceSpec } from "../../runtime/array.js";
import * as ix from "../../runtime/numpy/indexing.js";
import { type Enc, fixture, decode, mismatch } from "./arrays-fixture.js";


interface IxCase {
  op: "index" | "slice" | "take";
  x: Enc;
  i?: number;
  specs?: SliceSpec[];
  indices?: Enc;
  axis?: number | null;
  error?: true;
  expected?: Enc;
}
const cases = fixture.indexing as IxCase[];

function run(c: IxCase): NDArray {
  const x = decode(c.x);
  if (c.op === "index") return ix.index(x, c.i!);
  if (c.op === "slice") return ix.slice(x, ...c.specs!);
  return ix.take(x, decode(c.indices!), c.axis);
}

describe("indexing matches NumPy", () => {
  for (const op of ["index", "slice", "take"] as const) {
    const mine = cases.filter((c) => c.op === op);
    it(`${op} (${mine.length} cases, ${mine.filter((c) => c.error).length} errors)`, () => {
      expect(mine.length).toBeGreaterThan(5);
      const failures = mine.flatMap((c) => {
        let why: string | null;
        try {
          const got = run(c);
          why = c.error ? `returned (${got.shape}) where NumPy raises` : mismatch(got, decode(c.expected!));
        } catch (e) {
          why = c.error && e instanceof TypeError && e.message.startsWith(`${op}:`) ? null : `threw ${e}`;
        }
        const args = JSON.stringify({ i: c.i, specs: c.specs, indices: c.indices?.data, axis: c.axis });
        return why ? [`${op} (${c.x.shape}) ${args}: ${why}`] : [];
      });
      expect(failures).toEqual([]);
    });
  }
});

interface TrCase {
  op: "indexTranspose" | "sliceTranspose" | "takeTranspose";
  g: Enc;
  shape: number[];
  i?: number;
  specs?: SliceSpec[];
  indices?: Enc;
  axis?: number | null;
  expected: Enc;
}
const trCases = fixture.transposes as TrCase[];

function transpose(c: TrCase, g: NDArray): NDArray {
  if (c.op === "indexTranspose") return ix.indexTranspose(g, c.shape, c.i!);
  if (c.op === "sliceTranspose") return ix.sliceTranspose(g, c.shape, c.specs!);
  return ix.takeTranspose(g, decode(c.indices!), c.axis, c.shape);
}
function forward(c: TrCase, x: NDArray): NDArray {
  if (c.op === "indexTranspose") return ix.index(x, c.i!);
  if (c.op === "sliceTranspose") return ix.slice(x, ...c.specs!);
  return ix.take(x, decode(c.indices!), c.axis);
}

/** Small-integer float32 data: inner products are exact, so adjointness is an equality. */
function ints(shape: readonly number[], seed: number): NDArray {
  let n = 1;
  for (const d of shape) n *= d;
  return new NDArray(Float32Array.from({ length: n }, (_, i) => ((i * 7 + seed * 3) % 11) - 5), shape, "float32");
}
function inner(a: NDArray, b: NDArray): number {
  expect(a.shape).toEqual(b.shape);
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i] * b.data[i];
  return s;
}

describe("transposes of the indexing ops", () => {
  for (const op of ["indexTranspose", "sliceTranspose", "takeTranspose"] as const) {
    const mine = trCases.filter((c) => c.op === op);
    it(`${op} matches NumPy (${mine.length} cases${op === "takeTranspose" ? ", np.add.at" : ""})`, () => {
      expect(mine.length).toBeGreaterThan(2);
      for (const c of mine) {
        const why = mismatch(transpose(c, decode(c.g)), decode(c.expected));
        expect(why, `${op} ${JSON.stringify({ shape: c.shape, i: c.i, specs: c.specs, axis: c.axis })}`).toBeNull();
      }
    });
    it(`${op} is the adjoint: <op(x), g> == <x, ${op}(g)>`, () => {
      mine.forEach((c, k) => {
        const x = ints(c.shape, k);
        const g = ints(c.g.shape, k + 5);
        expect(inner(forward(c, x), g)).toBe(inner(x, transpose(c, g)));
      });
    });
  }
  it("repeated take indices accumulate (in float64, rounded once)", () => {
    const g = new NDArray(new Float32Array([16777216, 1, 1]), [3], "float32");
    const t = ix.takeTranspose(g, [0, 0, 0], null, [2]);
    expect([...t.data]).toEqual([16777218, 0]);
  });
  it("outputs float32 whatever g's dtype", () => {
    const g = new NDArray(new Int32Array([1, 2]), [2], "int32");
    expect(ix.indexTranspose(g, [2, 2], 1).dtype).toBe("float32");
    expect(ix.sliceTranspose(g, [4], [[null, null, 2]]).tolist()).toEqual([1, 0, 2, 0]);
  });
  it("errors name the op and the shapes", () => {
    const g = new NDArray(new Float32Array(3), [3], "float32");
    expect(() => ix.indexTranspose(g, [2, 4], 0)).toThrow(
      "indexTranspose: cotangent of shape (3,) does not match index 0 of shape (2, 4) (expected (4,))",
    );
    expect(() => ix.indexTranspose(g, [2, 3], 2)).toThrow("indexTranspose: index 2 is out of bounds for axis 0 with size 2 (shape (2, 3))");
    expect(() => ix.sliceTranspose(g, [5], [[1, 3]])).toThrow(
      "sliceTranspose: cotangent of shape (3,) does not match the slice of shape (5,) (expected (2,))",
    );
    expect(() => ix.takeTranspose(g, [0, 1], 0, [4])).toThrow(
      "takeTranspose: cotangent of shape (3,) does not match take from shape (4,) with indices of shape (2,) (expected (2,))",
    );
    expect(() => ix.takeTranspose(g, [0, 1, 9], 0, [4])).toThrow("takeTranspose: index 9 is out of bounds for axis 0 with size 4 (shape (4,))");
  });
});

describe("indexing: behaviour", () => {
  const a = new NDArray(Float32Array.from({ length: 12 }, (_, i) => i), [3, 4], "float32");
  it("Python slicing semantics", () => {
    const v = new NDArray(Float32Array.from({ length: 6 }, (_, i) => i), [6], "float32");
    expect(ix.slice(v, [null, null, -1]).tolist()).toEqual([5, 4, 3, 2, 1, 0]);
    expect(ix.slice(v, [-2]).tolist()).toEqual([4, 5]);
    expect(ix.slice(v, [4, 1, -2]).tolist()).toEqual([4, 2]);
    expect(ix.slice(v, [100, undefined, -3]).tolist()).toEqual([5, 2]);
    expect(ix.slice(v, [3, 3]).tolist()).toEqual([]);
    expect(ix.slice(a, 1).tolist()).toEqual([4, 5, 6, 7]);
    expect(ix.slice(a, null, -1).tolist()).toEqual([3, 7, 11]);
    expect(ix.slice(a, [null, null, 2], [1, null, 2]).tolist()).toEqual([[1, 3], [9, 11]]);
    expect(ix.slice(a, 2, 3).shape).toEqual([]);
  });
  it("index counts from the end and iterates as the Array does", () => {
    expect(ix.index(a, -1).tolist()).toEqual([8, 9, 10, 11]);
    expect(ix.index([[1, 2], [3, 4]], 0).tolist()).toEqual([1, 2]);
  });
  it("take: flattened without an axis, JS integer lists as indices, negative from the end", () => {
    expect(ix.take(a, [11, -12]).tolist()).toEqual([11, 0]);
    expect(ix.take(a, [[3], [0]], 1).shape).toEqual([3, 2, 1]);
    expect(ix.take(a, 2, 0).tolist()).toEqual([8, 9, 10, 11]);
  });
  it("errors name the op, the index, the axis and the shape (out of bounds is never clamped)", () => {
    expect(() => ix.index(ix.index(a, 0), 5)).toThrow("index: index 5 is out of bounds for axis 0 with size 4 (shape (4,))");
    expect(() => ix.index(a, -4)).toThrow("index: index -4 is out of bounds for axis 0 with size 3 (shape (3, 4))");
    expect(() => ix.index(a, 1.5)).toThrow("index: index 1.5 is not an integer (axis 0 of shape (3, 4))");
    expect(() => ix.index(3, 0)).toThrow("index: cannot index a 0-d array (shape ()) with 0");
    expect(() => ix.slice(a, 0, 0, 0)).toThrow(
      "slice: too many indices for array: array of shape (3, 4) is 2-dimensional, but 3 were given",
    );
    expect(() => ix.slice(a, null, 4)).toThrow("slice: index 4 is out of bounds for axis 1 with size 4 (shape (3, 4))");
    expect(() => ix.slice(a, [0, 2, 0])).toThrow("slice: slice step cannot be zero (axis 0 of shape (3, 4))");
    expect(() => ix.slice(a, [0.5])).toThrow("slice: slice bounds must be integers or null, got [0.5] on axis 0 of shape (3, 4)");
    expect(() => ix.slice(a, "x" as unknown as SliceSpec)).toThrow('slice: invalid slice spec "x" on axis 0 of shape (3, 4)');
    expect(() => ix.take(a, [12])).toThrow("take: index 12 is out of bounds for axis 0 with size 12 (shape (12,))");
    expect(() => ix.take(a, [0, -4], 0)).toThrow("take: index -4 is out of bounds for axis 0 with size 3 (shape (3, 4))");
    expect(() => ix.take(a, [0], 2)).toThrow("take: axis 2 is out of bounds for array of shape (3, 4)");
    expect(() => ix.take(a, [0.5])).toThrow("take: indices must be integers, got 0.5");
    expect(() => ix.take(a, ix.index(a, 0))).toThrow("take: indices must be an integer array, got dtype float32 (shape (4,))");
    expect(() => ix.take(3, [0], 0)).toThrow("take: axis 0 is out of bounds for array of shape ()");
  });
});
