import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { NDArray } from "../../runtime/array.js";
import * as random from "../../runtime/random/index.js";
import * as tree from "../../runtime/tree.js";
import { TreeDef } from "../../runtime/tree.js";

const arr = (...xs: number[]) => new NDArray(Float32Array.from(xs), [xs.length], "float32");
/** Leaves compared by identity (vitest's toEqual would iterate NDArrays and keys element-wise). */
const expectSame = (got: unknown[], want: unknown[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBe(want[i]));
};

describe("flatten / unflatten", () => {
  it("flattens depth first with object keys sorted, as JAX sorts dict keys", () => {
    const W = arr(1, 2, 3);
    const [leaves, def] = tree.flatten({ b: 2, W, a: [3, { z: 4, y: 5 }] });
    expectSame(leaves, [W, 3, 5, 4, 2]);
    expect(String(def)).toBe("PyTreeDef({'W': *, 'a': [*, {'y': *, 'z': *}], 'b': *})");
    expect(def.numLeaves).toBe(5);
  });

  it("round-trips, rebuilding objects with sorted keys and arrays as arrays", () => {
    const W = arr(1, 2);
    const t = { params: { W, b: 0.5 }, opt: [1, [2, 3]], flag: true, name: "net" };
    const [leaves, def] = tree.flatten(t);
    const back = tree.unflatten(def, leaves);
    expect(back === t).toBe(false);
    expect(back.params.W).toBe(W);
    expect({ ...back, params: { ...back.params, W: null } }).toEqual({ ...t, params: { ...t.params, W: null } });
    expect(Object.keys(back)).toEqual(["flag", "name", "opt", "params"]);
    expect(Array.isArray(back.opt)).toBe(true);
    expect(def.unflatten(leaves).opt).toEqual([1, [2, 3]]);
    expect(tree.unflatten(def, new Set(leaves)).params.W).toBe(W); // any iterable of leaves
  });

  it("treats NDArrays, keys, numbers, booleans, strings and class instances as leaves", () => {
    class Box {
      constructor(public v: number) {}
    }
    const key = random.key(0);
    const box = new Box(1);
    const fn = () => 1;
    const m = new Map([[1, 2]]);
    const a = arr(1);
    const ks = random.split(key, 2);
    const all = [a, key, ks, 1, false, "s", box, fn, m, 2n];
    expectSame(tree.leaves(all), all);
    expect(tree.structure(box).toString()).toBe("PyTreeDef(*)");
    expect(tree.flatten(3)).toEqual([[3], tree.structure(4)]);
  });

  it("null and undefined are empty nodes: no leaves, preserved on unflatten", () => {
    const t = { a: null, b: [1, undefined, null], c: 2 };
    const [leaves, def] = tree.flatten(t);
    expect(leaves).toEqual([1, 2]);
    expect(String(def)).toBe("PyTreeDef({'a': null, 'b': [*, undefined, null], 'c': *})");
    const back = tree.unflatten(def, [10, 20]);
    expect(back).toEqual({ a: null, b: [10, undefined, null], c: 20 });
    expect("a" in back && back.a === null).toBe(true);
    expect(back.b[1]).toBeUndefined();
    expect(back.b.length).toBe(3);
    expect(tree.flatten(null)).toEqual([[], tree.structure(null)]);
    expect(String(tree.structure(null))).toBe("PyTreeDef(null)");
    expect(tree.unflatten(tree.structure(undefined), [])).toBeUndefined();
  });

  it("handles empty containers and null-prototype objects", () => {
    expect(String(tree.structure([]))).toBe("PyTreeDef([])");
    expect(String(tree.structure({}))).toBe("PyTreeDef({})");
    expect(tree.leaves({ a: [], b: {} })).toEqual([]);
    const bare = Object.assign(Object.create(null), { y: 1, x: 2 });
    expect(tree.leaves(bare)).toEqual([2, 1]);
    expect(String(tree.structure({ "it's": 1 }))).toBe("PyTreeDef({'it\\'s': *})");
  });

  it("isLeaf stops the descent", () => {
    const t = { a: [1, 2], b: [3, [4]] };
    const [leaves, def] = tree.flatten(t, (x) => Array.isArray(x) && x.length === 2);
    expect(leaves).toEqual([[1, 2], [3, [4]]]);
    expect(String(def)).toBe("PyTreeDef({'a': *, 'b': *})");
    expect(tree.leaves([null, 1], (x) => x === null)).toEqual([null, 1]);
  });

  it("unflatten with the wrong number of leaves names expected and got counts", () => {
    const def = tree.structure({ W: 1, b: 2, c: [3] });
    expect(() => tree.unflatten(def, [1, 2])).toThrow(TypeError);
    expect(() => tree.unflatten(def, [1, 2])).toThrow(
      "tree.unflatten: the structure PyTreeDef({'W': *, 'b': *, 'c': [*]}) expects 3 leaves, got 2",
    );
    expect(() => tree.unflatten(def, [1, 2, 3, 4])).toThrow("expects 3 leaves, got 4");
    expect(() => tree.unflatten({} as any, [])).toThrow(/expected a TreeDef/);
    expect(() => tree.unflatten(def, 3 as any)).toThrow(/leaves must be an array/);
  });

  it("reports cycles instead of overflowing the stack", () => {
    const t: any = { a: [1] };
    t.a.push(t);
    expect(() => tree.flatten(t)).toThrow("tree.flatten: the tree contains a cycle at ['a'][1]");
    const shared = [1, 2];
    expect(tree.leaves({ x: shared, y: shared })).toEqual([1, 2, 1, 2]); // shared, not cyclic
  });
});

