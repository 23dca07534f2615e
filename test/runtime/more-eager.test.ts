// The eager-only additions of runtime/numpy/more-eager.ts: constants and dtype facts, shape
// queries, one-answer comparisons, integer bit operations, arrays made from numbers, and the
// functions that take a function (values as NumPy gives them; errors name the function).
import { describe, expect, it } from "vitest";
import { numpy as jnp } from "../../runtime/index.js";

const i32 = (v: number[]) => jnp.array(v, { dtype: "int32" });

describe("constants and dtypes", () => {
  it("as jax-js spells them", () => {
    expect([jnp.e, jnp.pi, jnp.inf, jnp.eulerGamma]).toEqual([Math.E, Math.PI, Infinity, 0.5772156649015329]);
    expect(Number.isNaN(jnp.nan)).toBe(true);
    expect([jnp.float32, jnp.int32, jnp.uint32, jnp.bool, jnp.DType.Float32]).toEqual(["float32", "int32", "uint32", "bool", "float32"]);
    expect(jnp.zeros([2], { dtype: jnp.int32 }).dtype).toBe("int32");
  });
  it("finfo of float16 and float64 equals NumPy's", () => {
    // np.finfo(np.float16) / np.finfo(np.float64)
    const h = jnp.finfo(jnp.float16);
    expect([h.bits, h.eps, h.epsneg, h.machep, h.max, h.maxexp, h.minexp, h.negep, h.nexp, h.nmant, h.precision, h.resolution, h.smallestNormal, h.smallestSubnormal]).toEqual([16, 0.0009765625, 0.00048828125, -10, 65504, 16, -14, -11, 5, 10, 3, 0.001, 6.103515625e-5, 5.960464477539063e-8]);
    const d = jnp.finfo(jnp.float64);
    expect([d.bits, d.eps, d.epsneg, d.machep, d.max, d.maxexp, d.minexp, d.negep, d.nexp, d.nmant, d.precision, d.resolution, d.smallestNormal, d.smallestSubnormal]).toEqual([64, 2.220446049250313e-16, 1.1102230246251565e-16, -52, 1.7976931348623157e308, 1024, -1022, -53, 11, 52, 15, 1e-15, 2.2250738585072014e-308, 5e-324]);
    expect(() => jnp.finfo("int32")).toThrow(/finfo: "int32" is not a float dtype \(float16, float32, float64\)/);
  });
  it("promoteTypes resultType finfo iinfo", () => {
    expect(jnp.promoteTypes("bool", "int32")).toBe("int32");
    expect(jnp.promoteTypes("uint32", "int32")).toBe("int32");
    expect(jnp.promoteTypes("int32", "float32")).toBe("float32");
    expect(jnp.resultType(i32([1]), 2)).toBe("int32");
    expect(jnp.resultType(i32([1]), 1.5)).toBe("float32");
    expect(jnp.resultType(jnp.array([true]), 1)).toBe("int32");
    expect(jnp.resultType(1, 2)).toBe("float32");
    expect(jnp.resultType(true, "uint32")).toBe("uint32");
    const f = jnp.finfo("float32");
    expect([f.eps, f.max, f.smallestNormal, f.bits, f.nmant]).toEqual([2 ** -23, 3.4028234663852886e38, 2 ** -126, 32, 23]);
    expect(jnp.iinfo("int32")).toMatchObject({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    expect(jnp.iinfo("uint32")).toMatchObject({ min: 0, max: 2 ** 32 - 1 });
    expect(() => jnp.iinfo("float32")).toThrow(/iinfo: "float32" is not an integer dtype/);
  });
});

describe("shape queries and one-answer comparisons", () => {
  const x = jnp.zeros([2, 3, 4]);
  it("ndim shape size isscalar broadcastShapes", () => {
    expect([jnp.ndim(x), jnp.shape(x), jnp.size(x), jnp.size(x, -1), jnp.ndim(3)]).toEqual([3, [2, 3, 4], 24, 4, 0]);
    expect([jnp.isscalar(1), jnp.isscalar(true), jnp.isscalar(jnp.array(2)), jnp.isscalar(jnp.array([2])), jnp.isscalar("a")]).toEqual([true, true, true, false, false]);
    expect(jnp.broadcastShapes([2, 1, 4], [3, 1], [4])).toEqual([2, 3, 4]);
    expect(() => jnp.broadcastShapes([2, 3], [4])).toThrow(/broadcastShapes/);
  });
  it("allclose arrayEqual arrayEquiv", () => {
    const a = jnp.array([1, 2, NaN]);
    expect(jnp.allclose([1, 2], [1, 2 + 1e-6])).toBe(true);
    expect(jnp.allclose([1, 2], [1, 2.1])).toBe(false);
    expect(jnp.allclose(a, a)).toBe(false);
    expect(jnp.allclose(a, a, { equalNaN: true })).toBe(true);
    expect(jnp.arrayEqual(a, a).item()).toBe(false);
    expect(jnp.arrayEqual(a, a, { equalNaN: true }).item()).toBe(true);
    expect(jnp.arrayEqual(jnp.ones([2]), jnp.ones([1])).item()).toBe(false);
    expect(jnp.arrayEquiv(jnp.ones([2, 2]), jnp.ones([2])).item()).toBe(true);
    expect(jnp.arrayEquiv(jnp.ones([2, 2]), jnp.ones([3])).item()).toBe(false);
  });
});

describe("integer bit operations", () => {
  it("shifts and popcount as NumPy (int32 and uint32)", () => {
    expect(jnp.leftShift(i32([1, 3, -1]), i32([3, 0, 31])).tolist()).toEqual([8, 3, -(2 ** 31)]);
    expect(jnp.bitwiseLeftShift(i32([1]), 32).tolist()).toEqual([0]);
    expect(jnp.rightShift(i32([-16, 16, -1]), 2).tolist()).toEqual([-4, 4, -1]);
    expect(jnp.rightShift(i32([-16]), 40).tolist()).toEqual([-1]);
    expect(jnp.bitwiseRightShift(jnp.array([2 ** 31], { dtype: "uint32" }), 4).tolist()).toEqual([2 ** 27]);
    expect(jnp.bitwiseCount(i32([0, 7, -8, 255])).tolist()).toEqual([0, 3, 1, 8]);
    expect(jnp.bitwiseInvert(i32([0, 5])).tolist()).toEqual([-1, -6]);
    expect(() => jnp.leftShift(jnp.array([1.5]), 1)).toThrow(/leftShift: integer or bool operands only, got float32 \(shape \(1,\)\)/);
  });
});

describe("arrays made from numbers", () => {
  it("identity tri indices diagIndices", () => {
    expect(jnp.identity(2).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(jnp.identity(2, { dtype: "int32" }).dtype).toBe("int32");
    expect(jnp.tri(2, 3, -1, { dtype: "int32" }).tolist()).toEqual([[0, 0, 0], [1, 0, 0]]);
    const g = jnp.indices([2, 3]) as ReturnType<typeof jnp.zeros>;
    expect([g.shape, g.dtype, g.tolist()]).toEqual([[2, 2, 3], "int32", [[[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]]]]);
    const [r, c] = jnp.indices([2, 3], { sparse: true }) as ReturnType<typeof jnp.zeros>[];
    expect([r.tolist(), c.tolist()]).toEqual([[[0], [1]], [[0, 1, 2]]]);
    expect(jnp.diagIndices(3, 3).map((a) => a.tolist())).toEqual([[0, 1, 2], [0, 1, 2], [0, 1, 2]]);
    expect(jnp.diagIndicesFrom(jnp.zeros([2, 2])).map((a) => a.tolist())).toEqual([[0, 1], [0, 1]]);
    expect(() => jnp.diagIndicesFrom(jnp.zeros([2, 3]))).toThrow(/diagIndicesFrom: .*shape \(2, 3\)/);
  });
  it("windows of one and zero points; geomspace's ends", () => {
    expect(jnp.hann(1).tolist()).toEqual([1]);
    expect(jnp.bartlett(0).shape).toEqual([0]);
    expect(jnp.geomspace(1, 1000, 4).tolist()).toEqual([1, 10, 100, 1000]);
    expect(() => jnp.geomspace(-1, 10, 3)).toThrow(/geomspace: the ends must have the same sign/);
  });
  it("frexp splits exactly (powers of two included)", () => {
    const x = jnp.array([8, 1, 0.75, -5, 2 ** -130, 0, Infinity]);
    const [m, e] = jnp.frexp(x);
    expect(m.tolist()).toEqual([0.5, 0.5, 0.75, -0.625, 0.5, 0, Infinity]);
    expect(e.tolist()).toEqual([4, 1, 0, 3, -129, 0, 0]);
    expect(jnp.ldexp(m, e).tolist()).toEqual(x.tolist());
  });
});

describe("functions that take a function, and unstack", () => {
  const x = jnp.reshape(jnp.arange(6), [2, 3]);
  it("unstack fromfunction applyAlongAxis applyOverAxes", () => {
    expect(jnp.unstack(x, 1).map((a) => a.tolist())).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(() => jnp.unstack(jnp.array(1))).toThrow(/unstack: x must have at least one axis/);
    expect(jnp.fromfunction((i, j) => jnp.add(jnp.multiply(i, 10), j), [2, 3]).tolist()).toEqual([[0, 1, 2], [10, 11, 12]]);
    expect(jnp.applyAlongAxis((v) => jnp.sum(v), 0, x).tolist()).toEqual([3, 5, 7]);
    expect(jnp.applyAlongAxis((v) => jnp.stack([jnp.min(v), jnp.max(v)]), 1, x).tolist()).toEqual([[0, 2], [3, 5]]);
    expect(jnp.applyAlongAxis((v) => jnp.stack([jnp.min(v), jnp.max(v)]), 0, x).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(jnp.applyOverAxes((a, ax) => jnp.sum(a, ax), x, [0, 1]).tolist()).toEqual([[15]]);
    expect(() => jnp.var_(x, 0, { mean: 1 })).toThrow(/var_: the mean option is not supported yet/);
    expect(() => jnp.applyOverAxes(() => jnp.zeros([5, 5, 5]), x, [0])).toThrow(/applyOverAxes: func returned shape \(5, 5, 5\) for an array of shape \(2, 3\)/);
  });
});
