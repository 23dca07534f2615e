// Shape ops against NumPy (test/fixtures/arrays.json, made by test/fixtures/gen_arrays.py):
// exact, dtype and shape included.

import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import * as sh from "../../runtime/numpy/shape.js";
import { type Enc, fixture, decode, mismatch } from "./arrays-fixture.js";


interface ShapeCase {
  op: string;
  x?: Enc;
  xs?: Enc[];
  axes?: number[] | null;
  shape?: number[];
  axis?: number | number[] | null;
  error?: true;
  expected?: Enc;
}
const cases = fixture.shape as ShapeCase[];

const OPS: Record<string, (c: ShapeCase) => NDArray> = {
  transpose: (c) => sh.transpose(decode(c.x!), c.axes),
  reshape: (c) => sh.reshape(decode(c.x!), c.shape!),
  ravel: (c) => sh.ravel(decode(c.x!)),
  expandDims: (c) => sh.expandDims(decode(c.x!), c.axis as number | number[]),
  squeeze: (c) => sh.squeeze(decode(c.x!), c.axis),
  broadcastTo: (c) => sh.broadcastTo(decode(c.x!), c.shape!),
  concatenate: (c) => sh.concatenate(c.xs!.map(decode), c.axis as number),
  stack: (c) => sh.stack(c.xs!.map(decode), c.axis as number),
};

function check(c: ShapeCase): string | null {
  let got: NDArray;
  try {
    got = OPS[c.op](c);
  } catch (e) {
    if (c.error && e instanceof TypeError && e.message.startsWith(`${c.op}:`)) return null;
    return `threw ${e}`;
  }
  if (c.error) return `returned ${got.dtype}(${got.shape}) where NumPy raises`;
  return mismatch(got, decode(c.expected!));
}

describe("shape ops match NumPy", () => {
  const ops = [...new Set(cases.map((c) => c.op))];
  it("covers every op", () => expect(ops.sort()).toEqual(Object.keys(OPS).sort()));
  for (const op of ops) {
    const mine = cases.filter((c) => c.op === op);
    it(`${op} (${mine.length} cases, ${mine.filter((c) => c.error).length} errors)`, () => {
      const failures = mine.flatMap((c) => {
        const why = check(c);
        const args = JSON.stringify({ axes: c.axes, shape: c.shape, axis: c.axis });
        const ins = c.x ? `(${c.x.shape})` : c.xs!.map((x) => `${x.dtype}(${x.shape})`).join(", ");
        return why ? [`${op} ${ins} ${args}: ${why}`] : [];
      });
      expect(failures).toEqual([]);
    });
  }
});

describe("shape ops: behaviour", () => {
  const a23 = new NDArray(new Float32Array([0, 1, 2, 3, 4, 5]), [2, 3], "float32");
  it("reshape/ravel/squeeze/expandDims share storage; identity ops return the array", () => {
    expect(sh.reshape(a23, [3, 2]).data).toBe(a23.data);
    expect(sh.ravel(a23).data).toBe(a23.data);
    expect(sh.expandDims(a23, 0).data).toBe(a23.data);
    expect(sh.squeeze(sh.expandDims(a23, 1)).data).toBe(a23.data);
    expect(sh.transpose(a23, [0, 1])).toBe(a23);
    expect(sh.broadcastTo(a23, [2, 3])).toBe(a23);
    expect(sh.reshape(a23, 6).shape).toEqual([6]);
  });
  it("accepts nested lists", () => {
    expect(sh.transpose([[1, 2, 3]]).tolist()).toEqual([[1], [2], [3]]);
    expect(sh.concatenate([[1, 2], [3]]).tolist()).toEqual([1, 2, 3]);
    expect(sh.stack([[1, 2], [3, 4]], 1).tolist()).toEqual([[1, 3], [2, 4]]);
  });
  it("errors name the op, the shapes and the axis", () => {
    expect(() => sh.reshape(a23, [4])).toThrow("reshape: cannot reshape array of shape (2, 3) (size 6) into shape (4,)");
    expect(() => sh.reshape(a23, [-1, -1])).toThrow(
      "reshape: cannot reshape array of shape (2, 3) (size 6) into shape (-1, -1): only one dimension can be -1",
    );
    expect(() => sh.reshape(a23, [2, -3])).toThrow(/^reshape: .*\(2, 3\).*invalid dimension -3/);
    expect(() => sh.transpose(a23, [0, 0])).toThrow("transpose: axes [0,0] are not a permutation of the axes of shape (2, 3)");
    expect(() => sh.transpose(a23, [0, 2])).toThrow("transpose: axis 2 is out of bounds for array of shape (2, 3)");
    expect(() => sh.squeeze(a23, 1)).toThrow(
      "squeeze: cannot select an axis to squeeze out which has size not equal to one (axis 1 of shape (2, 3) has size 3)",
    );
    expect(() => sh.squeeze(a23, 2)).toThrow("squeeze: axis 2 is out of bounds for array of shape (2, 3)");
    expect(() => sh.expandDims(a23, 3)).toThrow("expandDims: axis 3 is out of bounds for the result of dimension 3 (input shape (2, 3))");
    expect(() => sh.expandDims(a23, [1, -3])).toThrow("expandDims: repeated axis in [1,-3]");
    expect(() => sh.broadcastTo(a23, [3, 3])).toThrow("broadcastTo: cannot broadcast array of shape (2, 3) to shape (3, 3)");
    expect(() => sh.concatenate([a23, sh.ravel(a23)])).toThrow(
      "concatenate: all input arrays must have the same number of dimensions, got shapes (2, 3), (6,)",
    );
    expect(() => sh.concatenate([a23, sh.reshape(a23, [3, 2])])).toThrow(
      "concatenate: all input array dimensions except for the concatenation axis 0 must match exactly, got shapes (2, 3), (3, 2)",
    );
    expect(() => sh.concatenate([1, 2])).toThrow("concatenate: zero-dimensional arrays cannot be concatenated (shapes (), ())");
    expect(() => sh.concatenate([a23], 2)).toThrow("concatenate: axis 2 is out of bounds for array of shape (2, 3)");
    expect(() => sh.concatenate([])).toThrow("concatenate: need at least one array to concatenate");
    expect(() => sh.stack([a23, sh.reshape(a23, [3, 2])])).toThrow("stack: all input arrays must have the same shape, got (2, 3), (3, 2)");
    expect(() => sh.stack([a23], 3)).toThrow("stack: axis 3 is out of bounds for array of shape (2, 3)");
    expect(() => sh.stack([])).toThrow("stack: need at least one array to stack");
  });
});