describe("TreeDef", () => {
  it("equals compares structure, not leaves", () => {
    const a = tree.structure({ W: arr(1), b: [1, 2] });
    const b = tree.structure({ b: [5, 6], W: 7 });
    expect(a.equals(b)).toBe(true);
    expect(a.equals(tree.structure({ W: 1, b: [1] }))).toBe(false);
    expect(a.equals(tree.structure({ W: 1, c: [1, 2] }))).toBe(false);
    expect(a.equals(tree.structure({ W: 1, b: { 0: 1, 1: 2 } }))).toBe(false);
    expect(tree.structure(null).equals(tree.structure(undefined))).toBe(false);
    expect(tree.structure([null]).equals(tree.structure([null]))).toBe(true);
    expect(tree.structure(1).equals(tree.structure(arr(1, 2)))).toBe(true);
    expect(a.equals("PyTreeDef" as any)).toBe(false);
    expect(a).toBeInstanceOf(TreeDef);
  });

  it("prints like JAX's PyTreeDef and counts nodes", () => {
    const d = tree.structure({ W: arr(1, 2, 3), b: arr(4) });
    expect(String(d)).toBe("PyTreeDef({'W': *, 'b': *})");
    expect(inspect(d)).toBe("PyTreeDef({'W': *, 'b': *})");
    expect(String(tree.structure([1, [2, 3], { k: null }]))).toBe("PyTreeDef([*, [*, *], {'k': null}])");
    expect(d.numNodes).toBe(3);
    expect(tree.structure([1, null, [2]]).numNodes).toBe(5);
  });
});

describe("map", () => {
  it("maps one tree, keeping the structure", () => {
    const t = { W: [1, 2], b: 3, n: null };
    expect(tree.map((x: number) => x * 10, t)).toEqual({ W: [10, 20], b: 30, n: null });
  });

  it("maps several trees leaf by leaf (an SGD step)", () => {
    const params = { W: arr(1, 2), b: arr(3) };
    const grads = { b: arr(1), W: arr(10, 20) };
    const out = tree.map((p: NDArray, g: NDArray) => p.sub(g.mul(0.5)), params, grads);
    expect(Array.from(out.W.data)).toEqual([-4, -8]);
    expect(Array.from(out.b.data)).toEqual([2.5]);
    expect(tree.map((a: number, b: number, c: number) => a + b + c, [1, [2]], [10, [20]], [100, [200]])).toEqual([
      111,
      [222],
    ]);
  });

  it("passes whole subtrees where the first tree has a leaf (JAX's prefix rule)", () => {
    const seen: unknown[] = [];
    tree.map((x: unknown, y: unknown) => seen.push(y), { a: 1, b: 2 }, { a: [1, 2], b: { c: 3 } });
    expect(seen).toEqual([[1, 2], { c: 3 }]);
  });

  it("names the path of a structure mismatch", () => {
    const f = (x: number) => x;
    expect(() => tree.map(f, { W: [1, 2] }, { W: [1, 2, 3] })).toThrow(TypeError);
    expect(() => tree.map(f, { W: [1, 2] }, { W: [1, 2, 3] })).toThrow(
      "tree.map: structure mismatch at ['W']: expected an array of length 2, got an array of length 3",
    );
    expect(() => tree.map(f, { W: [1, [2, 3]] }, { W: [1, 5] })).toThrow(
      "tree.map: structure mismatch at ['W'][1]: expected an array of length 2, got number 5",
    );
    expect(() => tree.map(f, { W: 1, b: 2 }, { W: 1, c: 2 })).toThrow(
      "tree.map: structure mismatch at the root: expected an object with keys ['W', 'b'], got an object with keys ['W', 'c']",
    );
    expect(() => tree.map(f, { a: null }, { a: 1 })).toThrow("tree.map: structure mismatch at ['a']: expected null, got number 1");
    expect(() => tree.map(f, [undefined], [null])).toThrow("at [0]: expected undefined, got null");
    expect(() => tree.map(f, { W: { x: 1 } }, { W: arr(1, 2) })).toThrow(
      "at ['W']: expected an object with keys ['x'], got a leaf Array of shape (2,)",
    );
    expect(() => tree.map(f, [1], [1], { 0: 1 })).toThrow("at the root: expected an array of length 1, got an object with keys ['0']");
    expect(() => tree.map(3 as any, [1])).toThrow("tree.map: f must be a function, got number 3");
  });
});

describe("leaves, structure, reduce", () => {
  it("leaves and structure agree with flatten", () => {
    const t = { z: [1, 2], a: { q: 3 } };
    const [l, d] = tree.flatten(t);
    expect(tree.leaves(t)).toEqual(l);
    expect(tree.structure(t).equals(d)).toBe(true);
    expect(tree.leaves(t)).toEqual([3, 1, 2]);
  });

  it("reduce folds over the leaves in order", () => {
    expect(tree.reduce((a: number, b: number) => a + b, { a: 1, b: [2, 3] }, 0)).toBe(6);
    expect(tree.reduce((a: string, b: string) => a + b, { b: "y", a: ["x", "z"] })).toBe("xzy");
    expect(() => tree.reduce((a: number) => a, {})).toThrow("tree.reduce: a tree with no leaves and no initial value");
    expect(tree.reduce((a: number, b: number) => a + b, [], 5)).toBe(5);
  });
});
